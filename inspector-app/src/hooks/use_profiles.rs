//! `use_profiles`: saved connection profiles in `localStorage`.

use yew::prelude::*;

use crate::state::profiles::{self, Saved};

const KEY: &str = "mqtt-inspector.profiles";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// Saved profiles and how to change them.
#[derive(Clone, PartialEq, Debug)]
pub struct ProfilesHandle {
    list: UseStateHandle<Vec<Saved>>,
}

impl ProfilesHandle {
    /// The saved profiles.
    pub fn list(&self) -> &[Saved] {
        &self.list
    }

    /// Saves (or replaces by name) a profile; its password only if `entry.remember_password`.
    pub fn save(&self, entry: Saved) {
        let mut v = (*self.list).clone();
        profiles::upsert(&mut v, entry);
        self.store(v);
    }

    /// Deletes a saved profile by name.
    pub fn delete(&self, name: &str) {
        let v: Vec<Saved> = self
            .list
            .iter()
            .filter(|s| s.name != name)
            .cloned()
            .collect();
        self.store(v);
    }

    fn store(&self, v: Vec<Saved>) {
        if let Some(s) = storage() {
            let _ = s.set_item(KEY, &profiles::to_json(&v));
        }
        self.list.set(v);
    }
}

/// The saved-profiles hook.
#[hook]
pub fn use_profiles() -> ProfilesHandle {
    let list = use_state(|| {
        storage()
            .and_then(|s| s.get_item(KEY).ok().flatten())
            .map(|t| profiles::from_json(&t))
            .unwrap_or_default()
    });
    ProfilesHandle { list }
}
