//! The honest clock: how long what is left takes at the speed measured here, and what a
//! setup costs relative to another (to say which preset fits a lesson). Pure arithmetic.

use grokking_lab::ExperimentConfig;
use grokking_lab::config::{GptArch, TaskConfig};

use crate::i18n::Lang;
use crate::tr;

/// A setup that takes longer than this here is too long for a lesson: the lab says which
/// preset fits.
pub const LESSON_SECONDS: f64 = 20.0 * 60.0;

/// Seconds to train `run_steps` at `run_steps_per_second`; `None` without a speed.
pub fn eta_seconds(run_steps: usize, run_steps_per_second: f64) -> Option<f64> {
    (run_steps_per_second > 0.0 && run_steps_per_second.is_finite())
        .then(|| run_steps as f64 / run_steps_per_second)
}

/// "≈ 40 s", "≈ 3 min", "≈ 2 h 45 min" (in Chinese "≈ 40 秒", "≈ 3 分钟", "≈ 2 小时 45 分钟").
pub fn describe(seconds: f64, lang: Lang) -> String {
    let seconds = seconds.max(0.0).round() as u64;
    if seconds < 60 {
        tr!(lang, "clock-seconds", seconds = seconds.max(1))
    } else if seconds < 3600 {
        tr!(lang, "clock-minutes", minutes = seconds.div_ceil(60))
    } else {
        let minutes = seconds.div_ceil(60);
        tr!(
            lang,
            "clock-hours",
            hours = minutes / 60,
            minutes = minutes % 60
        )
    }
}

/// Arithmetic of one training step of `config`, in arbitrary units: examples per step ×
/// tokens per example × multiply-adds per token of its layers. Ratios of it scale a speed
/// measured on one setup to another (roughly: small models pay per-step overheads too).
pub fn step_work(config: &ExperimentConfig) -> f64 {
    let model = &config.model;
    let (examples, tokens) = match &config.task {
        TaskConfig::Imdb(imdb) => (imdb.train_size, imdb.max_len),
        TaskConfig::ModularArithmetic(modular) => (
            modular.train_size,
            if model.arch == GptArch::OpenaiGpt {
                7
            } else {
                3
            },
        ),
    };
    let examples = config
        .training
        .batch_size
        .map_or(examples, |size| size.min(examples));
    let per_token = model.n_layers * model.d_model * (4 * model.d_model + 2 * model.d_mlp);
    (examples.max(1) * tokens * per_token) as f64
}

/// The work of training every run in `configs` to the end.
pub fn sweep_work(configs: &[ExperimentConfig]) -> f64 {
    configs
        .iter()
        .map(|c| step_work(c) * c.training.steps as f64)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use grokking_lab::presets;

    #[test]
    fn durations_read_as_a_person_would_say_them() {
        assert_eq!(describe(0.2, Lang::En), "≈ 1 s");
        assert_eq!(describe(42.0, Lang::En), "≈ 42 s");
        assert_eq!(describe(170.0, Lang::En), "≈ 3 min");
        assert_eq!(describe(9_900.0, Lang::En), "≈ 2 h 45 min");
    }

    #[test]
    fn durations_read_in_chinese() {
        assert_eq!(describe(45.0, Lang::Zh), "≈ 45 秒");
        assert_eq!(describe(170.0, Lang::Zh), "≈ 3 分钟");
        assert_eq!(describe(9_900.0, Lang::Zh), "≈ 2 小时 45 分钟");
    }

    #[test]
    fn no_speed_means_no_estimate() {
        assert_eq!(eta_seconds(6000, 0.0), None);
        assert_eq!(eta_seconds(6000, f64::NAN), None);
        assert_eq!(eta_seconds(6000, 2.0), Some(3000.0));
    }

    #[test]
    fn tiny_is_far_less_work_than_three_regimes_and_more_data_is_more_work() {
        let all = |p: &presets::Preset| -> Vec<ExperimentConfig> {
            p.sizes.iter().map(|&n| p.config(n)).collect()
        };
        let tiny = sweep_work(&all(&presets::TINY));
        let three = sweep_work(&all(&presets::THREE_REGIMES));
        assert!(three > 10.0 * tiny, "three regimes {three} vs tiny {tiny}");
        let preset = &presets::THREE_REGIMES;
        assert!(step_work(&preset.config(1600)) > step_work(&preset.config(600)));
    }
}
