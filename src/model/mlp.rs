//! The transformer's feed-forward layer, shared by the GPT and the BERT classifier.

use burn::module::Module;
use burn::tensor::Device;
use burn::tensor::Tensor;
use burn::tensor::activation::{gelu, sigmoid};

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
            tanh_gelu(x)
        } else {
            gelu(x)
        }
    }

    /// `[R, rows, d_model]` → `[R, rows, d_model]`.
    pub fn forward(&self, x: Tensor<3>) -> Tensor<3> {
        self.down.forward(self.activation(self.up.forward(x)))
    }
}

/// GELU's tanh form, 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), written as the equal
/// x·σ(x·(2√(2/π) + 2·0.044715·√(2/π)·x²)) (0.5·(1 + tanh z) = σ(2z)). burn's
/// `gelu_approximate` takes x³ with `powf` and then `tanh`, both scalar libm calls per
/// element on the CPU: a quarter of a step at the paper's size. This form has one `exp`
/// (in σ, whose backward is fused) and plain products, in fewer passes over the tensor.
fn tanh_gelu<const D: usize>(x: Tensor<D>) -> Tensor<D> {
    const SQRT_2_OVER_PI: f64 =
        core::f64::consts::FRAC_2_SQRT_PI * core::f64::consts::FRAC_1_SQRT_2;
    const LINEAR: f64 = 2.0 * SQRT_2_OVER_PI;
    const CUBIC: f64 = 2.0 * 0.044715 * SQRT_2_OVER_PI;
    let slope = (x.clone() * x.clone()).mul_scalar(CUBIC).add_scalar(LINEAR);
    x.clone() * sigmoid(x * slope)
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

    /// The sigmoid form is burn's `gelu_approximate` in value and in gradient, across the
    /// range where GELU bends and out in both tails (where σ saturates).
    #[test]
    fn the_sigmoid_form_is_burns_tanh_gelu_with_its_gradient() {
        use burn::tensor::Tolerance;
        use burn::tensor::activation::gelu_approximate;
        let device = Device::flex().autodiff();
        let values: Vec<f32> = (-80..=80).map(|i| i as f32 * 0.125).collect();
        let input = || Tensor::<1>::from_floats(values.as_slice(), &device).require_grad();
        let (ours_x, burns_x) = (input(), input());
        let ours = tanh_gelu(ours_x.clone());
        let burns = gelu_approximate(burns_x.clone());
        ours.clone()
            .into_data()
            .assert_approx_eq::<f32>(&burns.clone().into_data(), Tolerance::absolute(2e-6));
        let (ours_grads, burns_grads) = (ours.sum().backward(), burns.sum().backward());
        ours_x
            .grad(&ours_grads)
            .unwrap()
            .into_data()
            .assert_approx_eq::<f32>(
                &burns_x.grad(&burns_grads).unwrap().into_data(),
                Tolerance::absolute(2e-6),
            );
    }
}
