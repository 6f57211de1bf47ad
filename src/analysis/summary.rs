//! One run's curve reduced to the events the paper talks about.

use serde::{Deserialize, Serialize};

use super::{AnalysisConfig, Regime};
use crate::metrics::{EvalPoint, first_step_reaching, gaussian_smooth, steps_to_generalize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    /// First evaluation with train accuracy ≥ the memorized threshold.
    pub memorized_at: Option<usize>,
    /// First evaluation with test accuracy ≥ the generalized threshold.
    pub generalized_at: Option<usize>,
    /// The paper's smoothed measure (see [`steps_to_generalize`]).
    pub steps_to_generalize: Option<usize>,
    pub final_train_acc: f64,
    pub final_test_acc: f64,
    /// Highest smoothed test accuracy (the model-wise heatmap's cell).
    pub best_test_acc: f64,
    pub final_weight_norm: f64,
    pub regime: Regime,
    /// Step at which the loss became NaN or infinite; the history stops before it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diverged_at: Option<usize>,
}

/// Summarizes a history (which must not be empty).
pub fn summarize(history: &[EvalPoint], config: &AnalysisConfig) -> RunSummary {
    let last = history.last().copied().unwrap_or(EvalPoint {
        step: 0,
        train_loss: f64::NAN,
        test_loss: f64::NAN,
        train_acc: 0.0,
        test_acc: 0.0,
        weight_norm: 0.0,
    });
    let memorized_at = first_step_reaching(history, |p| p.train_acc, config.memorized_threshold);
    let generalized_at = first_step_reaching(history, |p| p.test_acc, config.generalized_threshold);
    let sigma = config.smoothing.sigma(history.len());
    let test_acc: Vec<f64> = history.iter().map(|p| p.test_acc).collect();
    let best_test_acc = gaussian_smooth(&test_acc, sigma)
        .into_iter()
        .fold(0.0, f64::max);
    RunSummary {
        memorized_at,
        generalized_at,
        steps_to_generalize: steps_to_generalize(history, sigma),
        final_train_acc: last.train_acc,
        final_test_acc: last.test_acc,
        best_test_acc,
        final_weight_norm: last.weight_norm,
        regime: config.regime(memorized_at, generalized_at),
        diverged_at: None,
    }
}
