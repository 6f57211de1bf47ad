//! What a batch trains on, on the device: every run's splits stacked and padded, and each
//! run's seeded mini-batch order.

use burn::tensor::{Device, Int, Tensor, TensorData};
use serde::{Deserialize, Serialize};

use crate::data::Split;
use crate::rng::SplitMix64;

/// One split of every run, uploaded to the device (inner, non-autodiff backend). Runs may
/// hold different numbers of examples: shorter ones are padded with copies of their first
/// example, which weigh nothing.
pub(super) struct DeviceSplits {
    /// `[R, longest, seq_len]`
    pub(super) tokens: Tensor<3, Int>,
    /// `[R, longest]`
    pub(super) labels: Tensor<2, Int>,
    /// `[R, longest]`: 1 for a run's own examples, 0 for padding.
    pub(super) valid: Tensor<2>,
    /// `[R, longest]`: `valid / len`, the weights that make a sum over rows each run's mean
    /// (full-batch training's loss weights, built once).
    pub(super) mean_weights: Tensor<2>,
    /// `[R]`: examples per run.
    pub(super) lens: Tensor<1>,
    /// The dataset's padding token, masked out of attention.
    pub(super) padding: Option<u32>,
}

impl DeviceSplits {
    pub(super) fn upload(splits: &[&Split], padding: Option<u32>, device: &Device) -> Self {
        let runs = splits.len();
        let longest = splits.iter().map(|s| s.len()).max().unwrap_or(0);
        let seq_len = splits[0].seq_len;
        let mut tokens = Vec::with_capacity(runs * longest * seq_len);
        let mut labels = Vec::with_capacity(runs * longest);
        let mut valid = Vec::with_capacity(runs * longest);
        let mut mean_weights = Vec::with_capacity(runs * longest);
        for split in splits {
            for i in 0..longest {
                let row = if i < split.len() { i } else { 0 };
                tokens.extend(split.sequence(row).iter().map(|&t| t as i32));
                labels.push(split.labels[row] as i32);
                let own = if i < split.len() { 1.0f32 } else { 0.0 };
                valid.push(own);
                mean_weights.push(own / split.len() as f32);
            }
        }
        let lens: Vec<f32> = splits.iter().map(|s| s.len() as f32).collect();
        let matrix =
            |values: Vec<f32>| Tensor::from_data(TensorData::new(values, [runs, longest]), device);
        Self {
            tokens: Tensor::from_data(TensorData::new(tokens, [runs, longest, seq_len]), device),
            labels: Tensor::from_data(TensorData::new(labels, [runs, longest]), device),
            valid: matrix(valid),
            mean_weights: matrix(mean_weights),
            lens: Tensor::from_data(TensorData::new(lens, [runs]), device),
            padding,
        }
    }

    pub(super) fn longest(&self) -> usize {
        self.labels.dims()[1]
    }
}

/// Each run's mini-batch order, and the loss weights of a step, which never change: `1/b`
/// for run `r`'s `b` examples, 0 where a smaller batch is padded to the widest.
pub(super) struct MiniBatches {
    pub(super) orders: Vec<BatchOrder>,
    pub(super) widest: usize,
    /// `[R, widest]`
    pub(super) weights: Tensor<2>,
}

impl MiniBatches {
    pub(super) fn new(orders: Vec<BatchOrder>, device: &Device) -> Self {
        let widest = orders.iter().map(|o| o.batch_size).max().unwrap_or(1);
        let weights: Vec<f32> = orders
            .iter()
            .flat_map(|order| {
                let weight = 1.0 / order.batch_size as f32;
                (0..widest).map(move |i| if i < order.batch_size { weight } else { 0.0 })
            })
            .collect();
        let runs = orders.len();
        Self {
            orders,
            widest,
            weights: Tensor::from_data(TensorData::new(weights, [runs, widest]), device),
        }
    }
}

/// Where one run is in its mini-batch order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchOrderState {
    order: Vec<i32>,
    position: usize,
    rng: u64,
}

/// Mini-batch order: a fresh seeded permutation of the training set every epoch.
pub(super) struct BatchOrder {
    order: Vec<i32>,
    position: usize,
    pub(super) batch_size: usize,
    rng: SplitMix64,
}

impl BatchOrder {
    pub(super) fn new(len: usize, batch_size: usize, seed: u64) -> Self {
        Self {
            order: (0..len as i32).collect(),
            position: len, // forces a shuffle before the first batch
            batch_size,
            rng: SplitMix64::for_purpose(seed, "batch-order"),
        }
    }

    pub(super) fn state(&self) -> BatchOrderState {
        BatchOrderState {
            order: self.order.clone(),
            position: self.position,
            rng: self.rng.state(),
        }
    }

    pub(super) fn restore(&mut self, saved: BatchOrderState) -> Result<(), &'static str> {
        let mut sorted = saved.order.clone();
        sorted.sort_unstable();
        if !sorted.iter().copied().eq(0..self.order.len() as i32)
            || saved.position > self.order.len()
        {
            return Err("its mini-batch order is not of this training set");
        }
        self.order = saved.order;
        self.position = saved.position;
        self.rng = SplitMix64::new(saved.rng);
        Ok(())
    }

    pub(super) fn next_batch(&mut self) -> Vec<i32> {
        if self.position + self.batch_size > self.order.len() {
            self.rng.shuffle(&mut self.order);
            self.position = 0;
        }
        let batch = self.order[self.position..self.position + self.batch_size].to_vec();
        self.position += self.batch_size;
        batch
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_cover_the_training_set_each_epoch() {
        let mut order = BatchOrder::new(10, 5, 3);
        let mut epoch: Vec<i32> = order
            .next_batch()
            .into_iter()
            .chain(order.next_batch())
            .collect();
        epoch.sort_unstable();
        assert_eq!(epoch, (0..10).collect::<Vec<_>>());
    }
}
