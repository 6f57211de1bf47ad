//! `grokking plan`: a sweep split into work items for a cluster (`docs/cluster.md`).

use std::path::PathBuf;

use clap::Args;

use super::sweep::GridArgs;
use crate::files::{check_writable, write_atomically};
use crate::plan::Plan;
use grokking_lab::sweep::batches;

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub grid: GridArgs,
    /// The plan file to write.
    #[arg(long)]
    pub out: PathBuf,
}

pub fn run(args: PlanArgs) -> anyhow::Result<()> {
    let runs = args.grid.runs()?;
    check_writable(&args.out)?;
    let count = runs.len();
    // One item per batch, batched as `sweep --jobs 1` batches (up to --batch-runs runs of
    // one shape; the CPU's default is one run per batch).
    let plan = Plan::new(batches(runs, args.grid.batch_cap(), 1));
    let json = serde_json::to_string_pretty(&plan)?;
    write_atomically(&args.out, json)?;
    let last = plan.items.len().saturating_sub(1);
    println!(
        "{}: {} runs in {} items (plan {}). Run item I with\n  grokking run-task --plan {} --index I --out RESULTS\n(I = 0 … {last}; on Slurm: sbatch --array=0-{last} deploy/slurm/sweep.sbatch)",
        args.out.display(),
        count,
        plan.items.len(),
        plan.hash,
        args.out.display(),
    );
    Ok(())
}
