//! Where Zendesk listings stand: typed cursor state per listing, the end-of-listing signal, the search
//! terms of filtered ticket listings, and the walker for listings the adapter reads whole.
//!
//! Most listings are cursor-paged (`page[size]`, `page[after]`, `meta.has_more`); Help Center search
//! is page-numbered; agents are listed one role after the other. Every cursor names its provider and
//! listing (see [`Cursor::for_listing`]), so one is never followed by another listing.

use std::future::Future;
use std::sync::Arc;

use chrono::SecondsFormat;
use progenitor_client::ResponseValue;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use support_core::kit::page::{ListingPage, PageItem, PageShape};
use support_core::page::ListingState;
use support_core::{
    Cursor, Error, LazyPage, Listing, ObjectKind, Operation, Result, Ticket, TicketQuery,
    paginate_lazily,
};

use crate::port::ZendeskPort;
use crate::{PROVIDER, map};

/// Zendesk's largest page.
pub(crate) const MAX_PAGE: u32 = 100;
/// Safety stop for listings the adapter walks whole (group memberships, sections).
const MAX_INTERNAL_PAGES: usize = 1_000;

/// The cursor-paged listings, each with its own name in cursors and its items' envelope key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Paged {
    Tickets,
    TicketSearch,
    Comments,
    Tags,
    SatisfactionRatings,
    Articles,
    CategoryArticles,
}

/// The state of a cursor-paged listing: Zendesk's `after_cursor`.
#[derive(Debug, Serialize, Deserialize)]
struct After {
    after: String,
}

impl Paged {
    fn name(self) -> &'static str {
        match self {
            Paged::Tickets => "tickets",
            Paged::TicketSearch => "ticket_search",
            Paged::Comments => "comments",
            Paged::Tags => "tags",
            Paged::SatisfactionRatings => "satisfaction_ratings",
            Paged::Articles => "articles",
            Paged::CategoryArticles => "category_articles",
        }
    }

    /// The key of the items in a page of this listing.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Paged::Tickets => "tickets",
            Paged::TicketSearch => "results",
            Paged::Comments => "comments",
            Paged::Tags => "tags",
            Paged::SatisfactionRatings => "satisfaction_ratings",
            Paged::Articles | Paged::CategoryArticles => "articles",
        }
    }

    /// What a page of this listing must hold.
    pub(crate) fn shape(self) -> PageShape {
        cursor_shape(self.key()).item(match self {
            Paged::Tickets => "ticket",
            Paged::TicketSearch => "search result",
            Paged::Comments => "comment",
            Paged::Tags => "tag",
            Paged::SatisfactionRatings => "satisfaction rating",
            Paged::Articles | Paged::CategoryArticles => "article",
        })
    }

    /// The `page[after]` to send, from the caller's cursor; `None` starts at the beginning.
    pub(crate) fn resume(
        self,
        operation: Operation,
        cursor: Option<&Cursor>,
    ) -> Result<Option<String>> {
        let state: Option<After> = Cursor::listing_state(cursor, PROVIDER, operation, self.name())?;
        Ok(state.map(|s| s.after))
    }

    /// The cursor to the page after `envelope`, or `None` on the last page.
    pub(crate) fn next(self, envelope: &Value) -> Option<Cursor> {
        let after = after_cursor(envelope)?;
        Some(Cursor::for_listing(PROVIDER, self.name(), &After { after }))
    }
}

