//! The guided tour: six steps that drive the lab itself, from picking a preset to looking at
//! what the model learned. Each step says what to do and what to notice, names the control
//! or chart it talks about, and moves on when its event shows in the lab — never on a timer.
//!
//! Pure: the page observes the lab into an [`Observed`] (`tour_view.rs`) and the tour
//! decides; so the order and the events are unit-tested natively.

use grokking_lab::presets::{self, Preset};

use crate::callouts::{percent, thousands};

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
    /// Why that preset ("≈ 3 min on this device; Three regimes would take ≈ 2 h 45 min").
    pub why: String,
    /// What happened at each step passed, in order.
    pub seen: Vec<String>,
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

/// What a step says.
#[derive(Debug, Clone, PartialEq)]
pub struct StepText {
    pub title: String,
    pub action: String,
    pub notice: String,
}

impl Tour {
    pub fn new(preset: &'static Preset, why: impl Into<String>) -> Self {
        Self {
            step: Step::Preset,
            preset,
            why: why.into(),
            seen: Vec::new(),
            finished: false,
        }
    }

    /// "Step 3 of 6".
    pub fn progress(&self) -> String {
        format!("Step {} of {}", self.step.index() + 1, Step::ALL.len())
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
    fn event(&self, seen: &Observed) -> Option<String> {
        let ours = seen.preset == Some(self.preset.name);
        match self.step {
            Step::Preset => ours.then(|| {
                format!(
                    "“{}” is on screen: N = {} … {}.",
                    self.preset.label,
                    thousands(self.preset.sizes[0]),
                    thousands(self.preset.sizes[self.preset.sizes.len() - 1])
                )
            }),
            Step::Train => (ours && seen.playing).then(|| {
                format!(
                    "Training: all {} sizes at once.",
                    self.preset.sizes.len()
                )
            }),
            Step::Memorize => {
                let (step, test_acc) = seen.memorized.filter(|_| ours)?;
                Some(format!(
                    "N = {} memorized at step {} while test accuracy was {}.",
                    thousands(seen.selected),
                    thousands(step),
                    percent(test_acc)
                ))
            }
            // Grokking: generalizing well after memorizing (at least twice as late).
            Step::Grok => {
                let (memorized, _) = seen.memorized.filter(|_| ours)?;
                let generalized = seen.generalized.filter(|&g| g >= 2 * memorized.max(1))?;
                Some(format!(
                    "N = {} generalized at step {}, {} steps after it memorized: it grokked.",
                    thousands(seen.selected),
                    thousands(generalized),
                    thousands(generalized - memorized)
                ))
            }
            Step::CriticalSize => (ours && seen.all_trained).then(|| {
                match seen.critical_data_size {
                    Some(n) => format!(
                        "Every size finished: the critical data size here is N = {}.",
                        thousands(n)
                    ),
                    None => "Every size finished, and none generalized within its steps: no critical data size here.".to_owned(),
                }
            }),
            Step::Learned => seen
                .learned_seen
                .then(|| "You looked at what the model learned.".to_owned()),
        }
    }

    /// What the current step asks and points out.
    pub fn text(&self) -> StepText {
        let label = self.preset.label;
        let (title, action, notice) = match self.step {
            Step::Preset => (
                "Pick an experiment".to_owned(),
                format!("Show “{label}” (the button below, or its preset button)."),
                format!(
                    "{} It trains one small transformer per training-set size N, each on its own random N pairs.",
                    self.why
                ),
            ),
            Step::Train => (
                "Train".to_owned(),
                "Press ▶ Train (or the space bar).".to_owned(),
                "Every size trains at once, on this device, in this tab: nothing is precomputed.".to_owned(),
            ),
            Step::Memorize => (
                "Memorizing".to_owned(),
                "Watch the accuracy chart of the slider's size.".to_owned(),
                "Train accuracy (blue) climbs to 100% within a few hundred steps while test accuracy (orange) lags behind: the model has memorized its training pairs before — or without — learning the rule.".to_owned(),
            ),
            Step::Grok => (
                "Grokking".to_owned(),
                "Move the slider (or ← →) to a size whose test accuracy is still low long after train accuracy reached 100%, and wait for it to jump.".to_owned(),
                "Generalizing long after memorizing is grokking. Too few pairs never get there; many generalize as they memorize.".to_owned(),
            ),
            Step::CriticalSize => (
                "The critical data size".to_owned(),
                "Wait for every size to finish, then read the phase diagram.".to_owned(),
                "Each point is a size and its regime: ▼ insufficiency (only memorizes), ◆ sufficiency (groks late), ● surplus (generalizes at once). The dashed line is the critical data size, the smallest N that generalizes; steps to generalize peak there.".to_owned(),
            ),
            Step::Learned => (
                "What it learned".to_owned(),
                "Point at the Fourier chart or the answer grid.".to_owned(),
                "A model that generalized adds numbers with a few key frequencies of cos and sin (tall bars); one that only memorized spreads its embedding over all of them, and its answer grid is right only on the pairs it saw.".to_owned(),
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
/// [`TOUR_SECONDS`] here, else *Tiny*; with the reason said. The estimates are seconds to
/// train every size here, `None` before this device's speed is measured.
pub fn choose(
    default_seconds: Option<f64>,
    tiny_seconds: Option<f64>,
) -> (&'static Preset, String) {
    let (default, tiny) = (&presets::THREE_REGIMES, &presets::TINY);
    match (default_seconds, tiny_seconds) {
        (Some(d), _) if d <= TOUR_SECONDS => (
            default,
            format!("“{}” takes {} on this device.", default.label, describe(d)),
        ),
        (Some(d), Some(t)) => (
            tiny,
            format!(
                "“{}” takes {} on this device; “{}” would take {}.",
                tiny.label,
                describe(t),
                default.label,
                describe(d)
            ),
        ),
        _ => (
            tiny,
            format!(
                "“{}”: this device's speed is not measured yet, so the tour takes the smallest experiment.",
                tiny.label
            ),
        ),
    }
}

fn describe(seconds: f64) -> String {
    crate::clock::describe(seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny_tour() -> Tour {
        choose(Some(9_900.0), Some(180.0)).into()
    }

    impl From<(&'static Preset, String)> for Tour {
        fn from((preset, why): (&'static Preset, String)) -> Self {
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
        assert_eq!(preset.name, "tiny");
        assert!(
            why.contains("≈ 3 min") && why.contains("≈ 2 h 45 min"),
            "{why}"
        );
        let (preset, why) = choose(Some(240.0), Some(20.0));
        assert_eq!(preset.name, "three-regimes");
        assert!(why.contains("≈ 4 min"), "{why}");
        let (preset, why) = choose(None, None);
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
        assert!(tour.seen[2].contains("memorized at step 250 while test accuracy was 4%"));

        // Generalizing at once (step 300 after 250) is no grokking.
        seen.generalized = Some(300);
        assert!(!tour.observe(&seen));
        seen.generalized = Some(1_700);
        tour.observe(&seen);
        assert_eq!(tour.step, Step::CriticalSize);
        assert!(
            tour.seen[3].contains("1,450 steps after"),
            "{}",
            tour.seen[3]
        );

        seen.critical_data_size = Some(500);
        assert!(!tour.observe(&seen), "the CDS waits for every size");
        seen.all_trained = true;
        tour.observe(&seen);
        assert_eq!(tour.step, Step::Learned);
        assert!(tour.seen[4].contains("N = 500"));
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
            let text = tour.text();
            assert!(!text.title.is_empty() && !text.action.is_empty() && !text.notice.is_empty());
            assert!(step.target().starts_with(['#', '.']), "{step:?}");
        }
        tour.step = Step::Preset;
        assert!(tour.text().notice.contains("≈ 3 min"));
        assert_eq!(tour.progress(), "Step 1 of 6");
    }

    #[test]
    fn no_critical_size_is_said_plainly() {
        let mut tour = tiny_tour();
        tour.step = Step::CriticalSize;
        let mut seen = on_tiny();
        seen.all_trained = true;
        tour.observe(&seen);
        assert!(
            tour.seen[0].contains("no critical data size"),
            "{}",
            tour.seen[0]
        );
    }
}
