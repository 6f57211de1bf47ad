//! Which of burn's kernel fusions the worker's WebGPU uses.
//!
//! Two of burn 0.22's fusers only ever run their unfused fallbacks here, because the worker
//! is built without burn's `autotune` (in a browser it would score every kernel under the
//! timer's resolution as 0, cubecl issue 1647):
//! - `ReduceBroadcasted` (a reduction with the elementwise work around it: layer norm,
//!   log-softmax) outscores the plain `Reduce` fuser on those chains, then runs a kernel
//!   before the reduction, the reduction, and a kernel after;
//! - `Matmul` (a matrix product with its elementwise epilogue) tries only the cooperative-
//!   matrix kernel, which WGSL lacks, then runs the product and the epilogue as its own
//!   kernel.
//!
//! Without them the `Reduce` fuser takes the reductions, and an epilogue (a bias) joins the
//! elementwise kernel around it: *Three regimes* went from 228 to 216 kernels per step
//! without the first, to 197 without both (docs/results/browser.md), with the same
//! histories as the CPU within the browser test's bounds.

/// Drops the two fusers. Before the first tensor on a fused device:
/// the registry is fixed once burn's fusion service runs.
pub fn configure() {
    // The dependency is wasm-only (natively the CLI chooses its own fusion).
    #[cfg(target_arch = "wasm32")]
    for fuser in ["ReduceBroadcasted", "Matmul"] {
        if let Err(error) = burn_cubecl::fusion::remove(fuser) {
            web_sys::console::warn_1(&format!("burn's fusers are unchanged: {error}").into());
            return;
        }
    }
}
