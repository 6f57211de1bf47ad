//! `grokking train --save-init FILE`: a run's starting point for another framework — the
//! parameters step 1 starts from (after the α rescale) and the run's training and test
//! sets — as a safetensors file (a little-endian `u64` header length, a JSON header, raw
//! bytes), which Python reads with `safetensors` or a few lines of numpy.
//!
//! Tensors:
//! - every parameter under its path in our model, run axis dropped, e.g.
//!   `tokens.weight` `[vocab, d]`, `blocks.0.attention.query.weight` `[d_in, d_out]`
//!   (`x · W + b`, the layout of Hugging Face's `Conv1D`), `blocks.0.attention.query.bias`
//!   `[d]`, `blocks.0.ln_attention.gamma` `[d]` (F32);
//! - `data.train.tokens` `[N, seq]`, `data.train.labels` `[N]`, `data.test.tokens`,
//!   `data.test.labels` (I32): the rows in the trainer's order.
//!
//! `__metadata__` holds `format` (`grokking-init`), `version`, the run's whole `config`
//! (JSON, as in a run file), `vocab_size`, `n_classes` and `seq_len`.
//! `tools/parity/README.md` maps the paths onto Hugging Face's OpenAI-GPT.

use std::collections::BTreeMap;
use std::path::Path;

use burn::module::{Module, ModuleVisitor, Param};
use burn::tensor::{Device, Tensor};
use grokking_lab::ExperimentConfig;
use grokking_lab::data::{Dataset, Split};
use grokking_lab::trainer::BatchTrainer;
use serde_json::{Value, json};

use crate::files::write_atomically;

pub const FORMAT: &str = "grokking-init";
pub const VERSION: u32 = 1;

/// One tensor of the file: its dtype's name, shape and little-endian bytes.
struct Entry {
    dtype: &'static str,
    shape: Vec<usize>,
    bytes: Vec<u8>,
}

impl Entry {
    fn f32(shape: Vec<usize>, values: &[f32]) -> Self {
        Self {
            dtype: "F32",
            shape,
            bytes: values.iter().flat_map(|v| v.to_le_bytes()).collect(),
        }
    }

    fn i32(shape: Vec<usize>, values: impl Iterator<Item = u32>) -> Self {
        Self {
            dtype: "I32",
            shape,
            bytes: values.flat_map(|v| (v as i32).to_le_bytes()).collect(),
        }
    }
}

/// Collects every float parameter of a one-run model under its path, run axis dropped.
struct Collect<'a> {
    path: Vec<String>,
    entries: &'a mut BTreeMap<String, Entry>,
}

impl ModuleVisitor for Collect<'_> {
    fn enter_module(&mut self, name: &str, container_type: &str) {
        // The `Classifier` enum's variant (`Gpt`, `Bert`) is the model, not a path step.
        if !container_type.starts_with("Enum:") {
            self.path.push(name.to_owned());
        }
    }

    fn exit_module(&mut self, _name: &str, container_type: &str) {
        if !container_type.starts_with("Enum:") {
            self.path.pop();
        }
    }

    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        let value = param.val();
        let dims = value.dims();
        assert_eq!(dims[0], 1, "one run");
        // `[1, rows, cols]` becomes `[rows, cols]`, and the `[1, 1, d]` of biases and
        // LayerNorm parameters `[d]`.
        let mut shape = dims[1..].to_vec();
        if shape.len() > 1 && shape[0] == 1 {
            shape.remove(0);
        }
        let values: Vec<f32> = value
            .into_data()
            .convert::<f32>()
            .try_to_vec()
            .expect("float parameters read back as f32");
        let name = self.path.join(".");
        let previous = self
            .entries
            .insert(name.clone(), Entry::f32(shape, &values));
        assert!(previous.is_none(), "two parameters at {name}");
    }
}

/// Every tensor of the file for `config`'s run on `data`: its initial parameters, exactly
/// as the trainer starts from them, and its data.
fn entries(config: &ExperimentConfig, data: &Dataset) -> anyhow::Result<BTreeMap<String, Entry>> {
    // The trainer builds and rescales the model as a training run does; initial weights
    // come from the project's own generator, so they are the same on every backend.
    let trainer = BatchTrainer::new(vec![config.clone()], &[data], &Device::flex())?;
    let mut entries = BTreeMap::new();
    trainer.model().visit(&mut Collect {
        path: Vec::new(),
        entries: &mut entries,
    });
    for (name, split) in [("train", &data.train), ("test", &data.test)] {
        let split: &Split = split;
        entries.insert(
            format!("data.{name}.tokens"),
            Entry::i32(
                vec![split.len(), split.seq_len],
                split.tokens.iter().copied(),
            ),
        );
        entries.insert(
            format!("data.{name}.labels"),
            Entry::i32(vec![split.len()], split.labels.iter().copied()),
        );
    }
    Ok(entries)
}

/// The safetensors bytes: header length, JSON header (names in order, offsets into the
/// data), data.
fn safetensors(entries: &BTreeMap<String, Entry>, metadata: BTreeMap<&str, String>) -> Vec<u8> {
    let mut header = serde_json::Map::new();
    header.insert("__metadata__".into(), json!(metadata));
    let mut offset = 0;
    for (name, entry) in entries {
        let end = offset + entry.bytes.len();
        header.insert(
            name.clone(),
            json!({ "dtype": entry.dtype, "shape": entry.shape, "data_offsets": [offset, end] }),
        );
        offset = end;
    }
    let mut header = serde_json::to_vec(&Value::Object(header)).expect("a JSON map serializes");
    // The format asks for the data to start 8-byte aligned; spaces pad the header.
    while !header.len().is_multiple_of(8) {
        header.push(b' ');
    }
    let mut bytes = Vec::with_capacity(8 + header.len() + offset);
    bytes.extend((header.len() as u64).to_le_bytes());
    bytes.extend(header);
    for entry in entries.values() {
        bytes.extend(&entry.bytes);
    }
    bytes
}

/// Writes `config`'s starting point (see the module's documentation) to `path`.
pub fn write(path: &Path, config: &ExperimentConfig, data: &Dataset) -> anyhow::Result<()> {
    let entries = entries(config, data)?;
    let metadata = BTreeMap::from([
        ("format", FORMAT.to_owned()),
        ("version", VERSION.to_string()),
        ("config", serde_json::to_string(config)?),
        ("vocab_size", data.vocab_size.to_string()),
        ("n_classes", data.n_classes.to_string()),
        ("seq_len", data.train.seq_len.to_string()),
    ]);
    write_atomically(path, safetensors(&entries, metadata))?;
    Ok(())
}
