//! What the page and a training worker say to each other (JSON over `postMessage`).
//!
//! The page owns the runs, the queue and storage; a worker owns burn (its device, its batches'
//! models and optimizers) and nothing else. The page names batches ([`JobId`]); a worker
//! trains one at a time, keeps the others parked, and answers every command it acts on.

use grokking_lab::learned::Snapshot;
use grokking_lab::{EvalPoint, ExperimentConfig};
use serde::{Deserialize, Serialize};

use crate::choice::{self, Trial};
use crate::i18n::Lang;
use crate::tr;

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

    /// As the form's menu says it, in English ([`DevicePreference::label_in`] in `lang`).
    pub fn label(self) -> &'static str {
        match self {
            Self::Auto => "Auto (the faster, measured)",
            Self::WebGpu => "WebGPU",
            Self::Cpu => "CPU (WebAssembly)",
        }
    }

    /// As the form's menu says it, in `lang`.
    pub fn label_in(self, lang: Lang) -> String {
        match self {
            Self::Auto => tr!(lang, "device-preference-auto"),
            Self::WebGpu => tr!(lang, "device-preference-webgpu"),
            Self::Cpu => tr!(lang, "device-preference-cpu"),
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
    /// Why there is no WebGPU, when there is not (English; [`DeviceInfo::fallback_text`]
    /// words it in a language).
    pub fallback_reason: Option<String>,
    /// Why training runs here, in English (the badge's `data-choice-reason`: the browser
    /// tests read it). [`DeviceInfo::describe_reason`] says it in a language.
    pub reason: String,
    /// Run-steps per second measured on the first batch before choosing (every worker
    /// of this kind together); `None` when nothing was measured.
    pub measured_run_steps_per_second: Option<f64>,
    /// Why training runs here, as data: what the page words in the user's language.
    #[serde(default)]
    pub why: DeviceWhy,
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

    /// Why training runs here, in `lang` (the device badge's tooltip): the English
    /// [`DeviceInfo::reason`] in English.
    pub fn describe_reason(&self, lang: Lang) -> String {
        self.why
            .describe(lang)
            .unwrap_or_else(|| self.reason.clone())
    }

    /// Why there is no WebGPU, in `lang`, when there is none.
    pub fn fallback_text(&self, lang: Lang) -> Option<String> {
        self.fallback_reason
            .as_ref()
            .map(|english| match &self.why {
                DeviceWhy::NoWebGpu(why) => why.text(lang),
                _ => english.clone(),
            })
    }

    /// The device badge's text: the device, and the measured comparison without its
    /// numbers (the tooltip, [`DeviceInfo::describe_reason`], has them).
    pub fn badge(&self, lang: Lang) -> String {
        let device = if self.is_webgpu() {
            let adapter = if self.adapter.is_empty() {
                "GPU"
            } else {
                self.adapter.as_str()
            };
            tr!(lang, "device-badge-webgpu", adapter = adapter)
        } else {
            tr!(lang, "device-badge-cpu")
        };
        let verdict = self
            .measured_run_steps_per_second
            .and_then(|_| self.verdict(lang));
        match verdict {
            Some(why) => tr!(lang, "device-badge-detail", device = device, why = why),
            None if self.fallback_reason.is_some() => {
                tr!(lang, "device-badge-no-webgpu", device = device)
            }
            None => device,
        }
    }

    /// The measured comparison's verdict without the speeds compared.
    fn verdict(&self, lang: Lang) -> Option<String> {
        match &self.why {
            DeviceWhy::Measured(measurement) => Some(measurement.words(lang).why),
            // Only the English sentence: its part after the device, before the numbers.
            _ => self
                .reason
                .split_once(": ")
                .map(|(_, why)| why.split(" — ").next().unwrap_or(why).to_owned()),
        }
    }
}

/// The device badge's text in `lang`: [`DeviceInfo::badge`], or that a device is being
/// chosen (`None`).
pub fn badge_text(lang: Lang, device: Option<&DeviceInfo>) -> String {
    match device {
        Some(device) => device.badge(lang),
        None => tr!(lang, "device-badge-choosing"),
    }
}

/// Why a worker trains where it does, as data (the page words it: [`DeviceWhy::describe`];
/// [`DeviceWhy::english`] is the English reason the worker sends along).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub enum DeviceWhy {
    /// Not said: the English [`DeviceInfo::reason`] is all there is.
    #[default]
    Unstated,
    /// Asked for the CPU.
    AskedCpu,
    /// Asked for WebGPU, on this adapter.
    AskedWebGpu { adapter: String },
    /// `auto`, but the page sent no batch to time.
    NotMeasured { adapter: String },
    /// There is no WebGPU here.
    NoWebGpu(NoWebGpu),
    /// Both backends were timed on the page's first batch.
    Measured(Measurement),
    /// The user chose the CPU after the GPU stopped.
    AfterGpuFault,
}

