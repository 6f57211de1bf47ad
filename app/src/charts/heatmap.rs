//! The paper's accuracy heat map: test accuracy over training step × training size, one
//! row per size of the setup. A size shows its live runs (the mean over its seeds) once
//! one has evaluated, and the preset's reference runs (the CLI's sweep) until then, so the
//! whole map is there before anything trains and fills in with what trains here.

use grokking_lab::EvalPoint;
use grokking_lab::analysis::AnalysisConfig;
use leptos::prelude::*;

use super::scale::{Scale, label, viridis};
use super::{FONT, HEIGHT, LEFT, TOP, WIDTH, pointer_xy};
use crate::i18n::Lang;
use crate::state::Lab;
use crate::tr;

/// Step bins across the analysed span.
const COLUMNS: usize = 48;
const RIGHT_BAR: f64 = 56.0;
const BOTTOM: f64 = 40.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Live,
    Reference,
}

#[derive(Debug, Clone, PartialEq)]
struct Row {
    size: usize,
    source: Source,
    /// Mean test accuracy at the end of each step bin; `None` before the runs got there.
    cells: Vec<Option<f64>>,
}

#[derive(Debug, Clone, PartialEq)]
struct Map {
    rows: Vec<Row>,
    /// The steps the map spans (the run, or the analysis window of it).
    steps: usize,
    /// Accuracy at the dark end of the colour scale: chance for IMDB (0.5), 0 otherwise.
    floor: f64,
}

/// Test accuracy of the latest evaluation at or before `step`.
fn at_step(history: &[EvalPoint], step: usize) -> Option<f64> {
    let count = history.partition_point(|p| p.step <= step);
    count.checked_sub(1).map(|i| history[i].test_acc)
}

