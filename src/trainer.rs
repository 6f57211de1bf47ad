//! The training loop, drivable one step at a time from sync or async code.
//!
//! [`BatchTrainer`] trains `R` runs of one shape as one batched model; a single run is a
//! batch of one (there is no other training API). Steps never read from the device;
//! [`BatchTrainer::evaluate`] queues the evaluation on the device and hands back a
//! [`PendingEvals`] whose single async read brings every run's numbers home together. This is what lets the browser train on WebGPU, where a synchronous read panics.
//! On modular tasks the same read also brings what each run learned ([`crate::learned`]).

use burn::module::{AutodiffModule, Module};
use burn::optim::adaptor::OptimizerAdaptor;
use burn::optim::{AdamW, AdamWConfig, GradientsParams, Optimizer};
use burn::record::{BinBytesRecorder, FullPrecisionSettings, Recorder};
use burn::tensor::activation::log_softmax;
use burn::tensor::backend::{AutodiffBackend, Backend};
use burn::tensor::{Int, Tensor, TensorData};

use crate::config::{ConfigError, ExperimentConfig};
use crate::data::{Dataset, Split};
use crate::footprint;
use crate::grokking;
use crate::learned::{self, Snapshot};
use crate::metrics::EvalPoint;
use crate::model::{Batch, Classifier};
use crate::rng::SplitMix64;
use serde::{Deserialize, Serialize};

#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    #[error("invalid configuration: {0}")]
    Config(#[from] ConfigError),
    #[error("reading results from the device failed: {0}")]
    Readback(String),
    #[error(
        "training diverged at step {step}: its loss or weight norm is no longer finite or has passed 1e12 (try a smaller learning rate or α)"
    )]
    Diverged { step: usize },
    #[error(transparent)]
    Batch(#[from] BatchError),
    #[error("the checkpoint cannot be used: {0}")]
    Checkpoint(String),
}

/// One split of every run, uploaded to the device (inner, non-autodiff backend). Runs may
/// hold different numbers of examples: shorter ones are padded with copies of their first
/// example, which weigh nothing.
struct DeviceSplits<B: Backend> {
    /// `[R, longest, seq_len]`
    tokens: Tensor<B, 3, Int>,
    /// `[R, longest]`
    labels: Tensor<B, 2, Int>,
    /// `[R, longest]`: 1 for a run's own examples, 0 for padding.
    valid: Tensor<B, 2>,
    /// `[R, longest]`: `valid / len`, the weights that make a sum over rows each run's mean
    /// (full-batch training's loss weights, built once).
    mean_weights: Tensor<B, 2>,
    /// `[R]`: examples per run.
    lens: Tensor<B, 1>,
    /// The dataset's padding token, masked out of attention.
    padding: Option<u32>,
}

