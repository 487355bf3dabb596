//! One page of a list operation and the cursor to the next.

use std::any::Any;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize, de::DeserializeOwned};

use crate::error::{Error, ErrorKind};

/// An opaque position in a listing.
///
/// Callers treat it as a token: store it (it serialises to a string), hand it back in the next query's
/// [`PageRequest`], and resume in another process or on another machine. Adapters encode whatever the
/// provider needs (a cursor token, an offset, a next-page URL) with [`Cursor::encode`].
///
/// Equality, hashing, `Debug` and serialisation see the token only.
#[derive(Clone)]
pub struct Cursor {
    token: String,
    /// The typed state a cursor written by [`Cursor::of`] was written from, so that a listing that
    /// reads its own cursor back in the same process does not decode the token again; a cursor
    /// read from its token has none.
    written_from: Option<Arc<dyn Any + Send + Sync>>,
}

/// The state a cursor was written from, and for which provider.
struct WrittenFrom<S> {
    provider: Box<str>,
    state: S,
}

impl PartialEq for Cursor {
    fn eq(&self, other: &Self) -> bool {
        self.token == other.token
    }
}

impl Eq for Cursor {}

impl std::hash::Hash for Cursor {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.token.hash(state);
    }
}

impl std::fmt::Debug for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Cursor").field(&self.token).finish()
    }
}

impl Serialize for Cursor {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.token.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Cursor {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Cursor::new)
    }
}

impl Cursor {
    /// Wraps a token verbatim.
    pub fn new(token: impl Into<String>) -> Self {
        Self {
            token: token.into(),
            written_from: None,
        }
    }

    /// The token.
    pub fn as_str(&self) -> &str {
        &self.token
    }

    /// Encodes structured state as a URL-safe token.
    pub fn encode<T: Serialize>(state: &T) -> Self {
        // Serialising plain data structures to JSON cannot fail; an empty token would be rejected on decode.
        let json = serde_json::to_vec(state).unwrap_or_default();
        Self::new(URL_SAFE_NO_PAD.encode(json))
    }

    /// Decodes state written by [`Cursor::encode`]; a foreign or damaged token is an invalid-input error.
    pub fn decode<T: DeserializeOwned>(&self, provider: &'static str) -> Result<T, Error> {
        URL_SAFE_NO_PAD
            .decode(self.token.as_bytes())
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .ok_or_else(|| {
                Error::new(ErrorKind::InvalidInput, provider).with_message(
                    "the cursor was not issued by this adapter for this listing; start again without a cursor",
                )
            })
    }
}

/// Typed state of one listing, carried inside a [`Cursor`]: a serde struct per listing, named by
/// [`ListingState::LISTING`], written with [`Cursor::of`] and read back with [`Cursor::state`].
///
/// ```
/// use serde::{Deserialize, Serialize};
/// use support_core::page::ListingState;
/// use support_core::{Cursor, ErrorKind, Operation};
///
/// #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
/// struct AgentPage {
///     page: u32,
/// }
/// impl ListingState for AgentPage {
///     const LISTING: &'static str = "agents";
/// }
///
/// let op = Operation::ListAgents;
/// let cursor = Cursor::of("acme", &AgentPage { page: 3 });
/// assert_eq!(Cursor::state::<AgentPage>(Some(&cursor), "acme", op)?, Some(AgentPage { page: 3 }));
/// // Another provider's adapter refuses it.
/// let err = Cursor::state::<AgentPage>(Some(&cursor), "other", op).unwrap_err();
/// assert_eq!(err.kind(), &ErrorKind::InvalidInput);
/// # Ok::<(), support_core::Error>(())
/// ```
pub trait ListingState: Serialize + DeserializeOwned + Clone + Send + Sync + 'static {
    /// The listing's name, unique within one provider (`"tickets"`, `"agents"`).
    const LISTING: &'static str;
}

/// What a listing cursor holds: who issued it, for which listing, and the listing's own state.
#[derive(Serialize)]
struct Tagged<'a, T> {
    p: &'a str,
    l: &'a str,
    s: &'a T,
}

#[derive(Deserialize)]
struct TaggedOwned {
    p: String,
    l: String,
    s: serde_json::Value,
}

impl Cursor {
    /// Encodes `provider`'s state for one named listing (`"tickets"`, `"agents"`, ...), so that a
    /// cursor handed to another listing, or to another provider's adapter, is refused rather than
    /// followed.
    pub fn for_listing<T: Serialize>(provider: &str, listing: &str, state: &T) -> Self {
        Self::encode(&Tagged {
            p: provider,
            l: listing,
            s: state,
        })
    }

