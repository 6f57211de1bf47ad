//! The run format: the JSON the CLI writes and the lab loads and saves (see
//! `docs/run-format.md`). Files carry their kind and version; loading checks both and the
//! contents, so a corrupt or foreign file is refused with a reason instead of half-loaded.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::analysis::{AnalysisConfig, RunSummary, RunView, SweepAnalysis, analyze, summarize};
use crate::config::{ConfigError, ExperimentConfig, TaskConfig};
use crate::learned::{self, Cell, Snapshot};
use crate::metrics::EvalPoint;

pub const RUN_FORMAT: &str = "grokking-lab/run";
pub const SWEEP_FORMAT: &str = "grokking-lab/sweep";
/// Bump on any change an older reader would misread.
pub const FORMAT_VERSION: u32 = 2;

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
    /// Modular arithmetic: what the model learned at some of its evaluations (thinned, see
    /// [`learned::SnapshotHistory`]). Absent in files written before it existed, and for
    /// IMDB.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub learned: Vec<Snapshot>,
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
    InvalidRun { index: usize, reason: RunError },
    #[error("this is a single run, not a sweep")]
    NotASweep,
}

/// What is wrong with a run's contents.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RunError {
    #[error("configuration: {0}")]
    Config(#[from] ConfigError),
    #[error("history is empty")]
    EmptyHistory,
    #[error("history has a non-finite value at step {step}")]
    NonFinite { step: usize },
    #[error("history steps are not increasing")]
    StepsNotIncreasing,
    #[error("an accuracy lies outside [0, 1] at step {step}")]
    AccuracyOutOfRange { step: usize },
    #[error(
        "a loss or weight norm at step {step} is negative or above {MAX_MAGNITUDE:e}: not a real training run"
    )]
    Absurd { step: usize },
    #[error("`learned` is for modular-arithmetic runs only")]
    LearnedNotModular,
    #[error("`learned` steps must increase and be steps of the history")]
    LearnedSteps,
    #[error(
        "`learned` at step {step}: expected {expected} frequency shares, each finite and in [0, 1]"
    )]
    LearnedFrequencies { step: usize, expected: usize },
    #[error("`learned` at step {step}: the answer grid has {found} cells, not p² = {expected}")]
    LearnedGridSize {
        step: usize,
        expected: usize,
        found: usize,
    },
    #[error("`learned` at step {step}: {symbol:?} is not an answer-grid symbol (T t E e .)")]
    LearnedGridSymbol { step: usize, symbol: char },
    #[error(
        "`learned` at step {step}: the answer grid has {train} training and {test} test cells, but the run has {expected_train} and {expected_test}"
    )]
    LearnedGridCounts {
        step: usize,
        train: usize,
        test: usize,
        expected_train: usize,
        expected_test: usize,
    },
}

