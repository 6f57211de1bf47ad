//! The lab's words in English and 简体中文: Project Fluent files, one folder per language
//! (`app/locales/en/*.ftl`, `app/locales/zh/*.ftl`), compiled into the page.
//!
//! Why Fluent (`fluent-bundle`): translators know the format, a message can pick its words by
//! a number's plural category ("1 run", "2 runs") or by any variable, and the crate is small
//! and pure Rust (no proc macros, no ICU data files) — `leptos_i18n` would pull `leptos-use`
//! and ICU data into a CI build that is already long. Keys are checked by tests, not the
//! compiler: `tests` below reads every `tr!` in the app's source and every setting and
//! preset of the core, and fails on a key missing from either language.
//!
//! The core's settings table and presets stay in English (the CLI's help uses them); the
//! lab translates them by key: `setting-<key>-label`, `setting-<key>-help`,
//! `choice-<key>-<value>`, `preset-<name>-label`, `preset-<name>-description`.

use std::cell::RefCell;

use fluent_bundle::{FluentArgs, FluentBundle, FluentResource};

/// A language the lab speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    /// The link's and `<html lang>`'s code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// "en", "en-GB", "zh", "zh-CN", "zh-Hans-CN"…; None for a language the lab does not speak.
    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "zh" => Some(Lang::Zh),
            _ => None,
        }
    }

    /// The first of the browser's preferred languages the lab speaks; English otherwise.
    pub fn from_browser(preferred: &[String]) -> Lang {
        preferred
            .iter()
            .find_map(|code| Lang::from_code(code))
            .unwrap_or_default()
    }

    /// The language's own name, for the switch.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Zh => "中文",
        }
    }

    /// The other language (the switch offers it).
    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Zh,
            Lang::Zh => Lang::En,
        }
    }
}

/// Every file of a language, in one list per language (a file missing from one fails the build).
macro_rules! locale_files {
    ($lang:literal: $($file:literal),+ $(,)?) => {
        &[$(($file, include_str!(concat!("../locales/", $lang, "/", $file)))),+]
    };
}

const EN: &[(&str, &str)] = locale_files!("en": "page.ftl", "controls.ftl", "charts.ftl", "lesson.ftl", "core.ftl", "explain.ftl", "lab.ftl");
// Chinese also has the core's settings table and presets (English is the core's own text).
const ZH: &[(&str, &str)] = locale_files!("zh": "page.ftl", "controls.ftl", "charts.ftl", "lesson.ftl", "core.ftl", "explain.ftl", "lab.ftl", "table.ftl");

#[cfg(test)]
/// The file of the core's table in the languages that translate it.
const TABLE_FILE: &str = "table.ftl";

fn sources(lang: Lang) -> &'static [(&'static str, &'static str)] {
    match lang {
        Lang::En => EN,
        Lang::Zh => ZH,
    }
}

fn bundle(lang: Lang) -> FluentBundle<FluentResource> {
    let id = lang.code().parse().expect("a valid language identifier");
    let mut bundle = FluentBundle::new(vec![id]);
    // No Unicode isolation marks around values: the page's text is one direction.
    bundle.set_use_isolating(false);
    for (_, source) in sources(lang) {
        // A file with a syntax error still gives its good messages (the tests fail on it).
        let resource = FluentResource::try_new((*source).to_owned()).unwrap_or_else(|(r, _)| r);
        let _ = bundle.add_resource(resource);
    }
    bundle
}

thread_local! {
    static BUNDLES: RefCell<Option<[FluentBundle<FluentResource>; 2]>> = const { RefCell::new(None) };
}

/// Both languages' messages, parsed on first use (≈ 74 KB of Fluent).
fn with_bundles<T>(f: impl FnOnce(&[FluentBundle<FluentResource>; 2]) -> T) -> T {
    BUNDLES.with(|cell| {
        let mut cell = cell.borrow_mut();
        f(cell.get_or_insert_with(|| [bundle(Lang::En), bundle(Lang::Zh)]))
    })
}

/// Parses the messages now: the page does it in a task of its own before its first build.
pub fn prepare() {
    with_bundles(|_| ());
}

