//! The setup's words in the page's language: the core's error messages (`SettingError`,
//! `ConfigError`, `ListError`: the core keeps its English, which the CLI prints), the
//! lab's own edit errors, the accepted ranges and the groups of the settings form. The
//! English is the core's, word for word (the tests below compare them).

use grokking_lab::config::{ConfigError, ListError, MAX_LIST_LEN};
use grokking_lab::settings::{self as table, Group, Kind, Setting, SettingError, format_real};

use super::{EditError, MAX_BATCH_RUNS, MAX_SEEDS, MAX_SIZES, MAX_WORKERS};
use crate::i18n::{self, Lang};
use crate::tr;

/// Why the core refused a setting's value, in `lang` (beside a form field, in a link's notice).
pub fn setting_error(lang: Lang, error: &SettingError) -> String {
    match error {
        SettingError::NotANumber(text) => {
            tr!(lang, "core-error-not-a-number", text = text.as_str())
        }
        SettingError::NotAWholeNumber(text) => {
            tr!(lang, "core-error-not-a-whole-number", text = text.as_str())
        }
        SettingError::OutOfRange { text, min, max } => tr!(
            lang,
            "core-error-out-of-range",
            text = text.as_str(),
            min = min.as_str(),
            max = max.as_str()
        ),
        SettingError::UnknownChoice { text, choices } => tr!(
            lang,
            "core-error-unknown-choice",
            text = text.as_str(),
            choices = choices.as_str()
        ),
        SettingError::NotApplicable { scope } => {
            let scope = scope_words(lang, scope);
            tr!(lang, "core-error-not-applicable", scope = scope)
        }
        SettingError::Unknown => tr!(lang, "core-error-unknown-setting"),
    }
}

/// Which runs a setting applies to (the core's `scope`: "every task", "IMDB"…).
fn scope_words(lang: Lang, scope: &str) -> String {
    match scope {
        "every task" => tr!(lang, "core-error-scope-every-task"),
        "modular arithmetic" => tr!(lang, "core-error-scope-modular"),
        "IMDB" => tr!(lang, "core-error-scope-imdb"),
        other => other.to_owned(),
    }
}

/// Why the core refused a whole configuration, in `lang`.
pub fn config_error(lang: Lang, error: &ConfigError) -> String {
    match error {
        ConfigError::DecayTooStrong { lr, weight_decay } => tr!(
            lang,
            "core-error-decay-too-strong",
            lr = lr.to_string(),
            weight_decay = weight_decay.to_string()
        ),
        ConfigError::OutOfRange {
            name,
            value,
            min,
            max,
        } => {
            let name = config_name(lang, name);
            tr!(
                lang,
                "core-error-setting-out-of-range",
                name = name,
                value = value.as_str(),
                min = min.as_str(),
                max = max.as_str()
            )
        }
        ConfigError::HeadsDoNotDivide { d_model, n_heads } => tr!(
            lang,
            "core-error-heads-do-not-divide",
            d_model = d_model.to_string(),
            n_heads = n_heads.to_string()
        ),
        ConfigError::DivisionNeedsPrime { modulus } => tr!(
            lang,
            "core-error-division-needs-prime",
            modulus = modulus.to_string()
        ),
        ConfigError::TrainSize { train_size, pool } => tr!(
            lang,
            "core-error-train-size",
            train_size = train_size.to_string(),
            pool = pool.to_string()
        ),
        ConfigError::EvalEvery { eval_every, steps } => tr!(
            lang,
            "core-error-eval-every",
            eval_every = eval_every.to_string(),
            steps = steps.to_string()
        ),
        ConfigError::TooManyEvaluations {
            steps,
            eval_every,
            evaluations,
            max,
        } => tr!(
            lang,
            "core-error-too-many-evaluations",
            steps = steps.to_string(),
            eval_every = eval_every.to_string(),
            evaluations = evaluations.to_string(),
            max = max.to_string()
        ),
        ConfigError::ArchNeedsModular { arch } => {
            tr!(lang, "core-error-arch-needs-modular", arch = *arch)
        }
    }
}

/// A name the core's range check uses ("d_model", "learning rate"), in `lang`: English as
/// the core says it, else the label of the setting it is.
fn config_name(lang: Lang, name: &str) -> String {
    if lang == Lang::En {
        return name.to_owned();
    }
    let key = match name {
        "learning rate" => "lr".to_owned(),
        "review length" => "max-len".to_owned(),
        "vocabulary size" => "vocab-size".to_owned(),
        other => other.replace(['_', ' '], "-"),
    };
    table::find(&key).map_or_else(
        |_| name.to_owned(),
        |setting| i18n::setting_label(lang, setting),
    )
}

