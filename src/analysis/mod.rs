//! From curves to the paper's claims: per-run summaries and regimes, the sample-wise sweep
//! with its critical data size, and the model-wise (width × size) grid.

mod model_wise;
mod sample_wise;
mod summary;

use serde::{Deserialize, Serialize};

pub use model_wise::{ModelWise, model_wise};
pub use sample_wise::{SampleWise, SizePoint, sample_wise};
pub use summary::{FINAL_WINDOW, RunSummary, summarize};

use crate::config::{ExperimentConfig, TaskConfig};
use crate::metrics::{
    EvalPoint, IMDB_LEVELS, MODULAR_LEVELS, gaussian_smooth, gaussian_smooth_steps,
};

/// One run as the analysis sees it: where it sits in a sweep, and its curve. Front ends
/// build these from whatever they keep runs in (a run file, the lab's state).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunView<'a> {
    pub train_size: usize,
    pub d_model: usize,
    pub history: &'a [EvalPoint],
    /// Step at which training diverged (the history stops before it).
    pub diverged_at: Option<usize>,
}

impl<'a> RunView<'a> {
    pub fn new(
        config: &ExperimentConfig,
        history: &'a [EvalPoint],
        diverged_at: Option<usize>,
    ) -> Self {
        Self {
            train_size: config.train_size(),
            d_model: config.model.d_model,
            history,
            diverged_at,
        }
    }
}

/// A sweep's analysis: sample-wise per width, and the model-wise grid over widths.
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

/// Sample-wise analysis per width, and the model-wise grid when there are several widths.
pub fn analyze(runs: &[RunView], config: AnalysisConfig) -> SweepAnalysis {
    let mut widths: Vec<usize> = runs.iter().map(|r| r.d_model).collect();
    widths.sort_unstable();
    widths.dedup();
    let sample_wise = widths
        .iter()
        .map(|&d_model| {
            let runs: Vec<RunView> = runs
                .iter()
                .copied()
                .filter(|r| r.d_model == d_model)
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

/// The Data Efficiency Hypothesis' three regimes, plus "the budget was too short to tell".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Regime {
    /// Memorizes the training set, never generalizes within the budget.
    Insufficiency,
    /// Generalizes long after memorizing: grokking, around the critical data size.
    Sufficiency,
    /// Generalizes about as soon as it memorizes.
    Surplus,
    /// Did not even memorize within the budget: no regime can be read off.
    Undertrained,
    /// The loss became NaN or infinite: the run says nothing about its data size.
    Diverged,
}

impl Regime {
    pub fn name(self) -> &'static str {
        match self {
            Self::Insufficiency => "insufficiency",
            Self::Sufficiency => "sufficiency",
            Self::Surplus => "surplus",
            Self::Undertrained => "undertrained",
            Self::Diverged => "diverged",
        }
    }
}

/// How much the accuracy curves are smoothed before steps-to-generalize and the best test
/// accuracy are read off them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Smoothing {
    /// σ in training steps, whatever the evaluation spacing: the authors' modular analysis
    /// (σ = 100 on per-step logs, `Steps(100.0)`).
    Steps(f64),
    /// σ in logged points (evaluations): the authors' IMDB analysis (`Points(50.0)`).
    Points(f64),
    /// σ as a share of the logged points. What files of format version 1 used (1 %); it
    /// grows with the run's length, so long runs read late — kept only to read them.
    RunFraction(f64),
}

impl Smoothing {
    /// The smoothed `values` (one per evaluation of `history`). σ is capped at
    /// [`MAX_SIGMA_SHARE`] of the run: the authors' settings stay as they are for the run
    /// lengths they were made for (100 steps of 6,000; 50 evaluations of 700), while a short
    /// run is not flattened into its mean.
    pub fn apply(self, history: &[EvalPoint], values: &[f64]) -> Vec<f64> {
        let points = values.len().saturating_sub(1) as f64;
        match self {
            Self::Steps(sigma) => {
                let steps: Vec<usize> = history.iter().map(|p| p.step).collect();
                let (_, span) = spacing_and_span(history);
                gaussian_smooth_steps(&steps, values, sigma.min(MAX_SIGMA_SHARE * span))
            }
            Self::Points(sigma) => gaussian_smooth(values, sigma.min(MAX_SIGMA_SHARE * points)),
            Self::RunFraction(fraction) => gaussian_smooth(values, fraction * values.len() as f64),
        }
    }

