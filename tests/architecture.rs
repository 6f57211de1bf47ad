//! The core's dependency directions, checked on the source (as rust-analyzer's tidy tests
//! do): what ARCHITECTURE.md promises a newcomer stays true.

use std::path::Path;

fn source(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

/// The non-test part of a source file.
fn code(path: &str) -> String {
    let text = source(path);
    match text.find("#[cfg(test)]") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

fn files(dir: &str) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<String> = std::fs::read_dir(root.join(dir))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "rs"))
        .map(|path| {
            path.strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{dir} has sources");
    files
}

#[test]
fn config_imports_nothing_from_data() {
    let config = code("src/config.rs");
    assert!(
        !config.contains("crate::data"),
        "src/config.rs uses crate::data"
    );
}

#[test]
fn models_know_no_tokenizer() {
    for file in files("src/model") {
        let code = code(&file);
        assert!(
            !code.contains("tokenizer") && !code.contains("data::imdb"),
            "{file} reaches into the tokenizer"
        );
    }
}

#[test]
fn analysis_knows_no_run_format() {
    for file in files("src/analysis") {
        let code = code(&file);
        assert!(
            !code.contains("crate::record") && !code.contains("RunRecord"),
            "{file} depends on the run format"
        );
    }
}

/// Which module of the core uses which (`a` → `b`: `a` names `crate::b`), outside tests and
/// comments (a doc link is no dependency). The list is what *is*: a new arrow fails
/// [`the_core_modules_depend_only_as_allowed`], so it is a decision, not a drift — add it
/// here, and to ARCHITECTURE.md if it changes a layer; a removed one must go too. Together
/// the arrows run one way: data → model → trainer → run → record, the analysis beside.
const CORE_ARROWS: &[(&str, &str)] = &[
    ("analysis", "config"),
    ("analysis", "metrics"),
    ("checkpoint", "config"),
    ("checkpoint", "learned"),
    ("checkpoint", "metrics"),
    ("checkpoint", "rng"),
    ("checkpoint", "trainer"),
    ("data", "config"),
    ("data", "rng"),
    ("footprint", "config"),
    ("footprint", "data"),
    ("learned", "data"),
    ("model", "config"),
    ("model", "data"),
    ("model", "rng"),
    ("presets", "config"),
    ("presets", "data"),
    ("record", "analysis"),
    ("record", "config"),
    ("record", "learned"),
    ("record", "metrics"),
    ("run", "checkpoint"),
    ("run", "config"),
    ("run", "data"),
    ("run", "learned"),
    ("run", "metrics"),
    ("run", "record"),
    ("run", "trainer"),
    ("settings", "config"),
    ("settings", "presets"),
    ("sweep", "config"),
    ("trainer", "config"),
    ("trainer", "data"),
    ("trainer", "footprint"),
    ("trainer", "grokking"),
    ("trainer", "learned"),
    ("trainer", "metrics"),
    ("trainer", "model"),
    ("trainer", "rng"),
];

/// The same for the lab (`app/src`). Of note: `worker` knows only the protocol and the
/// device choice, never the page's state; the pure modules (`callouts`, `clock`, `tour`,
/// `choice`, `protocol`, `scheduler`) use no view; only `apply` reaches the store's
/// writes (`lab` only loads); `i18n` (the words) is a leaf that whatever says something uses.
const APP_ARROWS: &[(&str, &str)] = &[
    ("apply", "scheduler"),
    ("apply", "state"),
    ("apply", "store"),
    ("apply", "tasks"),
    ("callouts", "i18n"),
    ("charts", "callouts"),
    ("charts", "i18n"),
    ("charts", "reference"),
    ("charts", "settings"),
    ("charts", "state"),
    ("clock", "i18n"),
    ("controls", "apply"),
    ("controls", "clock"),
    ("controls", "i18n"),
    ("controls", "protocol"),
    ("controls", "settings"),
    ("controls", "state"),
    ("crash", "i18n"),
    ("explain", "i18n"),
    ("explain", "state"),
    ("export", "charts"),
    ("export", "i18n"),
    ("export", "state"),
    ("import", "i18n"),
    ("import", "settings"),
    ("keys", "state"),
    ("lab", "apply"),
    ("lab", "charts"),
    ("lab", "controls"),
    ("lab", "explain"),
    ("lab", "export"),
    ("lab", "i18n"),
    ("lab", "import"),
    ("lab", "keys"),
    ("lab", "pool"),
    ("lab", "protocol"),
    ("lab", "reference"),
    ("lab", "scheduler"),
    ("lab", "scrubber"),
    ("lab", "settings"),
    ("lab", "state"),
    ("lab", "store"),
    ("lab", "tasks"),
    ("lab", "tour_view"),
    ("lab", "wake"),
    ("pool", "apply"),
    ("pool", "i18n"),
    ("pool", "protocol"),
    ("pool", "scheduler"),
    ("pool", "state"),
    ("protocol", "choice"),
    ("protocol", "i18n"),
    ("reference", "tasks"),
    ("scheduler", "i18n"),
    ("scheduler", "protocol"),
    ("scrubber", "charts"),
    ("scrubber", "state"),
    ("settings", "i18n"),
    ("settings", "protocol"),
    ("state", "clock"),
    ("state", "i18n"),
    ("state", "protocol"),
    ("state", "reference"),
    ("state", "settings"),
    ("state", "tour"),
    ("store", "i18n"),
    ("tour", "callouts"),
    ("tour", "clock"),
    ("tour", "i18n"),
    ("tour_view", "charts"),
    ("tour_view", "i18n"),
    ("tour_view", "settings"),
    ("tour_view", "state"),
    ("tour_view", "tour"),
    ("wake", "state"),
    ("worker", "choice"),
    ("worker", "protocol"),
];

type Arrows = std::collections::BTreeSet<(String, String)>;

/// A source directory's modules: its `.rs` files and folders, but the crate roots and `bin/`.
fn modules(dir: &str) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut modules: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter_map(|path| {
            let name = path.file_name()?.to_string_lossy().into_owned();
            match name.strip_suffix(".rs") {
                Some("lib" | "main") => None,
                Some(module) => Some(module.to_owned()),
                None if path.is_dir() && name != "bin" => Some(name),
                None => None,
            }
        })
        .collect();
    // `x.rs` and its submodules' folder `x/` are one module.
    modules.sort();
    modules.dedup();
    modules
}

