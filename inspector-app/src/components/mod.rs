//! UI components, one per file. They read the connection's model and call the
//! domain methods of [`crate::hooks::ConnectionHandle`].

pub mod connect_form;
pub mod flow_diagram;
pub mod message_list;
pub mod packet_view;
pub mod publish_form;
pub mod stats_panel;
pub mod subscriptions;
pub mod timeline;
pub mod topic_detail;
pub mod topic_tree;
pub mod workspace;

pub use connect_form::ConnectForm;
pub use flow_diagram::FlowDiagram;
pub use message_list::MessageList;
pub use packet_view::PacketView;
pub use publish_form::PublishForm;
pub use stats_panel::StatsPanel;
pub use subscriptions::Subscriptions;
pub use timeline::Timeline;
pub use topic_detail::TopicDetail;
pub use topic_tree::TopicTreeView;
pub use workspace::Workspace;

use mqtt_proto::QoS;

/// QoS from a `<select>` value ("0", "1", "2").
pub(crate) fn qos_from(v: &str) -> QoS {
    match v {
        "2" => QoS::ExactlyOnce,
        "1" => QoS::AtLeastOnce,
        _ => QoS::AtMostOnce,
    }
}

/// Offers `text` as a file download.
pub(crate) fn download(name: &str, mime: &str, text: &str) {
    use wasm_bindgen::JsCast;
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        if let Ok(a) = doc.create_element("a") {
            if let Ok(a) = a.dyn_into::<web_sys::HtmlAnchorElement>() {
                a.set_href(&url);
                a.set_download(name);
                a.click();
            }
        }
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}
