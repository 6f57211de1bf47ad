//! What a modular-arithmetic model has learned, seen at an evaluation: which Fourier
//! frequencies its token embedding uses, and which pairs it answers correctly.
//!
//! A model that groks a ∘ b mod p computes through a few *key frequencies*: residue a is
//! embedded as cos(2πka/p), sin(2πka/p) for a handful of k (Nanda et al. 2023, *Progress
//! measures for grokking via mechanistic interpretability*); before that, the embedding's
//! power is spread over every frequency. The answer grid is the behaviour beside it:
//! training pairs turn right as the model memorizes, test pairs when it generalizes.
//!
//! The device half (`probe`, with the `train` feature only) reduces the embedding to 2K
//! numbers per run, so the evaluation's one readback stays small; the rest is arithmetic on
//! what came back.

use serde::{Deserialize, Serialize};

// The device half: what training reads off a model (burn), absent from a build without
// training (the lab's page).
#[cfg(feature = "train")]
mod probe;
#[cfg(feature = "train")]
pub(crate) use probe::{Columns, Probe};

/// At most this many snapshots are kept per run (see [`SnapshotHistory`]).
pub const MAX_SNAPSHOTS: usize = 64;

/// A frequency is *key* when it holds at least this many times the share an even spread
/// would give it. An untrained embedding's shares scatter by about 1/√d around the even
/// share, so noise does not get there; a grokked model's few key frequencies exceed it
/// (the `tiny` preset at N = 500 ends with 5, 15 and 6 holding 32, 16 and 15 % of the
/// power, where the even share is 6.7 %).
pub const KEY_FACTOR: f64 = 2.0;

/// One evaluation's view of what the model learned (the run format's `learned[]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// The evaluation's step.
    pub step: usize,
    /// `frequencies[k - 1]`: frequency k's share of the power of the p number tokens'
    /// embedding, for k = 1 ..= (p − 1)/2 (each counting k and p − k, which carry equal
    /// power in a real signal), rounded to six decimals; they sum to 1. The constant term
    /// k = 0 (the embedding's mean over the residues) is left out — it says nothing about
    /// arithmetic — and so is k = p/2 for an even p.
    pub frequencies: Vec<f64>,
    /// The answer grid: p rows (a) of p cells (b), row-major, one [`Cell`] symbol each.
    pub answers: String,
}

/// What one cell `(a, b)` of the answer grid says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cell {
    /// `T`: a training pair, answered correctly.
    TrainRight,
    /// `t`: a training pair, answered wrongly.
    TrainWrong,
    /// `E`: a test pair, answered correctly.
    TestRight,
    /// `e`: a test pair, answered wrongly.
    TestWrong,
    /// `.`: in neither set (the pool beyond N, or b = 0 for division).
    Unused,
}

impl Cell {
    pub const ALL: [Cell; 5] = [
        Self::TrainRight,
        Self::TrainWrong,
        Self::TestRight,
        Self::TestWrong,
        Self::Unused,
    ];

    pub fn symbol(self) -> char {
        match self {
            Self::TrainRight => 'T',
            Self::TrainWrong => 't',
            Self::TestRight => 'E',
            Self::TestWrong => 'e',
            Self::Unused => '.',
        }
    }

    pub fn from_symbol(symbol: char) -> Option<Self> {
        Self::ALL.into_iter().find(|cell| cell.symbol() == symbol)
    }

    pub fn is_train(self) -> bool {
        matches!(self, Self::TrainRight | Self::TrainWrong)
    }

    pub fn is_test(self) -> bool {
        matches!(self, Self::TestRight | Self::TestWrong)
    }

    pub fn is_right(self) -> bool {
        matches!(self, Self::TrainRight | Self::TestRight)
    }
}

impl Snapshot {
    /// p, the grid's side.
    pub fn modulus(&self) -> usize {
        self.answers.len().isqrt()
    }

    /// The cell of `(a, b)`; `None` outside the grid.
    pub fn cell(&self, a: usize, b: usize) -> Option<Cell> {
        let p = self.modulus();
        if a >= p || b >= p {
            return None;
        }
        Cell::from_symbol(char::from(self.answers.as_bytes()[a * p + b]))
    }

