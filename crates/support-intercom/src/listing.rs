//! Listing state, one typed state a listing, and how Intercom's pages are read.
//!
//! Intercom pages two ways. Lists and searches (`GET /conversations`, `POST /tickets/search`,
//! `POST /conversations/search`) follow a cursor: each page's `pages.next.starting_after` asks for
//! the next, and a page without `pages.next` is the last. Help center articles are numbered pages
//! (`page`, `per_page`) that end at `pages.total_pages`. Comments are not paged by Intercom (they
//! are embedded in their ticket or conversation); the port pages them by position.

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use support_core::kit::json;
use support_core::kit::page::{ListingPage, PageShape};
use support_core::{
    Error, ErrorKind, ListingState, ObjectKind, Operation, Result, TicketQuery, TicketStatus,
};

use crate::generated::types;
use crate::port::{IntercomPort, seconds, version};
use crate::{bodies, map};

/// Items of a ticket search.
pub(crate) const TICKETS: PageShape = PageShape::items_at("tickets")
    .item("ticket")
    .more_when_present("/pages/next", "/pages/next/starting_after");
/// Items of a conversation list or search.
pub(crate) const CONVERSATIONS: PageShape = PageShape::items_at("conversations")
    .item("conversation")
    .more_when_present("/pages/next", "/pages/next/starting_after");
/// Items of the article list, which must say how many pages there are.
pub(crate) const ARTICLES: PageShape = PageShape::items_at("data")
    .item("article")
    .requires("/pages/total_pages");
/// Items of `GET /admins`.
pub(crate) const ADMINS: PageShape = PageShape::items_at("admins").item("admin");
/// Items of `GET /tags` (and the other `{"type": "list", "data": [...]}` lists).
pub(crate) const DATA: PageShape = PageShape::items_at("data");

/// The most results Intercom returns a page of a search or of `GET /conversations`.
pub(crate) const MAX_SEARCH_PAGE: u32 = 150;
/// The page size when the caller names none.
pub(crate) const DEFAULT_PAGE: u32 = 50;
/// The most articles a page of `GET /articles` holds.
pub(crate) const MAX_ARTICLE_PAGE: u32 = 250;

/// Where a cursor-paged listing of tickets or conversations stands.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct CursorState {
    /// Intercom's `starting_after` for the next page.
    pub(crate) after: String,
    /// Whether it is a search (a filtered listing) rather than `GET /conversations`.
    pub(crate) search: bool,
}

impl ListingState for CursorState {
    const LISTING: &'static str = "tickets";
}

/// Where the listing of satisfaction ratings stands.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct RatingState {
    pub(crate) after: String,
}

impl ListingState for RatingState {
    const LISTING: &'static str = "satisfaction ratings";
}

/// The next article page to read.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct ArticlePage {
    pub(crate) page: u32,
}

impl ListingState for ArticlePage {
    const LISTING: &'static str = "articles";
}

/// How many comments of a ticket's embedded parts were returned already.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct CommentOffset {
    pub(crate) ticket: String,
    pub(crate) offset: usize,
}

impl ListingState for CommentOffset {
    const LISTING: &'static str = "comments";
}

/// The cursor of the page after this one, `None` on the last page. A page that says there is
/// more without a cursor, or hands back the cursor it was asked with, is an error: never an early
/// end, never a loop.
pub(crate) fn next_cursor(
    provider: &'static str,
    operation: Operation,
    page: &ListingPage,
    asked: Option<&str>,
) -> Result<Option<String>, Error> {
    let next = page.envelope().pointer("/pages/next");
    let refuse = |message: &str| {
        Error::new(ErrorKind::Decode, provider)
            .with_operation(operation)
            .with_message(message.to_owned())
    };
    match next {
        None | Some(Value::Null) => Ok(None),
        Some(next) => {
            let Some(after) = next
                .get("starting_after")
                .and_then(Value::as_str)
                .filter(|a| !a.is_empty())
            else {
                return Err(refuse(
                    "the page says there is a next one (`pages.next`) but gives no `starting_after`",
                ));
            };
            if Some(after) == asked {
                return Err(refuse(
                    "Intercom answered the cursor it was asked with: the listing would not move on",
                ));
            }
            Ok(Some(after.to_owned()))
        }
    }
}

/// Whether an article page is followed by another: `pages.page` below `pages.total_pages`.
pub(crate) fn more_articles(page: &ListingPage, asked: u32) -> bool {
    let pages = page.envelope().get("pages");
    let total = pages
        .and_then(|p| p.get("total_pages"))
        .and_then(Value::as_u64)
        .unwrap_or(0);
    let current = pages
        .and_then(|p| p.get("page"))
        .and_then(Value::as_u64)
        .unwrap_or(u64::from(asked));
    current < total && !page.is_empty()
}