/// The files of a module: itself (`x.rs`), and every `.rs` file under its folder (`x/`).
fn module_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    if dir.with_extension("rs").is_file() {
        files.push(dir.with_extension("rs"));
    }
    if dir.is_dir() {
        files.extend(files_under(dir));
    }
    files
}

/// Every `.rs` file under `dir`, at any depth, but a module's `tests.rs`.
fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else if path.extension().is_some_and(|e| e == "rs")
            // A module's `tests.rs` is test code, like a `#[cfg(test)] mod tests { … }`.
            && path.file_name().is_some_and(|n| n != "tests.rs")
        {
            files.push(path);
        }
    }
    files
}

/// The first name after each `crate::` in `code`, a `use crate::{a, b::c}` group's too.
fn crate_references(code: &str) -> std::collections::BTreeSet<String> {
    let ident = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut names = std::collections::BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        let Some(group) = rest.strip_prefix('{') else {
            names.insert(ident(rest));
            continue;
        };
        // The group's top-level items, each led by a module name.
        let (mut depth, mut start) = (0, 0);
        for (i, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    names.insert(ident(&group[start..i]));
                    break;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    names.insert(ident(&group[start..i]));
                    start = i + 1;
                }
                _ => {}
            }
        }
    }
    names.remove("");
    names
}