    /// The state a cursor written by [`Cursor::for_listing`] holds for `provider`'s `listing`, or
    /// `None` without a cursor. A cursor of another provider or listing, or not issued by an
    /// adapter, is invalid input naming the operation.
    pub fn listing_state<T: DeserializeOwned>(
        cursor: Option<&Cursor>,
        provider: &'static str,
        operation: crate::Operation,
        listing: &str,
    ) -> Result<Option<T>, Error> {
        let Some(cursor) = cursor else {
            return Ok(None);
        };
        let refuse = |message: String| {
            Error::new(ErrorKind::InvalidInput, provider)
                .with_operation(operation)
                .with_message(message)
        };
        let tagged: TaggedOwned = cursor
            .decode(provider)
            .map_err(|e| e.with_operation(operation))?;
        if tagged.p != provider {
            return Err(refuse(format!(
                "this cursor was issued by the {} adapter, not {provider}; start again without a cursor",
                tagged.p
            )));
        }
        if tagged.l != listing {
            return Err(refuse(format!(
                "this cursor belongs to a {} listing, not {listing}; start again without a cursor",
                tagged.l
            )));
        }
        T::deserialize(&tagged.s).map(Some).map_err(|_| {
            refuse(format!(
                "this {listing} cursor is damaged; start again without a cursor"
            ))
        })
    }

    /// A cursor holding typed listing state: [`Cursor::for_listing`] named by the state's type.
    pub fn of<S: ListingState>(provider: &str, state: &S) -> Self {
        let mut cursor = Self::for_listing(provider, S::LISTING, state);
        cursor.written_from = Some(Arc::new(WrittenFrom {
            provider: provider.into(),
            state: state.clone(),
        }));
        cursor
    }

    /// The typed state a cursor written by [`Cursor::of`] holds, or `None` without a cursor; see
    /// [`Cursor::listing_state`] for what is refused.
    pub fn state<S: ListingState>(
        cursor: Option<&Cursor>,
        provider: &'static str,
        operation: crate::Operation,
    ) -> Result<Option<S>, Error> {
        let written_from = cursor
            .and_then(|c| c.written_from.as_deref())
            .and_then(|held| held.downcast_ref::<WrittenFrom<S>>())
            .filter(|held| *held.provider == *provider);
        if let Some(held) = written_from {
            return Ok(Some(held.state.clone()));
        }
        Self::listing_state(cursor, provider, operation, S::LISTING)
    }
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.token)
    }
}

/// Which page to fetch and how large.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRequest {
    /// Items per page; the adapter clamps it to what the provider allows and uses the provider's default
    /// when `None`.
    pub limit: Option<u32>,
    /// Where to continue; `None` starts at the beginning.
    pub cursor: Option<Cursor>,
}

impl PageRequest {
    /// The limit clamped to `1..=max`, or `default` when unset.
    pub fn limit_or(&self, default: u32, max: u32) -> u32 {
        self.limit.unwrap_or(default).clamp(1, max.max(1))
    }
}

/// One page of results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    /// The items on this page.
    pub items: Vec<T>,
    /// The cursor of the next page; `None` on the last page.
    pub next: Option<Cursor>,
}

impl<T> Page<T> {
    /// A page with a continuation.
    pub fn new(items: Vec<T>, next: Option<Cursor>) -> Self {
        Self { items, next }
    }

    /// The final page.
    pub fn last(items: Vec<T>) -> Self {
        Self { items, next: None }
    }

    /// One page of items a provider returns all at once (comments embedded in their ticket, paged
    /// by the adapter): those from position `offset`, at most `limit`, and `next(position)`, the
    /// cursor to the position after them, when more follow.
    ///
    /// ```
    /// use support_core::{Cursor, Page};
    ///
    /// let page = Page::window(vec!["a", "b", "c"], 1, 1, |at| Cursor::new(at.to_string()));
    /// assert_eq!(page.items, ["b"]);
    /// assert_eq!(page.next, Some(Cursor::new("2")));
    /// assert_eq!(Page::window(vec!["a", "b", "c"], 2, 5, |_| unreachable!()).items, ["c"]);
    /// ```
    pub fn window(
        all: Vec<T>,
        offset: usize,
        limit: usize,
        next: impl FnOnce(usize) -> Cursor,
    ) -> Self {
        let total = all.len();
        let end = offset.saturating_add(limit).min(total);
        let items = all
            .into_iter()
            .skip(offset)
            .take(end.saturating_sub(offset))
            .collect();
        Self {
            items,
            next: (end < total).then(|| next(end)),
        }
    }