/// Why a list of sizes could not be read, in `lang`.
pub fn list_error(lang: Lang, error: &ListError) -> String {
    match error {
        ListError::NotANumber(text) => {
            let text = format!("{text:?}");
            tr!(lang, "core-error-list-not-a-number", text = text)
        }
        ListError::BadRange(text) => {
            let text = format!("{text:?}");
            tr!(lang, "core-error-list-bad-range", text = text)
        }
        ListError::Malformed(text) => {
            let text = format!("{text:?}");
            tr!(lang, "core-error-list-malformed", text = text)
        }
        ListError::Empty => tr!(lang, "core-error-list-empty"),
        ListError::TooLong => tr!(
            lang,
            "core-error-list-too-long",
            max = MAX_LIST_LEN.to_string()
        ),
    }
}

/// Why an edit of the setup was refused, in `lang` (the form shows it beside the field).
pub fn edit_error(lang: Lang, error: &EditError) -> String {
    match error {
        EditError::Setting(error) => setting_error(lang, error),
        EditError::Config(error) => config_error(lang, error),
        EditError::List(error) => list_error(lang, error),
        EditError::TooManySizes(count) => tr!(
            lang,
            "form-error-too-many-sizes",
            max = MAX_SIZES.to_string(),
            count = count.to_string()
        ),
        EditError::BatchRuns(text) => {
            let text = format!("{text:?}");
            tr!(
                lang,
                "form-error-auto-or-number",
                max = MAX_BATCH_RUNS.to_string(),
                text = text
            )
        }
        EditError::Workers(text) => {
            let text = format!("{text:?}");
            tr!(
                lang,
                "form-error-auto-or-number",
                max = MAX_WORKERS.to_string(),
                text = text
            )
        }
        EditError::Seeds(text) => {
            let text = format!("{text:?}");
            tr!(
                lang,
                "form-error-seeds",
                max = MAX_SEEDS.to_string(),
                text = text
            )
        }
        EditError::Device(text) => {
            let text = format!("{text:?}");
            tr!(lang, "form-error-device", text = text)
        }
    }
}

/// The values a setting accepts, in words for its help ("0.01 … 100", "1 … 65536, or full");
/// Chinese writes powers of ten as 10⁻⁶ rather than 1e-6.
pub fn range_text(lang: Lang, setting: &Setting) -> String {
    match &setting.kind {
        Kind::Whole(range) => format!("{} … {}", range.start(), range.end()),
        Kind::WholeOr { range, none } => {
            let none = none_words(lang, none);
            tr!(
                lang,
                "form-range-or",
                min = range.start().to_string(),
                max = range.end().to_string(),
                none = none
            )
        }
        Kind::Real(range) => format!(
            "{} … {}",
            real_text(lang, *range.start()),
            real_text(lang, *range.end())
        ),
        Kind::Seed | Kind::Choice(_) => setting.range_text(),
    }
}

/// The word that leaves a number unset ("full" batch, "all" test reviews): English types it,
/// Chinese says what it means (the field also takes 0 for it).
fn none_words(lang: Lang, none: &str) -> String {
    match none {
        "full" => tr!(lang, "form-none-full"),
        "all" => tr!(lang, "form-none-all"),
        other => other.to_owned(),
    }
}

/// A real number as the core writes it; in Chinese `1e-6` becomes `10⁻⁶`.
fn real_text(lang: Lang, value: f64) -> String {
    i18n::scientific(&format_real(value), lang)
}

