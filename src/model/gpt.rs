//! A decoder-only GPT: token + learned position embeddings, blocks of causal self-attention
//! and a GELU MLP, and a read-out of the answer at the last position. No dropout. Two forms
//! ([`GptArch`]):
//! - `pre-ln` (ours): LayerNorm before each sublayer, a final LayerNorm, an untied linear
//!   head over the p answers;
//! - `openai-gpt` (the authors', Hugging Face's OpenAI-GPT): LayerNorm after each residual
//!   sum, no final LayerNorm, the head tied to the token embedding over the whole vocabulary,
//!   GELU's tanh form (`gelu_new`; ours uses the exact one). Checked step for step against
//!   PyTorch by `tools/parity/`.
//!
//! Every parameter has a leading run axis: `R` GPTs of one shape train side by side
//! (see [`super::layers`]).

use burn::module::Module;
use burn::tensor::{Bool, Device, Int, Tensor};

use super::attention::{SelfAttention, Shape};
use super::layers::{RunEmbedding, RunLayerNorm, RunLinear};
use super::mlp::Mlp;
use crate::config::{GptArch, ModelConfig};

#[derive(Module, Debug)]
pub struct Block {
    ln_attention: RunLayerNorm,
    attention: SelfAttention,
    ln_mlp: RunLayerNorm,
    mlp: Mlp,
    /// LayerNorm after each residual sum (OpenAI-GPT) instead of before each sublayer.
    post_ln: bool,
}

impl Block {
    pub fn init(runs: usize, config: &ModelConfig, device: &Device) -> Self {
        Self {
            ln_attention: RunLayerNorm::init(runs, config.d_model, device),
            attention: SelfAttention::init(runs, config.d_model, config.n_heads, device),
            ln_mlp: RunLayerNorm::init(runs, config.d_model, device),
            // The authors' (Hugging Face's OpenAI-GPT `afn = "gelu"`) is GELU's tanh form.
            mlp: Mlp::init(
                runs,
                config.d_model,
                config.d_mlp,
                config.arch == GptArch::OpenaiGpt,
                device,
            ),
            post_ln: config.arch == GptArch::OpenaiGpt,
        }
    }

    /// The MLP half of the block, after attention has produced `x`.
    fn mlp_half(&self, x: Tensor<3>) -> Tensor<3> {
        if self.post_ln {
            self.ln_mlp.forward(x.clone() + self.mlp.forward(x))
        } else {
            x.clone() + self.mlp.forward(self.ln_mlp.forward(x))
        }
    }

    /// Every position, causally masked: `[R, batch · seq, d]` → `[R, batch · seq, d]`.
    fn forward_all(&self, x: Tensor<3>, batch: usize, causal: Tensor<3, Bool>) -> Tensor<3> {
        let seq = x.dims()[1] / batch;
        let shape = Shape {
            batch,
            n_q: seq,
            seq,
        };
        let x = if self.post_ln {
            let attended = self
                .attention
                .forward(x.clone(), x.clone(), shape, Some(causal));
            self.ln_attention.forward(x + attended)
        } else {
            let normed = self.ln_attention.forward(x.clone());
            x + self
                .attention
                .forward(normed.clone(), normed, shape, Some(causal))
        };
        self.mlp_half(x)
    }

    /// The last position only (it may look at every position):
    /// `[R, batch · seq, d]` → `[R, batch, d]`.
    fn forward_last(&self, x: Tensor<3>, batch: usize) -> Tensor<3> {
        let [runs, rows, d_model] = x.dims();
        let seq = rows / batch;
        let last = |t: Tensor<3>| {
            t.reshape([runs, batch, seq, d_model])
                .slice([0..runs, 0..batch, seq - 1..seq, 0..d_model])
                .reshape([runs, batch, d_model])
        };
        let shape = Shape { batch, n_q: 1, seq };
        let x = if self.post_ln {
            let attended = self
                .attention
                .forward(last(x.clone()), x.clone(), shape, None);
            self.ln_attention.forward(last(x) + attended)
        } else {
            let normed = self.ln_attention.forward(x.clone());
            last(x)
                + self
                    .attention
                    .forward(last(normed.clone()), normed, shape, None)
        };
        self.mlp_half(x)
    }
}

#[derive(Module, Debug)]
pub struct Gpt {
    tokens: RunEmbedding,
    positions: RunEmbedding,
    blocks: Vec<Block>,
    /// Pre-LN only: post-LN blocks end normalised already.
    ln_final: Option<RunLayerNorm>,
    /// The untied head (pre-LN); `None` reads the answer through the token embedding.
    unembed: Option<RunLinear>,
}

