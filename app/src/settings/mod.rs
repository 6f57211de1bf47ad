//! What the user has set up: one experiment (every setting of the core's table, N aside)
//! and the training sizes the slider offers. A plain state type with methods; the page
//! wraps it in a signal. [`url`] writes it into the link and reads it back.
//!
//! Invariant: a `LabSettings` is always valid. Every size makes an experiment that
//! [`data::check`] accepts, so the engine and the charts never meet a bad configuration;
//! an edit that would break this is refused with the reason, and nothing changes.

pub mod url;
pub mod words;

use grokking_lab::ExperimentConfig;
use grokking_lab::config::{ConfigError, ListError, parse_number_list};
use grokking_lab::data;
use grokking_lab::presets::{self, Preset};
use grokking_lab::settings::{self as table, SettingError};
use grokking_lab::sweep::Grid;

use crate::i18n::Lang;
use crate::protocol::DevicePreference;
use crate::tr;

/// The slider stays usable and the phase diagram legible up to this many sizes.
pub const MAX_SIZES: usize = 40;

/// The key of the sizes list, in the form and the link (it is the lab's, not a run's).
pub const SIZES_KEY: &str = "sizes";

/// The key of the batch cap, in the form and the link (the CLI's `--batch-runs`).
pub const BATCH_RUNS_KEY: &str = "batch-runs";

/// The most runs one batch may hold when the user caps it.
pub const MAX_BATCH_RUNS: usize = 64;

/// The key of the number of training workers (Web Workers; on the CPU each takes a core).
pub const WORKERS_KEY: &str = "workers";

/// The most training workers the user may ask for.
pub const MAX_WORKERS: usize = 16;

/// The key of the device training runs on (`auto`, `webgpu`, `cpu`).
pub const DEVICE_KEY: &str = "device";

/// The key of the number of seeds each size trains with.
pub const SEEDS_KEY: &str = "seeds-per-size";

/// Seeds per size: enough for a spread, few enough that a sweep stays a classroom's minutes.
pub const MAX_SEEDS: usize = 5;

#[derive(Debug, Clone, PartialEq)]
pub struct LabSettings {
    /// Every setting but N; its training size is kept at 0 (the slider picks N).
    template: ExperimentConfig,
    /// The slider's stops: ascending, no repeats, 1 ..= MAX_SIZES of them.
    sizes: Vec<usize>,
    /// The most runs trained as one batched model (1 = one size at a time); `None`: as many
    /// as the device holds. How the lab trains, not what: runs are the same either way.
    batch_runs: Option<usize>,
    /// How many Web Workers train (`None`: one on WebGPU, one per spare core on the CPU).
    /// How the lab trains, not what.
    workers: Option<usize>,
    /// Where training runs (`Auto`: the faster backend, measured). How the lab trains, not
    /// what.
    device: DevicePreference,
    /// Every size trains with seeds `seed`, `seed + 1`, … (this many, 1 ..= MAX_SEEDS); the
    /// phase diagram shows their mean and spread.
    seeds: usize,
}

/// Why an edit was refused, in the user's words (English; [`words::edit_error`] says it in
/// the page's language).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EditError {
    #[error(transparent)]
    Setting(#[from] SettingError),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    List(#[from] ListError),
    #[error("at most {MAX_SIZES} sizes, got {0}")]
    TooManySizes(usize),
    #[error("a whole number from 1 to {MAX_BATCH_RUNS}, or “auto”; got {0:?}")]
    BatchRuns(String),
    #[error("a whole number from 1 to {MAX_WORKERS}, or “auto”; got {0:?}")]
    Workers(String),
    #[error("a whole number from 1 to {MAX_SEEDS}; got {0:?}")]
    Seeds(String),
    #[error("“auto”, “webgpu” or “cpu”; got {0:?}")]
    Device(String),
}

impl Default for LabSettings {
    fn default() -> Self {
        Self::from_preset(&presets::THREE_REGIMES)
    }
}

impl LabSettings {
    pub fn from_preset(preset: &Preset) -> Self {
        Self::unchecked(preset.config(0), preset.sizes.to_vec())
    }

