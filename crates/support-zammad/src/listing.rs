//! Where Zammad listings stand, one typed state per listing.
//!
//! - Unfiltered tickets walk `GET /tickets?page&per_page` (at most 100 a page, always ordered by
//!   id ascending, read from the database, so complete whatever the search index says); a page
//!   shorter than asked ends the walk. The cursor keeps the page number, the page size and the
//!   last id returned: a ticket at or before that id (pages shifted by a deletion) is never
//!   returned twice.
//! - Filtered tickets use `GET /tickets/search` (the search index) sorted by id ascending, always
//!   page 1, with `id:>{last id}` added to the query: a keyset walk, so tickets created or updated
//!   during the walk neither shift nor repeat what was returned.
//! - Articles (comments), tags and knowledge-base answers come all at once; the adapter pages them
//!   by a key (the last article id, the last tag name, the last answer id).
//! - Agents walk `GET /users/search` by page, sorted by id, skipping ids at or before the last one.

use serde::{Deserialize, Serialize};
use support_core::ListingState;

/// Unfiltered ticket listing: the next page to read.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct TicketPages {
    pub(crate) page: i64,
    pub(crate) per_page: i64,
    pub(crate) after: i64,
}

impl ListingState for TicketPages {
    const LISTING: &'static str = "tickets";
}

/// Filtered ticket listing: after which ticket id, and for which query.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct TicketSearch {
    pub(crate) query: String,
    pub(crate) after: i64,
}

impl ListingState for TicketSearch {
    const LISTING: &'static str = "ticket search";
}

/// A ticket's comments after an article id.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct CommentKey {
    pub(crate) ticket: i64,
    pub(crate) after: i64,
}

impl ListingState for CommentKey {
    const LISTING: &'static str = "comments";
}

/// Agents: the next page of the user search, after an id.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct AgentPages {
    pub(crate) page: i64,
    pub(crate) per_page: i64,
    pub(crate) after: i64,
}

impl ListingState for AgentPages {
    const LISTING: &'static str = "agents";
}

/// Knowledge-base answers after an answer id.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct AnswerKey {
    pub(crate) after: i64,
}

impl ListingState for AnswerKey {
    const LISTING: &'static str = "articles";
}
