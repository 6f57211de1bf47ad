//! Every setting of an experiment, described once.
//!
//! One [`Setting`] per knob: its key (the CLI's `--flag` and the lab's URL key), label, help,
//! range (from [`limits`]), which tasks it applies to, and how to read and write it on an
//! [`ExperimentConfig`]. The CLI's flags and help, the lab's form and its URL codec, and the
//! messages for bad values are all derived from [`SETTINGS`]; adding a setting is a field
//! in `config.rs` plus one entry here.
//!
//! A value that passes its setting's range can still make an invalid experiment (heads
//! that do not divide the width, an evaluation interval beyond the steps): callers check
//! the whole configuration with [`crate::data::check`] after applying values.

use std::ops::RangeInclusive;

use crate::config::{
    EvalStart, ExperimentConfig, GptArch, ImdbConfig, ModularConfig, Operation, SplitDraw, Subsets,
    TaskConfig, limits,
};
use crate::presets;

/// Where a setting belongs, for grouping in help texts and forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Task,
    Model,
    Grokking,
    Optimizer,
    Training,
}

impl Group {
    pub fn title(self) -> &'static str {
        match self {
            Self::Task => "Task and data",
            Self::Model => "Model",
            Self::Grokking => "Grokking configuration",
            Self::Optimizer => "Optimizer (AdamW)",
            Self::Training => "Training",
        }
    }
}

/// One named option of a [`Kind::Choice`] setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    pub name: &'static str,
    pub label: &'static str,
}

/// What values a setting takes, how they are written and how they are checked.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// A whole number in the range.
    Whole(RangeInclusive<usize>),
    /// A whole number in the range, or the word `none` (also `0`) for "not set": full batch,
    /// all test reviews.
    WholeOr {
        range: RangeInclusive<usize>,
        none: &'static str,
    },
    /// A real number in the range (`1e-6` notation accepted).
    Real(RangeInclusive<f64>),
    /// Any 64-bit seed.
    Seed,
    Choice(&'static [Choice]),
}

/// A parsed value; always of the variant its setting's [`Kind`] makes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    Whole(usize),
    Optional(Option<usize>),
    Real(f64),
    Seed(u64),
    Choice(&'static str),
}

impl Value {
    fn whole(self) -> usize {
        match self {
            Self::Whole(value) => value,
            other => unreachable!("{other:?} checked against its kind"),
        }
    }

    fn optional(self) -> Option<usize> {
        match self {
            Self::Optional(value) => value,
            other => unreachable!("{other:?} checked against its kind"),
        }
    }

    fn real(self) -> f64 {
        match self {
            Self::Real(value) => value,
            other => unreachable!("{other:?} checked against its kind"),
        }
    }
}

/// Why a value was refused, in words for the person who typed it (the caller names the
/// setting: a form shows this beside the field, the CLI after the flag).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SettingError {
    #[error("“{0}” is not a number")]
    NotANumber(String),
    #[error("“{0}” is not a whole number")]
    NotAWholeNumber(String),
    #[error("must be between {min} and {max}, got {text}")]
    OutOfRange {
        text: String,
        min: String,
        max: String,
    },
    #[error("must be one of {choices}, got “{text}”")]
    UnknownChoice { text: String, choices: String },
    #[error("applies to {scope} only")]
    NotApplicable { scope: &'static str },
    #[error("no such setting")]
    Unknown,
}

/// One experiment setting.
#[derive(Debug)]
pub struct Setting {
    /// `--key` on the command line, `key=` in the lab's URL, the form field's id.
    pub key: &'static str,
    pub label: &'static str,
    pub help: &'static str,
    pub group: Group,
    pub kind: Kind,
    /// Which runs have it, in words ("every task", "IMDB").
    pub scope: &'static str,
    /// The value on `config`; `None` if the setting does not apply to its task.
    get: fn(&ExperimentConfig) -> Option<Value>,
    /// Writes a value of this setting's kind; `false` if it does not apply to the task.
    set: fn(&mut ExperimentConfig, Value) -> bool,
}

impl Setting {
    /// The current value, if the setting applies to this configuration's task.
    pub fn value(&self, config: &ExperimentConfig) -> Option<Value> {
        (self.get)(config)
    }

    pub fn applies_to(&self, config: &ExperimentConfig) -> bool {
        self.value(config).is_some()
    }

