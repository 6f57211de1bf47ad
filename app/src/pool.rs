//! The page's side of training: a pool of training workers ([`crate::worker`]) and the
//! scheduler that hands them batches. The page never trains; it decides what each worker
//! trains, applies what they report to the [`Lab`], and saves finished runs (the only
//! writer of IndexedDB).
//!
//! Invariants: a run is in at most one batch; a worker trains at most one batch at a time
//! (the others it holds are parked); every message from a worker is about a batch the page
//! named, and a message about a batch the page forgot is ignored. A worker that crashes is
//! replaced, and its runs go on from their last kept evaluation (the new worker retrains
//! up to it silently).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use grokking_lab::ExperimentConfig;
use grokking_lab::config::RunKey;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::protocol::{
    self, DeviceInfo, DevicePreference, FromWorker, JobId, Report, Stop, ToWorker,
};
use crate::state::{Lab, Level, Recovery, RunEntry, RunStatus};
use crate::store;
use crate::tasks::now_ms;

/// The worker script trunk writes (`data-type="worker"`, `data-loader-shim`).
const WORKER_SCRIPT: &str = "./grokking-worker_loader.js";
/// A worker that crashes more often than this in a page's life is not restarted.
const MAX_RESTARTS: u32 = 3;

/// One training worker.
struct Slot {
    worker: web_sys::Worker,
    /// Bumped on every restart: messages from a replaced worker are ignored.
    generation: u32,
    /// Its device, once it said it is ready.
    device: Option<DeviceInfo>,
    /// The batch it was asked to train (`None`: idle, or pausing).
    active: Option<JobId>,
    /// Whether that batch trains a few evaluations ("Step"), not until paused.
    stepping: bool,
    /// Its GPU stopped: it waits for the user's [`Recovery`].
    lost: bool,
    /// The device it was asked for (`Auto`: it measures, then chooses).
    asked: DevicePreference,
}

/// A batch of runs a worker holds (training or parked).
struct Job {
    worker: usize,
    configs: Vec<ExperimentConfig>,
    keys: Vec<RunKey>,
}

#[derive(Default)]
pub struct Pool {
    slots: Vec<Slot>,
    jobs: BTreeMap<JobId, Job>,
    next_job: JobId,
    restarts: u32,
    /// Every worker trains on the CPU (chosen after a GPU fault).
    force_cpu: bool,
    /// The device the user asked for when the workers started (the settings' `device`).
    preference: DevicePreference,
    /// The device chosen for it (measured, or as asked), with the reason: later workers
    /// take it without measuring again.
    choice: Option<DeviceInfo>,
    /// The batch shape the choice was measured on (`None`: not measured): another shape
    /// may favour the other device, so it is measured again.
    measured_shape: Option<ExperimentConfig>,
    /// Closures the workers call; kept alive for the page's life.
    handlers: Vec<Closure<dyn FnMut(web_sys::MessageEvent)>>,
    error_handlers: Vec<Closure<dyn FnMut(web_sys::ErrorEvent)>>,
}

/// The pool, shared by the workers' message handlers and the scheduler.
#[derive(Clone)]
pub struct Workers {
    pool: Rc<RefCell<Pool>>,
    lab: Lab,
}

impl Workers {
    /// Starts the first worker; the rest follow once it knows the device.
    pub fn start(lab: Lab) -> Self {
        let workers = Self {
            pool: Rc::default(),
            lab,
        };
        workers.pool.borrow_mut().preference = lab.settings.with_untracked(|s| s.device());
        workers.spawn(0);
        workers
    }

