//! The scheduler against a lab kept in plain maps: each test plays a few events and reads
//! the commands that came back.

use std::collections::HashMap;

use grokking_lab::presets;

use super::*;
use crate::settings::LabSettings;

/// A lab as the scheduler sees it: a queue, runs that finish, and every command kept.
struct FakeLab {
    settings: LabSettings,
    selected: usize,
    playing: bool,
    budget: usize,
    device: DevicePreference,
    workers: Option<usize>,
    batch_runs: Option<usize>,
    cores: usize,
    queue: Vec<ExperimentConfig>,
    /// Every run with an entry: whether it finished, and its last evaluation's step.
    runs: HashMap<RunKey, (bool, usize)>,
    commands: Vec<Command>,
}

impl FakeLab {
    /// The Tiny preset, every size queued and ▶ on.
    fn tiny() -> Self {
        let settings = LabSettings::from_preset(&presets::TINY);
        let queue = settings.all_configs();
        let runs = queue.iter().map(|c| (c.key(), (false, 0))).collect();
        Self {
            selected: settings.middle_size(),
            settings,
            playing: true,
            budget: 0,
            device: DevicePreference::Auto,
            workers: None,
            batch_runs: None,
            cores: 1,
            queue,
            runs,
            commands: Vec::new(),
        }
    }

    fn take(&mut self) -> Vec<Command> {
        std::mem::take(&mut self.commands)
    }

    fn is_unfinished(&self, config: &ExperimentConfig) -> bool {
        self.runs.get(&config.key()).is_none_or(|(done, _)| !done)
    }
}

impl Host for FakeLab {
    fn playing(&self) -> bool {
        self.playing
    }
    fn step_budget(&self) -> usize {
        self.budget
    }
    fn wishes(&self) -> Wishes {
        Wishes {
            device: self.device,
            workers: self.workers,
            batch_runs: self.batch_runs,
            shape: self.settings.config(self.selected).batch_shape(),
        }
    }
    fn first_batch(&self) -> Vec<ExperimentConfig> {
        vec![self.settings.config(self.selected)]
    }
    fn cpu_workers(&self) -> usize {
        self.cores
    }
    fn selected_targets(&self) -> Vec<ExperimentConfig> {
        self.queue
            .iter()
            .filter(|c| c.train_size() == self.selected && self.is_unfinished(c))
            .cloned()
            .collect()
    }
    fn next_target(&self, skip: &dyn Fn(&RunKey) -> bool) -> Option<ExperimentConfig> {
        self.queue
            .iter()
            .find(|c| self.is_unfinished(c) && !skip(&c.key()))
            .cloned()
    }
    fn batch_for(
        &self,
        target: &ExperimentConfig,
        taken: &dyn Fn(&RunKey) -> bool,
        cap: usize,
    ) -> Vec<ExperimentConfig> {
        let free = self
            .queue
            .iter()
            .filter(|c| !taken(&c.key()) && self.is_unfinished(c));
        sweep::batch_with(target, free, cap)
    }
    fn is_queued(&self, key: &RunKey) -> bool {
        self.queue.iter().any(|c| &c.key() == key)
    }
    fn exists(&self, key: &RunKey) -> bool {
        self.runs.contains_key(key)
    }
    fn is_finished(&self, key: &RunKey) -> bool {
        self.runs.get(key).is_some_and(|(done, _)| *done)
    }
    fn last_step(&self, key: &RunKey) -> usize {
        self.runs.get(key).map_or(0, |(_, step)| *step)
    }
    fn command(&mut self, command: Command) {
        match &command {
            Command::Finish { key, .. } => {
                self.runs.insert(key.clone(), (true, self.last_step(key)));
                self.queue.retain(|c| &c.key() != key);
            }
            Command::StartOver { config } => {
                self.runs.insert(config.key(), (false, 0));
            }
            Command::Evaluated { key, point, .. } => {
                self.runs.insert(key.clone(), (false, point.step));
            }
            Command::Pause => self.playing = false,
            Command::BudgetSpent => self.budget = 0,
            _ => {}
        }
        self.commands.push(command);
    }
}

fn webgpu() -> DeviceInfo {
    DeviceInfo {
        backend: "webgpu".into(),
        adapter: "test adapter".into(),
        fallback_reason: None,
        reason: "GPU (WebGPU)".into(),
        measured_run_steps_per_second: None,
        why: crate::protocol::DeviceWhy::Unstated,
    }
}

fn cpu() -> DeviceInfo {
    DeviceInfo {
        backend: "cpu-wasm".into(),
        adapter: String::new(),
        fallback_reason: None,
        reason: "CPU (WebAssembly)".into(),
        measured_run_steps_per_second: None,
        why: crate::protocol::DeviceWhy::Unstated,
    }
}

