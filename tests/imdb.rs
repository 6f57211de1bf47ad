//! The IMDB bundle, its preparation and the datasets built from it.

use crate::common;

use common::bundled_imdb;
use grokking_lab::config::{ImdbConfig, Subsets};
use grokking_lab::data::imdb::ImdbCorpus;
use grokking_lab::data::imdb::bundle::{
    self, BundleError, PrepareParams, Review, Source, sha256_hex,
};
use grokking_lab::data::imdb::prepare::{PreparedBundle, RawReview, prepare};
use grokking_lab::data::imdb::tokenizer::{CLS, PAD, UNK, tokenize};

fn source() -> Source {
    Source {
        package: "test".into(),
        url: "file:test".into(),
        sha256: "0".into(),
        file: "test.csv".into(),
        rows: "all".into(),
    }
}

fn params(vocab_size: usize, max_len: usize) -> PrepareParams {
    PrepareParams {
        seed: 7,
        vocab_size,
        max_len,
        test_fraction: 0.25,
    }
}

/// Loads a freshly prepared bundle as the lab and the CLI load the committed one.
fn load(prepared: &PreparedBundle) -> ImdbCorpus {
    ImdbCorpus::from_bundle(
        &prepared.manifest_json,
        &prepared.vocab_txt,
        &prepared.reviews_bin,
    )
    .unwrap()
}

/// 80 short reviews, half of each label, with some duplicates and long ones.
fn raw_reviews() -> Vec<RawReview> {
    let mut reviews: Vec<RawReview> = (0..80)
        .map(|i| RawReview {
            text: if i % 2 == 0 {
                format!("A great<br />film number {i}, loved it!")
            } else {
                format!("A dull film number {i}. Boring?")
            },
            label: (i % 2 == 0) as u8,
        })
        .collect();
    reviews.push(reviews[3].clone()); // a duplicate text
    reviews.push(RawReview {
        text: "word ".repeat(50),
        label: 1,
    });
    reviews
}

#[test]
fn preparation_is_deterministic_byte_for_byte() {
    let a = prepare(&raw_reviews(), source(), params(30, 10)).unwrap();
    let b = prepare(&raw_reviews(), source(), params(30, 10)).unwrap();
    assert_eq!(a.files(), b.files());
    let other_seed = prepare(
        &raw_reviews(),
        source(),
        PrepareParams {
            seed: 8,
            ..params(30, 10)
        },
    )
    .unwrap();
    assert_ne!(a.reviews_bin, other_seed.reviews_bin);
}

#[test]
fn preparation_deduplicates_drops_long_reviews_and_stratifies() {
    let prepared = prepare(&raw_reviews(), source(), params(30, 10)).unwrap();
    let counts = &prepared.manifest.counts;
    assert_eq!(counts.source_reviews, 82);
    assert_eq!(counts.duplicates_removed, 1);
    assert_eq!(counts.too_long_removed, 1);
    assert_eq!((counts.test.negative, counts.test.positive), (10, 10));
    assert_eq!((counts.pool.negative, counts.pool.positive), (30, 30));
    let corpus = load(&prepared);
    assert_eq!(corpus.pool.len() + corpus.test.len(), 80);
}

#[test]
fn pool_and_test_are_disjoint_and_the_vocabulary_comes_from_the_pool_only() {
    let prepared = prepare(&raw_reviews(), source(), params(200, 10)).unwrap();
    let corpus = load(&prepared);
    // Each review has its own number (its 5th word). The pool's numbers are all known words,
    // each seen once; the test set's are all unknown: none of them occurs in the pool.
    let number = |r: &Review| r.ids[4];
    let pool: std::collections::HashSet<u16> = corpus.pool.iter().map(number).collect();
    assert_eq!(pool.len(), corpus.pool.len());
    assert!(!pool.contains(&UNK));
    assert!(corpus.test.iter().all(|r| number(r) == UNK));
    assert_ne!(corpus.vocabulary.id("great"), UNK);
}

#[test]
fn tokenizer_and_bundle_round_trip() {
    let prepared = prepare(&raw_reviews(), source(), params(200, 10)).unwrap();
    let corpus = load(&prepared);
    // Pool words are all in the vocabulary: decoding and re-tokenizing gives the ids back.
    for review in &corpus.pool {
        let text = corpus.vocabulary.decode(&review.ids);
        assert_eq!(
            corpus.vocabulary.encode(&tokenize(&text)),
            review.ids,
            "{text}"
        );
    }
    assert_eq!(
        tokenize("A great<br />film, loved it!"),
        ["a", "great", "film", "loved", "it", "!"]
    );
    assert_eq!(
        bundle::encode_reviews(&corpus.pool, &corpus.test),
        prepared.reviews_bin
    );
}

