//! Runs' lifecycle: train toward the next evaluation, evaluate (one async readback for every
//! run), keep the histories, stop at the budget, freeze a run that diverges, summarize.
//!
//! [`BatchRun`] drives `R` runs of one shape as one batched model (a single run is a batch
//! of one), piecewise, so that every front end shares it: the CLI runs batches to the end
//! ([`train_batch`]); the lab advances them in short time slices
//! between browser frames, parks them when the slider moves and resumes them later.
//! On modular tasks each evaluation also says what a run learned ([`Snapshot`]); a thinned
//! history of those goes into the run's record.

use std::ops::ControlFlow;

use burn::tensor::Device;

use crate::checkpoint::Checkpoint;
use crate::config::ExperimentConfig;
use crate::data::Dataset;
use crate::learned::{Snapshot, SnapshotHistory};
use crate::metrics::EvalPoint;
use crate::record::{RunMeta, RunRecord};
use crate::trainer::{BatchTrainer, TrainError};

/// What an evaluation found for one run.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    /// A new point of the history, and what the run learned by then (modular tasks, unless
    /// switched off: [`BatchRun::set_learned`]). The run may now be finished
    /// ([`BatchRun::is_done`]).
    Evaluated(EvalPoint, Option<Snapshot>),
    /// The loss stopped being a finite number at this step: the run is over, and its
    /// history up to the last finite evaluation is kept.
    Diverged { step: usize },
}

/// `R` runs trained together (see [`BatchTrainer`]). A run that diverges is frozen: its
/// history ends at its last finite evaluation, and the others go on undisturbed (no
/// computation mixes runs).
pub struct BatchRun {
    trainer: BatchTrainer,
    histories: Vec<Vec<EvalPoint>>,
    /// Each run's snapshots, thinned (see [`SnapshotHistory`]).
    learned: Vec<SnapshotHistory>,
    diverged_at: Vec<Option<usize>>,
    /// Steps left before the next evaluation is due; `0`: evaluate now.
    until_eval: usize,
}

impl BatchRun {
    /// Fresh runs; their first evaluation (of the untrained models, step 0) is due at once.
    /// `data[r]` is the dataset of `configs[r]`.
    pub fn new(
        configs: Vec<ExperimentConfig>,
        data: &[&Dataset],
        device: &Device,
    ) -> Result<Self, TrainError> {
        let runs = configs.len();
        Ok(Self {
            trainer: BatchTrainer::new(configs, data, device)?,
            histories: vec![Vec::new(); runs],
            learned: vec![SnapshotHistory::default(); runs],
            diverged_at: vec![None; runs],
            until_eval: 0,
        })
    }

    pub fn configs(&self) -> &[ExperimentConfig] {
        self.trainer.configs()
    }

    /// Runs built as [`BatchRun::new`] builds them, then put back where `checkpoint` left
    /// them: training goes on as if it had never stopped (the same numbers, step for step).
    /// A checkpoint of other runs is refused.
    pub fn resume(
        configs: Vec<ExperimentConfig>,
        data: &[&Dataset],
        device: &Device,
        checkpoint: Checkpoint,
    ) -> Result<Self, TrainError> {
        if checkpoint.configs != configs {
            return Err(TrainError::Checkpoint(
                "it is of other runs than these".into(),
            ));
        }
        let runs = configs.len();
        if [
            checkpoint.histories.len(),
            checkpoint.learned.len(),
            checkpoint.diverged_at.len(),
        ]
        .iter()
        .any(|&n| n != runs)
        {
            return Err(TrainError::Checkpoint(
                "it does not hold every run's history".into(),
            ));
        }
        let mut batch = Self::new(configs, data, device)?;
        batch.trainer.restore(checkpoint.trainer)?;
        batch.histories = checkpoint.histories;
        batch.learned = checkpoint.learned;
        batch.diverged_at = checkpoint.diverged_at;
        batch.until_eval = checkpoint.until_eval;
        Ok(batch)
    }

    /// Everything [`BatchRun::resume`] needs to go on from this step (see
    /// [`BatchTrainer::save`]: it reads the parameters back).
    pub fn checkpoint(&self) -> Result<Checkpoint, TrainError> {
        Ok(Checkpoint {
            configs: self.configs().to_vec(),
            trainer: self.trainer.save()?,
            histories: self.histories.clone(),
            learned: self.learned.clone(),
            diverged_at: self.diverged_at.clone(),
            until_eval: self.until_eval,
            wall_seconds: 0.0,
        })
    }

    pub fn trainer(&self) -> &BatchTrainer {
        &self.trainer
    }

