use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::{Mutex, mpsc};

use anyhow::{Context, bail};
use clap::Args;
use grokking_lab::AnalysisConfig;
use grokking_lab::record::{self, RunRecord, SweepRecord};
use grokking_lab::run::RunError;
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

use super::{TrainJob, interrupt_flag, step_bar};
use crate::args::{ExperimentArgs, List, parse_list};
use crate::backend::{BackendKind, dispatch};
use crate::files::{read_records, write_atomically};

#[derive(Debug, Args)]
pub struct SweepArgs {
    #[command(flatten)]
    pub experiment: ExperimentArgs,
    /// Training sizes: a list `600,900` or a range `1000:9500:500` (end included)
    /// [default: the preset's sizes]
    #[arg(long, value_parser = parse_list)]
    pub train_sizes: Option<List>,
    /// Model widths for a model-wise sweep (same syntax) [default: --d-model alone]
    #[arg(long, value_parser = parse_list)]
    pub d_models: Option<List>,
    /// Seeds per cell (same syntax) [default: --seed alone]
    #[arg(long, value_parser = parse_list)]
    pub seeds: Option<List>,
    #[arg(long, value_enum, default_value = "cpu")]
    pub backend: BackendKind,
    /// Runs trained at once (the CPU backend uses one core per run).
    #[arg(long, default_value_t = 1)]
    pub jobs: usize,
    /// The sweep file. If it exists, its finished runs are kept and not trained again.
    #[arg(long)]
    pub out: PathBuf,
}

pub fn run(args: SweepArgs) -> anyhow::Result<()> {
    let experiment = &args.experiment;
    let sizes = args
        .train_sizes
        .as_ref()
        .map_or_else(|| experiment.base().sizes.to_vec(), |l| l.0.clone());
    let one = experiment.config(sizes[0])?;
    let widths = args
        .d_models
        .as_ref()
        .map_or_else(|| vec![one.model.d_model], |l| l.0.clone());
    let seeds = args.seeds.as_ref().map_or_else(
        || vec![one.seed],
        |l| l.0.iter().map(|&s| s as u64).collect(),
    );
    let mut plan = Vec::new();
    for &width in &widths {
        for &size in &sizes {
            for &seed in &seeds {
                let mut config = experiment.config(size)?;
                config.model.d_model = width;
                config.seed = seed;
                plan.push(config);
            }
        }
    }
    for config in &plan {
        super::validate(config).with_context(|| {
            format!("N={} d_model={}", config.train_size(), config.model.d_model)
        })?;
    }

    let mut finished: Vec<RunRecord> = if args.out.exists() {
        read_records(&args.out)
            .context("refusing to overwrite it: move it away or fix it")?
            .into_runs()
    } else {
        Vec::new()
    };
    let todo: Vec<_> = plan
        .into_iter()
        .filter(|config| !finished.iter().any(|run| &run.config == config))
        .collect();
    if todo.is_empty() {
        println!(
            "all runs of this sweep are already in {}; re-analysing",
            args.out.display()
        );
    } else if !finished.is_empty() {
        println!(
            "resuming: {} runs kept from {}, {} to train",
            finished.len(),
            args.out.display(),
            todo.len()
        );
    }

    let analysis = AnalysisConfig::for_task(
        &todo
            .first()
            .map_or_else(|| finished[0].config.task.clone(), |c| c.task.clone()),
    );
    let stop = interrupt_flag();
    let bars = MultiProgress::new();
    let overall = bars.add(ProgressBar::new(todo.len() as u64));
    overall.set_style(ProgressStyle::with_template(
        "runs [{bar:30}] {pos}/{len} {elapsed_precise} {msg}",
    )?);
    let queue = Mutex::new(VecDeque::from(todo));
    let (results, received) = mpsc::channel();
    let mut interrupted = false;
    std::thread::scope(|scope| -> anyhow::Result<()> {
        for _ in 0..args.jobs.max(1) {
            let results = results.clone();
            let (queue, stop, bars) = (&queue, &stop, &bars);
            scope.spawn(move || {
                loop {
                    let Some(config) = queue.lock().expect("queue lock").pop_front() else {
                        break;
                    };
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let bar = bars.add(step_bar(config.training.steps));
                    bar.set_prefix(format!(
                        "N={} d={} seed={}",
                        config.train_size(),
                        config.model.d_model,
                        config.seed
                    ));
                    let job = TrainJob {
                        config,
                        backend: args.backend,
                        bar: bar.clone(),
                        stop: stop.clone(),
                    };
                    let result = dispatch(args.backend, job);
                    bar.finish_and_clear();
                    if results.send(result).is_err() {
                        break;
                    }
                }
            });
        }
        drop(results);
        for result in received {
            match result? {
                Ok(run) => {
                    overall.set_message(format!(
                        "last: N={} {}",
                        run.config.train_size(),
                        run.summary.regime.name()
                    ));
                    finished.push(run);
                    let sweep = SweepRecord::new(finished.clone(), analysis.clone());
                    write_atomically(&args.out, record::to_json(&sweep))?;
                    overall.inc(1);
                }
                Err(RunError::Stopped { .. }) => interrupted = true,
                Err(error) => return Err(error.into()),
            }
        }
        Ok(())
    })?;
    if interrupted || stop.load(Ordering::SeqCst) {
        bail!(
            "interrupted: {} finished runs are kept in {} (run the same command to resume)",
            finished.len(),
            args.out.display()
        );
    }
    overall.finish();
    let sweep = SweepRecord::new(finished, analysis);
    write_atomically(&args.out, record::to_json(&sweep))?;
    print!("{}", crate::table::render(&sweep.analysis));
    Ok(())
}
