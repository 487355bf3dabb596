//! What a listing page must hold to be a page: its items, present and an array, and a way to the next
//! page whenever it says there is one; and the one pass that reads it.
//!
//! A listing hands its [`PageShape`] to [`HttpRuntime::run_page`](crate::http::HttpRuntime::run_page):
//! the runtime reads every successful answer with [`PageShape::read`] inside its retry loop, so that
//! a read that gets a well-formed body which is not a page (`{}`, `{"error":"TemporarilyUnavailable"}`,
//! items `null`, "more" without a cursor) retries it like any transient failure, then fails with
//! [`ErrorKind::Decode`](crate::ErrorKind::Decode) naming the operation, with an excerpt. A listing
//! therefore never ends early, or skips a page, because a body was well-formed but wrong.
//!
//! Reading a page cuts each item out as the JSON text the provider sent ([`ListingPage`]): nothing
//! builds a value for the whole page, and the adapter decodes each item once, into the generated
//! type it maps from, with [`kit::json::decode_raw`](crate::kit::json::decode_raw), which names an
//! item that does not have its documented shape (`a zendesk ticket 8 did not have its documented
//! shape: ...`) with an excerpt of it.

use std::borrow::Cow;
use std::fmt;

use serde::Deserializer;
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

/// How a provider spells one listing's pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageShape {
    items: &'static str,
    more: Option<More>,
    required: Option<&'static str>,
    item: &'static str,
}

/// A page that says there is more, and where the way to it must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct More {
    flag: &'static str,
    next: &'static str,
}

impl PageShape {
    /// Pages whose items are the array under `key` (`{"tickets": [...]}`).
    pub const fn items_at(key: &'static str) -> Self {
        Self {
            items: key,
            more: None,
            required: None,
            item: "item",
        }
    }

    /// Pages that are a bare array (`[...]`).
    pub const fn bare_array() -> Self {
        Self {
            items: "",
            more: None,
            required: None,
            item: "item",
        }
    }

    /// Pages that say there is more with `true` at the JSON pointer `flag` (`/meta/has_more`), and
    /// then must carry a non-empty string at the JSON pointer `next` (`/meta/after_cursor`).
    pub const fn more_when(self, flag: &'static str, next: &'static str) -> Self {
        Self {
            more: Some(More { flag, next }),
            ..self
        }
    }

    /// Pages that must also carry a value (not `null`) at the JSON pointer `field` (`/total`), that
    /// the listing needs to know where it stands.
    pub const fn requires(self, field: &'static str) -> Self {
        Self {
            required: Some(field),
            ..self
        }
    }

    /// What one item of these pages is called in errors (`ticket`); `item` unless told.
    pub const fn item(self, noun: &'static str) -> Self {
        Self { item: noun, ..self }
    }

    /// What one item of these pages is called in errors.
    pub const fn item_noun(&self) -> &'static str {
        self.item
    }

    /// Reads a page's body in one pass: its items, each kept as the JSON text the provider sent, and
    /// the rest of the page (the envelope) as a value. `Err` says what is wrong with it as a page.
    pub fn read(&self, body: &[u8]) -> Result<ListingPage, String> {
        let mut reader = serde_json::Deserializer::from_slice(body);
        let read = if self.items.is_empty() {
            reader.deserialize_any(BareArray)
        } else {
            reader.deserialize_any(Envelope { items: self.items })
        }
        .and_then(|page| reader.end().map(|()| page));
        let (items, envelope) = match read {
            Ok(read) => read,
            Err(error) if error.is_data() => {
                return Err(match self.items {
                    "" => "the page is not a JSON array".to_owned(),
                    _ => "the page is not a JSON object".to_owned(),
                });
            }
            Err(error) => return Err(format!("the answer is not JSON: {error}")),
        };
        let Some(items) = items else {
            return Err(if envelope.get(self.items).is_some() {
                format!("the page's `{}` is not an array", self.items)
            } else {
                format!("the page has no `{}`", self.items)
            });
        };
        let page = ListingPage { items, envelope };
        if let Some(field) = self.required
            && page.envelope.pointer(field).is_none_or(Value::is_null)
        {
            return Err(format!("the page has no `{field}`"));
        }
        if let Some(More { flag, next }) = self.more
            && page.envelope.pointer(flag).and_then(Value::as_bool) == Some(true)
            && page
                .envelope
                .pointer(next)
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
        {
            return Err(format!(
                "the page says there is more (`{flag}`) but has no `{next}` to get it"
            ));
        }
        Ok(page)
    }
}

/// One listing page, read by [`PageShape::read`]: its items as the provider's JSON text, in order,
/// and everything else on the page (counts, cursors, links) as a value.
#[derive(Debug, Default)]
pub struct ListingPage {
    items: Vec<Box<RawValue>>,
    envelope: Value,
}

impl ListingPage {
    /// The items, each the JSON text the provider sent for it.
    pub fn items(&self) -> &[Box<RawValue>] {
        &self.items
    }

    /// The items, owned: mapping moves each into its canonical object's `raw`.
    pub fn into_items(self) -> Vec<Box<RawValue>> {
        self.items
    }

    /// The page without its items (`{"meta": {...}, "count": 3}`); `null` for a bare array.
    pub fn envelope(&self) -> &Value {
        &self.envelope
    }

