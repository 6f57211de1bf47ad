//! Static constructors on wasm, run once.
//!
//! burn 0.22's kernel compiler (cubecl 0.11, through `pliron`) registers its IR dialects with
//! `inventory`, which on wasm runs from `__wasm_call_ctors`. A Rust binary for
//! `wasm32-unknown-unknown` links as a wasm "command", and wasm-ld then calls
//! `__wasm_call_ctors` at the top of *every* exported function unless the program calls it
//! itself. Every call from JavaScript into the module — each WebGPU bind group, each closure
//! — re-ran all constructors: in the browser test a batched WebGPU run kept the page's thread
//! busy over 60 s at a time, and Chromium's driver gave up on the renderer. Referring to
//! `__wasm_call_ctors` here turns that wrapping off; [`run_static_constructors`] must then
//! run first in every wasm program that links this module (the core's `train` feature: the
//! lab's worker and the browser tests; the page links neither it nor burn). The same fix as wit-bindgen's (bytecodealliance/wit-bindgen#533).

/// Runs the program's static constructors, once; later calls do nothing. A no-op natively,
/// where the loader runs them before `main`.
pub fn run_static_constructors() {
    #[cfg(target_family = "wasm")]
    {
        static ONCE: std::sync::Once = std::sync::Once::new();
        unsafe extern "C" {
            fn __wasm_call_ctors();
        }
        // SAFETY: wasm-ld's constructor list, called exactly once (the `Once`) before
        // anything reads what the constructors register.
        ONCE.call_once(|| unsafe { __wasm_call_ctors() });
    }
}