    /// Creates (or replaces) worker `index`.
    fn spawn(&self, index: usize) {
        let options = web_sys::WorkerOptions::new();
        let asked = {
            let pool = self.pool.borrow();
            if pool.force_cpu {
                DevicePreference::Cpu
            } else {
                pool.choice
                    .as_ref()
                    .map_or(pool.preference, DeviceInfo::preference)
            }
        };
        options.set_name(&format!("training-{}{}", index + 1, asked.worker_suffix()));
        let worker = match web_sys::Worker::new_with_options(WORKER_SCRIPT, &options) {
            Ok(worker) => worker,
            Err(error) => {
                self.halt(format!(
                    "The training worker could not start ({error:?}). Finished runs are saved; reload the page to try again."
                ));
                return;
            }
        };
        let mut pool = self.pool.borrow_mut();
        let generation = pool.slots.get(index).map_or(0, |slot| slot.generation + 1);
        let this = self.clone();
        let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |event: web_sys::MessageEvent| {
                let message = event
                    .data()
                    .as_string()
                    .and_then(|text| protocol::parse::<FromWorker>(&text));
                match message {
                    Some(message) => this.receive(index, generation, message),
                    // Our own worker never sends what we cannot read: another build does.
                    None => this.other_build(index, generation, None),
                }
            },
        );
        let this = self.clone();
        let on_error =
            Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |event: web_sys::ErrorEvent| {
                event.prevent_default();
                this.receive(
                    index,
                    generation,
                    FromWorker::Crashed {
                        message: event.message(),
                    },
                );
            });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        pool.handlers.push(on_message);
        pool.error_handlers.push(on_error);
        let slot = Slot {
            worker,
            generation,
            device: None,
            active: None,
            stepping: false,
            lost: false,
            asked,
        };
        if index < pool.slots.len() {
            pool.slots[index] = slot;
        } else {
            pool.slots.push(slot);
        }
    }

    /// The worker is another build of the lab (a cached copy of one side, where the service
    /// worker is not answering): its messages may mean something else, so nothing more is
    /// trained. Said once; the worker is stopped.
    fn other_build(&self, index: usize, generation: u32, build: Option<String>) {
        if self.lab.halted.get_untracked().is_some() {
            return;
        }
        if let Some(slot) = self
            .pool
            .borrow()
            .slots
            .get(index)
            .filter(|s| s.generation == generation)
        {
            slot.worker.terminate();
        }
        let worker = build.map_or_else(
            || "one whose messages this page cannot read".to_owned(),
            |build| format!("worker {build}"),
        );
        self.halt(format!(
            "This page and its training worker come from different builds of the lab (page {}, {worker}): one of them is an old cached copy. Finished runs are saved; reload the page (Ctrl+Shift+R) to get one build.",
            protocol::BUILD_ID
        ));
    }

    fn halt(&self, message: String) {
        self.lab.notify(Level::Error, message.clone());
        self.lab.halted.set(Some(message));
    }

    fn receive(&self, index: usize, generation: u32, message: FromWorker) {
        let current = self
            .pool
            .borrow()
            .slots
            .get(index)
            .is_some_and(|slot| slot.generation == generation);
        if !current {
            return;
        }
        let lab = self.lab;
        match message {
            FromWorker::Hello { build } if build != protocol::BUILD_ID => {
                self.other_build(index, generation, Some(build));
            }
            FromWorker::Hello { .. } => self.hello(index),
            FromWorker::Ready(device) => self.ready(index, device),
            FromWorker::Notice { level, text } => lab.notify(level, text),
            FromWorker::Started { job, runs, bytes } => {
                let backend = self.backend(index);
                let mut pool = self.pool.borrow_mut();
                let Some(job) = pool.jobs.get_mut(&job) else {
                    return;
                };
                // The runs that did not fit go back to the queue's care.
                job.configs.truncate(runs);
                job.keys.truncate(runs);
                for key in &job.keys {
                    lab.update_run(key, |run| {
                        if !run.status.is_finished() {
                            run.status = RunStatus::Training;
                            run.meta.backend = backend.clone();
                        }
                    });
                }
                drop(pool);
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
            FromWorker::FirstStep => lab.perf.update(|perf| {
                perf.first_step_ms.get_or_insert_with(now_ms);
            }),
            FromWorker::Dispatches { per_step, .. } => lab.perf.update(|perf| {
                perf.kernels_per_step = Some(per_step);
            }),
            FromWorker::Evaluated {
                job,
                reports,
                steps,
                steps_per_second,
                longest_slice_ms,
                device_bytes,
            } => {
                lab.perf
                    .update(|perf| perf.worker(index).device_bytes = device_bytes);
                self.evaluated(
                    index,
                    job,
                    reports,
                    steps,
                    steps_per_second,
                    longest_slice_ms,
                )
            }
            FromWorker::Stopped { job, why } => self.stopped(index, job, why),
            FromWorker::Failed { job, message } => {
                let Some(job) = self.forget(job) else { return };
                lab.notify(Level::Warning, message.clone());
                for key in &job.keys {
                    if !is_finished(&lab, key) {
                        finish(&lab, key, RunStatus::Failed(message.clone()));
                    }
                }
                self.idle(index);
            }
            FromWorker::Unavailable { job, message } => {
                // Nothing of its runs was touched: they wait, and the user retries.
                self.requeue(job);
                self.forget(job);
                self.idle(index);
                lab.playing.set(false);
                lab.step_budget.set(0);
                lab.notify(
                    Level::Error,
                    format!("{message}. Press ▶ Train to try again."),
                );
            }
            FromWorker::Released { job } => {
                self.requeue(job);
                self.forget(job);
                lab.perf.update(|perf| perf.worker(index).released += 1);
            }
            FromWorker::GpuFault { message } => self.gpu_fault(index, message),
            FromWorker::Crashed { message } => self.crashed(index, message),
        }
        self.schedule();
    }

    fn backend(&self, index: usize) -> String {
        self.pool.borrow().slots[index]
            .device
            .as_ref()
            .map_or_else(String::new, |d| d.backend.clone())
    }

    /// A worker asked for `auto` is sent the first batch to time on each backend.
    fn hello(&self, index: usize) {
        if self.pool.borrow().slots[index].asked != DevicePreference::Auto {
            return;
        }
        let (configs, cpu_workers) = self.lab.settings.with_untracked(|settings| {
            (
                first_batch(settings, self.lab.selected.get_untracked()),
                settings.workers().unwrap_or_else(cpu_workers),
            )
        });
        self.pool.borrow_mut().measured_shape = Some(configs[0].batch_shape());
        self.post(
            index,
            &ToWorker::Measure {
                configs,
                cpu_workers,
            },
        );
    }

    fn ready(&self, index: usize, device: DeviceInfo) {
        let lab = self.lab;
        let measured_cpu = !device.is_webgpu() && device.measured_run_steps_per_second.is_some();
        let choice = {
            let mut pool = self.pool.borrow_mut();
            pool.choice.get_or_insert_with(|| device.clone()).clone()
        };
        if measured_cpu && self.pool.borrow().slots[index].asked == DevicePreference::Auto {
            // The CPU measured faster: a CPU worker takes this one's place (the GPU this
            // one holds may still be busy with a step it gave up on).
            self.pool.borrow().slots[index].worker.terminate();
            self.spawn(index);
        } else {
            self.pool.borrow_mut().slots[index].device = Some(device);
        }
        if lab.device.get_untracked().is_none() {
            lab.perf.update(|p| {
                p.device_ready_ms.get_or_insert_with(now_ms);
            });
            if let Some(reason) = &choice.fallback_reason {
                lab.notify(
                    Level::Info,
                    format!("WebGPU is not available ({reason}). Training runs on the CPU instead: slower, so prefer small setups like the “Tiny” preset."),
                );
            } else if choice.measured_run_steps_per_second.is_some() {
                lab.notify(Level::Info, format!("Training on the {}.", choice.reason));
            }
            lab.device.set(Some(choice));
        }
    }

    fn evaluated(
        &self,
        index: usize,
        job: JobId,
        reports: Vec<Option<Report>>,
        steps: usize,
        steps_per_second: f64,
        longest_slice_ms: f64,
    ) {
        let lab = self.lab;
        let Some(keys) = self.pool.borrow().jobs.get(&job).map(|j| j.keys.clone()) else {
            return;
        };
        let mut step = 0;
        for (key, report) in keys.iter().zip(reports) {
            match report {
                Some(Report::Point(point, learned)) => {
                    step = point.step;
                    lab.update_run(key, |run| {
                        if run.history.last().is_none_or(|last| last.step < point.step) {
                            run.history.push(point);
                            if let Some(snapshot) = learned {
                                run.learned.push(snapshot);
                            }
                        }
                    });
                }
                Some(Report::Diverged { step }) => {
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
                    finish(&lab, key, RunStatus::Diverged { step });
                }
                None => {}
            }
        }
        let live = keys.iter().filter(|key| !is_finished(&lab, key)).count();
        lab.perf.update(|perf| {
            perf.total_steps += steps;
            perf.longest_slice_ms = perf.longest_slice_ms.max(longest_slice_ms);
            let worker = perf.worker(index);
            worker.steps += steps;
            worker.batch_runs = live;
            worker.warming_since = None;
            if step > 0 {
                worker.steps_per_second = steps_per_second;
                perf.warm_since.get_or_insert_with(now_ms);
            }
        });
    }

    fn stopped(&self, index: usize, job: JobId, why: Stop) {
        let lab = self.lab;
        if why == Stop::Done {
            if let Some(job) = self.forget(job) {
                for key in &job.keys {
                    if !is_finished(&lab, key) {
                        finish(&lab, key, RunStatus::Done);
                    }
                }
            }
        } else {
            self.requeue(job);
        }
        if self.pool.borrow().slots[index].active == Some(job) {
            self.idle(index);
        }
    }

    /// The runs of batch `id` wait again (it was parked; it keeps them).
    fn requeue(&self, id: JobId) {
        let keys = self.pool.borrow().jobs.get(&id).map(|j| j.keys.clone());
        for key in keys.iter().flatten() {
            set_queued(&self.lab, key);
        }
    }

    /// Drops every batch worker `index` holds; their runs wait again, histories kept.
    fn release_jobs_of(&self, index: usize) {
        let orphans: Vec<JobId> = {
            let pool = self.pool.borrow();
            pool.jobs
                .iter()
                .filter(|(_, job)| job.worker == index)
                .map(|(&id, _)| id)
                .collect()
        };
        for id in orphans {
            self.requeue(id);
            self.forget(id);
        }
    }

    /// Worker `index` trains nothing now.
    fn idle(&self, index: usize) {
        self.pool.borrow_mut().slots[index].active = None;
        self.lab
            .perf
            .update(|perf| perf.worker(index).training = false);
    }

    /// Replaces a worker that can no longer train. Its runs keep their histories and go
    /// back to the queue's care: another batch retrains them up to where they were.
    fn crashed(&self, index: usize, message: String) {
        let lab = self.lab;
        {
            let mut pool = self.pool.borrow_mut();
            pool.slots[index].worker.terminate();
            pool.restarts += 1;
        }
        self.release_jobs_of(index);
        self.idle(index);
        if self.pool.borrow().restarts > MAX_RESTARTS {
            self.halt(format!(
                "Training stopped: a training worker failed {} times (last: {message}). Finished runs are saved; reload the page to continue.",
                MAX_RESTARTS + 1
            ));
            return;
        }
        lab.notify(
            Level::Warning,
            format!("A training worker stopped ({message}); it was restarted and its runs go on from their last evaluation."),
        );
        self.spawn(index);
    }

    /// The GPU of worker `index` stopped: the worker goes, its runs keep their histories
    /// and wait, and training pauses until the user picks how to go on.
    fn gpu_fault(&self, index: usize, message: String) {
        let lab = self.lab;
        {
            let mut pool = self.pool.borrow_mut();
            let slot = &mut pool.slots[index];
            slot.worker.terminate();
            slot.device = None;
            slot.lost = true;
        }
        self.release_jobs_of(index);
        self.idle(index);
        lab.playing.set(false);
        lab.step_budget.set(0);
        lab.gpu_fault.set(Some(message));
    }

    /// Goes on after a GPU fault as the user chose: new workers on a new GPU device, or
    /// every worker on the CPU. Runs resume from their last evaluation.
    pub fn recover(&self, how: Recovery) {
        let lab = self.lab;
        let respawn: Vec<usize> = {
            let mut pool = self.pool.borrow_mut();
            pool.force_cpu |= how == Recovery::Cpu;
            let everyone = how == Recovery::Cpu;
            (0..pool.slots.len())
                .filter(|&i| everyone || pool.slots[i].lost)
                .collect()
        };
        if how == Recovery::Cpu {
            // The badge and the worker count follow the new device.
            lab.device.set(None);
            self.pool.borrow_mut().choice = Some(DeviceInfo {
                backend: "cpu-wasm".into(),
                adapter: String::new(),
                fallback_reason: None,
                reason: "CPU (WebAssembly): you chose to go on on the CPU after the GPU stopped"
                    .into(),
                measured_run_steps_per_second: None,
                fused: false,
            });
        }
        for index in respawn {
            self.release_jobs_of(index);
            self.idle(index);
            self.pool.borrow().slots[index].worker.terminate();
            self.spawn(index);
        }
        lab.gpu_fault.set(None);
        lab.playing.set(true);
    }

    fn forget(&self, job: JobId) -> Option<Job> {
        self.pool.borrow_mut().jobs.remove(&job)
    }

    fn post(&self, index: usize, command: &ToWorker) {
        let pool = self.pool.borrow();
        if let Some(slot) = pool.slots.get(index) {
            // Fails only for a terminated worker, whose replacement gets its own commands.
            let _ = slot
                .worker
                .post_message(&JsValue::from_str(&command.to_json()));
        }
    }

    /// Hands out work: called after every worker message and whenever what the user wants
    /// changes. Cheap when nothing changed.
    pub fn schedule(&self) {
        let lab = self.lab;
        if lab.halted.get_untracked().is_some()
            || lab.gpu_fault.get_untracked().is_some()
            || self.pool.try_borrow_mut().is_err()
        {
            return;
        }
        self.forget_reset();
        self.fit_device();
        self.fit_pool_size();
        let playing = lab.playing.get_untracked();
        let budget = lab.step_budget.get_untracked();
        if !playing && budget == 0 {
            // Paused: batches stop, except those finishing the evaluations "Step" asked for.
            self.pause_all(|_, stepping| !stepping);
            return;
        }
        // A batch none of whose runs are wanted any more (the setup changed) is parked.
        let wanted = |key: &RunKey| {
            lab.queue
                .with_untracked(|q| q.iter().any(|c| &c.key() == key))
                && !is_finished(&lab, key)
        };
        self.pause_all(|job, _| !job.keys.iter().any(wanted));
        let evaluations = (!playing).then_some(budget);
        let mut assigned = false;
        // The slider's size comes first: a worker switches to it if none trains it.
        let selected = lab
            .selected_targets()
            .into_iter()
            .find(|config| !self.is_active(&config.key()));
        if let Some(selected) = selected {
            let index = self
                .holder(&selected.key())
                .map(|(index, _)| index)
                .or_else(|| self.idle_slots().first().copied())
                .or_else(|| self.ready_slots().first().copied());
            if let Some(index) = index {
                assigned |= self.assign(index, &selected, evaluations);
            }
        }
        for index in self.idle_slots() {
            let Some(target) = lab.next_target(|key| self.held_elsewhere(key, index)) else {
                break;
            };
            assigned |= self.assign(index, &target, evaluations);
        }
        if assigned && !playing {
            lab.step_budget.set(0);
        }
    }

    /// Worker `index` trains the batch holding `target`: its own parked one, or a new one.
    fn assign(&self, index: usize, target: &ExperimentConfig, evaluations: Option<usize>) -> bool {
        let lab = self.lab;
        let key = target.key();
        let id = match self.holder(&key) {
            Some((holder, id)) if holder == index => id,
            Some(_) => return false,
            None => {
                let cap = lab
                    .settings
                    .with_untracked(|s| s.batch_runs())
                    .unwrap_or_else(|| self.fair_share(target));
                let configs = lab.batch_for(target, |key| self.holder(key).is_some(), cap);
                let mut pool = self.pool.borrow_mut();
                let id = pool.next_job;
                pool.next_job += 1;
                let keys = configs.iter().map(ExperimentConfig::key).collect();
                pool.jobs.insert(
                    id,
                    Job {
                        worker: index,
                        configs,
                        keys,
                    },
                );
                id
            }
        };
        let (configs, keys) = {
            let pool = self.pool.borrow();
            let job = &pool.jobs[&id];
            (job.configs.clone(), job.keys.clone())
        };
        // Points the page already has are not sent again (a restarted worker's runs).
        let replay_until = keys
            .iter()
            .map(|key| {
                lab.runs.with_untracked(|runs| {
                    runs.get(key)
                        .and_then(|r| r.history.last())
                        .map_or(0, |p| p.step)
                })
            })
            .collect();
        self.post(
            index,
            &ToWorker::Train {
                job: id,
                configs,
                evaluations,
                replay_until,
            },
        );
        let slot = &mut self.pool.borrow_mut().slots[index];
        slot.active = Some(id);
        slot.stepping = evaluations.is_some();
        true
    }

    /// How many runs a new batch for `target` takes when the batch size is automatic: all
    /// of its shape on one worker; with several idle workers, an even share each (a CPU
    /// worker is compute-bound: two half batches on two cores beat one whole).
    fn fair_share(&self, target: &ExperimentConfig) -> usize {
        // Workers still starting count: they will want their share.
        let idle = self
            .pool
            .borrow()
            .slots
            .iter()
            .filter(|slot| slot.active.is_none())
            .count()
            .max(1);
        let waiting = self
            .lab
            .batch_for(target, |key| self.holder(key).is_some(), usize::MAX)
            .len();
        grokking_lab::sweep::fair_share(waiting, idle)
    }

    /// Parks every active batch that `park` picks (given whether it is stepping).
    fn pause_all(&self, park: impl Fn(&Job, bool) -> bool) {
        let active: Vec<(usize, JobId)> = {
            let pool = self.pool.borrow();
            pool.slots
                .iter()
                .enumerate()
                .filter_map(|(index, slot)| Some((index, slot.active?, slot.stepping)))
                .filter(|(_, id, stepping)| pool.jobs.get(id).is_some_and(|j| park(j, *stepping)))
                .map(|(index, id, _)| (index, id))
                .collect()
        };
        for (index, id) in active {
            self.post(index, &ToWorker::Pause);
            self.requeue(id);
            self.idle(index);
        }
    }

    /// Drops batches holding a run that was reset (it no longer has an entry). Their other
    /// runs start over in a later batch: a batch cannot rewind one run alone.
    fn forget_reset(&self) {
        let lab = self.lab;
        let alive = |key: &RunKey| lab.runs.with_untracked(|runs| runs.contains_key(key));
        let stale: Vec<JobId> = self
            .pool
            .borrow()
            .jobs
            .iter()
            .filter(|(_, job)| !job.keys.iter().all(alive))
            .map(|(&id, _)| id)
            .collect();
        for id in stale {
            let Some(job) = self.forget(id) else { continue };
            self.post(job.worker, &ToWorker::Forget { jobs: vec![id] });
            if self.pool.borrow().slots[job.worker].active == Some(id) {
                self.idle(job.worker);
            }
            for (key, config) in job.keys.iter().zip(&job.configs) {
                lab.update_run(key, |run| {
                    if !run.status.is_finished() {
                        *run = RunEntry::new(config.clone());
                    }
                });
            }
        }
    }

    /// Starts the workers again when the user asks for another device (`auto` measures
    /// again). Runs go on from their last evaluation.
    /// So do other shapes once a measurement chose (a wider model may favour the GPU).
    fn fit_device(&self) {
        let (wanted, shape) = self.lab.settings.with_untracked(|s| {
            (
                s.device(),
                s.config(self.lab.selected.get_untracked()).batch_shape(),
            )
        });
        let slots = {
            let mut pool = self.pool.borrow_mut();
            let measured_elsewhere = pool
                .choice
                .as_ref()
                .is_some_and(|c| c.measured_run_steps_per_second.is_some())
                && pool.measured_shape.as_ref().is_some_and(|m| m != &shape);
            if pool.preference == wanted && !measured_elsewhere {
                return;
            }
            pool.preference = wanted;
            pool.choice = None;
            pool.measured_shape = None;
            pool.force_cpu = false;
            pool.slots.len()
        };
        self.lab.device.set(None);
        // Counted on the device being replaced.
        self.lab.perf.update(|perf| perf.kernels_per_step = None);
        for index in (1..slots).rev() {
            self.retire(index);
        }
        if slots > 0 {
            self.release_jobs_of(0);
            self.idle(0);
            self.pool.borrow().slots[0].worker.terminate();
            self.spawn(0);
        }
    }

    /// Starts or stops workers to match the setting, once the device's kind is known.
    fn fit_pool_size(&self) {
        let Some(device) = self.lab.device.get_untracked() else {
            return;
        };
        let wanted = self
            .lab
            .settings
            .with_untracked(|s| s.workers())
            .unwrap_or_else(|| default_workers(&device));
        let have = self.pool.borrow().slots.len();
        for index in have..wanted {
            self.spawn(index);
        }
        for index in (wanted..have).rev() {
            self.retire(index);
        }
    }

    /// Stops worker `index` for good (fewer were asked for); its runs go back to the queue.
    fn retire(&self, index: usize) {
        self.release_jobs_of(index);
        let mut pool = self.pool.borrow_mut();
        if let Some(slot) = pool.slots.pop() {
            slot.worker.terminate();
        }
        drop(pool);
        self.lab.perf.update(|perf| perf.workers.truncate(index));
    }

    fn ready_slots(&self) -> Vec<usize> {
        let pool = self.pool.borrow();
        (0..pool.slots.len())
            .filter(|&i| pool.slots[i].device.is_some())
            .collect()
    }

    fn idle_slots(&self) -> Vec<usize> {
        let pool = self.pool.borrow();
        (0..pool.slots.len())
            .filter(|&i| pool.slots[i].device.is_some() && pool.slots[i].active.is_none())
            .collect()
    }

    /// The worker and batch holding `key`, training or parked.
    fn holder(&self, key: &RunKey) -> Option<(usize, JobId)> {
        let pool = self.pool.borrow();
        pool.jobs
            .iter()
            .find(|(_, job)| job.keys.contains(key))
            .map(|(&id, job)| (job.worker, id))
    }

    /// Whether a worker is training `key` now.
    fn is_active(&self, key: &RunKey) -> bool {
        let pool = self.pool.borrow();
        pool.slots.iter().any(|slot| {
            slot.active
                .and_then(|id| pool.jobs.get(&id))
                .is_some_and(|job| job.keys.contains(key))
        })
    }

    /// Whether `key` is in a batch another worker than `index` holds.
    fn held_elsewhere(&self, key: &RunKey, index: usize) -> bool {
        self.holder(key).is_some_and(|(holder, _)| holder != index) || self.is_active(key)
    }
}