    /// Maps every item.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next: self.next,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_takes_its_items_and_says_where_the_next_starts() {
        let cursor = |at: usize| Cursor::new(at.to_string());
        let all = || vec![1, 2, 3, 4, 5];
        let page = Page::window(all(), 0, 2, cursor);
        assert_eq!((page.items, page.next), (vec![1, 2], Some(cursor(2))));
        let page = Page::window(all(), 2, 3, cursor);
        assert_eq!(
            (page.items, page.next),
            (vec![3, 4, 5], None),
            "the last page"
        );
        let page = Page::window(all(), 4, usize::MAX, cursor);
        assert_eq!((page.items, page.next), (vec![5], None));
        let page = Page::window(all(), 9, 2, cursor);
        assert_eq!(
            (page.items, page.next),
            (Vec::<i32>::new(), None),
            "past the end"
        );
        let page = Page::window(all(), 1, 0, cursor);
        assert_eq!((page.items, page.next), (Vec::new(), Some(cursor(1))));
    }

    #[test]
    fn encoded_cursors_round_trip_and_foreign_ones_are_invalid_input() {
        let cursor = Cursor::encode(&("after", 42u32));
        assert_eq!(
            cursor.decode::<(String, u32)>("test").unwrap(),
            ("after".into(), 42)
        );
        let err = Cursor::new("not base64 !")
            .decode::<(String, u32)>("test")
            .unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::InvalidInput);
    }

    #[test]
    fn listing_cursors_are_refused_by_other_listings() {
        let op = crate::Operation::ListTickets;
        let cursor = Cursor::for_listing("t", "agents", &7u32);
        assert_eq!(
            Cursor::listing_state::<u32>(Some(&cursor), "t", op, "agents").unwrap(),
            Some(7)
        );
        assert_eq!(
            Cursor::listing_state::<u32>(None, "t", op, "agents").unwrap(),
            None
        );
        let err = Cursor::listing_state::<u32>(Some(&cursor), "t", op, "tickets").unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::InvalidInput);
        assert_eq!(err.operation(), Some(op));
    }

    #[test]
    fn listing_cursors_are_refused_by_other_providers() {
        let op = crate::Operation::ListTickets;
        // Same listing name and state shape: only the issuer differs.
        let freshdesk = Cursor::for_listing("freshdesk", "tickets", &2u32);
        let err =
            Cursor::listing_state::<u32>(Some(&freshdesk), "zendesk", op, "tickets").unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::InvalidInput);
        assert_eq!(err.provider(), "zendesk");
        assert!(err.to_string().contains("freshdesk"), "{err}");
        // Cursors in the untagged format of earlier versions are refused too.
        let untagged = Cursor::encode(&("tickets", 2u32));
        let err =
            Cursor::listing_state::<u32>(Some(&untagged), "zendesk", op, "tickets").unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::InvalidInput);
    }

    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    struct After {
        after: String,
    }
    impl ListingState for After {
        const LISTING: &'static str = "comments";
    }

    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    struct Offset {
        page: u32,
    }
    impl ListingState for Offset {
        const LISTING: &'static str = "agents";
    }

    #[test]
    fn typed_state_round_trips_and_other_types_are_refused() {
        let op = crate::Operation::ListComments;
        let cursor = Cursor::of(
            "p",
            &After {
                after: "xyz".into(),
            },
        );
        assert_eq!(
            Cursor::state::<After>(Some(&cursor), "p", op).unwrap(),
            Some(After {
                after: "xyz".into()
            })
        );
        let err = Cursor::state::<Offset>(Some(&cursor), "p", op).unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::InvalidInput);
        // Right provider and listing, wrong shape: damaged, not followed.
        let damaged = Cursor::for_listing("p", "agents", &"seven");
        let err = Cursor::state::<Offset>(Some(&damaged), "p", op).unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::InvalidInput);
        assert_eq!(Cursor::state::<Offset>(None, "p", op).unwrap(), None);
    }

    #[test]
    fn a_cursor_read_back_in_process_says_what_its_token_says() {
        let op = crate::Operation::ListComments;
        let state = After {
            after: "xyz".into(),
        };
        let written = Cursor::of("p", &state);
        let from_token: Cursor =
            serde_json::from_value(serde_json::json!(written.as_str())).unwrap();
        assert_eq!(written, from_token);
        assert_eq!(format!("{written:?}"), format!("{from_token:?}"));
        assert_eq!(
            serde_json::to_value(&written).unwrap(),
            serde_json::json!(written.as_str())
        );
        let read = |cursor: &Cursor| Cursor::state::<After>(Some(cursor), "p", op);
        assert_eq!(read(&written).unwrap(), Some(state.clone()));
        assert_eq!(read(&from_token).unwrap(), Some(state));
        // Another provider's cursor is refused however it is held.
        for cursor in [&written, &from_token] {
            let err = Cursor::state::<After>(Some(cursor), "q", op).unwrap_err();
            assert_eq!(err.kind(), &ErrorKind::InvalidInput);
        }
    }

    #[test]
    fn limits_are_clamped() {
        let request = PageRequest {
            limit: Some(500),
            cursor: None,
        };
        assert_eq!(request.limit_or(25, 100), 100);
        assert_eq!(PageRequest::default().limit_or(25, 100), 25);
        assert_eq!(
            PageRequest {
                limit: Some(0),
                cursor: None
            }
            .limit_or(25, 100),
            1
        );
    }
}
