//! What the page and a training worker say to each other (JSON over `postMessage`).
//!
//! The page owns the runs, the queue and storage; a worker owns burn (its device, its batches'
//! models and optimizers) and nothing else. The page names batches ([`JobId`]); a worker
//! trains one at a time, keeps the others parked, and answers every command it acts on.

use grokking_lab::learned::Snapshot;
use grokking_lab::{EvalPoint, ExperimentConfig};
use serde::{Deserialize, Serialize};

/// Where the user wants training to run (`device=` in the link and the form): `auto`
/// measures the backends this browser has and trains on the faster. WebGPU fuses kernels
/// (burn's fusion: fewer dispatches per step). There is no unfused WebGPU: burn 0.22 fixes
/// fusion when the worker is built, so old links' `webgpu-unfused` reads as `webgpu`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum DevicePreference {
    #[default]
    Auto,
    WebGpu,
    Cpu,
}

impl DevicePreference {
    pub const ALL: [Self; 3] = [Self::Auto, Self::WebGpu, Self::Cpu];

    /// As the link and the form write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::WebGpu => "webgpu",
            Self::Cpu => "cpu",
        }
    }

    /// As the form's menu says it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Auto => "Auto (the faster, measured)",
            Self::WebGpu => "WebGPU",
            Self::Cpu => "CPU (WebAssembly)",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("webgpu-unfused") {
            return Some(Self::WebGpu);
        }
        Self::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(text))
    }

    /// The end of a worker's name that tells it (a worker reads its name before anything
    /// else arrives).
    pub fn worker_suffix(self) -> &'static str {
        match self {
            Self::Auto => "",
            Self::WebGpu => "-webgpu",
            Self::Cpu => "-cpu",
        }
    }

    /// What a worker called `name` was asked for.
    pub fn of_worker(name: &str) -> Self {
        [Self::WebGpu, Self::Cpu]
            .into_iter()
            .find(|p| name.ends_with(p.worker_suffix()))
            .unwrap_or(Self::Auto)
    }
}

/// This build's id (a hash of the sources page and worker are compiled from, `build.rs`):
/// a worker says it first, and a page that hears another build's worker stops and says so
/// instead of training on with messages neither side understands.
pub const BUILD_ID: &str = env!("GROKKING_BUILD_ID");

/// A batch of runs, as the page numbers them (unique per page load).
pub type JobId = u32;

/// How urgent a message to the user is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Level {
    Info,
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ToWorker {
    /// Train batch `job`: resume it if parked here, else start it from as many of `configs`
    /// as the device holds (the first always). The batch in training before is parked.
    /// `evaluations`: stop after this many evaluation intervals (`None`: to the end).
    /// `replay_until[i]`: run `i`'s history is kept up to this step already; points up to it
    /// are not reported again (a restarted worker retrains them silently).
    Train {
        job: JobId,
        configs: Vec<ExperimentConfig>,
        evaluations: Option<usize>,
        replay_until: Vec<usize>,
    },
    /// Park the batch in training (it keeps its model and optimizer here).
    Pause,
    /// Drop these batches (their runs were reset or went to another worker).
    Forget { jobs: Vec<JobId> },
    /// Before training: time a few steps of `configs` (the first batch the page will ask
    /// for) on each backend this worker may use, and choose the faster. On the CPU the
    /// batch is shared by `cpu_workers` workers. A worker that has nothing to choose
    /// ignores it.
    Measure {
        configs: Vec<ExperimentConfig>,
        cpu_workers: usize,
    },
}

/// Where a worker trains.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceInfo {
    /// `webgpu` or `cpu-wasm`, as run files record it (`meta.backend`).
    pub backend: String,
    /// The GPU's name, when there is one.
    pub adapter: String,
    /// Why there is no WebGPU, when there is not.
    pub fallback_reason: Option<String>,
    /// Why training runs here, in the user's words (the device badge says it).
    pub reason: String,
    /// Run-steps per second measured on the first batch before choosing (every worker
    /// of this kind together); `None` when nothing was measured.
    pub measured_run_steps_per_second: Option<f64>,
}

impl DeviceInfo {
    pub fn is_webgpu(&self) -> bool {
        self.backend == "webgpu"
    }

    /// The preference that trains here again without measuring.
    pub fn preference(&self) -> DevicePreference {
        if self.is_webgpu() {
            DevicePreference::WebGpu
        } else {
            DevicePreference::Cpu
        }
    }
}

/// What an evaluation found for one run of a batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Report {
    /// A new evaluation, and what the model learned by then (modular tasks).
    Point(EvalPoint, Option<Snapshot>),
    Diverged {
        step: usize,
    },
}

