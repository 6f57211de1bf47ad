//! One run's lifecycle: train toward the next evaluation, evaluate (one async readback),
//! keep the history, stop at the budget or at divergence, summarize.
//!
//! [`Run`] is driven piecewise so that every front end shares it: the CLI runs it to the end
//! ([`train_run`]); the lab advances it in short time slices between browser frames, parks it
//! when the slider moves and resumes it later.

use std::ops::ControlFlow;

use burn::tensor::backend::AutodiffBackend;

use crate::config::ExperimentConfig;
use crate::data::Dataset;
use crate::metrics::EvalPoint;
use crate::record::{RunMeta, RunRecord};
use crate::trainer::{TrainError, Trainer};

/// What an evaluation found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Progress {
    /// A new point of the history. The run may now be finished ([`Run::is_done`]).
    Evaluated(EvalPoint),
    /// The loss stopped being a finite number at this step: the run is over, and its
    /// history up to the last finite evaluation is kept.
    Diverged { step: usize },
}

pub struct Run<B: AutodiffBackend> {
    trainer: Trainer<B>,
    history: Vec<EvalPoint>,
    diverged_at: Option<usize>,
    /// Steps left before the next evaluation is due; `0`: evaluate now.
    until_eval: usize,
}

impl<B: AutodiffBackend> Run<B> {
    /// A fresh run; its first evaluation (of the untrained model, step 0) is due at once.
    pub fn new(
        config: ExperimentConfig,
        data: &Dataset,
        device: &B::Device,
    ) -> Result<Self, TrainError> {
        Ok(Self {
            trainer: Trainer::new(config, data, device)?,
            history: Vec::new(),
            diverged_at: None,
            until_eval: 0,
        })
    }

    pub fn config(&self) -> &ExperimentConfig {
        self.trainer.config()
    }

    pub fn trainer(&self) -> &Trainer<B> {
        &self.trainer
    }

    pub fn history(&self) -> &[EvalPoint] {
        &self.history
    }

    pub fn diverged_at(&self) -> Option<usize> {
        self.diverged_at
    }

    /// Steps to train before [`Run::evaluate`] is due; `0` when it is due now (or the run
    /// is done).
    pub fn steps_until_eval(&self) -> usize {
        self.until_eval
    }

    /// Diverged, or trained its whole budget and evaluated at the last step.
    pub fn is_done(&self) -> bool {
        self.diverged_at.is_some()
            || (self.trainer.is_finished()
                && self
                    .history
                    .last()
                    .is_some_and(|p| p.step == self.trainer.step_count()))
    }

    /// Queues one training step if one is due before the next evaluation; returns whether
    /// it did. Reads nothing back.
    pub fn step(&mut self) -> bool {
        if self.until_eval == 0 || self.diverged_at.is_some() {
            return false;
        }
        self.trainer.step();
        self.until_eval -= 1;
        true
    }

    /// Queues up to `n` steps, stopping where an evaluation is due. Returns how many.
    pub fn train(&mut self, n: usize) -> usize {
        (0..n).take_while(|_| self.step()).count()
    }

    /// Evaluates the model now and records the point: one async readback. Call it when
    /// [`Run::steps_until_eval`] is 0; afterwards the next interval is due (capped at the
    /// budget). A run that diverges before its first finite evaluation is an error: it has
    /// nothing to keep.
    pub async fn evaluate(&mut self) -> Result<Progress, TrainError> {
        match self.trainer.evaluate().read().await {
            Ok(point) => {
                self.history.push(point);
                let training = &self.trainer.config().training;
                self.until_eval = training
                    .eval_every
                    .min(training.steps - self.trainer.step_count());
                Ok(Progress::Evaluated(point))
            }
            Err(TrainError::Diverged { step }) if !self.history.is_empty() => {
                self.diverged_at = Some(step);
                self.until_eval = 0;
                Ok(Progress::Diverged { step })
            }
            Err(error) => Err(error),
        }
    }

    /// The run in the file format, summarized with its task's analysis.
    pub fn record(&self, meta: RunMeta) -> RunRecord {
        RunRecord::new(
            self.config().clone(),
            self.history.clone(),
            self.diverged_at,
            meta,
        )
    }
}

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
    let mut run = Run::<B>::new(config, data, device)?;
    while !run.is_done() {
        let steps = run.steps_until_eval();
        run.train(steps);
        if let Progress::Evaluated(point) = run.evaluate().await?
            && on_eval(&point).is_break()
            && !run.is_done()
        {
            return Err(RunError::Stopped { step: point.step });
        }
    }
    Ok(run.record(meta))
}
