//! Experiment configuration: what to train, on which model, with which grokking knobs.
//!
//! One [`ExperimentConfig`] fully determines a run (with the seed). It is stored in every run
//! file, so the fields are serde-stable: rename with care and bump the run-format version.

use serde::{Deserialize, Serialize};
use std::ops::RangeInclusive;

/// Everything a run needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExperimentConfig {
    pub task: TaskConfig,
    pub model: ModelConfig,
    pub grokking: GrokkingConfig,
    pub optimizer: OptimizerConfig,
    pub training: TrainingConfig,
    /// How training subsets of different N relate (absent in files written before it
    /// existed, which all used nested subsets).
    #[serde(default, skip_serializing_if = "Subsets::is_nested")]
    pub subsets: Subsets,
    /// Whether the train/test split follows the seed (absent in files written before it
    /// existed, which all drew one split per seed).
    #[serde(default, skip_serializing_if = "SplitDraw::is_per_seed")]
    pub split: SplitDraw,
    /// Seeds the training subset, the initialisation and the batch order (and the data
    /// split, where [`SplitDraw::PerSeed`]).
    pub seed: u64,
}

/// How the train/test split (modular: pool and test pairs; IMDB: the test subset) is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SplitDraw {
    /// Each seed draws its own split: seeds vary the test set too. Our earlier choice.
    #[default]
    PerSeed,
    /// One split (seed 0's) for every seed, as the authors' scripts do: seeds vary only the
    /// subset, the initialisation and the batch order.
    Shared,
}

impl SplitDraw {
    pub fn is_per_seed(&self) -> bool {
        *self == Self::PerSeed
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::PerSeed => "per-seed",
            Self::Shared => "shared",
        }
    }
}

/// How the training subsets of one sweep's sizes are drawn from the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Subsets {
    /// The first N of one seeded shuffle of the pool: every smaller subset lies inside every
    /// larger one, so a sweep changes only how much data the model sees. Our choice.
    #[default]
    Nested,
    /// A separate seeded draw for each N, as the authors' scripts do.
    Independent,
}

impl Subsets {
    pub fn is_nested(&self) -> bool {
        *self == Self::Nested
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Nested => "nested",
            Self::Independent => "independent",
        }
    }

    /// The purpose string of the generator that orders the pool for a subset of `train_size`.
    pub fn draw_purpose(self, base: &str, train_size: usize) -> String {
        match self {
            Self::Nested => base.to_owned(),
            Self::Independent => format!("{base}-n{train_size}"),
        }
    }
}

/// Identifies a run by its whole configuration, N and seed included: runs with equal keys
/// are the same experiment. It is the configuration's JSON, so it is the same on every
/// platform and survives storage.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RunKey(String);

impl RunKey {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for RunKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The dataset and how much of it the model sees.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum TaskConfig {
    /// `a ∘ b mod p`, answered by a decoder-only GPT at the last position.
    ModularArithmetic(ModularConfig),
    /// IMDB sentiment from the bundled reviews, read by a BERT-style encoder at `[CLS]`.
    Imdb(ImdbConfig),
}

impl TaskConfig {
    pub fn is_imdb(&self) -> bool {
        matches!(self, Self::Imdb(_))
    }
}

/// Which slice of the bundled reviews an IMDB run sees (the bundle fixes pool and test set).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImdbConfig {
    /// N: how many reviews of the pool the model trains on.
    pub train_size: usize,
    /// Words kept per review (longer reviews are cut); at most the bundle's length.
    pub max_len: usize,
    /// Word ids kept (the most frequent, specials included); rarer words become `[UNK]`.
    pub vocab_size: usize,
    /// Evaluate on this many test reviews (a fixed, seeded subset); `None` = all of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_size: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModularConfig {
    pub operation: Operation,
    pub modulus: usize,
    /// Share of all pairs that forms the training pool; the rest is the test set (paper: 0.75).
    pub pool_fraction: f64,
    /// N: how many examples of the pool the model trains on.
    pub train_size: usize,
}

