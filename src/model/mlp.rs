//! The transformer's feed-forward layer, shared by the GPT and the BERT classifier.

use burn::module::Module;
use burn::tensor::Tensor;
use burn::tensor::activation::gelu;
use burn::tensor::backend::Backend;

use super::layers::RunLinear;

/// `down(gelu(up(x)))`.
#[derive(Module, Debug)]
pub struct Mlp<B: Backend> {
    up: RunLinear<B>,
    down: RunLinear<B>,
}

impl<B: Backend> Mlp<B> {
    pub fn init(runs: usize, d_model: usize, d_mlp: usize, device: &B::Device) -> Self {
        Self {
            up: RunLinear::init(runs, d_model, d_mlp, true, device),
            down: RunLinear::init(runs, d_mlp, d_model, true, device),
        }
    }

    /// `[R, rows, d_model]` → `[R, rows, d_model]`.
    pub fn forward(&self, x: Tensor<B, 3>) -> Tensor<B, 3> {
        self.down.forward(gelu(self.up.forward(x)))
    }
}
