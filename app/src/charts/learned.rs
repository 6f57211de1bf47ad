//! What the model learned (modular tasks), for the slider's size at the scrubber's step:
//! the Fourier spectrum of its token embedding (a grokked model uses a few key frequencies,
//! Nanda et al. 2023) and the p × p grid of the pairs it answers correctly.

use grokking_lab::learned::{Cell, Snapshot};
use leptos::prelude::*;

use super::{FONT, HEIGHT, LEFT, RIGHT, TOP, WIDTH};
use crate::i18n::Lang;
use crate::state::Lab;
use crate::tr;

const KEY_COLOR: &str = "#ddaa33";
const BAR_COLOR: &str = "#8aa1b1";
/// Grid colours: right answers blue (train light, test dark), wrong ones red (train light,
/// test dark); colour-blind readers also get the legend's counts and each cell's tooltip.
fn cell_color(cell: Cell) -> &'static str {
    match cell {
        Cell::TrainRight => "#9ecae1",
        Cell::TestRight => "#004488",
        Cell::TrainWrong => "#f4b6c2",
        Cell::TestWrong => "#bb5566",
        Cell::Unused => "#f1f1f1",
    }
}

fn cell_name(cell: Cell, lang: Lang) -> String {
    match cell {
        Cell::TrainRight => tr!(lang, "chart-answers-train-right"),
        Cell::TrainWrong => tr!(lang, "chart-answers-train-wrong"),
        Cell::TestRight => tr!(lang, "chart-answers-test-right"),
        Cell::TestWrong => tr!(lang, "chart-answers-test-wrong"),
        Cell::Unused => tr!(lang, "chart-answers-unused"),
    }
}

/// The slider's run's snapshot at the scrubber's step (the latest one at or before it).
pub fn snapshot_at(snapshots: &[Snapshot], step: Option<usize>) -> Option<Snapshot> {
    snapshots
        .iter()
        .rev()
        .find(|s| step.is_none_or(|step| s.step <= step))
        .cloned()
}

#[component]
pub fn LearnedViews(lab: Lab) -> impl IntoView {
    let modular = move || lab.settings.with(|s| !s.is_imdb());
    let snapshot = Memo::new(move |_| {
        let snapshots = lab
            .run_for(lab.selected.get())
            .map(|r| r.learned.snapshots().to_vec())
            .unwrap_or_default();
        snapshot_at(&snapshots, lab.scrub.get())
    });
    view! {
        <Show when=modular>
            <FourierChart lab snapshot />
            <AnswerGrid lab snapshot />
        </Show>
    }
}

