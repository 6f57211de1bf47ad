use crate::common;

use grokking_lab::EvalPoint;
use grokking_lab::analysis::AnalysisConfig;
use grokking_lab::learned::{Cell, Snapshot};
use grokking_lab::record::{self, FormatError, Loaded, RunMeta, RunRecord, SweepRecord};

/// The text of a committed result file in `docs/results/`.
fn committed_result(name: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("docs/results")
            .join(name),
    )
    .unwrap_or_else(|e| panic!("docs/results/{name}: {e}"))
}

fn sample_run() -> RunRecord {
    let config = common::tiny_modular(47, 600, 1000);
    // Memorized from step 100, never generalized.
    let history: Vec<EvalPoint> = (0..=10)
        .map(|i| EvalPoint {
            step: i * 100,
            train_loss: 3.0 / (i + 1) as f64,
            test_loss: 3.5,
            train_acc: if i == 0 { 0.0 } else { 1.0 },
            test_acc: 0.1 + 0.01 * i as f64,
            weight_norm: 12.5 - i as f64,
        })
        .collect();
    RunRecord::new(
        config,
        history,
        None,
        RunMeta {
            backend: "cpu".into(),
            wall_seconds: 1.5,
        },
    )
}

#[test]
fn a_run_round_trips_through_json() {
    let run = sample_run();
    let json = record::to_json(&run);
    assert_eq!(record::load(&json).unwrap(), Loaded::Run(Box::new(run)));
}

#[test]
fn a_sweep_round_trips_through_json() {
    let run = sample_run();
    let sweep = SweepRecord::new(
        vec![run.clone(), run],
        AnalysisConfig::for_task(&common::tiny_modular(47, 1, 1).task),
    );
    let json = record::to_json(&sweep);
    assert_eq!(record::load(&json).unwrap(), Loaded::Sweep(Box::new(sweep)));
}

#[test]
fn the_documented_field_names_are_the_stored_ones() {
    let json: serde_json::Value = serde_json::from_str(&record::to_json(&sample_run())).unwrap();
    assert_eq!(json["format"], "grokking-lab/run");
    assert_eq!(json["version"], 2);
    assert_eq!(json["config"]["task"]["kind"], "modular-arithmetic");
    assert_eq!(json["config"]["task"]["operation"], "add");
    for field in [
        "step",
        "train_loss",
        "test_loss",
        "train_acc",
        "test_acc",
        "weight_norm",
    ] {
        assert!(
            json["history"][0].get(field).is_some(),
            "history lacks {field}"
        );
    }
    for field in [
        "memorized_at",
        "generalized_at",
        "steps_to_generalize",
        "final_test_acc",
        "regime",
    ] {
        assert!(
            json["summary"].get(field).is_some(),
            "summary lacks {field}"
        );
    }
    assert_eq!(json["summary"]["regime"], "insufficiency");
}

#[test]
fn corrupt_and_foreign_files_are_refused_with_a_reason() {
    let good = record::to_json(&sample_run());
    assert!(matches!(
        record::load(&good[..good.len() / 2]),
        Err(FormatError::Json(_))
    ));
    assert!(matches!(
        record::load(r#"{"format": "other"}"#),
        Err(FormatError::UnknownFormat(_))
    ));
    assert!(matches!(record::load("[1, 2]"), Err(FormatError::Json(_))));

    let newer = good.replace("\"version\": 2", "\"version\": 99");
    assert!(matches!(
        record::load(&newer),
        Err(FormatError::TooNew { found: 99 })
    ));

    let mut run = sample_run();
    run.history[2].test_acc = 1.5;
    let error = record::load(&record::to_json(&run)).unwrap_err();
    assert_eq!(
        error.to_string(),
        "run 0: an accuracy lies outside [0, 1] at step 200"
    );

    let mut run = sample_run();
    run.history.swap(1, 2);
    assert!(
        record::load(&record::to_json(&run))
            .unwrap_err()
            .to_string()
            .contains("not increasing")
    );

    let mut run = sample_run();
    run.config.model.n_heads = 5;
    assert!(
        record::load(&record::to_json(&run))
            .unwrap_err()
            .to_string()
            .contains("divisible")
    );
}

#[test]
fn a_version_1_sweep_still_loads_and_keeps_its_old_smoothing() {
    let json = committed_result("mod31-tiny-sample-wise.json");
    let Loaded::Sweep(sweep) = record::load(&json).unwrap() else {
        panic!("a sweep file")
    };
    assert_eq!(sweep.version, 1);
    assert_eq!(
        sweep.analysis.config.smoothing,
        grokking_lab::analysis::Smoothing::RunFraction(0.01)
    );
    assert_eq!(sweep.analysis.config.levels.len(), 9);
}

#[test]
fn a_run_with_an_absurd_loss_is_refused() {
    let mut run = sample_run();
    run.history[0].train_loss = 1.7e308;
    let json = record::to_json(&run);
    let error = record::load(&json).unwrap_err().to_string();
    assert!(error.contains("not a real training run"), "{error}");
}

/// A valid snapshot of `sample_run` at `step`: every training pair right, test pairs wrong.
fn sample_snapshot(run: &RunRecord, step: usize) -> Snapshot {
    let operands = grokking_lab::data::dataset(&run.config, None)
        .unwrap()
        .operands
        .unwrap();
    let p = operands.modulus;
    let mut grid = vec![Cell::Unused.symbol(); p * p];
    for &(a, b) in &operands.train {
        grid[a * p + b] = Cell::TrainRight.symbol();
    }
    for &(a, b) in &operands.test {
        grid[a * p + b] = Cell::TestWrong.symbol();
    }
    let k = (p - 1) / 2;
    Snapshot {
        step,
        frequencies: (0..k).map(|_| 1.0 / k as f64).collect(),
        answers: grid.into_iter().collect(),
    }
}

fn run_with_learned() -> RunRecord {
    let run = sample_run();
    let learned = vec![sample_snapshot(&run, 0), sample_snapshot(&run, 500)];
    run.with_learned(learned)
}

#[test]
fn a_run_with_what_it_learned_round_trips_and_names_its_fields() {
    let run = run_with_learned();
    let json = record::to_json(&run);
    assert_eq!(record::load(&json).unwrap(), Loaded::Run(Box::new(run)));
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let snapshot = &json["learned"][1];
    assert_eq!(snapshot["step"], 500);
    assert_eq!(snapshot["frequencies"].as_array().unwrap().len(), 23);
    assert_eq!(snapshot["answers"].as_str().unwrap().len(), 47 * 47);
}

/// Every committed result loads; files written before `learned` existed write back without
/// it, and those written since keep theirs.
#[test]
fn every_committed_result_loads_and_keeps_learned_only_where_it_was_written() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/results");
    let (mut without, mut with) = (0, 0);
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let loaded = record::load(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let written = text.contains("\"learned\"");
        for run in loaded.runs() {
            assert_eq!(
                record::to_json(run).contains("\"learned\""),
                !run.learned.is_empty(),
                "{}",
                path.display()
            );
            if !written {
                assert!(run.learned.is_empty(), "{}", path.display());
            }
        }
        if written { with += 1 } else { without += 1 }
    }
    assert!(without >= 5, "{without} result files from before `learned`");
    assert!(with >= 1, "{with} result files with `learned`");
}

