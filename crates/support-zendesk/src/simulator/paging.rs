//! Zendesk's cursor pagination (`page[size]`, `page[after]`, `page[before]`; `meta` + `links`) and
//! offset pagination (`page`, `per_page`; `next_page`, `previous_page`, `count`).
//!
//! A cursor is opaque base64 naming the listing (path and filters) and the sort key of the item it
//! points at; only cursors this server issued are accepted. Pages start strictly after (or before)
//! that key, so items created meanwhile are neither skipped nor repeated.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use support_conformance::sim::QueryEncoding;
use support_conformance::sim::pager::{
    KeysetFrom, PageWindow, cursor_scope, keyset_page, page_link,
};

use super::http::{Reply, Req, bad_request};
use super::store::SimState;

/// The order of a listing: compared as a tuple, ascending.
pub type SortKey = (i64, String, i64);

pub fn by_id(id: u64) -> SortKey {
    (id as i64, String::new(), 0)
}

pub fn by_time_then_id(at: &DateTime<Utc>, id: u64) -> SortKey {
    (at.timestamp(), String::new(), id as i64)
}

/// How a cursor listing pages.
#[derive(Clone, Copy, Debug)]
pub struct CursorRules {
    /// The largest `page[size]`.
    pub max: usize,
    /// Whether `page[before]` / `before_cursor` / `links.prev` exist (not on search export).
    pub backward: bool,
}

impl CursorRules {
    pub const STANDARD: CursorRules = CursorRules {
        max: 100,
        backward: true,
    };
    pub const SEARCH_EXPORT: CursorRules = CursorRules {
        max: 1000,
        backward: false,
    };
}

fn invalid_pagination(description: impl Into<String>) -> Reply {
    bad_request("InvalidPaginationParameter", description)
}

/// `page[size]`: 100 when absent, `1..=max` otherwise.
pub fn page_size(req: &Req, max: usize) -> Result<usize, Reply> {
    match req.param("page[size]") {
        None => Ok(100.min(max)),
        Some(text) => match text.trim().parse::<usize>() {
            Ok(size) if size > max => Err(invalid_pagination(format!(
                "page[size] is limited to {max}"
            ))),
            Ok(size) if size >= 1 => Ok(size),
            _ => Err(invalid_pagination(format!(
                "page[size] must be an integer between 1 and {max}, got {text:?}"
            ))),
        },
    }
}

fn is_paging(name: &str) -> bool {
    name.starts_with("page") || name == "per_page"
}

/// What a cursor is valid for: the path and every parameter except the cursor ones.
fn scope(req: &Req) -> String {
    cursor_scope(req, |name| name.starts_with("page["))
}

fn issue(state: &mut SimState, scope: &str, direction: &str, key: &SortKey) -> String {
    state
        .cursors
        .issue(scope, direction, &json!([key.0, key.1, key.2]))
}

fn redeem(state: &SimState, scope: &str, direction: &str, cursor: &str) -> Option<SortKey> {
    let key = state.cursors.redeem(scope, direction, cursor)?;
    let key = key.as_array()?;
    Some((
        key.first()?.as_i64()?,
        key.get(1)?.as_str()?.to_owned(),
        key.get(2)?.as_i64()?,
    ))
}

/// The URL of this listing with other paging parameters.
fn link(state: &SimState, req: &Req, paging: &[(&str, String)]) -> String {
    page_link(
        &state.url(&req.path),
        req,
        is_paging,
        paging,
        QueryEncoding::Form,
    )
}

