//! The members at the end of a JSON object, read backwards from its last byte.
//!
//! A listing page puts its cursor after its items (`{"tickets": [...], "meta": {...}}`), so the
//! next page can be asked for before the items are decoded only if those last members can be read
//! without walking the items. In well-formed JSON a `"` ends or starts a string exactly when an even
//! number of backslashes precedes it, which is what lets strings, and so brackets, be matched
//! backwards. Anything unexpected gives up (`None`): the caller then reads the page from the start.

use serde_json::{Map, Value};

/// The members of the top-level object in `body` that follow its last array-valued member, in
/// their order; `None` when `body` does not end like an object, when no array-valued member comes
/// before them, or when anything read is not JSON.
pub(crate) fn members_after_last_array(body: &[u8]) -> Option<Map<String, Value>> {
    let mut at = skip_space_back(body, body.len());
    if at == 0 || body[at - 1] != b'}' {
        return None;
    }
    at -= 1;
    let mut members: Vec<(String, Value)> = Vec::new();
    loop {
        at = skip_space_back(body, at);
        let end = at;
        let last = *body.get(end.checked_sub(1)?)?;
        if last == b'{' {
            // The object's first member was reached without an array before it.
            return None;
        }
        if last == b']' {
            break;
        }
        let start = value_start(body, end)?;
        let value: Value = serde_json::from_slice(&body[start..end]).ok()?;
        at = skip_space_back(body, start);
        if at == 0 || body[at - 1] != b':' {
            return None;
        }
        at = skip_space_back(body, at - 1);
        if at == 0 || body[at - 1] != b'"' {
            return None;
        }
        let key_start = string_start(body, at - 1)?;
        let key: String = serde_json::from_slice(&body[key_start..at]).ok()?;
        members.push((key, value));
        at = skip_space_back(body, key_start);
        match body.get(at.checked_sub(1)?)? {
            b',' => at -= 1,
            _ => return None,
        }
    }
    let mut map = Map::new();
    // Read backwards, so the first seen of a repeated key is the one a forward read keeps.
    for (key, value) in members.into_iter().rev() {
        map.insert(key, value);
    }
    Some(map)
}

/// Whether `body`, once surrounding whitespace is set aside, starts with `open` and ends with
/// `close`.
pub(crate) fn is_bracketed(body: &[u8], open: u8, close: u8) -> bool {
    let first = body.iter().position(|b| !is_space(*b));
    let last = skip_space_back(body, body.len());
    matches!(first, Some(first) if body[first] == open && last > first + 1 && body[last - 1] == close)
}

/// Where the `close` bracket ending `body` (before trailing whitespace) is.
pub(crate) fn closing(body: &[u8], close: u8) -> Option<usize> {
    let last = skip_space_back(body, body.len());
    (last > 0 && body[last - 1] == close).then(|| last - 1)
}

/// What precedes a `,` or the closing `]` of a top-level array, read backwards.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Before {
    /// An item at `start..end`; `next` is where the `,` before it is, `None` when it is the first.
    Item {
        start: usize,
        end: usize,
        next: Option<usize>,
    },
    /// The array's `[`: no item (an empty array).
    Opening,
}

/// The item that ends before the `,` or `]` at `at`, in the top-level array `body` holds; `None`
/// when what is read is not JSON.
pub(crate) fn item_before(body: &[u8], at: usize) -> Option<Before> {
    let opening = body.iter().position(|b| !is_space(*b))?;
    if body.get(opening) != Some(&b'[') || at <= opening || !matches!(body.get(at)?, b',' | b']') {
        return None;
    }
    let end = skip_space_back(body, at);
    if end == opening + 1 {
        // `[]` is empty; `[,` is not JSON.
        return (body[at] == b']').then_some(Before::Opening);
    }
    let start = value_start(body, end)?;
    if start <= opening {
        return None;
    }
    let before = skip_space_back(body, start);
    let next = match before.checked_sub(1) {
        Some(comma) if body[comma] == b',' && comma > opening => Some(comma),
        Some(open) if open == opening => None,
        _ => return None,
    };
    Some(Before::Item { start, end, next })
}

fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\n' | b'\r' | b'\t')
}

fn skip_space_back(body: &[u8], mut at: usize) -> usize {
    while at > 0 && matches!(body[at - 1], b' ' | b'\n' | b'\r' | b'\t') {
        at -= 1;
    }
    at
}

