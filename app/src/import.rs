//! What an imported results file becomes on screen: the one setup the lab switches to, and,
//! for every run it cannot show there, why. Every run is kept either way (IndexedDB): one
//! shown later when the user picks its setup.
//!
//! The lab shows one experiment at a time (every setting but N), its sizes on the slider
//! and up to [`MAX_SEEDS`] consecutive seeds per size. A CLI sweep can hold more: several
//! widths (`--d-models`), any seeds, any number of sizes.

use grokking_lab::ExperimentConfig;
use grokking_lab::settings::differences;

use crate::settings::{LabSettings, MAX_SEEDS, MAX_SIZES, SEEDS_KEY};

/// The lab's view of an import.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportPlan {
    /// The setup to show and the size to select; `None` when no run can be shown.
    pub view: Option<(LabSettings, usize)>,
    /// How many of the runs that setup shows.
    pub shown: usize,
    /// The others, grouped: how many, and why they are not shown.
    pub hidden: Vec<(usize, String)>,
}

impl ImportPlan {
    /// One sentence per group, for the notice.
    pub fn message(&self, total: usize) -> String {
        let mut text = format!("Imported {total} run(s)");
        match &self.view {
            Some((settings, _)) => text.push_str(&format!(
                "; {} shown (N = {}, {} seed(s) per size).",
                self.shown,
                settings.sizes_text(),
                settings.seeds()
            )),
            None => text.push_str("; none can be shown here."),
        }
        if !self.hidden.is_empty() {
            text.push_str(" Kept in this browser, not on the slider: ");
            let parts: Vec<String> = self
                .hidden
                .iter()
                .map(|(count, why)| format!("{count} {why}"))
                .collect();
            text.push_str(&parts.join("; "));
            text.push('.');
        }
        text
    }
}

/// An experiment without its axes: what runs of one setup share.
fn experiment(config: &ExperimentConfig) -> ExperimentConfig {
    let mut experiment = config.clone();
    experiment.set_train_size(0);
    experiment.seed = 0;
    experiment
}

/// Picks the setup with the most runs, its consecutive seeds from the lowest, its sizes up
/// to the slider's limit, and says why each other run is left out.
pub fn plan(configs: &[ExperimentConfig]) -> ImportPlan {
    let mut groups: Vec<(ExperimentConfig, Vec<&ExperimentConfig>)> = Vec::new();
    for config in configs {
        let key = experiment(config);
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, runs)) => runs.push(config),
            None => groups.push((key, vec![config])),
        }
    }
    let Some(chosen) = (0..groups.len()).max_by_key(|&i| (groups[i].1.len(), usize::MAX - i))
    else {
        return ImportPlan {
            view: None,
            shown: 0,
            hidden: Vec::new(),
        };
    };
    let mut hidden = Vec::new();
    let (template, runs) = &groups[chosen];
    for (i, (other, runs)) in groups.iter().enumerate() {
        if i != chosen {
            hidden.push((runs.len(), other_setup(template, other)));
        }
    }

    // Seeds: the lowest and those following it, as the lab trains them.
    let mut seeds: Vec<u64> = runs.iter().map(|c| c.seed).collect();
    seeds.sort_unstable();
    seeds.dedup();
    let base = seeds[0];
    let count = seeds
        .iter()
        .enumerate()
        .take_while(|&(k, &seed)| seed == base.wrapping_add(k as u64))
        .count()
        .min(MAX_SEEDS);
    let seed_shown = |seed: u64| seed.wrapping_sub(base) < count as u64;
    let other_seeds: Vec<String> = seeds
        .iter()
        .filter(|&&s| !seed_shown(s))
        .map(u64::to_string)
        .collect();
    if !other_seeds.is_empty() {
        let left_out = runs.iter().filter(|c| !seed_shown(c.seed)).count();
        hidden.push((
            left_out,
            format!(
                "with seed(s) {} (the lab shows up to {MAX_SEEDS} consecutive seeds per size: here {}–{})",
                other_seeds.join(", "),
                base,
                base.wrapping_add(count as u64 - 1)
            ),
        ));
    }

    // Sizes: the slider holds MAX_SIZES stops, the smallest kept.
    let mut sizes: Vec<usize> = runs
        .iter()
        .filter(|c| seed_shown(c.seed))
        .map(|c| c.train_size())
        .collect();
    sizes.sort_unstable();
    sizes.dedup();
    if sizes.len() > MAX_SIZES {
        let beyond = sizes[MAX_SIZES..].to_vec();
        sizes.truncate(MAX_SIZES);
        let left_out = runs
            .iter()
            .filter(|c| seed_shown(c.seed) && beyond.contains(&c.train_size()))
            .count();
        hidden.push((
            left_out,
            format!(
                "at N above {} (the slider holds {MAX_SIZES} sizes)",
                sizes[MAX_SIZES - 1]
            ),
        ));
    }
    let shown = runs
        .iter()
        .filter(|c| seed_shown(c.seed) && sizes.contains(&c.train_size()))
        .count();

    let mut first = (*template).clone();
    first.seed = base;
    first.set_train_size(sizes[0]);
    let mut settings = LabSettings::from_config(&first, &sizes);
    let view = settings
        .set(SEEDS_KEY, &count.to_string())
        .and_then(|()| settings.validate());
    match view {
        Ok(()) => ImportPlan {
            view: Some((settings, sizes[0])),
            shown,
            hidden,
        },
        Err(error) => {
            hidden.push((
                shown,
                format!("of a setup the lab cannot train ({error}); `grokking analyze` reads them"),
            ));
            ImportPlan {
                view: None,
                shown: 0,
                hidden,
            }
        }
    }
}