/// The batches handed out, as (worker, job, configs, evaluations).
fn trains(commands: &[Command]) -> Vec<(usize, JobId, Vec<ExperimentConfig>, Option<usize>)> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::Post {
                worker,
                message:
                    ToWorker::Train {
                        job,
                        configs,
                        evaluations,
                        ..
                    },
            } => Some((*worker, *job, configs.clone(), *evaluations)),
            _ => None,
        })
        .collect()
}

fn spawned(commands: &[Command]) -> Vec<(usize, u32, DevicePreference)> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::Spawn {
                worker,
                generation,
                asked,
            } => Some((*worker, *generation, *asked)),
            _ => None,
        })
        .collect()
}

fn finished(commands: &[Command]) -> Vec<(RunKey, Outcome)> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::Finish { key, outcome } => Some((key.clone(), outcome.clone())),
            _ => None,
        })
        .collect()
}

/// A scheduler whose first worker is ready on `device`, after one `schedule`.
fn running(lab: &mut FakeLab, device: DeviceInfo) -> Scheduler {
    let mut scheduler = Scheduler::start(lab);
    scheduler.ready(lab, 0, device);
    scheduler.schedule(lab);
    scheduler
}

#[test]
fn one_worker_starts_and_the_rest_follow_once_the_cpu_is_known() {
    let mut lab = FakeLab::tiny();
    lab.cores = 3;
    let mut scheduler = Scheduler::start(&mut lab);
    assert_eq!(spawned(&lab.take()), [(0, 0, DevicePreference::Auto)]);
    scheduler.schedule(&mut lab);
    assert!(
        lab.take().is_empty(),
        "nothing trains before a device is ready"
    );
    scheduler.ready(&mut lab, 0, cpu());
    assert!(lab.take().contains(&Command::Device(Some(cpu()))));
    scheduler.schedule(&mut lab);
    let commands = lab.take();
    assert_eq!(
        spawned(&commands),
        [(1, 0, DevicePreference::Cpu), (2, 0, DevicePreference::Cpu)],
        "one worker per spare core, asked for the device chosen"
    );
}

#[test]
fn a_gpu_gets_one_worker_however_many_cores() {
    let mut lab = FakeLab::tiny();
    lab.cores = 8;
    running(&mut lab, webgpu());
    assert!(spawned(&lab.take()).iter().all(|&(worker, ..)| worker == 0));
}

#[test]
fn the_slider_size_trains_first_with_every_run_of_its_shape() {
    let mut lab = FakeLab::tiny();
    running(&mut lab, webgpu());
    let trains = trains(&lab.take());
    assert_eq!(trains.len(), 1);
    let (worker, _, configs, evaluations) = &trains[0];
    assert_eq!(*worker, 0);
    assert_eq!(configs[0].train_size(), lab.selected);
    assert_eq!(configs.len(), lab.queue.len(), "Tiny's sizes share a shape");
    assert_eq!(*evaluations, None, "▶ trains to the end");
}

#[test]
fn idle_cpu_workers_split_a_shape_fairly() {
    // Started afresh with both workers ready, the sizes split between them.
    let mut lab = FakeLab::tiny();
    lab.workers = Some(2);
    let mut scheduler = Scheduler::start(&mut lab);
    scheduler.ready(&mut lab, 0, cpu());
    scheduler.schedule(&mut lab); // spawns worker 1 and hands worker 0 its share
    scheduler.ready(&mut lab, 1, cpu());
    scheduler.schedule(&mut lab);
    let trains = trains(&lab.take());
    assert_eq!(trains.len(), 2);
    let sizes = lab.queue.len();
    assert_eq!(trains[0].2.len(), sizes.div_ceil(2));
    assert_eq!(trains[1].2.len(), sizes - sizes.div_ceil(2));
    assert!(
        trains[1].2.iter().all(|c| !trains[0].2.contains(c)),
        "a run is in at most one batch"
    );
}

#[test]
fn the_batch_size_setting_caps_a_batch() {
    let mut lab = FakeLab::tiny();
    lab.batch_runs = Some(2);
    running(&mut lab, webgpu());
    let trains = trains(&lab.take());
    assert_eq!(trains[0].2.len(), 2);
}

#[test]
fn pausing_parks_the_batch_and_its_runs_wait() {
    let mut lab = FakeLab::tiny();
    let mut scheduler = running(&mut lab, webgpu());
    let job = trains(&lab.take())[0].1;
    lab.playing = false;
    scheduler.schedule(&mut lab);
    let commands = lab.take();
    assert!(commands.contains(&Command::Post {
        worker: 0,
        message: ToWorker::Pause
    }));
    assert!(commands.contains(&Command::Idle { worker: 0 }));
    assert!(
        commands
            .iter()
            .any(|c| matches!(c, Command::Queued { keys } if keys.len() == lab.queue.len()))
    );
    // ▶ again: the same worker resumes its parked batch, not a new one.
    lab.playing = true;
    scheduler.schedule(&mut lab);
    let trains = trains(&lab.take());
    assert_eq!(trains.len(), 1);
    assert_eq!(trains[0].1, job);
}

