//! Browser hints that connectivity may have changed: the `online` event and the
//! page becoming visible again (`visibilitychange`). Both only *hint*: the session
//! decides what to do (reconnect now if waiting, probe with PINGREQ if connected).
//! Works in a page and in a Web Worker (where there is no document).

use std::fmt;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::EventTarget;

/// Listeners on the global object (and the document, in a page); removed on drop.
pub struct NetworkHints {
    global: EventTarget,
    document: Option<web_sys::Document>,
    on_online: Closure<dyn FnMut()>,
    on_visible: Closure<dyn FnMut()>,
}

impl fmt::Debug for NetworkHints {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NetworkHints")
            .field("page", &self.document.is_some())
            .finish()
    }
}

impl NetworkHints {
    /// Calls `hint` on `online` and when the page becomes visible.
    pub fn new(hint: impl Fn() + Clone + 'static) -> Option<Self> {
        let global: EventTarget = js_sys::global().dyn_into().ok()?;
        let document = web_sys::window().and_then(|w| w.document());
        let on_online = Closure::<dyn FnMut()>::new({
            let hint = hint.clone();
            move || hint()
        });
        let doc = document.clone();
        let on_visible = Closure::<dyn FnMut()>::new(move || {
            if doc
                .as_ref()
                .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Visible)
            {
                hint();
            }
        });
        let _ =
            global.add_event_listener_with_callback("online", on_online.as_ref().unchecked_ref());
        if let Some(d) = &document {
            let _ = d.add_event_listener_with_callback(
                "visibilitychange",
                on_visible.as_ref().unchecked_ref(),
            );
        }
        Some(Self {
            global,
            document,
            on_online,
            on_visible,
        })
    }
}

impl Drop for NetworkHints {
    fn drop(&mut self) {
        let _ = self
            .global
            .remove_event_listener_with_callback("online", self.on_online.as_ref().unchecked_ref());
        if let Some(d) = &self.document {
            let _ = d.remove_event_listener_with_callback(
                "visibilitychange",
                self.on_visible.as_ref().unchecked_ref(),
            );
        }
    }
}