pub use crate::metrics::MAX_MAGNITUDE;

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
    /// A finished run, summarized with its task's default analysis.
    pub fn new(
        config: ExperimentConfig,
        history: Vec<EvalPoint>,
        diverged_at: Option<usize>,
        meta: RunMeta,
    ) -> Self {
        let summary = summarize(
            &RunView::new(&config, &history, diverged_at),
            &AnalysisConfig::for_task(&config.task),
        );
        Self {
            format: RUN_FORMAT.to_owned(),
            version: FORMAT_VERSION,
            config,
            history,
            summary,
            meta,
            learned: Vec::new(),
        }
    }

    /// The run with its snapshots of what the model learned.
    pub fn with_learned(mut self, learned: Vec<Snapshot>) -> Self {
        self.learned = learned;
        self
    }

    /// The run as the analysis sees it.
    pub fn view(&self) -> RunView<'_> {
        RunView::new(&self.config, &self.history, self.summary.diverged_at)
    }

    /// Checks what serde cannot: a valid configuration, an ordered finite history.
    pub fn check(&self) -> Result<(), RunError> {
        self.config.validate()?;
        if self.history.is_empty() {
            return Err(RunError::EmptyHistory);
        }
        if let Some(bad) = self.history.iter().find(|p| !p.is_finite()) {
            return Err(RunError::NonFinite { step: bad.step });
        }
        if self.history.windows(2).any(|w| w[0].step >= w[1].step) {
            return Err(RunError::StepsNotIncreasing);
        }
        if let Some(bad) = self.history.iter().find(|p| !p.is_sane()) {
            return Err(RunError::Absurd { step: bad.step });
        }
        let accuracy_ok = |a: f64| (0.0..=1.0).contains(&a);
        if let Some(bad) = self
            .history
            .iter()
            .find(|p| !(accuracy_ok(p.train_acc) && accuracy_ok(p.test_acc)))
        {
            return Err(RunError::AccuracyOutOfRange { step: bad.step });
        }
        self.check_learned()
    }

    /// Snapshots belong to a modular run, at steps of its history, and hold what the
    /// format says: (p − 1)/2 shares, a p × p grid with the run's N training and all its
    /// test pairs.
    fn check_learned(&self) -> Result<(), RunError> {
        if self.learned.is_empty() {
            return Ok(());
        }
        let TaskConfig::ModularArithmetic(task) = &self.config.task else {
            return Err(RunError::LearnedNotModular);
        };
        let steps_ok = self.learned.windows(2).all(|w| w[0].step < w[1].step)
            && self.learned.iter().all(|snapshot| {
                self.history
                    .binary_search_by_key(&snapshot.step, |p| p.step)
                    .is_ok()
            });
        if !steps_ok {
            return Err(RunError::LearnedSteps);
        }
        let p = task.modulus;
        let frequencies = learned::frequency_count(p);
        let expected_train = task.train_size;
        let expected_test = task.operation.pair_count(p) - task.pool_size();
        for snapshot in &self.learned {
            let step = snapshot.step;
            let share_ok = |s: &f64| s.is_finite() && (0.0..=1.0).contains(s);
            if snapshot.frequencies.len() != frequencies
                || !snapshot.frequencies.iter().all(share_ok)
            {
                return Err(RunError::LearnedFrequencies {
                    step,
                    expected: frequencies,
                });
            }
            let found = snapshot.answers.chars().count();
            if found != p * p {
                return Err(RunError::LearnedGridSize {
                    step,
                    expected: p * p,
                    found,
                });
            }
            if let Some(symbol) = snapshot
                .answers
                .chars()
                .find(|&c| Cell::from_symbol(c).is_none())
            {
                return Err(RunError::LearnedGridSymbol { step, symbol });
            }
            let (train, test) = (
                snapshot.cells().filter(|c| c.is_train()).count(),
                snapshot.cells().filter(|c| c.is_test()).count(),
            );
            if (train, test) != (expected_train, expected_test) {
                return Err(RunError::LearnedGridCounts {
                    step,
                    train,
                    test,
                    expected_train,
                    expected_test,
                });
            }
        }
        Ok(())
    }
}

impl SweepRecord {
    /// Analyses `runs` and wraps them in a sweep file. Each run's summary is recomputed with
    /// `config`, so the file agrees with itself.
    pub fn new(mut runs: Vec<RunRecord>, config: AnalysisConfig) -> Self {
        for run in &mut runs {
            run.summary = summarize(&run.view(), &config);
        }
        let views: Vec<RunView> = runs.iter().map(RunRecord::view).collect();
        let analysis = analyze(&views, config);
        Self {
            format: SWEEP_FORMAT.to_owned(),
            version: FORMAT_VERSION,
            runs,
            analysis,
        }
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
    let format = checked_format(header.format, header.version)?;
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

/// A sweep file's runs, each still its JSON text, after its header is checked: parse them
/// one at a time with [`parse_sweep_run`] to read a large sweep in small pieces (the lab
/// does so between frames). Together they give the runs [`load`] gives.
pub fn sweep_runs(json: &str) -> Result<Vec<&RawValue>, FormatError> {
    #[derive(Deserialize)]
    struct Unparsed<'a> {
        format: Option<String>,
        version: Option<u32>,
        #[serde(borrow, default)]
        runs: Vec<&'a RawValue>,
    }
    let file: Unparsed = serde_json::from_str(json)?;
    if checked_format(file.format, file.version)? == RUN_FORMAT {
        return Err(FormatError::NotASweep);
    }
    Ok(file.runs)
}

/// Parses and checks run `index` of [`sweep_runs`].
pub fn parse_sweep_run(raw: &RawValue, index: usize) -> Result<RunRecord, FormatError> {
    let run: RunRecord = serde_json::from_str(raw.get())?;
    run.check()
        .map_err(|reason| FormatError::InvalidRun { index, reason })?;
    Ok(run)
}

/// The file's format, if it is one of ours at a version this build reads.
fn checked_format(format: Option<String>, version: Option<u32>) -> Result<String, FormatError> {
    let format = format.unwrap_or_default();
    if format != RUN_FORMAT && format != SWEEP_FORMAT {
        return Err(FormatError::UnknownFormat(format));
    }
    let version = version.unwrap_or(0);
    if version > FORMAT_VERSION {
        return Err(FormatError::TooNew { found: version });
    }
    Ok(format)
}

pub fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).expect("records contain only finite numbers and strings")
}