    /// The setup a run was made with, so that it shows on the slider: every setting from
    /// `config`, the sizes from `sizes` plus the run's own (the run's size kept when there
    /// are more than fit).
    pub fn from_config(config: &ExperimentConfig, sizes: &[usize]) -> Self {
        let own = config.train_size();
        let mut sizes: Vec<usize> = sizes.iter().copied().filter(|&n| n != own).collect();
        sizes.sort_unstable();
        sizes.dedup();
        sizes.truncate(MAX_SIZES - 1);
        sizes.push(own);
        Self::unchecked(config.clone(), sizes)
    }

    fn unchecked(mut template: ExperimentConfig, mut sizes: Vec<usize>) -> Self {
        template.set_train_size(0);
        sizes.sort_unstable();
        sizes.dedup();
        Self {
            template,
            sizes,
            batch_runs: None,
            workers: None,
            device: DevicePreference::Auto,
            seeds: 1,
        }
    }

    /// The experiment at training size `train_size`.
    pub fn config(&self, train_size: usize) -> ExperimentConfig {
        let mut config = self.template.clone();
        config.set_train_size(train_size);
        config
    }

    /// The runs of size `train_size`: one per seed, the form's seed first.
    pub fn configs(&self, train_size: usize) -> Vec<ExperimentConfig> {
        self.runs(vec![train_size])
    }

    /// The batch training will start with: size `selected` (its first seed) and every run
    /// of the same shape, up to the batch cap — what a device is timed on.
    pub fn first_batch(&self, selected: usize) -> Vec<ExperimentConfig> {
        let cap = self.batch_runs().unwrap_or(usize::MAX);
        grokking_lab::sweep::batch_with(&self.config(selected), &self.all_configs(), cap)
    }

    /// Every run of the sweep: each size with each of its seeds.
    pub fn all_configs(&self) -> Vec<ExperimentConfig> {
        self.runs(self.sizes.clone())
    }

    /// The core's grid of `sizes` × this setup's seeds (the form's seed and the next ones).
    fn runs(&self, sizes: Vec<usize>) -> Vec<ExperimentConfig> {
        let first = self.template.seed;
        let grid = Grid {
            widths: Vec::new(),
            sizes,
            seeds: (0..self.seeds as u64)
                .map(|k| first.wrapping_add(k))
                .collect(),
        };
        let runs = grid.runs(|n| Ok::<_, std::convert::Infallible>(self.config(n)));
        runs.unwrap_or_else(|never| match never {})
    }

    pub fn seeds(&self) -> usize {
        self.seeds
    }

    /// Every setting but N (the training size in it is 0): what the form shows.
    pub fn template(&self) -> &ExperimentConfig {
        &self.template
    }

    pub fn sizes(&self) -> &[usize] {
        &self.sizes
    }

    /// The user's cap on runs per batch (`None`: as many as fit on the device).
    pub fn batch_runs(&self) -> Option<usize> {
        self.batch_runs
    }

    /// The batch cap as the form and the link write it.
    pub fn batch_runs_text(&self) -> String {
        self.batch_runs
            .map_or_else(|| "auto".to_owned(), |n| n.to_string())
    }

    /// The user's number of training workers (`None`: the lab decides).
    pub fn workers(&self) -> Option<usize> {
        self.workers
    }

    /// The number of workers as the form and the link write it.
    pub fn workers_text(&self) -> String {
        self.workers
            .map_or_else(|| "auto".to_owned(), |n| n.to_string())
    }

    /// Where the user wants training to run.
    pub fn device(&self) -> DevicePreference {
        self.device
    }

    /// These settings on `device` (a preset or an imported run keeps the user's device).
    pub fn with_device(mut self, device: DevicePreference) -> Self {
        self.device = device;
        self
    }

    /// The size a fresh view of these settings starts on.
    pub fn middle_size(&self) -> usize {
        self.sizes[self.sizes.len() / 2]
    }

    pub fn is_imdb(&self) -> bool {
        self.template.task.is_imdb()
    }

    pub fn steps(&self) -> usize {
        self.template.training.steps
    }

    pub fn pool_size(&self) -> usize {
        data::pool_size(&self.template)
    }

    /// What the slider counts, in `lang` ("review", "pair").
    pub fn example_noun(&self, lang: Lang) -> String {
        if self.is_imdb() {
            tr!(lang, "slider-noun-review")
        } else {
            tr!(lang, "slider-noun-pair")
        }
    }

