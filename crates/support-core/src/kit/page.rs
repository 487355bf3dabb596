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

use std::convert::Infallible;

use bytes::Bytes;
use serde::de::{DeserializeOwned, IgnoredAny};
use serde_json::Value;

use crate::RawJson;

/// How a provider spells one listing's pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageShape {
    items: &'static str,
    more: Option<More>,
    required: Option<&'static str>,
    item: &'static str,
    /// Whether `204 No Content` (no body at all) is an empty last page.
    no_content_is_empty: bool,
}

/// A page that says there is more, and where the way to it must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct More {
    flag: &'static str,
    next: &'static str,
    /// Whether any value but `null` at `flag` says there is more (an object naming the next
    /// page), rather than `true`.
    present: bool,
    /// Whether `false` at `flag` says there is more (a "done" flag), rather than `true`.
    unless: bool,
}

impl PageShape {
    /// Pages whose items are the array under `key` (`{"tickets": [...]}`).
    pub const fn items_at(key: &'static str) -> Self {
        Self {
            items: key,
            more: None,
            required: None,
            item: "item",
            no_content_is_empty: false,
        }
    }

    /// Pages that are a bare array (`[...]`).
    pub const fn bare_array() -> Self {
        Self {
            items: "",
            more: None,
            required: None,
            item: "item",
            no_content_is_empty: false,
        }
    }

    /// Pages that say there is more with `true` at the JSON pointer `flag` (`/meta/has_more`), and
    /// then must carry a non-empty string at the JSON pointer `next` (`/meta/after_cursor`).
    pub const fn more_when(self, flag: &'static str, next: &'static str) -> Self {
        Self {
            more: Some(More {
                flag,
                next,
                present: false,
                unless: false,
            }),
            ..self
        }
    }

    /// Pages that say there is more with `false` at the JSON pointer `flag` (Salesforce's
    /// `/done`), and then must carry a non-empty string at the JSON pointer `next`
    /// (`/nextRecordsUrl`). Pair it with [`requires`](Self::requires) of `flag` when the flag is
    /// always there.
    pub const fn more_unless(self, flag: &'static str, next: &'static str) -> Self {
        Self {
            more: Some(More {
                flag,
                next,
                present: false,
                unless: true,
            }),
            ..self
        }
    }

