//! Multi-head self-attention with separate Q/K/V/O projections.
//!
//! Written out (rather than burn's `MultiHeadAttention`) so that a causal model can ask for
//! the queries of its last position only: in the last layer nothing else is read, which
//! saves most of the work on 3-token modular-arithmetic sequences.

use burn::module::Module;
use burn::nn::Linear;
use burn::tensor::activation::softmax;
use burn::tensor::backend::Backend;
use burn::tensor::{Bool, Tensor};

use super::linear;

/// Added to masked attention scores; finite so a fully masked row cannot produce NaN.
const MASKED: f32 = -1e9;

#[derive(Module, Debug)]
pub struct SelfAttention<B: Backend> {
    query: Linear<B>,
    key: Linear<B>,
    value: Linear<B>,
    output: Linear<B>,
    n_heads: usize,
}

impl<B: Backend> SelfAttention<B> {
    pub fn init(d_model: usize, n_heads: usize, device: &B::Device) -> Self {
        Self {
            query: linear(d_model, d_model, true, device),
            key: linear(d_model, d_model, true, device),
            value: linear(d_model, d_model, true, device),
            output: linear(d_model, d_model, true, device),
            n_heads,
        }
    }

    /// Attends from the `queries` positions `[batch, n_q, d]` over all positions of `x`
    /// `[batch, seq, d]`. `mask` `[n_q, seq]` or `[batch, n_q, seq]` (broadcast) is true
    /// where a query must not look.
    pub fn forward<const DM: usize>(
        &self,
        queries: Tensor<B, 3>,
        x: Tensor<B, 3>,
        mask: Option<Tensor<B, DM, Bool>>,
    ) -> Tensor<B, 3> {
        let [batch, n_q, d_model] = queries.dims();
        let q = self.split_heads(self.query.forward(queries));
        let k = self.split_heads(self.key.forward(x.clone()));
        let v = self.split_heads(self.value.forward(x));
        let d_head = d_model / self.n_heads;
        let mut scores = q
            .matmul(k.swap_dims(2, 3))
            .div_scalar((d_head as f64).sqrt());
        if let Some(mask) = mask {
            let mask: Tensor<B, 4, Bool> = match DM {
                2 => mask.unsqueeze_dims(&[0, 1]),
                3 => mask.unsqueeze_dim(1),
                _ => panic!("attention mask must be [n_q, seq] or [batch, n_q, seq]"),
            };
            scores = scores.mask_fill(mask, MASKED);
        }
        let mixed = softmax(scores, 3).matmul(v); // [batch, heads, n_q, d_head]
        let merged = mixed.swap_dims(1, 2).reshape([batch, n_q, d_model]);
        self.output.forward(merged)
    }

    fn split_heads(&self, x: Tensor<B, 3>) -> Tensor<B, 4> {
        let [batch, seq, d_model] = x.dims();
        x.reshape([batch, seq, self.n_heads, d_model / self.n_heads])
            .swap_dims(1, 2)
    }
}
