//! Modular arithmetic: every pair `(a, b)` with its answer `a ∘ b mod p`.
//!
//! Sequences are the minimal form `a b =` (token `p` is `=`); the label is the answer. All
//! pairs are shuffled by seed and cut into a training pool and a test set (the paper: 75/25);
//! the training subset of size N is the first N of the shuffled pool, so smaller subsets are
//! nested in larger ones and a sweep over N changes only how much data the model sees.

use super::{Dataset, Split};
use crate::config::{ModularConfig, Operation, pool_size};
use crate::rng::SplitMix64;

impl Operation {
    /// `a ∘ b mod p`.
    pub fn apply(self, a: usize, b: usize, p: usize) -> usize {
        match self {
            Self::Add => (a + b) % p,
            Self::Sub => (a + p - b) % p,
            Self::Mul => (a * b) % p,
            Self::Div => (a * inverse_mod_prime(b, p)) % p,
        }
    }
}

/// b⁻¹ mod p by Fermat's little theorem (p prime, b ≠ 0).
fn inverse_mod_prime(b: usize, p: usize) -> usize {
    let (mut base, mut exp, mut result) = (b as u64 % p as u64, p as u64 - 2, 1u64);
    while exp > 0 {
        if exp & 1 == 1 {
            result = result * base % p as u64;
        }
        base = base * base % p as u64;
        exp >>= 1;
    }
    result as usize
}

/// All pairs in a fixed order (a-major).
fn all_pairs(operation: Operation, p: usize) -> Vec<(usize, usize)> {
    let first_b = usize::from(operation == Operation::Div);
    (0..p)
        .flat_map(|a| (first_b..p).map(move |b| (a, b)))
        .collect()
}

/// `(a, b)` operand pairs.
pub type Pairs = Vec<(usize, usize)>;

/// The task's pairs, shuffled by `seed`, cut into (training pool, test set).
pub fn pool_and_test(config: &ModularConfig, seed: u64) -> (Pairs, Pairs) {
    let mut pairs = all_pairs(config.operation, config.modulus);
    SplitMix64::for_purpose(seed, "modular-split").shuffle(&mut pairs);
    let pool = pool_size(pairs.len(), config.pool_fraction);
    let test = pairs.split_off(pool);
    (pairs, test)
}

/// Builds the dataset: the first `train_size` examples of the pool, and the whole test set.
pub fn dataset(config: &ModularConfig, seed: u64) -> Dataset {
    let (mut pool, test) = pool_and_test(config, seed);
    pool.truncate(config.train_size);
    let p = config.modulus;
    let to_split = |pairs: &[(usize, usize)]| Split {
        tokens: pairs
            .iter()
            .flat_map(|&(a, b)| [a as u32, b as u32, p as u32])
            .collect(),
        labels: pairs
            .iter()
            .map(|&(a, b)| config.operation.apply(a, b, p) as u32)
            .collect(),
        seq_len: 3,
    };
    Dataset {
        train: to_split(&pool),
        test: to_split(&test),
        vocab_size: p + 1,
        n_classes: p,
        padding: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations() {
        assert_eq!(Operation::Add.apply(100, 20, 113), 7);
        assert_eq!(Operation::Sub.apply(3, 5, 7), 5);
        assert_eq!(Operation::Mul.apply(4, 5, 7), 6);
        for b in 1..13 {
            assert_eq!(Operation::Div.apply(1, b, 13) * b % 13, 1);
        }
    }
}
