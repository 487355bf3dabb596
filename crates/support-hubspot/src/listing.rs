//! Listing state carried in cursors.
//!
//! The unfiltered ticket listing follows HubSpot's `after` cursor. A filtered listing uses the
//! search endpoint, which answers at most 10,000 results per query (a request whose `after`
//! offset plus `limit` passes 10,000 is refused with a 400). The listing sorts by
//! `hs_lastmodifieddate` ascending and, before it would pass the cap, starts a new query whose
//! range begins at the last modification time seen, skipping the tickets of that instant it has
//! already returned: every ticket is listed once, however many match.

use serde::{Deserialize, Serialize};
use support_core::page::ListingState;

/// Items per page unless the caller asks otherwise.
pub(crate) const DEFAULT_PAGE: u32 = 50;
/// The largest page `GET /crm/v3/objects/tickets` and `/crm/v3/owners` answer.
pub(crate) const MAX_PAGE: u32 = 100;
/// The largest page the search endpoint answers.
pub(crate) const MAX_SEARCH_PAGE: u32 = 200;
/// The most results one search query reaches (`after` + `limit`).
pub(crate) const SEARCH_CAP: u64 = 10_000;

/// Where the unfiltered ticket listing goes on: HubSpot's `after`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct TicketsAfter {
    pub(crate) after: String,
}

impl ListingState for TicketsAfter {
    const LISTING: &'static str = "tickets";
}

/// Where the owner listing goes on: HubSpot's `after`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct OwnersAfter {
    pub(crate) after: String,
}

impl ListingState for OwnersAfter {
    const LISTING: &'static str = "owners";
}

/// Where a filtered ticket listing goes on.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct SearchState {
    /// The offset within the current range's query.
    pub(crate) offset: u64,
    /// The range's start (`hs_lastmodifieddate` >= this, epoch ms), once the first range is done.
    pub(crate) floor_ms: Option<i64>,
    /// Tickets modified exactly at `floor_ms` that were already listed.
    pub(crate) seen_at_floor: Vec<String>,
}

impl ListingState for SearchState {
    const LISTING: &'static str = "ticket-search";
}

/// Where the feedback-submission listing goes on: HubSpot's `after`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct FeedbackAfter {
    pub(crate) after: String,
}

impl ListingState for FeedbackAfter {
    const LISTING: &'static str = "feedback-submissions";
}

/// Where a knowledge-article search goes on: the site search's `offset`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct ArticleOffset {
    pub(crate) offset: u32,
}

impl ListingState for ArticleOffset {
    const LISTING: &'static str = "knowledge-articles";
}
