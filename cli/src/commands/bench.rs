//! Steps per second of the training loop: the number that decides what the lab can show.

use std::time::Instant;

use burn::tensor::backend::AutodiffBackend;
use clap::Args;
use grokking_lab::Trainer;

use grokking_lab::presets;

use super::dataset;
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
    name: String,
    config: grokking_lab::ExperimentConfig,
}

/// The presets the lab and the paper use, each at a representative size.
fn cases() -> Vec<Case> {
    [
        (&presets::THREE_REGIMES, 1200),
        (&presets::PAPER, 4000),
        (&presets::IMDB, 2000),
    ]
    .into_iter()
    .map(|(preset, train_size)| {
        let config = preset.config(train_size);
        Case {
            name: format!(
                "{} N={train_size}: d={} mlp={} batch {}",
                preset.name,
                config.model.d_model,
                config.model.d_mlp,
                config
                    .training
                    .batch_size
                    .map_or("full".to_owned(), |b| b.to_string())
            ),
            config,
        }
    })
    .collect()
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
