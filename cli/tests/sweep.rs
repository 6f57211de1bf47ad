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