/// One page of a cursor listing, under `key`, with `meta` and `links`.
pub fn cursor_page(
    state: &mut SimState,
    req: &Req,
    key: &str,
    items: Vec<(SortKey, Value)>,
    rules: CursorRules,
) -> Reply {
    let size = match page_size(req, rules.max) {
        Ok(size) => size,
        Err(reply) => return reply,
    };
    let scope = scope(req);
    let after = req.param("page[after]");
    let before = req.param("page[before]");
    let from = match (after, before) {
        (Some(_), Some(_)) => {
            return invalid_pagination("page[after] and page[before] cannot be combined");
        }
        (Some(cursor), None) => match redeem(state, &scope, "a", cursor) {
            Some(key) => KeysetFrom::After(key),
            None => {
                return invalid_pagination(format!("page[after] {cursor:?} is not a valid cursor"));
            }
        },
        (None, Some(cursor)) => {
            if !rules.backward {
                return invalid_pagination("page[before] is not supported by this endpoint");
            }
            match redeem(state, &scope, "b", cursor) {
                Some(key) => KeysetFrom::Before(key),
                None => {
                    return invalid_pagination(format!(
                        "page[before] {cursor:?} is not a valid cursor"
                    ));
                }
            }
        }
        (None, None) => KeysetFrom::Start,
    };
    let (page, has_more) = keyset_page(items, from, size);
    let after_cursor = page.last().map(|(k, _)| issue(state, &scope, "a", k));
    let before_cursor = if rules.backward {
        page.first().map(|(k, _)| issue(state, &scope, "b", k))
    } else {
        None
    };
    let size_text = size.to_string();
    let next = after_cursor.as_ref().map(|c| {
        link(
            state,
            req,
            &[
                ("page[size]", size_text.clone()),
                ("page[after]", c.clone()),
            ],
        )
    });
    let prev = before_cursor.as_ref().map(|c| {
        link(
            state,
            req,
            &[
                ("page[size]", size_text.clone()),
                ("page[before]", c.clone()),
            ],
        )
    });
    let values: Vec<Value> = page.into_iter().map(|(_, v)| v).collect();
    let mut body = serde_json::Map::new();
    body.insert(key.to_owned(), Value::Array(values));
    body.insert(
        "meta".into(),
        json!({"has_more": has_more, "after_cursor": after_cursor, "before_cursor": before_cursor}),
    );
    body.insert("links".into(), json!({"next": next, "prev": prev}));
    Reply::ok(Value::Object(body))
}

/// One page of an offset listing.
#[derive(Clone, Debug, PartialEq)]
pub struct OffsetPage {
    pub items: Vec<Value>,
    pub page: usize,
    pub per_page: usize,
    pub page_count: usize,
    pub count: usize,
    pub next_page: Option<String>,
    pub previous_page: Option<String>,
}

/// `page` (from 1) and `per_page` (`1..=max`, default `default`) over `items`.
pub fn offset_page(
    state: &SimState,
    req: &Req,
    items: Vec<Value>,
    default: usize,
    max: usize,
) -> Result<OffsetPage, Reply> {
    let per_page = match req.param("per_page") {
        None => default,
        Some(text) => match text.trim().parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => n,
            _ => {
                return Err(invalid_pagination(format!(
                    "per_page must be an integer between 1 and {max}, got {text:?}"
                )));
            }
        },
    };
    let page = match req.param("page") {
        None => 1,
        Some(text) => match text.trim().parse::<usize>() {
            Ok(n) if n >= 1 => n,
            _ => {
                return Err(invalid_pagination(format!(
                    "page must be an integer greater than 0, got {text:?}"
                )));
            }
        },
    };
    let count = items.len();
    let window = PageWindow::new(page, per_page, count);
    let page_count = window.page_count();
    let page_items = window.slice(items);
    let per_page_text = per_page.to_string();
    let next_page = (page < page_count).then(|| {
        link(
            state,
            req,
            &[
                ("page", (page + 1).to_string()),
                ("per_page", per_page_text.clone()),
            ],
        )
    });
    let previous_page = (page > 1).then(|| {
        link(
            state,
            req,
            &[
                ("page", (page - 1).to_string()),
                ("per_page", per_page_text.clone()),
            ],
        )
    });
    Ok(OffsetPage {
        items: page_items,
        page,
        per_page,
        page_count,
        count,
        next_page,
        previous_page,
    })
}
