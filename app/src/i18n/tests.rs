use std::collections::BTreeSet;
use std::path::Path;

use fluent_bundle::FluentResource;
use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};
use grokking_lab::settings::{Kind, SETTINGS};

use super::*;

/// Each message id of a language with the variables its value uses (without the core's
/// table, which only the translations have).
fn messages(lang: Lang) -> Vec<(String, BTreeSet<String>)> {
    messages_in(lang, |file| file != TABLE_FILE)
}

fn messages_in(lang: Lang, wanted: impl Fn(&str) -> bool) -> Vec<(String, BTreeSet<String>)> {
    let mut all = Vec::new();
    for (file, source) in sources(lang).iter().filter(|(file, _)| wanted(file)) {
        let resource =
            FluentResource::try_new((*source).to_owned()).unwrap_or_else(|(_, errors)| {
                panic!("{}/{file} has syntax errors: {errors:?}", lang.code())
            });
        for entry in resource.entries() {
            if let Entry::Message(message) = entry {
                let mut variables = BTreeSet::new();
                if let Some(value) = &message.value {
                    collect_variables(value, &mut variables);
                }
                all.push((message.id.name.to_owned(), variables));
            }
        }
    }
    all
}

fn collect_variables(pattern: &Pattern<&str>, into: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let PatternElement::Placeable { expression } = element {
            collect_expression(expression, into);
        }
    }
}

fn collect_expression(expression: &Expression<&str>, into: &mut BTreeSet<String>) {
    match expression {
        Expression::Inline(inline) => collect_inline(inline, into),
        Expression::Select { selector, variants } => {
            collect_inline(selector, into);
            for variant in variants {
                collect_variables(&variant.value, into);
            }
        }
    }
}

fn collect_inline(inline: &InlineExpression<&str>, into: &mut BTreeSet<String>) {
    match inline {
        InlineExpression::VariableReference { id } => {
            into.insert(id.name.to_owned());
        }
        InlineExpression::Placeable { expression } => collect_expression(expression, into),
        _ => {}
    }
}

#[test]
fn every_message_exists_in_both_languages_with_the_same_variables() {
    let en = messages(Lang::En);
    let zh = messages(Lang::Zh);
    let ids = |m: &[(String, BTreeSet<String>)]| {
        m.iter().map(|(id, _)| id.clone()).collect::<BTreeSet<_>>()
    };
    let only_en: Vec<_> = ids(&en).difference(&ids(&zh)).cloned().collect();
    let only_zh: Vec<_> = ids(&zh).difference(&ids(&en)).cloned().collect();
    assert!(only_en.is_empty(), "missing in zh: {only_en:?}");
    assert!(only_zh.is_empty(), "missing in en: {only_zh:?}");
    for (id, variables) in &en {
        let (_, other) = zh.iter().find(|(z, _)| z == id).expect("checked above");
        assert_eq!(
            variables, other,
            "{id}: the languages use different variables"
        );
    }
    let mut seen = BTreeSet::new();
    for (id, _) in &en {
        assert!(seen.insert(id), "{id} is defined twice");
    }
}

/// Every `tr!(lang, "id" …)` in the app's source, with the names of the values it passes.
fn uses_in_source() -> Vec<(String, String, BTreeSet<String>)> {
    fn walk(dir: &Path, found: &mut Vec<(String, String, BTreeSet<String>)>) {
        for entry in std::fs::read_dir(dir).expect("the app's source") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                walk(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs")
                && !path.ends_with("i18n/tests.rs")
            {
                let source = std::fs::read_to_string(&path).expect("a source file");
                let calls = source.match_indices("tr!(").filter(|(at, _)| {
                    // Not `include_str!(` and the like.
                    !source[..*at]
                        .chars()
                        .next_back()
                        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
                });
                for call in calls.map(|(at, _)| &source[at + 4..]) {
                    let Some(start) = call.find('"') else {
                        continue;
                    };
                    let rest = &call[start + 1..];
                    let Some(end) = rest.find('"') else { continue };
                    let id = rest[..end].to_owned();
                    if id == "message-id" {
                        continue; // this module's own docs
                    }
                    // The arguments up to the call's closing parenthesis.
                    let mut depth = 1;
                    let mut close = rest.len();
                    for (i, c) in rest[end..].char_indices() {
                        match c {
                            '(' => depth += 1,
                            ')' => {
                                depth -= 1;
                                if depth == 0 {
                                    close = end + i;
                                    break;
                                }
                            }
                            _ => {}
                        }
                    }
                    let names = rest[end + 1..close]
                        .split(',')
                        .filter_map(|arg| {
                            let (name, _) = arg.split_once('=')?;
                            let name = name.trim();
                            (!name.is_empty()
                                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
                            .then(|| name.to_owned())
                        })
                        .collect();
                    found.push((path.display().to_string(), id, names));
                }
            }
        }
    }
    let mut found = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut found,
    );
    found
}

