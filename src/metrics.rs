//! What is measured during training, and the curve arithmetic the paper's plots use.

use serde::{Deserialize, Serialize};

/// One evaluation: the numbers the lab plots and the run format stores.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EvalPoint {
    /// Optimizer steps taken before this evaluation.
    pub step: usize,
    pub train_loss: f64,
    pub test_loss: f64,
    pub train_acc: f64,
    pub test_acc: f64,
    /// Global L2 norm of all parameters.
    pub weight_norm: f64,
}

/// Losses and weight norms beyond this come from no run that still trains: a diverging run
/// passes through such values (1e20, say) on its way to ∞ or NaN. The trainer calls a point
/// beyond it diverged, and files holding one are refused (finite values up to 1.7e308
/// would break every chart).
pub const MAX_MAGNITUDE: f64 = 1e12;

impl EvalPoint {
    /// Finite, with losses and weight norm in `0 ..= MAX_MAGNITUDE`: a point of a run that
    /// is still training.
    pub fn is_sane(&self) -> bool {
        let magnitude_ok = |v: f64| (0.0..=MAX_MAGNITUDE).contains(&v);
        self.is_finite()
            && magnitude_ok(self.train_loss)
            && magnitude_ok(self.test_loss)
            && magnitude_ok(self.weight_norm)
    }

    pub fn is_finite(&self) -> bool {
        [
            self.train_loss,
            self.test_loss,
            self.train_acc,
            self.test_acc,
            self.weight_norm,
        ]
        .iter()
        .all(|v| v.is_finite())
    }
}

/// The first logged step at which `curve` (one value per evaluation of `history`, e.g. a
/// smoothed accuracy) reaches `threshold`.
pub fn first_step_reaching(history: &[EvalPoint], curve: &[f64], threshold: f64) -> Option<usize> {
    curve
        .iter()
        .position(|&value| value >= threshold)
        .map(|i| history[i].step)
}

/// Gaussian smoothing as SciPy's `gaussian_filter1d` (mode "reflect", truncate 4σ), which
/// the authors' plotting code applies to accuracy curves. `sigma` is in logged points.
pub fn gaussian_smooth(values: &[f64], sigma: f64) -> Vec<f64> {
    let n = values.len();
    if n == 0 || sigma <= 0.0 || !sigma.is_finite() {
        return values.to_vec();
    }
    let radius = (4.0 * sigma + 0.5) as isize;
    let weights: Vec<f64> = (-radius..=radius)
        .map(|k| (-0.5 * (k as f64 / sigma).powi(2)).exp())
        .collect();
    let total: f64 = weights.iter().sum();
    // "reflect": (d c b a | a b c d | d c b a), repeated for kernels wider than the data.
    let reflect = |i: isize| -> usize {
        let period = 2 * n as isize;
        let i = i.rem_euclid(period);
        (if i < n as isize { i } else { period - 1 - i }) as usize
    };
    (0..n as isize)
        .map(|i| {
            (-radius..=radius)
                .zip(&weights)
                .map(|(k, w)| w * values[reflect(i + k)])
                .sum::<f64>()
                / total
        })
        .collect()
}

