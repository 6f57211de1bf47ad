//! What the GPU reports outside any call (uncaptured errors: out of memory, a refused
//! buffer) and what a readback returns when the device failed (an [`ExecutionError`]):
//! told to the page in words instead of surfacing as a panic deep in cubecl.
//!
//! A lost device is cubecl's to watch: its device-lost callback marks the device poisoned,
//! and every later readback returns [`ExecutionError::DevicePoisoned`]. The first fault is
//! kept: the training loop stops at its next look, and the panic hook stays quiet about the
//! panics it causes.

use std::cell::RefCell;
use std::sync::Arc;

use burn::tensor::ExecutionError;
use burn::tensor::wgpu::wgpu;

use super::scope;
use crate::protocol::{FromWorker, Said};

thread_local! {
    static FAULT: RefCell<Option<Said>> = const { RefCell::new(None) };
}

/// Registers the device's uncaptured-error handler (in place of cubecl's, which panics).
pub fn watch(device: &wgpu::Device) {
    device.on_uncaptured_error(Arc::new(|error: wgpu::Error| {
        let said = match &error {
            wgpu::Error::OutOfMemory { .. } => Said::GpuOutOfMemory,
            other => Said::GpuError(other.to_string()),
        };
        report(said);
    }));
}

/// Reports a device that failed to run the queued work or to hand back its results: lost
/// (poisoned: nothing will run on it again), or a read that failed (the browser rejects
/// pending reads before cubecl hears that the device is lost, so this often comes first).
pub fn from_execution(error: &ExecutionError) {
    let why = error.reason().to_string();
    report(if error.is_device_poisoned() {
        Said::GpuLost(why)
    } else {
        Said::GpuReadFailed(why)
    });
}

/// Keeps the first fault and tells the page at once (the training loop may be waiting on
/// a readback that never comes); the page words it.
fn report(message: Said) {
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

/// The fault reported, if any.
pub fn current() -> Option<Said> {
    FAULT.with_borrow(Clone::clone)
}
