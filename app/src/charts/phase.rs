//! The phase diagram: final test accuracy and steps-to-generalize against training size,
//! coloured by regime, with the slider's size and the critical data size marked.

use grokking_lab::Regime;
use grokking_lab::analysis::{AnalysisConfig, sample_wise};
use leptos::prelude::*;

use super::regime::{color, marker, shape_label, shape_name};
use super::scale::{Scale, label};
use super::{BOTTOM, FONT, HEIGHT, LEFT, TOP, WIDTH, pointer_x};
use crate::i18n::Lang;
use crate::i18n::regime_name;
use crate::reference::ReferenceAnalysis;
use crate::state::{Lab, RunEntry};
use crate::tr;

const RIGHT_AXIS: f64 = 48.0;
const STEPS_COLOR: &str = "#444";
const SELECTED_COLOR: &str = "#1f77b4";

/// A CDS line's label sits right of the line, or left of it in the plot's right half, so it
/// never runs past the frame (a CDS at the largest size would).
fn beside(px: f64) -> f64 {
    if px > (LEFT + WIDTH - RIGHT_AXIS) / 2.0 {
        px - 4.0
    } else {
        px + 4.0
    }
}

fn anchor(px: f64) -> &'static str {
    if px > (LEFT + WIDTH - RIGHT_AXIS) / 2.0 {
        "end"
    } else {
        "start"
    }
}

/// One size on the diagram (the mean over its seeds).
#[derive(Debug, Clone, PartialEq)]
struct Point {
    size: usize,
    test_acc: Option<f64>,
    /// Lowest and highest final test accuracy over the size's seeds, when it has several.
    spread: Option<(f64, f64)>,
    /// Finished seeds in the mean.
    seeds: usize,
    steps_to_generalize: Option<usize>,
    /// `None` while training or queued.
    regime: Option<Regime>,
}

#[derive(Debug, Clone, PartialEq)]
struct Diagram {
    points: Vec<Point>,
    critical_data_size: Option<usize>,
    /// The steps the analysis reads (the run, or the authors' window of it): the
    /// steps-to-generalize axis.
    steps: usize,
    pool: usize,
}

/// The regime the phase diagram gives `size`, once its every seed finished.
pub fn classified(lab: &Lab, size: usize) -> Option<Regime> {
    diagram(lab)
        .points
        .into_iter()
        .find(|p| p.size == size)?
        .regime
}

/// The critical data size of the sizes trained here (tracked).
pub fn critical_data_size(lab: &Lab) -> Option<usize> {
    diagram(lab).critical_data_size
}

/// One sample-wise analysis per redraw of the sizes whose every seed finished (the core
/// averages a size's seeds); sizes still training show their latest mean test accuracy,
/// without a regime.
fn diagram(lab: &Lab) -> Diagram {
    let settings = lab.settings.get();
    let seeds = settings.seeds();
    let entries: Vec<(usize, Vec<RunEntry>)> = settings
        .sizes()
        .iter()
        .map(|&n| (n, lab.runs_for(n)))
        .collect();
    let done = |runs: &[RunEntry]| runs.len() == seeds && runs.iter().all(RunEntry::is_complete);
    let finished: Vec<_> = entries
        .iter()
        .filter(|(_, runs)| done(runs))
        .flat_map(|(_, runs)| runs.iter().map(RunEntry::view))
        .collect();
    let config = AnalysisConfig::for_task(&settings.template().task);
    let analysis = sample_wise(&finished, &config);
    let steps = config.analysed_steps(settings.steps());
    let points = entries
        .iter()
        .map(|(size, runs)| {
            let latest: Vec<f64> = runs
                .iter()
                .filter_map(|r| r.history.last().map(|p| p.test_acc))
                .collect();
            let spread = (latest.len() > 1).then(|| {
                latest
                    .iter()
                    .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &a| {
                        (lo.min(a), hi.max(a))
                    })
            });
            match analysis.sizes.iter().find(|p| p.train_size == *size) {
                Some(point) => Point {
                    size: *size,
                    test_acc: Some(point.final_test_acc),
                    spread,
                    seeds: point.runs,
                    steps_to_generalize: point.steps_to_generalize.map(|s| s.round() as usize),
                    regime: Some(point.regime),
                },
                None => Point {
                    size: *size,
                    test_acc: (!latest.is_empty())
                        .then(|| latest.iter().sum::<f64>() / latest.len() as f64),
                    spread,
                    seeds: latest.len(),
                    steps_to_generalize: None,
                    regime: None,
                },
            }
        })
        .collect();
    Diagram {
        points,
        critical_data_size: analysis.critical_data_size,
        steps,
        pool: settings.pool_size(),
    }
}

