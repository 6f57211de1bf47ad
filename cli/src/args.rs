//! The experiment flags. Each is derived from the core's settings table
//! ([`grokking_lab::settings::SETTINGS`]): name, help, range and parsing are written once,
//! there. A run starts from `--preset NAME`, or from the paper's configuration of `--task`,
//! and every flag given overrides that base.

use clap::builder::{PossibleValuesParser, ValueParser};
use clap::{Arg, ArgMatches, Args, Command, FromArgMatches};
use grokking_lab::ExperimentConfig;
use grokking_lab::config::{ListError, parse_number_list};
use grokking_lab::presets::{self, Preset};
use grokking_lab::settings::{SETTINGS, Setting};

const PRESET: &str = "preset";

/// A preset (or the paper's configuration of the task) and the flags given on top of it.
#[derive(Debug, Clone, Default)]
pub struct ExperimentArgs {
    pub preset: Option<&'static Preset>,
    /// Every experiment flag given, in the table's order, with its text as typed.
    pub values: Vec<(&'static Setting, String)>,
}

impl ExperimentArgs {
    fn given(&self, key: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(setting, _)| setting.key == key)
            .map(|(_, text)| text.as_str())
    }

    /// What the flags start from: `--preset`, else the paper's configuration of `--task`.
    pub fn base(&self) -> &'static Preset {
        self.preset
            .unwrap_or_else(|| presets::paper_for(self.given("task") == Some("imdb")))
    }

    /// The experiment at training size `train_size`: the base with every flag applied.
    pub fn config(&self, train_size: usize) -> anyhow::Result<ExperimentConfig> {
        let base = self.base();
        let mut config = base.config(train_size);
        for (setting, text) in &self.values {
            if setting.key == "task" && (text == "imdb") != base.is_imdb() {
                anyhow::bail!(
                    "--task {text} does not fit --preset {} (a {} preset)",
                    base.name,
                    if base.is_imdb() {
                        "IMDB"
                    } else {
                        "modular-arithmetic"
                    }
                );
            }
            setting
                .apply(&mut config, text)
                .map_err(|e| anyhow::anyhow!("--{} {text}: {e}", setting.key))?;
        }
        Ok(config)
    }
}

/// `[default: …]` for a setting: its value in the paper's configuration of each task.
fn paper_default(setting: &Setting) -> String {
    let value = |preset: &Preset| setting.text(&preset.config(preset.sizes[0]));
    match (value(&presets::PAPER), value(&presets::IMDB_PAPER)) {
        (Some(modular), Some(imdb)) if modular == imdb => format!("[default: {modular}]"),
        (Some(modular), Some(imdb)) => format!("[default: {modular}; IMDB: {imdb}]"),
        (Some(only), None) | (None, Some(only)) => format!("[default: {only}]"),
        (None, None) => String::new(),
    }
}

fn flag(setting: &'static Setting) -> Arg {
    let scope = if setting.scope == "every task" {
        String::new()
    } else {
        format!(" ({} only)", setting.scope)
    };
    Arg::new(setting.key)
        .long(setting.key)
        .value_name("VALUE")
        .help(format!(
            "{}: {}{scope} [{}] {}",
            setting.label,
            setting.help,
            setting.range_text(),
            paper_default(setting)
        ))
        .help_heading(setting.group.title())
        .value_parser(ValueParser::new(move |text: &str| {
            setting.parse(text).map(|_| text.to_owned())
        }))
}

impl Args for ExperimentArgs {
    fn augment_args(command: Command) -> Command {
        let names: Vec<&str> = presets::ALL.iter().map(|p| p.name).collect();
        let command = command.arg(
            Arg::new(PRESET)
                .long(PRESET)
                .value_name("NAME")
                .help("Start from a named experiment (`grokking presets` lists them); the flags below override it [default: the paper's configuration of --task]")
                .value_parser(PossibleValuesParser::new(names)),
        );
        SETTINGS
            .iter()
            .fold(command, |command, setting| command.arg(flag(setting)))
    }

    fn augment_args_for_update(command: Command) -> Command {
        Self::augment_args(command)
    }
}

