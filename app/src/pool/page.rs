//! The page as the scheduler's [`Host`]: the lab's state read untracked, and the commands
//! carried out — to the workers here, to the lab by [`crate::apply`].

use grokking_lab::ExperimentConfig;
use grokking_lab::config::RunKey;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use super::Workers;
use crate::apply;
use crate::i18n::Lang;
use crate::scheduler::{Command, Host, Scheduler, Wishes};
use crate::state::Lab;
use crate::tr;

/// The page as the scheduler's [`Host`], for one event: it reads the lab and carries out
/// the commands.
pub(super) struct Page<'a> {
    workers: &'a Workers,
    lab: Lab,
    /// Workers that could not be created during the event: training halts after it.
    failures: Vec<String>,
}

impl<'a> Page<'a> {
    pub(super) fn new(workers: &'a Workers) -> Self {
        Self {
            workers,
            lab: workers.lab,
            failures: Vec::new(),
        }
    }

    pub(super) fn halt_on_failures(&mut self, scheduler: &mut Scheduler) {
        for error in std::mem::take(&mut self.failures) {
            let message = tr!(self.lang(), "halted-worker-could-not-start", error = error);
            scheduler.halt(self, message);
        }
    }
}

impl Host for Page<'_> {
    fn lang(&self) -> Lang {
        self.lab.lang_now()
    }

    fn playing(&self) -> bool {
        self.lab.playing.get_untracked()
    }

    fn step_budget(&self) -> usize {
        self.lab.step_budget.get_untracked()
    }

    fn wishes(&self) -> Wishes {
        let selected = self.lab.selected.get_untracked();
        self.lab.settings.with_untracked(|s| Wishes {
            device: s.device(),
            workers: s.workers(),
            batch_runs: s.batch_runs(),
            shape: s.config(selected).batch_shape(),
        })
    }

    fn first_batch(&self) -> Vec<ExperimentConfig> {
        let selected = self.lab.selected.get_untracked();
        self.lab
            .settings
            .with_untracked(|settings| settings.first_batch(selected))
    }

    fn cpu_workers(&self) -> usize {
        // One per core the page's own thread leaves free.
        let cores = web_sys::window().map_or(1.0, |w| w.navigator().hardware_concurrency());
        (cores as usize).saturating_sub(1).max(1)
    }

    fn selected_targets(&self) -> Vec<ExperimentConfig> {
        self.lab.selected_targets()
    }

    fn next_target(&self, skip: &dyn Fn(&RunKey) -> bool) -> Option<ExperimentConfig> {
        self.lab.next_target(skip)
    }

    fn batch_for(
        &self,
        target: &ExperimentConfig,
        taken: &dyn Fn(&RunKey) -> bool,
        cap: usize,
    ) -> Vec<ExperimentConfig> {
        self.lab.batch_for(target, taken, cap)
    }

    fn is_queued(&self, key: &RunKey) -> bool {
        self.lab
            .queue
            .with_untracked(|queue| queue.iter().any(|c| &c.key() == key))
    }

    fn exists(&self, key: &RunKey) -> bool {
        self.lab.runs.with_untracked(|runs| runs.contains_key(key))
    }

    fn is_finished(&self, key: &RunKey) -> bool {
        self.lab
            .runs
            .with_untracked(|runs| runs.get(key).is_some_and(|run| run.status.is_finished()))
    }

    fn last_step(&self, key: &RunKey) -> usize {
        self.lab.runs.with_untracked(|runs| {
            runs.get(key)
                .and_then(|run| run.history.last())
                .map_or(0, |point| point.step)
        })
    }

    fn command(&mut self, command: Command) {
        match command {
            Command::Spawn {
                worker,
                generation,
                asked,
            } => {
                if let Err(error) = self.workers.spawn(worker, generation, asked) {
                    self.failures.push(format!("{error:?}"));
                }
            }
            Command::Terminate { worker } => {
                if let Some(worker) = self.workers.worker(worker) {
                    worker.terminate();
                }
            }
            Command::Post { worker, message } => {
                // Fails only for a terminated worker, whose replacement gets its own commands.
                if let Some(worker) = self.workers.worker(worker) {
                    let _ = worker.post_message(&JsValue::from_str(&message.to_json()));
                }
            }
            Command::Retired { workers } => {
                self.workers.workers.borrow_mut().truncate(workers);
                apply::command(self.lab, Command::Retired { workers });
            }
            command => apply::command(self.lab, command),
        }
    }
}
