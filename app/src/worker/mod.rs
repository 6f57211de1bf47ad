//! The training worker: burn on WebGPU (or the CPU) in a dedicated Web Worker, so the page's
//! thread only renders. It picks its device, says so, then trains what the page asks for
//! ([`crate::protocol`]). Deliberately absent: storage, the queue, settings — the page's.

mod device;
mod dispatches;
mod faults;
mod fusion;
mod imdb;
mod measure;
mod scope;
mod train;

use burn::tensor::Device;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::protocol::{self, FromWorker, ToWorker};
use device::DeviceChoice;

/// Bytes of the device's memory that tensors use now (not what its pools reserve); 0 where
/// the backend does not say (flex, the CPU).
fn bytes_in_use(device: &Device) -> u64 {
    device
        .memory_pool_usage()
        .map_or(0, |usage| usage.bytes_in_use)
}

/// The worker's `main`: listen, pick a device, train.
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        // A panic after a GPU fault is its consequence: the page was told the cause, once.
        // Otherwise it restarts the crashed worker.
        if faults::current().is_none() {
            scope::post(&FromWorker::Crashed {
                message: info.to_string(),
            });
        }
    }));
    let inbox = train::Inbox::default();
    let mailbox = inbox.clone();
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let command = event
                .data()
                .as_string()
                .and_then(|text| protocol::parse::<ToWorker>(&text));
            match command {
                Some(command) => mailbox.borrow_mut().push_back(command),
                None => web_sys::console::warn_1(&"the worker ignored a malformed command".into()),
            }
        });
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    scope::post(&FromWorker::Hello {
        build: protocol::BUILD_ID.to_owned(),
    });
    fusion::configure();
    // Before burn creates a device: its compute passes must be the counted ones.
    let counting = dispatches::start_counting();
    wasm_bindgen_futures::spawn_local(async move {
        let choice = device::choose(&inbox).await;
        scope::post(&FromWorker::Ready(choice.info()));
        let limits = choice.limits();
        match choice {
            DeviceChoice::WebGpu { device, .. } => {
                train::run(inbox, device, limits, counting).await
            }
            DeviceChoice::Cpu { .. } => train::run(inbox, Device::flex(), limits, false).await,
        }
    });
}