    /// The preset these settings are, if they are one unchanged (however they are batched
    /// and however many seeds each size trains with).
    pub fn preset(&self) -> Option<&'static Preset> {
        presets::ALL.into_iter().find(|preset| {
            let preset = Self::from_preset(preset);
            preset.template == self.template && preset.sizes == self.sizes
        })
    }

    /// The sizes as the form and the link write them.
    pub fn sizes_text(&self) -> String {
        let sizes: Vec<String> = self.sizes.iter().map(usize::to_string).collect();
        sizes.join(",")
    }

    /// Checks the invariant: at least one size, and every size a valid experiment.
    pub fn validate(&self) -> Result<(), EditError> {
        if self.sizes.len() > MAX_SIZES {
            return Err(EditError::TooManySizes(self.sizes.len()));
        }
        if self.sizes.is_empty() {
            return Err(EditError::List(ListError::Empty));
        }
        for &size in &self.sizes {
            data::check(&self.config(size))?;
        }
        Ok(())
    }

    /// Sets one setting (a key of the core's table, or [`SIZES_KEY`]) from typed text.
    /// Switching between modular arithmetic and IMDB loads that task's default preset;
    /// sizes the new pool cannot supply are dropped; fewer steps pull the evaluation
    /// interval down with them. Refused edits change nothing.
    pub fn set(&mut self, key: &str, text: &str) -> Result<(), EditError> {
        let mut next = self.clone();
        if key == SIZES_KEY {
            next.sizes = parse_sizes(text)?;
        } else if key == BATCH_RUNS_KEY {
            next.batch_runs = parse_batch_runs(text)?;
        } else if key == WORKERS_KEY {
            next.workers = parse_workers(text)?;
        } else if key == SEEDS_KEY {
            next.seeds = parse_seeds(text)?;
        } else if key == DEVICE_KEY {
            next.device = parse_device(text)?;
        } else {
            let setting = table::find(key)?;
            setting.apply(&mut next.template, text)?;
            if next.is_imdb() != self.is_imdb() {
                next = Self::from_preset(presets::default_for(next.is_imdb()));
                setting.apply(&mut next.template, text)?;
            }
            let training = &mut next.template.training;
            training.eval_every = training.eval_every.min(training.steps);
            next.fit_sizes_to_pool();
        }
        next.validate()?;
        *self = next;
        Ok(())
    }

    /// Drops sizes beyond the training pool (after the modulus shrank, say).
    fn fit_sizes_to_pool(&mut self) {
        let pool = self.pool_size();
        self.sizes.retain(|&n| n <= pool);
        if self.sizes.is_empty() {
            self.sizes = vec![(pool / 2).max(1), pool];
            self.sizes.dedup();
        }
    }
}

/// `600:1600:200` or `500,800,1200`: sorted, without repeats, at most [`MAX_SIZES`].
fn parse_sizes(text: &str) -> Result<Vec<usize>, EditError> {
    let mut sizes = parse_number_list(text)?;
    sizes.sort_unstable();
    sizes.dedup();
    if sizes.len() > MAX_SIZES {
        return Err(EditError::TooManySizes(sizes.len()));
    }
    Ok(sizes)
}

/// `auto` (or nothing) for as many as fit, else 1 ..= [`MAX_BATCH_RUNS`].
fn parse_batch_runs(text: &str) -> Result<Option<usize>, EditError> {
    parse_auto(text, MAX_BATCH_RUNS).map_err(EditError::BatchRuns)
}

/// `auto` (or nothing) for the lab's choice, else 1 ..= [`MAX_WORKERS`].
fn parse_workers(text: &str) -> Result<Option<usize>, EditError> {
    parse_auto(text, MAX_WORKERS).map_err(EditError::Workers)
}

/// `auto` (or nothing) → `None`; else a whole number in 1 ..= `max`; else the text back.
fn parse_auto(text: &str, max: usize) -> Result<Option<usize>, String> {
    let text = text.trim();
    if text.is_empty() || text.eq_ignore_ascii_case("auto") {
        return Ok(None);
    }
    match text.parse::<usize>() {
        Ok(n) if (1..=max).contains(&n) => Ok(Some(n)),
        _ => Err(text.to_owned()),
    }
}