impl FromArgMatches for ExperimentArgs {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let preset = matches
            .get_one::<String>(PRESET)
            .and_then(|name| presets::find(name));
        let values = SETTINGS
            .iter()
            .filter_map(|setting| {
                let text = matches.get_one::<String>(setting.key)?;
                Some((setting, text.clone()))
            })
            .collect();
        Ok(Self { preset, values })
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

/// A list of whole numbers from the command line (see [`parse_list`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct List(pub Vec<usize>);

/// Parses `600,900,1200` or `start:end:step` (see [`parse_number_list`]).
pub fn parse_list(text: &str) -> Result<List, ListError> {
    parse_number_list(text).map(List)
}

/// The line `grokking presets NAME` prints: the preset as flags, derived from the table.
pub fn as_flags(config: &ExperimentConfig) -> String {
    SETTINGS
        .iter()
        .filter_map(|setting| Some(format!("--{} {}", setting.key, setting.text(config)?)))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        experiment: ExperimentArgs,
    }

    fn config(args: &[&str], train_size: usize) -> anyhow::Result<ExperimentConfig> {
        let cli = Cli::try_parse_from(std::iter::once("grokking").chain(args.iter().copied()))?;
        cli.experiment.config(train_size)
    }

    #[test]
    fn lists_and_ranges() {
        assert_eq!(parse_list("600,900").unwrap().0, [600, 900]);
        assert_eq!(parse_list("1000:2000:500").unwrap().0, [1000, 1500, 2000]);
        assert_eq!(parse_list("1000:9500:500").unwrap().0.len(), 18);
        assert_eq!(parse_list("5, 10:20:10").unwrap().0, [5, 10, 20]);
        assert!(parse_list("10:5:1").is_err());
        assert!(parse_list("1:2").is_err());
        assert!(parse_list("x").is_err());
        assert!(parse_list("").is_err());
    }

    #[test]
    fn a_preset_is_the_cores_preset() {
        for preset in presets::ALL {
            let n = preset.middle_size();
            assert_eq!(
                config(&["--preset", preset.name], n).unwrap(),
                preset.config(n)
            );
        }
    }

    #[test]
    fn without_a_preset_the_task_starts_from_the_paper() {
        assert_eq!(config(&[], 1000).unwrap(), presets::PAPER.config(1000));
        assert_eq!(
            config(&["--task", "imdb"], 1000).unwrap(),
            presets::IMDB_PAPER.config(1000)
        );
    }

    #[test]
    fn flags_override_the_preset() {
        let got = config(
            &[
                "--preset",
                "three-regimes",
                "--alpha",
                "3",
                "--batch-size",
                "64",
                "--beta1",
                "0.8",
                "--pool-fraction",
                "0.5",
            ],
            800,
        )
        .unwrap();
        let mut expected = presets::THREE_REGIMES.config(800);
        expected.grokking.alpha = 3.0;
        expected.training.batch_size = Some(64);
        expected.optimizer.beta1 = 0.8;
        if let grokking_lab::config::TaskConfig::ModularArithmetic(task) = &mut expected.task {
            task.pool_fraction = 0.5;
        }
        assert_eq!(got, expected);
    }

    #[test]
    fn bad_flags_are_refused_with_the_reason() {
        let error = config(&["--alpha", "1000"], 10).unwrap_err().to_string();
        assert!(error.contains("must be between 0.01 and 100"), "{error}");
        let error = config(&["--max-len", "16"], 10).unwrap_err().to_string();
        assert_eq!(error, "--max-len 16: applies to IMDB only");
        let error = config(&["--preset", "tiny", "--task", "imdb"], 10)
            .unwrap_err()
            .to_string();
        assert!(error.contains("does not fit --preset tiny"), "{error}");
        assert!(config(&["--preset", "nope"], 10).is_err());
    }

    #[test]
    fn a_preset_printed_as_flags_parses_back_to_itself() {
        for preset in presets::ALL {
            let expected = preset.config(preset.sizes[0]);
            let flags = as_flags(&expected);
            let args: Vec<&str> = flags.split(' ').collect();
            assert_eq!(config(&args, preset.sizes[0]).unwrap(), expected, "{flags}");
        }
    }
}
