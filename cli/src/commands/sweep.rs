use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, mpsc};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Args;
use grokking_lab::AnalysisConfig;
use grokking_lab::record::{self, RunRecord, SweepRecord};
use grokking_lab::run::RunError;
use grokking_lab::sweep::{self, Grid};
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

use grokking_lab::ExperimentConfig;

use super::{BatchJob, interrupt_flag, step_bar};
use crate::args::{ExperimentArgs, List, parse_list};
use crate::backend::BackendKind;
use crate::files::{OutputLock, check_writable, read_records, write_atomically};
use crate::journal::Journal;
use crate::memory::MemoryArgs;

/// What a sweep trains: the experiment and its axes (sizes, widths, seeds), and how runs
/// are batched. Shared by `sweep` and `plan`.
#[derive(Debug, Args)]
pub struct GridArgs {
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
    /// At most this many runs of one shape (sizes, seeds, α) train together as one batched
    /// model; 1 trains one run at a time [default: 1 on cpu, 32 on wgpu]
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=256))]
    pub batch_runs: Option<u64>,
}

impl GridArgs {
    /// Every run of the grid (width × size × seed, in that order), validated, no repeats.
    pub fn runs(&self) -> anyhow::Result<Vec<ExperimentConfig>> {
        let experiment = &self.experiment;
        let sizes = self
            .train_sizes
            .as_ref()
            .map_or_else(|| experiment.base().sizes.to_vec(), |l| l.0.clone());
        let seeds = self.seeds.as_ref().map_or_else(
            || Ok::<_, anyhow::Error>(vec![experiment.config(sizes[0])?.seed]),
            |l| Ok(l.0.iter().map(|&s| s as u64).collect()),
        )?;
        let grid = Grid {
            widths: self
                .d_models
                .as_ref()
                .map_or_else(Vec::new, |l| l.0.clone()),
            sizes,
            seeds,
        };
        let total = grid.len();
        if total > MAX_GRID_RUNS {
            bail!(
                "the grid is {} width(s) × {} size(s) × {} seed(s) = {total} runs; at most {MAX_GRID_RUNS} fit one sweep (split it into several files)",
                grid.widths.len().max(1),
                grid.sizes.len(),
                grid.seeds.len()
            );
        }
        let plan = grid.runs(|size| experiment.config(size))?;
        for config in &plan {
            super::validate(config).with_context(|| {
                format!("N={} d_model={}", config.train_size(), config.model.d_model)
            })?;
        }
        refuse_duplicates(&plan)?;
        Ok(plan)
    }

    /// The cap on runs per batch: `--batch-runs`, or the backend's default.
    pub fn batch_cap(&self) -> usize {
        self.batch_runs
            .map_or_else(|| default_batch_runs(self.backend), |r| r as usize)
    }
}

#[derive(Debug, Args)]
pub struct SweepArgs {
    #[command(flatten)]
    pub grid: GridArgs,
    /// Batches trained at once, each on its own thread (the CPU backend uses one core per
    /// batch).
    #[arg(long, default_value_t = 1)]
    pub jobs: usize,
    /// The sweep file. If it exists, its finished runs are kept and not trained again.
    #[arg(long)]
    pub out: PathBuf,
    #[command(flatten)]
    pub memory: MemoryArgs,
}

/// How many runs share a batch unless `--batch-runs` says. On a GPU a model this small is
/// bound by kernel launches, so a batch costs little more than one run; on the CPU the
/// batch computes its smaller runs padded to the largest, which measured slower than one
/// run at a time (docs/results/batched-runs.md).
fn default_batch_runs(backend: BackendKind) -> usize {
    match backend {
        BackendKind::Cpu => 1,
        BackendKind::Wgpu => 32,
    }
}

/// How often a running sweep rewrites its file (its journal has every run at once): often
/// enough that a copy committed mid-sweep is recent, rarely enough that a long sweep is not
/// mostly rewriting.
const REWRITE_EVERY: Duration = Duration::from_secs(300);

