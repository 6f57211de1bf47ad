//! `grokking run-task`: one item of a plan, as a Slurm array task or a Kubernetes Indexed
//! Job pod runs it. Idempotent: an item whose result is already there is skipped. A long
//! item saves a checkpoint now and then and when it is told to stop (SIGTERM, Ctrl-C), so a
//! preempted or time-limited task resumes where it was instead of from step 0.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use burn::tensor::Device;
use clap::Args;
use grokking_lab::ExperimentConfig;
use grokking_lab::checkpoint::Checkpoint;
use grokking_lab::data::Dataset;
use grokking_lab::record::{RunMeta, RunRecord};
use grokking_lab::run::BatchRun;
use indicatif::ProgressBar;

use super::{Interrupted, interrupt_flag, step_bar};
use crate::backend::BackendKind;
use crate::files::{OutputLock, hidden_sibling, write_atomically};
use crate::memory::MemoryArgs;
use crate::plan::{Plan, TaskResult};

/// Where schedulers put a task's index, in the order they are looked at.
const INDEX_VARIABLES: [&str; 2] = ["SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"];

#[derive(Debug, Args)]
pub struct RunTaskArgs {
    /// The plan file (`grokking plan`).
    #[arg(long)]
    pub plan: PathBuf,
    /// The item to run [default: $SLURM_ARRAY_TASK_ID, else $JOB_COMPLETION_INDEX]
    #[arg(long)]
    pub index: Option<usize>,
    /// The results directory (shared by every task; created if missing).
    #[arg(long)]
    pub out: PathBuf,
    #[arg(long, value_enum, default_value = "cpu")]
    pub backend: BackendKind,
    #[command(flatten)]
    pub memory: MemoryArgs,
    /// Seconds between checkpoints of a running item (saved at the first evaluation after
    /// each interval, and whenever the task is told to stop); 0 saves at every evaluation.
    #[arg(long, default_value_t = 600, value_name = "SECONDS")]
    pub checkpoint_every: u64,
}

/// The index from the flag or the scheduler's variable.
fn task_index(flag: Option<usize>) -> anyhow::Result<usize> {
    if let Some(index) = flag {
        return Ok(index);
    }
    for name in INDEX_VARIABLES {
        if let Ok(value) = std::env::var(name) {
            return value
                .trim()
                .parse()
                .with_context(|| format!("${name} is {value:?}, not an item index"));
        }
    }
    bail!(
        "no item index: give --index, or run under Slurm (${}) or a Kubernetes Indexed Job (${})",
        INDEX_VARIABLES[0],
        INDEX_VARIABLES[1]
    )
}

pub fn load_plan(path: &Path) -> anyhow::Result<Plan> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Plan::load(&text).with_context(|| format!("{} is not a usable plan", path.display()))
}

pub fn run(args: RunTaskArgs) -> anyhow::Result<()> {
    let plan = load_plan(&args.plan)?;
    let index = task_index(args.index)?;
    if index >= plan.items.len() {
        bail!(
            "item {index} is not in the plan: it has items 0 … {}",
            plan.items.len() - 1
        );
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let path = args.out.join(plan.result_name(index));
    // A second task of the same item (a resubmission while the first still runs) waits
    // for nothing: it is told.
    let _lock = OutputLock::acquire(&path)?;
    if path.exists() {
        let text = std::fs::read_to_string(&path)?;
        match TaskResult::load_for(&text, &plan, index) {
            Ok(_) => {
                println!(
                    "item {index} ({}) is done already: {}",
                    plan.items[index].id,
                    path.display()
                );
                return Ok(());
            }
            // Another plan's result of the same item (same runs, same name) is that
            // sweep's work: never overwritten.
            Err(_) if TaskResult::plan_of(&text).is_some_and(|other| other != plan.hash) => {
                bail!(
                    "{} is a result of another plan ({}, this one is {}): keep each sweep's results in their own directory",
                    path.display(),
                    TaskResult::plan_of(&text).unwrap_or_default(),
                    plan.hash
                )
            }
            Err(error) => eprintln!(
                "{} is not a usable result ({error:#}); training item {index} again",
                path.display()
            ),
        }
    }
    let item = &plan.items[index];
    args.memory.check(std::slice::from_ref(&item.runs), 1)?;
    // `.NAME.checkpoint` beside the result.
    let checkpoint_path = hidden_sibling(&path, "checkpoint")?;
    let resume = read_checkpoint(&checkpoint_path, index);
    let stop = interrupt_flag();
    let bar = step_bar(item.runs[0].training.steps);
    bar.set_prefix(super::sweep::describe_batch(&item.runs));
    let job = ItemJob {
        configs: item.runs.clone(),
        backend: args.backend,
        bar: bar.clone(),
        stop,
        resume,
        checkpoint: checkpoint_path.clone(),
        every: Duration::from_secs(args.checkpoint_every),
    };
    let result = args.backend.device().map(|device| job.run(&device));
    bar.finish_and_clear();
    let runs = match result? {
        Ok(runs) => runs,
        Err(ItemError::Stopped { step }) => {
            return Err(Interrupted(format!(
                "interrupted: item {index} saved its progress at step {step} in {}; run it again to resume",
                checkpoint_path.display()
            ))
            .into());
        }
        Err(ItemError::Failed(error)) => return Err(error),
    };
    write_atomically(&path, TaskResult::new(&plan, index, runs).to_json())?;
    // The result holds everything the checkpoint did.
    let _ = std::fs::remove_file(&checkpoint_path);
    println!(
        "item {index} ({}): {} run(s) → {}",
        item.id,
        item.runs.len(),
        path.display()
    );
    Ok(())
}

/// The item's checkpoint, if one is there and readable; an unreadable one is reported and
/// the item starts from step 0 (it is overwritten at the next save).
fn read_checkpoint(path: &Path, index: usize) -> Option<Checkpoint> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return None,
        Err(error) => {
            eprintln!(
                "cannot read the checkpoint {} ({error}); training item {index} from step 0",
                path.display()
            );
            return None;
        }
    };
    match Checkpoint::from_bytes(&bytes) {
        Ok(checkpoint) => {
            println!(
                "item {index}: resuming from its checkpoint at step {}",
                checkpoint.step()
            );
            Some(checkpoint)
        }
        Err(error) => {
            eprintln!(
                "{} is not a usable checkpoint ({error}); training item {index} from step 0",
                path.display()
            );
            None
        }
    }
}

