//! Steps per second of the training loop: the number that decides what the lab can show.

use std::time::Instant;

use burn::tensor::backend::AutodiffBackend;
use clap::Args;
use grokking_lab::Trainer;

use super::dataset;
use crate::args::ExperimentArgs;
use crate::backend::{BackendJob, BackendKind, dispatch};

#[derive(Debug, Args)]
pub struct BenchArgs {
    #[arg(long, value_enum, default_value = "cpu")]
    pub backend: BackendKind,
    /// Timed steps per configuration (after warm-up).
    #[arg(long, default_value_t = 50)]
    pub steps: usize,
}

struct Case {
    name: &'static str,
    config: grokking_lab::ExperimentConfig,
}

fn cases() -> Vec<Case> {
    use clap::Parser;
    #[derive(Parser)]
    struct Defaults {
        #[command(flatten)]
        experiment: ExperimentArgs,
    }
    let paper = Defaults::parse_from(["bench"]).experiment;
    let mut small = paper.clone();
    small.modulus = 47;
    small.d_model = 64;
    small.d_mlp = 256;
    let mut imdb_preset = Defaults::parse_from([
        "bench",
        "--task",
        "imdb",
        "--d-mlp",
        "256",
        "--batch-size",
        "64",
        "--max-len",
        "64",
        "--vocab-size",
        "2000",
        "--test-size",
        "500",
    ])
    .experiment;
    imdb_preset.d_model = 64;
    vec![
        Case {
            name: "small: p=47 d=64 mlp=256 N=1200 full batch",
            config: small.config(1200, 64, 0),
        },
        Case {
            name: "paper: p=113 d=128 mlp=512 N=4000 full batch",
            config: paper.config(4000, 128, 0),
        },
        Case {
            name: "imdb preset: d=64 mlp=256 64 words batch 64, eval 2000+500",
            config: imdb_preset.config(2000, 64, 0),
        },
    ]
}

struct Measure {
    config: grokking_lab::ExperimentConfig,
    steps: usize,
}

/// (ms per step, ms per evaluation)
impl BackendJob for Measure {
    type Output = (f64, f64);

    fn run<B: AutodiffBackend>(self, device: B::Device) -> (f64, f64) {
        let data = dataset(&self.config).expect("bench configs are valid");
        let mut trainer =
            Trainer::<B>::new(self.config, &data, &device).expect("bench configs are valid");
        let sync =
            |trainer: &Trainer<B>| pollster::block_on(trainer.evaluate().read()).expect("finite");
        trainer.train_steps(5);
        sync(&trainer);
        let started = Instant::now();
        for _ in 0..self.steps {
            trainer.step();
        }
        sync(&trainer); // the steps are only done once their results can be read
        let total = started.elapsed().as_secs_f64();
        let started = Instant::now();
        sync(&trainer);
        let eval = started.elapsed().as_secs_f64();
        ((total - eval) * 1e3 / self.steps as f64, eval * 1e3)
    }
}

pub fn run(args: BenchArgs) -> anyhow::Result<()> {
    println!("backend: {}", args.backend.name());
    println!("| configuration | ms/step | steps/s | ms/eval |");
    println!("|---|---:|---:|---:|");
    for case in cases() {
        let mut config = case.config;
        config.training.steps = args.steps + 10;
        config.training.eval_every = config.training.steps;
        let (ms_step, ms_eval) = dispatch(
            args.backend,
            Measure {
                config,
                steps: args.steps,
            },
        )?;
        println!(
            "| {} | {ms_step:.2} | {:.1} | {ms_eval:.1} |",
            case.name,
            1e3 / ms_step
        );
    }
    Ok(())
}
