//! The page's thread in tasks: work that would hold it past a long task (50 ms) gives it
//! back to the browser — to paint and take input — between pieces.

/// Milliseconds since the page started (`performance.now()`).
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Lets the browser paint and take input before going on.
pub async fn next_task() {
    gloo_timers::future::TimeoutFuture::new(0).await;
}

/// Waits for the browser to paint a frame (laying out what the last task built), then for
/// the task after it: each part of a page built this way gets a layout of its own. A tab
/// in the background paints no frames, so a timer stands in for the frame there.
pub async fn next_frame() {
    let frame = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.request_animation_frame(&resolve);
            let _ = window
                .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, HIDDEN_FRAME_MS);
        } else {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(frame).await;
    next_task().await;
}

/// How long `next_frame` waits for a frame that may never come (a hidden tab).
const HIDDEN_FRAME_MS: i32 = 100;

/// A stretch of work that gives the thread back whenever it has held it for its budget.
pub struct Slice {
    since: f64,
}

impl Slice {
    /// Well under a long task's 50 ms, with room for the piece that crosses it.
    const BUDGET_MS: f64 = 20.0;

    pub fn start() -> Self {
        Self { since: now_ms() }
    }

    /// Call between pieces of work.
    pub async fn yield_if_spent(&mut self) {
        if now_ms() - self.since > Self::BUDGET_MS {
            next_task().await;
            self.since = now_ms();
        }
    }
}
