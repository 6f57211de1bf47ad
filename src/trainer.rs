//! The training loop, drivable one step at a time from sync or async code.
//!
//! Steps never read from the device; [`Trainer::evaluate`] queues the evaluation on the
//! device and hands back a [`PendingEval`] whose single async read brings all numbers home
//! together. This is what lets the browser train on WebGPU, where a synchronous read panics.

use burn::module::AutodiffModule;
use burn::optim::adaptor::OptimizerAdaptor;
use burn::optim::{AdamW, AdamWConfig, GradientsParams, Optimizer};
use burn::tensor::activation::log_softmax;
use burn::tensor::backend::{AutodiffBackend, Backend};
use burn::tensor::{Int, Tensor, TensorData, s};

use crate::config::{ConfigError, ExperimentConfig};
use crate::data::{Dataset, Split};
use crate::grokking;
use crate::metrics::EvalPoint;
use crate::model::{Batch, Classifier};
use crate::rng::SplitMix64;

/// Evaluation runs over at most this many sequences at a time, to bound device memory.
const EVAL_CHUNK: usize = 4096;

#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    #[error("invalid configuration: {0}")]
    Config(#[from] ConfigError),
    #[error("reading results from the device failed: {0}")]
    Readback(String),
    #[error(
        "training diverged at step {step}: the loss is no longer a finite number (try a smaller learning rate or α)"
    )]
    Diverged { step: usize },
}

/// A split uploaded to the device (inner, non-autodiff backend).
struct DeviceSplit<B: Backend> {
    tokens: Tensor<B, 2, Int>,
    labels: Tensor<B, 1, Int>,
    len: usize,
    /// The dataset's padding token, masked out of attention.
    padding: Option<u32>,
}

impl<B: Backend> DeviceSplit<B> {
    fn upload(split: &Split, padding: Option<u32>, device: &B::Device) -> Self {
        let tokens: Vec<i32> = split.tokens.iter().map(|&t| t as i32).collect();
        let labels: Vec<i32> = split.labels.iter().map(|&l| l as i32).collect();
        Self {
            tokens: Tensor::from_data(
                TensorData::new(tokens, [split.len(), split.seq_len]),
                device,
            ),
            labels: Tensor::from_data(TensorData::new(labels, [split.len()]), device),
            len: split.len(),
            padding,
        }
    }
}

pub struct Trainer<B: AutodiffBackend> {
    config: ExperimentConfig,
    device: B::Device,
    /// Always `Some` between calls; taken while the optimizer consumes it.
    model: Option<Classifier<B>>,
    optimizer: OptimizerAdaptor<AdamW, Classifier<B>, B>,
    train: DeviceSplit<B::InnerBackend>,
    test: DeviceSplit<B::InnerBackend>,
    batches: Option<BatchOrder>,
    step: usize,
}

impl<B: AutodiffBackend> Trainer<B> {
    /// Builds the model at its standard initialisation, applies the α rescale, uploads data.
    pub fn new(
        config: ExperimentConfig,
        data: &Dataset,
        device: &B::Device,
    ) -> Result<Self, TrainError> {
        config.validate()?;
        B::seed(
            device,
            SplitMix64::for_purpose(config.seed, "model-init").next_u64(),
        );
        let model = Classifier::<B>::init(&config, data, device);
        let model = grokking::rescale(model, config.grokking.alpha);
        let optimizer = AdamWConfig::new()
            .with_beta_1(config.optimizer.beta1 as f32)
            .with_beta_2(config.optimizer.beta2 as f32)
            .with_epsilon(config.optimizer.epsilon as f32)
            .with_weight_decay(config.grokking.weight_decay as f32)
            .init();
        let batches = config
            .training
            .batch_size
            // A batch size serves a whole sweep: at most the training set.
            .map(|size| BatchOrder::new(data.train.len(), size.min(data.train.len()), config.seed));
        Ok(Self {
            train: DeviceSplit::upload(&data.train, data.padding, device),
            test: DeviceSplit::upload(&data.test, data.padding, device),
            device: device.clone(),
            model: Some(model),
            optimizer,
            batches,
            step: 0,
            config,
        })
    }

    pub fn config(&self) -> &ExperimentConfig {
        &self.config
    }

    /// Optimizer steps taken so far.
    pub fn step_count(&self) -> usize {
        self.step
    }

    pub fn is_finished(&self) -> bool {
        self.step >= self.config.training.steps
    }

    pub fn model(&self) -> &Classifier<B> {
        self.model.as_ref().expect("model is present between steps")
    }

    /// One AdamW step on the full training set or the next mini-batch. Queues device work
    /// only: nothing is read back.
    pub fn step(&mut self) {
        let (tokens, labels) = match &mut self.batches {
            None => (self.train.tokens.clone(), self.train.labels.clone()),
            Some(order) => {
                let indices = order.next_batch();
                let indices = Tensor::<B::InnerBackend, 1, Int>::from_data(
                    TensorData::new(indices, [order.batch_size]),
                    &self.device,
                );
                (
                    self.train.tokens.clone().select(0, indices.clone()),
                    self.train.labels.clone().select(0, indices),
                )
            }
        };
        let model = self.model.take().expect("model is present between steps");
        let logits = model.forward(Batch::new(Tensor::from_inner(tokens), self.train.padding));
        let loss = mean_cross_entropy(logits, Tensor::from_inner(labels));
        let grads = GradientsParams::from_grads(loss.backward(), &model);
        self.model = Some(self.optimizer.step(self.config.optimizer.lr, model, grads));
        self.step += 1;
    }

