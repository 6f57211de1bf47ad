//! A run the machine cannot hold is refused before training, with its numbers, and writes
//! nothing: without the check the kernel kills the process with no message.

use std::path::PathBuf;
use std::process::{Command, Output};

use grokking_lab::data;
use grokking_lab::footprint;
use grokking_lab::presets;
use grokking_lab::settings::SETTINGS;

/// The binary's allowance beside the batches (`memory::BASELINE`).
const BASELINE: u64 = 64 << 20;

const SMALL: [(&str, &str); 5] = [
    ("modulus", "11"),
    ("d-model", "16"),
    ("d-mlp", "32"),
    ("steps", "20"),
    ("eval-every", "10"),
];

fn grokking(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_grokking"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("grokking-memory-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The core's estimate for one run of `SMALL` at `train_size`.
fn estimate(train_size: usize) -> u64 {
    let mut config = presets::TINY.config(train_size);
    for (key, value) in SMALL {
        let setting = SETTINGS.iter().find(|s| s.key == key).unwrap();
        setting.apply(&mut config, value).unwrap();
    }
    let data = data::dataset(&config, None).unwrap();
    footprint::estimate(&config, &[&data]).total
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_run_larger_than_max_memory_exits_1_before_training_and_writes_nothing() {
    let out = scratch("train").join("run.json");
    // The configuration from issue 28: inside every limit, ≈ 190 GiB to train.
    let output = grokking(&[
        "train",
        "--modulus",
        "257",
        "--pool-fraction",
        "0.95",
        "--train-size",
        "62000",
        "--d-model",
        "1024",
        "--d-mlp",
        "4096",
        "--heads",
        "32",
        "--layers",
        "8",
        "--max-memory",
        "16G",
        "--out",
        out.to_str().unwrap(),
    ]);
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{message}");
    assert!(
        message.contains("this run would need ≈") && message.contains("--max-memory is 16.0 GiB"),
        "{message}"
    );
    assert!(!message.contains("panicked"), "{message}");
    assert!(!out.exists());
}

#[test]
fn a_sweep_whose_batches_do_not_fit_together_is_refused_and_one_job_fits() {
    let out = scratch("sweep").join("sweep.json");
    // Room for the larger run, not for both at once.
    let limit = (BASELINE + estimate(30) + estimate(60) - 1).to_string();
    let sweep = |jobs: &str| {
        let mut args = vec!["sweep", "--preset", "tiny"];
        let flags: Vec<String> = SMALL.iter().map(|(key, _)| format!("--{key}")).collect();
        for ((_, value), flag) in SMALL.iter().zip(&flags) {
            args.extend([flag.as_str(), value]);
        }
        args.extend([
            "--train-sizes",
            "30,60",
            "--jobs",
            jobs,
            "--max-memory",
            &limit,
        ]);
        args.extend(["--out", out.to_str().unwrap()]);
        grokking(&args)
    };
    let refused = sweep("2");
    let message = stderr(&refused);
    assert_eq!(refused.status.code(), Some(1), "{message}");
    assert!(message.contains("2 batches trained at once"), "{message}");
    assert!(!out.exists());
    let trained = sweep("1");
    assert!(trained.status.success(), "{}", stderr(&trained));
    assert!(out.exists());
}
