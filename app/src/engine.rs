//! The training engine: one async loop on the page's main thread that trains whatever the
//! lab wants next, in short time-budgeted slices that yield to the browser in between.
//!
//! What it trains is a batch: the wanted run together with every queued run of the same
//! shape (all the slider's sizes, as a rule), as many as the device's buffer limits allow,
//! trained as one batched model, so all their curves grow at once and the slider scrubs
//! across live runs. Steps only queue GPU work; the single readback per evaluation (every
//! run's numbers together) is awaited, never blocked on. A batch switched away from (the
//! settings changed) is parked with its optimizer state and resumed later.

use burn::tensor::backend::AutodiffBackend;
use gloo_timers::future::TimeoutFuture;
use grokking_lab::config::RunKey;
use grokking_lab::config::TaskConfig;
use grokking_lab::data::{self, Dataset};
use grokking_lab::footprint::{self, DeviceLimits, Footprint};
use grokking_lab::run::{BatchRun, Progress};
use grokking_lab::{ExperimentConfig, TrainError};
use leptos::prelude::*;

use crate::state::{Lab, Level, RunEntry, RunStatus};
use crate::store;

/// Dispatch at most this long before yielding: well under the 50 ms "long task" mark, so
/// the page answers clicks and drags while training.
const SLICE_BUDGET_MS: f64 = 12.0;
/// How often an idle engine looks for work.
const IDLE_POLL_MS: u32 = 50;

pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// The run's data; IMDB reviews are downloaded on first use (the page says so: 1.2 MB can
/// take a moment on a classroom network).
pub async fn dataset(lab: &Lab, config: &ExperimentConfig) -> Result<Dataset, String> {
    let imdb = match config.task {
        TaskConfig::Imdb(_) => {
            if !crate::imdb::is_loaded() {
                lab.notify(
                    Level::Info,
                    "Downloading the IMDB reviews (1.2 MB, Maas et al. 2011)…",
                );
            }
            Some(crate::imdb::corpus().await?)
        }
        TaskConfig::ModularArithmetic(_) => None,
    };
    data::dataset(config, imdb.as_deref()).map_err(|e| e.to_string())
}

/// Runs of one shape trained as one batched model, and whose entries they are.
struct BatchJob<B: AutodiffBackend> {
    keys: Vec<RunKey>,
    run: BatchRun<B>,
    footprint: Footprint,
}

impl<B: AutodiffBackend> BatchJob<B> {
    /// Batches as many of `configs` (the first always) as `limits` allow.
    async fn start(
        lab: &Lab,
        configs: Vec<ExperimentConfig>,
        limits: &DeviceLimits,
        device: &B::Device,
    ) -> Result<Self, String> {
        let mut data = Vec::with_capacity(configs.len());
        for config in &configs {
            data.push(dataset(lab, config).await?);
        }
        let all: Vec<&Dataset> = data.iter().collect();
        let runs = footprint::runs_that_fit(&configs[0], &all, limits);
        let configs = configs[..runs].to_vec();
        let data = &all[..runs];
        Ok(Self {
            keys: configs.iter().map(ExperimentConfig::key).collect(),
            footprint: footprint::estimate(&configs[0], data),
            run: BatchRun::new(configs, data, device).map_err(|e| e.to_string())?,
        })
    }

    fn holds(&self, key: &RunKey) -> bool {
        self.keys.contains(key)
    }

    /// Keys of the runs still training (not frozen by divergence).
    fn live_keys(&self) -> impl Iterator<Item = &RunKey> {
        self.keys
            .iter()
            .zip(self.run.diverged_at())
            .filter(|(_, diverged)| diverged.is_none())
            .map(|(key, _)| key)
    }

    fn set_status(&self, lab: &Lab, status: RunStatus) {
        for key in self.live_keys() {
            lab.update_run(key, |run| run.status = status.clone());
        }
    }
}

