// Shared helpers for the integration tests (each test file includes this module).
#![allow(dead_code)]

use burn::tensor::Device;
use grokking_lab::ExperimentConfig;
use grokking_lab::config::{EvalStart, GptArch, ModelConfig, SplitDraw, Subsets, TaskConfig};
use grokking_lab::presets;

/// Three tiny a + b mod 11 runs that differ in what a batch may mix (N, seed, α): the
/// batched-equals-alone tests' case, 60 steps.
pub fn mixed_batch() -> Vec<ExperimentConfig> {
    [(30, 0, 1.0), (60, 0, 2.0), (45, 1, 1.0)]
        .into_iter()
        .map(|(n, seed, alpha)| {
            let mut config = tiny_modular(11, n, 60);
            config.optimizer.lr = 3e-3;
            config.training.eval_every = 20;
            config.seed = seed;
            config.grokking.alpha = alpha;
            config
        })
        .collect()
}

/// A model small enough to train in a second on the CPU.
pub fn tiny_modular(modulus: usize, train_size: usize, steps: usize) -> ExperimentConfig {
    let mut config = presets::PAPER.config(train_size);
    let TaskConfig::ModularArithmetic(task) = &mut config.task else {
        unreachable!("a modular config")
    };
    task.modulus = modulus;
    config.model = ModelConfig {
        d_model: 32,
        n_heads: 4,
        d_mlp: 64,
        n_layers: 1,
        arch: GptArch::PreLn,
    };
    config.training.steps = steps;
    config.training.eval_every = steps.div_ceil(10).max(1);
    config.training.eval_start = EvalStart::Even;
    // The draws these tests' thresholds were measured with (the presets now draw as the
    // authors do).
    config.subsets = Subsets::Nested;
    config.split = SplitDraw::PerSeed;
    config
}

/// The bundle committed in `public/data/imdb/`.
pub fn bundled_imdb() -> grokking_lab::data::imdb::ImdbCorpus {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("public/data/imdb");
    let read = |name: &str| std::fs::read(dir.join(name)).unwrap();
    grokking_lab::data::imdb::ImdbCorpus::from_bundle(
        &read("manifest.json"),
        &read("vocab.txt"),
        &read("reviews.bin"),
    )
    .unwrap()
}

/// A BERT-style classifier small enough to train in seconds on a few hundred short reviews.
pub fn tiny_imdb(train_size: usize, steps: usize) -> ExperimentConfig {
    let mut config = presets::IMDB_PAPER.config(train_size);
    if let TaskConfig::Imdb(task) = &mut config.task {
        task.max_len = 24;
        task.vocab_size = 500;
        task.test_size = Some(200);
    }
    config.model = ModelConfig {
        d_model: 32,
        n_heads: 4,
        d_mlp: 64,
        n_layers: 1,
        arch: GptArch::PreLn,
    };
    config.grokking.alpha = 1.0;
    config.training.steps = steps;
    config.training.eval_every = steps.div_ceil(10).max(1);
    config.training.batch_size = Some(64);
    config
}

/// Each configuration's dataset (IMDB ones need the loaded corpus).
pub fn datasets(
    configs: &[ExperimentConfig],
    corpus: Option<&grokking_lab::data::imdb::ImdbCorpus>,
) -> Vec<grokking_lab::data::Dataset> {
    configs
        .iter()
        .map(|config| grokking_lab::data::dataset(config, corpus).unwrap())
        .collect()
}

/// Each configuration trained alone, evaluated every `eval_every` steps.
pub async fn single_histories(
    configs: &[ExperimentConfig],
    data: &[&grokking_lab::data::Dataset],
    device: &Device,
) -> Vec<Vec<grokking_lab::EvalPoint>> {
    let mut histories = Vec::new();
    for (config, data) in configs.iter().zip(data) {
        // A batch of one.
        let mut trainer =
            grokking_lab::BatchTrainer::new(vec![config.clone()], &[data], device).unwrap();
        let mut history = vec![only_point(trainer.evaluate()).await];
        while !trainer.is_finished() {
            trainer.train_steps(config.training.eval_every);
            history.push(only_point(trainer.evaluate()).await);
        }
        histories.push(history);
    }
    histories
}

/// A batch of one's progress at an evaluation.
pub fn only(progress: Vec<Option<grokking_lab::run::Progress>>) -> grokking_lab::run::Progress {
    progress
        .into_iter()
        .next()
        .flatten()
        .expect("the run was evaluated")
}

/// A batch of one's evaluation, with what the run learned.
pub async fn only_evaluation(
    pending: grokking_lab::trainer::PendingEvals,
) -> grokking_lab::trainer::Evaluation {
    pending.read_all().await.unwrap().remove(0).unwrap()
}

/// The point of a batch of one's evaluation.
pub async fn only_point(pending: grokking_lab::trainer::PendingEvals) -> grokking_lab::EvalPoint {
    only_evaluation(pending).await.point
}

/// The same configurations trained together as one batched model.
pub async fn batched_histories(
    configs: &[ExperimentConfig],
    data: &[&grokking_lab::data::Dataset],
    device: &Device,
) -> Vec<Vec<grokking_lab::EvalPoint>> {
    let mut trainer =
        grokking_lab::trainer::BatchTrainer::new(configs.to_vec(), data, device).unwrap();
    let mut histories = vec![Vec::new(); configs.len()];
    loop {
        let points = trainer.evaluate().read().await.unwrap();
        for (history, point) in histories.iter_mut().zip(points) {
            history.push(point.unwrap());
        }
        if trainer.is_finished() {
            return histories;
        }
        trainer.train_steps(configs[0].training.eval_every);
    }
}

/// The bar for "the same run": losses within 1e-3 relative and accuracies within
/// 0.01 at every evaluation.
pub fn assert_same_trajectories(
    batched: &[Vec<grokking_lab::EvalPoint>],
    single: &[Vec<grokking_lab::EvalPoint>],
) {
    assert_eq!(batched.len(), single.len());
    for (run, (b, s)) in batched.iter().zip(single).enumerate() {
        assert_eq!(b.len(), s.len(), "run {run}: evaluations");
        for (b, s) in b.iter().zip(s) {
            assert_eq!(b.step, s.step);
            let close = |x: f64, y: f64| (x - y).abs() <= 1e-3 * y.abs().max(1e-3);
            assert!(
                close(b.train_loss, s.train_loss) && close(b.test_loss, s.test_loss),
                "run {run} at step {}: batched {b:?} vs single {s:?}",
                s.step
            );
            assert!(
                (b.train_acc - s.train_acc).abs() <= 0.01
                    && (b.test_acc - s.test_acc).abs() <= 0.01,
                "run {run} at step {}: batched {b:?} vs single {s:?}",
                s.step
            );
            assert!((b.weight_norm - s.weight_norm).abs() <= 1e-3 * s.weight_norm);
        }
    }
}