impl Gpt {
    pub fn init(
        runs: usize,
        config: &ModelConfig,
        vocab_size: usize,
        seq_len: usize,
        n_classes: usize,
        device: &Device,
    ) -> Self {
        Self {
            tokens: RunEmbedding::init(runs, vocab_size, config.d_model, device),
            positions: RunEmbedding::init(runs, seq_len, config.d_model, device),
            blocks: (0..config.n_layers)
                .map(|_| Block::init(runs, config, device))
                .collect(),
            ln_final: match config.arch {
                GptArch::PreLn => Some(RunLayerNorm::init(runs, config.d_model, device)),
                GptArch::OpenaiGpt => None,
            },
            unembed: match config.arch {
                // A language-model head restricted to the answer classes (no bias, as GPT-2's).
                GptArch::PreLn => Some(RunLinear::init(
                    runs,
                    config.d_model,
                    n_classes,
                    false,
                    device,
                )),
                GptArch::OpenaiGpt => {
                    assert_eq!(n_classes, vocab_size, "a tied head scores every token");
                    None
                }
            },
        }
    }

    /// Every run's token embedding table, `[R, vocab, d]`: row `i` embeds token `i`.
    pub fn token_table(&self) -> Tensor<3> {
        self.tokens.weight.val()
    }

    /// Answer logits `[R, batch, n_classes]` for sequences `[R, batch, seq]`, read at the
    /// last position (tied head: `n_classes` is the vocabulary).
    pub fn forward(&self, tokens: Tensor<3, Int>) -> Tensor<3> {
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
            let causal = Tensor::<2, Bool>::tril_mask([seq, seq], 0, &device).unsqueeze_dim(0);
            for block in earlier {
                x = block.forward_all(x, batch, causal.clone());
            }
        }
        let mut x = last.forward_last(x, batch);
        if let Some(ln_final) = &self.ln_final {
            x = ln_final.forward(x);
        }
        match &self.unembed {
            Some(unembed) => unembed.forward(x),
            // `[R, batch, d] · [R, d, vocab]`: the embedding table, transposed per run.
            None => x.matmul(self.tokens.weight.val().swap_dims(1, 2)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::{Distribution, Tolerance};

    fn block_of(arch: GptArch) -> (Block, Tensor<3>, Tensor<3, Bool>) {
        let device = Device::flex();
        let config = ModelConfig {
            d_model: 16,
            n_heads: 4,
            d_mlp: 32,
            n_layers: 2,
            arch,
        };
        let x = Tensor::random([1, 6, 16], Distribution::Normal(0.0, 1.0), &device);
        let causal = Tensor::<2, Bool>::tril_mask([3, 3], 0, &device).unsqueeze_dim(0);
        (Block::init(1, &config, &device), x, causal)
    }

    fn block() -> (Block, Tensor<3>, Tensor<3, Bool>) {
        block_of(GptArch::PreLn)
    }

    /// Rows of sequence position `position` in a `[1, 2 · 3, d]` activation.
    fn at(t: Tensor<3>, position: std::ops::Range<usize>) -> Tensor<3> {
        t.reshape([2, 3, 16]).slice([0..2, position, 0..16])
    }

    #[test]
    fn last_position_shortcut_equals_the_full_forward_in_both_forms() {
        for arch in GptArch::ALL {
            let (block, x, causal) = block_of(arch);
            let full = at(block.forward_all(x.clone(), 2, causal), 2..3).reshape([2, 16]);
            let last = block.forward_last(x, 2).reshape([2, 16]);
            full.into_data()
                .assert_approx_eq::<f32>(&last.into_data(), Tolerance::default());
        }
    }

    #[test]
    fn post_ln_blocks_end_normalised_and_pre_ln_blocks_do_not() {
        for (arch, normalised) in [(GptArch::OpenaiGpt, true), (GptArch::PreLn, false)] {
            let (block, x, _) = block_of(arch);
            let out = block.forward_last(x.mul_scalar(5.0), 2);
            // `var` is the sample variance: a normalised row of 16 has 16/15.
            let var = out.clone().var(2).mean().into_scalar::<f32>() * 15.0 / 16.0;
            let mean = out.mean_dim(2).abs().max().into_scalar::<f32>();
            assert_eq!(
                (var - 1.0).abs() < 0.01 && mean < 1e-4,
                normalised,
                "{arch:?}: var {var}, |mean| {mean}"
            );
        }
    }

    #[test]
    fn the_authors_head_is_the_token_embedding() {
        let device = Device::flex();
        let config = ModelConfig {
            d_model: 16,
            n_heads: 4,
            d_mlp: 32,
            n_layers: 1,
            arch: GptArch::OpenaiGpt,
        };
        let tied = Gpt::init(2, &config, 15, 6, 15, &device);
        let pre_ln = ModelConfig {
            arch: GptArch::PreLn,
            ..config
        };
        let untied = Gpt::init(2, &pre_ln, 15, 6, 11, &device);
        // The tied model has no head and no final norm of its own.
        assert_eq!(
            untied.num_params() - tied.num_params(),
            2 * (16 * 11 + 2 * 16)
        );
        let tokens = Tensor::<3, Int>::zeros([2, 3, 6], &device);
        assert_eq!(tied.forward(tokens).dims(), [2, 3, 15]);
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
                Tensor::ones([2, 1, 16], &Device::flex()),
            )
            .reshape([1, 6, 16]);
        let out = |t: Tensor<3>, p| at(block.forward_all(t, 2, causal.clone()), p);
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
                .into_scalar::<f32>()
                > 1e-3
        );
    }
}