    /// Pages that say there is more by carrying a value other than `null` at the JSON pointer
    /// `marker` (`/pages/next`: an object naming the next page, absent on the last), and then must
    /// carry a non-empty string at the JSON pointer `next` (`/pages/next/starting_after`).
    pub const fn more_when_present(self, marker: &'static str, next: &'static str) -> Self {
        Self {
            more: Some(More {
                flag: marker,
                next,
                present: true,
                unless: false,
            }),
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

    /// Pages whose listing answers an empty result with `204 No Content` and no body (Zoho Desk):
    /// such an answer reads as a page without items, and any other empty answer is still not a
    /// page.
    pub const fn empty_when_no_content(self) -> Self {
        Self {
            no_content_is_empty: true,
            ..self
        }
    }

    /// Whether an answer with `status` and `body` is the empty page
    /// [`empty_when_no_content`](Self::empty_when_no_content) allows.
    pub fn is_no_content(&self, status: u16, body: &[u8]) -> bool {
        self.no_content_is_empty && status == 204 && body.trim_ascii().is_empty()
    }

    /// An empty page of this shape, with an empty envelope.
    pub fn empty_page<T>(&self) -> ListingPage<T> {
        ListingPage {
            items: Vec::new(),
            envelope: if self.items.is_empty() {
                Value::Null
            } else {
                Value::Object(serde_json::Map::new())
            },
            noun: self.item,
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

    /// Reads a page's body in one pass: each item is decoded into `T` (the typed view its mapping
    /// starts from) while the walk notes where it starts and ends, so the item's JSON text is kept
    /// as the provider sent it without a second pass or a copy; the rest of the page (the
    /// envelope) is read as a value. `Err` says what is wrong with it as a page. An item that `T`
    /// refuses is kept with the refusal ([`PageItem::decoded`]): the adapter decides what it means.
    /// `T` = [`IgnoredAny`] reads items as text only.
    pub fn read<T: DeserializeOwned>(&self, body: &Bytes) -> Result<ListingPage<T>, String> {
        let (items, envelope) = self.read_with::<T, _, Infallible>(body, &mut Ok)?;
        let items = match items {
            Ok(items) => items,
            Err(never) => match never {},
        };
        Ok(ListingPage {
            items,
            envelope,
            noun: self.item,
        })
    }

    /// [`read`](Self::read), each item handed to `map` as soon as it is decoded: the items and the
    /// envelope, or (inner `Err`) the first refusal of `map`, after which nothing more is read.
    fn read_with<T: DeserializeOwned, U, E>(
        &self,
        body: &Bytes,
        map: &mut impl FnMut(PageItem<T>) -> Result<U, E>,
    ) -> Result<(Result<Vec<U>, E>, Value), String> {
        let mut walk = Walk {
            body,
            text: std::str::from_utf8(body).ok(),
            at: 0,
        };
        walk.skip_whitespace();
        let opener = if self.items.is_empty() { b'[' } else { b'{' };
        if walk.peek() != Some(opener) {
            return Err(match walk.value::<IgnoredAny>() {
                Err(problem) => problem,
                Ok(_) if self.items.is_empty() => "the page is not a JSON array".to_owned(),
                Ok(_) => "the page is not a JSON object".to_owned(),
            });
        }
        let mut items = None;
        let mut envelope = serde_json::Map::new();
        if self.items.is_empty() {
            items = Some(walk.items(map)?);
        } else {
            walk.at += 1;
            walk.skip_whitespace();
            if walk.peek() == Some(b'}') {
                walk.at += 1;
            } else {
                loop {
                    walk.skip_whitespace();
                    let key = walk.value::<String>()?;
                    walk.skip_whitespace();
                    walk.expect(b':')?;
                    walk.skip_whitespace();
                    if key == self.items && walk.peek() == Some(b'[') {
                        let read = walk.items(map)?;
                        if read.is_err() {
                            return Ok((read, Value::Null));
                        }
                        items = Some(read);
                        envelope.remove(&key);
                    } else {
                        let value = walk.value::<Value>()?;
                        envelope.insert(key, value);
                    }
                    walk.skip_whitespace();
                    match walk.next_byte() {
                        Some(b',') => {}
                        Some(b'}') => break,
                        _ => return Err(NOT_JSON_OBJECT.to_owned()),
                    }
                }
            }
        }
        walk.skip_whitespace();
        if walk.at < body.len() {
            return Err("the answer is not JSON: characters follow the page".to_owned());
        }
        let Some(items) = items else {
            return Err(if envelope.contains_key(self.items) {
                format!("the page's `{}` is not an array", self.items)
            } else {
                format!("the page has no `{}`", self.items)
            });
        };
        let envelope = if self.items.is_empty() {
            Value::Null
        } else {
            Value::Object(envelope)
        };
        self.check_envelope(&envelope)?;
        Ok((items, envelope))
    }

    fn check_envelope(&self, envelope: &Value) -> Result<(), String> {
        if let Some(field) = self.required
            && envelope.pointer(field).is_none_or(Value::is_null)
        {
            return Err(format!("the page has no `{field}`"));
        }
        if let Some(More {
            flag,
            next,
            present,
            unless,
        }) = self.more
            && match envelope.pointer(flag) {
                Some(marker) if present => !marker.is_null(),
                marker if unless => marker.and_then(Value::as_bool) == Some(false),
                marker => marker.and_then(Value::as_bool) == Some(true),
            }
            && envelope
                .pointer(next)
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
        {
            return Err(format!(
                "the page says there is more (`{flag}`) but has no `{next}` to get it"
            ));
        }
        Ok(())
    }

    /// Reads only what a page says about the next one, so that it can be asked for before this
    /// page's items are decoded: for a page whose "more" flag ([`more_when`](Self::more_when)) sits
    /// after its items (`{"tickets": [...], "meta": {...}}`), the members after the items are read
    /// backwards from the end of the body without walking the items; a bare array says nothing
    /// about the next page, so only its brackets are checked (what a listing of bare arrays needs
    /// to know it reads from the answer's `Link` header, [`PeekedPage::next_link`], and from the
    /// last items, [`PeekedPage::items_from_end`]); for any other page, the whole page is checked
    /// as [`read`](Self::read) checks it, its items skipped. The items are decoded later by
    /// [`PeekedPage::read`], which also checks that the whole page says what the peek read.
    pub fn peek(&self, body: &Bytes) -> Result<PeekedPage, String> {
        if self.items.is_empty() {
            if !super::tail::is_bracketed(body, b'[', b']') {
                // Says what is wrong, as a full read would.
                self.read::<IgnoredAny>(body)?;
                return Err("the page is not a JSON array".to_owned());
            }
            return Ok(PeekedPage {
                body: body.clone(),
                envelope: Value::Null,
                from_tail: false,
                shape: *self,
                next_link: None,
            });
        }
        let tail = self.more.and_then(|More { flag, .. }| {
            let members = super::tail::members_after_last_array(body)?;
            let holder = flag.split('/').nth(1)?;
            members.contains_key(holder).then_some(members)
        });
        let (envelope, from_tail) = match tail {
            Some(members) => {
                let envelope = Value::Object(members);
                self.check_envelope(&envelope)?;
                (envelope, true)
            }
            None => (self.read::<IgnoredAny>(body)?.envelope, false),
        };
        Ok(PeekedPage {
            body: body.clone(),
            envelope,
            from_tail,
            shape: *self,
            next_link: None,
        })
    }
}

/// A page of which only the envelope has been read ([`PageShape::peek`]): enough to ask for the
/// next page; the items are decoded when [`read`](Self::read) is called.
#[derive(Clone, Debug)]
pub struct PeekedPage {
    body: Bytes,
    envelope: Value,
    /// Whether the envelope holds only the members after the items, read backwards.
    from_tail: bool,
    shape: PageShape,
    /// The URL of the answer's `Link` header with `rel="next"`.
    next_link: Option<String>,
}

impl PeekedPage {
    /// The page's body, as received.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// What the page says about the next one: the members after its items when it was peeked
    /// from the tail, else its whole envelope.
    pub fn envelope(&self) -> &Value {
        &self.envelope
    }

    pub(crate) fn with_next_link(self, next_link: Option<String>) -> Self {
        Self { next_link, ..self }
    }

    /// The URL the answer's `Link` header gives the next page (`Link: <https://…?page=3>;
    /// rel="next"`), the way providers that page bare arrays say there is more.
    pub fn next_link(&self) -> Option<&str> {
        self.next_link.as_deref()
    }

    /// The items of a bare-array page as JSON text, last first, read backwards without walking
    /// the items before them: what a listing needs from the end of a page (the newest item of a
    /// page ordered by update time) before deciding on the next. Ends (`None`) after the first
    /// item; an `Err` says the page could not be read backwards (it is not a bare array, or not
    /// JSON), and ends it: [`read`](Self::read) then says what is wrong.
    pub fn items_from_end(&self) -> ItemsFromEnd<'_> {
        ItemsFromEnd {
            body: &self.body,
            at: if self.shape.items.is_empty() {
                super::tail::closing(&self.body, b']')
            } else {
                None
            },
        }
    }

    /// Reads the whole page, decoding each item into `T` (see [`PageShape::read`]). A page whose
    /// whole read does not say what the peek read (which would mean the next page was asked for
    /// from a wrong cursor) is an error.
    pub fn read<T: DeserializeOwned>(&self) -> Result<ListingPage<T>, String> {
        let page = self.shape.read::<T>(&self.body)?;
        self.agrees_with(page.envelope())?;
        Ok(page)
    }

    /// [`read`](Self::read), each item handed to `map` (its typed view and JSON, as
    /// [`ListingPage::into_items`] would give it) as soon as it is decoded, so that the typed
    /// views never wait in a vector of their own: the mapped items, or (inner `Err`) the first
    /// refusal of `map`, after which nothing more is read. The outer `Err` says the body is not a
    /// page, as for [`read`](Self::read).
    pub fn read_mapped<T: DeserializeOwned, U, E>(
        &self,
        mut map: impl FnMut(PageItem<T>) -> Result<U, E>,
    ) -> Result<Result<Vec<U>, E>, String> {
        let (items, envelope) = self.shape.read_with(&self.body, &mut map)?;
        if items.is_ok() {
            self.agrees_with(&envelope)?;
        }
        Ok(items)
    }

    /// Whether a whole read of the page says what the peek read.
    fn agrees_with(&self, whole: &Value) -> Result<(), String> {
        let agrees = match (&self.envelope, whole) {
            (Value::Object(peeked), Value::Object(whole)) if self.from_tail => peeked
                .iter()
                .all(|(key, value)| whole.get(key) == Some(value)),
            (peeked, whole) => peeked == whole,
        };
        if !agrees {
            return Err(
                "the page's members after its items read differently from the start and from the end"
                    .to_owned(),
            );
        }
        Ok(())
    }
}

/// The items of a bare-array page, last first ([`PeekedPage::items_from_end`]).
#[derive(Debug)]
pub struct ItemsFromEnd<'p> {
    body: &'p [u8],
    /// Where the `,` or `]` after the item to read next is; `None` once done or given up.
    at: Option<usize>,
}

impl<'p> Iterator for ItemsFromEnd<'p> {
    type Item = Result<&'p [u8], String>;

    fn next(&mut self) -> Option<Self::Item> {
        let at = self.at.take()?;
        match super::tail::item_before(self.body, at) {
            Some(super::tail::Before::Item { start, end, next }) => {
                self.at = next;
                Some(Ok(&self.body[start..end]))
            }
            Some(super::tail::Before::Opening) => None,
            None => Some(Err(
                "the page could not be read backwards from its last item".to_owned(),
            )),
        }
    }
}

/// The URL of the `rel="next"` link of the `Link` headers (RFC 8288), as providers that page bare
/// arrays announce a next page.
pub(crate) fn next_link(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get_all(reqwest::header::LINK)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(next_in_link_header)
}

/// The `rel="next"` target of one `Link` header value: `<url>; rel="next", <url>; rel="prev"`.
/// Targets are read between `<` and `>`, so that a comma inside one does not split it.
fn next_in_link_header(value: &str) -> Option<String> {
    let mut rest = value;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let close = after.find('>')?;
        let target = &after[..close];
        let params_and_more = &after[close + 1..];
        let params = params_and_more
            .find('<')
            .map_or(params_and_more, |next| &params_and_more[..next]);
        let is_next = params.split([';', ',']).any(|param| {
            param.trim().split_once('=').is_some_and(|(name, value)| {
                name.trim().eq_ignore_ascii_case("rel")
                    && value
                        .trim()
                        .trim_matches('"')
                        .split_ascii_whitespace()
                        .any(|rel| rel.eq_ignore_ascii_case("next"))
            })
        });
        if is_next && !target.trim().is_empty() {
            return Some(target.trim().to_owned());
        }
        rest = params_and_more;
    }
    None
}

/// The size below which an item is unusual, for guessing how many items a page holds.
const ITEM_BYTES_AT_LEAST: usize = 256;
/// The most items room is made for before any is read: the largest page providers serve.
const MAX_ITEMS_RESERVED: usize = 128;

const NOT_JSON_OBJECT: &str =
    "the answer is not JSON: an object member is not followed by `,` or `}`";

/// A walk through a page body, value by value.
struct Walk<'b> {
    body: &'b Bytes,
    /// The body as text when all of it is UTF-8 (JSON is), checked once here so that decoding
    /// does not check each string again: that check costs a sixth of decoding a ticket.
    text: Option<&'b str>,
    at: usize,
}

