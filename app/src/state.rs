//! The lab's reactive state: settings, the slider, the runs, and what the engine is doing.

use std::collections::HashMap;

use grokking_lab::analysis::RunView;
use grokking_lab::config::RunKey;
use grokking_lab::learned::SnapshotHistory;
use grokking_lab::record::{RunMeta, RunRecord};
use grokking_lab::{EvalPoint, ExperimentConfig};
use leptos::prelude::*;

use crate::protocol::DeviceInfo;
pub use crate::protocol::Level;
use crate::settings::LabSettings;

#[derive(Debug, Clone, PartialEq)]
pub enum RunStatus {
    Queued,
    Training,
    Done,
    Diverged { step: usize },
    Failed(String),
}

impl RunStatus {
    pub fn is_finished(&self) -> bool {
        matches!(self, Self::Done | Self::Diverged { .. } | Self::Failed(_))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct RunEntry {
    pub config: ExperimentConfig,
    pub history: Vec<EvalPoint>,
    /// What the model learned, thinned as the run format keeps it (modular tasks).
    pub learned: SnapshotHistory,
    pub status: RunStatus,
    pub meta: RunMeta,
}

impl RunEntry {
    pub fn new(config: ExperimentConfig) -> Self {
        Self {
            config,
            history: Vec::new(),
            learned: SnapshotHistory::default(),
            status: RunStatus::Queued,
            meta: RunMeta::default(),
        }
    }

    pub fn from_record(record: RunRecord) -> Self {
        let status = match record.summary.diverged_at {
            Some(step) => RunStatus::Diverged { step },
            None => RunStatus::Done,
        };
        let mut learned = SnapshotHistory::default();
        for snapshot in record.learned {
            learned.push(snapshot);
        }
        Self {
            config: record.config,
            history: record.history,
            learned,
            status,
            meta: record.meta,
        }
    }

    fn diverged_at(&self) -> Option<usize> {
        match self.status {
            RunStatus::Diverged { step } => Some(step),
            _ => None,
        }
    }

    /// The run as the analysis sees it (so far, while it trains).
    pub fn view(&self) -> RunView<'_> {
        RunView::new(&self.config, &self.history, self.diverged_at())
    }

    /// Whether it trained to the end (or diverged) with a history to keep.
    pub fn is_complete(&self) -> bool {
        !self.history.is_empty()
            && matches!(self.status, RunStatus::Done | RunStatus::Diverged { .. })
    }

    pub fn record(&self) -> Option<RunRecord> {
        self.is_complete().then(|| {
            let mut record = RunRecord::new(
                self.config.clone(),
                self.history.clone(),
                self.diverged_at(),
                self.meta.clone(),
            );
            record.learned = self.learned.snapshots().to_vec();
            record
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub id: u32,
    pub level: Level,
    pub text: String,
}

/// One training worker's speed, as it last reported.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkerPerf {
    /// Whether it has a batch in training now.
    pub training: bool,
    /// Steps of its batch per second (each advances every run in it).
    pub steps_per_second: f64,
    /// Runs its batch holds (the live ones: diverged runs are frozen).
    pub batch_runs: usize,
    /// Estimated device memory of its batch, in bytes.
    pub batch_bytes: u64,
    /// Batch steps it trained since the page loaded.
    pub steps: usize,
    /// Device memory its tensors used at its last evaluation (0 on the CPU).
    pub device_bytes: u64,
    /// Parked batches it released to free device memory.
    pub released: usize,
    /// `performance.now()` when its batch started, until its first evaluation: kernels
    /// compile and the first steps run (the status line counts the seconds).
    pub warming_since: Option<f64>,
}

impl WorkerPerf {
    pub fn run_steps_per_second(&self) -> f64 {
        self.steps_per_second * self.batch_runs.max(1) as f64
    }
}

/// The page's responsiveness: its longest main-thread tasks (PerformanceObserver
/// "longtask"). A signal of its own, so that a report re-runs only what shows these numbers.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LongTasks {
    /// Since the page loaded: start-up included.
    pub longest_ms: f64,
    /// Counting only tasks that start while training is warm ([`PerfStats::warm_since`]).
    pub warm_longest_ms: f64,
}

/// Speed, measured as the lab runs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PerfStats {
    /// Per training worker, in the pool's order.
    pub workers: Vec<WorkerPerf>,
    /// `performance.now()` when training became warm (every worker's batch past its first
    /// evaluation interval: kernels compiled, data built); `None` while it warms up.
    pub warm_since: Option<f64>,
    /// Longest synchronous stretch of training work in a worker (between two looks at the
    /// page's commands).
    pub longest_slice_ms: f64,
    /// Milliseconds from navigation start until the first worker's device was ready.
    pub device_ready_ms: Option<f64>,
    /// Milliseconds from navigation start to the first finished training step.
    pub first_step_ms: Option<f64>,
    /// WebGPU compute dispatches per training step of the last batch counted.
    pub kernels_per_step: Option<f64>,
    pub total_steps: usize,
}

impl PerfStats {
    /// Batch steps per second, summed over the workers (as each last reported).
    pub fn steps_per_second(&self) -> f64 {
        self.workers.iter().map(|w| w.steps_per_second).sum()
    }

