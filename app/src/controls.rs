//! Transport (play, pause, step, reset), the size slider, presets and the settings form.

use grokking_lab::presets;
use grokking_lab::settings::{self, Group, Kind, SETTINGS, Setting};
use leptos::prelude::*;

use crate::apply;
use crate::i18n::{self, Lang};
use crate::protocol::DevicePreference;
use crate::settings::words;
use crate::settings::{
    BATCH_RUNS_KEY, DEVICE_KEY, EditError, LabSettings, MAX_BATCH_RUNS, MAX_SEEDS, MAX_SIZES,
    MAX_WORKERS, SEEDS_KEY, SIZES_KEY, WORKERS_KEY,
};
use crate::state::{Lab, RunStatus};
use crate::tr;

#[component]
pub fn Transport(lab: Lab) -> impl IntoView {
    let halted = move || lab.halted.get().is_some() || lab.device.get().is_none();
    let toggle = move |_| lab.toggle_playing();
    let step = move |_| {
        lab.enqueue_all();
        lab.playing.set(false);
        lab.step_budget.update(|b| *b += 1);
    };
    let reset = move |_| {
        let keys = lab.reset_current();
        leptos::task::spawn_local(async move { apply::forget_saved(lab, &keys).await });
    };
    view! {
        <div class="transport">
            <button id="play" class="primary" on:click=toggle disabled=halted
                title=move || tr!(lab.lang(), "controls-play-title") aria-keyshortcuts="Space">
                {move || if lab.playing.get() { tr!(lab.lang(), "controls-pause") } else { tr!(lab.lang(), "controls-train") }}
            </button>
            <button id="step" on:click=step disabled=halted title=move || tr!(lab.lang(), "controls-step-title")>
                {move || tr!(lab.lang(), "controls-step")}
            </button>
            <button id="reset" on:click=reset title=move || tr!(lab.lang(), "controls-reset-title")>
                {move || tr!(lab.lang(), "controls-reset")}
            </button>
            <span id="status" class="status">{move || status_line(&lab)}</span>
        </div>
    }
}

fn status_line(lab: &Lab) -> String {
    if let Some(message) = lab.halted.get() {
        return message;
    }
    let lang = lab.lang();
    let queued = lab.queue.with(|queue| {
        lab.runs.with(|runs| {
            queue
                .iter()
                .filter(|c| {
                    runs.get(&c.key())
                        .is_none_or(|r| r.status == RunStatus::Queued)
                })
                .count()
        })
    });
    // Every run of a batch is at the same step.
    let training: Vec<(usize, usize)> = lab.runs.with(|runs| {
        runs.values()
            .filter(|r| r.status == RunStatus::Training)
            .map(|r| {
                (
                    r.history.last().map_or(0, |p| p.step),
                    r.config.training.steps,
                )
            })
            .collect()
    });
    let (speed, run_speed, workers) = lab.perf.with(|p| {
        let training: Vec<String> = p
            .workers
            .iter()
            .enumerate()
            .filter(|(_, w)| w.training)
            .map(|(i, w)| {
                let speed = format!("{:.0}", w.steps_per_second);
                tr!(lang, "status-worker-speed", number = i + 1, speed = speed)
            })
            .collect();
        (
            p.steps_per_second(),
            p.run_steps_per_second(),
            if training.len() > 1 {
                format!(" [{}]", training.join(", "))
            } else {
                String::new()
            },
        )
    });
    let waiting = if queued > 0 {
        format!(" · {}", tr!(lang, "status-waiting", count = queued))
    } else {
        String::new()
    };
    let warming = lab.perf.with(|p| {
        p.workers
            .iter()
            .filter(|w| w.training)
            .filter_map(|w| w.warming_since)
            .reduce(f64::min)
    });
    let eta = lab.eta_seconds();
    let left = eta.map_or(String::new(), |t| {
        let time = crate::clock::describe(t, lang);
        format!(" · {}", tr!(lang, "status-left", time = time))
    });
    let estimate = || {
        let Some(t) = eta else {
            return String::new();
        };
        let fits = lab
            .lesson_preset(t)
            .map_or(String::new(), |(preset, seconds)| {
                let preset = i18n::preset_label(lang, preset);
                let time = crate::clock::describe(seconds, lang);
                format!(
                    " — {}",
                    tr!(lang, "status-preset-fits", preset = preset, time = time)
                )
            });
        let time = crate::clock::describe(t, lang);
        format!(" · {}{fits}", tr!(lang, "status-estimate", time = time))
    };
    let playing = lab.playing.get();
    if let (Some(since), true) = (warming, playing) {
        let seconds = ((lab.clock.get() - since) / 1000.0).max(0.0);
        let step = training.first().map_or(0, |&(step, _)| step);
        if step == 0 {
            let seconds = format!("{seconds:.0}");
            return format!(
                "{}{waiting}",
                tr!(lang, "status-compiling", seconds = seconds)
            );
        }
    }
    let (speed, run_speed) = (format!("{speed:.0}"), format!("{run_speed:.0}"));
    match (training.first(), playing) {
        (Some(&(step, steps)), true) if training.len() > 1 => {
            let text = tr!(
                lang,
                "status-training-together",
                runs = training.len(),
                step = step.to_string(),
                steps = steps.to_string(),
                speed = speed,
                workers = workers,
                run_speed = run_speed
            );
            format!("{text}{left}{waiting}")
        }
        (Some(&(step, steps)), true) => {
            let text = tr!(
                lang,
                "status-training",
                step = step.to_string(),
                steps = steps.to_string(),
                speed = speed
            );
            format!("{text}{left}{waiting}")
        }
        (_, true) if queued == 0 => tr!(lang, "status-all-trained"),
        (_, true) => format!("{}{}", tr!(lang, "status-starting"), estimate()),
        (_, false) if queued > 0 => {
            format!("{}{waiting}{}", tr!(lang, "status-paused"), estimate())
        }
        _ => format!("{}{}", tr!(lang, "status-paused"), estimate()),
    }
}

