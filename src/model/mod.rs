//! The paper's models, built from burn's layers with the Hugging Face initialisation the
//! authors' scripts inherit (weights ~ N(0, 0.02), biases 0, LayerNorm 1/0).

pub mod attention;
pub mod bert;
pub mod gpt;
pub mod mlp;

use burn::module::{Module, ModuleMapper, Param};
use burn::nn::{
    Embedding, EmbeddingConfig, Initializer, LayerNorm, LayerNormConfig, Linear, LinearConfig,
};
use burn::tensor::backend::Backend;
use burn::tensor::{Bool, Int, Tensor, TensorData};

use crate::config::{ExperimentConfig, TaskConfig};
use crate::data::Dataset;
use crate::rng::SplitMix64;

pub use bert::Bert;
pub use gpt::Gpt;

/// Standard deviation of the initial weights (Hugging Face's `initializer_range`).
pub const INIT_STD: f64 = 0.02;

/// The model a task trains. One enum so the trainer, the CLI and the lab handle every task
/// the same way.
#[derive(Module, Debug)]
#[allow(clippy::large_enum_variant)] // one model per trainer: boxing would buy nothing
pub enum Classifier<B: Backend> {
    Gpt(Gpt<B>),
    Bert(Bert<B>),
}

impl<B: Backend> Classifier<B> {
    /// The model the configuration asks for, at its standard initialisation (before α),
    /// identical on every backend and platform for the same seed.
    pub fn init(config: &ExperimentConfig, data: &Dataset, device: &B::Device) -> Self {
        let model = match &config.task {
            TaskConfig::ModularArithmetic(_) => Self::Gpt(Gpt::init(
                &config.model,
                data.vocab_size,
                data.train.seq_len,
                data.n_classes,
                device,
            )),
            TaskConfig::Imdb(_) => Self::Bert(Bert::init(
                &config.model,
                data.vocab_size,
                data.train.seq_len,
                data.n_classes,
                device,
            )),
        };
        model.map(&mut SeededInit::new(config.seed))
    }

    /// Class logits `[batch, n_classes]` for a batch of sequences `[batch, seq_len]`.
    pub fn forward(&self, input: Batch<B>) -> Tensor<B, 2> {
        match self {
            // Modular-arithmetic sequences all have the same length: nothing is padded.
            Self::Gpt(model) => model.forward(input.tokens),
            Self::Bert(model) => model.forward(input),
        }
    }
}

/// Sequences as a model reads them: token ids and where the padding is. Built where the
/// data is batched, so models never need to know which token id pads.
#[derive(Debug, Clone)]
pub struct Batch<B: Backend> {
    /// `[batch, seq_len]`
    pub tokens: Tensor<B, 2, Int>,
    /// `[batch, seq_len]`, true at padding positions; `None` when nothing is padded.
    pub padding: Option<Tensor<B, 2, Bool>>,
}

impl<B: Backend> Batch<B> {
    /// `padding_token`: the dataset's padding id ([`crate::data::Dataset::padding`]).
    pub fn new(tokens: Tensor<B, 2, Int>, padding_token: Option<u32>) -> Self {
        let padding = padding_token.map(|id| tokens.clone().equal_elem(i64::from(id)));
        Self { tokens, padding }
    }
}

/// Redraws every Linear and Embedding weight from N(0, [`INIT_STD`]) with the project's own
/// generator, one stream per parameter path. burn's initialisers use a global, per-backend
/// RNG: seeded runs would differ between CPU and WebGPU, and between threads of one sweep.
/// Biases (0) and LayerNorm parameters (1, 0) are constants and stay as they are.
struct SeededInit {
    seed: u64,
    path: Vec<(String, String)>,
}

impl SeededInit {
    fn new(seed: u64) -> Self {
        Self {
            seed,
            path: Vec::new(),
        }
    }
}

impl<B: Backend> ModuleMapper<B> for SeededInit {
    fn enter_module(&mut self, name: &str, container_type: &str) {
        self.path.push((name.to_owned(), container_type.to_owned()));
    }

    fn exit_module(&mut self, _name: &str, _container_type: &str) {
        self.path.pop();
    }

    fn map_float<const D: usize>(&mut self, param: Param<Tensor<B, D>>) -> Param<Tensor<B, D>> {
        let is_weight = matches!(
            self.path.last(),
            Some((name, container)) if name == "weight"
                && (container == "Struct:Linear" || container == "Struct:Embedding")
        );
        if !is_weight {
            return param;
        }
        let (id, tensor, mapper) = param.consume();
        let path: Vec<&str> = self.path.iter().map(|(name, _)| name.as_str()).collect();
        let mut rng = SplitMix64::for_purpose(self.seed, &path.join("."));
        let shape = tensor.shape();
        let values: Vec<f32> = (0..shape.num_elements())
            .map(|_| (rng.normal() * INIT_STD) as f32)
            .collect();
        let fresh = Tensor::<B, D>::from_data(TensorData::new(values, shape), &tensor.device());
        let fresh = if tensor.is_require_grad() {
            fresh.require_grad()
        } else {
            fresh
        };
        Param::from_mapped_value(id, fresh, mapper)
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
