//! The Grokking Lab page: renders, keeps the runs, and hands training to workers. Built
//! without the `worker` feature, it links no burn (and so no static constructors to run).

fn main() {
    grokking_app::start_page();
}