/// Where the value that ends just before `end` starts.
fn value_start(body: &[u8], end: usize) -> Option<usize> {
    let last = *body.get(end.checked_sub(1)?)?;
    match last {
        b'"' => string_start(body, end - 1),
        b'}' | b']' => container_start(body, end - 1),
        _ => {
            let mut at = end;
            while at > 0
                && matches!(body[at - 1], b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' | b'.' | b'+' | b'-')
            {
                at -= 1;
            }
            (at < end).then_some(at)
        }
    }
}

/// The position of the `"` opening the string whose closing `"` is at `close`.
fn string_start(body: &[u8], close: usize) -> Option<usize> {
    let mut at = close;
    loop {
        let quote = body[..at].iter().rposition(|&b| b == b'"')?;
        let backslashes = body[..quote]
            .iter()
            .rev()
            .take_while(|&&b| b == b'\\')
            .count();
        if backslashes % 2 == 0 {
            return Some(quote);
        }
        at = quote;
    }
}

/// The position of the bracket opening the object or array whose closing bracket is at `close`.
fn container_start(body: &[u8], close: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut at = close + 1;
    while at > 0 {
        at -= 1;
        match body[at] {
            b'"' => at = string_start(body, at)?,
            b'}' | b']' => depth += 1,
            b'{' | b'[' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(at);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn tail(body: &str) -> Option<Value> {
        members_after_last_array(body.as_bytes()).map(Value::Object)
    }

    #[test]
    fn the_members_after_the_items_are_read_without_the_items() {
        let body = r#"{"tickets": [{"id": 1, "s": "a]\"}{"}, {"id": 2}],
            "meta": {"has_more": true, "after_cursor": "xy\"z\\", "n": [1, {"a": "}"}]},
            "count": -1.5e3, "flag": false, "none": null , "s": "\\"}"#;
        assert_eq!(
            tail(body),
            Some(
                json!({"meta": {"has_more": true, "after_cursor": "xy\"z\\", "n": [1, {"a": "}"}]},
                "count": -1.5e3, "flag": false, "none": null, "s": "\\"})
            )
        );
        assert_eq!(
            tail(r#"{"count": 2, "items": []}"#),
            Some(json!({})),
            "nothing follows the items"
        );
        assert_eq!(
            tail(r#"{"items":[],"meta":{"a":1},"meta":{"a":2}}"#),
            Some(json!({"meta": {"a": 2}})),
            "the last of a repeated key, as a forward read keeps it"
        );
        assert_eq!(
            tail(r#"{"items": [1], "links": {"next": "https://x/?page[after]=q"}}  "#),
            Some(json!({"links": {"next": "https://x/?page[after]=q"}}))
        );
    }

    /// (What comes before the last array is not read: a page broken there is found by the full
    /// read that follows.)
    #[test]
    fn anything_unexpected_gives_up() {
        for body in [
            "",
            "[1, 2]",
            r#"{"meta": {}}"#,
            r#"{"items": [1], "meta": {"a": 1}"#,
            r#"{"items": [1] "meta": 1}"#,
            r#"{"items": [1], meta: 1}"#,
            r#"{"items": [1], "meta" 1}"#,
            r#"{"items": [1], "meta": tru e}"#,
            r#"{"items": [1], "meta": {"a": 1}}}"#,
            r#"{"items": [1], "meta": "unterminated}"#,
        ] {
            assert_eq!(tail(body), None, "{body}");
        }
    }

    proptest::proptest! {
        /// Never panics, and whenever it reads something, a forward read agrees on every member it read.
        #[test]
        fn agrees_with_a_forward_read_or_gives_up(
            body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64),
            cut in 0usize..400,
        ) {
            let _ = members_after_last_array(&body);
            let page = r#"{"a": [1, "x\"]"], "b": {"c": ["}", "\\"]}, "d": "e\\\\", "f": 1}"#.as_bytes();
            let cut = cut.min(page.len());
            for candidate in [&page[cut..], &page[..cut]] {
                if let Some(members) = members_after_last_array(candidate) {
                    let whole: Option<Value> = serde_json::from_slice(candidate).ok();
                    if let Some(Value::Object(whole)) = whole {
                        for (key, value) in &members {
                            proptest::prop_assert_eq!(whole.get(key), Some(value));
                        }
                    }
                }
            }
            let members = members_after_last_array(page).unwrap();
            proptest::prop_assert_eq!(Value::Object(members), json!({"b": {"c": ["}", "\\"]}, "d": "e\\\\", "f": 1}));
        }
    }
}
