//! The bundled review set on disk: `manifest.json`, `vocab.txt` and `reviews.bin`.
//!
//! `reviews.bin` is little-endian: the magic `GLIMDB01`, the pool and test counts (u32),
//! then each review as label (u8), length (u16) and that many token ids (u16) — no padding,
//! no [CLS]; those are added when a dataset is built. The manifest says where the reviews
//! came from, how they were prepared, what the files hold and their SHA-256, which loading
//! checks: a truncated or edited bundle is an error, never a silently different experiment.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::tokenizer::Vocabulary;
use crate::config::{ConfigError, ImdbConfig, check};

pub const MANIFEST_FORMAT: &str = "grokking-lab/imdb-bundle";
pub const MANIFEST_VERSION: u32 = 1;
pub const MAGIC: &[u8; 8] = b"GLIMDB01";
pub const MANIFEST_FILE: &str = "manifest.json";
pub const VOCAB_FILE: &str = "vocab.txt";
pub const REVIEWS_FILE: &str = "reviews.bin";

/// Maas et al. 2011, whose aclImdb reviews these are.
pub const CITATION: &str = "Andrew L. Maas, Raymond E. Daly, Peter T. Pham, Dan Huang, Andrew Y. Ng, and Christopher Potts. 2011. Learning Word Vectors for Sentiment Analysis. In Proceedings of ACL-HLT 2011, pages 142-150. https://ai.stanford.edu/~amaas/data/sentiment/";

/// One review: 0 = negative, 1 = positive; word ids without padding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub label: u8,
    pub ids: Vec<u16>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub version: u32,
    pub description: String,
    pub citation: String,
    pub source: Source,
    pub params: PrepareParams,
    pub counts: Counts,
    pub files: Vec<FileEntry>,
}

impl Manifest {
    /// Checks an experiment's IMDB settings against what the bundle holds (the lab knows
    /// the manifest before it has downloaded the reviews).
    pub fn check(&self, config: &ImdbConfig) -> Result<(), ConfigError> {
        let pool = self.counts.pool.total();
        if config.train_size == 0 || config.train_size > pool {
            return Err(ConfigError::TrainSize {
                train_size: config.train_size,
                pool,
            });
        }
        check("review length", config.max_len, 1..=self.params.max_len)?;
        check(
            "vocabulary size",
            config.vocab_size,
            4..=self.params.vocab_size,
        )?;
        if let Some(test_size) = config.test_size {
            check("test size", test_size, 1..=self.counts.test.total())?;
        }
        Ok(())
    }
}

/// The registry package the raw reviews come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub package: String,
    pub url: String,
    pub sha256: String,
    /// The CSV inside the package and which of its rows are used.
    pub file: String,
    pub rows: String,
}

/// How the bundle was prepared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrepareParams {
    /// Seeds the stratified pool/test split.
    pub seed: u64,
    /// Word ids, the special tokens included.
    pub vocab_size: usize,
    /// Reviews with more words are dropped (the paper drops those over 256 tokens).
    pub max_len: usize,
    /// Share of each label's reviews that goes to the test set (the paper: 0.25).
    pub test_fraction: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// IMDB rows in the source file.
    pub source_reviews: usize,
    pub duplicates_removed: usize,
    pub too_long_removed: usize,
    pub pool: LabelCounts,
    pub test: LabelCounts,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelCounts {
    pub negative: usize,
    pub positive: usize,
}

impl LabelCounts {
    pub fn of(reviews: &[Review]) -> Self {
        let positive = reviews.iter().filter(|r| r.label == 1).count();
        Self {
            negative: reviews.len() - positive,
            positive,
        }
    }

    pub fn total(self) -> usize {
        self.negative + self.positive
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub name: String,
    pub bytes: usize,
    pub sha256: String,
}

/// Why a bundle could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BundleError {
    #[error("the IMDB manifest is not valid JSON: {0}")]
    Manifest(String),
    #[error("the IMDB bundle has format {found:?}, expected {MANIFEST_FORMAT} v{MANIFEST_VERSION}")]
    Format { found: String },
    #[error(
        "{file} does not match the manifest (size or SHA-256 differs): the bundle is corrupt or incomplete"
    )]
    Checksum { file: String },
    #[error("{REVIEWS_FILE} is malformed: {0}")]
    Malformed(String),
    #[error("the bundle's counts disagree with the manifest: {0}")]
    Counts(String),
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn file_entry(name: &str, bytes: &[u8]) -> FileEntry {
    FileEntry {
        name: name.to_owned(),
        bytes: bytes.len(),
        sha256: sha256_hex(bytes),
    }
}

/// The vocabulary as `vocab.txt`: one word per line, id = line number.
pub fn encode_vocab(vocab: &Vocabulary) -> Vec<u8> {
    let mut text = vocab.words().join("\n");
    text.push('\n');
    text.into_bytes()
}

pub fn decode_vocab(text: &str) -> Vocabulary {
    Vocabulary::from_words(text.lines().map(str::to_owned).collect())
}

pub fn encode_reviews(pool: &[Review], test: &[Review]) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    out.extend((pool.len() as u32).to_le_bytes());
    out.extend((test.len() as u32).to_le_bytes());
    for review in pool.iter().chain(test) {
        out.push(review.label);
        out.extend((review.ids.len() as u16).to_le_bytes());
        for id in &review.ids {
            out.extend(id.to_le_bytes());
        }
    }
    out
}

/// (pool, test) from `reviews.bin`.
pub fn decode_reviews(bytes: &[u8]) -> Result<(Vec<Review>, Vec<Review>), BundleError> {
    let malformed = |what: &str| BundleError::Malformed(what.to_owned());
    let rest = bytes
        .strip_prefix(MAGIC.as_slice())
        .ok_or_else(|| malformed("it does not start with GLIMDB01"))?;
    let mut reader = Reader { bytes: rest };
    let pool_len = reader.u32()? as usize;
    let test_len = reader.u32()? as usize;
    let mut read = |n: usize| -> Result<Vec<Review>, BundleError> {
        (0..n)
            .map(|_| {
                let label = reader.u8()?;
                if label > 1 {
                    return Err(malformed("a label is neither 0 nor 1"));
                }
                let len = usize::from(reader.u16()?);
                let ids = (0..len).map(|_| reader.u16()).collect::<Result<_, _>>()?;
                Ok(Review { label, ids })
            })
            .collect()
    };
    let pool = read(pool_len)?;
    let test = read(test_len)?;
    if !reader.bytes.is_empty() {
        return Err(malformed("it has bytes after the last review"));
    }
    Ok((pool, test))
}

struct Reader<'a> {
    bytes: &'a [u8],
}

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], BundleError> {
        let (head, rest) = self
            .bytes
            .split_first_chunk::<N>()
            .ok_or_else(|| BundleError::Malformed("it ends in the middle of a review".into()))?;
        self.bytes = rest;
        Ok(*head)
    }
    fn u8(&mut self) -> Result<u8, BundleError> {
        Ok(self.take::<1>()?[0])
    }
    fn u16(&mut self) -> Result<u16, BundleError> {
        Ok(u16::from_le_bytes(self.take()?))
    }
    fn u32(&mut self) -> Result<u32, BundleError> {
        Ok(u32::from_le_bytes(self.take()?))
    }
}
