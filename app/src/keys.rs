//! Keyboard shortcuts for the front of a classroom: space plays and pauses, ← and → move
//! the slider, 1–6 pick a preset, P toggles the projector mode (Escape leaves it).
//!
//! Keys typed into a field or a select keep their own meaning, as do space on a focused
//! button (it presses it) and the arrows on the focused slider (it moves itself).

use grokking_lab::presets;
use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::state::Lab;

/// What a key press asks of the lab.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shortcut {
    PlayPause,
    Slider(isize),
    Preset(usize),
    TogglePresent,
    LeavePresent,
}

/// The shortcut a key (as `KeyboardEvent.key` names it) stands for.
pub fn shortcut(key: &str) -> Option<Shortcut> {
    match key {
        " " | "Spacebar" => Some(Shortcut::PlayPause),
        "ArrowLeft" => Some(Shortcut::Slider(-1)),
        "ArrowRight" => Some(Shortcut::Slider(1)),
        "p" | "P" => Some(Shortcut::TogglePresent),
        "Escape" => Some(Shortcut::LeavePresent),
        _ => {
            let digit = key.parse::<usize>().ok()?;
            (1..=presets::ALL.len())
                .contains(&digit)
                .then(|| Shortcut::Preset(digit - 1))
        }
    }
}

/// Whether the key keeps its own meaning on the element it was typed on: every key in a
/// text field or select, the arrows on the slider (it moves itself), space on a button or
/// link (it presses it).
fn belongs_to_target(event: &web_sys::KeyboardEvent, shortcut: Shortcut) -> bool {
    let Some(element) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return false;
    };
    if element.has_attribute("contenteditable") {
        return true;
    }
    match element.tag_name().to_ascii_lowercase().as_str() {
        "select" | "textarea" => true,
        "input" => match element.get_attribute("type").as_deref() {
            Some("range") => matches!(shortcut, Shortcut::Slider(_)),
            Some("checkbox" | "radio" | "button" | "submit") => shortcut == Shortcut::PlayPause,
            _ => true,
        },
        "button" | "summary" | "a" => shortcut == Shortcut::PlayPause,
        _ => false,
    }
}

impl Lab {
    pub fn apply(&self, shortcut: Shortcut) {
        match shortcut {
            Shortcut::PlayPause => {
                // As the ▶ Train button: not while training is halted or no device is up.
                let ready = self.halted.get_untracked().is_none()
                    && self.device.with_untracked(Option::is_some);
                if ready {
                    self.toggle_playing();
                }
            }
            Shortcut::Slider(by) => self.move_slider(by),
            Shortcut::Preset(index) => self.choose_preset(presets::ALL[index]),
            Shortcut::TogglePresent => self.present.update(|p| *p = !*p),
            Shortcut::LeavePresent => self.present.set(false),
        }
    }
}

/// Listens for the shortcuts on the whole page.
pub fn listen(lab: Lab) {
    let handle = window_event_listener(ev::keydown, move |event| {
        let modified = event.ctrl_key() || event.meta_key() || event.alt_key();
        if modified || event.repeat() {
            return;
        }
        if let Some(shortcut) = shortcut(&event.key())
            && !belongs_to_target(&event, shortcut)
        {
            event.prevent_default();
            lab.apply(shortcut);
        }
    });
    // The page lives as long as the tab.
    std::mem::forget(handle);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_classroom_keys_map_to_their_shortcuts() {
        assert_eq!(shortcut(" "), Some(Shortcut::PlayPause));
        assert_eq!(shortcut("ArrowLeft"), Some(Shortcut::Slider(-1)));
        assert_eq!(shortcut("ArrowRight"), Some(Shortcut::Slider(1)));
        assert_eq!(shortcut("1"), Some(Shortcut::Preset(0)));
        assert_eq!(shortcut("6"), Some(Shortcut::Preset(5)));
        assert_eq!(shortcut("P"), Some(Shortcut::TogglePresent));
    }

    #[test]
    fn keys_without_a_shortcut_are_left_alone() {
        for key in ["0", "7", "a", "Enter", "Tab", "ArrowUp", "12"] {
            assert_eq!(shortcut(key), None, "{key}");
        }
    }
}
