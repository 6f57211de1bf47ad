//! The settings in the page's link: `task=mod-add&modulus=47&…&sizes=600,800&n=800`.
//!
//! Keys are the core's setting keys (the CLI's flags without `--`), so a link and a command
//! line read alike. Every setting that applies to the task is written, so a link keeps
//! meaning the same experiment when a preset changes. Reading never fails: what cannot be
//! used is reported and left at the preset's value.

use grokking_lab::presets::{self, Preset};
use grokking_lab::settings::{self as table, SETTINGS};

use super::{
    BATCH_RUNS_KEY, DEVICE_KEY, EditError, LabSettings, SEEDS_KEY, SIZES_KEY, WORKERS_KEY, words,
};
use crate::i18n::{self, Lang};
use crate::protocol::DevicePreference;
use crate::tr;

/// The selected training size.
const SELECTED_KEY: &str = "n";
/// Names the base the other values apply to (optional; the task's default otherwise).
const PRESET_KEY: &str = "preset";
/// Opens the lab in projector mode (`present=1`): a teacher's link straight to the big view.
pub const PRESENT_KEY: &str = "present";
/// Embed mode (`embed=1`): one preset's phase diagram, curves, slider and Train button, for
/// an `<iframe>` in a course page, with a link out to the full lab.
pub const EMBED_KEY: &str = "embed";
/// The live callouts (`callouts=0`: off; on by default).
pub const CALLOUTS_KEY: &str = "callouts";
/// The guided tour, open (`tour=1`): a teacher's link that starts it.
pub const TOUR_KEY: &str = "tour";
/// The page's language (`lang=zh`); without it, the browser's ([`lang`] reads it).
pub const LANG_KEY: &str = "lang";

/// Keys of links made before the settings table, and what they mean now.
const LEGACY_KEYS: &[(&str, &str)] = &[
    ("p", "modulus"),
    ("d", "d-model"),
    ("mlp", "d-mlp"),
    ("wd", "weight-decay"),
    ("eps", "epsilon"),
    ("eval", "eval-every"),
    ("len", "max-len"),
    ("vocab", "vocab-size"),
    ("batch", "batch-size"),
    ("test", "test-size"),
];

/// Something in a link that could not be used, in the user's words.
#[derive(Debug, Clone, PartialEq)]
pub struct Ignored {
    pub key: String,
    pub value: String,
    /// Why, in English (logs and tests; [`Ignored::describe`] says it in the page's language).
    pub reason: String,
    pub why: Why,
}

impl Ignored {
    /// `key="value": why` in `lang`, for the page's notice.
    pub fn describe(&self, lang: Lang) -> String {
        format!("{}={:?}: {}", self.key, self.value, self.why.text(lang))
    }
}

impl std::fmt::Display for Ignored {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}={:?}: {}", self.key, self.value, self.reason)
    }
}

/// Why a pair of a link was not used.
#[derive(Debug, Clone, PartialEq)]
pub enum Why {
    /// `preset=` names no preset.
    NoSuchPreset,
    /// A page-mode switch (its key: `present`, `embed`, `callouts`, `tour`) that is not 0 or 1.
    Switch(&'static str),
    /// `task=` of the other family than the named preset's (its name).
    OtherFamily(&'static str),
    /// `n=` that is not a whole number.
    NotAWholeNumber,
    /// `lang=` names a language the lab does not speak.
    Lang,
    /// A value the setup refused.
    Edit(EditError),
    /// Each value was fine but the setup they make is not: the preset (its name) is used whole.
    Fallback {
        error: EditError,
        preset: &'static str,
    },
}

impl Why {
    /// The reason in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            Self::NoSuchPreset => tr!(lang, "form-link-no-such-preset"),
            Self::Switch(PRESENT_KEY) => tr!(lang, "form-link-present"),
            Self::Switch(EMBED_KEY) => tr!(lang, "form-link-embed"),
            Self::Switch(CALLOUTS_KEY) => tr!(lang, "form-link-callouts"),
            Self::Switch(_) => tr!(lang, "form-link-tour"),
            Self::OtherFamily(name) => {
                let preset = preset_words(lang, name);
                if presets::find(name).is_some_and(Preset::is_imdb) {
                    tr!(lang, "form-link-preset-is-for-imdb", preset = preset)
                } else {
                    tr!(lang, "form-link-preset-is-for-modular", preset = preset)
                }
            }
            Self::NotAWholeNumber => tr!(lang, "form-link-not-a-whole-number"),
            Self::Lang => tr!(lang, "form-link-lang"),
            Self::Edit(error) => words::edit_error(lang, error),
            Self::Fallback { error, preset } => {
                let error = words::edit_error(lang, error);
                let preset = preset_words(lang, preset);
                tr!(lang, "form-link-fallback", error = error, preset = preset)
            }
        }
    }
}

