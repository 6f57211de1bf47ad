//! How a regime looks: a colour that stays distinct under colour blindness (Paul Tol's
//! high-contrast scheme: red, yellow, blue) and a shape, so that colour is never the only
//! cue (a projector washes colours out; one reader in twelve does not see them).

use grokking_lab::Regime;

use crate::i18n::Lang;
use crate::tr;

pub fn color(regime: Regime) -> &'static str {
    match regime {
        Regime::Insufficiency => "#bb5566",
        Regime::Sufficiency => "#ddaa33",
        Regime::Surplus => "#004488",
        Regime::Undertrained => "#999999",
        Regime::Diverged => "#6a3d9a",
    }
}

/// The marker's name, as the legend and the explanation say it.
pub fn shape_name(regime: Regime) -> &'static str {
    match regime {
        Regime::Insufficiency => "triangle",
        Regime::Sufficiency => "diamond",
        Regime::Surplus => "circle",
        Regime::Undertrained => "square",
        Regime::Diverged => "cross",
    }
}

/// The marker's name as a screen reader says it (`shape_name` stays the data attribute).
pub fn shape_label(regime: Regime, lang: Lang) -> String {
    match regime {
        Regime::Insufficiency => tr!(lang, "chart-shape-triangle"),
        Regime::Sufficiency => tr!(lang, "chart-shape-diamond"),
        Regime::Surplus => tr!(lang, "chart-shape-circle"),
        Regime::Undertrained => tr!(lang, "chart-shape-square"),
        Regime::Diverged => tr!(lang, "chart-shape-cross"),
    }
}