/// The binary operation of a modular-arithmetic task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Operation {
    Add,
    Sub,
    Mul,
    /// `a · b⁻¹ mod p` for b ≠ 0 (p must be prime).
    Div,
}

impl Operation {
    pub const ALL: [Operation; 4] = [Self::Add, Self::Sub, Self::Mul, Self::Div];

    pub fn symbol(self) -> &'static str {
        match self {
            Self::Add => "+",
            Self::Sub => "−",
            Self::Mul => "×",
            Self::Div => "÷",
        }
    }

    /// Name used in run files (`add`, `sub`, `mul`, `div`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Add => "add",
            Self::Sub => "sub",
            Self::Mul => "mul",
            Self::Div => "div",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|op| op.name() == name)
    }

    /// How many `(a, b)` pairs the task has for modulus `p`.
    pub fn pair_count(self, p: usize) -> usize {
        match self {
            Self::Div => p * p.saturating_sub(1),
            _ => p * p,
        }
    }
}

/// Transformer shape (the paper: 1 layer, d_model 128, 4 heads, MLP 512).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelConfig {
    pub d_model: usize,
    pub n_heads: usize,
    pub d_mlp: usize,
    pub n_layers: usize,
    /// Which GPT answers modular arithmetic (IMDB's BERT has one form). Absent in files
    /// written before it existed, which all used `pre-ln`.
    #[serde(default, skip_serializing_if = "GptArch::is_pre_ln")]
    pub arch: GptArch,
}

/// The decoder-only GPT of the modular tasks, and the sequence format it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GptArch {
    /// Ours: pre-LayerNorm blocks, a final LayerNorm, an untied head over the p answers, on
    /// the 3-token `a b =`.
    #[default]
    PreLn,
    /// The authors' (Hugging Face's OpenAI-GPT): post-LayerNorm blocks, no final LayerNorm,
    /// the head tied to the token embedding over the whole vocabulary, on the 7-token
    /// `a + b % p = c` with the loss on the answer `c` only.
    OpenaiGpt,
}

impl GptArch {
    pub const ALL: [GptArch; 2] = [Self::PreLn, Self::OpenaiGpt];

    pub fn is_pre_ln(&self) -> bool {
        *self == Self::PreLn
    }

    /// Name used in run files, `--arch` and `arch=` (`pre-ln`, `openai-gpt`).
    pub fn name(self) -> &'static str {
        match self {
            Self::PreLn => "pre-ln",
            Self::OpenaiGpt => "openai-gpt",
        }
    }
}

/// The paper's two grokking knobs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GrokkingConfig {
    /// Every parameter is multiplied by α right after initialisation (1 = no rescale).
    pub alpha: f64,
    /// AdamW's decoupled weight decay: what pulls the weight norm down towards generalisation.
    pub weight_decay: f64,
}

/// AdamW with a constant learning rate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OptimizerConfig {
    pub lr: f64,
    pub beta1: f64,
    pub beta2: f64,
    pub epsilon: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingConfig {
    pub steps: usize,
    /// Evaluate (and read results back from the device) every this many steps.
    pub eval_every: usize,
    /// Examples per AdamW step, capped at the training-set size (so one batch size serves
    /// a whole sweep); `None` trains full-batch (the paper's setting for modular arithmetic).
    pub batch_size: Option<usize>,
    /// How evaluations are spaced at the start (absent in files written before it existed,
    /// which were all evenly spaced).
    #[serde(default, skip_serializing_if = "EvalStart::is_even")]
    pub eval_start: EvalStart,
}

/// How evaluations are spaced early in a run, where modular runs memorize and, with
/// plenty of data, generalize (within a few hundred steps).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EvalStart {
    /// Every `eval_every` steps from the start.
    #[default]
    Even,
    /// [`DENSE_FACTOR`] times as often for the first [`DENSE_INTERVALS`] intervals: with
    /// `eval_every` 50, every 10 steps up to step 500. The authors log every step; a
    /// smoothing σ of 100 steps then spans ten evaluations where events happen, not two.
    Dense,
}

