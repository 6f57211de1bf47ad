//! Counting the compute dispatches this worker submits to WebGPU: on a GPU, a model this
//! small is bound by how many kernels a step launches, not by its arithmetic.
//!
//! The count is taken where the browser receives it: `GPUComputePassEncoder`'s dispatch
//! methods are wrapped (a `Proxy` whose `apply` trap counts, then calls the original) in
//! this worker's own global scope, before burn creates its device. That counts what wgpu
//! really dispatched — fused or not, whatever cubecl's version — at the cost of one call
//! through wasm per dispatch.

use std::cell::Cell;

use js_sys::{Function, Object, Proxy, Reflect};
use wasm_bindgen::prelude::*;

thread_local! {
    static DISPATCHED: Cell<u64> = const { Cell::new(0) };
}

/// The dispatch methods of a compute pass.
const METHODS: [&str; 2] = ["dispatchWorkgroups", "dispatchWorkgroupsIndirect"];

/// Starts counting; `false` where this browser has no WebGPU compute passes to count.
pub fn start_counting() -> bool {
    wrap().unwrap_or_else(|error| {
        web_sys::console::warn_2(&"dispatches are not counted:".into(), &error);
        false
    })
}

fn wrap() -> Result<bool, JsValue> {
    let class = Reflect::get(&js_sys::global(), &"GPUComputePassEncoder".into())?;
    if class.is_undefined() {
        return Ok(false);
    }
    let prototype = Reflect::get(&class, &"prototype".into())?;
    for method in METHODS {
        let original: Function = Reflect::get(&prototype, &method.into())?.dyn_into()?;
        let trap =
            Closure::<dyn Fn(Function, JsValue, js_sys::Array) -> Result<JsValue, JsValue>>::new(
                |original: Function, this: JsValue, arguments: js_sys::Array| {
                    DISPATCHED.with(|count| count.set(count.get() + 1));
                    Reflect::apply(&original, &this, &arguments)
                },
            );
        let handler = Object::new();
        Reflect::set(&handler, &"apply".into(), trap.as_ref())?;
        // The prototype keeps the proxy, and the proxy the trap, for the worker's lifetime.
        trap.forget();
        Reflect::set(&prototype, &method.into(), &Proxy::new(&original, &handler))?;
    }
    Ok(true)
}

/// Dispatches submitted so far (0 when not counting).
pub fn dispatched() -> u64 {
    DISPATCHED.with(Cell::get)
}
