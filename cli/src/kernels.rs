//! Counting the GPU kernels a step launches: on a GPU a model this small is bound by the
//! number of dispatches, so the count predicts speed where timings here (on CPU drivers)
//! cannot. cubecl can log every kernel it executes; we send that log to a file and count
//! its lines around the work of interest.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use cubecl_runtime::config::profiling::ProfilingLogLevel;
use cubecl_runtime::config::{CubeClRuntimeConfig, RuntimeConfig};

/// The kernel log of this process. cubecl's configuration is global and set once, before
/// the first device exists: [`KernelLog::start`] must run before any wgpu work.
#[derive(Debug)]
pub struct KernelLog {
    path: PathBuf,
}

impl KernelLog {
    pub fn start() -> anyhow::Result<Self> {
        let path =
            std::env::temp_dir().join(format!("grokking-kernels-{}.log", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let mut config = CubeClRuntimeConfig::default();
        config.profiling.logger.level = ProfilingLogLevel::Minimal;
        config.profiling.logger.file = Some(path.clone());
        config.profiling.logger.append = true;
        config.profiling.logger.stdout = false;
        config.profiling.logger.stderr = false;
        CubeClRuntimeConfig::set(config);
        Ok(Self { path })
    }

    /// Kernels executed so far, once the (asynchronous) logger has caught up: the count is
    /// read until it stops changing. Call it after a readback, when the queued work is done.
    pub fn count(&self) -> usize {
        let mut last = lines(&self.path);
        let mut stable_since = Instant::now();
        let started = Instant::now();
        while stable_since.elapsed() < Duration::from_millis(300)
            && started.elapsed() < Duration::from_secs(10)
        {
            std::thread::sleep(Duration::from_millis(20));
            let now = lines(&self.path);
            if now != last {
                last = now;
                stable_since = Instant::now();
            }
        }
        last
    }
}

impl Drop for KernelLog {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

fn lines(path: &Path) -> usize {
    std::fs::read(path).map_or(0, |bytes| {
        bytes
            .split(|&b| b == b'\n')
            .filter(|line| line.starts_with(b"Executing"))
            .count()
    })
}