    /// The value as the CLI and the URL write it (parses back to the same value).
    pub fn text(&self, config: &ExperimentConfig) -> Option<String> {
        self.value(config).map(|value| self.format(value))
    }

    pub fn format(&self, value: Value) -> String {
        match (value, &self.kind) {
            (Value::Whole(v), _) | (Value::Optional(Some(v)), _) => v.to_string(),
            (Value::Optional(None), Kind::WholeOr { none, .. }) => (*none).to_owned(),
            (Value::Optional(None), _) => "0".to_owned(),
            (Value::Real(v), _) => format_real(v),
            (Value::Seed(v), _) => v.to_string(),
            (Value::Choice(name), _) => name.to_owned(),
        }
    }

    /// Reads typed text as a value of this setting, range-checked.
    pub fn parse(&self, text: &str) -> Result<Value, SettingError> {
        let text = text.trim();
        match &self.kind {
            Kind::Whole(range) => parse_whole(text, range).map(Value::Whole),
            Kind::WholeOr { range, none } => {
                if text.eq_ignore_ascii_case(none) || text == "0" {
                    Ok(Value::Optional(None))
                } else {
                    parse_whole(text, range).map(|v| Value::Optional(Some(v)))
                }
            }
            Kind::Real(range) => {
                let value: f64 = text
                    .parse()
                    .map_err(|_| SettingError::NotANumber(text.to_owned()))?;
                in_range(value, range, text, |v| format_real(*v)).map(Value::Real)
            }
            Kind::Seed => text
                .parse()
                .map(Value::Seed)
                .map_err(|_| SettingError::NotAWholeNumber(text.to_owned())),
            Kind::Choice(choices) => choices
                .iter()
                .find(|choice| choice.name == text)
                .map(|choice| Value::Choice(choice.name))
                .ok_or_else(|| SettingError::UnknownChoice {
                    text: text.to_owned(),
                    choices: choices
                        .iter()
                        .map(|c| c.name)
                        .collect::<Vec<_>>()
                        .join(", "),
                }),
        }
    }

    /// Parses `text` and writes it into `config`.
    pub fn apply(&self, config: &mut ExperimentConfig, text: &str) -> Result<(), SettingError> {
        let value = self.parse(text)?;
        self.set(config, value)
    }

    /// Writes an already parsed value (of this setting's kind) into `config`.
    pub fn set(&self, config: &mut ExperimentConfig, value: Value) -> Result<(), SettingError> {
        // Re-reading the value's text checks its kind and range: a value of another kind
        // would be a caller's bug, refused here rather than a panic in a setter.
        let value = self.parse(&self.format(value))?;
        if (self.set)(config, value) {
            Ok(())
        } else {
            Err(SettingError::NotApplicable { scope: self.scope })
        }
    }

