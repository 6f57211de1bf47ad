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
