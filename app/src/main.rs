//! Grokking Lab in the browser: a Leptos page training burn models on WebGPU.

mod charts;
mod controls;
mod crash;
mod device;
mod engine;
mod explain;
mod export;
mod imdb;
mod lab;
mod settings;
mod state;
mod store;

fn main() {
    crash::install_panic_hook();
    leptos::mount::mount_to_body(lab::App);
}
