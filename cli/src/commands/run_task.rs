//! `grokking run-task`: one item of a plan, as a Slurm array task or a Kubernetes Indexed
//! Job pod runs it. Idempotent: an item whose result is already there is skipped.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use anyhow::{Context, bail};
use clap::Args;
use grokking_lab::run::RunError;

use super::{BatchJob, interrupt_flag, step_bar};
use crate::backend::{BackendKind, dispatch};
use crate::files::{OutputLock, write_atomically};
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
    let stop = interrupt_flag();
    let bar = step_bar(item.runs[0].training.steps);
    bar.set_prefix(super::sweep::describe_batch(&item.runs));
    let job = BatchJob {
        configs: item.runs.clone(),
        backend: args.backend,
        bar: bar.clone(),
        stop: stop.clone(),
    };
    let result = dispatch(args.backend, job);
    bar.finish_and_clear();
    let runs = match result? {
        Ok(runs) if !stop.load(Ordering::SeqCst) => runs,
        Ok(_) | Err(RunError::Stopped { .. }) => {
            bail!("interrupted: item {index} wrote nothing; run it again")
        }
        Err(error) => return Err(error.into()),
    };
    write_atomically(&path, TaskResult::new(&plan, index, runs).to_json())?;
    println!(
        "item {index} ({}): {} run(s) → {}",
        item.id,
        item.runs.len(),
        path.display()
    );
    Ok(())
}
