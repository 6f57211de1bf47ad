//! Model-wise analysis: the (width × training size) grid and the CDS of each width.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::{AnalysisConfig, RunView, SampleWise, sample_wise};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelWise {
    /// d_model of each row.
    pub widths: Vec<usize>,
    /// Training sizes of the columns (the union over widths).
    pub sizes: Vec<usize>,
    /// `best_test_acc[row][column]`: highest smoothed test accuracy, `None` where not run.
    pub best_test_acc: Vec<Vec<Option<f64>>>,
    /// The sample-wise analysis of each width, CDS included.
    pub per_width: Vec<SampleWise>,
}

pub fn model_wise(runs: &[RunView], config: &AnalysisConfig) -> ModelWise {
    let mut by_width: BTreeMap<usize, Vec<RunView>> = BTreeMap::new();
    for run in runs {
        by_width.entry(run.d_model).or_default().push(*run);
    }
    let mut sizes: Vec<usize> = runs.iter().map(|r| r.train_size).collect();
    sizes.sort_unstable();
    sizes.dedup();
    let per_width: Vec<SampleWise> = by_width
        .values()
        .map(|runs| sample_wise(runs, config))
        .collect();
    let best_test_acc = per_width
        .iter()
        .map(|analysis| {
            sizes
                .iter()
                .map(|&size| {
                    analysis
                        .sizes
                        .iter()
                        .find(|p| p.train_size == size)
                        .map(|p| p.best_test_acc)
                })
                .collect()
        })
        .collect();
    ModelWise {
        widths: by_width.keys().copied().collect(),
        sizes,
        best_test_acc,
        per_width,
    }
}
