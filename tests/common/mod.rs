// Shared helpers for the integration tests (each test file includes this module).
#![allow(dead_code)]

use grokking_lab::ExperimentConfig;
use grokking_lab::config::{ModelConfig, TaskConfig};
use grokking_lab::presets;

pub type Cpu = burn::backend::NdArray;
pub type CpuAutodiff = burn::backend::Autodiff<Cpu>;

/// A model small enough to train in a second on the CPU.
pub fn tiny_modular(modulus: usize, train_size: usize, steps: usize) -> ExperimentConfig {
    let mut config = presets::PAPER.config(train_size);
    let TaskConfig::ModularArithmetic(task) = &mut config.task else {
        unreachable!("a modular config")
    };
    task.modulus = modulus;
    config.model = ModelConfig {
        d_model: 32,
        n_heads: 4,
        d_mlp: 64,
        n_layers: 1,
    };
    config.training.steps = steps;
    config.training.eval_every = steps.div_ceil(10).max(1);
    config
}

/// The bundle committed in `public/data/imdb/`.
pub fn bundled_imdb() -> grokking_lab::data::imdb::ImdbCorpus {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("public/data/imdb");
    let read = |name: &str| std::fs::read(dir.join(name)).unwrap();
    grokking_lab::data::imdb::ImdbCorpus::from_bundle(
        &read("manifest.json"),
        &read("vocab.txt"),
        &read("reviews.bin"),
    )
    .unwrap()
}

/// A BERT-style classifier small enough to train in seconds on a few hundred short reviews.
pub fn tiny_imdb(train_size: usize, steps: usize) -> ExperimentConfig {
    let mut config = presets::IMDB_PAPER.config(train_size);
    if let TaskConfig::Imdb(task) = &mut config.task {
        task.max_len = 24;
        task.vocab_size = 500;
        task.test_size = Some(200);
    }
    config.model = ModelConfig {
        d_model: 32,
        n_heads: 4,
        d_mlp: 64,
        n_layers: 1,
    };
    config.grokking.alpha = 1.0;
    config.training.steps = steps;
    config.training.eval_every = steps.div_ceil(10).max(1);
    config.training.batch_size = Some(64);
    config
}
