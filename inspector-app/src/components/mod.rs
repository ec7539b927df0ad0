//! UI components, one per file. They read the connection's model and call the
//! domain methods of [`crate::hooks::ConnectionHandle`].

pub mod connect_form;
pub mod connection_tabs;
pub mod decoder_tool;
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
pub use connection_tabs::ConnectionTabs;
pub use decoder_tool::DecoderTool;
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

/// The tab a key moves to from tab `from` of `count` (WAI-ARIA tabs: the arrow keys wrap
/// around, Home and End jump to the ends); `None` for other keys.
pub(crate) fn tab_after_key(from: usize, count: usize, key: &str) -> Option<usize> {
    if count == 0 {
        return None;
    }
    match key {
        "ArrowRight" => Some((from + 1) % count),
        "ArrowLeft" => Some((from + count - 1) % count),
        "Home" => Some(0),
        "End" => Some(count - 1),
        _ => None,
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

#[cfg(test)]
mod tests {
    use super::tab_after_key;

    #[test]
    fn the_arrow_keys_wrap_around_the_tabs_and_home_end_jump() {
        assert_eq!(tab_after_key(0, 4, "ArrowRight"), Some(1));
        assert_eq!(tab_after_key(3, 4, "ArrowRight"), Some(0));
        assert_eq!(tab_after_key(0, 4, "ArrowLeft"), Some(3));
        assert_eq!(tab_after_key(2, 4, "Home"), Some(0));
        assert_eq!(tab_after_key(1, 4, "End"), Some(3));
        assert_eq!(tab_after_key(1, 4, "Enter"), None);
        assert_eq!(tab_after_key(0, 1, "ArrowLeft"), Some(0));
        assert_eq!(tab_after_key(0, 0, "ArrowRight"), None);
    }
}
