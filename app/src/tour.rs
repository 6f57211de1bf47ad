//! The guided tour: six steps that drive the lab itself, from picking a preset to looking at
//! what the model learned. Each step says what to do and what to notice, names the control
//! or chart it talks about, and moves on when its event shows in the lab — never on a timer.
//!
//! Pure: the page observes the lab into an [`Observed`] (`tour_view.rs`) and the tour
//! decides; so the order and the events are unit-tested natively.

use grokking_lab::presets::{self, Preset};

use crate::callouts::{percent, thousands};
use crate::clock::describe;
use crate::i18n::{Lang, preset_label};
use crate::tr;

/// A tour on a device where the default preset takes longer than this takes *Tiny*.
pub const TOUR_SECONDS: f64 = 10.0 * 60.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Preset,
    Train,
    Memorize,
    Grok,
    CriticalSize,
    Learned,
}

impl Step {
    pub const ALL: [Step; 6] = [
        Step::Preset,
        Step::Train,
        Step::Memorize,
        Step::Grok,
        Step::CriticalSize,
        Step::Learned,
    ];

    /// Its name in the page (`#tour[data-step]`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Preset => "preset",
            Self::Train => "train",
            Self::Memorize => "memorize",
            Self::Grok => "grok",
            Self::CriticalSize => "critical-size",
            Self::Learned => "learned",
        }
    }

    /// The control or chart the step talks about (a CSS selector), highlighted meanwhile.
    pub fn target(self) -> &'static str {
        match self {
            Self::Preset => ".presets",
            Self::Train => "#play",
            Self::Memorize => "#chart-accuracy",
            Self::Grok => "#size-slider, #chart-accuracy",
            Self::CriticalSize => "#chart-phase",
            Self::Learned => "#chart-fourier, #chart-answers",
        }
    }

    fn index(self) -> usize {
        Self::ALL.iter().position(|&s| s == self).unwrap_or(0)
    }
}

/// What the page saw of the lab, as much as the tour needs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Observed {
    /// The preset on screen, if the setup is one.
    pub preset: Option<&'static str>,
    pub playing: bool,
    /// The slider's size.
    pub selected: usize,
    /// Its run memorized (train accuracy ≥ 0.99, smoothed) at this step, with this test
    /// accuracy then.
    pub memorized: Option<(usize, f64)>,
    /// Its run generalized (test accuracy ≥ 0.95, smoothed) at this step.
    pub generalized: Option<usize>,
    /// Every size of the setup finished.
    pub all_trained: bool,
    /// The phase diagram's critical data size of the runs trained here.
    pub critical_data_size: Option<usize>,
    /// The pointer or focus went to a view of what the model learned.
    pub learned_seen: bool,
}

/// A tour under way.
#[derive(Debug, Clone)]
pub struct Tour {
    pub step: Step,
    /// The preset the tour trains: the one that fits this device.
    pub preset: &'static Preset,
    /// Why that preset ("… takes ≈ 3 min on this device; … would take ≈ 2 h 45 min"),
    /// said in the page's language by [`Why::text`].
    pub why: Why,
    /// What happened at each step passed, in order (said by [`Tour::said`]).
    pub seen: Vec<Happened>,
    /// Past the last step.
    pub finished: bool,
}

// Presets are statics: the same name is the same preset.
impl PartialEq for Tour {
    fn eq(&self, other: &Self) -> bool {
        self.step == other.step
            && self.preset.name == other.preset.name
            && self.why == other.why
            && self.seen == other.seen
            && self.finished == other.finished
    }
}

/// Why the tour trains its preset, as this device's speed says (seconds to train every
/// size here). Kept as numbers, so that it is said in the page's language of the moment.
#[derive(Debug, Clone, PartialEq)]
pub enum Why {
    /// The default preset fits: it takes `seconds` here.
    Fits { seconds: f64 },
    /// The default would take too long: *Tiny* takes `tiny`, the default `default`.
    TooSlow { tiny: f64, default: f64 },
    /// This device's speed is not measured yet: the smallest experiment.
    NotMeasured,
}