/// A group of the settings form, in `lang` (English: the core's `Group::title`).
pub fn group_title(lang: Lang, group: Group) -> String {
    match group {
        Group::Task => tr!(lang, "form-group-task"),
        Group::Model => tr!(lang, "form-group-model"),
        Group::Grokking => tr!(lang, "form-group-grokking"),
        Group::Optimizer => tr!(lang, "form-group-optimizer"),
        Group::Training => tr!(lang, "form-group-training"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use grokking_lab::settings::SETTINGS;

    fn every_edit_error() -> Vec<EditError> {
        let setting = [
            SettingError::NotANumber("abc".into()),
            SettingError::NotAWholeNumber("1.5".into()),
            SettingError::OutOfRange {
                text: "1000".into(),
                min: "0.01".into(),
                max: "100".into(),
            },
            SettingError::UnknownChoice {
                text: "pow".into(),
                choices: "mod-add, imdb".into(),
            },
            SettingError::NotApplicable { scope: "IMDB" },
            SettingError::NotApplicable {
                scope: "modular arithmetic",
            },
            SettingError::NotApplicable {
                scope: "every task",
            },
            SettingError::Unknown,
        ];
        let config = [
            ConfigError::DecayTooStrong {
                lr: 0.5,
                weight_decay: 3.0,
            },
            ConfigError::OutOfRange {
                name: "learning rate",
                value: "2".into(),
                min: "0.000001".into(),
                max: "1".into(),
            },
            ConfigError::HeadsDoNotDivide {
                d_model: 64,
                n_heads: 3,
            },
            ConfigError::DivisionNeedsPrime { modulus: 12 },
            ConfigError::TrainSize {
                train_size: 900,
                pool: 720,
            },
            ConfigError::EvalEvery {
                eval_every: 90,
                steps: 60,
            },
            ConfigError::TooManyEvaluations {
                steps: 100_000,
                eval_every: 1,
                evaluations: 100_000,
                max: 20_000,
            },
            ConfigError::ArchNeedsModular { arch: "openai-gpt" },
        ];
        let list = [
            ListError::NotANumber("x".into()),
            ListError::BadRange("9:1:1".into()),
            ListError::Malformed("1:2".into()),
            ListError::Empty,
            ListError::TooLong,
        ];
        let mut all: Vec<EditError> = setting.into_iter().map(EditError::from).collect();
        all.extend(config.into_iter().map(EditError::from));
        all.extend(list.into_iter().map(EditError::from));
        all.extend([
            EditError::TooManySizes(45),
            EditError::BatchRuns("two".into()),
            EditError::Workers("many".into()),
            EditError::Seeds("6".into()),
            EditError::Device("gpu".into()),
        ]);
        all
    }

    /// The English is the core's own text, word for word.
    #[test]
    fn english_errors_are_the_cores_words() {
        for error in every_edit_error() {
            assert_eq!(edit_error(Lang::En, &error), error.to_string(), "{error:?}");
        }
    }

    #[test]
    fn chinese_errors_are_chinese() {
        for error in every_edit_error() {
            let text = edit_error(Lang::Zh, &error);
            assert_ne!(text, error.to_string(), "{error:?}");
            assert!(
                !text.contains("core-error") && !text.contains("form-error"),
                "{text}"
            );
        }
        assert_eq!(
            edit_error(
                Lang::Zh,
                &SettingError::NotApplicable { scope: "IMDB" }.into()
            ),
            "只适用于IMDB 任务"
        );
        let heads = ConfigError::OutOfRange {
            name: "heads",
            value: "40".into(),
            min: "1".into(),
            max: "32".into(),
        };
        assert!(
            config_error(Lang::Zh, &heads).starts_with("注意力头"),
            "{}",
            config_error(Lang::Zh, &heads)
        );
    }

    #[test]
    fn ranges_read_as_the_core_writes_them_in_english_and_without_exponents_in_chinese() {
        for setting in &SETTINGS {
            if !matches!(setting.kind, Kind::Seed | Kind::Choice(_)) {
                assert_eq!(
                    range_text(Lang::En, setting),
                    setting.range_text(),
                    "{}",
                    setting.key
                );
            }
        }
        let lr = table::find("lr").unwrap();
        assert_eq!(range_text(Lang::En, lr), "1e-6 … 1");
        assert_eq!(range_text(Lang::Zh, lr), "10⁻⁶ … 1");
        let batch = table::find("batch-size").unwrap();
        assert!(
            range_text(Lang::Zh, batch).contains("整个训练集"),
            "{}",
            range_text(Lang::Zh, batch)
        );
        assert_eq!(real_text(Lang::Zh, 2.5e-7), "2.5×10⁻⁷");
    }

    #[test]
    fn group_titles_are_the_cores_in_english() {
        for group in [
            Group::Task,
            Group::Model,
            Group::Grokking,
            Group::Optimizer,
            Group::Training,
        ] {
            assert_eq!(group_title(Lang::En, group), group.title());
            assert_ne!(group_title(Lang::Zh, group), group.title());
        }
    }
}