impl Walk<'_> {
    fn peek(&self) -> Option<u8> {
        self.body.get(self.at).copied()
    }

    fn next_byte(&mut self) -> Option<u8> {
        let byte = self.peek();
        self.at += 1;
        byte
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.at += 1;
        }
    }

    fn expect(&mut self, byte: u8) -> Result<(), String> {
        match self.next_byte() {
            Some(found) if found == byte => Ok(()),
            _ => Err(format!(
                "the answer is not JSON: expected `{}` at byte {}",
                char::from(byte),
                self.at - 1
            )),
        }
    }

    /// Decodes the value that starts here into `V`, moving past it.
    fn decode<V: DeserializeOwned>(&mut self) -> Option<serde_json::Result<V>> {
        let (value, length) = match self.text.and_then(|text| text.get(self.at..)) {
            Some(rest) => {
                let mut values = serde_json::Deserializer::from_str(rest).into_iter::<V>();
                (values.next()?, values.byte_offset())
            }
            None => {
                let rest = self.body.get(self.at..).unwrap_or_default();
                let mut values = serde_json::Deserializer::from_slice(rest).into_iter::<V>();
                (values.next()?, values.byte_offset())
            }
        };
        if value.is_ok() {
            self.at += length;
        }
        Some(value)
    }

    /// The value that starts here, which must be JSON of type `V`.
    fn value<V: DeserializeOwned>(&mut self) -> Result<V, String> {
        match self.decode::<V>() {
            Some(Ok(value)) => Ok(value),
            Some(Err(error)) => Err(format!("the answer is not JSON: {error}")),
            None => Err("the answer is not JSON: it ends too early".to_owned()),
        }
    }

    /// The items of the array that starts here, each handed to `map` as soon as it is decoded;
    /// the first refusal of `map` (inner `Err`) ends the walk.
    fn items<T: DeserializeOwned, U, E>(
        &mut self,
        map: &mut impl FnMut(PageItem<T>) -> Result<U, E>,
    ) -> Result<Result<Vec<U>, E>, String> {
        self.expect(b'[')?;
        // Room for a page of typical items up front: growing the vector moves every decoded item
        // again, and decoded items can be large.
        let mut items = Vec::with_capacity(
            (self.body.len().saturating_sub(self.at) / ITEM_BYTES_AT_LEAST)
                .clamp(1, MAX_ITEMS_RESERVED),
        );
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.at += 1;
            return Ok(Ok(items));
        }
        loop {
            self.skip_whitespace();
            let start = self.at;
            let decoded = match self.decode::<T>() {
                Some(Ok(item)) => Ok(item),
                // `T` refused the item: find where it ends (an item that is not JSON is no page),
                // keep it with the refusal.
                Some(Err(refusal)) => {
                    self.value::<IgnoredAny>()?;
                    Err(refusal)
                }
                None => return Err("the answer is not JSON: it ends inside the items".to_owned()),
            };
            let item = PageItem {
                raw: RawJson::from_page(self.body.slice(start..self.at)),
                decoded,
            };
            match map(item) {
                Ok(mapped) => items.push(mapped),
                Err(refusal) => return Ok(Err(refusal)),
            }
            self.skip_whitespace();
            match self.next_byte() {
                Some(b',') => {}
                Some(b']') => return Ok(Ok(items)),
                _ => {
                    return Err(
                        "the answer is not JSON: an item is not followed by `,` or `]`".to_owned(),
                    );
                }
            }
        }
    }
}