pub fn run(args: SweepArgs) -> anyhow::Result<()> {
    let plan = args.grid.runs()?;
    check_writable(&args.out)?;
    let _lock = OutputLock::acquire(&args.out)?;

    let mut finished: Vec<RunRecord> = if args.out.exists() {
        read_records(&args.out)
            .context("refusing to overwrite it: move it away or fix it")?
            .into_runs()
    } else {
        Vec::new()
    };
    // Runs a killed sweep appended but never folded into the file.
    let journal = Journal::of(&args.out)?;
    let recovered = journal.recover()?;
    if recovered.unreadable > 0 {
        eprintln!(
            "{} line(s) of {} could not be read (a write cut short); those runs are trained again",
            recovered.unreadable,
            journal.path().display()
        );
    }
    let mut from_journal = 0;
    for run in recovered.runs {
        if !finished.iter().any(|kept| kept.config == run.config) {
            finished.push(run);
            from_journal += 1;
        }
    }
    if from_journal > 0 {
        println!(
            "recovered {from_journal} finished run(s) from {}",
            journal.path().display()
        );
    }
    if let Some(kept) = finished.first() {
        refuse_other_experiment(&kept.config, &plan[0], &args.out)?;
    }
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
    let train = |configs: Vec<ExperimentConfig>| {
        let bar = bars.add(step_bar(configs[0].training.steps));
        bar.set_prefix(describe_batch(&configs));
        let job = BatchJob {
            configs,
            backend: args.grid.backend,
            bar: bar.clone(),
            stop: stop.clone(),
        };
        let result = args.grid.backend.device().map(|device| job.run(&device));
        bar.finish_and_clear();
        result
    };
    let mut last_rewrite = Instant::now();
    let keep = |runs: Vec<RunRecord>| -> anyhow::Result<()> {
        let count = runs.len() as u64;
        if let Some(run) = runs.last() {
            overall.set_message(format!(
                "last: N={} {}",
                run.config.train_size(),
                run.summary.regime.name()
            ));
        }
        // Durable at once in the journal; the sweep file follows every few minutes.
        journal.append(&runs)?;
        finished.extend(runs);
        if last_rewrite.elapsed() >= REWRITE_EVERY {
            let sweep = SweepRecord::new(finished.clone(), analysis.clone());
            write_atomically(&args.out, record::to_json(&sweep))?;
            journal.remove();
            last_rewrite = Instant::now();
        }
        overall.inc(count);
        Ok(())
    };
    let queue = sweep::batches(todo, args.grid.batch_cap(), args.jobs);
    args.memory.check(&queue, args.jobs)?;
    let outcome = run_jobs(queue, args.jobs, &stop, train, keep);
    // However it ended, the file now holds every finished run, and the journal goes.
    let sweep = SweepRecord::new(finished, analysis);
    if !sweep.runs.is_empty() {
        write_atomically(&args.out, record::to_json(&sweep))?;
        journal.remove();
    }
    let interrupted = outcome.with_context(|| {
        format!(
            "the sweep stopped; its finished runs are kept in {} (run the same command to resume)",
            args.out.display()
        )
    })?;
    if interrupted || stop.load(Ordering::SeqCst) {
        return Err(super::Interrupted(format!(
            "interrupted: {} finished runs are kept in {} (run the same command to resume)",
            sweep.runs.len(),
            args.out.display()
        ))
        .into());
    }
    overall.finish();
    print!("{}", crate::table::render(&sweep.analysis));
    let diverged: Vec<String> = sweep
        .runs
        .iter()
        .filter_map(|run| {
            let step = run.summary.diverged_at?;
            Some(format!(
                "N={} seed {} at step {step}",
                run.config.train_size(),
                run.config.seed
            ))
        })
        .collect();
    if !diverged.is_empty() {
        // A sweep whose runs diverged measured the optimizer, not the data: say so loudly.
        bail!(
            "{} run(s) diverged ({}); their histories up to there are kept in {}. Try a smaller --lr or --alpha",
            diverged.len(),
            diverged.join(", "),
            args.out.display()
        );
    }
    Ok(())
}

/// The same run twice (`--train-sizes 10,10`, `--seeds 0,0`) would count as two seeds.
/// The most runs one grid may list: far above any sweep here (the paper's model-wise grid
/// is 16 widths × 10 sizes), far below what would exhaust memory before training starts.
const MAX_GRID_RUNS: usize = 10_000;

/// Runs of one grid differ only in width, size and seed, so those three identify a run.
fn refuse_duplicates(plan: &[ExperimentConfig]) -> anyhow::Result<()> {
    let mut seen = std::collections::HashSet::new();
    for config in plan {
        if !seen.insert((config.model.d_model, config.train_size(), config.seed)) {
            bail!(
                "the sweep lists the run N={} d_model={} seed {} twice: repeated sizes or seeds are not independent runs",
                config.train_size(),
                config.model.d_model,
                config.seed
            );
        }
    }
    Ok(())
}

/// A sweep file holds one experiment: everything but the training size, the width and the
/// seed. Resuming it with other settings would average unlike runs.
fn refuse_other_experiment(
    kept: &ExperimentConfig,
    wanted: &ExperimentConfig,
    out: &std::path::Path,
) -> anyhow::Result<()> {
    if let Some(first) = grokking_lab::settings::differences(kept, wanted, &["d-model", "seed"])
        .into_iter()
        .next()
    {
        bail!(
            "{} holds runs of another experiment: --{} is {} there and {} now. Resume it with the same settings, or give a new --out to start a new sweep file",
            out.display(),
            first.setting.key,
            first.there_text(),
            first.here_text()
        );
    }
    Ok(())
}

