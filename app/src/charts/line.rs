//! A line chart over training steps (log-scale x) with hover read-out.

use leptos::prelude::*;

use super::scale::{Scale, label};
use super::{BOTTOM, FONT, HEIGHT, LEFT, RIGHT, TOP, WIDTH, pointer_x};
use crate::i18n::Lang;
use crate::state::Lab;
use crate::tr;

#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// The legend's words, in the page's language.
    pub name: String,
    pub color: &'static str,
    pub dashed: bool,
    /// (step, value)
    pub points: Vec<(f64, f64)>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum YAxis {
    Fixed(f64, f64),
    Linear,
    Log,
}

fn path(points: &[(f64, f64)], x: &Scale, y: &Scale) -> String {
    let mut d = String::new();
    for &(px, py) in points
        .iter()
        .filter(|(a, b)| a.is_finite() && b.is_finite())
    {
        let command = if d.is_empty() { 'M' } else { 'L' };
        d.push_str(&format!(
            "{command}{:.1},{:.1} ",
            x.map(px.max(1.0)),
            y.map(py)
        ));
    }
    d
}

fn y_scale(axis: YAxis, series: &[Series]) -> Scale {
    let (from, to) = (HEIGHT - BOTTOM, TOP);
    let values = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .filter(|v| v.is_finite());
    match axis {
        YAxis::Fixed(min, max) => Scale::linear(min, max, from, to),
        YAxis::Linear => {
            let (min, max) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                (a.min(v), b.max(v))
            });
            if min.is_finite() {
                let pad = ((max - min) * 0.08).max(1e-3);
                Scale::linear((min - pad).max(0.0), max + pad, from, to)
            } else {
                Scale::linear(0.0, 1.0, from, to)
            }
        }
        YAxis::Log => {
            let positive: Vec<f64> = values.filter(|v| *v > 0.0).collect();
            let min = positive.iter().copied().fold(f64::INFINITY, f64::min);
            let max = positive.iter().copied().fold(0.0, f64::max);
            if min.is_finite() {
                Scale::log(
                    10f64.powf(min.log10().floor()),
                    10f64.powf(max.log10().ceil()),
                    from,
                    to,
                )
            } else {
                Scale::log(1e-3, 10.0, from, to)
            }
        }
    }
}

/// (series name, colour, value) at one step.
type Reading = (String, &'static str, f64);

/// The evaluation nearest to `step` (in log space) in each series.
fn nearest(series: &[Series], step: f64) -> Option<(f64, Vec<Reading>)> {
    let points = &series.iter().find(|s| !s.points.is_empty())?.points;
    let target = step.max(1.0).ln();
    let &(x, _) = points.iter().min_by(|a, b| {
        (a.0.max(1.0).ln() - target)
            .abs()
            .total_cmp(&(b.0.max(1.0).ln() - target).abs())
    })?;
    let values = series
        .iter()
        .filter_map(|s| {
            s.points
                .iter()
                .find(|p| p.0 == x)
                .map(|p| (s.name.clone(), s.color, p.1))
        })
        .collect();
    Some((x, values))
}

/// A moment marked on a line chart: a ring at (step, value), a one-word label, the whole
/// sentence on hover.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    pub step: usize,
    pub value: f64,
    /// The moment's name in `data-moment` (tests read it): English, whatever the language.
    pub moment: &'static str,
    /// The word shown by the ring, in the page's language.
    pub label: String,
    pub title: String,
}

