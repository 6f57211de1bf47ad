//! What the user has set up: everything but the training size, which the slider picks.
//! It round-trips through the URL hash so a link reproduces the setup.

use grokking_lab::ExperimentConfig;
use grokking_lab::config::{
    ConfigError, ImdbConfig, ModelConfig, ModularConfig, TaskConfig, limits, parse_number_list,
};
use grokking_lab::data::modular::Operation;

use crate::imdb;

/// Which of the paper's tasks the lab trains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabTask {
    /// `a ∘ b mod p` on a 1-layer GPT.
    Modular,
    /// IMDB sentiment on a 1-layer BERT-style encoder.
    Imdb,
}

impl LabTask {
    pub const ALL: [LabTask; 2] = [Self::Modular, Self::Imdb];

    pub fn key(self) -> &'static str {
        match self {
            Self::Modular => "modular",
            Self::Imdb => "imdb",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Modular => "Modular arithmetic (GPT)",
            Self::Imdb => "IMDB sentiment (BERT)",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.key() == key)
    }

    /// The preset a task switch lands on.
    pub fn default_preset(self) -> Preset {
        match self {
            Self::Modular => Preset::ThreeRegimes,
            Self::Imdb => Preset::Imdb,
        }
    }
}

/// The lab's setup.
#[derive(Debug, Clone, PartialEq)]
pub struct LabSettings {
    pub task: LabTask,
    pub operation: Operation,
    pub modulus: usize,
    /// IMDB: words kept per review, most frequent words kept, mini-batch, test reviews.
    pub max_len: usize,
    pub vocab_size: usize,
    pub batch_size: usize,
    pub test_size: usize,
    pub d_model: usize,
    pub n_heads: usize,
    pub d_mlp: usize,
    pub n_layers: usize,
    pub alpha: f64,
    pub weight_decay: f64,
    pub lr: f64,
    /// AdamW's β₂ and ε (the paper: 0.98 / 0.999 and 1e-8; the IMDB preset needs 0.98 and
    /// 1e-6, see docs/results/imdb-preset-search.md).
    pub beta2: f64,
    pub epsilon: f64,
    pub steps: usize,
    pub eval_every: usize,
    pub seed: u64,
    /// The slider's stops: the training sizes a sweep covers.
    pub sizes: Vec<usize>,
}

/// One-click setups for the classroom and for checking the paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// Small enough to show all three regimes in a few minutes.
    ThreeRegimes,
    /// Smallest: for the CPU fallback.
    Tiny,
    /// The paper's full modular-addition configuration.
    Paper,
    /// IMDB at a size the browser trains in minutes (docs/results/imdb-preset-search.md).
    Imdb,
    /// The paper's IMDB configuration on the bundled reviews.
    ImdbPaper,
}

