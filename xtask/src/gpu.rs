//! `cargo xtask gpu-sweep [--out DIR]`: what to run when a session has a data-centre GPU.
//!
//! Builds the CLI (its wgpu backend takes Vulkan there), records `grokking bench` on it, then
//! runs the paper's sample-wise sweep at p = 113 with the authors' GPT — N = 1000 … 5500 in
//! steps of 500, 2 seeds, 10k full-batch steps, every run of the sweep in one batched model —
//! and the same with our pre-LN GPT, each analysed. Everything lands in DIR (default
//! `docs/results/gpu/`), one file per step, so a run cut short keeps what it finished.
//! Sized to take well under 8 minutes on one H200-class GPU (the authors' form first: it is
//! the one the paper used).

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::tools::{Tools, root, run};

const SIZES: &str = "1000:5500:500";
const SEEDS: &str = "0,1";
const STEPS: &str = "10000";
/// σ = 100 steps (the authors') spans two evaluations.
const EVAL_EVERY: &str = "50";

pub fn gpu_sweep(args: &[String]) -> Result<(), String> {
    let out = match args {
        [] => root().join("docs/results/gpu"),
        [flag, dir] if flag == "--out" => PathBuf::from(dir),
        _ => return Err(crate::USAGE.to_owned()),
    };
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let tools = Tools::native();
    run(tools
        .command("cargo")
        .args(["build", "--release", "-p", "grokking-cli"]))?;
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from);
    let grokking = target
        .join("release/grokking")
        .to_string_lossy()
        .into_owned();

    // Which GPU, for the record (absent on machines without nvidia-smi).
    let _ = to_file(
        Command::new("nvidia-smi").args([
            "--query-gpu=name,driver_version,memory.total",
            "--format=csv",
        ]),
        &out.join("gpu.txt"),
    );
    to_file(
        tools
            .command(&grokking)
            .args(["bench", "--backend", "wgpu"]),
        &out.join("bench-wgpu.md"),
    )?;
    for arch in ["openai-gpt", "pre-ln"] {
        let sweep = out.join(format!("paper-{arch}-10k.json"));
        let sweep_path = sweep.to_string_lossy().into_owned();
        to_file(
            tools.command(&grokking).args([
                "sweep",
                "--preset",
                "paper",
                "--arch",
                arch,
                "--backend",
                "wgpu",
                "--train-sizes",
                SIZES,
                "--seeds",
                SEEDS,
                "--steps",
                STEPS,
                "--eval-every",
                EVAL_EVERY,
                "--out",
                &sweep_path,
            ]),
            &out.join(format!("paper-{arch}-10k.txt")),
        )?;
        to_file(
            tools
                .command(&grokking)
                .args(["analyze", "--json", &sweep_path]),
            &out.join(format!("paper-{arch}-10k-analysis.json")),
        )?;
    }
    println!("xtask: GPU results are in {}", out.display());
    Ok(())
}

/// Runs `command` with its standard output written to `path` (and its errors shown).
fn to_file(command: &mut Command, path: &Path) -> Result<(), String> {
    let file = File::create(path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    run(command.stdout(Stdio::from(file)))
}
