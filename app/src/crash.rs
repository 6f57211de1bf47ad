//! A panic in wasm kills the module: show the user what happened instead of a frozen page.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use crate::i18n::Lang;
use crate::tr;

pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        let lang = page_lang();
        let error = info.to_string();
        show(lang, &tr!(lang, "halted-crash", error = error));
    }));
}

/// The page's language as `<html lang>` says it (the reactive state may be gone).
fn page_lang() -> Lang {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|root| root.get_attribute("lang"))
        .and_then(|code| Lang::from_code(&code))
        .unwrap_or_default()
}

/// Writes a full-width banner with plain DOM calls (the reactive runtime may be gone); its
/// button is labelled in `lang`.
pub fn show(lang: Lang, message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = document.body() else { return };
    let Ok(banner) = document.create_element("div") else {
        return;
    };
    banner.set_id("crash");
    banner.set_attribute("role", "alert").ok();
    banner.set_text_content(Some(message));
    if let Ok(button) = document.create_element("button") {
        button.set_text_content(Some(&tr!(lang, "halted-reload")));
        // A listener, not an inline `onclick`: the site's Content-Security-Policy allows
        // no inline handlers.
        let reload = Closure::<dyn FnMut()>::new(|| {
            if let Some(window) = web_sys::window() {
                let _ = window.location().reload();
            }
        });
        button
            .add_event_listener_with_callback("click", reload.as_ref().unchecked_ref())
            .ok();
        // The banner lives as long as the page.
        reload.forget();
        banner.append_child(&button).ok();
    }
    if let Some(existing) = document.get_element_by_id("crash") {
        existing.remove();
    }
    body.prepend_with_node_1(banner.unchecked_ref()).ok();
}
