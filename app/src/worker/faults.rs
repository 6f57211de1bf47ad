//! What the GPU reports outside any call: a lost device and uncaptured errors (out of
//! memory, a refused buffer). Watched from before burn's first use of the device, so that
//! a fault is told to the page in words instead of surfacing as a panic deep in cubecl.
//!
//! The first fault is kept: the training loop stops at its next look, and the panic hook
//! reports it (rather than the panic it caused) when a call fails first.

use std::cell::RefCell;
use std::sync::Arc;

use super::scope;
use crate::protocol::FromWorker;

thread_local! {
    static FAULT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Registers the device's lost and uncaptured-error handlers.
pub fn watch(device: &wgpu::Device) {
    device.set_device_lost_callback(|reason, message| {
        let why = match reason {
            wgpu::DeviceLostReason::Destroyed => "it was destroyed".to_owned(),
            _ if message.is_empty() => "the browser or the driver gave it up".to_owned(),
            _ => message,
        };
        report(format!("The GPU device was lost ({why})."));
    });
    device.on_uncaptured_error(Arc::new(|error: wgpu::Error| {
        let text = match &error {
            wgpu::Error::OutOfMemory { .. } => {
                "The GPU ran out of memory: try fewer runs per batch (Batch runs), fewer sizes or a smaller model.".to_owned()
            }
            other => format!("The GPU reported an error: {other}"),
        };
        report(text);
    }));
}

/// Keeps the first fault and tells the page at once (the training loop may be waiting on
/// a readback that never comes).
fn report(message: String) {
    let first = FAULT.with_borrow_mut(|fault| {
        if fault.is_some() {
            return false;
        }
        *fault = Some(message.clone());
        true
    });
    if first {
        scope::post(&FromWorker::GpuFault { message });
    }
}

/// Reports a panic that is a GPU fault in disguise: a read from the device that failed
/// (`BufferAsyncError`) means it was lost — the browser rejects pending reads before it
/// resolves `device.lost`, so this often comes first. `true` if it was one.
pub fn from_panic(text: &str) -> bool {
    let lost = text.contains("BufferAsyncError") || text.to_lowercase().contains("device lost");
    if lost {
        report("The GPU device was lost (reading results from it failed).".to_owned());
    }
    lost || current().is_some()
}

/// The fault reported, if any.
pub fn current() -> Option<String> {
    FAULT.with_borrow(Clone::clone)
}