#[component]
pub fn LineChart(
    lab: Lab,
    /// Element id (exports and tests find the chart by it).
    id: &'static str,
    /// The chart's title, in the page's language.
    #[prop(into)]
    title: Signal<String>,
    #[prop(into)] series: Signal<Vec<Series>>,
    /// The step budget: the x axis always spans 1 … steps.
    #[prop(into)]
    steps: Signal<usize>,
    y_axis: YAxis,
    /// Moments marked on the chart (the live callouts), if any.
    #[prop(optional, into)]
    marks: Option<Signal<Vec<Mark>>>,
) -> impl IntoView {
    let hover = RwSignal::new(None::<f64>);
    let x_scale = move || Scale::log(1.0, steps.get().max(10) as f64, LEFT, WIDTH - RIGHT);
    let y_of = move || series.with(|s| y_scale(y_axis, s));
    let x_ticks = move || {
        let x = x_scale();
        x.ticks(6)
            .into_iter()
            .map(|t| {
                let px = x.map(t);
                view! {
                    <line x1=px x2=px y1=TOP y2=HEIGHT - BOTTOM stroke="#e5e5e5" />
                    <text x=px y=HEIGHT - BOTTOM + 14.0 text-anchor="middle" font-size="10" fill="#555">{label(t, lab.lang())}</text>
                }
            })
            .collect_view()
    };
    let y_ticks = move || {
        let y = y_of();
        y.ticks(5)
            .into_iter()
            .map(|t| {
                let py = y.map(t);
                view! {
                    <line x1=LEFT x2=WIDTH - RIGHT y1=py y2=py stroke="#e5e5e5" />
                    <text x=LEFT - 6.0 y=py + 3.0 text-anchor="end" font-size="10" fill="#555">{label(t, lab.lang())}</text>
                }
            })
            .collect_view()
    };
    let lines = move || {
        let (x, y) = (x_scale(), y_of());
        series
            .get()
            .into_iter()
            .map(|s| {
                view! {
                    <path d=path(&s.points, &x, &y) fill="none" stroke=s.color stroke-width="1.8"
                        stroke-dasharray=if s.dashed { "5 3" } else { "none" } />
                }
            })
            .collect_view()
    };
    let legend = move || {
        series
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, s)| {
                let x = LEFT + 8.0 + i as f64 * 92.0;
                view! {
                    <line x1=x x2=x + 18.0 y1=TOP + 10.0 y2=TOP + 10.0 stroke=s.color stroke-width="2"
                        stroke-dasharray=if s.dashed { "5 3" } else { "none" } />
                    <text x=x + 22.0 y=TOP + 13.0 font-size="10" fill="#333">{s.name}</text>
                }
            })
            .collect_view()
    };
    let readout = move || {
        let step = hover.get()?;
        let lang = lab.lang();
        series.with(|s| {
            let (x_step, values) = nearest(s, step)?;
            let px = x_scale().map(x_step.max(1.0));
            let right_side = px > WIDTH / 2.0;
            let box_x = if right_side { px - 136.0 } else { px + 6.0 };
            let rows = values
                .into_iter()
                .enumerate()
                .map(|(i, (name, color, value))| {
                    let text = tr!(lang, "chart-line-readout-value", name = name, value = format_value(value, lang));
                    view! { <text x=box_x + 6.0 y=TOP + 30.0 + 13.0 * i as f64 font-size="10" fill=color>{text}</text> }
                })
                .collect_view();
            let heading = tr!(lang, "chart-line-readout-step", step = format!("{x_step:.0}"));
            Some(view! {
                <g class="readout" pointer-events="none">
                    <line x1=px x2=px y1=TOP y2=HEIGHT - BOTTOM stroke="#999" stroke-dasharray="2 2" />
                    <rect x=box_x y=TOP + 4.0 width="130" height=16.0 + 13.0 * series.with(Vec::len) as f64 rx="3" fill="white" fill-opacity="0.92" stroke="#ccc" />
                    <text x=box_x + 6.0 y=TOP + 16.0 font-size="10" font-weight="bold" fill="#222">{heading}</text>
                    {rows}
                </g>
            })
        })
    };
    view! {
        <svg id=id class="chart" viewBox=format!("0 0 {WIDTH} {HEIGHT}") font-family=FONT
            xmlns="http://www.w3.org/2000/svg" role="img" aria-label=move || series.with(|s| describe(&title.get(), s, lab.lang()))
            on:mousemove=move |ev| hover.set(pointer_x(&ev).map(|px| x_scale().invert(px)))
            on:mouseleave=move |_| hover.set(None)>
            <rect x="0" y="0" width=WIDTH height=HEIGHT fill="white" />
            <text x=LEFT y="16" font-size="12" font-weight="600" fill="#222">{move || title.get()}</text>
            {x_ticks}
            {y_ticks}
            <rect x=LEFT y=TOP width=WIDTH - LEFT - RIGHT height=HEIGHT - TOP - BOTTOM fill="none" stroke="#bbb" />
            {lines}
            {move || marks.map(|marks| {
                let (x, y) = (x_scale(), y_of());
                marks.get().into_iter().enumerate().map(|(i, m)| {
                    let (px, py) = (x.map(m.step.max(1) as f64), y.map(m.value));
                    let anchor = if px > WIDTH / 2.0 { "end" } else { "start" };
                    let tx = if px > WIDTH / 2.0 { px - 6.0 } else { px + 6.0 };
                    // Alternately below and above: neighbouring moments' labels do not meet.
                    let ty = if i.is_multiple_of(2) { py + 14.0 } else { py - 8.0 };
                    view! {
                        <g class="callout-mark" data-moment=m.moment data-step=m.step>
                            <title>{m.title}</title>
                            <circle cx=px cy=py r="4" fill="white" stroke="#222" stroke-width="1.5" />
                            <text x=tx y=ty text-anchor=anchor font-size="9" fill="#222">{m.label}</text>
                        </g>
                    }
                }).collect_view()
            })}
            {legend}
            <text x=(LEFT + WIDTH - RIGHT) / 2.0 y=HEIGHT - 6.0 text-anchor="middle" font-size="10" fill="#444">{move || tr!(lab.lang(), "chart-line-axis-step")}</text>
            {readout}
        </svg>
    }
}