/// Gaussian smoothing over training steps: each point becomes the Gaussian-weighted mean of
/// the evaluations within 4σ steps of it (σ in steps), whatever their spacing (even, or
/// log-spaced). On per-step logging away from the ends this is [`gaussian_smooth`] with σ
/// points; at the ends the weights are renormalised instead of reflected. Evaluations
/// further apart than σ are left nearly as they are: there is nothing to smooth between.
pub fn gaussian_smooth_steps(steps: &[usize], values: &[f64], sigma: f64) -> Vec<f64> {
    if sigma <= 0.0 || !sigma.is_finite() {
        return values.to_vec();
    }
    let reach = 4.0 * sigma;
    // Steps are whole numbers, so the weights are a table over whole distances (computed
    // once, not once per pair of points: `exp` dominated loading a sweep in the browser).
    let span = match (steps.first(), steps.last()) {
        (Some(&first), Some(&last)) => last.saturating_sub(first),
        _ => 0,
    };
    let weights: Vec<f64> = (0..=span.min(reach as usize))
        .map(|distance| (-0.5 * (distance as f64 / sigma).powi(2)).exp())
        .collect();
    let mut first = 0;
    (0..values.len())
        .map(|i| {
            let here = steps[i] as f64;
            while here - steps[first] as f64 > reach {
                first += 1;
            }
            let (mut sum, mut total) = (0.0, 0.0);
            for j in first..values.len() {
                let distance = steps[j] as f64 - here;
                if distance > reach {
                    break;
                }
                // Out of the table only if `steps` were not increasing (records are
                // checked for that): computed directly then, never a panic.
                let weight = weights
                    .get(steps[j].abs_diff(steps[i]))
                    .copied()
                    .unwrap_or_else(|| (-0.5 * (distance / sigma).powi(2)).exp());
                sum += weight * values[j];
                total += weight;
            }
            sum / total
        })
        .collect()
}

/// The authors' levels for modular arithmetic: 0.1, 0.2, …, 0.9.
pub const MODULAR_LEVELS: [f64; 9] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

/// The authors' levels for IMDB, where chance is 0.5 (their plotting code): finer steps of
/// 0.025 between 0.55 and 0.75, where their curves spend their time.
pub const IMDB_LEVELS: [f64; 12] = [
    0.5, 0.55, 0.575, 0.6, 0.625, 0.65, 0.675, 0.7, 0.725, 0.75, 0.8, 0.85,
];

