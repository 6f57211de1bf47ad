//! Finished runs kept in the browser (IndexedDB), so a reload restores them.
//!
//! Values are the run format's JSON text: the same checks as an imported file apply on the
//! way back in, and a corrupt entry is skipped (and reported), never trusted.

use grokking_lab::config::RunKey;
use grokking_lab::record::{self, Loaded, RunRecord};
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbOpenDbRequest, IdbRequest, IdbTransactionMode};

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
    wait(&request)
        .await?
        .dyn_into::<IdbDatabase>()
        .map_err(|_| "the database did not open".to_owned())
}

fn store(db: &IdbDatabase, mode: IdbTransactionMode) -> Result<web_sys::IdbObjectStore, String> {
    db.transaction_with_str_and_mode(STORE, mode)
        .and_then(|tx| tx.object_store(STORE))
        .map_err(|_| "cannot use the runs store".to_owned())
}

pub async fn save(run: &RunRecord) -> Result<(), String> {
    let db = open().await?;
    let json = record::to_json(run);
    let request = store(&db, IdbTransactionMode::Readwrite)?
        .put_with_key(
            &JsValue::from_str(&json),
            &JsValue::from_str(run.config.key().as_str()),
        )
        .map_err(|_| "cannot write the run".to_owned())?;
    wait(&request).await.map(|_| ())
}

pub async fn delete(keys: &[RunKey]) -> Result<(), String> {
    let db = open().await?;
    let runs = store(&db, IdbTransactionMode::Readwrite)?;
    for key in keys {
        let request = runs
            .delete(&JsValue::from_str(key.as_str()))
            .map_err(|_| "cannot delete a run".to_owned())?;
        wait(&request).await?;
    }
    Ok(())
}

pub async fn load_all() -> Result<Restored, String> {
    let db = open().await?;
    let request = store(&db, IdbTransactionMode::Readonly)?
        .get_all()
        .map_err(|_| "cannot read the runs".to_owned())?;
    let values: js_sys::Array = wait(&request).await?.unchecked_into();
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
