//! `grokking bench`: what it refuses, in words.

use std::process::Command;

#[test]
fn counting_kernels_needs_a_gpu_backend() {
    let output = Command::new(env!("CARGO_BIN_EXE_grokking"))
        .args(["bench", "--backend", "cpu", "--count-kernels"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--backend wgpu"), "{stderr}");
}

#[test]
fn an_unknown_case_is_named() {
    let output = Command::new(env!("CARGO_BIN_EXE_grokking"))
        .args(["bench", "--cases", "nope"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("three-regimes, tiny, paper, imdb"),
        "{stderr}"
    );
}