#[test]
fn corrupt_bundles_are_refused_with_a_reason() {
    let prepared = prepare(&raw_reviews(), source(), params(30, 10)).unwrap();
    let load = |manifest: &[u8], vocab: &[u8], reviews: &[u8]| {
        ImdbCorpus::from_bundle(manifest, vocab, reviews).unwrap_err()
    };
    let mut flipped = prepared.reviews_bin.clone();
    flipped[20] ^= 1;
    assert_eq!(
        load(&prepared.manifest_json, &prepared.vocab_txt, &flipped),
        BundleError::Checksum {
            file: "reviews.bin".into()
        }
    );
    let truncated = &prepared.reviews_bin[..prepared.reviews_bin.len() - 3];
    assert!(matches!(
        load(&prepared.manifest_json, &prepared.vocab_txt, truncated),
        BundleError::Checksum { .. }
    ));
    assert!(matches!(
        load(b"{not json", &prepared.vocab_txt, &prepared.reviews_bin),
        BundleError::Manifest(_)
    ));
    // A truncated file whose manifest was edited to match still cannot be read.
    assert!(matches!(
        bundle::decode_reviews(truncated),
        Err(BundleError::Malformed(_))
    ));
}

#[test]
fn the_committed_bundle_matches_its_manifest() {
    let corpus = bundled_imdb();
    let manifest = &corpus.manifest;
    assert_eq!(
        manifest.source.sha256,
        "0f16a3b41331828adbb12ea41c2ac67e20edc8eca7430efd5ab4dfb0a15d3a97"
    );
    assert!(manifest.citation.contains("Maas"));
    assert_eq!(corpus.pool.len(), manifest.counts.pool.total());
    assert_eq!(corpus.test.len(), manifest.counts.test.total());
    assert_eq!(
        manifest.counts.source_reviews,
        corpus.pool.len()
            + corpus.test.len()
            + manifest.counts.duplicates_removed
            + manifest.counts.too_long_removed
    );
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("public/data/imdb");
    for file in &manifest.files {
        let bytes = std::fs::read(dir.join(&file.name)).unwrap();
        assert_eq!(
            (bytes.len(), sha256_hex(&bytes)),
            (file.bytes, file.sha256.clone())
        );
    }
    // The test share is 25 % and both sides have the same label balance (stratified).
    let share = |c: bundle::LabelCounts| c.positive as f64 / c.total() as f64;
    assert!((share(manifest.counts.pool) - share(manifest.counts.test)).abs() < 0.01);
    let test_share = corpus.test.len() as f64 / (corpus.pool.len() + corpus.test.len()) as f64;
    assert!((test_share - 0.25).abs() < 0.001, "{test_share}");
}

#[test]
fn bundled_pool_and_test_share_no_review() {
    let corpus = bundled_imdb();
    let pool: std::collections::HashSet<&Vec<u16>> = corpus.pool.iter().map(|r| &r.ids).collect();
    let shared = corpus.test.iter().filter(|r| pool.contains(&r.ids)).count();
    assert_eq!(shared, 0);
}

#[test]
fn datasets_are_cls_words_padding_with_a_vocabulary_cut() {
    let corpus = bundled_imdb();
    let config = ImdbConfig {
        train_size: 50,
        max_len: 16,
        vocab_size: 100,
        test_size: Some(30),
    };
    let data = corpus.dataset(&config, Subsets::Nested, 3, 3).unwrap();
    assert_eq!((data.train.len(), data.test.len()), (50, 30));
    assert_eq!(data.train.seq_len, 17);
    assert_eq!((data.vocab_size, data.n_classes), (100, 2));
    for i in 0..data.train.len() {
        let sequence = data.train.sequence(i);
        assert_eq!(sequence[0], u32::from(CLS));
        assert!(
            sequence[1..]
                .iter()
                .all(|&t| t < 100 && t != u32::from(CLS))
        );
        // Padding only at the end.
        let words = sequence[1..]
            .iter()
            .take_while(|&&t| t != u32::from(PAD))
            .count();
        assert!(sequence[1 + words..].iter().all(|&t| t == u32::from(PAD)));
    }
    // The same seed draws the same reviews; a larger N contains the smaller one.
    let larger = corpus
        .dataset(
            &ImdbConfig {
                train_size: 80,
                ..config.clone()
            },
            Subsets::Nested,
            3,
            3,
        )
        .unwrap();
    assert_eq!(data.train.tokens[..], larger.train.tokens[..50 * 17]);
    assert_eq!(
        data,
        corpus.dataset(&config, Subsets::Nested, 3, 3).unwrap()
    );
    assert_ne!(
        data.train,
        corpus
            .dataset(&config, Subsets::Nested, 4, 4)
            .unwrap()
            .train
    );
}

#[test]
fn settings_beyond_the_bundle_are_errors() {
    let corpus = bundled_imdb();
    let config = ImdbConfig {
        train_size: corpus.pool.len() + 1,
        max_len: 16,
        vocab_size: 100,
        test_size: None,
    };
    assert!(
        corpus
            .check(&config)
            .unwrap_err()
            .to_string()
            .contains("training pool")
    );
    let too_long = ImdbConfig {
        train_size: 10,
        max_len: corpus.max_len() + 1,
        ..config.clone()
    };
    assert!(
        corpus
            .check(&too_long)
            .unwrap_err()
            .to_string()
            .starts_with("review length")
    );
    let too_many_words = ImdbConfig {
        train_size: 10,
        vocab_size: corpus.vocab_size() + 1,
        ..config
    };
    assert!(corpus.check(&too_many_words).is_err());
}
