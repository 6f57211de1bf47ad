//! The paper's model-wise picture: best test accuracy over model width × training size,
//! the critical data size of each width marked (larger models need more data). Fed by every
//! finished run of the setup on screen at any width — trained here ("Train the map") or
//! imported from a CLI sweep (`grokking sweep --d-models …`).

use std::collections::HashSet;

use grokking_lab::ExperimentConfig;
use grokking_lab::RunRecord;
use grokking_lab::analysis::{AnalysisConfig, ModelWise, model_wise};
use leptos::prelude::*;

use super::regime;
use super::scale::viridis;
use super::{FONT, HEIGHT, LEFT, TOP, WIDTH};
use crate::i18n::Lang;
use crate::settings::LabSettings;
use crate::state::{Lab, Level, RunEntry};
use crate::tr;

const RIGHT_LABELS: f64 = 70.0;
const BOTTOM_LABELS: f64 = 40.0;
const D_MODEL_KEY: &str = "d-model";

/// Whether `run` is the setup of `template` at some width: every setting but N, the width
/// and the seed equal, and the seed among the `seeds` the lab shows from the template's.
pub fn same_experiment_but_width(
    template: &ExperimentConfig,
    seeds: usize,
    run: &ExperimentConfig,
) -> bool {
    let strip = |c: &ExperimentConfig| {
        let mut c = c.clone();
        c.set_train_size(0);
        c.model.d_model = 0;
        c.seed = 0;
        c
    };
    let seed_ok = run
        .seed
        .checked_sub(template.seed)
        .is_some_and(|k| k < seeds as u64);
    seed_ok && strip(run) == strip(template)
}

/// Widths parsed from the map's field ("16, 32, 64"), each a valid setup with the rest of
/// the settings on screen; the error in `lang`.
pub fn parse_widths(settings: &LabSettings, text: &str, lang: Lang) -> Result<Vec<usize>, String> {
    let mut widths = Vec::new();
    for part in text.split([',', ' ']).filter(|p| !p.trim().is_empty()) {
        let width: usize = part
            .trim()
            .parse()
            .map_err(|_| tr!(lang, "chart-map-error-number", value = part.trim()))?;
        let mut candidate = settings.clone();
        candidate
            .set(D_MODEL_KEY, &width.to_string())
            .map_err(|e| {
                tr!(
                    lang,
                    "chart-map-error-width",
                    width = width.to_string(),
                    error = e.to_string()
                )
            })?;
        if !widths.contains(&width) {
            widths.push(width);
        }
    }
    if widths.is_empty() {
        return Err(tr!(lang, "chart-map-error-empty"));
    }
    if widths.len() > 6 {
        return Err(tr!(lang, "chart-map-error-too-many", count = 6usize));
    }
    widths.sort_unstable();
    Ok(widths)
}

/// The settings on screen at another width.
pub fn at_width(settings: &LabSettings, width: usize) -> Option<LabSettings> {
    let mut other = settings.clone();
    other.set(D_MODEL_KEY, &width.to_string()).ok()?;
    Some(other)
}

/// The grid, and which of its cells come from the preset's reference sweep: every finished
/// run of the setup at any width, and the reference's runs where no width × size cell has
/// one (so the map is full before anything trains, and live cells replace reference ones).
fn map(lab: &Lab) -> Option<(ModelWise, HashSet<(usize, usize)>)> {
    let settings = lab.settings.get();
    let template = settings.template();
    let seeds = settings.seeds();
    let live: Vec<RunEntry> = lab.runs.with(|runs| {
        runs.values()
            .filter(|r| r.is_complete() && same_experiment_but_width(template, seeds, &r.config))
            .cloned()
            .collect()
    });
    let cell = |c: &ExperimentConfig| (c.model.d_model, c.train_size());
    let trained: HashSet<(usize, usize)> = live.iter().map(|r| cell(&r.config)).collect();
    let reference: Vec<RunRecord> = lab.reference.with(|r| {
        r.iter()
            .flat_map(|loaded| &loaded.map_runs)
            .filter(|run| !trained.contains(&cell(&run.config)))
            .cloned()
            .collect()
    });
    if live.is_empty() && reference.is_empty() {
        return None;
    }
    let from_reference = reference.iter().map(|r| cell(&r.config)).collect();
    let views: Vec<_> = live
        .iter()
        .map(RunEntry::view)
        .chain(reference.iter().map(RunRecord::view))
        .collect();
    let grid = model_wise(&views, &AnalysisConfig::for_task(&template.task));
    Some((grid, from_reference))
}