#[test]
fn every_message_the_source_asks_for_exists_with_the_variables_it_is_given() {
    let en = messages(Lang::En);
    let uses = uses_in_source();
    assert!(uses.len() > 100, "the scan found the calls: {}", uses.len());
    for (file, id, given) in uses {
        let Some((_, wanted)) = en.iter().find(|(e, _)| *e == id) else {
            panic!("{file}: tr!(…, \"{id}\") has no message in app/locales/en");
        };
        assert_eq!(
            &given, wanted,
            "{file}: tr!(…, \"{id}\") passes other values than the message uses"
        );
    }
}

#[test]
fn every_setting_choice_and_preset_of_the_core_has_chinese_words() {
    let mut missing = Vec::new();
    let mut want = |id: String| {
        if !has(Lang::Zh, &id) {
            missing.push(id);
        }
    };
    for setting in SETTINGS.iter() {
        want(format!("setting-{}-label", setting.key));
        want(format!("setting-{}-help", setting.key));
        if let Kind::Choice(choices) = &setting.kind {
            for choice in *choices {
                want(format!("choice-{}-{}", setting.key, choice.name));
            }
        }
    }
    for preset in grokking_lab::presets::ALL {
        want(format!("preset-{}-label", preset.name));
        want(format!("preset-{}-description", preset.name));
    }
    assert!(missing.is_empty(), "no Chinese for: {missing:?}");
    // And nothing the table no longer has (a renamed setting leaves its old words behind).
    let known = |id: &str| {
        SETTINGS.iter().any(|s| {
            id == format!("setting-{}-label", s.key)
                || id == format!("setting-{}-help", s.key)
                || matches!(&s.kind, Kind::Choice(choices)
                    if choices.iter().any(|c| id == format!("choice-{}-{}", s.key, c.name)))
        }) || grokking_lab::presets::ALL.iter().any(|p| {
            id == format!("preset-{}-label", p.name)
                || id == format!("preset-{}-description", p.name)
        })
    };
    let stale: Vec<_> = messages_in(Lang::Zh, |file| file == TABLE_FILE)
        .into_iter()
        .map(|(id, _)| id)
        .filter(|id| !known(id))
        .collect();
    assert!(
        stale.is_empty(),
        "zh/{TABLE_FILE} has words for nothing in the core: {stale:?}"
    );
}

#[test]
fn a_message_fills_its_values_and_picks_plural_forms() {
    assert_eq!(tr!(Lang::En, "test-runs", count = 1), "1 run");
    assert_eq!(tr!(Lang::En, "test-runs", count = 3), "3 runs");
    assert_eq!(tr!(Lang::Zh, "test-runs", count = 3), "3 次训练");
}

#[test]
fn the_language_comes_from_the_code_or_the_browser() {
    assert_eq!(Lang::from_code("zh-CN"), Some(Lang::Zh));
    assert_eq!(Lang::from_code("zh-Hans-CN"), Some(Lang::Zh));
    assert_eq!(Lang::from_code("EN_gb"), Some(Lang::En));
    assert_eq!(Lang::from_code("fr"), None);
    let browser = |codes: &[&str]| {
        Lang::from_browser(&codes.iter().map(|c| c.to_string()).collect::<Vec<_>>())
    };
    assert_eq!(browser(&["fr-FR", "zh-TW", "en"]), Lang::Zh);
    assert_eq!(browser(&["de"]), Lang::En);
}

#[test]
fn chinese_writes_scientific_notation_without_latin_letters() {
    assert_eq!(scientific("1.23e-5", Lang::Zh), "1.23×10⁻⁵");
    assert_eq!(scientific("1.23e-5", Lang::En), "1.23e-5");
    assert_eq!(scientific("2.50e12", Lang::Zh), "2.50×10¹²");
    assert_eq!(scientific("1e-6", Lang::Zh), "10⁻⁶");
    assert_eq!(scientific("0.25", Lang::Zh), "0.25");
}
