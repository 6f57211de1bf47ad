//! Sample-wise analysis: one model, many training-set sizes, and the critical data size.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::{AnalysisConfig, Regime, RunSummary, RunView, summarize};

/// One training-set size, averaged over its runs (seeds).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SizePoint {
    pub train_size: usize,
    pub runs: usize,
    pub memorized_at: Option<f64>,
    /// The mean step of generalizing, defined when every run generalized.
    pub generalized_at: Option<f64>,
    /// How many of the runs generalized (absent in files written before it existed).
    #[serde(default)]
    pub generalized_runs: usize,
    pub steps_to_generalize: Option<f64>,
    pub final_train_acc: f64,
    pub final_test_acc: f64,
    pub best_test_acc: f64,
    /// Standard deviation over the runs (seeds) of steps-to-generalize; `None` with fewer
    /// than two runs that generalized.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steps_to_generalize_sd: Option<f64>,
    /// Standard deviation over the runs of the final test accuracy; `None` with one run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub final_test_acc_sd: Option<f64>,
    /// Judged on the runs together against the sweep's reference delay (see
    /// [`sample_wise`]).
    pub regime: Regime,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampleWise {
    pub sizes: Vec<SizePoint>,
    /// CDS = min { N : mean final test accuracy ≥ ε and train accuracy ≥ the memorized
    /// threshold }, ε being the generalized threshold.
    pub critical_data_size: Option<usize>,
    /// The size at which steps-to-generalize peaks: the paper's practical CDS estimate.
    /// `None` when no size has it, or when the peak is within the seeds' spread.
    pub peak_steps_size: Option<usize>,
}

/// Groups `runs` by training size (they should share everything else), gives each size its
/// regime and finds the CDS.
///
/// A size's regime comes from its runs together: diverged, undertrained or insufficient if
/// most of its runs are; otherwise its mean memorization and generalization steps (lightly
/// smoothed curves) are judged against the *reference* — the mean generalization step of
/// the largest size whose runs mostly generalized, where data is plentiful, never below
/// the curves' resolution ([`AnalysisConfig::regime`]).
pub fn sample_wise(runs: &[RunView], config: &AnalysisConfig) -> SampleWise {
    let mut by_size: BTreeMap<usize, Vec<&RunView>> = BTreeMap::new();
    for run in runs {
        by_size.entry(run.train_size).or_default().push(run);
    }
    let groups: Vec<(usize, Vec<RunSummary>, f64)> = by_size
        .into_iter()
        .map(|(train_size, runs)| {
            let resolution = runs
                .iter()
                .map(|run| config.resolution(config.window(run.history)))
                .fold(0.0, f64::max);
            let summaries = runs.iter().map(|run| summarize(run, config)).collect();
            (train_size, summaries, resolution)
        })
        .collect();
    let resolution = groups.iter().map(|g| g.2).fold(0.0, f64::max);
    let reference = groups
        .iter()
        .rev()
        .find_map(|(_, summaries, _)| mean_generalized(summaries))
        .unwrap_or(0.0)
        .max(resolution);
    let sizes: Vec<SizePoint> = groups
        .iter()
        .map(|(train_size, summaries, _)| {
            size_point(*train_size, summaries, reference, resolution, config)
        })
        .collect();
    let critical_data_size = sizes
        .iter()
        .find(|p| {
            p.final_test_acc >= config.generalized_threshold
                && p.final_train_acc >= config.memorized_threshold
        })
        .map(|p| p.train_size);
    let peak_steps_size = peak_beyond_spread(&sizes);
    SampleWise {
        sizes,
        critical_data_size,
        peak_steps_size,
    }
}

/// The size where steps-to-generalize peaks, if the peak stands out: with several seeds,
/// the highest must exceed the lowest by more than twice the pooled standard deviation
/// (otherwise the "peak" is seed noise, as on the committed IMDB sweep).
fn peak_beyond_spread(sizes: &[SizePoint]) -> Option<usize> {
    let candidates: Vec<&SizePoint> = sizes
        .iter()
        .filter(|p| !matches!(p.regime, Regime::Undertrained | Regime::Diverged))
        .filter(|p| p.steps_to_generalize.is_some())
        .collect();
    let steps = |p: &&SizePoint| p.steps_to_generalize.unwrap_or(0.0);
    let peak = candidates
        .iter()
        .max_by(|a, b| steps(a).total_cmp(&steps(b)))?;
    let lowest = candidates.iter().map(steps).fold(f64::INFINITY, f64::min);
    let variances: Vec<f64> = candidates
        .iter()
        .filter_map(|p| p.steps_to_generalize_sd.map(|sd| sd * sd))
        .collect();
    if !variances.is_empty() {
        let pooled = (variances.iter().sum::<f64>() / variances.len() as f64).sqrt();
        if steps(peak) - lowest <= 2.0 * pooled {
            return None;
        }
    }
    Some(peak.train_size)
}

