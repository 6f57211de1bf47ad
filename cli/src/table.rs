//! The analysis as a table for the terminal.

use std::fmt::Write;

use grokking_lab::AnalysisConfig;
use grokking_lab::analysis::{Smoothing, SweepAnalysis};

fn step(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_owned(), |v| format!("{v:.0}"))
}

/// `mean±sd` when several runs give a spread.
fn with_spread(mean: String, sd: Option<f64>, digits: usize) -> String {
    match sd {
        Some(sd) => format!("{mean}±{sd:.digits$}"),
        None => mean,
    }
}

/// What was analysed and how: the window, the smoothing and the levels.
fn describe(config: &AnalysisConfig) -> String {
    let window = config
        .window
        .map_or_else(|| "whole runs".to_owned(), |w| format!("first {w} steps"));
    let sigma = match config.smoothing {
        Smoothing::Steps(s) => format!("{s} steps"),
        Smoothing::Points(s) => format!("{s} evaluations"),
        Smoothing::RunFraction(s) => format!("{}% of the run", s * 100.0),
    };
    let levels: Vec<String> = config.levels.iter().map(f64::to_string).collect();
    format!(
        "analysed: {window}, σ = {sigma}, {} levels ({})",
        levels.len(),
        levels.join(", ")
    )
}

pub fn render(analysis: &SweepAnalysis) -> String {
    let mut out = String::new();
    let config = &analysis.config;
    let _ = writeln!(out, "{}", describe(config));
    for width in &analysis.sample_wise {
        let a = &width.analysis;
        let _ = writeln!(out, "d_model {}", width.d_model);
        let _ = writeln!(
            out,
            "{:>8} {:>5} {:>12} {:>14} {:>12} {:>10} {:>11} {:>9}  regime",
            "N",
            "runs",
            "memorized_at",
            "generalized_at",
            "steps_to_gen",
            "train_acc",
            "test_acc",
            "best_test"
        );
        for p in &a.sizes {
            let _ = writeln!(
                out,
                "{:>8} {:>5} {:>12} {:>14} {:>12} {:>10.3} {:>11} {:>9.3}  {}",
                p.train_size,
                p.runs,
                step(p.memorized_at),
                match p.generalized_at {
                    // Some runs only: a mean of those would hide the others.
                    None if p.generalized_runs > 0 =>
                        format!("{}/{} runs", p.generalized_runs, p.runs),
                    at => step(at),
                },
                with_spread(step(p.steps_to_generalize), p.steps_to_generalize_sd, 0),
                p.final_train_acc,
                with_spread(format!("{:.3}", p.final_test_acc), p.final_test_acc_sd, 3),
                p.best_test_acc,
                p.regime.name()
            );
        }
        let cds = a
            .critical_data_size
            .map_or("not reached".to_owned(), |n| n.to_string());
        let seeds = a.sizes.iter().any(|p| p.steps_to_generalize_sd.is_some());
        let peak = match a.peak_steps_size {
            Some(n) => n.to_string(),
            None if seeds => "— (none beyond twice the seeds' spread)".to_owned(),
            None => "—".to_owned(),
        };
        let _ = writeln!(
            out,
            "critical data size (min N with test acc ≥ {}): {cds}\npeak of steps-to-generalize at N = {peak}\n",
            config.generalized_threshold
        );
    }
    if let Some(grid) = &analysis.model_wise {
        let _ = writeln!(
            out,
            "model-wise: best smoothed test accuracy (rows d_model, columns N)"
        );
        let _ = write!(out, "{:>8}", "");
        for size in &grid.sizes {
            let _ = write!(out, " {size:>6}");
        }
        let _ = writeln!(out, "    CDS");
        for ((width, row), per_width) in grid
            .widths
            .iter()
            .zip(&grid.best_test_acc)
            .zip(&grid.per_width)
        {
            let _ = write!(out, "{width:>8}");
            for cell in row {
                let _ = write!(
                    out,
                    " {:>6}",
                    cell.map_or("·".to_owned(), |v| format!("{v:.2}"))
                );
            }
            let cds = per_width
                .critical_data_size
                .map_or("—".to_owned(), |n| n.to_string());
            let _ = writeln!(out, " {cds:>6}");
        }
    }
    let _ = writeln!(
        out,
        "regimes (events on lightly smoothed curves, seeds together): memorized = train acc ≥ {}, generalized = test acc ≥ {}, sufficiency = generalized after memorizing and more than {}× later than the largest generalizing N; ± = standard deviation over seeds; k/n runs = only k of the n runs generalized (judged by most, no mean shown)",
        config.memorized_threshold, config.generalized_threshold, config.grokking_delay_factor
    );
    out
}
