//! Datasets as plain CPU-side token matrices, before anything touches a device.
//!
//! A task turns its configuration into a [`Dataset`]: a train split (the N examples the model
//! sees) and a test split, both fixed-length token sequences with one class label each.

pub mod imdb;
pub mod modular;

use crate::config::{ConfigError, ExperimentConfig, TaskConfig};
use imdb::ImdbCorpus;

/// One split: `len()` sequences of `seq_len` token ids, row-major, and their labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    pub tokens: Vec<u32>,
    pub labels: Vec<u32>,
    pub seq_len: usize,
}

impl Split {
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    pub fn sequence(&self, index: usize) -> &[u32] {
        &self.tokens[index * self.seq_len..(index + 1) * self.seq_len]
    }
}

/// Everything a model needs to know about the data it will see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dataset {
    pub train: Split,
    pub test: Split,
    /// Token ids are `0..vocab_size`.
    pub vocab_size: usize,
    /// Labels are `0..n_classes`.
    pub n_classes: usize,
    /// The token that fills sequences up to `seq_len`, if the task pads: models must not
    /// attend to it. The model learns this from here, never from a tokenizer.
    pub padding: Option<u32>,
    /// Modular arithmetic: the `(a, b)` of every row. `None` for IMDB.
    pub operands: Option<modular::Operands>,
}

/// Checks a configuration against the limits and, for IMDB, against the bundled reviews
/// (lengths, vocabulary and sizes the bundle can supply).
pub fn check(config: &ExperimentConfig) -> Result<(), ConfigError> {
    config.validate()?;
    match &config.task {
        TaskConfig::Imdb(task) => imdb::bundled_manifest().check(task),
        TaskConfig::ModularArithmetic(_) => Ok(()),
    }
}

/// How many examples the training pool holds (for IMDB: the bundled reviews' pool).
pub fn pool_size(config: &ExperimentConfig) -> usize {
    config
        .pool_size()
        .unwrap_or_else(|| imdb::bundled_manifest().counts.pool.total())
}

/// Builds the dataset a configuration asks for. IMDB runs need the loaded bundle.
pub fn dataset(config: &ExperimentConfig, imdb: Option<&ImdbCorpus>) -> Result<Dataset, DataError> {
    config.validate()?;
    match &config.task {
        TaskConfig::ModularArithmetic(task) => Ok(modular::dataset(
            task,
            config.model.arch,
            config.subsets,
            config.split_seed(),
            config.seed,
        )),
        TaskConfig::Imdb(task) => Ok(imdb.ok_or(DataError::ImdbNotLoaded)?.dataset(
            task,
            config.subsets,
            config.split_seed(),
            config.seed,
        )?),
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DataError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("the IMDB review bundle is not loaded")]
    ImdbNotLoaded,
}
