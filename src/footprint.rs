//! How much device memory a batch of runs needs, estimated from its shape before any tensor
//! exists, so that a front end can size batches to a GPU's limits. WebGPU caps every single
//! buffer (`maxStorageBufferBindingSize`, `maxBufferSize`), and a batch's largest tensors
//! grow with its number of runs: past the cap the device refuses the allocation.
//!
//! The parameter count is exact (a test compares it with the built models); activations are
//! an upper estimate of what one training step and one evaluation keep alive.

use crate::config::{ExperimentConfig, GptArch, TaskConfig};
use crate::data::Dataset;

const F32: u64 = 4;

/// Evaluation runs over at most this many sequences at a time (all runs of a batch
/// together), to bound device memory. The trainer sizes its chunks from here, so the
/// estimate and the trainer cannot disagree, and this module needs nothing from the trainer.
const EVAL_CHUNK: usize = 4096;

/// Device memory of a batch, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Footprint {
    /// The largest single tensor (what a per-buffer limit must hold).
    pub largest_buffer: u64,
    /// Parameters with their gradients and both AdamW moments, the stacked data, and the
    /// activations one step keeps for its backward pass.
    pub total: u64,
}

/// What a device can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviceLimits {
    /// The largest buffer the device accepts.
    pub max_buffer: u64,
    /// How much a batch may use altogether.
    pub budget: u64,
}

impl Footprint {
    pub fn fits(&self, limits: &DeviceLimits) -> bool {
        self.largest_buffer <= limits.max_buffer && self.total <= limits.budget
    }
}

/// Parameters of one run's model (every run of a batch has as many).
pub fn parameters_per_run(config: &ExperimentConfig, data: &Dataset) -> u64 {
    let d = config.model.d_model as u64;
    let mlp = config.model.d_mlp as u64;
    let vocab = data.vocab_size as u64;
    let seq = data.train.seq_len as u64;
    let classes = data.n_classes as u64;
    let layer_norm = 2 * d;
    let linear = |rows: u64, cols: u64| rows * cols + cols;
    // Attention (query, key, value, output), MLP, two layer norms.
    let block = 4 * linear(d, d) + linear(d, mlp) + linear(mlp, d) + 2 * layer_norm;
    let embeddings = vocab * d + seq * d;
    let blocks = config.model.n_layers as u64 * block;
    match config.task {
        // Pre-LN: a final layer norm and an unembedding without bias; the authors' form
        // reads through the token embedding.
        TaskConfig::ModularArithmetic(_) => match config.model.arch {
            GptArch::PreLn => embeddings + blocks + layer_norm + d * classes,
            GptArch::OpenaiGpt => embeddings + blocks,
        },
        // Embedding layer norm, pooler, classifier.
        TaskConfig::Imdb(_) => embeddings + layer_norm + blocks + linear(d, d) + linear(d, classes),
    }
}

/// Sequences of each run that one evaluation chunk takes by default: [`EVAL_CHUNK`] over
/// all runs of the batch.
pub fn default_eval_rows(runs: usize) -> usize {
    (EVAL_CHUNK / runs.max(1)).max(1)
}

/// Bytes of the largest evaluation tensor per sequence of one run: the hidden states, the
/// MLP's hidden layer, the attention weights or the logits.
fn eval_row_bytes(config: &ExperimentConfig, data: &Dataset) -> u64 {
    let d = config.model.d_model as u64;
    let seq = data.train.seq_len as u64;
    let mlp_rows = if config.model.n_layers > 1 { seq } else { 1 };
    let heads = config.model.n_heads as u64;
    [
        seq * d,
        mlp_rows * config.model.d_mlp as u64,
        heads * seq * seq,
        data.n_classes as u64,
    ]
    .into_iter()
    .max()
    .unwrap_or(1)
        * F32
}

/// Sequences of each run one evaluation chunk may take so that its largest tensor stays
/// within `max_buffer`: the default chunk, or fewer (at least one) on a device with small
/// buffers. Evaluating in smaller chunks gives the same numbers, in more launches.
pub fn eval_rows(config: &ExperimentConfig, data: &[&Dataset], max_buffer: u64) -> usize {
    let Some(first) = data.first() else {
        return 1;
    };
    let runs = data.len() as u64;
    let fit = max_buffer / (runs * eval_row_bytes(config, first));
    (fit as usize).clamp(1, default_eval_rows(data.len()))
}

