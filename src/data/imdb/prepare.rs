//! From raw reviews to a bundle: clean, tokenize, deduplicate, drop long reviews, split stratified by
//! label, build the vocabulary from the pool only, encode. Pure and deterministic: the same
//! input gives the same bytes on every machine (`cargo xtask data --check` verifies the
//! committed bundle against a fresh preparation).

use std::collections::HashSet;

use super::bundle::{
    self, CITATION, Counts, LabelCounts, MANIFEST_FORMAT, MANIFEST_VERSION, Manifest,
    PrepareParams, REVIEWS_FILE, Review, Source, VOCAB_FILE,
};
use super::tokenizer::{MAX_VOCAB, SPECIALS, Vocabulary, tokenize};
use crate::rng::SplitMix64;

/// A review as it comes from the source: raw text (HTML breaks and all) and its label.
#[derive(Debug, Clone)]
pub struct RawReview {
    pub text: String,
    /// 0 = negative, 1 = positive.
    pub label: u8,
}

/// The three files of a bundle, ready to write.
#[derive(Debug, Clone, PartialEq)]
pub struct PreparedBundle {
    pub manifest: Manifest,
    pub manifest_json: Vec<u8>,
    pub vocab_txt: Vec<u8>,
    pub reviews_bin: Vec<u8>,
}

impl PreparedBundle {
    /// (file name, contents) in the order they are written.
    pub fn files(&self) -> [(&'static str, &[u8]); 3] {
        [
            (bundle::MANIFEST_FILE, &self.manifest_json),
            (VOCAB_FILE, &self.vocab_txt),
            (REVIEWS_FILE, &self.reviews_bin),
        ]
    }
}

pub fn prepare(
    raw: &[RawReview],
    source: Source,
    params: PrepareParams,
) -> Result<PreparedBundle, String> {
    if !(0.0..1.0).contains(&params.test_fraction) {
        return Err(format!(
            "test fraction must be in [0, 1), got {}",
            params.test_fraction
        ));
    }
    if !(SPECIALS.len() + 1..=MAX_VOCAB).contains(&params.vocab_size) {
        return Err(format!(
            "vocabulary size must be between {} and {MAX_VOCAB}, got {}",
            SPECIALS.len() + 1,
            params.vocab_size
        ));
    }
    if params.max_len == 0 || params.max_len > usize::from(u16::MAX) {
        return Err(format!("max length must be between 1 and {}", u16::MAX));
    }
    if let Some(bad) = raw.iter().find(|r| r.label > 1) {
        return Err(format!("label {} is neither 0 nor 1", bad.label));
    }

    // Duplicates are judged on the words the model sees, so that two texts differing only in
    // case or punctuation cannot land one in the pool and one in the test set.
    let mut seen = HashSet::new();
    let unique: Vec<(u8, Vec<String>)> = raw
        .iter()
        .map(|r| (r.label, tokenize(&r.text)))
        .filter(|(_, words)| seen.insert(words.clone()))
        .collect();
    let duplicates_removed = raw.len() - unique.len();
    let kept: Vec<(u8, Vec<String>)> = unique
        .into_iter()
        .filter(|(_, words)| words.len() <= params.max_len)
        .collect();
    let too_long_removed = raw.len() - duplicates_removed - kept.len();

    let (pool, test) = stratified_split(&kept, params.test_fraction, params.seed);
    let vocab = Vocabulary::build(
        pool.iter().map(|&i| kept[i].1.as_slice()),
        params.vocab_size,
    );
    let encode = |indices: &[usize]| -> Vec<Review> {
        indices
            .iter()
            .map(|&i| Review {
                label: kept[i].0,
                ids: vocab.encode(&kept[i].1),
            })
            .collect()
    };
    let (pool, test) = (encode(&pool), encode(&test));
    let vocab_txt = bundle::encode_vocab(&vocab);
    let reviews_bin = bundle::encode_reviews(&pool, &test);
    let manifest = Manifest {
        format: MANIFEST_FORMAT.into(),
        version: MANIFEST_VERSION,
        description: "IMDB movie reviews (aclImdb train split), deduplicated, <br /> removed, reviews longer than max_len words dropped, split into a training pool and a test set stratified by label, word-level vocabulary from the pool. Prepared by `cargo xtask data`.".into(),
        citation: CITATION.into(),
        source,
        params: PrepareParams {
            vocab_size: vocab.len(),
            ..params
        },
        counts: Counts {
            source_reviews: raw.len(),
            duplicates_removed,
            too_long_removed,
            pool: LabelCounts::of(&pool),
            test: LabelCounts::of(&test),
        },
        files: vec![
            bundle::file_entry(VOCAB_FILE, &vocab_txt),
            bundle::file_entry(REVIEWS_FILE, &reviews_bin),
        ],
    };
    let mut manifest_json = serde_json::to_vec_pretty(&manifest).map_err(|e| e.to_string())?;
    manifest_json.push(b'\n');
    Ok(PreparedBundle {
        manifest,
        manifest_json,
        vocab_txt,
        reviews_bin,
    })
}

/// Indices of (pool, test): each label's reviews shuffled by seed, the first
/// `round(test_fraction · count)` of each to the test set; both kept in source order.
fn stratified_split(
    reviews: &[(u8, Vec<String>)],
    test_fraction: f64,
    seed: u64,
) -> (Vec<usize>, Vec<usize>) {
    let mut rng = SplitMix64::for_purpose(seed, "imdb-split");
    let (mut pool, mut test) = (Vec::new(), Vec::new());
    for label in [0, 1] {
        let mut indices: Vec<usize> = (0..reviews.len())
            .filter(|&i| reviews[i].0 == label)
            .collect();
        rng.shuffle(&mut indices);
        let n_test = (indices.len() as f64 * test_fraction).round() as usize;
        test.extend_from_slice(&indices[..n_test]);
        pool.extend_from_slice(&indices[n_test..]);
    }
    pool.sort_unstable();
    test.sort_unstable();
    (pool, test)
}