#[component]
pub fn ModelMap(lab: Lab) -> impl IntoView {
    let data = Memo::new(move |_| map(&lab));
    let current_width = move || lab.settings.with(|s| s.template().model.d_model);
    let cells = move || {
        let (grid, from_reference) = data.get()?;
        let lang = lab.lang();
        let values: Vec<f64> = grid
            .best_test_acc
            .iter()
            .flatten()
            .flatten()
            .copied()
            .collect();
        let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let span = (hi - lo).max(1e-9);
        let (x0, x1) = (LEFT, WIDTH - RIGHT_LABELS);
        let (y0, y1) = (TOP, HEIGHT - BOTTOM_LABELS);
        let cell_w = (x1 - x0) / grid.sizes.len() as f64;
        let cell_h = (y1 - y0) / grid.widths.len() as f64;
        let current = current_width();
        // The widest model on top, as in the paper's figure.
        let rows = grid.widths.len();
        let row_y = move |row: usize| y0 + (rows - 1 - row) as f64 * cell_h;
        let body = grid
            .widths
            .iter()
            .enumerate()
            .map(|(row, &width)| {
                let analysis = &grid.per_width[row];
                let y = row_y(row);
                let cds = analysis.critical_data_size;
                let row_cells = grid.sizes.iter().enumerate().filter_map(|(col, &size)| {
                    let acc = grid.best_test_acc[row][col]?;
                    let point = analysis.sizes.iter().find(|p| p.train_size == size)?;
                    let x = x0 + col as f64 * cell_w;
                    let t = (acc - lo) / span;
                    let ink = if t > 0.6 { "#111" } else { "#fff" };
                    let is_cds = cds == Some(size);
                    let reference = from_reference.contains(&(width, size));
                    let (class, opacity) = if reference {
                        ("model-cell reference", "0.6")
                    } else {
                        ("model-cell", "1")
                    };
                    let accuracy = format!("{acc:.3}");
                    let mut tip = tr!(
                        lang,
                        "chart-map-tip",
                        width = width.to_string(),
                        size = size.to_string(),
                        accuracy = accuracy,
                        regime = crate::i18n::regime_name(lang, point.regime),
                        runs = point.runs
                    );
                    if is_cds {
                        tip += &tr!(lang, "chart-map-tip-cds");
                    }
                    if reference {
                        tip += &tr!(lang, "chart-map-tip-reference");
                    }
                    Some(view! {
                        <g>
                            <rect class=class data-width=width data-size=size data-acc=format!("{acc:.4}")
                                x=x + 1.0 y=y + 1.0 width=cell_w - 2.0 height=cell_h - 2.0 fill=viridis(t) fill-opacity=opacity>
                                <title>{tip}</title>
                            </rect>
                            {(cell_w > 34.0 && cell_h > 16.0).then(|| view! {
                                <text x=x + cell_w / 2.0 y=y + cell_h / 2.0 + 4.0 text-anchor="middle" font-size="10" fill=ink pointer-events="none">{format!("{acc:.2}")}</text>
                            })}
                            {(cell_h > 22.0).then(|| view! {
                                <path d=regime::marker(point.regime, x + 8.0, y + 8.0, 3.5) fill=regime::color(point.regime) stroke="white" stroke-width="0.8" pointer-events="none" />
                            })}
                            {is_cds.then(|| view! {
                                <rect class="model-cds" data-width=width data-size=size x=x + 2.5 y=y + 2.5 width=cell_w - 5.0 height=cell_h - 5.0
                                    fill="none" stroke="#111" stroke-width="3" pointer-events="none" />
                            })}
                        </g>
                    })
                }).collect_view();
                let weight = if width == current { "700" } else { "400" };
                view! {
                    <text x=LEFT - 6.0 y=y + cell_h / 2.0 + 4.0 text-anchor="end" font-size="10" font-weight=weight fill="#333">{tr!(lang, "chart-map-row", width = width.to_string())}</text>
                    {row_cells}
                    <text class="model-cds-label" x=x1 + 6.0 y=y + cell_h / 2.0 + 4.0 font-size="10" fill="#111">
                        {cds.map_or_else(|| tr!(lang, "chart-map-no-cds"), |n| tr!(lang, "chart-map-cds", size = n.to_string()))}
                    </text>
                }
            })
            .collect_view();
        let every = grid.sizes.len().div_ceil(10).max(1);
        let columns = grid
            .sizes
            .iter()
            .enumerate()
            .filter(|(i, _)| i % every == 0)
            .map(|(col, &size)| {
                let x = x0 + (col as f64 + 0.5) * cell_w;
                view! { <text x=x y=y1 + 14.0 text-anchor="middle" font-size="10" fill="#555">{size}</text> }
            })
            .collect_view();
        let mut range = tr!(
            lang,
            "chart-map-range",
            low = format!("{lo:.2}"),
            high = format!("{hi:.2}")
        );
        if !from_reference.is_empty() {
            range += &tr!(lang, "chart-map-range-reference");
        }
        Some(view! {
            {body}
            {columns}
            <text x=(x0 + x1) / 2.0 y=HEIGHT - 6.0 text-anchor="middle" font-size="10" fill="#444">{tr!(lang, "chart-axis-size")}</text>
            <text x=x0 y=TOP - 6.0 font-size="9" fill="#666">{range}</text>
        }.into_any())
    };
    let describe = move || {
        let lang = lab.lang();
        data.with(|grid| match grid {
            None => tr!(lang, "chart-map-describe-empty"),
            Some((grid, from_reference)) => {
                let cds: Vec<String> = grid
                    .widths
                    .iter()
                    .zip(&grid.per_width)
                    .map(|(w, a)| {
                        let cds = a.critical_data_size.map_or_else(
                            || tr!(lang, "chart-map-no-cds"),
                            |n| tr!(lang, "chart-map-cds", size = n.to_string()),
                        );
                        tr!(
                            lang,
                            "chart-map-describe-width",
                            width = w.to_string(),
                            cds = cds
                        )
                    })
                    .collect();
                let reference = if from_reference.is_empty() {
                    String::new()
                } else {
                    let count = from_reference.len();
                    tr!(lang, "chart-map-describe-reference", count = count)
                };
                let widths = grid.widths.len();
                let sizes = grid.sizes.len();
                let list = cds.join(&*tr!(lang, "chart-map-describe-separator"));
                let text = tr!(
                    lang,
                    "chart-map-describe",
                    widths = widths,
                    sizes = sizes,
                    list = list
                );
                text + &reference
            }
        })
    };
    view! {
        <div class="model-map">
            <svg id="chart-model-wise" class="chart" viewBox=format!("0 0 {WIDTH} {HEIGHT}") font-family=FONT
                xmlns="http://www.w3.org/2000/svg" role="img" aria-label=describe>
                <rect x="0" y="0" width=WIDTH height=HEIGHT fill="white" />
                <text x=LEFT y="12" font-size="12" font-weight="600" fill="#222">{move || tr!(lab.lang(), "chart-map-title")}</text>
                {move || cells().unwrap_or_else(|| view! {
                    <text x=WIDTH / 2.0 y=HEIGHT / 2.0 text-anchor="middle" font-size="11" fill="#777">
                        {tr!(lab.lang(), "chart-map-empty")}
                    </text>
                }.into_any())}
            </svg>
            <MapControls lab />
        </div>
    }
}

