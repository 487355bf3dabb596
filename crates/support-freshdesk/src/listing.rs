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
//!
//! The other listings are page-numbered ([`Offset`]); knowledge articles are walked folder by folder
//! ([`ArticleWalk`]). Every cursor names its provider and listing.

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::future::Future;

use progenitor_client::ResponseValue;
use serde_json::Value;
use std::sync::Arc;

use support_core::kit::json::LooseTime;
use support_core::kit::page::{ListingPage, PageItem, PageShape, PeekedPage};
use support_core::page::ListingState;
use support_core::{
    Cursor, Error, ErrorKind, LazyPage, Listing, ObjectKind, Operation, Page, Result, Ticket,
    TicketQuery, paginate_lazily,
};

use crate::generated::types;
use crate::port::FreshdeskPort;
use crate::{PROVIDER, map};

/// A page of a plain listing: a bare array (Freshdesk says there is more only by a full page).
pub(crate) const BARE: PageShape = PageShape::bare_array();
/// A page of search results: `results`, and the `total` the range splitting relies on.
const SEARCH: PageShape = PageShape::items_at("results")
    .requires("/total")
    .item("ticket");

/// The `include` that adds a ticket's `stats` (when it was resolved and closed) to ticket reads.
pub(crate) const STATS: &str = "stats";

/// Freshdesk's largest page.
pub(crate) const MAX_PAGE: u32 = 100;
/// Safety stop for search ranges split within one call.
const MAX_SPLITS: usize = 64;

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

impl ListingState for Plan {
    const LISTING: &'static str = "tickets";
}

/// What a page of `GET /tickets` says about the listing it belongs to.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct ListPageSeen {
    /// Whether another page follows.
    pub(crate) more: bool,
    /// The newest update on the page, and the tickets updated then, in page order.
    pub(crate) newest: Option<(DateTime<Utc>, Vec<i64>)>,
    /// Whether the page holds a ticket updated after the plan's `until`.
    pub(crate) past_until: bool,
}

/// The newest of `(updated_at, id)` pairs, and every id updated then.
pub(crate) fn newest_update(
    updates: impl IntoIterator<Item = (DateTime<Utc>, i64)>,
) -> Option<(DateTime<Utc>, Vec<i64>)> {
    updates.into_iter().fold(
        None,
        |newest: Option<(DateTime<Utc>, Vec<i64>)>, (at, id)| match newest {
            Some((last, mut ids)) if last == at => {
                ids.push(id);
                Some((last, ids))
            }
            Some((last, ids)) if last > at => Some((last, ids)),
            _ => Some((at, vec![id])),
        },
    )
}

/// The newest update of a page ordered by `updated_at`, and the tickets updated then, read from
/// its last tickets backwards; `None` when the page is empty or they cannot be read that way.
fn newest_from_end(page: &PeekedPage) -> Option<(DateTime<Utc>, Vec<i64>)> {
    /// What the window needs of a ticket, read as mapping reads it.
    #[derive(Deserialize)]
    struct Update {
        id: i64,
        #[serde(default)]
        updated_at: LooseTime,
    }
    let mut newest: Option<(DateTime<Utc>, Vec<i64>)> = None;
    for text in page.items_from_end() {
        let update: Update = serde_json::from_slice(text.ok()?).ok()?;
        let at = update.updated_at.0?;
        match &mut newest {
            None => newest = Some((at, vec![update.id])),
            Some((last, ids)) if *last == at => ids.push(update.id),
            Some(_) => break,
        }
    }
    let (at, mut ids) = newest?;
    // Read backwards: put them in page order.
    ids.reverse();
    Some((at, ids))
}

impl Plan {
    /// Whether a `List` plan's window returned `ticket` already: updated at the instant it starts
    /// from, and named in its `skip`.
    fn returned_before(&self, ticket: &Ticket) -> bool {
        let Plan::List { since, skip, .. } = self else {
            return false;
        };
        ticket.updated_at == Some(*since)
            && ticket
                .id
                .external_id()
                .parse()
                .is_ok_and(|id: i64| skip.contains(&id))
    }

    /// Whether `ticket` was updated after a `List` plan's `until` (a one-day scan's end).
    fn is_past_until(&self, ticket: &Ticket) -> bool {
        matches!(self, Plan::List { until: Some(until), .. }
            if ticket.updated_at.is_some_and(|at| at > *until))
    }