/// One item of a [`ListingPage`].
#[derive(Debug)]
pub struct PageItem<T> {
    /// The item's JSON, as the provider sent it.
    pub raw: RawJson,
    /// The item decoded into the page's typed view, or why that view refused it.
    pub decoded: Result<T, serde_json::Error>,
}

impl<T> PageItem<T> {
    /// The typed view and the JSON; an item the view refused is a decode error naming it (see
    /// [`json::misshapen`](crate::kit::json::misshapen)), `what` (`ticket`) saying what it is.
    pub fn into_native(
        self,
        provider: &'static str,
        operation: crate::Operation,
        what: &str,
    ) -> Result<(T, RawJson), crate::Error> {
        match self.decoded {
            Ok(native) => Ok((native, self.raw)),
            Err(refusal) => Err(crate::kit::json::misshapen(
                provider,
                operation,
                what,
                self.raw.value(),
                &refusal,
            )),
        }
    }
}

/// One listing page, read by [`PageShape::read`]: its items, in order, and everything else on the
/// page (counts, cursors, links) as a value.
#[derive(Debug)]
pub struct ListingPage<T = IgnoredAny> {
    items: Vec<PageItem<T>>,
    envelope: Value,
    /// What the page's shape calls one item ([`PageShape::item`]).
    noun: &'static str,
}

impl<T> ListingPage<T> {
    /// The items.
    pub fn items(&self) -> &[PageItem<T>] {
        &self.items
    }

    /// The items, owned: mapping moves each into its canonical object.
    pub fn into_items(self) -> Vec<PageItem<T>> {
        self.items
    }

