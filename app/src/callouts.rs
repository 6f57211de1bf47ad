//! Live callouts: the moments the analysis knows — the run memorized, it generalized, its
//! size was classified — as short notes at their step. They are computed from the history
//! on screen, so the step scrubber replays them: cut the history at a step and only the
//! moments before it remain.

use grokking_lab::analysis::{AnalysisConfig, RunView, summarize};
use grokking_lab::{EvalPoint, Regime};

use crate::i18n::Lang;
use crate::tr;

/// Which moment a callout marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moment {
    Memorized,
    Generalized,
    Classified,
}

impl Moment {
    pub fn name(self) -> &'static str {
        match self {
            Self::Memorized => "memorized",
            Self::Generalized => "generalized",
            Self::Classified => "classified",
        }
    }
}

/// One note: where it sits on the accuracy chart (its step and the accuracy there) and what
/// it says.
#[derive(Debug, Clone, PartialEq)]
pub struct Callout {
    pub moment: Moment,
    pub step: usize,
    /// Train accuracy (memorized) or test accuracy (generalized, classified) at `step`.
    pub accuracy: f64,
    pub text: String,
}

/// The callouts of one run of size `size` whose evaluations so far are `history`, in the
/// order they happened. `regime` is the size's classification once the sweep has one (the
/// phase diagram's, judged against the other sizes); until then the run is judged alone
/// and said to be so "so far". The notes are in `lang`.
pub fn callouts(
    size: usize,
    history: &[EvalPoint],
    config: &AnalysisConfig,
    regime: Option<Regime>,
    lang: Lang,
) -> Vec<Callout> {
    let view = RunView {
        train_size: size,
        d_model: 0,
        history,
        diverged_at: None,
    };
    let summary = summarize(&view, config);
    let at = |step: usize| history.iter().find(|p| p.step >= step);
    let mut notes = Vec::new();
    if let Some(point) = summary.memorized_at.and_then(at) {
        let size = size.to_string();
        let step = thousands(point.step);
        let text = if summary.generalized_at.is_some_and(|g| g <= point.step) {
            tr!(
                lang,
                "callout-memorized-generalizing",
                size = size,
                step = step
            )
        } else if point.test_acc < 0.5 {
            let accuracy = percent(point.test_acc);
            tr!(
                lang,
                "callout-memorized-insufficiency",
                size = size,
                step = step,
                accuracy = accuracy
            )
        } else {
            let accuracy = percent(point.test_acc);
            tr!(
                lang,
                "callout-memorized-rising",
                size = size,
                step = step,
                accuracy = accuracy
            )
        };
        notes.push(Callout {
            moment: Moment::Memorized,
            step: point.step,
            accuracy: point.train_acc,
            text,
        });
    }
    if let Some(point) = summary.generalized_at.and_then(at) {
        // Whether the delay is long is the sweep's call (against the largest sizes): the
        // classified callout says it, not this one.
        let size = size.to_string();
        let step = thousands(point.step);
        let text = match summary.memorized_at {
            Some(m) if point.step > m => {
                let after = thousands(point.step - m);
                tr!(
                    lang,
                    "callout-generalized-after",
                    size = size,
                    step = step,
                    after = after
                )
            }
            _ => tr!(
                lang,
                "callout-generalized-at-once",
                size = size,
                step = step
            ),
        };
        notes.push(Callout {
            moment: Moment::Generalized,
            step: point.step,
            accuracy: point.test_acc,
            text,
        });
    }
    if let (Some(regime), Some(last)) = (regime, config.window(history).last()) {
        notes.push(Callout {
            moment: Moment::Classified,
            step: last.step,
            accuracy: last.test_acc,
            text: tr!(
                lang,
                "callout-classified",
                size = size.to_string(),
                regime = crate::i18n::regime_name(lang, regime),
                accuracy = percent(summary.final_test_acc)
            ),
        });
    }
    notes.sort_by_key(|c| c.step);
    notes
}

pub(crate) fn percent(share: f64) -> String {
    format!("{:.0}%", 100.0 * share)
}