    /// Steps summed over every run of every batch, per second: what batching and workers
    /// multiply.
    pub fn run_steps_per_second(&self) -> f64 {
        self.workers
            .iter()
            .map(WorkerPerf::run_steps_per_second)
            .sum()
    }

    /// The largest batch (in training, or trained last).
    pub fn batch_runs(&self) -> usize {
        self.workers.iter().map(|w| w.batch_runs).max().unwrap_or(0)
    }

    /// Estimated device memory of that batch.
    pub fn batch_bytes(&self) -> u64 {
        self.workers
            .iter()
            .map(|w| w.batch_bytes)
            .max()
            .unwrap_or(0)
    }

    /// The record for worker `index`, created on first use.
    pub fn worker(&mut self, index: usize) -> &mut WorkerPerf {
        if self.workers.len() <= index {
            self.workers.resize(index + 1, WorkerPerf::default());
        }
        &mut self.workers[index]
    }
}

/// The whole lab state. Copyable handles: pass it anywhere.
#[derive(Clone, Copy)]
pub struct Lab {
    pub settings: RwSignal<LabSettings>,
    /// The slider: the training size on display.
    pub selected: RwSignal<usize>,
    pub playing: RwSignal<bool>,
    /// Evaluation intervals still to run while paused ("step" button).
    pub step_budget: RwSignal<usize>,
    pub runs: RwSignal<HashMap<RunKey, RunEntry>>,
    /// Configurations waiting to be trained, in order.
    pub queue: RwSignal<Vec<ExperimentConfig>>,
    /// The first worker's device (every worker picks the same kind).
    pub device: RwSignal<Option<DeviceInfo>>,
    pub notices: RwSignal<Vec<Notice>>,
    pub perf: RwSignal<PerfStats>,
    pub long_tasks: RwSignal<LongTasks>,
    /// Set when training can no longer continue (workers failed too often).
    pub halted: RwSignal<Option<String>>,
    /// What the GPU reported when it stopped; training waits for the user's choice.
    pub gpu_fault: RwSignal<Option<String>>,
    /// The CLI's measured sweep of the preset on screen, once downloaded.
    pub reference: RwSignal<Option<crate::reference::Loaded>>,
    /// Projector mode: large type, the setup hidden, the charts enlarged.
    pub present: RwSignal<bool>,
    /// Embed mode (`embed=1`, fixed by the link): the lab inside a course page's frame.
    pub embed: RwSignal<bool>,
    /// Live callouts on the accuracy chart and their timeline (`callouts=0` turns them off).
    pub callouts: RwSignal<bool>,
    /// The guided tour, while one is under way (`tour.rs`).
    pub tour: RwSignal<Option<crate::tour::Tour>>,
    /// The widths the model-wise map was asked to train (their runs stay queued).
    pub map_widths: RwSignal<Vec<usize>>,
    /// The step scrubber: the slider's run is shown as it was at this step (`None`: as it
    /// is now).
    pub scrub: RwSignal<Option<usize>>,
    /// `performance.now()`, once a second: what the status line's elapsed seconds tick on.
    pub clock: RwSignal<f64>,
    /// The language the page speaks (`lang=` in the link, else the browser's; `i18n.rs`).
    pub lang: RwSignal<crate::i18n::Lang>,
}

impl Lab {
    pub fn new(settings: LabSettings, selected: usize) -> Self {
        Self {
            settings: RwSignal::new(settings),
            selected: RwSignal::new(selected),
            playing: RwSignal::new(false),
            step_budget: RwSignal::new(0),
            runs: RwSignal::new(HashMap::new()),
            queue: RwSignal::new(Vec::new()),
            device: RwSignal::new(None),
            notices: RwSignal::new(Vec::new()),
            perf: RwSignal::new(PerfStats::default()),
            long_tasks: RwSignal::new(LongTasks::default()),
            halted: RwSignal::new(None),
            gpu_fault: RwSignal::new(None),
            reference: RwSignal::new(None),
            present: RwSignal::new(false),
            embed: RwSignal::new(false),
            callouts: RwSignal::new(true),
            tour: RwSignal::new(None),
            map_widths: RwSignal::new(Vec::new()),
            scrub: RwSignal::new(None),
            clock: RwSignal::new(0.0),
            lang: RwSignal::new(crate::i18n::Lang::default()),
        }
    }

