//! A batch stopped mid-run and resumed from its checkpoint trains on exactly as if it had
//! never stopped; a damaged or foreign checkpoint is refused, never half-used.

use crate::common;

use burn::tensor::Device;
use common::{datasets, mixed_batch};
use grokking_lab::ExperimentConfig;
use grokking_lab::checkpoint::{Checkpoint, CheckpointError};
use grokking_lab::data::Dataset;
use grokking_lab::record::{RunMeta, RunRecord};
use grokking_lab::run::BatchRun;
use grokking_lab::trainer::TrainError;

fn meta() -> RunMeta {
    RunMeta {
        backend: "cpu".into(),
        wall_seconds: 0.0,
    }
}

/// Trains `batch` to its budget (evaluating when due) and returns its records.
fn finish(mut batch: BatchRun) -> Vec<RunRecord> {
    while !batch.is_done() {
        let steps = batch.steps_until_eval();
        batch.train(steps);
        pollster::block_on(batch.evaluate()).unwrap();
    }
    (0..batch.configs().len())
        .map(|run| batch.record(run, meta()))
        .collect()
}

/// Trains `batch` until it has taken `steps` steps, evaluating when due.
fn advance(batch: &mut BatchRun, steps: usize) {
    while batch.trainer().step_count() < steps {
        if batch.steps_until_eval() == 0 {
            pollster::block_on(batch.evaluate()).unwrap();
        } else {
            batch.step();
        }
    }
}

/// Trains `configs` once without a stop and once stopped at `step`, checkpointed (through
/// its bytes) and resumed: the two give the same records, bit for bit.
fn assert_resumes_as_if_never_stopped(configs: &[ExperimentConfig], step: usize) {
    let owned = datasets(configs, None);
    let data: Vec<&Dataset> = owned.iter().collect();
    let device = Device::flex();
    let whole = finish(BatchRun::new(configs.to_vec(), &data, &device).unwrap());
    let mut batch = BatchRun::new(configs.to_vec(), &data, &device).unwrap();
    advance(&mut batch, step);
    let bytes = batch.checkpoint().unwrap().to_bytes();
    drop(batch);
    let checkpoint = Checkpoint::from_bytes(&bytes).unwrap();
    assert_eq!(checkpoint.step(), step);
    let resumed = finish(BatchRun::resume(configs.to_vec(), &data, &device, checkpoint).unwrap());
    assert_eq!(resumed.len(), whole.len());
    for (a, b) in resumed.iter().zip(&whole) {
        assert_eq!(a.history, b.history, "every evaluation, bit for bit");
        assert_eq!(a.learned, b.learned);
        assert_eq!(a.summary, b.summary);
    }
}

/// Full batch, three runs of different N, seed and α, stopped between two evaluations
/// (step 33; they evaluate every 20): the same numbers as the uninterrupted batch.
#[test]
fn a_full_batch_resumed_mid_interval_trains_bit_for_bit_as_if_never_stopped() {
    assert_resumes_as_if_never_stopped(&mixed_batch(), 33);
}

/// Mini-batches: the resumed runs draw the same batches in the same order (each run's
/// place in its shuffled epoch is part of the checkpoint).
#[test]
fn mini_batch_runs_resume_with_the_same_batch_order() {
    let configs: Vec<ExperimentConfig> = mixed_batch()
        .into_iter()
        .map(|mut config| {
            config.training.batch_size = Some(8);
            config
        })
        .collect();
    assert_resumes_as_if_never_stopped(&configs, 27);
}

#[test]
fn a_damaged_cut_short_or_foreign_checkpoint_is_refused() {
    let configs = mixed_batch();
    let owned = datasets(&configs, None);
    let data: Vec<&Dataset> = owned.iter().collect();
    let device = Device::flex();
    let mut batch = BatchRun::new(configs.clone(), &data, &device).unwrap();
    advance(&mut batch, 5);
    let mut checkpoint = batch.checkpoint().unwrap();
    checkpoint.wall_seconds = 12.5;
    let bytes = checkpoint.to_bytes();
    assert_eq!(
        Checkpoint::from_bytes(&bytes).unwrap().wall_seconds,
        12.5,
        "the time spent so far travels with it"
    );

    let mut flipped = bytes.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x10;
    assert_eq!(
        Checkpoint::from_bytes(&flipped),
        Err(CheckpointError::Damaged)
    );
    assert_eq!(
        Checkpoint::from_bytes(&bytes[..bytes.len() - 100]),
        Err(CheckpointError::Damaged)
    );
    assert_eq!(
        Checkpoint::from_bytes(b"{\"runs\": []}"),
        Err(CheckpointError::NotACheckpoint)
    );

    let mut other = configs.clone();
    other[0].seed = 7;
    let checkpoint = Checkpoint::from_bytes(&bytes).unwrap();
    let error = BatchRun::resume(other, &data, &device, checkpoint)
        .err()
        .expect("refused");
    assert!(
        matches!(error, TrainError::Checkpoint(ref why) if why.contains("other runs")),
        "{error}"
    );
}
