//! The step scrubber: replays the slider's run (trained here, kept, imported or the preset's
//! reference) through training — the curves and what the model learned, as they were at
//! step s. Dragging it pauses nothing: training goes on, and "Latest" follows it again.

use leptos::prelude::*;

use crate::charts::curves::shown;
use crate::state::Lab;
use crate::tr;

/// How long a replay of a whole run takes, however many evaluations it has.
const REPLAY_MS: u32 = 6_000;

#[component]
pub fn Scrubber(lab: Lab) -> impl IntoView {
    let steps = Memo::new(move |_| {
        shown(&lab)
            .history
            .iter()
            .map(|p| p.step)
            .collect::<Vec<_>>()
    });
    let reference = Memo::new(move |_| shown(&lab).reference);
    // Each replay owns a generation; touching the scrubber (or a new replay) ends it.
    let replay = StoredValue::new(0u32);
    // Another size, another run: start from its latest state.
    Effect::new(move |_| {
        lab.selected.track();
        replay.update_value(|g| *g += 1);
        lab.scrub.set(None);
    });
    let index = move || {
        steps.with(|steps| match lab.scrub.get() {
            Some(step) => steps.iter().rposition(|&s| s <= step).unwrap_or(0),
            None => steps.len().saturating_sub(1),
        })
    };
    let on_input = move |ev| {
        replay.update_value(|g| *g += 1);
        let Ok(i) = event_target_value(&ev).parse::<usize>() else {
            return;
        };
        let last = steps.with_untracked(|s| s.len().saturating_sub(1));
        let step = steps.with_untracked(|s| s.get(i).copied());
        lab.scrub.set(if i >= last { None } else { step });
    };
    let play = move |_| {
        replay.update_value(|g| *g += 1);
        let generation = replay.get_value();
        let all = steps.get_untracked();
        if all.is_empty() {
            return;
        }
        let pause = (REPLAY_MS / all.len() as u32).clamp(30, 400);
        leptos::task::spawn_local(async move {
            for &step in &all {
                if replay.try_get_value() != Some(generation) {
                    return;
                }
                lab.scrub.set(Some(step));
                gloo_timers::future::TimeoutFuture::new(pause).await;
            }
            if replay.try_get_value() == Some(generation) {
                lab.scrub.set(None);
            }
        });
    };
    let latest = move |_| {
        replay.update_value(|g| *g += 1);
        lab.scrub.set(None);
    };
    let label = move || {
        let lang = lab.lang();
        let last = steps.with(|s| s.last().copied());
        let of_reference = reference.get();
        match (lab.scrub.get(), last) {
            (_, None) => tr!(lang, "scrubber-nothing"),
            (Some(step), Some(last)) if of_reference => tr!(
                lang,
                "scrubber-at-reference",
                step = step.to_string(),
                last = last.to_string()
            ),
            (Some(step), Some(last)) => tr!(
                lang,
                "scrubber-at",
                step = step.to_string(),
                last = last.to_string()
            ),
            (None, Some(last)) if of_reference => {
                tr!(lang, "scrubber-latest-reference", last = last.to_string())
            }
            (None, Some(last)) => tr!(lang, "scrubber-latest", last = last.to_string()),
        }
    };
    view! {
        <div class="scrubber">
            <label for="scrubber">{move || tr!(lab.lang(), "scrubber-label")}</label>
            <input id="scrubber" type="range" min="0" step="1"
                max=move || steps.with(|s| s.len().saturating_sub(1))
                prop:value=move || index().to_string()
                disabled=move || steps.with(Vec::is_empty)
                aria-valuetext=label
                on:input=on_input />
            <button id="replay" on:click=play disabled=move || steps.with(Vec::is_empty)
                title=move || tr!(lab.lang(), "scrubber-replay-title")>{move || tr!(lab.lang(), "scrubber-replay")}</button>
            <button id="scrub-latest" on:click=latest disabled=move || lab.scrub.get().is_none()>{move || tr!(lab.lang(), "scrubber-latest-button")}</button>
            <span id="scrub-step" class="scrub-step">{label}</span>
        </div>
    }
}