/// "of another setup (d-model 64, shown: 128): choose those settings to see them".
fn other_setup(shown: &ExperimentConfig, other: &ExperimentConfig) -> String {
    let found = differences(shown, other, &["seed"]);
    let named: Vec<String> = found
        .iter()
        .take(3)
        .map(|d| {
            format!(
                "{} {} (shown: {})",
                d.setting.key,
                d.here_text(),
                d.there_text()
            )
        })
        .collect();
    let more = if found.len() > 3 { ", …" } else { "" };
    let width_only = found.len() == 1 && found[0].setting.key == "d-model";
    format!(
        "of another setup ({}{more}): {}",
        named.join(", "),
        if width_only {
            "on the model-wise map, or set that width to see their curves"
        } else {
            "set those values to see them"
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use grokking_lab::presets;

    fn runs(widths: &[usize], sizes: &[usize], seeds: &[u64]) -> Vec<ExperimentConfig> {
        let mut out = Vec::new();
        for &d in widths {
            for &n in sizes {
                for &seed in seeds {
                    let mut config = presets::TINY.config(n);
                    config.model.d_model = d;
                    config.model.d_mlp = 4 * d;
                    config.seed = seed;
                    out.push(config);
                }
            }
        }
        out
    }

    #[test]
    fn a_sweep_with_three_seeds_shows_all_of_them() {
        let configs = runs(&[32], &[300, 500], &[0, 1, 2]);
        let plan = plan(&configs);
        let (settings, selected) = plan.view.clone().expect("shown");
        assert_eq!(settings.seeds(), 3);
        assert_eq!(settings.sizes(), [300, 500]);
        assert_eq!(selected, 300);
        assert_eq!(plan.shown, 6);
        assert!(plan.hidden.is_empty());
        // Every imported run is one the lab would train: it shows on the slider.
        let all = settings.all_configs();
        assert!(configs.iter().all(|c| all.contains(c)));
        assert!(plan.message(6).contains("6 shown"), "{}", plan.message(6));
    }

    #[test]
    fn other_widths_and_far_seeds_are_named_with_the_reason() {
        let mut configs = runs(&[32, 64], &[300, 500], &[0, 1]);
        configs.extend(runs(&[32], &[300], &[7]));
        let plan = plan(&configs);
        let (settings, _) = plan.view.clone().expect("shown");
        assert_eq!(
            settings.template().model.d_model,
            32,
            "the width with the most runs"
        );
        assert_eq!(plan.shown, 4);
        let text = plan.message(configs.len());
        assert!(
            text.contains("4 of another setup (d-model 64 (shown: 32)"),
            "{text}"
        );
        assert!(text.contains("1 with seed(s) 7"), "{text}");
        let hidden: usize = plan.hidden.iter().map(|(n, _)| n).sum();
        assert_eq!(
            plan.shown + hidden,
            configs.len(),
            "every run accounted for"
        );
    }

    #[test]
    fn non_default_settings_are_shown_as_they_are() {
        let mut configs = runs(&[32], &[300, 500], &[4]);
        for config in &mut configs {
            config.optimizer.beta1 = 0.8;
            config.training.batch_size = Some(64);
        }
        let plan = plan(&configs);
        let (settings, _) = plan.view.expect("a β₁ and a batch size the form can hold");
        assert_eq!(settings.template().optimizer.beta1, 0.8);
        assert_eq!(settings.template().seed, 4);
        assert_eq!(plan.shown, 2);
    }

    #[test]
    fn more_sizes_than_the_slider_holds_are_named() {
        let sizes: Vec<usize> = (0..MAX_SIZES + 3).map(|k| 100 + 10 * k).collect();
        let configs = runs(&[32], &sizes, &[0]);
        let plan = plan(&configs);
        assert_eq!(plan.shown, MAX_SIZES);
        assert_eq!(plan.hidden.len(), 1);
        assert_eq!(plan.hidden[0].0, 3);
        assert!(
            plan.hidden[0].1.contains("slider holds"),
            "{:?}",
            plan.hidden
        );
    }
}
