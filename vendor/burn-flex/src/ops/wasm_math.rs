//! Four-lane `exp` and GELU for wasm SIMD128 (Grokking Lab's change; vendor/README.md).
//!
//! The scalar paths call libm once per element: in a wasm worker that was 20 % of a training
//! step of the lab's GPT (exact GELU forward and backward, softmax). These compute four
//! lanes at once, to float rounding of libm: `exp4` within 1 ulp, `erf4` within 3e-7
//! (absolute), so GELU within 2e-7 relative.
#![cfg(all(target_arch = "wasm32", target_feature = "simd128"))]

use alloc::vec::Vec;
use burn_backend::DType;
use burn_std::Bytes;
use core::arch::wasm32::*;

use crate::{FlexTensor, Layout};

/// Horner's rule, lowest coefficient first.
#[inline(always)]
fn poly(x: v128, coefficients: &[f32]) -> v128 {
    let (last, rest) = coefficients.split_last().expect("a polynomial has coefficients");
    rest.iter().rev().fold(f32x4_splat(*last), |acc, &c| {
        f32x4_add(f32x4_mul(acc, x), f32x4_splat(c))
    })
}

/// Cephes' `expf`: x = n·ln 2 + r, eʳ by a polynomial, 2ⁿ added to the exponent bits.
/// n is rounded by adding 1.5·2²³ (its low bits are then n), which avoids wasm's slow
/// float-to-int conversion; pmin/pmax are one instruction each where min/max are not.
/// Overflow gives +∞ (at the top, n = 128 and eʳ ≤ 1 land on 2¹²⁸'s bits) and underflow 0
/// (no subnormals); NaN stays NaN.
#[inline(always)]
pub fn exp4(x: v128) -> v128 {
    const MAGIC: f32 = 12_582_912.0;
    const HIGH: f32 = 88.722_83;
    const LOW: f32 = -87.336_54;
    let clamped = f32x4_pmin(f32x4_pmax(x, f32x4_splat(LOW)), f32x4_splat(HIGH));
    let t = f32x4_add(
        f32x4_mul(clamped, f32x4_splat(core::f32::consts::LOG2_E)),
        f32x4_splat(MAGIC),
    );
    let n = f32x4_sub(t, f32x4_splat(MAGIC));
    let r = f32x4_sub(clamped, f32x4_mul(n, f32x4_splat(0.693_359_4)));
    let r = f32x4_sub(r, f32x4_mul(n, f32x4_splat(-2.121_944_4e-4)));
    let p = poly(
        r,
        &[5.000_000_1e-1, 1.666_666_5e-1, 4.166_579_6e-2, 8.333_452e-3, 1.398_2e-3, 1.987_569_1e-4],
    );
    let p = f32x4_add(f32x4_add(f32x4_mul(f32x4_mul(p, r), r), r), f32x4_splat(1.0));
    let y = i32x4_add(p, i32x4_shl(t, 23));
    let y = v128_bitselect(f32x4_splat(f32::INFINITY), y, f32x4_gt(x, f32x4_splat(HIGH)));
    let y = v128_andnot(y, f32x4_lt(x, f32x4_splat(LOW)));
    v128_bitselect(x, y, f32x4_ne(x, x))
}

/// erf(x) = ±(1 − t·e^(−x² + P(t))), t = 1/(1 + |x|/2): Numerical Recipes' erfc, whose
/// relative error is under 1.2e-7 everywhere.
#[inline(always)]
pub fn erf4(x: v128) -> v128 {
    let a = f32x4_abs(x);
    let t = f32x4_div(
        f32x4_splat(1.0),
        f32x4_add(f32x4_splat(1.0), f32x4_mul(f32x4_splat(0.5), a)),
    );
    let p = poly(
        t,
        &[
            -1.265_512_2,
            1.000_023_7,
            0.374_091_96,
            0.096_784_18,
            -0.186_288_06,
            0.278_868_07,
            -1.135_204,
            1.488_515_9,
            -0.822_152_2,
            0.170_872_77,
        ],
    );
    let erfc = f32x4_mul(t, exp4(f32x4_sub(p, f32x4_mul(a, a))));
    let y = f32x4_sub(f32x4_splat(1.0), erfc);
    v128_or(y, v128_and(x, u32x4_splat(0x8000_0000))) // x's sign
}

