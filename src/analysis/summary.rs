//! One run's curve reduced to the events the paper talks about.

use serde::{Deserialize, Serialize};

use super::{AnalysisConfig, Regime, RunView};
use crate::metrics::{EvalPoint, first_step_reaching, gaussian_smooth_steps, steps_to_generalize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    /// First evaluation where the train accuracy, lightly smoothed
    /// ([`AnalysisConfig::event_sigma`]), ≥ the memorized threshold.
    pub memorized_at: Option<usize>,
    /// First evaluation where the test accuracy, lightly smoothed, ≥ the generalized
    /// threshold (a single noisy evaluation above it does not count).
    pub generalized_at: Option<usize>,
    /// The paper's smoothed measure (see [`steps_to_generalize`]).
    pub steps_to_generalize: Option<usize>,
    /// Mean train accuracy over the last [`FINAL_WINDOW`] of the evaluations.
    pub final_train_acc: f64,
    /// Mean test accuracy over the last [`FINAL_WINDOW`] of the evaluations: what training
    /// converged to, not a late instability spike (AdamW with strong weight decay has them).
    pub final_test_acc: f64,
    /// Highest smoothed test accuracy (the model-wise heatmap's cell).
    pub best_test_acc: f64,
    pub final_weight_norm: f64,
    /// The run's regime judged on its own ([`AnalysisConfig::resolution`] as the
    /// reference); a sweep judges each size against its largest sizes instead
    /// ([`super::sample_wise`]).
    pub regime: Regime,
    /// Step at which the loss became NaN or infinite; the history stops before it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diverged_at: Option<usize>,
}

impl RunSummary {
    /// Steps from memorization to generalization, when both happened.
    pub fn delay(&self) -> Option<usize> {
        Some(self.generalized_at?.saturating_sub(self.memorized_at?))
    }
}

/// Share of the evaluations, at the end of a run, that "final" accuracies average over.
pub const FINAL_WINDOW: f64 = 0.1;

/// Mean of `value` over the last [`FINAL_WINDOW`] of `history` (at least one point).
fn final_mean(history: &[EvalPoint], value: impl Fn(&EvalPoint) -> f64) -> f64 {
    let window =
        ((history.len() as f64 * FINAL_WINDOW).ceil() as usize).clamp(1, history.len().max(1));
    let tail = &history[history.len().saturating_sub(window)..];
    if tail.is_empty() {
        return 0.0;
    }
    tail.iter().map(value).sum::<f64>() / tail.len() as f64
}

/// Summarizes a run (its history should not be empty).
pub fn summarize(run: &RunView, config: &AnalysisConfig) -> RunSummary {
    let history = config.window(run.history);
    let last = history.last().copied().unwrap_or(EvalPoint {
        step: 0,
        train_loss: f64::NAN,
        test_loss: f64::NAN,
        train_acc: 0.0,
        test_acc: 0.0,
        weight_norm: 0.0,
    });
    let values = |value: fn(&EvalPoint) -> f64| history.iter().map(value).collect::<Vec<f64>>();
    let (train_acc, test_acc) = (values(|p| p.train_acc), values(|p| p.test_acc));
    // Events from lightly smoothed curves; steps-to-generalize and the best accuracy from
    // the configured smoothing, as the authors plot them.
    let steps: Vec<usize> = history.iter().map(|p| p.step).collect();
    let event_sigma = config.event_sigma(history);
    let (train_events, test_events) = (
        gaussian_smooth_steps(&steps, &train_acc, event_sigma),
        gaussian_smooth_steps(&steps, &test_acc, event_sigma),
    );
    let smoothed = config.smoothing.apply(history, &test_acc);
    let memorized_at = first_step_reaching(history, &train_events, config.memorized_threshold);
    let generalized_at = first_step_reaching(history, &test_events, config.generalized_threshold);
    let best_test_acc = smoothed.iter().copied().fold(0.0, f64::max);
    RunSummary {
        memorized_at,
        generalized_at,
        steps_to_generalize: steps_to_generalize(history, &smoothed, &config.levels),
        final_train_acc: final_mean(history, |p| p.train_acc),
        final_test_acc: final_mean(history, |p| p.test_acc),
        best_test_acc,
        final_weight_norm: last.weight_norm,
        regime: if run.diverged_at.is_some() {
            Regime::Diverged
        } else {
            {
                let resolution = config.resolution(history);
                config.regime(memorized_at, generalized_at, resolution, resolution)
            }
        },
        diverged_at: run.diverged_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets;

    #[test]
    fn a_diverged_run_is_its_own_regime_whatever_its_curve_says() {
        let config = presets::TINY.config(300);
        let history: Vec<EvalPoint> = (1..=5)
            .map(|i| EvalPoint {
                step: i * 10,
                train_loss: 1.0,
                test_loss: 1.0,
                train_acc: 0.1,
                test_acc: 0.1,
                weight_norm: 1.0,
            })
            .collect();
        let analysis = AnalysisConfig::for_task(&config.task);
        let fine = summarize(&RunView::new(&config, &history, None), &analysis);
        assert_eq!(fine.regime, Regime::Undertrained);
        let diverged = summarize(&RunView::new(&config, &history, Some(55)), &analysis);
        assert_eq!(diverged.regime, Regime::Diverged);
        assert_eq!(diverged.diverged_at, Some(55));
    }
}