    fn sigma(self) -> f64 {
        match self {
            Self::Steps(sigma) | Self::Points(sigma) | Self::RunFraction(sigma) => sigma,
        }
    }
}

/// The steps of a modular run the authors analyse (`clip=6000` in their plotting code).
pub const MODULAR_WINDOW: usize = 6000;

/// The largest share of a run's evaluations (or steps) that the smoothing σ may span.
pub const MAX_SIGMA_SHARE: f64 = 0.1;

/// The largest σ accepted, in steps (a σ in points or a run fraction is far smaller).
pub const MAX_SIGMA_STEPS: f64 = 1e6;
/// The largest σ accepted in logged points: the kernel is 8σ + 1 weights long.
pub const MAX_SIGMA_POINTS: f64 = 1e4;

/// Why an analysis configuration cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AnalysisConfigError {
    #[error("{name} must be a number from 0 to 1, got {value}")]
    Threshold { name: &'static str, value: f64 },
    #[error("the delay factor must be a number of at least 1, got {0}")]
    DelayFactor(f64),
    #[error("the smoothing σ must be from 0 to {max}, got {value}")]
    Sigma { value: f64, max: f64 },
    #[error("the levels must be one or more numbers above 0 and at most 1, got {0:?}")]
    Levels(Vec<f64>),
    #[error("the analysis window must be at least one step")]
    Window,
}

/// Thresholds that turn curves into events and regimes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalysisConfig {
    /// Train accuracy at which the training set counts as memorized.
    pub memorized_threshold: f64,
    /// Test accuracy at which the model counts as generalized (the CDS's ε).
    pub generalized_threshold: f64,
    /// A size that generalizes more than this many times later than the sweep's largest
    /// sizes, after memorizing, is grokking (sufficiency); sooner is surplus (see
    /// [`AnalysisConfig::regime`]).
    pub grokking_delay_factor: f64,
    pub smoothing: Smoothing,
    /// Steps-to-generalize is the latest first crossing of these test accuracies.
    #[serde(default = "modular_levels")]
    pub levels: Vec<f64>,
    /// Only evaluations up to this step are analysed (the authors look at the first 6,000
    /// of modular runs, [`MODULAR_WINDOW`]); `None`: the whole run. Always written, so an
    /// analysis says which it used.
    #[serde(default)]
    pub window: Option<usize>,
}

fn modular_levels() -> Vec<f64> {
    MODULAR_LEVELS.to_vec()
}

impl AnalysisConfig {
    /// The authors' analysis for a task: σ = 100 steps, levels 0.1 … 0.9 and the first
    /// 6,000 steps on modular arithmetic; σ = 50 evaluations, their 12 levels 0.5 … 0.85 and
    /// the whole run on IMDB.
    pub fn for_task(task: &TaskConfig) -> Self {
        match task {
            TaskConfig::ModularArithmetic(_) => Self {
                memorized_threshold: 0.99,
                generalized_threshold: 0.95,
                grokking_delay_factor: 3.0,
                smoothing: Smoothing::Steps(100.0),
                levels: MODULAR_LEVELS.to_vec(),
                window: Some(MODULAR_WINDOW),
            },
            // Sentiment from a few thousand short reviews tops out well below 1 (about 0.77
            // for the browser preset, docs/results/imdb-preset-search.md); chance is 0.5. A
            // model at 70 % on unseen reviews has learned something general.
            TaskConfig::Imdb(_) => Self {
                memorized_threshold: 0.99,
                generalized_threshold: 0.7,
                grokking_delay_factor: 3.0,
                smoothing: Smoothing::Points(50.0),
                levels: IMDB_LEVELS.to_vec(),
                window: None,
            },
        }
    }

    /// Checks every number (a NaN threshold would make every run "surplus", a huge σ would
    /// exhaust memory).
    pub fn validate(&self) -> Result<(), AnalysisConfigError> {
        for (name, value) in [
            ("the memorized threshold", self.memorized_threshold),
            ("the generalized threshold", self.generalized_threshold),
        ] {
            if !(0.0..=1.0).contains(&value) {
                return Err(AnalysisConfigError::Threshold { name, value });
            }
        }
        if !(self.grokking_delay_factor >= 1.0 && self.grokking_delay_factor.is_finite()) {
            return Err(AnalysisConfigError::DelayFactor(self.grokking_delay_factor));
        }
        let max = match self.smoothing {
            Smoothing::Steps(_) => MAX_SIGMA_STEPS,
            Smoothing::Points(_) => MAX_SIGMA_POINTS,
            Smoothing::RunFraction(_) => 1.0,
        };
        let sigma = self.smoothing.sigma();
        if !(0.0..=max).contains(&sigma) {
            return Err(AnalysisConfigError::Sigma { value: sigma, max });
        }
        if self.levels.is_empty() || !self.levels.iter().all(|l| *l > 0.0 && *l <= 1.0) {
            return Err(AnalysisConfigError::Levels(self.levels.clone()));
        }
        if self.window == Some(0) {
            return Err(AnalysisConfigError::Window);
        }
        Ok(())
    }

