//! Session persistence in IndexedDB: one record per store name holding the bytes of a
//! [`Snapshot`](mqtt_proto::session::Snapshot), in database `mqtt-wasm`, object store `sessions`.
//!
//! Works in a page and in a Web Worker (`indexedDB` is looked up on the global object). The
//! bindings are declared here rather than taken from `web-sys` to keep the wasm small; every
//! request is awaited through a `Promise` whose `resolve`/`reject` are the request's own event
//! handlers, so no Rust closure outlives a call except the one `upgradeneeded` handler, owned by
//! [`IdbStore::open`] until the database is open.

use js_sys::{Promise, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

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

impl IdbStore {
    /// Opens (creating on first use) the database.
    pub(crate) async fn open() -> Result<Self, ClientError> {
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
        let opened = settled(&request).await;
        request.set_onupgradeneeded(None);
        drop(on_upgrade);
        let db = opened
            .map_err(storage("cannot open the IndexedDB database"))?
            .unchecked_into::<IdbDatabase>();
        Ok(Self { db })
    }

    /// The bytes stored under `key`, if any.
    pub(crate) async fn load(&self, key: &str) -> Result<Option<Vec<u8>>, ClientError> {
        let failed = storage("cannot read the stored session");
        let tx = self.db.transaction(STORE, "readonly").map_err(&failed)?;
        let request = tx
            .object_store(STORE)
            .map_err(&failed)?
            .get(key)
            .map_err(&failed)?;
        let value = settled(&request).await.map_err(&failed)?;
        Ok(value
            .dyn_into::<Uint8Array>()
            .ok()
            .map(|bytes| bytes.to_vec()))
    }

    /// Stores `bytes` under `key`; resolves once the transaction has committed.
    pub(crate) async fn save(&self, key: &str, bytes: &[u8]) -> Result<(), ClientError> {
        let failed = storage("cannot write the session to IndexedDB");
        let tx = self.db.transaction(STORE, "readwrite").map_err(&failed)?;
        tx.object_store(STORE)
            .map_err(&failed)?
            .put(&Uint8Array::from(bytes).into(), key)
            .map_err(&failed)?;
        committed(&tx).await.map_err(&failed)
    }
}

impl Drop for IdbStore {
    fn drop(&mut self) {
        // Transactions already started still commit.
        self.db.close();
    }
}

/// Resolves with the request's result at `success`, rejects at `error`.
async fn settled(request: &IdbRequest) -> Result<JsValue, JsValue> {
    let promise = Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    let outcome = JsFuture::from(promise).await;
    request.set_onsuccess(None);
    request.set_onerror(None);
    outcome.map(|_| request.result())
}

/// Resolves at the transaction's `complete`, rejects at `error` or `abort`.
async fn committed(tx: &IdbTransaction) -> Result<(), JsValue> {
    let promise = Promise::new(&mut |resolve, reject| {
        tx.set_oncomplete(Some(&resolve));
        tx.set_onerror(Some(&reject));
        tx.set_onabort(Some(&reject));
    });
    JsFuture::from(promise).await.map(|_| ())
}
