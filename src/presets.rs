//! Named experiments: the lab's preset buttons, `grokking --preset NAME`, and the benchmark
//! cases are these, defined once.
//!
//! A preset is a whole [`ExperimentConfig`] (N aside) plus the training sizes a sweep of it
//! covers. The three modular presets and the browser IMDB preset were chosen from measured
//! CLI sweeps (`docs/results/`); `paper` and `imdb-paper` are the paper's configurations.

use crate::config::{
    EvalStart, ExperimentConfig, GptArch, GrokkingConfig, ImdbConfig, ModelConfig, ModularConfig,
    Operation, OptimizerConfig, SplitDraw, Subsets, TaskConfig, TrainingConfig,
};
use crate::data::imdb::bundled_manifest;

#[derive(Debug)]
pub struct Preset {
    /// What `--preset` and the lab's `preset=` say.
    pub name: &'static str,
    pub label: &'static str,
    pub description: &'static str,
    /// The training sizes N a sweep of this preset covers (the lab's slider stops).
    pub sizes: &'static [usize],
    build: fn() -> ExperimentConfig,
}

impl Preset {
    /// The preset's experiment at training size `train_size`.
    pub fn config(&self, train_size: usize) -> ExperimentConfig {
        let mut config = (self.build)();
        config.set_train_size(train_size);
        config
    }

    /// The size a lab showing this preset starts on: the middle of its sizes.
    pub fn middle_size(&self) -> usize {
        self.sizes[self.sizes.len() / 2]
    }

    pub fn is_imdb(&self) -> bool {
        self.config(1).task.is_imdb()
    }
}

/// The paper's modular addition (appendix and the authors' scripts): the authors' GPT
/// (OpenAI-GPT form, `a + b % p =`), p = 113, 75 % of the pairs in the pool, d_model 128,
/// 4 heads, MLP 512, AdamW lr 1e-3, β = (0.9, 0.98),
/// ε = 1e-8 (PyTorch's default, which the authors use; burn's is 1e-5), weight decay 1,
/// α = 1, full batch, 100k steps.
fn paper_modular() -> ExperimentConfig {
    ExperimentConfig {
        task: TaskConfig::ModularArithmetic(ModularConfig {
            operation: Operation::Add,
            modulus: 113,
            pool_fraction: 0.75,
            train_size: 1,
        }),
        model: ModelConfig {
            d_model: 128,
            n_heads: 4,
            d_mlp: 512,
            n_layers: 1,
            arch: GptArch::OpenaiGpt,
        },
        grokking: GrokkingConfig {
            alpha: 1.0,
            weight_decay: 1.0,
        },
        optimizer: OptimizerConfig {
            lr: 1e-3,
            beta1: 0.9,
            beta2: 0.98,
            epsilon: 1e-8,
        },
        training: TrainingConfig {
            steps: 100_000,
            eval_every: 100,
            batch_size: None,
            // The authors log every step; dense early evaluations let σ = 100 steps mean
            // what it meant to them where memorization and early generalization happen.
            eval_start: EvalStart::Dense,
        },
        // The authors': each size drawn on its own, one train/test split for every seed.
        subsets: Subsets::Independent,
        split: SplitDraw::Shared,
        seed: 0,
    }
}

/// p = 47 on a 64-wide GPT, 6,000 steps: the CLI sweep in docs/results
/// (mod47-sample-wise.json, evaluated evenly every 50 steps; the preset adds dense early
/// evaluations, see [`EvalStart::Dense`]) has 600–700 never generalizing, 800 grokking at step 4,750
/// (the critical data size) and 1,200 and up generalizing at once.
fn three_regimes() -> ExperimentConfig {
    let mut config = paper_modular();
    if let TaskConfig::ModularArithmetic(task) = &mut config.task {
        task.modulus = 47;
    }
    // Measured with our pre-LN GPT (docs/results compares the authors' form).
    config.model.arch = GptArch::PreLn;
    config.model.d_model = 64;
    config.model.d_mlp = 256;
    config.training.steps = 6000;
    config.training.eval_every = 50;
    config
}

/// p = 31 on a 32-wide GPT (docs/results/mod31-tiny-sample-wise.json): 300–400 memorize
/// only, 500 groks, 700 generalizes at once.
fn tiny() -> ExperimentConfig {
    let mut config = three_regimes();
    if let TaskConfig::ModularArithmetic(task) = &mut config.task {
        task.modulus = 31;
    }
    config.model.d_model = 32;
    config.model.d_mlp = 128;
    config.training.steps = 3000;
    config
}

/// The paper's IMDB classifier (1-layer BERT, hidden 128, 4 heads, FFN 512; AdamW lr 1e-3,
/// β = (0.9, 0.999), weight decay 0.01, α = 10, batch 128, evaluation every 1,000 of 700k
/// steps), on the bundled reviews' full length and vocabulary and the whole test set.
fn paper_imdb() -> ExperimentConfig {
    let params = &bundled_manifest().params;
    ExperimentConfig {
        task: TaskConfig::Imdb(ImdbConfig {
            train_size: 1,
            max_len: params.max_len,
            vocab_size: params.vocab_size,
            test_size: None,
        }),
        grokking: GrokkingConfig {
            alpha: 10.0,
            weight_decay: 1e-2,
        },
        model: ModelConfig {
            arch: GptArch::PreLn, // a BERT has one form
            ..paper_modular().model
        },
        optimizer: OptimizerConfig {
            beta2: 0.999,
            ..paper_modular().optimizer
        },
        training: TrainingConfig {
            steps: 700_000,
            eval_every: 1000,
            batch_size: Some(128),
            // IMDB is smoothed over evaluations (σ = 50 of them): they must be evenly spaced.
            eval_start: EvalStart::Even,
        },
        ..paper_modular()
    }
}