    /// How many steps of a `steps`-step run the analysis reads: the run, or its window.
    pub fn analysed_steps(&self, steps: usize) -> usize {
        self.window.map_or(steps, |window| window.min(steps))
    }

    /// The evaluations the analysis looks at: those within the window.
    pub fn window<'a>(&self, history: &'a [EvalPoint]) -> &'a [EvalPoint] {
        match self.window {
            Some(last) => &history[..history.partition_point(|p| p.step <= last)],
            None => history,
        }
    }

    /// The regime from when the training set was memorized and the test set generalized
    /// (both on lightly smoothed curves). Grokking (sufficiency) is generalizing more than
    /// [`Self::grokking_delay_factor`] times later than `reference` — the step at which the
    /// sweep's largest generalizing size generalizes, where data is plentiful — having
    /// memorized more than `resolution` steps before; generalizing about when plentiful data
    /// does is surplus. Judging the generalization step against plentiful data's, rather than
    /// against the run's own memorization step, is what keeps the rule right on IMDB, where
    /// more reviews take longer to memorize while generalization does not move.
    pub fn regime(
        &self,
        memorized_at: Option<usize>,
        generalized_at: Option<usize>,
        reference: f64,
        resolution: f64,
    ) -> Regime {
        match (memorized_at, generalized_at) {
            (None, None) => Regime::Undertrained,
            (Some(_), None) => Regime::Insufficiency,
            (None, Some(_)) => Regime::Surplus,
            (Some(memorized), Some(generalized)) => {
                let late = generalized as f64 > self.grokking_delay_factor * reference;
                let after_memorizing = generalized.saturating_sub(memorized) as f64 > resolution;
                if late && after_memorizing {
                    Regime::Sufficiency
                } else {
                    Regime::Surplus
                }
            }
        }
    }

    /// σ, in steps, of the smoothing that events (memorized, generalized) are read from:
    /// the configured smoothing, but at most [`EVENT_SIGMA_SHARE`] of the analysed span.
    /// Events need a single noisy evaluation ironed out, not the curve's shape: σ = 50
    /// evaluations (the authors' IMDB setting, made for 700 of them) would flatten a run of
    /// 60 evaluations into its mean.
    pub fn event_sigma(&self, history: &[EvalPoint]) -> f64 {
        let (spacing, span) = spacing_and_span(history);
        let configured = match self.smoothing {
            Smoothing::Steps(sigma) => sigma,
            Smoothing::Points(sigma) => sigma * spacing,
            Smoothing::RunFraction(fraction) => fraction * history.len() as f64 * spacing,
        };
        configured.min(EVENT_SIGMA_SHARE * span)
    }

    /// The shortest delay the event curves can tell from none: two event smoothing widths
    /// (at least two evaluation intervals), in steps. References are never taken below it,
    /// so that a few evaluations' jitter cannot make a run "grok".
    pub fn resolution(&self, history: &[EvalPoint]) -> f64 {
        let (spacing, _) = spacing_and_span(history);
        2.0 * self.event_sigma(history).max(spacing)
    }
}

/// The largest share of a run's analysed steps that event smoothing's σ may take.
pub const EVENT_SIGMA_SHARE: f64 = 0.025;