    /// The cursor after a page of `GET /tickets` read under a `List` plan: the next page while
    /// there is one, a new window from the newest update seen after [`LIST_WINDOW_PAGES`] pages
    /// (skipping the tickets of that instant already returned), and once the scan is done the
    /// searches it was standing in for, if any.
    pub(crate) fn after_list_page(&self, seen: &ListPageSeen) -> Option<Cursor> {
        let Plan::List {
            since,
            page,
            skip,
            tail,
            until,
            then_search,
        } = self
        else {
            return None;
        };
        let tail = match (tail.clone(), seen.newest.clone()) {
            (Some((last, mut ids)), Some((at, seen_ids))) if last == at => {
                ids.extend(seen_ids);
                Some((last, ids))
            }
            (Some((last, ids)), Some((at, _))) if last > at => Some((last, ids)),
            (_, Some(newest)) => Some(newest),
            (tail, None) => tail,
        };
        if !seen.more || seen.past_until {
            return (!then_search.is_empty()).then(|| {
                Cursor::of(
                    PROVIDER,
                    &Plan::Search {
                        ranges: then_search.clone(),
                        page: 1,
                    },
                )
            });
        }
        let next = if *page >= LIST_WINDOW_PAGES {
            let (restart, mut seen_then) = tail.unwrap_or((*since, Vec::new()));
            if restart == *since {
                seen_then.extend(skip.iter().copied());
            }
            Plan::List {
                since: restart,
                page: 1,
                skip: seen_then,
                tail: None,
                until: *until,
                then_search: then_search.clone(),
            }
        } else {
            Plan::List {
                since: *since,
                page: page + 1,
                skip: skip.clone(),
                tail,
                until: *until,
                then_search: then_search.clone(),
            }
        };
        Some(Cursor::of(PROVIDER, &next))
    }
}

/// The page-numbered listings, each with its own name in cursors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Offset {
    Agents,
    Conversations,
    SatisfactionRatings,
}

/// The state of a page-numbered listing: the 1-based page to read.
#[derive(Debug, Serialize, Deserialize)]
struct PageNumber {
    page: u32,
}

impl Offset {
    fn name(self) -> &'static str {
        match self {
            Offset::Agents => "agents",
            Offset::Conversations => "conversations",
            Offset::SatisfactionRatings => "satisfaction_ratings",
        }
    }

    /// What a page of this listing must hold, and what one of its items is called.
    fn shape(self) -> PageShape {
        BARE.item(match self {
            Offset::Agents => "agent",
            Offset::Conversations => "conversation",
            Offset::SatisfactionRatings => "satisfaction rating",
        })
    }

    /// The page to read, from the caller's cursor; 1 without one.
    pub(crate) fn resume(self, operation: Operation, cursor: Option<&Cursor>) -> Result<u32> {
        let state: Option<PageNumber> =
            Cursor::listing_state(cursor, PROVIDER, operation, self.name())?;
        Ok(state.map_or(1, |s| s.page))
    }

    /// The next page's cursor while pages come back full (Freshdesk signals the end no other way).
    pub(crate) fn next(self, page: u32, got: usize, per_page: u32) -> Option<Cursor> {
        (got == per_page as usize)
            .then(|| Cursor::for_listing(PROVIDER, self.name(), &PageNumber { page: page + 1 }))
    }
}

impl FreshdeskPort {
    /// One page of a page-numbered listing of `what`, as raw items and the cursor to the next page:
    /// `call` sends the generated request for the page the caller's cursor holds.
    pub(crate) async fn offset_page<I, R, E, F>(
        &self,
        operation: Operation,
        listing: Offset,
        cursor: Option<&Cursor>,
        per_page: u32,
        call: impl FnOnce(i64) -> F,
    ) -> Result<(ListingPage<I>, Option<Cursor>)>
    where
        I: serde::de::DeserializeOwned + Send + 'static,
        F: Future<Output = std::result::Result<ResponseValue<R>, progenitor_client::Error<E>>>,
    {
        let page = listing.resume(operation, cursor)?;
        let call = call(i64::from(page));
        let found = self
            .endpoint
            .runtime()
            .run_page(operation, listing.shape(), call)
            .await?;
        let next = listing.next(page, found.len(), per_page);
        Ok((found, next))
    }
}