impl Why {
    /// What it says in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        let default_label = preset_label(lang, &presets::THREE_REGIMES);
        let tiny_label = preset_label(lang, &presets::TINY);
        match *self {
            Why::Fits { seconds } => tr!(
                lang,
                "tour-why-fits",
                preset = default_label,
                duration = describe(seconds, lang)
            ),
            Why::TooSlow { tiny, default } => tr!(
                lang,
                "tour-why-too-slow",
                preset = tiny_label,
                duration = describe(tiny, lang),
                default_preset = default_label,
                default_duration = describe(default, lang)
            ),
            Why::NotMeasured => tr!(lang, "tour-why-not-measured", preset = tiny_label),
        }
    }
}

/// What happened at a step: its event, with the numbers the tour quotes.
#[derive(Debug, Clone, PartialEq)]
pub enum Happened {
    /// The preset is on screen, with these smallest and largest sizes.
    Shown { smallest: usize, largest: usize },
    /// Training started, this many sizes at once.
    Training { sizes: usize },
    /// The slider's size memorized at `step` while its test accuracy was `test_acc`.
    Memorized {
        size: usize,
        step: usize,
        test_acc: f64,
    },
    /// The slider's size generalized at `step`, `after` steps after it memorized.
    Grokked {
        size: usize,
        step: usize,
        after: usize,
    },
    /// Every size finished, with this critical data size (if any generalized).
    Finished { critical_data_size: Option<usize> },
    /// A view of what the model learned was looked at.
    Learned,
}

impl Happened {
    /// What the tour says of it in `lang`; `preset` is the tour's.
    pub fn text(&self, preset: &Preset, lang: Lang) -> String {
        match *self {
            Happened::Shown { smallest, largest } => tr!(
                lang,
                "tour-seen-shown",
                preset = preset_label(lang, preset),
                smallest = thousands(smallest),
                largest = thousands(largest)
            ),
            Happened::Training { sizes } => tr!(lang, "tour-seen-training", sizes = sizes),
            Happened::Memorized {
                size,
                step,
                test_acc,
            } => tr!(
                lang,
                "tour-seen-memorized",
                size = thousands(size),
                step = thousands(step),
                accuracy = percent(test_acc)
            ),
            Happened::Grokked { size, step, after } => tr!(
                lang,
                "tour-seen-grokked",
                size = thousands(size),
                step = thousands(step),
                after = thousands(after)
            ),
            Happened::Finished {
                critical_data_size: Some(n),
            } => tr!(lang, "tour-seen-critical-size", size = thousands(n)),
            Happened::Finished {
                critical_data_size: None,
            } => tr!(lang, "tour-seen-no-critical-size"),
            Happened::Learned => tr!(lang, "tour-seen-learned"),
        }
    }
}

/// What a step says.
#[derive(Debug, Clone, PartialEq)]
pub struct StepText {
    pub title: String,
    pub action: String,
    pub notice: String,
}

impl Tour {
    pub fn new(preset: &'static Preset, why: Why) -> Self {
        Self {
            step: Step::Preset,
            preset,
            why,
            seen: Vec::new(),
            finished: false,
        }
    }

    /// "Step 3 of 6".
    pub fn progress(&self, lang: Lang) -> String {
        tr!(
            lang,
            "tour-progress",
            step = self.step.index() + 1,
            steps = Step::ALL.len()
        )
    }

    /// What happened at each step passed, said in `lang`, in order.
    pub fn said(&self, lang: Lang) -> Vec<String> {
        self.seen
            .iter()
            .map(|h| h.text(self.preset, lang))
            .collect()
    }

    /// Moves past every step whose event is in `seen` (a lab restored from this browser
    /// may have several behind it already); whether it moved.
    pub fn observe(&mut self, seen: &Observed) -> bool {
        let mut moved = false;
        while !self.finished {
            let Some(happened) = self.event(seen) else {
                break;
            };
            self.seen.push(happened);
            moved = true;
            match Step::ALL.get(self.step.index() + 1) {
                Some(&next) => self.step = next,
                None => self.finished = true,
            }
        }
        moved
    }

