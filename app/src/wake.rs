//! A screen wake lock while training: a projector must not go dark mid-demo. The browser
//! drops the lock when the tab is hidden; it is asked for again when the tab comes back.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Promise, Reflect};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::state::Lab;

/// Whether the lab holds the screen awake, as `#perf[data-wake-lock]` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WakeLock {
    Held,
    Released,
    /// The browser refused or has no Screen Wake Lock API.
    Unavailable,
}

impl WakeLock {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Held => "held",
            Self::Released => "released",
            Self::Unavailable => "unavailable",
        }
    }
}

/// Holds the screen awake whenever the lab is playing; reports the lock's state in `state`.
pub fn keep_awake_while_playing(lab: Lab, state: RwSignal<WakeLock>) {
    let sentinel: Rc<RefCell<Option<JsValue>>> = Rc::default();
    let held = sentinel.clone();
    Effect::new(move |_| {
        let playing = lab.playing.get();
        let sentinel = held.clone();
        leptos::task::spawn_local(async move { apply(playing, &sentinel, state).await });
    });
    let on_visible = Closure::<dyn FnMut()>::new(move || {
        let sentinel = sentinel.clone();
        let playing = lab.playing.get_untracked();
        leptos::task::spawn_local(async move { apply(playing, &sentinel, state).await });
    });
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_onvisibilitychange(Some(on_visible.as_ref().unchecked_ref()));
    }
    on_visible.forget();
}

async fn apply(playing: bool, sentinel: &RefCell<Option<JsValue>>, state: RwSignal<WakeLock>) {
    let visible = web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Visible);
    let live = sentinel
        .borrow()
        .as_ref()
        .is_some_and(|s| Reflect::get(s, &"released".into()).ok() == Some(JsValue::FALSE));
    if playing && visible && !live {
        match request().await {
            Ok(lock) => {
                sentinel.replace(Some(lock));
                state.set(WakeLock::Held);
            }
            Err(()) => state.set(WakeLock::Unavailable),
        }
    } else if !playing {
        if let Some(lock) = sentinel.take() {
            let release = Reflect::get(&lock, &"release".into())
                .ok()
                .and_then(|f| f.dyn_into::<Function>().ok());
            if let Some(release) = release {
                let _ = release.call0(&lock);
            }
        }
        if state.get_untracked() == WakeLock::Held {
            state.set(WakeLock::Released);
        }
    }
}

/// `navigator.wakeLock.request("screen")`.
async fn request() -> Result<JsValue, ()> {
    let navigator = web_sys::window().ok_or(())?.navigator();
    let wake_lock = Reflect::get(&navigator, &"wakeLock".into()).map_err(|_| ())?;
    let request: Function = Reflect::get(&wake_lock, &"request".into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or(())?;
    let promise: Promise = request
        .call1(&wake_lock, &"screen".into())
        .ok()
        .and_then(|p| p.dyn_into().ok())
        .ok_or(())?;
    JsFuture::from(promise).await.map_err(|_| ())
}
