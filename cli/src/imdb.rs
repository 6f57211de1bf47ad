//! The IMDB review bundle, compiled into the binary so `--task imdb` works from anywhere.

use std::sync::OnceLock;

use grokking_lab::data::imdb::ImdbCorpus;

macro_rules! bundle_file {
    ($name:literal) => {
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../public/data/imdb/",
            $name
        ))
    };
}

/// The bundle in `public/data/imdb/` as it was when this binary was built.
pub fn bundled_corpus() -> &'static ImdbCorpus {
    static CORPUS: OnceLock<ImdbCorpus> = OnceLock::new();
    CORPUS.get_or_init(|| {
        // The manifest is the core's (compiled in there); the reviews are the binary's.
        ImdbCorpus::from_bundled_files(bundle_file!("vocab.txt"), bundle_file!("reviews.bin"))
            // Built from files checked by the tests; failing here is a broken build.
            .expect("the IMDB bundle compiled into this binary is valid")
    })
}