    /// Runs up to `n` steps, stopping at the configured budget. Returns how many ran.
    pub fn train_steps(&mut self, n: usize) -> usize {
        let n = n.min(self.config.training.steps.saturating_sub(self.step));
        for _ in 0..n {
            self.step();
        }
        n
    }

    /// Queues an evaluation of the current model on the training and test sets.
    pub fn evaluate(&self) -> PendingEval<B::InnerBackend> {
        let model = self.model().valid();
        let (train_loss, train_acc) = loss_and_accuracy(&model, &self.train);
        let (test_loss, test_acc) = loss_and_accuracy(&model, &self.test);
        let norm_sq = grokking::squared_weight_norm(&model, &self.device);
        PendingEval {
            step: self.step,
            values: Tensor::cat(vec![train_loss, test_loss, train_acc, test_acc, norm_sq], 0),
        }
    }
}

/// Evaluation results still on the device.
pub struct PendingEval<B: Backend> {
    step: usize,
    /// [train loss, test loss, train acc, test acc, ‖w‖²]
    values: Tensor<B, 1>,
}

impl<B: Backend> PendingEval<B> {
    /// Reads the numbers back in one transfer. Non-finite numbers mean divergence.
    pub async fn read(self) -> Result<EvalPoint, TrainError> {
        let data = self
            .values
            .into_data_async()
            .await
            .map_err(|e| TrainError::Readback(format!("{e:?}")))?;
        let values: Vec<f32> = data
            .to_vec()
            .map_err(|e| TrainError::Readback(format!("{e:?}")))?;
        let [train_loss, test_loss, train_acc, test_acc, norm_sq] = values[..] else {
            return Err(TrainError::Readback(format!(
                "expected 5 values, got {}",
                values.len()
            )));
        };
        let point = EvalPoint {
            step: self.step,
            train_loss: train_loss.into(),
            test_loss: test_loss.into(),
            train_acc: train_acc.into(),
            test_acc: test_acc.into(),
            weight_norm: f64::from(norm_sq).sqrt(),
        };
        if point.is_finite() {
            Ok(point)
        } else {
            Err(TrainError::Diverged { step: self.step })
        }
    }
}

/// Mean negative log-likelihood of `labels` under `logits` `[batch, classes]`.
fn mean_cross_entropy<B: Backend>(logits: Tensor<B, 2>, labels: Tensor<B, 1, Int>) -> Tensor<B, 1> {
    let log_probs = log_softmax(logits, 1);
    log_probs.gather(1, labels.unsqueeze_dim(1)).mean().neg()
}

/// (mean loss, accuracy) over a split, as one-element device tensors.
fn loss_and_accuracy<B: Backend>(
    model: &Classifier<B>,
    split: &DeviceSplit<B>,
) -> (Tensor<B, 1>, Tensor<B, 1>) {
    let device = split.tokens.device();
    let mut loss_sum = Tensor::<B, 1>::zeros([1], &device);
    let mut correct = Tensor::<B, 1>::zeros([1], &device);
    let seq_len = split.tokens.dims()[1];
    for start in (0..split.len).step_by(EVAL_CHUNK) {
        let end = (start + EVAL_CHUNK).min(split.len);
        let tokens = split.tokens.clone().slice([start..end, 0..seq_len]);
        let labels = split.labels.clone().slice(s![start..end]);
        let logits = model.forward(Batch::new(tokens, split.padding));
        let predicted = logits.clone().argmax(1).reshape([end - start]);
        correct = correct + predicted.equal(labels.clone()).float().sum();
        let log_probs = log_softmax(logits, 1);
        loss_sum = loss_sum - log_probs.gather(1, labels.unsqueeze_dim(1)).sum();
    }
    let n = split.len as f64;
    (loss_sum.div_scalar(n), correct.div_scalar(n))
}

/// Mini-batch order: a fresh seeded permutation of the training set every epoch.
struct BatchOrder {
    order: Vec<i32>,
    position: usize,
    batch_size: usize,
    rng: SplitMix64,
}

impl BatchOrder {
    fn new(len: usize, batch_size: usize, seed: u64) -> Self {
        Self {
            order: (0..len as i32).collect(),
            position: len, // forces a shuffle before the first batch
            batch_size,
            rng: SplitMix64::for_purpose(seed, "batch-order"),
        }
    }

    fn next_batch(&mut self) -> Vec<i32> {
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

    type Cpu = burn::backend::NdArray;

    fn pending(values: [f32; 5]) -> PendingEval<Cpu> {
        PendingEval {
            step: 7,
            values: Tensor::from_data(TensorData::from(values), &Default::default()),
        }
    }

    #[test]
    fn a_non_finite_evaluation_is_divergence() {
        let result = pollster::block_on(pending([f32::NAN, 1.0, 0.5, 0.5, 4.0]).read());
        assert!(
            matches!(result, Err(TrainError::Diverged { step: 7 })),
            "{result:?}"
        );
        let result = pollster::block_on(pending([1.0, f32::INFINITY, 0.5, 0.5, 4.0]).read());
        assert!(matches!(result, Err(TrainError::Diverged { step: 7 })));
    }

    #[test]
    fn a_finite_evaluation_reads_back_in_order() {
        let point = pollster::block_on(pending([1.0, 2.0, 0.25, 0.5, 9.0]).read()).unwrap();
        assert_eq!(
            point,
            EvalPoint {
                step: 7,
                train_loss: 1.0,
                test_loss: 2.0,
                train_acc: 0.25,
                test_acc: 0.5,
                weight_norm: 3.0
            }
        );
    }

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
