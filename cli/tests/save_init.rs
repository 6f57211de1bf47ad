//! `grokking train --save-init FILE`: the run's starting point as safetensors, for the
//! PyTorch parity check (tools/parity).

use std::collections::BTreeMap;
use std::process::Command;

use serde_json::Value;

/// A tensor of the file: dtype, shape and raw little-endian bytes.
struct Tensor {
    dtype: String,
    shape: Vec<usize>,
    bytes: Vec<u8>,
}

impl Tensor {
    fn f32s(&self) -> Vec<f32> {
        assert_eq!(self.dtype, "F32");
        self.bytes
            .chunks(4)
            .map(|b| f32::from_le_bytes(b.try_into().unwrap()))
            .collect()
    }

    fn i32s(&self) -> Vec<i32> {
        assert_eq!(self.dtype, "I32");
        self.bytes
            .chunks(4)
            .map(|b| i32::from_le_bytes(b.try_into().unwrap()))
            .collect()
    }
}

/// Parses a safetensors file as the format defines it: its tensors must tile the data.
fn read(bytes: &[u8]) -> (BTreeMap<String, Tensor>, BTreeMap<String, String>) {
    let header_len = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    assert!(
        header_len.is_multiple_of(8),
        "the data starts 8-byte aligned"
    );
    let header: BTreeMap<String, Value> =
        serde_json::from_slice(&bytes[8..8 + header_len]).unwrap();
    let data = &bytes[8 + header_len..];
    let mut metadata = BTreeMap::new();
    let mut tensors = BTreeMap::new();
    let mut spans = Vec::new();
    for (name, entry) in header {
        if name == "__metadata__" {
            metadata = serde_json::from_value(entry).unwrap();
            continue;
        }
        let shape: Vec<usize> = serde_json::from_value(entry["shape"].clone()).unwrap();
        let [start, end]: [usize; 2] =
            serde_json::from_value(entry["data_offsets"].clone()).unwrap();
        assert_eq!(end - start, 4 * shape.iter().product::<usize>(), "{name}");
        spans.push((start, end));
        tensors.insert(
            name,
            Tensor {
                dtype: entry["dtype"].as_str().unwrap().to_owned(),
                shape,
                bytes: data[start..end].to_vec(),
            },
        );
    }
    spans.sort_unstable();
    let mut next = 0;
    for (start, end) in spans {
        assert_eq!(start, next, "tensors tile the data");
        next = end;
    }
    assert_eq!(next, data.len());
    (tensors, metadata)
}

#[test]
fn save_init_writes_the_rescaled_parameters_and_the_data() {
    let dir = std::env::temp_dir().join(format!("grokking-save-init-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("init.safetensors");
    let output = Command::new(env!("CARGO_BIN_EXE_grokking"))
        .args([
            "train",
            "--preset",
            "tiny",
            "--arch",
            "openai-gpt",
            "--alpha",
            "2",
            "--train-size",
            "60",
            "--steps",
            "1",
            "--eval-every",
            "1",
            "--save-init",
        ])
        .arg(&file)
        .output()
        .expect("the binary runs");
    assert!(output.status.success(), "{output:?}");
    let (tensors, metadata) = read(&std::fs::read(&file).unwrap());

    assert_eq!(metadata["format"], "grokking-init");
    assert_eq!(metadata["version"], "1");
    let config: Value = serde_json::from_str(&metadata["config"]).unwrap();
    assert_eq!(config["grokking"]["alpha"], 2.0);
    assert_eq!(config["model"]["arch"], "openai-gpt");
    // p = 31: the residues and `+ % p =`; sequences `a + b % p =`.
    let (p, d, mlp, n) = (31, 32, 128, 60);
    assert_eq!(metadata["vocab_size"], "35");
    assert_eq!(metadata["seq_len"], "6");

    let test_rows = tensors["data.test.labels"].shape[0];
    let mut expected: BTreeMap<String, Vec<usize>> = [
        ("tokens.weight", vec![p + 4, d]),
        ("positions.weight", vec![6, d]),
        ("blocks.0.mlp.up.weight", vec![d, mlp]),
        ("blocks.0.mlp.up.bias", vec![mlp]),
        ("blocks.0.mlp.down.weight", vec![mlp, d]),
        ("blocks.0.mlp.down.bias", vec![d]),
        ("data.train.tokens", vec![n, 6]),
        ("data.train.labels", vec![n]),
        ("data.test.tokens", vec![test_rows, 6]),
        ("data.test.labels", vec![test_rows]),
    ]
    .into_iter()
    .map(|(name, shape)| (name.to_owned(), shape))
    .collect();
    for name in ["query", "key", "value", "output"] {
        expected.insert(format!("blocks.0.attention.{name}.weight"), vec![d, d]);
        expected.insert(format!("blocks.0.attention.{name}.bias"), vec![d]);
    }
    for norm in ["ln_attention", "ln_mlp"] {
        expected.insert(format!("blocks.0.{norm}.gamma"), vec![d]);
        expected.insert(format!("blocks.0.{norm}.beta"), vec![d]);
    }
    assert_eq!(
        tensors.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    for (name, shape) in &expected {
        assert_eq!(&tensors[name].shape, shape, "{name}");
    }

    // After the α rescale: LayerNorm scales 1·α, biases 0, weights N(0, 0.02)·α.
    assert!(
        tensors["blocks.0.ln_mlp.gamma"]
            .f32s()
            .iter()
            .all(|&g| g == 2.0)
    );
    assert!(
        tensors["blocks.0.mlp.up.bias"]
            .f32s()
            .iter()
            .all(|&b| b == 0.0)
    );
    let weights = tensors["blocks.0.mlp.up.weight"].f32s();
    let std = (weights.iter().map(|w| w * w).sum::<f32>() / weights.len() as f32).sqrt();
    assert!((std - 0.04).abs() < 0.004, "std {std}");

    // The data: `a + b % p =` rows, answers (a + b) mod p.
    let tokens = tensors["data.train.tokens"].i32s();
    let labels = tensors["data.train.labels"].i32s();
    for (row, &label) in tokens.chunks(6).zip(&labels) {
        assert_eq!(label, (row[0] + row[2]) % p as i32, "{row:?}");
        assert_eq!(row[1], p as i32 + 1);
        assert_eq!(&row[3..], [p as i32 + 2, p as i32, p as i32 + 3]);
    }
}