/// The searches and pages of ticket and conversation listings.
impl IntercomPort {
    /// The search query of a ticket listing, or `None` when no ticket can match it.
    pub(crate) fn ticket_search_query(
        &self,
        operation: Operation,
        query: &TicketQuery,
    ) -> Result<Option<types::SearchRequestQuery>> {
        // A search needs a query and has no match-all: every ticket was created after 0.
        let mut filters = vec![match query.updated_since {
            Some(since) => bodies::filter(
                "updated_at",
                ">",
                bodies::text((seconds(since) - 1).max(0).to_string()),
            ),
            None => bodies::filter("created_at", ">", bodies::text("0")),
        }];
        if let Some(agent) = &query.assignee {
            let agent = agent.native_id(self.provider_name(), ObjectKind::Party, operation)?;
            filters.push(bodies::filter(
                "admin_assignee_id",
                "=",
                bodies::text(agent),
            ));
        }
        if !query.categories.is_empty() {
            let terms: Vec<String> = query
                .categories
                .iter()
                .filter_map(map::category_search_term)
                .map(str::to_owned)
                .collect();
            if terms.is_empty() {
                return Ok(None);
            }
            filters.push(bodies::one_of("category", terms));
        }
        Ok(Some(bodies::all_of(filters)))
    }

    /// The search query of a filtered conversation listing, `Some(None)` when no conversation can
    /// match it, `None` when it is not filtered natively.
    pub(crate) async fn conversation_search_query(
        &self,
        operation: Operation,
        query: &TicketQuery,
    ) -> Result<Option<Option<types::SearchRequestQuery>>> {
        let mut filters = Vec::new();
        if !query.statuses.is_empty() {
            let states: Vec<String> = query
                .statuses
                .iter()
                .filter_map(|s| match s {
                    TicketStatus::Open => Some("open"),
                    TicketStatus::OnHold => Some("snoozed"),
                    TicketStatus::Closed => Some("closed"),
                    _ => None,
                })
                .map(str::to_owned)
                .collect();
            if states.is_empty() {
                return Ok(Some(None));
            }
            filters.push(bodies::one_of("state", states));
        }
        if let Some(agent) = &query.assignee {
            let agent = agent.native_id(self.provider_name(), ObjectKind::Party, operation)?;
            filters.push(match agent.parse::<i64>() {
                Ok(number) => bodies::filter("admin_assignee_id", "=", number),
                Err(_) => bodies::filter("admin_assignee_id", "=", bodies::text(agent)),
            });
        }
        if let Some(tag) = &query.tag {
            let tags = self.all_tags(operation).await?;
            let Some(id) = tags
                .iter()
                .find(|t| json::text(t, "name").is_some_and(|n| n.eq_ignore_ascii_case(tag)))
                .and_then(|t| json::id_text(t, "id"))
            else {
                return Ok(Some(None));
            };
            filters.push(bodies::filter("tag_ids", "=", bodies::text(id)));
        }
        if let Some(since) = query.updated_since {
            filters.push(bodies::filter(
                "updated_at",
                ">",
                bodies::text((seconds(since) - 1).max(0).to_string()),
            ));
        }
        if filters.is_empty() {
            return Ok(None);
        }
        Ok(Some(Some(bodies::all_of(filters))))
    }

    /// One page of a ticket or conversation search.
    pub(crate) async fn search_page(
        &self,
        operation: Operation,
        query: types::SearchRequestQuery,
        per_page: u32,
        after: Option<String>,
    ) -> Result<(Vec<Value>, Option<String>)> {
        let body = bodies::search(query, per_page, after.clone());
        let runtime = self.endpoint.runtime();
        let page = if self.conversations() || operation == Operation::ListSatisfactionRatings {
            let call = self
                .client
                .search_conversations()
                .intercom_version(version())
                .body(body);
            runtime
                .run_page::<IgnoredAny, _, _, _>(operation, CONVERSATIONS, call.send())
                .await?
        } else {
            let call = self
                .client
                .search_tickets()
                .intercom_version(version())
                .body(body);
            runtime
                .run_page::<IgnoredAny, _, _, _>(operation, TICKETS, call.send())
                .await?
        };
        let next = next_cursor(self.provider_name(), operation, &page, after.as_deref())?;
        Ok((page.into_values(), next))
    }

    /// One page of `GET /conversations`.
    pub(crate) async fn conversation_page(
        &self,
        operation: Operation,
        per_page: u32,
        after: Option<String>,
    ) -> Result<(Vec<Value>, Option<String>)> {
        let mut call = self
            .client
            .list_conversations()
            .intercom_version(version())
            .per_page(i64::from(per_page));
        if let Some(after) = &after {
            call = call.starting_after(after.clone());
        }
        let page = self
            .endpoint
            .runtime()
            .run_page::<IgnoredAny, _, _, _>(operation, CONVERSATIONS, call.send())
            .await?;
        let next = next_cursor(self.provider_name(), operation, &page, after.as_deref())?;
        Ok((page.into_values(), next))
    }
}
