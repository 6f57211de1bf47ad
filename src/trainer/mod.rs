//! The training loop, drivable one step at a time from sync or async code.
//!
//! [`BatchTrainer`] trains `R` runs of one shape as one batched model; a single run is a
//! batch of one (there is no other training API). Steps never read from the device;
//! [`BatchTrainer::evaluate`] queues the evaluation on the device and hands back a
//! [`PendingEvals`] whose single async read brings every run's numbers home together. This is what lets the browser train on WebGPU, where a synchronous read panics.
//! On modular tasks the same read also brings what each run learned ([`crate::learned`]).

use burn::module::Module;
use burn::optim::{AdamWConfig, GradientsParams, ModuleOptimizer, OptimizerRecord};
use burn::store::{ModuleRecord, RecordError};
use burn::tensor::{Bytes, Device, ExecutionError, Int, Tensor, TensorData};

use crate::config::{ConfigError, ExperimentConfig};
use crate::data::{Dataset, Split};
use crate::footprint;
use crate::grokking;
use crate::learned;
use crate::model::{Batch, Classifier};
use crate::rng::SplitMix64;
use serde::{Deserialize, Serialize};

#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    #[error("invalid configuration: {0}")]
    Config(#[from] ConfigError),
    #[error("reading results from the device failed: {0}")]
    Readback(String),
    /// The device failed to run the queued work or to hand back its results; the error
    /// says whether it is gone for good ([`ExecutionError::is_device_poisoned`]).
    #[error("the device failed: {}", .0.reason())]
    Device(#[from] ExecutionError),
    #[error(
        "training diverged at step {step}: its loss or weight norm is no longer finite or has passed 1e12 (try a smaller learning rate or α)"
    )]
    Diverged { step: usize },
    #[error(transparent)]
    Batch(#[from] BatchError),
    #[error("the checkpoint cannot be used: {0}")]
    Checkpoint(String),
}

mod device_data;
mod evaluation;

pub use device_data::BatchOrderState;
pub use evaluation::{Evaluation, PendingEvals};

use device_data::{BatchOrder, DeviceSplits, MiniBatches};
use evaluation::{cross_entropy, evaluate_split};

/// Why runs cannot share one batched model.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BatchError {
    #[error("a batch needs at least one run")]
    Empty,
    #[error(
        "run {index} differs from the first in more than N, seed and α (its model shape, optimizer or schedule), so it cannot share a batch"
    )]
    Mismatched { index: usize },
    #[error("{configs} configurations but {datasets} datasets")]
    DataCount { configs: usize, datasets: usize },
}

/// `R` runs of one shape trained as one batched model: one forward, backward and AdamW step
/// advance all of them, and one readback evaluates all of them. Run `r` is exactly the
/// single run of `configs[r]`: its own initial weights (its seed), α, training set, loss
/// normalisation (the mean over its own N) and batch order.
pub struct BatchTrainer {
    configs: Vec<ExperimentConfig>,
    /// Where the data and evaluations live: the trainer's device without autodiff.
    device: Device,
    /// Always `Some` between calls; taken while the optimizer consumes it.
    model: Option<Classifier>,
    optimizer: ModuleOptimizer,
    train: DeviceSplits,
    test: DeviceSplits,
    /// Mini-batch order of each run; `None` trains full-batch.
    batches: Option<MiniBatches>,
    step: usize,
    /// Sequences of each run one evaluation chunk takes (see [`footprint::eval_rows`]).
    eval_rows: usize,
    /// What evaluations measure of what the runs learned; `None` unless modular.
    probe: Option<learned::Probe>,
    /// Whether evaluations measure it (see [`BatchTrainer::set_learned`]).
    learned: bool,
}