    /// Each item's typed view and JSON; an item the view refused is a decode error naming it as the
    /// page's shape names its items (see [`PageItem::into_native`]).
    pub fn into_natives(
        self,
        provider: &'static str,
        operation: crate::Operation,
    ) -> Result<Vec<(T, RawJson)>, crate::Error> {
        let noun = self.noun;
        crate::kit::map_each(self.items, |item| {
            item.into_native(provider, operation, noun)
        })
    }

    /// The items' JSON, each as the provider sent it.
    pub fn into_raws(self) -> Vec<RawJson> {
        self.items.into_iter().map(|item| item.raw).collect()
    }

    /// The items' JSON as values, for mapping that reads them field by field.
    pub fn into_values(self) -> Vec<Value> {
        self.items
            .into_iter()
            .map(|item| item.raw.into_value())
            .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_content_is_an_empty_page_only_where_the_listing_says_so() {
        let shape = PageShape::items_at("data").empty_when_no_content();
        assert!(shape.is_no_content(204, b""));
        assert!(!shape.is_no_content(200, b""));
        assert!(!shape.is_no_content(204, b"{\"data\":[1]}"));
        assert!(!PageShape::items_at("data").is_no_content(204, b""));
        let page = shape.empty_page::<Value>();
        assert!(page.is_empty());
        assert!(page.envelope().is_object());
        // An empty 200 is still not a page.
        assert!(shape.read::<Value>(&Bytes::new()).is_err());
    }
    use serde_json::json;

    const TICKETS: PageShape =
        PageShape::items_at("tickets").more_when("/meta/has_more", "/meta/after_cursor");

    fn read(shape: PageShape, page: &str) -> Result<ListingPage, String> {
        shape.read(&Bytes::copy_from_slice(page.as_bytes()))
    }

    #[test]
    fn a_done_flag_that_is_false_says_there_is_more() {
        const QUERY: PageShape = PageShape::items_at("records")
            .requires("/done")
            .more_unless("/done", "/nextRecordsUrl");
        let more = read(
            QUERY,
            r#"{"totalSize": 3, "done": false, "nextRecordsUrl": "/q/01g-2", "records": [{}, {}]}"#,
        )
        .expect("a page");
        assert_eq!(more.len(), 2);
        assert!(read(QUERY, r#"{"totalSize": 1, "done": true, "records": [{}]}"#).is_ok());
        for (bad, why) in [
            (r#"{"records": []}"#, "the page has no `/done`"),
            (
                r#"{"done": false, "records": []}"#,
                "the page says there is more (`/done`) but has no `/nextRecordsUrl` to get it",
            ),
            (
                r#"{"done": true, "records": null}"#,
                "the page's `records` is not an array",
            ),
        ] {
            assert_eq!(read(QUERY, bad).unwrap_err(), why, "{bad}");
        }
    }

    #[test]
    fn a_next_object_says_there_is_more() {
        const SEARCH: PageShape = PageShape::items_at("tickets")
            .more_when_present("/pages/next", "/pages/next/starting_after");
        let more = read(
            SEARCH,
            r#"{"tickets": [], "pages": {"next": {"per_page": 2, "starting_after": "WzE="}}}"#,
        )
        .expect("a page");
        assert_eq!(
            more.envelope().pointer("/pages/next/starting_after"),
            Some(&json!("WzE="))
        );
        for last in [
            r#"{"tickets": [], "pages": {"page": 1}}"#,
            r#"{"tickets": [], "pages": {"next": null}}"#,
            r#"{"tickets": []}"#,
        ] {
            assert!(read(SEARCH, last).is_ok(), "{last}");
        }
        for bad in [
            r#"{"tickets": [], "pages": {"next": {"per_page": 2}}}"#,
            r#"{"tickets": [], "pages": {"next": {"starting_after": ""}}}"#,
            r#"{"tickets": [], "pages": {"next": "x"}}"#,
        ] {
            let problem = read(SEARCH, bad).unwrap_err();
            assert!(
                problem.contains("`/pages/next/starting_after`"),
                "{bad}: {problem}"
            );
        }
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
        let last = read(
            TICKETS,
            r#" {"tickets": [ ], "meta": {"has_more": false}} "#,
        )
        .expect("a page");
        assert!(last.is_empty());
        assert!(!good.is_empty());
        assert!(read(TICKETS, r#"{"tickets": []}"#).is_ok());
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
            ("   ", "not JSON"),
            ("not json", "not JSON"),
            (r#"{"tickets": [1, 2"#, "not JSON"),
            (r#"{"tickets": [1 2]}"#, "not JSON"),
            (r#"{"tickets": [{"id": 1]}"#, "not JSON"),
            (r#"{"tickets": [] "meta": 1}"#, "not JSON"),
            (r#"{"tickets": []} trailing"#, "not JSON"),
            (r#"{"tickets": [], }"#, "not JSON"),
            (r#"{"tickets" []}"#, "not JSON"),
            (r#"{"tickets"=[]}"#, "not JSON"),
            (r#"{"tickets":[{"id":1}=]}"#, "not JSON"),
            (r#"{7: []}"#, "not JSON"),
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
        assert_eq!(
            read(PageShape::bare_array(), "{}").err().as_deref(),
            Some("the page is not a JSON array")
        );
        assert!(read(PageShape::bare_array(), "null").is_err());
        assert!(read(PageShape::bare_array(), "[1,]").is_err());
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
        let texts: Vec<String> = page
            .items()
            .iter()
            .map(|item| item.raw.to_string())
            .collect();
        assert_eq!(texts, [r#"{"id":1, "b": [true]}"#, r#"{"id": 2}"#]);
        assert_eq!(
            page.envelope(),
            &json!({"count": 2, "meta": {"has_more": false}})
        );
        assert_eq!(page.into_raws()[1], json!({"id": 2}));
        let bare =
            read(PageShape::bare_array().item("ticket"), r#"[{"id": "x"}]"#).expect("a page");
        assert_eq!(bare.envelope(), &Value::Null);
        assert_eq!(bare.items()[0].raw.to_string(), r#"{"id": "x"}"#);
        assert_eq!(PageShape::bare_array().item("ticket").item_noun(), "ticket");
        assert_eq!(TICKETS.item_noun(), "item");
    }

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Ticket {
        id: u64,
        priority: Option<String>,
    }

    #[test]
    fn items_are_decoded_as_they_are_read_and_a_refused_one_is_kept_with_its_refusal() {
        let body = r#"{"tickets": [{"id": 7, "priority": "high"}, {"id": 8, "priority": 5, "x": [{}]},
            {"id": 9}], "meta": {"has_more": false}}"#;
        let page: ListingPage<Ticket> = TICKETS
            .read(&Bytes::copy_from_slice(body.as_bytes()))
            .expect("a page");
        let natives = TICKETS
            .item("ticket")
            .read::<Ticket>(&Bytes::copy_from_slice(body.as_bytes()))
            .expect("a page")
            .into_natives("test", crate::Operation::ListTickets);
        let refused = natives.expect_err("ticket 8 is refused");
        assert!(
            refused
                .to_string()
                .contains("a test ticket 8 did not have its documented shape"),
            "{refused}"
        );
        let fine = r#"{"tickets": [{"id": 7}], "meta": {"has_more": false}}"#;
        let natives = TICKETS
            .read::<Ticket>(&Bytes::copy_from_slice(fine.as_bytes()))
            .expect("a page")
            .into_natives("test", crate::Operation::ListTickets)
            .expect("natives");
        assert_eq!(natives.len(), 1);
        assert_eq!(natives[0].0.id, 7);
        assert_eq!(natives[0].1, json!({"id": 7}));
        let items = page.into_items();
        assert_eq!(items.len(), 3);
        assert_eq!(
            items[0].decoded.as_ref().ok(),
            Some(&Ticket {
                id: 7,
                priority: Some("high".into())
            })
        );
        let refusal = items[1].decoded.as_ref().expect_err("refused");
        assert!(refusal.to_string().contains("invalid type"), "{refusal}");
        assert_eq!(
            items[1].raw.to_string(),
            r#"{"id": 8, "priority": 5, "x": [{}]}"#
        );
        assert_eq!(items[2].decoded.as_ref().map(|t| t.id).ok(), Some(9));
        // A refused item that is not JSON is no page.
        let broken = r#"{"tickets": [{"id": 8, "priority": 5, "x": [}]}"#;
        assert!(
            TICKETS
                .read::<Ticket>(&Bytes::copy_from_slice(broken.as_bytes()))
                .is_err()
        );
    }

    #[test]
    fn a_body_that_is_not_all_utf8_reads_as_before_string_by_string() {
        // A stray byte in a member no item type reads is carried as sent; one in a string an item
        // type reads refuses that item alone.
        let mut body = br#"{"tickets": [{"id": 7, "note": "caf"#.to_vec();
        body.push(0xE9);
        body.extend_from_slice(br#""}, {"id": 8, "priority": ""#);
        body.push(0xFF);
        body.extend_from_slice(br#""}, {"id": 9, "priority": "low"}], "meta": {}}"#);
        let items = TICKETS
            .read::<Ticket>(&Bytes::from(body))
            .expect("a page")
            .into_items();
        assert_eq!(items.len(), 3);
        assert_eq!(items[0].decoded.as_ref().map(|t| t.id).ok(), Some(7));
        assert!(items[1].decoded.is_err());
        assert_eq!(
            items[2].decoded.as_ref().ok(),
            Some(&Ticket {
                id: 9,
                priority: Some("low".into())
            })
        );
    }

    #[test]
    fn a_peek_reads_the_cursor_after_the_items_and_the_items_later() {
        let shape =
            PageShape::items_at("tickets").more_when("/meta/has_more", "/meta/after_cursor");
        let body = Bytes::from_static(
            br#"{"count": 2, "tickets": [{"id": 7, "priority": "high"}, {"id": 8}], "meta": {"has_more": true, "after_cursor": "c2"}}"#,
        );
        let peeked = shape.peek(&body).expect("a peek");
        assert_eq!(peeked.body(), &body[..]);
        assert_eq!(
            peeked.envelope(),
            &json!({"meta": {"has_more": true, "after_cursor": "c2"}})
        );
        let page = peeked.read::<Ticket>().expect("a page");
        assert_eq!(page.len(), 2);
        assert_eq!(page.items()[0].decoded.as_ref().ok().map(|t| t.id), Some(7));
        // The cursor before the items: the whole page is read to find it.
        let first = Bytes::from_static(
            br#"{"count": 1, "meta": {"has_more": false}, "tickets": [{"id": 1}]}"#,
        );
        let peeked = shape.peek(&first).expect("a peek");
        assert_eq!(
            peeked.envelope(),
            &json!({"count": 1, "meta": {"has_more": false}})
        );
        assert_eq!(peeked.read::<Ticket>().expect("a page").len(), 1);
        // What a page must say is checked on the peek.
        let no_cursor = Bytes::from_static(br#"{"tickets": [], "meta": {"has_more": true}}"#);
        assert!(
            shape
                .peek(&no_cursor)
                .unwrap_err()
                .contains("has no `/meta/after_cursor`")
        );
        // A page broken before its last members is found by the read.
        let broken =
            Bytes::from_static(br#"{"tickets": [{"id": 1}, }], "meta": {"has_more": false}}"#);
        let peeked = shape.peek(&broken).expect("the tail reads");
        assert!(peeked.read::<Ticket>().is_err());
    }

    #[test]
    fn a_mapped_read_maps_each_item_as_read_would_give_it_and_stops_at_a_refusal() {
        let shape =
            PageShape::items_at("tickets").more_when("/meta/has_more", "/meta/after_cursor");
        let body = Bytes::from_static(
            br#"{"tickets": [{"id": 7}, {"id": "x"}, {"id": 9}], "meta": {"has_more": true, "after_cursor": "c2"}}"#,
        );
        let peeked = shape.peek(&body).expect("a peek");
        let read: Vec<(String, Option<u64>)> = peeked
            .read::<Ticket>()
            .expect("a page")
            .into_items()
            .into_iter()
            .map(|item| (item.raw.to_string(), item.decoded.ok().map(|t| t.id)))
            .collect();
        let mut seen = Vec::new();
        let mapped = peeked
            .read_mapped(|item: PageItem<Ticket>| {
                seen.push((item.raw.to_string(), item.decoded.ok().map(|t| t.id)));
                Ok::<_, ()>(seen.len())
            })
            .expect("a page");
        assert_eq!(mapped, Ok(vec![1, 2, 3]));
        assert_eq!(seen, read);

        // The first refusal is the answer; nothing after it is handed over.
        let mut handed = 0;
        let refused = peeked
            .read_mapped(|item: PageItem<Ticket>| {
                handed += 1;
                item.decoded.map(|t| t.id).map_err(|_| "no id")
            })
            .expect("a page");
        assert_eq!((refused, handed), (Err("no id"), 2));

        // A body that is not a page is the outer error, whatever the mapping.
        let broken =
            Bytes::from_static(br#"{"tickets": [{"id": 1}, }], "meta": {"has_more": false}}"#);
        let peeked = shape.peek(&broken).expect("the tail reads");
        assert!(peeked.read_mapped(Ok::<PageItem<Ticket>, ()>).is_err());
        // So is a page whose whole read says otherwise than its peek.
        let peeked = shape.peek(&body).expect("a peek");
        let other = Bytes::from_static(br#"{"tickets": [{"id": 7}], "meta": {"has_more": false}}"#);
        let disagreeing = PeekedPage {
            body: other,
            ..peeked
        };
        let problem = disagreeing
            .read_mapped(Ok::<PageItem<Ticket>, ()>)
            .unwrap_err();
        assert!(problem.contains("read differently"), "{problem}");
    }

    #[test]
    fn a_bare_array_is_peeked_by_its_brackets_and_read_from_its_end() {
        let shape = PageShape::bare_array().item("ticket");
        let body = Bytes::from_static(
            br#" [{"id": 7, "s": "]\"}{"}, 3 ,{"id": 9, "t": [{"a": "\\"}]} ] "#,
        );
        let peeked = shape.peek(&body).expect("a peek");
        assert_eq!(peeked.envelope(), &Value::Null);
        assert_eq!(peeked.next_link(), None);
        let from_end: Vec<&[u8]> = peeked
            .items_from_end()
            .collect::<Result<_, _>>()
            .expect("readable backwards");
        let page = peeked.read::<IgnoredAny>().expect("a page");
        let forward: Vec<String> = page.items().iter().map(|i| i.raw.to_string()).collect();
        let backward: Vec<String> = from_end
            .iter()
            .rev()
            .map(|text| {
                RawJson::from_text(std::str::from_utf8(text).unwrap())
                    .unwrap()
                    .to_string()
            })
            .collect();
        assert_eq!(backward, forward);
        assert_eq!(from_end[0], br#"{"id": 9, "t": [{"a": "\\"}]}"#);

        for empty in [&b"[]"[..], b" [ \n] "] {
            let peeked = shape.peek(&Bytes::copy_from_slice(empty)).expect("a peek");
            assert!(peeked.items_from_end().next().is_none(), "{empty:?}");
        }
        // What is not an array is refused by the peek, with what a read would say.
        for (body, problem) in [
            (&br#"{"tickets": []}"#[..], "not a JSON array"),
            (b"[1, 2", "not JSON"),
            (b"", "not JSON"),
        ] {
            let refused = shape.peek(&Bytes::copy_from_slice(body)).unwrap_err();
            assert!(refused.contains(problem), "{refused}");
        }
        // Items broken before the end are found by the read, and by the backward walk when it
        // reaches them.
        let broken = Bytes::from_static(br#"[{"id": 1}, , {"id": 2}]"#);
        let peeked = shape.peek(&broken).expect("the brackets are there");
        let mut from_end = peeked.items_from_end();
        assert_eq!(from_end.next(), Some(Ok(&br#"{"id": 2}"#[..])));
        assert!(matches!(from_end.next(), Some(Err(_))));
        assert_eq!(from_end.next(), None);
        assert!(peeked.read::<IgnoredAny>().is_err());
    }

    #[test]
    fn the_next_link_is_the_target_whose_rel_is_next() {
        for (header, next) in [
            (
                r#"<https://a.example/api/v2/tickets?page=2>; rel="next""#,
                Some("https://a.example/api/v2/tickets?page=2"),
            ),
            (
                r#"<https://a.example/x?page=1>; rel="prev", <https://a.example/x?q=a,b&page=3>; rel="next""#,
                Some("https://a.example/x?q=a,b&page=3"),
            ),
            (
                r#"<https://a.example/x?page=3>;rel=next"#,
                Some("https://a.example/x?page=3"),
            ),
            (
                r#"<https://a.example/x?page=3>; title="a, b"; REL="last next""#,
                Some("https://a.example/x?page=3"),
            ),
            (r#"<https://a.example/x?page=1>; rel="prev""#, None),
            (r#"<https://a.example/x?page=9>; rel="nextpage""#, None),
            (r#"<>; rel="next""#, None),
            ("https://a.example/x; rel=next", None),
            ("", None),
        ] {
            let mut headers = reqwest::header::HeaderMap::new();
            headers.insert(reqwest::header::LINK, header.parse().unwrap());
            assert_eq!(next_link(&headers).as_deref(), next, "{header}");
        }
        let mut headers = reqwest::header::HeaderMap::new();
        headers.append(
            reqwest::header::LINK,
            r#"<https://a.example/1>; rel="prev""#.parse().unwrap(),
        );
        headers.append(
            reqwest::header::LINK,
            r#"<https://a.example/3>; rel="next""#.parse().unwrap(),
        );
        assert_eq!(
            next_link(&headers).as_deref(),
            Some("https://a.example/3"),
            "several headers"
        );
        assert_eq!(next_link(&reqwest::header::HeaderMap::new()), None);
    }

    proptest::proptest! {
        /// Any bytes at all, and any cut or corruption of a real page, read as a page or as a
        /// problem: never a panic, and every item read is JSON.
        #[test]
        fn any_answer_is_a_page_or_a_problem(
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..200),
            cut in 0usize..140,
            at in 0usize..140,
            byte in proptest::num::u8::ANY,
        ) {
            let page = br#"{"tickets": [{"id": 7, "priority": "high"}, {"id": 8, "tags": ["a", {"b": [1.5e3]}]}, 3], "meta": {"has_more": false}}"#;
            let mut corrupt = page.to_vec();
            if let Some(slot) = corrupt.get_mut(at) {
                *slot = byte;
            }
            for body in [bytes, page[..cut.min(page.len())].to_vec(), corrupt] {
                let body = Bytes::from(body);
                for shape in [TICKETS, PageShape::bare_array()] {
                    if let Ok(read) = shape.read::<Ticket>(&body) {
                        for item in read.items() {
                            proptest::prop_assert!(
                                serde_json::from_str::<Value>(&item.raw.to_string()).is_ok()
                            );
                        }
                    }
                    let _ = shape.read::<IgnoredAny>(&body);
                }
            }
        }

        /// Any cut or corruption of a bare array: read backwards, it never panics, and whatever it
        /// reads agrees with a forward read of a well-formed page.
        #[test]
        fn a_bare_array_reads_the_same_from_its_end(
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..100),
            cut in 0usize..120,
            at in 0usize..120,
            byte in proptest::sample::select(b"[]{},:\"\\ a1".to_vec()),
        ) {
            let page = br#"[{"id": 7, "s": "]\",{"}, {"id": 8, "tags": ["a", {"b": [1.5e3]}]}, 3, "x\\"]"#;
            let mut corrupt = page.to_vec();
            if let Some(slot) = corrupt.get_mut(at) {
                *slot = byte;
            }
            let cut = cut.min(page.len());
            for body in [bytes, page[..cut].to_vec(), page[cut..].to_vec(), corrupt] {
                let body = Bytes::from(body);
                let Ok(peeked) = PageShape::bare_array().peek(&body) else { continue };
                let backward: Result<Vec<&[u8]>, String> = peeked.items_from_end().collect();
                let forward = PageShape::bare_array().read::<IgnoredAny>(&body);
                if let (Ok(backward), Ok(forward)) = (backward, forward) {
                    let forward: Vec<Value> =
                        forward.items().iter().map(|i| i.raw.value().clone()).collect();
                    let backward: Vec<Value> = backward
                        .iter()
                        .rev()
                        .map(|text| serde_json::from_slice(text).unwrap())
                        .collect();
                    proptest::prop_assert_eq!(forward, backward);
                }
            }
        }
    }
}
