//! The worker's training loop: trains the batch the page asked for, in slices, reporting
//! every evaluation; keeps the batches it was switched away from parked (model and optimizer
//! state stay here) until asked to resume or forget them.
//!
//! A batch is the runs of one shape trained as one batched model: as many of the runs the
//! page sent as the device's buffer limits allow. Steps only queue work on WebGPU; the single
//! readback per evaluation (every run's numbers together) is awaited, never blocked on.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use burn::tensor::Device;
use gloo_timers::future::TimeoutFuture;
use grokking_lab::config::TaskConfig;
use grokking_lab::data::{self, Dataset};
use grokking_lab::footprint::{self, DeviceLimits, Footprint};
use grokking_lab::run::{BatchRun, Progress};
use grokking_lab::{ExperimentConfig, TrainError};

use super::dispatches::dispatched;
use super::scope::{self, now_ms, post};
use crate::protocol::{FromWorker, JobId, Level, Report, Said, Stop, ToWorker};

/// Work at most this long between looks at the page's commands (a step that takes longer
/// on a slow CPU still runs whole). Nothing else shares this thread, so it can be longer
/// than a page's 16 ms frame; it bounds how long a pause or a slider switch waits.
const SLICE_BUDGET_MS: f64 = 40.0;
/// How often an idle worker looks for commands.
const IDLE_POLL_MS: u32 = 10;
/// Parked batches kept on the device at most (each holds its model, optimizer and data);
/// older ones are released and retrained when their runs are wanted again.
const MAX_PARKED: usize = 4;

/// Commands from the page, in arrival order.
pub type Inbox = Rc<RefCell<VecDeque<ToWorker>>>;

/// Why a batch could not start (the page words it).
pub(super) enum StartError {
    /// Its data could not be had (the IMDB download failed): its runs are untouched.
    Unavailable(Said),
    /// It cannot train (a bad configuration, a device error).
    Failed(Said),
}

impl StartError {
    pub(super) fn message(self) -> Said {
        match self {
            Self::Unavailable(message) | Self::Failed(message) => message,
        }
    }
}

/// The run's data; IMDB reviews are downloaded on first use (the page says so: 1.2 MB can
/// take a moment on a classroom network).
pub(super) async fn dataset(config: &ExperimentConfig) -> Result<Dataset, StartError> {
    let imdb = match config.task {
        TaskConfig::Imdb(_) => {
            if !super::imdb::is_loaded() {
                post(&FromWorker::Notice {
                    level: Level::Info,
                    said: Said::DownloadingImdb,
                });
            }
            Some(
                super::imdb::corpus()
                    .await
                    .map_err(StartError::Unavailable)?,
            )
        }
        TaskConfig::ModularArithmetic(_) => None,
    };
    data::dataset(config, imdb.as_deref()).map_err(|e| StartError::Failed(e.to_string().into()))
}

/// One batch: its runs trained as one model.
struct Job {
    id: JobId,
    run: BatchRun,
    footprint: Footprint,
    /// Per run, the last step the page already has: not reported again.
    replay_until: Vec<usize>,
    /// Evaluations still to train before parking (`None`: to the end).
    evaluations: Option<usize>,
    speed: Speed,
    /// Whether its dispatches per step still want counting (WebGPU only).
    count_dispatches: bool,
}

impl Job {
    /// Batches as many of `configs` (the first always) as `limits` allow.
    async fn start(
        id: JobId,
        configs: Vec<ExperimentConfig>,
        replay_until: Vec<usize>,
        limits: &DeviceLimits,
        device: &Device,
    ) -> Result<Self, StartError> {
        let mut data = Vec::with_capacity(configs.len());
        for config in &configs {
            data.push(dataset(config).await?);
        }
        let all: Vec<&Dataset> = data.iter().collect();
        if let Err(needed) = footprint::one_run_fits(&configs[0], all[0], limits) {
            return Err(StartError::Failed(Said::TooBig {
                needed: footprint::describe_bytes(needed.total),
                budget: footprint::describe_bytes(limits.budget),
            }));
        }
        let runs = footprint::runs_that_fit(&configs[0], &all, limits);
        let configs = configs[..runs].to_vec();
        let data = &all[..runs];
        // Evaluation chunks sized to the device's largest buffer.
        let eval_rows = footprint::eval_rows(&configs[0], data, limits.max_buffer);
        let footprint = footprint::estimate(&configs[0], data);
        let mut run = BatchRun::new(configs, data, device)
            .map_err(|e| StartError::Failed(e.to_string().into()))?;
        run.set_eval_rows(eval_rows);
        Ok(Self {
            id,
            footprint,
            run,
            replay_until,
            evaluations: None,
            speed: Speed::default(),
            count_dispatches: false,
        })
    }

    fn started(&self) -> FromWorker {
        FromWorker::Started {
            job: self.id,
            runs: self.run.configs().len(),
            bytes: self.footprint.total,
        }
    }
}

