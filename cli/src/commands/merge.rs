//! `grokking merge`: the results of a plan's tasks as one sweep file, checked against the
//! plan — no result from another plan, none missing.

use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Args;
use grokking_lab::AnalysisConfig;
use grokking_lab::record::{self, SweepRecord};

use super::run_task::load_plan;
use crate::files::{check_writable, write_atomically};
use crate::plan::TaskResult;

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The results directory the tasks wrote into.
    pub results: PathBuf,
    /// The plan the tasks ran.
    #[arg(long)]
    pub plan: PathBuf,
    /// The sweep file to write (the run format: `grokking analyze` and the lab read it).
    #[arg(long)]
    pub out: PathBuf,
}

pub fn run(args: MergeArgs) -> anyhow::Result<()> {
    let plan = load_plan(&args.plan)?;
    check_writable(&args.out)?;
    // Every result file there must belong to this plan: a stray one means two sweeps share
    // the directory.
    for entry in std::fs::read_dir(&args.results)
        .with_context(|| format!("cannot read {}", args.results.display()))?
    {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if !(name.starts_with("item-") && name.ends_with(".json")) {
            continue;
        }
        let known = (0..plan.items.len()).any(|i| plan.result_name(i) == name);
        if !known {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let other = TaskResult::plan_of(&text);
            bail!(
                "{} is not a result of plan {} ({}): keep each sweep's results in their own directory",
                path.display(),
                plan.hash,
                other.map_or_else(
                    || "not a task result".to_owned(),
                    |p| format!("it is from plan {p}")
                )
            );
        }
    }
    let mut runs = Vec::new();
    let mut missing = Vec::new();
    for index in 0..plan.items.len() {
        let path = args.results.join(plan.result_name(index));
        if !path.exists() {
            missing.push(index);
            continue;
        }
        let text = std::fs::read_to_string(&path)?;
        let result = TaskResult::load_for(&text, &plan, index)
            .with_context(|| format!("{} is not a usable result", path.display()))?;
        runs.extend(result.runs);
    }
    if !missing.is_empty() {
        let list: Vec<String> = missing.iter().map(usize::to_string).collect();
        bail!(
            "{} of {} items have no result yet: {}. Run each with\n  grokking run-task --plan {} --index I --out {}\n(on Slurm: sbatch --array={} deploy/slurm/sweep.sbatch)",
            missing.len(),
            plan.items.len(),
            list.join(", "),
            args.plan.display(),
            args.results.display(),
            list.join(",")
        );
    }
    let analysis = AnalysisConfig::for_task(&runs[0].config.task);
    let sweep = SweepRecord::new(runs, analysis);
    write_atomically(&args.out, record::to_json(&sweep))?;
    print!("{}", crate::table::render(&sweep.analysis));
    println!(
        "{} runs of plan {} → {}",
        sweep.runs.len(),
        plan.hash,
        args.out.display()
    );
    Ok(())
}
