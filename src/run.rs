//! Driving one run from start to finish: train in chunks of `eval_every` steps, evaluate,
//! read back once per chunk, summarize. Used by the CLI and the tests; the lab drives the
//! [`Trainer`] itself so it can yield to the browser between chunks.

use std::ops::ControlFlow;

use burn::tensor::backend::AutodiffBackend;

use crate::analysis::{AnalysisConfig, summarize};
use crate::config::ExperimentConfig;
use crate::data::Dataset;
use crate::metrics::EvalPoint;
use crate::record::{RunMeta, RunRecord};
use crate::trainer::{TrainError, Trainer};

/// Why a run ended early on request.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Train(#[from] TrainError),
    #[error("stopped on request at step {step}")]
    Stopped { step: usize },
}

/// Trains `config` on `data` to its step budget. `on_eval` sees every evaluation and may
/// stop the run. A run that diverges keeps its history up to the last finite evaluation
/// and records where it diverged.
pub async fn train_run<B: AutodiffBackend>(
    config: ExperimentConfig,
    data: &Dataset,
    device: &B::Device,
    meta: RunMeta,
    mut on_eval: impl FnMut(&EvalPoint) -> ControlFlow<()>,
) -> Result<RunRecord, RunError> {
    let analysis = AnalysisConfig::for_task(&config.task);
    let mut trainer = Trainer::<B>::new(config, data, device)?;
    let mut history = Vec::new();
    let mut diverged_at = None;
    loop {
        match trainer.evaluate().read().await {
            Ok(point) => {
                history.push(point);
                if on_eval(&point).is_break() && !trainer.is_finished() {
                    return Err(RunError::Stopped { step: point.step });
                }
            }
            Err(TrainError::Diverged { step }) if !history.is_empty() => {
                diverged_at = Some(step);
                break;
            }
            Err(error) => return Err(error.into()),
        }
        if trainer.is_finished() {
            break;
        }
        trainer.train_steps(trainer.config().training.eval_every);
    }
    let mut summary = summarize(&history, &analysis);
    summary.diverged_at = diverged_at;
    Ok(RunRecord::new(
        trainer.config().clone(),
        history,
        summary,
        meta,
    ))
}