    /// The page's language, tracked: a view that reads it is redrawn when it changes.
    pub fn lang(&self) -> crate::i18n::Lang {
        self.lang.get()
    }

    /// The page's language, untracked (for a notice or an event handler's text).
    pub fn lang_now(&self) -> crate::i18n::Lang {
        self.lang.get_untracked()
    }

    /// ▶ Train / ❚❚ Pause (the button and the space bar).
    pub fn toggle_playing(&self) {
        let playing = !self.playing.get_untracked();
        if playing {
            self.enqueue_all();
        }
        self.playing.set(playing);
    }

    /// Shows a preset at its middle size and trains all of its sizes (a preset button, or
    /// its number key).
    pub fn choose_preset(&self, preset: &grokking_lab::presets::Preset) {
        let device = self.settings.with_untracked(LabSettings::device);
        self.show(
            LabSettings::from_preset(preset).with_device(device),
            Some(preset.middle_size()),
        );
        self.enqueue_all();
        self.playing.set(true);
    }

    /// Moves the slider `by` stops (← and →), staying within its sizes.
    pub fn move_slider(&self, by: isize) {
        let sizes = self.settings.with_untracked(|s| s.sizes().to_vec());
        let Some(at) = sizes
            .iter()
            .position(|&n| n == self.selected.get_untracked())
        else {
            return;
        };
        let to = at.saturating_add_signed(by).min(sizes.len() - 1);
        self.selected.set(sizes[to]);
    }

    /// Shows `settings`, keeping the slider's size when it is one of theirs.
    pub fn show(&self, settings: LabSettings, selected: Option<usize>) {
        let selected = selected
            .or(Some(self.selected.get_untracked()))
            .filter(|n| settings.sizes().contains(n))
            .unwrap_or_else(|| settings.middle_size());
        self.settings.set(settings);
        self.selected.set(selected);
    }

    /// Shows a notice, unless the same one is on screen already (ten queued sizes that
    /// fail alike make one notice).
    pub fn notify(&self, level: Level, text: impl Into<String>) {
        let text = text.into();
        let shown = self
            .notices
            .with_untracked(|n| n.iter().any(|n| n.level == level && n.text == text));
        if shown {
            return;
        }
        self.notices.update(|notices| {
            let id = notices.iter().map(|n| n.id + 1).max().unwrap_or(0);
            notices.push(Notice { id, level, text });
        });
    }

    /// The run shown for `train_size` under the current settings (its first seed's), if any
    /// (reactive).
    pub fn run_for(&self, train_size: usize) -> Option<RunEntry> {
        let key = self.settings.with(|s| s.config(train_size)).key();
        self.runs.with(|runs| runs.get(&key).cloned())
    }

    /// Every seed's run of `train_size` that exists (reactive).
    pub fn runs_for(&self, train_size: usize) -> Vec<RunEntry> {
        let configs = self.settings.with(|s| s.configs(train_size));
        self.runs.with(|runs| {
            configs
                .iter()
                .filter_map(|config| runs.get(&config.key()).cloned())
                .collect()
        })
    }

    /// Whether every seed of `train_size` finished (reactive).
    pub fn is_trained(&self, train_size: usize) -> bool {
        let seeds = self.settings.with(|s| s.seeds());
        let runs = self.runs_for(train_size);
        runs.len() == seeds && runs.iter().all(|r| r.status.is_finished())
    }

