//! Transport (play, pause, step, reset), the size slider, presets and the settings form.

use grokking_lab::presets;
use grokking_lab::settings::{self, Group, Kind, SETTINGS, Setting};
use leptos::prelude::*;

use crate::apply;
use crate::protocol::DevicePreference;
use crate::settings::{
    BATCH_RUNS_KEY, DEVICE_KEY, LabSettings, MAX_BATCH_RUNS, MAX_SEEDS, MAX_SIZES, MAX_WORKERS,
    SEEDS_KEY, SIZES_KEY, WORKERS_KEY,
};
use crate::state::{Lab, RunStatus};

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
                title="Train every size on the slider, all at once (space)" aria-keyshortcuts="Space">
                {move || if lab.playing.get() { "❚❚ Pause" } else { "▶ Train" }}
            </button>
            <button id="step" on:click=step disabled=halted title="Train every size one evaluation interval, then pause">"Step"</button>
            <button id="reset" on:click=reset title="Forget the runs of this setup and start over">"Reset"</button>
            <span id="status" class="status">{move || status_line(&lab)}</span>
        </div>
    }
}

fn status_line(lab: &Lab) -> String {
    if let Some(message) = lab.halted.get() {
        return message;
    }
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
            .map(|(i, w)| format!("worker {}: {:.0}", i + 1, w.steps_per_second))
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
        format!(" · {queued} waiting")
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
        format!(" · {} left", crate::clock::describe(t))
    });
    let estimate = || {
        let Some(t) = eta else {
            return String::new();
        };
        let fits = lab
            .lesson_preset(t)
            .map_or(String::new(), |(preset, seconds)| {
                format!(
                    " — the “{}” preset fits a lesson ({})",
                    preset.label,
                    crate::clock::describe(seconds)
                )
            });
        format!(
            " · {} to train every size on this device{fits}",
            crate::clock::describe(t)
        )
    };
    let playing = lab.playing.get();
    if let (Some(since), true) = (warming, playing) {
        let seconds = ((lab.clock.get() - since) / 1000.0).max(0.0);
        let step = training.first().map_or(0, |&(step, _)| step);
        if step == 0 {
            return format!(
                "compiling kernels and taking the first steps… {seconds:.0} s{waiting}"
            );
        }
    }
    match (training.first(), playing) {
        (Some(&(step, steps)), true) if training.len() > 1 => format!(
            "training {} runs together: step {step} / {steps} · {speed:.0} steps/s{workers} ({run_speed:.0} run-steps/s){left}{waiting}",
            training.len()
        ),
        (Some(&(step, steps)), true) => {
            format!("training: step {step} / {steps} · {speed:.0} steps/s{left}{waiting}")
        }
        (_, true) if queued == 0 => "all sizes are trained".into(),
        (_, true) => format!("starting…{}", estimate()),
        (_, false) if queued > 0 => format!("paused · {queued} waiting{}", estimate()),
        _ => format!("paused{}", estimate()),
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
        let n = lab.selected.get();
        let (pool, noun) = lab.settings.with(|s| (s.pool_size(), s.example_noun()));
        let state = match lab.run_for(n).map(|r| r.status) {
            Some(RunStatus::Done) => "trained".to_owned(),
            Some(RunStatus::Training) => "training…".to_owned(),
            Some(RunStatus::Queued) => {
                if lab.playing.get() {
                    "waiting for the device".to_owned()
                } else {
                    "press ▶ Train".to_owned()
                }
            }
            Some(RunStatus::Diverged { step }) => format!("diverged at step {step}"),
            Some(RunStatus::Failed(error)) => format!("failed: {error}"),
            None => "not trained".to_owned(),
        };
        format!(
            "N = {n} training examples ({:.0}% of the {pool}-{noun} pool) — {state}",
            100.0 * n as f64 / pool as f64
        )
    };
    view! {
        <div class="slider">
            <label for="size-slider">"Training-set size"</label>
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
            <p class="help keys-help">"Keys: space ▶/❚❚ · ← → size · 1–6 presets · P present"</p>
        </div>
    }
}

/// The core's presets of the task family on show; the one on screen is marked.
#[component]
pub fn Presets(lab: Lab) -> impl IntoView {
    view! {
        <div class="presets">
            {presets::ALL.into_iter().enumerate().map(|(i, preset)| view! {
                <button class="preset" data-preset=preset.name
                    title=format!("{} (key {})", preset.description, i + 1)
                    aria-keyshortcuts=(i + 1).to_string()
                    class:hidden=move || lab.settings.with(|s| s.is_imdb() != preset.is_imdb())
                    class:active=move || lab.settings.with(|s| s.preset().is_some_and(|p| p.name == preset.name))
                    aria-pressed=move || lab.settings.with(|s| s.preset().is_some_and(|p| p.name == preset.name)).to_string()
                    on:click=move |_| lab.choose_preset(preset)>
                    {preset.label}
                </button>
            }).collect_view()}
        </div>
    }
}

