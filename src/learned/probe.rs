//! The device half of [`super`]: the Fourier power of a model's embedding and the answer
//! grid, read in the evaluation's one readback.

use std::sync::Arc;

use burn::tensor::{Device, Tensor, TensorData};

use super::{Cell, Snapshot, frequency_count, frequency_shares};
use crate::data::Dataset;
use crate::data::modular::Operands;

/// The real DFT basis over the residues a = 0..p, `[2K, p]`: rows cos(2πka/p) for
/// k = 1..=K, then sin(2πka/p). `None` when p has no frequency to measure (p < 3).
pub(crate) fn fourier_basis(modulus: usize, device: &Device) -> Option<Tensor<2>> {
    let k = frequency_count(modulus);
    if k == 0 {
        return None;
    }
    let angle =
        |k: usize, a: usize| std::f64::consts::TAU * (k * a % modulus) as f64 / modulus as f64;
    let mut values = Vec::with_capacity(2 * k * modulus);
    for wave in [f64::cos, f64::sin] {
        for k in 1..=k {
            values.extend((0..modulus).map(|a| wave(angle(k, a)) as f32));
        }
    }
    Some(Tensor::from_data(
        TensorData::new(values, [2 * k, modulus]),
        device,
    ))
}

/// The power of the number tokens' embedding at each basis row: `[R, p, d]` → `[R, 2K]`,
/// per run Σ over the embedding's dimensions of (the rows projected on the basis row)².
pub(crate) fn fourier_power(numbers: Tensor<3>, basis: Tensor<2>) -> Tensor<2> {
    let runs = numbers.dims()[0];
    let [rows, modulus] = basis.dims();
    let basis = basis.reshape([1, rows, modulus]).repeat_dim(0, runs);
    basis
        .matmul(numbers)
        .powi_scalar(2)
        .sum_dim(2)
        .reshape([runs, rows])
}

/// Where each evaluated row of a run lands in its answer grid.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AnswerCells {
    modulus: usize,
    /// Grid index `a · p + b` of each training row, then of each test row.
    train: Vec<usize>,
    test: Vec<usize>,
}

impl AnswerCells {
    pub(crate) fn new(operands: &Operands) -> Self {
        let p = operands.modulus;
        let index = |pairs: &[(usize, usize)]| pairs.iter().map(|&(a, b)| a * p + b).collect();
        Self {
            modulus: p,
            train: index(&operands.train),
            test: index(&operands.test),
        }
    }

    pub(crate) fn modulus(&self) -> usize {
        self.modulus
    }

    /// The grid, from per-row correctness (1 right, 0 wrong) of the run's own rows.
    pub(crate) fn grid(&self, train_hits: &[f32], test_hits: &[f32]) -> String {
        let mut grid = vec![Cell::Unused.symbol() as u8; self.modulus * self.modulus];
        let rows = [
            (&self.train, train_hits, Cell::TrainRight, Cell::TrainWrong),
            (&self.test, test_hits, Cell::TestRight, Cell::TestWrong),
        ];
        for (cells, hits, right, wrong) in rows {
            for (&cell, &hit) in cells.iter().zip(hits) {
                let symbol = if hit > 0.5 { right } else { wrong };
                grid[cell] = symbol.symbol() as u8;
            }
        }
        String::from_utf8(grid).expect("cell symbols are ASCII")
    }

    pub(crate) fn train_rows(&self) -> usize {
        self.train.len()
    }

    pub(crate) fn test_rows(&self) -> usize {
        self.test.len()
    }
}

/// What an evaluation of a batch needs to see what its runs learned: the DFT basis over
/// the residues and each run's grid layout.
pub(crate) struct Probe {
    modulus: usize,
    basis: Option<Tensor<2>>,
    cells: Arc<[AnswerCells]>,
}

impl Probe {
    /// `None` unless every run is modular arithmetic (the runs of a batch share p).
    pub(crate) fn new(data: &[&Dataset], device: &Device) -> Option<Self> {
        let cells: Vec<AnswerCells> = data
            .iter()
            .map(|d| d.operands.as_ref().map(AnswerCells::new))
            .collect::<Option<_>>()?;
        let modulus = cells.first()?.modulus();
        Some(Self {
            modulus,
            basis: fourier_basis(modulus, device),
            cells: cells.into(),
        })
    }

    /// The evaluation's extra columns, `[R, train rows + test rows + 2K]`, from per-row
    /// correctness of both splits (`[R, rows]`, padded rows included) and the token
    /// embedding tables `[R, vocab, d]` (the residues are their first p rows in both GPT
    /// forms); and how to read them back.
    pub(crate) fn columns(
        &self,
        train_hits: Tensor<2>,
        test_hits: Tensor<2>,
        table: Tensor<3>,
    ) -> (Tensor<2>, Columns) {
        let layout = Columns {
            cells: self.cells.clone(),
            train_rows: train_hits.dims()[1],
            test_rows: test_hits.dims()[1],
            power: 2 * frequency_count(self.modulus),
        };
        let mut columns = vec![train_hits, test_hits];
        if let Some(basis) = &self.basis {
            let [runs, _, d] = table.dims();
            let numbers = table.slice([0..runs, 0..self.modulus, 0..d]);
            columns.push(fourier_power(numbers, basis.clone()));
        }
        (Tensor::cat(columns, 1), layout)
    }
}

/// How a [`Probe`]'s columns read back into snapshots.
#[derive(Debug, Clone)]
pub(crate) struct Columns {
    cells: Arc<[AnswerCells]>,
    train_rows: usize,
    test_rows: usize,
    power: usize,
}

impl Columns {
    pub(crate) fn width(&self) -> usize {
        self.train_rows + self.test_rows + self.power
    }

    /// Run `run`'s snapshot from its `width()` values; `None` if its embedding's power is
    /// not finite (a diverging run).
    pub(crate) fn snapshot(&self, step: usize, run: usize, values: &[f32]) -> Option<Snapshot> {
        let cells = &self.cells[run];
        let (train, rest) = values.split_at(self.train_rows);
        let (test, power) = rest.split_at(self.test_rows);
        Some(Snapshot {
            step,
            frequencies: frequency_shares(power)?,
            // Only the run's own rows: the rest pads it to the batch's longest split.
            answers: cells.grid(&train[..cells.train_rows()], &test[..cells.test_rows()]),
        })
    }
}
