//! Layers whose every parameter has a leading run axis: `R` independent copies of one layer,
//! evaluated together. Activations travel as `[R, rows, d]`; run `r`'s rows meet only run
//! `r`'s weights (a batched matrix product), so `R` runs train in the dispatches of one.
//!
//! burn's `Linear`, `Embedding` and `LayerNorm` hold one copy; these hold `R`. With `R = 1`
//! they compute what burn's layers compute.

use burn::module::{Module, Param};
use burn::tensor::{Device, Distribution, Int, Tensor};

use super::INIT_STD;

/// Initial weights before [`super::SeededInit`] redraws them reproducibly (layers built on
/// their own, in tests, still start random).
fn normal(dims: [usize; 3], device: &Device) -> Param<Tensor<3>> {
    Param::from_tensor(Tensor::random(
        dims,
        Distribution::Normal(0.0, INIT_STD),
        device,
    ))
}

/// burn's `LayerNorm` default, and safe in f32 (Hugging Face: 1e-5 GPT-2, 1e-12 BERT).
const LAYER_NORM_EPSILON: f64 = 1e-5;

/// `x · W + b` per run; biases start at 0.
#[derive(Module, Debug)]
pub struct RunLinear {
    /// `[R, d_in, d_out]`
    pub weight: Param<Tensor<3>>,
    /// `[R, 1, d_out]`
    pub bias: Option<Param<Tensor<3>>>,
}

impl RunLinear {
    pub fn init(runs: usize, d_in: usize, d_out: usize, bias: bool, device: &Device) -> Self {
        Self {
            weight: normal([runs, d_in, d_out], device),
            bias: bias.then(|| Param::from_tensor(Tensor::zeros([runs, 1, d_out], device))),
        }
    }

    /// `[R, rows, d_in]` → `[R, rows, d_out]`.
    pub fn forward(&self, x: Tensor<3>) -> Tensor<3> {
        let y = x.matmul(self.weight.val());
        match &self.bias {
            Some(bias) => y + bias.val(),
            None => y,
        }
    }
}

/// A lookup table per run.
#[derive(Module, Debug)]
pub struct RunEmbedding {
    /// `[R, n, d]`
    pub weight: Param<Tensor<3>>,
}

impl RunEmbedding {
    pub fn init(runs: usize, n: usize, d: usize, device: &Device) -> Self {
        Self {
            weight: normal([runs, n, d], device),
        }
    }

    /// Ids `[R, rows]` → `[R, rows, d]`, each run reading its own table: the tables are laid
    /// end to end and run `r`'s ids shifted by `r · n`, so one `select` serves every run.
    pub fn forward(&self, ids: Tensor<2, Int>) -> Tensor<3> {
        let [runs, n, d] = self.weight.dims();
        let [_, rows] = ids.dims();
        let offsets = Tensor::<1, Int>::arange(0..runs as i64, &ids.device())
            .mul_scalar(n as i64)
            .reshape([runs, 1]);
        let flat = (ids + offsets).reshape([runs * rows]);
        self.weight
            .val()
            .reshape([runs * n, d])
            .select(0, flat)
            .reshape([runs, rows, d])
    }

    /// The first `len` rows of every run's table: `[R, len, d]` (learned positions).
    pub fn leading(&self, len: usize) -> Tensor<3> {
        let [runs, _, d] = self.weight.dims();
        self.weight.val().slice([0..runs, 0..len, 0..d])
    }
}

/// LayerNorm over the last axis, with a scale and shift per run.
#[derive(Module, Debug)]
pub struct RunLayerNorm {
    /// `[R, 1, d]`, starts at 1.
    pub gamma: Param<Tensor<3>>,
    /// `[R, 1, d]`, starts at 0.
    pub beta: Param<Tensor<3>>,
}

impl RunLayerNorm {
    pub fn init(runs: usize, d: usize, device: &Device) -> Self {
        Self {
            gamma: Param::from_tensor(Tensor::ones([runs, 1, d], device)),
            beta: Param::from_tensor(Tensor::zeros([runs, 1, d], device)),
        }
    }

    /// `[R, rows, d]` → `[R, rows, d]`.
    pub fn forward(&self, x: Tensor<3>) -> Tensor<3> {
        // The order of burn's own layer norm, so R = 1 rounds as burn's layer does.
        let centered = x.clone() - x.mean_dim(2);
        let var = (centered.clone() * centered.clone()).mean_dim(2);
        centered
            .div(var.add_scalar(LAYER_NORM_EPSILON).sqrt())
            .mul(self.gamma.val())
            .add(self.beta.val())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::nn::{EmbeddingConfig, LayerNormConfig, LinearConfig};
    use burn::tensor::{Distribution, Tolerance};

    fn random<const D: usize>(dims: [usize; D]) -> Tensor<D> {
        Tensor::random(dims, Distribution::Normal(0.0, 1.0), &Device::flex())
    }

    /// Run `r` of each layer computes what burn's layer with run `r`'s weights computes.
    #[test]
    fn each_run_is_burns_layer_with_its_own_weights() {
        let device = Device::flex();
        let x = random([3, 5, 4]);

        let mut linear = RunLinear::init(3, 4, 6, true, &device);
        linear.weight = Param::from_tensor(random([3, 4, 6]));
        linear.bias = Some(Param::from_tensor(random([3, 1, 6])));
        let mut norm = RunLayerNorm::init(3, 4, &device);
        norm.gamma = Param::from_tensor(random([3, 1, 4]));
        norm.beta = Param::from_tensor(random([3, 1, 4]));
        let mut table = RunEmbedding::init(3, 7, 4, &device);
        table.weight = Param::from_tensor(random([3, 7, 4]));
        let ids = Tensor::<2, Int>::from_ints([[0, 6], [3, 3], [6, 1]], &device);

        let (y, n, e) = (
            linear.forward(x.clone()),
            norm.forward(x.clone()),
            table.forward(ids.clone()),
        );
        for r in 0..3 {
            let run = |t: Tensor<3>| {
                let [_, a, b] = t.dims();
                t.slice([r..r + 1, 0..a, 0..b]).reshape([a, b])
            };
            let mut one = LinearConfig::new(4, 6).init(&device);
            one.weight = Param::from_tensor(run(linear.weight.val()));
            one.bias = Some(Param::from_tensor(
                run(linear.bias.as_ref().unwrap().val()).reshape([6]),
            ));
            run(y.clone()).into_data().assert_approx_eq::<f32>(
                &one.forward(run(x.clone())).into_data(),
                Tolerance::default(),
            );

            let mut one = LayerNormConfig::new(4).init(&device);
            one.gamma = Param::from_tensor(run(norm.gamma.val()).reshape([4]));
            one.beta = Some(Param::from_tensor(run(norm.beta.val()).reshape([4])));
            run(n.clone()).into_data().assert_approx_eq::<f32>(
                &one.forward(run(x.clone())).into_data(),
                Tolerance::default(),
            );

            let mut one = EmbeddingConfig::new(7, 4).init(&device);
            one.weight = Param::from_tensor(run(table.weight.val()));
            let own_ids = ids.clone().slice([r..r + 1, 0..2]);
            run(e.clone()).into_data().assert_approx_eq::<f32>(
                &one.forward(own_ids).reshape([2, 4]).into_data(),
                Tolerance::default(),
            );
        }
    }
}