/// The footprint of training `data[r]` as run `r` of one batch of `config`'s shape,
/// evaluating in the default chunks.
pub fn estimate(config: &ExperimentConfig, data: &[&Dataset]) -> Footprint {
    estimate_with(config, data, default_eval_rows(data.len()))
}

/// The footprint when evaluation takes `eval_rows` sequences of each run at a time.
fn estimate_with(config: &ExperimentConfig, data: &[&Dataset], eval_rows: usize) -> Footprint {
    let runs = data.len() as u64;
    let Some(first) = data.first() else {
        return Footprint {
            largest_buffer: 0,
            total: 0,
        };
    };
    let longest = |pick: fn(&Dataset) -> usize| data.iter().map(|d| pick(d)).max().unwrap_or(0);
    let longest_train = longest(|d| d.train.len()) as u64;
    let longest_test = longest(|d| d.test.len()) as u64;
    let train_rows = config
        .training
        .batch_size
        .map_or(longest_train, |b| (b as u64).min(longest_train));
    let eval_rows = (eval_rows as u64).min(longest_train.max(longest_test));
    let rows = train_rows.max(eval_rows);

    let d = config.model.d_model as u64;
    let mlp = config.model.d_mlp as u64;
    let heads = config.model.n_heads as u64;
    let seq = first.train.seq_len as u64;
    let vocab = first.vocab_size as u64;
    let classes = first.n_classes as u64;
    let layers = config.model.n_layers as u64;

    // The last layer computes its MLP at the one position the head reads (GPT: the last,
    // BERT: [CLS]); earlier layers at every position.
    let mlp_rows = if layers > 1 { rows * seq } else { rows };
    let per_run_largest = [
        rows * seq * d,
        mlp_rows * mlp,
        rows * heads * seq * seq,
        rows * classes,
        vocab * d,
        d * mlp,
        longest_train.max(longest_test) * seq,
    ]
    .into_iter()
    .max()
    .unwrap_or(0);
    // Per layer a step keeps: the layer norms' inputs and outputs, query, key, value and
    // attention output (≈ 8 d), the MLP's hidden layer before and after its activation, and
    // the attention weights before and after the softmax.
    let activations =
        rows * seq * layers * (8 * d + 2 * mlp + 2 * heads * seq) + 3 * rows * classes;
    let parameters = parameters_per_run(config, first);
    // Tokens, labels and masks of both splits.
    let data_bytes = (longest_train + longest_test) * (seq + 4);
    Footprint {
        largest_buffer: runs * per_run_largest * F32,
        total: runs * (4 * parameters + activations + data_bytes) * F32,
    }
}

/// Whether one run of `config` on `data` fits `limits` at all, with evaluation chunked to
/// the device's largest buffer; `Err` with its footprint when it does not (a batch of one
/// is trained anyway otherwise, and a run that cannot fit crashes its worker).
pub fn one_run_fits(
    config: &ExperimentConfig,
    data: &Dataset,
    limits: &DeviceLimits,
) -> Result<(), Footprint> {
    let one = [data];
    let footprint = estimate_with(config, &one, eval_rows(config, &one, limits.max_buffer));
    if footprint.fits(limits) {
        Ok(())
    } else {
        Err(footprint)
    }
}

/// `bytes` for people: "1.6 GiB", "85 MiB" (MiB rounded up: a need is never understated).
pub fn describe_bytes(bytes: u64) -> String {
    let gib = bytes as f64 / (1u64 << 30) as f64;
    if gib >= 1.0 {
        format!("{gib:.1} GiB")
    } else {
        format!("{:.0} MiB", (bytes as f64 / (1u64 << 20) as f64).ceil())
    }
}

