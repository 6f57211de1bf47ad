//! The core on burn's WebGPU backend, in a real browser (wasm-bindgen-test + headless
//! Chromium on SwiftShader). Run by `cargo xtask test`; skipped natively.
#![cfg(target_arch = "wasm32")]

mod common;

use burn::backend::wgpu::{RuntimeOptions, WgpuDevice, graphics::WebGpu, init_setup_async};
use burn::backend::{Autodiff, NdArray, Wgpu};
use common::tiny_modular;
use grokking_lab::Trainer;
use grokking_lab::config::TaskConfig;
use grokking_lab::data::modular;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn the_core_trains_on_webgpu_like_on_the_cpu() {
    let device = WgpuDevice::default();
    init_setup_async::<WebGpu>(&device, RuntimeOptions::default()).await;

    let mut config = tiny_modular(11, 60, 60);
    config.optimizer.lr = 3e-3;
    let TaskConfig::ModularArithmetic(task) = &config.task else {
        unreachable!("a modular config")
    };
    let data = modular::dataset(task, config.seed);

    let mut gpu = Trainer::<Autodiff<Wgpu>>::new(config.clone(), &data, &device).unwrap();
    let mut cpu = Trainer::<Autodiff<NdArray>>::new(config, &data, &Default::default()).unwrap();
    let gpu_start = gpu.evaluate().read().await.unwrap();
    let cpu_start = cpu.evaluate().read().await.unwrap();
    // Same seed, same initial weights on both backends.
    assert!(
        (gpu_start.weight_norm - cpu_start.weight_norm).abs() < 1e-4,
        "{gpu_start:?} vs {cpu_start:?}"
    );
    assert!(
        (gpu_start.train_loss - cpu_start.train_loss).abs() < 1e-4,
        "{gpu_start:?} vs {cpu_start:?}"
    );

    gpu.train_steps(60);
    cpu.train_steps(60);
    let gpu_end = gpu.evaluate().read().await.unwrap();
    let cpu_end = cpu.evaluate().read().await.unwrap();
    assert!(
        gpu_end.train_loss < gpu_start.train_loss * 0.7,
        "{gpu_start:?} → {gpu_end:?}"
    );
    // Training follows the same trajectory up to float rounding.
    assert!(
        (gpu_end.train_loss - cpu_end.train_loss).abs() < 0.05 * cpu_end.train_loss,
        "{gpu_end:?} vs {cpu_end:?}"
    );
}
