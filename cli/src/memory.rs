//! The memory check before training. A batch larger than the machine's memory is killed by
//! the kernel with no message (in a Kubernetes pod: OOMKilled, then retried); the core's
//! footprint estimate ([`grokking_lab::footprint`]) tells before any tensor exists, so such a
//! batch is refused with its numbers instead.

use anyhow::bail;
use clap::Args;
use grokking_lab::ExperimentConfig;
use grokking_lab::data::Dataset;
use grokking_lab::footprint::{self, describe_bytes};

/// Memory the process needs beside the batch: the binary, the bundled IMDB reviews, the
/// allocator's slack (measured: a *Tiny* run peaks at ≈ 40 MB resident).
const BASELINE: u64 = 64 << 20;

#[derive(Debug, Clone, Default, Args)]
pub struct MemoryArgs {
    /// The most memory training may use, e.g. 8G, 512M or 1048576 (bytes); a run estimated
    /// to need more is refused before it starts [default: the memory the system reports
    /// available]
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_memory: Option<u64>,
}

/// Where the limit came from, for the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub bytes: u64,
    pub from_flag: bool,
}

impl MemoryArgs {
    /// `--max-memory`, else the memory available now (Linux), else no limit.
    pub fn limit(&self) -> Option<Limit> {
        match self.max_memory {
            Some(bytes) => Some(Limit {
                bytes,
                from_flag: true,
            }),
            None => available_memory().map(|bytes| Limit {
                bytes,
                from_flag: false,
            }),
        }
    }

    /// Refuses to start when the batches trained at once (`jobs` of them, the largest
    /// first) are estimated to need more than the limit.
    pub fn check(&self, batches: &[Vec<ExperimentConfig>], jobs: usize) -> anyhow::Result<()> {
        let Some(limit) = self.limit() else {
            return Ok(());
        };
        let mut needs = batches
            .iter()
            .map(|batch| batch_bytes(batch))
            .collect::<anyhow::Result<Vec<u64>>>()?;
        needs.sort_unstable_by(|a, b| b.cmp(a));
        let at_once = jobs.max(1).min(needs.len());
        let need = BASELINE + needs[..at_once].iter().sum::<u64>();
        if need > limit.bytes {
            let (limit_text, advice) = if limit.from_flag {
                (
                    format!("--max-memory is {}", describe_bytes(limit.bytes)),
                    "raise --max-memory if the machine has more",
                )
            } else {
                (
                    format!("this machine has {} available", describe_bytes(limit.bytes)),
                    "set --max-memory to override the check",
                )
            };
            let batch = if at_once > 1 {
                format!("{at_once} batches trained at once (--jobs)")
            } else if batches.first().is_some_and(|b| b.len() > 1) {
                "the largest batch".to_owned()
            } else {
                "this run".to_owned()
            };
            bail!(
                "{batch} would need ≈ {} of memory (parameters, gradients and AdamW state, \
                 the data, and one step's activations), but {limit_text}: use smaller sizes, \
                 a smaller model or fewer --jobs/--batch-runs, or {advice}",
                describe_bytes(need),
            );
        }
        Ok(())
    }
}

/// The footprint of one batch, from its datasets (built here, before training).
fn batch_bytes(batch: &[ExperimentConfig]) -> anyhow::Result<u64> {
    let Some(first) = batch.first() else {
        return Ok(0);
    };
    let data: Vec<Dataset> = batch
        .iter()
        .map(crate::commands::dataset)
        .collect::<anyhow::Result<_>>()?;
    let data: Vec<&Dataset> = data.iter().collect();
    Ok(footprint::estimate(first, &data).total)
}

/// The memory this process may still use: the system's `MemAvailable`, or less where a
/// cgroup limits it (a Kubernetes pod's memory limit, Slurm's `--mem`), whose room
/// `/proc/meminfo` does not show.
fn available_memory() -> Option<u64> {
    let read = |path: &str| std::fs::read_to_string(path).ok();
    let system = read("/proc/meminfo").and_then(|text| mem_available(&text));
    match (system, cgroup_room(read)) {
        (Some(system), Some(cgroup)) => Some(system.min(cgroup)),
        (system, cgroup) => system.or(cgroup),
    }
}