/// A preset's label in `lang`, by its name.
fn preset_words(lang: Lang, name: &str) -> String {
    presets::find(name).map_or_else(
        || name.to_owned(),
        |preset| i18n::preset_label(lang, preset),
    )
}

/// What a link holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub settings: LabSettings,
    /// The slider's size, if the link names one of the sizes.
    pub selected: Option<usize>,
    /// Projector mode (`present=1`).
    pub present: bool,
    /// Embed mode (`embed=1`).
    pub embed: bool,
    /// Live callouts (on unless `callouts=0`).
    pub callouts: bool,
    /// The guided tour, started (`tour=1`).
    pub tour: bool,
    pub ignored: Vec<Ignored>,
}

/// The link's hash (without `#`) for `settings` with `selected` on the slider.
pub fn encode(settings: &LabSettings, selected: usize) -> String {
    let mut pairs: Vec<String> = SETTINGS
        .iter()
        .filter_map(|setting| {
            let text = setting.text(settings.template())?;
            Some(format!("{}={}", setting.key, encode_value(&text)))
        })
        .collect();
    pairs.push(format!("{SIZES_KEY}={}", settings.sizes_text()));
    if settings.seeds() > 1 {
        pairs.push(format!("{SEEDS_KEY}={}", settings.seeds()));
    }
    if settings.batch_runs().is_some() {
        pairs.push(format!("{BATCH_RUNS_KEY}={}", settings.batch_runs_text()));
    }
    if settings.workers().is_some() {
        pairs.push(format!("{WORKERS_KEY}={}", settings.workers_text()));
    }
    if settings.device() != DevicePreference::Auto {
        pairs.push(format!("{DEVICE_KEY}={}", settings.device().as_str()));
    }
    pairs.push(format!("{SELECTED_KEY}={selected}"));
    pairs.join("&")
}

/// The language a link asks for (`lang=zh`, with or without `#`), if the lab speaks it.
pub fn lang(hash: &str) -> Option<Lang> {
    hash.trim_start_matches('#')
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| percent_decode(key) == LANG_KEY)
        .and_then(|(_, value)| Lang::from_code(&percent_decode(value)))
}

