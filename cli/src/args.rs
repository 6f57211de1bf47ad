//! Command-line settings of one experiment; the defaults are the paper's modular-addition
//! configuration.

use clap::{Args, ValueEnum};
use grokking_lab::ExperimentConfig;
use grokking_lab::config::{ModelConfig, ModularConfig, TaskConfig, parse_number_list};
use grokking_lab::data::modular::Operation;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[allow(clippy::enum_variant_names)] // the variants are the CLI names mod-add, mod-sub, ...
pub enum Task {
    /// a + b mod p
    ModAdd,
    /// a − b mod p
    ModSub,
    /// a · b mod p
    ModMul,
    /// a · b⁻¹ mod p (p prime)
    ModDiv,
}

impl Task {
    fn operation(self) -> Operation {
        match self {
            Self::ModAdd => Operation::Add,
            Self::ModSub => Operation::Sub,
            Self::ModMul => Operation::Mul,
            Self::ModDiv => Operation::Div,
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct ExperimentArgs {
    #[arg(long, value_enum, default_value = "mod-add")]
    pub task: Task,
    /// The modulus p.
    #[arg(long, default_value_t = 113)]
    pub modulus: usize,
    /// Share of all pairs in the training pool; the rest is the test set.
    #[arg(long, default_value_t = 0.75)]
    pub pool_fraction: f64,
    #[arg(long, default_value_t = 128)]
    pub d_model: usize,
    #[arg(long, default_value_t = 512)]
    pub d_mlp: usize,
    #[arg(long, default_value_t = 4)]
    pub heads: usize,
    #[arg(long, default_value_t = 1)]
    pub layers: usize,
    /// Optimizer steps.
    #[arg(long, default_value_t = 100_000)]
    pub steps: usize,
    /// Evaluate (and read back from the device) every this many steps.
    #[arg(long, default_value_t = 100)]
    pub eval_every: usize,
    /// Mini-batch size; full batch when absent (the paper's setting for modular tasks).
    #[arg(long)]
    pub batch_size: Option<usize>,
    /// α: every parameter is multiplied by it after initialisation.
    #[arg(long, default_value_t = 1.0)]
    pub alpha: f64,
    #[arg(long, default_value_t = 1.0)]
    pub weight_decay: f64,
    #[arg(long, default_value_t = 1e-3)]
    pub lr: f64,
    #[arg(long, default_value_t = 0.9)]
    pub beta1: f64,
    #[arg(long, default_value_t = 0.98)]
    pub beta2: f64,
    #[arg(long, default_value_t = 1e-8)]
    pub epsilon: f64,
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
}

impl ExperimentArgs {
    /// The configuration at training size `train_size`, width `d_model` and `seed`.
    pub fn config(&self, train_size: usize, d_model: usize, seed: u64) -> ExperimentConfig {
        let mut config = ExperimentConfig::paper_modular(train_size);
        config.task = TaskConfig::ModularArithmetic(ModularConfig {
            operation: self.task.operation(),
            modulus: self.modulus,
            pool_fraction: self.pool_fraction,
            train_size,
        });
        config.model = ModelConfig {
            d_model,
            n_heads: self.heads,
            d_mlp: self.d_mlp,
            n_layers: self.layers,
        };
        config.grokking.alpha = self.alpha;
        config.grokking.weight_decay = self.weight_decay;
        config.optimizer.lr = self.lr;
        config.optimizer.beta1 = self.beta1;
        config.optimizer.beta2 = self.beta2;
        config.optimizer.epsilon = self.epsilon;
        config.training.steps = self.steps;
        config.training.eval_every = self.eval_every;
        config.training.batch_size = self.batch_size;
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