/// Runs forever: the lab's single consumer of training work.
pub async fn run<B: AutodiffBackend>(
    lab: Lab,
    device: B::Device,
    limits: DeviceLimits,
    backend: &'static str,
) {
    let mut parked: Vec<BatchJob<B>> = Vec::new();
    let mut current: Option<BatchJob<B>> = None;
    let mut speed = Speed::default();
    loop {
        if lab.halted.get_untracked().is_some() {
            return;
        }
        forget_reset(&lab, &mut parked, &mut current);

        let may_train = lab.playing.get_untracked() || lab.step_budget.get_untracked() > 0;
        let target = lab.next_target().filter(|_| may_train);
        let Some(target) = target else {
            if let Some(job) = current.take() {
                job.set_status(&lab, RunStatus::Queued);
                parked.push(job);
            }
            speed.pause();
            TimeoutFuture::new(IDLE_POLL_MS).await;
            continue;
        };

        let key = target.key();
        if !current.as_ref().is_some_and(|job| job.holds(&key)) {
            // A new batch compiles kernels for its shapes: not steady training yet.
            lab.perf.update(|perf| perf.warm_since = None);
            speed.pause();
            if let Some(job) = current.take() {
                job.set_status(&lab, RunStatus::Queued);
                parked.push(job);
            }
            let job = match parked.iter().position(|job| job.holds(&key)) {
                Some(index) => Ok(parked.remove(index)),
                None => {
                    let taken = |key: &RunKey| parked.iter().any(|job| job.holds(key));
                    let cap = lab.settings.with_untracked(|s| s.batch_runs());
                    let configs = lab.batch_for(&target, taken, cap.unwrap_or(usize::MAX));
                    BatchJob::start(&lab, configs, &limits, &device).await
                }
            };
            current = match job {
                Ok(job) => Some(job),
                Err(error) => {
                    lab.notify(Level::Error, error.clone());
                    finish(&lab, &key, RunStatus::Failed(error));
                    continue;
                }
            };
            let job = current.as_ref().expect("a job was just chosen");
            job.set_status(&lab, RunStatus::Training);
            for key in &job.keys {
                lab.update_run(key, |run| run.meta.backend = backend.to_owned());
            }
            let (runs, bytes) = (job.live_keys().count(), job.footprint.total);
            lab.perf.update(|perf| {
                perf.batch_runs = runs;
                perf.batch_bytes = bytes;
            });
        }
        let job = current.as_mut().expect("a job was just chosen");

        match advance(&lab, job, &mut speed).await {
            Ok(Slice::Done) => {
                for key in job.live_keys() {
                    finish(&lab, key, RunStatus::Done);
                }
                current = None;
            }
            Ok(Slice::Training) => {}
            Err(TrainError::Diverged { step }) => {
                // Before any finite evaluation: nothing to keep of any run in the batch.
                let message =
                    format!("Training diverged at step {step}: try a smaller learning rate or α.");
                lab.notify(Level::Warning, message.clone());
                for key in &job.keys {
                    finish(&lab, key, RunStatus::Failed(message.clone()));
                }
                current = None;
            }
            Err(error) => {
                let message = format!(
                    "Training stopped: {error}. Finished runs are saved; reload the page to continue."
                );
                lab.notify(Level::Error, message.clone());
                for key in job.live_keys() {
                    finish(&lab, key, RunStatus::Failed(error.to_string()));
                }
                lab.halted.set(Some(message));
                return;
            }
        }
        TimeoutFuture::new(0).await;
    }
}

/// Drops batches holding a run that was reset (it no longer has an entry). Their other
/// runs start over in a later batch: a batch cannot rewind one run alone.
fn forget_reset<B: AutodiffBackend>(
    lab: &Lab,
    parked: &mut Vec<BatchJob<B>>,
    current: &mut Option<BatchJob<B>>,
) {
    let alive = |key: &RunKey| lab.runs.with_untracked(|runs| runs.contains_key(key));
    let stale = |job: &BatchJob<B>| !job.keys.iter().all(alive);
    let restart = |job: &BatchJob<B>| {
        for (key, config) in job.keys.iter().zip(job.run.configs()) {
            lab.update_run(key, |run| {
                if !run.status.is_finished() {
                    *run = RunEntry::new(config.clone());
                }
            });
        }
    };
    parked.retain(|job| {
        let keep = !stale(job);
        if !keep {
            restart(job);
        }
        keep
    });
    if let Some(job) = current.take_if(|job| stale(job)) {
        restart(&job);
    }
}

