//! The core on burn's WebGPU backend, in a real browser (wasm-bindgen-test + headless
//! Chromium on SwiftShader). Run by `cargo xtask test`; skipped natively.
//!
//! It lives in the app, not beside the core's other tests, so that it builds against the
//! worker's own burn — same features (fusion, flex's SIMD), same `wasm-release` profile —
//! and reuses what `trunk build --release` compiled: one wasm build of burn in CI, not two
//! (`cargo xtask test` runs it after trunk). What it tests is the core's trainer on the
//! device the lab uses: fused WebGPU against the CPU fallback.
#![cfg(target_arch = "wasm32")]

#[path = "../../tests/common/mod.rs"]
mod common;

use burn::tensor::activation::gelu;
use burn::tensor::{Device, Tensor};
use common::{
    assert_same_trajectories, batched_histories, datasets, mixed_batch, single_histories,
    tiny_imdb, tiny_modular,
};
use grokking_lab::data::imdb::ImdbCorpus;
use grokking_lab::data::{self, Dataset};
use grokking_lab::static_constructors::run_static_constructors;
use grokking_lab::{BatchTrainer, ExperimentConfig};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

thread_local! {
    static WEBGPU: std::cell::RefCell<Option<Device>> = const { std::cell::RefCell::new(None) };
}

/// burn's WebGPU device, initialised once per page (a second init is an error), and
/// asynchronously, as a browser requires.
async fn webgpu() -> Device {
    if let Some(device) = WEBGPU.with_borrow(Clone::clone) {
        return device;
    }
    let device = Device::wgpu_options()
        .init_async()
        .await
        .expect("WebGPU starts");
    WEBGPU.set(Some(device.clone()));
    device
}

/// Trains `config` on WebGPU and on the CPU side by side: same start, same trajectory, and
/// the loss falls below `fall` × its start.
async fn same_trajectory(config: ExperimentConfig, data: &Dataset, steps: usize, fall: f64) {
    let device = webgpu().await;
    let mut gpu = BatchTrainer::new(vec![config.clone()], &[data], &device).unwrap();
    let mut cpu = BatchTrainer::new(vec![config], &[data], &Device::flex()).unwrap();
    let gpu_start = common::only_point(gpu.evaluate()).await;
    let cpu_start = common::only_point(cpu.evaluate()).await;
    // Same seed, same initial weights on both backends.
    assert!(
        (gpu_start.weight_norm - cpu_start.weight_norm).abs() < 1e-4,
        "{gpu_start:?} vs {cpu_start:?}"
    );
    assert!(
        (gpu_start.train_loss - cpu_start.train_loss).abs() < 1e-4,
        "{gpu_start:?} vs {cpu_start:?}"
    );

    gpu.train_steps(steps);
    cpu.train_steps(steps);
    let gpu_end = common::only_point(gpu.evaluate()).await;
    let cpu_end = common::only_point(cpu.evaluate()).await;
    assert!(
        gpu_end.train_loss < gpu_start.train_loss * fall,
        "{gpu_start:?} → {gpu_end:?}"
    );
    // Training follows the same trajectory up to float rounding.
    assert!(
        (gpu_end.train_loss - cpu_end.train_loss).abs() < 0.05 * cpu_end.train_loss,
        "{gpu_end:?} vs {cpu_end:?}"
    );
}

#[wasm_bindgen_test]
async fn the_gpt_trains_on_webgpu_like_on_the_cpu() {
    run_static_constructors();
    let mut config = tiny_modular(11, 60, 60);
    config.optimizer.lr = 3e-3;
    let data = data::dataset(&config, None).unwrap();
    same_trajectory(config, &data, 60, 0.7).await;
}

/// What the GPT learned (answer grid, Fourier spectrum of its embedding) comes back in the
/// same async readback on WebGPU as on the CPU.
#[wasm_bindgen_test]
async fn what_the_gpt_learned_reads_back_on_webgpu_like_on_the_cpu() {
    run_static_constructors();
    let device = webgpu().await;
    let mut config = tiny_modular(11, 60, 30);
    config.optimizer.lr = 3e-3;
    let data = data::dataset(&config, None).unwrap();
    let mut gpu = BatchTrainer::new(vec![config.clone()], &[&data], &device).unwrap();
    let mut cpu = BatchTrainer::new(vec![config], &[&data], &Device::flex()).unwrap();
    gpu.train_steps(30);
    cpu.train_steps(30);
    let gpu = common::only_evaluation(gpu.evaluate())
        .await
        .learned
        .unwrap();
    let cpu = common::only_evaluation(cpu.evaluate())
        .await
        .learned
        .unwrap();
    // The same pairs in the same cells; a near-tie may round to another answer.
    assert_eq!(gpu.answers.to_lowercase(), cpu.answers.to_lowercase());
    let differ = gpu
        .answers
        .chars()
        .zip(cpu.answers.chars())
        .filter(|(g, c)| g != c)
        .count();
    assert!(differ <= 3, "{} vs {}", gpu.answers, cpu.answers);
    for (g, c) in gpu.frequencies.iter().zip(&cpu.frequencies) {
        assert!((g - c).abs() < 1e-3, "{gpu:?} vs {cpu:?}");
    }
}

