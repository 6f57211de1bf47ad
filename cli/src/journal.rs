//! A sweep's journal: finished runs appended (one compact JSON line each, flushed to disk)
//! as each batch ends, beside the sweep file (`.NAME.journal`). The sweep file itself is
//! rewritten only every few minutes and when the sweep ends, so a long sweep no longer
//! writes its whole file after every batch (bytes written grew with the square of the
//! runs); a sweep killed in between loses nothing: its next start reads the journal back.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use grokking_lab::record::{self, Loaded, RunRecord};

use crate::files::hidden_sibling;

pub struct Journal {
    path: PathBuf,
}

/// What a journal held: its runs, and how many lines did not read (a line cut short by a
/// kill mid-append is the expected one).
#[derive(Default)]
pub struct Recovered {
    pub runs: Vec<RunRecord>,
    pub unreadable: usize,
}

impl Journal {
    /// The journal of the sweep file `out`.
    pub fn of(out: &Path) -> anyhow::Result<Self> {
        Ok(Self {
            path: hidden_sibling(out, "journal")?,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends `runs` and flushes them to disk before returning.
    pub fn append(&self, runs: &[RunRecord]) -> anyhow::Result<()> {
        let mut lines = String::new();
        for run in runs {
            lines.push_str(&serde_json::to_string(run)?);
            lines.push('\n');
        }
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .with_context(|| format!("cannot write {}", self.path.display()))?;
        file.write_all(lines.as_bytes())
            .and_then(|()| file.sync_data())
            .with_context(|| format!("cannot write {}", self.path.display()))
    }

    /// The runs a previous sweep appended and never folded into the sweep file.
    pub fn recover(&self) -> anyhow::Result<Recovered> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Recovered::default());
            }
            Err(error) => {
                return Err(error).with_context(|| format!("cannot read {}", self.path.display()));
            }
        };
        let mut recovered = Recovered::default();
        for line in text.lines().filter(|line| !line.trim().is_empty()) {
            match record::load(line) {
                Ok(Loaded::Run(run)) => recovered.runs.push(*run),
                _ => recovered.unreadable += 1,
            }
        }
        Ok(recovered)
    }

    /// Once the sweep file holds every run.
    pub fn remove(&self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use grokking_lab::presets;
    use grokking_lab::record::RunMeta;

    fn run(train_size: usize) -> RunRecord {
        RunRecord::new(
            presets::TINY.config(train_size),
            vec![grokking_lab::EvalPoint {
                step: 0,
                train_loss: 3.4,
                test_loss: 3.4,
                train_acc: 0.03,
                test_acc: 0.03,
                weight_norm: 20.0,
            }],
            None,
            RunMeta {
                backend: "cpu".into(),
                wall_seconds: 1.0,
            },
        )
    }

    /// Appended runs come back; a line cut short by a kill mid-append is counted, not
    /// trusted, and the runs before it survive.
    #[test]
    fn appended_runs_come_back_and_a_torn_last_line_is_skipped() {
        let dir = std::env::temp_dir().join(format!("grokking-journal-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let journal = Journal::of(&dir.join("sweep.json")).unwrap();
        assert!(journal.path().ends_with(".sweep.json.journal"));
        assert!(journal.recover().unwrap().runs.is_empty());
        journal.append(&[run(300), run(400)]).unwrap();
        journal.append(&[run(500)]).unwrap();
        let mut file = OpenOptions::new()
            .append(true)
            .open(journal.path())
            .unwrap();
        file.write_all(b"{\"format\": \"grokking-lab/run\", \"vers")
            .unwrap();
        let recovered = journal.recover().unwrap();
        let sizes: Vec<usize> = recovered
            .runs
            .iter()
            .map(|r| r.config.train_size())
            .collect();
        assert_eq!(sizes, [300, 400, 500]);
        assert_eq!(recovered.unreadable, 1);
        assert_eq!(recovered.runs[0], run(300));
        journal.remove();
        assert!(!journal.path().exists());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
