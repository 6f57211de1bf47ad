//! A decoder-only GPT: token + learned position embeddings, pre-LayerNorm blocks of causal
//! self-attention and a GELU MLP, a final LayerNorm, and a linear read-out of the answer at
//! the last position. No dropout. (The authors use Hugging Face's OpenAI-GPT, which differs:
//! post-LayerNorm and a head tied to the embedding; see docs/results.)
//!
//! Every parameter has a leading run axis: `R` GPTs of one shape train side by side
//! (see [`super::layers`]).

use burn::module::Module;
use burn::tensor::backend::Backend;
use burn::tensor::{Bool, Int, Tensor};

use super::attention::{SelfAttention, Shape};
use super::layers::{RunEmbedding, RunLayerNorm, RunLinear};
use super::mlp::Mlp;
use crate::config::ModelConfig;

#[derive(Module, Debug)]
pub struct Block<B: Backend> {
    ln_attention: RunLayerNorm<B>,
    attention: SelfAttention<B>,
    ln_mlp: RunLayerNorm<B>,
    mlp: Mlp<B>,
}

impl<B: Backend> Block<B> {
    pub fn init(runs: usize, config: &ModelConfig, device: &B::Device) -> Self {
        Self {
            ln_attention: RunLayerNorm::init(runs, config.d_model, device),
            attention: SelfAttention::init(runs, config.d_model, config.n_heads, device),
            ln_mlp: RunLayerNorm::init(runs, config.d_model, device),
            mlp: Mlp::init(runs, config.d_model, config.d_mlp, device),
        }
    }

    /// Every position, causally masked: `[R, batch · seq, d]` → `[R, batch · seq, d]`.
    fn forward_all(
        &self,
        x: Tensor<B, 3>,
        batch: usize,
        causal: Tensor<B, 3, Bool>,
    ) -> Tensor<B, 3> {
        let seq = x.dims()[1] / batch;
        let shape = Shape {
            batch,
            n_q: seq,
            seq,
        };
        let normed = self.ln_attention.forward(x.clone());
        let x = x + self
            .attention
            .forward(normed.clone(), normed, shape, Some(causal));
        let mlp = self.mlp.forward(self.ln_mlp.forward(x.clone()));
        x + mlp
    }

    /// The last position only (it may look at every position):
    /// `[R, batch · seq, d]` → `[R, batch, d]`.
    fn forward_last(&self, x: Tensor<B, 3>, batch: usize) -> Tensor<B, 3> {
        let [runs, rows, d_model] = x.dims();
        let seq = rows / batch;
        let last = |t: Tensor<B, 3>| {
            t.reshape([runs, batch, seq, d_model])
                .slice([0..runs, 0..batch, seq - 1..seq, 0..d_model])
                .reshape([runs, batch, d_model])
        };
        let normed = self.ln_attention.forward(x.clone());
        let shape = Shape { batch, n_q: 1, seq };
        let x = last(x)
            + self
                .attention
                .forward(last(normed.clone()), normed, shape, None);
        let mlp = self.mlp.forward(self.ln_mlp.forward(x.clone()));
        x + mlp
    }
}

#[derive(Module, Debug)]
pub struct Gpt<B: Backend> {
    tokens: RunEmbedding<B>,
    positions: RunEmbedding<B>,
    blocks: Vec<Block<B>>,
    ln_final: RunLayerNorm<B>,
    unembed: RunLinear<B>,
}

impl<B: Backend> Gpt<B> {
    pub fn init(
        runs: usize,
        config: &ModelConfig,
        vocab_size: usize,
        seq_len: usize,
        n_classes: usize,
        device: &B::Device,
    ) -> Self {
        Self {
            tokens: RunEmbedding::init(runs, vocab_size, config.d_model, device),
            positions: RunEmbedding::init(runs, seq_len, config.d_model, device),
            blocks: (0..config.n_layers)
                .map(|_| Block::init(runs, config, device))
                .collect(),
            ln_final: RunLayerNorm::init(runs, config.d_model, device),
            // A language-model head restricted to the answer classes (no bias, as GPT-2's).
            unembed: RunLinear::init(runs, config.d_model, n_classes, false, device),
        }
    }

    /// Answer logits `[R, batch, n_classes]` for sequences `[R, batch, seq]`, read at the
    /// last position.
    pub fn forward(&self, tokens: Tensor<B, 3, Int>) -> Tensor<B, 3> {
        let [runs, batch, seq] = tokens.dims();
        let device = tokens.device();
        let positions = self.positions.leading(seq).unsqueeze_dim::<4>(1);
        let embedded = self.tokens.forward(tokens.reshape([runs, batch * seq]));
        let d_model = embedded.dims()[2];
        let mut x = (embedded.reshape([runs, batch, seq, d_model]) + positions).reshape([
            runs,
            batch * seq,
            d_model,
        ]);
        let (last, earlier) = self.blocks.split_last().expect("at least one layer");
        if !earlier.is_empty() {
            // True above the diagonal: position i must not see j > i.
            let causal = Tensor::<B, 2, Bool>::tril_mask([seq, seq], 0, &device).unsqueeze_dim(0);
            for block in earlier {
                x = block.forward_all(x, batch, causal.clone());
            }
        }
        self.unembed
            .forward(self.ln_final.forward(last.forward_last(x, batch)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::{Distribution, Tolerance};

    type Cpu = burn::backend::NdArray;

    fn block() -> (Block<Cpu>, Tensor<Cpu, 3>, Tensor<Cpu, 3, Bool>) {
        let device = Default::default();
        let config = ModelConfig {
            d_model: 16,
            n_heads: 4,
            d_mlp: 32,
            n_layers: 2,
        };
        let x = Tensor::random([1, 6, 16], Distribution::Normal(0.0, 1.0), &device);
        let causal = Tensor::<Cpu, 2, Bool>::tril_mask([3, 3], 0, &device).unsqueeze_dim(0);
        (Block::init(1, &config, &device), x, causal)
    }

    /// Rows of sequence position `position` in a `[1, 2 · 3, d]` activation.
    fn at(t: Tensor<Cpu, 3>, position: std::ops::Range<usize>) -> Tensor<Cpu, 3> {
        t.reshape([2, 3, 16]).slice([0..2, position, 0..16])
    }

    #[test]
    fn last_position_shortcut_equals_the_full_forward() {
        let (block, x, causal) = block();
        let full = at(block.forward_all(x.clone(), 2, causal), 2..3).reshape([2, 16]);
        let last = block.forward_last(x, 2).reshape([2, 16]);
        full.into_data()
            .assert_approx_eq::<f32>(&last.into_data(), Tolerance::default());
    }

    #[test]
    fn attention_is_causal() {
        let (block, x, causal) = block();
        // Change the last token of both sequences (rows 2 and 5).
        let changed = x
            .clone()
            .reshape([2, 3, 16])
            .slice_assign(
                [0..2, 2..3, 0..16],
                Tensor::ones([2, 1, 16], &Default::default()),
            )
            .reshape([1, 6, 16]);
        let out = |t: Tensor<Cpu, 3>, p| at(block.forward_all(t, 2, causal.clone()), p);
        out(x.clone(), 0..2).into_data().assert_approx_eq::<f32>(
            &out(changed.clone(), 0..2).into_data(),
            Tolerance::default(),
        );
        // ...while the last position does see its own change.
        assert!(
            out(x, 2..3)
                .sub(out(changed, 2..3))
                .abs()
                .max()
                .into_scalar()
                > 1e-3
        );
    }
}
