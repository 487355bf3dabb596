//! The adapter kernel: what every provider adapter needs and nothing about any one provider.
//!
//! - [`ClientOptions`]: the options every builder embeds (base URL, credentials, retries, timeouts,
//!   user agent, environment prefix) and the checks and wiring that turn them into a client and an
//!   [`HttpRuntime`](crate::http::HttpRuntime). [`client_option_setters!`](crate::client_option_setters)
//!   gives a builder the public setters; [`Endpoint`] is what the adapter then sends through.
//! - [`LookupCache`]: account definitions (custom statuses, ticket fields, roles, sections) read once
//!   per time to live, with one load shared by concurrent callers and failures that cannot heal soon
//!   (403, 404) remembered instead of re-requested on every page.
//! - [`json`]: accessors over a provider's JSON as received.
//! - [`html`]: plain text to HTML and back.
//! - [`answered_as_asked`]: the error for a read answered about another object than the one asked.
//! - [`applied_but_unreadable`]: the error for a write that was applied but whose result cannot be
//!   read ([`ErrorKind::OutcomeUnknown`](crate::ErrorKind::OutcomeUnknown)).
//! - [`map_each`]: a fallible map over a vector, into a vector allocated once.
//! - [`multipart`]: `multipart/form-data` bodies for uploads, held in memory or streamed.
//! - [`tag_pages`]: pages of a tag list a provider answers whole, sorted by name, resumed after one.
//! - [`page`]: what a listing page must hold ([`PageShape`](page::PageShape)), read by the runtime
//!   inside its retry loop into a [`ListingPage`](page::ListingPage) of items kept as sent.

mod endpoint;
pub mod html;
pub mod json;
mod lookup;
pub mod multipart;
mod options;
mod outcome;
pub mod page;
pub mod tag_pages;
mod tail;

pub use endpoint::Endpoint;
pub use lookup::LookupCache;
pub use options::{ClientOptions, Connection};
pub use outcome::{answered_as_asked, applied_but_unreadable};

/// Maps every item of `items` with `map`, stopping at the first error, into a vector allocated
/// once for all of them: collecting fallible results into a `Vec` cannot know their number, so it
/// grows the vector, moving every mapped object each time, and mapped objects are large.
pub fn map_each<A, B, E>(
    items: Vec<A>,
    mut map: impl FnMut(A) -> Result<B, E>,
) -> Result<Vec<B>, E> {
    let mut mapped = Vec::with_capacity(items.len());
    for item in items {
        mapped.push(map(item)?);
    }
    Ok(mapped)
}