/// How a slice left its batch.
enum Slice {
    Training,
    Done,
}

/// One slice: steps until the budget is spent or an evaluation is due, then the evaluation
/// of every run in the batch (one readback).
async fn advance<B: AutodiffBackend>(
    lab: &Lab,
    job: &mut BatchJob<B>,
    speed: &mut Speed,
) -> Result<Slice, TrainError> {
    let started = now_ms();
    // The very first step is timed alone, to completion: load → first step is a number the
    // docs record.
    let first = lab.perf.with_untracked(|perf| perf.first_step_ms.is_none());
    let max_steps = if first { 1 } else { usize::MAX };
    let mut steps = 0;
    while steps < max_steps && now_ms() - started < SLICE_BUDGET_MS && job.run.step() {
        steps += 1;
    }
    let sliced = now_ms() - started;
    if steps > 0 {
        lab.perf.update(|perf| {
            perf.total_steps += steps;
            perf.longest_slice_ms = perf.longest_slice_ms.max(sliced);
        });
    }
    if first && steps > 0 {
        // Resolves once the step has run on the device.
        job.run.trainer().evaluate().read().await?;
        lab.perf.update(|perf| perf.first_step_ms = Some(now_ms()));
    }
    if job.run.steps_until_eval() > 0 {
        return Ok(Slice::Training);
    }
    let progress = job.run.evaluate().await?;
    let mut step = None;
    for (key, progress) in job.keys.iter().zip(progress) {
        match progress {
            Some(Progress::Evaluated(point)) => {
                step = Some(point.step);
                lab.update_run(key, |run| run.history.push(point));
            }
            Some(Progress::Diverged { step }) => {
                let n = lab
                    .runs
                    .with_untracked(|runs| runs.get(key).map(|r| r.config.train_size()));
                lab.notify(
                    Level::Warning,
                    format!(
                        "Training N = {} diverged at step {step}: try a smaller learning rate or α. The other sizes go on.",
                        n.unwrap_or_default()
                    ),
                );
                finish(lab, key, RunStatus::Diverged { step });
            }
            None => {}
        }
    }
    if let Some(step) = step {
        let steps_per_second = speed.record(step);
        let runs = job.live_keys().count();
        lab.perf.update(|perf| {
            perf.batch_runs = runs;
            if step > 0 {
                perf.steps_per_second = steps_per_second;
                perf.warm_since.get_or_insert_with(now_ms);
            }
        });
    }
    if !lab.playing.get_untracked() {
        lab.step_budget
            .update(|budget| *budget = budget.saturating_sub(1));
    }
    Ok(if job.run.is_done() {
        Slice::Done
    } else {
        Slice::Training
    })
}

/// Marks a run finished, takes it off the queue and saves it.
fn finish(lab: &Lab, key: &RunKey, status: RunStatus) {
    lab.update_run(key, |run| run.status = status);
    lab.queue
        .update(|queue| queue.retain(|config| &config.key() != key));
    if let Some(record) = lab
        .runs
        .with_untracked(|runs| runs.get(key).and_then(|r| r.record()))
    {
        let lab = *lab;
        leptos::task::spawn_local(async move {
            if let Err(error) = store::save(&record).await {
                lab.notify(
                    Level::Warning,
                    format!("Could not save the run in this browser: {error}"),
                );
            }
        });
    }
}

/// Steps per second over the evaluations since training (re)started.
#[derive(Default)]
struct Speed {
    since: Option<(f64, usize)>,
}

impl Speed {
    fn record(&mut self, step: usize) -> f64 {
        let now = now_ms();
        match self.since {
            Some((t0, s0)) if step > s0 && now > t0 => (step - s0) as f64 * 1000.0 / (now - t0),
            _ => {
                self.since = Some((now, step));
                0.0
            }
        }
    }

    fn pause(&mut self) {
        self.since = None;
    }
}