/// The worker's jobs: the one training, and the parked ones.
struct Jobs {
    all: Vec<Job>,
    active: Option<JobId>,
}

impl Jobs {
    fn position(&self, id: JobId) -> Option<usize> {
        self.all.iter().position(|job| job.id == id)
    }

    fn park_active(&mut self) {
        if let Some(id) = self.active.take() {
            post(&FromWorker::Stopped {
                job: id,
                why: Stop::Parked,
            });
        }
    }

    fn remove(&mut self, id: JobId) {
        self.all.retain(|job| job.id != id);
        if self.active == Some(id) {
            self.active = None;
        }
    }

    /// Makes `id` the batch in training and the most recently used, then frees the device
    /// memory of parked batches beyond the cap, telling the page.
    fn activate(&mut self, id: JobId, budget: u64) {
        if let Some(index) = self.position(id) {
            let job = self.all.remove(index);
            self.all.push(job);
        }
        self.active = Some(id);
        let held: Vec<(JobId, u64)> = self
            .all
            .iter()
            .map(|job| (job.id, job.footprint.total))
            .collect();
        for released in to_release(&held, id, MAX_PARKED, budget) {
            self.remove(released);
            post(&FromWorker::Released { job: released });
        }
    }
}

/// The parked batches to drop, least recently used first: those beyond `max_parked`, then
/// more while everything held exceeds `budget`. `held` is in order of use (most recent last);
/// the active batch is never dropped.
fn to_release(held: &[(JobId, u64)], active: JobId, max_parked: usize, budget: u64) -> Vec<JobId> {
    let parked: Vec<(JobId, u64)> = held
        .iter()
        .copied()
        .filter(|&(id, _)| id != active)
        .collect();
    let mut total: u64 = held.iter().map(|&(_, bytes)| bytes).sum();
    let mut release = Vec::new();
    for (k, &(id, bytes)) in parked.iter().enumerate() {
        let left = parked.len() - k;
        if left > max_parked || total > budget {
            release.push(id);
            total -= bytes;
        }
    }
    release
}

/// Runs until the device fails: the worker's single consumer of the page's commands.
/// `counts_dispatches`: each batch's dispatches per step are counted and reported.
pub async fn run(inbox: Inbox, device: Device, limits: DeviceLimits, counts_dispatches: bool) {
    let mut jobs = Jobs {
        all: Vec::new(),
        active: None,
    };
    let mut first_step_done = false;
    loop {
        if super::faults::current().is_some() {
            // The page was told; it replaces this worker.
            return;
        }
        let commands: Vec<ToWorker> = inbox.borrow_mut().drain(..).collect();
        for command in commands {
            obey(command, &mut jobs, &limits, &device, counts_dispatches).await;
        }
        let Some(index) = jobs.active.and_then(|id| jobs.position(id)) else {
            TimeoutFuture::new(IDLE_POLL_MS).await;
            continue;
        };
        let job = &mut jobs.all[index];
        let id = job.id;
        match advance(job, &mut first_step_done, || super::bytes_in_use(&device)).await {
            Ok(None) => {}
            Ok(Some(Stop::Done)) => {
                post(&FromWorker::Stopped {
                    job: id,
                    why: Stop::Done,
                });
                jobs.remove(id);
            }
            Ok(Some(why)) => {
                post(&FromWorker::Stopped { job: id, why });
                jobs.active = None;
            }
            Err(TrainError::Diverged { step }) => {
                // Before any finite evaluation: nothing to keep of any run in the batch.
                post(&FromWorker::Failed {
                    job: id,
                    message: Said::DivergedEarly { step },
                });
                jobs.remove(id);
            }
            Err(TrainError::Device(error)) => {
                // The page is told in words and replaces this worker.
                super::faults::from_execution(&error);
                return;
            }
            Err(error) => {
                post(&FromWorker::Crashed {
                    message: error.to_string(),
                });
                return;
            }
        }
        scope::yield_now().await;
    }
}

async fn obey(
    command: ToWorker,
    jobs: &mut Jobs,
    limits: &DeviceLimits,
    device: &Device,
    counts_dispatches: bool,
) {
    match command {
        ToWorker::Train {
            job: id,
            configs,
            evaluations,
            replay_until,
        } => {
            if jobs.active != Some(id) {
                jobs.park_active();
            }
            if jobs.position(id).is_none() {
                if configs.is_empty() || replay_until.len() != configs.len() {
                    post(&FromWorker::Failed {
                        job: id,
                        message: Said::MalformedBatch,
                    });
                    return;
                }
                match Job::start(id, configs, replay_until, limits, device).await {
                    Ok(mut job) => {
                        job.count_dispatches = counts_dispatches;
                        jobs.all.push(job);
                    }
                    Err(StartError::Unavailable(message)) => {
                        post(&FromWorker::Unavailable { job: id, message });
                        return;
                    }
                    Err(StartError::Failed(message)) => {
                        post(&FromWorker::Failed { job: id, message });
                        return;
                    }
                }
            }
            let index = jobs.position(id).expect("the job exists now");
            let job = &mut jobs.all[index];
            job.evaluations = evaluations;
            job.speed.pause();
            post(&job.started());
            jobs.activate(id, limits.budget);
        }
        ToWorker::Pause => jobs.park_active(),
        // The device is chosen: nothing to measure any more.
        ToWorker::Measure { .. } => {}
        ToWorker::Forget { jobs: ids } => {
            for id in ids {
                jobs.remove(id);
            }
        }
    }
}

