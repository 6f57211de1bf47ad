//! The paper's models, built from burn's layers with the Hugging Face initialisation the
//! authors' scripts inherit (weights ~ N(0, 0.02), biases 0, LayerNorm 1/0).

pub mod attention;
pub mod gpt;

use burn::module::{Module, Param};
use burn::nn::{
    Embedding, EmbeddingConfig, Initializer, LayerNorm, LayerNormConfig, Linear, LinearConfig,
};
use burn::tensor::backend::Backend;
use burn::tensor::{Int, Tensor};

use crate::config::{ExperimentConfig, TaskConfig};
use crate::data::Dataset;

pub use gpt::Gpt;

/// Standard deviation of the initial weights (Hugging Face's `initializer_range`).
pub const INIT_STD: f64 = 0.02;

/// The model a task trains. One enum so the trainer, the CLI and the lab handle every task
/// the same way.
#[derive(Module, Debug)]
pub enum Classifier<B: Backend> {
    Gpt(Gpt<B>),
}

impl<B: Backend> Classifier<B> {
    /// The model the configuration asks for, at its standard initialisation (before α).
    pub fn init(config: &ExperimentConfig, data: &Dataset, device: &B::Device) -> Self {
        match &config.task {
            TaskConfig::ModularArithmetic(_) => Self::Gpt(Gpt::init(
                &config.model,
                data.vocab_size,
                data.train.seq_len,
                data.n_classes,
                device,
            )),
        }
    }

    /// Class logits `[batch, n_classes]` for token sequences `[batch, seq_len]`.
    pub fn forward(&self, tokens: Tensor<B, 2, Int>) -> Tensor<B, 2> {
        match self {
            Self::Gpt(model) => model.forward(tokens),
        }
    }
}

pub(crate) fn linear<B: Backend>(
    d_in: usize,
    d_out: usize,
    bias: bool,
    device: &B::Device,
) -> Linear<B> {
    let mut layer = LinearConfig::new(d_in, d_out)
        .with_bias(false)
        .with_initializer(Initializer::Normal {
            mean: 0.0,
            std: INIT_STD,
        })
        .init(device);
    if bias {
        layer.bias = Some(Param::from_tensor(Tensor::zeros([d_out], device)));
    }
    layer
}

pub(crate) fn embedding<B: Backend>(n: usize, d: usize, device: &B::Device) -> Embedding<B> {
    EmbeddingConfig::new(n, d)
        .with_initializer(Initializer::Normal {
            mean: 0.0,
            std: INIT_STD,
        })
        .init(device)
}

pub(crate) fn layer_norm<B: Backend>(d: usize, device: &B::Device) -> LayerNorm<B> {
    // Hugging Face's GPT-2/BERT use ε = 1e-5 / 1e-12; 1e-5 is burn's default and safe in f32.
    LayerNormConfig::new(d).init(device)
}
