//! Multi-head self-attention with separate Q/K/V/O projections, on flattened activations.
//!
//! Activations travel as 2-D `[batch · seq, d]` matrices so that every projection is one
//! large matrix product: burn runs a linear layer on a 3-D input as `batch` tiny products
//! and, in the backward pass, materialises a `[batch, d, d]` weight gradient before summing
//! it — most of a training step on short sequences. Queries may be a subset of the positions
//! (a causal model's last layer only needs its last position).
//!
//! Short sequences (modular arithmetic has 3 tokens) attend by broadcast multiply-and-sum,
//! which avoids `batch × heads` tiny matrix products; long ones (IMDB) use batched matmuls.

use burn::module::Module;
use burn::tensor::activation::softmax;
use burn::tensor::{Bool, Device, Tensor};

use super::layers::RunLinear;

/// Added to masked attention scores; finite so a fully masked row cannot produce NaN.
const MASKED: f32 = -1e9;

/// Up to this many key positions, attention uses the broadcast path.
const SHORT_SEQUENCE: usize = 8;

#[derive(Module, Debug)]
pub struct SelfAttention {
    query: RunLinear,
    key: RunLinear,
    value: RunLinear,
    output: RunLinear,
    n_heads: usize,
}

/// Shapes of one attention call.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// Sequences (per run, where the caller passes `[R, rows, d]`).
    pub batch: usize,
    /// Query positions per sequence.
    pub n_q: usize,
    /// Key/value positions per sequence.
    pub seq: usize,
}

impl SelfAttention {
    pub fn init(runs: usize, d_model: usize, n_heads: usize, device: &Device) -> Self {
        Self {
            query: RunLinear::init(runs, d_model, d_model, true, device),
            key: RunLinear::init(runs, d_model, d_model, true, device),
            value: RunLinear::init(runs, d_model, d_model, true, device),
            output: RunLinear::init(runs, d_model, d_model, true, device),
            n_heads,
        }
    }

    /// Per run, `queries` `[R, batch · n_q, d]` attend over `x` `[R, batch · seq, d]`;
    /// returns `[R, batch · n_q, d]`. `mask` `[R · batch or 1, n_q, seq]` is true where a
    /// query must not look.
    pub fn forward(
        &self,
        queries: Tensor<3>,
        x: Tensor<3>,
        shape: Shape,
        mask: Option<Tensor<3, Bool>>,
    ) -> Tensor<3> {
        let [runs, rows_q, d_model] = queries.dims();
        let flat = |t: Tensor<3>| {
            let [r, rows, d] = t.dims();
            t.reshape([r * rows, d])
        };
        let q = flat(self.query.forward(queries));
        let k = flat(self.key.forward(x.clone()));
        let v = flat(self.value.forward(x));
        // Runs are just more sequences to the attention arithmetic: nothing in it mixes
        // sequences.
        let shape = Shape {
            batch: runs * shape.batch,
            ..shape
        };
        let bias = mask.map(|m| m.float().mul_scalar(MASKED));
        let mixed = if shape.seq <= SHORT_SEQUENCE {
            self.attend_broadcast(q, k, v, shape, bias)
        } else {
            self.attend_matmul(q, k, v, shape, bias)
        };
        self.output.forward(mixed.reshape([runs, rows_q, d_model]))
    }

    fn head_dims(&self, d_model: usize) -> (usize, usize) {
        (self.n_heads, d_model / self.n_heads)
    }

    /// scores[b, i, j, h] = Σ_e q[b, i, h, e] · k[b, j, h, e], by broadcasting.
    fn attend_broadcast(
        &self,
        q: Tensor<2>,
        k: Tensor<2>,
        v: Tensor<2>,
        Shape { batch, n_q, seq }: Shape,
        bias: Option<Tensor<3>>,
    ) -> Tensor<2> {
        let d_model = q.dims()[1];
        let (heads, d_head) = self.head_dims(d_model);
        let q = q.reshape([batch, n_q, 1, heads, d_head]);
        let k = k.reshape([batch, 1, seq, heads, d_head]);
        let v = v.reshape([batch, 1, seq, heads, d_head]);
        let mut scores = (q * k).sum_dim(4).div_scalar((d_head as f64).sqrt()); // [b, i, j, h, 1]
        if let Some(bias) = bias {
            scores = scores + bias.unsqueeze_dims::<5>(&[3, 4]);
        }
        let weights = softmax(scores, 2);
        (weights * v).sum_dim(2).reshape([batch * n_q, d_model])
    }

    fn attend_matmul(
        &self,
        q: Tensor<2>,
        k: Tensor<2>,
        v: Tensor<2>,
        Shape { batch, n_q, seq }: Shape,
        bias: Option<Tensor<3>>,
    ) -> Tensor<2> {
        let d_model = q.dims()[1];
        let (heads, d_head) = self.head_dims(d_model);
        let split =
            |t: Tensor<2>, len: usize| t.reshape([batch, len, heads, d_head]).swap_dims(1, 2);
        let (q, k, v) = (split(q, n_q), split(k, seq), split(v, seq));
        let mut scores = q
            .matmul(k.swap_dims(2, 3))
            .div_scalar((d_head as f64).sqrt()); // [b, h, i, j]
        if let Some(bias) = bias {
            scores = scores + bias.unsqueeze_dim::<4>(1);
        }
        softmax(scores, 3)
            .matmul(v)
            .swap_dims(1, 2)
            .reshape([batch * n_q, d_model])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::{Distribution, Tolerance};

    #[test]
    fn both_attention_paths_agree() {
        let device = Device::flex();
        let attention = SelfAttention::init(1, 16, 4, &device);
        let (batch, seq) = (3, 5);
        let shape = Shape {
            batch,
            n_q: seq,
            seq,
        };
        let random =
            |dims: [usize; 2]| Tensor::<2>::random(dims, Distribution::Normal(0.0, 1.0), &device);
        let (q, k, v) = (random([15, 16]), random([15, 16]), random([15, 16]));
        let mask = Tensor::<3, Bool>::from_bool(
            Tensor::<3>::random([batch, seq, seq], Distribution::Bernoulli(0.3), &device)
                .equal_elem(1.0)
                .into_data(),
            &device,
        );
        let bias = || Some(mask.clone().float().mul_scalar(MASKED));
        let broadcast = attention.attend_broadcast(q.clone(), k.clone(), v.clone(), shape, bias());
        let matmul = attention.attend_matmul(q, k, v, shape, bias());
        broadcast
            .into_data()
            .assert_approx_eq::<f32>(&matmul.into_data(), Tolerance::default());
    }
}
