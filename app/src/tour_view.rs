//! The guided tour on the page: its start button, its card, the highlight on what a step
//! talks about, and the observation of the lab that moves it on (the decisions are
//! `tour.rs`'s).

use grokking_lab::analysis::{AnalysisConfig, summarize};
use grokking_lab::presets;
use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::charts::phase;
use crate::i18n::{Lang, preset_label};
use crate::settings::LabSettings;
use crate::state::Lab;
use crate::tour::{self, Observed, Step, Tour, Why};
use crate::tr;

/// Marks what the current step talks about (`public/style.css`).
const HIGHLIGHT: &str = "tour-target";

/// The views of what the model learned: pointing at one passes the last step.
const LEARNED_VIEWS: &str = "#chart-fourier, #chart-answers";

/// "Guided tour" in the header: starts (or restarts) the tour with the preset that fits
/// this device.
#[component]
pub fn TourStart(lab: Lab) -> impl IntoView {
    let start = move |_| start_tour(lab);
    view! {
        <button id="tour-start" data-tour="start" on:click=start
            title=move || tr!(lab.lang(), "tour-start-title")>
            {move || tr!(lab.lang(), "tour-start")}
        </button>
    }
}

/// Starts (or restarts) the tour with the preset that fits this device, as far as its speed
/// is known yet.
pub fn start_tour(lab: Lab) {
    let (preset, why) = choice(lab);
    lab.tour.set(Some(Tour::new(preset, why)));
}

fn choice(lab: Lab) -> (&'static presets::Preset, Why) {
    tour::choose(
        lab.preset_seconds_untracked(&presets::THREE_REGIMES),
        lab.preset_seconds_untracked(&presets::TINY),
    )
}

/// The card of the step under way, and what keeps it moving.
#[component]
pub fn TourCard(lab: Lab) -> impl IntoView {
    let learned_seen = RwSignal::new(false);
    let observed = Memo::new(move |_| observe(&lab, learned_seen.get()));
    Effect::new(move |_| {
        let seen = observed.get();
        let Some(mut tour) = lab.tour.get_untracked() else {
            return;
        };
        if tour.observe(&seen) {
            lab.tour.set(Some(tour));
        }
    });
    // A tour started before this device's speed was measured (a `tour=1` link) chooses
    // again once it is, as long as it is still at its first step.
    Effect::new(move |_| {
        let measured = lab.run_speed() > 0.0;
        let waiting = lab.tour.with_untracked(|t| {
            t.as_ref()
                .filter(|t| t.step == Step::Preset && t.seen.is_empty())
                .map(|t| (t.preset.name, t.why.clone()))
        });
        let Some((chosen, said)) = waiting.filter(|_| measured) else {
            return;
        };
        let (preset, why) = choice(lab);
        // Compared as said (rounded), so that each new measurement does not redraw the card.
        if (preset.name, why.text(Lang::En)) != (chosen, said.text(Lang::En)) {
            lab.tour.update(|t| {
                if let Some(t) = t {
                    t.preset = preset;
                    t.why = why;
                }
            });
        }
    });
    // A new tour starts with nothing seen.
    Effect::new(move |_| {
        if lab.tour.with(Option::is_none) {
            learned_seen.set(false);
        }
    });
    let current = Memo::new(move |_| lab.tour.with(|t| t.as_ref().map(|t| (t.step, t.finished))));
    Effect::new(move |_| highlight(current.get().filter(|(_, done)| !done).map(|(s, _)| s)));
    watch_learned_views(lab, learned_seen);

    let leave = move |_| lab.tour.set(None);
    let show_preset = move |_| {
        let Some(preset) = lab.tour.with_untracked(|t| t.as_ref().map(|t| t.preset)) else {
            return;
        };
        let device = lab.settings.with_untracked(LabSettings::device);
        lab.playing.set(false);
        lab.show(
            LabSettings::from_preset(preset).with_device(device),
            Some(preset.middle_size()),
        );
    };
    // The card is drawn again when the tour moves or the page's language switches.
    let card = move || {
        let tour = lab.tour.get()?;
        let lang = lab.lang();
        let text = tour.text(lang);
        let last_seen = tour.said(lang).pop();
        let label = preset_label(lang, tour.preset);
        let body = if tour.finished {
            view! {
                <h2>{tr!(lang, "tour-done-title")}</h2>
                <p class="tour-notice">{tr!(lang, "tour-done-notice")}</p>
                <div class="tour-buttons">
                    <button id="tour-close" class="primary" on:click=leave>{tr!(lang, "tour-close")}</button>
                </div>
            }
            .into_any()
        } else {
            let preset_button = (tour.step == Step::Preset).then(|| {
                view! { <button id="tour-preset" class="primary" on:click=show_preset>{tr!(lang, "tour-show-preset", preset = label)}</button> }
            });
            view! {
                <p class="tour-progress">{tour.progress(lang)}</p>
                <h2>{text.title}</h2>
                <p class="tour-action">{text.action}</p>
                <p class="tour-notice">{text.notice}</p>
                <div class="tour-buttons">
                    {preset_button}
                    <button id="tour-leave" class="link" on:click=leave>{tr!(lang, "tour-leave")}</button>
                </div>
            }
            .into_any()
        };
        let card_label = tr!(lang, "tour-card-label");
        Some(view! {
            <aside id="tour" class="tour" role="dialog" aria-label=card_label aria-live="polite"
                data-step=if tour.finished { "done" } else { tour.step.name() }
                data-preset=tour.preset.name>
                {last_seen.map(|s| view! { <p class="tour-seen">"✓ "{s}</p> })}
                {body}
            </aside>
        })
    };
    view! { {card} }
}