impl Preset {
    pub const ALL: [Preset; 5] = [
        Self::ThreeRegimes,
        Self::Tiny,
        Self::Paper,
        Self::Imdb,
        Self::ImdbPaper,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::ThreeRegimes => "three-regimes",
            Self::Tiny => "tiny",
            Self::Paper => "paper",
            Self::Imdb => "imdb",
            Self::ImdbPaper => "imdb-paper",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::ThreeRegimes => "Three regimes (fast)",
            Self::Tiny => "Tiny (CPU-friendly)",
            Self::Paper => "Paper: p = 113, full size",
            Self::Imdb => "IMDB: the smoother transition",
            Self::ImdbPaper => "IMDB: paper's model",
        }
    }

    pub fn task(self) -> LabTask {
        match self {
            Self::ThreeRegimes | Self::Tiny | Self::Paper => LabTask::Modular,
            Self::Imdb | Self::ImdbPaper => LabTask::Imdb,
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Self::ThreeRegimes => {
                "a + b mod 47 on a 64-wide GPT, N = 600 … 1600: too little data only memorizes, around N = 800 it groks late, plenty generalizes at once."
            }
            Self::Tiny => {
                "a + b mod 31 on a 32-wide GPT, N = 300 … 700: the three regimes even without a GPU."
            }
            Self::Paper => {
                "The paper's modular addition: p = 113, d_model 128, MLP 512, weight decay 1, up to 100k steps, N = 1000 … 9500. Hours, not minutes."
            }
            Self::Imdb => IMDB_PRESET_DESCRIPTION,
            Self::ImdbPaper => {
                "The paper's IMDB classifier: hidden 128, 4 heads, FFN 512, α = 10, weight decay 0.01, batch 128, on all 128 words of the bundled reviews. The paper trains 700k steps: a GPU job."
            }
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.key() == key)
    }

    pub fn settings(self) -> LabSettings {
        let manifest = imdb::manifest();
        let base = LabSettings {
            task: LabTask::Modular,
            operation: Operation::Add,
            modulus: 47,
            max_len: manifest.params.max_len,
            vocab_size: manifest.params.vocab_size,
            batch_size: 128,
            test_size: manifest.counts.test.total(),
            d_model: 64,
            n_heads: 4,
            d_mlp: 256,
            n_layers: 1,
            alpha: 1.0,
            weight_decay: 1.0,
            lr: 1e-3,
            beta2: 0.98,
            epsilon: 1e-8,
            // The CLI sweep in docs/results: 600–700 never generalize, 800 groks at step
            // 4,750 (the critical data size), 1,200 and up generalize at once.
            steps: 6000,
            eval_every: 50,
            seed: 0,
            sizes: (600..=1600).step_by(100).collect(),
        };
        match self {
            Self::ThreeRegimes => base,
            // docs/results/mod31-tiny-sample-wise.json: 300–400 memorize only, 500 groks
            // (critical data size), 700 generalizes at once.
            Self::Tiny => LabSettings {
                modulus: 31,
                d_model: 32,
                d_mlp: 128,
                steps: 3000,
                eval_every: 50,
                sizes: (300..=700).step_by(100).collect(),
                ..base
            },
            Self::Paper => LabSettings {
                modulus: 113,
                d_model: 128,
                d_mlp: 512,
                steps: 100_000,
                eval_every: 500,
                sizes: (1000..=9500).step_by(500).collect(),
                ..base
            },
            Self::Imdb => LabSettings {
                task: LabTask::Imdb,
                d_model: IMDB_PRESET.d_model,
                d_mlp: IMDB_PRESET.d_mlp,
                alpha: IMDB_PRESET.alpha,
                weight_decay: IMDB_PRESET.weight_decay,
                beta2: IMDB_PRESET.beta2,
                epsilon: IMDB_PRESET.epsilon,
                max_len: IMDB_PRESET.max_len,
                vocab_size: IMDB_PRESET.vocab_size,
                batch_size: IMDB_PRESET.batch_size,
                test_size: IMDB_PRESET.test_size,
                steps: IMDB_PRESET.steps,
                eval_every: IMDB_PRESET.eval_every,
                sizes: IMDB_PRESET.sizes.to_vec(),
                ..base
            },
            Self::ImdbPaper => LabSettings {
                task: LabTask::Imdb,
                d_model: 128,
                d_mlp: 512,
                alpha: 10.0,
                weight_decay: 0.01,
                beta2: 0.999,
                steps: 700_000,
                eval_every: 1000,
                sizes: vec![470, 940, 1410, 1880, 2350, 2820, 3290, 3760, 4230, 4700],
                ..base
            },
        }
    }
}

/// The browser-fast IMDB preset, found with the CLI (docs/results/imdb-preset-search.md).
struct ImdbPreset {
    d_model: usize,
    d_mlp: usize,
    alpha: f64,
    weight_decay: f64,
    beta2: f64,
    epsilon: f64,
    max_len: usize,
    vocab_size: usize,
    batch_size: usize,
    test_size: usize,
    steps: usize,
    eval_every: usize,
    sizes: &'static [usize],
}

const IMDB_PRESET: ImdbPreset = ImdbPreset {
    d_model: 64,
    d_mlp: 256,
    alpha: 10.0,
    weight_decay: 1.0,
    beta2: 0.98,
    epsilon: 1e-6,
    max_len: 64,
    vocab_size: 2000,
    batch_size: 64,
    test_size: 500,
    steps: 3000,
    eval_every: 50,
    sizes: &[300, 600, 1000, 1500, 2000, 3000, 4000],
};

const IMDB_PRESET_DESCRIPTION: &str = "IMDB reviews (first 64 words, 2,000-word vocabulary) on a 64-wide BERT, α = 10, weight decay 1, Adam β₂ 0.98 and ε 1e-6, batch 64, 3,000 steps, N = 300 … 4000: every size memorizes within a few hundred steps; test accuracy climbs later and more smoothly than on modular arithmetic, and sooner with more reviews.";

impl Default for LabSettings {
    fn default() -> Self {
        Preset::ThreeRegimes.settings()
    }
}

/// Something in a link that could not be used, in the user's words.
#[derive(Debug, Clone, PartialEq)]
pub struct Ignored {
    pub key: String,
    pub value: String,
    pub reason: String,
}

impl std::fmt::Display for Ignored {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}={:?}: {}", self.key, self.value, self.reason)
    }
}