/// An SVG path of the regime's marker centred on (x, y), about as large as a circle of
/// radius `r`: ▼ too little data, ◆ grokking, ● plenty.
pub fn marker(regime: Regime, x: f64, y: f64, r: f64) -> String {
    match regime {
        Regime::Insufficiency => {
            let (w, h) = (1.15 * r, 1.0 * r);
            format!(
                "M{:.1},{:.1}L{:.1},{:.1}L{:.1},{:.1}Z",
                x - w,
                y - h,
                x + w,
                y - h,
                x,
                y + 1.2 * r
            )
        }
        Regime::Sufficiency => {
            let d = 1.3 * r;
            format!(
                "M{x:.1},{:.1}L{:.1},{y:.1}L{x:.1},{:.1}L{:.1},{y:.1}Z",
                y - d,
                x + d,
                y + d,
                x - d
            )
        }
        Regime::Surplus => format!(
            "M{:.1},{y:.1}a{r:.1},{r:.1} 0 1,0 {:.1},0a{r:.1},{r:.1} 0 1,0 {:.1},0Z",
            x - r,
            2.0 * r,
            -2.0 * r
        ),
        Regime::Undertrained => {
            let s = 0.9 * r;
            format!(
                "M{:.1},{:.1}h{:.1}v{:.1}h{:.1}Z",
                x - s,
                y - s,
                2.0 * s,
                2.0 * s,
                -2.0 * s
            )
        }
        Regime::Diverged => {
            let s = 0.9 * r;
            format!(
                "M{:.1},{:.1}L{:.1},{:.1}M{:.1},{:.1}L{:.1},{:.1}",
                x - s,
                y - s,
                x + s,
                y + s,
                x - s,
                y + s,
                x + s,
                y - s
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::regime_name;

    const SHOWN: [Regime; 3] = [Regime::Insufficiency, Regime::Sufficiency, Regime::Surplus];

    /// Machado, Oliveira & Fernandes (2009), severity 1: linear-RGB matrices simulating
    /// protanopia, deuteranopia and tritanopia (the simulators' standard).
    const VISIONS: [(&str, [[f64; 3]; 3]); 4] = [
        (
            "normal",
            [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
        ),
        (
            "protanopia",
            [
                [0.152286, 1.052583, -0.204868],
                [0.114503, 0.786281, 0.099216],
                [-0.003882, -0.048116, 1.051998],
            ],
        ),
        (
            "deuteranopia",
            [
                [0.367322, 0.860646, -0.227968],
                [0.280085, 0.672501, 0.047413],
                [-0.011820, 0.042940, 0.968881],
            ],
        ),
        (
            "tritanopia",
            [
                [1.255528, -0.076749, -0.178779],
                [-0.078411, 0.930809, 0.147602],
                [0.004733, 0.691367, 0.303900],
            ],
        ),
    ];

    fn linear_rgb(hex: &str) -> [f64; 3] {
        let channel = |i: usize| {
            let c = f64::from(u8::from_str_radix(&hex[1 + 2 * i..3 + 2 * i], 16).unwrap()) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        [channel(0), channel(1), channel(2)]
    }

    /// CIELAB (D65) of a linear-RGB colour.
    fn lab([r, g, b]: [f64; 3]) -> [f64; 3] {
        let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
        let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
        let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
        let f = |t: f64| {
            if t > 0.008856 {
                t.cbrt()
            } else {
                7.787 * t + 16.0 / 116.0
            }
        };
        [
            116.0 * f(y) - 16.0,
            500.0 * (f(x) - f(y)),
            200.0 * (f(y) - f(z)),
        ]
    }

    fn seen(hex: &str, matrix: &[[f64; 3]; 3]) -> [f64; 3] {
        let c = linear_rgb(hex);
        let row = |m: &[f64; 3]| (m[0] * c[0] + m[1] * c[1] + m[2] * c[2]).clamp(0.0, 1.0);
        lab([row(&matrix[0]), row(&matrix[1]), row(&matrix[2])])
    }

    fn delta_e(a: [f64; 3], b: [f64; 3]) -> f64 {
        a.iter()
            .zip(b)
            .map(|(x, y)| (x - y).powi(2))
            .sum::<f64>()
            .sqrt()
    }

    fn closest_pair(colors: &[&str], matrix: &[[f64; 3]; 3]) -> f64 {
        let mut closest = f64::INFINITY;
        for (i, a) in colors.iter().enumerate() {
            for b in &colors[i + 1..] {
                closest = closest.min(delta_e(seen(a, matrix), seen(b, matrix)));
            }
        }
        closest
    }

    #[test]
    fn the_three_regimes_stay_apart_under_every_colour_blindness() {
        let colors: Vec<&str> = SHOWN.into_iter().map(color).collect();
        for (vision, matrix) in &VISIONS {
            let closest = closest_pair(&colors, matrix);
            // ΔE ≈ 2 is just noticeable; 25 is "clearly different colours".
            assert!(
                closest > 25.0,
                "{vision}: two regimes only ΔE {closest:.1} apart"
            );
        }
    }

    #[test]
    fn the_simulator_catches_a_red_green_palette() {
        // The palette this lab used before: red and green, 17 apart for a protanope.
        let red_green = ["#c0392b", "#e69f00", "#2e8b57"];
        assert!(closest_pair(&red_green, &VISIONS[1].1) < 25.0);
    }

    #[test]
    fn every_regime_has_its_own_shape() {
        let shapes: std::collections::BTreeSet<_> = SHOWN.into_iter().map(shape_name).collect();
        assert_eq!(shapes.len(), SHOWN.len());
        let paths: std::collections::BTreeSet<_> = SHOWN
            .into_iter()
            .map(|r| marker(r, 10.0, 10.0, 6.0))
            .collect();
        assert_eq!(paths.len(), SHOWN.len());
    }

    #[test]
    fn regimes_and_shapes_are_named_in_english_and_chinese() {
        for regime in SHOWN {
            assert_eq!(regime_name(Lang::En, regime), regime.name());
            assert_eq!(shape_label(regime, Lang::En), shape_name(regime));
        }
        assert_eq!(regime_name(Lang::Zh, Regime::Insufficiency), "数据不足");
        assert_eq!(regime_name(Lang::Zh, Regime::Sufficiency), "数据充足");
        assert_eq!(regime_name(Lang::Zh, Regime::Surplus), "数据过剩");
        assert_eq!(shape_label(Regime::Surplus, Lang::Zh), "圆形");
    }
}
