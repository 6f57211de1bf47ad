//! A sweep: one experiment over widths × training sizes × seeds, and how its runs are
//! grouped into batches. One planner for every front end: the CLI's `sweep` and `plan`
//! ([`batches`]) and the lab's workers ([`batch_with`], [`fair_share`]).
//!
//! Runs share a batch only when their [`ExperimentConfig::batch_shape`] agrees (the batched
//! model needs one shape); within that, how many share one is a front end's choice (a cap,
//! a device's memory), which it passes in.

use crate::config::ExperimentConfig;

/// The axes of a sweep. The experiment at one size comes from the front end (a preset, the
/// CLI's flags, the lab's form): [`Grid::runs`] asks for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grid {
    /// Model widths (`d_model`); empty: the experiment's own.
    pub widths: Vec<usize>,
    pub sizes: Vec<usize>,
    pub seeds: Vec<u64>,
}

impl Grid {
    /// How many runs the grid lists.
    pub fn len(&self) -> usize {
        self.widths.len().max(1) * self.sizes.len() * self.seeds.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every run, width × size × seed in that order: `experiment(n)` at each size, with the
    /// width and seed set. Stops at the first size `experiment` refuses.
    pub fn runs<E>(
        &self,
        mut experiment: impl FnMut(usize) -> Result<ExperimentConfig, E>,
    ) -> Result<Vec<ExperimentConfig>, E> {
        let mut runs = Vec::with_capacity(self.len());
        let own_width = [None];
        let widths: Vec<Option<usize>> = if self.widths.is_empty() {
            own_width.to_vec()
        } else {
            self.widths.iter().copied().map(Some).collect()
        };
        for width in widths {
            for &size in &self.sizes {
                let base = experiment(size)?;
                for &seed in &self.seeds {
                    let mut config = base.clone();
                    if let Some(width) = width {
                        config.model.d_model = width;
                    }
                    config.seed = seed;
                    runs.push(config);
                }
            }
        }
        Ok(runs)
    }
}

/// Splits `todo` into batches: runs of one shape together (in the order they come), at
/// most `cap` per batch, and small enough that `jobs` workers all get some.
pub fn batches(todo: Vec<ExperimentConfig>, cap: usize, jobs: usize) -> Vec<Vec<ExperimentConfig>> {
    let mut groups: Vec<Vec<ExperimentConfig>> = Vec::new();
    for config in todo {
        match groups
            .iter_mut()
            .find(|group| group[0].batch_shape() == config.batch_shape())
        {
            Some(group) => group.push(config),
            None => groups.push(vec![config]),
        }
    }
    let total: usize = groups.iter().map(Vec::len).sum();
    let size = cap.min(fair_share(total, jobs)).max(1);
    groups
        .into_iter()
        .flat_map(|group| {
            group
                .chunks(size)
                .map(<[ExperimentConfig]>::to_vec)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The batch that trains `target` now: it, then the `waiting` runs of its shape that may
/// join it (in their order), at most `cap` in all.
pub fn batch_with<'a>(
    target: &ExperimentConfig,
    waiting: impl IntoIterator<Item = &'a ExperimentConfig>,
    cap: usize,
) -> Vec<ExperimentConfig> {
    let shape = target.batch_shape();
    let mut batch = vec![target.clone()];
    batch.extend(
        waiting
            .into_iter()
            .filter(|c| *c != target && c.batch_shape() == shape)
            .cloned(),
    );
    batch.truncate(cap.max(1));
    batch
}

/// One worker's share of `runs` among `workers`, so that all of them get work: at least 1.
pub fn fair_share(runs: usize, workers: usize) -> usize {
    runs.div_ceil(workers.max(1)).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets;

    fn tiny_sizes() -> Vec<ExperimentConfig> {
        let mut todo: Vec<_> = presets::TINY
            .sizes
            .iter()
            .map(|&n| presets::TINY.config(n))
            .collect();
        let mut wide = presets::TINY.config(300);
        wide.model.d_model = 64;
        todo.push(wide);
        todo
    }

    fn lens(batches: &[Vec<ExperimentConfig>]) -> Vec<usize> {
        batches.iter().map(Vec::len).collect()
    }

    #[test]
    fn runs_of_one_shape_share_batches_within_the_cap() {
        let todo = tiny_sizes();
        assert_eq!(lens(&batches(todo.clone(), 32, 1)), [5, 1]);
        assert_eq!(lens(&batches(todo.clone(), 2, 1)), [2, 2, 1, 1]);
        assert_eq!(lens(&batches(todo.clone(), 1, 1)), [1; 6]);
        // Two jobs: the work is split so both have some.
        assert_eq!(lens(&batches(todo, 32, 2)), [3, 2, 1]);
    }

    #[test]
    fn a_batch_takes_its_target_first_and_only_runs_of_its_shape() {
        let todo = tiny_sizes();
        let target = &todo[2];
        let batch = batch_with(target, &todo, 32);
        assert_eq!(&batch[0], target);
        assert_eq!(batch.len(), 5, "the other widths wait");
        assert!(batch.iter().filter(|c| *c == target).count() == 1);
        assert_eq!(batch_with(target, &todo, 2).len(), 2);
        assert_eq!(
            batch_with(target, &todo, 0).len(),
            1,
            "a cap of 0 still trains the target"
        );
    }

    #[test]
    fn every_worker_gets_a_fair_share() {
        assert_eq!(fair_share(11, 2), 6);
        assert_eq!(fair_share(1, 4), 1);
        assert_eq!(fair_share(0, 0), 1);
    }

    #[test]
    fn a_grid_lists_width_then_size_then_seed() {
        let grid = Grid {
            widths: vec![16, 32],
            sizes: vec![300, 400],
            seeds: vec![0, 5],
        };
        let runs = grid.runs(|n| Ok::<_, ()>(presets::TINY.config(n))).unwrap();
        assert_eq!(runs.len(), grid.len());
        let axes: Vec<(usize, usize, u64)> = runs
            .iter()
            .map(|c| (c.model.d_model, c.train_size(), c.seed))
            .collect();
        assert_eq!(
            axes[..4],
            [(16, 300, 0), (16, 300, 5), (16, 400, 0), (16, 400, 5)]
        );
        assert_eq!(axes[4], (32, 300, 0));
        let own = Grid {
            widths: Vec::new(),
            ..grid
        };
        let runs = own.runs(|n| Ok::<_, ()>(presets::TINY.config(n))).unwrap();
        assert!(
            runs.iter()
                .all(|c| c.model.d_model == presets::TINY.config(1).model.d_model)
        );
        assert_eq!(own.runs(|_| Err::<ExperimentConfig, _>("no")), Err("no"));
    }
}
