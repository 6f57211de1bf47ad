//! Which worker trains which batch: the page's scheduler, a plain state machine.
//!
//! It owns the worker slots (by index, with a generation per restart), the batches they
//! hold and the device choice, and answers each event — a worker's message, a change of
//! what the user wants, the user's choice after a GPU fault — with [`Command`]s. It never
//! touches a worker, a signal or the store: [`crate::pool`] carries the commands out and
//! [`crate::apply`] applies them to the lab, both through [`Host`], so every decision here
//! is unit-tested natively (`cargo test -p grokking-app`).
//!
//! Invariants: a run is in at most one batch; a worker trains at most one batch at a time
//! (the others it holds are parked); a message about a batch the scheduler forgot is
//! ignored, and so is any message from a replaced worker (its generation is old). A worker
//! that crashes is replaced, and its runs go on from their last kept evaluation.
//!
//! Commands are carried out as they are issued, in order: a later decision of the same
//! event may read what an earlier command changed (a finished run is off the queue before
//! the next batch is chosen).
//!
//! Deliberately absent: timers and polling. Nothing here happens unless an event asks.

use std::collections::BTreeMap;

use grokking_lab::config::RunKey;
use grokking_lab::learned::Snapshot;
use grokking_lab::sweep;
use grokking_lab::{EvalPoint, ExperimentConfig};

use crate::i18n::{self, Lang};
use crate::protocol::{
    self, DeviceInfo, DevicePreference, DeviceWhy, JobId, Level, Report, Stop, ToWorker,
};
use crate::tr;

/// A worker that crashes more often than this in a page's life is not restarted.
pub const MAX_RESTARTS: u32 = 3;

/// What the user wants of the workers, read from the settings when the scheduler asks.
#[derive(Debug, Clone, PartialEq)]
pub struct Wishes {
    pub device: DevicePreference,
    /// How many workers (`None`: one on a GPU, one per spare core on the CPU).
    pub workers: Option<usize>,
    /// The most runs in one batch (`None`: a fair share, see [`sweep::fair_share`]).
    pub batch_runs: Option<usize>,
    /// The batch shape of the slider's size: a device measured on another shape is
    /// measured again.
    pub shape: ExperimentConfig,
}

/// The lab as the scheduler sees it: what it asks, and where its commands go.
pub trait Host {
    /// The language the page speaks now: notices and halts are worded in it when raised.
    fn lang(&self) -> Lang {
        Lang::En
    }
    /// ▶ Train is on.
    fn playing(&self) -> bool;
    /// Evaluation intervals "Step" asked for while paused.
    fn step_budget(&self) -> usize;
    fn wishes(&self) -> Wishes;
    /// The batch training will start with: what a device is timed on.
    fn first_batch(&self) -> Vec<ExperimentConfig>;
    /// The workers the CPU affords (one per core the page leaves free).
    fn cpu_workers(&self) -> usize;
    /// The slider's size's queued, unfinished runs: trained before anything else.
    fn selected_targets(&self) -> Vec<ExperimentConfig>;
    /// The first queued, unfinished run `skip` does not exclude.
    fn next_target(&self, skip: &dyn Fn(&RunKey) -> bool) -> Option<ExperimentConfig>;
    /// `target` and the queued, unfinished runs of its shape that `taken` does not claim,
    /// at most `cap` in all.
    fn batch_for(
        &self,
        target: &ExperimentConfig,
        taken: &dyn Fn(&RunKey) -> bool,
        cap: usize,
    ) -> Vec<ExperimentConfig>;
    fn is_queued(&self, key: &RunKey) -> bool;
    /// The run has an entry (a reset removes it).
    fn exists(&self, key: &RunKey) -> bool;
    fn is_finished(&self, key: &RunKey) -> bool;
    /// The step of the run's last kept evaluation (0: none).
    fn last_step(&self, key: &RunKey) -> usize;
    /// Carries out a command now.
    fn command(&mut self, command: Command);
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Done,
    Diverged { step: usize },
    Failed(String),
}

