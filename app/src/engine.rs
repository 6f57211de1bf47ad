//! The training engine: one async loop on the page's main thread that trains whatever the
//! lab wants next, in short time-budgeted slices that yield to the browser in between.
//!
//! Steps only queue GPU work; the single readback per evaluation is awaited, never blocked
//! on. A job switched away from (the slider moved) is parked with its optimizer state and
//! resumed later, so no step is wasted.

use std::collections::HashMap;

use burn::tensor::backend::AutodiffBackend;
use gloo_timers::future::TimeoutFuture;
use grokking_lab::config::RunKey;
use grokking_lab::config::TaskConfig;
use grokking_lab::data::{self, Dataset};
use grokking_lab::run::{Progress, Run};
use grokking_lab::{ExperimentConfig, TrainError};
use leptos::prelude::*;

use crate::state::{Lab, Level, RunStatus};
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

struct Job<B: AutodiffBackend> {
    key: RunKey,
    run: Run<B>,
}

impl<B: AutodiffBackend> Job<B> {
    async fn start(
        lab: &Lab,
        config: ExperimentConfig,
        device: &B::Device,
    ) -> Result<Self, String> {
        let data = dataset(lab, &config).await?;
        Ok(Self {
            key: config.key(),
            run: Run::new(config, &data, device).map_err(|e| e.to_string())?,
        })
    }
}

/// Runs forever: the lab's single consumer of training work.
pub async fn run<B: AutodiffBackend>(lab: Lab, device: B::Device, backend: &'static str) {
    let mut parked: HashMap<RunKey, Job<B>> = HashMap::new();
    let mut current: Option<Job<B>> = None;
    let mut speed = Speed::default();
    loop {
        if lab.halted.get_untracked().is_some() {
            return;
        }
        // Forget jobs whose runs were reset.
        let alive = |key: &RunKey| lab.runs.with_untracked(|runs| runs.contains_key(key));
        parked.retain(|key, _| alive(key));
        if current.as_ref().is_some_and(|job| !alive(&job.key)) {
            current = None;
        }

        let may_train = lab.playing.get_untracked() || lab.step_budget.get_untracked() > 0;
        let target = lab.next_target().filter(|_| may_train);
        let Some(config) = target else {
            if let Some(job) = current.take() {
                lab.update_run(&job.key, |run| run.status = RunStatus::Queued);
                parked.insert(job.key.clone(), job);
            }
            speed.pause();
            TimeoutFuture::new(IDLE_POLL_MS).await;
            continue;
        };

        let key = config.key();
        if current.as_ref().map(|job| &job.key) != Some(&key) {
            // A new job compiles kernels for its shapes: not steady training yet.
            lab.perf.update(|perf| perf.warm_since = None);
            if let Some(job) = current.take() {
                lab.update_run(&job.key, |run| run.status = RunStatus::Queued);
                parked.insert(job.key.clone(), job);
            }
            let job = match parked.remove(&key) {
                Some(job) => Ok(job),
                None => Job::start(&lab, config, &device).await,
            };
            current = match job {
                Ok(job) => Some(job),
                Err(error) => {
                    lab.notify(Level::Error, error.clone());
                    finish(&lab, &key, RunStatus::Failed(error));
                    continue;
                }
            };
            lab.update_run(&key, |run| {
                run.status = RunStatus::Training;
                run.meta.backend = backend.to_owned();
            });
        }
        let job = current.as_mut().expect("a job was just chosen");

        match advance(&lab, job, &mut speed).await {
            Ok(Slice::Done) => {
                finish(&lab, &key, RunStatus::Done);
                current = None;
            }
            Ok(Slice::Training) => {}
            Ok(Slice::Diverged { step }) | Err(TrainError::Diverged { step }) => {
                lab.notify(Level::Warning, format!("Training N = {} diverged at step {step}: try a smaller learning rate or α.", job.run.config().train_size()));
                finish(&lab, &key, RunStatus::Diverged { step });
                current = None;
            }
            Err(error) => {
                let message = format!(
                    "Training stopped: {error}. Finished runs are saved; reload the page to continue."
                );
                lab.notify(Level::Error, message.clone());
                finish(&lab, &key, RunStatus::Failed(error.to_string()));
                lab.halted.set(Some(message));
                return;
            }
        }
        TimeoutFuture::new(0).await;
    }
}

/// How a slice left its run.
enum Slice {
    Training,
    Done,
    Diverged { step: usize },
}

/// One slice: steps until the budget is spent or an evaluation is due, then the evaluation.
async fn advance<B: AutodiffBackend>(
    lab: &Lab,
    job: &mut Job<B>,
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
    let point = match job.run.evaluate().await? {
        Progress::Evaluated(point) => point,
        Progress::Diverged { step } => return Ok(Slice::Diverged { step }),
    };
    let steps_per_second = speed.record(point.step);
    if point.step > 0 {
        lab.perf.update(|perf| {
            perf.steps_per_second = steps_per_second;
            perf.warm_since.get_or_insert_with(now_ms);
        });
    }
    lab.update_run(&job.key, |run| run.history.push(point));
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
