//! `cargo xtask gpu-sweep [--out DIR]`: what to run when a session has a data-centre GPU.
//!
//! Builds the CLI (its wgpu backend takes Vulkan there), records `grokking bench` on it, then
//! runs the paper's sample-wise sweep at p = 113 with the authors' GPT — exactly the CPU
//! sweep of docs/results (`mod113-paper.json`: independent subsets, one split for every seed,
//! 6,000 steps, the preset's evaluations), extended to N = 1000 … 9500 and 2 seeds, every run
//! of the sweep in one batched model; it starts from the CPU's file, so it trains only what
//! that lacks — and the same with our pre-LN GPT, each analysed over the authors' 6,000-step
//! window. Everything lands in DIR (default `docs/results/gpu/`), one file per step, so a run
//! cut short keeps what it finished.
//! The authors' form first: it is the one the paper used. Sized, before any GPU was seen, at
//! under 8 minutes on one H200; measured there (docs/results/gpu/README.md) a batched step
//! takes ≈ 650 ms, so each form needs ≈ 65 minutes.
//! `tools/gpu/device.sh` is this sweep for a device machine without cargo (prebuilt CLI):
//! the two write the same grid, so a change here goes there too.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::tools::{Tools, root, run};

const SIZES: &str = "1000:9500:500";
const SEEDS: &str = "0,1";
/// The window the authors analyse, and the CPU sweep's length.
const STEPS: &str = "6000";
/// The CPU sweep this one extends.
const CPU_SWEEP: &str = "docs/results/mod113-paper.json";

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
        let sweep = out.join(format!("paper-{arch}-6k.json"));
        if arch == "openai-gpt" && !sweep.exists() {
            std::fs::copy(root().join(CPU_SWEEP), &sweep)
                .map_err(|e| format!("cannot start from {CPU_SWEEP}: {e}"))?;
        }
        let sweep_path = sweep.to_string_lossy().into_owned();
        to_file(
            tools.command(&grokking).args([
                "sweep",
                "--preset",
                "paper",
                "--arch",
                arch,
                "--subsets",
                "independent",
                "--split",
                "shared",
                "--backend",
                "wgpu",
                "--train-sizes",
                SIZES,
                "--seeds",
                SEEDS,
                "--steps",
                STEPS,
                "--out",
                &sweep_path,
            ]),
            &out.join(format!("paper-{arch}-6k.txt")),
        )?;
        to_file(
            tools
                .command(&grokking)
                .args(["analyze", "--json", &sweep_path]),
            &out.join(format!("paper-{arch}-6k-analysis.json")),
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