#[component]
fn FourierChart(lab: Lab, snapshot: Memo<Option<Snapshot>>) -> impl IntoView {
    let bars = move || {
        let s = snapshot.get()?;
        let lang = lab.lang();
        let n = s.frequencies.len().max(1);
        let keys = s.key_frequencies();
        let top = s.frequencies.iter().copied().fold(0.0, f64::max).max(1e-9);
        let (x0, x1) = (LEFT, WIDTH - RIGHT);
        let (y0, y1) = (TOP + 14.0, HEIGHT - 40.0);
        let w = (x1 - x0) / n as f64;
        let every = n.div_ceil(12).max(1);
        let even = 1.0 / n as f64;
        let even_y = y1 - (y1 - y0) * even / top;
        let columns = s
            .frequencies
            .iter()
            .enumerate()
            .map(|(i, &share)| {
                let k = i + 1;
                let h = (y1 - y0) * share / top;
                let key = keys.contains(&k);
                let x = x0 + i as f64 * w;
                let percent = format!("{:.1}", 100.0 * share);
                let tip = if key {
                    tr!(lang, "chart-fourier-bar-key", k = k.to_string(), percent = percent)
                } else {
                    tr!(lang, "chart-fourier-bar", k = k.to_string(), percent = percent)
                };
                view! {
                    <rect class=if key { "fourier-bar key" } else { "fourier-bar" } data-k=k data-share=format!("{share:.4}")
                        x=x + 0.5 y=y1 - h width=(w - 1.0).max(0.5) height=h fill=if key { KEY_COLOR } else { BAR_COLOR }>
                        <title>{tip}</title>
                    </rect>
                    {(i % every == 0 || key).then(|| view! {
                        <text x=x + w / 2.0 y=y1 + 12.0 text-anchor="middle" font-size="9" fill=if key { "#222" } else { "#777" }>{k}</text>
                    })}
                }
            })
            .collect_view();
        let summary = if keys.is_empty() {
            tr!(lang, "chart-fourier-no-keys")
        } else {
            let list = keys
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            let percent = format!("{:.0}", 100.0 * s.share(&keys));
            tr!(lang, "chart-fourier-keys", keys = list, percent = percent)
        };
        let summary = tr!(
            lang,
            "chart-fourier-summary",
            step = s.step.to_string(),
            summary = summary
        );
        Some(view! {
            {columns}
            <line x1=x0 x2=x1 y1=even_y y2=even_y stroke="#999" stroke-dasharray="3 3" />
            <text x=x1 y=even_y - 3.0 text-anchor="end" font-size="9" fill="#777">{tr!(lang, "chart-fourier-even")}</text>
            <text class="fourier-summary" x=x0 y=TOP + 6.0 font-size="10" fill="#333">{summary}</text>
            <text x=(x0 + x1) / 2.0 y=HEIGHT - 12.0 text-anchor="middle" font-size="10" fill="#444">{tr!(lang, "chart-fourier-axis")}</text>
        }.into_any())
    };
    let label = move || {
        let lang = lab.lang();
        snapshot.with(|s| match s {
            None => tr!(lang, "chart-fourier-describe-empty"),
            Some(s) => {
                let keys = s.key_frequencies();
                let keys = if keys.is_empty() {
                    tr!(lang, "chart-fourier-describe-no-keys")
                } else {
                    let list = format!("{keys:?}");
                    tr!(lang, "chart-fourier-describe-keys", keys = list)
                };
                tr!(
                    lang,
                    "chart-fourier-describe",
                    step = s.step.to_string(),
                    keys = keys
                )
            }
        })
    };
    frame(
        "chart-fourier",
        move || tr!(lab.lang(), "chart-fourier-title"),
        move || tr!(lab.lang(), "chart-fourier-empty"),
        label,
        bars,
    )
}

/// A learned view's `<svg>`: its id, title and accessible label, and `body`, or `empty` while
/// there is nothing to draw (the texts in the page's language, redrawn when it changes).
fn frame(
    id: &'static str,
    title: impl Fn() -> String + Send + Sync + 'static,
    empty: impl Fn() -> String + Send + Sync + 'static,
    label: impl Fn() -> String + Send + Sync + 'static,
    body: impl Fn() -> Option<AnyView> + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <svg id=id class="chart" viewBox=format!("0 0 {WIDTH} {HEIGHT}") font-family=FONT
            xmlns="http://www.w3.org/2000/svg" role="img" aria-label=label>
            <rect x="0" y="0" width=WIDTH height=HEIGHT fill="white" />
            <text x=LEFT y="16" font-size="12" font-weight="600" fill="#222">{title}</text>
            {move || body().unwrap_or_else(|| view! {
                <text x=WIDTH / 2.0 y=HEIGHT / 2.0 text-anchor="middle" font-size="11" fill="#777">{empty()}</text>
            }.into_any())}
        </svg>
    }
}