/// What the scheduler asks for, in the order it must happen.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Start worker `worker` (replacing a terminated one there), asking for `asked`; its
    /// messages carry `generation`.
    Spawn {
        worker: usize,
        generation: u32,
        asked: DevicePreference,
    },
    Terminate {
        worker: usize,
    },
    Post {
        worker: usize,
        message: ToWorker,
    },
    /// Only workers below `workers` remain (the last was terminated).
    Retired {
        workers: usize,
    },
    /// Worker `worker` trains nothing now.
    Idle {
        worker: usize,
    },
    /// These runs train now, on `backend`.
    Training {
        keys: Vec<RunKey>,
        backend: String,
    },
    /// These runs wait again, their histories kept.
    Queued {
        keys: Vec<RunKey>,
    },
    /// A run starts over from nothing (its batch went with a reset run).
    StartOver {
        config: ExperimentConfig,
    },
    /// An evaluation of a run to keep, and what its model learned by then.
    Evaluated {
        key: RunKey,
        point: EvalPoint,
        learned: Option<Snapshot>,
    },
    /// The run is finished: off the queue, and saved.
    Finish {
        key: RunKey,
        outcome: Outcome,
    },
    Notify {
        level: Level,
        text: String,
    },
    /// Nothing more trains in this page's life; the message says why.
    Halt(String),
    /// ▶ Train goes off and "Step" has nothing left.
    Pause,
    /// "Step"'s evaluations were handed out.
    BudgetSpent,
    /// A GPU stopped: the user chooses how to go on ([`Scheduler::recover`]).
    GpuLost(String),
    /// Training goes on after the user's choice.
    Resume,
    /// The device every worker trains on (`None`: being chosen again).
    Device(Option<DeviceInfo>),
    /// The kernels-per-step count was of a device that is gone.
    KernelsUnknown,
}

/// Where training goes on after the GPU stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recovery {
    /// A new device on the GPU (a lost device is often only a driver reset).
    Gpu,
    /// The CPU: slower, but it cannot be lost.
    Cpu,
}

/// One training worker, as far as scheduling goes.
#[derive(Debug)]
struct Slot {
    /// Bumped on every restart: messages from a replaced worker are ignored.
    generation: u32,
    /// Its device, once it said it is ready.
    device: Option<DeviceInfo>,
    /// The batch it was asked to train (`None`: idle, or pausing).
    active: Option<JobId>,
    /// Whether that batch trains a few evaluations ("Step"), not until paused.
    stepping: bool,
    /// Its GPU stopped: it is replaced on the user's [`Recovery`].
    lost: bool,
    /// The device it was asked for (`Auto`: it measures, then chooses).
    asked: DevicePreference,
}

/// A batch of runs a worker holds (training or parked).
#[derive(Debug)]
struct Job {
    worker: usize,
    configs: Vec<ExperimentConfig>,
    keys: Vec<RunKey>,
}

/// What an evaluation report did to its batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Runs of the batch still training.
    pub live: usize,
    /// The step reached (0: no new point).
    pub step: usize,
}

#[derive(Debug, Default)]
pub struct Scheduler {
    slots: Vec<Slot>,
    jobs: BTreeMap<JobId, Job>,
    next_job: JobId,
    restarts: u32,
    /// Every worker trains on the CPU (chosen after a GPU fault).
    force_cpu: bool,
    /// The device the user asked for when the workers started.
    preference: DevicePreference,
    /// The device chosen for it (measured, or as asked): later workers take it without
    /// measuring again.
    choice: Option<DeviceInfo>,
    /// The device announced to the lab ([`Command::Device`]).
    announced: Option<DeviceInfo>,
    /// The batch shape the choice was measured on (`None`: not measured).
    measured_shape: Option<ExperimentConfig>,
    halted: bool,
    /// A GPU stopped and the user has not chosen how to go on.
    faulted: bool,
}

impl Scheduler {
    /// Starts the first worker; the rest follow once it knows the device.
    pub fn start(host: &mut impl Host) -> Self {
        let mut scheduler = Self {
            preference: host.wishes().device,
            ..Self::default()
        };
        scheduler.spawn(host, 0);
        scheduler
    }

    /// Whether a message from worker `index` of `generation` is from the worker there now.
    pub fn is_current(&self, index: usize, generation: u32) -> bool {
        self.slots
            .get(index)
            .is_some_and(|slot| slot.generation == generation)
    }

    /// The device worker `index` said it trains on.
    fn backend(&self, index: usize) -> String {
        self.slots
            .get(index)
            .and_then(|slot| slot.device.as_ref())
            .map_or_else(String::new, |d| d.backend.clone())
    }

