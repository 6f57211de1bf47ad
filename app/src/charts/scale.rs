//! Axis scales and tick marks for the SVG charts.

use crate::i18n::Lang;

/// Maps a data interval onto a pixel interval, linearly or by log10.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    pub min: f64,
    pub max: f64,
    pub from: f64,
    pub to: f64,
    pub log: bool,
}

/// Domains are clamped to ±this: room for every real value, and 10 × it is still finite.
const LIMIT: f64 = 1e300;
/// No axis gets more ticks than this, whatever its domain.
const MAX_TICKS: usize = 40;

impl Scale {
    pub fn linear(min: f64, max: f64, from: f64, to: f64) -> Self {
        // Any finite input (an imported run may hold 1.7e308) gives a finite, non-empty domain.
        let min = if min.is_finite() {
            min.clamp(-LIMIT, LIMIT)
        } else {
            0.0
        };
        let max = if max.is_finite() {
            max.clamp(-LIMIT, LIMIT)
        } else {
            min
        };
        // A one-value domain gets some width, relative to the value (+1 would vanish at 1e300).
        let max = if max > min {
            max
        } else {
            min + min.abs().max(1.0)
        };
        Self {
            min,
            max,
            from,
            to,
            log: false,
        }
    }

    /// Log10 scale; the domain is clamped to positive values.
    pub fn log(min: f64, max: f64, from: f64, to: f64) -> Self {
        let min = if min.is_finite() {
            min.clamp(1e-12, LIMIT)
        } else {
            1e-12
        };
        let max = if max.is_finite() {
            max.min(LIMIT * 10.0)
        } else {
            min
        };
        let max = if max > min { max } else { min * 10.0 };
        Self {
            min,
            max,
            from,
            to,
            log: true,
        }
    }

    fn unit(&self, value: f64) -> f64 {
        // Values outside the domain sit on its edge (the domain holds all real data).
        let value = value.clamp(self.min, self.max);
        if self.log {
            (value.log10() - self.min.log10()) / (self.max.log10() - self.min.log10())
        } else {
            (value - self.min) / (self.max - self.min)
        }
    }

    pub fn map(&self, value: f64) -> f64 {
        self.from + self.unit(value) * (self.to - self.from)
    }

    /// The data value at pixel `pixel` (for hover).
    pub fn invert(&self, pixel: f64) -> f64 {
        let unit = (pixel - self.from) / (self.to - self.from);
        if self.log {
            10f64.powf(self.min.log10() + unit * (self.max.log10() - self.min.log10()))
        } else {
            self.min + unit * (self.max - self.min)
        }
    }

    /// About `count` round tick values inside the domain (decades on a log scale).
    pub fn ticks(&self, count: usize) -> Vec<f64> {
        if self.log {
            let (lo, hi) = (
                self.min.log10().ceil() as i32,
                self.max.log10().floor() as i32,
            );
            // Every decade, or every k-th when the domain spans too many to label.
            let every = ((hi - lo) as usize / MAX_TICKS + 1) as i32;
            return (lo..=hi)
                .step_by(every as usize)
                .map(|e| 10f64.powi(e))
                .collect();
        }
        let span = self.max - self.min;
        let raw = span / count.max(1) as f64;
        let magnitude = 10f64.powf(raw.log10().floor());
        let step = [1.0, 2.0, 2.5, 5.0, 10.0]
            .iter()
            .map(|m| m * magnitude)
            .find(|s| *s >= raw)
            .unwrap_or(raw);
        let first = (self.min / step).ceil() as i64;
        let last = (self.max / step).floor() as i64;
        if last.saturating_sub(first) as usize > MAX_TICKS {
            return vec![self.min, self.max];
        }
        (first..=last).map(|i| i as f64 * step).collect()
    }
}

/// A short label: 1000 → "1k", 0.25 → "0.25", 1e-3 → "0.001"; smaller values in
/// scientific notation ("1e-4", in Chinese "10⁻⁴").
pub fn label(value: f64, lang: Lang) -> String {
    let abs = value.abs();
    if abs >= 1e6 {
        format!("{}M", trim(value / 1e6))
    } else if abs >= 1e3 {
        format!("{}k", trim(value / 1e3))
    } else if abs >= 1e-3 || abs == 0.0 {
        trim(value)
    } else {
        crate::i18n::scientific(&format!("{value:.0e}"), lang)
    }
}

fn trim(value: f64) -> String {
    let text = format!("{value:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// Viridis (perceptually uniform, readable in grey and with colour blindness) at `t` ∈ [0, 1].
pub fn viridis(t: f64) -> String {
    const STOPS: [(f64, f64, f64); 5] = [
        (68.0, 1.0, 84.0),
        (59.0, 82.0, 139.0),
        (33.0, 145.0, 140.0),
        (94.0, 201.0, 98.0),
        (253.0, 231.0, 37.0),
    ];
    let x = t.clamp(0.0, 1.0) * (STOPS.len() - 1) as f64;
    let i = (x.floor() as usize).min(STOPS.len() - 2);
    let f = x - i as f64;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    let mix = |p: f64, q: f64| (p + (q - p) * f).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(a.0, b.0),
        mix(a.1, b.1),
        mix(a.2, b.2)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viridis_runs_dark_to_light() {
        assert_eq!(viridis(0.0), "#440154");
        assert_eq!(viridis(1.0), "#fde725");
        assert_eq!(viridis(2.0), "#fde725");
    }

    #[test]
    fn maps_and_inverts() {
        let s = Scale::linear(0.0, 10.0, 100.0, 200.0);
        assert_eq!(s.map(5.0), 150.0);
        assert_eq!(s.invert(150.0), 5.0);
        let l = Scale::log(1.0, 1000.0, 0.0, 300.0);
        assert!((l.map(10.0) - 100.0).abs() < 1e-9);
        assert!((l.invert(200.0) - 100.0).abs() < 1e-9);
    }

    #[test]
    fn any_finite_input_gives_few_finite_ticks() {
        for (min, max) in [
            (0.01, 1.7e308),
            (1.7e308, 1.7e308),
            (f64::MIN_POSITIVE, f64::MAX),
            (-f64::MAX, f64::MAX),
            (0.0, 0.0),
        ] {
            for scale in [
                Scale::log(min, max, 0.0, 100.0),
                Scale::linear(min, max, 0.0, 100.0),
            ] {
                let ticks = scale.ticks(5);
                assert!(
                    ticks.len() <= MAX_TICKS + 1,
                    "{min}..{max}: {}",
                    ticks.len()
                );
                assert!(
                    ticks.iter().all(|t| t.is_finite()),
                    "{min}..{max}: {ticks:?}"
                );
                assert!(scale.map(max).is_finite() && scale.map(min).is_finite());
            }
        }
    }

    #[test]
    fn ticks_are_round() {
        assert_eq!(
            Scale::linear(0.0, 1.0, 0.0, 1.0).ticks(4),
            [0.0, 0.25, 0.5, 0.75, 1.0]
        );
        assert_eq!(
            Scale::log(1.0, 5000.0, 0.0, 1.0).ticks(4),
            [1.0, 10.0, 100.0, 1000.0]
        );
        assert_eq!(label(1500.0, Lang::En), "1.5k");
        assert_eq!(label(0.25, Lang::En), "0.25");
        assert_eq!(label(0.0001, Lang::En), "1e-4");
    }

    #[test]
    fn chinese_writes_small_values_without_latin_letters() {
        assert_eq!(label(0.0001, Lang::Zh), "10⁻⁴");
        assert_eq!(label(1500.0, Lang::Zh), "1.5k");
    }
}
