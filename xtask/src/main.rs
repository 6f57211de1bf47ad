//! Project automation: `cargo xtask <task>`.
//!
//! - `setup`  installs what the project needs beyond the Rust toolchain (idempotent).
//! - `lab`    sets up, builds the lab for release and serves it on http://127.0.0.1:8080
//!   (from `target/lab-serve/`, with trunk's live reload: never deploy that directory).
//! - `dist`   sets up and writes the deployable static site to `dist/` (clean, no dev
//!   server code; works from any host and sub-path).
//! - `test`   sets up and runs every check CI runs: format, lints, native tests, the
//!   cluster test (below), the core on WebGPU in headless Chromium, and the built lab driven
//!   in headless Chromium.
//! - `bench`  records training speed on the CPU backend.
//! - `screenshots` builds the site and photographs the real lab for the README
//!   (`tests/e2e/screenshots.mjs`: trains *Tiny* in headless Chromium) into `docs/images/`.
//! - `gpu-sweep [--out DIR]` builds the CLI for a GPU, benchmarks it and runs the paper's
//!   sweep with both GPT forms (see `gpu.rs`): run it whenever a GPU is lent.
//! - `cluster-test` brings up a single-node Slurm cluster here (`deploy/slurm/local-cluster.sh`),
//!   runs a planned sweep as an array job, kills and resubmits a task, and checks the merged
//!   sweep equals a local one (see `cluster.rs`).
//! - `data`   rebuilds the IMDB bundle in public/data/imdb from its registry package;
//!   `data --check` verifies the committed bundle is byte-identical to a fresh build.
//!
//! Tools come from registries only (crates.io, npm, Debian), never from the web at run
//! time: trunk runs offline against the versions installed here.

mod cluster;
mod gpu;
mod tools;

use std::path::PathBuf;
use std::process::ExitCode;

use tools::{Tools, root, run};

const USAGE: &str = "usage: cargo xtask <setup | lab [--port N] | dist | test | bench | screenshots | gpu-sweep [--out DIR] | cluster-test | data [--check]>";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => Tools::ensure().map(|_| ()),
        Some("lab") => lab(&args[1..]),
        Some("dist") => dist(),
        Some("test") => test(),
        Some("bench") => bench(),
        Some("screenshots") => screenshots(),
        Some("gpu-sweep") => gpu::gpu_sweep(&args[1..]),
        Some("cluster-test") => cluster::cluster_test(),
        Some("data") => data(&args[1..]),
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

fn lab(args: &[String]) -> Result<(), String> {
    let port = match args {
        [] => "8080".to_owned(),
        [flag, port] if flag == "--port" => port.clone(),
        _ => return Err(USAGE.to_owned()),
    };
    let tools = Tools::ensure_build()?;
    println!("xtask: building, then serving the lab on http://127.0.0.1:{port}/ (Ctrl-C stops)");
    // Not into dist/: a served build carries trunk's live-reload client, which a static
    // host would leave failing to connect forever.
    run(tools.command("trunk").args([
        "serve",
        "--release",
        "--dist",
        "target/lab-serve",
        "--address",
        "127.0.0.1",
        "--port",
        &port,
    ]))
}

/// The deployable site: a clean release build in `dist/`, with the pinned tools on PATH.
fn dist() -> Result<(), String> {
    let tools = Tools::ensure_build()?;
    let dist = root().join("dist");
    if dist.exists() {
        std::fs::remove_dir_all(&dist)
            .map_err(|e| format!("cannot clear {}: {e}", dist.display()))?;
    }
    run(tools
        .command("trunk")
        .args(["build", "--release", "--dist", "dist"]))?;
    println!(
        "xtask: the static site is in {} — copy it to any web server, at any path",
        dist.display()
    );
    Ok(())
}

/// The README's pictures: the release site, trained and photographed in headless Chromium.
fn screenshots() -> Result<(), String> {
    dist()?;
    let tools = Tools::ensure()?;
    run(tools
        .command("node")
        .arg("screenshots.mjs")
        .arg(root().join("dist"))
        .arg(root().join("docs/images"))
        .current_dir(root().join("tests/e2e")))
}

fn test() -> Result<(), String> {
    let started = std::time::Instant::now();
    let tools = Tools::ensure()?;
    println!(
        "xtask: tools ready after {:.0} s",
        started.elapsed().as_secs_f64()
    );
    run(tools
        .command("cargo")
        .args(["fmt", "--all", "--", "--check"]))?;
    // The app compiles natively too, so one native clippy covers every crate.
    run(tools.command("cargo").args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    run(tools.command("cargo").args(["test", "--workspace"]))?;
    // The bundle check runs the `grokking` binary the workspace tests just built: `cargo run
    // -p grokking-cli` resolves burn's features for the CLI alone and rebuilt the whole
    // dependency tree (6.5 of CI's 43 minutes).
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from);
    run(tools
        .command(&target.join("debug/grokking").to_string_lossy())
        .args(["prepare-imdb", "--check"]))?;
    // A planned sweep as a Slurm array on a one-node cluster here, a task killed and
    // resubmitted, merged = the same sweep trained locally (about 80 s; docs/cluster.md).
    cluster::run_with(&target.join("debug/grokking"))?;
    run(tools.command("trunk").args(["build", "--release"]))?;
    // The core on burn's WebGPU backend, in headless Chromium (webdriver.json has the flags).
    // In the app's profile and features, after trunk: it reuses the worker's compiled burn
    // (a second wasm build of burn cost CI about 20 minutes; app/tests/web.rs says more).
    run(tools
        .command("cargo")
        .args([
            "test",
            "-p",
            "grokking-app",
            "--target",
            "wasm32-unknown-unknown",
            "--profile",
            "wasm-release",
            "--test",
            "web",
        ])
        .env("CHROMEDRIVER", "/usr/bin/chromedriver")
        // SwiftShader compiles every kernel on the CPU: the default 20 s per test is short.
        .env("WASM_BINDGEN_TEST_TIMEOUT", "300"))?;
    // The lab as users get it, driven in headless Chromium (WebGPU on SwiftShader, and the
    // CPU fallback). A screenshot and the measured numbers land in artifacts/.
    let dist = root().join("dist");
    let artifacts = root().join("artifacts");
    run(tools
        .command("node")
        .arg("lab.test.mjs")
        .arg(&dist)
        .arg(&artifacts)
        .current_dir(root().join("tests/e2e")))?;
    println!(
        "xtask: all checks passed in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The IMDB bundle: downloads the wheel (cached in target/), prepares, writes or checks.
fn data(args: &[String]) -> Result<(), String> {
    let check = match args {
        [] => false,
        [flag] if flag == "--check" => true,
        _ => return Err(USAGE.to_owned()),
    };
    let mut command = Tools::native().command("cargo");
    command
        .args(["run", "-p", "grokking-cli", "--", "prepare-imdb"])
        .current_dir(root());
    if check {
        command.arg("--check");
    }
    run(&mut command)
}

fn bench() -> Result<(), String> {
    let tools = Tools::native();
    run(tools.command("cargo").args([
        "run",
        "--release",
        "-p",
        "grokking-cli",
        "--",
        "bench",
        "--backend",
        "cpu",
    ]))
}