impl ZendeskPort {
    /// Every ticket of the account, page after page, each page's tickets decoded and mapped only
    /// when the consumer reaches them: the cursor is read from the end of each page (Zendesk puts
    /// `meta` after `tickets`), so the next page is asked for first. Filters are applied to the
    /// mapped tickets, as [`list_tickets`](support_core::SupportPort::list_tickets) applies them.
    pub(crate) fn lazy_tickets(
        &self,
        query: TicketQuery,
        sideloads: &'static str,
    ) -> Listing<'_, Ticket> {
        let operation = Operation::ListTickets;
        let first = query.page.clone();
        let query = Arc::new(query);
        paginate_lazily(PROVIDER, first, move |request| {
            let query = query.clone();
            async move {
                let after = Paged::Tickets.resume(operation, request.cursor.as_ref())?;
                let limit = i64::from(request.limit_or(MAX_PAGE, MAX_PAGE));
                let mut call = self
                    .client
                    .list_tickets()
                    .include(sideloads.to_owned())
                    .page_size(limit);
                if let Some(after) = after {
                    call = call.page_after(after);
                }
                let runtime = self.endpoint.runtime();
                let page = runtime
                    .run_page_peeked(operation, Paged::Tickets.shape(), call.send())
                    .await?;
                let next = Paged::Tickets.next(page.envelope());
                let tickets = async move {
                    let items = runtime
                        .read_peeked::<map::TicketView>(operation, &page)?
                        .into_items();
                    let natives = map::ticket_views(operation, items)?;
                    let tickets = self.tickets(operation, natives).await?;
                    Ok(tickets.into_iter().filter(|t| query.matches(t)).collect())
                };
                Ok(LazyPage::new(tickets, next))
            }
        })
    }

    /// One page of a cursor-paged listing, as raw items and the cursor to the next page: `call`
    /// sends the generated request from the `page[after]` the caller's cursor holds.
    pub(crate) async fn cursor_page<I, R, E, F>(
        &self,
        operation: Operation,
        listing: Paged,
        cursor: Option<&Cursor>,
        call: impl FnOnce(Option<String>) -> F,
    ) -> Result<(Vec<PageItem<I>>, Option<Cursor>)>
    where
        I: serde::de::DeserializeOwned + Send + 'static,
        F: Future<Output = std::result::Result<ResponseValue<R>, progenitor_client::Error<E>>>,
    {
        let after = listing.resume(operation, cursor)?;
        let page = self
            .endpoint
            .runtime()
            .run_page(operation, listing.shape(), call(after))
            .await?;
        let next = listing.next(page.envelope());
        Ok((page.into_items(), next))
    }
}

/// Where an agent listing stands: the role being listed and the `after_cursor` within it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct AgentsState {
    pub(crate) role: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) after: Option<String>,
}

impl ListingState for AgentsState {
    const LISTING: &'static str = "agents";
}

/// The roles an agent listing walks, in order: admins, then agents, unless one is asked for.
pub(crate) fn agent_roles(role: Option<&str>) -> &'static [&'static str] {
    match role.map(str::to_ascii_lowercase).as_deref() {
        Some("admin") => &["admin"],
        Some("agent") => &["agent"],
        _ => &["admin", "agent"],
    }
}

impl AgentsState {
    /// Where to start or resume an agent listing over `roles`, and the position of its role.
    pub(crate) fn resume(
        operation: Operation,
        cursor: Option<&Cursor>,
        roles: &[&str],
    ) -> Result<(Self, usize)> {
        let state = Cursor::state::<Self>(cursor, PROVIDER, operation)?.unwrap_or_else(|| Self {
            role: roles.first().copied().unwrap_or("agent").to_owned(),
            after: None,
        });
        let Some(position) = roles.iter().position(|r| *r == state.role) else {
            return Err(Error::invalid_input(
                PROVIDER,
                "this cursor belongs to a listing of another role",
            )
            .with_operation(operation));
        };
        Ok((state, position))
    }

    /// The rest of this role's users, then the next role's.
    pub(crate) fn next(&self, envelope: &Value, roles: &[&str], position: usize) -> Option<Cursor> {
        let next = match after_cursor(envelope) {
            Some(after) => Self {
                role: self.role.clone(),
                after: Some(after),
            },
            None => Self {
                role: (*roles.get(position + 1)?).to_owned(),
                after: None,
            },
        };
        Some(Cursor::of(PROVIDER, &next))
    }
}

/// Where a Help Center search stands: it is page-numbered, from 1.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct ArticleSearchState {
    pub(crate) page: u32,
}

impl ListingState for ArticleSearchState {
    const LISTING: &'static str = "article_search";
}

impl ArticleSearchState {
    /// The page to read.
    pub(crate) fn resume(operation: Operation, cursor: Option<&Cursor>) -> Result<u32> {
        Ok(Cursor::state::<Self>(cursor, PROVIDER, operation)?
            .map_or(1, |s| s.page)
            .max(1))
    }

    /// The next page's cursor while the answer names a `next_page`.
    pub(crate) fn next(envelope: &Value, page: u32) -> Option<Cursor> {
        envelope
            .get("next_page")
            .is_some_and(|n| !n.is_null())
            .then(|| Cursor::of(PROVIDER, &Self { page: page + 1 }))
    }
}

/// A cursor-paged page: its items under `key`, and `meta.after_cursor` whenever `meta.has_more`.
pub(crate) const fn cursor_shape(key: &'static str) -> PageShape {
    PageShape::items_at(key).more_when("/meta/has_more", "/meta/after_cursor")
}

