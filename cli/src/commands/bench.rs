//! Training speed per preset, one run at a time and as one batch of all the preset's sizes:
//! the numbers that decide what the lab can show.

use std::time::Instant;

use burn::tensor::Device;
use clap::Args;
use grokking_lab::ExperimentConfig;
use grokking_lab::presets::{self, Preset};
use grokking_lab::trainer::BatchTrainer;
use serde::Serialize;

use super::dataset;
use crate::backend::BackendKind;
use crate::kernels::KernelLog;

#[derive(Debug, Args)]
pub struct BenchArgs {
    #[arg(long, value_enum, default_value = "cpu")]
    pub backend: BackendKind,
    /// Timed steps per measurement (after warm-up).
    #[arg(long, default_value_t = 50)]
    pub steps: usize,
    /// Only these cases (comma-separated: three-regimes, tiny, paper, imdb).
    #[arg(long, value_delimiter = ',')]
    pub cases: Vec<String>,
    /// Only the single run of each case, not the batch of all its sizes (the batch of the
    /// paper's 18 sizes takes minutes on a CPU).
    #[arg(long)]
    pub single: bool,
    /// Print a JSON array (one object per measurement) instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Also count the GPU kernels a step and an evaluation launch (wgpu only). Logging every
    /// kernel slows the run: take timings from a run without it.
    #[arg(long)]
    pub count_kernels: bool,
}

/// One measurement, as `--json` prints it.
#[derive(Debug, Serialize)]
struct Measurement {
    case: &'static str,
    backend: &'static str,
    runs: usize,
    ms_per_step: f64,
    /// Runs × steps per second: what a sweep's progress depends on.
    run_steps_per_s: f64,
    ms_per_eval: f64,
    /// GPU kernels one training step launches (`--count-kernels`).
    #[serde(skip_serializing_if = "Option::is_none")]
    kernels_per_step: Option<f64>,
    /// GPU kernels one evaluation of every run launches (`--count-kernels`).
    #[serde(skip_serializing_if = "Option::is_none")]
    kernels_per_eval: Option<usize>,
}

/// The presets the lab and the paper use: a single run at the middle size, and a batch of
/// every size of the preset.
const CASES: [&Preset; 4] = [
    &presets::THREE_REGIMES,
    &presets::TINY,
    &presets::PAPER,
    &presets::IMDB,
];

struct Measure<'a> {
    configs: Vec<ExperimentConfig>,
    steps: usize,
    kernels: Option<&'a KernelLog>,
}

/// What one configuration measured.
struct Timing {
    ms_per_step: f64,
    ms_per_eval: f64,
    kernels_per_step: Option<f64>,
    kernels_per_eval: Option<usize>,
}

impl Measure<'_> {
    fn run(self, device: &Device) -> Timing {
        let data: Vec<_> = self
            .configs
            .iter()
            .map(|config| dataset(config).expect("bench configs are valid"))
            .collect();
        let data: Vec<_> = data.iter().collect();
        let mut trainer =
            BatchTrainer::new(self.configs, &data, device).expect("bench configs are valid");
        let sync = |trainer: &BatchTrainer| {
            pollster::block_on(trainer.evaluate().read()).expect("readback");
        };
        let count = || self.kernels.map(KernelLog::count);
        trainer.train_steps(5);
        sync(&trainer);
        let before = count();
        let started = Instant::now();
        for _ in 0..self.steps {
            trainer.step();
        }
        sync(&trainer); // the steps are only done once their results can be read
        let total = started.elapsed().as_secs_f64();
        let after_steps = count();
        let started = Instant::now();
        sync(&trainer);
        let eval = started.elapsed().as_secs_f64();
        let after_eval = count();
        // The steps were followed by one evaluation, as many kernels as the second.
        let (kernels_per_step, kernels_per_eval) = match (before, after_steps, after_eval) {
            (Some(before), Some(steps), Some(eval)) => {
                let per_eval = eval - steps;
                let per_step = (steps - before).saturating_sub(per_eval) as f64 / self.steps as f64;
                (Some(per_step), Some(per_eval))
            }
            _ => (None, None),
        };
        Timing {
            ms_per_step: (total - eval) * 1e3 / self.steps as f64,
            ms_per_eval: eval * 1e3,
            kernels_per_step,
            kernels_per_eval,
        }
    }
}

pub fn run(args: BenchArgs) -> anyhow::Result<()> {
    let cases: Vec<&Preset> = CASES
        .into_iter()
        .filter(|p| args.cases.is_empty() || args.cases.iter().any(|c| c == p.name))
        .collect();
    if cases.is_empty() {
        let names: Vec<&str> = CASES.iter().map(|p| p.name).collect();
        anyhow::bail!("no such case; the cases are {}", names.join(", "));
    }
    let kernels = match (args.count_kernels, args.backend) {
        (false, _) => None,
        (true, BackendKind::Wgpu) => Some(KernelLog::start()?),
        (true, BackendKind::Cpu) => {
            anyhow::bail!("--count-kernels counts GPU kernels: use it with --backend wgpu")
        }
    };
    let device = args.backend.device()?;
    if !args.json {
        println!("backend: {}", args.backend.name());
        println!("| case | runs | ms/step | run-steps/s | ms/eval | kernels/step | kernels/eval |");
        println!("|---|---:|---:|---:|---:|---:|---:|");
    }
    let mut measurements = Vec::new();
    for preset in cases {
        let single = vec![preset.config(preset.middle_size())];
        let batch: Vec<_> = preset.sizes.iter().map(|&n| preset.config(n)).collect();
        let measured = if args.single {
            vec![single]
        } else {
            vec![single, batch]
        };
        for mut configs in measured {
            for config in &mut configs {
                config.training.steps = args.steps + 10;
                config.training.eval_every = config.training.steps;
            }
            let runs = configs.len();
            let timing = Measure {
                configs,
                steps: args.steps,
                kernels: kernels.as_ref(),
            }
            .run(&device);
            let measurement = Measurement {
                case: preset.name,
                backend: args.backend.name(),
                runs,
                ms_per_step: timing.ms_per_step,
                run_steps_per_s: runs as f64 * 1e3 / timing.ms_per_step,
                ms_per_eval: timing.ms_per_eval,
                kernels_per_step: timing.kernels_per_step,
                kernels_per_eval: timing.kernels_per_eval,
            };
            if !args.json {
                let or_dash = |v: Option<String>| v.unwrap_or_else(|| "—".into());
                println!(
                    "| {} | {runs} | {:.2} | {:.1} | {:.1} | {} | {} |",
                    measurement.case,
                    measurement.ms_per_step,
                    measurement.run_steps_per_s,
                    measurement.ms_per_eval,
                    or_dash(measurement.kernels_per_step.map(|k| format!("{k:.1}"))),
                    or_dash(measurement.kernels_per_eval.map(|k| k.to_string())),
                );
            }
            measurements.push(measurement);
        }
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&measurements)?);
    }
    Ok(())
}