    /// Every cell, row by row (unknown symbols read as unused).
    pub fn cells(&self) -> impl Iterator<Item = Cell> + '_ {
        self.answers
            .chars()
            .map(|symbol| Cell::from_symbol(symbol).unwrap_or(Cell::Unused))
    }

    /// How many cells say `cell`.
    pub fn count(&self, cell: Cell) -> usize {
        self.cells().filter(|&c| c == cell).count()
    }

    /// The `count` strongest frequencies k (1-based), strongest first.
    pub fn strongest(&self, count: usize) -> Vec<usize> {
        let mut ks: Vec<usize> = (1..=self.frequencies.len()).collect();
        // Stable: equal shares keep the lower frequency first.
        ks.sort_by(|&x, &y| self.frequencies[y - 1].total_cmp(&self.frequencies[x - 1]));
        ks.truncate(count);
        ks
    }

    /// The frequencies that stand out: at least [`KEY_FACTOR`] times the even share,
    /// strongest first. Empty while the power is spread out.
    pub fn key_frequencies(&self) -> Vec<usize> {
        let even = 1.0 / self.frequencies.len().max(1) as f64;
        self.strongest(self.frequencies.len())
            .into_iter()
            .take_while(|&k| self.frequencies[k - 1] >= KEY_FACTOR * even)
            .collect()
    }

    /// The share of the power that frequencies `ks` (1-based) hold together.
    pub fn share(&self, ks: &[usize]) -> f64 {
        ks.iter()
            .filter_map(|&k| self.frequencies.get(k.wrapping_sub(1)))
            .sum()
    }
}

/// Each frequency's share of the power, from `probe::fourier_power`'s numbers for one run (K
/// cosine parts, then K sine parts), rounded to six decimals. `None` when there is no
/// finite, positive power to share out (an all-zero or overflowing embedding).
pub fn frequency_shares(power: &[f32]) -> Option<Vec<f64>> {
    let k = power.len() / 2;
    let per_frequency: Vec<f64> = (0..k)
        .map(|i| f64::from(power[i]) + f64::from(power[k + i]))
        .collect();
    if k == 0 {
        return Some(per_frequency);
    }
    let total: f64 = per_frequency.iter().sum();
    (total.is_finite() && total > 0.0).then(|| {
        per_frequency
            .iter()
            // Six decimals: all an f32 spectrum tells, and a third of the digits in a file.
            .map(|power| (power / total * 1e6).round() / 1e6)
            .collect()
    })
}

/// How many frequencies a modulus has: k = 1 ..= (p − 1)/2.
pub fn frequency_count(modulus: usize) -> usize {
    modulus.saturating_sub(1) / 2
}

/// A run's snapshots, thinned so a long run keeps as few as a short one: at most
/// [`MAX_SNAPSHOTS`], spread evenly over the evaluations, and always the latest. When one
/// more would exceed the cap, every other one goes, and from then on only every second
/// evaluation (of those kept so far) is kept for good; the others stay only while they are
/// the latest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotHistory {
    kept: Vec<Snapshot>,
    /// The evaluation index (0: the run's first) of each kept snapshot.
    indices: Vec<usize>,
    /// Evaluations whose index is a multiple of this are kept for good.
    stride: usize,
    seen: usize,
}

impl Default for SnapshotHistory {
    fn default() -> Self {
        Self {
            kept: Vec::new(),
            indices: Vec::new(),
            stride: 1,
            seen: 0,
        }
    }
}

impl SnapshotHistory {
    /// Adds the snapshot of the next evaluation.
    pub fn push(&mut self, snapshot: Snapshot) {
        // The previous latest was kept only for being the latest.
        if self.indices.last().is_some_and(|i| i % self.stride != 0) {
            self.kept.pop();
            self.indices.pop();
        }
        self.kept.push(snapshot);
        self.indices.push(self.seen);
        self.seen += 1;
        if self.kept.len() > MAX_SNAPSHOTS {
            self.stride *= 2;
            let (stride, last) = (self.stride, self.seen - 1);
            (self.indices, self.kept) = std::mem::take(&mut self.indices)
                .into_iter()
                .zip(std::mem::take(&mut self.kept))
                .filter(|&(i, _)| i % stride == 0 || i == last)
                .unzip();
        }
    }

    pub fn snapshots(&self) -> &[Snapshot] {
        &self.kept
    }
}

#[cfg(test)]
mod tests {
    use super::probe::{AnswerCells, fourier_basis, fourier_power};
    use super::*;
    use crate::data::modular::Operands;
    use burn::tensor::{Device, Tensor, TensorData};

    /// `[1, p, d]` embedding rows read through the device half, shared out.
    fn shares(rows: &[Vec<f32>]) -> Vec<f64> {
        let (p, d) = (rows.len(), rows[0].len());
        let device = Device::flex();
        let flat: Vec<f32> = rows.iter().flatten().copied().collect();
        let numbers = Tensor::<3>::from_data(TensorData::new(flat, [1, p, d]), &device);
        let basis = fourier_basis(p, &device).unwrap();
        let power: Vec<f32> = fourier_power(numbers, basis)
            .into_data()
            .try_to_vec()
            .unwrap();
        frequency_shares(&power).unwrap()
    }

    fn snapshot(frequencies: Vec<f64>) -> Snapshot {
        Snapshot {
            step: 0,
            frequencies,
            answers: String::new(),
        }
    }

