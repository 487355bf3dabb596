//! How `listTickets` returns every matching ticket despite Freshdesk's two caps.
//!
//! - `GET /tickets` lists only the last 30 days unless `updated_since` is given, so the adapter always
//!   gives it (the caller's, or the epoch) and orders by `updated_at` ascending. After
//!   [`LIST_WINDOW_PAGES`] pages it restarts from the last `updated_at` seen, skipping the tickets of
//!   that instant it already returned, so page numbers stay shallow however long the listing.
//! - `GET /search/tickets` (needed for status, priority, agent and tag filters) returns at most 10
//!   pages of 30. A query whose `total` exceeds that is split into `updated_at` day ranges, halving
//!   until each range holds at most 300 matches; a single day with more is read with `GET /tickets`
//!   from that day on, keeping that day's tickets and filtering them here.
//!
//! The plan lives in the cursor, so a listing resumes anywhere.

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Search pages Freshdesk serves for one query.
pub(crate) const SEARCH_MAX_PAGES: u32 = 10;
/// Results per search page (fixed by Freshdesk).
pub(crate) const SEARCH_PAGE_SIZE: u32 = 30;
/// The most results one search query can reach.
pub(crate) const SEARCH_CAP: u64 = (SEARCH_MAX_PAGES * SEARCH_PAGE_SIZE) as u64;
/// Pages of `GET /tickets` read before the window restarts from the last `updated_at`.
pub(crate) const LIST_WINDOW_PAGES: u32 = 100;

/// An inclusive range of UTC days, as the search syntax (`updated_at:>'…' AND updated_at:<'…'`)
/// compares them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct DayRange {
    pub(crate) first: NaiveDate,
    pub(crate) last: NaiveDate,
}

impl DayRange {
    /// The two halves, or `None` for a single day.
    pub(crate) fn split(self) -> Option<(DayRange, DayRange)> {
        let span = (self.last - self.first).num_days();
        if span < 1 {
            return None;
        }
        let mid = self.first.checked_add_days(Days::new((span / 2) as u64))?;
        let after_mid = mid.checked_add_days(Days::new(1))?;
        Some((
            DayRange {
                first: self.first,
                last: mid,
            },
            DayRange {
                first: after_mid,
                last: self.last,
            },
        ))
    }

    /// The search terms bounding `updated_at` to these days.
    pub(crate) fn terms(self) -> String {
        format!(
            "updated_at:>'{}' AND updated_at:<'{}'",
            self.first.format("%Y-%m-%d"),
            self.last.format("%Y-%m-%d")
        )
    }
}

/// Where a ticket listing stands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub(crate) enum Plan {
    /// `GET /tickets` from `since`, ordered by `updated_at`.
    List {
        since: DateTime<Utc>,
        page: u32,
        /// Tickets updated exactly at `since` that were already returned.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        skip: Vec<i64>,
        /// The latest update seen in this window, and the tickets updated at that instant: where
        /// the next window starts, and what it skips.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tail: Option<(DateTime<Utc>, Vec<i64>)>,
        /// Stop at tickets updated after this (a one-day scan under a capped search).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        until: Option<DateTime<Utc>>,
        /// Day ranges still to search after this scan.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        then_search: Vec<DayRange>,
    },
    /// `GET /search/tickets` over day ranges; the last range is the current one.
    Search { ranges: Vec<DayRange>, page: u32 },
}

impl Plan {
    /// The first step of a listing.
    pub(crate) fn start(search: bool, since: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Self {
        let since = since.unwrap_or(DateTime::UNIX_EPOCH);
        if search {
            Plan::Search {
                ranges: vec![DayRange {
                    first: since.date_naive(),
                    last: now
                        .date_naive()
                        .checked_add_days(Days::new(1))
                        .unwrap_or(now.date_naive()),
                }],
                page: 1,
            }
        } else {
            Plan::List {
                since,
                page: 1,
                skip: Vec::new(),
                tail: None,
                until: None,
                then_search: Vec::new(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn ranges_split_into_disjoint_halves_covering_the_whole() {
        let range = DayRange {
            first: day("2026-01-01"),
            last: day("2026-01-10"),
        };
        let (a, b) = range.split().unwrap();
        assert_eq!(
            a,
            DayRange {
                first: day("2026-01-01"),
                last: day("2026-01-05")
            }
        );
        assert_eq!(
            b,
            DayRange {
                first: day("2026-01-06"),
                last: day("2026-01-10")
            }
        );
        let single = DayRange {
            first: day("2026-01-01"),
            last: day("2026-01-01"),
        };
        assert!(single.split().is_none());
        let two = DayRange {
            first: day("2026-01-01"),
            last: day("2026-01-02"),
        };
        assert_eq!(two.split().unwrap().1.first, day("2026-01-02"));
    }

    #[test]
    fn plans_survive_their_cursor() {
        let plan = Plan::start(true, None, Utc::now());
        let cursor = support_core::Cursor::encode(&plan);
        assert_eq!(cursor.decode::<Plan>("freshdesk").unwrap(), plan);
    }
}
