//! The bundled IMDB reviews in the browser. The manifest is compiled into the core (the
//! settings need the pool size before anything is downloaded); the reviews themselves (1.2 MB) are fetched
//! from `./data/imdb/` the first time an IMDB run starts, checked against the manifest's
//! SHA-256, and kept for the worker's life.

use std::cell::RefCell;
use std::rc::Rc;

use grokking_lab::data::imdb::ImdbCorpus;

use super::scope;
use crate::protocol::Said;

thread_local! {
    static CORPUS: RefCell<Option<Rc<ImdbCorpus>>> = const { RefCell::new(None) };
}

/// Whether the reviews are already here (no download needed).
pub fn is_loaded() -> bool {
    CORPUS.with_borrow(Option::is_some)
}

/// The reviews, downloaded once per page load; or why not (the page words it).
pub async fn corpus() -> Result<Rc<ImdbCorpus>, Said> {
    if let Some(corpus) = CORPUS.with_borrow(Clone::clone) {
        return Ok(corpus);
    }
    let vocab = fetch_bytes("data/imdb/vocab.txt").await?;
    let reviews = fetch_bytes("data/imdb/reviews.bin").await?;
    let corpus = ImdbCorpus::from_bundled_files(&vocab, &reviews)
        .map_err(|e| Said::ImdbUnusable(e.to_string()))?;
    let corpus = Rc::new(corpus);
    CORPUS.set(Some(corpus.clone()));
    Ok(corpus)
}

async fn fetch_bytes(path: &str) -> Result<Vec<u8>, Said> {
    scope::fetch_bytes(path)
        .await
        .map_err(|why| Said::DownloadFailed {
            path: path.to_owned(),
            why,
        })
}