/// One field of the form. The text stays as typed; only a value that keeps the setup valid
/// is applied, otherwise the reason is shown next to it.
#[component]
fn Field(
    lab: Lab,
    /// The setting's key (or the sizes').
    key: &'static str,
    label: &'static str,
    help: String,
    /// Choices for a select; a text field when empty.
    choices: Vec<(&'static str, &'static str)>,
    read: fn(&LabSettings, &'static str) -> Option<String>,
    /// The element's id when the key's is taken (`device` is the badge's).
    #[prop(optional)]
    id: Option<&'static str>,
) -> impl IntoView {
    let id = id.unwrap_or(key);
    let error = RwSignal::new(None::<String>);
    let on_change = move |ev| {
        let text = event_target_value(&ev);
        let mut candidate = lab.settings.get_untracked();
        match candidate.set(key, &text) {
            Ok(()) => {
                error.set(None);
                lab.show(candidate, None);
            }
            Err(reason) => error.set(Some(reason.to_string())),
        }
    };
    let value = move || lab.settings.with(|s| read(s, key).unwrap_or_default());
    let hidden = move || lab.settings.with(|s| read(s, key).is_none());
    let input = if choices.is_empty() {
        view! {
            <input id=id type="text" inputmode="decimal" prop:value=value on:change=on_change
                class:invalid=move || error.with(Option::is_some) />
        }
        .into_any()
    } else {
        view! {
            <select id=id on:change=on_change prop:value=value>
                {choices.into_iter().map(|(name, label)| view! { <option value=name>{label}</option> }).collect_view()}
            </select>
        }
        .into_any()
    };
    view! {
        <label class="field" for=id class:hidden=hidden>
            <span class="name">{label}</span>
            {input}
            <span class="help">{help}</span>
            <span class="error" role="alert">{move || error.get()}</span>
        </label>
    }
}

fn setting_field(lab: Lab, setting: &'static Setting) -> impl IntoView {
    let choices = match &setting.kind {
        Kind::Choice(choices) => choices.iter().map(|c| (c.name, c.label)).collect(),
        _ => Vec::new(),
    };
    let help = match setting.kind {
        Kind::Choice(_) | Kind::Seed => setting.help.to_owned(),
        _ => format!("{}. {}", setting.range_text(), setting.help),
    };
    let read = |s: &LabSettings, key: &'static str| {
        settings::find(key)
            .ok()
            .and_then(|setting| setting.text(s.template()))
    };
    view! { <Field lab key=setting.key label=setting.label help choices read /> }
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
            <legend>"Setup"</legend>
            <Field lab key=SIZES_KEY label="Sizes on the slider"
                help=format!("e.g. 600:1600:200 or 500,800,1200 (at most {MAX_SIZES}).")
                choices=Vec::new()
                read=|s, _| Some(s.sizes_text()) />
            <Field lab key=SEEDS_KEY label="Seeds per size"
                help=format!("1 to {MAX_SEEDS}. Each size trains with the seed below and the next ones; the phase diagram shows their mean and spread.")
                choices=Vec::new()
                read=|s, _| Some(s.seeds().to_string()) />
            <Field lab key=BATCH_RUNS_KEY label="Runs per batch"
                help=format!("“auto”: every size trains at once, as many as the device holds; 1 to {MAX_BATCH_RUNS} caps a batch (1 = one size at a time). The runs are the same either way.")
                choices=Vec::new()
                read=|s, _| Some(s.batch_runs_text()) />
            <Field lab key=WORKERS_KEY label="Training workers"
                help=format!("Web Workers that train, off the page's thread. “auto”: one on a GPU; on the CPU one per core the page leaves free. 1 to {MAX_WORKERS}: that many (on the CPU each takes a core).")
                choices=Vec::new()
                read=|s, _| Some(s.workers_text()) />
            <Field lab key=DEVICE_KEY id="device-select" label="Device"
                help="“auto”: a few steps of the first batch are timed on WebGPU and on the CPU, and the faster trains (software GPUs such as SwiftShader are often slower than the CPU). “webgpu” or “cpu”: that one, unmeasured. WebGPU fuses kernels (fewer GPU dispatches per step).".to_owned()
                choices=DevicePreference::ALL.iter().map(|d| (d.as_str(), d.label())).collect()
                read=|s, _| Some(s.device().as_str().to_owned()) />
            {groups.into_iter().map(|group| view! {
                <details class="group" open>
                    <summary>{group.title()}</summary>
                    <div class="fields">
                        {SETTINGS.iter().filter(|s| s.group == group).map(|setting| setting_field(lab, setting)).collect_view()}
                    </div>
                </details>
            }).collect_view()}
        </fieldset>
    }
}