    /// Run-steps the current setup still has to train: every size, every seed (tracked).
    pub fn remaining_run_steps(&self) -> usize {
        let configs = self.settings.with(LabSettings::all_configs);
        self.runs.with(|runs| {
            configs
                .iter()
                .map(|config| match runs.get(&config.key()) {
                    Some(run) if run.status.is_finished() => 0,
                    Some(run) => config
                        .training
                        .steps
                        .saturating_sub(run.history.last().map_or(0, |p| p.step)),
                    None => config.training.steps,
                })
                .sum()
        })
    }

    /// Run-steps per second here: as training last reported, else as measured when the
    /// device was chosen (tracked). 0 when nothing is known yet.
    pub fn run_speed(&self) -> f64 {
        let trained = self.perf.with(PerfStats::run_steps_per_second);
        if trained > 0.0 {
            return trained;
        }
        self.device.with(|device| {
            device
                .as_ref()
                .and_then(|d| d.measured_run_steps_per_second)
                .unwrap_or(0.0)
        })
    }

    /// Seconds to train what is left of the current setup here (tracked).
    pub fn eta_seconds(&self) -> Option<f64> {
        crate::clock::eta_seconds(self.remaining_run_steps(), self.run_speed())
    }

    /// When the current setup takes `eta` seconds here ([`Lab::eta_seconds`]), longer than
    /// a lesson: the preset that fits, and its estimate ([`Lab::preset_seconds`]).
    pub fn lesson_preset(&self, eta: f64) -> Option<(&'static grokking_lab::presets::Preset, f64)> {
        if eta <= crate::clock::LESSON_SECONDS {
            return None;
        }
        grokking_lab::presets::ALL
            .into_iter()
            .filter_map(|preset| Some((preset, self.preset_seconds(preset)?)))
            .filter(|&(_, seconds)| seconds <= crate::clock::LESSON_SECONDS)
            .max_by(|a, b| a.1.total_cmp(&b.1))
    }

    /// Seconds to train every size of `preset` here, scaled from this setup's speed by the
    /// work of each (its runs share their step count, so a run-step's mean work is the
    /// scale; tracked); `None` before a speed is known.
    pub fn preset_seconds(&self, preset: &grokking_lab::presets::Preset) -> Option<f64> {
        let speed = self.run_speed();
        if !(speed > 0.0 && speed.is_finite()) {
            return None;
        }
        let configs = self.settings.with(LabSettings::all_configs);
        let work_per_run_step =
            configs.iter().map(crate::clock::step_work).sum::<f64>() / configs.len().max(1) as f64;
        let theirs: Vec<ExperimentConfig> =
            preset.sizes.iter().map(|&n| preset.config(n)).collect();
        Some(crate::clock::sweep_work(&theirs) / (speed * work_per_run_step).max(f64::MIN_POSITIVE))
    }

    /// [`Lab::preset_seconds`] without tracking (from an event handler).
    pub fn preset_seconds_untracked(&self, preset: &grokking_lab::presets::Preset) -> Option<f64> {
        untrack(|| self.preset_seconds(preset))
    }

    /// Adds `config` to the queue unless it is trained, queued or training.
    pub fn enqueue(&self, config: ExperimentConfig) {
        let key = config.key();
        let known = self.runs.with_untracked(|runs| runs.contains_key(&key));
        if !known {
            self.runs.update(|runs| {
                runs.insert(key, RunEntry::new(config.clone()));
            });
        }
        let finished = self.runs.with_untracked(|runs| {
            runs.get(&config.key())
                .is_some_and(|r| r.status.is_finished())
        });
        if !finished && !self.queue.with_untracked(|q| q.contains(&config)) {
            self.queue.update(|q| q.push(config));
        }
    }

    /// Queues every run of the current settings (each size with each seed), the selected
    /// size first.
    pub fn enqueue_all(&self) {
        let settings = self.settings.get_untracked();
        let selected = self.selected.get_untracked();
        for config in settings
            .configs(selected)
            .into_iter()
            .chain(settings.all_configs())
        {
            self.enqueue(config);
        }
    }

    /// Whether `config` still has training to do (no entry yet, queued or training).
    fn is_unfinished(&self, config: &ExperimentConfig) -> bool {
        self.runs.with_untracked(|runs| {
            runs.get(&config.key())
                .is_none_or(|r| !r.status.is_finished())
        })
    }

