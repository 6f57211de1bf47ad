//! The selected training size's curves: accuracy, loss, and the weight norm — of the run
//! trained here, or, until there is one, of the preset's reference run (the CLI's, dashed);
//! cut at the step scrubber's step when replaying.

use grokking_lab::EvalPoint;
use leptos::prelude::*;

use super::line::{LineChart, Mark, Series, YAxis};
use super::{NORM_COLOR, TEST_COLOR, TRAIN_COLOR};
use crate::callouts::{Callout, Moment, callouts};
use crate::i18n::Lang;
use crate::state::Lab;
use crate::tr;
use grokking_lab::analysis::AnalysisConfig;

/// Whose curves are on screen.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    pub history: Vec<EvalPoint>,
    /// From the preset's reference sweep, not trained here.
    pub reference: bool,
}

/// The slider's run, or the reference run at its size while it has no evaluation here.
pub fn shown(lab: &Lab) -> Shown {
    let size = lab.selected.get();
    let live = lab.run_for(size).map(|r| r.history).unwrap_or_default();
    if !live.is_empty() {
        return Shown {
            history: live,
            reference: false,
        };
    }
    let reference = lab.reference.with(|r| {
        r.as_ref()
            .and_then(|loaded| loaded.run_at(size))
            .map(|run| run.history.clone())
    });
    Shown {
        reference: reference.is_some(),
        history: reference.unwrap_or_default(),
    }
}

fn series(
    history: &[EvalPoint],
    name: String,
    color: &'static str,
    dashed: bool,
    value: fn(&EvalPoint) -> f64,
) -> Series {
    Series {
        name,
        color,
        dashed,
        points: history.iter().map(|p| (p.step as f64, value(p))).collect(),
    }
}

/// A series' legend name; the reference run's gets "(CLI)".
fn series_name(name: String, reference: bool, lang: Lang) -> String {
    if reference {
        tr!(lang, "chart-series-reference", name = name)
    } else {
        name
    }
}

/// The word by a moment's ring on the accuracy chart.
fn moment_label(moment: Moment, lang: Lang) -> String {
    match moment {
        Moment::Memorized => tr!(lang, "chart-moment-memorized"),
        Moment::Generalized => tr!(lang, "chart-moment-generalized"),
        Moment::Classified => tr!(lang, "chart-moment-classified"),
    }
}

#[component]
pub fn Curves(lab: Lab) -> impl IntoView {
    let source = Memo::new(move |_| shown(&lab));
    // Up to the scrubber's step.
    let history = Memo::new(move |_| {
        let scrub = lab.scrub.get();
        source.with(|s| {
            s.history
                .iter()
                .filter(|p| scrub.is_none_or(|step| p.step <= step))
                .copied()
                .collect::<Vec<_>>()
        })
    });
    let reference = move || source.with(|s| s.reference);
    let steps = Signal::derive(move || lab.settings.with(|s| s.steps()));
    let accuracy = Signal::derive(move || {
        let r = reference();
        let lang = lab.lang();
        history.with(|h| {
            vec![
                series(
                    h,
                    series_name(tr!(lang, "chart-series-train-acc"), r, lang),
                    TRAIN_COLOR,
                    r,
                    |p| p.train_acc,
                ),
                series(
                    h,
                    series_name(tr!(lang, "chart-series-test-acc"), r, lang),
                    TEST_COLOR,
                    r,
                    |p| p.test_acc,
                ),
            ]
        })
    });
    let loss = Signal::derive(move || {
        let r = reference();
        let lang = lab.lang();
        history.with(|h| {
            vec![
                series(
                    h,
                    series_name(tr!(lang, "chart-series-train-loss"), r, lang),
                    TRAIN_COLOR,
                    r,
                    |p| p.train_loss,
                ),
                series(
                    h,
                    series_name(tr!(lang, "chart-series-test-loss"), r, lang),
                    TEST_COLOR,
                    r,
                    |p| p.test_loss,
                ),
            ]
        })
    });
    let norm = Signal::derive(move || {
        let r = reference();
        let lang = lab.lang();
        history.with(|h| {
            vec![series(
                h,
                series_name(tr!(lang, "chart-series-weight-norm"), r, lang),
                NORM_COLOR,
                r,
                |p| p.weight_norm,
            )]
        })
    });
    // The moments of the run on screen, from the history on screen: the scrubber replays
    // them. A size's regime is said once all its seeds finished (and not while replaying).
    let notes = Memo::new(move |_| {
        if !lab.callouts.get() {
            return Vec::<Callout>::new();
        }
        let size = lab.selected.get();
        let config = lab
            .settings
            .with(|s| AnalysisConfig::for_task(&s.template().task));
        let regime = if lab.scrub.get().is_some() {
            None
        } else if reference() {
            lab.reference.with(|r| {
                r.as_ref()
                    .and_then(|l| l.analysis.points.iter().find(|p| p.size == size))
                    .map(|p| p.regime)
            })
        } else if lab.run_for(size).is_some_and(|r| r.is_complete()) {
            super::phase::classified(&lab, size)
        } else {
            None
        };
        let lang = lab.lang();
        history.with(|h| callouts(size, h, &config, regime, lang))
    });
    let marks = Signal::derive(move || {
        let lang = lab.lang();
        notes
            .get()
            .into_iter()
            .map(|c| Mark {
                step: c.step,
                value: c.accuracy,
                moment: c.moment.name(),
                label: moment_label(c.moment, lang),
                title: c.text,
            })
            .collect::<Vec<_>>()
    });
    let accuracy_title = Signal::derive(move || tr!(lab.lang(), "chart-accuracy-title"));
    let loss_title = Signal::derive(move || tr!(lab.lang(), "chart-loss-title"));
    let norm_title = Signal::derive(move || tr!(lab.lang(), "chart-norm-title"));
    view! {
        <div class="curves">
            <LineChart lab id="chart-accuracy" title=accuracy_title series=accuracy steps=steps y_axis=YAxis::Fixed(0.0, 1.0) marks=marks />
            <LineChart lab id="chart-loss" title=loss_title series=loss steps=steps y_axis=YAxis::Log />
            <LineChart lab id="chart-norm" title=norm_title series=norm steps=steps y_axis=YAxis::Linear />
            <div id="callouts" class="callouts" aria-live="polite">
                <label class="callouts-switch">
                    <input id="callouts-on" type="checkbox" prop:checked=move || lab.callouts.get()
                        on:change=move |ev| lab.callouts.set(event_target_checked(&ev)) />
                    " "{move || tr!(lab.lang(), "chart-callouts-switch")}
                </label>
                <ol>
                    {move || notes.get().into_iter().map(|c| view! {
                        <li class="callout" data-moment=c.moment.name() data-step=c.step>{c.text}</li>
                    }).collect_view()}
                </ol>
            </div>
        </div>
    }
}
