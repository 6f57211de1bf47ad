//! Transport (play, pause, step, reset), the size slider, presets and the settings form.

use grokking_lab::config::limits;
use grokking_lab::data::modular::Operation;
use leptos::prelude::*;

use crate::settings::{LabSettings, LabTask, MAX_SIZES, Preset};
use crate::state::{Lab, Level, RunStatus};
use crate::store;

#[component]
pub fn Transport(lab: Lab) -> impl IntoView {
    let halted = move || lab.halted.get().is_some() || lab.device.get().is_none();
    let toggle = move |_| {
        let playing = !lab.playing.get_untracked();
        if playing {
            lab.enqueue(lab.selected_config());
        }
        lab.playing.set(playing);
    };
    let step = move |_| {
        lab.enqueue(lab.selected_config());
        lab.playing.set(false);
        lab.step_budget.update(|b| *b += 1);
    };
    let train_all = move |_| {
        lab.enqueue_all();
        lab.playing.set(true);
    };
    let reset = move |_| {
        let keys = lab.reset_current();
        leptos::task::spawn_local(async move {
            if let Err(error) = store::delete(&keys).await {
                lab.notify(
                    Level::Warning,
                    format!("Could not forget the saved runs: {error}"),
                );
            }
        });
    };
    view! {
        <div class="transport">
            <button id="play" class="primary" on:click=toggle disabled=halted
                title="Train the selected size (and anything queued)">
                {move || if lab.playing.get() { "❚❚ Pause" } else { "▶ Train" }}
            </button>
            <button id="step" on:click=step disabled=halted title="Train one evaluation interval, then pause">"Step"</button>
            <button id="train-all" on:click=train_all disabled=halted title="Queue every size on the slider">"Train all sizes"</button>
            <button id="reset" on:click=reset title="Forget the runs of this setup and start over">"Reset"</button>
            <span id="status" class="status">{move || status_line(&lab)}</span>
        </div>
    }
}

fn status_line(lab: &Lab) -> String {
    if let Some(message) = lab.halted.get() {
        return message;
    }
    let queued = lab.queue.with(Vec::len);
    let training = lab.runs.with(|runs| {
        runs.values()
            .find(|r| r.status == RunStatus::Training)
            .map(|r| {
                (
                    r.config.train_size(),
                    r.history.last().map_or(0, |p| p.step),
                    r.config.training.steps,
                )
            })
    });
    let speed = lab.perf.with(|p| p.steps_per_second);
    match (training, lab.playing.get()) {
        (Some((n, step, steps)), true) => format!(
            "training N = {n}: step {step} / {steps} · {speed:.0} steps/s · {queued} queued"
        ),
        (_, true) if queued == 0 => "all queued sizes are trained".into(),
        (_, true) => "starting…".into(),
        (_, false) if queued > 0 => format!("paused · {queued} queued"),
        _ => "paused".into(),
    }
}

#[component]
pub fn SizeSlider(lab: Lab) -> impl IntoView {
    let sizes = move || lab.settings.with(|s| s.sizes.clone());
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
                    "queued".to_owned()
                } else {
                    "queued: press ▶ Train".to_owned()
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
                on:input=on_input />
            <div class="ticks">
                {move || sizes().into_iter().map(|n| {
                    let trained = move || lab.run_for(n).is_some_and(|r| r.status.is_finished());
                    view! { <span class:trained=trained on:click=move |_| lab.selected.set(n)>{n}</span> }
                }).collect_view()}
            </div>
            <div id="size-label" class="size-label">{describe}</div>
        </div>
    }
}

#[component]
pub fn Presets(lab: Lab) -> impl IntoView {
    view! {
        <div class="presets">
            {Preset::ALL.into_iter().map(|preset| view! {
                <button class="preset" data-preset=preset.key() title=preset.description()
                    class:hidden=move || lab.settings.with(|s| s.task != preset.task())
                    on:click=move |_| {
                        let settings = preset.settings();
                        let middle = settings.sizes[settings.sizes.len() / 2];
                        lab.settings.set(settings);
                        lab.selected.set(middle);
                        lab.enqueue_all();
                        lab.playing.set(true);
                    }>
                    {preset.label()}
                </button>
            }).collect_view()}
        </div>
    }
}

/// One setting of the form: how to show it and how to apply typed text to it.
struct FieldSpec {
    /// The task the setting belongs to; `None`: every task.
    task: Option<LabTask>,
    id: &'static str,
    label: &'static str,
    help: String,
    read: fn(&LabSettings) -> String,
    write: fn(&mut LabSettings, &str) -> Result<(), String>,
}