/// How much more often a [`EvalStart::Dense`] run evaluates at its start.
pub const DENSE_FACTOR: usize = 5;
/// For how many `eval_every` intervals a [`EvalStart::Dense`] run evaluates densely.
pub const DENSE_INTERVALS: usize = 10;

impl EvalStart {
    pub fn is_even(&self) -> bool {
        *self == Self::Even
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Even => "even",
            Self::Dense => "dense",
        }
    }
}

impl TrainingConfig {
    /// Steps from `step` (an evaluation) to the next evaluation, capped at the budget.
    pub fn steps_to_next_eval(&self, step: usize) -> usize {
        let dense = self.eval_start == EvalStart::Dense
            && step < DENSE_INTERVALS.saturating_mul(self.eval_every);
        let interval = if dense {
            (self.eval_every / DENSE_FACTOR).max(1)
        } else {
            self.eval_every
        };
        interval.min(self.steps.saturating_sub(step))
    }
}

/// Accepted ranges, shared by the CLI and the lab so both explain the same limits.
pub mod limits {
    use super::RangeInclusive;
    pub const MODULUS: RangeInclusive<usize> = 2..=257;
    pub const POOL_FRACTION: RangeInclusive<f64> = 0.05..=0.95;
    pub const D_MODEL: RangeInclusive<usize> = 4..=1024;
    pub const N_HEADS: RangeInclusive<usize> = 1..=32;
    pub const D_MLP: RangeInclusive<usize> = 4..=4096;
    pub const N_LAYERS: RangeInclusive<usize> = 1..=8;
    pub const ALPHA: RangeInclusive<f64> = 0.01..=100.0;
    pub const WEIGHT_DECAY: RangeInclusive<f64> = 0.0..=10.0;
    pub const LR: RangeInclusive<f64> = 1e-6..=1.0;
    pub const BETA: RangeInclusive<f64> = 0.0..=0.9999;
    pub const EPSILON: RangeInclusive<f64> = 1e-12..=1e-2;
    pub const STEPS: RangeInclusive<usize> = 1..=10_000_000;
    /// Steps between evaluations; a configuration also needs it ≤ its steps.
    pub const EVAL_EVERY: RangeInclusive<usize> = 1..=10_000_000;
    /// Evaluations one run may log (steps / eval_every): each is a history entry in the run
    /// file and the lab's storage; the paper's presets log about 1,000.
    pub const EVALUATIONS: usize = 20_000;
    pub const BATCH_SIZE: RangeInclusive<usize> = 1..=65_536;
    /// IMDB test reviews evaluated (the bundle may hold fewer).
    pub const TEST_SIZE: RangeInclusive<usize> = 1..=65_536;
    /// IMDB words per review (the bundle may hold fewer).
    pub const REVIEW_LEN: RangeInclusive<usize> = 1..=512;
    /// IMDB vocabulary, special tokens included (the bundle may hold fewer).
    pub const VOCAB_SIZE: RangeInclusive<usize> = 4..=65_536;
}

/// A setting outside what the project can train, said in the user's terms.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "learning rate × weight decay must stay below 1 (AdamW scales every weight by 1 − lr·wd each step), got {lr} × {weight_decay}"
    )]
    DecayTooStrong { lr: f64, weight_decay: f64 },
    #[error("{name} must be between {min} and {max}, got {value}")]
    OutOfRange {
        name: &'static str,
        value: String,
        min: String,
        max: String,
    },
    #[error("d_model ({d_model}) must be divisible by the number of heads ({n_heads})")]
    HeadsDoNotDivide { d_model: usize, n_heads: usize },
    #[error("division mod {modulus} needs a prime modulus (every nonzero b must be invertible)")]
    DivisionNeedsPrime { modulus: usize },
    #[error(
        "train size must be between 1 and the training pool ({pool} examples for this task), got {train_size}"
    )]
    TrainSize { train_size: usize, pool: usize },
    #[error("eval_every must be between 1 and the number of steps ({steps}), got {eval_every}")]
    EvalEvery { eval_every: usize, steps: usize },
    #[error(
        "{steps} steps evaluated every {eval_every} is {evaluations} evaluations; a run keeps at most {max} (evaluate less often)"
    )]
    TooManyEvaluations {
        steps: usize,
        eval_every: usize,
        evaluations: usize,
        max: usize,
    },
    #[error(
        "the architecture {arch} is a GPT for modular arithmetic; IMDB trains its BERT-style encoder (use pre-ln)"
    )]
    ArchNeedsModular { arch: &'static str },
}

