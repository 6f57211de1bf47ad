//! Choosing where a worker trains: burn's WebGPU backend or burn's CPU backend compiled to
//! wasm. Asked for `auto`, a worker that has both times a few steps of the page's first
//! batch on each ([`super::measure`]) and takes the faster ([`crate::choice`]); asked for
//! one, it takes that one (the CPU when there is no WebGPU). Decided once, before training.

use burn::tensor::Device;
use gloo_timers::future::TimeoutFuture;
use grokking_lab::ExperimentConfig;
use grokking_lab::footprint::DeviceLimits;
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::scope::{self, post};
use super::train::Inbox;
use crate::choice;
use crate::protocol::{
    DeviceInfo, DevicePreference, DeviceWhy, FromWorker, Level, Measurement, NoWebGpu, Said,
    Timing, ToWorker,
};

/// The longest the first step on WebGPU may take while measuring (kernel compilation
/// included); longer, and the CPU trains.
const GPU_BUDGET_MS: f64 = 15_000.0;
/// The same for the CPU (a step there blocks the worker: it is checked after the step).
const CPU_BUDGET_MS: f64 = 20_000.0;
/// How long a worker asked for `auto` waits for the page's batch to measure.
const MEASURE_WAIT_MS: f64 = 5_000.0;

/// Where training runs, and why (as data: the page words it in the user's language).
#[derive(Debug, Clone, PartialEq)]
pub enum DeviceChoice {
    WebGpu {
        device: Device,
        adapter: String,
        limits: DeviceLimits,
        why: DeviceWhy,
        measured: Option<f64>,
    },
    Cpu {
        why: DeviceWhy,
        measured: Option<f64>,
    },
}

/// What one batch may use altogether. WebGPU does not say how much memory a device has; a
/// gigabyte fits a laptop's integrated GPU and keeps a browser tab well-behaved.
const BATCH_BUDGET: u64 = 1 << 30;

/// The CPU backend's limits: WebAssembly memory is at most 4 GiB; one batch takes a quarter.
const CPU_LIMITS: DeviceLimits = DeviceLimits {
    max_buffer: BATCH_BUDGET,
    budget: BATCH_BUDGET,
};

impl DeviceChoice {
    /// Short name stored in run files (`meta.backend`).
    pub fn backend_name(&self) -> &'static str {
        match self {
            Self::WebGpu { .. } => "webgpu",
            Self::Cpu { .. } => "cpu-wasm",
        }
    }

    /// What the page is told: why in English (the badge's `data-choice-reason`) and as
    /// data.
    pub fn info(&self) -> DeviceInfo {
        let (adapter, why, measured) = match self {
            Self::WebGpu {
                adapter,
                why,
                measured,
                ..
            } => (adapter.clone(), why, measured),
            Self::Cpu { why, measured } => (String::new(), why, measured),
        };
        let fallback_reason = match why {
            DeviceWhy::NoWebGpu(no) => Some(no.english()),
            _ => None,
        };
        DeviceInfo {
            backend: self.backend_name().to_owned(),
            adapter,
            fallback_reason,
            reason: why.english(),
            measured_run_steps_per_second: *measured,
            why: why.clone(),
        }
    }

    /// How big a batch may grow here.
    pub fn limits(&self) -> DeviceLimits {
        match self {
            Self::WebGpu { limits, .. } => *limits,
            Self::Cpu { .. } => CPU_LIMITS,
        }
    }
}

