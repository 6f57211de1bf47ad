//! Which backend trains faster here, from a few timed steps of the real batch on each —
//! and the sentence the device badge says about it. Pure: the worker times, this decides.
//!
//! Software WebGPU adapters (SwiftShader, llvmpipe, WARP, …) run shaders on the CPU, often
//! slower than our own CPU backend; they are measured like any adapter and, when the
//! measurement cannot finish in time, presumed slow. A hardware adapter is presumed fast.
//!
//! The reason is English: the badge's `data-choice-reason` (the browser tests read it). The
//! page says it in the user's language from the timings themselves (`protocol::Measurement`).

/// Steps timed after the first (which compiles kernels and is timed on its own).
pub const STEADY_STEPS: usize = 3;

/// What timing one backend found.
#[derive(Debug, Clone, PartialEq)]
pub enum Trial {
    Timed {
        /// The first step, kernel compilation included.
        first_step_ms: f64,
        /// Steps of every run of the timed batch per second, after the first step.
        run_steps_per_second: f64,
    },
    /// The first step had not finished within the budget.
    TooSlow { waited_ms: f64 },
    /// It could not train the batch at all.
    Failed(String),
}

impl Trial {
    fn speed(&self) -> Option<f64> {
        match self {
            Self::Timed {
                run_steps_per_second,
                ..
            } => Some(*run_steps_per_second),
            _ => None,
        }
    }
}

/// Where to train, why, and how fast it measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub webgpu: bool,
    pub reason: String,
    /// Run-steps per second of the chosen backend, every worker together.
    pub run_steps_per_second: Option<f64>,
}

/// Whether an adapter's description names a software rasteriser.
pub fn is_software_adapter(description: &str) -> bool {
    let description = description.to_ascii_lowercase();
    [
        "swiftshader",
        "llvmpipe",
        "lavapipe",
        "softpipe",
        "warp",
        "basic render driver",
    ]
    .iter()
    .any(|name| description.contains(name))
}

/// Picks the faster of the CPU (`cpu` is one worker's trial; `cpu_workers` train side by
/// side) and WebGPU (`gpu`, on `adapter`).
pub fn decide(
    cpu: &Trial,
    cpu_workers: usize,
    gpu: &Trial,
    adapter: &str,
    software: bool,
) -> Verdict {
    let cpu_workers = cpu_workers.max(1);
    let cpu_speed = cpu.speed().map(|s| s * cpu_workers as f64);
    let kind = if software {
        "software WebGPU"
    } else {
        "WebGPU"
    };
    let gpu_name = format!("this browser's {kind} ({adapter})");
    let cpu_name = format!(
        "CPU ({cpu_workers} worker{})",
        if cpu_workers == 1 { "" } else { "s" }
    );
    let verdict = |webgpu: bool, reason: String| Verdict {
        webgpu,
        run_steps_per_second: if webgpu { gpu.speed() } else { cpu_speed },
        reason,
    };
    match (cpu_speed, gpu.speed()) {
        (Some(c), Some(g)) if c > g => verdict(
            false,
            format!(
                "{cpu_name}: {} faster than {gpu_name} — {c:.1} vs {g:.1} run-steps/s measured",
                times(c, g)
            ),
        ),
        (Some(c), Some(g)) => verdict(
            true,
            format!(
                "WebGPU ({adapter}): {} faster than the {cpu_name} — {g:.1} vs {c:.1} run-steps/s measured",
                times(g, c)
            ),
        ),
        (Some(c), None) => {
            let why = match gpu {
                Trial::TooSlow { waited_ms } => format!(
                    "{gpu_name} had not finished one step in {:.0} s",
                    waited_ms / 1000.0
                ),
                Trial::Failed(error) => format!("{gpu_name} failed ({error})"),
                Trial::Timed { .. } => unreachable!("a timed trial has a speed"),
            };
            verdict(
                false,
                format!("{cpu_name}: {why}; the CPU ran {c:.1} run-steps/s"),
            )
        }
        (None, Some(g)) => verdict(
            true,
            format!("WebGPU ({adapter}): {g:.1} run-steps/s measured; the CPU could not be timed"),
        ),
        (None, None) if software => verdict(
            false,
            format!("{cpu_name}: neither could be timed in time, and {gpu_name} is presumed slow"),
        ),
        (None, None) => verdict(
            true,
            format!(
                "WebGPU ({adapter}): neither could be timed in time; a hardware GPU is presumed faster"
            ),
        ),
    }
}

/// "9×" or "1.4×".
pub(crate) fn times(faster: f64, slower: f64) -> String {
    let ratio = faster / slower.max(f64::MIN_POSITIVE);
    if ratio >= 10.0 || !ratio.is_finite() {
        format!("{:.0}×", ratio.min(1e6))
    } else {
        format!("{ratio:.1}×")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timed(speed: f64) -> Trial {
        Trial::Timed {
            first_step_ms: 100.0,
            run_steps_per_second: speed,
        }
    }

    #[test]
    fn the_faster_backend_wins_counting_every_cpu_worker() {
        // One CPU worker is slower than the GPU, three together are faster.
        let alone = decide(&timed(10.0), 1, &timed(25.0), "gpu", false);
        assert!(alone.webgpu);
        assert_eq!(alone.run_steps_per_second, Some(25.0));
        let together = decide(&timed(10.0), 3, &timed(25.0), "gpu", false);
        assert!(!together.webgpu);
        assert_eq!(together.run_steps_per_second, Some(30.0));
        assert!(
            together.reason.starts_with("CPU (3 workers): 1.2× faster"),
            "{}",
            together.reason
        );
    }

    #[test]
    fn a_gpu_that_cannot_finish_a_step_in_time_loses_to_a_timed_cpu() {
        let verdict = decide(
            &timed(26.0),
            1,
            &Trial::TooSlow {
                waited_ms: 15_000.0,
            },
            "google swiftshader",
            true,
        );
        assert!(!verdict.webgpu);
        assert_eq!(
            verdict.reason,
            "CPU (1 worker): this browser's software WebGPU (google swiftshader) had not finished one step in 15 s; the CPU ran 26.0 run-steps/s"
        );
    }

    #[test]
    fn without_any_timing_software_adapters_are_presumed_slow_and_hardware_fast() {
        let none = Trial::TooSlow { waited_ms: 1.0 };
        assert!(!decide(&none, 1, &none, "swiftshader", true).webgpu);
        assert!(decide(&none, 1, &none, "nvidia", false).webgpu);
        let failed = Trial::Failed("out of memory".into());
        assert!(decide(&failed, 1, &timed(1.0), "nvidia", false).webgpu);
    }

    #[test]
    fn software_rasterisers_are_recognised_by_name() {
        assert!(is_software_adapter("Google SwiftShader"));
        assert!(is_software_adapter("llvmpipe (LLVM 15.0.6, 256 bits)"));
        assert!(is_software_adapter("Microsoft Basic Render Driver"));
        assert!(!is_software_adapter(
            "nvidia ampere NVIDIA GeForce RTX 3060"
        ));
        assert!(!is_software_adapter("apple metal-3"));
    }
}
