//! The `grokking` binary end to end: batching is an implementation detail of a sweep.

use std::path::Path;
use std::process::Command;

use grokking_lab::record::{self, RunRecord};

fn sweep(out: &Path, batch_runs: &str) -> Vec<RunRecord> {
    let status = Command::new(env!("CARGO_BIN_EXE_grokking"))
        .args([
            "sweep",
            "--preset",
            "tiny",
            "--modulus",
            "11",
            "--d-model",
            "16",
            "--d-mlp",
            "32",
            "--lr",
            "0.003",
            "--steps",
            "60",
            "--eval-every",
            "20",
            "--train-sizes",
            "30,60,90",
            "--seeds",
            "0,1",
            "--batch-runs",
            batch_runs,
            "--out",
        ])
        .arg(out)
        .status()
        .expect("the binary runs");
    assert!(status.success());
    let text = std::fs::read_to_string(out).unwrap();
    let mut runs = record::load(&text).unwrap().into_runs();
    runs.sort_by_key(|r| (r.config.train_size(), r.config.seed));
    runs
}

#[test]
fn a_batched_sweep_gives_the_histories_of_one_run_at_a_time() {
    let dir = std::env::temp_dir().join(format!("grokking-sweep-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let one = sweep(&dir.join("one.json"), "1");
    let two = sweep(&dir.join("two.json"), "2");
    let all = sweep(&dir.join("all.json"), "6");
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(one.len(), 6);
    for batched in [&two, &all] {
        assert_eq!(batched.len(), one.len());
        for (b, s) in batched.iter().zip(&one) {
            assert_eq!(b.config, s.config);
            assert_eq!(b.history.len(), s.history.len());
            for (b, s) in b.history.iter().zip(&s.history) {
                assert_eq!(b.step, s.step);
                assert!(
                    (b.train_loss - s.train_loss).abs() <= 1e-3 * s.train_loss,
                    "{b:?} vs {s:?}"
                );
                assert!(
                    (b.test_loss - s.test_loss).abs() <= 1e-3 * s.test_loss,
                    "{b:?} vs {s:?}"
                );
                assert!((b.train_acc - s.train_acc).abs() <= 0.01, "{b:?} vs {s:?}");
                assert!((b.test_acc - s.test_acc).abs() <= 0.01, "{b:?} vs {s:?}");
            }
        }
    }
    assert!(one[0].history.last().unwrap().train_loss < one[0].history[0].train_loss);
}

/// `grokking sweep` of a tiny model on a + b mod 7, with `extra` settings, into `out`.
fn tiny_sweep_command(out: &Path, extra: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_grokking"));
    command
        .args([
            "sweep",
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
        ])
        .args(extra)
        .arg("--out")
        .arg(out);
    command
}

fn tiny_sweep(out: &Path, extra: &[&str]) -> std::process::Output {
    tiny_sweep_command(out, extra)
        .output()
        .expect("the binary runs")
}

fn scratch_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("grokking-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn resuming_a_sweep_file_with_other_settings_is_refused_and_names_the_setting() {
    let dir = scratch_dir("resume");
    let out = dir.join("mix.json");
    let first = tiny_sweep(&out, &["--train-sizes", "10,20", "--steps", "20"]);
    assert!(first.status.success(), "{first:?}");
    let before = std::fs::read_to_string(&out).unwrap();
    let second = tiny_sweep(&out, &["--train-sizes", "10,20", "--steps", "40"]);
    assert!(!second.status.success());
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(
        stderr.contains("--steps is 20 there and 40 now"),
        "{stderr}"
    );
    assert!(stderr.contains("new --out"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        before,
        "nothing lost"
    );
    // The same settings resume (nothing left to train).
    let again = tiny_sweep(&out, &["--train-sizes", "10,20", "--steps", "20"]);
    assert!(again.status.success(), "{again:?}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn duplicate_runs_and_a_missing_output_directory_are_refused_before_training() {
    let dir = scratch_dir("refusals");
    let twice = tiny_sweep(
        &dir.join("d.json"),
        &["--train-sizes", "10,10", "--seeds", "0,0"],
    );
    assert!(!twice.status.success());
    assert!(String::from_utf8_lossy(&twice.stderr).contains("twice"));
    // Each list is capped; their product is too, before anything is built (30 × 1,000).
    let huge = tiny_sweep(
        &dir.join("h.json"),
        &["--train-sizes", "1:30:1", "--seeds", "0:999:1"],
    );
    assert!(!huge.status.success());
    let stderr = String::from_utf8_lossy(&huge.stderr);
    assert!(stderr.contains("= 30000 runs; at most 10000"), "{stderr}");
    // A plan of 10⁶ items meets the same check before any config is built (0.2 s of CPU
    // here; no timing is asserted).
    let plan = Command::new(env!("CARGO_BIN_EXE_grokking"))
        .args(["plan", "--preset", "tiny", "--train-sizes", "1:1000:1"])
        .args(["--seeds", "0:999:1", "--out"])
        .arg(dir.join("plan.json"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&plan.stderr);
    assert!(stderr.contains("= 1000000 runs; at most 10000"), "{stderr}");
    assert!(!dir.join("plan.json").exists());
    let missing = tiny_sweep(
        &dir.join("no/such/dir.json"),
        &["--train-sizes", "10", "--steps", "20"],
    );
    assert!(!missing.status.success());
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(stderr.contains("does not exist"), "{stderr}");
    assert!(
        !String::from_utf8_lossy(&missing.stdout).contains("N="),
        "nothing trained"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

/// Adam with β₂ = 0 below β₁² and a vanishing ε (each inside its range) blows up at once:
/// the sweep writes what it has, prints the table with the runs as `diverged`, and exits 1
/// naming them — never 0 with "undertrained".
#[test]
fn a_sweep_whose_runs_diverge_keeps_them_and_exits_non_zero_naming_them() {
    let dir = scratch_dir("diverge");
    let out = dir.join("diverged.json");
    let output = tiny_sweep(
        &out,
        &[
            "--steps",
            "100",
            "--train-sizes",
            "20,30",
            "--weight-decay",
            "0",
            "--lr",
            "1",
            "--beta1",
            "0.9999",
            "--beta2",
            "0",
            "--epsilon",
            "1e-12",
        ],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("2 run(s) diverged (N=20 seed 0 at step"),
        "{stderr}"
    );
    assert!(
        stderr.contains("their histories up to there are kept"),
        "{stderr}"
    );
    assert_eq!(stdout.matches("diverged").count(), 2, "{stdout}");
    let runs = record::load(&std::fs::read_to_string(&out).unwrap())
        .unwrap()
        .into_runs();
    assert_eq!(runs.len(), 2);
    for run in &runs {
        assert_eq!(run.summary.regime.name(), "diverged");
        assert!(run.summary.diverged_at.is_some());
        assert!(!run.history.is_empty(), "the finite evaluations are kept");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

/// A sweep killed outright (SIGKILL: no chance to save) between two batches loses no
/// finished run: each batch's runs are in the journal beside the file the moment they
/// finish, and the next start takes them from there instead of training them again.
#[cfg(unix)]
#[test]
fn a_killed_sweep_recovers_its_finished_batches_from_the_journal() {
    let dir = scratch_dir("journal");
    let out = dir.join("sweep.json");
    let journal = dir.join(".sweep.json.journal");
    let args = |out: &Path| {
        let batches = ["--steps", "400", "--train-sizes", "10,20"];
        let one_at_a_time = ["--batch-runs", "1", "--jobs", "1"];
        tiny_sweep_command(out, &[batches, one_at_a_time].concat())
    };
    let mut child = args(&out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while !journal.exists() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(300),
            "no batch finished"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    // SAFETY: kill(2) on our own child's pid; no memory is involved.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGKILL) }, 0);
    let _ = child.wait();
    let lines = std::fs::read_to_string(&journal).unwrap().lines().count();
    assert_eq!(lines, 1, "the first batch's run, appended whole");
    assert!(
        !out.exists(),
        "the file is rewritten every few minutes, not per batch"
    );

    let resumed = args(&out).output().unwrap();
    let stdout = String::from_utf8_lossy(&resumed.stdout);
    assert!(resumed.status.success(), "{stdout}");
    assert!(stdout.contains("recovered 1 finished run(s)"), "{stdout}");
    assert!(stdout.contains("1 runs kept"), "{stdout}");
    let runs = record::load(&std::fs::read_to_string(&out).unwrap())
        .unwrap()
        .into_runs();
    assert_eq!(runs.len(), 2, "the recovered run and the one trained now");
    assert!(!journal.exists(), "folded into the file");
    std::fs::remove_dir_all(dir).unwrap();
}
