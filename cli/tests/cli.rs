//! The CLI's tests as one test binary (`autotests = false` in cli/Cargo.toml): each file
//! stays a module, linked once instead of once per file.

mod analyze;
mod bench;
mod cluster;
mod memory;
mod save_init;
mod sweep;
