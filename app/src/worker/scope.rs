//! The worker's global scope: posting to the page, its clock, fetch, and yielding to its
//! event loop (so the page's commands get in between training slices).

use js_sys::{Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{DedicatedWorkerGlobalScope, MessageChannel};

use crate::protocol::{FetchError, FromWorker};

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

/// Sends `message` to the page.
pub fn post(message: &FromWorker) {
    // Fails only when the page is gone, and then nobody is listening.
    let _ = scope().post_message(&JsValue::from_str(&message.to_json()));
}

/// The name the page gave this worker.
pub fn name() -> String {
    scope().name()
}

/// Milliseconds since this worker started.
pub fn now_ms() -> f64 {
    scope().performance().map_or(0.0, |p| p.now())
}

/// `navigator.gpu`, when the browser offers WebGPU to workers.
pub fn gpu() -> Option<JsValue> {
    let gpu = Reflect::get(&scope().navigator(), &JsValue::from_str("gpu")).ok()?;
    (!gpu.is_undefined() && !gpu.is_null()).then_some(gpu)
}

/// How long a download may take before it is given up.
const FETCH_TIMEOUT_MS: u32 = 30_000;

/// The bytes at `path` (relative to the site), or why not; given up after 30 s.
pub async fn fetch_bytes(path: &str) -> Result<Vec<u8>, FetchError> {
    let abort = web_sys::AbortController::new().map_err(|e| FetchError::Other(describe(e)))?;
    let init = web_sys::RequestInit::new();
    init.set_signal(Some(&abort.signal()));
    let timer = {
        let abort = abort.clone();
        gloo_timers::callback::Timeout::new(FETCH_TIMEOUT_MS, move || abort.abort())
    };
    let result = fetch_body(path, &init).await;
    let timed_out = abort.signal().aborted();
    drop(timer);
    if timed_out {
        return Err(FetchError::NoAnswer {
            seconds: FETCH_TIMEOUT_MS / 1000,
        });
    }
    result
}

async fn fetch_body(path: &str, init: &web_sys::RequestInit) -> Result<Vec<u8>, FetchError> {
    let other = |error: JsValue| FetchError::Other(describe(error));
    let response = JsFuture::from(scope().fetch_with_str_and_init(path, init))
        .await
        .map_err(other)?;
    let response: web_sys::Response = response
        .dyn_into()
        .map_err(|_| FetchError::Other("not a response".to_owned()))?;
    if !response.ok() {
        return Err(FetchError::Http(response.status()));
    }
    let buffer = JsFuture::from(response.array_buffer().map_err(other)?)
        .await
        .map_err(other)?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Lets queued events (the page's commands) run, then resumes at once. A message to
/// ourselves, not `setTimeout(0)`, which browsers clamp to 4 ms once nested.
pub async fn yield_now() {
    let Ok(channel) = MessageChannel::new() else {
        return;
    };
    let promise = Promise::new(&mut |resolve, _reject| {
        channel.port1().set_onmessage(Some(&resolve));
        let _ = channel.port2().post_message(&JsValue::NULL);
    });
    let _ = JsFuture::from(promise).await;
}

/// A JavaScript error in words.
pub fn describe(error: JsValue) -> String {
    error
        .as_string()
        .or_else(|| {
            error
                .dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| format!("{error:?}"))
}