/// What a screen reader says for the chart: every analysed size's regime and the CDS, and
/// where the reference sweep puts its peak and CDS.
fn describe(d: &Diagram, reference: Option<&ReferenceAnalysis>, lang: Lang) -> String {
    let sizes: Vec<String> = d
        .points
        .iter()
        .filter_map(|p| {
            let regime = p.regime?;
            let accuracy = format!("{:.2}", p.test_acc?);
            Some(tr!(
                lang,
                "chart-phase-describe-size",
                size = p.size.to_string(),
                regime = regime_name(lang, regime),
                shape = shape_label(regime, lang),
                accuracy = accuracy
            ))
        })
        .collect();
    let cds = d.critical_data_size.map_or_else(
        || tr!(lang, "chart-phase-describe-no-cds"),
        |n| tr!(lang, "chart-phase-describe-cds", size = n.to_string()),
    );
    let reference = reference.map_or(String::new(), |r| {
        let peak = r.peak_steps_size.map_or_else(
            || tr!(lang, "chart-phase-describe-no-peak"),
            |n| tr!(lang, "chart-phase-describe-peak", size = n.to_string()),
        );
        let cds = r.critical_data_size.map_or_else(
            || tr!(lang, "chart-phase-describe-reference-no-cds"),
            |n| {
                tr!(
                    lang,
                    "chart-phase-describe-reference-cds",
                    size = n.to_string()
                )
            },
        );
        let count = r.points.len();
        tr!(
            lang,
            "chart-phase-describe-reference",
            count = count,
            peak = peak,
            cds = cds
        )
    });
    let analysed = sizes.len();
    let total = d.points.len();
    let text = if sizes.is_empty() {
        tr!(
            lang,
            "chart-phase-describe-none",
            analysed = analysed,
            total = total,
            cds = cds
        )
    } else {
        let list = sizes.join(&*tr!(lang, "chart-phase-describe-separator"));
        tr!(
            lang,
            "chart-phase-describe",
            analysed = analysed,
            total = total,
            sizes = list,
            cds = cds
        )
    };
    text + &reference
}