    /// The slider's size's runs (one per seed) that are queued and unfinished: trained
    /// before anything else.
    pub fn selected_targets(&self) -> Vec<ExperimentConfig> {
        let configs = self
            .settings
            .with_untracked(|s| s.configs(self.selected.get_untracked()));
        self.queue.with_untracked(|queue| {
            configs
                .into_iter()
                .filter(|c| queue.contains(c) && self.is_unfinished(c))
                .collect()
        })
    }

    /// The first queued, unfinished run that `skip` does not exclude (runs other workers
    /// hold, say).
    pub fn next_target(&self, skip: impl Fn(&RunKey) -> bool) -> Option<ExperimentConfig> {
        self.queue.with_untracked(|queue| {
            queue
                .iter()
                .find(|c| self.is_unfinished(c) && !skip(&c.key()))
                .cloned()
        })
    }

    /// The runs to train together with `target` as one batch: `target` first, then the
    /// queued, unfinished runs of its shape that `taken` (those in other batches) does not
    /// claim, in queue order, at most `cap` in all.
    pub fn batch_for(
        &self,
        target: &ExperimentConfig,
        taken: impl Fn(&RunKey) -> bool,
        cap: usize,
    ) -> Vec<ExperimentConfig> {
        let free = |config: &&ExperimentConfig| !taken(&config.key()) && self.is_unfinished(config);
        self.queue.with_untracked(|queue| {
            grokking_lab::sweep::batch_with(target, queue.iter().filter(free), cap)
        })
    }

    /// Forgets every run of the current settings (the store too, by the caller) and stops.
    pub fn reset_current(&self) -> Vec<RunKey> {
        let settings = self.settings.get_untracked();
        let keys: Vec<RunKey> = settings
            .all_configs()
            .iter()
            .map(ExperimentConfig::key)
            .collect();
        self.playing.set(false);
        self.queue.set(Vec::new());
        self.runs.update(|runs| {
            for key in &keys {
                runs.remove(key);
            }
        });
        keys
    }

    pub fn update_run(&self, key: &RunKey, f: impl FnOnce(&mut RunEntry)) {
        self.runs.update(|runs| {
            if let Some(run) = runs.get_mut(key) {
                f(run);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use grokking_lab::presets;

    fn tiny_lab() -> Lab {
        let settings = LabSettings::from_preset(&presets::TINY);
        let selected = settings.middle_size();
        let lab = Lab::new(settings, selected);
        lab.enqueue_all();
        lab
    }

    #[test]
    fn the_slider_size_is_queued_first_and_targeted_until_it_finishes() {
        let lab = tiny_lab();
        let selected = lab.selected.get_untracked();
        let targets = lab.selected_targets();
        assert_eq!(targets.len(), 1);
        assert_eq!(targets[0].train_size(), selected);
        assert_eq!(lab.next_target(|_| false), Some(targets[0].clone()));
        lab.update_run(&targets[0].key(), |run| run.status = RunStatus::Done);
        assert!(lab.selected_targets().is_empty());
        assert_ne!(lab.next_target(|_| false), Some(targets[0].clone()));
    }

    #[test]
    fn the_next_target_skips_what_another_worker_holds() {
        let lab = tiny_lab();
        let first = lab.next_target(|_| false).unwrap();
        let second = lab.next_target(|key| key == &first.key()).unwrap();
        assert_ne!(first, second);
        let all: Vec<RunKey> = lab.queue.get_untracked().iter().map(|c| c.key()).collect();
        assert_eq!(lab.next_target(|key| all.contains(key)), None);
    }

    #[test]
    fn a_batch_takes_the_target_then_unclaimed_queued_runs_up_to_the_cap() {
        let lab = tiny_lab();
        let sizes = lab.settings.get_untracked().sizes().len();
        let target = lab.next_target(|_| false).unwrap();
        let whole = lab.batch_for(&target, |_| false, usize::MAX);
        assert_eq!(whole.len(), sizes, "every size has the same shape");
        assert_eq!(whole[0], target);
        let half = lab.batch_for(&target, |_| false, sizes.div_ceil(2));
        assert_eq!(half.len(), sizes.div_ceil(2));
        let claimed: Vec<RunKey> = half.iter().map(|c| c.key()).collect();
        let other = lab.next_target(|key| claimed.contains(key)).unwrap();
        let rest = lab.batch_for(&other, |key| claimed.contains(key), usize::MAX);
        assert_eq!(
            rest.len(),
            sizes - half.len(),
            "the two batches split the sizes"
        );
        assert!(rest.iter().all(|c| !claimed.contains(&c.key())));
    }
}