/// Where an article listing stands: the folders to walk, the folder reached, the page within it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct ArticleWalk {
    pub(crate) folders: Vec<i64>,
    pub(crate) position: usize,
    pub(crate) page: u32,
}

impl ListingState for ArticleWalk {
    const LISTING: &'static str = "articles";
}

impl ArticleWalk {
    /// The rest of this folder while its pages come back full, then the next folder.
    pub(crate) fn next(self, got: usize, per_page: u32) -> Option<Cursor> {
        let next = if got == per_page as usize {
            ArticleWalk {
                page: self.page + 1,
                ..self
            }
        } else if self.position + 1 < self.folders.len() {
            ArticleWalk {
                position: self.position + 1,
                page: 1,
                ..self
            }
        } else {
            return None;
        };
        Some(Cursor::of(PROVIDER, &next))
    }
}

/// Search terms for the filters Freshdesk can apply, in parentheses so that they combine with a day
/// range.
pub(crate) enum Terms {
    /// No filter the search can apply: list instead.
    None,
    /// `(status:2 OR status:3) AND agent_id:5 …`
    Some(String),
    /// A filter nothing can match (a status Freshdesk does not have).
    Nothing,
}

impl FreshdeskPort {
    pub(crate) async fn search_terms(&self, query: &TicketQuery) -> Result<Terms> {
        let operation = Operation::ListTickets;
        let mut terms = Vec::new();
        if !query.statuses.is_empty() {
            let mut codes = Vec::new();
            for status in &query.statuses {
                if let Ok(code) = self.status_code(operation, status).await {
                    codes.push(format!("status:{code}"));
                }
            }
            if codes.is_empty() {
                return Ok(Terms::Nothing);
            }
            terms.push(format!("({})", codes.join(" OR ")));
        }
        if !query.priorities.is_empty() {
            let codes: Vec<String> = query
                .priorities
                .iter()
                .filter_map(|p| map::priority_to_native(p).ok())
                .map(|code| format!("priority:{code}"))
                .collect();
            if codes.is_empty() {
                return Ok(Terms::Nothing);
            }
            terms.push(format!("({})", codes.join(" OR ")));
        }
        if !query.categories.is_empty() {
            let types: Vec<String> = query
                .categories
                .iter()
                .filter_map(map::category_to_native)
                .filter(|name| !name.is_empty() && !name.contains(['\'', '"', '\\']))
                .map(|name| format!("type:'{name}'"))
                .collect();
            if types.is_empty() {
                return Ok(Terms::Nothing);
            }
            terms.push(format!("({})", types.join(" OR ")));
        }
        if let Some(agent) = &query.assignee {
            terms.push(format!(
                "agent_id:{}",
                agent.numeric_id(PROVIDER, ObjectKind::Party, operation)?
            ));
        }
        if let Some(tag) = &query.tag
            && !tag.is_empty()
            && !tag.contains(['\'', '"', '\\'])
        {
            terms.push(format!("tag:'{tag}'"));
        }
        Ok(if terms.is_empty() {
            Terms::None
        } else {
            Terms::Some(terms.join(" AND "))
        })
    }