/// Most of `summaries` (more than half).
fn most(summaries: &[RunSummary], count: usize) -> bool {
    2 * count > summaries.len()
}

/// The mean generalization step of the runs that generalized, if most did.
fn mean_generalized(summaries: &[RunSummary]) -> Option<f64> {
    let steps: Vec<f64> = summaries
        .iter()
        .filter_map(|s| s.generalized_at.map(|g| g as f64))
        .collect();
    most(summaries, steps.len()).then(|| steps.iter().sum::<f64>() / steps.len() as f64)
}

fn size_point(
    train_size: usize,
    summaries: &[RunSummary],
    reference: f64,
    resolution: f64,
    config: &AnalysisConfig,
) -> SizePoint {
    let n = summaries.len() as f64;
    let mean = |f: &dyn Fn(&RunSummary) -> f64| summaries.iter().map(f).sum::<f64>() / n;
    // Defined only if every run reached the event: a partial mean would hide the misses.
    let mean_event = |f: &dyn Fn(&RunSummary) -> Option<usize>| {
        summaries
            .iter()
            .map(|s| f(s).map(|v| v as f64))
            .sum::<Option<f64>>()
            .map(|total| total / n)
    };
    let count = |f: fn(&RunSummary) -> bool| summaries.iter().filter(|s| f(s)).count();
    let generalized = most(summaries, count(|s| s.generalized_at.is_some()));
    let regime = if most(summaries, count(|s| s.regime == Regime::Diverged)) {
        Regime::Diverged
    } else if !generalized {
        if most(summaries, count(|s| s.memorized_at.is_some())) {
            Regime::Insufficiency
        } else {
            Regime::Undertrained
        }
    } else {
        // The runs that memorized and generalized, judged on their mean steps.
        let both: Vec<&RunSummary> = summaries.iter().filter(|s| s.delay().is_some()).collect();
        let mean = |f: fn(&RunSummary) -> Option<usize>| {
            (!both.is_empty()).then(|| {
                let total: usize = both.iter().filter_map(|s| f(s)).sum();
                (total as f64 / both.len() as f64).round() as usize
            })
        };
        if both.is_empty() {
            // Generalized without ever memorizing.
            Regime::Surplus
        } else {
            config.regime(
                mean(|s| s.memorized_at),
                mean(|s| s.generalized_at),
                reference,
                resolution,
            )
        }
    };
    let sd = |values: Vec<f64>| {
        let k = values.len() as f64;
        (values.len() > 1).then(|| {
            let mean = values.iter().sum::<f64>() / k;
            (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (k - 1.0)).sqrt()
        })
    };
    SizePoint {
        steps_to_generalize_sd: sd(summaries
            .iter()
            .filter_map(|s| s.steps_to_generalize.map(|v| v as f64))
            .collect()),
        final_test_acc_sd: sd(summaries.iter().map(|s| s.final_test_acc).collect()),
        train_size,
        runs: summaries.len(),
        memorized_at: mean_event(&|s| s.memorized_at),
        generalized_at: mean_event(&|s| s.generalized_at),
        generalized_runs: count(|s| s.generalized_at.is_some()),
        steps_to_generalize: mean_event(&|s| s.steps_to_generalize),
        final_train_acc: mean(&|s| s.final_train_acc),
        final_test_acc: mean(&|s| s.final_test_acc),
        best_test_acc: mean(&|s| s.best_test_acc),
        regime,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::EvalPoint;
    use crate::presets;

    /// A run evaluated every 50 steps for 3,000 that memorizes at `memorized` and jumps to
    /// `test_acc` at `generalized` (never, if `None`).
    fn curve(memorized: usize, generalized: Option<usize>, test_acc: f64) -> Vec<EvalPoint> {
        (1..=60)
            .map(|i| {
                let step = i * 50;
                EvalPoint {
                    step,
                    train_loss: 1.0,
                    test_loss: 1.0,
                    train_acc: if step >= memorized { 1.0 } else { 0.5 },
                    test_acc: match generalized {
                        Some(at) if step >= at => test_acc,
                        _ => 0.3,
                    },
                    weight_norm: 1.0,
                }
            })
            .collect()
    }

    fn analyse(curves: &[(usize, Vec<EvalPoint>)], imdb: bool) -> SampleWise {
        let config = if imdb {
            presets::IMDB.config(300)
        } else {
            presets::TINY.config(300)
        };
        let views: Vec<RunView> = curves
            .iter()
            .map(|(n, history)| RunView {
                train_size: *n,
                d_model: 32,
                history,
                diverged_at: None,
            })
            .collect();
        sample_wise(&views, &AnalysisConfig::for_task(&config.task))
    }

    fn regimes(analysis: &SampleWise) -> Vec<Regime> {
        analysis.sizes.iter().map(|p| p.regime).collect()
    }

    #[test]
    fn grokking_is_a_delay_well_beyond_the_largest_sizes_delay() {
        let analysis = analyse(
            &[
                (300, curve(200, None, 0.0)),
                (500, curve(200, Some(2000), 1.0)),
                (600, curve(250, Some(700), 1.0)),
                (700, curve(250, Some(300), 1.0)),
            ],
            false,
        );
        use Regime::*;
        assert_eq!(
            regimes(&analysis),
            [Insufficiency, Sufficiency, Surplus, Surplus]
        );
        assert_eq!(analysis.peak_steps_size, Some(500));
    }

    #[test]
    fn slower_memorization_with_generalization_on_time_is_not_grokking() {
        // IMDB's pattern: more reviews take longer to memorize, test accuracy arrives at
        // the same step for every N. The old rule (generalized > 3× the memorization step)
        // called the small sizes grokking; measured against the largest size's delay, none is.
        let analysis = analyse(
            &[
                (1000, curve(900, Some(2000), 0.75)),
                (2000, curve(1300, Some(2000), 0.75)),
                (4000, curve(1700, Some(2000), 0.75)),
            ],
            true,
        );
        assert!(
            regimes(&analysis).iter().all(|r| *r == Regime::Surplus),
            "{:?}",
            regimes(&analysis)
        );
    }

    #[test]
    fn one_noisy_evaluation_above_the_threshold_is_not_generalization() {
        let mut history = curve(200, None, 0.0);
        history[20].test_acc = 0.97;
        let analysis = analyse(&[(300, history)], false);
        assert_eq!(analysis.sizes[0].generalized_at, None);
        assert_eq!(analysis.sizes[0].regime, Regime::Insufficiency);
    }

    /// Two seeds of three generalize: the size is judged by them (most did), and the table
    /// can say how many did instead of a mean that would hide the third.
    #[test]
    fn a_size_where_most_seeds_generalize_counts_them() {
        let runs = [
            (500, curve(200, Some(1500), 1.0)),
            (500, curve(200, Some(1700), 1.0)),
            (500, curve(200, None, 0.0)),
        ];
        let analysis = analyse(&runs, false);
        let point = &analysis.sizes[0];
        assert_eq!(point.generalized_at, None, "not every run generalized");
        assert_eq!(point.generalized_runs, 2);
        assert_ne!(point.regime, Regime::Insufficiency);
    }

    #[test]
    fn a_peak_within_the_seeds_spread_is_no_peak() {
        let seeds = |at: [usize; 3]| at.map(|g| curve(200, Some(g), 1.0));
        let runs: Vec<(usize, Vec<EvalPoint>)> = [
            (500, seeds([1500, 2500, 2000])),
            (600, seeds([1800, 2400, 1600])),
        ]
        .into_iter()
        .flat_map(|(n, curves)| curves.into_iter().map(move |c| (n, c)))
        .collect();
        let analysis = analyse(&runs, false);
        assert!(analysis.sizes[0].steps_to_generalize_sd.unwrap() > 400.0);
        assert_eq!(analysis.peak_steps_size, None);
        // The same means from single runs: no spread to judge by, so the peak stands.
        let single = analyse(
            &[
                (500, curve(200, Some(2000), 1.0)),
                (600, curve(200, Some(1930), 1.0)),
            ],
            false,
        );
        assert_eq!(single.peak_steps_size, Some(500));
    }
}