    /// Training cannot go on: said once, nothing more is scheduled.
    pub fn halt(&mut self, host: &mut impl Host, message: String) {
        if !self.halted {
            self.halted = true;
            host.command(Command::Halt(message));
        }
    }

    /// Worker `index` is another build of the lab (an old cached copy of one side): its
    /// messages may mean something else, so nothing more is trained.
    pub fn other_build(&mut self, host: &mut impl Host, index: usize, build: Option<String>) {
        if self.halted {
            return;
        }
        host.command(Command::Terminate { worker: index });
        let lang = host.lang();
        let worker = match build {
            Some(build) => tr!(lang, "halted-other-build-worker", build = build),
            None => tr!(lang, "halted-other-build-unreadable"),
        };
        let message = tr!(
            lang,
            "halted-other-build",
            page = protocol::BUILD_ID,
            worker = worker
        );
        self.halt(host, message);
    }

    /// A worker asked for `auto` is sent the first batch to time on each backend.
    pub fn hello(&mut self, host: &mut impl Host, index: usize) {
        if self.slots[index].asked != DevicePreference::Auto {
            return;
        }
        let configs = host.first_batch();
        let cpu_workers = host.wishes().workers.unwrap_or_else(|| host.cpu_workers());
        self.measured_shape = Some(configs[0].batch_shape());
        self.post(
            host,
            index,
            ToWorker::Measure {
                configs,
                cpu_workers,
            },
        );
    }

    pub fn ready(&mut self, host: &mut impl Host, index: usize, device: DeviceInfo) {
        let measured_cpu = !device.is_webgpu() && device.measured_run_steps_per_second.is_some();
        let choice = self.choice.get_or_insert_with(|| device.clone()).clone();
        if measured_cpu && self.slots[index].asked == DevicePreference::Auto {
            // The CPU measured faster: a CPU worker takes this one's place (the GPU this
            // one holds may still be busy with a step it gave up on).
            host.command(Command::Terminate { worker: index });
            self.spawn(host, index);
        } else {
            self.slots[index].device = Some(device);
        }
        if self.announced.is_none() {
            let lang = host.lang();
            if let Some(reason) = choice.fallback_text(lang) {
                // The Tiny preset by the name its button has.
                let tiny = match lang {
                    Lang::En => "Tiny".to_owned(),
                    _ => i18n::preset_label(lang, &grokking_lab::presets::TINY),
                };
                host.command(Command::Notify {
                    level: Level::Info,
                    text: tr!(lang, "notice-no-webgpu", reason = reason, tiny = tiny),
                });
            } else if choice.measured_run_steps_per_second.is_some() {
                let reason = choice.describe_reason(lang);
                host.command(Command::Notify {
                    level: Level::Info,
                    text: tr!(lang, "notice-training-on", reason = reason),
                });
            }
            self.announced = Some(choice.clone());
            host.command(Command::Device(Some(choice)));
        }
    }

    /// Batch `job` started with its first `runs` runs (the rest did not fit the device and
    /// go back to the queue's care). `false`: a batch the scheduler forgot.
    pub fn started(&mut self, host: &mut impl Host, index: usize, job: JobId, runs: usize) -> bool {
        let backend = self.backend(index);
        let Some(job) = self.jobs.get_mut(&job) else {
            return false;
        };
        job.configs.truncate(runs);
        job.keys.truncate(runs);
        host.command(Command::Training {
            keys: job.keys.clone(),
            backend,
        });
        true
    }

    /// An evaluation of batch `job`, a report per run (`None`: nothing new for it).
    pub fn evaluated(
        &mut self,
        host: &mut impl Host,
        job: JobId,
        reports: Vec<Option<Report>>,
    ) -> Option<Progress> {
        let job = self.jobs.get(&job)?;
        let runs: Vec<(RunKey, usize)> = job
            .keys
            .iter()
            .cloned()
            .zip(job.configs.iter().map(ExperimentConfig::train_size))
            .collect();
        let mut step = 0;
        for ((key, train_size), report) in runs.iter().zip(reports) {
            match report {
                Some(Report::Diverged { step }) => {
                    let text = tr!(
                        host.lang(),
                        "notice-diverged",
                        size = train_size.to_string(),
                        step = step.to_string()
                    );
                    host.command(Command::Notify {
                        level: Level::Warning,
                        text,
                    });
                    host.command(Command::Finish {
                        key: key.clone(),
                        outcome: Outcome::Diverged { step },
                    });
                }
                Some(Report::Point(point, learned)) => {
                    step = point.step;
                    host.command(Command::Evaluated {
                        key: key.clone(),
                        point,
                        learned,
                    });
                }
                None => {}
            }
        }
        let live = runs
            .iter()
            .filter(|(key, _)| !host.is_finished(key))
            .count();
        Some(Progress { live, step })
    }

