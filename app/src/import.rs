//! What an imported results file becomes on screen: the one setup the lab switches to, and,
//! for every run it cannot show there, why. Every run is kept either way (IndexedDB): one
//! shown later when the user picks its setup.
//!
//! The lab shows one experiment at a time (every setting but N), its sizes on the slider
//! and up to [`MAX_SEEDS`] consecutive seeds per size. A CLI sweep can hold more: several
//! widths (`--d-models`), any seeds, any number of sizes.

use grokking_lab::ExperimentConfig;
use grokking_lab::settings::differences;

use crate::i18n::Lang;
use crate::settings::{LabSettings, MAX_SEEDS, MAX_SIZES, SEEDS_KEY};
use crate::tr;

/// The lab's view of an import.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportPlan {
    /// The setup to show and the size to select; `None` when no run can be shown.
    pub view: Option<(LabSettings, usize)>,
    /// How many of the runs that setup shows.
    pub shown: usize,
    /// The others, grouped: how many, and why they are not shown.
    pub hidden: Vec<(usize, Hidden)>,
}

/// Why imported runs are not on the slider (worded by [`Hidden::text`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Hidden {
    /// Another setup: the first three settings that differ, whether there are more, and
    /// whether only the width differs (the model-wise map shows them).
    OtherSetup {
        differences: Vec<Difference>,
        more: bool,
        width_only: bool,
    },
    /// Seeds beyond the consecutive ones shown (`first`–`last`).
    OtherSeeds {
        seeds: Vec<u64>,
        first: u64,
        last: u64,
    },
    /// Sizes beyond the slider's stops (those above `above`).
    MoreSizes { above: usize },
    /// A setup the lab cannot train (why).
    Untrainable(String),
}

/// A setting whose value differs: its key (as links write it), the runs' value and the
/// shown one (`None`: not set).
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    pub key: &'static str,
    pub theirs: Option<String>,
    pub shown: Option<String>,
}

/// A list's separator in `lang`.
fn separator(lang: Lang) -> &'static str {
    match lang {
        Lang::En => ", ",
        Lang::Zh => "，",
    }
}

impl Hidden {
    /// The group of `count` runs and why they are hidden, in `lang`.
    pub fn text(&self, lang: Lang, count: usize) -> String {
        match self {
            Self::OtherSetup {
                differences,
                more,
                width_only,
            } => {
                let not_set = || tr!(lang, "import-not-set");
                let mut named: Vec<String> = differences
                    .iter()
                    .map(|d| {
                        let value = d.theirs.clone().unwrap_or_else(not_set);
                        let shown = d.shown.clone().unwrap_or_else(not_set);
                        tr!(
                            lang,
                            "import-difference",
                            setting = d.key,
                            value = value,
                            shown = shown
                        )
                    })
                    .collect();
                if *more {
                    named.push("…".to_owned());
                }
                let differences = named.join(separator(lang));
                if *width_only {
                    tr!(
                        lang,
                        "import-other-width",
                        count = count,
                        differences = differences
                    )
                } else {
                    tr!(
                        lang,
                        "import-other-setup",
                        count = count,
                        differences = differences
                    )
                }
            }
            Self::OtherSeeds { seeds, first, last } => {
                let seeds: Vec<String> = seeds.iter().map(u64::to_string).collect();
                let seeds = seeds.join(separator(lang));
                tr!(
                    lang,
                    "import-other-seeds",
                    count = count,
                    seeds = seeds,
                    max = MAX_SEEDS,
                    first = first.to_string(),
                    last = last.to_string()
                )
            }
            Self::MoreSizes { above } => tr!(
                lang,
                "import-more-sizes",
                count = count,
                size = above.to_string(),
                max = MAX_SIZES
            ),
            Self::Untrainable(error) => {
                tr!(
                    lang,
                    "import-untrainable",
                    count = count,
                    error = error.as_str()
                )
            }
        }
    }
}

impl ImportPlan {
    /// One sentence per group, for the notice, in `lang`.
    pub fn message(&self, lang: Lang, total: usize) -> String {
        let mut text = match &self.view {
            Some((settings, _)) => tr!(
                lang,
                "import-summary",
                total = total,
                shown = self.shown,
                sizes = settings.sizes_text(),
                seeds = settings.seeds()
            ),
            None => tr!(lang, "import-summary-none", total = total),
        };
        if !self.hidden.is_empty() {
            let parts: Vec<String> = self
                .hidden
                .iter()
                .map(|(count, why)| why.text(lang, *count))
                .collect();
            let groups = parts.join(match lang {
                Lang::En => "; ",
                Lang::Zh => "；",
            });
            text.push_str(&tr!(lang, "import-hidden", groups = groups));
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
    let other_seeds: Vec<u64> = seeds.iter().copied().filter(|&s| !seed_shown(s)).collect();
    if !other_seeds.is_empty() {
        let left_out = runs.iter().filter(|c| !seed_shown(c.seed)).count();
        hidden.push((
            left_out,
            Hidden::OtherSeeds {
                seeds: other_seeds,
                first: base,
                last: base.wrapping_add(count as u64 - 1),
            },
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
            Hidden::MoreSizes {
                above: sizes[MAX_SIZES - 1],
            },
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
            hidden.push((shown, Hidden::Untrainable(error.to_string())));
            ImportPlan {
                view: None,
                shown: 0,
                hidden,
            }
        }
    }
}

/// How `other` differs from the setup `shown` ("of another setup (d-model 64 (shown: 128)):
/// set those values to see them").
fn other_setup(shown: &ExperimentConfig, other: &ExperimentConfig) -> Hidden {
    let found = differences(shown, other, &["seed"]);
    Hidden::OtherSetup {
        differences: found
            .iter()
            .take(3)
            .map(|d| Difference {
                key: d.setting.key,
                theirs: d.here.clone(),
                shown: d.there.clone(),
            })
            .collect(),
        more: found.len() > 3,
        width_only: found.len() == 1 && found[0].setting.key == "d-model",
    }
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
        let message = plan.message(Lang::En, 6);
        assert!(message.contains("6 shown"), "{message}");
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
        let text = plan.message(Lang::En, configs.len());
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
            plan.hidden[0].1.text(Lang::En, 3).contains("slider holds"),
            "{:?}",
            plan.hidden
        );
    }

    #[test]
    fn the_import_is_summed_up_in_english_as_before_and_in_chinese() {
        let mut configs = runs(&[16, 32], &[300, 500, 600], &[0]);
        configs.extend(runs(&[16], &[300], &[7]));
        let plan = plan(&configs);
        let english = plan.message(Lang::En, configs.len());
        assert!(
            english.starts_with("Imported 7 run(s); 3 shown (N = 300,500,600, 1 seed(s) per size). Kept in this browser, not on the slider: 3 of another setup (d-model 32 (shown: 16)"),
            "{english}"
        );
        assert!(
            english.ends_with(
                "; 1 with seed(s) 7 (the lab shows up to 5 consecutive seeds per size: here 0–0)."
            ),
            "{english}"
        );
        let chinese = plan.message(Lang::Zh, configs.len());
        assert!(chinese.contains("已导入 7 次训练"), "{chinese}");
        assert!(chinese.contains("d-model"), "{chinese}");
    }
}