    /// See [`BatchTrainer::set_eval_rows`].
    pub fn set_eval_rows(&mut self, rows: usize) {
        self.trainer.set_eval_rows(rows);
    }

    /// See [`BatchTrainer::set_learned`]: on by default for modular tasks.
    pub fn set_learned(&mut self, on: bool) {
        self.trainer.set_learned(on);
    }

    pub fn histories(&self) -> &[Vec<EvalPoint>] {
        &self.histories
    }

    /// Run `run`'s kept snapshots of what it learned, oldest first.
    pub fn learned(&self, run: usize) -> &[Snapshot] {
        self.learned[run].snapshots()
    }

    pub fn diverged_at(&self) -> &[Option<usize>] {
        &self.diverged_at
    }

    /// Steps to train before [`BatchRun::evaluate`] is due; `0` when it is due now (or the
    /// runs are done).
    pub fn steps_until_eval(&self) -> usize {
        self.until_eval
    }

    /// Every run diverged, or the budget is trained and evaluated at its last step.
    pub fn is_done(&self) -> bool {
        let step = self.trainer.step_count();
        let evaluated_last =
            self.histories
                .iter()
                .zip(&self.diverged_at)
                .all(|(history, diverged)| {
                    diverged.is_some() || history.last().is_some_and(|p| p.step == step)
                });
        self.diverged_at.iter().all(Option::is_some)
            || (self.trainer.is_finished() && evaluated_last)
    }

    /// Queues one training step of every run if one is due before the next evaluation;
    /// returns whether it did. Reads nothing back.
    pub fn step(&mut self) -> bool {
        if self.until_eval == 0 || self.diverged_at.iter().all(Option::is_some) {
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

    /// Evaluates every run now and records the points: one async readback. Call it when
    /// [`BatchRun::steps_until_eval`] is 0; afterwards the next interval is due (capped at
    /// the budget). One entry per run: `None` for a run frozen by an earlier divergence.
    /// A run that diverges before its first finite evaluation is an error: it has nothing
    /// to keep.
    pub async fn evaluate(&mut self) -> Result<Vec<Option<Progress>>, TrainError> {
        let evaluations = self.trainer.evaluate().read_all().await?;
        let mut progress = Vec::with_capacity(evaluations.len());
        for (run, evaluation) in evaluations.into_iter().enumerate() {
            if self.diverged_at[run].is_some() {
                progress.push(None);
                continue;
            }
            progress.push(Some(match evaluation {
                Ok(evaluation) => {
                    self.histories[run].push(evaluation.point);
                    if let Some(snapshot) = &evaluation.learned {
                        self.learned[run].push(snapshot.clone());
                    }
                    Progress::Evaluated(evaluation.point, evaluation.learned)
                }
                Err(TrainError::Diverged { step }) if !self.histories[run].is_empty() => {
                    self.diverged_at[run] = Some(step);
                    Progress::Diverged { step }
                }
                Err(error) => return Err(error),
            }));
        }
        let training = &self.trainer.configs()[0].training;
        self.until_eval = training.steps_to_next_eval(self.trainer.step_count());
        Ok(progress)
    }

    /// Run `run` in the file format, summarized with its task's analysis.
    pub fn record(&self, run: usize, meta: RunMeta) -> RunRecord {
        RunRecord::new(
            self.configs()[run].clone(),
            self.histories[run].clone(),
            self.diverged_at[run],
            meta,
        )
        .with_learned(self.learned(run).to_vec())
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

/// Trains `configs` as one batch (see [`BatchRun`]) to their step budget. `on_eval` sees
/// every run's evaluations (with the run's index) and may stop them all.
pub async fn train_batch(
    configs: Vec<ExperimentConfig>,
    data: &[&Dataset],
    device: &Device,
    meta: RunMeta,
    mut on_eval: impl FnMut(usize, &EvalPoint) -> ControlFlow<()>,
) -> Result<Vec<RunRecord>, RunError> {
    let mut batch = BatchRun::new(configs, data, device)?;
    while !batch.is_done() {
        let steps = batch.steps_until_eval();
        batch.train(steps);
        let mut stop = false;
        for (run, progress) in batch.evaluate().await?.into_iter().enumerate() {
            if let Some(Progress::Evaluated(point, _)) = progress {
                stop |= on_eval(run, &point).is_break();
            }
        }
        if stop && !batch.is_done() {
            return Err(RunError::Stopped {
                step: batch.trainer().step_count(),
            });
        }
    }
    Ok((0..batch.configs().len())
        .map(|run| batch.record(run, meta.clone()))
        .collect())
}
