//! Finished runs kept in the browser (IndexedDB), so a reload restores them.
//!
//! Values are the run format's JSON text: the same checks as an imported file apply on the
//! way back in, and a corrupt entry is skipped (and reported), never trusted.
//!
//! A write counts once its transaction has committed, not when its request succeeded: a
//! full disk or a quota aborts the transaction *after* the request's success, and that
//! loss must reach the user. Each operation opens, uses and closes its own connection, and
//! a connection closes when another tab upgrades the database, so no tab blocks another.

use grokking_lab::config::RunKey;
use grokking_lab::record::{self, Loaded, RunRecord};
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbOpenDbRequest, IdbRequest, IdbTransaction, IdbTransactionMode};

const DATABASE: &str = "grokking-lab";
const STORE: &str = "runs";
const VERSION: u32 = 1;

/// What came back from the browser's store.
pub struct Restored {
    pub runs: Vec<RunRecord>,
    /// Entries that could not be read as runs (corrupt or from a newer version).
    pub skipped: usize,
}

/// Resolves with the request's result once it succeeds, or its error.
async fn wait(request: &IdbRequest) -> Result<JsValue, String> {
    let request = request.clone();
    let promise = Promise::new(&mut |resolve, reject| {
        let done = request.clone();
        let on_success = Closure::once_into_js(move || {
            let _ = resolve.call1(&JsValue::NULL, &done.result().unwrap_or(JsValue::UNDEFINED));
        });
        let failed = request.clone();
        let on_error = Closure::once_into_js(move || {
            let message = failed
                .error()
                .ok()
                .flatten()
                .map_or_else(|| "unknown IndexedDB error".to_owned(), |e| e.message());
            let _ = reject.call1(&JsValue::NULL, &JsValue::from_str(&message));
        });
        request.set_onsuccess(Some(on_success.unchecked_ref()));
        request.set_onerror(Some(on_error.unchecked_ref()));
    });
    JsFuture::from(promise)
        .await
        .map_err(|e| e.as_string().unwrap_or_else(|| format!("{e:?}")))
}

/// Resolves when `transaction` has committed; rejects with why it aborted (a quota, a full
/// disk) in words a user can act on.
async fn committed(transaction: &IdbTransaction) -> Result<(), String> {
    let transaction = transaction.clone();
    let promise = Promise::new(&mut |resolve, reject| {
        let on_complete = Closure::once_into_js(move || {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let failed = transaction.clone();
        let on_abort = Closure::once_into_js(move || {
            let message = match failed.error() {
                Some(error) if error.name() == "QuotaExceededError" => {
                    "the browser's storage for this site is full".to_owned()
                }
                Some(error) => format!("{}: {}", error.name(), error.message()),
                None => "the browser aborted the write".to_owned(),
            };
            let _ = reject.call1(&JsValue::NULL, &JsValue::from_str(&message));
        });
        transaction.set_oncomplete(Some(on_complete.unchecked_ref()));
        // An error that aborts the transaction fires `abort` after it: listen to that once.
        transaction.set_onabort(Some(on_abort.unchecked_ref()));
    });
    JsFuture::from(promise)
        .await
        .map(|_| ())
        .map_err(|e| e.as_string().unwrap_or_else(|| format!("{e:?}")))
}

async fn open() -> Result<IdbDatabase, String> {
    let factory = web_sys::window()
        .ok_or("no window")?
        .indexed_db()
        .map_err(|_| "IndexedDB is not available".to_owned())?
        .ok_or("IndexedDB is disabled in this browser")?;
    let request: IdbOpenDbRequest = factory
        .open_with_u32(DATABASE, VERSION)
        .map_err(|_| "cannot open the lab's database".to_owned())?;
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
        .map_err(|_| "the database did not open".to_owned())?;
    // A newer lab in another tab wants to upgrade: let it.
    let closing = db.clone();
    let on_version_change = Closure::once_into_js(move || closing.close());
    db.set_onversionchange(Some(on_version_change.unchecked_ref()));
    Ok(db)
}

fn transaction(db: &IdbDatabase, mode: IdbTransactionMode) -> Result<IdbTransaction, String> {
    db.transaction_with_str_and_mode(STORE, mode)
        .map_err(|_| "cannot use the runs store".to_owned())
}

fn runs_of(transaction: &IdbTransaction) -> Result<web_sys::IdbObjectStore, String> {
    transaction
        .object_store(STORE)
        .map_err(|_| "cannot use the runs store".to_owned())
}

/// Runs `work` on one connection and closes it, whatever the outcome.
async fn with_db<T>(
    work: impl AsyncFnOnce(&IdbDatabase) -> Result<T, String>,
) -> Result<T, String> {
    let db = open().await?;
    let result = work(&db).await;
    db.close();
    result
}

pub async fn save(run: &RunRecord) -> Result<(), String> {
    let json = record::to_json(run);
    let key = run.config.key();
    with_db(async |db| {
        let tx = transaction(db, IdbTransactionMode::Readwrite)?;
        runs_of(&tx)?
            .put_with_key(&JsValue::from_str(&json), &JsValue::from_str(key.as_str()))
            .map_err(|_| "cannot write the run".to_owned())?;
        committed(&tx).await
    })
    .await
}

pub async fn delete(keys: &[RunKey]) -> Result<(), String> {
    with_db(async |db| {
        let tx = transaction(db, IdbTransactionMode::Readwrite)?;
        let runs = runs_of(&tx)?;
        for key in keys {
            runs.delete(&JsValue::from_str(key.as_str()))
                .map_err(|_| "cannot delete a run".to_owned())?;
        }
        committed(&tx).await
    })
    .await
}

pub async fn load_all() -> Result<Restored, String> {
    let values: js_sys::Array = with_db(async |db| {
        let tx = transaction(db, IdbTransactionMode::Readonly)?;
        let request = runs_of(&tx)?
            .get_all()
            .map_err(|_| "cannot read the runs".to_owned())?;
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
