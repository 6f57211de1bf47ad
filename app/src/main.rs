//! The Grokking Lab page: renders, keeps the runs, and hands training to workers.

fn main() {
    grokking_app::start_page();
}
