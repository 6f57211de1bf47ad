//! The selected training size's curves: accuracy, loss, and the weight norm.

use grokking_lab::EvalPoint;
use leptos::prelude::*;

use super::line::{LineChart, Series, YAxis};
use super::{NORM_COLOR, TEST_COLOR, TRAIN_COLOR};
use crate::state::Lab;

fn series(
    history: &[EvalPoint],
    name: &'static str,
    color: &'static str,
    dashed: bool,
    value: fn(&EvalPoint) -> f64,
) -> Series {
    Series {
        name,
        color,
        dashed,
        points: history.iter().map(|p| (p.step as f64, value(p))).collect(),
    }
}

#[component]
pub fn Curves(lab: Lab) -> impl IntoView {
    let history = Memo::new(move |_| {
        lab.run_for(lab.selected.get())
            .map(|r| r.history)
            .unwrap_or_default()
    });
    let steps = Signal::derive(move || lab.settings.with(|s| s.steps()));
    let accuracy = Signal::derive(move || {
        history.with(|h| {
            vec![
                series(h, "train acc", TRAIN_COLOR, false, |p| p.train_acc),
                series(h, "test acc", TEST_COLOR, false, |p| p.test_acc),
            ]
        })
    });
    let loss = Signal::derive(move || {
        history.with(|h| {
            vec![
                series(h, "train loss", TRAIN_COLOR, false, |p| p.train_loss),
                series(h, "test loss", TEST_COLOR, false, |p| p.test_loss),
            ]
        })
    });
    let norm = Signal::derive(move || {
        history.with(|h| {
            vec![series(h, "‖w‖₂", NORM_COLOR, false, |p| {
                p.weight_norm
            })]
        })
    });
    view! {
        <div class="curves">
            <LineChart id="chart-accuracy" title="Accuracy" series=accuracy steps=steps y_axis=YAxis::Fixed(0.0, 1.0) />
            <LineChart id="chart-loss" title="Loss (cross-entropy, log scale)" series=loss steps=steps y_axis=YAxis::Log />
            <LineChart id="chart-norm" title="Weight norm" series=norm steps=steps y_axis=YAxis::Linear />
        </div>
    }
}
