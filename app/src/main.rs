//! The Grokking Lab page: renders, keeps the runs, and hands training to workers.

fn main() {
    // First: see the function's docs (the page links the core too).
    grokking_lab::static_constructors::run_static_constructors();
    grokking_app::start_page();
}
