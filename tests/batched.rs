//! Many runs as one batched model are the same science as each run alone.

use crate::common;

use burn::tensor::Device;
use common::{
    assert_same_trajectories, batched_histories, datasets, single_histories, tiny_imdb,
    tiny_modular,
};
use grokking_lab::data::Dataset;
use grokking_lab::trainer::{BatchError, BatchTrainer, TrainError};

/// Three sizes and a second seed of a + b mod 11, full batch, with different α: every run's
/// curve equals its single run's over 200 steps (which nearly memorize).
#[test]
fn batched_modular_runs_follow_their_single_runs() {
    let base = {
        let mut config = tiny_modular(11, 30, 200);
        config.optimizer.lr = 3e-3;
        config.training.eval_every = 40;
        config
    };
    let mut configs = Vec::new();
    for (n, seed, alpha) in [(30, 0, 1.0), (60, 0, 1.0), (90, 0, 2.0), (45, 1, 1.0)] {
        let mut config = base.clone();
        config.set_train_size(n);
        config.seed = seed;
        config.grokking.alpha = alpha;
        configs.push(config);
    }
    let data = datasets(&configs, None);
    let data: Vec<&Dataset> = data.iter().collect();
    let device = Device::flex();
    let single = pollster::block_on(single_histories(&configs, &data, &device));
    let batched = pollster::block_on(batched_histories(&configs, &data, &device));
    assert_same_trajectories(&batched, &single);
    for history in &single {
        let (first, last) = (history[0], history.last().unwrap());
        assert!(
            last.train_acc > first.train_acc + 0.3,
            "the runs trained: {first:?} → {last:?}"
        );
    }
}

/// IMDB with mini-batches: each run keeps its own batch order, and a run smaller than the
/// batch size trains on its whole set.
#[test]
fn batched_imdb_runs_follow_their_single_runs() {
    let corpus = common::bundled_imdb();
    let mut configs = Vec::new();
    for (n, seed) in [(48, 0), (12, 0), (32, 3)] {
        let mut config = tiny_imdb(n, 40);
        config.training.batch_size = Some(16);
        config.training.eval_every = 10;
        config.optimizer.lr = 3e-3;
        config.seed = seed;
        configs.push(config);
    }
    let data = datasets(&configs, Some(&corpus));
    let data: Vec<&Dataset> = data.iter().collect();
    let device = Device::flex();
    let single = pollster::block_on(single_histories(&configs, &data, &device));
    let batched = pollster::block_on(batched_histories(&configs, &data, &device));
    assert_same_trajectories(&batched, &single);
    let first = &single[0];
    assert!(first.last().unwrap().train_loss < first[0].train_loss);
}

#[test]
fn runs_of_different_shapes_cannot_share_a_batch() {
    let a = tiny_modular(11, 30, 10);
    let mut b = a.clone();
    b.model.d_mlp = 32;
    let data = datasets(&[a.clone(), b.clone()], None);
    let result = BatchTrainer::new(vec![a, b], &[&data[0], &data[1]], &Device::flex());
    assert!(matches!(
        result,
        Err(TrainError::Batch(BatchError::Mismatched { index: 1 }))
    ));
}

/// A device with small buffers evaluates in smaller chunks: the same numbers, however the
/// sequences are split (3 at a time, so every split ends with a partial chunk).
#[test]
fn evaluating_in_small_chunks_gives_the_same_numbers() {
    let mut configs = vec![tiny_modular(11, 60, 20), tiny_modular(11, 40, 20)];
    configs[1].seed = 1;
    let data = datasets(&configs, None);
    let data: Vec<&Dataset> = data.iter().collect();
    let device = Device::flex();
    let mut trainer = BatchTrainer::new(configs, &data, &device).unwrap();
    trainer.train_steps(20);
    let whole = pollster::block_on(trainer.evaluate().read()).unwrap();
    trainer.set_eval_rows(3);
    let chunked = pollster::block_on(trainer.evaluate().read()).unwrap();
    for (a, b) in whole.iter().zip(&chunked) {
        let (a, b) = (a.as_ref().unwrap(), b.as_ref().unwrap());
        assert_eq!(a.train_acc, b.train_acc);
        assert_eq!(a.test_acc, b.test_acc);
        assert!((a.train_loss - b.train_loss).abs() < 1e-5 * a.train_loss.abs().max(1.0));
        assert!((a.test_loss - b.test_loss).abs() < 1e-5 * a.test_loss.abs().max(1.0));
    }
}

/// Waiting for queued steps (how the lab times a device) reads nothing the runs depend
/// on: a batch settled after every step evaluates exactly as one never settled.
#[test]
fn settling_a_batch_leaves_its_training_untouched() {
    let mut configs = vec![tiny_modular(11, 40, 30), tiny_modular(11, 60, 30)];
    configs[1].seed = 2;
    let data = datasets(&configs, None);
    let data: Vec<&Dataset> = data.iter().collect();
    let device = Device::flex();
    let train = |settle: bool| {
        let mut trainer = BatchTrainer::new(configs.clone(), &data, &device).unwrap();
        for _ in 0..30 {
            trainer.step();
            if settle {
                pollster::block_on(trainer.settle()).unwrap();
            }
        }
        let points = pollster::block_on(trainer.evaluate().read()).unwrap();
        points.into_iter().map(Result::unwrap).collect::<Vec<_>>()
    };
    let (settled, plain) = (train(true), train(false));
    assert_eq!(settled, plain);
    assert!(settled.iter().all(|point| point.step == 30));
}