#[component]
pub fn SizeSlider(lab: Lab) -> impl IntoView {
    let sizes = move || lab.settings.with(|s| s.sizes().to_vec());
    let index = move || {
        let selected = lab.selected.get();
        sizes().iter().position(|&n| n == selected).unwrap_or(0)
    };
    let on_input = move |ev| {
        let Ok(i) = event_target_value(&ev).parse::<usize>() else {
            return;
        };
        if let Some(&n) = sizes().get(i) {
            lab.selected.set(n);
        }
    };
    let describe = move || {
        let lang = lab.lang();
        let n = lab.selected.get();
        let (pool, noun) = lab.settings.with(|s| (s.pool_size(), s.example_noun(lang)));
        let state = match lab.run_for(n).map(|r| r.status) {
            Some(RunStatus::Done) => tr!(lang, "slider-state-trained"),
            Some(RunStatus::Training) => tr!(lang, "slider-state-training"),
            Some(RunStatus::Queued) => {
                if lab.playing.get() {
                    tr!(lang, "slider-state-waiting")
                } else {
                    tr!(lang, "slider-state-press-train")
                }
            }
            Some(RunStatus::Diverged { step }) => {
                tr!(lang, "slider-state-diverged", step = step.to_string())
            }
            Some(RunStatus::Failed(error)) => tr!(lang, "slider-state-failed", error = error),
            None => tr!(lang, "slider-state-not-trained"),
        };
        let percent = format!("{:.0}", 100.0 * n as f64 / pool as f64);
        tr!(
            lang,
            "slider-describe",
            n = n.to_string(),
            percent = percent,
            pool = pool.to_string(),
            noun = noun,
            state = state
        )
    };
    view! {
        <div class="slider">
            <label for="size-slider">{move || tr!(lab.lang(), "slider-label")}</label>
            <input id="size-slider" type="range" min="0" step="1"
                max=move || sizes().len().saturating_sub(1)
                prop:value=move || index().to_string()
                aria-valuetext=move || format!("N = {}", lab.selected.get())
                aria-describedby="size-label" aria-keyshortcuts="ArrowLeft ArrowRight"
                on:input=on_input />
            <div class="ticks">
                {move || {
                    let sizes = sizes();
                    // Up to 9 numbers fit the column; beyond, every k-th stop (and the last)
                    // is labelled and the others are dots that still click and say their N.
                    let every = sizes.len().div_ceil(9).max(1);
                    let last = sizes.len().saturating_sub(1);
                    sizes.into_iter().enumerate().map(|(i, n)| {
                        let trained = move || lab.is_trained(n);
                        let label = if i % every == 0 || i == last { n.to_string() } else { "·".to_owned() };
                        view! { <span class:trained=trained title=format!("N = {n}") on:click=move |_| lab.selected.set(n)>{label}</span> }
                    }).collect_view()
                }}
            </div>
            <div id="size-label" class="size-label">{describe}</div>
            <p class="help keys-help">{move || tr!(lab.lang(), "slider-keys")}</p>
        </div>
    }
}

