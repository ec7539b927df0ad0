//! Session persistence in IndexedDB: one record per store name holding the bytes of a
//! [`Snapshot`](mqtt_proto::session::Snapshot), in database `mqtt-wasm`, object store `sessions`.
//!
//! Works in a page and in a Web Worker (`indexedDB` is looked up on the global object). The
//! bindings are declared here rather than taken from `web-sys` to keep the wasm small. Each
//! operation reports to a callback through its request's (or transaction's) event handlers, which
//! an [`IdbOp`] owns: dropping the operation detaches and frees them, and the callback is then
//! never called.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::Uint8Array;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

use crate::ClientError;

const DATABASE: &str = "mqtt-wasm";
const STORE: &str = "sessions";

#[wasm_bindgen]
extern "C" {
    #[derive(Clone, Debug)]
    type IdbFactory;
    #[wasm_bindgen(method, catch)]
    fn open(this: &IdbFactory, name: &str, version: u32) -> Result<IdbRequest, JsValue>;

    #[derive(Clone, Debug)]
    type IdbRequest;
    #[wasm_bindgen(method, getter)]
    fn result(this: &IdbRequest) -> JsValue;
    #[wasm_bindgen(method, setter)]
    fn set_onsuccess(this: &IdbRequest, f: Option<&js_sys::Function>);
    #[wasm_bindgen(method, setter)]
    fn set_onerror(this: &IdbRequest, f: Option<&js_sys::Function>);
    #[wasm_bindgen(method, setter)]
    fn set_onupgradeneeded(this: &IdbRequest, f: Option<&js_sys::Function>);

    #[derive(Clone, Debug)]
    type IdbDatabase;
    #[wasm_bindgen(method, catch, js_name = createObjectStore)]
    fn create_object_store(this: &IdbDatabase, name: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn transaction(this: &IdbDatabase, store: &str, mode: &str) -> Result<IdbTransaction, JsValue>;
    #[wasm_bindgen(method)]
    fn close(this: &IdbDatabase);

    #[derive(Clone, Debug)]
    type IdbTransaction;
    #[wasm_bindgen(method, catch, js_name = objectStore)]
    fn object_store(this: &IdbTransaction, name: &str) -> Result<IdbObjectStore, JsValue>;
    #[wasm_bindgen(method, setter)]
    fn set_oncomplete(this: &IdbTransaction, f: Option<&js_sys::Function>);
    #[wasm_bindgen(method, setter)]
    fn set_onerror(this: &IdbTransaction, f: Option<&js_sys::Function>);
    #[wasm_bindgen(method, setter)]
    fn set_onabort(this: &IdbTransaction, f: Option<&js_sys::Function>);

    #[derive(Clone, Debug)]
    type IdbObjectStore;
    #[wasm_bindgen(method, catch)]
    fn put(this: &IdbObjectStore, value: &JsValue, key: &str) -> Result<IdbRequest, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn get(this: &IdbObjectStore, key: &str) -> Result<IdbRequest, JsValue>;
}

/// An open IndexedDB database holding session snapshots; closed when dropped.
#[derive(Debug)]
pub(crate) struct IdbStore {
    db: IdbDatabase,
}

fn storage(what: &'static str) -> impl Fn(JsValue) -> ClientError {
    move |_| ClientError::Storage(what)
}

/// An IndexedDB request or transaction in progress, owning the handlers that report its end.
pub(crate) struct IdbOp {
    target: Target,
    handlers: Vec<Closure<dyn FnMut()>>,
}

/// The callback, shared by the success and failure handlers; the first to run takes it.
type Shared = Rc<Cell<Option<Box<dyn FnOnce(bool)>>>>;

enum Target {
    Request(IdbRequest),
    Transaction(IdbTransaction),
}

impl std::fmt::Debug for IdbOp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IdbOp")
    }
}

impl Drop for IdbOp {
    fn drop(&mut self) {
        match &self.target {
            Target::Request(r) => {
                r.set_onsuccess(None);
                r.set_onerror(None);
                r.set_onupgradeneeded(None);
            }
            Target::Transaction(t) => {
                t.set_oncomplete(None);
                t.set_onerror(None);
                t.set_onabort(None);
            }
        }
    }
}

