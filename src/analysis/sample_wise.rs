//! Sample-wise analysis: one model, many training-set sizes, and the critical data size.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::{AnalysisConfig, Regime, RunView, summarize};

/// One training-set size, averaged over its runs (seeds).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SizePoint {
    pub train_size: usize,
    pub runs: usize,
    pub memorized_at: Option<f64>,
    pub generalized_at: Option<f64>,
    pub steps_to_generalize: Option<f64>,
    pub final_train_acc: f64,
    pub final_test_acc: f64,
    pub best_test_acc: f64,
    /// The most common regime among the runs (ties go to the smaller-data regime).
    pub regime: Regime,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampleWise {
    pub sizes: Vec<SizePoint>,
    /// CDS = min { N : mean final test accuracy ≥ ε and train accuracy ≥ the memorized
    /// threshold }, ε being the generalized threshold.
    pub critical_data_size: Option<usize>,
    /// The size at which steps-to-generalize peaks: the paper's practical CDS estimate.
    pub peak_steps_size: Option<usize>,
}

/// Groups `runs` by training size (they should share everything else) and finds the CDS.
pub fn sample_wise(runs: &[RunView], config: &AnalysisConfig) -> SampleWise {
    let mut by_size: BTreeMap<usize, Vec<&RunView>> = BTreeMap::new();
    for run in runs {
        by_size.entry(run.train_size).or_default().push(run);
    }
    let sizes: Vec<SizePoint> = by_size
        .into_iter()
        .map(|(train_size, runs)| size_point(train_size, &runs, config))
        .collect();
    let critical_data_size = sizes
        .iter()
        .find(|p| {
            p.final_test_acc >= config.generalized_threshold
                && p.final_train_acc >= config.memorized_threshold
        })
        .map(|p| p.train_size);
    let peak_steps_size = sizes
        .iter()
        .filter(|p| !matches!(p.regime, Regime::Undertrained | Regime::Diverged))
        .filter_map(|p| p.steps_to_generalize.map(|s| (s, p.train_size)))
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, size)| size);
    SampleWise {
        sizes,
        critical_data_size,
        peak_steps_size,
    }
}

fn size_point(train_size: usize, runs: &[&RunView], config: &AnalysisConfig) -> SizePoint {
    let summaries: Vec<_> = runs.iter().map(|run| summarize(run, config)).collect();
    let n = summaries.len() as f64;
    let mean = |f: &dyn Fn(&super::RunSummary) -> f64| summaries.iter().map(f).sum::<f64>() / n;
    // Defined only if every run reached the event: a partial mean would hide the misses.
    let mean_event = |f: &dyn Fn(&super::RunSummary) -> Option<usize>| {
        summaries
            .iter()
            .map(|s| f(s).map(|v| v as f64))
            .sum::<Option<f64>>()
            .map(|total| total / n)
    };
    let mut counts: BTreeMap<Regime, usize> = BTreeMap::new();
    for summary in &summaries {
        *counts.entry(summary.regime).or_default() += 1;
    }
    let regime = counts
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(regime, _)| *regime)
        .unwrap_or(Regime::Undertrained);
    SizePoint {
        train_size,
        runs: summaries.len(),
        memorized_at: mean_event(&|s| s.memorized_at),
        generalized_at: mean_event(&|s| s.generalized_at),
        steps_to_generalize: mean_event(&|s| s.steps_to_generalize),
        final_train_acc: mean(&|s| s.final_train_acc),
        final_test_acc: mean(&|s| s.final_test_acc),
        best_test_acc: mean(&|s| s.best_test_acc),
        regime,
    }
}