    /// What happened, if the current step's event is in `seen`.
    fn event(&self, seen: &Observed) -> Option<Happened> {
        let ours = seen.preset == Some(self.preset.name);
        match self.step {
            Step::Preset => ours.then_some(Happened::Shown {
                smallest: self.preset.sizes[0],
                largest: self.preset.sizes[self.preset.sizes.len() - 1],
            }),
            Step::Train => (ours && seen.playing).then_some(Happened::Training {
                sizes: self.preset.sizes.len(),
            }),
            Step::Memorize => {
                let (step, test_acc) = seen.memorized.filter(|_| ours)?;
                Some(Happened::Memorized {
                    size: seen.selected,
                    step,
                    test_acc,
                })
            }
            // Grokking: generalizing well after memorizing (at least twice as late).
            Step::Grok => {
                let (memorized, _) = seen.memorized.filter(|_| ours)?;
                let generalized = seen.generalized.filter(|&g| g >= 2 * memorized.max(1))?;
                Some(Happened::Grokked {
                    size: seen.selected,
                    step: generalized,
                    after: generalized - memorized,
                })
            }
            Step::CriticalSize => (ours && seen.all_trained).then_some(Happened::Finished {
                critical_data_size: seen.critical_data_size,
            }),
            Step::Learned => seen.learned_seen.then_some(Happened::Learned),
        }
    }

    /// What the current step asks and points out, in `lang`.
    pub fn text(&self, lang: Lang) -> StepText {
        let (title, action, notice) = match self.step {
            Step::Preset => (
                tr!(lang, "tour-preset-title"),
                tr!(
                    lang,
                    "tour-preset-action",
                    preset = preset_label(lang, self.preset)
                ),
                tr!(lang, "tour-preset-notice", why = self.why.text(lang)),
            ),
            Step::Train => (
                tr!(lang, "tour-train-title"),
                tr!(lang, "tour-train-action"),
                tr!(lang, "tour-train-notice"),
            ),
            Step::Memorize => (
                tr!(lang, "tour-memorize-title"),
                tr!(lang, "tour-memorize-action"),
                tr!(lang, "tour-memorize-notice"),
            ),
            Step::Grok => (
                tr!(lang, "tour-grok-title"),
                tr!(lang, "tour-grok-action"),
                tr!(lang, "tour-grok-notice"),
            ),
            Step::CriticalSize => (
                tr!(lang, "tour-critical-size-title"),
                tr!(lang, "tour-critical-size-action"),
                tr!(lang, "tour-critical-size-notice"),
            ),
            Step::Learned => (
                tr!(lang, "tour-learned-title"),
                tr!(lang, "tour-learned-action"),
                tr!(lang, "tour-learned-notice"),
            ),
        };
        StepText {
            title,
            action,
            notice,
        }
    }
}