#[component]
fn AnswerGrid(lab: Lab, snapshot: Memo<Option<Snapshot>>) -> impl IntoView {
    // A square grid left of a legend, in the charts' viewBox.
    let side = HEIGHT - TOP - 16.0;
    let (x0, y0) = (LEFT - 20.0, TOP);
    let grid = move || {
        let s = snapshot.get()?;
        let lang = lab.lang();
        let p = s.modulus();
        let cell = side / p.max(1) as f64;
        // One path per kind of cell: thousands of rects would cost more than the page's
        // frame budget at p = 113.
        let mut paths: Vec<(Cell, String)> =
            Cell::ALL.iter().map(|&c| (c, String::new())).collect();
        for (i, c) in s.cells().enumerate() {
            let (a, b) = (i / p, i % p);
            let d = &mut paths
                .iter_mut()
                .find(|(kind, _)| *kind == c)
                .expect("every kind")
                .1;
            d.push_str(&format!(
                "M{:.2},{:.2}h{cell:.2}v{cell:.2}h-{cell:.2}z",
                x0 + b as f64 * cell,
                y0 + a as f64 * cell
            ));
        }
        let legend_x = x0 + side + 16.0;
        let legend = Cell::ALL
            .iter()
            .enumerate()
            .map(|(i, &c)| {
                let y = y0 + 18.0 + i as f64 * 18.0;
                view! {
                    <rect x=legend_x y=y - 9.0 width="10" height="10" fill=cell_color(c) stroke="#ccc" stroke-width="0.5" />
                    <text class="answer-count" data-cell=c.symbol().to_string() x=legend_x + 16.0 y=y font-size="10" fill="#333">
                        {tr!(lang, "chart-answers-legend", cell = cell_name(c, lang), count = s.count(c).to_string())}
                    </text>
                }
            })
            .collect_view();
        let train = s.count(Cell::TrainRight) + s.count(Cell::TrainWrong);
        let test = s.count(Cell::TestRight) + s.count(Cell::TestWrong);
        let pct = |right: usize, all: usize| {
            if all == 0 {
                0.0
            } else {
                100.0 * right as f64 / all as f64
            }
        };
        let train_percent = format!("{:.0}", pct(s.count(Cell::TrainRight), train));
        let test_percent = format!("{:.0}", pct(s.count(Cell::TestRight), test));
        let summary = tr!(
            lang,
            "chart-answers-summary",
            step = s.step.to_string(),
            train = train_percent,
            test = test_percent
        );
        let axes = tr!(lang, "chart-answers-axes", last = (p - 1).to_string());
        Some(view! {
            {paths.into_iter().map(|(c, d)| view! {
                <path class="answer-cells" data-cell=c.symbol().to_string() d=d fill=cell_color(c) />
            }).collect_view()}
            <rect x=x0 y=y0 width=side height=side fill="none" stroke="#bbb" />
            {legend}
            <text class="answer-summary" x=legend_x y=y0 + 18.0 * 6.0 font-size="10" fill="#333">{summary}</text>
            <text x=legend_x y=y0 + 18.0 * 7.0 font-size="9" fill="#777">{axes}</text>
        }.into_any())
    };
    let label = move || {
        let lang = lab.lang();
        snapshot.with(|s| match s {
            None => tr!(lang, "chart-answers-describe-empty"),
            Some(s) => {
                let step = s.step.to_string();
                let train_right = s.count(Cell::TrainRight).to_string();
                let train = (s.count(Cell::TrainRight) + s.count(Cell::TrainWrong)).to_string();
                let test_right = s.count(Cell::TestRight).to_string();
                let test = (s.count(Cell::TestRight) + s.count(Cell::TestWrong)).to_string();
                tr!(
                    lang,
                    "chart-answers-describe",
                    step = step,
                    train_right = train_right,
                    train = train,
                    test_right = test_right,
                    test = test
                )
            }
        })
    };
    frame(
        "chart-answers",
        move || tr!(lab.lang(), "chart-answers-title"),
        move || tr!(lab.lang(), "chart-answers-empty"),
        label,
        grid,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(step: usize) -> Snapshot {
        Snapshot {
            step,
            frequencies: vec![1.0],
            answers: "TtE.".into(),
        }
    }

    #[test]
    fn the_scrubber_shows_the_latest_snapshot_at_or_before_its_step() {
        let all = [snapshot(0), snapshot(100), snapshot(200)];
        assert_eq!(snapshot_at(&all, None).unwrap().step, 200);
        assert_eq!(snapshot_at(&all, Some(150)).unwrap().step, 100);
        assert_eq!(snapshot_at(&all, Some(100)).unwrap().step, 100);
        assert!(snapshot_at(&[], Some(100)).is_none());
    }

    #[test]
    fn the_grid_legend_names_its_cells_in_both_languages() {
        assert_eq!(
            cell_name(Cell::TrainRight, Lang::En),
            "training pair, right"
        );
        assert_eq!(cell_name(Cell::Unused, Lang::En), "not in either set");
        assert_eq!(cell_name(Cell::TestWrong, Lang::Zh), "测试数对，答错");
    }
}