/// The message `id` in `lang`, with `args` filled in. A missing message shows its id (and the
/// tests fail on it); English stands in for a message missing from another language.
pub fn text(lang: Lang, id: &str, args: Option<&FluentArgs>) -> String {
    with_bundles(|bundles| {
        let order = [lang as usize, Lang::En as usize];
        for bundle in order.iter().map(|&i| &bundles[i]) {
            if let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                return bundle
                    .format_pattern(pattern, args, &mut errors)
                    .into_owned();
            }
        }
        id.to_owned()
    })
}

/// Whether `lang` has the message `id` (for keys built at run time, such as a setting's).
pub fn has(lang: Lang, id: &str) -> bool {
    with_bundles(|bundles| bundles[lang as usize].has_message(id))
}

/// `tr!(lang, "message-id")` or `tr!(lang, "message-id", name = value, …)`: the message in
/// `lang` as a `String`. Values are anything Fluent takes: strings (shown as given) and
/// numbers (which also choose plural forms: `{ $count -> [one] run *[other] runs }`).
#[macro_export]
macro_rules! tr {
    ($lang:expr, $id:literal $(,)?) => {
        $crate::i18n::text($lang, $id, None)
    };
    ($lang:expr, $id:literal, $($name:ident = $value:expr),+ $(,)?) => {{
        let mut args = ::fluent_bundle::FluentArgs::new();
        $( args.set(stringify!($name), ::fluent_bundle::FluentValue::from($value)); )+
        $crate::i18n::text($lang, $id, Some(&args))
    }};
}

/// A core setting's label in `lang` (the core's own text is the English).
pub fn setting_label(lang: Lang, setting: &grokking_lab::settings::Setting) -> String {
    core_text(
        lang,
        &format!("setting-{}-label", setting.key),
        setting.label,
    )
}

/// A core setting's help in `lang`.
pub fn setting_help(lang: Lang, setting: &grokking_lab::settings::Setting) -> String {
    core_text(lang, &format!("setting-{}-help", setting.key), setting.help)
}

/// The label of a setting's choice (`value` is its name in links, e.g. `add`).
pub fn choice_label(lang: Lang, key: &str, value: &str, english: &str) -> String {
    core_text(lang, &format!("choice-{key}-{value}"), english)
}

/// A preset's label in `lang`.
pub fn preset_label(lang: Lang, preset: &grokking_lab::presets::Preset) -> String {
    core_text(lang, &format!("preset-{}-label", preset.name), preset.label)
}

/// A preset's description in `lang`.
pub fn preset_description(lang: Lang, preset: &grokking_lab::presets::Preset) -> String {
    core_text(
        lang,
        &format!("preset-{}-description", preset.name),
        preset.description,
    )
}

/// Rust's scientific notation ("1.23e-5") as the language writes it: English keeps it;
/// Chinese text has no Latin letters, so "1.23×10⁻⁵" (and "10⁻⁴" for a mantissa of 1).
pub fn scientific(text: &str, lang: Lang) -> String {
    let Some((mantissa, exponent)) = text.split_once('e') else {
        return text.to_owned();
    };
    if lang == Lang::En {
        return text.to_owned();
    }
    let superscript: String = exponent
        .chars()
        .map(|c| match c {
            '-' => '⁻',
            '0' => '⁰',
            '1' => '¹',
            '2' => '²',
            '3' => '³',
            '4' => '⁴',
            '5' => '⁵',
            '6' => '⁶',
            '7' => '⁷',
            '8' => '⁸',
            '9' => '⁹',
            other => other,
        })
        .collect();
    match mantissa {
        "1" => format!("10{superscript}"),
        "-1" => format!("-10{superscript}"),
        _ => format!("{mantissa}×10{superscript}"),
    }
}

/// A regime's name ("insufficiency", "数据不足"), as the charts and the callouts say it
/// (`Regime::name` stays the data attributes' value).
pub fn regime_name(lang: Lang, regime: grokking_lab::Regime) -> String {
    use grokking_lab::Regime;
    match regime {
        Regime::Insufficiency => tr!(lang, "regime-insufficiency"),
        Regime::Sufficiency => tr!(lang, "regime-sufficiency"),
        Regime::Surplus => tr!(lang, "regime-surplus"),
        Regime::Undertrained => tr!(lang, "regime-undertrained"),
        Regime::Diverged => tr!(lang, "regime-diverged"),
    }
}

fn core_text(lang: Lang, id: &str, english: &str) -> String {
    if lang == Lang::En || !has(lang, id) {
        english.to_owned()
    } else {
        text(lang, id, None)
    }
}

#[cfg(test)]
mod tests;
