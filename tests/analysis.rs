use crate::common;

use grokking_lab::analysis::{AnalysisConfig, RunView, analyze, summarize};
use grokking_lab::record::{RunMeta, RunRecord, SweepRecord};
use grokking_lab::{EvalPoint, Regime};

/// A synthetic run: train accuracy jumps to 1 at `memorize`, test accuracy to 1 at
/// `generalize` (or stays at `plateau` forever), evaluated every 50 steps up to 5000.
fn run(
    train_size: usize,
    d_model: usize,
    memorize: usize,
    generalize: Option<usize>,
    plateau: f64,
) -> RunRecord {
    let history: Vec<EvalPoint> = (0..=100)
        .map(|i| {
            let step = i * 50;
            let test_acc = match generalize {
                Some(g) if step >= g => 1.0,
                _ if step >= memorize => plateau,
                _ => 0.02,
            };
            EvalPoint {
                step,
                train_loss: if step >= memorize { 0.01 } else { 4.0 },
                test_loss: 1.0 - test_acc + 0.01,
                train_acc: if step >= memorize { 1.0 } else { 0.1 },
                test_acc,
                weight_norm: 10.0 - step as f64 / 1000.0,
            }
        })
        .collect();
    let mut config = common::tiny_modular(47, train_size, 5000);
    config.model.d_model = d_model;
    let mut run = RunRecord::new(config, history, None, RunMeta::default());
    run.summary = summarize(&run.view(), &analysis_config());
    run
}

fn views(runs: &[RunRecord]) -> Vec<RunView<'_>> {
    runs.iter().map(RunRecord::view).collect()
}

fn analysis_config() -> AnalysisConfig {
    let mut config = AnalysisConfig::for_task(&common::tiny_modular(47, 1, 1).task);
    config.smoothing = grokking_lab::analysis::Smoothing::Points(0.0);
    config
}

fn three_regimes(d_model: usize, shift: usize) -> Vec<RunRecord> {
    vec![
        run(400 + shift, d_model, 100, None, 0.3),
        run(600 + shift, d_model, 100, Some(3000), 0.4),
        run(800 + shift, d_model, 100, Some(1200), 0.5),
        run(1000 + shift, d_model, 150, Some(250), 0.5),
    ]
}

#[test]
fn per_run_events_and_regimes() {
    let runs = three_regimes(32, 0);
    let regimes: Vec<Regime> = runs.iter().map(|r| r.summary.regime).collect();
    assert_eq!(
        regimes,
        [
            Regime::Insufficiency,
            Regime::Sufficiency,
            Regime::Sufficiency,
            Regime::Surplus
        ]
    );
    assert_eq!(runs[1].summary.memorized_at, Some(100));
    assert_eq!(runs[1].summary.generalized_at, Some(3000));
    assert_eq!(runs[1].summary.steps_to_generalize, Some(3000));
    // The plateau at 0.3 crosses 0.1…0.3 at memorization and nothing after.
    assert_eq!(runs[0].summary.steps_to_generalize, Some(100));
    assert!((runs[0].summary.final_test_acc - 0.3).abs() < 1e-12);
}

#[test]
fn sample_wise_finds_the_critical_data_size() {
    let runs = three_regimes(32, 0);
    let analysis = analyze(&views(&runs), analysis_config());
    assert!(analysis.model_wise.is_none());
    let [width] = &analysis.sample_wise[..] else {
        panic!("one width")
    };
    assert_eq!(width.d_model, 32);
    let sizes: Vec<usize> = width.analysis.sizes.iter().map(|p| p.train_size).collect();
    assert_eq!(sizes, [400, 600, 800, 1000]);
    assert_eq!(width.analysis.critical_data_size, Some(600));
    assert_eq!(width.analysis.peak_steps_size, Some(600));
}

#[test]
fn seeds_of_one_size_are_averaged() {
    let mut runs = three_regimes(32, 0);
    runs.push(run(600, 32, 100, None, 0.5)); // a second seed at 600 that never generalizes
    let analysis = analyze(&views(&runs), analysis_config());
    let point = &analysis.sample_wise[0].analysis.sizes[1];
    assert_eq!((point.train_size, point.runs), (600, 2));
    assert_eq!(point.final_test_acc, 0.75);
    assert_eq!(point.generalized_at, None, "one seed never generalized");
    // Mean test accuracy 0.75 < ε at 600: the CDS moves to 800.
    assert_eq!(
        analysis.sample_wise[0].analysis.critical_data_size,
        Some(800)
    );
}

#[test]
fn model_wise_grid_and_cds_per_width() {
    let mut runs = three_regimes(32, 0);
    // The wider model needs 200 more examples at every stage: larger models need more data.
    runs.extend(three_regimes(64, 200));
    let analysis = analyze(&views(&runs), analysis_config());
    let grid = analysis.model_wise.expect("two widths");
    assert_eq!(grid.widths, [32, 64]);
    assert_eq!(grid.sizes, [400, 600, 800, 1000, 1200]);
    assert_eq!(grid.best_test_acc[0][4], None, "width 32 never ran 1200");
    assert_eq!(grid.best_test_acc[1][0], None, "width 64 never ran 400");
    assert_eq!(grid.best_test_acc[0][1], Some(1.0));
    let cds: Vec<_> = grid
        .per_width
        .iter()
        .map(|w| w.critical_data_size)
        .collect();
    assert_eq!(cds, [Some(600), Some(800)]);
}

#[test]
fn a_sweep_record_carries_its_analysis() {
    let sweep = SweepRecord::new(three_regimes(32, 0), analysis_config());
    assert_eq!(sweep.runs.len(), 4);
    assert_eq!(
        sweep.analysis.sample_wise[0].analysis.critical_data_size,
        Some(600)
    );
}

#[test]
fn a_late_instability_spike_does_not_decide_the_final_accuracy() {
    // Generalized at 1200, then one bad evaluation at the very end (AdamW "slingshot").
    let mut spiky = run(800, 32, 100, Some(1200), 0.5);
    let last = spiky.history.last_mut().unwrap();
    last.test_acc = 0.6;
    last.train_acc = 0.7;
    let summary = summarize(&spiky.view(), &analysis_config());
    // The last 10% (11 of 101 evaluations) average to (10 + 0.6) / 11.
    assert!((summary.final_test_acc - 10.6 / 11.0).abs() < 1e-12);
    assert_eq!(summary.regime, Regime::Sufficiency);
}

#[test]
fn a_diverged_run_keeps_its_divergence_in_every_summary() {
    let mut diverged = run(800, 32, 100, Some(1200), 0.5);
    diverged.summary.diverged_at = Some(5000);
    assert_eq!(
        summarize(&diverged.view(), &analysis_config()).diverged_at,
        Some(5000)
    );
    let sweep = SweepRecord::new(vec![diverged], analysis_config());
    assert_eq!(sweep.runs[0].summary.diverged_at, Some(5000));
}
