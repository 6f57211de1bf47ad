//! Timing a few steps of the page's first batch on one backend ([`crate::choice`] compares
//! the timings). The first step — kernel compilation and all — is timed alone, under a
//! budget: a software GPU can take minutes for it, and then it has lost.

use burn::tensor::Device;
use futures::future::{Either, select};
use gloo_timers::future::TimeoutFuture;
use grokking_lab::BatchTrainer;
use grokking_lab::ExperimentConfig;
use grokking_lab::data::Dataset;
use grokking_lab::footprint::{self, DeviceLimits};

use super::scope::now_ms;
use crate::choice::{STEADY_STEPS, Trial};

/// After a first step this slow, one more step is timed, not [`STEADY_STEPS`]: the page
/// waits for the measurement.
const SLOW_FIRST_STEP_MS: f64 = 2_000.0;

/// Times `configs` (as many as fit in `limits`) on `device`; gives up when the first step
/// has not finished within `budget_ms`.
pub async fn time(
    configs: &[ExperimentConfig],
    device: &Device,
    limits: &DeviceLimits,
    budget_ms: f64,
) -> Trial {
    let mut data = Vec::with_capacity(configs.len());
    for config in configs {
        match super::train::dataset(config).await {
            Ok(dataset) => data.push(dataset),
            // In English: the device choice's reason is English (the page words the rest).
            Err(error) => return Trial::Failed(error.message().english()),
        }
    }
    let all: Vec<&Dataset> = data.iter().collect();
    let runs = footprint::runs_that_fit(&configs[0], &all, limits);
    let mut trainer = match BatchTrainer::new(configs[..runs].to_vec(), &all[..runs], device) {
        Ok(trainer) => trainer,
        Err(error) => return Trial::Failed(error.to_string()),
    };
    let started = now_ms();
    trainer.step();
    if let Err(trial) = settle_within(&trainer, budget_ms, started).await {
        return trial;
    }
    let first_step_ms = now_ms() - started;
    let steps = if first_step_ms > SLOW_FIRST_STEP_MS {
        1
    } else {
        STEADY_STEPS
    };
    let steady = now_ms();
    for _ in 0..steps {
        trainer.step();
    }
    if let Err(trial) = settle_within(&trainer, budget_ms, steady).await {
        return trial;
    }
    let seconds = ((now_ms() - steady) / 1000.0).max(1e-6);
    Trial::Timed {
        first_step_ms,
        run_steps_per_second: (steps * runs) as f64 / seconds,
    }
}

/// Waits for the queued steps, at most `budget_ms` (counted from `since`).
async fn settle_within(trainer: &BatchTrainer, budget_ms: f64, since: f64) -> Result<(), Trial> {
    let left = (budget_ms - (now_ms() - since)).max(0.0);
    let settled = select(
        Box::pin(trainer.settle()),
        Box::pin(TimeoutFuture::new(left as u32)),
    )
    .await;
    match settled {
        Either::Left((Ok(()), _)) => Ok(()),
        Either::Left((Err(error), _)) => Err(Trial::Failed(error.to_string())),
        Either::Right(_) => Err(Trial::TooSlow {
            waited_ms: now_ms() - since,
        }),
    }
}