/// The preset a tour trains: the default (*Three regimes*) where it fits in
/// [`TOUR_SECONDS`] here, else *Tiny*; with the reason. The estimates are seconds to
/// train every size here, `None` before this device's speed is measured.
pub fn choose(default_seconds: Option<f64>, tiny_seconds: Option<f64>) -> (&'static Preset, Why) {
    let (default, tiny) = (&presets::THREE_REGIMES, &presets::TINY);
    match (default_seconds, tiny_seconds) {
        (Some(d), _) if d <= TOUR_SECONDS => (default, Why::Fits { seconds: d }),
        (Some(d), Some(t)) => (
            tiny,
            Why::TooSlow {
                tiny: t,
                default: d,
            },
        ),
        _ => (tiny, Why::NotMeasured),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny_tour() -> Tour {
        choose(Some(9_900.0), Some(180.0)).into()
    }

    impl From<(&'static Preset, Why)> for Tour {
        fn from((preset, why): (&'static Preset, Why)) -> Self {
            Tour::new(preset, why)
        }
    }

    fn on_tiny() -> Observed {
        Observed {
            preset: Some("tiny"),
            selected: 500,
            ..Observed::default()
        }
    }

    #[test]
    fn a_slow_device_tours_tiny_and_says_why() {
        let (preset, why) = choose(Some(9_900.0), Some(180.0));
        let why = why.text(Lang::En);
        assert_eq!(preset.name, "tiny");
        assert!(
            why.contains("≈ 3 min") && why.contains("≈ 2 h 45 min"),
            "{why}"
        );
        let (preset, why) = choose(Some(240.0), Some(20.0));
        let why = why.text(Lang::En);
        assert_eq!(preset.name, "three-regimes");
        assert!(why.contains("≈ 4 min"), "{why}");
        let (preset, why) = choose(None, None);
        let why = why.text(Lang::En);
        assert_eq!(preset.name, "tiny");
        assert!(why.contains("not measured"), "{why}");
    }

    #[test]
    fn each_step_waits_for_its_own_event_in_order() {
        let mut tour = tiny_tour();
        // Another preset on screen, training: nothing the tour asked for.
        let seen = Observed {
            preset: Some("three-regimes"),
            playing: true,
            ..Observed::default()
        };
        assert!(!tour.observe(&seen));
        assert_eq!(tour.step, Step::Preset);

        let mut seen = on_tiny();
        assert!(tour.observe(&seen));
        assert_eq!(tour.step, Step::Train);
        // A memorized run does not skip pressing Train.
        seen.memorized = Some((250, 0.04));
        tour.observe(&seen);
        assert_eq!(tour.step, Step::Train);

        seen.playing = true;
        tour.observe(&seen);
        // Train and memorized both happened: two steps passed, each said.
        assert_eq!(tour.step, Step::Grok);
        assert_eq!(tour.seen.len(), 3);
        assert!(
            tour.said(Lang::En)[2].contains("memorized at step 250 while test accuracy was 4%")
        );

        // Generalizing at once (step 300 after 250) is no grokking.
        seen.generalized = Some(300);
        assert!(!tour.observe(&seen));
        seen.generalized = Some(1_700);
        tour.observe(&seen);
        assert_eq!(tour.step, Step::CriticalSize);
        let said = tour.said(Lang::En);
        assert!(said[3].contains("1,450 steps after"), "{}", said[3]);

        seen.critical_data_size = Some(500);
        assert!(!tour.observe(&seen), "the CDS waits for every size");
        seen.all_trained = true;
        tour.observe(&seen);
        assert_eq!(tour.step, Step::Learned);
        assert!(tour.said(Lang::En)[4].contains("N = 500"));
        assert!(!tour.finished);

        seen.learned_seen = true;
        tour.observe(&seen);
        assert!(tour.finished);
        assert_eq!(tour.seen.len(), Step::ALL.len());
    }

    #[test]
    fn leaving_the_preset_stalls_the_tour_until_it_is_back() {
        let mut tour = tiny_tour();
        let mut seen = on_tiny();
        seen.playing = true;
        tour.observe(&seen);
        assert_eq!(tour.step, Step::Memorize);
        seen.preset = None;
        seen.memorized = Some((200, 0.1));
        assert!(!tour.observe(&seen));
        seen.preset = Some("tiny");
        assert!(tour.observe(&seen));
    }

    #[test]
    fn every_step_names_a_target_and_says_what_to_do() {
        let mut tour = tiny_tour();
        for step in Step::ALL {
            tour.step = step;
            let text = tour.text(Lang::En);
            assert!(!text.title.is_empty() && !text.action.is_empty() && !text.notice.is_empty());
            assert!(step.target().starts_with(['#', '.']), "{step:?}");
        }
        tour.step = Step::Preset;
        assert!(tour.text(Lang::En).notice.contains("≈ 3 min"));
        assert_eq!(tour.progress(Lang::En), "Step 1 of 6");
    }

    #[test]
    fn no_critical_size_is_said_plainly() {
        let mut tour = tiny_tour();
        tour.step = Step::CriticalSize;
        let mut seen = on_tiny();
        seen.all_trained = true;
        tour.observe(&seen);
        let said = tour.said(Lang::En);
        assert!(said[0].contains("no critical data size"), "{}", said[0]);
    }

    #[test]
    fn the_tour_speaks_chinese_and_switches_language_midway() {
        let mut tour = tiny_tour();
        let text = tour.text(Lang::Zh);
        assert!(
            text.notice.contains("≈ 3 分钟") && text.notice.contains("≈ 2 小时 45 分钟"),
            "{}",
            text.notice
        );
        assert_eq!(tour.progress(Lang::Zh), "第 1 步，共 6 步");
        let mut seen = on_tiny();
        seen.playing = true;
        seen.memorized = Some((250, 0.04));
        tour.observe(&seen);
        // What was seen is said again in whichever language the page speaks now.
        assert!(
            tour.said(Lang::Zh)[2].contains("记忆"),
            "{}",
            tour.said(Lang::Zh)[2]
        );
        assert!(tour.said(Lang::En)[2].contains("memorized at step 250"));
        assert!(tour.text(Lang::Zh).title.contains("顿悟"));
    }
}