/// Reads a hash (with or without `#`). Starts from the named preset (`preset=`), else the
/// task's default preset; applies each value that is valid on its own; if the result is
/// not a valid setup, the preset is used whole. Never fails.
pub fn decode(hash: &str) -> Decoded {
    let hash = hash.trim_start_matches('#');
    let mut ignored = Vec::new();
    let mut ignore = |key: &str, value: &str, why: Why| {
        ignored.push(Ignored {
            key: key.to_owned(),
            value: value.to_owned(),
            reason: why.text(Lang::En),
            why,
        })
    };
    let pairs: Vec<(String, String)> = hash
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            modern(&percent_decode(k), &percent_decode(v))
        })
        .collect();

    let named = pairs.iter().find(|(k, _)| k == PRESET_KEY);
    let wants_imdb = pairs.iter().any(|(k, v)| k == "task" && v == "imdb");
    let preset: &Preset = match named {
        Some((key, name)) => presets::find(name).unwrap_or_else(|| {
            ignore(key, name, Why::NoSuchPreset);
            presets::default_for(wants_imdb)
        }),
        None => presets::default_for(wants_imdb),
    };
    let mut settings = LabSettings::from_preset(preset);
    let mut selected = None;
    let mut present = false;
    let mut embed = false;
    let mut callouts = true;
    let mut tour = false;
    // The task first: it decides which other settings apply.
    let (tasks, others): (Vec<_>, Vec<_>) = pairs.iter().partition(|(k, _)| k == "task");
    for (key, value) in tasks.into_iter().chain(others) {
        let result = match key.as_str() {
            PRESET_KEY => Ok(()),
            // The page's language: [`lang`] reads it before the settings.
            LANG_KEY => Lang::from_code(value).map(|_| ()).ok_or(Why::Lang),
            PRESENT_KEY => switch(value)
                .map(|on| present = on)
                .ok_or(Why::Switch(PRESENT_KEY)),
            EMBED_KEY => switch(value)
                .map(|on| embed = on)
                .ok_or(Why::Switch(EMBED_KEY)),
            CALLOUTS_KEY => switch(value)
                .map(|on| callouts = on)
                .ok_or(Why::Switch(CALLOUTS_KEY)),
            TOUR_KEY => switch(value)
                .map(|on| tour = on)
                .ok_or(Why::Switch(TOUR_KEY)),
            "task" if (value == "imdb") != preset.is_imdb() => Err(Why::OtherFamily(preset.name)),
            SELECTED_KEY => value
                .parse()
                .map(|n| selected = Some(n))
                .map_err(|_| Why::NotAWholeNumber),
            SIZES_KEY => super::parse_sizes(value)
                .map(|sizes| settings.sizes = sizes)
                .map_err(Why::Edit),
            SEEDS_KEY => super::parse_seeds(value)
                .map(|seeds| settings.seeds = seeds)
                .map_err(Why::Edit),
            BATCH_RUNS_KEY => super::parse_batch_runs(value)
                .map(|cap| settings.batch_runs = cap)
                .map_err(Why::Edit),
            WORKERS_KEY => super::parse_workers(value)
                .map(|workers| settings.workers = workers)
                .map_err(Why::Edit),
            DEVICE_KEY => super::parse_device(value)
                .map(|device| settings.device = device)
                .map_err(Why::Edit),
            _ => table::find(key)
                .and_then(|setting| setting.apply(&mut settings.template, value))
                .map_err(|e| Why::Edit(e.into())),
        };
        if let Err(reason) = result {
            ignore(key, value, reason);
        }
    }
    if !pairs.iter().any(|(k, _)| k == SIZES_KEY) {
        // The preset's sizes, as far as this pool supplies them.
        settings.fit_sizes_to_pool();
    }
    if let Err(error) = settings.validate() {
        ignore(
            "setup",
            &hash.chars().take(80).collect::<String>(),
            Why::Fallback {
                error,
                preset: preset.name,
            },
        );
        settings = LabSettings::from_preset(preset);
        selected = None;
    }
    let selected = selected.filter(|n| settings.sizes.contains(n));
    Decoded {
        settings,
        selected,
        present,
        embed,
        callouts,
        tour,
        ignored,
    }
}

/// A page-mode switch's value: `1`, `true` or nothing turn it on, `0` or `false` off.
fn switch(value: &str) -> Option<bool> {
    match value {
        "1" | "true" | "" => Some(true),
        "0" | "false" => Some(false),
        _ => None,
    }
}

/// Today's key and value for a pair of an older link: `p=47` is `modulus=47`, `op=mul` is
/// `task=mod-mul`, `task=modular` is `task=mod-add`.
fn modern(key: &str, value: &str) -> (String, String) {
    match (key, value) {
        ("op", op) => ("task".into(), format!("mod-{op}")),
        ("task", "modular") => ("task".into(), "mod-add".into()),
        _ => {
            let key = LEGACY_KEYS
                .iter()
                .find(|(old, _)| *old == key)
                .map_or(key, |(_, new)| new);
            (key.to_owned(), value.to_owned())
        }
    }
}

/// Values are numbers, lists and names; only what a hash cannot hold is escaped.
fn encode_value(text: &str) -> String {
    text.replace('%', "%25")
        .replace('&', "%26")
        .replace('#', "%23")
        .replace(' ', "%20")
}

