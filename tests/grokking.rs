use crate::common;

use burn::module::Module;
use burn::optim::{GradientsParams, SgdConfig};
use burn::tensor::{Device, Int, Tensor, TensorData};
use common::tiny_modular;
use grokking_lab::config::{GptArch, Subsets, TaskConfig};
use grokking_lab::data::modular;
use grokking_lab::grokking::{rescale, squared_weight_norms};
use grokking_lab::model::{Batch, Classifier};

fn model(alpha: f64) -> Classifier {
    let config = tiny_modular(7, 20, 1);
    let TaskConfig::ModularArithmetic(task) = &config.task else {
        unreachable!("a modular config")
    };
    let data = modular::dataset(task, GptArch::PreLn, Subsets::Nested, 0, 0);
    let device = Device::flex().autodiff();
    rescale(Classifier::init(&config, &[0], &data, &device), &[alpha])
}

fn norm(model: &Classifier) -> f64 {
    norms(model, 1)[0]
}

fn norms(model: &Classifier, runs: usize) -> Vec<f64> {
    let squared: Vec<f32> = squared_weight_norms(&model.valid(), runs, &Device::flex())
        .into_data()
        .try_to_vec()
        .unwrap();
    squared.into_iter().map(|s| f64::from(s).sqrt()).collect()
}

#[test]
fn alpha_scales_the_weight_norm_by_alpha() {
    let base = model(1.0);
    let before = norm(&base);
    let after = norm(&rescale(base, &[10.0]));
    assert!((after / before - 10.0).abs() < 1e-4, "{before} → {after}");
}

/// Three runs in one model: each starts exactly as the single run of its seed, and α
/// scales only its own run.
#[test]
fn batched_runs_start_as_their_single_runs() {
    let config = tiny_modular(7, 20, 1);
    let TaskConfig::ModularArithmetic(task) = &config.task else {
        unreachable!("a modular config")
    };
    let data = modular::dataset(task, GptArch::PreLn, Subsets::Nested, 0, 0);
    let device = Device::flex();
    let single = |seed: u64, alpha: f64| {
        norm(&rescale(
            Classifier::init(&config, &[seed], &data, &device),
            &[alpha],
        ))
    };
    let batched = rescale(
        Classifier::init(&config, &[0, 5, 9], &data, &device),
        &[1.0, 3.0, 0.5],
    );
    let batched = norms(&batched, 3);
    let expected = [single(0, 1.0), single(5, 3.0), single(9, 0.5)];
    for (b, e) in batched.iter().zip(expected) {
        assert!((b / e - 1.0).abs() < 1e-6, "{batched:?} vs {expected:?}");
    }
    assert_ne!(expected[0], single(5, 1.0), "seeds differ");
}

#[test]
fn same_seed_same_initial_weights_whatever_the_backend_rng() {
    let device = Device::flex();
    device.seed(1);
    let first = norm(&model(1.0));
    device.seed(2);
    assert_eq!(first, norm(&model(1.0)));
}

#[test]
fn initial_weights_follow_the_hugging_face_scheme() {
    // LayerNorm gains are 1 (3 LayerNorms × d_model 32), biases 0, and the 8,768 Linear and
    // Embedding weights of the tiny model are N(0, 0.02²): ‖w‖² ≈ 96 + 8768 · 0.0004.
    let squared = norm(&model(1.0)).powi(2);
    let weights = squared - 96.0;
    let expected = 8768.0 * 0.02f64.powi(2);
    assert!(
        (weights / expected - 1.0).abs() < 0.05,
        "{weights} vs {expected}"
    );
}

#[test]
fn every_parameter_stays_trainable_after_rescale() {
    let model = model(10.0);
    let device = Device::flex().autodiff();
    let tokens =
        Tensor::<3, Int>::from_data(TensorData::new(vec![1, 2, 7, 3, 4, 7], [1, 2, 3]), &device);
    let loss = model.forward(Batch::new(tokens, None)).powi_scalar(2).sum();
    let grads = GradientsParams::from_grads(loss.backward(), &model);
    // Every float parameter (embeddings, LayerNorm, biases, read-out) has a gradient.
    assert_eq!(grads.len(), model.num_params_tensors());
    // And an optimizer step changes the weight norm.
    let before = norm(&model);
    let mut optimizer = SgdConfig::new().init();
    let model = optimizer.step(0.1, model, grads);
    assert!((norm(&model) - before).abs() > 1e-6);
}

trait CountTensors {
    fn num_params_tensors(&self) -> usize;
}

impl<M: Module> CountTensors for M {
    fn num_params_tensors(&self) -> usize {
        struct Count(usize);
        impl burn::module::ModuleVisitor for Count {
            fn visit_float<const D: usize>(&mut self, _: &burn::module::Param<Tensor<D>>) {
                self.0 += 1;
            }
        }
        let mut count = Count(0);
        self.visit(&mut count);
        count.0
    }
}