impl LabSettings {
    pub fn pool_size(&self) -> usize {
        self.config(1)
            .pool_size()
            .unwrap_or_else(|| imdb::manifest().counts.pool.total())
    }

    /// What the slider counts: "pairs" or "reviews".
    pub fn example_noun(&self) -> &'static str {
        match self.task {
            LabTask::Modular => "pair",
            LabTask::Imdb => "review",
        }
    }

    /// The full experiment at training size `train_size`.
    pub fn config(&self, train_size: usize) -> ExperimentConfig {
        let mut config = match self.task {
            LabTask::Modular => {
                let mut config = ExperimentConfig::paper_modular(train_size);
                config.task = TaskConfig::ModularArithmetic(ModularConfig {
                    operation: self.operation,
                    modulus: self.modulus,
                    pool_fraction: 0.75,
                    train_size,
                });
                config
            }
            LabTask::Imdb => {
                let mut config =
                    ExperimentConfig::paper_imdb(train_size, self.max_len, self.vocab_size);
                let all_test = imdb::manifest().counts.test.total();
                config.task = TaskConfig::Imdb(ImdbConfig {
                    train_size,
                    max_len: self.max_len,
                    vocab_size: self.vocab_size,
                    test_size: (self.test_size < all_test).then_some(self.test_size),
                });
                config.training.batch_size = Some(self.batch_size.min(train_size));
                config
            }
        };
        config.model = ModelConfig {
            d_model: self.d_model,
            n_heads: self.n_heads,
            d_mlp: self.d_mlp,
            n_layers: self.n_layers,
        };
        config.grokking.alpha = self.alpha;
        config.grokking.weight_decay = self.weight_decay;
        config.optimizer.lr = self.lr;
        config.optimizer.beta2 = self.beta2;
        config.optimizer.epsilon = self.epsilon;
        config.training.steps = self.steps;
        config.training.eval_every = self.eval_every;
        config.seed = self.seed;
        config
    }

    /// The setup a run was made with (its sizes: the run's own plus `sizes`).
    pub fn from_config(config: &ExperimentConfig, mut sizes: Vec<usize>) -> Self {
        sizes.push(config.train_size());
        sizes.sort_unstable();
        sizes.dedup();
        let defaults = match &config.task {
            TaskConfig::ModularArithmetic(_) => Preset::ThreeRegimes,
            TaskConfig::Imdb(_) => Preset::Imdb,
        }
        .settings();
        let (task, operation, modulus) = match &config.task {
            TaskConfig::ModularArithmetic(task) => (LabTask::Modular, task.operation, task.modulus),
            TaskConfig::Imdb(_) => (LabTask::Imdb, defaults.operation, defaults.modulus),
        };
        let (max_len, vocab_size, test_size) = match &config.task {
            TaskConfig::Imdb(task) => (
                task.max_len,
                task.vocab_size,
                task.test_size
                    .unwrap_or_else(|| imdb::manifest().counts.test.total()),
            ),
            TaskConfig::ModularArithmetic(_) => {
                (defaults.max_len, defaults.vocab_size, defaults.test_size)
            }
        };
        Self {
            task,
            operation,
            modulus,
            max_len,
            vocab_size,
            batch_size: config.training.batch_size.unwrap_or(defaults.batch_size),
            test_size,
            d_model: config.model.d_model,
            n_heads: config.model.n_heads,
            d_mlp: config.model.d_mlp,
            n_layers: config.model.n_layers,
            alpha: config.grokking.alpha,
            weight_decay: config.grokking.weight_decay,
            lr: config.optimizer.lr,
            beta2: config.optimizer.beta2,
            epsilon: config.optimizer.epsilon,
            steps: config.training.steps,
            eval_every: config.training.eval_every,
            seed: config.seed,
            sizes,
        }
    }

    /// Checks the whole setup: every size must make a valid experiment.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.sizes.is_empty() {
            return Err(ConfigError::TrainSize {
                train_size: 0,
                pool: self.pool_size(),
            });
        }
        self.sizes.iter().try_for_each(|&size| {
            let config = self.config(size);
            config.validate()?;
            match &config.task {
                TaskConfig::Imdb(task) => imdb::manifest().check(task),
                TaskConfig::ModularArithmetic(_) => Ok(()),
            }
        })
    }

    /// Drops sizes the pool cannot supply (after the modulus shrank, say).
    pub fn clamp_sizes(&mut self) {
        let pool = self.pool_size();
        self.sizes.retain(|&n| (1..=pool).contains(&n));
        if self.sizes.is_empty() {
            self.sizes = vec![pool / 2, pool];
        }
    }

    /// `op=add&p=47&...&n=800`: the setup and the selected size.
    pub fn to_hash(&self, selected: usize) -> String {
        let sizes = self
            .sizes
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let task = match self.task {
            LabTask::Modular => format!("op={}&p={}", self.operation.name(), self.modulus),
            LabTask::Imdb => format!(
                "task=imdb&len={}&vocab={}&batch={}&test={}",
                self.max_len, self.vocab_size, self.batch_size, self.test_size
            ),
        };
        format!(
            "{task}&d={}&heads={}&mlp={}&layers={}&alpha={}&wd={}&lr={}&beta2={}&eps={}&steps={}&eval={}&seed={}&sizes={}&n={}",
            self.d_model,
            self.n_heads,
            self.d_mlp,
            self.n_layers,
            self.alpha,
            self.weight_decay,
            self.lr,
            self.beta2,
            self.epsilon,
            self.steps,
            self.eval_every,
            self.seed,
            sizes,
            selected
        )
    }

    /// Reads a hash (with or without `#`). Unusable values are reported and replaced by the
    /// preset's (`preset=` picks the base, default "three-regimes"); if the result is still
    /// not a valid setup, the preset is used whole. Never fails.
    pub fn from_hash(hash: &str) -> (Self, Option<usize>, Vec<Ignored>) {
        let hash = hash.trim_start_matches('#');
        let mut ignored = Vec::new();
        let pairs: Vec<(String, String)> = hash
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (decode(k), decode(v))
            })
            .collect();
        let preset = match pairs.iter().find(|(k, _)| k == "preset") {
            Some((_, v)) => Preset::from_key(v).unwrap_or_else(|| {
                ignored.push(Ignored {
                    key: "preset".into(),
                    value: v.clone(),
                    reason: "no such preset".into(),
                });
                Preset::ThreeRegimes
            }),
            None => match pairs.iter().find(|(k, _)| k == "task") {
                Some((_, v)) => {
                    LabTask::from_key(v).map_or(Preset::ThreeRegimes, LabTask::default_preset)
                }
                None => Preset::ThreeRegimes,
            },
        };
        let mut settings = preset.settings();
        let mut selected = None;
        for (key, value) in &pairs {
            if let Err(reason) = settings.apply(key, value, &mut selected) {
                ignored.push(Ignored {
                    key: key.clone(),
                    value: value.clone(),
                    reason,
                });
            }
        }
        if let Err(error) = settings.validate() {
            ignored.push(Ignored {
                key: "setup".into(),
                value: hash.chars().take(80).collect(),
                reason: format!("{error}; using the “{}” preset", preset.label()),
            });
            settings = preset.settings();
            selected = None;
        }
        let selected = selected.filter(|n| settings.sizes.contains(n));
        (settings, selected, ignored)
    }

    fn apply(
        &mut self,
        key: &str,
        value: &str,
        selected: &mut Option<usize>,
    ) -> Result<(), String> {
        fn number<T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy>(
            value: &str,
            range: std::ops::RangeInclusive<T>,
        ) -> Result<T, String> {
            let parsed: T = value.parse().map_err(|_| "not a number".to_owned())?;
            if range.contains(&parsed) {
                Ok(parsed)
            } else {
                Err(format!(
                    "must be between {} and {}",
                    range.start(),
                    range.end()
                ))
            }
        }
        let manifest = imdb::manifest();
        match key {
            "preset" => {}
            "task" => {
                if LabTask::from_key(value) != Some(self.task) {
                    return Err("task must be modular or imdb (and agree with the preset)".into());
                }
            }
            "len" => self.max_len = number(value, 1..=manifest.params.max_len)?,
            "vocab" => self.vocab_size = number(value, 4..=manifest.params.vocab_size)?,
            "batch" => self.batch_size = number(value, 1..=manifest.counts.pool.total())?,
            "test" => self.test_size = number(value, 1..=manifest.counts.test.total())?,
            "op" => {
                self.operation = Operation::from_name(value)
                    .ok_or_else(|| "operation must be add, sub, mul or div".to_owned())?
            }
            "p" => self.modulus = number(value, limits::MODULUS)?,
            "d" => self.d_model = number(value, limits::D_MODEL)?,
            "heads" => self.n_heads = number(value, limits::N_HEADS)?,
            "mlp" => self.d_mlp = number(value, limits::D_MLP)?,
            "layers" => self.n_layers = number(value, limits::N_LAYERS)?,
            "alpha" => self.alpha = number(value, limits::ALPHA)?,
            "wd" => self.weight_decay = number(value, limits::WEIGHT_DECAY)?,
            "lr" => self.lr = number(value, limits::LR)?,
            "beta2" => self.beta2 = number(value, limits::BETA)?,
            "eps" => self.epsilon = number(value, limits::EPSILON)?,
            "steps" => self.steps = number(value, limits::STEPS)?,
            "eval" => self.eval_every = number(value, 1..=limits::STEPS.end().to_owned())?,
            "seed" => self.seed = value.parse().map_err(|_| "not a whole number".to_owned())?,
            "sizes" => {
                let sizes = parse_number_list(value)?;
                if sizes.len() > MAX_SIZES {
                    return Err(format!("at most {MAX_SIZES} sizes"));
                }
                let mut sizes = sizes;
                sizes.sort_unstable();
                sizes.dedup();
                self.sizes = sizes;
            }
            "n" => *selected = Some(value.parse().map_err(|_| "not a whole number".to_owned())?),
            _ => return Err("unknown setting".into()),
        }
        Ok(())
    }
}