#[test]
fn step_hands_out_its_evaluations_once_and_is_not_parked() {
    let mut lab = FakeLab::tiny();
    lab.playing = false;
    let mut scheduler = running(&mut lab, webgpu());
    assert!(trains(&lab.take()).is_empty(), "paused: nothing trains");
    lab.budget = 2;
    scheduler.schedule(&mut lab);
    let commands = lab.take();
    let trains = trains(&commands);
    assert_eq!(trains[0].3, Some(2));
    assert!(commands.contains(&Command::BudgetSpent));
    // Still paused with nothing left: the stepping batch finishes its evaluations.
    scheduler.schedule(&mut lab);
    assert!(!lab.take().contains(&Command::Post {
        worker: 0,
        message: ToWorker::Pause
    }));
}

#[test]
fn a_finished_batch_finishes_its_runs_and_the_worker_takes_the_next() {
    let mut lab = FakeLab::tiny();
    lab.batch_runs = Some(2);
    let mut scheduler = running(&mut lab, webgpu());
    let (_, job, configs, _) = trains(&lab.take()).remove(0);
    scheduler.stopped(&mut lab, 0, job, Stop::Done);
    let commands = lab.take();
    let done: Vec<RunKey> = finished(&commands).into_iter().map(|(k, _)| k).collect();
    assert_eq!(done, configs.iter().map(|c| c.key()).collect::<Vec<_>>());
    assert!(commands.contains(&Command::Idle { worker: 0 }));
    scheduler.schedule(&mut lab);
    let next = trains(&lab.take());
    assert_eq!(next.len(), 1);
    assert!(next[0].2.iter().all(|c| !configs.contains(c)));
    assert_ne!(next[0].1, job);
}

#[test]
fn a_diverged_run_finishes_alone_and_the_batch_goes_on() {
    let mut lab = FakeLab::tiny();
    let mut scheduler = running(&mut lab, webgpu());
    let (_, job, configs, _) = trains(&lab.take()).remove(0);
    let mut reports = vec![None; configs.len()];
    reports[1] = Some(Report::Diverged { step: 300 });
    let progress = scheduler.evaluated(&mut lab, job, reports).unwrap();
    assert_eq!(progress.live, configs.len() - 1);
    let commands = lab.take();
    assert_eq!(
        finished(&commands),
        [(configs[1].key(), Outcome::Diverged { step: 300 })]
    );
    assert!(commands.iter().any(|c| matches!(
        c,
        Command::Notify { level: Level::Warning, text } if text.contains(&format!("N = {}", configs[1].train_size()))
    )));
    assert_eq!(
        scheduler.evaluated(&mut lab, job + 1, vec![]),
        None,
        "an unknown batch is ignored"
    );
}

#[test]
fn a_crashed_worker_is_replaced_and_its_runs_resume_where_they_were() {
    let mut lab = FakeLab::tiny();
    let mut scheduler = running(&mut lab, webgpu());
    let (_, job, configs, _) = trains(&lab.take()).remove(0);
    lab.runs.insert(configs[0].key(), (false, 400));
    scheduler.crashed(&mut lab, 0, "out of memory");
    let commands = lab.take();
    assert!(commands.contains(&Command::Terminate { worker: 0 }));
    assert_eq!(spawned(&commands), [(0, 1, DevicePreference::WebGpu)]);
    assert!(
        !scheduler.is_current(0, 0),
        "the old worker's messages are ignored"
    );
    assert!(scheduler.is_current(0, 1));
    assert_eq!(
        scheduler.evaluated(&mut lab, job, vec![None]),
        None,
        "its batch is forgotten"
    );
    scheduler.ready(&mut lab, 0, webgpu());
    scheduler.schedule(&mut lab);
    let commands = lab.take();
    let replay = commands.iter().find_map(|c| match c {
        Command::Post {
            message:
                ToWorker::Train {
                    configs,
                    replay_until,
                    ..
                },
            ..
        } => Some((configs[0].clone(), replay_until[0])),
        _ => None,
    });
    assert_eq!(
        replay,
        Some((configs[0].clone(), 400)),
        "retrained silently up to its last point"
    );
}

