//! Modular arithmetic: every pair `(a, b)` with its answer `a ∘ b mod p`.
//!
//! Sequences take the form the GPT reads ([`GptArch`]): the minimal `a b =` (token `p` is
//! `=`), or the authors' `a + b % p =` whose next token, the answer, is the label. All pairs
//! are shuffled by seed and cut into a training pool and a test set (the paper: 75/25); the
//! training subset of size N is, by default, the first N of the shuffled pool, so smaller
//! subsets are nested in larger ones and a sweep over N changes only how much data the
//! model sees ([`Subsets`]).

use super::{Dataset, Split};
use crate::config::{GptArch, ModularConfig, Operation, Subsets, pool_size};
use crate::rng::SplitMix64;

/// The authors' format's vocabulary: the p residues, then these four symbols.
mod symbol {
    /// The modulus written as a number (`p` in `a + b % p =`), which no residue equals.
    pub const MODULUS: usize = 0;
    /// The operation (`+`, `−`, `×`, `÷`; one per task, so one id).
    pub const OPERATION: usize = 1;
    pub const PERCENT: usize = 2;
    pub const EQUALS: usize = 3;
    pub const COUNT: usize = 4;
}

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

/// The `(a, b)` of every row of a modular dataset's splits (`train[i]` is row `i` of the
/// training split), whichever form the sequences take: what a per-pair view of the
/// model's answers needs, since the token layout is the model's business.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operands {
    pub modulus: usize,
    pub train: Pairs,
    pub test: Pairs,
}

/// The task's pairs, shuffled by `seed`, cut into (training pool, test set).
pub fn pool_and_test(config: &ModularConfig, seed: u64) -> (Pairs, Pairs) {
    let mut pairs = all_pairs(config.operation, config.modulus);
    SplitMix64::for_purpose(seed, "modular-split").shuffle(&mut pairs);
    let pool = pool_size(pairs.len(), config.pool_fraction);
    let test = pairs.split_off(pool);
    (pairs, test)
}

/// The training subset of `train_size` pairs from `pool` (see [`Subsets`]).
pub fn training_subset(mut pool: Pairs, train_size: usize, subsets: Subsets, seed: u64) -> Pairs {
    if subsets == Subsets::Independent {
        let purpose = subsets.draw_purpose("modular-subset", train_size);
        SplitMix64::for_purpose(seed, &purpose).shuffle(&mut pool);
    }
    pool.truncate(train_size);
    pool
}

/// Builds the dataset: `train_size` examples of the pool, and the whole test set, in the
/// format `arch` reads. `split_seed` draws pool and test set, `seed` the subset.
pub fn dataset(
    config: &ModularConfig,
    arch: GptArch,
    subsets: Subsets,
    split_seed: u64,
    seed: u64,
) -> Dataset {
    let (pool, test) = pool_and_test(config, split_seed);
    let train = training_subset(pool, config.train_size, subsets, seed);
    let p = config.modulus;
    let sequence = |a: usize, b: usize| -> Vec<u32> {
        let ids: Vec<usize> = match arch {
            GptArch::PreLn => vec![a, b, p],
            GptArch::OpenaiGpt => {
                let s = |offset| p + offset;
                vec![
                    a,
                    s(symbol::OPERATION),
                    b,
                    s(symbol::PERCENT),
                    s(symbol::MODULUS),
                    s(symbol::EQUALS),
                ]
            }
        };
        ids.into_iter().map(|id| id as u32).collect()
    };
    let to_split = |pairs: &[(usize, usize)]| Split {
        tokens: pairs.iter().flat_map(|&(a, b)| sequence(a, b)).collect(),
        labels: pairs
            .iter()
            .map(|&(a, b)| config.operation.apply(a, b, p) as u32)
            .collect(),
        seq_len: sequence(0, 0).len(),
    };
    let (vocab_size, n_classes) = match arch {
        GptArch::PreLn => (p + 1, p),
        // The tied head scores every token; only residues are ever right.
        GptArch::OpenaiGpt => (p + symbol::COUNT, p + symbol::COUNT),
    };
    Dataset {
        train: to_split(&train),
        test: to_split(&test),
        vocab_size,
        n_classes,
        padding: None,
        operands: Some(Operands {
            modulus: p,
            train,
            test,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(train_size: usize) -> ModularConfig {
        ModularConfig {
            operation: Operation::Add,
            modulus: 11,
            pool_fraction: 0.75,
            train_size,
        }
    }

    #[test]
    fn the_authors_format_is_a_plus_b_percent_p_equals_with_the_answer_as_label() {
        let data = dataset(&config(20), GptArch::OpenaiGpt, Subsets::Nested, 0, 0);
        assert_eq!(data.train.seq_len, 6);
        assert_eq!((data.vocab_size, data.n_classes), (15, 15));
        let [a, plus, b, percent, modulus, equals] = data.train.sequence(0) else {
            panic!("six tokens")
        };
        assert!(*a < 11 && *b < 11);
        assert_eq!([*plus, *percent, *modulus, *equals], [12, 13, 11, 14]);
        assert_eq!(data.train.labels[0], (a + b) % 11);
    }

    #[test]
    fn both_formats_hold_the_same_pairs() {
        let short = dataset(&config(30), GptArch::PreLn, Subsets::Nested, 3, 3);
        let long = dataset(&config(30), GptArch::OpenaiGpt, Subsets::Nested, 3, 3);
        assert_eq!(short.train.labels, long.train.labels);
        for i in 0..30 {
            let (s, l) = (short.train.sequence(i), long.train.sequence(i));
            assert_eq!((s[0], s[1]), (l[0], l[2]));
        }
    }

    #[test]
    fn operands_name_the_pair_of_every_row_in_both_formats() {
        for arch in GptArch::ALL {
            let data = dataset(&config(30), arch, Subsets::Nested, 2, 2);
            let operands = data.operands.as_ref().expect("modular data has operands");
            assert_eq!(operands.modulus, 11);
            for (split, pairs) in [(&data.train, &operands.train), (&data.test, &operands.test)] {
                assert_eq!(split.len(), pairs.len());
                for (i, &(a, b)) in pairs.iter().enumerate() {
                    let row = split.sequence(i);
                    let b_at = if arch == GptArch::PreLn { 1 } else { 2 };
                    assert_eq!((row[0] as usize, row[b_at] as usize), (a, b));
                    assert_eq!(split.labels[i] as usize, (a + b) % 11);
                }
            }
        }
    }

    #[test]
    fn nested_subsets_lie_inside_larger_ones_and_independent_ones_do_not() {
        let (pool, _) = pool_and_test(&config(1), 5);
        let subset = |n, subsets| training_subset(pool.clone(), n, subsets, 5);
        let (small, large) = (subset(20, Subsets::Nested), subset(60, Subsets::Nested));
        assert_eq!(small[..], large[..20]);
        let (small, large) = (
            subset(20, Subsets::Independent),
            subset(60, Subsets::Independent),
        );
        assert_ne!(small[..], large[..20]);
        // Still a draw from the same pool, without repeats.
        let mut sorted = large.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 60);
        assert!(large.iter().all(|pair| pool.contains(pair)));
    }

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
