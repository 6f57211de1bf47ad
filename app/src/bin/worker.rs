//! A Grokking Lab training worker (loaded by the page as a dedicated Web Worker).

fn main() {
    // First, before anything reaches burn: see the function's docs.
    grokking_lab::static_constructors::run_static_constructors();
    grokking_app::worker::start();
}
