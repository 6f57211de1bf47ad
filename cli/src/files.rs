//! Writing results so that an interruption never leaves a half-written file.

use std::path::Path;

use anyhow::Context;

/// Writes `contents` to a sibling temporary file, then renames it over `path`.
pub fn write_atomically(path: &Path, contents: impl AsRef<[u8]>) -> anyhow::Result<()> {
    let name = path
        .file_name()
        .context("the output path has no file name")?
        .to_string_lossy();
    let temporary = path.with_file_name(format!(".{name}.partial"));
    std::fs::write(&temporary, contents)
        .with_context(|| format!("cannot write {}", temporary.display()))?;
    std::fs::rename(&temporary, path).with_context(|| format!("cannot replace {}", path.display()))
}

pub fn read_records(path: &Path) -> anyhow::Result<grokking_lab::record::Loaded> {
    let json =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    grokking_lab::record::load(&json)
        .with_context(|| format!("{} is not a usable run file", path.display()))
}
