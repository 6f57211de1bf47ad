//! Grokking Lab in the browser: a Leptos page (this crate's `grokking-app`) that renders and
//! schedules, and training workers (`grokking-worker`) that run burn on WebGPU or the CPU.
//! The two talk only through [`protocol`].

mod apply;
mod callouts;
mod charts;
pub mod choice;
mod clock;
mod controls;
mod crash;
mod explain;
mod export;
pub mod i18n;
mod import;
mod keys;
mod lab;
mod pool;
pub mod protocol;
mod reference;
mod scheduler;
mod scrubber;
mod settings;
mod state;
mod store;
mod tasks;
mod tour;
mod tour_view;
mod wake;
#[cfg(feature = "worker")]
pub mod worker;

/// The page's `main`.
pub fn start_page() {
    crash::install_panic_hook();
    // The module's instantiation (in the task that calls `main`), parsing the page's words
    // and the page's first build each get a task of their own.
    wasm_bindgen_futures::spawn_local(async {
        tasks::next_task().await;
        i18n::prepare();
        tasks::next_task().await;
        leptos::mount::mount_to_body(lab::App);
    });
}
