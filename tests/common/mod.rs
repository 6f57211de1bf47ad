// Shared helpers for the integration tests (each test file includes this module).
#![allow(dead_code)]

use grokking_lab::ExperimentConfig;
use grokking_lab::config::{ModelConfig, TaskConfig};

pub type Cpu = burn::backend::NdArray;
pub type CpuAutodiff = burn::backend::Autodiff<Cpu>;

/// A model small enough to train in a second on the CPU.
pub fn tiny_modular(modulus: usize, train_size: usize, steps: usize) -> ExperimentConfig {
    let mut config = ExperimentConfig::paper_modular(train_size);
    let TaskConfig::ModularArithmetic(task) = &mut config.task;
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
