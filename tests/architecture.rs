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