/// The core's presets of the task family on show; the one on screen is marked.
#[component]
pub fn Presets(lab: Lab) -> impl IntoView {
    view! {
        <div class="presets">
            {presets::ALL.into_iter().enumerate().map(|(i, preset)| {
                let title = move || {
                    let lang = lab.lang();
                    let description = i18n::preset_description(lang, preset);
                    tr!(lang, "controls-preset-title", description = description, key = (i + 1).to_string())
                };
                view! {
                    <button class="preset" data-preset=preset.name
                        title=title
                        aria-keyshortcuts=(i + 1).to_string()
                        class:hidden=move || lab.settings.with(|s| s.is_imdb() != preset.is_imdb())
                        class:active=move || lab.settings.with(|s| s.preset().is_some_and(|p| p.name == preset.name))
                        aria-pressed=move || lab.settings.with(|s| s.preset().is_some_and(|p| p.name == preset.name)).to_string()
                        on:click=move |_| lab.choose_preset(preset)>
                        {move || i18n::preset_label(lab.lang(), preset)}
                    </button>
                }
            }).collect_view()}
        </div>
    }
}

/// One field of the form. The text stays as typed; only a value that keeps the setup valid
/// is applied, otherwise the reason is shown next to it. Its words (name, help, choices,
/// the reason) are in the page's language: from the core's table for a `setting`, else the
/// lab's own for `key`.
#[component]
fn Field(
    lab: Lab,
    /// The setting's key (or the sizes', seeds', …).
    key: &'static str,
    read: fn(&LabSettings, &'static str) -> Option<String>,
    /// The core's setting this field edits (`None`: one of the lab's own keys).
    #[prop(optional)]
    setting: Option<&'static Setting>,
    /// The element's id when the key's is taken (`device` is the badge's).
    #[prop(optional)]
    id: Option<&'static str>,
) -> impl IntoView {
    let id = id.unwrap_or(key);
    let error = RwSignal::new(None::<EditError>);
    let on_change = move |ev| {
        let text = event_target_value(&ev);
        let mut candidate = lab.settings.get_untracked();
        match candidate.set(key, &text) {
            Ok(()) => {
                error.set(None);
                lab.show(candidate, None);
            }
            Err(reason) => error.set(Some(reason)),
        }
    };
    let value = move || lab.settings.with(|s| read(s, key).unwrap_or_default());
    let hidden = move || lab.settings.with(|s| read(s, key).is_none());
    let choices = field_choices(key, setting);
    let input = if choices.is_empty() {
        view! {
            <input id=id type="text" inputmode="decimal" prop:value=value on:change=on_change
                class:invalid=move || error.with(Option::is_some) />
        }
        .into_any()
    } else {
        view! {
            <select id=id on:change=on_change prop:value=value>
                {choices.into_iter().map(|name| view! {
                    <option value=name>{move || choice_words(lab.lang(), setting, name)}</option>
                }).collect_view()}
            </select>
        }
        .into_any()
    };
    view! {
        <label class="field" for=id class:hidden=hidden>
            <span class="name">{move || field_label(lab.lang(), key, setting)}</span>
            {input}
            <span class="help">{move || field_help(lab.lang(), key, setting)}</span>
            <span class="error" role="alert">
                {move || error.with(|e| e.as_ref().map(|e| words::edit_error(lab.lang(), e)))}
            </span>
        </label>
    }
}

/// A field's name: the setting's label, or the lab's own field's.
fn field_label(lang: Lang, key: &str, setting: Option<&Setting>) -> String {
    if let Some(setting) = setting {
        return i18n::setting_label(lang, setting);
    }
    match key {
        SIZES_KEY => tr!(lang, "form-sizes-label"),
        SEEDS_KEY => tr!(lang, "form-seeds-label"),
        BATCH_RUNS_KEY => tr!(lang, "form-batch-runs-label"),
        WORKERS_KEY => tr!(lang, "form-workers-label"),
        DEVICE_KEY => tr!(lang, "form-device-label"),
        other => other.to_owned(),
    }
}

/// A field's help: the setting's, after the values it takes (but for choices and seeds),
/// or the lab's own field's.
fn field_help(lang: Lang, key: &str, setting: Option<&Setting>) -> String {
    if let Some(setting) = setting {
        let help = i18n::setting_help(lang, setting);
        return match setting.kind {
            Kind::Choice(_) | Kind::Seed => help,
            _ => {
                let range = words::range_text(lang, setting);
                tr!(lang, "form-help-with-range", range = range, help = help)
            }
        };
    }
    match key {
        SIZES_KEY => tr!(lang, "form-sizes-help", max = MAX_SIZES.to_string()),
        SEEDS_KEY => tr!(lang, "form-seeds-help", max = MAX_SEEDS.to_string()),
        BATCH_RUNS_KEY => tr!(
            lang,
            "form-batch-runs-help",
            max = MAX_BATCH_RUNS.to_string()
        ),
        WORKERS_KEY => tr!(lang, "form-workers-help", max = MAX_WORKERS.to_string()),
        DEVICE_KEY => tr!(lang, "form-device-help"),
        _ => String::new(),
    }
}

/// The values a select offers (by their names in links); none for a text field.
fn field_choices(key: &str, setting: Option<&'static Setting>) -> Vec<&'static str> {
    match (setting, key) {
        (Some(setting), _) => match &setting.kind {
            Kind::Choice(choices) => choices.iter().map(|c| c.name).collect(),
            _ => Vec::new(),
        },
        (None, DEVICE_KEY) => DevicePreference::ALL.iter().map(|d| d.as_str()).collect(),
        (None, _) => Vec::new(),
    }
}

/// What a select's option says: the setting's choice, or the device's.
fn choice_words(lang: Lang, setting: Option<&Setting>, name: &'static str) -> String {
    if let Some(setting) = setting {
        let english = match &setting.kind {
            Kind::Choice(choices) => choices
                .iter()
                .find(|c| c.name == name)
                .map_or(name, |c| c.label),
            _ => name,
        };
        return i18n::choice_label(lang, setting.key, name, english);
    }
    DevicePreference::parse(name).map_or_else(|| name.to_owned(), |device| device.label_in(lang))
}

fn setting_field(lab: Lab, setting: &'static Setting) -> impl IntoView {
    let read = |s: &LabSettings, key: &'static str| {
        settings::find(key)
            .ok()
            .and_then(|setting| setting.text(s.template()))
    };
    view! { <Field lab key=setting.key setting read /> }
}

/// Every setting of the core's table, grouped as the table groups them, plus the sizes.
#[component]
pub fn SettingsForm(lab: Lab) -> impl IntoView {
    let groups = [
        Group::Task,
        Group::Model,
        Group::Grokking,
        Group::Optimizer,
        Group::Training,
    ];
    view! {
        <fieldset class="settings">
            <legend>{move || tr!(lab.lang(), "form-legend")}</legend>
            <Field lab key=SIZES_KEY read=|s, _| Some(s.sizes_text()) />
            <Field lab key=SEEDS_KEY read=|s, _| Some(s.seeds().to_string()) />
            <Field lab key=BATCH_RUNS_KEY read=|s, _| Some(s.batch_runs_text()) />
            <Field lab key=WORKERS_KEY read=|s, _| Some(s.workers_text()) />
            <Field lab key=DEVICE_KEY id="device-select"
                read=|s, _| Some(s.device().as_str().to_owned()) />
            {groups.into_iter().map(|group| view! {
                <details class="group" open>
                    <summary>{move || words::group_title(lab.lang(), group)}</summary>
                    <div class="fields">
                        {SETTINGS.iter().filter(|s| s.group == group).map(|setting| setting_field(lab, setting)).collect_view()}
                    </div>
                </details>
            }).collect_view()}
        </fieldset>
    }
}