#[test]
fn a_worker_that_keeps_crashing_halts_training_once() {
    let mut lab = FakeLab::tiny();
    let mut scheduler = running(&mut lab, webgpu());
    for _ in 0..=MAX_RESTARTS {
        scheduler.crashed(&mut lab, 0, "boom");
    }
    let halts = lab
        .take()
        .into_iter()
        .filter(|c| matches!(c, Command::Halt(_)))
        .count();
    assert_eq!(halts, 1);
    scheduler.schedule(&mut lab);
    assert!(lab.take().is_empty(), "nothing is scheduled after a halt");
    scheduler.other_build(&mut lab, 0, Some("other".into()));
    assert!(lab.take().is_empty(), "said once");
}

#[test]
fn a_released_batch_goes_back_to_the_queue_for_any_worker() {
    let mut lab = FakeLab::tiny();
    lab.batch_runs = Some(2);
    let mut scheduler = running(&mut lab, webgpu());
    let (_, first, configs, _) = trains(&lab.take()).remove(0);
    // ▶ off parks the first batch; "Step" starts another; the worker then releases the first.
    lab.playing = false;
    scheduler.schedule(&mut lab);
    scheduler.released(&mut lab, first);
    let commands = lab.take();
    assert!(commands.contains(&Command::Queued {
        keys: configs.iter().map(|c| c.key()).collect()
    }));
    lab.playing = true;
    scheduler.schedule(&mut lab);
    let trains = trains(&lab.take());
    assert_eq!(trains.len(), 1);
    assert_ne!(
        trains[0].1, first,
        "a new batch: the worker no longer holds it"
    );
    assert_eq!(trains[0].2[0], configs[0], "the slider's size first again");
}

#[test]
fn a_gpu_fault_pauses_everything_until_the_user_chooses_the_cpu() {
    let mut lab = FakeLab::tiny();
    let mut scheduler = running(&mut lab, webgpu());
    lab.take();
    scheduler.gpu_fault(&mut lab, 0, "device lost".into());
    let commands = lab.take();
    assert!(commands.contains(&Command::Pause));
    assert!(commands.contains(&Command::GpuLost("device lost".into())));
    lab.playing = true;
    scheduler.schedule(&mut lab);
    assert!(
        lab.take().is_empty(),
        "nothing trains until the user chooses"
    );
    scheduler.recover(&mut lab, Recovery::Cpu);
    let commands = lab.take();
    assert!(commands.contains(&Command::Device(None)));
    assert_eq!(spawned(&commands), [(0, 1, DevicePreference::Cpu)]);
    assert_eq!(commands.last(), Some(&Command::Resume));
}

#[test]
fn a_reset_run_drops_its_batch_and_its_companions_start_over() {
    let mut lab = FakeLab::tiny();
    let mut scheduler = running(&mut lab, webgpu());
    let (_, job, configs, _) = trains(&lab.take()).remove(0);
    lab.runs.remove(&configs[0].key());
    scheduler.schedule(&mut lab);
    let commands = lab.take();
    assert!(commands.contains(&Command::Post {
        worker: 0,
        message: ToWorker::Forget { jobs: vec![job] }
    }));
    let over: Vec<&ExperimentConfig> = commands
        .iter()
        .filter_map(|c| match c {
            Command::StartOver { config } => Some(config),
            _ => None,
        })
        .collect();
    assert_eq!(over.len(), configs.len());
    assert!(
        trains(&commands).iter().all(|t| t.1 != job),
        "the dropped batch is not resumed"
    );
}

#[test]
fn another_device_restarts_the_workers_and_measures_again() {
    let mut lab = FakeLab::tiny();
    lab.cores = 3;
    let mut scheduler = running(&mut lab, cpu());
    scheduler.schedule(&mut lab);
    lab.take();
    lab.device = DevicePreference::WebGpu;
    scheduler.schedule(&mut lab);
    let commands = lab.take();
    assert!(commands.contains(&Command::Device(None)));
    assert!(commands.contains(&Command::Retired { workers: 1 }));
    assert_eq!(spawned(&commands), [(0, 1, DevicePreference::WebGpu)]);
}

#[test]
fn an_auto_worker_is_sent_the_first_batch_to_measure() {
    let mut lab = FakeLab::tiny();
    let mut scheduler = Scheduler::start(&mut lab);
    lab.take();
    scheduler.hello(&mut lab, 0);
    let commands = lab.take();
    assert!(matches!(
        &commands[..],
        [Command::Post { worker: 0, message: ToWorker::Measure { configs, cpu_workers: 1 } }]
            if configs[0].train_size() == lab.selected
    ));
    // Measured on the CPU: a CPU worker takes the measuring worker's place.
    let measured = DeviceInfo {
        measured_run_steps_per_second: Some(50.0),
        ..cpu()
    };
    scheduler.ready(&mut lab, 0, measured);
    let commands = lab.take();
    assert!(commands.contains(&Command::Terminate { worker: 0 }));
    assert_eq!(spawned(&commands), [(0, 1, DevicePreference::Cpu)]);
}