    /// The accepted values in words, for help texts: "0.01 … 100", "add, sub, …".
    pub fn range_text(&self) -> String {
        match &self.kind {
            Kind::Whole(range) => format!("{} … {}", range.start(), range.end()),
            Kind::WholeOr { range, none } => {
                format!("{} … {}, or {none}", range.start(), range.end())
            }
            Kind::Real(range) => {
                format!(
                    "{} … {}",
                    format_real(*range.start()),
                    format_real(*range.end())
                )
            }
            Kind::Seed => format!("0 … {}", u64::MAX),
            Kind::Choice(choices) => choices
                .iter()
                .map(|c| c.name)
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

/// Shortest text that parses back to `value`, without a needless `.0` (`1`, `0.001`, `1e-8`).
pub fn format_real(value: f64) -> String {
    let text = format!("{value:?}");
    match text.strip_suffix(".0") {
        Some(whole) => whole.to_owned(),
        None => text,
    }
}

fn parse_whole(text: &str, range: &RangeInclusive<usize>) -> Result<usize, SettingError> {
    let value: usize = text
        .parse()
        .map_err(|_| SettingError::NotAWholeNumber(text.to_owned()))?;
    in_range(value, range, text, usize::to_string)
}

fn in_range<T: PartialOrd + Copy>(
    value: T,
    range: &RangeInclusive<T>,
    text: &str,
    show: fn(&T) -> String,
) -> Result<T, SettingError> {
    // `contains` is false for NaN.
    if range.contains(&value) {
        Ok(value)
    } else {
        Err(SettingError::OutOfRange {
            text: text.to_owned(),
            min: show(range.start()),
            max: show(range.end()),
        })
    }
}

fn modular(config: &ExperimentConfig) -> Option<&ModularConfig> {
    match &config.task {
        TaskConfig::ModularArithmetic(task) => Some(task),
        TaskConfig::Imdb(_) => None,
    }
}

fn modular_mut(config: &mut ExperimentConfig) -> Option<&mut ModularConfig> {
    match &mut config.task {
        TaskConfig::ModularArithmetic(task) => Some(task),
        TaskConfig::Imdb(_) => None,
    }
}

fn imdb(config: &ExperimentConfig) -> Option<&ImdbConfig> {
    match &config.task {
        TaskConfig::Imdb(task) => Some(task),
        TaskConfig::ModularArithmetic(_) => None,
    }
}

fn imdb_mut(config: &mut ExperimentConfig) -> Option<&mut ImdbConfig> {
    match &mut config.task {
        TaskConfig::Imdb(task) => Some(task),
        TaskConfig::ModularArithmetic(_) => None,
    }
}

/// The task's names: a modular operation or IMDB.
pub const TASKS: &[Choice] = &[
    Choice {
        name: "mod-add",
        label: "a + b mod p (GPT)",
    },
    Choice {
        name: "mod-sub",
        label: "a − b mod p (GPT)",
    },
    Choice {
        name: "mod-mul",
        label: "a × b mod p (GPT)",
    },
    Choice {
        name: "mod-div",
        label: "a ÷ b mod p, p prime (GPT)",
    },
    Choice {
        name: "imdb",
        label: "IMDB sentiment (BERT)",
    },
];

pub const SUBSETS: &[Choice] = &[
    Choice {
        name: "nested",
        label: "nested (smaller inside larger)",
    },
    Choice {
        name: "independent",
        label: "independent draw per N",
    },
];

pub const SPLITS: &[Choice] = &[
    Choice {
        name: "shared",
        label: "one split for every seed",
    },
    Choice {
        name: "per-seed",
        label: "a split per seed",
    },
];

pub const EVAL_STARTS: &[Choice] = &[
    Choice {
        name: "even",
        label: "evenly spaced",
    },
    Choice {
        name: "dense",
        label: "5× as often at the start",
    },
];

pub const ARCHS: &[Choice] = &[
    Choice {
        name: "pre-ln",
        label: "pre-LN, untied head (ours)",
    },
    Choice {
        name: "openai-gpt",
        label: "OpenAI-GPT, tied head (the authors')",
    },
];

/// What each of [`TASKS`] is, in its order: a modular operation, or IMDB (`None`). The
/// names are written once, in `TASKS`; reading and setting the task both go through here.
const TASK_OPERATIONS: [Option<Operation>; 5] = [
    Some(Operation::Add),
    Some(Operation::Sub),
    Some(Operation::Mul),
    Some(Operation::Div),
    None,
];

/// The task name of a configuration (`mod-add` … `imdb`).
pub fn task_name(config: &ExperimentConfig) -> &'static str {
    let operation = match &config.task {
        TaskConfig::ModularArithmetic(task) => Some(task.operation),
        TaskConfig::Imdb(_) => None,
    };
    let index = TASK_OPERATIONS
        .iter()
        .position(|&o| o == operation)
        .expect("every operation has a task name");
    TASKS[index].name
}

/// Switches the task. Within modular arithmetic only the operation changes; moving between
/// modular arithmetic and IMDB starts from that family's default preset (nothing else of a
/// GPT setup makes sense for a BERT one), keeping N and the seed.
fn set_task(config: &mut ExperimentConfig, value: Value) -> bool {
    let Value::Choice(name) = value else {
        return false;
    };
    let Some(index) = TASKS.iter().position(|task| task.name == name) else {
        return false;
    };
    let operation = TASK_OPERATIONS[index];
    if operation.is_some() == config.task.is_imdb() {
        let mut fresh = presets::default_for(operation.is_none()).config(config.train_size());
        fresh.seed = config.seed;
        *config = fresh;
    }
    if let (Some(operation), Some(task)) = (operation, modular_mut(config)) {
        task.operation = operation;
    }
    true
}

/// Every experiment setting, in the order forms and help show them. N (the training-set
/// size) is not here: it is what a sweep varies and what the lab's slider picks.
pub static SETTINGS: [Setting; 24] = [
    Setting {
        key: "task",
        label: "Task",
        help: "What the model learns: a ∘ b mod p on a 1-layer GPT, or IMDB sentiment on a 1-layer BERT-style encoder.",
        group: Group::Task,
        kind: Kind::Choice(TASKS),
        scope: "every task",
        get: |c| Some(Value::Choice(task_name(c))),
        set: set_task,
    },
    Setting {
        key: "modulus",
        label: "Modulus p",
        help: "All p² pairs (p(p−1) for ÷) are split into a training pool and a test set.",
        group: Group::Task,
        kind: Kind::Whole(limits::MODULUS),
        scope: "modular arithmetic",
        get: |c| modular(c).map(|t| Value::Whole(t.modulus)),
        set: |c, v| modular_mut(c).map(|t| t.modulus = v.whole()).is_some(),
    },
    Setting {
        key: "pool-fraction",
        label: "Pool share",
        help: "Share of all pairs in the training pool; the rest is the test set (the paper: 0.75).",
        group: Group::Task,
        kind: Kind::Real(limits::POOL_FRACTION),
        scope: "modular arithmetic",
        get: |c| modular(c).map(|t| Value::Real(t.pool_fraction)),
        set: |c, v| modular_mut(c).map(|t| t.pool_fraction = v.real()).is_some(),
    },
    Setting {
        key: "max-len",
        label: "Words per review",
        help: "Longer reviews are cut; fewer words train faster (the bundle holds up to 128).",
        group: Group::Task,
        kind: Kind::Whole(limits::REVIEW_LEN),
        scope: "IMDB",
        get: |c| imdb(c).map(|t| Value::Whole(t.max_len)),
        set: |c, v| imdb_mut(c).map(|t| t.max_len = v.whole()).is_some(),
    },
    Setting {
        key: "vocab-size",
        label: "Vocabulary",
        help: "The most frequent words, special tokens included; rarer words read as [UNK].",
        group: Group::Task,
        kind: Kind::Whole(limits::VOCAB_SIZE),
        scope: "IMDB",
        get: |c| imdb(c).map(|t| Value::Whole(t.vocab_size)),
        set: |c, v| imdb_mut(c).map(|t| t.vocab_size = v.whole()).is_some(),
    },
    Setting {
        key: "test-size",
        label: "Test reviews",
        help: "A fixed, seeded subset of the test set evaluated every interval; all = every test review.",
        group: Group::Task,
        kind: Kind::WholeOr {
            range: limits::TEST_SIZE,
            none: "all",
        },
        scope: "IMDB",
        get: |c| imdb(c).map(|t| Value::Optional(t.test_size)),
        set: |c, v| imdb_mut(c).map(|t| t.test_size = v.optional()).is_some(),
    },
    Setting {
        key: "subsets",
        label: "Subsets",
        help: "nested: each N is the first N of one shuffle of the pool, so smaller sets lie inside larger ones (ours); independent: a separate draw for each N (the authors').",
        group: Group::Task,
        kind: Kind::Choice(SUBSETS),
        scope: "every task",
        get: |c| Some(Value::Choice(c.subsets.name())),
        set: |c, v| {
            c.subsets = match v {
                Value::Choice("independent") => Subsets::Independent,
                _ => Subsets::Nested,
            };
            true
        },
    },
    Setting {
        key: "split",
        label: "Test split",
        help: "shared: one train/test split for every seed, so seeds differ only in subset, initialisation and order (the authors'); per-seed: each seed draws its own split (ours before 2026-12).",
        group: Group::Task,
        kind: Kind::Choice(SPLITS),
        scope: "every task",
        get: |c| Some(Value::Choice(c.split.name())),
        set: |c, v| {
            c.split = match v {
                Value::Choice("per-seed") => SplitDraw::PerSeed,
                _ => SplitDraw::Shared,
            };
            true
        },
    },
    Setting {
        key: "d-model",
        label: "Width d_model",
        help: "Hidden size; a multiple of the heads.",
        group: Group::Model,
        kind: Kind::Whole(limits::D_MODEL),
        scope: "every task",
        get: |c| Some(Value::Whole(c.model.d_model)),
        set: |c, v| {
            c.model.d_model = v.whole();
            true
        },
    },
    Setting {
        key: "heads",
        label: "Heads",
        help: "Attention heads.",
        group: Group::Model,
        kind: Kind::Whole(limits::N_HEADS),
        scope: "every task",
        get: |c| Some(Value::Whole(c.model.n_heads)),
        set: |c, v| {
            c.model.n_heads = v.whole();
            true
        },
    },
    Setting {
        key: "d-mlp",
        label: "MLP width",
        help: "Hidden units of the feed-forward layer (the paper: 4 × d_model).",
        group: Group::Model,
        kind: Kind::Whole(limits::D_MLP),
        scope: "every task",
        get: |c| Some(Value::Whole(c.model.d_mlp)),
        set: |c, v| {
            c.model.d_mlp = v.whole();
            true
        },
    },
    Setting {
        key: "layers",
        label: "Layers",
        help: "Transformer blocks (the paper: 1).",
        group: Group::Model,
        kind: Kind::Whole(limits::N_LAYERS),
        scope: "every task",
        get: |c| Some(Value::Whole(c.model.n_layers)),
        set: |c, v| {
            c.model.n_layers = v.whole();
            true
        },
    },
    Setting {
        key: "arch",
        label: "GPT form",
        help: "pre-ln: LayerNorm before each sublayer, an untied head over the p answers, on a b = (ours); openai-gpt: the authors' — post-LayerNorm, the head tied to the token embedding, on a + b % p =.",
        group: Group::Model,
        kind: Kind::Choice(ARCHS),
        scope: "modular arithmetic",
        get: |c| (!c.task.is_imdb()).then(|| Value::Choice(c.model.arch.name())),
        set: |c, v| {
            let Value::Choice(name) = v else {
                return false;
            };
            let Some(arch) = GptArch::ALL.into_iter().find(|a| a.name() == name) else {
                return false;
            };
            if c.task.is_imdb() {
                return false;
            }
            c.model.arch = arch;
            true
        },
    },
    Setting {
        key: "alpha",
        label: "α (initial scale)",
        help: "Every parameter × α right after initialisation; 1 = no rescale.",
        group: Group::Grokking,
        kind: Kind::Real(limits::ALPHA),
        scope: "every task",
        get: |c| Some(Value::Real(c.grokking.alpha)),
        set: |c, v| {
            c.grokking.alpha = v.real();
            true
        },
    },
    Setting {
        key: "weight-decay",
        label: "Weight decay",
        help: "AdamW's decoupled decay, which pulls ‖w‖ down toward generalization.",
        group: Group::Grokking,
        kind: Kind::Real(limits::WEIGHT_DECAY),
        scope: "every task",
        get: |c| Some(Value::Real(c.grokking.weight_decay)),
        set: |c, v| {
            c.grokking.weight_decay = v.real();
            true
        },
    },
    Setting {
        key: "lr",
        label: "Learning rate",
        help: "Constant (the paper: 0.001).",
        group: Group::Optimizer,
        kind: Kind::Real(limits::LR),
        scope: "every task",
        get: |c| Some(Value::Real(c.optimizer.lr)),
        set: |c, v| {
            c.optimizer.lr = v.real();
            true
        },
    },
    Setting {
        key: "beta1",
        label: "Adam β₁",
        help: "Decay of the gradient average (the paper: 0.9).",
        group: Group::Optimizer,
        kind: Kind::Real(limits::BETA),
        scope: "every task",
        get: |c| Some(Value::Real(c.optimizer.beta1)),
        set: |c, v| {
            c.optimizer.beta1 = v.real();
            true
        },
    },
    Setting {
        key: "beta2",
        label: "Adam β₂",
        help: "Decay of the squared-gradient average (the paper: 0.98 modular, 0.999 IMDB).",
        group: Group::Optimizer,
        kind: Kind::Real(limits::BETA),
        scope: "every task",
        get: |c| Some(Value::Real(c.optimizer.beta2)),
        set: |c, v| {
            c.optimizer.beta2 = v.real();
            true
        },
    },
    Setting {
        key: "epsilon",
        label: "Adam ε",
        help: "The paper: 1e-8. Larger damps late loss spikes.",
        group: Group::Optimizer,
        kind: Kind::Real(limits::EPSILON),
        scope: "every task",
        get: |c| Some(Value::Real(c.optimizer.epsilon)),
        set: |c, v| {
            c.optimizer.epsilon = v.real();
            true
        },
    },
    Setting {
        key: "steps",
        label: "Steps",
        help: "Optimizer steps per run.",
        group: Group::Training,
        kind: Kind::Whole(limits::STEPS),
        scope: "every task",
        get: |c| Some(Value::Whole(c.training.steps)),
        set: |c, v| {
            c.training.steps = v.whole();
            true
        },
    },
    Setting {
        key: "eval-every",
        label: "Evaluate every",
        help: "Steps between evaluations (one device readback each); at most the steps.",
        group: Group::Training,
        kind: Kind::Whole(limits::EVAL_EVERY),
        scope: "every task",
        get: |c| Some(Value::Whole(c.training.eval_every)),
        set: |c, v| {
            c.training.eval_every = v.whole();
            true
        },
    },
    Setting {
        key: "eval-start",
        label: "Early evaluations",
        help: "dense: five times as often for the first ten intervals (every 10 steps up to step 500 at eval-every 50), where modular runs memorize and, with plenty of data, generalize; even: every interval alike (IMDB's smoothing counts evaluations, so keep it even there).",
        group: Group::Training,
        kind: Kind::Choice(EVAL_STARTS),
        scope: "every task",
        get: |c| Some(Value::Choice(c.training.eval_start.name())),
        set: |c, v| {
            c.training.eval_start = match v {
                Value::Choice("dense") => EvalStart::Dense,
                _ => EvalStart::Even,
            };
            true
        },
    },
    Setting {
        key: "batch-size",
        label: "Batch size",
        help: "Examples per step, at most N; full = the whole training set (the paper: full for modular arithmetic, 128 for IMDB).",
        group: Group::Training,
        kind: Kind::WholeOr {
            range: limits::BATCH_SIZE,
            none: "full",
        },
        scope: "every task",
        get: |c| Some(Value::Optional(c.training.batch_size)),
        set: |c, v| {
            c.training.batch_size = v.optional();
            true
        },
    },
    Setting {
        key: "seed",
        label: "Seed",
        help: "Fixes the split, the training subset, the initial weights and the batch order.",
        group: Group::Training,
        kind: Kind::Seed,
        scope: "every task",
        get: |c| Some(Value::Seed(c.seed)),
        set: |c, v| match v {
            Value::Seed(seed) => {
                c.seed = seed;
                true
            }
            _ => false,
        },
    },
];

/// The setting with this key.
pub fn find(key: &str) -> Result<&'static Setting, SettingError> {
    SETTINGS
        .iter()
        .find(|setting| setting.key == key)
        .ok_or(SettingError::Unknown)
}

/// One setting on which two configurations differ, as the CLI writes its values
/// (`None`: the setting does not apply to that configuration's task).
#[derive(Debug, Clone)]
pub struct Difference {
    pub setting: &'static Setting,
    pub there: Option<String>,
    pub here: Option<String>,
}

impl Difference {
    /// The value on the first configuration, in words ("not set" where it does not apply).
    pub fn there_text(&self) -> &str {
        self.there.as_deref().unwrap_or("not set")
    }