    /// `GET /tickets` from `since`, oldest update first, with the `stats` mapping reads.
    fn list_call(
        &self,
        since: DateTime<Utc>,
        page: u32,
        per_page: u32,
    ) -> crate::generated::builder::ListTickets<'_> {
        self.client
            .list_tickets()
            .updated_since(since)
            .order_by(types::ListTicketsOrderBy::UpdatedAt)
            .order_type(types::ListTicketsOrderType::Asc)
            .include(STATS)
            .page(i64::from(page))
            .per_page(i64::from(per_page))
    }

    async fn list_page(
        &self,
        since: DateTime<Utc>,
        page: u32,
        per_page: u32,
    ) -> Result<Vec<PageItem<map::TicketView>>> {
        let operation = Operation::ListTickets;
        let page = self
            .endpoint
            .runtime()
            .run_page(
                operation,
                BARE.item("ticket"),
                self.list_call(since, page, per_page).send(),
            )
            .await?;
        Ok(page.into_items())
    }

    /// The tickets of a page of `GET /tickets` read under a `List` plan, without those an earlier
    /// window returned or those past its `until`, and the cursor to what follows: the next page
    /// while pages come back full, a new window after [`LIST_WINDOW_PAGES`], the searches still
    /// to run once the scan is done.
    async fn settle_list_page(
        &self,
        plan: &Plan,
        raws: Vec<PageItem<map::TicketView>>,
        per_page: u32,
    ) -> Result<(Vec<Ticket>, Option<Cursor>)> {
        let full = raws.len() >= per_page as usize;
        let mut tickets = self.tickets(Operation::ListTickets, raws).await?;
        tickets.retain(|t| !plan.returned_before(t));
        let newest = newest_update(
            tickets
                .iter()
                .filter_map(|t| Some((t.updated_at?, t.id.external_id().parse::<i64>().ok()?))),
        );
        let past_until = tickets.iter().any(|t| plan.is_past_until(t));
        tickets.retain(|t| !plan.is_past_until(t));
        let next = plan.after_list_page(&ListPageSeen {
            more: full,
            newest,
            past_until,
        });
        Ok((tickets, next))
    }

    async fn search_page(
        &self,
        terms: &str,
        range: DayRange,
        page: u32,
    ) -> Result<(Vec<PageItem<map::TicketView>>, u64)> {
        let operation = Operation::ListTickets;
        // Freshdesk wants the whole query in double quotes.
        let query = format!("\"{terms} AND {}\"", range.terms());
        let call = self
            .client
            .search_tickets()
            .query(query)
            .page(i64::from(page));
        let page = self
            .endpoint
            .runtime()
            .run_page(operation, SEARCH, call.send())
            .await?;
        let Some(total) = page.envelope().get("total").and_then(Value::as_u64) else {
            return Err(Error::new(ErrorKind::Decode, PROVIDER)
                .with_operation(operation)
                .with_message("the search page's `total` is not a count")
                .with_body_excerpt(page.envelope().to_string().as_bytes()));
        };
        Ok((page.into_items(), total))
    }

    /// The search terms of a ticket listing (`None`: no filter the search applies, so it lists),
    /// and where it stands: resumed from the query's cursor, or starting. `None` when nothing can
    /// match.
    pub(crate) async fn ticket_plan(
        &self,
        query: &TicketQuery,
    ) -> Result<Option<(Option<String>, Plan)>> {
        let operation = Operation::ListTickets;
        let terms = match self.search_terms(query).await? {
            Terms::Nothing => return Ok(None),
            Terms::None => None,
            Terms::Some(terms) => Some(terms),
        };
        let resumed = Cursor::state::<Plan>(query.page.cursor.as_ref(), PROVIDER, operation)?;
        let plan = match resumed {
            Some(plan) => {
                if matches!(plan, Plan::Search { .. }) && terms.is_none() {
                    return Err(Error::invalid_input(
                        PROVIDER,
                        "this cursor belongs to a filtered listing",
                    )
                    .with_operation(operation));
                }
                plan
            }
            None => Plan::start(terms.is_some(), query.updated_since, Utc::now()),
        };
        Ok(Some((terms, plan)))
    }

    /// Every matching ticket, page after page. A plain listing (`GET /tickets`, no search) asks
    /// for the next page as soon as a page's headers say there is one (`Link: <…>; rel="next"`)
    /// and its last tickets say where the window stands, read from the end of the body, and
    /// decodes and maps the page's tickets when the consumer reaches them. A page without a
    /// `Link` (the last), and every search, is read whole first, as
    /// [`list_tickets`](support_core::SupportPort::list_tickets) reads it.
    pub(crate) fn lazy_tickets(&self, query: TicketQuery) -> Listing<'_, Ticket> {
        let first = query.page.clone();
        let query = Arc::new(query);
        paginate_lazily(PROVIDER, first, move |request| {
            let mut query = (*query).clone();
            query.page = request;
            let query = Arc::new(query);
            async move {
                let Some((terms, plan)) = self.ticket_plan(&query).await? else {
                    return Ok(LazyPage::new(async { Ok(Vec::new()) }, None));
                };
                let lazy = terms.is_none()
                    && matches!(&plan, Plan::List { until: None, then_search, .. } if then_search.is_empty());
                if lazy {
                    return self.lazy_list_page(query, plan).await;
                }
                let page = self.list_by_plan(&query, terms.as_deref(), plan).await?;
                Ok(LazyPage::new(async move { Ok(page.items) }, page.next))
            }
        })
    }

    /// One page of a plain listing, its tickets mapped when the consumer reaches them whenever
    /// the next page can be asked for first.
    async fn lazy_list_page(
        &self,
        query: Arc<TicketQuery>,
        plan: Plan,
    ) -> Result<LazyPage<'_, Ticket>> {
        let operation = Operation::ListTickets;
        let Plan::List { since, page, .. } = &plan else {
            return Err(Error::new(ErrorKind::Decode, PROVIDER).with_operation(operation));
        };
        let per_page = query.page.limit_or(MAX_PAGE, MAX_PAGE);
        let runtime = self.endpoint.runtime();
        let peeked = runtime
            .run_page_peeked(
                operation,
                BARE.item("ticket"),
                self.list_call(*since, *page, per_page).send(),
            )
            .await?;
        let ahead = peeked
            .next_link()
            .and_then(|_| newest_from_end(&peeked))
            .map(|newest| ListPageSeen {
                more: true,
                newest: Some(newest),
                past_until: false,
            });
        let Some(seen) = ahead else {
            let raws = runtime
                .read_peeked::<map::TicketView>(operation, &peeked)?
                .into_items();
            let (tickets, next) = self.settle_list_page(&plan, raws, per_page).await?;
            let tickets = tickets.into_iter().filter(|t| query.matches(t)).collect();
            return Ok(LazyPage::new(async move { Ok(tickets) }, next));
        };
        let next = plan.after_list_page(&seen);
        let tickets = async move {
            let mut mapper = self.ticket_mapper(operation);
            let tickets =
                runtime.read_peeked_mapped(operation, &peeked, |item| mapper.map(item))?;
            let mut tickets = mapper.finish(tickets).await?;
            tickets.retain(|t| !plan.returned_before(t) && query.matches(t));
            Ok(tickets)
        };
        Ok(LazyPage::new(tickets, next))
    }

    pub(crate) async fn list_by_plan(
        &self,
        query: &TicketQuery,
        terms: Option<&str>,
        mut plan: Plan,
    ) -> Result<Page<Ticket>> {
        let operation = Operation::ListTickets;
        let per_page = query.page.limit_or(MAX_PAGE, MAX_PAGE);
        for _ in 0..MAX_SPLITS {
            match &mut plan {
                Plan::List { since, page, .. } => {
                    let raws = self.list_page(*since, *page, per_page).await?;
                    let (tickets, next) = self.settle_list_page(&plan, raws, per_page).await?;
                    return Ok(Page::new(
                        tickets.into_iter().filter(|t| query.matches(t)).collect(),
                        next,
                    ));
                }
                Plan::Search { ranges, page } => {
                    let Some(range) = ranges.last().copied() else {
                        return Ok(Page::last(Vec::new()));
                    };
                    let terms = terms.unwrap_or("");
                    let (raws, total) = self.search_page(terms, range, *page).await?;
                    if *page == 1 && total > SEARCH_CAP {
                        ranges.pop();
                        match range.split() {
                            Some((earlier, later)) => {
                                ranges.push(later);
                                ranges.push(earlier);
                            }
                            None => {
                                // One day holds more matches than search can reach: read the day.
                                let start = range
                                    .first
                                    .and_hms_opt(0, 0, 0)
                                    .unwrap_or_default()
                                    .and_utc();
                                let end = range
                                    .last
                                    .and_hms_opt(23, 59, 59)
                                    .unwrap_or_default()
                                    .and_utc();
                                plan = Plan::List {
                                    since: start,
                                    page: 1,
                                    skip: Vec::new(),
                                    tail: None,
                                    until: Some(end),
                                    then_search: ranges.clone(),
                                };
                            }
                        }
                        continue;
                    }
                    let reached = u64::from(*page) * u64::from(SEARCH_PAGE_SIZE);
                    if reached < total.min(SEARCH_CAP) && !raws.is_empty() {
                        *page += 1;
                    } else {
                        ranges.pop();
                        *page = 1;
                    }
                    let next = (!ranges.is_empty()).then(|| Cursor::of(PROVIDER, &plan));
                    let tickets = self.tickets(operation, raws).await?;
                    return Ok(Page::new(
                        tickets.into_iter().filter(|t| query.matches(t)).collect(),
                        next,
                    ));
                }
            }
        }
        Err(Error::new(ErrorKind::Provider { status: 200 }, PROVIDER)
            .with_operation(operation)
            .with_message(
                "the search kept reporting more matches than it can return; narrow the query",
            ))
    }

    /// Solution folders to read for an article listing: every folder, or those of one category.
    pub(crate) async fn folders(
        &self,
        operation: Operation,
        category: Option<i64>,
    ) -> Result<Vec<i64>> {
        let categories = match category {
            Some(category) => vec![category],
            None => {
                let page = self
                    .endpoint
                    .runtime()
                    .run_page(
                        operation,
                        BARE.item("solution category"),
                        self.client.list_solution_categories().send(),
                    )
                    .await?;
                values::<types::SolutionCategory>(operation, page)?
                    .iter()
                    .filter_map(|c| c.get("id").and_then(Value::as_i64))
                    .collect()
            }
        };
        let mut folders = Vec::new();
        for category in categories {
            let page = self
                .endpoint
                .runtime()
                .run_page(
                    operation,
                    BARE.item("solution folder"),
                    self.client
                        .list_solution_folders()
                        .category_id(category)
                        .send(),
                )
                .await?;
            folders.extend(
                values::<types::SolutionFolder>(operation, page)?
                    .iter()
                    .filter_map(|f| f.get("id").and_then(Value::as_i64)),
            );
        }
        Ok(folders)
    }
}

