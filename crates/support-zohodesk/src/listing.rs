//! Where Zoho Desk listings stand, one typed state per listing.
//!
//! - Tickets walk `GET /api/v1/tickets?from&limit&sortBy=createdTime` (oldest first, at most 100
//!   a page). An empty result is `204 No Content`: the end. `from` is capped (`from + limit` past
//!   5,000 is refused with 422), so before a page would cross the cap the walk moves to
//!   `GET /api/v1/tickets/search`, sorted by `createdTime`, with `createdTimeRange` starting at
//!   the creation time of the last ticket returned: a keyset walk on a sortable time. Tickets
//!   created at that same instant and already returned are remembered (`seen`) and skipped, so
//!   nothing repeats and nothing is lost; a page all at one instant moves `from` on within it.
//!   A listing filtered by `updated_since` is a search from the start (`modifiedTimeRange`).
//! - Comments, agents and knowledge articles walk `from` / `limit` (204 is the end).
//! - Tags are read whole from every department (`GET /api/v1/ticketTags?departmentId=`) and paged
//!   by name here.

use serde::{Deserialize, Serialize};
use support_core::ListingState;

/// A ticket listing: where it is, and which tickets at the last creation time it returned.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub(crate) struct TicketPages {
    /// Page size.
    pub(crate) limit: u32,
    /// The next `from` (of `/tickets`, or of the search window starting at `after`).
    pub(crate) from: u32,
    /// Whether the walk has moved to `/tickets/search`.
    pub(crate) search: bool,
    /// The creation time (as Zoho wrote it) of the last ticket returned.
    pub(crate) after: Option<String>,
    /// The ids of the tickets created at `after` already returned.
    pub(crate) seen: Vec<String>,
    /// The filters the server applies, as sent: a cursor of another filter set is refused.
    pub(crate) filters: Vec<(String, String)>,
}

impl ListingState for TicketPages {
    const LISTING: &'static str = "tickets";
}

impl TicketPages {
    /// Notes a returned ticket's creation time and id.
    pub(crate) fn saw(&mut self, created: &str, id: &str) {
        if self.after.as_deref() == Some(created) {
            if !self.seen.iter().any(|s| s == id) {
                self.seen.push(id.to_owned());
            }
        } else {
            self.after = Some(created.to_owned());
            self.seen = vec![id.to_owned()];
        }
    }

    /// Whether a ticket found in the search window was returned already.
    pub(crate) fn returned(&self, created: &str, id: &str) -> bool {
        self.after.as_deref() == Some(created) && self.seen.iter().any(|s| s == id)
    }
}

/// A ticket's comments: the next `from`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct CommentPages {
    pub(crate) ticket: String,
    pub(crate) from: u32,
    pub(crate) limit: u32,
}

impl ListingState for CommentPages {
    const LISTING: &'static str = "comments";
}

/// Agents: the next `from`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct AgentPages {
    pub(crate) from: u32,
    pub(crate) limit: u32,
}

impl ListingState for AgentPages {
    const LISTING: &'static str = "agents";
}

/// Knowledge articles: the next `from`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct ArticlePages {
    pub(crate) from: u32,
    pub(crate) limit: u32,
}

impl ListingState for ArticlePages {
    const LISTING: &'static str = "articles";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tickets_at_one_instant_are_remembered_until_time_moves_on() {
        let mut state = TicketPages {
            limit: 2,
            from: 0,
            search: false,
            after: None,
            seen: Vec::new(),
            filters: Vec::new(),
        };
        state.saw("2024-01-01T00:00:00.000Z", "1");
        state.saw("2024-01-01T00:00:00.000Z", "2");
        assert!(state.returned("2024-01-01T00:00:00.000Z", "2"));
        assert!(!state.returned("2024-01-01T00:00:00.000Z", "3"));
        state.saw("2024-01-02T00:00:00.000Z", "3");
        assert_eq!(state.seen, vec!["3".to_owned()]);
        assert!(!state.returned("2024-01-01T00:00:00.000Z", "1"));
    }
}
