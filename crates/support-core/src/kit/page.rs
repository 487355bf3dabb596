//! What a listing page must hold to be a page: its items, present and an array, and a way to the next
//! page whenever it says there is one.
//!
//! A listing hands its [`PageShape`] to [`HttpRuntime::run_page`](crate::http::HttpRuntime::run_page):
//! the runtime checks every successful answer against it inside its retry loop, so that a read that
//! gets a well-formed body which is not a page (`{}`, `{"error":"TemporarilyUnavailable"}`, items
//! `null`, "more" without a cursor) retries it like any transient failure, then fails with
//! [`ErrorKind::Decode`](crate::ErrorKind::Decode) naming the operation, with an excerpt. A listing
//! therefore never ends early, or skips a page, because a body was well-formed but wrong.
//!
//! A page that is complete but that the listing's typed page refuses because of one of its items (a
//! field of another type, `"id": "eight"`) fails with `Decode` naming that item (`a zendesk ticket 8
//! did not have its documented shape: ...`, worded as [`kit::json::decode`](crate::kit::json::decode)
//! words it) with an excerpt of the item: the runtime finds it with [`PageShape::culprit`], which
//! tries the typed page with each item alone, so every listing names its items without a schema of
//! its own.

use serde::de::DeserializeOwned;
use serde_json::Value;

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

    /// Checks a page: `Err` says what is wrong with it.
    pub fn check(&self, page: &Value) -> Result<(), String> {
        let items = if self.items.is_empty() {
            page
        } else {
            match page.get(self.items) {
                Some(items) => items,
                None if page.is_object() => {
                    return Err(format!("the page has no `{}`", self.items));
                }
                None => return Err("the page is not a JSON object".into()),
            }
        };
        if !items.is_array() {
            return Err(match self.items {
                "" => "the page is not a JSON array".to_owned(),
                key => format!("the page's `{key}` is not an array"),
            });
        }
        if let Some(field) = self.required
            && page.pointer(field).is_none_or(Value::is_null)
        {
            return Err(format!("the page has no `{field}`"));
        }
        if let Some(More { flag, next }) = self.more
            && page.pointer(flag).and_then(Value::as_bool) == Some(true)
            && page
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

    /// The items of a page that passed [`check`](Self::check).
    pub fn items<'a>(&self, page: &'a Value) -> &'a [Value] {
        let items = if self.items.is_empty() {
            Some(page)
        } else {
            page.get(self.items)
        };
        items.and_then(Value::as_array).map_or(&[], Vec::as_slice)
    }

    /// The first item of a complete `page` because of which the typed page `T` refuses it, with
    /// the typed page's error for that item alone; `None` when `T` refuses the page even without
    /// items (the fault is elsewhere), or refuses no item alone.
    pub fn culprit<'a, T: DeserializeOwned>(
        &self,
        page: &'a Value,
    ) -> Option<(&'a Value, serde_json::Error)> {
        let alone = |items: Vec<Value>| -> Value {
            if self.items.is_empty() {
                return Value::Array(items);
            }
            let mut page = page.clone();
            if let Some(slot) = page.get_mut(self.items) {
                *slot = Value::Array(items);
            }
            page
        };
        if self.check(page).is_err() || T::deserialize(alone(Vec::new())).is_err() {
            return None;
        }
        self.items(page).iter().find_map(|item| {
            T::deserialize(alone(vec![item.clone()]))
                .err()
                .map(|error| (item, error))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const TICKETS: PageShape =
        PageShape::items_at("tickets").more_when("/meta/has_more", "/meta/after_cursor");

    #[test]
    fn a_page_is_complete_or_it_is_an_error() {
        let good = json!({"tickets": [{"id": 1}], "meta": {"has_more": true, "after_cursor": "a"}});
        assert_eq!(TICKETS.check(&good), Ok(()));
        assert_eq!(TICKETS.items(&good).len(), 1);
        let last = json!({"tickets": [], "meta": {"has_more": false}});
        assert_eq!(TICKETS.check(&last), Ok(()));
        for bad in [
            json!({}),
            json!({"error": "TemporarilyUnavailable"}),
            json!({"tickets": null, "meta": {"has_more": false}}),
            json!({"tickets": {}, "meta": {"has_more": false}}),
            json!({"tickets": [], "meta": {"has_more": true}}),
            json!({"tickets": [], "meta": {"has_more": true, "after_cursor": ""}}),
            json!({"tickets": [], "meta": {"has_more": true, "after_cursor": null}}),
            json!([]),
            Value::Null,
        ] {
            assert!(TICKETS.check(&bad).is_err(), "{bad} passed");
        }
        assert_eq!(PageShape::bare_array().check(&json!([1, 2])), Ok(()));
        assert!(PageShape::bare_array().check(&json!({})).is_err());
        assert!(PageShape::bare_array().check(&Value::Null).is_err());
        let search = PageShape::items_at("results").requires("/total");
        assert_eq!(search.check(&json!({"results": [], "total": 0})), Ok(()));
        assert!(search.check(&json!({"results": []})).is_err());
    }

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Ticket {
        id: u64,
        priority: Option<String>,
    }

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Tickets {
        tickets: Vec<Ticket>,
        count: u64,
    }

    #[test]
    fn the_item_a_typed_page_refuses_is_found() {
        let page = json!({"tickets": [
            {"id": 7, "priority": "high"}, {"id": 8, "priority": 5}, {"id": 9, "priority": 6}
        ], "count": 3});
        let (item, error) = TICKETS.culprit::<Tickets>(&page).expect("a culprit");
        assert_eq!(item["id"], 8);
        assert!(error.to_string().contains("invalid type"), "{error}");
        // The page itself is wrong elsewhere: no item is blamed.
        let elsewhere = json!({"tickets": [{"id": 8, "priority": 5}], "count": "three"});
        assert!(TICKETS.culprit::<Tickets>(&elsewhere).is_none());
        // Not a page, or nothing wrong with any item.
        assert!(TICKETS.culprit::<Tickets>(&json!({})).is_none());
        let fine = json!({"tickets": [{"id": 7}], "count": 1});
        assert!(TICKETS.culprit::<Tickets>(&fine).is_none());
        let bare = json!([{"id": 7}, {"id": "eight"}]);
        let (item, _) = PageShape::bare_array()
            .item("ticket")
            .culprit::<Vec<Ticket>>(&bare)
            .expect("a culprit");
        assert_eq!(item["id"], "eight");
        assert_eq!(PageShape::bare_array().item("ticket").item_noun(), "ticket");
        assert_eq!(TICKETS.item_noun(), "item");
    }
}
