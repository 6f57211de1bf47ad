//! The transformer's feed-forward layer, shared by the GPT and the BERT classifier.

use burn::module::Module;
use burn::tensor::Device;
use burn::tensor::Tensor;
use burn::tensor::activation::{gelu, gelu_approximate};

use super::layers::RunLinear;

/// `down(gelu(up(x)))`.
#[derive(Module, Debug)]
pub struct Mlp {
    up: RunLinear,
    down: RunLinear,
    /// GELU's tanh approximation instead of the exact (erf) form: Hugging Face's OpenAI-GPT
    /// maps its `afn = "gelu"` to `gelu_new`, the tanh form; BERT's `"gelu"` is exact.
    tanh_gelu: bool,
}

impl Mlp {
    pub fn init(
        runs: usize,
        d_model: usize,
        d_mlp: usize,
        tanh_gelu: bool,
        device: &Device,
    ) -> Self {
        Self {
            up: RunLinear::init(runs, d_model, d_mlp, true, device),
            down: RunLinear::init(runs, d_mlp, d_model, true, device),
            tanh_gelu,
        }
    }

    fn activation(&self, x: Tensor<3>) -> Tensor<3> {
        if self.tanh_gelu {
            gelu_approximate(x)
        } else {
            gelu(x)
        }
    }

    /// `[R, rows, d_model]` → `[R, rows, d_model]`.
    pub fn forward(&self, x: Tensor<3>) -> Tensor<3> {
        self.down.forward(self.activation(self.up.forward(x)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_two_gelus_are_the_exact_and_the_tanh_form() {
        let device = Device::flex();
        let x = Tensor::<3>::from_floats([[[-2.0, -0.5, 1.0, 3.0]]], &device);
        let gelu_of = |tanh_gelu| {
            let mlp = Mlp::init(1, 4, 4, tanh_gelu, &device);
            mlp.activation(x.clone())
                .into_data()
                .try_to_vec::<f32>()
                .unwrap()
        };
        // Φ(x)·x, and 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) (PyTorch's values).
        let exact = [-0.045_500_3, -0.154_268_8, 0.841_344_7, 2.995_95];
        let tanh = [-0.045_402_3, -0.154_286, 0.841_192, 2.996_363];
        for (got, want) in [(gelu_of(false), exact), (gelu_of(true), tanh)] {
            for (g, w) in got.iter().zip(want) {
                assert!((g - w).abs() < 1e-6, "{got:?} vs {want:?}");
            }
        }
    }
}