/// How many of `data` (taken in order) one batch can hold within `limits`: at least one,
/// since a single run is what would be trained anyway.
pub fn runs_that_fit(config: &ExperimentConfig, data: &[&Dataset], limits: &DeviceLimits) -> usize {
    (1..=data.len())
        .take_while(|&runs| {
            let data = &data[..runs];
            estimate_with(config, data, eval_rows(config, data, limits.max_buffer)).fits(limits)
        })
        .last()
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data;
    use crate::presets;

    fn dataset(config: &ExperimentConfig) -> Dataset {
        data::dataset(config, None).expect("modular data builds")
    }

    /// The impossible run (inside every settings limit) does not fit a browser's
    /// CPU batch budget, and says by how much; the default preset does.
    #[test]
    fn a_run_too_large_for_the_device_is_caught_before_it_starts() {
        let budget = 1 << 30;
        let limits = DeviceLimits {
            max_buffer: budget,
            budget,
        };
        let small = presets::THREE_REGIMES.config(1600);
        assert_eq!(one_run_fits(&small, &dataset(&small), &limits), Ok(()));
        let mut huge = presets::THREE_REGIMES.config(1600);
        huge.model.d_model = 1024;
        huge.model.d_mlp = 4096;
        huge.model.n_heads = 32;
        huge.model.n_layers = 8;
        let needed = one_run_fits(&huge, &dataset(&huge), &limits).unwrap_err();
        assert!(needed.total > budget, "{needed:?}");
        assert_eq!(describe_bytes(needed.total).split(' ').nth(1), Some("GiB"));
        assert_eq!(describe_bytes(85 << 20), "85 MiB");
    }

    #[test]
    fn footprint_grows_with_the_batch() {
        let config = presets::THREE_REGIMES.config(1600);
        let data = dataset(&config);
        let one = estimate(&config, &[&data]);
        let three = estimate(&config, &[&data, &data, &data]);
        assert!(one.largest_buffer > 0 && one.total > one.largest_buffer);
        assert_eq!(three.total, 3 * one.total);
        assert!(three.largest_buffer > one.largest_buffer);
    }

    #[test]
    fn a_small_buffer_limit_splits_the_batch() {
        let config = presets::THREE_REGIMES.config(1600);
        let data = dataset(&config);
        let all = vec![&data; 11];
        let roomy = DeviceLimits {
            max_buffer: u64::MAX,
            budget: u64::MAX,
        };
        assert_eq!(runs_that_fit(&config, &all, &roomy), 11);
        let four = estimate(&config, &all[..4]);
        let tight = DeviceLimits {
            max_buffer: four.largest_buffer,
            budget: u64::MAX,
        };
        assert_eq!(runs_that_fit(&config, &all, &tight), 4);
        let nothing = DeviceLimits {
            max_buffer: 0,
            budget: 0,
        };
        assert_eq!(
            runs_that_fit(&config, &all, &nothing),
            1,
            "one run is always tried"
        );
    }

    /// The IMDB *paper* preset at its largest sizes built evaluation tensors above WebGPU's
    /// 256 MiB default; chunked by the limit, every evaluation tensor fits, and a chunk of
    /// one run spans many sequences still.
    #[test]
    fn evaluation_chunks_shrink_to_the_buffer_limit() {
        let config = presets::IMDB_PAPER.config(4700);
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("public/data/imdb");
        let read = |name: &str| std::fs::read(dir.join(name)).unwrap();
        let corpus = crate::data::imdb::ImdbCorpus::from_bundle(
            &read("manifest.json"),
            &read("vocab.txt"),
            &read("reviews.bin"),
        )
        .unwrap();
        let data = data::dataset(&config, Some(&corpus)).expect("IMDB data builds");
        let limit = 256 << 20;
        let default = default_eval_rows(1);
        assert!(
            default as u64 * eval_row_bytes(&config, &data) > limit,
            "the default chunk is too large for this test to mean anything"
        );
        let rows = eval_rows(&config, &[&data], limit);
        assert!(rows < default && rows > 100, "{rows}");
        assert!(rows as u64 * eval_row_bytes(&config, &data) <= limit);
        let small = presets::TINY.config(300);
        let small_data = dataset(&small);
        assert_eq!(
            eval_rows(&small, &[&small_data], limit),
            default,
            "small models keep the default chunk"
        );
    }

    /// WebGPU's default buffer limit (128 MiB) holds several of the paper's runs, not all,
    /// and every size of the lab's default preset.
    #[test]
    fn the_paper_preset_splits_under_webgpu_s_default_limit() {
        let webgpu = DeviceLimits {
            max_buffer: 128 << 20,
            budget: 1 << 30,
        };
        let paper = &presets::PAPER;
        let data: Vec<_> = paper
            .sizes
            .iter()
            .rev()
            .map(|&n| dataset(&paper.config(n)))
            .collect();
        let all: Vec<&Dataset> = data.iter().collect();
        let runs = runs_that_fit(&paper.config(0), &all, &webgpu);
        assert!(runs > 1 && runs < all.len(), "{runs} of {}", all.len());

        let lab = &presets::THREE_REGIMES;
        let data: Vec<_> = lab.sizes.iter().map(|&n| dataset(&lab.config(n))).collect();
        let all: Vec<&Dataset> = data.iter().collect();
        assert_eq!(
            runs_that_fit(&lab.config(0), &all, &webgpu),
            lab.sizes.len(),
            "the lab's default preset trains as one batch"
        );
    }
}
