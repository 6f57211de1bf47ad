//! The lab's reactive state: settings, the slider, the runs, and what the engine is doing.

use std::collections::HashMap;

use grokking_lab::analysis::RunView;
use grokking_lab::config::RunKey;
use grokking_lab::record::{RunMeta, RunRecord};
use grokking_lab::trainer::batch_shape;
use grokking_lab::{EvalPoint, ExperimentConfig};
use leptos::prelude::*;

use crate::device::DeviceChoice;
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
    pub status: RunStatus,
    pub meta: RunMeta,
}

impl RunEntry {
    pub fn new(config: ExperimentConfig) -> Self {
        Self {
            config,
            history: Vec::new(),
            status: RunStatus::Queued,
            meta: RunMeta::default(),
        }
    }

    pub fn from_record(record: RunRecord) -> Self {
        let status = match record.summary.diverged_at {
            Some(step) => RunStatus::Diverged { step },
            None => RunStatus::Done,
        };
        Self {
            config: record.config,
            history: record.history,
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
            RunRecord::new(
                self.config.clone(),
                self.history.clone(),
                self.diverged_at(),
                self.meta.clone(),
            )
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub id: u32,
    pub level: Level,
    pub text: String,
}

/// Speed and responsiveness, measured as the lab runs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PerfStats {
    /// Steps of the batch in training per second (each advances every run in it).
    pub steps_per_second: f64,
    /// Runs the batch in training holds (its live ones: diverged runs are frozen).
    pub batch_runs: usize,
    /// Estimated device memory of the batch in training, in bytes.
    pub batch_bytes: u64,
    /// Longest main-thread task seen while training (PerformanceObserver "longtask"),
    /// GPU pipeline compilation at start-up included.
    pub longest_task_ms: f64,
    /// The same, counting only tasks that start once the current size has trained its first
    /// evaluation interval: steady training, after the GPU kernels for its shapes compiled.
    pub warm_longest_task_ms: f64,
    /// `performance.now()` when the current job became warm; `None` while it warms up.
    pub warm_since: Option<f64>,
    /// Longest synchronous training slice (dispatch between two yields).
    pub longest_slice_ms: f64,
    /// Milliseconds from navigation start until the device (WebGPU or CPU) was ready.
    pub device_ready_ms: Option<f64>,
    /// Milliseconds from navigation start to the first finished training step.
    pub first_step_ms: Option<f64>,
    pub total_steps: usize,
}

impl PerfStats {
    /// Steps summed over the batch's runs, per second: what batching multiplies.
    pub fn run_steps_per_second(&self) -> f64 {
        self.steps_per_second * self.batch_runs.max(1) as f64
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
    pub device: RwSignal<Option<DeviceChoice>>,
    pub notices: RwSignal<Vec<Notice>>,
    pub perf: RwSignal<PerfStats>,
    /// Set when training can no longer continue (lost GPU device).
    pub halted: RwSignal<Option<String>>,
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
            halted: RwSignal::new(None),
        }
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

    pub fn notify(&self, level: Level, text: impl Into<String>) {
        let text = text.into();
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

    /// What the engine should train now: the selected size if unfinished, else the queue.
    pub fn next_target(&self) -> Option<ExperimentConfig> {
        let selected = self
            .settings
            .with_untracked(|s| s.config(self.selected.get_untracked()));
        let unfinished = |config: &ExperimentConfig| {
            self.runs.with_untracked(|runs| {
                runs.get(&config.key())
                    .is_none_or(|r| !r.status.is_finished())
            })
        };
        if unfinished(&selected) && self.queue.with_untracked(|q| q.contains(&selected)) {
            return Some(selected);
        }
        self.queue
            .with_untracked(|q| q.iter().find(|c| unfinished(c)).cloned())
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
        let shape = batch_shape(target);
        let target_key = target.key();
        let joins = |config: &ExperimentConfig| {
            let key = config.key();
            key != target_key
                && !taken(&key)
                && batch_shape(config) == shape
                && self
                    .runs
                    .with_untracked(|runs| runs.get(&key).is_none_or(|r| !r.status.is_finished()))
        };
        let mut batch = vec![target.clone()];
        self.queue.with_untracked(|queue| {
            batch.extend(queue.iter().filter(|c| joins(c)).cloned());
        });
        batch.truncate(cap.max(1));
        batch
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