/// Each bin's mean over `histories` of those that reached it.
fn binned(histories: &[&[EvalPoint]], steps: usize) -> Vec<Option<f64>> {
    (1..=COLUMNS)
        .map(|col| {
            let end = steps * col / COLUMNS;
            let values: Vec<f64> = histories.iter().filter_map(|h| at_step(h, end)).collect();
            (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
        })
        .collect()
}

fn map(lab: &Lab) -> Map {
    let settings = lab.settings.get();
    let template = settings.template();
    let config = AnalysisConfig::for_task(&template.task);
    let steps = config.analysed_steps(settings.steps()).max(1);
    let rows = lab.reference.with(|reference| {
        settings
            .sizes()
            .iter()
            .filter_map(|&size| {
                let live = lab.runs_for(size);
                let live: Vec<&[EvalPoint]> = live
                    .iter()
                    .map(|r| r.history.as_slice())
                    .filter(|h| !h.is_empty())
                    .collect();
                if !live.is_empty() {
                    return Some(Row {
                        size,
                        source: Source::Live,
                        cells: binned(&live, steps),
                    });
                }
                let reference: Vec<&[EvalPoint]> = reference
                    .iter()
                    .flat_map(|loaded| &loaded.runs)
                    .filter(|r| r.config.train_size() == size)
                    .map(|r| r.history.as_slice())
                    .collect();
                (!reference.is_empty()).then(|| Row {
                    size,
                    source: Source::Reference,
                    cells: binned(&reference, steps),
                })
            })
            .collect()
    });
    Map {
        rows,
        steps,
        floor: if template.task.is_imdb() { 0.5 } else { 0.0 },
    }
}

/// What a screen reader says: which sizes are shown, from where, and where the latest
/// column stands.
fn describe(m: &Map, lang: Lang) -> String {
    if m.rows.is_empty() {
        return tr!(lang, "chart-heatmap-describe-empty");
    }
    let live = m.rows.iter().filter(|r| r.source == Source::Live).count();
    let last: Vec<String> = m
        .rows
        .iter()
        .filter_map(|r| {
            let acc = r.cells.iter().rev().find_map(|c| *c)?;
            Some(format!("N {}: {acc:.2}", r.size))
        })
        .collect();
    let separator = tr!(lang, "chart-list-separator");
    let latest = last.join(separator.as_str());
    let steps = m.steps.to_string();
    let sizes = m.rows.len();
    let reference = m.rows.len() - live;
    tr!(
        lang,
        "chart-heatmap-describe",
        steps = steps,
        sizes = sizes,
        live = live,
        reference = reference,
        latest = latest
    )
}

#[component]
pub fn AccuracyHeatmap(lab: Lab) -> impl IntoView {
    let data = Memo::new(move |_| map(&lab));
    let hover = RwSignal::new(None::<(f64, f64)>);
    let (x0, x1) = (LEFT, WIDTH - RIGHT_BAR);
    let (y0, y1) = (TOP, HEIGHT - BOTTOM);
    let body = move || {
        let lang = lab.lang();
        data.with(|m| {
            if m.rows.is_empty() {
                return view! {
                    <text x=WIDTH / 2.0 y=HEIGHT / 2.0 text-anchor="middle" font-size="11" fill="#777">
                        {tr!(lang, "chart-heatmap-empty")}
                    </text>
                }
                .into_any();
            }
            let cell_w = (x1 - x0) / COLUMNS as f64;
            let cell_h = (y1 - y0) / m.rows.len() as f64;
            let steps = Scale::linear(0.0, m.steps as f64, x0, x1);
            let floor = m.floor;
            // The largest N on top, as the phase diagram's accuracy axis grows upwards.
            let rows = m.rows.len();
            let body = m
                .rows
                .iter()
                .enumerate()
                .map(|(i, row)| {
                    let y = y0 + (rows - 1 - i) as f64 * cell_h;
                    let (class, opacity) = match row.source {
                        Source::Live => ("heat-cell", "1"),
                        Source::Reference => ("heat-cell heat-reference", "0.55"),
                    };
                    let cells = row
                        .cells
                        .iter()
                        .enumerate()
                        .filter_map(|(col, acc)| {
                            let acc = (*acc)?;
                            let t = (acc - floor) / (1.0 - floor);
                            Some(view! {
                                <rect class=class data-size=row.size data-acc=format!("{acc:.3}")
                                    x=x0 + col as f64 * cell_w y=y width=cell_w + 0.3 height=cell_h + 0.3
                                    fill=viridis(t) fill-opacity=opacity />
                            })
                        })
                        .collect_view();
                    let every = rows.div_ceil(12).max(1);
                    view! {
                        {cells}
                        {(i % every == 0).then(|| view! {
                            <text x=x0 - 4.0 y=y + cell_h / 2.0 + 3.0 text-anchor="end" font-size="9" fill="#555">
                                {row.size}
                            </text>
                        })}
                    }
                })
                .collect_view();
            let ticks = steps
                .ticks(5)
                .into_iter()
                .map(|t| {
                    let px = steps.map(t);
                    view! { <text x=px y=y1 + 13.0 text-anchor="middle" font-size="10" fill="#555">{label(t, lang)}</text> }
                })
                .collect_view();
            // The colour bar: chance (or 0) at the bottom, 1 at the top.
            let bar = (0..20)
                .map(|i| {
                    let t = i as f64 / 19.0;
                    let h = (y1 - y0) / 20.0;
                    view! { <rect x=x1 + 10.0 y=y1 - (i + 1) as f64 * h width="10" height=h + 0.3 fill=viridis(t) /> }
                })
                .collect_view();
            view! {
                {body}
                {ticks}
                {bar}
                <text x=x1 + 24.0 y=y0 + 8.0 font-size="9" fill="#555">"1.0"</text>
                <text x=x1 + 24.0 y=y1 font-size="9" fill="#555">{label(floor, lang)}</text>
                <text x=(x0 + x1) / 2.0 y=HEIGHT - 6.0 text-anchor="middle" font-size="10" fill="#444">{tr!(lang, "chart-heatmap-axis-step")}</text>
            }
            .into_any()
        })
    };
    let readout = move || {
        let (px, py) = hover.get()?;
        let lang = lab.lang();
        if !(x0..x1).contains(&px) || !(y0..y1).contains(&py) {
            return None;
        }
        data.with(|m| {
            let rows = m.rows.len();
            let row_from_top = ((py - y0) / (y1 - y0) * rows as f64) as usize;
            let row = m.rows.get(rows.checked_sub(1 + row_from_top)?)?;
            let col = (((px - x0) / (x1 - x0)) * COLUMNS as f64) as usize;
            let acc = (*row.cells.get(col)?)?;
            let step = m.steps * (col + 1) / COLUMNS;
            let from = match row.source {
                Source::Live => tr!(lang, "chart-heatmap-from-live"),
                Source::Reference => tr!(lang, "chart-heatmap-from-reference"),
            };
            let accuracy = format!("{acc:.3}");
            let text = tr!(
                lang,
                "chart-heatmap-hover",
                size = row.size.to_string(),
                step = step.to_string(),
                accuracy = accuracy,
                source = from
            );
            let box_x = if px > WIDTH / 2.0 { px - 214.0 } else { px + 8.0 };
            Some(view! {
                <g pointer-events="none">
                    <rect x=box_x y=py - 10.0 width="206" height="16" rx="3" fill="white" fill-opacity="0.94" stroke="#ccc" />
                    <text x=box_x + 5.0 y=py + 2.0 font-size="10" fill="#222">{text}</text>
                </g>
            })
        })
    };
    view! {
        <svg id="chart-heatmap" class="chart heatmap" viewBox=format!("0 0 {WIDTH} {HEIGHT}") font-family=FONT
            xmlns="http://www.w3.org/2000/svg" role="img" aria-label=move || data.with(|m| describe(m, lab.lang()))
            on:mousemove=move |ev| hover.set(pointer_xy(&ev))
            on:mouseleave=move |_| hover.set(None)>
            <rect x="0" y="0" width=WIDTH height=HEIGHT fill="white" />
            <text x=LEFT y="12" font-size="12" font-weight="600" fill="#222">{move || tr!(lab.lang(), "chart-heatmap-title")}</text>
            <text x=WIDTH - 4.0 y="12" text-anchor="end" font-size="9" fill="#777">{move || tr!(lab.lang(), "chart-heatmap-reference-note")}</text>
            <text x="12" y=(y0 + y1) / 2.0 font-size="10" fill="#444" transform=format!("rotate(-90 12 {})", (y0 + y1) / 2.0) text-anchor="middle">{move || tr!(lab.lang(), "chart-axis-size")}</text>
            {body}
            {readout}
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(step: usize, test_acc: f64) -> EvalPoint {
        EvalPoint {
            step,
            train_loss: 0.0,
            test_loss: 0.0,
            train_acc: 1.0,
            test_acc,
            weight_norm: 1.0,
        }
    }

    #[test]
    fn a_bin_holds_the_latest_evaluation_before_its_end_averaged_over_seeds() {
        let a = [point(0, 0.0), point(500, 0.5), point(1000, 1.0)];
        let b = [point(0, 0.2), point(500, 0.3)];
        let cells = binned(&[&a, &b], 960);
        assert_eq!(cells.len(), COLUMNS);
        // Bin 1 ends at step 20: both runs' step-0 values.
        assert!((cells[0].unwrap() - 0.1).abs() < 1e-12);
        // Bin 25 ends at step 500.
        assert!((cells[24].unwrap() - 0.4).abs() < 1e-12);
        // The last bin ends at 960: run a is still at 0.5, b at 0.3.
        assert!((cells[COLUMNS - 1].unwrap() - 0.4).abs() < 1e-12);
        // A run that has not evaluated yet leaves its bins empty.
        let late = [point(600, 0.9)];
        assert_eq!(binned(&[&late], 960)[0], None);
    }

    #[test]
    fn the_screen_reader_hears_the_map_in_english_and_chinese() {
        let map = Map {
            rows: vec![
                Row {
                    size: 400,
                    source: Source::Live,
                    cells: vec![Some(0.5), Some(0.96)],
                },
                Row {
                    size: 800,
                    source: Source::Reference,
                    cells: vec![Some(1.0), None],
                },
            ],
            steps: 1000,
            floor: 0.0,
        };
        assert_eq!(
            describe(&map, Lang::En),
            "Accuracy heat map: test accuracy over the first 1000 steps for 2 sizes (1 trained here, 1 from the CLI's reference sweep); latest: N 400: 0.96, N 800: 1.00."
        );
        let zh = describe(&map, Lang::Zh);
        assert!(zh.starts_with("准确率热图"), "{zh}");
        assert!(zh.contains("N 400: 0.96，N 800: 1.00"), "{zh}");
        let empty = Map {
            rows: Vec::new(),
            steps: 1000,
            floor: 0.0,
        };
        assert!(describe(&empty, Lang::Zh).contains("尚无"));
    }
}