/// Who uses whom among `dir`'s modules, outside tests and comments.
fn arrows(dir: &str) -> Arrows {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let modules = modules(dir);
    let mut arrows = Arrows::new();
    for module in &modules {
        for file in module_files(&root.join(module)) {
            let text = std::fs::read_to_string(&file).unwrap();
            let text = text.split("#[cfg(test)]").next().unwrap_or_default();
            let code: String = text
                .lines()
                .map(|line| line.split("//").next().unwrap_or_default())
                .collect::<Vec<_>>()
                .join("\n");
            for used in crate_references(&code) {
                if &used != module && modules.contains(&used) {
                    arrows.insert((module.clone(), used));
                }
            }
        }
    }
    arrows
}

fn check_arrows(dir: &str, allowed: &[(&str, &str)]) {
    let found = arrows(dir);
    let allowed: Arrows = allowed
        .iter()
        .map(|&(a, b)| (a.to_owned(), b.to_owned()))
        .collect();
    let new: Vec<_> = found.difference(&allowed).collect();
    assert!(
        new.is_empty(),
        "{dir}: new module dependencies {new:?}; if intended, allow them in tests/architecture.rs (and say so in ARCHITECTURE.md)"
    );
    let gone: Vec<_> = allowed.difference(&found).collect();
    assert!(
        gone.is_empty(),
        "{dir}: allowed dependencies no longer in the code {gone:?}: remove them from the list"
    );
}

/// A cycle among `arrows`, if any (depth-first search).
fn cycle(arrows: &[(&str, &str)]) -> Option<Vec<String>> {
    fn visit<'a>(
        node: &'a str,
        arrows: &[(&'a str, &'a str)],
        path: &mut Vec<&'a str>,
        done: &mut std::collections::BTreeSet<&'a str>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|&n| n == node) {
            return Some(path[at..].iter().map(|s| s.to_string()).collect());
        }
        if !done.insert(node) {
            return None;
        }
        path.push(node);
        for &(from, to) in arrows {
            if from == node
                && let Some(found) = visit(to, arrows, path, done)
            {
                return Some(found);
            }
        }
        path.pop();
        None
    }
    let mut done = std::collections::BTreeSet::new();
    arrows
        .iter()
        .find_map(|&(from, _)| visit(from, arrows, &mut Vec::new(), &mut done))
}

#[test]
fn the_core_modules_depend_only_as_allowed() {
    assert!(modules("src").contains(&"trainer".to_owned()));
    check_arrows("src", CORE_ARROWS);
}

#[test]
fn the_app_modules_depend_only_as_allowed() {
    assert!(modules("app/src").contains(&"pool".to_owned()));
    check_arrows("app/src", APP_ARROWS);
}

#[test]
fn module_dependencies_run_one_way() {
    for (name, arrows) in [("src", CORE_ARROWS), ("app/src", APP_ARROWS)] {
        assert_eq!(cycle(arrows), None, "{name}: a dependency cycle");
    }
    // The check finds one where there is one.
    assert_eq!(
        cycle(&[("a", "b"), ("b", "c"), ("c", "b")]),
        Some(vec!["b".to_owned(), "c".to_owned()])
    );
}

#[test]
fn grouped_imports_count_each_module() {
    let code = "use crate::{config::{A, B}, data::Dataset};\nlet x = crate::rng::seed();";
    let found: Vec<String> = crate_references(code).into_iter().collect();
    assert_eq!(found, ["config", "data", "rng"]);
}

/// With `autotests = false`, a test file is run only if its crate's one test binary
/// declares it: a file added without its `mod` line would pass by never running.
#[test]
fn every_test_file_is_a_module_of_its_crates_test_binary() {
    for (dir, binary, own) in [
        ("tests", "tests/core.rs", &["tests/core.rs"][..]),
        ("cli/tests", "cli/tests/cli.rs", &["cli/tests/cli.rs"][..]),
    ] {
        let declared = source(binary);
        for file in files(dir).iter().filter(|f| !own.contains(&f.as_str())) {
            let module = Path::new(file).file_stem().unwrap().to_string_lossy();
            assert!(
                declared
                    .lines()
                    .any(|l| l.trim() == format!("mod {module};")),
                "{file} is not declared in {binary}: add `mod {module};` there or it never runs"
            );
        }
    }
}
