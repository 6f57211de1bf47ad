use std::path::PathBuf;

use clap::Args;
use grokking_lab::AnalysisConfig;
use grokking_lab::analysis::{RunView, Smoothing, analyze};

use crate::files::read_records;

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// A run or sweep file written by `grokking` or exported from the lab.
    pub file: PathBuf,
    /// Train accuracy that counts as memorized.
    #[arg(long)]
    pub memorized_threshold: Option<f64>,
    /// Test accuracy that counts as generalized (the CDS's ε).
    #[arg(long)]
    pub generalized_threshold: Option<f64>,
    /// Generalizing later than this many times the memorization step counts as grokking.
    #[arg(long)]
    pub delay_factor: Option<f64>,
    /// Gaussian σ in logged points for steps-to-generalize (default: 1 % of the run).
    #[arg(long)]
    pub sigma_points: Option<f64>,
}

pub fn run(args: AnalyzeArgs) -> anyhow::Result<()> {
    let loaded = read_records(&args.file)?;
    let runs = loaded.runs();
    let mut config = AnalysisConfig::for_task(&runs[0].config.task);
    if let Some(value) = args.memorized_threshold {
        config.memorized_threshold = value;
    }
    if let Some(value) = args.generalized_threshold {
        config.generalized_threshold = value;
    }
    if let Some(value) = args.delay_factor {
        config.grokking_delay_factor = value;
    }
    if let Some(value) = args.sigma_points {
        config.smoothing = Smoothing::Points(value);
    }
    let views: Vec<RunView> = runs.iter().map(|run| run.view()).collect();
    print!("{}", crate::table::render(&analyze(&views, config)));
    Ok(())
}