/// Percent-decoding (bad escapes stay as typed).
fn percent_decode(text: &str) -> String {
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
    fn a_link_can_open_the_projector_mode_and_a_bad_value_is_reported() {
        assert!(decode("modulus=47&present=1").present);
        assert!(!decode("modulus=47").present);
        assert!(!decode("present=0").present);
        let bad = decode("present=maybe");
        assert!(!bad.present);
        assert_eq!(bad.ignored.len(), 1);
        assert_eq!(bad.ignored[0].key, PRESENT_KEY);
    }

    #[test]
    fn a_link_can_start_the_tour_and_a_bad_value_is_reported() {
        assert!(decode("preset=tiny&tour=1").tour);
        assert!(!decode("preset=tiny").tour);
        let bad = decode("tour=later");
        assert!(!bad.tour);
        assert_eq!(bad.ignored[0].key, TOUR_KEY);
    }

    #[test]
    fn a_link_can_ask_for_the_embed_mode_and_a_bad_value_is_reported() {
        let embedded = decode("preset=tiny&embed=1");
        assert!(embedded.embed && !embedded.present);
        assert!(embedded.ignored.is_empty());
        assert!(!decode("preset=tiny").embed);
        assert!(!decode("embed=0").embed);
        assert!(decode("preset=tiny").callouts);
        assert!(!decode("preset=tiny&callouts=0").callouts);
        let bad = decode("embed=yes");
        assert!(!bad.embed);
        assert_eq!(bad.ignored.len(), 1);
        assert_eq!(bad.ignored[0].key, EMBED_KEY);
    }
    use crate::settings::tests::random_settings;
    use grokking_lab::rng::SplitMix64;

    /// URL → state → URL: a link reproduces the setup exactly, for random valid setups.
    #[test]
    fn random_settings_round_trip_through_the_link() {
        let mut rng = SplitMix64::new(3);
        for _ in 0..300 {
            let settings = random_settings(&mut rng);
            let n = settings.sizes()[rng.below(settings.sizes().len())];
            let hash = encode(&settings, n);
            let decoded = decode(&format!("#{hash}"));
            assert!(decoded.ignored.is_empty(), "{hash}: {:?}", decoded.ignored);
            assert_eq!(decoded.settings, settings, "{hash}");
            assert_eq!(decoded.selected, Some(n));
            assert_eq!(encode(&decoded.settings, n), hash);
        }
    }

    #[test]
    fn links_use_the_cli_s_names() {
        let hash = encode(&LabSettings::default(), 800);
        assert!(
            hash.starts_with(
                "task=mod-add&modulus=47&pool-fraction=0.75&subsets=independent&split=shared&d-model=64"
            ),
            "{hash}"
        );
        assert!(hash.ends_with("&sizes=600,700,800,900,1000,1100,1200,1300,1400,1500,1600&n=800"));
        let imdb = encode(&LabSettings::from_preset(&presets::IMDB), 300);
        assert!(
            imdb.contains("max-len=64") && !imdb.contains("modulus"),
            "{imdb}"
        );
    }

    /// Links shared before the settings table still open the same setup.
    #[test]
    fn old_links_still_work() {
        let old = decode("p=11&d=16&heads=2&mlp=32&steps=200&eval=20&sizes=30,60&n=60");
        assert!(old.ignored.is_empty(), "{:?}", old.ignored);
        let config = old.settings.config(60);
        assert_eq!(config.model.d_model, 16);
        assert_eq!(config.model.d_mlp, 32);
        assert_eq!(config.training.eval_every, 20);
        assert_eq!(config.pool_size(), Some(90));
        assert_eq!(old.selected, Some(60));

        let imdb = decode(
            "task=imdb&len=16&vocab=500&batch=16&test=64&d=8&heads=2&mlp=16&alpha=1&wd=0.1&lr=0.003&steps=60&eval=20&sizes=32,64",
        );
        assert!(imdb.ignored.is_empty(), "{:?}", imdb.ignored);
        let config = imdb.settings.config(32);
        let grokking_lab::config::TaskConfig::Imdb(task) = &config.task else {
            panic!("an IMDB link")
        };
        assert_eq!(
            (task.max_len, task.vocab_size, task.test_size),
            (16, 500, Some(64))
        );
        assert_eq!(config.training.batch_size, Some(16));
        assert_eq!(config.grokking.weight_decay, 0.1);

        // Without sizes in the link, the preset's that the pool (720 pairs) supplies.
        let mul = decode("op=mul&p=31");
        assert_eq!(mul.settings.sizes(), &[600, 700]);
        assert_eq!(
            table::find("task")
                .unwrap()
                .text(mul.settings.template())
                .as_deref(),
            Some("mod-mul")
        );
    }

    #[test]
    fn a_named_preset_is_the_base() {
        let decoded = decode("preset=tiny&alpha=2");
        assert!(decoded.ignored.is_empty(), "{:?}", decoded.ignored);
        assert_eq!(decoded.settings.config(300).model.d_model, 32);
        assert_eq!(decoded.settings.config(300).grokking.alpha, 2.0);
        assert_eq!(decoded.settings.sizes(), presets::TINY.sizes);
        let conflicting = decode("preset=tiny&task=imdb");
        assert!(conflicting.ignored.iter().any(|i| i.key == "task"));
        assert_eq!(conflicting.settings.preset().map(|p| p.name), Some("tiny"));
    }

    #[test]
    fn garbage_falls_back_with_reasons() {
        let decoded = decode("#%%%&&=&alpha=abc&p=100000&zzz=1&n=-3&preset=nope");
        assert_eq!(decoded.settings, LabSettings::default());
        assert_eq!(decoded.selected, None);
        let keys: Vec<&str> = decoded.ignored.iter().map(|i| i.key.as_str()).collect();
        for key in ["alpha", "modulus", "zzz", "n", "preset"] {
            assert!(keys.contains(&key), "{key} in {keys:?}");
        }
        assert!(
            decoded
                .ignored
                .iter()
                .any(|i| i.reason.contains("between 2 and 257"))
        );
    }

    #[test]
    fn an_invalid_combination_uses_the_preset_whole() {
        // Each value is in range, but 3 heads do not divide 64.
        let decoded = decode("heads=3&alpha=2");
        assert_eq!(decoded.settings, LabSettings::default());
        assert!(
            decoded
                .ignored
                .iter()
                .any(|i| i.reason.contains("divisible")),
            "{:?}",
            decoded.ignored
        );
        let beyond = decode("modulus=11&sizes=10,500");
        assert_eq!(beyond.settings, LabSettings::default());
        assert!(beyond.ignored.iter().any(|i| i.reason.contains("pool")));
        let imdb = decode("task=imdb&max-len=100000&sizes=1,999999");
        assert_eq!(imdb.settings, LabSettings::from_preset(&presets::IMDB));
        assert!(imdb.ignored.iter().any(|i| i.key == "max-len"));
    }

    /// The page's notice says each reason in its language; English is the log's text.
    #[test]
    fn ignored_values_are_described_in_the_page_s_language() {
        let decoded =
            decode("preset=nope&present=maybe&n=x&alpha=1000&heads=3&preset=tiny&task=imdb");
        assert!(decoded.ignored.len() >= 4, "{:?}", decoded.ignored);
        for ignored in &decoded.ignored {
            assert_eq!(ignored.describe(Lang::En), ignored.to_string());
            let chinese = ignored.describe(Lang::Zh);
            assert_ne!(chinese, ignored.to_string());
            assert!(
                !chinese.contains("form-link") && !chinese.contains("core-error"),
                "{chinese}"
            );
        }
        let fallback = decode("heads=3");
        let setup = fallback.ignored.iter().find(|i| i.key == "setup").unwrap();
        assert!(
            setup
                .reason
                .ends_with("; using the “Three regimes (fast)” preset"),
            "{}",
            setup.reason
        );
        assert!(
            setup.describe(Lang::Zh).contains("预设"),
            "{}",
            setup.describe(Lang::Zh)
        );
        let other = decode("preset=tiny&task=imdb");
        let task = other.ignored.iter().find(|i| i.key == "task").unwrap();
        assert_eq!(
            task.reason,
            "the “Tiny (CPU-friendly)” preset is for modular arithmetic"
        );
        let bad = decode("present=maybe");
        assert_eq!(
            bad.ignored[0].reason,
            "present=1 opens the projector mode, present=0 does not"
        );
    }

    #[test]
    fn a_link_can_name_the_language() {
        assert_eq!(lang("#preset=tiny&lang=zh"), Some(Lang::Zh));
        assert_eq!(lang("lang=en&preset=tiny"), Some(Lang::En));
        assert_eq!(lang("preset=tiny"), None);
        assert_eq!(lang("lang=fr"), None);
        assert!(decode("preset=tiny&lang=zh").ignored.is_empty());
        let french = decode("preset=tiny&lang=fr");
        assert_eq!(french.ignored.len(), 1);
        assert_eq!(french.ignored[0].key, LANG_KEY);
        assert_eq!(french.settings, LabSettings::from_preset(&presets::TINY));
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%2Cb"), "a,b");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
        assert_eq!(percent_decode("%é1"), "%é1");
    }
}
