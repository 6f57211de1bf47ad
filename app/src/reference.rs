//! Reference results: the CLI's own measured sweeps (`docs/results/`), shipped with the
//! site (`reference/`), so the phase diagram shows what a preset does before anything has
//! trained. Fetched when a preset with one is on screen; analysed here as `grokking
//! analyze` would (the file's stored analysis may predate today's rules).

use grokking_lab::Regime;
use grokking_lab::analysis::AnalysisConfig;
use grokking_lab::record::{self, RunRecord, SweepRecord};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// A preset's reference sweep and the command that measured it, and the model-wise grid
/// of the same setup where one was measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reference {
    pub preset: &'static str,
    /// Relative to the site (trunk copies it from `docs/results/`, see `index.html`).
    pub file: &'static str,
    pub command: &'static str,
    /// The model-wise map's reference layer: a sweep over widths (`--d-models`; its command
    /// is in docs/results/README.md beside the file).
    pub map: Option<&'static str>,
}

pub const REFERENCES: [Reference; 3] = [
    Reference {
        preset: "three-regimes",
        file: "reference/mod47-sample-wise.json",
        command: "grokking sweep --task mod-add --arch pre-ln --eval-start even --modulus 47 --d-model 64 --d-mlp 256 --heads 4 --steps 6000 --eval-every 50 --train-sizes 600:1600:100 --jobs 2",
        map: None,
    },
    Reference {
        preset: "tiny",
        file: "reference/mod31-tiny-pre-ln-3seeds.json",
        command: "grokking sweep --preset tiny --arch pre-ln --eval-start even --seeds 0:2:1 --jobs 2",
        map: None,
    },
    Reference {
        preset: "imdb",
        file: "reference/imdb-sample-wise.json",
        command: "grokking sweep --preset imdb --seeds 0:2:1 --jobs 2",
        map: Some("reference/imdb-model-wise.json"),
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

/// The sweep as today's analysis reads it (its first width).
pub fn analyse(sweep: SweepRecord) -> ReferenceAnalysis {
    let Some(first) = sweep.runs.first() else {
        return ReferenceAnalysis::default();
    };
    let config = AnalysisConfig::for_task(&first.config.task);
    let analysed = SweepRecord::new(sweep.runs, config);
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

/// Downloads `file` (relative to the site) and reads it as a sweep.
async fn fetch_sweep(file: &str) -> Result<SweepRecord, String> {
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
    match record::load(&text).map_err(|e| format!("{file}: {e}"))? {
        record::Loaded::Sweep(sweep) => Ok(*sweep),
        record::Loaded::Run(_) => Err(format!("{file}: a single run, not a sweep")),
    }
}

/// Downloads and analyses `reference` (and its model-wise grid).
pub async fn load(reference: Reference) -> Result<Loaded, String> {
    let sweep = fetch_sweep(reference.file).await?;
    let map_runs = match reference.map {
        Some(map) => fetch_sweep(map).await?.runs,
        None => Vec::new(),
    };
    Ok(Loaded {
        reference,
        runs: sweep.runs.clone(),
        analysis: analyse(sweep),
        map_runs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use grokking_lab::presets;

    fn committed(file: &str) -> SweepRecord {
        let name = file.trim_start_matches("reference/");
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../docs/results")
            .join(name);
        match record::load(&std::fs::read_to_string(path).unwrap()).unwrap() {
            record::Loaded::Sweep(sweep) => *sweep,
            record::Loaded::Run(_) => panic!("{file} is a sweep"),
        }
    }

    /// Every reference names a real preset and a committed sweep of it, and reads as the
    /// docs say (the default preset's: three regimes, CDS 900 with the seeds of N = 600, 800, 1,000 and 1,600).
    #[test]
    fn every_reference_is_a_committed_sweep_of_its_preset() {
        for reference in REFERENCES {
            let preset = presets::find(reference.preset).expect("a preset");
            let sweep = committed(reference.file);
            assert!(!sweep.runs.is_empty());
            assert_eq!(
                sweep.runs[0].config.task.is_imdb(),
                preset.config(0).task.is_imdb(),
                "{}",
                reference.preset
            );
            let analysis = analyse(sweep);
            assert!(!analysis.points.is_empty(), "{}", reference.preset);
            if let Some(map) = reference.map {
                let grid = committed(map);
                let mut widths: Vec<usize> =
                    grid.runs.iter().map(|r| r.config.model.d_model).collect();
                widths.dedup();
                assert!(widths.len() > 1, "{map} is a model-wise sweep");
            }
        }
        let default = analyse(committed(REFERENCES[0].file));
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
}