/// The lab as the tour needs to see it; only what the current step asks is read (and
/// tracked).
fn observe(lab: &Lab, learned_seen: bool) -> Observed {
    let Some(step) = lab
        .tour
        .with(|t| t.as_ref().filter(|t| !t.finished).map(|t| t.step))
    else {
        return Observed::default();
    };
    let selected = lab.selected.get();
    let mut seen = Observed {
        preset: lab.settings.with(|s| s.preset().map(|p| p.name)),
        playing: lab.playing.get(),
        selected,
        learned_seen,
        ..Observed::default()
    };
    if matches!(step, Step::Memorize | Step::Grok)
        && let Some(run) = lab.run_for(selected)
    {
        let summary = summarize(&run.view(), &AnalysisConfig::for_task(&run.config.task));
        seen.memorized = summary.memorized_at.and_then(|step| {
            run.history
                .iter()
                .find(|p| p.step >= step)
                .map(|p| (p.step, p.test_acc))
        });
        seen.generalized = summary.generalized_at;
    }
    if step == Step::CriticalSize {
        let sizes = lab.settings.with(|s| s.sizes().to_vec());
        seen.all_trained = sizes.iter().all(|&n| lab.is_trained(n));
        if seen.all_trained {
            seen.critical_data_size = phase::critical_data_size(lab);
        }
    }
    seen
}

/// Outlines what `step` talks about (and nothing else), scrolled into view.
fn highlight(step: Option<Step>) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Ok(marked) = document.query_selector_all(&format!(".{HIGHLIGHT}")) {
        for i in 0..marked.length() {
            if let Some(element) = marked
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            {
                let _ = element.class_list().remove_1(HIGHLIGHT);
            }
        }
    }
    let Some(step) = step else {
        return;
    };
    let Ok(targets) = document.query_selector_all(step.target()) else {
        return;
    };
    for i in 0..targets.length() {
        let Some(element) = targets
            .item(i)
            .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
        else {
            continue;
        };
        let _ = element.class_list().add_1(HIGHLIGHT);
        if i == 0 {
            let options = web_sys::ScrollIntoViewOptions::new();
            options.set_block(web_sys::ScrollLogicalPosition::Center);
            options.set_behavior(web_sys::ScrollBehavior::Smooth);
            element.scroll_into_view_with_scroll_into_view_options(&options);
        }
    }
}

/// The last step's event: the pointer or keyboard focus reaching a view of what the model
/// learned while the tour waits for it.
fn watch_learned_views(lab: Lab, learned_seen: RwSignal<bool>) {
    let reached = move |target: Option<web_sys::EventTarget>| {
        let waiting = lab.tour.with_untracked(|t| {
            t.as_ref()
                .is_some_and(|t| !t.finished && t.step == Step::Learned)
        });
        let inside = target
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest(LEARNED_VIEWS).ok().flatten())
            .is_some();
        if waiting && inside {
            learned_seen.set(true);
        }
    };
    let pointer = window_event_listener(ev::pointerover, move |event| reached(event.target()));
    let focus = window_event_listener(ev::focusin, move |event| reached(event.target()));
    // The page lives as long as the tab.
    std::mem::forget((pointer, focus));
}