/// Mean steps between evaluations, and the steps the evaluations cover.
fn spacing_and_span(history: &[EvalPoint]) -> (f64, f64) {
    match (history.first(), history.last()) {
        (Some(first), Some(last)) if history.len() > 1 => {
            let span = (last.step - first.step) as f64;
            (span / (history.len() - 1) as f64, last.step as f64)
        }
        (Some(only), _) => (only.step as f64, only.step as f64),
        _ => (0.0, 0.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regimes_from_events_against_plentiful_data() {
        let config = AnalysisConfig::for_task(&crate::presets::PAPER.config(10).task);
        let regime = |m, g, reference| config.regime(m, g, reference, 200.0);
        assert_eq!(regime(None, None, 300.0), Regime::Undertrained);
        assert_eq!(regime(Some(100), None, 300.0), Regime::Insufficiency);
        assert_eq!(regime(Some(100), Some(2000), 300.0), Regime::Sufficiency);
        assert_eq!(regime(Some(100), Some(850), 300.0), Regime::Surplus);
        // Generalizing when plentiful data does is surplus, however fast memorization was
        // (IMDB: 900 → 2,467 against 4,000 reviews' 1,983).
        assert_eq!(regime(Some(900), Some(2467), 1983.0), Regime::Surplus);
        // Late, but together with memorization: no grokking either.
        assert_eq!(regime(Some(1900), Some(2000), 300.0), Regime::Surplus);
    }

    /// Evaluations at `steps` whose values do not matter to the test.
    fn blank_evaluations(steps: impl IntoIterator<Item = usize>) -> Vec<EvalPoint> {
        steps
            .into_iter()
            .map(|step| EvalPoint {
                step,
                train_loss: 0.0,
                test_loss: 0.0,
                train_acc: 0.0,
                test_acc: 0.0,
                weight_norm: 0.0,
            })
            .collect()
    }

    #[test]
    fn the_resolution_is_two_event_smoothing_widths_in_steps() {
        let history = blank_evaluations((1..=100).map(|i| i * 50));
        let mut config = AnalysisConfig::for_task(&crate::presets::PAPER.config(10).task);
        assert_eq!(config.resolution(&history), 200.0);
        config.smoothing = Smoothing::Points(1.0);
        assert_eq!(config.resolution(&history), 100.0);
        // Never finer than the evaluations themselves...
        config.smoothing = Smoothing::Steps(0.0);
        assert_eq!(config.resolution(&history), 100.0);
        // ...nor wider than a share of the run: 50 points of 100 would be the run's mean.
        config.smoothing = Smoothing::Points(50.0);
        assert_eq!(config.event_sigma(&history), 0.025 * 5000.0);
        assert_eq!(config.resolution(&history), 250.0);
    }

    #[test]
    fn the_run_fraction_of_old_files_is_a_sigma_in_points_that_grows_with_the_run() {
        let history: Vec<EvalPoint> = (0..300)
            .map(|i| EvalPoint {
                step: i * 10,
                train_loss: 0.0,
                test_loss: 0.0,
                train_acc: 1.0,
                test_acc: if i < 150 { 0.0 } else { 1.0 },
                weight_norm: 1.0,
            })
            .collect();
        let values: Vec<f64> = history.iter().map(|p| p.test_acc).collect();
        assert_eq!(
            Smoothing::RunFraction(0.01).apply(&history, &values),
            Smoothing::Points(3.0).apply(&history, &values)
        );
        assert_eq!(
            Smoothing::Steps(30.0).apply(&history, &values)[140..160],
            Smoothing::Points(3.0).apply(&history, &values)[140..160]
        );
    }

    #[test]
    fn bad_numbers_are_refused_with_the_reason() {
        let good = AnalysisConfig::for_task(&crate::presets::PAPER.config(10).task);
        good.validate().unwrap();
        let mut nan = good.clone();
        nan.generalized_threshold = f64::NAN;
        assert!(
            nan.validate()
                .unwrap_err()
                .to_string()
                .contains("from 0 to 1")
        );
        let mut negative = good.clone();
        negative.memorized_threshold = -0.5;
        assert!(negative.validate().is_err());
        let mut huge = good.clone();
        huge.smoothing = Smoothing::Points(1e12);
        assert!(huge.validate().unwrap_err().to_string().contains("σ"));
        let mut none = good.clone();
        none.levels.clear();
        assert!(none.validate().is_err());
        let mut empty_window = good;
        empty_window.window = Some(0);
        assert!(empty_window.validate().is_err());
    }

    #[test]
    fn the_window_keeps_the_evaluations_up_to_its_step() {
        let mut config = AnalysisConfig::for_task(&crate::presets::PAPER.config(10).task);
        let history = blank_evaluations([100, 200, 300]);
        assert_eq!(config.window(&history).len(), 3);
        config.window = Some(200);
        assert_eq!(config.window(&history).len(), 2);
        config.window = Some(50);
        assert!(config.window(&history).is_empty());
    }
}