/// One worker on a GPU (workers would share it); on the CPU, [`cpu_workers`].
fn default_workers(device: &DeviceInfo) -> usize {
    if device.is_webgpu() { 1 } else { cpu_workers() }
}

/// On the CPU, one worker per core the page's own thread leaves free.
fn cpu_workers() -> usize {
    let cores = web_sys::window().map_or(1.0, |w| w.navigator().hardware_concurrency());
    (cores as usize).saturating_sub(1).max(1)
}

/// The batch training will start with: the slider's size (its first seed) and every run
/// of the same shape, up to the user's cap — what a device is timed on.
fn first_batch(settings: &crate::settings::LabSettings, selected: usize) -> Vec<ExperimentConfig> {
    let target = settings.config(selected);
    let shape = target.batch_shape();
    let key = target.key();
    let mut batch = vec![target];
    batch.extend(
        settings
            .all_configs()
            .into_iter()
            .filter(|config| config.key() != key && config.batch_shape() == shape),
    );
    batch.truncate(settings.batch_runs().unwrap_or(usize::MAX).max(1));
    batch
}

fn is_finished(lab: &Lab, key: &RunKey) -> bool {
    lab.runs
        .with_untracked(|runs| runs.get(key).is_some_and(|r| r.status.is_finished()))
}

fn set_queued(lab: &Lab, key: &RunKey) {
    lab.update_run(key, |run| {
        if run.status == RunStatus::Training {
            run.status = RunStatus::Queued;
        }
    });
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
                    format!(
                        "Could not save the run in this browser ({error}): it stays on this page until you reload it — use Export to keep it."
                    ),
                );
            }
        });
    }
}