/// 12345 → "12,345".
pub(crate) fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use grokking_lab::config::TaskConfig;
    use grokking_lab::presets;

    /// A run that memorizes by step `memorize` and generalizes at `generalize` (if ever),
    /// evaluated every 10 steps up to `end`.
    fn history(memorize: usize, generalize: Option<usize>, end: usize) -> Vec<EvalPoint> {
        (0..=end / 10)
            .map(|i| {
                let step = i * 10;
                let train_acc = if step >= memorize { 1.0 } else { 0.1 };
                let test_acc = if generalize.is_some_and(|g| step >= g) {
                    1.0
                } else {
                    0.04
                };
                EvalPoint {
                    step,
                    train_loss: 1.0 - train_acc,
                    test_loss: 1.0 - test_acc,
                    train_acc,
                    test_acc,
                    weight_norm: 1.0,
                }
            })
            .collect()
    }

    fn config() -> AnalysisConfig {
        let task: TaskConfig = presets::find("tiny").unwrap().config(500).task;
        AnalysisConfig::for_task(&task)
    }

    #[test]
    fn a_run_that_memorizes_without_generalizing_gets_one_callout_saying_insufficiency_so_far() {
        let notes = callouts(400, &history(300, None, 2000), &config(), None, Lang::En);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert_eq!(notes[0].moment, Moment::Memorized);
        // The lightly smoothed curve crosses 0.99 a little after the jump.
        assert!((300..=500).contains(&notes[0].step), "{notes:?}");
        assert!(
            notes[0].text.starts_with("N = 400 memorized at step "),
            "{}",
            notes[0].text
        );
        assert!(
            notes[0]
                .text
                .ends_with("test accuracy 4% — insufficiency so far"),
            "{}",
            notes[0].text
        );
    }

    #[test]
    fn a_grokking_run_gets_memorized_then_generalized_with_the_delay() {
        let notes = callouts(
            500,
            &history(300, Some(2500), 3000),
            &config(),
            None,
            Lang::En,
        );
        let moments: Vec<Moment> = notes.iter().map(|c| c.moment).collect();
        assert_eq!(moments, [Moment::Memorized, Moment::Generalized]);
        assert!(notes[0].step < notes[1].step);
        assert!(
            notes[1].text.contains("steps after it memorized"),
            "{}",
            notes[1].text
        );
    }

    /// The scrubber replays them: a history cut before generalization has only the first.
    #[test]
    fn a_history_cut_before_a_moment_has_no_callout_for_it() {
        let full = history(300, Some(2500), 3000);
        let cut: Vec<EvalPoint> = full.iter().copied().filter(|p| p.step <= 1500).collect();
        let notes = callouts(500, &cut, &config(), None, Lang::En);
        assert_eq!(
            notes.iter().map(|c| c.moment).collect::<Vec<_>>(),
            [Moment::Memorized]
        );
        assert!(callouts(500, &full[..3], &config(), None, Lang::En).is_empty());
    }

    #[test]
    fn a_classified_size_gets_its_regime_at_the_last_step() {
        let notes = callouts(
            500,
            &history(300, Some(2500), 3000),
            &config(),
            Some(Regime::Sufficiency),
            Lang::En,
        );
        let last = notes.last().unwrap();
        assert_eq!(last.moment, Moment::Classified);
        assert_eq!(last.step, 3000);
        assert_eq!(last.text, "N = 500: sufficiency (final test accuracy 100%)");
    }

    #[test]
    fn the_callouts_speak_chinese() {
        let notes = callouts(400, &history(300, None, 2000), &config(), None, Lang::Zh);
        assert!(
            notes[0].text.contains("记忆") && notes[0].text.contains("数据不足"),
            "{}",
            notes[0].text
        );
        let notes = callouts(
            500,
            &history(300, Some(2500), 3000),
            &config(),
            Some(Regime::Sufficiency),
            Lang::Zh,
        );
        assert!(notes[1].text.contains("泛化"), "{}", notes[1].text);
        assert!(
            notes.last().unwrap().text.contains("数据充足"),
            "{}",
            notes.last().unwrap().text
        );
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(7), "7");
        assert_eq!(thousands(1234), "1,234");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
