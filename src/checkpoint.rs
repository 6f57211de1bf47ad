//! A batch of runs stopped between two steps, with everything it needs to go on exactly as
//! if it had never stopped (a preempted cluster task resumes mid-run instead of from step
//! 0). The bytes are the front end's to store: the core does no I/O.
//!
//! Layout: `MAGIC`, then three length-prefixed parts (little-endian u64 lengths) — the
//! runs' state as JSON, the model's record, AdamW's record — then an FNV-1a checksum of all
//! that precedes it, so a torn or corrupted file is refused before anything decodes it.

use serde::{Deserialize, Serialize};

use crate::config::ExperimentConfig;
use crate::learned::SnapshotHistory;
use crate::metrics::EvalPoint;
use crate::rng::fnv1a;
use crate::trainer::TrainerState;

const MAGIC: &[u8; 16] = b"grokking-ckpt-v1";

/// What [`crate::run::BatchRun::checkpoint`] saves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The runs it belongs to: resuming other runs from it is refused.
    pub configs: Vec<ExperimentConfig>,
    pub trainer: TrainerState,
    pub histories: Vec<Vec<EvalPoint>>,
    pub learned: Vec<SnapshotHistory>,
    pub diverged_at: Vec<Option<usize>>,
    pub until_eval: usize,
    /// Wall time the front end had spent on these runs by then (the core does not time;
    /// the CLI fills it so a resumed run's `meta.wall_seconds` counts every part).
    #[serde(default)]
    pub wall_seconds: f64,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CheckpointError {
    #[error("it is not a grokking checkpoint")]
    NotACheckpoint,
    #[error("it is cut short or damaged (its checksum does not match)")]
    Damaged,
    #[error("its state does not read: {0}")]
    State(String),
}

impl Checkpoint {
    /// The step the runs had reached.
    pub fn step(&self) -> usize {
        self.trainer.step
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let state = serde_json::to_vec(self).expect("a checkpoint's state serializes");
        let mut bytes = Vec::with_capacity(
            MAGIC.len()
                + 32
                + state.len()
                + self.trainer.model.len()
                + self.trainer.optimizer.len(),
        );
        bytes.extend_from_slice(MAGIC);
        for part in [&state, &self.trainer.model, &self.trainer.optimizer] {
            bytes.extend_from_slice(&(part.len() as u64).to_le_bytes());
            bytes.extend_from_slice(part);
        }
        let checksum = fnv1a(&bytes);
        bytes.extend_from_slice(&checksum.to_le_bytes());
        bytes
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self, CheckpointError> {
        if !bytes.starts_with(MAGIC) {
            return Err(CheckpointError::NotACheckpoint);
        }
        let (body, checksum) = bytes
            .split_last_chunk::<8>()
            .ok_or(CheckpointError::Damaged)?;
        if fnv1a(body) != u64::from_le_bytes(*checksum) {
            return Err(CheckpointError::Damaged);
        }
        let mut rest = &body[MAGIC.len()..];
        let mut parts = Vec::with_capacity(3);
        for _ in 0..3 {
            let (length, tail) = rest
                .split_first_chunk::<8>()
                .ok_or(CheckpointError::Damaged)?;
            let length = usize::try_from(u64::from_le_bytes(*length))
                .map_err(|_| CheckpointError::Damaged)?;
            if length > tail.len() {
                return Err(CheckpointError::Damaged);
            }
            let (part, tail) = tail.split_at(length);
            parts.push(part.to_vec());
            rest = tail;
        }
        if !rest.is_empty() {
            return Err(CheckpointError::Damaged);
        }
        let optimizer = parts.pop().unwrap_or_default();
        let model = parts.pop().unwrap_or_default();
        let mut checkpoint: Checkpoint =
            serde_json::from_slice(&parts[0]).map_err(|e| CheckpointError::State(e.to_string()))?;
        checkpoint.trainer.model = model;
        checkpoint.trainer.optimizer = optimizer;
        Ok(checkpoint)
    }
}