#[wasm_bindgen_test]
async fn the_bert_trains_on_webgpu_like_on_the_cpu() {
    run_static_constructors();
    let corpus = ImdbCorpus::from_bundled_files(
        include_bytes!("../../public/data/imdb/vocab.txt"),
        include_bytes!("../../public/data/imdb/reviews.bin"),
    )
    .unwrap();
    // Full batch: the same reviews every step on both backends, padding mask included.
    let mut config = tiny_imdb(48, 20);
    if let grokking_lab::config::TaskConfig::Imdb(task) = &mut config.task {
        task.test_size = Some(16);
    }
    config.training.batch_size = None;
    config.optimizer.lr = 3e-3;
    let data = data::dataset(&config, Some(&corpus)).unwrap();
    same_trajectory(config, &data, 20, 0.9).await;
}

/// Several sizes and seeds as one batched model on WebGPU: each run's curve is its single
/// run's (the tolerances), so the lab's batched sweep is the same science.
#[wasm_bindgen_test]
async fn batched_runs_on_webgpu_follow_their_single_runs() {
    run_static_constructors();
    let device = webgpu().await;
    let configs = mixed_batch();
    let data = datasets(&configs, None);
    let data: Vec<&Dataset> = data.iter().collect();
    let single = single_histories(&configs, &data, &device).await;
    let batched = batched_histories(&configs, &data, &device).await;
    assert_same_trajectories(&batched, &single);
}

#[wasm_bindgen_test]
async fn batched_imdb_runs_on_webgpu_follow_their_single_runs() {
    run_static_constructors();
    let corpus = ImdbCorpus::from_bundled_files(
        include_bytes!("../../public/data/imdb/vocab.txt"),
        include_bytes!("../../public/data/imdb/reviews.bin"),
    )
    .unwrap();
    let device = webgpu().await;
    let mut configs = Vec::new();
    for (n, seed) in [(32, 0), (12, 2)] {
        let mut config = tiny_imdb(n, 20);
        if let grokking_lab::config::TaskConfig::Imdb(task) = &mut config.task {
            task.test_size = Some(16);
        }
        config.training.batch_size = Some(16);
        config.training.eval_every = 10;
        config.optimizer.lr = 3e-3;
        config.seed = seed;
        configs.push(config);
    }
    let data = datasets(&configs, Some(&corpus));
    let data: Vec<&Dataset> = data.iter().collect();
    let single = single_histories(&configs, &data, &device).await;
    let batched = batched_histories(&configs, &data, &device).await;
    assert_same_trajectories(&batched, &single);
}

/// `n` points from `low` to `high`; an odd count leaves a tail after the last four lanes.
fn points(low: f32, high: f32, n: usize) -> Vec<f32> {
    (0..n)
        .map(|i| low + (high - low) * i as f32 / (n - 1) as f32)
        .collect()
}

async fn values(tensor: Tensor<1>) -> Vec<f32> {
    tensor
        .into_data_async()
        .await
        .unwrap()
        .try_to_vec()
        .unwrap()
}

/// The CPU fallback computes exp and GELU four lanes at a time in wasm (vendor/README.md):
/// still libm's answers to float rounding, over and out of range.
#[wasm_bindgen_test]
async fn the_cpu_fallbacks_exp_and_gelu_match_libm_to_float_rounding() {
    let device = Device::flex();
    let xs = points(-100.0, 100.0, 20_001);
    let exp = values(Tensor::<1>::from_floats(xs.as_slice(), &device).exp()).await;
    for (&x, &got) in xs.iter().zip(&exp) {
        let want = (x as f64).exp();
        let ok = if want > f32::MAX as f64 {
            got == f32::INFINITY
        } else if want < f32::MIN_POSITIVE as f64 {
            got >= 0.0 && (got as f64) < f32::MIN_POSITIVE as f64
        } else {
            ((got as f64 - want) / want).abs() < 2.0 * f32::EPSILON as f64
        };
        assert!(ok, "exp({x}) = {got}, not {want}");
    }

    let xs = points(-12.0, 12.0, 4_001);
    let normal_cdf = |x: f64| 0.5 * (1.0 + libm::erf(x / std::f64::consts::SQRT_2));
    let normal_pdf = |x: f64| (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt();
    let gelu_of = values(gelu(Tensor::<1>::from_floats(xs.as_slice(), &device))).await;
    // The gradient through autodiff: weights make the incoming gradient a tensor of its own.
    let weights = points(0.5, 1.5, xs.len());
    let x = Tensor::<1>::from_floats(xs.as_slice(), &device.clone().autodiff()).require_grad();
    let w = Tensor::<1>::from_floats(weights.as_slice(), &device.clone().autodiff());
    let grads = (gelu(x.clone()) * w).sum().backward();
    let gradient = values(x.grad(&grads).unwrap()).await;
    for (i, &x) in xs.iter().enumerate() {
        let x64 = x as f64;
        let want = x64 * normal_cdf(x64);
        let got = gelu_of[i] as f64;
        assert!(
            (got - want).abs() <= 4e-7 * x64.abs() + 1e-12,
            "gelu({x}) = {got}, not {want}"
        );
        let want = weights[i] as f64 * (normal_cdf(x64) + x64 * normal_pdf(x64));
        let got = gradient[i] as f64;
        assert!(
            (got - want).abs() < 1e-6,
            "gelu′({x}) · w = {got}, not {want}"
        );
    }
}