/// `Ok` if `value` lies in `range`, else an `OutOfRange` error naming the setting.
pub(crate) fn check<T: PartialOrd + std::fmt::Display + Copy>(
    name: &'static str,
    value: T,
    range: RangeInclusive<T>,
) -> Result<(), ConfigError> {
    // `contains` is false for NaN, which is what we want.
    if range.contains(&value) {
        Ok(())
    } else {
        Err(ConfigError::OutOfRange {
            name,
            value: value.to_string(),
            min: range.start().to_string(),
            max: range.end().to_string(),
        })
    }
}

impl ExperimentConfig {
    /// How many examples the training pool holds, where the configuration alone says it
    /// (modular arithmetic); IMDB's pool is the bundle's, see `ImdbCorpus`.
    pub fn pool_size(&self) -> Option<usize> {
        match &self.task {
            TaskConfig::ModularArithmetic(task) => Some(task.pool_size()),
            TaskConfig::Imdb(_) => None,
        }
    }

    /// The seed that draws the train/test split (see [`SplitDraw`]).
    pub fn split_seed(&self) -> u64 {
        match self.split {
            SplitDraw::PerSeed => self.seed,
            SplitDraw::Shared => 0,
        }
    }

    /// What runs of one batched model must share: everything but N, the seed and α (see
    /// `trainer::BatchTrainer`). Front ends group runs by it before they batch them.
    pub fn batch_shape(&self) -> ExperimentConfig {
        let mut shape = self.clone();
        shape.set_train_size(0);
        shape.seed = 0;
        shape.grokking.alpha = 1.0;
        shape
    }

    /// This run's identity (see [`RunKey`]).
    pub fn key(&self) -> RunKey {
        RunKey(serde_json::to_string(self).expect("configurations serialize"))
    }

    pub fn train_size(&self) -> usize {
        match &self.task {
            TaskConfig::ModularArithmetic(task) => task.train_size,
            TaskConfig::Imdb(task) => task.train_size,
        }
    }

    pub fn set_train_size(&mut self, train_size: usize) {
        match &mut self.task {
            TaskConfig::ModularArithmetic(task) => task.train_size = train_size,
            TaskConfig::Imdb(task) => task.train_size = train_size,
        }
    }

    /// Checks every setting against [`limits`] and the task's own constraints.
    pub fn validate(&self) -> Result<(), ConfigError> {
        match &self.task {
            TaskConfig::ModularArithmetic(task) => task.validate()?,
            TaskConfig::Imdb(task) => task.validate()?,
        }
        let model = &self.model;
        if self.task.is_imdb() && !model.arch.is_pre_ln() {
            return Err(ConfigError::ArchNeedsModular {
                arch: model.arch.name(),
            });
        }
        check("d_model", model.d_model, limits::D_MODEL)?;
        check("heads", model.n_heads, limits::N_HEADS)?;
        check("d_mlp", model.d_mlp, limits::D_MLP)?;
        check("layers", model.n_layers, limits::N_LAYERS)?;
        if !model.d_model.is_multiple_of(model.n_heads) {
            return Err(ConfigError::HeadsDoNotDivide {
                d_model: model.d_model,
                n_heads: model.n_heads,
            });
        }
        check("alpha", self.grokking.alpha, limits::ALPHA)?;
        check(
            "weight decay",
            self.grokking.weight_decay,
            limits::WEIGHT_DECAY,
        )?;
        let optimizer = &self.optimizer;
        check("learning rate", optimizer.lr, limits::LR)?;
        // AdamW multiplies every weight by 1 − lr·wd each step: at lr·wd ≥ 1 the weights are
        // zeroed or flip sign every step, and training cannot work.
        if optimizer.lr * self.grokking.weight_decay >= 1.0 {
            return Err(ConfigError::DecayTooStrong {
                lr: optimizer.lr,
                weight_decay: self.grokking.weight_decay,
            });
        }
        check("beta1", optimizer.beta1, limits::BETA)?;
        check("beta2", optimizer.beta2, limits::BETA)?;
        check("epsilon", optimizer.epsilon, limits::EPSILON)?;
        let training = &self.training;
        check("steps", training.steps, limits::STEPS)?;
        if training.eval_every == 0 || training.eval_every > training.steps {
            return Err(ConfigError::EvalEvery {
                eval_every: training.eval_every,
                steps: training.steps,
            });
        }
        let evaluations = training.steps / training.eval_every;
        if evaluations > limits::EVALUATIONS {
            return Err(ConfigError::TooManyEvaluations {
                steps: training.steps,
                eval_every: training.eval_every,
                evaluations,
                max: limits::EVALUATIONS,
            });
        }
        if let Some(batch_size) = training.batch_size {
            check("batch size", batch_size, limits::BATCH_SIZE)?;
        }
        Ok(())
    }
}

