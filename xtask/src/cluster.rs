//! `cargo xtask cluster-test`: a sweep run as a Slurm array on a single-node cluster on this
//! machine (`deploy/slurm/local-cluster.sh`, Debian's slurm-wlm), merged, equals the same
//! sweep trained locally; and a task killed mid-run, resubmitted, loses nothing.
//!
//! 1. `grokking plan` the tiny grid of `cli/tests/cluster.rs` (4 items), `sbatch --wait
//!    --array=0-3%2 deploy/slurm/sweep.sbatch`.
//! 2. A second plan of two longer items: submit both, `scancel` item 0 once it is training
//!    (its lock file is there), let item 1 finish; item 0 left no result and no partial
//!    file (scancel's SIGTERM made it save a checkpoint), `grokking merge` names it;
//!    resubmit the whole range: item 1 is skipped, item 0 resumes from its checkpoint, the
//!    merge succeeds.
//! 3. `grokking merge` the first plan, `grokking sweep` the same grid locally: the same runs
//!    (configs), the same histories and summaries within 1e-6, the same `grokking analyze
//!    --json`.
//!
//! The cluster is stopped at the end, failed or not, unless it was up before the test.
//! The work directory (plans, results, Slurm's task logs) is removed on success and kept
//! on failure.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::tools::{Tools, root, run};

/// The tiny grid of `cli/tests/cluster.rs` with `steps` steps and `seeds` seeds.
fn grid<'a>(steps: &'a str, seeds: &'a str) -> [&'a str; 18] {
    [
        "--preset",
        "tiny",
        "--modulus",
        "7",
        "--d-model",
        "8",
        "--d-mlp",
        "16",
        "--heads",
        "2",
        "--eval-every",
        "10",
        "--steps",
        steps,
        "--train-sizes",
        "20,30",
        "--seeds",
        seeds,
    ]
}

/// Four items of 60 steps: the sweep merged and compared with a local one.
fn short_grid() -> [&'static str; 18] {
    grid("60", "0,1")
}

/// Two items of 3000 steps (~20 s each in a debug build on a busy 2-core machine): long
/// enough that the kill always lands mid-run.
fn long_grid() -> [&'static str; 18] {
    grid("3000", "0")
}

/// Numbers compared between the merged and the local sweep agree within this (relative
/// to their size when above 1).
const TOLERANCE: f64 = 1e-6;

pub fn cluster_test() -> Result<(), String> {
    run(Tools::native()
        .command("cargo")
        .args(["build", "-p", "grokking-cli"]))?;
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from);
    run_with(&target.join("debug/grokking"))
}

