//! Reference results: the CLI's own measured sweeps (`docs/results/`), shipped with the
//! site (`reference/`; the largest as their `grokking slim` copies in `docs/results/site/`), so the phase diagram shows what a preset does before anything has
//! trained. Fetched when a preset with one is on screen; analysed here as `grokking
//! analyze` would (the file's stored analysis may predate today's rules).

use grokking_lab::analysis::AnalysisConfig;
use grokking_lab::record::{self, RunRecord, SweepRecord};
use grokking_lab::{Regime, presets};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::tasks::{Slice, next_task};

/// A preset's reference sweep and the command that measured it, and the model-wise grid
/// of the same setup where one was measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reference {
    pub preset: &'static str,
    /// Relative to the site (trunk copies it from `docs/results/`, see `index.html`).
    pub file: &'static str,
    pub command: &'static str,
    /// The model-wise map's reference layer: a sweep over widths (`--d-models`; its command
    /// is in docs/results/README.md beside the file). It may be `file` itself: the phase
    /// diagram then reads the preset's width of it.
    pub map: Option<&'static str>,
    /// The sweep covers only the slider's first stops (the CPU could afford them; the rest
    /// wait for a GPU), which the caption says. The others cover every stop.
    pub first_stops_only: bool,
}

pub const REFERENCES: [Reference; 5] = [
    Reference {
        preset: "three-regimes",
        file: "reference/mod47-sample-wise.json",
        command: "grokking sweep --task mod-add --arch pre-ln --eval-start even --modulus 47 --d-model 64 --d-mlp 256 --heads 4 --steps 6000 --eval-every 50 --train-sizes 600:1600:100 --jobs 2",
        map: None,
        first_stops_only: false,
    },
    Reference {
        preset: "tiny",
        file: "reference/mod31-tiny-pre-ln-3seeds.json",
        command: "grokking sweep --preset tiny --arch pre-ln --eval-start even --seeds 0:2:1 --jobs 2",
        map: None,
        first_stops_only: false,
    },
    Reference {
        preset: "model-wise",
        file: "reference/mod37-model-wise.json",
        command: "grokking sweep --preset model-wise --d-models 16,32,64,128 --seeds 0:2:1",
        map: Some("reference/mod37-model-wise.json"),
        first_stops_only: false,
    },
    Reference {
        preset: "imdb",
        file: "reference/imdb-a3-sample-wise.json",
        command: "grokking sweep --preset imdb --seeds 0:2:1",
        map: Some("reference/imdb-a3-model-wise.json"),
        first_stops_only: false,
    },
    // The paper's own size on the CPU: 6,000 steps (the window the authors analyse, all the
    // phase diagram reads of the preset's 100k), N = 1,000 … 5,500 of the slider's 1,000 …
    // 9,500 (about 18 h of two cores; `cargo xtask gpu-sweep` extends it).
    Reference {
        preset: "paper",
        file: "reference/mod113-paper.json",
        command: "grokking sweep --preset paper --arch openai-gpt --subsets independent --split shared --steps 6000 --train-sizes 1000:5500:500 --seeds 0,1 --jobs 2",
        map: None,
        first_stops_only: true,
    },
];

/// The reference of the preset named `preset`, if it has one.
pub fn for_preset(preset: &str) -> Option<Reference> {
    REFERENCES.into_iter().find(|r| r.preset == preset)
}

/// One size of a reference sweep: the mean over its seeds.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferencePoint {
    pub size: usize,
    pub test_acc: f64,
    pub steps_to_generalize: Option<f64>,
    pub regime: Regime,
}

/// A reference sweep as today's analysis reads it: the paper's central plot (its sizes'
/// steps-to-generalize) and the two critical data sizes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReferenceAnalysis {
    pub points: Vec<ReferencePoint>,
    /// Min N whose mean test accuracy reaches ε, memorized.
    pub critical_data_size: Option<usize>,
    /// Where steps-to-generalize peak beyond the seeds' spread (the paper's estimate).
    pub peak_steps_size: Option<usize>,
}

/// A loaded reference: its analysis, for the preset it belongs to, and its runs (the
/// curves a size shows before it is trained here).
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub reference: Reference,
    pub analysis: ReferenceAnalysis,
    pub runs: Vec<RunRecord>,
    /// The model-wise reference's runs (every width), if the preset has one.
    pub map_runs: Vec<RunRecord>,
}