    #[test]
    fn an_embedding_built_from_two_frequencies_shows_exactly_those_two() {
        let p = 31;
        let wave = |k: usize, a: usize, phase: f64| {
            (std::f64::consts::TAU * (k * a) as f64 / p as f64 + phase).cos() as f32
        };
        // Dimensions carry k = 4 and k = 11 at several phases and amplitudes, over a
        // constant offset (the k = 0 term, which must not count).
        let rows: Vec<Vec<f32>> = (0..p)
            .map(|a| {
                vec![
                    wave(4, a, 0.0) + 5.0,
                    2.0 * wave(4, a, 1.0),
                    wave(11, a, 0.3),
                    0.5 * wave(11, a, 2.0) - 3.0,
                    wave(4, a, 0.7) + wave(11, a, 0.1),
                ]
            })
            .collect();
        let shares = shares(&rows);
        assert_eq!(shares.len(), 15);
        assert!((shares.iter().sum::<f64>() - 1.0).abs() < 1e-5);
        let snapshot = snapshot(shares);
        let mut top = snapshot.strongest(2);
        top.sort_unstable();
        assert_eq!(top, [4, 11]);
        assert!(
            snapshot.share(&[4, 11]) > 0.999,
            "{:?}",
            snapshot.frequencies
        );
        let mut key = snapshot.key_frequencies();
        key.sort_unstable();
        assert_eq!(key, [4, 11]);
    }

    #[test]
    fn a_random_embedding_has_no_key_frequency() {
        let (p, d) = (31, 64);
        let mut rng = crate::rng::SplitMix64::new(9);
        let rows: Vec<Vec<f32>> = (0..p)
            .map(|_| (0..d).map(|_| rng.normal() as f32).collect())
            .collect();
        let snapshot = snapshot(shares(&rows));
        assert!(
            snapshot.key_frequencies().is_empty(),
            "{:?}",
            snapshot.frequencies
        );
        let even = 1.0 / 15.0;
        assert!(
            snapshot
                .frequencies
                .iter()
                .all(|&s| s > even / 2.0 && s < 2.0 * even),
            "{:?}",
            snapshot.frequencies
        );
    }

    #[test]
    fn a_modulus_without_frequencies_has_no_basis_and_no_shares() {
        assert_eq!(frequency_count(2), 0);
        assert!(fourier_basis(2, &Device::flex()).is_none());
        assert_eq!(frequency_shares(&[]), Some(vec![]));
        assert_eq!(frequency_shares(&[0.0, 0.0]), None);
        assert_eq!(frequency_shares(&[f32::INFINITY, 1.0]), None);
    }

    #[test]
    fn the_grid_marks_each_pair_by_its_set_and_its_answer() {
        let cells = AnswerCells::new(&Operands {
            modulus: 3,
            train: vec![(0, 1), (2, 2)],
            test: vec![(1, 0)],
        });
        let grid = cells.grid(&[1.0, 0.0], &[1.0]);
        assert_eq!(grid, ".T.E....t");
        let snapshot = Snapshot {
            step: 0,
            frequencies: vec![1.0],
            answers: grid,
        };
        assert_eq!(snapshot.modulus(), 3);
        assert_eq!(snapshot.cell(0, 1), Some(Cell::TrainRight));
        assert_eq!(snapshot.cell(2, 2), Some(Cell::TrainWrong));
        assert_eq!(snapshot.cell(1, 0), Some(Cell::TestRight));
        assert_eq!(snapshot.cell(3, 0), None);
        assert_eq!(snapshot.count(Cell::Unused), 6);
        for cell in Cell::ALL {
            assert_eq!(Cell::from_symbol(cell.symbol()), Some(cell));
        }
    }

    #[test]
    fn a_long_run_keeps_at_most_the_cap_evenly_spread_and_always_the_latest() {
        let mut history = SnapshotHistory::default();
        for step in 0..1000 {
            history.push(snapshot_at(step));
            let steps: Vec<usize> = history.snapshots().iter().map(|s| s.step).collect();
            assert!(steps.len() <= MAX_SNAPSHOTS);
            assert_eq!(steps[0], 0);
            assert_eq!(*steps.last().unwrap(), step, "the latest is kept");
            assert!(steps.windows(2).all(|w| w[0] < w[1]));
        }
        let steps: Vec<usize> = history.snapshots().iter().map(|s| s.step).collect();
        // 1000 evaluations: every 16th (0 … 992), then the latest.
        assert_eq!(steps.len(), 64);
        assert!(steps[..63].iter().enumerate().all(|(i, &s)| s == 16 * i));
        assert_eq!(steps[63], 999);
    }

    #[test]
    fn a_short_run_keeps_every_snapshot() {
        let mut history = SnapshotHistory::default();
        for step in 0..MAX_SNAPSHOTS {
            history.push(snapshot_at(step));
        }
        assert_eq!(history.snapshots().len(), MAX_SNAPSHOTS);
    }

    fn snapshot_at(step: usize) -> Snapshot {
        Snapshot {
            step,
            ..snapshot(vec![1.0])
        }
    }
}