/// What a screen reader says for the chart: each series' latest value.
fn describe(title: &str, series: &[Series], lang: Lang) -> String {
    let latest: Vec<String> = series
        .iter()
        .filter_map(|s| {
            let &(step, value) = s.points.last()?;
            let name = s.name.clone();
            let value = format_value(value, lang);
            let step = format!("{step:.0}");
            Some(tr!(
                lang,
                "chart-line-describe-latest",
                name = name,
                value = value,
                step = step
            ))
        })
        .collect();
    if latest.is_empty() {
        tr!(lang, "chart-line-describe-empty", title = title)
    } else {
        let separator = tr!(lang, "chart-list-separator");
        let latest = latest.join(separator.as_str());
        tr!(lang, "chart-line-describe", title = title, latest = latest)
    }
}

/// A value as the read-out and the screen reader say it (small ones in scientific notation).
fn format_value(value: f64, lang: Lang) -> String {
    if value.abs() >= 100.0 {
        format!("{value:.1}")
    } else if value.abs() >= 0.01 {
        format!("{value:.3}")
    } else {
        crate::i18n::scientific(&format!("{value:.2e}"), lang)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loss() -> Vec<Series> {
        vec![Series {
            name: "train loss".to_owned(),
            color: "#000",
            dashed: false,
            points: vec![(1.0, 2.5), (500.0, 0.00001234)],
        }]
    }

    #[test]
    fn the_screen_reader_hears_each_series_latest_value() {
        assert_eq!(
            describe("Loss", &loss(), Lang::En),
            "Loss: train loss 1.23e-5 at step 500"
        );
        assert_eq!(
            describe("Loss", &[], Lang::En),
            "Loss: nothing trained yet at this size"
        );
    }

    #[test]
    fn in_chinese_it_says_the_step_and_writes_no_latin_exponent() {
        let text = describe("损失", &loss(), Lang::Zh);
        assert!(text.contains("第 500 步"), "{text}");
        assert!(text.contains("1.23×10⁻⁵"), "{text}");
        assert!(describe("损失", &[], Lang::Zh).contains("尚未训练"));
    }
}