impl Loaded {
    /// The reference run at `train_size` with the lowest seed.
    pub fn run_at(&self, train_size: usize) -> Option<&RunRecord> {
        self.runs
            .iter()
            .filter(|r| r.config.train_size() == train_size)
            .min_by_key(|r| r.config.seed)
    }
}

/// The runs of `reference` at its preset's width (a sweep over widths holds others).
pub fn at_preset_width(reference: &Reference, runs: Vec<RunRecord>) -> Vec<RunRecord> {
    let Some(width) = presets::find(reference.preset).map(|p| p.config(1).model.d_model) else {
        return runs;
    };
    runs.into_iter()
        .filter(|r| r.config.model.d_model == width)
        .collect()
}

/// Runs of one width as today's analysis reads them.
pub fn analyse(runs: Vec<RunRecord>) -> ReferenceAnalysis {
    let Some(first) = runs.first() else {
        return ReferenceAnalysis::default();
    };
    let config = AnalysisConfig::for_task(&first.config.task);
    let analysed = SweepRecord::new(runs, config);
    let Some(width) = analysed.analysis.sample_wise.first() else {
        return ReferenceAnalysis::default();
    };
    ReferenceAnalysis {
        points: width
            .analysis
            .sizes
            .iter()
            .map(|p| ReferencePoint {
                size: p.train_size,
                test_acc: p.final_test_acc,
                steps_to_generalize: p.steps_to_generalize,
                regime: p.regime,
            })
            .collect(),
        critical_data_size: width.analysis.critical_data_size,
        peak_steps_size: width.analysis.peak_steps_size,
    }
}

/// Downloads `file` (relative to the site) and reads its runs. The runs are parsed a few at
/// a time with the page's thread given back in between: a reference is 0.2–5 MB of JSON, and
/// parsing one whole holds the page for a long task (73 ms measured for the default preset's).
async fn fetch_runs(file: &str) -> Result<Vec<RunRecord>, String> {
    let window = web_sys::window().ok_or("no window")?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(file))
        .await
        .map_err(|e| format!("{e:?}"))?
        .dyn_into()
        .map_err(|_| "not a response".to_owned())?;
    if !response.ok() {
        return Err(format!("HTTP {}", response.status()));
    }
    let text = JsFuture::from(response.text().map_err(|e| format!("{e:?}"))?)
        .await
        .map_err(|e| format!("{e:?}"))?
        .as_string()
        .ok_or("not text")?;
    next_task().await;
    let unparsed = record::sweep_runs(&text).map_err(|e| format!("{file}: {e}"))?;
    let mut runs = Vec::with_capacity(unparsed.len());
    let mut slice = Slice::start();
    for (index, raw) in unparsed.into_iter().enumerate() {
        runs.push(record::parse_sweep_run(raw, index).map_err(|e| format!("{file}: {e}"))?);
        slice.yield_if_spent().await;
    }
    Ok(runs)
}

