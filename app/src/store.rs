//! Finished runs kept in the browser (IndexedDB), so a reload restores them.
//!
//! Values are the run format's JSON text: the same checks as an imported file apply on the
//! way back in, and a corrupt entry is skipped (and reported), never trusted.
//!
//! A write counts once its transaction has committed, not when its request succeeded: a
//! full disk or a quota aborts the transaction *after* the request's success, and that
//! loss must reach the user. Each operation opens, uses and closes its own connection, and
//! a connection closes when another tab upgrades the database, so no tab blocks another.

use std::cell::RefCell;
use std::rc::Rc;

use grokking_lab::config::RunKey;
use grokking_lab::record::{self, Loaded, RunRecord};
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbOpenDbRequest, IdbRequest, IdbTransaction, IdbTransactionMode};

use crate::i18n::Lang;
use crate::tr;

const DATABASE: &str = "grokking-lab";
const STORE: &str = "runs";
const VERSION: u32 = 1;

/// Why the browser's store could not be used, in words a user can act on
/// ([`StoreError::text`]; `Display` is the English).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// The site's storage quota is used up.
    Full,
    /// The browser aborted a write without saying why.
    Aborted,
    /// A request failed without saying why.
    Unknown,
    /// No `window` (not a page).
    NoWindow,
    /// No IndexedDB in this browser.
    Unavailable,
    /// IndexedDB is turned off (private browsing, a setting).
    Disabled,
    CannotOpen,
    NotOpened,
    CannotUse,
    CannotWrite,
    CannotDelete,
    CannotRead,
    /// The browser's own words.
    Browser(String),
}