/// Φ(x) = (1 + erf(x/√2)) / 2, the standard normal's distribution function.
#[inline(always)]
fn normal_cdf4(x: v128) -> v128 {
    let erf = erf4(f32x4_mul(x, f32x4_splat(core::f32::consts::FRAC_1_SQRT_2)));
    f32x4_mul(f32x4_splat(0.5), f32x4_add(f32x4_splat(1.0), erf))
}

/// GELU(x) = x·Φ(x).
#[inline(always)]
pub fn gelu4(x: v128) -> v128 {
    f32x4_mul(x, normal_cdf4(x))
}

/// g · GELU′(x) = g · (Φ(x) + x·φ(x)).
#[inline(always)]
pub fn gelu_backward4(x: v128, g: v128) -> v128 {
    let inv_sqrt_2pi = 1.0 / (2.0 * core::f32::consts::PI).sqrt();
    let pdf = f32x4_mul(
        f32x4_splat(inv_sqrt_2pi),
        exp4(f32x4_mul(f32x4_splat(-0.5), f32x4_mul(x, x))),
    );
    f32x4_mul(g, f32x4_add(normal_cdf4(x), f32x4_mul(x, pdf)))
}

fn contiguous_f32(tensor: &FlexTensor) -> bool {
    tensor.dtype() == DType::F32
        && tensor.layout().is_contiguous()
        && tensor.layout().start_offset() == 0
}

/// `f` over `K` contiguous f32 tensors of one shape, four lanes at a time: into the last
/// tensor when it is unique, else into a new one. Any other tensors are handed back for the
/// scalar path.
pub fn elementwise<const K: usize>(
    mut tensors: [FlexTensor; K],
    f: impl Fn([v128; K]) -> v128,
) -> Result<FlexTensor, [FlexTensor; K]> {
    let shape = tensors[0].layout().shape();
    if !tensors.iter().all(|t| contiguous_f32(t) && t.layout().shape() == shape) {
        return Err(tensors);
    }
    let n = tensors[0].layout().num_elements();
    let mut inputs = tensors.each_ref().map(|t| t.storage::<f32>().as_ptr());
    if tensors[K - 1].is_unique() {
        let out = tensors[K - 1].storage_mut::<f32>().as_mut_ptr();
        inputs[K - 1] = out;
        // SAFETY: every tensor holds `n` f32s; each lane of `out` is read before it is written.
        unsafe { map(n, f, inputs, out) };
        return Ok(tensors.into_iter().next_back().expect("K ≥ 1"));
    }
    let mut out = Vec::<f32>::with_capacity(n);
    // SAFETY: every tensor holds `n` f32s and `out` has room for as many.
    unsafe {
        map(n, f, inputs, out.as_mut_ptr());
        out.set_len(n);
    }
    let shape = tensors[0].layout().shape().clone();
    Ok(FlexTensor::new(Bytes::from_elems(out), Layout::contiguous(shape), DType::F32))
}

/// out[i] = f(inputs[0][i], …) for i < n, four lanes at a time; the last `n % 4` go one
/// per call through lane 0, so nothing past `n` is read or written.
///
/// SAFETY: every input holds `n` f32s and `out` has room for `n`; `out` may be an input.
unsafe fn map<const K: usize>(
    n: usize,
    f: impl Fn([v128; K]) -> v128,
    inputs: [*const f32; K],
    out: *mut f32,
) {
    let full = n / 4 * 4;
    let mut i = 0;
    while i < full {
        unsafe {
            let lanes = inputs.map(|p| v128_load(p.add(i) as *const v128));
            v128_store(out.add(i) as *mut v128, f(lanes));
        }
        i += 4;
    }
    for j in full..n {
        unsafe {
            let lanes = inputs.map(|p| f32x4_splat(*p.add(j)));
            *out.add(j) = f32x4_extract_lane::<0>(f(lanes));
        }
    }
}