/// Why a batch stopped training.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stop {
    /// Every run trained to the end (or diverged).
    Done,
    /// The evaluations asked for are done; the batch is parked.
    Budget,
    /// Asked to pause, or another batch was asked for; the batch is parked.
    Parked,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FromWorker {
    /// The worker's first message: the build it is (see [`BUILD_ID`]).
    Hello {
        build: String,
    },
    /// The device is ready: training can be asked for.
    Ready(DeviceInfo),
    /// Something the user should read (a download under way, say).
    Notice {
        level: Level,
        text: String,
    },
    /// Batch `job` trains: the first `runs` of the configurations asked for (the rest did not
    /// fit on the device and stay the page's), about `bytes` of device memory.
    Started {
        job: JobId,
        runs: usize,
        bytes: u64,
    },
    /// The first training step of this worker finished on the device.
    FirstStep,
    /// On WebGPU: the compute dispatches one training step of batch `job` submits, counted
    /// once per batch over a few steps (the evaluations' excluded). On a GPU this small
    /// model's speed is bound by this count more than by arithmetic.
    Dispatches {
        job: JobId,
        per_step: f64,
    },
    /// An evaluation of every run of `job` (one entry per run; `None`: frozen or replayed).
    /// `steps`: batch steps trained since the last message; `steps_per_second` since the
    /// batch (re)started; `longest_slice_ms`: the longest synchronous stretch of work;
    /// `device_bytes`: the device memory the worker's tensors use now (0 on the CPU).
    Evaluated {
        job: JobId,
        reports: Vec<Option<Report>>,
        steps: usize,
        steps_per_second: f64,
        longest_slice_ms: f64,
        device_bytes: u64,
    },
    Stopped {
        job: JobId,
        why: Stop,
    },
    /// Batch `job` could not start or train; it is gone. Its runs failed with `message`.
    Failed {
        job: JobId,
        message: String,
    },
    /// Batch `job` could not get its data (the IMDB download failed or was corrupt): it is
    /// gone, its runs are untouched. The page pauses and says so once; Train tries again.
    Unavailable {
        job: JobId,
        message: String,
    },
    /// Batch `job` was parked and is dropped to free device memory (too many parked
    /// batches): its runs keep what the page has and are retrained up to it when resumed.
    Released {
        job: JobId,
    },
    /// The GPU stopped (device lost, out of memory, an error it reported): this worker
    /// trains nothing more. The page keeps every run's history and asks the user how to go
    /// on (a new GPU device, or the CPU).
    GpuFault {
        message: String,
    },
    /// The worker cannot train any more (a panic): the page restarts it.
    Crashed {
        message: String,
    },
}

impl ToWorker {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("commands are plain data")
    }
}

impl FromWorker {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("reports are plain data")
    }
}

/// Reads a message; `None` for anything that is not one (never a panic).
pub fn parse<T: for<'de> Deserialize<'de>>(text: &str) -> Option<T> {
    serde_json::from_str(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use grokking_lab::presets;

    #[test]
    fn commands_and_reports_survive_the_trip_through_json() {
        let config = presets::TINY.config(30);
        let train = ToWorker::Train {
            job: 3,
            configs: vec![config.clone()],
            evaluations: Some(1),
            replay_until: vec![40],
        };
        assert_eq!(parse::<ToWorker>(&train.to_json()), Some(train));
        let point = EvalPoint {
            step: 20,
            train_loss: 1.5,
            train_acc: 0.5,
            test_loss: 2.0,
            test_acc: 0.25,
            weight_norm: 12.0,
        };
        let evaluated = FromWorker::Evaluated {
            job: 3,
            reports: vec![
                Some(Report::Point(
                    point,
                    Some(Snapshot {
                        step: 20,
                        frequencies: vec![0.5, 0.5],
                        answers: "TtEe.TtEe.TtEe.TtEe.TtEe.".into(),
                    }),
                )),
                None,
                Some(Report::Diverged { step: 7 }),
            ],
            steps: 20,
            steps_per_second: 11.5,
            longest_slice_ms: 30.0,
            device_bytes: 1 << 20,
        };
        assert_eq!(parse::<FromWorker>(&evaluated.to_json()), Some(evaluated));
    }

    #[test]
    fn a_worker_learns_the_device_asked_for_from_its_name() {
        for preference in DevicePreference::ALL {
            let name = format!("training-2{}", preference.worker_suffix());
            assert_eq!(DevicePreference::of_worker(&name), preference);
            assert_eq!(
                DevicePreference::parse(preference.as_str()),
                Some(preference)
            );
        }
        assert_eq!(
            DevicePreference::parse(" WebGPU "),
            Some(DevicePreference::WebGpu)
        );
        assert_eq!(DevicePreference::parse("gpu"), None);
    }

    #[test]
    fn a_later_worker_is_asked_for_the_device_the_first_one_chose() {
        let chosen = |backend: &str| DeviceInfo {
            backend: backend.into(),
            adapter: String::new(),
            fallback_reason: None,
            reason: String::new(),
            measured_run_steps_per_second: None,
        };
        assert_eq!(chosen("webgpu").preference(), DevicePreference::WebGpu);
        assert_eq!(chosen("cpu-wasm").preference(), DevicePreference::Cpu);
    }

    #[test]
    fn an_old_link_asking_for_unfused_webgpu_gets_webgpu() {
        assert_eq!(
            DevicePreference::parse("webgpu-unfused"),
            Some(DevicePreference::WebGpu)
        );
    }

    #[test]
    fn garbage_is_not_a_message() {
        assert_eq!(parse::<ToWorker>("{\"Train\":1}"), None);
        assert_eq!(parse::<FromWorker>("not json"), None);
    }
}
