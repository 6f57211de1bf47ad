//! The run format: the JSON the CLI writes and the lab loads and saves (see
//! `docs/run-format.md`). Files carry their kind and version; loading checks both and the
//! contents, so a corrupt or foreign file is refused with a reason instead of half-loaded.

use serde::{Deserialize, Serialize};

use crate::analysis::{
    AnalysisConfig, ModelWise, RunSummary, SampleWise, model_wise, sample_wise, summarize,
};
use crate::config::ExperimentConfig;
use crate::metrics::EvalPoint;

pub const RUN_FORMAT: &str = "grokking-lab/run";
pub const SWEEP_FORMAT: &str = "grokking-lab/sweep";
/// Bump on any change an older reader would misread.
pub const FORMAT_VERSION: u32 = 1;

/// One training run: its configuration, its curves, and what they mean.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    pub format: String,
    pub version: u32,
    pub config: ExperimentConfig,
    pub history: Vec<EvalPoint>,
    pub summary: RunSummary,
    #[serde(default)]
    pub meta: RunMeta,
}

/// Where and how fast a run was made; informative only.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunMeta {
    /// e.g. "cpu", "wgpu", "webgpu".
    #[serde(default)]
    pub backend: String,
    #[serde(default)]
    pub wall_seconds: f64,
}

/// Many runs (a sweep) and their analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepRecord {
    pub format: String,
    pub version: u32,
    pub runs: Vec<RunRecord>,
    pub analysis: SweepAnalysis,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepAnalysis {
    pub config: AnalysisConfig,
    /// One sample-wise analysis per model width (usually one).
    pub sample_wise: Vec<WidthAnalysis>,
    /// Present when the sweep covers more than one width.
    pub model_wise: Option<ModelWise>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WidthAnalysis {
    pub d_model: usize,
    #[serde(flatten)]
    pub analysis: SampleWise,
}

/// Why a file could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    #[error("not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("this is not a Grokking Lab run or sweep file (format is {0:?})")]
    UnknownFormat(String),
    #[error(
        "file format version {found} is newer than this program understands ({FORMAT_VERSION}); update Grokking Lab"
    )]
    TooNew { found: u32 },
    #[error("run {index}: {reason}")]
    InvalidRun { index: usize, reason: String },
}

/// Either kind of file.
#[derive(Debug, Clone, PartialEq)]
pub enum Loaded {
    Run(Box<RunRecord>),
    Sweep(Box<SweepRecord>),
}

impl Loaded {
    pub fn runs(&self) -> Vec<&RunRecord> {
        match self {
            Self::Run(run) => vec![run.as_ref()],
            Self::Sweep(sweep) => sweep.runs.iter().collect(),
        }
    }

    pub fn into_runs(self) -> Vec<RunRecord> {
        match self {
            Self::Run(run) => vec![*run],
            Self::Sweep(sweep) => sweep.runs,
        }
    }
}

impl RunRecord {
    pub fn new(
        config: ExperimentConfig,
        history: Vec<EvalPoint>,
        summary: RunSummary,
        meta: RunMeta,
    ) -> Self {
        Self {
            format: RUN_FORMAT.to_owned(),
            version: FORMAT_VERSION,
            config,
            history,
            summary,
            meta,
        }
    }

    /// Checks what serde cannot: a valid configuration, an ordered finite history.
    pub fn check(&self) -> Result<(), String> {
        self.config
            .validate()
            .map_err(|e| format!("configuration: {e}"))?;
        if self.history.is_empty() {
            return Err("history is empty".into());
        }
        if let Some(bad) = self.history.iter().find(|p| !p.is_finite()) {
            return Err(format!(
                "history has a non-finite value at step {}",
                bad.step
            ));
        }
        if self.history.windows(2).any(|w| w[0].step >= w[1].step) {
            return Err("history steps are not increasing".into());
        }
        let accuracy_ok = |a: f64| (0.0..=1.0).contains(&a);
        if !self
            .history
            .iter()
            .all(|p| accuracy_ok(p.train_acc) && accuracy_ok(p.test_acc))
        {
            return Err("an accuracy lies outside [0, 1]".into());
        }
        Ok(())
    }
}

impl SweepRecord {
    /// Analyses `runs` and wraps them in a sweep file. Each run's summary is recomputed with
    /// `config`, so the file agrees with itself.
    pub fn new(mut runs: Vec<RunRecord>, config: AnalysisConfig) -> Self {
        for run in &mut runs {
            let diverged_at = run.summary.diverged_at;
            run.summary = summarize(&run.history, &config);
            run.summary.diverged_at = diverged_at;
        }
        let analysis = analyze(&runs.iter().collect::<Vec<_>>(), config);
        Self {
            format: SWEEP_FORMAT.to_owned(),
            version: FORMAT_VERSION,
            runs,
            analysis,
        }
    }
}

/// Sample-wise analysis per width, and the model-wise grid when there are several widths.
pub fn analyze(runs: &[&RunRecord], config: AnalysisConfig) -> SweepAnalysis {
    let mut widths: Vec<usize> = runs.iter().map(|r| r.config.model.d_model).collect();
    widths.sort_unstable();
    widths.dedup();
    let sample_wise = widths
        .iter()
        .map(|&d_model| {
            let runs: Vec<&RunRecord> = runs
                .iter()
                .copied()
                .filter(|r| r.config.model.d_model == d_model)
                .collect();
            WidthAnalysis {
                d_model,
                analysis: sample_wise(&runs, &config),
            }
        })
        .collect();
    let model_wise = (widths.len() > 1).then(|| model_wise(runs, &config));
    SweepAnalysis {
        config,
        sample_wise,
        model_wise,
    }
}

/// Parses a run or sweep file and checks it.
pub fn load(json: &str) -> Result<Loaded, FormatError> {
    #[derive(Deserialize)]
    struct Header {
        format: Option<String>,
        version: Option<u32>,
    }
    let header: Header = serde_json::from_str(json)?;
    let format = header.format.unwrap_or_default();
    if format != RUN_FORMAT && format != SWEEP_FORMAT {
        return Err(FormatError::UnknownFormat(format));
    }
    let version = header.version.unwrap_or(0);
    if version > FORMAT_VERSION {
        return Err(FormatError::TooNew { found: version });
    }
    let loaded = if format == RUN_FORMAT {
        Loaded::Run(Box::new(serde_json::from_str(json)?))
    } else {
        Loaded::Sweep(Box::new(serde_json::from_str(json)?))
    };
    for (index, run) in loaded.runs().iter().enumerate() {
        run.check()
            .map_err(|reason| FormatError::InvalidRun { index, reason })?;
    }
    Ok(loaded)
}

pub fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).expect("records contain only finite numbers and strings")
}