/// One validated setting. The text stays as typed; only a value that makes a valid setup
/// is applied, otherwise the reason is shown next to it.
#[component]
fn Field(lab: Lab, spec: FieldSpec) -> impl IntoView {
    let FieldSpec {
        task,
        id,
        label,
        help,
        read,
        write,
    } = spec;
    let error = RwSignal::new(None::<String>);
    let on_change = move |ev| {
        let text = event_target_value(&ev);
        let mut candidate = lab.settings.get_untracked();
        let result = write(&mut candidate, text.trim())
            .and_then(|()| candidate.validate().map_err(|e| e.to_string()));
        match result {
            Ok(()) => {
                error.set(None);
                lab.settings.set(candidate);
            }
            Err(reason) => error.set(Some(reason)),
        }
    };
    let hidden = move || task.is_some_and(|t| lab.settings.with(|s| s.task != t));
    view! {
        <label class="field" for=id class:hidden=hidden>
            <span class="name">{label}</span>
            <input id=id type="text" inputmode="decimal" prop:value=move || lab.settings.with(read) on:change=on_change
                class:invalid=move || error.with(Option::is_some) />
            <span class="help">{help}</span>
            <span class="error" role="alert">{move || error.get()}</span>
        </label>
    }
}

fn parse<T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy>(
    text: &str,
    range: std::ops::RangeInclusive<T>,
) -> Result<T, String> {
    let value: T = text
        .parse()
        .map_err(|_| format!("“{text}” is not a number"))?;
    if range.contains(&value) {
        Ok(value)
    } else {
        Err(format!(
            "must be between {} and {}",
            range.start(),
            range.end()
        ))
    }
}

fn range_help<T: std::fmt::Display>(range: std::ops::RangeInclusive<T>, what: &str) -> String {
    format!("{} … {}. {what}", range.start(), range.end())
}

fn write_sizes(s: &mut LabSettings, text: &str) -> Result<(), String> {
    let mut sizes = grokking_lab::config::parse_number_list(text)?;
    if sizes.len() > MAX_SIZES {
        return Err(format!("at most {MAX_SIZES} sizes"));
    }
    sizes.sort_unstable();
    sizes.dedup();
    s.sizes = sizes;
    Ok(())
}

fn fields() -> Vec<FieldSpec> {
    vec![
        FieldSpec {
            task: Some(LabTask::Modular),
            id: "modulus",
            label: "Modulus p",
            help: range_help(limits::MODULUS, "All p² pairs; 75% form the training pool."),
            read: |s| s.modulus.to_string(),
            write: |s, t| {
                s.modulus = parse(t, limits::MODULUS)?;
                s.clamp_sizes();
                Ok(())
            },
        },
        FieldSpec {
            task: Some(LabTask::Imdb),
            id: "max-len",
            label: "Words per review",
            help: format!(
                "1 … {}. Longer reviews are cut; fewer words train faster.",
                crate::imdb::manifest().params.max_len
            ),
            read: |s| s.max_len.to_string(),
            write: |s, t| {
                s.max_len = parse(t, 1..=crate::imdb::manifest().params.max_len)?;
                Ok(())
            },
        },
        FieldSpec {
            task: Some(LabTask::Imdb),
            id: "vocab-size",
            label: "Vocabulary",
            help: format!(
                "4 … {}. The most frequent words; the rest read as [UNK].",
                crate::imdb::manifest().params.vocab_size
            ),
            read: |s| s.vocab_size.to_string(),
            write: |s, t| {
                s.vocab_size = parse(t, 4..=crate::imdb::manifest().params.vocab_size)?;
                Ok(())
            },
        },
        FieldSpec {
            task: Some(LabTask::Imdb),
            id: "batch-size",
            label: "Batch size",
            help: "Reviews per AdamW step (the paper: 128).".to_owned(),
            read: |s| s.batch_size.to_string(),
            write: |s, t| {
                s.batch_size = parse(t, 1..=crate::imdb::manifest().counts.pool.total())?;
                Ok(())
            },
        },
        FieldSpec {
            task: Some(LabTask::Imdb),
            id: "test-size",
            label: "Test reviews",
            help: format!(
                "1 … {}. A fixed subset, evaluated every interval.",
                crate::imdb::manifest().counts.test.total()
            ),
            read: |s| s.test_size.to_string(),
            write: |s, t| {
                s.test_size = parse(t, 1..=crate::imdb::manifest().counts.test.total())?;
                Ok(())
            },
        },
        FieldSpec {
            task: None,
            id: "sizes",
            label: "Sizes on the slider",
            help: format!("e.g. 600:1600:200 or 500,800,1200 (at most {MAX_SIZES})."),
            read: |s| {
                s.sizes
                    .iter()
                    .map(usize::to_string)
                    .collect::<Vec<_>>()
                    .join(",")
            },
            write: write_sizes,
        },
        FieldSpec {
            task: None,
            id: "alpha",
            label: "α (initial scale)",
            help: range_help(limits::ALPHA, "Every parameter × α after init; 1 = none."),
            read: |s| s.alpha.to_string(),
            write: |s, t| {
                s.alpha = parse(t, limits::ALPHA)?;
                Ok(())
            },
        },
        FieldSpec {
            task: None,
            id: "weight-decay",
            label: "Weight decay",
            help: range_help(
                limits::WEIGHT_DECAY,
                "AdamW's decoupled decay pulls ‖w‖ down.",
            ),
            read: |s| s.weight_decay.to_string(),
            write: |s, t| {
                s.weight_decay = parse(t, limits::WEIGHT_DECAY)?;
                Ok(())
            },
        },
        FieldSpec {
            task: None,
            id: "lr",
            label: "Learning rate",
            help: range_help(limits::LR, "Constant; the paper uses 0.001."),
            read: |s| s.lr.to_string(),
            write: |s, t| {
                s.lr = parse(t, limits::LR)?;
                Ok(())
            },
        },
        FieldSpec {
            task: None,
            id: "beta2",
            label: "Adam β₂",
            help: range_help(limits::BETA, "The paper: 0.98 (modular), 0.999 (IMDB)."),
            read: |s| s.beta2.to_string(),
            write: |s, t| {
                s.beta2 = parse(t, limits::BETA)?;
                Ok(())
            },
        },
        FieldSpec {
            task: None,
            id: "epsilon",
            label: "Adam ε",
            help: range_help(
                limits::EPSILON,
                "The paper: 1e-8. Larger damps late loss spikes.",
            ),
            read: |s| s.epsilon.to_string(),
            write: |s, t| {
                s.epsilon = parse(t, limits::EPSILON)?;
                Ok(())
            },
        },
        FieldSpec {
            task: None,
            id: "d-model",
            label: "Width d_model",
            help: range_help(limits::D_MODEL, "Must be a multiple of the heads."),
            read: |s| s.d_model.to_string(),
            write: |s, t| {
                s.d_model = parse(t, limits::D_MODEL)?;
                Ok(())
            },
        },
        FieldSpec {
            task: None,
            id: "heads",
            label: "Heads",
            help: range_help(limits::N_HEADS, "Attention heads."),
            read: |s| s.n_heads.to_string(),
            write: |s, t| {
                s.n_heads = parse(t, limits::N_HEADS)?;
                Ok(())
            },
        },
        FieldSpec {
            task: None,
            id: "d-mlp",
            label: "MLP width",
            help: range_help(limits::D_MLP, "The paper: 4 × d_model."),
            read: |s| s.d_mlp.to_string(),
            write: |s, t| {
                s.d_mlp = parse(t, limits::D_MLP)?;
                Ok(())
            },
        },
        FieldSpec {
            task: None,
            id: "steps",
            label: "Steps",
            help: "Optimizer steps per size (modular: full batch).".to_owned(),
            read: |s| s.steps.to_string(),
            write: |s, t| {
                s.steps = parse(t, 10..=1_000_000)?;
                s.eval_every = s.eval_every.min(s.steps);
                Ok(())
            },
        },
        FieldSpec {
            task: None,
            id: "eval-every",
            label: "Evaluate every",
            help: "Steps between evaluations (one GPU readback each).".to_owned(),
            read: |s| s.eval_every.to_string(),
            write: |s, t| {
                s.eval_every = parse(t, 1..=s.steps)?;
                Ok(())
            },
        },
        FieldSpec {
            task: None,
            id: "seed",
            label: "Seed",
            help: "Fixes the split, the subset and the initial weights.".to_owned(),
            read: |s| s.seed.to_string(),
            write: |s, t| {
                s.seed = t
                    .parse()
                    .map_err(|_| format!("“{t}” is not a whole number"))?;
                Ok(())
            },
        },
    ]
}

