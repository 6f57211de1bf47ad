//! The transformer's feed-forward layer, shared by the GPT and the BERT classifier.

use burn::module::Module;
use burn::nn::Linear;
use burn::tensor::Tensor;
use burn::tensor::activation::gelu;
use burn::tensor::backend::Backend;

use super::linear;

/// `down(gelu(up(x)))`.
#[derive(Module, Debug)]
pub struct Mlp<B: Backend> {
    up: Linear<B>,
    down: Linear<B>,
}

impl<B: Backend> Mlp<B> {
    pub fn init(d_model: usize, d_mlp: usize, device: &B::Device) -> Self {
        Self {
            up: linear(d_model, d_mlp, true, device),
            down: linear(d_mlp, d_model, true, device),
        }
    }

    pub fn forward<const D: usize>(&self, x: Tensor<B, D>) -> Tensor<B, D> {
        self.down.forward(gelu(self.up.forward(x)))
    }
}