/// Trains `queue`'s batches on `jobs` threads, handing each finished batch to `keep` as it
/// arrives (the caller saves it at once). The first failure, of a batch or of `keep`, sets
/// `stop`, so the other jobs end at their next evaluation instead of training on to their
/// budget, and is returned once every job has ended. `Ok(true)`: stopped on request.
fn run_jobs<Train, Keep>(
    queue: Vec<Vec<ExperimentConfig>>,
    jobs: usize,
    stop: &AtomicBool,
    train: Train,
    mut keep: Keep,
) -> anyhow::Result<bool>
where
    Train: Fn(Vec<ExperimentConfig>) -> anyhow::Result<Result<Vec<RunRecord>, RunError>> + Sync,
    Keep: FnMut(Vec<RunRecord>) -> anyhow::Result<()>,
{
    let queue = Mutex::new(VecDeque::from(queue));
    let (results, received) = mpsc::channel();
    let mut interrupted = false;
    let mut failure: Option<anyhow::Error> = None;
    std::thread::scope(|scope| {
        for _ in 0..jobs.max(1) {
            let results = results.clone();
            let (queue, train) = (&queue, &train);
            scope.spawn(move || {
                loop {
                    let Some(configs) = queue.lock().expect("queue lock").pop_front() else {
                        break;
                    };
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    if results.send(train(configs)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(results);
        for result in received {
            let outcome = match result {
                Ok(Ok(runs)) if failure.is_none() => keep(runs),
                // After a failure the sweep is over; a batch that still finished is kept.
                Ok(Ok(runs)) => keep(runs).or(Ok(())),
                Ok(Err(RunError::Stopped { .. })) => {
                    interrupted = true;
                    Ok(())
                }
                Ok(Err(error)) => Err(error.into()),
                Err(error) => Err(error),
            };
            if let Err(error) = outcome {
                stop.store(true, Ordering::SeqCst);
                failure.get_or_insert(error);
            }
        }
    });
    match failure {
        Some(error) => Err(error),
        None => Ok(interrupted),
    }
}

/// "N=600…1600 d=64 seeds 0…2 (11 runs)" for a progress bar.
pub fn describe_batch(configs: &[ExperimentConfig]) -> String {
    let span = |values: Vec<u64>| {
        let (min, max) = (values.iter().min(), values.iter().max());
        match (min, max) {
            (Some(min), Some(max)) if min != max => format!("{min}…{max}"),
            (Some(min), _) => min.to_string(),
            _ => String::new(),
        }
    };
    let sizes = span(configs.iter().map(|c| c.train_size() as u64).collect());
    let seeds = span(configs.iter().map(|c| c.seed).collect());
    let runs = if configs.len() > 1 {
        format!(" ({} runs)", configs.len())
    } else {
        String::new()
    };
    format!(
        "N={sizes} d={} seed={seeds}{runs}",
        configs[0].model.d_model
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use grokking_lab::presets;

    #[test]
    fn a_failing_job_stops_the_others_at_their_next_evaluation_and_finished_runs_are_kept() {
        use std::time::{Duration, Instant};
        // Three batches told apart by N: a slow one (trains until told to stop, checking
        // at every "evaluation"), one that finishes, and one that fails.
        let queue: Vec<Vec<ExperimentConfig>> = [1000, 300, 666]
            .map(|n| vec![presets::TINY.config(n)])
            .into();
        let stop = AtomicBool::new(false);
        let started = Instant::now();
        let train =
            |configs: Vec<ExperimentConfig>| -> anyhow::Result<Result<Vec<RunRecord>, RunError>> {
                match configs[0].train_size() {
                    1000 => {
                        for step in 0..600 {
                            if stop.load(Ordering::SeqCst) {
                                return Ok(Err(RunError::Stopped { step }));
                            }
                            std::thread::sleep(Duration::from_millis(10));
                        }
                        Ok(Ok(Vec::new()))
                    }
                    300 => Ok(Ok(Vec::new())),
                    _ => anyhow::bail!("the device was lost"),
                }
            };
        let mut kept = 0;
        let result = run_jobs(queue, 2, &stop, train, |_| {
            kept += 1;
            Ok(())
        });
        assert_eq!(result.unwrap_err().to_string(), "the device was lost");
        assert_eq!(kept, 1, "the batch that finished is kept");
        // The slow batch would have taken 6 s on its own.
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
    }
}