    /// How many items the page holds.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the page holds no item.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// A page that is a bare array of items.
struct BareArray;

impl<'de> Visitor<'de> for BareArray {
    type Value = (Option<Vec<Box<RawValue>>>, Value);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON array of items")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        Ok((Some(collect_items(seq)?), Value::Null))
    }
}

/// A page that is an object holding its items under one key.
struct Envelope {
    items: &'static str,
}

impl<'de> Visitor<'de> for Envelope {
    type Value = (Option<Vec<Box<RawValue>>>, Value);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object holding a page of items")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut items = None;
        let mut envelope = serde_json::Map::new();
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if key == self.items {
                match map.next_value_seed(ItemsOrNot)? {
                    Some(found) => items = Some(found),
                    // Kept so that the error can tell "not an array" from "absent".
                    None => {
                        envelope.insert(key.into_owned(), Value::Null);
                    }
                }
            } else {
                let value = map.next_value::<Value>()?;
                envelope.insert(key.into_owned(), value);
            }
        }
        Ok((items, Value::Object(envelope)))
    }
}

/// The value under the items key: the items when it is an array, `None` when it is anything else.
struct ItemsOrNot;

impl<'de> DeserializeSeed<'de> for ItemsOrNot {
    type Value = Option<Vec<Box<RawValue>>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ItemsOrNot {
    type Value = Option<Vec<Box<RawValue>>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        collect_items(seq).map(Some)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
}

fn collect_items<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<Vec<Box<RawValue>>, A::Error> {
    let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
    while let Some(item) = seq.next_element::<Box<RawValue>>()? {
        items.push(item);
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const TICKETS: PageShape =
        PageShape::items_at("tickets").more_when("/meta/has_more", "/meta/after_cursor");

    fn read(shape: PageShape, page: &str) -> Result<ListingPage, String> {
        shape.read(page.as_bytes())
    }

    #[test]
    fn a_page_is_complete_or_it_is_an_error() {
        let good = read(
            TICKETS,
            r#"{"tickets": [{"id": 1}], "meta": {"has_more": true, "after_cursor": "a"}}"#,
        )
        .expect("a page");
        assert_eq!(good.len(), 1);
        assert_eq!(
            good.envelope().pointer("/meta/after_cursor"),
            Some(&json!("a"))
        );
        let last =
            read(TICKETS, r#"{"tickets": [], "meta": {"has_more": false}}"#).expect("a page");
        assert!(last.is_empty());
        for (bad, why) in [
            ("{}", "the page has no `tickets`"),
            (
                r#"{"error": "TemporarilyUnavailable"}"#,
                "the page has no `tickets`",
            ),
            (
                r#"{"tickets": null, "meta": {"has_more": false}}"#,
                "`tickets` is not an array",
            ),
            (
                r#"{"tickets": {"a": [1]}, "meta": {}}"#,
                "`tickets` is not an array",
            ),
            (r#"{"tickets": "x"}"#, "`tickets` is not an array"),
            (
                r#"{"tickets": [], "meta": {"has_more": true}}"#,
                "no `/meta/after_cursor`",
            ),
            (
                r#"{"tickets": [], "meta": {"has_more": true, "after_cursor": ""}}"#,
                "no `/meta",
            ),
            (
                r#"{"tickets": [], "meta": {"has_more": true, "after_cursor": null}}"#,
                "no `/meta",
            ),
            ("[]", "not a JSON object"),
            ("null", "not a JSON object"),
            ("", "not JSON"),
            (r#"{"tickets": [1, 2"#, "not JSON"),
            (r#"{"tickets": []} trailing"#, "not JSON"),
        ] {
            match read(TICKETS, bad) {
                Ok(_) => panic!("{bad} passed"),
                Err(problem) => assert!(problem.contains(why), "{bad}: {problem}"),
            }
        }
        assert_eq!(
            read(PageShape::bare_array(), "[1, 2]")
                .expect("a page")
                .len(),
            2
        );
        assert!(read(PageShape::bare_array(), "{}").is_err());
        assert!(read(PageShape::bare_array(), "null").is_err());
        let search = PageShape::items_at("results").requires("/total");
        assert!(read(search, r#"{"results": [], "total": 0}"#).is_ok());
        assert!(read(search, r#"{"results": []}"#).is_err());
        assert!(read(search, r#"{"results": [], "total": null}"#).is_err());
    }

    #[test]
    fn items_are_kept_as_sent_and_the_rest_is_the_envelope() {
        let page = read(
            TICKETS,
            r#"{"count": 2, "tickets": [ {"id":1, "b": [true]} ,{"id": 2}], "meta": {"has_more": false}}"#,
        )
        .expect("a page");
        let texts: Vec<&str> = page.items().iter().map(|item| item.get()).collect();
        assert_eq!(texts, [r#"{"id":1, "b": [true]}"#, r#"{"id": 2}"#]);
        assert_eq!(
            page.envelope(),
            &json!({"count": 2, "meta": {"has_more": false}})
        );
        assert_eq!(page.into_items().len(), 2);
        let bare =
            read(PageShape::bare_array().item("ticket"), r#"[{"id": "x"}]"#).expect("a page");
        assert_eq!(bare.envelope(), &Value::Null);
        assert_eq!(bare.items()[0].get(), r#"{"id": "x"}"#);
        assert_eq!(PageShape::bare_array().item("ticket").item_noun(), "ticket");
        assert_eq!(TICKETS.item_noun(), "item");
    }
}