impl DeviceWhy {
    /// The reason in English, as the badge's `data-choice-reason` has always said it (a
    /// measured choice in [`crate::choice::decide`]'s words).
    pub fn english(&self) -> String {
        match self {
            Self::Unstated => String::new(),
            Self::AskedCpu => "CPU (WebAssembly), as asked".to_owned(),
            Self::AskedWebGpu { adapter } => format!("WebGPU ({adapter}), as asked"),
            Self::NotMeasured { adapter } => {
                format!("WebGPU ({adapter}): not measured (the page sent no batch)")
            }
            Self::NoWebGpu(why) => {
                format!("CPU (WebAssembly): no WebGPU here — {}", why.english())
            }
            Self::Measured(measurement) => measurement.verdict().reason,
            Self::AfterGpuFault => {
                "CPU (WebAssembly): you chose to go on on the CPU after the GPU stopped".to_owned()
            }
        }
    }

    /// The reason in `lang`; `None` when unstated.
    pub fn describe(&self, lang: Lang) -> Option<String> {
        Some(match self {
            Self::Unstated => return None,
            Self::AskedCpu => tr!(lang, "device-reason-asked-cpu"),
            Self::AskedWebGpu { adapter } => {
                tr!(
                    lang,
                    "device-reason-asked-webgpu",
                    adapter = adapter.as_str()
                )
            }
            Self::NotMeasured { adapter } => {
                tr!(
                    lang,
                    "device-reason-not-measured",
                    adapter = adapter.as_str()
                )
            }
            Self::NoWebGpu(why) => {
                let why = why.text(lang);
                tr!(lang, "device-reason-no-webgpu", why = why)
            }
            Self::Measured(measurement) => measurement.describe(lang),
            Self::AfterGpuFault => tr!(lang, "device-reason-after-gpu-fault"),
        })
    }
}

/// Why there is no WebGPU.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum NoWebGpu {
    /// No `navigator.gpu`.
    NotOffered,
    /// No `navigator.gpu.requestAdapter`.
    NoRequestAdapter,
    /// `requestAdapter` returned no promise.
    NoPromise,
    /// `requestAdapter` found no adapter.
    NoAdapter,
    /// The browser's own error, as it said it.
    Browser(String),
    /// burn could not start WebGPU (its error).
    Burn(String),
}

impl NoWebGpu {
    /// In English, as [`DeviceInfo::fallback_reason`] says it.
    pub fn english(&self) -> String {
        match self {
            Self::NotOffered => {
                "this browser does not offer WebGPU (try a recent Chrome or Edge)".to_owned()
            }
            Self::NoRequestAdapter => "navigator.gpu.requestAdapter is missing".to_owned(),
            Self::NoPromise => "requestAdapter did not return a promise".to_owned(),
            Self::NoAdapter => "WebGPU is present but no GPU adapter is available (blocked, disabled, or no supported GPU)".to_owned(),
            Self::Browser(error) => error.clone(),
            Self::Burn(error) => format!("burn could not start WebGPU ({error})"),
        }
    }

