//! `grokking analyze` end to end: the authors' smoothing, JSON out, clear refusals.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use grokking_lab::EvalPoint;
use grokking_lab::presets;
use grokking_lab::record::{self, RunMeta, RunRecord, SweepRecord};

fn analyze(file: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_grokking"))
        .arg("analyze")
        .arg(file)
        .args(extra)
        .output()
        .expect("the binary runs")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("grokking-analyze-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// Test accuracy 0.01, then 1.0 from step `jump` on; evaluated every `every` steps.
fn sharp_run(jump: usize, every: usize, steps: usize) -> RunRecord {
    let mut config = presets::PAPER.config(2000);
    config.training.steps = steps;
    config.training.eval_every = every;
    let history = (1..=steps / every)
        .map(|i| {
            let step = i * every;
            EvalPoint {
                step,
                train_loss: 0.1,
                test_loss: 1.0,
                train_acc: 1.0,
                test_acc: if step < jump { 0.01 } else { 1.0 },
                weight_norm: 10.0,
            }
        })
        .collect();
    RunRecord::new(config, history, None, RunMeta::default())
}

#[test]
fn a_sharp_jump_at_step_3000_of_a_100k_step_run_reads_as_3000() {
    let file = scratch("sharp.json");
    std::fs::write(&file, record::to_json(&sharp_run(3000, 500, 100_000))).unwrap();
    let output = analyze(&file, &["--json"]);
    assert!(output.status.success(), "{output:?}");
    let analysis: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let size = &analysis["sample_wise"][0]["sizes"][0];
    let steps = size["steps_to_generalize"].as_f64().unwrap();
    assert!((2500.0..=3500.0).contains(&steps), "read {steps}");
    assert_eq!(analysis["config"]["smoothing"]["steps"], 100.0);
}

#[test]
fn an_empty_sweep_and_bad_numbers_are_refused_with_a_reason() {
    let empty = scratch("empty.json");
    let sweep = SweepRecord::new(
        Vec::new(),
        grokking_lab::AnalysisConfig::for_task(&presets::PAPER.config(1).task),
    );
    std::fs::write(&empty, record::to_json(&sweep)).unwrap();
    let output = analyze(&empty, &[]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("no runs"));

    let file = scratch("run.json");
    std::fs::write(&file, record::to_json(&sharp_run(300, 100, 1000))).unwrap();
    for (flag, value, says) in [
        ("--generalized-threshold", "NaN", "from 0 to 1"),
        ("--memorized-threshold", "-0.5", "from 0 to 1"),
        ("--sigma-points", "1e12", "σ"),
        ("--levels", "0,2", "levels"),
    ] {
        let output = analyze(&file, &[&format!("{flag}={value}")]);
        assert_eq!(output.status.code(), Some(1), "{flag} {value}: {output:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(says), "{flag} {value}: {stderr}");
    }
}

#[test]
fn modular_runs_are_read_over_the_authors_first_6000_steps_unless_told() {
    // Generalizes at step 9,000: past the authors' window, inside the whole run.
    let file = scratch("late.json");
    std::fs::write(&file, record::to_json(&sharp_run(9000, 100, 20_000))).unwrap();
    let read = |extra: &[&str]| {
        let output = analyze(&file, &[&["--json"], extra].concat());
        assert!(output.status.success(), "{output:?}");
        serde_json::from_slice::<serde_json::Value>(&output.stdout).unwrap()
    };
    let windowed = read(&[]);
    assert_eq!(windowed["config"]["window"], 6000);
    assert!(windowed["sample_wise"][0]["sizes"][0]["steps_to_generalize"].is_null());
    let whole = read(&["--window-steps", "all"]);
    assert!(
        whole["config"]["window"].is_null(),
        "the record says: no window"
    );
    let steps = whole["sample_wise"][0]["sizes"][0]["steps_to_generalize"]
        .as_f64()
        .unwrap();
    assert!((8500.0..=9500.0).contains(&steps), "read {steps}");
    let table = analyze(&file, &[]);
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(text.contains("analysed: first 6000 steps"), "{text}");
}

#[test]
fn imdb_runs_are_read_with_the_authors_twelve_levels_over_the_whole_run() {
    let mut run = sharp_run(3000, 100, 6000);
    run.config = presets::IMDB.config(300);
    run.config.training.steps = 6000;
    run.config.training.eval_every = 100;
    let file = scratch("imdb.json");
    std::fs::write(&file, record::to_json(&run)).unwrap();
    let output = analyze(&file, &["--json"]);
    assert!(output.status.success(), "{output:?}");
    let analysis: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let levels = analysis["config"]["levels"].as_array().unwrap();
    assert_eq!(levels.len(), 12);
    assert_eq!(levels[2], 0.575);
    assert!(analysis["config"]["window"].is_null());
}

/// `grokking slim` (the lab's reference copies) drops the `learned` snapshots, keeps every
/// run otherwise, and refuses to write over the file it reads.
#[test]
fn slim_keeps_everything_but_the_snapshots_and_never_overwrites_its_source() {
    let full =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/results/mod113-paper-exact-gelu.json");
    let out = scratch("slim.json");
    let slim = |from: &Path, to: &Path| {
        Command::new(env!("CARGO_BIN_EXE_grokking"))
            .arg("slim")
            .arg(from)
            .arg("--out")
            .arg(to)
            .output()
            .expect("the binary runs")
    };
    let output = slim(&full, &out);
    assert!(output.status.success(), "{output:?}");
    let load = |path: &Path| match record::load(&std::fs::read_to_string(path).unwrap()).unwrap() {
        record::Loaded::Sweep(sweep) => *sweep,
        record::Loaded::Run(_) => panic!("a sweep"),
    };
    let (mut expected, copy) = (load(&full), load(&out));
    assert!(
        expected.runs.iter().any(|r| !r.learned.is_empty()),
        "the source has snapshots"
    );
    expected.runs.iter_mut().for_each(|r| r.learned.clear());
    assert_eq!(copy, expected);
    assert!(std::fs::metadata(&out).unwrap().len() * 2 < std::fs::metadata(&full).unwrap().len());

    let refused = slim(&out, &out);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("the file itself"),
        "{refused:?}"
    );
}