/// A page's items as values, for mapping that reads them field by field, each read by the page
/// reader into the documented shape the generated client gives it (`T`): an item that does not have
/// it fails the page with `Decode` naming it as the page's shape names its items (`a freshdesk
/// conversation 9 did not have its documented shape`).
pub(crate) fn values<T>(operation: Operation, page: ListingPage<T>) -> Result<Vec<Value>> {
    Ok(page
        .into_natives(PROVIDER, operation)?
        .into_iter()
        .map(|(_, raw)| raw.into_value())
        .collect())
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

    fn at(minute: u32) -> DateTime<Utc> {
        chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 1, 5, 8, minute, 0).unwrap()
    }

    fn list(page: u32, skip: Vec<i64>, tail: Option<(DateTime<Utc>, Vec<i64>)>) -> Plan {
        Plan::List {
            since: at(0),
            page,
            skip,
            tail,
            until: None,
            then_search: Vec::new(),
        }
    }

    fn next_plan(plan: &Plan, seen: ListPageSeen) -> Option<Plan> {
        let cursor = plan.after_list_page(&seen)?;
        Cursor::state::<Plan>(Some(&cursor), PROVIDER, Operation::ListTickets).unwrap()
    }

    #[test]
    fn the_newest_update_is_the_latest_instant_and_every_ticket_updated_then() {
        assert_eq!(
            newest_update([(at(1), 1), (at(2), 2), (at(2), 3), (at(1), 4)]),
            Some((at(2), vec![2, 3]))
        );
        assert_eq!(
            newest_update([(at(3), 5), (at(2), 6)]),
            Some((at(3), vec![5]))
        );
        assert_eq!(newest_update([]), None);
    }

    #[test]
    fn the_newest_update_is_read_from_the_last_tickets_of_a_page() {
        let page = |body: &'static str| {
            BARE.peek(&bytes::Bytes::from_static(body.as_bytes()))
                .unwrap()
        };
        let body = r#"[{"id": 1, "updated_at": "2026-01-05T08:01:00Z"},
            {"id": 2, "updated_at": "2026-01-05T08:02:00Z"},
            {"id": 3, "updated_at": "2026-01-05T08:02:00Z"}]"#;
        assert_eq!(newest_from_end(&page(body)), Some((at(2), vec![2, 3])));
        let one_instant = r#"[{"id": 4, "updated_at": "2026-01-05T08:02:00Z"},
            {"id": 5, "updated_at": "2026-01-05T08:02:00Z"}]"#;
        assert_eq!(
            newest_from_end(&page(one_instant)),
            Some((at(2), vec![4, 5]))
        );
        for unreadable in [
            "[]",
            r#"[{"id": 1, "updated_at": "2026-01-05T08:01:00Z"}, {"id": 2}]"#,
            r#"[{"id": 1, "updated_at": "2026-01-05T08:01:00Z"}, {"id": "x", "updated_at": "2026-01-05T08:01:00Z"}]"#,
            r#"[{"id": 1, "updated_at": "2026-01-05T08:01:00Z"}, , {"id": 2, "updated_at": "2026-01-05T08:01:00Z"}]"#,
        ] {
            assert_eq!(newest_from_end(&page(unreadable)), None, "{unreadable}");
        }
    }

    #[test]
    fn a_window_moves_page_by_page_and_restarts_from_its_newest_update() {
        let more = |newest| ListPageSeen {
            more: true,
            newest,
            past_until: false,
        };
        // The newest instant grows its tickets across pages, and moves on with a later one.
        let plan = list(3, vec![9], Some((at(1), vec![1])));
        assert_eq!(
            next_plan(&plan, more(Some((at(1), vec![2])))),
            Some(list(4, vec![9], Some((at(1), vec![1, 2]))))
        );
        assert_eq!(
            next_plan(&plan, more(Some((at(2), vec![3])))),
            Some(list(4, vec![9], Some((at(2), vec![3]))))
        );
        assert_eq!(
            next_plan(&plan, more(None)),
            Some(list(4, vec![9], Some((at(1), vec![1]))))
        );
        // A page out of order does not move the newest instant back.
        let later = list(3, vec![9], Some((at(5), vec![1])));
        assert_eq!(
            next_plan(&later, more(Some((at(2), vec![3])))),
            Some(list(4, vec![9], Some((at(5), vec![1]))))
        );
        // After a window's last page: from the newest instant, skipping who was returned then.
        let last = list(LIST_WINDOW_PAGES, vec![9], Some((at(1), vec![1])));
        let Some(Plan::List {
            since,
            page,
            skip,
            tail,
            ..
        }) = next_plan(&last, more(Some((at(2), vec![3, 4]))))
        else {
            panic!("a new window");
        };
        assert_eq!((since, page, skip, tail), (at(2), 1, vec![3, 4], None));
        // A window that never left its first instant keeps skipping what it skipped.
        let stuck = list(LIST_WINDOW_PAGES, vec![9], None);
        let Some(Plan::List { since, skip, .. }) = next_plan(&stuck, more(Some((at(0), vec![5]))))
        else {
            panic!("a new window");
        };
        assert_eq!((since, skip), (at(0), vec![5, 9]));
        // The end, unless searches remain.
        let end = ListPageSeen::default();
        assert_eq!(next_plan(&plan, end), None);
        let range = DayRange {
            first: day("2026-01-01"),
            last: day("2026-01-02"),
        };
        let scan = Plan::List {
            since: at(0),
            page: 1,
            skip: Vec::new(),
            tail: None,
            until: Some(at(30)),
            then_search: vec![range],
        };
        let searches = Plan::Search {
            ranges: vec![range],
            page: 1,
        };
        assert_eq!(
            next_plan(&scan, ListPageSeen::default()),
            Some(searches.clone())
        );
        assert_eq!(
            next_plan(
                &scan,
                ListPageSeen {
                    more: true,
                    newest: None,
                    past_until: true
                }
            ),
            Some(searches)
        );
    }

    #[test]
    fn tickets_returned_before_and_past_the_end_of_a_scan_are_told_apart() {
        let ticket = |id: &str, minute: u32| {
            let mut ticket = Ticket::new(
                map::id(ObjectKind::Ticket, id.parse().unwrap()),
                support_core::Mapped::new(support_core::TicketStatus::Open, "2"),
                serde_json::json!({}),
            );
            ticket.updated_at = Some(at(minute));
            ticket
        };
        let plan = list(1, vec![7], None);
        assert!(plan.returned_before(&ticket("7", 0)));
        assert!(!plan.returned_before(&ticket("7", 1)), "updated since");
        assert!(!plan.returned_before(&ticket("8", 0)));
        assert!(!plan.is_past_until(&ticket("8", 59)), "no end");
        let scan = Plan::List {
            since: at(0),
            page: 1,
            skip: Vec::new(),
            tail: None,
            until: Some(at(30)),
            then_search: Vec::new(),
        };
        assert!(scan.is_past_until(&ticket("8", 31)));
        assert!(!scan.is_past_until(&ticket("8", 30)));
    }
}
