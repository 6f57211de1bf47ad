use std::path::PathBuf;

use clap::Args;
use grokking_lab::AnalysisConfig;
use grokking_lab::record::{self, SweepRecord};
use grokking_lab::run::RunError;

use super::{BatchJob, interrupt_flag, step_bar};
use crate::args::ExperimentArgs;
use crate::backend::BackendKind;
use crate::files::write_atomically;
use crate::memory::MemoryArgs;

#[derive(Debug, Args)]
pub struct TrainArgs {
    #[command(flatten)]
    pub experiment: ExperimentArgs,
    /// N: training examples drawn from the pool [default: the middle of the preset's sizes]
    #[arg(long)]
    pub train_size: Option<usize>,
    #[arg(long, value_enum, default_value = "cpu")]
    pub backend: BackendKind,
    /// Where to write the run file (JSON, docs/run-format.md).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Also write the run's starting point before training: its initial parameters (after
    /// the α rescale) and its training and test sets, as safetensors (tools/parity).
    #[arg(long, value_name = "FILE")]
    pub save_init: Option<PathBuf>,
    #[command(flatten)]
    pub memory: MemoryArgs,
}

pub fn run(args: TrainArgs) -> anyhow::Result<()> {
    let experiment = &args.experiment;
    let train_size = args
        .train_size
        .unwrap_or_else(|| experiment.base().middle_size());
    let config = experiment.config(train_size)?;
    super::validate(&config)?;
    args.memory.check(&[vec![config.clone()]], 1)?;
    if let Some(path) = &args.out {
        crate::files::check_writable(path)?;
    }
    if let Some(path) = &args.save_init {
        super::save_init::write(path, &config, &super::dataset(&config)?)?;
        println!("wrote {}", path.display());
    }
    let bar = step_bar(config.training.steps);
    bar.set_prefix(format!("N={train_size}"));
    let job = BatchJob {
        configs: vec![config],
        backend: args.backend,
        bar: bar.clone(),
        stop: interrupt_flag(),
    };
    let run = match job.run(&args.backend.device()?) {
        Ok(mut runs) => runs.remove(0),
        Err(RunError::Stopped { step }) => {
            return Err(super::Interrupted(format!(
                "interrupted at step {step}: the run was not written"
            ))
            .into());
        }
        Err(error) => return Err(anyhow::Error::from(error).context("training did not finish")),
    };
    bar.finish();
    if let Some(step) = run.summary.diverged_at {
        eprintln!(
            "warning: training diverged at step {step}; the run keeps its history up to there"
        );
    }
    let analysis = AnalysisConfig::for_task(&run.config.task);
    let table = crate::table::render(&SweepRecord::new(vec![run.clone()], analysis).analysis);
    println!("{table}");
    println!("{:.1} s on {}", run.meta.wall_seconds, run.meta.backend);
    if let Some(path) = &args.out {
        write_atomically(path, record::to_json(&run))?;
        println!("wrote {}", path.display());
    }
    Ok(())
}