impl IdbOp {
    /// Calls `done(true)` at the request's `success` (the transaction's `complete`), `done(false)`
    /// at `error` (or `abort`); at most once.
    fn watch(target: Target, done: impl FnOnce(bool) + 'static) -> Self {
        let done: Shared = Rc::new(Cell::new(Some(Box::new(done))));
        let handler = |ok: bool| {
            let done = done.clone();
            Closure::<dyn FnMut()>::new(move || {
                if let Some(f) = done.take() {
                    f(ok);
                }
            })
        };
        let (ok, failed) = (handler(true), handler(false));
        let (ok_fn, failed_fn) = (ok.as_ref().unchecked_ref(), failed.as_ref().unchecked_ref());
        match &target {
            Target::Request(r) => {
                r.set_onsuccess(Some(ok_fn));
                r.set_onerror(Some(failed_fn));
            }
            Target::Transaction(t) => {
                t.set_oncomplete(Some(ok_fn));
                t.set_onerror(Some(failed_fn));
                t.set_onabort(Some(failed_fn));
            }
        }
        Self {
            target,
            handlers: vec![ok, failed],
        }
    }
}

impl IdbStore {
    /// Opens (creating on first use) the database; `done` receives it.
    pub(crate) fn open(
        done: impl FnOnce(Result<IdbStore, ClientError>) + 'static,
    ) -> Result<IdbOp, ClientError> {
        let factory = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("indexedDB"))
            .ok()
            .filter(|f| f.is_object())
            .ok_or(ClientError::Storage("IndexedDB is not available"))?
            .unchecked_into::<IdbFactory>();
        let request = factory
            .open(DATABASE, 1)
            .map_err(storage("cannot open the IndexedDB database"))?;
        let on_upgrade = {
            let request = request.clone();
            Closure::<dyn FnMut()>::new(move || {
                let db = request.result().unchecked_into::<IdbDatabase>();
                // Version 1 has a single object store, keyed by store name (out-of-line keys).
                let _ = db.create_object_store(STORE);
            })
        };
        request.set_onupgradeneeded(Some(on_upgrade.as_ref().unchecked_ref()));
        let opened = request.clone();
        let mut op = IdbOp::watch(Target::Request(request), move |ok| {
            done(if ok {
                Ok(Self {
                    db: opened.result().unchecked_into::<IdbDatabase>(),
                })
            } else {
                Err(ClientError::Storage("cannot open the IndexedDB database"))
            })
        });
        op.handlers.push(on_upgrade);
        Ok(op)
    }

    /// A new transaction (`mode`) on the sessions object store; failures are `Storage(failed)`.
    fn sessions(
        &self,
        mode: &str,
        failed: &'static str,
    ) -> Result<(IdbTransaction, IdbObjectStore), ClientError> {
        let tx = self.db.transaction(STORE, mode).map_err(storage(failed))?;
        let store = tx.object_store(STORE).map_err(storage(failed))?;
        Ok((tx, store))
    }

    /// Reads the bytes stored under `key`, if any, for `done`.
    pub(crate) fn load(
        &self,
        key: &str,
        done: impl FnOnce(Result<Option<Vec<u8>>, ClientError>) + 'static,
    ) -> Result<IdbOp, ClientError> {
        const FAILED: &str = "cannot read the stored session";
        let (_, store) = self.sessions("readonly", FAILED)?;
        let request = store.get(key).map_err(storage(FAILED))?;
        let read = request.clone();
        Ok(IdbOp::watch(Target::Request(request), move |ok| {
            done(if ok {
                Ok(read
                    .result()
                    .dyn_into::<Uint8Array>()
                    .ok()
                    .map(|bytes| bytes.to_vec()))
            } else {
                Err(ClientError::Storage(FAILED))
            })
        }))
    }

    /// Stores `bytes` under `key`; `done` is called once the transaction has committed (or failed).
    pub(crate) fn save(
        &self,
        key: &str,
        bytes: &[u8],
        done: impl FnOnce(Result<(), ClientError>) + 'static,
    ) -> Result<IdbOp, ClientError> {
        const FAILED: &str = "cannot write the session to IndexedDB";
        let (tx, store) = self.sessions("readwrite", FAILED)?;
        store
            .put(&Uint8Array::from(bytes).into(), key)
            .map_err(storage(FAILED))?;
        Ok(IdbOp::watch(Target::Transaction(tx), move |ok| {
            done(if ok {
                Ok(())
            } else {
                Err(ClientError::Storage(FAILED))
            })
        }))
    }
}

impl Drop for IdbStore {
    fn drop(&mut self) {
        // Transactions already started still commit.
        self.db.close();
    }
}