impl StoreError {
    pub fn text(&self, lang: Lang) -> String {
        match self {
            Self::Full => tr!(lang, "store-full"),
            Self::Aborted => tr!(lang, "store-aborted"),
            Self::Unknown => tr!(lang, "store-unknown-error"),
            Self::NoWindow => tr!(lang, "store-no-window"),
            Self::Unavailable => tr!(lang, "store-unavailable"),
            Self::Disabled => tr!(lang, "store-disabled"),
            Self::CannotOpen => tr!(lang, "store-cannot-open"),
            Self::NotOpened => tr!(lang, "store-not-opened"),
            Self::CannotUse => tr!(lang, "store-cannot-use"),
            Self::CannotWrite => tr!(lang, "store-cannot-write"),
            Self::CannotDelete => tr!(lang, "store-cannot-delete"),
            Self::CannotRead => tr!(lang, "store-cannot-read"),
            Self::Browser(message) => message.clone(),
        }
    }
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

/// A rejected promise's value in words.
fn js_text(error: JsValue) -> String {
    error.as_string().unwrap_or_else(|| format!("{error:?}"))
}

/// What came back from the browser's store.
pub struct Restored {
    pub runs: Vec<RunRecord>,
    /// Entries that could not be read as runs (corrupt or from a newer version).
    pub skipped: usize,
}

/// Resolves with the request's result once it succeeds, or its error.
async fn wait(request: &IdbRequest) -> Result<JsValue, StoreError> {
    let request = request.clone();
    // Why it failed, set by the error handler (the promise carries no Rust value).
    let why: Rc<RefCell<Option<StoreError>>> = Rc::default();
    let promise = Promise::new(&mut |resolve, reject| {
        let done = request.clone();
        let on_success = Closure::once_into_js(move || {
            let _ = resolve.call1(&JsValue::NULL, &done.result().unwrap_or(JsValue::UNDEFINED));
        });
        let failed = request.clone();
        let noted = why.clone();
        let on_error = Closure::once_into_js(move || {
            let error = failed
                .error()
                .ok()
                .flatten()
                .map_or(StoreError::Unknown, |e| StoreError::Browser(e.message()));
            noted.replace(Some(error));
            let _ = reject.call0(&JsValue::NULL);
        });
        request.set_onsuccess(Some(on_success.unchecked_ref()));
        request.set_onerror(Some(on_error.unchecked_ref()));
    });
    JsFuture::from(promise).await.map_err(|e| {
        why.take()
            .unwrap_or_else(|| StoreError::Browser(js_text(e)))
    })
}

/// Resolves when `transaction` has committed; rejects with why it aborted (a quota, a full
/// disk) in words a user can act on.
async fn committed(transaction: &IdbTransaction) -> Result<(), StoreError> {
    let transaction = transaction.clone();
    let why: Rc<RefCell<Option<StoreError>>> = Rc::default();
    let promise = Promise::new(&mut |resolve, reject| {
        let on_complete = Closure::once_into_js(move || {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let failed = transaction.clone();
        let noted = why.clone();
        let on_abort = Closure::once_into_js(move || {
            let error = match failed.error() {
                Some(error) if error.name() == "QuotaExceededError" => StoreError::Full,
                Some(error) => {
                    StoreError::Browser(format!("{}: {}", error.name(), error.message()))
                }
                None => StoreError::Aborted,
            };
            noted.replace(Some(error));
            let _ = reject.call0(&JsValue::NULL);
        });
        transaction.set_oncomplete(Some(on_complete.unchecked_ref()));
        // An error that aborts the transaction fires `abort` after it: listen to that once.
        transaction.set_onabort(Some(on_abort.unchecked_ref()));
    });
    JsFuture::from(promise).await.map(|_| ()).map_err(|e| {
        why.take()
            .unwrap_or_else(|| StoreError::Browser(js_text(e)))
    })
}

async fn open() -> Result<IdbDatabase, StoreError> {
    let factory = web_sys::window()
        .ok_or(StoreError::NoWindow)?
        .indexed_db()
        .map_err(|_| StoreError::Unavailable)?
        .ok_or(StoreError::Disabled)?;
    let request: IdbOpenDbRequest = factory
        .open_with_u32(DATABASE, VERSION)
        .map_err(|_| StoreError::CannotOpen)?;
    let upgrade = request.clone();
    let on_upgrade = Closure::once_into_js(move || {
        if let Ok(result) = upgrade.result()
            && let Ok(db) = result.dyn_into::<IdbDatabase>()
            && !db.object_store_names().contains(STORE)
        {
            let _ = db.create_object_store(STORE);
        }
    });
    request.set_onupgradeneeded(Some(on_upgrade.unchecked_ref()));
    // Another tab of an older lab holds the database open and did not let go.
    let on_blocked = Closure::once_into_js(|| {
        web_sys::console::warn_1(
            &"the lab's database waits for another tab of the lab to close".into(),
        );
    });
    request.set_onblocked(Some(on_blocked.unchecked_ref()));
    let db = wait(&request)
        .await?
        .dyn_into::<IdbDatabase>()
        .map_err(|_| StoreError::NotOpened)?;
    // A newer lab in another tab wants to upgrade: let it.
    let closing = db.clone();
    let on_version_change = Closure::once_into_js(move || closing.close());
    db.set_onversionchange(Some(on_version_change.unchecked_ref()));
    Ok(db)
}

fn transaction(db: &IdbDatabase, mode: IdbTransactionMode) -> Result<IdbTransaction, StoreError> {
    db.transaction_with_str_and_mode(STORE, mode)
        .map_err(|_| StoreError::CannotUse)
}

fn runs_of(transaction: &IdbTransaction) -> Result<web_sys::IdbObjectStore, StoreError> {
    transaction
        .object_store(STORE)
        .map_err(|_| StoreError::CannotUse)
}

/// Runs `work` on one connection and closes it, whatever the outcome.
async fn with_db<T>(
    work: impl AsyncFnOnce(&IdbDatabase) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let db = open().await?;
    let result = work(&db).await;
    db.close();
    result
}

pub async fn save(run: &RunRecord) -> Result<(), StoreError> {
    let json = record::to_json(run);
    let key = run.config.key();
    with_db(async |db| {
        let tx = transaction(db, IdbTransactionMode::Readwrite)?;
        runs_of(&tx)?
            .put_with_key(&JsValue::from_str(&json), &JsValue::from_str(key.as_str()))
            .map_err(|_| StoreError::CannotWrite)?;
        committed(&tx).await
    })
    .await
}

pub async fn delete(keys: &[RunKey]) -> Result<(), StoreError> {
    with_db(async |db| {
        let tx = transaction(db, IdbTransactionMode::Readwrite)?;
        let runs = runs_of(&tx)?;
        for key in keys {
            runs.delete(&JsValue::from_str(key.as_str()))
                .map_err(|_| StoreError::CannotDelete)?;
        }
        committed(&tx).await
    })
    .await
}

pub async fn load_all() -> Result<Restored, StoreError> {
    let values: js_sys::Array = with_db(async |db| {
        let tx = transaction(db, IdbTransactionMode::Readonly)?;
        let request = runs_of(&tx)?
            .get_all()
            .map_err(|_| StoreError::CannotRead)?;
        Ok(wait(&request).await?.unchecked_into())
    })
    .await?;
    let mut restored = Restored {
        runs: Vec::new(),
        skipped: 0,
    };
    for value in values.iter() {
        match value.as_string().map(|json| record::load(&json)) {
            Some(Ok(Loaded::Run(run))) => restored.runs.push(*run),
            _ => restored.skipped += 1,
        }
    }
    Ok(restored)
}

/// Asks the browser to keep the lab's storage under pressure (not to evict saved runs with
/// other sites' caches). Best effort: browsers may say no, and older ones cannot be asked.
pub async fn ask_to_persist() {
    let Some(storage) = web_sys::window().map(|w| w.navigator().storage()) else {
        return;
    };
    let Ok(promise) = storage.persist() else {
        return;
    };
    if let Ok(granted) = JsFuture::from(promise).await
        && granted.as_bool() == Some(false)
    {
        web_sys::console::info_1(
            &"the browser keeps the lab's saved runs only while it has room (persistence not granted)"
                .into(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_store_is_said_in_english_and_in_chinese() {
        // The browser tests read this English in the notice.
        assert_eq!(
            StoreError::Full.to_string(),
            "the browser's storage for this site is full"
        );
        assert!(StoreError::Full.text(Lang::Zh).contains("存储"));
        let browser = StoreError::Browser("UnknownError: disk".into());
        assert_eq!(browser.text(Lang::Zh), "UnknownError: disk");
    }
}