/// The slider stays usable and the phase diagram legible up to this many sizes.
pub const MAX_SIZES: usize = 40;

/// Percent-decoding for the few characters a hash may escape (bad escapes stay as typed).
fn decode(text: &str) -> String {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%' && i + 2 < bytes.len())
            .then(|| Some(hex(bytes[i + 1])? * 16 + hex(bytes[i + 2])?))
            .flatten();
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_is_valid() {
        for preset in Preset::ALL {
            preset.settings().validate().unwrap();
            assert_eq!(Preset::from_key(preset.key()), Some(preset));
        }
    }

    #[test]
    fn hash_round_trips() {
        let mut settings = Preset::Tiny.settings();
        settings.alpha = 2.5;
        settings.operation = Operation::Mul;
        let (parsed, selected, ignored) =
            LabSettings::from_hash(&format!("#{}", settings.to_hash(400)));
        assert_eq!(parsed, settings);
        assert_eq!(selected, Some(400));
        assert!(ignored.is_empty(), "{ignored:?}");
    }

    #[test]
    fn imdb_hash_round_trips_and_validates_against_the_bundle() {
        let mut settings = Preset::Imdb.settings();
        settings.max_len = 16;
        settings.test_size = 100;
        let (parsed, selected, ignored) = LabSettings::from_hash(&settings.to_hash(300));
        assert_eq!(parsed, settings);
        assert_eq!(selected, Some(300));
        assert!(ignored.is_empty(), "{ignored:?}");
        assert_eq!(parsed.pool_size(), imdb::manifest().counts.pool.total());
        // An imported run (a CLI sweep, say) maps back to the same experiment, so it shows up
        // on the slider.
        let config = parsed.config(300);
        assert_eq!(
            LabSettings::from_config(&config, vec![]).config(300),
            config
        );

        let (fallback, _, ignored) = LabSettings::from_hash("task=imdb&len=100000&sizes=1,999999");
        assert_eq!(fallback, Preset::Imdb.settings());
        assert!(ignored.iter().any(|i| i.key == "len"), "{ignored:?}");
        assert!(
            ignored.iter().any(|i| i.reason.contains("training pool")),
            "{ignored:?}"
        );
    }

    #[test]
    fn garbage_hash_falls_back_with_reasons() {
        let (settings, selected, ignored) =
            LabSettings::from_hash("#%%%&&=&alpha=abc&p=100000&zzz=1&n=-3");
        assert_eq!(settings, LabSettings::default());
        assert_eq!(selected, None);
        let keys: Vec<&str> = ignored.iter().map(|i| i.key.as_str()).collect();
        assert!(
            keys.contains(&"alpha")
                && keys.contains(&"p")
                && keys.contains(&"zzz")
                && keys.contains(&"n"),
            "{keys:?}"
        );
        assert!(
            ignored
                .iter()
                .any(|i| i.reason.contains("between 2 and 257"))
        );
    }

    #[test]
    fn an_invalid_combination_uses_the_preset_whole() {
        // Each value is in range, but 3 heads do not divide 64.
        let (settings, _, ignored) = LabSettings::from_hash("heads=3&alpha=2");
        assert_eq!(settings, LabSettings::default());
        assert!(
            ignored.iter().any(|i| i.reason.contains("divisible")),
            "{ignored:?}"
        );
    }

    #[test]
    fn sizes_beyond_the_pool_are_refused() {
        let (settings, _, ignored) = LabSettings::from_hash("p=11&sizes=10,500");
        assert_eq!(settings, LabSettings::default());
        assert!(!ignored.is_empty());
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(decode("a%2Cb"), "a,b");
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz"), "%zz");
        assert_eq!(decode("%é1"), "%é1");
    }
}