/// Which widths to train, and the button that queues them.
#[component]
fn MapControls(lab: Lab) -> impl IntoView {
    let suggestion = move || {
        let width = lab.settings.with(|s| s.template().model.d_model);
        let halves = [width / 2, width, width * 2];
        let valid: Vec<String> = halves
            .iter()
            .filter(|&&w| lab.settings.with(|s| at_width(s, w).is_some()))
            .map(ToString::to_string)
            .collect();
        valid.join(", ")
    };
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let train = move |_| {
        let settings = lab.settings.get_untracked();
        let typed = text.get_untracked();
        let typed = if typed.trim().is_empty() {
            suggestion()
        } else {
            typed
        };
        let lang = lab.lang_now();
        match parse_widths(&settings, &typed, lang) {
            Ok(widths) => {
                error.set(None);
                lab.map_widths.set(widths.clone());
                for width in widths {
                    if let Some(other) = at_width(&settings, width) {
                        for config in other.all_configs() {
                            lab.enqueue(config);
                        }
                    }
                }
                lab.playing.set(true);
                lab.notify(Level::Info, tr!(lang, "chart-map-notice-training"));
            }
            Err(message) => error.set(Some(message)),
        }
    };
    view! {
        <div class="map-controls">
            <label for="map-widths">{move || tr!(lab.lang(), "chart-map-widths-label")}</label>
            <input id="map-widths" type="text" placeholder=suggestion
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev)) />
            <button id="map-train" on:click=train title=move || tr!(lab.lang(), "chart-map-train-title")>{move || tr!(lab.lang(), "chart-map-train")}</button>
            <span class="error" role="alert">{move || error.get()}</span>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use grokking_lab::presets;

    #[test]
    fn the_same_setup_at_another_width_belongs_to_the_map_and_another_setup_does_not() {
        let template = presets::find("tiny").unwrap().config(0);
        let mut wider = presets::find("tiny").unwrap().config(60);
        wider.model.d_model *= 2;
        assert!(same_experiment_but_width(&template, 1, &wider));
        let mut other_lr = wider.clone();
        other_lr.optimizer.lr *= 2.0;
        assert!(!same_experiment_but_width(&template, 1, &other_lr));
        let mut other_seed = wider.clone();
        other_seed.seed += 1;
        assert!(!same_experiment_but_width(&template, 1, &other_seed));
        assert!(same_experiment_but_width(&template, 2, &other_seed));
    }

    #[test]
    fn widths_are_parsed_sorted_and_checked_against_the_setup() {
        let settings = LabSettings::from_preset(presets::find("tiny").unwrap());
        assert_eq!(
            parse_widths(&settings, "64, 16 32,16", Lang::En).unwrap(),
            vec![16, 32, 64]
        );
        assert!(
            parse_widths(&settings, "abc", Lang::En)
                .unwrap_err()
                .contains("not a whole number")
        );
        assert!(parse_widths(&settings, "", Lang::En).is_err());
        // The number of heads must divide the width.
        assert!(
            parse_widths(&settings, "17", Lang::En)
                .unwrap_err()
                .starts_with("width 17")
        );
    }

    #[test]
    fn width_errors_are_said_in_chinese_too() {
        let settings = LabSettings::from_preset(presets::find("tiny").unwrap());
        let error = parse_widths(&settings, "abc", Lang::Zh).unwrap_err();
        assert!(error.contains("不是整数"), "{error}");
        assert!(error.contains("abc"), "{error}");
        let error = parse_widths(&settings, "", Lang::Zh).unwrap_err();
        assert!(error.contains("宽度"), "{error}");
    }
}
