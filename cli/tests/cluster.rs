//! A sweep split by `grokking plan`, run item by item as a scheduler would (`run-task` with
//! the index from the flag, `SLURM_ARRAY_TASK_ID` or `JOB_COMPLETION_INDEX`), merged by
//! `grokking merge`: the same sweep as `grokking sweep` on one machine.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use grokking_lab::record::{self, RunRecord};

const GRID: [&str; 18] = [
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
    "60",
    "--train-sizes",
    "20,30",
    "--seeds",
    "0,1",
];

/// `GRID` with other values for some of its flags.
fn grid_with(changes: &[(&str, &'static str)]) -> Vec<&'static str> {
    GRID.chunks(2)
        .flat_map(|pair| {
            let value = changes
                .iter()
                .find(|(flag, _)| *flag == pair[0])
                .map_or(pair[1], |&(_, value)| value);
            [pair[0], value]
        })
        .collect()
}

fn grokking(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_grokking"));
    command.args(args);
    command
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("JOB_COMPLETION_INDEX");
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("the binary runs")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn runs(path: &Path) -> Vec<RunRecord> {
    let mut runs = record::load(&std::fs::read_to_string(path).unwrap())
        .unwrap()
        .into_runs();
    runs.sort_by_key(|r| (r.config.train_size(), r.config.seed));
    runs
}

#[test]
fn planned_tasks_merged_equal_a_local_sweep_and_nothing_is_lost_or_mixed() {
    let dir = std::env::temp_dir().join(format!("grokking-cluster-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = |name: &str| dir.join(name).to_str().unwrap().to_owned();
    let (plan, results, merged) = (path("plan.json"), path("results"), path("merged.json"));
    let other_plan = path("batched.json");

    let mut args = vec!["plan"];
    args.extend(GRID);
    args.extend(["--out", &plan]);
    let output = grokking(&args, &[]);
    assert!(output.status.success(), "{}", text(&output));
    assert!(
        text(&output).contains("4 runs in 4 items"),
        "{}",
        text(&output)
    );
    // Batched as `sweep` batches: runs of one shape together, up to --batch-runs.
    let mut batched = args.clone();
    batched.truncate(batched.len() - 2);
    batched.extend(["--batch-runs", "2", "--out", &other_plan]);
    let output = grokking(&batched, &[]);
    assert!(
        text(&output).contains("4 runs in 2 items"),
        "{}",
        text(&output)
    );

    let merge = || grokking(&["merge", &results, "--plan", &plan, "--out", &merged], &[]);
    let task = |index: &str, env: &[(&str, &str)]| {
        let mut args = vec!["run-task", "--plan", &plan, "--out", &results];
        if !index.is_empty() {
            args.extend(["--index", index]);
        }
        let output = grokking(&args, env);
        assert!(output.status.success(), "{}", text(&output));
        text(&output)
    };
    task("0", &[]);
    task("", &[("SLURM_ARRAY_TASK_ID", "1")]);
    task("", &[("JOB_COMPLETION_INDEX", "2")]);
    // One item missing: the merge names it and the command that runs it.
    let output = merge();
    assert!(!output.status.success());
    assert!(
        text(&output).contains("1 of 4 items have no result yet: 3"),
        "{}",
        text(&output)
    );
    assert!(
        text(&output).contains("grokking run-task --plan"),
        "{}",
        text(&output)
    );
    task("3", &[]);
    // A resubmitted task finds its result and trains nothing.
    assert!(task("0", &[]).contains("done already"));
    let output = merge();
    assert!(output.status.success(), "{}", text(&output));

    let local = path("local.json");
    let mut args = vec!["sweep"];
    args.extend(GRID);
    args.extend(["--out", &local]);
    assert!(grokking(&args, &[]).status.success());
    let (merged_runs, local_runs) = (runs(Path::new(&merged)), runs(Path::new(&local)));
    assert_eq!(merged_runs.len(), 4);
    for (m, l) in merged_runs.iter().zip(&local_runs) {
        assert_eq!(m.config, l.config);
        assert_eq!(m.summary.regime, l.summary.regime);
        assert_eq!(m.history.len(), l.history.len());
        for (a, b) in m.history.iter().zip(&l.history) {
            assert_eq!(a.step, b.step);
            assert!((a.train_loss - b.train_loss).abs() < 1e-6, "{a:?} vs {b:?}");
            assert_eq!(a.test_acc, b.test_acc);
        }
        // What each run learned travels through run files and the merge too.
        assert!(!m.learned.is_empty());
        assert_eq!(m.learned.len(), l.learned.len());
        for (a, b) in m.learned.iter().zip(&l.learned) {
            assert_eq!((a.step, &a.answers), (b.step, &b.answers));
        }
    }

    // A plan that shares item 0 with this one (one more seed) finds this plan's result under
    // its own item's name: it refuses, and the result stays.
    let wider = path("wider.json");
    let mut args = vec!["plan"];
    args.extend(&GRID[..GRID.len() - 1]);
    args.extend(["0,1,2", "--out", &wider]);
    assert!(grokking(&args, &[]).status.success());
    let kept = std::fs::read_dir(&results).unwrap().count();
    let output = grokking(
        &[
            "run-task", "--plan", &wider, "--index", "0", "--out", &results,
        ],
        &[],
    );
    assert!(!output.status.success(), "{}", text(&output));
    assert!(
        text(&output).contains("is a result of another plan"),
        "{}",
        text(&output)
    );
    assert_eq!(std::fs::read_dir(&results).unwrap().count(), kept);
    assert!(merge().status.success(), "this plan's results are intact");

    // A result of another plan in the same directory is refused, by name.
    let other = path("other.json");
    let mut args = vec!["plan"];
    args.extend(GRID);
    args.extend(["--out", &other, "--alpha", "2"]);
    assert!(grokking(&args, &[]).status.success());
    let output = grokking(
        &[
            "run-task", "--plan", &other, "--index", "0", "--out", &results,
        ],
        &[],
    );
    assert!(output.status.success(), "{}", text(&output));
    let output = merge();
    assert!(!output.status.success());
    assert!(
        text(&output).contains("is not a result of plan"),
        "{}",
        text(&output)
    );
    assert!(
        text(&output).contains("it is from plan"),
        "{}",
        text(&output)
    );
    std::fs::remove_dir_all(dir).unwrap();
}

/// The checkpoint files in `dir` (hidden `.NAME.checkpoint` beside each result).
fn checkpoints(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().path())
                .filter(|p| p.to_string_lossy().ends_with(".checkpoint"))
                .collect()
        })
        .unwrap_or_default()
}

/// A task preempted mid-run (SIGTERM, as `scancel` or Kubernetes send it) saves its
/// progress within a step and exits 143; run again, it resumes from that step, and the
/// merge equals the same sweep trained uninterrupted on one machine — bit for bit.
#[test]
fn a_task_stopped_by_sigterm_mid_run_resumes_from_its_checkpoint_and_merges_as_a_local_sweep() {
    let dir = std::env::temp_dir().join(format!("grokking-preempt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = |name: &str| dir.join(name).to_str().unwrap().to_owned();
    let (plan, results, merged) = (path("plan.json"), path("results"), path("merged.json"));
    const STEPS: usize = 4000;
    // Long enough to be stopped mid-run: the tiny grid at one size, 4,000 steps (burn 0.22's
    // flex trains 400 in under the half second this test used to wait).
    let grid = grid_with(&[
        ("--eval-every", "20"),
        ("--steps", "4000"),
        ("--train-sizes", "20"),
    ]);
    let mut args = vec!["plan"];
    args.extend(&grid);
    args.extend(["--batch-runs", "2", "--out", &plan]);
    let output = grokking(&args, &[]);
    assert!(
        text(&output).contains("2 runs in 1 items"),
        "{}",
        text(&output)
    );

    let task = || {
        let mut command = Command::new(env!("CARGO_BIN_EXE_grokking"));
        command
            .args([
                "run-task", "--plan", &plan, "--index", "0", "--out", &results,
            ])
            .args(["--checkpoint-every", "0"])
            .env_remove("SLURM_ARRAY_TASK_ID")
            .env_remove("JOB_COMPLETION_INDEX")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    };
    let child = task().spawn().unwrap();
    // Its first checkpoint follows the step-0 evaluation; stop it a little later.
    let started = Instant::now();
    while checkpoints(Path::new(&results)).is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "no checkpoint appeared"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(100));
    // SAFETY: kill(2) on our own child's pid; no memory is involved.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGTERM) }, 0);
    let stopped = child.wait_with_output().unwrap();
    let said = text(&stopped);
    assert_eq!(stopped.status.code(), Some(143), "{said}");
    let step: usize = said
        .split("saved its progress at step ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no step in: {said}"));
    assert!(step > 0 && step < STEPS, "stopped mid-run: step {step}");
    assert_eq!(checkpoints(Path::new(&results)).len(), 1);
    assert_eq!(
        std::fs::read_dir(&results).unwrap().count(),
        1,
        "no result yet, only the checkpoint"
    );

    let output = task().output().unwrap();
    assert!(output.status.success(), "{}", text(&output));
    assert!(
        text(&output).contains(&format!("resuming from its checkpoint at step {step}")),
        "{}",
        text(&output)
    );
    assert!(
        checkpoints(Path::new(&results)).is_empty(),
        "the result replaces it"
    );
    let output = grokking(&["merge", &results, "--plan", &plan, "--out", &merged], &[]);
    assert!(output.status.success(), "{}", text(&output));

    let local = path("local.json");
    let mut args = vec!["sweep"];
    args.extend(&grid);
    args.extend(["--out", &local]);
    assert!(grokking(&args, &[]).status.success());
    let (merged_runs, local_runs) = (runs(Path::new(&merged)), runs(Path::new(&local)));
    assert_eq!(merged_runs.len(), 2);
    for (m, l) in merged_runs.iter().zip(&local_runs) {
        assert_eq!(m.config, l.config);
        assert_eq!(m.history, l.history, "every evaluation, bit for bit");
        assert_eq!(m.learned, l.learned);
    }
    std::fs::remove_dir_all(dir).unwrap();
}
