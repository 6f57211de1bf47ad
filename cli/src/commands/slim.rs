//! `grokking slim FILE --out OUT`: a copy of a run or sweep file without its `learned`
//! snapshots — what the lab ships as a preset's reference. The lab draws a reference's
//! curves and phase diagram, never its snapshots, which are 98 % of a p = 113 run's bytes.

use std::path::PathBuf;

use clap::Args;
use grokking_lab::record::{self, Loaded};

use crate::files::{read_records, write_atomically};

#[derive(Debug, Args)]
pub struct SlimArgs {
    /// A run or sweep file written by `grokking` or exported from the lab.
    pub file: PathBuf,
    /// Where to write the copy (may not be FILE itself: the full file is the record).
    #[arg(long)]
    pub out: PathBuf,
}

pub fn run(args: SlimArgs) -> anyhow::Result<()> {
    if args.out == args.file {
        anyhow::bail!(
            "--out is {}, the file itself: write the slim copy elsewhere",
            args.out.display()
        );
    }
    let mut loaded = read_records(&args.file)?;
    let json = match &mut loaded {
        Loaded::Run(run) => {
            run.learned.clear();
            record::to_json(run)
        }
        Loaded::Sweep(sweep) => {
            for run in &mut sweep.runs {
                run.learned.clear();
            }
            record::to_json(sweep)
        }
    };
    write_atomically(&args.out, format!("{json}\n"))?;
    eprintln!(
        "wrote {} ({} runs, {:.2} MB, from {:.2} MB)",
        args.out.display(),
        loaded.runs().len(),
        json.len() as f64 / 1e6,
        std::fs::metadata(&args.file)?.len() as f64 / 1e6
    );
    Ok(())
}
