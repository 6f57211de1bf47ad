//! Choosing where a worker trains: burn's WebGPU backend when the browser offers an adapter,
//! else burn's CPU backend compiled to wasm. Decided once, before any tensor exists.

use burn::backend::wgpu::{RuntimeOptions, WgpuDevice, graphics::WebGpu, init_setup_async};
use grokking_lab::footprint::DeviceLimits;
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::scope;
use crate::protocol::DeviceInfo;

/// Where training runs, and why.
#[derive(Debug, Clone, PartialEq)]
pub enum DeviceChoice {
    WebGpu {
        device: WgpuDevice,
        adapter: String,
        limits: DeviceLimits,
    },
    Cpu {
        reason: String,
    },
}

/// What one batch may use altogether. WebGPU does not say how much memory a device has; a
/// gigabyte fits a laptop's integrated GPU and keeps a browser tab well-behaved.
const BATCH_BUDGET: u64 = 1 << 30;

impl DeviceChoice {
    /// Short name stored in run files (`meta.backend`).
    pub fn backend_name(&self) -> &'static str {
        match self {
            Self::WebGpu { .. } => "webgpu",
            Self::Cpu { .. } => "cpu-wasm",
        }
    }

    /// What the page is told.
    pub fn info(&self) -> DeviceInfo {
        match self {
            Self::WebGpu { adapter, .. } => DeviceInfo {
                backend: self.backend_name().to_owned(),
                adapter: adapter.clone(),
                fallback_reason: None,
            },
            Self::Cpu { reason } => DeviceInfo {
                backend: self.backend_name().to_owned(),
                adapter: String::new(),
                fallback_reason: Some(reason.clone()),
            },
        }
    }

    /// How big a batch may grow here.
    pub fn limits(&self) -> DeviceLimits {
        match self {
            Self::WebGpu { limits, .. } => *limits,
            // WebAssembly memory is at most 4 GiB; one batch takes a quarter.
            Self::Cpu { .. } => DeviceLimits {
                max_buffer: BATCH_BUDGET,
                budget: BATCH_BUDGET,
            },
        }
    }
}

/// Asks the browser for a WebGPU adapter, then initialises burn on it, watching the device
/// for faults before burn uses it. A worker named `…-cpu` takes the CPU without asking.
pub async fn choose() -> DeviceChoice {
    if scope::name().ends_with(crate::protocol::CPU_WORKER_SUFFIX) {
        return DeviceChoice::Cpu {
            reason: "you chose to go on on the CPU after the GPU stopped".into(),
        };
    }
    match find_adapter().await {
        Ok(adapter) => {
            let device = WgpuDevice::default();
            let setup = init_setup_async::<WebGpu>(&device, runtime_options()).await;
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
            let name = if info.name.is_empty() {
                adapter
            } else {
                info.name
            };
            DeviceChoice::WebGpu {
                device,
                adapter: name,
                limits,
            }
        }
        Err(reason) => DeviceChoice::Cpu { reason },
    }
}

/// burn's defaults (32 kernel launches per command buffer). Tuning `tasks_max` needs a real
/// GPU to measure against; SwiftShader's numbers would mislead.
fn runtime_options() -> RuntimeOptions {
    RuntimeOptions::default()
}

/// `navigator.gpu.requestAdapter()`, with a reason when there is none. Checked before burn is
/// asked, because burn cannot report a missing adapter without panicking.
async fn find_adapter() -> Result<String, String> {
    let gpu =
        scope::gpu().ok_or("this browser does not offer WebGPU (try a recent Chrome or Edge)")?;
    let request: Function = Reflect::get(&gpu, &JsValue::from_str("requestAdapter"))
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or("navigator.gpu.requestAdapter is missing")?;
    let promise: Promise = request
        .call0(&gpu)
        .map_err(scope::describe)?
        .dyn_into()
        .map_err(|_| "requestAdapter did not return a promise".to_owned())?;
    let adapter = JsFuture::from(promise).await.map_err(scope::describe)?;
    if adapter.is_null() || adapter.is_undefined() {
        return Err("WebGPU is present but no GPU adapter is available (blocked, disabled, or no supported GPU)".into());
    }
    let info = Reflect::get(&adapter, &JsValue::from_str("info")).unwrap_or(JsValue::UNDEFINED);
    let field = |name: &str| {
        Reflect::get(&info, &JsValue::from_str(name))
            .ok()
            .and_then(|v| v.as_string())
            .filter(|s| !s.is_empty())
    };
    Ok(
        [field("vendor"), field("architecture"), field("description")]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" "),
    )
}