/// Zendesk's cursor to the next page: `meta.after_cursor` while `meta.has_more` (the end signal;
/// the last page may still carry an `after_cursor`).
fn after_cursor(envelope: &Value) -> Option<String> {
    let meta = envelope.get("meta")?;
    if !meta
        .get("has_more")
        .and_then(Value::as_bool)
        .unwrap_or(false)
    {
        return None;
    }
    meta.get("after_cursor")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// Every item of a cursor-paged listing the adapter needs whole (memberships, sections), fetched
/// page by page (`fetch` reads each as a page); stops after [`MAX_INTERNAL_PAGES`] pages rather
/// than follow a looping cursor.
pub(crate) async fn walk<T, F, Fut>(mut fetch: F) -> Result<Vec<PageItem<T>>>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<ListingPage<T>>>,
{
    let mut all = Vec::new();
    let mut after = None;
    for _ in 0..MAX_INTERNAL_PAGES {
        let page = fetch(after.take()).await?;
        let next = after_cursor(page.envelope());
        all.extend(page.into_items());
        match next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    Ok(all)
}

/// The search terms for the filters Zendesk can apply; the rest are applied to the results. Several
/// values of one field are left to the client, since search terms combine with AND.
pub(crate) fn search_terms(query: &TicketQuery) -> Result<Vec<String>> {
    let mut terms = Vec::new();
    if let [status] = query.statuses.as_slice()
        && let Ok(native) = map::status_to_native(status)
    {
        terms.push(format!("status:{native}"));
    }
    if let [priority] = query.priorities.as_slice() {
        terms.push(format!("priority:{}", map::priority_to_native(priority)));
    }
    if let Some(agent) = &query.assignee {
        let agent = agent.numeric_id(PROVIDER, ObjectKind::Party, Operation::ListTickets)?;
        terms.push(format!("assignee:{agent}"));
    }
    if let Some(tag) = &query.tag
        && !tag.is_empty()
        && tag.chars().all(|c| !c.is_whitespace() && c != '"')
    {
        terms.push(format!("tags:{tag}"));
    }
    // Zendesk's four ticket types; another category (or several) is matched client-side.
    if let [category] = query.categories.as_slice()
        && let Some(native) = map::category_to_native(category)
    {
        terms.push(format!("ticket_type:{native}"));
    }
    if let Some(since) = query.updated_since {
        // Search compares whole seconds and has only `>`: ask from one second earlier, filter exactly.
        let from = since - chrono::Duration::seconds(1);
        terms.push(format!(
            "updated>{}",
            from.to_rfc3339_opts(SecondsFormat::Secs, true)
        ));
    }
    Ok(terms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use support_core::ErrorKind;

    #[test]
    fn cursors_of_one_listing_are_refused_by_another() {
        let op = Operation::ListComments;
        let page = json!({"meta": {"has_more": true, "after_cursor": "xyz"}});
        let cursor = Paged::Comments.next(&page).unwrap();
        assert_eq!(
            Paged::Comments
                .resume(op, Some(&cursor))
                .unwrap()
                .as_deref(),
            Some("xyz")
        );
        let err = Paged::Tags.resume(op, Some(&cursor)).unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::InvalidInput);
        // Another provider's cursor for a listing of the same name.
        let foreign = Cursor::for_listing("freshdesk", "comments", &json!({"after": "xyz"}));
        let err = Paged::Comments.resume(op, Some(&foreign)).unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::InvalidInput);
        assert!(
            Paged::Comments
                .next(&json!({"meta": {"has_more": false, "after_cursor": "z"}}))
                .is_none()
        );
    }

    #[test]
    fn agent_listings_walk_roles_in_order() {
        let op = Operation::ListAgents;
        let roles = agent_roles(None);
        let (state, position) = AgentsState::resume(op, None, roles).unwrap();
        assert_eq!((state.role.as_str(), position), ("admin", 0));
        let next = state
            .next(&json!({"meta": {"has_more": false}}), roles, position)
            .unwrap();
        let (state, position) = AgentsState::resume(op, Some(&next), roles).unwrap();
        assert_eq!((state.role.as_str(), position), ("agent", 1));
        assert!(state.next(&json!({}), roles, position).is_none());
        let err = AgentsState::resume(op, Some(&next), agent_roles(Some("admin"))).unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::InvalidInput);
    }
}