    pub fn stopped(&mut self, host: &mut impl Host, index: usize, job: JobId, why: Stop) {
        if why == Stop::Done {
            if let Some(done) = self.jobs.remove(&job) {
                self.finish_all(host, &done.keys, &Outcome::Done);
            }
        } else {
            self.requeue(host, job);
        }
        if self.slots[index].active == Some(job) {
            self.idle(host, index);
        }
    }

    /// Batch `job` cannot train: its runs fail with `message`.
    pub fn failed(&mut self, host: &mut impl Host, index: usize, job: JobId, message: String) {
        let Some(failed) = self.jobs.remove(&job) else {
            return;
        };
        host.command(Command::Notify {
            level: Level::Warning,
            text: message.clone(),
        });
        self.finish_all(host, &failed.keys, &Outcome::Failed(message));
        self.idle(host, index);
    }

    /// The device could not take batch `job` at all: nothing of its runs was touched, they
    /// wait, and the user retries.
    pub fn unavailable(&mut self, host: &mut impl Host, index: usize, job: JobId, message: &str) {
        self.requeue(host, job);
        self.jobs.remove(&job);
        self.idle(host, index);
        host.command(Command::Pause);
        let text = tr!(host.lang(), "notice-try-again", error = message);
        host.command(Command::Notify {
            level: Level::Error,
            text,
        });
    }

    /// Worker `index` gave a parked batch back (it needed the memory): its runs wait.
    pub fn released(&mut self, host: &mut impl Host, job: JobId) {
        self.requeue(host, job);
        self.jobs.remove(&job);
    }

    /// Replaces a worker that can no longer train. Its runs keep their histories and wait:
    /// another batch retrains them up to where they were.
    pub fn crashed(&mut self, host: &mut impl Host, index: usize, message: &str) {
        host.command(Command::Terminate { worker: index });
        self.restarts += 1;
        self.release_jobs_of(host, index);
        self.idle(host, index);
        if self.restarts > MAX_RESTARTS {
            let text = tr!(
                host.lang(),
                "halted-worker-failed",
                times = (MAX_RESTARTS + 1).to_string(),
                error = message
            );
            self.halt(host, text);
            return;
        }
        let text = tr!(host.lang(), "notice-worker-restarted", error = message);
        host.command(Command::Notify {
            level: Level::Warning,
            text,
        });
        self.spawn(host, index);
    }

    /// The GPU of worker `index` stopped: the worker goes, its runs keep their histories
    /// and wait, and training pauses until the user picks how to go on.
    pub fn gpu_fault(&mut self, host: &mut impl Host, index: usize, message: String) {
        host.command(Command::Terminate { worker: index });
        let slot = &mut self.slots[index];
        slot.device = None;
        slot.lost = true;
        self.release_jobs_of(host, index);
        self.idle(host, index);
        self.faulted = true;
        host.command(Command::Pause);
        host.command(Command::GpuLost(message));
    }

    /// Goes on after a GPU fault as the user chose: new workers on a new GPU device, or
    /// every worker on the CPU. Runs resume from their last evaluation.
    pub fn recover(&mut self, host: &mut impl Host, how: Recovery) {
        let everyone = how == Recovery::Cpu;
        self.force_cpu |= everyone;
        let respawn: Vec<usize> = (0..self.slots.len())
            .filter(|&i| everyone || self.slots[i].lost)
            .collect();
        if everyone {
            // The badge and the worker count follow the new device.
            self.announced = None;
            host.command(Command::Device(None));
            self.choice = Some(DeviceInfo {
                backend: "cpu-wasm".into(),
                adapter: String::new(),
                fallback_reason: None,
                reason: DeviceWhy::AfterGpuFault.english(),
                measured_run_steps_per_second: None,
                why: DeviceWhy::AfterGpuFault,
            });
        }
        for index in respawn {
            self.release_jobs_of(host, index);
            self.idle(host, index);
            host.command(Command::Terminate { worker: index });
            self.spawn(host, index);
        }
        self.faulted = false;
        host.command(Command::Resume);
    }

