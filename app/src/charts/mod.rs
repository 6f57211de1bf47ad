//! Reactive SVG charts. Colours and fonts are attributes (not CSS) so an exported SVG or
//! PNG looks like the page.

pub mod curves;
pub mod heatmap;
pub mod learned;
pub mod line;
pub mod model_map;
pub mod phase;
pub mod regime;
pub mod scale;

/// Chart geometry in viewBox units.
pub const WIDTH: f64 = 460.0;
pub const HEIGHT: f64 = 250.0;
pub const LEFT: f64 = 54.0;
pub const RIGHT: f64 = 16.0;
pub const TOP: f64 = 30.0;
pub const BOTTOM: f64 = 40.0;

pub const TRAIN_COLOR: &str = "#1f77b4";
pub const TEST_COLOR: &str = "#d95f02";
pub const NORM_COLOR: &str = "#6a3d9a";
pub const FONT: &str = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif";

/// The mouse position in viewBox x units, from a mouse event on the chart's `<svg>`.
pub fn pointer_x(event: &web_sys::MouseEvent) -> Option<f64> {
    use wasm_bindgen::JsCast;
    let svg: web_sys::Element = event.current_target()?.dyn_into().ok()?;
    let rect = svg.get_bounding_client_rect();
    (rect.width() > 0.0).then(|| (f64::from(event.client_x()) - rect.left()) * WIDTH / rect.width())
}

/// The mouse position in viewBox units (x, y), from a mouse event on the chart's `<svg>`.
pub fn pointer_xy(event: &web_sys::MouseEvent) -> Option<(f64, f64)> {
    use wasm_bindgen::JsCast;
    let svg: web_sys::Element = event.current_target()?.dyn_into().ok()?;
    let rect = svg.get_bounding_client_rect();
    (rect.width() > 0.0 && rect.height() > 0.0).then(|| {
        (
            (f64::from(event.client_x()) - rect.left()) * WIDTH / rect.width(),
            (f64::from(event.client_y()) - rect.top()) * HEIGHT / rect.height(),
        )
    })
}
