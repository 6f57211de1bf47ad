//! Command-line settings of one experiment; the defaults are the paper's configuration for
//! the chosen task (modular addition, or IMDB).

use clap::{Args, ValueEnum};
use grokking_lab::ExperimentConfig;
use grokking_lab::config::{ModelConfig, ModularConfig, TaskConfig, parse_number_list};
use grokking_lab::data::modular::Operation;

use crate::imdb::bundled_corpus;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Task {
    /// a + b mod p
    ModAdd,
    /// a − b mod p
    ModSub,
    /// a · b mod p
    ModMul,
    /// a · b⁻¹ mod p (p prime)
    ModDiv,
    /// IMDB sentiment on the bundled reviews (public/data/imdb), BERT-style encoder
    Imdb,
}

impl Task {
    fn operation(self) -> Option<Operation> {
        match self {
            Self::ModAdd => Some(Operation::Add),
            Self::ModSub => Some(Operation::Sub),
            Self::ModMul => Some(Operation::Mul),
            Self::ModDiv => Some(Operation::Div),
            Self::Imdb => None,
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct ExperimentArgs {
    #[arg(long, value_enum, default_value = "mod-add")]
    pub task: Task,
    /// The modulus p (modular tasks).
    #[arg(long, default_value_t = 113)]
    pub modulus: usize,
    /// Share of all pairs in the training pool; the rest is the test set (modular tasks).
    #[arg(long, default_value_t = 0.75)]
    pub pool_fraction: f64,
    /// Words kept per review, longer ones cut (IMDB) [default: the bundle's, 128]
    #[arg(long)]
    pub max_len: Option<usize>,
    /// Most frequent words kept, the rest read as [UNK] (IMDB) [default: the bundle's]
    #[arg(long)]
    pub vocab_size: Option<usize>,
    /// Evaluate on a fixed seeded subset of this many test reviews (IMDB) [default: all]
    #[arg(long)]
    pub test_size: Option<usize>,
    #[arg(long, default_value_t = 128)]
    pub d_model: usize,
    #[arg(long, default_value_t = 512)]
    pub d_mlp: usize,
    #[arg(long, default_value_t = 4)]
    pub heads: usize,
    #[arg(long, default_value_t = 1)]
    pub layers: usize,
    /// Optimizer steps [default: modular 100000, IMDB 700000]
    #[arg(long)]
    pub steps: Option<usize>,
    /// Evaluate (and read back from the device) every this many steps [default: modular 100,
    /// IMDB 1000]
    #[arg(long)]
    pub eval_every: Option<usize>,
    /// Mini-batch size, 0 = full batch [default: modular full batch, IMDB 128]
    #[arg(long)]
    pub batch_size: Option<usize>,
    /// α: every parameter is multiplied by it after initialisation [default: modular 1,
    /// IMDB 10]
    #[arg(long)]
    pub alpha: Option<f64>,
    /// AdamW weight decay [default: modular 1, IMDB 0.01]
    #[arg(long)]
    pub weight_decay: Option<f64>,
    #[arg(long, default_value_t = 1e-3)]
    pub lr: f64,
    #[arg(long, default_value_t = 0.9)]
    pub beta1: f64,
    /// [default: modular 0.98, IMDB 0.999]
    #[arg(long)]
    pub beta2: Option<f64>,
    #[arg(long, default_value_t = 1e-8)]
    pub epsilon: f64,
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
}

impl ExperimentArgs {
    /// The configuration at training size `train_size`, width `d_model` and `seed`.
    pub fn config(&self, train_size: usize, d_model: usize, seed: u64) -> ExperimentConfig {
        let mut config = match self.task.operation() {
            Some(operation) => {
                let mut config = ExperimentConfig::paper_modular(train_size);
                config.task = TaskConfig::ModularArithmetic(ModularConfig {
                    operation,
                    modulus: self.modulus,
                    pool_fraction: self.pool_fraction,
                    train_size,
                });
                config
            }
            None => {
                let corpus = bundled_corpus();
                let mut config =
                    ExperimentConfig::paper_imdb(train_size, corpus.max_len(), corpus.vocab_size());
                if let TaskConfig::Imdb(task) = &mut config.task {
                    task.max_len = self.max_len.unwrap_or(task.max_len);
                    task.vocab_size = self.vocab_size.unwrap_or(task.vocab_size);
                    task.test_size = self.test_size;
                }
                config
            }
        };
        config.model = ModelConfig {
            d_model,
            n_heads: self.heads,
            d_mlp: self.d_mlp,
            n_layers: self.layers,
        };
        let grokking = &mut config.grokking;
        grokking.alpha = self.alpha.unwrap_or(grokking.alpha);
        grokking.weight_decay = self.weight_decay.unwrap_or(grokking.weight_decay);
        let optimizer = &mut config.optimizer;
        optimizer.lr = self.lr;
        optimizer.beta1 = self.beta1;
        optimizer.beta2 = self.beta2.unwrap_or(optimizer.beta2);
        optimizer.epsilon = self.epsilon;
        let training = &mut config.training;
        training.steps = self.steps.unwrap_or(training.steps);
        training.eval_every = self.eval_every.unwrap_or(training.eval_every);
        if let Some(batch_size) = self.batch_size {
            training.batch_size = (batch_size > 0).then_some(batch_size);
        }
        config.seed = seed;
        config
    }
}

/// A list of whole numbers from the command line (see [`parse_list`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct List(pub Vec<usize>);

/// Parses `600,900,1200` or `start:end:step` (see [`parse_number_list`]).
pub fn parse_list(text: &str) -> Result<List, String> {
    parse_number_list(text).map(List)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_ranges() {
        assert_eq!(parse_list("600,900").unwrap().0, [600, 900]);
        assert_eq!(parse_list("1000:2000:500").unwrap().0, [1000, 1500, 2000]);
        assert_eq!(parse_list("1000:9500:500").unwrap().0.len(), 18);
        assert_eq!(parse_list("5, 10:20:10").unwrap().0, [5, 10, 20]);
        assert!(parse_list("10:5:1").is_err());
        assert!(parse_list("1:2").is_err());
        assert!(parse_list("x").is_err());
        assert!(parse_list("").is_err());
    }
}