/// The test against a `grokking` built already (`cargo xtask test` passes the one its
/// `cargo test --workspace` built: building the CLI alone would resolve other features and
/// rebuild its dependencies).
pub fn run_with(grokking: &Path) -> Result<(), String> {
    let started = Instant::now();
    let grokking = grokking.to_path_buf();
    let work = std::env::temp_dir().join(format!("grokking-cluster-test-{}", std::process::id()));
    std::fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;

    let script = root().join("deploy/slurm/local-cluster.sh");
    let was_up = Command::new("bash")
        .arg(&script)
        .arg("status")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let cluster_started = Instant::now();
    let result = start_cluster(&script).and_then(|conf| {
        println!(
            "xtask: cluster up in {:.1} s",
            cluster_started.elapsed().as_secs_f64()
        );
        let test = Test {
            grokking,
            work: work.clone(),
            conf,
            sbatch: root().join("deploy/slurm/sweep.sbatch"),
        };
        test.sweep_equals_local()
    });
    if !was_up {
        let stopped = run(Command::new("bash").arg(&script).arg("stop"));
        if result.is_ok() {
            stopped?;
        }
    }
    match result {
        Ok(()) => {
            let _ = std::fs::remove_dir_all(&work);
            println!(
                "xtask: cluster test passed in {:.0} s (wall time, build included)",
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Err(error) => Err(format!(
            "cluster test failed after {:.0} s: {error}\n(plans, results and Slurm's task logs are in {})",
            started.elapsed().as_secs_f64(),
            work.display()
        )),
    }
}

/// Starts the local cluster; returns its slurm.conf (the script's `export SLURM_CONF=` line).
fn start_cluster(script: &Path) -> Result<PathBuf, String> {
    println!("xtask: $ bash {} start", script.display());
    let output = Command::new("bash")
        .arg(script)
        .arg("start")
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
    if !output.status.success() {
        return Err(format!("{} failed ({})", script.display(), output.status));
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("export SLURM_CONF="))
        .map(PathBuf::from)
        .ok_or_else(|| format!("{} did not say where slurm.conf is", script.display()))
}

struct Test {
    grokking: PathBuf,
    work: PathBuf,
    conf: PathBuf,
    sbatch: PathBuf,
}

/// A finished command: whether it succeeded, and its stdout and stderr together.
struct Outcome {
    success: bool,
    text: String,
}

impl Test {
    fn path(&self, name: &str) -> String {
        self.work.join(name).to_string_lossy().into_owned()
    }

    fn capture(command: &mut Command) -> Result<Outcome, String> {
        let shown = format!("{command:?}").replace('"', "");
        println!("xtask: $ {shown}");
        let output = command
            .output()
            .map_err(|e| format!("cannot start {shown}: {e}"))?;
        Ok(Outcome {
            success: output.status.success(),
            text: format!(
                "{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ),
        })
    }

    fn grokking(&self, args: &[&str]) -> Result<Outcome, String> {
        Self::capture(
            Command::new(&self.grokking)
                .args(args)
                .env_remove("SLURM_ARRAY_TASK_ID")
                .env_remove("JOB_COMPLETION_INDEX")
                .env("RUST_BACKTRACE", "0"),
        )
    }

    /// `grokking ARGS`, which must succeed; its output.
    fn grokking_ok(&self, args: &[&str]) -> Result<String, String> {
        let outcome = self.grokking(args)?;
        if outcome.success {
            Ok(outcome.text)
        } else {
            Err(format!(
                "grokking {} failed:\n{}",
                args.join(" "),
                outcome.text
            ))
        }
    }

    /// A Slurm command against the local cluster.
    fn slurm(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        command.env("SLURM_CONF", &self.conf);
        command
    }

    /// `sbatch ARGS deploy/slurm/sweep.sbatch` for `plan` writing into `results`; task logs
    /// go to `<work>/<log>-<job>_<index>.out`.
    fn submit(
        &self,
        plan: &str,
        results: &str,
        log: &str,
        args: &[&str],
    ) -> Result<Outcome, String> {
        let output = format!("--output={}", self.path(&format!("{log}-%A_%a.out")));
        Self::capture(
            self.slurm("sbatch")
                .args(args)
                .arg(&output)
                .arg(&self.sbatch)
                .env("PLAN", plan)
                .env("RESULTS", results)
                .env("GROKKING", &self.grokking)
                .env("BACKEND", "cpu")
                .env("RUST_BACKTRACE", "0")
                .current_dir(&self.work),
        )
    }

    /// Submits `array` of `plan`, waits for every task, returns the job id.
    fn submit_and_wait(
        &self,
        plan: &str,
        results: &str,
        log: &str,
        array: &str,
    ) -> Result<String, String> {
        let outcome = self.submit(plan, results, log, &["--wait", &format!("--array={array}")])?;
        if !outcome.success {
            return Err(format!(
                "the array {array} of {plan} failed:\n{}{}",
                outcome.text,
                self.task_logs(log)
            ));
        }
        outcome
            .text
            .lines()
            .find_map(|line| line.strip_prefix("Submitted batch job "))
            .map(|job| job.trim().to_owned())
            .ok_or_else(|| format!("sbatch did not say the job id:\n{}", outcome.text))
    }

    /// Every task log of submissions named `log`, for error messages.
    fn task_logs(&self, log: &str) -> String {
        let mut text = String::new();
        for path in self.logs(log) {
            let contents = std::fs::read_to_string(&path).unwrap_or_default();
            text.push_str(&format!("--- {}\n{contents}", path.display()));
        }
        text
    }

    fn logs(&self, log: &str) -> Vec<PathBuf> {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&self.work)
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| {
                path.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(&format!("{log}-")) && n.ends_with(".out"))
            })
            .collect();
        paths.sort();
        paths
    }

    fn sweep_equals_local(&self) -> Result<(), String> {
        let (plan, results, merged) = (
            self.path("plan.json"),
            self.path("results"),
            self.path("merged.json"),
        );
        let mut args = vec!["plan"];
        args.extend(short_grid());
        args.extend(["--out", &plan]);
        let said = self.grokking_ok(&args)?;
        if !said.contains("4 runs in 4 items") {
            return Err(format!("the plan should have 4 items:\n{said}"));
        }
        let phase = Instant::now();
        self.submit_and_wait(&plan, &results, "sweep", "0-3%2")?;
        println!(
            "xtask: 4 array tasks done in {:.1} s",
            phase.elapsed().as_secs_f64()
        );

        let phase = Instant::now();
        self.killed_task_loses_nothing()?;
        println!(
            "xtask: kill and resubmission checked in {:.1} s",
            phase.elapsed().as_secs_f64()
        );

        println!(
            "{}",
            self.grokking_ok(&["merge", &results, "--plan", &plan, "--out", &merged])?
        );
        let local = self.path("local.json");
        let mut args = vec!["sweep"];
        args.extend(short_grid());
        args.extend(["--out", &local]);
        self.grokking_ok(&args)?;

        let (merged_runs, local_runs) = (runs(&merged)?, runs(&local)?);
        if merged_runs.len() != 4 || local_runs.len() != 4 {
            return Err(format!(
                "expected 4 runs each: merged {}, local {}",
                merged_runs.len(),
                local_runs.len()
            ));
        }
        for ((key, m), (local_key, l)) in merged_runs.iter().zip(&local_runs) {
            if key != local_key {
                return Err(format!(
                    "the merged and the local sweep ran different configurations:\n{key}\n{local_key}"
                ));
            }
            for field in ["history", "summary"] {
                close(&m[field], &l[field], &format!("run {key}: {field}"))?;
            }
        }
        let analysis = |file: &str| -> Result<Value, String> {
            let text = self.grokking_ok(&["analyze", file, "--json"])?;
            serde_json::from_str(&text)
                .map_err(|e| format!("grokking analyze {file} --json is not JSON ({e}):\n{text}"))
        };
        close(&analysis(&merged)?, &analysis(&local)?, "analysis")?;
        println!(
            "xtask: the merged sweep equals the local one (4 runs: configs, histories, summaries, analysis)"
        );
        Ok(())
    }

    /// Two long items; item 0 is cancelled while it trains, item 1 finishes. Nothing of
    /// item 0 remains; the merge names it; resubmitting the range trains only item 0.
    fn killed_task_loses_nothing(&self) -> Result<(), String> {
        let (plan, results, merged) = (
            self.path("long.json"),
            self.path("long-results"),
            self.path("long-merged.json"),
        );
        let mut args = vec!["plan"];
        args.extend(long_grid());
        args.extend(["--out", &plan]);
        self.grokking_ok(&args)?;
        let ids = item_ids(&plan)?;
        if ids.len() != 2 {
            return Err(format!("{plan} should have 2 items, not {}", ids.len()));
        }
        let result = |index: usize| Path::new(&results).join(format!("item-{}.json", ids[index]));
        let lock = Path::new(&results).join(format!(".item-{}.json.lock", ids[0]));

        let outcome = self.submit(&plan, &results, "long", &["--parsable", "--array=0-1%2"])?;
        if !outcome.success {
            return Err(format!("sbatch failed:\n{}", outcome.text));
        }
        let job = outcome
            .text
            .split([';', '\n'])
            .next()
            .unwrap_or_default()
            .trim()
            .to_owned();
        // Item 0 is training once its lock file is there (run-task takes it before it
        // trains and removes it when it is done).
        wait_for(Duration::from_secs(300), "item 0 to start training", || {
            Ok(lock.exists())
        })?;
        if result(0).exists() {
            return Err(
                "item 0 finished before it could be killed: make long_grid() longer".into(),
            );
        }
        let task = format!("{job}_0");
        run(self.slurm("scancel").arg(&task))?;
        // The array is over when Slurm no longer lists it (item 1 trains on meanwhile).
        wait_for(Duration::from_secs(600), "the array to end", || {
            let output = self
                .slurm("squeue")
                .args(["-h", "-j", &job])
                .output()
                .map_err(|e| format!("cannot run squeue: {e}"))?;
            Ok(output.status.success() && output.stdout.iter().all(u8::is_ascii_whitespace))
        })?;
        let killed_log = self.path(&format!("long-{job}_0.out"));
        let killed = std::fs::read_to_string(&killed_log).unwrap_or_default();
        if !killed.contains("CANCELLED") {
            return Err(format!(
                "task {task} was not cancelled mid-run; its log {killed_log}:\n{killed}"
            ));
        }
        if result(0).exists() {
            return Err(format!(
                "the killed item 0 left a result: {}",
                result(0).display()
            ));
        }
        if !result(1).exists() {
            return Err(format!(
                "item 1 did not finish beside the killed item 0:\n{}",
                self.task_logs("long")
            ));
        }
        let leftovers: Vec<String> = std::fs::read_dir(&results)
            .map_err(|e| format!("cannot read {results}: {e}"))?
            .flatten()
            .filter_map(|entry| entry.file_name().to_str().map(str::to_owned))
            .filter(|name| name.ends_with(".partial"))
            .collect();
        if !leftovers.is_empty() {
            return Err(format!("the killed task left partial files: {leftovers:?}"));
        }
        let outcome = self.grokking(&["merge", &results, "--plan", &plan, "--out", &merged])?;
        if outcome.success || !outcome.text.contains("1 of 2 items have no result yet: 0") {
            return Err(format!(
                "the merge should name the killed item 0 as missing:\n{}",
                outcome.text
            ));
        }
        println!("xtask: item 0 killed mid-run: no result, no partial file; merge says:");
        println!("{}", outcome.text.lines().next().unwrap_or_default());

        // Resubmitting the whole range is safe: item 1 is done already and is skipped.
        let job = self.submit_and_wait(&plan, &results, "long", "0-1")?;
        let log = |index: usize| {
            std::fs::read_to_string(self.path(&format!("long-{job}_{index}.out")))
                .unwrap_or_default()
        };
        if !log(0).contains("item 0 (") || !log(1).contains("done already") {
            return Err(format!(
                "the resubmission should train item 0 and skip item 1:\n{}",
                self.task_logs("long")
            ));
        }
        // scancel's SIGTERM made item 0 save its progress: it goes on from there.
        if !log(0).contains("resuming from its checkpoint at step") {
            return Err(format!(
                "the resubmitted item 0 should resume from the checkpoint its SIGTERM saved:\n{}",
                self.task_logs("long")
            ));
        }
        self.grokking_ok(&["merge", &results, "--plan", &plan, "--out", &merged])?;
        let runs = runs(&merged)?;
        let steps = |run: &Value| {
            run["history"]
                .as_array()
                .and_then(|h| h.last())
                .map(|p| p["step"].clone())
        };
        if runs.len() != 2
            || runs
                .iter()
                .any(|(_, run)| steps(run) != Some(Value::from(3000)))
        {
            return Err(format!("{merged} should hold 2 runs trained to step 3000"));
        }
        println!(
            "xtask: resubmitted: item 0 resumed from its checkpoint, item 1 skipped, the merge has both"
        );
        Ok(())
    }
}

