//! `grokking presets`: the named experiments the lab's buttons and `--preset` share.

use clap::Args;
use grokking_lab::presets;

use crate::args::as_flags;

#[derive(Debug, Args)]
pub struct PresetsArgs {
    /// Show one preset whole: its description and every setting as flags.
    pub name: Option<String>,
}

fn sizes(sizes: &[usize]) -> String {
    match sizes {
        [first, .., last] => format!("N = {first} … {last} ({} sizes)", sizes.len()),
        [only] => format!("N = {only}"),
        [] => String::new(),
    }
}

pub fn run(args: PresetsArgs) -> anyhow::Result<()> {
    let Some(name) = args.name else {
        for preset in presets::ALL {
            println!(
                "{:<14} {} · {}",
                preset.name,
                preset.label,
                sizes(preset.sizes)
            );
        }
        println!(
            "\n`grokking presets NAME` shows one whole; `--preset NAME` starts train or sweep from it."
        );
        return Ok(());
    };
    let Some(preset) = presets::find(&name) else {
        let names: Vec<&str> = presets::ALL.iter().map(|p| p.name).collect();
        anyhow::bail!("no preset named {name:?}: try {}", names.join(", "));
    };
    println!("{} — {}\n", preset.name, preset.label);
    println!("{}\n", preset.description);
    println!("{}", sizes(preset.sizes));
    println!(
        "sizes: {}",
        preset
            .sizes
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(",")
    );
    println!("flags: {}", as_flags(&preset.config(preset.middle_size())));
    Ok(())
}
