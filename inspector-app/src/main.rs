//! The MQTT inspector, a Yew single-page app built with Trunk (see the repo's
//! `index.html` and `Trunk.toml`).

fn main() {
    #[cfg(target_arch = "wasm32")]
    yew::Renderer::<inspector_app::app::App>::new().render();
}