/// `auto`, `webgpu` or `cpu` (an old link's `webgpu-unfused` reads as `webgpu`).
fn parse_device(text: &str) -> Result<DevicePreference, EditError> {
    DevicePreference::parse(text).ok_or_else(|| EditError::Device(text.trim().to_owned()))
}

/// 1 ..= [`MAX_SEEDS`].
fn parse_seeds(text: &str) -> Result<usize, EditError> {
    match text.trim().parse::<usize>() {
        Ok(n) if (1..=MAX_SEEDS).contains(&n) => Ok(n),
        _ => Err(EditError::Seeds(text.trim().to_owned())),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use grokking_lab::rng::SplitMix64;
    use grokking_lab::settings::{Kind, SETTINGS, format_real};

    #[test]
    fn every_preset_is_valid_and_recognized() {
        for preset in presets::ALL {
            let settings = LabSettings::from_preset(preset);
            settings.validate().unwrap();
            assert_eq!(settings.preset().map(|p| p.name), Some(preset.name));
            assert_eq!(settings.middle_size(), preset.middle_size());
        }
    }

    /// The lab's preset button and `grokking train --preset NAME --train-size N` build the
    /// very same experiment: both are the core preset's `config(N)`.
    #[test]
    fn a_lab_preset_is_the_cli_preset() {
        for preset in presets::ALL {
            let lab = LabSettings::from_preset(preset);
            for &n in preset.sizes {
                assert_eq!(
                    lab.config(n).key(),
                    preset.config(n).key(),
                    "{}",
                    preset.name
                );
            }
        }
        assert_eq!(
            LabSettings::from_preset(&presets::THREE_REGIMES).config(800),
            presets::find("three-regimes").unwrap().config(800)
        );
    }

    /// A random text for `setting`, mostly in range (log-uniform for wide ranges).
    fn random_text(setting: &table::Setting, rng: &mut SplitMix64) -> String {
        let log_uniform = |rng: &mut SplitMix64, lo: f64, hi: f64| {
            (lo.max(1e-12).ln() + rng.next_f64() * (hi.ln() - lo.max(1e-12).ln())).exp()
        };
        match &setting.kind {
            Kind::Whole(range) | Kind::WholeOr { range, .. } => {
                if matches!(setting.kind, Kind::WholeOr { .. }) && rng.below(4) == 0 {
                    return "0".into();
                }
                let hi = (*range.end()).min(4096) as f64;
                (log_uniform(rng, *range.start() as f64, hi).round() as usize)
                    .clamp(*range.start(), *range.end())
                    .to_string()
            }
            Kind::Real(range) => {
                let (lo, hi) = (*range.start(), *range.end());
                let value = if lo > 0.0 {
                    log_uniform(rng, lo, hi)
                } else {
                    lo + rng.next_f64() * (hi - lo)
                };
                format_real(value.clamp(lo, hi))
            }
            Kind::Seed => rng.next_u64().to_string(),
            Kind::Choice(choices) => choices[rng.below(choices.len())].name.into(),
        }
    }

    /// Random valid settings: a preset with random edits applied, keeping the ones that
    /// make a valid setup (invalid ones are refused by `set`, leaving the settings valid).
    pub(crate) fn random_settings(rng: &mut SplitMix64) -> LabSettings {
        let mut settings = LabSettings::from_preset(presets::ALL[rng.below(presets::ALL.len())]);
        for _ in 0..rng.below(12) {
            let setting = &SETTINGS[rng.below(SETTINGS.len())];
            let _ = settings.set(setting.key, &random_text(setting, rng));
        }
        if rng.below(3) == 0 {
            let pool = settings.pool_size();
            let sizes: Vec<String> = (0..1 + rng.below(6))
                .map(|_| (1 + rng.below(pool)).to_string())
                .collect();
            let _ = settings.set(SIZES_KEY, &sizes.join(","));
        }
        if rng.below(4) == 0 {
            let cap = 1 + rng.below(MAX_BATCH_RUNS);
            settings.set(BATCH_RUNS_KEY, &cap.to_string()).unwrap();
        }
        if rng.below(4) == 0 {
            let workers = 1 + rng.below(MAX_WORKERS);
            settings.set(WORKERS_KEY, &workers.to_string()).unwrap();
        }
        if rng.below(4) == 0 {
            let seeds = 1 + rng.below(MAX_SEEDS);
            settings.set(SEEDS_KEY, &seeds.to_string()).unwrap();
        }
        if rng.below(3) == 0 {
            let device = DevicePreference::ALL[rng.below(DevicePreference::ALL.len())];
            settings.set(DEVICE_KEY, device.as_str()).unwrap();
        }
        settings
    }

    #[test]
    fn random_settings_are_valid_and_varied() {
        let mut rng = SplitMix64::new(7);
        let all: Vec<LabSettings> = (0..300).map(|_| random_settings(&mut rng)).collect();
        assert!(all.iter().all(|s| s.validate().is_ok()));
        let changed = all.iter().filter(|s| s.preset().is_none()).count();
        assert!(
            changed > 200,
            "only {changed} of 300 differ from every preset"
        );
        assert!(all.iter().any(LabSettings::is_imdb));
    }

    /// config → lab state → config is the identity, for random valid configurations: an
    /// imported run lands on the slider with every setting it was trained with.
    #[test]
    fn config_to_state_round_trips() {
        let mut rng = SplitMix64::new(11);
        for _ in 0..300 {
            let settings = random_settings(&mut rng);
            let n = settings.sizes()[rng.below(settings.sizes().len())];
            let config = settings.config(n);
            let back = LabSettings::from_config(&config, settings.sizes());
            // A run knows what it is, not how it was batched or which seeds are its siblings.
            let unbatched = LabSettings {
                batch_runs: None,
                workers: None,
                device: DevicePreference::Auto,
                seeds: 1,
                ..settings
            };
            assert_eq!(back, unbatched);
            assert_eq!(back.config(n).key(), config.key());
        }
    }

    /// A CLI run with settings the old lab had no field for (β₁, the pool share, a batch
    /// size on modular arithmetic) comes back exactly, so it shows on the slider.
    #[test]
    fn an_imported_cli_run_keeps_beta1_pool_share_and_batch_size() {
        let mut config = presets::TINY.config(400);
        config.optimizer.beta1 = 0.85;
        config.training.batch_size = Some(128);
        if let grokking_lab::config::TaskConfig::ModularArithmetic(task) = &mut config.task {
            task.pool_fraction = 0.6;
        }
        let settings = LabSettings::from_config(&config, &[300, 500]);
        settings.validate().unwrap();
        assert_eq!(settings.sizes(), &[300, 400, 500]);
        assert_eq!(settings.config(400), config);
        for key in ["beta1", "pool-fraction", "batch-size"] {
            let setting = table::find(key).unwrap();
            assert_ne!(
                setting.text(settings.template()),
                setting.text(&presets::TINY.config(0)),
                "{key} shows the run's value"
            );
        }
    }

    #[test]
    fn a_refused_edit_changes_nothing_and_says_why() {
        let mut settings = LabSettings::default();
        let before = settings.clone();
        let error = settings.set("alpha", "1000").unwrap_err();
        assert_eq!(error.to_string(), "must be between 0.01 and 100, got 1000");
        let error = settings.set("heads", "3").unwrap_err();
        assert!(error.to_string().contains("divisible"), "{error}");
        assert!(
            settings.set("max-len", "16").is_err(),
            "an IMDB-only setting"
        );
        assert!(settings.set("nope", "1").is_err());
        assert!(settings.set(SIZES_KEY, "1:100:1").is_err());
        assert_eq!(settings, before);
    }

    #[test]
    fn the_batch_cap_is_auto_or_a_small_whole_number() {
        let mut settings = LabSettings::default();
        assert_eq!(settings.batch_runs(), None);
        settings.set(BATCH_RUNS_KEY, "1").unwrap();
        assert_eq!(settings.batch_runs(), Some(1));
        assert_eq!(settings.batch_runs_text(), "1");
        assert_eq!(
            settings.preset().map(|p| p.name),
            Some("three-regimes"),
            "batching does not change the experiment"
        );
        for bad in ["0", "65", "two", "-1"] {
            let error = settings.set(BATCH_RUNS_KEY, bad).unwrap_err();
            assert!(error.to_string().contains("auto"), "{error}");
        }
        assert_eq!(settings.batch_runs(), Some(1));
        settings.set(BATCH_RUNS_KEY, "auto").unwrap();
        assert_eq!(settings.batch_runs(), None);
    }

    #[test]
    fn the_number_of_workers_is_auto_or_up_to_sixteen_and_is_not_part_of_the_experiment() {
        let mut settings = LabSettings::default();
        assert_eq!(settings.workers(), None);
        settings.set(WORKERS_KEY, "2").unwrap();
        assert_eq!(settings.workers(), Some(2));
        assert_eq!(settings.workers_text(), "2");
        assert_eq!(settings.preset().map(|p| p.name), Some("three-regimes"));
        for bad in ["0", "17", "many"] {
            let error = settings.set(WORKERS_KEY, bad).unwrap_err();
            assert!(error.to_string().contains("from 1 to 16"), "{error}");
        }
        assert_eq!(settings.workers(), Some(2));
        settings.set(WORKERS_KEY, "auto").unwrap();
        assert_eq!(settings.workers(), None);
    }

    #[test]
    fn the_device_is_auto_webgpu_or_cpu_and_is_not_part_of_the_experiment() {
        let mut settings = LabSettings::default();
        assert_eq!(settings.device(), DevicePreference::Auto);
        settings.set(DEVICE_KEY, "cpu").unwrap();
        assert_eq!(settings.device(), DevicePreference::Cpu);
        assert_eq!(settings.preset().map(|p| p.name), Some("three-regimes"));
        let error = settings.set(DEVICE_KEY, "gpu").unwrap_err();
        assert!(
            error.to_string().contains("“auto”, “webgpu” or “cpu”"),
            "{error}"
        );
        assert_eq!(settings.device(), DevicePreference::Cpu);
        let tiny = LabSettings::from_preset(&presets::TINY).with_device(settings.device());
        assert_eq!(tiny.device(), DevicePreference::Cpu);
    }

    #[test]
    fn each_size_trains_with_consecutive_seeds() {
        let mut settings = LabSettings::default();
        settings.set("seed", "7").unwrap();
        assert_eq!(settings.configs(800).len(), 1);
        settings.set(SEEDS_KEY, "3").unwrap();
        let seeds: Vec<u64> = settings.configs(800).iter().map(|c| c.seed).collect();
        assert_eq!(seeds, [7, 8, 9]);
        assert!(settings.configs(800).iter().all(|c| c.train_size() == 800));
        assert_eq!(settings.all_configs().len(), 3 * settings.sizes().len());
        assert!(settings.preset().is_none(), "the seed was changed");
        for bad in ["0", "6", "x"] {
            assert!(settings.set(SEEDS_KEY, bad).is_err());
        }
        assert_eq!(settings.seeds(), 3);
    }

    #[test]
    fn switching_task_family_loads_that_family_s_preset() {
        let mut settings = LabSettings::default();
        settings.set("task", "imdb").unwrap();
        assert_eq!(settings.preset().map(|p| p.name), Some("imdb"));
        settings.set("task", "mod-mul").unwrap();
        assert!(!settings.is_imdb());
        assert_eq!(settings.sizes(), presets::THREE_REGIMES.sizes);
        assert_eq!(
            table::find("task")
                .unwrap()
                .text(settings.template())
                .as_deref(),
            Some("mod-mul")
        );
    }

    #[test]
    fn the_slider_counts_pairs_or_reviews_in_the_page_s_language() {
        let modular = LabSettings::default();
        let imdb = LabSettings::from_preset(&presets::IMDB);
        assert_eq!(modular.example_noun(Lang::En), "pair");
        assert_eq!(imdb.example_noun(Lang::En), "review");
        assert_eq!(modular.example_noun(Lang::Zh), "个数对");
        assert_eq!(imdb.example_noun(Lang::Zh), "条评论");
    }

    #[test]
    fn a_smaller_pool_drops_the_sizes_it_cannot_supply() {
        let mut settings = LabSettings::default();
        settings.set("modulus", "31").unwrap(); // 720-pair pool
        assert_eq!(settings.sizes(), &[600, 700]);
        settings.set("modulus", "11").unwrap(); // 90 pairs
        assert_eq!(settings.sizes(), &[45, 90]);
        settings.set("steps", "10").unwrap();
        assert_eq!(settings.template().training.eval_every, 10);
    }
}
