//! The core's integration tests as one test binary (`autotests = false` in Cargo.toml):
//! each file stays a claim-named module, but burn's generic training code is compiled and
//! linked once instead of once per file, which was most of CI's native test build.

mod common;

mod analysis;
mod architecture;
mod batched;
mod checkpoint;
mod data;
mod footprint;
mod grokking;
mod imdb;
mod learned;
mod record;
mod training;