#[component]
pub fn PhaseDiagram(lab: Lab) -> impl IntoView {
    let data = Memo::new(move |_| diagram(&lab));
    let hover = RwSignal::new(None::<f64>);
    let x_scale = move || {
        data.with(|d| {
            let min = d.points.first().map_or(0, |p| p.size) as f64;
            let max = d.points.last().map_or(1, |p| p.size) as f64;
            let pad = ((max - min) * 0.06).max(1.0);
            Scale::linear(min - pad, max + pad, LEFT, WIDTH - RIGHT_AXIS)
        })
    };
    let acc_scale = Scale::linear(0.0, 1.0, HEIGHT - BOTTOM, TOP);
    let steps_scale =
        move || Scale::linear(0.0, data.with(|d| d.steps) as f64, HEIGHT - BOTTOM, TOP);
    let nearest_size = move |px: f64| {
        let x = x_scale();
        data.with(|d| {
            d.points
                .iter()
                .min_by(|a, b| {
                    (x.map(a.size as f64) - px)
                        .abs()
                        .total_cmp(&(x.map(b.size as f64) - px).abs())
                })
                .map(|p| p.size)
        })
    };
    let grid = move || {
        let x = x_scale();
        let steps = steps_scale();
        let x_ticks = data.with(|d| d.points.iter().map(|p| p.size).collect::<Vec<_>>());
        let every = x_ticks.len().div_ceil(10).max(1);
        view! {
            {x_ticks.into_iter().enumerate().filter(|(i, _)| i % every == 0).map(|(_, n)| {
                let px = x.map(n as f64);
                view! { <text x=px y=HEIGHT - BOTTOM + 14.0 text-anchor="middle" font-size="10" fill="#555">{n}</text> }
            }).collect_view()}
            {acc_scale.ticks(5).into_iter().map(|t| {
                let py = acc_scale.map(t);
                view! {
                    <line x1=LEFT x2=WIDTH - RIGHT_AXIS y1=py y2=py stroke="#e5e5e5" />
                    <text x=LEFT - 6.0 y=py + 3.0 text-anchor="end" font-size="10" fill="#555">{label(t, lab.lang())}</text>
                }
            }).collect_view()}
            {steps.ticks(4).into_iter().map(|t| {
                let py = steps.map(t);
                view! { <text x=WIDTH - RIGHT_AXIS + 6.0 y=py + 3.0 font-size="10" fill=STEPS_COLOR>{label(t, lab.lang())}</text> }
            }).collect_view()}
        }
    };
    let marks = move || {
        let x = x_scale();
        let steps = steps_scale();
        let selected = lab.selected.get();
        let (points, cds) = data.with(|d| (d.points.clone(), d.critical_data_size));
        let line: String = points
            .iter()
            .filter_map(|p| {
                Some((
                    x.map(p.size as f64),
                    steps.map(p.steps_to_generalize? as f64),
                ))
            })
            .enumerate()
            .map(|(i, (px, py))| format!("{}{px:.1},{py:.1} ", if i == 0 { 'M' } else { 'L' }))
            .collect();
        let sel_x = x.map(selected as f64);
        let max_steps = data.with(|d| d.steps) as f64;
        // The CLI's measured sweep of this preset, faint, behind the live points: its final
        // accuracies, its steps-to-generalize (the paper's central plot) and its CDS.
        let reference = lab.reference.with(|r| {
            r.as_ref().map(|loaded| {
                let (lo, hi) = points
                    .first()
                    .zip(points.last())
                    .map_or((0, 0), |(a, b)| (a.size, b.size));
                let shown: Vec<_> = loaded
                    .analysis
                    .points
                    .iter()
                    .filter(|p| (lo..=hi).contains(&p.size))
                    .cloned()
                    .collect();
                let dots = shown
                    .iter()
                    .map(|p| {
                        let (px, py) = (x.map(p.size as f64), acc_scale.map(p.test_acc));
                        view! {
                            <path class="phase-reference" data-size=p.size data-regime=p.regime.name()
                                d=marker(p.regime, px, py, 8.0) fill=color(p.regime) fill-opacity="0.28" stroke="none" />
                        }
                    })
                    .collect_view();
                let steps_at: Vec<(f64, f64, usize, f64)> = shown
                    .iter()
                    .filter_map(|p| {
                        let s = p.steps_to_generalize?;
                        Some((x.map(p.size as f64), steps.map(s.min(max_steps)), p.size, s))
                    })
                    .collect();
                let steps_line: String = steps_at
                    .iter()
                    .enumerate()
                    .map(|(i, (px, py, ..))| format!("{}{px:.1},{py:.1} ", if i == 0 { 'M' } else { 'L' }))
                    .collect();
                let steps_marks = steps_at
                    .into_iter()
                    .map(|(px, py, size, s)| view! {
                        <rect class="phase-reference-steps" data-size=size data-steps=format!("{s:.0}")
                            x=px - 3.5 y=py - 3.5 width="7" height="7" fill="none" stroke=STEPS_COLOR
                            stroke-opacity="0.5" stroke-width="1.2" />
                    })
                    .collect_view();
                let cds = loaded
                    .analysis
                    .critical_data_size
                    .filter(|n| (lo..=hi).contains(n))
                    .map(|n| {
                        let px = x.map(n as f64);
                        view! {
                            <line class="cds-reference" data-size=n x1=px x2=px y1=TOP y2=HEIGHT - BOTTOM
                                stroke="#888" stroke-width="3" stroke-opacity="0.35" />
                            <text x=beside(px) y=TOP + 22.0 text-anchor=anchor(px) font-size="9" fill="#777">{format!("CLI: CDS ≈ {n}")}</text>
                        }
                    });
                view! {
                    {cds}
                    {dots}
                    <path class="phase-reference-steps-line" d=steps_line fill="none" stroke=STEPS_COLOR
                        stroke-opacity="0.35" stroke-width="1" stroke-dasharray="1 2" />
                    {steps_marks}
                }
            })
        });
        view! {
            {reference}
            <line class="selected-size" x1=sel_x x2=sel_x y1=TOP y2=HEIGHT - BOTTOM stroke=SELECTED_COLOR stroke-width="6" stroke-opacity="0.18" />
            {cds.map(|n| {
                let px = x.map(n as f64);
                view! {
                    <line class="cds" data-size=n x1=px x2=px y1=TOP y2=HEIGHT - BOTTOM stroke="#222" stroke-dasharray="6 4" />
                    <text x=beside(px) y=TOP + 10.0 text-anchor=anchor(px) font-size="10" fill="#222">{format!("CDS ≈ {n}")}</text>
                }
            })}
            <path d=line fill="none" stroke=STEPS_COLOR stroke-width="1.2" stroke-dasharray="3 2" />
            {points.iter().filter_map(|p| {
                let (px, py) = (x.map(p.size as f64), steps.map(p.steps_to_generalize? as f64));
                Some(view! { <rect x=px - 3.0 y=py - 3.0 width="6" height="6" fill=STEPS_COLOR /> })
            }).collect_view()}
            {points.iter().filter_map(|p| {
                let (lo, hi) = p.spread?;
                let px = x.map(p.size as f64);
                Some(view! {
                    <line class="spread" data-size=p.size x1=px x2=px y1=acc_scale.map(lo) y2=acc_scale.map(hi)
                        stroke="#555" stroke-width="1.5" />
                    <line x1=px - 4.0 x2=px + 4.0 y1=acc_scale.map(lo) y2=acc_scale.map(lo) stroke="#555" />
                    <line x1=px - 4.0 x2=px + 4.0 y1=acc_scale.map(hi) y2=acc_scale.map(hi) stroke="#555" />
                })
            }).collect_view()}
            {points.iter().filter_map(|p| {
                let (px, py) = (x.map(p.size as f64), acc_scale.map(p.test_acc?));
                Some(match p.regime {
                    Some(regime) => view! {
                        <path class="phase-point" data-size=p.size data-regime=regime.name() data-shape=shape_name(regime)
                            d=marker(regime, px, py, 6.0) fill=color(regime) stroke="white" stroke-width="1.5" />
                    }.into_any(),
                    None => view! {
                        <circle class="phase-point training" data-size=p.size cx=px cy=py r="6" fill="white"
                            stroke="#777" stroke-width="1.5" stroke-dasharray="2 2" />
                    }.into_any(),
                })
            }).collect_view()}
        }
    };
    let readout = move || {
        let px = hover.get()?;
        let size = nearest_size(px)?;
        let point = data.with(|d| d.points.iter().find(|p| p.size == size).cloned())?;
        let x = x_scale().map(size as f64);
        let box_x = if x > WIDTH / 2.0 { x - 196.0 } else { x + 8.0 };
        let lang = lab.lang();
        let regime = point.regime.map_or_else(
            || tr!(lang, "chart-phase-hover-training"),
            |r| regime_name(lang, r),
        );
        let pool = data.with(|d| d.pool);
        let share = format!("{:.0}", 100.0 * size as f64 / pool as f64);
        let steps = point
            .steps_to_generalize
            .map_or("—".into(), |s| s.to_string());
        let rows = [
            tr!(
                lang,
                "chart-phase-hover-size",
                size = size.to_string(),
                share = share
            ),
            match (point.test_acc, point.spread) {
                (Some(mean), Some((lo, hi))) => {
                    let accuracy = format!("{mean:.3}");
                    let low = format!("{lo:.2}");
                    let high = format!("{hi:.2}");
                    tr!(
                        lang,
                        "chart-phase-hover-accuracy-spread",
                        accuracy = accuracy,
                        seeds = point.seeds,
                        low = low,
                        high = high
                    )
                }
                (Some(acc), None) => {
                    let accuracy = format!("{acc:.3}");
                    tr!(lang, "chart-phase-hover-accuracy", accuracy = accuracy)
                }
                (None, _) => tr!(lang, "chart-phase-hover-accuracy-none"),
            },
            tr!(lang, "chart-phase-hover-steps", steps = steps),
            tr!(lang, "chart-phase-hover-regime", regime = regime),
        ];
        Some(view! {
            <g pointer-events="none">
                <rect x=box_x y=TOP + 16.0 width="190" height="62" rx="3" fill="white" fill-opacity="0.94" stroke="#ccc" />
                {rows.into_iter().enumerate().map(|(i, row)| view! {
                    <text x=box_x + 6.0 y=TOP + 30.0 + 13.0 * i as f64 font-size="10" fill="#222">{row}</text>
                }).collect_view()}
            </g>
        })
    };
    let legend = [Regime::Insufficiency, Regime::Sufficiency, Regime::Surplus]
        .into_iter()
        .enumerate()
        .map(|(i, regime)| {
            let x = LEFT + 6.0 + i as f64 * 96.0;
            view! {
                <path d=marker(regime, x + 5.0, TOP - 8.0, 4.5) fill=color(regime) />
                <text x=x + 13.0 y=TOP - 5.0 font-size="10" fill="#333">{move || regime_name(lab.lang(), regime)}</text>
            }
        })
        .collect_view();
    view! {
        <svg id="chart-phase" class="chart phase" viewBox=format!("0 0 {WIDTH} {HEIGHT}") font-family=FONT
            xmlns="http://www.w3.org/2000/svg" role="img"
            aria-label=move || data.with(|d| lab.reference.with(|r| describe(d, r.as_ref().map(|l| &l.analysis), lab.lang())))
            on:mousemove=move |ev| hover.set(pointer_x(&ev))
            on:mouseleave=move |_| hover.set(None)
            on:click=move |ev| {
                if let Some(size) = pointer_x(&ev).and_then(nearest_size) {
                    lab.selected.set(size);
                }
            }>
            <rect x="0" y="0" width=WIDTH height=HEIGHT fill="white" />
            <text x=LEFT y="12" font-size="12" font-weight="600" fill="#222">{move || tr!(lab.lang(), "chart-phase-title")}</text>
            {move || lab.reference.with(|r| r.as_ref().map(|loaded| {
                let command = loaded.reference.command;
                let lang = lab.lang();
                // A sweep of the first stops only says where it ends.
                let caption = match loaded.analysis.points.last() {
                    Some(last) if loaded.reference.first_stops_only => {
                        tr!(lang, "chart-phase-reference-caption-first", size = last.size.to_string())
                    }
                    _ => tr!(lang, "chart-phase-reference-caption"),
                };
                // In the title row, never under the points. The command is the CLI's: English.
                view! {
                    <text class="phase-reference-label" x=WIDTH - 4.0 y="12" text-anchor="end" font-size="9" fill="#777">
                        <title lang="en">{command}</title>
                        {caption}
                    </text>
                }
            }))}
            {legend}
            <text x=WIDTH - 4.0 y=TOP - 5.0 text-anchor="end" font-size="10" fill=STEPS_COLOR>{move || tr!(lab.lang(), "chart-phase-legend-steps")}</text>
            {grid}
            <rect x=LEFT y=TOP width=WIDTH - LEFT - RIGHT_AXIS height=HEIGHT - TOP - BOTTOM fill="none" stroke="#bbb" />
            {marks}
            <text x=(LEFT + WIDTH - RIGHT_AXIS) / 2.0 y=HEIGHT - 6.0 text-anchor="middle" font-size="10" fill="#444">{move || tr!(lab.lang(), "chart-axis-size")}</text>
            <text x="12" y=(TOP + HEIGHT - BOTTOM) / 2.0 font-size="10" fill="#444" transform=format!("rotate(-90 12 {})", (TOP + HEIGHT - BOTTOM) / 2.0) text-anchor="middle">{move || tr!(lab.lang(), "chart-phase-axis-accuracy")}</text>
            {readout}
        </svg>
    }
}
