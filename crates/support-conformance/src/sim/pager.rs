//! Pagers: the arithmetic and bookkeeping of offset, page-number and cursor pagination. Each
//! provider wraps the page in its own envelope (bare array and `Link` header, `next_page`, `meta`
//! and `links`) and answers bad parameters with its own error body.

use std::collections::HashSet;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use super::http::{QueryEncoding, Req, with_query};

/// A positive integer parameter: `default` when absent; `Err(text)` when it is not an integer in
/// `1..=max` (no bound without `max`).
pub fn positive_param(
    req: &Req,
    name: &str,
    default: usize,
    max: Option<usize>,
) -> Result<usize, String> {
    let Some(text) = req.param(name) else {
        return Ok(default);
    };
    match text.trim().parse::<usize>() {
        Ok(n) if n >= 1 && max.is_none_or(|m| n <= m) => Ok(n),
        _ => Err(text.to_owned()),
    }
}

/// One page of a page-number listing: which items, and whether pages follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageWindow {
    /// The page, from 1.
    pub page: usize,
    /// Items per page.
    pub per_page: usize,
    /// Items in the whole listing.
    pub total: usize,
}

impl PageWindow {
    /// Page `page` (from 1) of `per_page` over `total` items.
    pub fn new(page: usize, per_page: usize, total: usize) -> Self {
        Self {
            page: page.max(1),
            per_page: per_page.max(1),
            total,
        }
    }

    /// The offset of the page's first item.
    pub fn start(&self) -> usize {
        (self.page - 1).saturating_mul(self.per_page)
    }

    /// How many pages the listing has.
    pub fn page_count(&self) -> usize {
        self.total.div_ceil(self.per_page)
    }

    /// Whether a further page exists.
    pub fn has_next(&self) -> bool {
        self.start().saturating_add(self.per_page) < self.total
    }

    /// Whether an earlier page exists.
    pub fn has_previous(&self) -> bool {
        self.page > 1
    }

    /// The page's items.
    pub fn slice<T>(&self, items: Vec<T>) -> Vec<T> {
        items
            .into_iter()
            .skip(self.start())
            .take(self.per_page)
            .collect()
    }
}

/// The URL of this listing with other paging parameters: `base` with the request's parameters in
/// order, those `is_paging` picks dropped, then `paging` appended.
pub fn page_link(
    base: &str,
    req: &Req,
    is_paging: impl Fn(&str) -> bool,
    paging: &[(&str, String)],
    encoding: QueryEncoding,
) -> String {
    let mut pairs: Vec<(String, String)> = req
        .params
        .iter()
        .filter(|(name, _)| !is_paging(name))
        .cloned()
        .collect();
    pairs.extend(paging.iter().map(|(k, v)| ((*k).to_owned(), v.clone())));
    with_query(base, &pairs, encoding)
}

/// The URL of this listing at another page: the request's parameters in order with `name`
/// replaced in place (appended when absent).
pub fn replace_param(
    base: &str,
    req: &Req,
    name: &str,
    value: String,
    encoding: QueryEncoding,
) -> String {
    let mut params: Vec<(String, String)> = Vec::new();
    let mut placed = false;
    for (n, v) in &req.params {
        if n == name {
            if !placed {
                params.push((name.to_owned(), value.clone()));
                placed = true;
            }
        } else {
            params.push((n.clone(), v.clone()));
        }
    }
    if !placed {
        params.push((name.to_owned(), value));
    }
    with_query(base, &params, encoding)
}

/// The cursors one server issued: opaque tokens naming a listing's scope, a direction and the
/// sort key of the item they point at. Only issued cursors redeem, and only for their scope and
/// direction, so a cursor from another listing is refused as the provider would.
#[derive(Clone, Debug, Default)]
pub struct CursorBook {
    issued: HashSet<String>,
}

impl CursorBook {
    /// An empty book.
    pub fn new() -> Self {
        Self::default()
    }

