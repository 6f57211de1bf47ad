//! Writing results so that an interruption, a full disk or a second writer never leaves a
//! half-written or mixed-up file.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context, bail};

/// Writes `contents` to a uniquely named sibling, flushes it to disk, then renames it over
/// `path`: readers see the old file or the new one, never a mix. A failed write leaves no
/// temporary file behind.
pub fn write_atomically(path: &Path, contents: impl AsRef<[u8]>) -> anyhow::Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    write_atomically_as(
        path,
        contents.as_ref(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
    )
}

/// How many names a temporary file tries before giving up: each taken name is a file or a
/// link someone else put there.
const NAME_ATTEMPTS: u32 = 16;

fn write_atomically_as(path: &Path, contents: &[u8], unique: u64) -> anyhow::Result<()> {
    let name = file_name(path)?;
    let (mut file, temporary) = create_fresh(path, |attempt| {
        format!(".{name}.{}.{unique}.{attempt}.partial", std::process::id())
    })?;
    let written = (|| -> anyhow::Result<()> {
        file.write_all(contents)
            .and_then(|()| file.sync_all())
            .with_context(|| format!("cannot write {}", temporary.display()))?;
        std::fs::rename(&temporary, path)
            .with_context(|| format!("cannot replace {}", path.display()))?;
        // The rename itself is durable once the directory is.
        if let Ok(directory) = File::open(directory_of(path)) {
            let _ = directory.sync_all();
        }
        Ok(())
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

/// Creates a new sibling of `path` named by `name(attempt)`, never opening what is already
/// there: results directories are often shared, and `File::create` on a predictable name
/// would follow a link planted there into someone else's file (`create_new` is `O_EXCL`,
/// which refuses links too). A taken name moves on to the next attempt.
fn create_fresh(path: &Path, name: impl Fn(u32) -> String) -> anyhow::Result<(File, PathBuf)> {
    for attempt in 0..NAME_ATTEMPTS {
        let candidate = path.with_file_name(name(attempt));
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
        {
            Ok(file) => return Ok((file, candidate)),
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(error) => {
                return Err(error).with_context(|| format!("cannot write {}", candidate.display()));
            }
        }
    }
    bail!(
        "cannot write beside {}: {NAME_ATTEMPTS} temporary names were all taken by other files",
        path.display()
    )
}

/// Checks, before any training, that results can be written to `path`: its directory exists
/// and takes new files.
pub fn check_writable(path: &Path) -> anyhow::Result<()> {
    let name = file_name(path)?;
    let directory = directory_of(path);
    if !directory.is_dir() {
        bail!(
            "cannot write {}: the directory {} does not exist (create it first)",
            path.display(),
            directory.display()
        );
    }
    if path.is_dir() {
        bail!("cannot write {}: it is a directory", path.display());
    }
    let (_, probe) = create_fresh(path, |attempt| {
        format!(".{name}.{}.{attempt}.probe", std::process::id())
    })
    .with_context(|| format!("cannot write into {}", directory.display()))?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

/// An exclusive claim on an output file for as long as it lives: a second `grokking` writing
/// the same file gets a clear error instead of silently losing runs. The lock file
/// (`.NAME.lock` beside the output) is removed when the claim ends.
pub struct OutputLock {
    file: File,
    path: PathBuf,
}

impl OutputLock {
    pub fn acquire(path: &Path) -> anyhow::Result<Self> {
        let lock = lock_path(path)?;
        loop {
            let file = OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&lock)
                .with_context(|| format!("cannot create the lock file {}", lock.display()))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => bail!(
                    "another grokking process is writing {} (it holds {}); wait for it to finish or choose another --out",
                    path.display(),
                    lock.display()
                ),
                Err(TryLockError::Error(error)) => {
                    return Err(error).with_context(|| format!("cannot lock {}", lock.display()));
                }
            }
            // The holder before us removes the file as it lets go: a lock on a file no longer
            // at the path guards nothing, so open the path again.
            if same_file(&file, &lock) {
                return Ok(Self { file, path: lock });
            }
        }
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        // Removed while still held, so nobody locks a file about to vanish.
        let _ = std::fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    path.exists()
}

/// `.NAME.SUFFIX` beside `path` (`NAME` its file name): hidden, so a results directory lists
/// results only. Locks, sweep journals and task checkpoints live there.
pub fn hidden_sibling(path: &Path, suffix: &str) -> anyhow::Result<PathBuf> {
    Ok(path.with_file_name(format!(".{}.{suffix}", file_name(path)?)))
}

fn lock_path(path: &Path) -> anyhow::Result<PathBuf> {
    hidden_sibling(path, "lock")
}

fn file_name(path: &Path) -> anyhow::Result<String> {
    Ok(path
        .file_name()
        .context("the output path has no file name")?
        .to_string_lossy()
        .into_owned())
}

fn directory_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

pub fn read_records(path: &Path) -> anyhow::Result<grokking_lab::record::Loaded> {
    let json =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    grokking_lab::record::load(&json)
        .with_context(|| format!("{} is not a usable run file", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch() -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "grokking-files-{}-{}",
            std::process::id(),
            COUNTER_FOR_TESTS.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
    static COUNTER_FOR_TESTS: AtomicU64 = AtomicU64::new(0);

    #[test]
    fn an_atomic_write_replaces_the_file_and_leaves_nothing_else() {
        let dir = scratch();
        let path = dir.join("out.json");
        write_atomically(&path, "one").unwrap();
        write_atomically(&path, "two").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "two");
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary files are left");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_failed_write_leaves_no_temporary_file() {
        let dir = scratch();
        // The target is a non-empty directory: the rename fails.
        let path = dir.join("taken");
        std::fs::create_dir_all(path.join("inside")).unwrap();
        assert!(write_atomically(&path, "x").is_err());
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(names.len(), 1, "only the directory that was in the way");
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// A link planted at the temporary name (a shared results directory) is neither
    /// followed nor removed: the write takes the next name and the link's target is intact.
    #[cfg(unix)]
    #[test]
    fn a_temporary_file_never_follows_a_link_planted_at_its_name() {
        let dir = scratch();
        let victim = dir.join("victim.txt");
        std::fs::write(&victim, "theirs").unwrap();
        let path = dir.join("out.json");
        let planted = dir.join(format!(".out.json.{}.77.0.partial", std::process::id()));
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        write_atomically_as(&path, b"ours", 77).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "ours");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "theirs");
        assert!(planted.symlink_metadata().unwrap().is_symlink());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_missing_directory_is_reported_before_anything_runs() {
        let dir = scratch();
        let error = check_writable(&dir.join("nope/out.json")).unwrap_err();
        assert!(error.to_string().contains("does not exist"), "{error}");
        check_writable(&dir.join("out.json")).unwrap();
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_second_writer_of_the_same_file_is_refused() {
        let dir = scratch();
        let path = dir.join("sweep.json");
        let first = OutputLock::acquire(&path).unwrap();
        let error = OutputLock::acquire(&path).err().unwrap();
        assert!(
            error.to_string().contains("another grokking process"),
            "{error}"
        );
        drop(first);
        let lock = dir.join(".sweep.json.lock");
        assert!(!lock.exists(), "the lock file goes with its lock");
        let second = OutputLock::acquire(&path).unwrap();
        assert!(lock.exists());
        drop(second);
        assert!(!lock.exists());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