#[component]
pub fn SettingsForm(lab: Lab) -> impl IntoView {
    let operation = move |ev| {
        if let Some(op) = Operation::from_name(&event_target_value(&ev)) {
            let mut candidate = lab.settings.get_untracked();
            candidate.operation = op;
            match candidate.validate() {
                Ok(()) => lab.settings.set(candidate),
                Err(error) => lab.notify(Level::Warning, format!("{error}")),
            }
        }
    };
    let task = move |ev| {
        let Some(task) = LabTask::from_key(&event_target_value(&ev)) else {
            return;
        };
        if lab.settings.with_untracked(|s| s.task) != task {
            let settings = task.default_preset().settings();
            let middle = settings.sizes[settings.sizes.len() / 2];
            lab.settings.set(settings);
            lab.selected.set(middle);
        }
    };
    let not_modular = move || lab.settings.with(|s| s.task != LabTask::Modular);
    view! {
        <fieldset class="settings">
            <legend>"Setup"</legend>
            <label class="field" for="task">
                <span class="name">"Task"</span>
                <select id="task" on:change=task prop:value=move || lab.settings.with(|s| s.task.key())>
                    {LabTask::ALL.into_iter().map(|t| view! { <option value=t.key()>{t.label()}</option> }).collect_view()}
                </select>
                <span class="help">"IMDB: real movie reviews (Maas et al. 2011), a smoother transition."</span>
            </label>
            <label class="field" for="operation" class:hidden=not_modular>
                <span class="name">"Operation"</span>
                <select id="operation" on:change=operation prop:value=move || lab.settings.with(|s| s.operation.name())>
                    {Operation::ALL.into_iter().map(|op| view! { <option value=op.name()>{format!("a {} b mod p", op.symbol())}</option> }).collect_view()}
                </select>
                <span class="help">"÷ needs a prime p."</span>
            </label>
            {fields().into_iter().map(|spec| view! { <Field lab spec /> }).collect_view()}
        </fieldset>
    }
}
