use std::path::PathBuf;

use clap::Args;
use grokking_lab::AnalysisConfig;
use grokking_lab::analysis::{RunView, Smoothing, analyze};

use crate::files::read_records;

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// A run or sweep file written by `grokking` or exported from the lab.
    pub file: PathBuf,
    /// Train accuracy that counts as memorized (0 to 1).
    #[arg(long)]
    pub memorized_threshold: Option<f64>,
    /// Test accuracy that counts as generalized, the CDS's ε (0 to 1).
    #[arg(long)]
    pub generalized_threshold: Option<f64>,
    /// Generalizing later than this many times the memorization step counts as grokking.
    #[arg(long)]
    pub delay_factor: Option<f64>,
    /// Gaussian σ in training steps for the smoothed curves (default on modular
    /// arithmetic: 100, as the authors).
    #[arg(long, conflicts_with = "sigma_points")]
    pub sigma_steps: Option<f64>,
    /// Gaussian σ in evaluations for the smoothed curves (default on IMDB: 50, as the
    /// authors).
    #[arg(long)]
    pub sigma_points: Option<f64>,
    /// Analyse only the evaluations up to this step; `all`: the whole run [default on
    /// modular arithmetic: 6000, as the authors; on IMDB: all]
    #[arg(long, value_parser = parse_window)]
    pub window_steps: Option<Window>,
    /// Test accuracies whose latest first crossing is steps-to-generalize, comma-separated
    /// (default: 0.1,…,0.9 on modular arithmetic; 0.5,0.55,…,0.85 on IMDB).
    #[arg(long, value_delimiter = ',')]
    pub levels: Option<Vec<f64>>,
    /// Print the analysis as JSON (the sweep format's `analysis` object) instead of a table.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: AnalyzeArgs) -> anyhow::Result<()> {
    let loaded = read_records(&args.file)?;
    let runs = loaded.runs();
    let Some(first) = runs.first() else {
        anyhow::bail!("{} holds no runs: nothing to analyse", args.file.display());
    };
    let mut config = AnalysisConfig::for_task(&first.config.task);
    if let Some(value) = args.memorized_threshold {
        config.memorized_threshold = value;
    }
    if let Some(value) = args.generalized_threshold {
        config.generalized_threshold = value;
    }
    if let Some(value) = args.delay_factor {
        config.grokking_delay_factor = value;
    }
    if let Some(value) = args.sigma_steps {
        config.smoothing = Smoothing::Steps(value);
    }
    if let Some(value) = args.sigma_points {
        config.smoothing = Smoothing::Points(value);
    }
    if let Some(levels) = args.levels {
        config.levels = levels;
    }
    if let Some(Window(window)) = args.window_steps {
        config.window = window;
    }
    config.validate()?;
    let views: Vec<RunView> = runs.iter().map(|run| run.view()).collect();
    let analysis = analyze(&views, config);
    if args.json {
        println!("{}", grokking_lab::record::to_json(&analysis));
    } else {
        print!("{}", crate::table::render(&analysis));
    }
    Ok(())
}

/// `--window-steps`: a step, or `all` (`None`).
#[derive(Debug, Clone, Copy)]
pub struct Window(Option<usize>);

fn parse_window(text: &str) -> Result<Window, String> {
    match text {
        "all" => Ok(Window(None)),
        _ => text
            .parse()
            .map(|step| Window(Some(step)))
            .map_err(|_| format!("expected a step count or `all`, got {text:?}")),
    }
}
