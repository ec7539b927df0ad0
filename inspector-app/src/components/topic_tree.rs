//! The live topic tree: levels with message counts, last value, retained flag and
//! rate; expand/collapse and search.

use std::collections::HashSet;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::hooks::ConnectionHandle;
use crate::state::TopicNode;
use crate::view::{render_payload, PayloadView};

/// Props of [`TopicTreeView`].
#[derive(Properties, PartialEq, Debug)]
pub struct TopicTreeProps {
    /// The connection.
    pub conn: ConnectionHandle,
    /// The selected topic.
    pub selected: Option<String>,
    /// Called with a topic when the user selects it.
    pub on_select: Callback<String>,
}

/// Nodes rendered at most, so a huge tree stays responsive (search narrows it).
const MAX_ROWS: usize = 500;

/// The topic tree panel.
#[function_component(TopicTreeView)]
pub fn topic_tree(props: &TopicTreeProps) -> Html {
    let expanded = use_state(HashSet::<String>::new);
    let search = use_state(String::new);
    let model = props.conn.store().model();
    let on_search = {
        let search = search.clone();
        Callback::from(move |e: InputEvent| {
            search.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let mut rows = Vec::new();
    if search.is_empty() {
        walk(&model.topics.root, "", 0, &expanded, &mut rows);
    } else {
        for name in model.topics.search(&search, MAX_ROWS) {
            if let Some(node) = model.topics.get(&name) {
                rows.push(Row {
                    path: name.clone(),
                    label: name,
                    depth: 0,
                    node: node.clone(),
                    has_children: false,
                });
            }
        }
    }
    html! {
        <section class="panel topic-tree" aria-label="Topic tree">
            <div class="row">
                <input data-part="topic-search" type="search" placeholder="search topics" value={(*search).clone()} oninput={on_search} aria-label="Search topics" />
                <span class="muted">{ format!("{} topics, {} messages", model.topics.root.topic_count(), model.topics.root.total) }</span>
            </div>
            <ul data-part="topic-tree" role="tree">
            { for rows.iter().map(|r| {
                let toggle = {
                    let expanded = expanded.clone();
                    let path = r.path.clone();
                    Callback::from(move |e: MouseEvent| {
                        e.stop_propagation();
                        let mut s = (*expanded).clone();
                        if !s.remove(&path) { s.insert(path.clone()); }
                        expanded.set(s);
                    })
                };
                let select = { let cb = props.on_select.clone(); let path = r.path.clone(); Callback::from(move |_| cb.emit(path.clone())) };
                let stats = r.node.stats.as_ref();
                let is_open = expanded.contains(&r.path);
                html! {
                    <li role="treeitem" aria-expanded={r.has_children.then(|| is_open.to_string())}
                        class={classes!("topic", (props.selected.as_deref() == Some(r.path.as_str())).then_some("selected"))}
                        data-depth={r.depth.min(12).to_string()} data-topic={r.path.clone()}>
                        if r.has_children {
                            <button class="twisty" onclick={toggle} aria-label={format!("{} {}", if is_open { "Collapse" } else { "Expand" }, r.path)}>{ if is_open { "▾" } else { "▸" } }</button>
                        } else { <span class="twisty" /> }
                        <button class="link topic-name" onclick={select}>{ if r.label.is_empty() { "(empty)".to_string() } else { r.label.clone() } }</button>
                        <span class="count" title="messages here and below">{ r.node.total }</span>
                        if let Some(s) = stats {
                            if s.retained { <span class="badge retained" title="retained">{ "R" }</span> }
                            <span class="rate">{ format!("{:.1}/s", s.rate) }</span>
                            <span class="last">{ s.last().map(|l| render_payload(&l.payload, PayloadView::Text, 60)).unwrap_or_default() }</span>
                        }
                    </li>
                }
            }) }
            </ul>
            if rows.len() >= MAX_ROWS { <p class="muted">{ "Showing the first 500 rows; search to narrow." }</p> }
        </section>
    }
}

struct Row {
    path: String,
    label: String,
    depth: usize,
    node: TopicNode,
    has_children: bool,
}

fn walk(
    node: &TopicNode,
    path: &str,
    depth: usize,
    expanded: &HashSet<String>,
    rows: &mut Vec<Row>,
) {
    for (level, child) in &node.children {
        if rows.len() >= MAX_ROWS {
            return;
        }
        let p = if depth == 0 {
            level.clone()
        } else {
            format!("{path}/{level}")
        };
        let open = expanded.contains(&p);
        // Clone only the node's own data; children are walked, not copied.
        let shallow = TopicNode {
            children: Default::default(),
            stats: child.stats.clone(),
            total: child.total,
        };
        rows.push(Row {
            path: p.clone(),
            label: level.clone(),
            depth,
            node: shallow,
            has_children: !child.children.is_empty(),
        });
        if open {
            walk(child, &p, depth + 1, expanded, rows);
        }
    }
}