/// Downloads and analyses `reference` (and its model-wise grid), between frames.
pub async fn load(reference: Reference) -> Result<Loaded, String> {
    let all_runs = fetch_runs(reference.file).await?;
    let map_runs = match reference.map {
        Some(map) if map == reference.file => all_runs.clone(),
        Some(map) => {
            next_task().await;
            fetch_runs(map).await?
        }
        None => Vec::new(),
    };
    next_task().await;
    let runs = at_preset_width(&reference, all_runs);
    let analysis = analyse(runs.clone());
    next_task().await;
    Ok(Loaded {
        reference,
        analysis,
        runs,
        map_runs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use grokking_lab::config::{EvalStart, ExperimentConfig, SplitDraw, Subsets};
    use std::collections::BTreeSet;

    fn results() -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/results")
    }

    /// The file `index.html` copies to `file`: its slim copy in `docs/results/site/` where
    /// it has one, else the sweep itself.
    fn source(file: &str) -> std::path::PathBuf {
        let name = file.trim_start_matches("reference/");
        [results().join("site").join(name), results().join(name)]
            .into_iter()
            .find(|path| path.exists())
            .unwrap_or_else(|| panic!("{file} is not in docs/results"))
    }

    /// Each slim copy the site ships is its committed sweep, run for run, without the
    /// `learned` snapshots (`grokking slim`): nothing the lab reads differs.
    #[test]
    fn every_site_copy_is_its_sweep_without_the_snapshots() {
        let site = results().join("site");
        let mut copies = 0;
        for entry in std::fs::read_dir(&site).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let slim = committed(&format!("reference/{name}"));
            let full = std::fs::read_to_string(results().join(&name)).unwrap();
            let record::Loaded::Sweep(full) = record::load(&full).unwrap() else {
                panic!("{name} is a sweep");
            };
            assert!(slim.runs.iter().all(|r| r.learned.is_empty()), "{name}");
            let mut stripped = *full;
            stripped.runs.iter_mut().for_each(|r| r.learned.clear());
            assert_eq!(
                slim, stripped,
                "docs/results/site/{name} is stale: run grokking slim"
            );
            copies += 1;
        }
        assert!(copies >= 1);
    }

    fn committed(file: &str) -> SweepRecord {
        let path = source(file);
        match record::load(&std::fs::read_to_string(path).unwrap()).unwrap() {
            record::Loaded::Sweep(sweep) => *sweep,
            record::Loaded::Run(_) => panic!("{file} is a sweep"),
        }
    }

    /// The settings that make a run a preset's experiment: all but the seed, how subsets and
    /// split are drawn and where evaluations start (the older references predate those
    /// settings, which move the draw, not the experiment), and steps beyond the analysis
    /// window (nothing reads them) — and, on a map, the width.
    fn experiment(config: &ExperimentConfig, any_width: bool) -> ExperimentConfig {
        let mut c = config.clone();
        c.training.steps = AnalysisConfig::for_task(&c.task).analysed_steps(c.training.steps);
        c.seed = 0;
        c.subsets = Subsets::default();
        c.split = SplitDraw::default();
        c.training.eval_start = EvalStart::default();
        if any_width {
            c.model.d_model = 0;
        }
        c
    }

    /// Every reference is a committed sweep of its preset's experiment covering every size
    /// of the preset's slider (the map: at more than one width).
    #[test]
    fn every_reference_is_a_committed_sweep_of_its_preset_at_every_size() {
        for reference in REFERENCES {
            let preset = presets::find(reference.preset).expect("a preset");
            let runs = at_preset_width(&reference, committed(reference.file).runs);
            for run in &runs {
                let expected = preset.config(run.config.train_size());
                assert_eq!(
                    experiment(&run.config, false),
                    experiment(&expected, false),
                    "{} in {}",
                    reference.preset,
                    reference.file
                );
            }
            let sizes: BTreeSet<usize> = runs.iter().map(|r| r.config.train_size()).collect();
            let wanted: BTreeSet<usize> = preset.sizes.iter().copied().collect();
            if reference.first_stops_only {
                assert!(
                    sizes.is_subset(&wanted) && sizes.len() > 1,
                    "{}: slider stops so far, {sizes:?}",
                    preset.name
                );
            } else {
                assert_eq!(
                    sizes, wanted,
                    "{}: a reference point per slider stop",
                    preset.name
                );
            }
            assert!(!analyse(runs).points.is_empty(), "{}", reference.preset);
            if let Some(map) = reference.map {
                let grid = committed(map).runs;
                let widths: BTreeSet<usize> = grid.iter().map(|r| r.config.model.d_model).collect();
                assert!(widths.len() > 1, "{map} is a model-wise sweep");
                for run in &grid {
                    let expected = preset.config(run.config.train_size());
                    assert_eq!(
                        experiment(&run.config, true),
                        experiment(&expected, true),
                        "{map}"
                    );
                }
            }
        }
    }

    /// The default preset's reference reads as the docs say: three regimes, CDS 900 (with
    /// the seeds of N = 600, 800, 1,000 and 1,600).
    #[test]
    fn the_default_reference_shows_three_regimes_and_a_cds_of_900() {
        let default = analyse(committed(REFERENCES[0].file).runs);
        assert_eq!(default.critical_data_size, Some(900));
        assert!(
            default
                .points
                .iter()
                .any(|p| p.steps_to_generalize.is_some())
        );
        let regimes: Vec<Regime> = default.points.iter().map(|p| p.regime).collect();
        assert!(regimes.contains(&Regime::Insufficiency));
        assert!(regimes.contains(&Regime::Sufficiency));
        assert!(regimes.contains(&Regime::Surplus));
    }

    /// The site ships every reference: `index.html` copies its file into `reference/`.
    #[test]
    fn index_html_copies_every_reference_into_the_site() {
        let index = include_str!("../../index.html");
        for reference in REFERENCES {
            let path = source(reference.file);
            let relative = path
                .strip_prefix(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let link = format!(
                r#"<link data-trunk rel="copy-file" href="{relative}" data-target-path="reference" />"#
            );
            assert!(index.contains(&link), "index.html lacks {link}");
        }
    }

    /// The paper's own size (p = 113, the authors' GPT) reads as docs/results says: 1,000 and
    /// 1,500 only memorize, the critical data size is 2,000, the largest sizes generalize as
    /// they memorize — all three regimes, with both seeds at every size.
    #[test]
    fn the_paper_reference_has_a_cds_of_2000_and_all_three_regimes() {
        let paper = for_preset("paper").unwrap();
        let runs = committed(paper.file).runs;
        assert_eq!(runs.len(), 20, "2 seeds × N = 1,000 … 5,500");
        let analysis = analyse(runs);
        assert_eq!(analysis.critical_data_size, Some(2000));
        let regime_at = |size: usize| {
            analysis
                .points
                .iter()
                .find(|p| p.size == size)
                .map(|p| p.regime)
        };
        assert_eq!(regime_at(1000), Some(Regime::Insufficiency));
        assert_eq!(regime_at(1500), Some(Regime::Insufficiency));
        assert_eq!(regime_at(2000), Some(Regime::Sufficiency));
        assert_eq!(regime_at(5500), Some(Regime::Surplus));
    }

    /// IMDB's reference shows the transition issue 24 asked for: a size that memorizes and
    /// generalizes clearly later (sufficiency), and final test accuracy rising with N.
    #[test]
    fn the_imdb_reference_groks_at_small_n_and_ends_higher_with_more_reviews() {
        let imdb = for_preset("imdb").unwrap();
        let analysis = analyse(at_preset_width(&imdb, committed(imdb.file).runs));
        assert!(
            analysis
                .points
                .iter()
                .any(|p| p.regime == Regime::Sufficiency),
            "{:?}",
            analysis.points
        );
        let first = analysis.points.first().unwrap().test_acc;
        let last = analysis.points.last().unwrap().test_acc;
        assert!(first + 0.02 < last, "{first} → {last}");
    }

    /// The runs of one width of a model-wise grid.
    fn of_width(grid: &[RunRecord], width: usize) -> Vec<RunRecord> {
        grid.iter()
            .filter(|r| r.config.model.d_model == width)
            .cloned()
            .collect()
    }

    /// The model-wise map reads as docs/results says (three seeds): the critical data size
    /// is 800 at widths 32, 64 and 128 — no growth with width — and width 16 never reaches
    /// 0.95 at the end of its runs.
    #[test]
    fn the_model_wise_map_has_a_cds_of_800_from_width_32_up_and_none_at_16() {
        let model_wise = for_preset("model-wise").unwrap();
        let grid = committed(model_wise.map.unwrap()).runs;
        let seeds: BTreeSet<u64> = grid.iter().map(|r| r.config.seed).collect();
        assert_eq!(seeds.len(), 3);
        for (width, cds) in [
            (16, None),
            (32, Some(800)),
            (64, Some(800)),
            (128, Some(800)),
        ] {
            let analysis = analyse(of_width(&grid, width));
            assert_eq!(analysis.critical_data_size, cds, "width {width}");
        }
    }

    /// IMDB's map reads as docs/results says (two seeds): the critical data size is 300 at
    /// every width, and the widest model still groks late (sufficiency) at N = 2,000, where
    /// the narrowest generalizes at once.
    #[test]
    fn the_imdb_map_has_a_cds_of_300_at_every_width_and_wider_models_grok_late_at_more_data() {
        let imdb = for_preset("imdb").unwrap();
        let grid = committed(imdb.map.unwrap()).runs;
        let regime_at = |width: usize, size: usize| {
            let analysis = analyse(of_width(&grid, width));
            assert_eq!(analysis.critical_data_size, Some(300), "width {width}");
            analysis
                .points
                .iter()
                .find(|p| p.size == size)
                .map(|p| p.regime)
        };
        assert_eq!(regime_at(16, 2000), Some(Regime::Surplus));
        assert_eq!(regime_at(128, 2000), Some(Regime::Sufficiency));
    }
}