/// The paper's steps-to-generalize, on a smoothed test-accuracy curve (`smoothed[i]` belongs
/// to `history[i]`): the first step at which it crosses each level, and the latest of those
/// steps. Levels the curve never reaches are skipped, as in the authors' code; `None` if it
/// reaches none.
pub fn steps_to_generalize(
    history: &[EvalPoint],
    smoothed: &[f64],
    levels: &[f64],
) -> Option<usize> {
    levels
        .iter()
        .filter_map(|&level| first_step_reaching(history, smoothed, level))
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(step: usize, test_acc: f64) -> EvalPoint {
        EvalPoint {
            step,
            train_loss: 0.0,
            test_loss: 0.0,
            train_acc: 1.0,
            test_acc,
            weight_norm: 1.0,
        }
    }

    #[test]
    fn smoothing_matches_scipy() {
        let data = [0.0, 0.0, 1.0, 0.0, 0.0, 2.0, 5.0];
        // scipy.ndimage.gaussian_filter1d(data, 1.0) and (data, 3.0); σ = 3 reflects the
        // kernel more than once over 7 points.
        let cases = [
            (
                1.0,
                [
                    0.058422989,
                    0.2423729375,
                    0.4084763457,
                    0.3727821617,
                    0.8303166252,
                    2.290995389,
                    3.7966335518,
                ],
            ),
            (
                3.0,
                [
                    0.4966068978,
                    0.6084864699,
                    0.8219679766,
                    1.1099543933,
                    1.4227274003,
                    1.6918646754,
                    1.8483921868,
                ],
            ),
        ];
        for (sigma, expected) in cases {
            let got = gaussian_smooth(&data, sigma);
            for (g, e) in got.iter().zip(expected) {
                assert!((g - e).abs() < 1e-8, "σ={sigma}: {got:?}");
            }
        }
    }

    #[test]
    fn smoothing_keeps_constants_and_sigma_zero_is_identity() {
        let flat = gaussian_smooth(&[0.3; 5], 10.0);
        assert!(flat.iter().all(|v| (v - 0.3).abs() < 1e-12));
        assert_eq!(gaussian_smooth(&[1.0, 2.0], 0.0), vec![1.0, 2.0]);
    }

    #[test]
    fn smoothing_over_steps_equals_smoothing_over_points_on_even_spacing_away_from_the_ends() {
        let values: Vec<f64> = (0..200).map(|i| ((i * 37) % 11) as f64 / 10.0).collect();
        let steps: Vec<usize> = (0..200).map(|i| i * 20).collect();
        let by_steps = gaussian_smooth_steps(&steps, &values, 60.0);
        let by_points = gaussian_smooth(&values, 3.0);
        for i in 20..180 {
            assert!((by_steps[i] - by_points[i]).abs() < 1e-9, "point {i}");
        }
    }

    #[test]
    fn smoothing_over_steps_from_its_weight_table_is_bit_for_bit_the_gaussian() {
        let steps = [0, 1, 3, 7, 20, 21, 50, 51, 52, 400, 430, 1000];
        let values: Vec<f64> = (0..steps.len())
            .map(|i| ((i * 7) % 5) as f64 / 4.0)
            .collect();
        for sigma in [0.7, 5.0, 33.3, 250.0, 1e9] {
            let direct: Vec<f64> = (0..steps.len())
                .map(|i| {
                    let (mut sum, mut total) = (0.0, 0.0);
                    for j in 0..steps.len() {
                        let distance = steps[j] as f64 - steps[i] as f64;
                        if distance.abs() <= 4.0 * sigma {
                            let weight = (-0.5 * (distance / sigma).powi(2)).exp();
                            sum += weight * values[j];
                            total += weight;
                        }
                    }
                    sum / total
                })
                .collect();
            assert_eq!(
                gaussian_smooth_steps(&steps, &values, sigma),
                direct,
                "σ = {sigma}"
            );
        }
    }

    #[test]
    fn smoothing_over_steps_keeps_constants_and_leaves_sparse_evaluations_alone() {
        let steps = [0, 10, 15, 1000, 5000];
        let flat = gaussian_smooth_steps(&steps, &[0.4; 5], 300.0);
        assert!(flat.iter().all(|v| (v - 0.4).abs() < 1e-12));
        // σ = 100 steps on evaluations 500 steps apart: each point is (almost) itself.
        let steps: Vec<usize> = (1..=10).map(|i| i * 500).collect();
        let jump: Vec<f64> = (1..=10).map(|i| if i < 6 { 0.0 } else { 1.0 }).collect();
        let smoothed = gaussian_smooth_steps(&steps, &jump, 100.0);
        for (s, v) in smoothed.iter().zip(&jump) {
            assert!((s - v).abs() < 1e-5, "{smoothed:?}");
        }
    }

    #[test]
    fn steps_to_generalize_is_the_last_level_crossing() {
        // Test accuracy jumps in two stages: to 0.5 at step 300, to 1.0 at step 700.
        let history: Vec<_> = (0..10)
            .map(|i| {
                let acc = if i < 3 {
                    0.0
                } else if i < 7 {
                    0.5
                } else {
                    1.0
                };
                point(i * 100, acc)
            })
            .collect();
        let acc = |h: &[EvalPoint]| h.iter().map(|p| p.test_acc).collect::<Vec<_>>();
        let levels = &MODULAR_LEVELS;
        assert_eq!(
            steps_to_generalize(&history, &acc(&history), levels),
            Some(700)
        );
        // A curve that stops at 0.5 is measured by its 0.5 crossing.
        let (part, few) = (&history[..7], &history[..3]);
        assert_eq!(steps_to_generalize(part, &acc(part), levels), Some(300));
        assert_eq!(steps_to_generalize(few, &acc(few), levels), None);
    }

    #[test]
    fn first_crossing() {
        let history = [point(0, 0.1), point(10, 0.96), point(20, 0.97)];
        let test_acc: Vec<f64> = history.iter().map(|p| p.test_acc).collect();
        assert_eq!(first_step_reaching(&history, &test_acc, 0.95), Some(10));
        assert_eq!(first_step_reaching(&history, &test_acc, 0.99), None);
    }
}