    pub fn text(&self, lang: Lang) -> String {
        match self {
            Self::NotOffered => tr!(lang, "device-no-webgpu-not-offered"),
            Self::NoRequestAdapter => tr!(lang, "device-no-webgpu-no-request-adapter"),
            Self::NoPromise => tr!(lang, "device-no-webgpu-no-promise"),
            Self::NoAdapter => tr!(lang, "device-no-webgpu-no-adapter"),
            Self::Browser(error) => error.clone(),
            Self::Burn(error) => tr!(lang, "device-no-webgpu-burn", error = error.as_str()),
        }
    }
}

/// What timing one backend found ([`Trial`], as the page is told it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Timing {
    Timed {
        run_steps_per_second: f64,
    },
    TooSlow {
        waited_ms: f64,
    },
    /// Its error, as it came (burn's or the core's, in English).
    Failed(String),
}

impl From<&Trial> for Timing {
    fn from(trial: &Trial) -> Self {
        match trial {
            Trial::Timed {
                run_steps_per_second,
                ..
            } => Self::Timed {
                run_steps_per_second: *run_steps_per_second,
            },
            Trial::TooSlow { waited_ms } => Self::TooSlow {
                waited_ms: *waited_ms,
            },
            Trial::Failed(error) => Self::Failed(error.clone()),
        }
    }
}

impl Timing {
    fn trial(&self) -> Trial {
        match self {
            Self::Timed {
                run_steps_per_second,
            } => Trial::Timed {
                // Not part of the verdict.
                first_step_ms: 0.0,
                run_steps_per_second: *run_steps_per_second,
            },
            Self::TooSlow { waited_ms } => Trial::TooSlow {
                waited_ms: *waited_ms,
            },
            Self::Failed(error) => Trial::Failed(error.clone()),
        }
    }
}

/// Both backends timed on the page's first batch: what [`crate::choice::decide`] decided on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measurement {
    /// One CPU worker's timing.
    pub cpu: Timing,
    /// The CPU workers that train side by side.
    pub cpu_workers: usize,
    pub gpu: Timing,
    pub adapter: String,
    /// The adapter is a software rasteriser.
    pub software: bool,
}

/// A measured choice in words: the device, why, and the speeds compared (when both were
/// timed).
struct Words {
    device: String,
    why: String,
    speeds: Option<String>,
}

impl Measurement {
    /// The choice, decided again from the timings as the worker decided it.
    pub fn verdict(&self) -> choice::Verdict {
        choice::decide(
            &self.cpu.trial(),
            self.cpu_workers,
            &self.gpu.trial(),
            &self.adapter,
            self.software,
        )
    }

    /// The reason in `lang` (in English, [`choice::decide`]'s).
    pub fn describe(&self, lang: Lang) -> String {
        let Words {
            device,
            why,
            speeds,
        } = self.words(lang);
        match speeds {
            Some(speeds) => tr!(
                lang,
                "device-reason-measured-speeds",
                device = device,
                why = why,
                speeds = speeds
            ),
            None => tr!(lang, "device-reason-measured", device = device, why = why),
        }
    }

