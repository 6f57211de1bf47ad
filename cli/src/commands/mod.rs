pub mod analyze;
pub mod bench;
pub mod merge;
pub mod plan;
pub mod prepare_imdb;
pub mod presets;
pub mod run_task;
pub mod save_init;
pub mod slim;
pub mod sweep;
pub mod train;

use std::ops::ControlFlow;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use burn::tensor::Device;
use grokking_lab::config::TaskConfig;
use grokking_lab::data::{self, Dataset};
use grokking_lab::record::{RunMeta, RunRecord};
use grokking_lab::run::{RunError, train_batch};
use grokking_lab::{EvalPoint, ExperimentConfig};
use indicatif::{ProgressBar, ProgressStyle};

use crate::backend::BackendKind;

/// The configuration's data; IMDB comes from the bundle compiled into the binary.
pub fn dataset(config: &ExperimentConfig) -> anyhow::Result<Dataset> {
    let imdb = matches!(config.task, TaskConfig::Imdb(_)).then(crate::imdb::bundled_corpus);
    Ok(data::dataset(config, imdb)?)
}

/// Checks a configuration against the limits and, for IMDB, against the bundle.
pub fn validate(config: &ExperimentConfig) -> anyhow::Result<()> {
    Ok(data::check(config)?)
}

/// Set by Ctrl-C or SIGTERM; runs in flight stop at their next evaluation (`run-task`: at
/// its next step, saving a checkpoint). A second signal exits at once: someone who presses
/// Ctrl-C twice wants the process gone, and a scheduler's grace period may be short.
pub fn interrupt_flag() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    let handler_flag = flag.clone();
    // A second handler cannot be installed; one per process is all we need.
    let _ = ctrlc::set_handler(move || {
        if handler_flag.swap(true, Ordering::SeqCst) {
            eprintln!("interrupted twice: exiting now, without saving");
            std::process::exit(INTERRUPTED_EXIT_CODE.into());
        }
    });
    flag
}

/// The exit status of a command stopped by a signal (128 + SIGTERM, as a shell reports a
/// process SIGTERM killed): schedulers retry it, unlike exit 1 (see deploy/k8s).
pub const INTERRUPTED_EXIT_CODE: u8 = 143;

/// An error that means "stopped on request": `main` exits with [`INTERRUPTED_EXIT_CODE`].
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Interrupted(pub String);

pub fn step_bar(steps: usize) -> ProgressBar {
    let bar = ProgressBar::new(steps as u64);
    bar.set_style(
        ProgressStyle::with_template(
            "{prefix} [{bar:30}] {pos}/{len} steps {per_sec} ETA {eta} {msg}",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    bar
}

fn describe(point: &EvalPoint) -> String {
    format!(
        "train {:.3} test {:.3} ‖w‖ {:.1}",
        point.train_acc, point.test_acc, point.weight_norm
    )
}

/// Runs of one shape trained as one batched model (`train` is a batch of one), with one
/// progress bar following the first run, stoppable by the interrupt flag.
pub struct BatchJob {
    pub configs: Vec<ExperimentConfig>,
    pub backend: BackendKind,
    pub bar: ProgressBar,
    pub stop: Arc<AtomicBool>,
}

impl BatchJob {
    pub fn run(self, device: &Device) -> Result<Vec<RunRecord>, RunError> {
        // Commands validate every configuration (`validate`) before they start jobs.
        let data: Vec<Dataset> = self
            .configs
            .iter()
            .map(|config| dataset(config).expect("configuration validated before training"))
            .collect();
        let data: Vec<&Dataset> = data.iter().collect();
        let started = Instant::now();
        let meta = RunMeta {
            backend: self.backend.name().to_owned(),
            wall_seconds: 0.0,
        };
        let (bar, stop) = (self.bar, self.stop);
        let result = pollster::block_on(train_batch(
            self.configs,
            &data,
            device,
            meta,
            |run, point| {
                if run == 0 {
                    bar.set_position(point.step as u64);
                    bar.set_message(describe(point));
                }
                if stop.load(Ordering::SeqCst) {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            },
        ));
        // The runs shared the time: each is charged its share.
        result.map(|mut runs| {
            let share = started.elapsed().as_secs_f64() / runs.len() as f64;
            for run in &mut runs {
                run.meta.wall_seconds = share;
            }
            runs
        })
    }
}
