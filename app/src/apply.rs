//! Where training changes the lab: the scheduler's [`Command`]s and the workers' timing
//! reports become signal updates here, and finished runs are saved here — the one module
//! that writes IndexedDB (through [`crate::store`]).
//!
//! Invariant: nothing here decides anything; what to change comes from the scheduler or a
//! worker's report, as it came.

use grokking_lab::config::RunKey;
use grokking_lab::record::RunRecord;
use leptos::prelude::*;

use crate::scheduler::{Command, Outcome, Progress};
use crate::state::{Lab, Level, RunEntry, RunStatus};
use crate::store;
use crate::tasks::now_ms;
use crate::tr;

/// Applies a command that changes the lab (the pool carries out those for the workers).
pub fn command(lab: Lab, command: Command) {
    match command {
        Command::Idle { worker } => lab.perf.update(|perf| perf.worker(worker).training = false),
        Command::Retired { workers } => lab.perf.update(|perf| perf.workers.truncate(workers)),
        Command::Training { keys, backend } => {
            for key in &keys {
                lab.update_run(key, |run| {
                    if !run.status.is_finished() {
                        run.status = RunStatus::Training;
                        run.meta.backend = backend.clone();
                    }
                });
            }
        }
        Command::Queued { keys } => {
            for key in &keys {
                lab.update_run(key, |run| {
                    if run.status == RunStatus::Training {
                        run.status = RunStatus::Queued;
                    }
                });
            }
        }
        Command::StartOver { config } => lab.update_run(&config.key(), |run| {
            if !run.status.is_finished() {
                *run = RunEntry::new(config.clone());
            }
        }),
        Command::Evaluated {
            key,
            point,
            learned,
        } => lab.update_run(&key, |run| {
            if run.history.last().is_none_or(|last| last.step < point.step) {
                run.history.push(point);
                if let Some(snapshot) = learned {
                    run.learned.push(snapshot);
                }
            }
        }),
        Command::Finish { key, outcome } => finish(lab, &key, outcome),
        Command::Notify { level, text } => lab.notify(level, text),
        Command::Halt(message) => {
            lab.notify(Level::Error, message.clone());
            lab.halted.set(Some(message));
        }
        Command::Pause => {
            lab.playing.set(false);
            lab.step_budget.set(0);
        }
        Command::BudgetSpent => lab.step_budget.set(0),
        Command::GpuLost(message) => lab.gpu_fault.set(Some(message)),
        Command::Resume => {
            lab.gpu_fault.set(None);
            lab.playing.set(true);
        }
        Command::Device(device) => {
            if device.is_some() {
                lab.perf.update(|perf| {
                    perf.device_ready_ms.get_or_insert_with(now_ms);
                });
            }
            lab.device.set(device);
        }
        // Counted on the device being replaced.
        Command::KernelsUnknown => lab.perf.update(|perf| perf.kernels_per_step = None),
        // The pool's own: they go to the workers.
        Command::Spawn { .. } | Command::Terminate { .. } | Command::Post { .. } => {}
    }
}

/// Worker `index` started a batch of `runs` runs holding `bytes` on its device.
pub fn started(lab: Lab, index: usize, runs: usize, bytes: u64) {
    lab.perf.update(|perf| {
        // A batch compiles kernels for its shapes: not steady training yet.
        perf.warm_since = None;
        let worker = perf.worker(index);
        worker.training = true;
        worker.warming_since = Some(now_ms());
        worker.batch_runs = runs;
        worker.batch_bytes = bytes;
    });
}

/// The first training step of the page's life ended.
pub fn first_step(lab: Lab) {
    lab.perf.update(|perf| {
        perf.first_step_ms.get_or_insert_with(now_ms);
    });
}

/// Worker `index` trained `steps` steps up to an evaluation.
pub fn progressed(
    lab: Lab,
    index: usize,
    progress: Progress,
    steps: usize,
    steps_per_second: f64,
    longest_slice_ms: f64,
) {
    lab.perf.update(|perf| {
        perf.total_steps += steps;
        perf.longest_slice_ms = perf.longest_slice_ms.max(longest_slice_ms);
        let worker = perf.worker(index);
        worker.steps += steps;
        worker.batch_runs = progress.live;
        worker.warming_since = None;
        if progress.step > 0 {
            worker.steps_per_second = steps_per_second;
            perf.warm_since.get_or_insert_with(now_ms);
        }
    });
}

/// Marks a run finished, takes it off the queue and saves it.
fn finish(lab: Lab, key: &RunKey, outcome: Outcome) {
    let status = match outcome {
        Outcome::Done => RunStatus::Done,
        Outcome::Diverged { step } => RunStatus::Diverged { step },
        Outcome::Failed(message) => RunStatus::Failed(message),
    };
    lab.update_run(key, |run| run.status = status);
    lab.queue
        .update(|queue| queue.retain(|config| &config.key() != key));
    if let Some(record) = lab
        .runs
        .with_untracked(|runs| runs.get(key).and_then(RunEntry::record))
    {
        leptos::task::spawn_local(async move {
            save(lab, &record, Saving::Trained).await;
        });
    }
}

/// Where a run to save comes from: what the notice says when it cannot be saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saving {
    /// It finished training here.
    Trained,
    /// It came in an imported file.
    Imported,
}

/// Saves a run in this browser; a notice says when it cannot be kept.
pub async fn save(lab: Lab, record: &RunRecord, saving: Saving) {
    if let Err(error) = store::save(record).await {
        let lang = lab.lang_now();
        let error = error.text(lang);
        let text = match saving {
            Saving::Trained => tr!(lang, "store-save-failed", error = error),
            Saving::Imported => tr!(lang, "store-import-save-failed", error = error),
        };
        lab.notify(Level::Warning, text);
    }
}

/// Forgets the saved runs of `keys` (the user reset them).
pub async fn forget_saved(lab: Lab, keys: &[RunKey]) {
    if let Err(error) = store::delete(keys).await {
        let lang = lab.lang_now();
        let error = error.text(lang);
        lab.notify(
            Level::Warning,
            tr!(lang, "store-forget-failed", error = error),
        );
    }
}