impl<B: Backend> DeviceSplits<B> {
    fn upload(splits: &[&Split], padding: Option<u32>, device: &B::Device) -> Self {
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

    fn longest(&self) -> usize {
        self.labels.dims()[1]
    }
}

/// Each run's mini-batch order, and the loss weights of a step, which never change: `1/b`
/// for run `r`'s `b` examples, 0 where a smaller batch is padded to the widest.
struct MiniBatches<B: Backend> {
    orders: Vec<BatchOrder>,
    widest: usize,
    /// `[R, widest]`
    weights: Tensor<B, 2>,
}

impl<B: Backend> MiniBatches<B> {
    fn new(orders: Vec<BatchOrder>, device: &B::Device) -> Self {
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
pub struct BatchTrainer<B: AutodiffBackend> {
    configs: Vec<ExperimentConfig>,
    device: B::Device,
    /// Always `Some` between calls; taken while the optimizer consumes it.
    model: Option<Classifier<B>>,
    optimizer: OptimizerAdaptor<AdamW, Classifier<B>, B>,
    train: DeviceSplits<B::InnerBackend>,
    test: DeviceSplits<B::InnerBackend>,
    /// Mini-batch order of each run; `None` trains full-batch.
    batches: Option<MiniBatches<B::InnerBackend>>,
    step: usize,
    /// Sequences of each run one evaluation chunk takes (see [`footprint::eval_rows`]).
    eval_rows: usize,
    /// What evaluations measure of what the runs learned; `None` unless modular.
    probe: Option<learned::Probe<B::InnerBackend>>,
    /// Whether evaluations measure it (see [`BatchTrainer::set_learned`]).
    learned: bool,
}

impl<B: AutodiffBackend> BatchTrainer<B> {
    /// Builds every run's model at its standard initialisation, applies each run's α, and
    /// uploads the data; `data[r]` is the dataset of `configs[r]`.
    pub fn new(
        configs: Vec<ExperimentConfig>,
        data: &[&Dataset],
        device: &B::Device,
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
        B::seed(
            device,
            SplitMix64::for_purpose(first.seed, "model-init").next_u64(),
        );
        let seeds: Vec<u64> = configs.iter().map(|c| c.seed).collect();
        let alphas: Vec<f64> = configs.iter().map(|c| c.grokking.alpha).collect();
        let model = Classifier::<B>::init(first, &seeds, data[0], device);
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
            MiniBatches::new(orders, device)
        });
        let splits =
            |pick: fn(&Dataset) -> &Split| data.iter().map(|d| pick(d)).collect::<Vec<_>>();
        Ok(Self {
            train: DeviceSplits::upload(&splits(|d| &d.train), data[0].padding, device),
            test: DeviceSplits::upload(&splits(|d| &d.test), data[0].padding, device),
            device: device.clone(),
            model: Some(model),
            optimizer,
            batches,
            step: 0,
            eval_rows: footprint::default_eval_rows(configs.len()),
            probe: learned::Probe::new(data, device),
            learned: true,
            configs,
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

    pub fn model(&self) -> &Classifier<B> {
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
                let indices = Tensor::<B::InnerBackend, 1, Int>::from_data(
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
        let logits = model.forward(Batch::new(Tensor::from_inner(tokens), self.train.padding));
        // Σ over runs of each run's mean loss: run r's parameters get exactly the gradient
        // of its own mean loss.
        let loss =
            (cross_entropy(logits, Tensor::from_inner(labels)) * Tensor::from_inner(weights)).sum();
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
    /// stopped: the parameters and AdamW's moments (burn records in bincode, full
    /// precision), the step and each run's place in its mini-batch order. Reads the
    /// tensors back (synchronously): for the CLI's checkpoints, not the lab's hot loop.
    pub fn save(&self) -> Result<TrainerState, TrainError> {
        let recorder = BinBytesRecorder::<FullPrecisionSettings>::default();
        let model = Recorder::<B>::record(&recorder, self.model().clone().into_record(), ())
            .map_err(|e| TrainError::Checkpoint(e.to_string()))?;
        let optimizer = Recorder::<B>::record(&recorder, self.optimizer.to_record(), ())
            .map_err(|e| TrainError::Checkpoint(e.to_string()))?;
        Ok(TrainerState {
            step: self.step,
            orders: self
                .batches
                .as_ref()
                .map(|b| b.orders.iter().map(BatchOrder::state).collect()),
            model,
            optimizer,
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
        let recorder = BinBytesRecorder::<FullPrecisionSettings>::default();
        let device = self.device.clone();
        // burn's bincode decoding panics on bytes it cannot read; the caller checks a
        // checksum first, so this is only a second line of defence.
        let (model, optimizer) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let model = Recorder::<B>::load(&recorder, state.model, &device);
            let optimizer = Recorder::<B>::load(&recorder, state.optimizer, &device);
            (model, optimizer)
        }))
        .map_err(|_| unusable("its parameters do not decode"))?;
        let model = model.map_err(|e| TrainError::Checkpoint(e.to_string()))?;
        let optimizer = optimizer.map_err(|e| TrainError::Checkpoint(e.to_string()))?;
        let current = self.model.take().expect("model is present between steps");
        self.model = Some(current.load_record(model));
        // Taken out to be consumed; it keeps its own settings (β, ε, weight decay).
        let configured = std::mem::replace(
            &mut self.optimizer,
            AdamWConfig::new().init::<B, Classifier<B>>(),
        );
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
        norm_sq
            .narrow(0, 0, 1)
            .into_data_async()
            .await
            .map(|_| ())
            .map_err(|e| TrainError::Readback(format!("{e:?}")))
    }

    /// Queues an evaluation of every run on its training and test sets (and, when on,
    /// of what it learned: the same readback carries it).
    pub fn evaluate(&self) -> PendingEvals<B::InnerBackend> {
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

/// One run's evaluation: its point of the history, and what it learned when that is
/// measured ([`BatchTrainer::set_learned`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub point: EvalPoint,
    pub learned: Option<Snapshot>,
}

/// Every run's evaluation, still on the device.
pub struct PendingEvals<B: Backend> {
    step: usize,
    /// `[R, 5 + learned columns]`: train loss, test loss, train acc, test acc, ‖w‖² per
    /// run, then what [`learned::Columns`] reads.
    values: Tensor<B, 2>,
    learned: Option<learned::Columns>,
}

impl<B: Backend> PendingEvals<B> {
    /// Reads every run's numbers back in one transfer. A run whose numbers are not finite,
    /// or beyond [`crate::metrics::MAX_MAGNITUDE`], has diverged (`Err(Diverged)` in its place); the others are unaffected.
    pub async fn read(self) -> Result<Vec<Result<EvalPoint, TrainError>>, TrainError> {
        Ok(self
            .read_all()
            .await?
            .into_iter()
            .map(|evaluation| evaluation.map(|e| e.point))
            .collect())
    }

    /// [`PendingEvals::read`], with what each run learned: still one transfer.
    pub async fn read_all(self) -> Result<Vec<Result<Evaluation, TrainError>>, TrainError> {
        let [runs, columns] = self.values.dims();
        let expected = 5 + self.learned.as_ref().map_or(0, learned::Columns::width);
        let data = self
            .values
            .into_data_async()
            .await
            .map_err(|e| TrainError::Readback(format!("{e:?}")))?;
        let values: Vec<f32> = data
            .to_vec()
            .map_err(|e| TrainError::Readback(format!("{e:?}")))?;
        if columns != expected || values.len() != runs * columns {
            return Err(TrainError::Readback(format!(
                "expected {runs} × {expected} values, got {}",
                values.len()
            )));
        }
        Ok(values
            .chunks(columns)
            .enumerate()
            .map(|(run, row)| {
                let point = EvalPoint {
                    step: self.step,
                    train_loss: row[0].into(),
                    test_loss: row[1].into(),
                    train_acc: row[2].into(),
                    test_acc: row[3].into(),
                    weight_norm: f64::from(row[4]).sqrt(),
                };
                // Beyond any trainable magnitude is diverging already, even while finite.
                if !point.is_sane() {
                    return Err(TrainError::Diverged { step: self.step });
                }
                let learned = self
                    .learned
                    .as_ref()
                    .and_then(|columns| columns.snapshot(self.step, run, &row[5..]));
                Ok(Evaluation { point, learned })
            })
            .collect())
    }
}

/// Negative log-likelihood of `labels` `[R, batch]` under `logits` `[R, batch, classes]`,
/// per example: `[R, batch]`.
fn cross_entropy<B: Backend>(logits: Tensor<B, 3>, labels: Tensor<B, 2, Int>) -> Tensor<B, 2> {
    let [runs, batch, _] = logits.dims();
    log_softmax(logits, 2)
        .gather(2, labels.unsqueeze_dim(2))
        .reshape([runs, batch])
        .neg()
}

/// One split's evaluation of every run, on the device.
struct SplitEval<B: Backend> {
    /// `[R]`: mean loss.
    loss: Tensor<B, 1>,
    /// `[R]`
    accuracy: Tensor<B, 1>,
    /// `[R, longest]`: 1 where the row's answer is right (0 on padding), if asked for.
    hits: Option<Tensor<B, 2>>,
}

/// Mean loss and accuracy of every run over its split, and with `rows` each row's
/// correctness (which the accuracy sums anyway).
fn evaluate_split<B: Backend>(
    model: &Classifier<B>,
    split: &DeviceSplits<B>,
    chunk: usize,
    rows: bool,
) -> SplitEval<B> {
    let device = split.tokens.device();
    let [runs, longest, seq_len] = split.tokens.dims();
    let mut loss_sum = Tensor::<B, 1>::zeros([runs], &device);
    let mut correct = Tensor::<B, 1>::zeros([runs], &device);
    let mut hit_chunks = Vec::new();
    // Bounds device memory: `chunk` sequences of each run in flight.
    for start in (0..longest).step_by(chunk) {
        let end = (start + chunk).min(longest);
        let tokens = split
            .tokens
            .clone()
            .slice([0..runs, start..end, 0..seq_len]);
        let labels = split.labels.clone().slice([0..runs, start..end]);
        let valid = split.valid.clone().slice([0..runs, start..end]);
        let logits = model.forward(Batch::new(tokens, split.padding));
        let predicted = logits.clone().argmax(2).reshape([runs, end - start]);
        let hits = predicted.equal(labels.clone()).float() * valid.clone();
        correct = correct + hits.clone().sum_dim(1).reshape([runs]);
        if rows {
            hit_chunks.push(hits);
        }
        let losses = cross_entropy(logits, labels) * valid;
        loss_sum = loss_sum + losses.sum_dim(1).reshape([runs]);
    }
    SplitEval {
        loss: loss_sum.div(split.lens.clone()),
        accuracy: correct.div(split.lens.clone()),
        hits: rows.then(|| Tensor::cat(hit_chunks, 1)),
    }
}

/// A batch trainer's state at one step ([`BatchTrainer::save`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainerState {
    pub step: usize,
    /// Each run's place in its mini-batch order; `None` for full-batch training.
    pub orders: Option<Vec<BatchOrderState>>,
    /// The batched model's record (bincode).
    #[serde(skip)]
    pub model: Vec<u8>,
    /// AdamW's record: its moments and step per parameter (bincode).
    #[serde(skip)]
    pub optimizer: Vec<u8>,
}

/// Where one run is in its mini-batch order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchOrderState {
    order: Vec<i32>,
    position: usize,
    rng: u64,
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

    fn state(&self) -> BatchOrderState {
        BatchOrderState {
            order: self.order.clone(),
            position: self.position,
            rng: self.rng.state(),
        }
    }

    fn restore(&mut self, saved: BatchOrderState) -> Result<(), &'static str> {
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

    /// One run's evaluation at step 7, read back.
    fn read_one(values: [f32; 5]) -> Result<EvalPoint, TrainError> {
        let pending = PendingEvals::<Cpu> {
            step: 7,
            values: Tensor::from_data(TensorData::from([values]), &Default::default()),
            learned: None,
        };
        pollster::block_on(pending.read()).unwrap().remove(0)
    }

    #[test]
    fn one_diverged_run_leaves_the_others_readable() {
        let pending = PendingEvals::<Cpu> {
            step: 3,
            values: Tensor::from_data(
                TensorData::from([[1.0, 2.0, 0.5, 0.25, 4.0], [f32::NAN, 1.0, 0.5, 0.5, 4.0]]),
                &Default::default(),
            ),
            learned: None,
        };
        let read = pollster::block_on(pending.read()).unwrap();
        assert_eq!(read[0].as_ref().unwrap().weight_norm, 2.0);
        assert!(matches!(read[1], Err(TrainError::Diverged { step: 3 })));
    }

    #[test]
    fn a_non_finite_evaluation_is_divergence() {
        let result = read_one([f32::NAN, 1.0, 0.5, 0.5, 4.0]);
        assert!(
            matches!(result, Err(TrainError::Diverged { step: 7 })),
            "{result:?}"
        );
        let result = read_one([1.0, f32::INFINITY, 0.5, 0.5, 4.0]);
        assert!(matches!(result, Err(TrainError::Diverged { step: 7 })));
        // Finite, yet no training run has it: diverging on its way to ∞ (such a point
        // would make the run's file unreadable).
        let result = read_one([1e20, 2.0, 0.5, 0.5, 4.0]);
        assert!(matches!(result, Err(TrainError::Diverged { step: 7 })));
    }

    #[test]
    fn a_finite_evaluation_reads_back_in_order() {
        let point = read_one([1.0, 2.0, 0.25, 0.5, 9.0]).unwrap();
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
