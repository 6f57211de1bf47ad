//! The paper's models, with the Hugging Face initialisation the authors' scripts inherit
//! (weights ~ N(0, 0.02), biases 0, LayerNorm 1/0).
//!
//! A model holds `R` runs of one shape: every parameter has a leading run axis and run `r`
//! only ever meets its own parameters ([`layers`]). One step of the `R`-run model advances
//! every run at the cost of about one run's dispatches; a single run is `R = 1`.

pub mod attention;
pub mod bert;
pub mod gpt;
pub mod layers;
pub mod mlp;

use burn::module::{Module, ModuleMapper, Param};
use burn::tensor::{Bool, Device, Int, Tensor, TensorData};

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
pub enum Classifier {
    Gpt(Gpt),
    Bert(Bert),
}

impl Classifier {
    /// One run per seed of the model `config` asks for, at its standard initialisation
    /// (before α): run `r` starts exactly where a single run with `seeds[r]` starts, on every
    /// backend and platform.
    pub fn init(config: &ExperimentConfig, seeds: &[u64], data: &Dataset, device: &Device) -> Self {
        let runs = seeds.len();
        let model = match &config.task {
            TaskConfig::ModularArithmetic(_) => Self::Gpt(Gpt::init(
                runs,
                &config.model,
                data.vocab_size,
                data.train.seq_len,
                data.n_classes,
                device,
            )),
            TaskConfig::Imdb(_) => Self::Bert(Bert::init(
                runs,
                &config.model,
                data.vocab_size,
                data.train.seq_len,
                data.n_classes,
                device,
            )),
        };
        model.map(&mut SeededInit::new(seeds))
    }

    /// The GPT's token embedding tables, `[R, vocab, d]` (what a Fourier view of the
    /// modular tasks reads); `None` for the encoder.
    pub fn token_embedding(&self) -> Option<Tensor<3>> {
        match self {
            Self::Gpt(model) => Some(model.token_table()),
            Self::Bert(_) => None,
        }
    }

    /// Class logits `[R, batch, n_classes]` for sequences `[R, batch, seq_len]`.
    pub fn forward(&self, input: Batch) -> Tensor<3> {
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
pub struct Batch {
    /// `[R, batch, seq_len]`
    pub tokens: Tensor<3, Int>,
    /// `[R, batch, seq_len]`, true at padding positions; `None` when nothing is padded.
    pub padding: Option<Tensor<3, Bool>>,
}

impl Batch {
    /// `padding_token`: the dataset's padding id ([`crate::data::Dataset::padding`]).
    pub fn new(tokens: Tensor<3, Int>, padding_token: Option<u32>) -> Self {
        let padding = padding_token.map(|id| tokens.clone().equal_elem(i64::from(id)));
        Self { tokens, padding }
    }
}

/// Redraws every weight matrix and embedding table from N(0, [`INIT_STD`]) with the
/// project's own generator: for run `r`, one stream per parameter path seeded by `seeds[r]`.
/// burn's initialisers use a global, per-backend RNG: seeded runs would differ between CPU
/// and WebGPU, and between threads of one sweep. Biases (0) and LayerNorm parameters (1, 0)
/// are constants and stay as they are.
struct SeededInit<'a> {
    seeds: &'a [u64],
    path: Vec<(String, String)>,
}

impl<'a> SeededInit<'a> {
    fn new(seeds: &'a [u64]) -> Self {
        Self {
            seeds,
            path: Vec::new(),
        }
    }
}

impl ModuleMapper for SeededInit<'_> {
    fn enter_module(&mut self, name: &str, container_type: &str) {
        self.path.push((name.to_owned(), container_type.to_owned()));
    }

    fn exit_module(&mut self, _name: &str, _container_type: &str) {
        self.path.pop();
    }

    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let is_weight = matches!(
            self.path.last(),
            Some((name, container)) if name == "weight"
                && (container == "Struct:RunLinear" || container == "Struct:RunEmbedding")
        );
        if !is_weight {
            return param;
        }
        let (id, tensor, mapper) = param.consume();
        let path: Vec<&str> = self.path.iter().map(|(name, _)| name.as_str()).collect();
        let path = path.join(".");
        let shape = tensor.shape();
        assert_eq!(shape[0], self.seeds.len(), "one run per seed");
        let per_run = shape.num_elements() / self.seeds.len();
        let values: Vec<f32> = self
            .seeds
            .iter()
            .flat_map(|&seed| {
                let mut rng = SplitMix64::for_purpose(seed, &path);
                (0..per_run).map(move |_| (rng.normal() * INIT_STD) as f32)
            })
            .collect();
        let fresh = Tensor::<D>::from_data(TensorData::new(values, shape), &tensor.device());
        let fresh = if tensor.is_require_grad() {
            fresh.require_grad()
        } else {
            fresh
        };
        Param::from_mapped_value(id, fresh, mapper)
    }
}