/// Picks the device as this worker was asked (its name says how: [`DevicePreference`]).
pub async fn choose(inbox: &Inbox) -> DeviceChoice {
    let preference = DevicePreference::of_worker(&scope::name());
    if preference == DevicePreference::Cpu {
        return DeviceChoice::Cpu {
            why: DeviceWhy::AskedCpu,
            measured: None,
        };
    }
    let (adapter, software) = match find_adapter().await {
        Ok(found) => found,
        Err(no) => {
            return DeviceChoice::Cpu {
                why: DeviceWhy::NoWebGpu(no),
                measured: None,
            };
        }
    };
    let software = software || choice::is_software_adapter(&adapter);
    let measure = if preference == DevicePreference::Auto {
        wait_for_measure(inbox).await
    } else {
        None
    };
    // Timed first, so that a software GPU still busy with an abandoned step cannot slow it.
    let cpu_trial = match &measure {
        Some((configs, cpu_workers)) => {
            post(&FromWorker::Notice {
                level: Level::Info,
                said: Said::Measuring {
                    adapter: adapter.clone(),
                    seconds: ((CPU_BUDGET_MS + GPU_BUDGET_MS) / 1000.0).round() as u32,
                },
            });
            let share = configs.len().div_ceil((*cpu_workers).max(1)).max(1);
            Some(
                super::measure::time(
                    &configs[..share],
                    &Device::flex(),
                    &CPU_LIMITS,
                    CPU_BUDGET_MS,
                )
                .await,
            )
        }
        None => None,
    };
    // burn's defaults (32 kernel launches per command buffer): tuning `tasks_max` needs a
    // real GPU to measure against; SwiftShader's numbers would mislead. Asynchronous, as
    // a browser requires; before any tensor exists.
    let (device, setup) = match Device::wgpu_options().init_with_setup_async().await {
        Ok(initialised) => initialised,
        Err(error) => {
            return DeviceChoice::Cpu {
                why: DeviceWhy::NoWebGpu(NoWebGpu::Burn(error.to_string())),
                measured: None,
            };
        }
    };
    super::faults::watch(&setup.device);
    // What the device was granted, not what the adapter could offer.
    let granted = setup.device.limits();
    let limits = DeviceLimits {
        max_buffer: granted
            .max_storage_buffer_binding_size
            .min(granted.max_buffer_size),
        budget: BATCH_BUDGET,
    };
    let info = setup.adapter.get_info();
    let adapter = if info.name.is_empty() {
        adapter
    } else {
        info.name
    };
    let software = software || choice::is_software_adapter(&adapter);
    let (Some(cpu_trial), Some((configs, cpu_workers))) = (cpu_trial, measure) else {
        return DeviceChoice::WebGpu {
            why: match preference {
                DevicePreference::WebGpu => DeviceWhy::AskedWebGpu {
                    adapter: adapter.clone(),
                },
                _ => DeviceWhy::NotMeasured {
                    adapter: adapter.clone(),
                },
            },
            device,
            adapter,
            limits,
            measured: None,
        };
    };
    let gpu_trial = super::measure::time(&configs, &device, &limits, GPU_BUDGET_MS).await;
    let verdict = choice::decide(&cpu_trial, cpu_workers, &gpu_trial, &adapter, software);
    web_sys::console::info_1(
        &format!(
            "device timing: cpu {cpu_trial:?} × {cpu_workers}, webgpu {gpu_trial:?} → {verdict:?}"
        )
        .into(),
    );
    // The page words the verdict from the timings (its English is `verdict.reason`).
    let why = DeviceWhy::Measured(Measurement {
        cpu: Timing::from(&cpu_trial),
        cpu_workers,
        gpu: Timing::from(&gpu_trial),
        adapter: adapter.clone(),
        software,
    });
    if verdict.webgpu {
        DeviceChoice::WebGpu {
            device,
            adapter,
            limits,
            why,
            measured: verdict.run_steps_per_second,
        }
    } else {
        DeviceChoice::Cpu {
            why,
            measured: verdict.run_steps_per_second,
        }
    }
}

/// The page's `Measure`, taken out of the inbox (other commands stay for later); `None`
/// when none came in time or it named no runs.
async fn wait_for_measure(inbox: &Inbox) -> Option<(Vec<ExperimentConfig>, usize)> {
    let since = scope::now_ms();
    while scope::now_ms() - since < MEASURE_WAIT_MS {
        let found = {
            let mut inbox = inbox.borrow_mut();
            let at = inbox
                .iter()
                .position(|c| matches!(c, ToWorker::Measure { .. }));
            at.and_then(|at| inbox.remove(at))
        };
        if let Some(ToWorker::Measure {
            configs,
            cpu_workers,
        }) = found
        {
            return (!configs.is_empty()).then_some((configs, cpu_workers));
        }
        TimeoutFuture::new(10).await;
    }
    None
}

/// `navigator.gpu.requestAdapter()`, with a reason when there is none. Checked before burn is
/// asked: the page's words for each case are clearer than burn's init error.
async fn find_adapter() -> Result<(String, bool), NoWebGpu> {
    let browser = |error: JsValue| NoWebGpu::Browser(scope::describe(error));
    let gpu = scope::gpu().ok_or(NoWebGpu::NotOffered)?;
    let request: Function = Reflect::get(&gpu, &JsValue::from_str("requestAdapter"))
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or(NoWebGpu::NoRequestAdapter)?;
    let promise: Promise = request
        .call0(&gpu)
        .map_err(browser)?
        .dyn_into()
        .map_err(|_| NoWebGpu::NoPromise)?;
    let adapter = JsFuture::from(promise).await.map_err(browser)?;
    if adapter.is_null() || adapter.is_undefined() {
        return Err(NoWebGpu::NoAdapter);
    }
    let info = Reflect::get(&adapter, &JsValue::from_str("info")).unwrap_or(JsValue::UNDEFINED);
    let field = |name: &str| {
        Reflect::get(&info, &JsValue::from_str(name))
            .ok()
            .and_then(|v| v.as_string())
            .filter(|s| !s.is_empty())
    };
    let description = [field("vendor"), field("architecture"), field("description")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    // `info.isFallbackAdapter` (current Chrome), `isFallbackAdapter` (older).
    let fallback = [&info, &adapter].iter().any(|object| {
        Reflect::get(object, &JsValue::from_str("isFallbackAdapter"))
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false)
    });
    Ok((description, fallback))
}