impl ModularConfig {
    pub fn pool_size(&self) -> usize {
        pool_size(self.operation.pair_count(self.modulus), self.pool_fraction)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        check("modulus", self.modulus, limits::MODULUS)?;
        check("pool fraction", self.pool_fraction, limits::POOL_FRACTION)?;
        if self.operation == Operation::Div && !is_prime(self.modulus) {
            return Err(ConfigError::DivisionNeedsPrime {
                modulus: self.modulus,
            });
        }
        let pool = self.pool_size();
        if self.train_size == 0 || self.train_size > pool {
            return Err(ConfigError::TrainSize {
                train_size: self.train_size,
                pool,
            });
        }
        Ok(())
    }
}

impl ImdbConfig {
    /// What can be checked without the bundle; `ImdbCorpus::check` does the rest.
    fn validate(&self) -> Result<(), ConfigError> {
        if self.train_size == 0 {
            return Err(ConfigError::TrainSize {
                train_size: 0,
                pool: 0,
            });
        }
        check("review length", self.max_len, limits::REVIEW_LEN)?;
        check("vocabulary size", self.vocab_size, limits::VOCAB_SIZE)?;
        if let Some(test_size) = self.test_size {
            check("test size", test_size, limits::TEST_SIZE)?;
        }
        Ok(())
    }
}

/// Size of the training pool when `fraction` of `total` examples go to it (rounded down, as
/// the paper's 9,576 of 12,769 pairs).
pub fn pool_size(total: usize, fraction: f64) -> usize {
    (total as f64 * fraction).floor() as usize
}

/// Longest list [`parse_number_list`] accepts (a typo like `1:100000:1` is an error).
pub const MAX_LIST_LEN: usize = 1000;

/// Why a list of numbers could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ListError {
    #[error("{0:?} is not a whole number")]
    NotANumber(String),
    #[error("range {0:?} needs start ≤ end and a step > 0")]
    BadRange(String),
    #[error("{0:?} is neither a number nor start:end:step")]
    Malformed(String),
    #[error("the list is empty")]
    Empty,
    #[error("the list has more than {MAX_LIST_LEN} values")]
    TooLong,
}

/// Parses `600,900,1200` or `start:end:step` (end inclusive) or a mix: `500,1000:2000:500`.
pub fn parse_number_list(text: &str) -> Result<Vec<usize>, ListError> {
    let mut values = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let numbers: Vec<&str> = part.split(':').collect();
        let parse = |s: &str| {
            s.trim()
                .parse::<usize>()
                .map_err(|_| ListError::NotANumber(s.to_owned()))
        };
        match numbers[..] {
            [single] => values.push(parse(single)?),
            [start, end, step] => {
                let (start, end, step) = (parse(start)?, parse(end)?, parse(step)?);
                if step == 0 || start > end {
                    return Err(ListError::BadRange(part.to_owned()));
                }
                if (end - start) / step >= MAX_LIST_LEN {
                    return Err(ListError::TooLong);
                }
                values.extend((start..=end).step_by(step));
            }
            _ => return Err(ListError::Malformed(part.to_owned())),
        }
        if values.len() > MAX_LIST_LEN {
            return Err(ListError::TooLong);
        }
    }
    if values.is_empty() {
        return Err(ListError::Empty);
    }
    Ok(values)
}

