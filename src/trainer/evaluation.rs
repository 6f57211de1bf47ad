//! Evaluating every run of a batch on the device, and the one readback that brings the
//! numbers home (a non-finite or absurd row is that run's divergence only).

use burn::tensor::activation::log_softmax;
use burn::tensor::{Int, Tensor};

use super::TrainError;
use super::device_data::DeviceSplits;
use crate::learned::{self, Snapshot};
use crate::metrics::EvalPoint;
use crate::model::{Batch, Classifier};

/// One run's evaluation: its point of the history, and what it learned when that is
/// measured ([`BatchTrainer::set_learned`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub point: EvalPoint,
    pub learned: Option<Snapshot>,
}

/// Every run's evaluation, still on the device.
pub struct PendingEvals {
    pub(super) step: usize,
    /// `[R, 5 + learned columns]`: train loss, test loss, train acc, test acc, ‖w‖² per
    /// run, then what [`learned::Columns`] reads.
    pub(super) values: Tensor<2>,
    pub(super) learned: Option<learned::Columns>,
}

impl PendingEvals {
    /// Reads every run's numbers back in one transfer. A run whose numbers are not finite,
    /// or beyond [`crate::metrics::MAX_MAGNITUDE`], has diverged (`Err(Diverged)` in its place); the others are unaffected.
    pub async fn read(self) -> Result<Vec<Result<EvalPoint, TrainError>>, TrainError> {
        Ok(self
            .read_all()
            .await?
            .into_iter()
            .map(|evaluation| evaluation.map(|e| e.point))
            .collect())
    }

    /// [`PendingEvals::read`], with what each run learned: still one transfer.
    pub async fn read_all(self) -> Result<Vec<Result<Evaluation, TrainError>>, TrainError> {
        let [runs, columns] = self.values.dims();
        let expected = 5 + self.learned.as_ref().map_or(0, learned::Columns::width);
        let data = self.values.into_data_async().await?;
        let values: Vec<f32> = data
            .try_to_vec()
            .map_err(|e| TrainError::Readback(format!("{e:?}")))?;
        if columns != expected || values.len() != runs * columns {
            return Err(TrainError::Readback(format!(
                "expected {runs} × {expected} values, got {}",
                values.len()
            )));
        }
        Ok(values
            .chunks(columns)
            .enumerate()
            .map(|(run, row)| {
                let point = EvalPoint {
                    step: self.step,
                    train_loss: row[0].into(),
                    test_loss: row[1].into(),
                    train_acc: row[2].into(),
                    test_acc: row[3].into(),
                    weight_norm: f64::from(row[4]).sqrt(),
                };
                // Beyond any trainable magnitude is diverging already, even while finite.
                if !point.is_sane() {
                    return Err(TrainError::Diverged { step: self.step });
                }
                let learned = self
                    .learned
                    .as_ref()
                    .and_then(|columns| columns.snapshot(self.step, run, &row[5..]));
                Ok(Evaluation { point, learned })
            })
            .collect())
    }
}

/// Negative log-likelihood of `labels` `[R, batch]` under `logits` `[R, batch, classes]`,
/// per example: `[R, batch]`.
pub(super) fn cross_entropy(logits: Tensor<3>, labels: Tensor<2, Int>) -> Tensor<2> {
    let [runs, batch, _] = logits.dims();
    log_softmax(logits, 2)
        .gather(2, labels.unsqueeze_dim(2))
        .reshape([runs, batch])
        .neg()
}

/// One split's evaluation of every run, on the device.
pub(super) struct SplitEval {
    /// `[R]`: mean loss.
    pub(super) loss: Tensor<1>,
    /// `[R]`
    pub(super) accuracy: Tensor<1>,
    /// `[R, longest]`: 1 where the row's answer is right (0 on padding), if asked for.
    pub(super) hits: Option<Tensor<2>>,
}

/// Mean loss and accuracy of every run over its split, and with `rows` each row's
/// correctness (which the accuracy sums anyway).
pub(super) fn evaluate_split(
    model: &Classifier,
    split: &DeviceSplits,
    chunk: usize,
    rows: bool,
) -> SplitEval {
    let device = split.tokens.device();
    let [runs, longest, seq_len] = split.tokens.dims();
    let mut loss_sum = Tensor::<1>::zeros([runs], &device);
    let mut correct = Tensor::<1>::zeros([runs], &device);
    let mut hit_chunks = Vec::new();
    // Bounds device memory: `chunk` sequences of each run in flight.
    for start in (0..longest).step_by(chunk) {
        let end = (start + chunk).min(longest);
        let tokens = split
            .tokens
            .clone()
            .slice([0..runs, start..end, 0..seq_len]);
        let labels = split.labels.clone().slice([0..runs, start..end]);
        let valid = split.valid.clone().slice([0..runs, start..end]);
        let logits = model.forward(Batch::new(tokens, split.padding));
        let predicted = logits.clone().argmax(2).reshape([runs, end - start]);
        let hits = predicted.equal(labels.clone()).float() * valid.clone();
        correct = correct + hits.clone().sum_dim(1).reshape([runs]);
        if rows {
            hit_chunks.push(hits);
        }
        let losses = cross_entropy(logits, labels) * valid;
        loss_sum = loss_sum + losses.sum_dim(1).reshape([runs]);
    }
    SplitEval {
        loss: loss_sum.div(split.lens.clone()),
        accuracy: correct.div(split.lens.clone()),
        hits: rows.then(|| Tensor::cat(hit_chunks, 1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::{Device, TensorData};

    /// One run's evaluation at step 7, read back.
    fn read_one(values: [f32; 5]) -> Result<EvalPoint, TrainError> {
        let pending = PendingEvals {
            step: 7,
            values: Tensor::from_data(TensorData::from([values]), &Device::flex()),
            learned: None,
        };
        pollster::block_on(pending.read()).unwrap().remove(0)
    }

    #[test]
    fn one_diverged_run_leaves_the_others_readable() {
        let pending = PendingEvals {
            step: 3,
            values: Tensor::from_data(
                TensorData::from([[1.0, 2.0, 0.5, 0.25, 4.0], [f32::NAN, 1.0, 0.5, 0.5, 4.0]]),
                &Device::flex(),
            ),
            learned: None,
        };
        let read = pollster::block_on(pending.read()).unwrap();
        assert_eq!(read[0].as_ref().unwrap().weight_norm, 2.0);
        assert!(matches!(read[1], Err(TrainError::Diverged { step: 3 })));
    }

    #[test]
    fn a_non_finite_evaluation_is_divergence() {
        let result = read_one([f32::NAN, 1.0, 0.5, 0.5, 4.0]);
        assert!(
            matches!(result, Err(TrainError::Diverged { step: 7 })),
            "{result:?}"
        );
        let result = read_one([1.0, f32::INFINITY, 0.5, 0.5, 4.0]);
        assert!(matches!(result, Err(TrainError::Diverged { step: 7 })));
        // Finite, yet no training run has it: diverging on its way to ∞ (such a point
        // would make the run's file unreadable).
        let result = read_one([1e20, 2.0, 0.5, 0.5, 4.0]);
        assert!(matches!(result, Err(TrainError::Diverged { step: 7 })));
    }

    #[test]
    fn a_finite_evaluation_reads_back_in_order() {
        let point = read_one([1.0, 2.0, 0.25, 0.5, 9.0]).unwrap();
        assert_eq!(
            point,
            EvalPoint {
                step: 7,
                train_loss: 1.0,
                test_loss: 2.0,
                train_acc: 0.25,
                test_acc: 0.5,
                weight_norm: 3.0
            }
        );
    }
}