/// IMDB at a size the browser trains in minutes, found with the CLI
/// (docs/results/imdb-preset-search.md): β₂ 0.98 and ε 1e-6, because AdamW at 0.999 / 1e-8
/// collapsed memorized runs to a constant predictor; α = 3, because from α = 10 weight decay
/// needs as long to shrink the weights as memorization takes, for every N, and the clocks of
/// small and large N never came apart (round 5).
fn imdb() -> ExperimentConfig {
    let mut config = paper_imdb();
    if let TaskConfig::Imdb(task) = &mut config.task {
        task.max_len = 64;
        task.vocab_size = 2000;
        task.test_size = Some(500);
    }
    config.model.d_model = 64;
    config.model.d_mlp = 256;
    config.grokking.alpha = 3.0;
    config.grokking.weight_decay = 1.0;
    config.optimizer.beta2 = 0.98;
    config.optimizer.epsilon = 1e-6;
    config.training = TrainingConfig {
        steps: 3000,
        eval_every: 50,
        batch_size: Some(64),
        eval_start: EvalStart::Even,
    };
    config
}

/// Tiny's model on p = 37 (a pool of 1,026 pairs, room above tiny's transition), sized for
/// a model-wise sweep on the CPU: docs/results/mod37-model-wise.json trains it at widths
/// 16 … 128.
fn model_wise() -> ExperimentConfig {
    let mut config = tiny();
    if let TaskConfig::ModularArithmetic(task) = &mut config.task {
        task.modulus = 37;
    }
    config
}

pub static THREE_REGIMES: Preset = Preset {
    name: "three-regimes",
    label: "Three regimes (fast)",
    description: "a + b mod 47 on a 64-wide GPT, N = 600 … 1600: too little data only memorizes, around N = 800 it groks late, plenty generalizes at once.",
    sizes: &[600, 700, 800, 900, 1000, 1100, 1200, 1300, 1400, 1500, 1600],
    build: three_regimes,
};

pub static TINY: Preset = Preset {
    name: "tiny",
    label: "Tiny (CPU-friendly)",
    description: "a + b mod 31 on a 32-wide GPT, N = 300 … 700: the three regimes even without a GPU.",
    sizes: &[300, 400, 500, 600, 700],
    build: tiny,
};

pub static MODEL_WISE: Preset = Preset {
    name: "model-wise",
    label: "Model-wise: width × data",
    description: "a + b mod 37 on GPTs 16 to 128 wide, N = 400 … 1000: does a wider model need more data before it generalizes?",
    sizes: &[400, 500, 600, 700, 800, 900, 1000],
    build: model_wise,
};

pub static PAPER: Preset = Preset {
    name: "paper",
    label: "Paper: p = 113, full size",
    description: "The paper's modular addition: p = 113, d_model 128, MLP 512, weight decay 1, 100k full-batch steps, N = 1000 … 9500. Hours, not minutes.",
    sizes: &[
        1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500, 5000, 5500, 6000, 6500, 7000, 7500, 8000,
        8500, 9000, 9500,
    ],
    build: paper_modular,
};

pub static IMDB: Preset = Preset {
    name: "imdb",
    label: "IMDB: the smoother transition",
    description: "Real movie reviews on a small BERT, N = 300 … 4000: few reviews are memorized first and understood only later, many are understood at once.",
    sizes: &[300, 600, 1000, 1500, 2000, 3000, 4000],
    build: imdb,
};

pub static IMDB_PAPER: Preset = Preset {
    name: "imdb-paper",
    label: "IMDB: paper's model",
    description: "The paper's IMDB classifier: hidden 128, 4 heads, FFN 512, α = 10, weight decay 0.01, batch 128, on all 128 words of the bundled reviews. The paper trains 700k steps: a GPU job.",
    sizes: &[470, 940, 1410, 1880, 2350, 2820, 3290, 3760, 4230, 4700],
    build: paper_imdb,
};

/// Every preset, in the order the lab shows them.
pub static ALL: [&Preset; 6] = [
    &THREE_REGIMES,
    &TINY,
    &MODEL_WISE,
    &PAPER,
    &IMDB,
    &IMDB_PAPER,
];

pub fn find(name: &str) -> Option<&'static Preset> {
    ALL.into_iter().find(|preset| preset.name == name)
}

/// Where the lab lands when the task family changes.
pub fn default_for(imdb: bool) -> &'static Preset {
    if imdb { &IMDB } else { &THREE_REGIMES }
}

/// The paper's configuration of a task family: the CLI's base without `--preset`.
pub fn paper_for(imdb: bool) -> &'static Preset {
    if imdb { &IMDB_PAPER } else { &PAPER }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_is_valid_at_every_size() {
        for preset in ALL {
            for &size in preset.sizes {
                crate::data::check(&preset.config(size))
                    .unwrap_or_else(|e| panic!("{} at N = {size}: {e}", preset.name));
            }
            assert_eq!(find(preset.name).map(|p| p.name), Some(preset.name));
            assert!(
                preset.sizes.windows(2).all(|w| w[0] < w[1]),
                "{}",
                preset.name
            );
        }
    }

    #[test]
    fn the_paper_preset_has_the_papers_pool() {
        assert_eq!(PAPER.config(1000).pool_size(), Some(9576));
    }
}