/// `MemAvailable` of /proc/meminfo, in bytes.
fn mem_available(meminfo: &str) -> Option<u64> {
    let line = meminfo.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// The least room (limit − usage) of this process's memory cgroup and its ancestors, from
/// `/proc/self/cgroup`: cgroup v2 (`memory.max`, `memory.current`) or v1
/// (`memory.limit_in_bytes`, `memory.usage_in_bytes`). `None` where nothing is limited.
fn cgroup_room(read: impl Fn(&str) -> Option<String>) -> Option<u64> {
    let membership = read("/proc/self/cgroup")?;
    let mut rooms = Vec::new();
    for line in membership.lines() {
        let mut fields = line.splitn(3, ':');
        let (Some(_), Some(controllers), Some(path)) =
            (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let (base, limit, usage) = if controllers.is_empty() {
            ("/sys/fs/cgroup", "memory.max", "memory.current")
        } else if controllers.split(',').any(|c| c == "memory") {
            (
                "/sys/fs/cgroup/memory",
                "memory.limit_in_bytes",
                "memory.usage_in_bytes",
            )
        } else {
            continue;
        };
        let mut dir = std::path::PathBuf::from(path);
        loop {
            let file = |name: &str| {
                let path = format!("{base}{}/{name}", dir.display()).replace("//", "/");
                read(&path)?.trim().parse::<u64>().ok()
            };
            if let (Some(limit), Some(usage)) = (file(limit), file(usage)) {
                rooms.push(limit.saturating_sub(usage));
            }
            if !dir.pop() {
                break;
            }
        }
    }
    rooms.into_iter().min()
}

/// `8G`, `512M`, `64K`, `1T` (powers of 1,024; `GiB`, `GB` and `g` read the same) or bytes.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let trimmed = text.trim();
    let digits_end = trimmed
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(digits_end);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a size (e.g. 8G, 512M)"))?;
    let shift = match unit
        .trim()
        .to_ascii_lowercase()
        .trim_end_matches(['b', 'i'])
    {
        "" => 0,
        "k" => 10,
        "m" => 20,
        "g" => 30,
        "t" => 40,
        _ => return Err(format!("{text:?}: the unit must be K, M, G or T")),
    };
    let bytes = number * (1u64 << shift) as f64;
    if !(1.0..=u64::MAX as f64).contains(&bytes) {
        return Err(format!("{text:?} is not a usable memory size"));
    }
    Ok(bytes as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_with_binary_units() {
        assert_eq!(parse_size("8G"), Ok(8 << 30));
        assert_eq!(parse_size("512MiB"), Ok(512 << 20));
        assert_eq!(parse_size("1.5g"), Ok(3 << 29));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert!(parse_size("8X").is_err());
        assert!(parse_size("").is_err());
        assert!(parse_size("0").is_err());
    }

    #[test]
    fn a_cgroup_limit_narrows_the_available_memory() {
        let files = |path: &str| -> Option<String> {
            Some(
                match path {
                    "/proc/self/cgroup" => "0::/kubepods/pod1/run-task\n",
                    "/sys/fs/cgroup/kubepods/pod1/run-task/memory.max" => "max\n",
                    "/sys/fs/cgroup/kubepods/pod1/run-task/memory.current" => "100\n",
                    "/sys/fs/cgroup/kubepods/pod1/memory.max" => "4294967296\n",
                    "/sys/fs/cgroup/kubepods/pod1/memory.current" => "1073741824\n",
                    _ => return None,
                }
                .to_owned(),
            )
        };
        assert_eq!(
            cgroup_room(files),
            Some(3 << 30),
            "the pod's limit, less its use"
        );
        let v1 = |path: &str| -> Option<String> {
            Some(
                match path {
                    "/proc/self/cgroup" => "4:memory:/slurm/job_7\n1:cpu:/\n",
                    "/sys/fs/cgroup/memory/slurm/job_7/memory.limit_in_bytes" => "2048",
                    "/sys/fs/cgroup/memory/slurm/job_7/memory.usage_in_bytes" => "48",
                    "/sys/fs/cgroup/memory/memory.limit_in_bytes" => "9223372036854771712",
                    "/sys/fs/cgroup/memory/memory.usage_in_bytes" => "5000",
                    _ => return None,
                }
                .to_owned(),
            )
        };
        assert_eq!(cgroup_room(v1), Some(2000));
        assert_eq!(cgroup_room(|_| None), None);
        assert_eq!(
            mem_available("MemTotal: 100 kB\nMemAvailable:  2048 kB\n"),
            Some(2 << 20)
        );
    }

    #[test]
    fn a_batch_larger_than_the_limit_is_refused_with_its_numbers() {
        let config = grokking_lab::presets::TINY.config(300);
        let memory = MemoryArgs {
            max_memory: Some(1 << 20),
        };
        let message = memory
            .check(&[vec![config.clone()]], 1)
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("this run would need ≈") && message.contains("--max-memory is 1 MiB"),
            "{message}"
        );
        let roomy = MemoryArgs {
            max_memory: Some(1 << 30),
        };
        roomy.check(&[vec![config]], 1).unwrap();
    }

    #[test]
    fn jobs_trained_at_once_add_up() {
        let config = grokking_lab::presets::TINY.config(300);
        let one = BASELINE + batch_bytes(std::slice::from_ref(&config)).unwrap();
        let batches = vec![vec![config.clone()], vec![config]];
        let exactly_one = MemoryArgs {
            max_memory: Some(one),
        };
        exactly_one.check(&batches, 1).unwrap();
        let message = exactly_one.check(&batches, 2).unwrap_err().to_string();
        assert!(message.contains("2 batches trained at once"), "{message}");
    }
}