pub fn is_prime(n: usize) -> bool {
    n >= 2
        && (2..)
            .take_while(|d| d * d <= n)
            .all(|d| !n.is_multiple_of(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dense_starts_evaluate_five_times_as_often_for_ten_intervals() {
        let schedule = |eval_start, steps| {
            let training = TrainingConfig {
                steps,
                eval_every: 50,
                batch_size: None,
                eval_start,
            };
            let (mut step, mut at) = (0, vec![0]);
            while step < steps {
                step += training.steps_to_next_eval(step);
                at.push(step);
            }
            at
        };
        let dense = schedule(EvalStart::Dense, 1000);
        assert_eq!(dense[..4], [0, 10, 20, 30]);
        assert!(
            dense
                .windows(2)
                .all(|w| w[1] - w[0] == if w[0] < 500 { 10 } else { 50 })
        );
        assert_eq!(dense.len(), 1 + 50 + 10);
        let even = schedule(EvalStart::Even, 1000);
        assert_eq!(even, (0..=20).map(|i| i * 50).collect::<Vec<_>>());
        // The budget's last step is always evaluated, whatever the spacing.
        assert_eq!(schedule(EvalStart::Dense, 125).last(), Some(&125));
        assert_eq!(schedule(EvalStart::Even, 125).last(), Some(&125));
    }

    #[test]
    fn paper_config_is_valid_and_has_the_papers_pool() {
        let config = crate::presets::PAPER.config(1000);
        config.validate().unwrap();
        assert_eq!(config.pool_size(), Some(9576));
    }

    #[test]
    fn out_of_range_settings_are_named() {
        let mut config = crate::presets::PAPER.config(1000);
        config.grokking.alpha = f64::NAN;
        let message = config.validate().unwrap_err().to_string();
        assert!(message.starts_with("alpha must be between"), "{message}");

        let mut config = crate::presets::PAPER.config(20_000);
        assert_eq!(
            config.validate(),
            Err(ConfigError::TrainSize {
                train_size: 20_000,
                pool: 9576
            })
        );
        config.set_train_size(100);
        config.model.n_heads = 3;
        assert!(matches!(
            config.validate(),
            Err(ConfigError::HeadsDoNotDivide { .. })
        ));
    }

    #[test]
    fn learning_rate_times_weight_decay_of_one_or_more_is_refused() {
        let mut config = crate::presets::PAPER.config(1000);
        config.optimizer.lr = 0.1;
        config.grokking.weight_decay = 10.0;
        assert!(matches!(
            config.validate(),
            Err(ConfigError::DecayTooStrong { lr, weight_decay }) if lr == 0.1 && weight_decay == 10.0
        ));
        config.grokking.weight_decay = 9.0;
        config.validate().unwrap();
    }

    #[test]
    fn a_run_may_not_log_more_evaluations_than_a_run_file_keeps() {
        let mut config = crate::presets::PAPER.config(1000);
        config.training.steps = 10_000_000;
        config.training.eval_every = 1;
        let message = config.validate().unwrap_err().to_string();
        assert!(
            message.contains("10000000 evaluations; a run keeps at most 20000"),
            "{message}"
        );
        config.training.eval_every = 500;
        config.validate().unwrap();
    }

    #[test]
    fn division_needs_a_prime() {
        let mut config = crate::presets::PAPER.config(100);
        let TaskConfig::ModularArithmetic(task) = &mut config.task else {
            unreachable!()
        };
        task.operation = Operation::Div;
        task.modulus = 100;
        assert_eq!(
            config.validate(),
            Err(ConfigError::DivisionNeedsPrime { modulus: 100 })
        );
    }

    #[test]
    fn primes() {
        let primes: Vec<usize> = (0..30).filter(|&n| is_prime(n)).collect();
        assert_eq!(primes, [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]);
    }
}