    /// [`choice::decide`]'s cases, in `lang`.
    fn words(&self, lang: Lang) -> Words {
        let workers = self.cpu_workers.max(1);
        let cpu_speed = match self.cpu {
            Timing::Timed {
                run_steps_per_second,
            } => Some(run_steps_per_second * workers as f64),
            _ => None,
        };
        let adapter = self.adapter.as_str();
        let cpu_name = tr!(lang, "device-cpu-workers", workers = workers);
        let gpu_name = if self.software {
            tr!(lang, "device-gpu-name-software", adapter = adapter)
        } else {
            tr!(lang, "device-gpu-name", adapter = adapter)
        };
        let webgpu = || tr!(lang, "device-webgpu-adapter", adapter = adapter);
        let speed = |value: f64| format!("{value:.1}");
        match (cpu_speed, &self.gpu) {
            (
                Some(c),
                Timing::Timed {
                    run_steps_per_second: g,
                },
            ) if c > *g => {
                let (times, faster, slower) = (choice::times(c, *g), speed(c), speed(*g));
                Words {
                    why: tr!(lang, "device-why-cpu-faster", times = times, gpu = gpu_name),
                    speeds: Some(tr!(lang, "device-speeds", faster = faster, slower = slower)),
                    device: cpu_name,
                }
            }
            (
                Some(c),
                Timing::Timed {
                    run_steps_per_second: g,
                },
            ) => {
                let (times, faster, slower) = (choice::times(*g, c), speed(*g), speed(c));
                Words {
                    why: tr!(lang, "device-why-gpu-faster", times = times, cpu = cpu_name),
                    speeds: Some(tr!(lang, "device-speeds", faster = faster, slower = slower)),
                    device: webgpu(),
                }
            }
            (Some(c), Timing::TooSlow { waited_ms }) => {
                let seconds = format!("{:.0}", waited_ms / 1000.0);
                let cpu = speed(c);
                Words {
                    why: tr!(
                        lang,
                        "device-why-gpu-too-slow",
                        gpu = gpu_name,
                        seconds = seconds,
                        speed = cpu
                    ),
                    speeds: None,
                    device: cpu_name,
                }
            }
            (Some(c), Timing::Failed(error)) => {
                let cpu = speed(c);
                Words {
                    why: tr!(
                        lang,
                        "device-why-gpu-failed",
                        gpu = gpu_name,
                        error = error.as_str(),
                        speed = cpu
                    ),
                    speeds: None,
                    device: cpu_name,
                }
            }
            (
                None,
                Timing::Timed {
                    run_steps_per_second: g,
                },
            ) => {
                let gpu = speed(*g);
                Words {
                    why: tr!(lang, "device-why-cpu-untimed", speed = gpu),
                    speeds: None,
                    device: webgpu(),
                }
            }
            (None, _) if self.software => Words {
                why: tr!(lang, "device-why-none-timed-software", gpu = gpu_name),
                speeds: None,
                device: cpu_name,
            },
            (None, _) => Words {
                why: tr!(lang, "device-why-none-timed-hardware"),
                speeds: None,
                device: webgpu(),
            },
        }
    }
}

/// Something a worker tells the user, as data: the worker does not know the page's
/// language, so the page words it ([`Said::text`]). Text from outside the lab (burn's, the
/// core's, the browser's, a driver's) travels as it came. [`Said::english`] is the same in
/// English without the page's messages (the worker's own uses, its logs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Said {
    /// Words from outside the lab, shown as they are.
    Verbatim(String),
    /// Both backends are being timed (a few steps each, at most `seconds`).
    Measuring { adapter: String, seconds: u32 },
    /// The IMDB reviews are being downloaded.
    DownloadingImdb,
    /// A batch diverged before any finite evaluation.
    DivergedEarly { step: usize },
    /// The page asked for a batch the worker cannot read.
    MalformedBatch,
    /// One run needs more memory than a batch may have (both as `describe_bytes` says).
    TooBig { needed: String, budget: String },
    /// A file of the IMDB reviews could not be downloaded.
    DownloadFailed { path: String, why: FetchError },
    /// The IMDB reviews came but cannot be used (the core's error).
    ImdbUnusable(String),
    /// The GPU ran out of memory.
    GpuOutOfMemory,
    /// The GPU reported an error (its words).
    GpuError(String),
    /// The GPU device was lost (why, in the driver's words).
    GpuLost(String),
    /// Reading results from the GPU failed (why).
    GpuReadFailed(String),
}

/// Why a download failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FetchError {
    /// Given up after this many seconds.
    NoAnswer { seconds: u32 },
    /// The server answered with this HTTP status.
    Http(u16),
    /// The browser's own error.
    Other(String),
}

impl FetchError {
    pub fn english(&self) -> String {
        match self {
            Self::NoAnswer { seconds } => format!("no answer within {seconds} s"),
            Self::Http(status) => format!("HTTP {status}"),
            Self::Other(error) => error.clone(),
        }
    }

    pub fn text(&self, lang: Lang) -> String {
        match self {
            Self::NoAnswer { seconds } => {
                tr!(
                    lang,
                    "worker-fetch-no-answer",
                    seconds = seconds.to_string()
                )
            }
            Self::Http(_) | Self::Other(_) => self.english(),
        }
    }
}

