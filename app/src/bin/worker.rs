//! A Grokking Lab training worker (loaded by the page as a dedicated Web Worker).

fn main() {
    grokking_app::worker::start();
}
