//! Choosing where to train: burn's WebGPU backend when the browser offers an adapter,
//! else burn's CPU backend compiled to wasm. Decided once, before any tensor exists.

use burn::backend::wgpu::{RuntimeOptions, WgpuDevice, graphics::WebGpu, init_setup_async};
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Where training runs, and why.
#[derive(Debug, Clone, PartialEq)]
pub enum DeviceChoice {
    WebGpu { device: WgpuDevice, adapter: String },
    Cpu { reason: String },
}

impl DeviceChoice {
    /// Short name stored in run files (`meta.backend`).
    pub fn backend_name(&self) -> &'static str {
        match self {
            Self::WebGpu { .. } => "webgpu",
            Self::Cpu { .. } => "cpu-wasm",
        }
    }
}

/// Asks the browser for a WebGPU adapter, then initialises burn on it.
pub async fn choose() -> DeviceChoice {
    match find_adapter().await {
        Ok(adapter) => {
            let device = WgpuDevice::default();
            let setup = init_setup_async::<WebGpu>(&device, runtime_options()).await;
            let info = setup.adapter.get_info();
            let name = if info.name.is_empty() {
                adapter
            } else {
                info.name
            };
            DeviceChoice::WebGpu {
                device,
                adapter: name,
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
    let window = web_sys::window().ok_or("no window")?;
    let gpu =
        Reflect::get(&window.navigator(), &JsValue::from_str("gpu")).unwrap_or(JsValue::UNDEFINED);
    if gpu.is_undefined() || gpu.is_null() {
        return Err("this browser does not offer WebGPU (try a recent Chrome or Edge)".into());
    }
    let request: Function = Reflect::get(&gpu, &JsValue::from_str("requestAdapter"))
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or("navigator.gpu.requestAdapter is missing")?;
    let promise: Promise = request
        .call0(&gpu)
        .map_err(describe)?
        .dyn_into()
        .map_err(|_| "requestAdapter did not return a promise".to_owned())?;
    let adapter = JsFuture::from(promise).await.map_err(describe)?;
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

fn describe(error: JsValue) -> String {
    error
        .as_string()
        .or_else(|| {
            error
                .dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| format!("{error:?}"))
}