    /// A cursor for `key` in `scope` going `direction`.
    pub fn issue(&mut self, scope: &str, direction: &str, key: &Value) -> String {
        let raw = json!({"s": format!("{:016x}", fnv1a(scope)), "d": direction, "k": key});
        let cursor = STANDARD.encode(raw.to_string());
        self.issued.insert(cursor.clone());
        cursor
    }

    /// The key of a cursor issued for `scope` and `direction`.
    pub fn redeem(&self, scope: &str, direction: &str, cursor: &str) -> Option<Value> {
        if !self.issued.contains(cursor) {
            return None;
        }
        let raw: Value = serde_json::from_slice(&STANDARD.decode(cursor).ok()?).ok()?;
        if raw.get("s")?.as_str()? != format!("{:016x}", fnv1a(scope))
            || raw.get("d")?.as_str()? != direction
        {
            return None;
        }
        raw.get("k").cloned()
    }
}

/// What a cursor is valid for: the path and every parameter `is_paging` does not pick, sorted.
pub fn cursor_scope(req: &Req, is_paging: impl Fn(&str) -> bool) -> String {
    let mut params: Vec<String> = req
        .params
        .iter()
        .filter(|(name, _)| !is_paging(name))
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    params.sort();
    format!("{} {}", req.path, params.join("&"))
}

fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Where a keyset page starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeysetFrom<K> {
    /// The first page.
    Start,
    /// Strictly after this key.
    After(K),
    /// Strictly before this key (the page is the last `size` items before it).
    Before(K),
}

/// One page of `items` (sorted here by key), and whether more follow in the paging direction.
/// Items created meanwhile are neither skipped nor repeated, as pages start from a key.
pub fn keyset_page<K: Ord, T>(
    mut items: Vec<(K, T)>,
    from: KeysetFrom<K>,
    size: usize,
) -> (Vec<(K, T)>, bool) {
    items.sort_by(|a, b| a.0.cmp(&b.0));
    match from {
        KeysetFrom::Start => {
            let more = items.len() > size;
            (items.into_iter().take(size).collect(), more)
        }
        KeysetFrom::After(from) => {
            let rest: Vec<_> = items.into_iter().filter(|(k, _)| *k > from).collect();
            let more = rest.len() > size;
            (rest.into_iter().take(size).collect(), more)
        }
        KeysetFrom::Before(until) => {
            let mut rest: Vec<_> = items.into_iter().filter(|(k, _)| *k < until).collect();
            let more = rest.len() > size;
            let skip = rest.len().saturating_sub(size);
            (rest.split_off(skip), more)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_and_keysets_page_without_loss() {
        let w = PageWindow::new(2, 4, 13);
        assert_eq!(
            (w.start(), w.page_count(), w.has_next(), w.has_previous()),
            (4, 4, true, true)
        );
        assert_eq!(w.slice((0..13).collect()), vec![4, 5, 6, 7]);
        assert!(!PageWindow::new(4, 4, 13).has_next());
        let items: Vec<(u32, u32)> = (0..10).map(|i| (i, i)).collect();
        let (page, more) = keyset_page(items.clone(), KeysetFrom::After(3), 4);
        assert_eq!(page.iter().map(|p| p.0).collect::<Vec<_>>(), [4, 5, 6, 7]);
        assert!(more);
        let (page, more) = keyset_page(items, KeysetFrom::Before(3), 4);
        assert_eq!(page.iter().map(|p| p.0).collect::<Vec<_>>(), [0, 1, 2]);
        assert!(!more);
    }

    #[test]
    fn cursors_redeem_only_for_their_scope_and_direction() {
        let mut book = CursorBook::new();
        let key = json!([1, "", 2]);
        let cursor = book.issue("/tickets ", "a", &key);
        assert_eq!(book.redeem("/tickets ", "a", &cursor), Some(key));
        assert_eq!(book.redeem("/users ", "a", &cursor), None);
        assert_eq!(book.redeem("/tickets ", "b", &cursor), None);
        assert_eq!(book.redeem("/tickets ", "a", "bm9wZQ=="), None);
    }
}