impl BatchTrainer {
    /// Builds every run's model at its standard initialisation, applies each run's α, and
    /// uploads the data; `data[r]` is the dataset of `configs[r]`. Trains with autodiff on
    /// `device`, whether or not it has it on.
    pub fn new(
        configs: Vec<ExperimentConfig>,
        data: &[&Dataset],
        device: &Device,
    ) -> Result<Self, TrainError> {
        let first = configs.first().ok_or(BatchError::Empty)?;
        if configs.len() != data.len() {
            return Err(BatchError::DataCount {
                configs: configs.len(),
                datasets: data.len(),
            }
            .into());
        }
        let shape = first.batch_shape();
        for (index, config) in configs.iter().enumerate() {
            config.validate()?;
            if config.batch_shape() != shape {
                return Err(BatchError::Mismatched { index }.into());
            }
        }
        let device = device.clone().without_autodiff();
        device.seed(SplitMix64::for_purpose(first.seed, "model-init").next_u64());
        let seeds: Vec<u64> = configs.iter().map(|c| c.seed).collect();
        let alphas: Vec<f64> = configs.iter().map(|c| c.grokking.alpha).collect();
        let model = Classifier::init(first, &seeds, data[0], &device.clone().autodiff());
        let model = grokking::rescale(model, &alphas);
        let optimizer = AdamWConfig::new()
            .with_beta_1(first.optimizer.beta1 as f32)
            .with_beta_2(first.optimizer.beta2 as f32)
            .with_epsilon(first.optimizer.epsilon as f32)
            .with_weight_decay(first.grokking.weight_decay as f32)
            .init();
        let batches = first.training.batch_size.map(|size| {
            let orders = configs
                .iter()
                .zip(data)
                .map(|(config, data)| {
                    let len = data.train.len();
                    // A batch size serves a whole sweep: at most the training set.
                    BatchOrder::new(len, size.min(len), config.seed)
                })
                .collect();
            MiniBatches::new(orders, &device)
        });
        let splits =
            |pick: fn(&Dataset) -> &Split| data.iter().map(|d| pick(d)).collect::<Vec<_>>();
        Ok(Self {
            train: DeviceSplits::upload(&splits(|d| &d.train), data[0].padding, &device),
            test: DeviceSplits::upload(&splits(|d| &d.test), data[0].padding, &device),
            model: Some(model),
            optimizer,
            batches,
            step: 0,
            eval_rows: footprint::default_eval_rows(configs.len()),
            probe: learned::Probe::new(data, &device),
            learned: true,
            configs,
            device,
        })
    }

    pub fn configs(&self) -> &[ExperimentConfig] {
        &self.configs
    }

    pub fn runs(&self) -> usize {
        self.configs.len()
    }

    /// Optimizer steps taken so far (every run has taken as many).
    pub fn step_count(&self) -> usize {
        self.step
    }

    pub fn is_finished(&self) -> bool {
        self.step >= self.configs[0].training.steps
    }

    pub fn model(&self) -> &Classifier {
        self.model.as_ref().expect("model is present between steps")
    }

    /// Evaluates `rows` sequences of each run at a time (at least one): a device with
    /// small buffers needs smaller chunks; the numbers are the same.
    pub fn set_eval_rows(&mut self, rows: usize) {
        self.eval_rows = rows.max(1);
    }

    /// Whether evaluations also measure what each run learned (its embedding's Fourier
    /// frequencies and its answer to every pair: [`Snapshot`]). On by default; only modular
    /// tasks have it. Off, an evaluation reads back its five numbers per run alone.
    pub fn set_learned(&mut self, on: bool) {
        self.learned = on;
    }

    /// Whether evaluations measure what the runs learned (on, and a modular task).
    pub fn measures_learned(&self) -> bool {
        self.learned && self.probe.is_some()
    }

    /// One AdamW step of every run on its full training set or its next mini-batch. Queues
    /// device work only: nothing is read back.
    pub fn step(&mut self) {
        let runs = self.runs();
        let (tokens, labels, weights) = match &mut self.batches {
            None => (
                self.train.tokens.clone(),
                self.train.labels.clone(),
                self.train.mean_weights.clone(),
            ),
            Some(MiniBatches {
                orders,
                widest,
                weights,
            }) => {
                let widest = *widest;
                let longest = self.train.longest();
                let mut indices = Vec::with_capacity(runs * widest);
                for (run, order) in orders.iter_mut().enumerate() {
                    let batch = order.next_batch();
                    for i in 0..widest {
                        let row = batch.get(i).copied().unwrap_or(batch[0]);
                        indices.push((run * longest) as i32 + row);
                    }
                }
                let indices = Tensor::<1, Int>::from_data(
                    TensorData::new(indices, [runs * widest]),
                    &self.device,
                );
                let seq_len = self.train.tokens.dims()[2];
                (
                    self.train
                        .tokens
                        .clone()
                        .reshape([runs * longest, seq_len])
                        .select(0, indices.clone())
                        .reshape([runs, widest, seq_len]),
                    self.train
                        .labels
                        .clone()
                        .reshape([runs * longest])
                        .select(0, indices)
                        .reshape([runs, widest]),
                    weights.clone(),
                )
            }
        };
        let model = self.model.take().expect("model is present between steps");
        let logits = model.forward(Batch::new(Tensor::autodiff(tokens), self.train.padding));
        // Σ over runs of each run's mean loss: run r's parameters get exactly the gradient
        // of its own mean loss.
        let loss =
            (cross_entropy(logits, Tensor::autodiff(labels)) * Tensor::autodiff(weights)).sum();
        let grads = GradientsParams::from_grads(loss.backward(), &model);
        self.model = Some(
            self.optimizer
                .step(self.configs[0].optimizer.lr, model, grads),
        );
        self.step += 1;
    }

    /// Runs up to `n` steps, stopping at the configured budget. Returns how many ran.
    pub fn train_steps(&mut self, n: usize) -> usize {
        let n = n.min(self.configs[0].training.steps.saturating_sub(self.step));
        for _ in 0..n {
            self.step();
        }
        n
    }