fn wait_for(
    limit: Duration,
    what: &str,
    mut done: impl FnMut() -> Result<bool, String>,
) -> Result<(), String> {
    let start = Instant::now();
    while !done()? {
        if start.elapsed() > limit {
            return Err(format!("waited {} s for {what}", limit.as_secs()));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(())
}

fn read_json(path: &str) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("{path} is not JSON: {e}"))
}

/// The plan's item ids, in order: item I's result is `item-<id>.json`.
fn item_ids(plan: &str) -> Result<Vec<String>, String> {
    read_json(plan)?["items"]
        .as_array()
        .ok_or_else(|| format!("{plan} has no items"))?
        .iter()
        .map(|item| {
            item["id"]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| format!("an item of {plan} has no id"))
        })
        .collect()
}

/// A sweep file's runs keyed by their whole configuration (as JSON text), sorted by it.
fn runs(path: &str) -> Result<Vec<(String, Value)>, String> {
    let sweep = read_json(path)?;
    let mut runs: Vec<(String, Value)> = sweep["runs"]
        .as_array()
        .ok_or_else(|| format!("{path} has no runs"))?
        .iter()
        .map(|run| (run["config"].to_string(), run.clone()))
        .collect();
    runs.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(runs)
}

/// Equal JSON, numbers within `TOLERANCE`.
fn close(a: &Value, b: &Value, at: &str) -> Result<(), String> {
    let differ = || Err(format!("{at}: {a} vs {b}"));
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (
                x.as_f64().unwrap_or(f64::NAN),
                y.as_f64().unwrap_or(f64::NAN),
            );
            if (x - y).abs() <= TOLERANCE * x.abs().max(y.abs()).max(1.0) {
                Ok(())
            } else {
                differ()
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                return Err(format!("{at}: {} vs {} entries", x.len(), y.len()));
            }
            x.iter()
                .zip(y)
                .enumerate()
                .try_for_each(|(i, (x, y))| close(x, y, &format!("{at}[{i}]")))
        }
        (Value::Object(x), Value::Object(y)) => {
            if x.len() != y.len() || x.keys().any(|k| !y.contains_key(k)) {
                return Err(format!(
                    "{at}: fields {:?} vs {:?}",
                    x.keys().collect::<Vec<_>>(),
                    y.keys().collect::<Vec<_>>()
                ));
            }
            x.iter()
                .try_for_each(|(k, v)| close(v, &y[k], &format!("{at}.{k}")))
        }
        _ if a == b => Ok(()),
        _ => differ(),
    }
}