impl From<String> for Said {
    fn from(text: String) -> Self {
        Self::Verbatim(text)
    }
}

impl From<&str> for Said {
    fn from(text: &str) -> Self {
        Self::Verbatim(text.to_owned())
    }
}

impl Said {
    /// In English, as the page says it in English.
    pub fn english(&self) -> String {
        match self {
            Self::Verbatim(text) => text.clone(),
            Self::Measuring { adapter, seconds } => format!(
                "Measuring where this setup trains faster: the CPU, then WebGPU ({adapter}) — a few steps each, at most {seconds} s."
            ),
            Self::DownloadingImdb => {
                "Downloading the IMDB reviews (1.2 MB, Maas et al. 2011)…".to_owned()
            }
            Self::DivergedEarly { step } => {
                format!("Training diverged at step {step}: try a smaller learning rate or α.")
            }
            Self::MalformedBatch => "the page asked for a malformed batch".to_owned(),
            Self::TooBig { needed, budget } => format!(
                "this run needs about {needed} of memory to train, more than this device gives a batch ({budget}): choose a smaller model, fewer training examples or shorter reviews"
            ),
            Self::DownloadFailed { path, why } => format!(
                "Downloading the IMDB reviews ({path}) failed: {}",
                why.english()
            ),
            Self::ImdbUnusable(error) => format!("The IMDB reviews could not be used: {error}"),
            Self::GpuOutOfMemory => "The GPU ran out of memory: try fewer runs per batch (Batch runs), fewer sizes or a smaller model.".to_owned(),
            Self::GpuError(error) => format!("The GPU reported an error: {error}"),
            Self::GpuLost(why) => format!("The GPU device was lost ({why})."),
            Self::GpuReadFailed(why) => format!("Reading results from the GPU failed ({why})."),
        }
    }