    /// The value on the second configuration, in words.
    pub fn here_text(&self) -> &str {
        self.here.as_deref().unwrap_or("not set")
    }
}

impl std::fmt::Display for Difference {
    /// `--steps 20 there, 40 here` style: `steps 20 → 40`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} → {}",
            self.setting.key,
            self.there_text(),
            self.here_text()
        )
    }
}

/// The settings on which `there` and `here` differ, in the table's order, leaving out the
/// keys in `ignore` (a sweep's axes: `d-model`, `seed`). The training size is not a setting.
pub fn differences(
    there: &ExperimentConfig,
    here: &ExperimentConfig,
    ignore: &[&str],
) -> Vec<Difference> {
    SETTINGS
        .iter()
        .filter(|setting| !ignore.contains(&setting.key))
        .filter_map(|setting| {
            let (a, b) = (setting.text(there), setting.text(here));
            (a != b).then_some(Difference {
                setting,
                there: a,
                here: b,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets;

    #[test]
    fn differences_name_each_differing_setting_except_the_ignored_ones() {
        let a = presets::TINY.config(300);
        let mut b = presets::TINY.config(500);
        assert!(differences(&a, &b, &[]).is_empty(), "N is not a setting");
        b.training.steps = a.training.steps * 2;
        b.seed = 9;
        let found = differences(&a, &b, &["seed"]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].setting.key, "steps");
        assert_eq!(
            found[0].to_string(),
            format!("steps {} → {}", a.training.steps, b.training.steps)
        );
        assert_eq!(differences(&a, &b, &[]).len(), 2);
    }

    #[test]
    fn keys_are_unique_and_kebab_case() {
        let mut keys: Vec<&str> = SETTINGS.iter().map(|s| s.key).collect();
        assert!(keys.iter().all(|k| {
            k.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        }));
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), SETTINGS.len());
    }

    #[test]
    fn every_applicable_value_round_trips_through_text() {
        for preset in presets::ALL {
            let config = preset.config(preset.sizes[0]);
            for setting in &SETTINGS {
                let Some(value) = setting.value(&config) else {
                    continue;
                };
                let text = setting.format(value);
                assert_eq!(setting.parse(&text), Ok(value), "{}={text}", setting.key);
                let mut copy = config.clone();
                setting.apply(&mut copy, &text).unwrap();
                assert_eq!(copy, config, "{}={text}", setting.key);
            }
        }
    }

    #[test]
    fn bad_values_say_why() {
        let alpha = find("alpha").unwrap();
        assert_eq!(
            alpha.parse("abc"),
            Err(SettingError::NotANumber("abc".into()))
        );
        assert_eq!(
            alpha.parse("1000").unwrap_err().to_string(),
            "must be between 0.01 and 100, got 1000"
        );
        assert!(matches!(
            alpha.parse("NaN"),
            Err(SettingError::OutOfRange { .. })
        ));
        assert!(matches!(
            find("task").unwrap().parse("pow"),
            Err(SettingError::UnknownChoice { .. })
        ));
        let mut modular = presets::TINY.config(300);
        assert_eq!(
            find("max-len").unwrap().apply(&mut modular, "16"),
            Err(SettingError::NotApplicable { scope: "IMDB" })
        );
        assert_eq!(find("nope").err(), Some(SettingError::Unknown));
    }

    #[test]
    fn none_words_and_zero_mean_unset() {
        let batch = find("batch-size").unwrap();
        assert_eq!(batch.parse("full"), Ok(Value::Optional(None)));
        assert_eq!(batch.parse("0"), Ok(Value::Optional(None)));
        assert_eq!(batch.parse("64"), Ok(Value::Optional(Some(64))));
        assert_eq!(batch.format(Value::Optional(None)), "full");
    }

    #[test]
    fn switching_the_task_family_starts_from_its_preset() {
        let task = find("task").unwrap();
        let mut config = presets::TINY.config(400);
        config.seed = 7;
        task.apply(&mut config, "mod-mul").unwrap();
        let mut expected = presets::TINY.config(400);
        expected.seed = 7;
        if let TaskConfig::ModularArithmetic(t) = &mut expected.task {
            t.operation = Operation::Mul;
        }
        assert_eq!(config, expected);

        task.apply(&mut config, "imdb").unwrap();
        let mut expected = presets::IMDB.config(400);
        expected.seed = 7;
        assert_eq!(config, expected);
    }

    /// Every task name sets its task and reads back as itself; each operation is one of them.
    #[test]
    fn every_task_name_round_trips() {
        let task = find("task").unwrap();
        let mut config = presets::TINY.config(400);
        for choice in TASKS {
            task.apply(&mut config, choice.name).unwrap();
            assert_eq!(task_name(&config), choice.name);
        }
        assert_eq!(TASK_OPERATIONS.len(), TASKS.len());
        for operation in Operation::ALL {
            assert!(TASK_OPERATIONS.contains(&Some(operation)), "{operation:?}");
        }
        assert!(task.apply(&mut config, "mod-pow").is_err());
    }

    #[test]
    fn reals_print_short_and_exact() {
        for (value, text) in [(1.0, "1"), (1e-3, "0.001"), (1e-8, "1e-8"), (0.98, "0.98")] {
            assert_eq!(format_real(value), text);
            assert_eq!(text.parse::<f64>().unwrap(), value);
        }
    }
}
