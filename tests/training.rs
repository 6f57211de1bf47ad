use crate::common;

use burn::tensor::Device;
use std::ops::ControlFlow;

use common::tiny_modular;
use grokking_lab::config::{GptArch, Subsets, TaskConfig};
use grokking_lab::data::modular;
use grokking_lab::record::RunMeta;
use grokking_lab::run::{BatchRun, Progress, RunError, train_batch};
use grokking_lab::{BatchTrainer, Regime, TrainError};

fn train(config: grokking_lab::ExperimentConfig) -> grokking_lab::RunRecord {
    let TaskConfig::ModularArithmetic(task) = &config.task else {
        unreachable!("a modular config")
    };
    let data = modular::dataset(
        task,
        GptArch::PreLn,
        Subsets::Nested,
        config.seed,
        config.seed,
    );
    pollster::block_on(train_batch(
        vec![config],
        &[&data],
        &Device::flex(),
        RunMeta::default(),
        |_, _| ControlFlow::Continue(()),
    ))
    .unwrap()
    .remove(0)
}

#[test]
fn a_tiny_model_memorizes_its_training_set() {
    let mut config = tiny_modular(11, 60, 400);
    config.optimizer.lr = 3e-3;
    let run = train(config);
    let first = run.history.first().unwrap();
    let last = run.history.last().unwrap();
    assert_eq!(first.step, 0);
    assert_eq!(last.step, 400);
    assert!(first.train_acc < 0.5, "{first:?}");
    assert_eq!(last.train_acc, 1.0, "{last:?}");
    assert!(last.train_loss < first.train_loss / 10.0);
    assert!(run.summary.memorized_at.is_some());
    assert_ne!(run.summary.regime, Regime::Undertrained);
    run.check().unwrap();
}

#[test]
fn weight_decay_shrinks_the_weight_norm() {
    let mut config = tiny_modular(7, 30, 200);
    config.grokking.alpha = 5.0;
    config.grokking.weight_decay = 2.0;
    config.optimizer.lr = 1e-2;
    let run = train(config);
    let norms: Vec<f64> = run.history.iter().map(|p| p.weight_norm).collect();
    assert!(norms.last().unwrap() < &(norms[0] * 0.9), "{norms:?}");
}

#[test]
fn mini_batches_train_too() {
    let mut config = tiny_modular(11, 64, 200);
    config.training.batch_size = Some(16);
    config.optimizer.lr = 3e-3;
    let run = train(config);
    assert!(run.history.last().unwrap().train_loss < run.history[0].train_loss / 2.0);
}

#[test]
fn the_observer_can_stop_a_run() {
    let config = tiny_modular(7, 30, 100);
    let TaskConfig::ModularArithmetic(task) = &config.task else {
        unreachable!("a modular config")
    };
    let data = modular::dataset(task, GptArch::PreLn, Subsets::Nested, 0, 0);
    let result = pollster::block_on(train_batch(
        vec![config],
        &[&data],
        &Device::flex(),
        RunMeta::default(),
        |_, point| {
            if point.step >= 20 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        },
    ));
    assert!(
        matches!(result, Err(RunError::Stopped { step: 20 })),
        "{result:?}"
    );
}

#[test]
fn invalid_configs_are_refused_before_training() {
    let mut config = tiny_modular(7, 30, 10);
    config.model.n_heads = 5;
    let TaskConfig::ModularArithmetic(task) = &config.task else {
        unreachable!("a modular config")
    };
    let data = modular::dataset(task, GptArch::PreLn, Subsets::Nested, 0, 0);
    let result = BatchTrainer::new(vec![config], &[&data], &Device::flex());
    assert!(matches!(result, Err(TrainError::Config(_))));
}

/// The lab drives a run in uneven time slices, parked and resumed; the CLI runs it in one
/// go. Both must be the same run: same evaluations, same numbers.
#[test]
fn a_run_driven_piecewise_equals_the_run_trained_in_one_go() {
    let config = tiny_modular(7, 30, 23); // 23 steps, evaluated every 3 and at the end
    let whole = train(config.clone());
    let TaskConfig::ModularArithmetic(task) = &config.task else {
        unreachable!("a modular config")
    };
    let data = modular::dataset(
        task,
        GptArch::PreLn,
        Subsets::Nested,
        config.seed,
        config.seed,
    );
    let mut run = BatchRun::new(vec![config], &[&data], &Device::flex()).unwrap();
    let mut slices = [1, 5, 2, 7].into_iter().cycle();
    while !run.is_done() {
        run.train(slices.next().unwrap());
        if run.steps_until_eval() == 0 {
            let progress = common::only(pollster::block_on(run.evaluate()).unwrap());
            assert!(matches!(progress, Progress::Evaluated(..)));
        }
    }
    let steps: Vec<usize> = run.histories()[0].iter().map(|p| p.step).collect();
    assert_eq!(steps, [0, 3, 6, 9, 12, 15, 18, 21, 23]);
    assert_eq!(run.record(0, RunMeta::default()).history, whole.history);
    assert!(!run.step(), "a finished run takes no more steps");
}

#[test]
fn steps_stop_at_the_budget() {
    let config = tiny_modular(7, 30, 5);
    let TaskConfig::ModularArithmetic(task) = &config.task else {
        unreachable!("a modular config")
    };
    let data = modular::dataset(task, GptArch::PreLn, Subsets::Nested, 0, 0);
    let mut trainer = BatchTrainer::new(vec![config], &[&data], &Device::flex()).unwrap();
    assert_eq!(trainer.train_steps(3), 3);
    assert_eq!(trainer.train_steps(3), 2);
    assert!(trainer.is_finished());
}

#[test]
fn a_tiny_bert_memorizes_a_few_hundred_reviews() {
    let corpus = common::bundled_imdb();
    let mut config = common::tiny_imdb(256, 300);
    config.optimizer.lr = 3e-3;
    let data = grokking_lab::data::dataset(&config, Some(&corpus)).unwrap();
    let run = pollster::block_on(train_batch(
        vec![config],
        &[&data],
        &Device::flex(),
        RunMeta::default(),
        |_, _| ControlFlow::Continue(()),
    ))
    .unwrap()
    .remove(0);
    let (first, last) = (run.history[0], *run.history.last().unwrap());
    assert!(first.train_acc < 0.7, "{first:?}");
    assert!(last.train_acc >= 0.99, "{last:?}");
    assert!(run.summary.memorized_at.is_some());
    run.check().unwrap();
}