    /// In `lang`: what the page shows.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            Self::Verbatim(text) => text.clone(),
            Self::Measuring { adapter, seconds } => tr!(
                lang,
                "worker-measuring",
                adapter = adapter.as_str(),
                seconds = seconds.to_string()
            ),
            Self::DownloadingImdb => tr!(lang, "worker-downloading-imdb"),
            Self::DivergedEarly { step } => {
                tr!(lang, "worker-diverged-early", step = step.to_string())
            }
            Self::MalformedBatch => tr!(lang, "worker-malformed-batch"),
            Self::TooBig { needed, budget } => tr!(
                lang,
                "worker-too-big",
                needed = needed.as_str(),
                budget = budget.as_str()
            ),
            Self::DownloadFailed { path, why } => {
                let error = why.text(lang);
                tr!(
                    lang,
                    "worker-download-failed",
                    path = path.as_str(),
                    error = error
                )
            }
            Self::ImdbUnusable(error) => {
                tr!(lang, "worker-imdb-unusable", error = error.as_str())
            }
            Self::GpuOutOfMemory => tr!(lang, "gpu-out-of-memory"),
            Self::GpuError(error) => tr!(lang, "gpu-error", error = error.as_str()),
            Self::GpuLost(why) => tr!(lang, "gpu-device-lost", error = why.as_str()),
            Self::GpuReadFailed(why) => tr!(lang, "gpu-read-failed", error = why.as_str()),
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
        said: Said,
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
        message: Said,
    },
    /// Batch `job` could not get its data (the IMDB download failed or was corrupt): it is
    /// gone, its runs are untouched. The page pauses and says so once; Train tries again.
    Unavailable {
        job: JobId,
        message: Said,
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
        message: Said,
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
            why: DeviceWhy::Unstated,
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

    fn timed(speed: f64) -> Timing {
        Timing::Timed {
            run_steps_per_second: speed,
        }
    }

    /// Every case of `choice::decide`, and a few of its inputs.
    fn measurements() -> Vec<Measurement> {
        let slow = Timing::TooSlow {
            waited_ms: 15_000.0,
        };
        let failed = Timing::Failed("out of memory".into());
        let mut all = Vec::new();
        for (cpu, gpu) in [
            (timed(82.1), timed(6.3)),
            (timed(10.0), timed(25.0)),
            (timed(26.0), slow.clone()),
            (timed(26.0), failed.clone()),
            (failed.clone(), timed(40.0)),
            (slow.clone(), slow.clone()),
            (failed, slow),
        ] {
            for (cpu_workers, software) in [(1, true), (3, false)] {
                all.push(Measurement {
                    cpu: cpu.clone(),
                    cpu_workers,
                    gpu: gpu.clone(),
                    adapter: "google swiftshader".into(),
                    software,
                });
            }
        }
        all
    }

    fn device(why: DeviceWhy) -> DeviceInfo {
        let (webgpu, measured) = match &why {
            DeviceWhy::Measured(m) => {
                let verdict = m.verdict();
                (verdict.webgpu, verdict.run_steps_per_second)
            }
            DeviceWhy::AskedWebGpu { .. } | DeviceWhy::NotMeasured { .. } => (true, None),
            _ => (false, None),
        };
        DeviceInfo {
            backend: if webgpu { "webgpu" } else { "cpu-wasm" }.into(),
            adapter: if webgpu { "google swiftshader" } else { "" }.into(),
            fallback_reason: match &why {
                DeviceWhy::NoWebGpu(n) => Some(n.english()),
                _ => None,
            },
            reason: why.english(),
            measured_run_steps_per_second: measured,
            why,
        }
    }

    fn every_why() -> Vec<DeviceWhy> {
        let mut all = vec![
            DeviceWhy::AskedCpu,
            DeviceWhy::AskedWebGpu {
                adapter: "nvidia".into(),
            },
            DeviceWhy::NotMeasured {
                adapter: "nvidia".into(),
            },
            DeviceWhy::AfterGpuFault,
        ];
        for no in [
            NoWebGpu::NotOffered,
            NoWebGpu::NoRequestAdapter,
            NoWebGpu::NoPromise,
            NoWebGpu::NoAdapter,
            NoWebGpu::Browser("SecurityError".into()),
            NoWebGpu::Burn("no device".into()),
        ] {
            all.push(DeviceWhy::NoWebGpu(no));
        }
        all.extend(measurements().into_iter().map(DeviceWhy::Measured));
        all
    }

    #[test]
    fn the_english_device_reason_is_the_one_the_worker_always_sent() {
        let measured = Measurement {
            cpu: timed(82.1),
            cpu_workers: 1,
            gpu: timed(6.3),
            adapter: "google swiftshader".into(),
            software: true,
        };
        assert_eq!(
            DeviceWhy::Measured(measured).english(),
            "CPU (1 worker): 13× faster than this browser's software WebGPU (google swiftshader) — 82.1 vs 6.3 run-steps/s measured"
        );
        assert_eq!(DeviceWhy::AskedCpu.english(), "CPU (WebAssembly), as asked");
        assert_eq!(
            DeviceWhy::NoWebGpu(NoWebGpu::NotOffered).english(),
            "CPU (WebAssembly): no WebGPU here — this browser does not offer WebGPU (try a recent Chrome or Edge)"
        );
        for why in every_why() {
            let info = device(why.clone());
            assert_eq!(info.describe_reason(Lang::En), why.english(), "{why:?}");
            assert_eq!(
                info.fallback_text(Lang::En),
                info.fallback_reason,
                "{why:?}"
            );
        }
        let unstated = DeviceInfo {
            reason: "GPU (WebGPU)".into(),
            ..device(DeviceWhy::Unstated)
        };
        assert_eq!(unstated.describe_reason(Lang::Zh), "GPU (WebGPU)");
    }

    #[test]
    fn the_english_badge_says_what_the_reason_says_without_the_numbers() {
        // The badge as the page wrote it from the English reason alone.
        let from_reason = |d: &DeviceInfo| {
            let kind = if d.is_webgpu() {
                format!("WebGPU · {}", d.adapter)
            } else {
                "CPU (WebAssembly)".to_owned()
            };
            match d.reason.split_once(": ") {
                Some((_, why)) if d.measured_run_steps_per_second.is_some() => {
                    format!("{kind} · {}", why.split(" — ").next().unwrap_or(why))
                }
                _ if d.fallback_reason.is_some() => format!("{kind} · no WebGPU"),
                _ => kind,
            }
        };
        for why in every_why() {
            let info = device(why);
            assert_eq!(info.badge(Lang::En), from_reason(&info), "{:?}", info.why);
        }
        assert_eq!(badge_text(Lang::En, None), "choosing a device…");
        let swiftshader = device(DeviceWhy::Measured(measurements().remove(0)));
        assert!(
            swiftshader
                .badge(Lang::En)
                .starts_with("CPU (WebAssembly) · ")
        );
    }

    #[test]
    fn the_device_choice_is_said_in_chinese() {
        for why in every_why() {
            let info = device(why);
            let reason = info.describe_reason(Lang::Zh);
            assert_ne!(reason, info.reason, "{:?}", info.why);
            assert!(!info.badge(Lang::Zh).is_empty());
        }
        let swiftshader = device(DeviceWhy::Measured(measurements().remove(0)));
        let reason = swiftshader.describe_reason(Lang::Zh);
        assert!(
            reason.contains("工作线程") && reason.contains("82.1"),
            "{reason}"
        );
        assert!(badge_text(Lang::Zh, None).contains("设备"));
        assert!(DevicePreference::Auto.label_in(Lang::Zh).contains("自动"));
        assert_eq!(
            DevicePreference::Auto.label_in(Lang::En),
            DevicePreference::Auto.label()
        );
    }

    /// One of each, with their English.
    fn everything_said() -> Vec<Said> {
        vec![
            Said::Verbatim("index out of bounds".into()),
            Said::Measuring {
                adapter: "google swiftshader".into(),
                seconds: 35,
            },
            Said::DownloadingImdb,
            Said::DivergedEarly { step: 1500 },
            Said::MalformedBatch,
            Said::TooBig {
                needed: "1.5 GiB".into(),
                budget: "1.0 GiB".into(),
            },
            Said::DownloadFailed {
                path: "data/imdb/reviews.bin".into(),
                why: FetchError::NoAnswer { seconds: 30 },
            },
            Said::DownloadFailed {
                path: "data/imdb/reviews.bin".into(),
                why: FetchError::Http(404),
            },
            Said::DownloadFailed {
                path: "data/imdb/vocab.txt".into(),
                why: FetchError::Other("TypeError: Failed to fetch".into()),
            },
            Said::ImdbUnusable("the vocabulary is empty".into()),
            Said::GpuOutOfMemory,
            Said::GpuError("Validation Error".into()),
            Said::GpuLost("destroyed".into()),
            Said::GpuReadFailed("mapping failed".into()),
        ]
    }

    #[test]
    fn what_a_worker_says_reads_the_same_in_english_on_both_sides() {
        for said in everything_said() {
            assert_eq!(said.text(Lang::En), said.english(), "{said:?}");
        }
        let timeout = Said::DownloadFailed {
            path: "data/imdb/reviews.bin".into(),
            why: FetchError::NoAnswer { seconds: 30 },
        };
        assert_eq!(
            timeout.english(),
            "Downloading the IMDB reviews (data/imdb/reviews.bin) failed: no answer within 30 s"
        );
        assert_eq!(
            Said::GpuLost("destroyed".into()).english(),
            "The GPU device was lost (destroyed)."
        );
        let notice = FromWorker::Notice {
            level: Level::Info,
            said: Said::DownloadingImdb,
        };
        assert_eq!(parse::<FromWorker>(&notice.to_json()), Some(notice));
    }

    #[test]
    fn what_a_worker_says_is_worded_in_chinese_by_the_page() {
        for said in everything_said() {
            let text = said.text(Lang::Zh);
            match said {
                Said::Verbatim(_) => assert_eq!(text, said.english()),
                _ => assert_ne!(text, said.english(), "{said:?}"),
            }
        }
        assert!(
            Said::GpuLost("destroyed".into())
                .text(Lang::Zh)
                .contains("GPU 设备")
        );
    }
}
