//! One owned `setTimeout`, a next-task scheduler and the page's monotonic clock; all work in a page
//! and in a Web Worker (they are looked up on the global object).

use std::fmt;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &js_sys::Function, ms: i32) -> i32;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: i32);
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

/// Milliseconds of the global monotonic clock (`performance.now()`).
pub fn now_ms() -> u64 {
    performance_now() as u64
}

/// A pending `setTimeout`; dropping it cancels the call and frees the closure.
pub struct Timeout {
    id: i32,
    _closure: Closure<dyn FnMut()>,
}

impl fmt::Debug for Timeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Timeout").field("id", &self.id).finish()
    }
}

impl Timeout {
    /// Calls `f` once after `ms` milliseconds unless dropped first.
    pub fn new(ms: u32, f: impl FnOnce() + 'static) -> Self {
        let mut f = Some(f);
        let closure = Closure::<dyn FnMut()>::new(move || {
            if let Some(f) = f.take() {
                f();
            }
        });
        let ms = i32::try_from(ms).unwrap_or(i32::MAX);
        let id = set_timeout(closure.as_ref().unchecked_ref(), ms);
        Self {
            id,
            _closure: closure,
        }
    }
}

impl Drop for Timeout {
    fn drop(&mut self) {
        clear_timeout(self.id);
    }
}

#[wasm_bindgen]
extern "C" {
    type MessageChannel;
    #[wasm_bindgen(constructor)]
    fn new() -> MessageChannel;
    #[wasm_bindgen(method, getter)]
    fn port1(this: &MessageChannel) -> MessagePort;
    #[wasm_bindgen(method, getter)]
    fn port2(this: &MessageChannel) -> MessagePort;

    type MessagePort;
    #[wasm_bindgen(method, setter)]
    fn set_onmessage(this: &MessagePort, f: Option<&js_sys::Function>);
    #[wasm_bindgen(method, js_name = postMessage)]
    fn post_message(this: &MessagePort, value: &wasm_bindgen::JsValue);
    #[wasm_bindgen(method)]
    fn close(this: &MessagePort);
}

/// Runs a callback as a task of its own, as soon as the event loop gets to it (a
/// `MessageChannel` message: no 1–4 ms timer clamp, and in a page as in a worker). Work
/// scheduled this way waits for the tasks already queued (say, WebSocket messages that
/// arrived together), so what they produce can be handled at once. Dropping it closes
/// the channel and frees the closure.
pub struct NextTask {
    receiver: MessagePort,
    sender: MessagePort,
    _closure: Closure<dyn FnMut()>,
}

impl fmt::Debug for NextTask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NextTask")
    }
}

impl NextTask {
    /// A scheduler that calls `f` once per [`NextTask::schedule`].
    pub fn new(f: impl FnMut() + 'static) -> Self {
        let channel = MessageChannel::new();
        let closure = Closure::<dyn FnMut()>::new(f);
        let receiver = channel.port1();
        receiver.set_onmessage(Some(closure.as_ref().unchecked_ref()));
        Self {
            receiver,
            sender: channel.port2(),
            _closure: closure,
        }
    }

    /// Queues one call of the callback.
    pub fn schedule(&self) {
        self.sender.post_message(&wasm_bindgen::JsValue::UNDEFINED);
    }
}

impl Drop for NextTask {
    fn drop(&mut self) {
        self.receiver.set_onmessage(None);
        self.receiver.close();
        self.sender.close();
    }
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = queueMicrotask)]
    fn queue_microtask(f: &js_sys::Function);
}

/// Runs a callback in a microtask per [`Microtask::schedule`]: after the current JavaScript
/// task's code, before any other task (`queueMicrotask`, in a page as in a worker). One JS
/// function serves every call (a closure made per call costs a JS function and its
/// bookkeeping each time). A queued microtask always runs, so whoever schedules it must keep
/// this alive until then: dropped with a call queued, the call throws in JS.
pub struct Microtask {
    function: js_sys::Function,
    _closure: Closure<dyn FnMut()>,
}

impl fmt::Debug for Microtask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Microtask")
    }
}

impl Microtask {
    /// A scheduler that calls `f` once per [`Microtask::schedule`].
    pub fn new(f: impl FnMut() + 'static) -> Self {
        let closure = Closure::<dyn FnMut()>::new(f);
        Self {
            function: closure.as_ref().unchecked_ref::<js_sys::Function>().clone(),
            _closure: closure,
        }
    }

    /// Queues one call of the callback.
    pub fn schedule(&self) {
        queue_microtask(&self.function);
    }
}