    /// Everything training needs to go on from this step exactly as if it had never
    /// stopped: the parameters and AdamW's moments (burnpack records, full precision), the
    /// step and each run's place in its mini-batch order. Reads the
    /// tensors back (synchronously): for the CLI's checkpoints, not the lab's hot loop.
    pub fn save(&self) -> Result<TrainerState, TrainError> {
        let model = self.model().clone().into_record().into_bytes();
        let optimizer = self.optimizer.into_bytes();
        Ok(TrainerState {
            step: self.step,
            orders: self
                .batches
                .as_ref()
                .map(|b| b.orders.iter().map(BatchOrder::state).collect()),
            model: model.map_err(unreadable)?.to_vec(),
            optimizer: optimizer.map_err(unreadable)?.to_vec(),
        })
    }

    /// Puts back what [`BatchTrainer::save`] saved, into a trainer built for the same runs.
    pub fn restore(&mut self, state: TrainerState) -> Result<(), TrainError> {
        let unusable = |why: &str| TrainError::Checkpoint(why.to_owned());
        if state.step > self.configs[0].training.steps {
            return Err(unusable("its step is past the runs' budget"));
        }
        match (&mut self.batches, state.orders) {
            (None, None) => {}
            (Some(batches), Some(orders)) if orders.len() == batches.orders.len() => {
                for (order, saved) in batches.orders.iter_mut().zip(orders) {
                    order.restore(saved).map_err(unusable)?;
                }
            }
            _ => return Err(unusable("its mini-batch orders are of other runs")),
        }
        // Decoding may panic on bytes it cannot read; the caller checks a checksum first,
        // so this is only a second line of defence.
        let (model, optimizer) = std::panic::catch_unwind(|| {
            (
                ModuleRecord::from_bytes(Bytes::from_bytes_vec(state.model)),
                OptimizerRecord::from_bytes(Bytes::from_bytes_vec(state.optimizer)),
            )
        })
        .map_err(|_| unusable("its parameters do not decode"))?;
        let model = self
            .model()
            .clone()
            .try_load_record(model.map_err(unreadable)?)
            .map_err(unreadable)?;
        let optimizer = optimizer.map_err(unreadable)?;
        self.model = Some(model);
        // Taken out to be consumed; it keeps its own settings (β, ε, weight decay).
        let configured = std::mem::replace(&mut self.optimizer, AdamWConfig::new().init());
        self.optimizer = configured.load_record(optimizer);
        self.step = state.step;
        Ok(())
    }

    /// Resolves once the device has run every step queued so far: reads back one number
    /// (run 0's squared weight norm, which every step changes). For timing steps — far
    /// cheaper than an evaluation, and it carries no result.
    pub async fn settle(&self) -> Result<(), TrainError> {
        let model = self.model().valid();
        let norm_sq = grokking::squared_weight_norms(&model, self.runs(), &self.device);
        norm_sq.narrow(0, 0, 1).into_data_async().await?;
        Ok(())
    }

    /// Queues an evaluation of every run on its training and test sets (and, when on,
    /// of what it learned: the same readback carries it).
    pub fn evaluate(&self) -> PendingEvals {
        let model = self.model().valid();
        let probe = self.probe.as_ref().filter(|_| self.learned);
        let rows = probe.is_some();
        let train = evaluate_split(&model, &self.train, self.eval_rows, rows);
        let test = evaluate_split(&model, &self.test, self.eval_rows, rows);
        let norm_sq = grokking::squared_weight_norms(&model, self.runs(), &self.device);
        let numbers = Tensor::stack(
            vec![
                train.loss,
                test.loss,
                train.accuracy,
                test.accuracy,
                norm_sq,
            ],
            1,
        );
        let (values, learned) = match (probe, train.hits, test.hits) {
            (Some(probe), Some(train_hits), Some(test_hits)) => {
                let table = model.token_embedding().expect("modular tasks train a GPT");
                let (columns, layout) = probe.columns(train_hits, test_hits, table);
                (Tensor::cat(vec![numbers, columns], 1), Some(layout))
            }
            _ => (numbers, None),
        };
        PendingEvals {
            step: self.step,
            values,
            learned,
        }
    }
}

fn unreadable(error: RecordError) -> TrainError {
    TrainError::Checkpoint(error.to_string())
}

/// A batch trainer's state at one step ([`BatchTrainer::save`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainerState {
    pub step: usize,
    /// Each run's place in its mini-batch order; `None` for full-batch training.
    pub orders: Option<Vec<BatchOrderState>>,
    /// The batched model's record (burnpack).
    #[serde(skip)]
    pub model: Vec<u8>,
    /// AdamW's record: its moments and step per parameter (burnpack).
    #[serde(skip)]
    pub optimizer: Vec<u8>,
}