    /// Hands out work: after every worker message and whenever what the user wants
    /// changes. Cheap when nothing changed.
    pub fn schedule(&mut self, host: &mut impl Host) {
        if self.halted || self.faulted {
            return;
        }
        self.forget_reset(host);
        self.fit_device(host);
        self.fit_pool_size(host);
        let playing = host.playing();
        let budget = host.step_budget();
        if !playing && budget == 0 {
            // Paused: batches stop, except those finishing the evaluations "Step" asked for.
            let park = self.active_jobs(|_, stepping| !stepping);
            self.park(host, park);
            return;
        }
        // A batch none of whose runs are wanted any more (the setup changed) is parked.
        let park = self.active_jobs(|job, _| {
            !job.keys
                .iter()
                .any(|key| host.is_queued(key) && !host.is_finished(key))
        });
        self.park(host, park);
        let evaluations = (!playing).then_some(budget);
        let mut assigned = false;
        // The slider's size comes first: a worker switches to it if none trains it.
        let selected = host
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
                assigned |= self.assign(host, index, &selected, evaluations);
            }
        }
        for index in self.idle_slots() {
            let Some(target) = host.next_target(&|key| self.held_elsewhere(key, index)) else {
                break;
            };
            assigned |= self.assign(host, index, &target, evaluations);
        }
        if assigned && !playing {
            host.command(Command::BudgetSpent);
        }
    }

    /// Creates (or replaces) worker `index`, on the device chosen so far.
    fn spawn(&mut self, host: &mut impl Host, index: usize) {
        let asked = if self.force_cpu {
            DevicePreference::Cpu
        } else {
            self.choice
                .as_ref()
                .map_or(self.preference, DeviceInfo::preference)
        };
        let generation = self.slots.get(index).map_or(0, |slot| slot.generation + 1);
        let slot = Slot {
            generation,
            device: None,
            active: None,
            stepping: false,
            lost: false,
            asked,
        };
        if index < self.slots.len() {
            self.slots[index] = slot;
        } else {
            self.slots.push(slot);
        }
        host.command(Command::Spawn {
            worker: index,
            generation,
            asked,
        });
    }

    /// Worker `index` trains the batch holding `target`: its own parked one, or a new one.
    fn assign(
        &mut self,
        host: &mut impl Host,
        index: usize,
        target: &ExperimentConfig,
        evaluations: Option<usize>,
    ) -> bool {
        let id = match self.holder(&target.key()) {
            Some((holder, id)) if holder == index => id,
            Some(_) => return false,
            None => {
                let cap = host
                    .wishes()
                    .batch_runs
                    .unwrap_or_else(|| self.fair_share(host, target));
                let configs = host.batch_for(target, &|key| self.holder(key).is_some(), cap);
                let id = self.next_job;
                self.next_job += 1;
                let keys = configs.iter().map(ExperimentConfig::key).collect();
                self.jobs.insert(
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
        let job = &self.jobs[&id];
        // Points the page already has are not sent again (a restarted worker's runs).
        let replay_until = job.keys.iter().map(|key| host.last_step(key)).collect();
        let message = ToWorker::Train {
            job: id,
            configs: job.configs.clone(),
            evaluations,
            replay_until,
        };
        self.post(host, index, message);
        let slot = &mut self.slots[index];
        slot.active = Some(id);
        slot.stepping = evaluations.is_some();
        true
    }

    /// How many runs a new batch for `target` takes when the batch size is automatic: all
    /// of its shape on one worker; with several idle workers, an even share each (a CPU
    /// worker is compute-bound: two half batches on two cores beat one whole).
    fn fair_share(&self, host: &impl Host, target: &ExperimentConfig) -> usize {
        // Workers still starting count: they will want their share.
        let idle = self.slots.iter().filter(|s| s.active.is_none()).count();
        let waiting = host
            .batch_for(target, &|key| self.holder(key).is_some(), usize::MAX)
            .len();
        sweep::fair_share(waiting, idle)
    }

    /// The active batches `park` picks (given whether they are stepping), by worker.
    fn active_jobs(&self, park: impl Fn(&Job, bool) -> bool) -> Vec<(usize, JobId)> {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(index, slot)| Some((index, slot.active?, slot.stepping)))
            .filter(|(_, id, stepping)| self.jobs.get(id).is_some_and(|j| park(j, *stepping)))
            .map(|(index, id, _)| (index, id))
            .collect()
    }

    /// Parks these batches: their workers keep them, their runs wait.
    fn park(&mut self, host: &mut impl Host, batches: Vec<(usize, JobId)>) {
        for (index, id) in batches {
            self.post(host, index, ToWorker::Pause);
            self.requeue(host, id);
            self.idle(host, index);
        }
    }

    /// Drops batches holding a run that was reset (it no longer has an entry). Their other
    /// runs start over in a later batch: a batch cannot rewind one run alone.
    fn forget_reset(&mut self, host: &mut impl Host) {
        let stale: Vec<JobId> = self
            .jobs
            .iter()
            .filter(|(_, job)| !job.keys.iter().all(|key| host.exists(key)))
            .map(|(&id, _)| id)
            .collect();
        for id in stale {
            let Some(job) = self.jobs.remove(&id) else {
                continue;
            };
            self.post(host, job.worker, ToWorker::Forget { jobs: vec![id] });
            if self.slots[job.worker].active == Some(id) {
                self.idle(host, job.worker);
            }
            for config in job.configs {
                host.command(Command::StartOver { config });
            }
        }
    }

    /// Starts the workers again when the user asks for another device (`auto` measures
    /// again), and when a measured choice meets another shape (a wider model may favour
    /// the GPU). Runs go on from their last evaluation.
    fn fit_device(&mut self, host: &mut impl Host) {
        let wishes = host.wishes();
        let measured_elsewhere = self
            .choice
            .as_ref()
            .is_some_and(|c| c.measured_run_steps_per_second.is_some())
            && self
                .measured_shape
                .as_ref()
                .is_some_and(|m| m != &wishes.shape);
        if self.preference == wishes.device && !measured_elsewhere {
            return;
        }
        self.preference = wishes.device;
        self.choice = None;
        self.measured_shape = None;
        self.force_cpu = false;
        self.announced = None;
        host.command(Command::Device(None));
        host.command(Command::KernelsUnknown);
        let slots = self.slots.len();
        for index in (1..slots).rev() {
            self.retire(host, index);
        }
        if slots > 0 {
            self.release_jobs_of(host, 0);
            self.idle(host, 0);
            host.command(Command::Terminate { worker: 0 });
            self.spawn(host, 0);
        }
    }

    /// Starts or stops workers to match the setting, once the device's kind is known.
    fn fit_pool_size(&mut self, host: &mut impl Host) {
        let Some(device) = &self.announced else {
            return;
        };
        let wanted = host.wishes().workers.unwrap_or_else(|| {
            if device.is_webgpu() {
                // Workers would share one GPU.
                1
            } else {
                host.cpu_workers()
            }
        });
        let have = self.slots.len();
        for index in have..wanted {
            self.spawn(host, index);
        }
        for index in (wanted..have).rev() {
            self.retire(host, index);
        }
    }

    /// Stops the last worker, `index`, for good (fewer were asked for); its runs wait.
    fn retire(&mut self, host: &mut impl Host, index: usize) {
        self.release_jobs_of(host, index);
        self.slots.pop();
        host.command(Command::Terminate { worker: index });
        host.command(Command::Retired { workers: index });
    }

    /// Marks each of `keys` not finished yet with `outcome`.
    fn finish_all(&self, host: &mut impl Host, keys: &[RunKey], outcome: &Outcome) {
        for key in keys {
            if !host.is_finished(key) {
                host.command(Command::Finish {
                    key: key.clone(),
                    outcome: outcome.clone(),
                });
            }
        }
    }

    /// The runs of batch `id` wait again (it was parked; it keeps them).
    fn requeue(&self, host: &mut impl Host, id: JobId) {
        if let Some(job) = self.jobs.get(&id) {
            host.command(Command::Queued {
                keys: job.keys.clone(),
            });
        }
    }

    /// Drops every batch worker `index` holds; their runs wait again, histories kept.
    fn release_jobs_of(&mut self, host: &mut impl Host, index: usize) {
        let orphans: Vec<JobId> = self
            .jobs
            .iter()
            .filter(|(_, job)| job.worker == index)
            .map(|(&id, _)| id)
            .collect();
        for id in orphans {
            self.requeue(host, id);
            self.jobs.remove(&id);
        }
    }

    /// Worker `index` trains nothing now.
    fn idle(&mut self, host: &mut impl Host, index: usize) {
        self.slots[index].active = None;
        host.command(Command::Idle { worker: index });
    }

    fn post(&self, host: &mut impl Host, index: usize, message: ToWorker) {
        host.command(Command::Post {
            worker: index,
            message,
        });
    }

    fn ready_slots(&self) -> Vec<usize> {
        (0..self.slots.len())
            .filter(|&i| self.slots[i].device.is_some())
            .collect()
    }

    fn idle_slots(&self) -> Vec<usize> {
        (0..self.slots.len())
            .filter(|&i| self.slots[i].device.is_some() && self.slots[i].active.is_none())
            .collect()
    }

    /// The worker and batch holding `key`, training or parked.
    fn holder(&self, key: &RunKey) -> Option<(usize, JobId)> {
        self.jobs
            .iter()
            .find(|(_, job)| job.keys.contains(key))
            .map(|(&id, job)| (job.worker, id))
    }

    /// Whether a worker is training `key` now.
    fn is_active(&self, key: &RunKey) -> bool {
        self.slots.iter().any(|slot| {
            slot.active
                .and_then(|id| self.jobs.get(&id))
                .is_some_and(|job| job.keys.contains(key))
        })
    }

    /// Whether `key` is in a batch another worker than `index` holds.
    fn held_elsewhere(&self, key: &RunKey, index: usize) -> bool {
        self.holder(key).is_some_and(|(holder, _)| holder != index) || self.is_active(key)
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod lang_tests {
    use grokking_lab::presets;

    use super::*;

    /// A lab that speaks Chinese and has nothing queued: only what the scheduler says.
    #[derive(Default)]
    struct Chinese {
        commands: Vec<Command>,
    }

    impl Host for Chinese {
        fn lang(&self) -> Lang {
            Lang::Zh
        }
        fn playing(&self) -> bool {
            false
        }
        fn step_budget(&self) -> usize {
            0
        }
        fn wishes(&self) -> Wishes {
            Wishes {
                device: DevicePreference::Cpu,
                workers: Some(1),
                batch_runs: None,
                shape: presets::TINY.config(30).batch_shape(),
            }
        }
        fn first_batch(&self) -> Vec<ExperimentConfig> {
            vec![presets::TINY.config(30)]
        }
        fn cpu_workers(&self) -> usize {
            1
        }
        fn selected_targets(&self) -> Vec<ExperimentConfig> {
            Vec::new()
        }
        fn next_target(&self, _: &dyn Fn(&RunKey) -> bool) -> Option<ExperimentConfig> {
            None
        }
        fn batch_for(
            &self,
            target: &ExperimentConfig,
            _: &dyn Fn(&RunKey) -> bool,
            _: usize,
        ) -> Vec<ExperimentConfig> {
            vec![target.clone()]
        }
        fn is_queued(&self, _: &RunKey) -> bool {
            false
        }
        fn exists(&self, _: &RunKey) -> bool {
            true
        }
        fn is_finished(&self, _: &RunKey) -> bool {
            false
        }
        fn last_step(&self, _: &RunKey) -> usize {
            0
        }
        fn command(&mut self, command: Command) {
            self.commands.push(command);
        }
    }

    fn said(commands: &[Command]) -> Vec<String> {
        commands
            .iter()
            .filter_map(|c| match c {
                Command::Notify { text, .. } | Command::Halt(text) => Some(text.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn notices_and_halts_are_worded_in_the_page_language() {
        let mut lab = Chinese::default();
        let mut scheduler = Scheduler::start(&mut lab);
        scheduler.crashed(&mut lab, 0, "boom");
        let notices = said(&lab.commands);
        assert!(
            notices
                .iter()
                .any(|t| t.contains("工作线程") && t.contains("boom")),
            "{notices:?}"
        );
        lab.commands.clear();
        scheduler.other_build(&mut lab, 0, Some("0.0.0-other".into()));
        let halts = said(&lab.commands);
        assert!(
            halts
                .iter()
                .any(|t| t.contains("不同构建") && t.contains("0.0.0-other")),
            "{halts:?}"
        );
    }
}
