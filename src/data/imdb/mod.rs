//! IMDB sentiment: the bundled aclImdb reviews (Maas et al. 2011), a BERT-style classifier
//! reads `[CLS] words… [PAD]…` and predicts negative (0) or positive (1).
//!
//! The bundle fixes the training pool and the test set ([`prepare`] makes it, `cargo xtask
//! data` writes it to `public/data/imdb/`); an experiment draws its N training reviews from
//! the pool by seed, and may cut the vocabulary and the review length further.

pub mod bundle;
pub mod prepare;
pub mod tokenizer;

use std::sync::OnceLock;

use super::{Dataset, Split};
use crate::config::{ConfigError, ImdbConfig, Subsets};
use crate::rng::SplitMix64;
use bundle::{BundleError, Manifest, Review};
use tokenizer::{CLS, PAD, UNK, Vocabulary};

/// The manifest of the bundle in `public/data/imdb/`, compiled in once, here: settings are
/// checked against it (and the lab shows the pool size) before any review is downloaded, and
/// every front end checks the bundle's other two files against it
/// ([`ImdbCorpus::from_bundled_files`]).
pub const BUNDLED_MANIFEST_JSON: &str = include_str!("../../../public/data/imdb/manifest.json");

/// [`BUNDLED_MANIFEST_JSON`], parsed.
pub fn bundled_manifest() -> &'static Manifest {
    static MANIFEST: OnceLock<Manifest> = OnceLock::new();
    MANIFEST.get_or_init(|| {
        // The tests load this very file; failing here is a broken build, not bad input.
        serde_json::from_str(BUNDLED_MANIFEST_JSON).expect("the bundled IMDB manifest is valid")
    })
}

/// A loaded, checked bundle.
#[derive(Debug, Clone, PartialEq)]
pub struct ImdbCorpus {
    pub manifest: Manifest,
    pub vocabulary: Vocabulary,
    pub pool: Vec<Review>,
    pub test: Vec<Review>,
}

impl ImdbCorpus {
    /// The bundle's vocabulary and reviews, checked against the compiled-in manifest.
    pub fn from_bundled_files(vocab_txt: &[u8], reviews_bin: &[u8]) -> Result<Self, BundleError> {
        Self::from_bundle(BUNDLED_MANIFEST_JSON.as_bytes(), vocab_txt, reviews_bin)
    }

    /// Parses and checks the three bundle files against each other.
    pub fn from_bundle(
        manifest_json: &[u8],
        vocab_txt: &[u8],
        reviews_bin: &[u8],
    ) -> Result<Self, BundleError> {
        let manifest: Manifest = serde_json::from_slice(manifest_json)
            .map_err(|e| BundleError::Manifest(e.to_string()))?;
        if manifest.format != bundle::MANIFEST_FORMAT
            || manifest.version != bundle::MANIFEST_VERSION
        {
            return Err(BundleError::Format {
                found: format!("{} v{}", manifest.format, manifest.version),
            });
        }
        for (name, bytes) in [
            (bundle::VOCAB_FILE, vocab_txt),
            (bundle::REVIEWS_FILE, reviews_bin),
        ] {
            let listed = manifest.files.iter().find(|f| f.name == name);
            if listed != Some(&bundle::file_entry(name, bytes)) {
                return Err(BundleError::Checksum { file: name.into() });
            }
        }
        let vocab_txt = std::str::from_utf8(vocab_txt)
            .map_err(|_| BundleError::Malformed("vocab.txt is not UTF-8".into()))?;
        let vocabulary = bundle::decode_vocab(vocab_txt);
        let (pool, test) = bundle::decode_reviews(reviews_bin)?;
        let counts = &manifest.counts;
        if bundle::LabelCounts::of(&pool) != counts.pool
            || bundle::LabelCounts::of(&test) != counts.test
        {
            return Err(BundleError::Counts("label counts".into()));
        }
        if vocabulary.len() != manifest.params.vocab_size {
            return Err(BundleError::Counts(format!(
                "{} words in vocab.txt, {} in the manifest",
                vocabulary.len(),
                manifest.params.vocab_size
            )));
        }
        let too_long = pool
            .iter()
            .chain(&test)
            .any(|r| r.ids.len() > manifest.params.max_len);
        let bad_id = pool
            .iter()
            .chain(&test)
            .flat_map(|r| &r.ids)
            .any(|&id| usize::from(id) >= vocabulary.len());
        if too_long || bad_id {
            return Err(BundleError::Counts(
                "a review is longer than max_len or uses a word id past the vocabulary".into(),
            ));
        }
        Ok(Self {
            manifest,
            vocabulary,
            pool,
            test,
        })
    }

    /// The longest review length (in words) experiments may ask for.
    pub fn max_len(&self) -> usize {
        self.manifest.params.max_len
    }

    pub fn vocab_size(&self) -> usize {
        self.vocabulary.len()
    }

    /// Checks an experiment's IMDB settings against what this bundle holds.
    pub fn check(&self, config: &ImdbConfig) -> Result<(), ConfigError> {
        self.manifest.check(config)
    }

    /// The experiment's data: N reviews drawn from the pool by `seed` (see [`Subsets`]), the
    /// test set (or a subset of it drawn by `split_seed`), each as `[CLS] ids… [PAD]…` of
    /// length `max_len + 1`, with words past the vocabulary cut-off read as `[UNK]`.
    pub fn dataset(
        &self,
        config: &ImdbConfig,
        subsets: Subsets,
        split_seed: u64,
        seed: u64,
    ) -> Result<Dataset, ConfigError> {
        self.check(config)?;
        let draw = |reviews: &[Review], n: usize, seed: u64, purpose: &str| -> Split {
            let mut order: Vec<usize> = (0..reviews.len()).collect();
            SplitMix64::for_purpose(seed, purpose).shuffle(&mut order);
            let chosen: Vec<&Review> = order[..n].iter().map(|&i| &reviews[i]).collect();
            encode_split(&chosen, config.max_len, config.vocab_size)
        };
        Ok(Dataset {
            train: draw(
                &self.pool,
                config.train_size,
                seed,
                &subsets.draw_purpose("imdb-train-subset", config.train_size),
            ),
            test: draw(
                &self.test,
                config.test_size.unwrap_or(self.test.len()),
                split_seed,
                "imdb-test-subset",
            ),
            vocab_size: config.vocab_size,
            n_classes: 2,
            padding: Some(u32::from(PAD)),
            operands: None,
        })
    }
}

fn encode_split(reviews: &[&Review], max_len: usize, vocab_size: usize) -> Split {
    let seq_len = max_len + 1;
    let mut tokens = Vec::with_capacity(reviews.len() * seq_len);
    for review in reviews {
        tokens.push(u32::from(CLS));
        let words = review.ids.iter().take(max_len);
        let padding = max_len - words.len();
        tokens.extend(words.map(|&id| {
            if usize::from(id) < vocab_size {
                u32::from(id)
            } else {
                u32::from(UNK)
            }
        }));
        tokens.extend(std::iter::repeat_n(u32::from(PAD), padding));
    }
    Split {
        tokens,
        labels: reviews.iter().map(|r| u32::from(r.label)).collect(),
        seq_len,
    }
}