enum ItemError {
    /// Told to stop; a checkpoint at this step was saved.
    Stopped {
        step: usize,
    },
    Failed(anyhow::Error),
}

/// One item's runs trained as one batch, step by step: the stop flag is looked at before
/// every step (a scheduler's grace period is seconds, an evaluation interval may be
/// minutes), and the progress is checkpointed every `every` and on stop.
struct ItemJob {
    configs: Vec<ExperimentConfig>,
    backend: BackendKind,
    bar: ProgressBar,
    stop: Arc<AtomicBool>,
    resume: Option<Checkpoint>,
    checkpoint: PathBuf,
    every: Duration,
}

impl ItemJob {
    fn run(self, device: &Device) -> Result<Vec<RunRecord>, ItemError> {
        let failed = |error: anyhow::Error| ItemError::Failed(error);
        let data: Vec<Dataset> = self
            .configs
            .iter()
            .map(super::dataset)
            .collect::<anyhow::Result<_>>()
            .map_err(failed)?;
        let data: Vec<&Dataset> = data.iter().collect();
        let resumed = self.resume.and_then(|checkpoint| {
            let earlier = checkpoint.wall_seconds;
            match BatchRun::resume(self.configs.clone(), &data, device, checkpoint) {
                Ok(batch) => Some((batch, earlier)),
                Err(error) => {
                    eprintln!("{error}; training from step 0");
                    None
                }
            }
        });
        let started = Instant::now();
        // Wall time spent before this task (by the tasks that saved the checkpoint).
        let (mut batch, earlier) = match resumed {
            Some(resumed) => resumed,
            None => (
                BatchRun::new(self.configs.clone(), &data, device).map_err(|e| failed(e.into()))?,
                0.0,
            ),
        };
        let wall_seconds = || earlier + started.elapsed().as_secs_f64();
        let save = |batch: &BatchRun| -> anyhow::Result<()> {
            let mut checkpoint = batch.checkpoint()?;
            checkpoint.wall_seconds = wall_seconds();
            write_atomically(&self.checkpoint, checkpoint.to_bytes())
        };
        let mut last_save = Instant::now();
        while !batch.is_done() {
            if self.stop.load(Ordering::SeqCst) {
                save(&batch).map_err(failed)?;
                return Err(ItemError::Stopped {
                    step: batch.trainer().step_count(),
                });
            }
            if batch.steps_until_eval() > 0 {
                batch.step();
                self.bar.set_position(batch.trainer().step_count() as u64);
                continue;
            }
            pollster::block_on(batch.evaluate()).map_err(|e| failed(e.into()))?;
            if !batch.is_done() && last_save.elapsed() >= self.every {
                save(&batch).map_err(failed)?;
                last_save = Instant::now();
            }
        }
        // Every part's wall time, shared by the runs as a sweep shares it.
        let meta = RunMeta {
            backend: self.backend.name().to_owned(),
            wall_seconds: wall_seconds() / self.configs.len() as f64,
        };
        Ok((0..self.configs.len())
            .map(|run| batch.record(run, meta.clone()))
            .collect())
    }
}
