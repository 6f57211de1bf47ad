//! A panic in wasm kills the module: show the user what happened instead of a frozen page.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show(&format!(
            "The lab stopped unexpectedly: {info}. Finished runs are saved in this browser; reload the page to continue."
        ));
    }));
}

/// Writes a full-width banner with plain DOM calls (the reactive runtime may be gone).
pub fn show(message: &str) {
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
        button.set_text_content(Some("Reload"));
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