/// One slice: steps until the budget is spent or an evaluation is due, then the evaluation
/// of every run in the batch (one readback). `Some` when the batch stops.
async fn advance(
    job: &mut Job,
    first_step_done: &mut bool,
    memory: impl Fn() -> u64,
) -> Result<Option<Stop>, TrainError> {
    if *first_step_done
        && job.count_dispatches
        && let Some(per_step) = count_dispatches(job).await?
    {
        job.count_dispatches = false;
        post(&FromWorker::Dispatches {
            job: job.id,
            per_step,
        });
    }
    let started = now_ms();
    // The very first step is timed alone, to completion: load → first step is a number the
    // docs record.
    let max_steps = if *first_step_done { usize::MAX } else { 1 };
    let mut steps = 0;
    while steps < max_steps && now_ms() - started < SLICE_BUDGET_MS && job.run.step() {
        steps += 1;
    }
    let sliced = now_ms() - started;
    if !*first_step_done && steps > 0 {
        // Resolves once the step has run on the device.
        job.run.trainer().evaluate().read().await?;
        *first_step_done = true;
        post(&FromWorker::FirstStep);
    }
    job.speed.steps += steps;
    job.speed.longest_slice_ms = job.speed.longest_slice_ms.max(sliced);
    if job.run.steps_until_eval() > 0 {
        return Ok(None);
    }
    let progress = job.run.evaluate().await?;
    let mut step = 0;
    let reports = progress
        .into_iter()
        .zip(&job.replay_until)
        .map(|(progress, &kept)| match progress? {
            Progress::Evaluated(point, learned) => {
                step = point.step;
                (point.step > kept).then_some(Report::Point(point, learned))
            }
            Progress::Diverged { step } => Some(Report::Diverged { step }),
        })
        .collect();
    post(&FromWorker::Evaluated {
        job: job.id,
        reports,
        steps: std::mem::take(&mut job.speed.steps),
        steps_per_second: job.speed.record(step),
        longest_slice_ms: job.speed.longest_slice_ms,
        device_bytes: memory(),
    });
    if job.run.is_done() {
        return Ok(Some(Stop::Done));
    }
    if let Some(left) = &mut job.evaluations {
        *left = left.saturating_sub(1);
        if *left == 0 {
            return Ok(Some(Stop::Budget));
        }
    }
    Ok(None)
}

/// Steps over which dispatches are counted: the count is the same every step; a few
/// smooth out where burn's fusion happens to flush its queue.
const COUNTED_STEPS: usize = 3;

/// Trains up to [`COUNTED_STEPS`] steps (those before the next evaluation), counting the
/// dispatches they submit: settled before and after, and the settling's own dispatches
/// (counted by settling once more) taken off. `None` when no step was due.
async fn count_dispatches(job: &mut Job) -> Result<Option<f64>, TrainError> {
    let due = job.run.steps_until_eval().min(COUNTED_STEPS);
    if due == 0 {
        return Ok(None);
    }
    job.run.trainer().settle().await?;
    let before = dispatched();
    let mut trained = 0;
    while trained < due && job.run.step() {
        trained += 1;
    }
    job.run.trainer().settle().await?;
    let after = dispatched();
    job.run.trainer().settle().await?;
    let settling = dispatched() - after;
    job.speed.steps += trained;
    Ok((trained > 0).then(|| (after - before).saturating_sub(settling) as f64 / trained as f64))
}

/// Steps per second over the evaluations since the batch (re)started.
#[derive(Default)]
struct Speed {
    since: Option<(f64, usize)>,
    /// Steps since the last report.
    steps: usize,
    longest_slice_ms: f64,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parked_batches_beyond_the_cap_are_released_oldest_first() {
        let held: Vec<(JobId, u64)> = (0..7).map(|id| (id, 10)).collect();
        // Batch 3 trains; six are parked, two more than the cap of four.
        assert_eq!(to_release(&held, 3, 4, u64::MAX), [0, 1]);
        assert_eq!(to_release(&held, 6, 6, u64::MAX), Vec::<JobId>::new());
    }

    #[test]
    fn parked_batches_are_released_while_the_device_budget_is_exceeded() {
        let held = [(0, 500), (1, 300), (2, 400)];
        // 1,200 bytes held, a budget of 800: the oldest parked batch goes.
        assert_eq!(to_release(&held, 2, 4, 800), [0]);
        // The active batch alone exceeds the budget: every parked one goes, it stays.
        assert_eq!(to_release(&held, 0, 4, 100), [1, 2]);
    }
}
