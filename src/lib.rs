//! # Grokking Lab core
//!
//! The library behind the `grokking` command and the browser lab: it implements *Critical
//! Data Size of Language Models from a Grokking Perspective* (Zhu et al. 2024).
//!
//! Data flows one way: [`data`] → [`model`] (with the [`grokking`] rescale) → [`trainer`] →
//! [`metrics`] → [`analysis`], and [`record`] is the file format around them; [`learned`]
//! is what a modular model learned, measured at each evaluation. The burn device (WebGPU, wgpu
//! or the CPU) is chosen at run time; nothing here is UI.

pub mod analysis;
#[cfg(feature = "train")]
pub mod checkpoint;
pub mod config;
pub mod data;
pub mod footprint;
#[cfg(feature = "train")]
pub mod grokking;
pub mod learned;
pub mod metrics;
#[cfg(feature = "train")]
pub mod model;
pub mod presets;
pub mod record;
pub mod rng;
#[cfg(feature = "train")]
pub mod run;
pub mod settings;
#[cfg(feature = "train")]
pub mod static_constructors;
pub mod sweep;
#[cfg(feature = "train")]
pub mod trainer;

pub use analysis::{AnalysisConfig, Regime};
pub use config::ExperimentConfig;
pub use metrics::EvalPoint;
pub use record::RunRecord;
#[cfg(feature = "train")]
pub use trainer::{BatchTrainer, TrainError};