#[test]
fn a_malformed_learned_history_is_refused_with_a_reason() {
    let refused = |change: &dyn Fn(&mut RunRecord)| -> String {
        let mut run = run_with_learned();
        change(&mut run);
        record::load(&record::to_json(&run))
            .unwrap_err()
            .to_string()
    };
    let error = refused(&|run| run.learned[1].step = 550);
    assert!(error.contains("steps of the history"), "{error}");
    let error = refused(&|run| run.learned.swap(0, 1));
    assert!(error.contains("must increase"), "{error}");
    let error = refused(&|run| {
        run.learned[0].frequencies.pop();
    });
    assert!(error.contains("expected 23 frequency shares"), "{error}");
    let error = refused(&|run| run.learned[0].frequencies[3] = 1.5);
    assert!(error.contains("in [0, 1]"), "{error}");
    let mut run = run_with_learned();
    run.learned[0].frequencies[3] = f64::NAN;
    assert!(matches!(
        run.check(),
        Err(record::RunError::LearnedFrequencies {
            step: 0,
            expected: 23
        })
    ));
    let error = refused(&|run| run.learned[0].answers.push('.'));
    assert!(error.contains("2210 cells, not p² = 2209"), "{error}");
    let error = refused(&|run| run.learned[0].answers.replace_range(0..1, "x"));
    assert!(
        error.contains("'x' is not an answer-grid symbol"),
        "{error}"
    );
    let error = refused(&|run| {
        let at = run.learned[0].answers.find('.').unwrap();
        run.learned[0].answers.replace_range(at..at + 1, "t");
    });
    assert!(error.contains("601 training and 553 test cells"), "{error}");
    let error = refused(&|run| run.config = common::tiny_imdb(600, 1000));
    assert!(error.contains("modular-arithmetic runs only"), "{error}");
}

/// A sweep read run by run (as the lab does between frames) gives the runs `load` gives,
/// and a broken run is named by its index.
#[test]
fn a_sweep_parsed_run_by_run_equals_the_sweep_loaded_whole() {
    let json = committed_result("mod31-tiny-pre-ln-3seeds.json");
    let Loaded::Sweep(whole) = record::load(&json).unwrap() else {
        panic!("a sweep file")
    };
    let parts = record::sweep_runs(&json).unwrap();
    let runs: Vec<RunRecord> = parts
        .iter()
        .enumerate()
        .map(|(index, raw)| record::parse_sweep_run(raw, index).unwrap())
        .collect();
    assert_eq!(runs, whole.runs);

    let mut broken = sample_run();
    broken.history[2].test_acc = 1.5;
    let sweep = SweepRecord::new(
        vec![sample_run(), sample_run()],
        AnalysisConfig::for_task(&common::tiny_modular(47, 1, 1).task),
    );
    let mut json: serde_json::Value = serde_json::from_str(&record::to_json(&sweep)).unwrap();
    json["runs"][1] = serde_json::to_value(&broken).unwrap();
    let json = json.to_string();
    let parts = record::sweep_runs(&json).unwrap();
    assert!(record::parse_sweep_run(parts[0], 0).is_ok());
    assert_eq!(
        record::parse_sweep_run(parts[1], 1)
            .unwrap_err()
            .to_string(),
        "run 1: an accuracy lies outside [0, 1] at step 200"
    );
}

#[test]
fn reading_a_single_run_or_a_foreign_file_as_a_sweep_is_refused() {
    let run = record::to_json(&sample_run());
    assert!(matches!(
        record::sweep_runs(&run),
        Err(FormatError::NotASweep)
    ));
    assert!(matches!(
        record::sweep_runs(r#"{"format": "other", "runs": []}"#),
        Err(FormatError::UnknownFormat(_))
    ));
    assert!(matches!(
        record::sweep_runs(&run.replace("\"version\": 2", "\"version\": 99")),
        Err(FormatError::TooNew { found: 99 })
    ));
}
