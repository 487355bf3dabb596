//! [`FreshdeskPort`]: the `SupportPort` operations over Freshdesk's API v2.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use chrono::Utc;
use serde_json::{Value, json};
use support_core::http::HttpRuntime;
use support_core::{
    AgentQuery, ArticleQuery, Assignment, CanonicalId, Capabilities, CloseOptions, CommentQuery,
    CommentRef, ConnectionInfo, Cursor, Document, Error, ErrorKind, Filter, NewComment, NewTag,
    NewTicket, ObjectKind, Operation, Page, Party, Requester, Result, SatisfactionQuery,
    SatisfactionRatingRef, SlaPolicyRef, SupportPort, TagQuery, TagRef, Ticket, TicketLookup,
    TicketQuery, TicketStatus, TicketUpdate, Visibility, async_trait,
};

use crate::PROVIDER;
use crate::builder::FreshdeskBuilder;
use crate::generated::{Client, types};
use crate::listing::{DayRange, LIST_WINDOW_PAGES, Plan, SEARCH_CAP, SEARCH_PAGE_SIZE};
use crate::map::{self, StatusLabels};

/// The name ticket-listing cursors carry.
const TICKETS: &str = "tickets";
/// Freshdesk's largest page.
const MAX_PAGE: u32 = 100;
/// Safety stop for search ranges split within one call.
const MAX_SPLITS: usize = 64;

/// A Freshdesk helpdesk behind the [`SupportPort`] interface.
///
/// Built with [`FreshdeskPort::builder`] or [`FreshdeskPort::from_env`]. [`FreshdeskPort::client`]
/// gives the generated client for everything beyond the port (time entries, contacts, companies,
/// bulk updates), with the same credentials, retries and tracing.
pub struct FreshdeskPort {
    client: Client,
    http: reqwest::Client,
    base_url: String,
    runtime: HttpRuntime,
    capabilities: Capabilities,
    status_labels: Mutex<Option<Arc<StatusLabels>>>,
    roles: Mutex<Option<Arc<HashMap<i64, String>>>>,
}

impl fmt::Debug for FreshdeskPort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FreshdeskPort")
            .field("base_url", &self.base_url)
            .field("runtime", &self.runtime)
            .finish_non_exhaustive()
    }
}

fn capabilities() -> Capabilities {
    Capabilities::new()
        .native(&Operation::ALL)
        .emulated(
            Operation::ListKnowledgeArticles,
            "walks solution categories and folders; search terms are matched here",
        )
        .unsupported(
            Operation::ListTags,
            "Freshdesk API v2 has no tag resource: tags exist only as values on tickets and contacts",
        )
        .unsupported(
            Operation::CreateTag,
            "Freshdesk API v2 has no tag resource: a tag exists once set on a ticket (updateTicket with tags)",
        )
        .native_filters(&[
            Filter::TicketStatus,
            Filter::TicketPriority,
            Filter::TicketAssignee,
            Filter::TicketTag,
            Filter::TicketUpdatedSince,
            Filter::ArticleCategory,
            Filter::RatingDateRange,
        ])
}

/// A page cursor of the simple offset-paged listings.
#[derive(serde::Serialize, serde::Deserialize)]
struct OffsetState {
    page: u32,
}

/// Where an article listing stands: the folders to walk, the folder reached, the page within it.
#[derive(serde::Serialize, serde::Deserialize)]
struct ArticleWalk {
    folders: Vec<i64>,
    position: usize,
    page: u32,
}

/// Search terms for the filters Freshdesk can apply, in parentheses so that they combine with a day
/// range.
enum Terms {
    /// No filter the search can apply: list instead.
    None,
    /// `(status:2 OR status:3) AND agent_id:5 …`
    Some(String),
    /// A filter nothing can match (a status Freshdesk does not have).
    Nothing,
}

impl FreshdeskPort {
    /// Starts configuring a port.
    pub fn builder() -> FreshdeskBuilder {
        FreshdeskBuilder::default()
    }

    /// A port configured from `SUPPORT_FRESHDESK_*` variables (see [`FreshdeskBuilder::from_env`]).
    pub fn from_env() -> Result<Self> {
        FreshdeskBuilder::default().from_env()?.build()
    }

    pub(crate) fn new(base_url: String, http: reqwest::Client, runtime: HttpRuntime) -> Self {
        Self {
            client: Client::new_with_client(&base_url, http.clone(), runtime.clone()),
            http,
            base_url,
            runtime,
            capabilities: capabilities(),
            status_labels: Mutex::new(None),
            roles: Mutex::new(None),
        }
    }

    /// The generated client, for Freshdesk operations beyond the port.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The API base URL (`https://{domain}.freshdesk.com/api/v2`).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    fn offset_state(
        &self,
        operation: Operation,
        cursor: Option<&Cursor>,
        listing: &str,
    ) -> Result<OffsetState> {
        Ok(Cursor::listing_state(cursor, PROVIDER, operation, listing)?
            .unwrap_or(OffsetState { page: 1 }))
    }

    fn next_offset(listing: &str, page: u32) -> Cursor {
        Cursor::for_listing(PROVIDER, listing, &OffsetState { page })
    }

    /// A JSON array answer, or a decode error naming what was expected.
    fn array(operation: Operation, what: &str, json: Value) -> Result<Vec<Value>> {
        match json {
            Value::Array(items) => Ok(items),
            other => Err(Error::new(ErrorKind::Decode, PROVIDER)
                .with_operation(operation)
                .with_message(format!("expected a list of {what}"))
                .with_body_excerpt(other.to_string().as_bytes())),
        }
    }

    /// Converts a body built from the documented fields into the generated request type.
    fn body<T: serde::de::DeserializeOwned>(operation: Operation, json: Value) -> Result<T> {
        serde_json::from_value(json).map_err(|e| {
            Error::invalid_input(
                PROVIDER,
                format!("the request does not fit Freshdesk's schema: {e}"),
            )
            .with_operation(operation)
        })
    }

    /// The agent labels of ticket statuses, read once from the status ticket field when needed.
    async fn status_labels(&self, operation: Operation, needed: bool) -> Arc<StatusLabels> {
        if !needed {
            return Arc::default();
        }
        if let Some(cached) = self.status_labels.lock().ok().and_then(|c| c.clone()) {
            return cached;
        }
        match self
            .runtime
            .run_raw(operation, None, self.client.list_ticket_fields().send())
            .await
        {
            Ok(raw) => {
                let labels = Arc::new(StatusLabels::from_ticket_fields(&raw.json));
                if let Ok(mut cache) = self.status_labels.lock() {
                    *cache = Some(labels.clone());
                }
                labels
            }
            Err(error) => {
                tracing::debug!(%error, "ticket fields unavailable; custom statuses keep their codes");
                Arc::default()
            }
        }
    }

    async fn tickets(&self, operation: Operation, raws: Vec<Value>) -> Result<Vec<Ticket>> {
        let custom = raws.iter().any(|r| {
            r.get("status")
                .and_then(Value::as_i64)
                .is_some_and(|s| !map::is_builtin_status(s))
        });
        let labels = self.status_labels(operation, custom).await;
        raws.into_iter()
            .map(|raw| map::ticket(operation, raw, &labels))
            .collect()
    }

    async fn one_ticket(&self, operation: Operation, raw: Value) -> Result<Ticket> {
        let mut tickets = self.tickets(operation, vec![raw]).await?;
        tickets
            .pop()
            .ok_or_else(|| Error::new(ErrorKind::Decode, PROVIDER).with_operation(operation))
    }

    async fn status_code(&self, operation: Operation, status: &TicketStatus) -> Result<i64> {
        let custom =
            matches!(status, TicketStatus::Other(native) if native.parse::<i64>().is_err());
        let labels = self.status_labels(operation, custom).await;
        map::status_to_native(status, &labels).map_err(|e| e.with_operation(operation))
    }

    async fn search_terms(&self, query: &TicketQuery) -> Result<Terms> {
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

    async fn list_page(
        &self,
        since: chrono::DateTime<Utc>,
        page: u32,
        per_page: u32,
    ) -> Result<Vec<Value>> {
        let operation = Operation::ListTickets;
        let call = self
            .client
            .list_tickets()
            .updated_since(since)
            .order_by(types::ListTicketsOrderBy::UpdatedAt)
            .order_type(types::ListTicketsOrderType::Asc)
            .page(i64::from(page))
            .per_page(i64::from(per_page));
        let raw = self.runtime.run_raw(operation, None, call.send()).await?;
        Self::array(operation, "tickets", raw.json)
    }

    async fn search_page(
        &self,
        terms: &str,
        range: DayRange,
        page: u32,
    ) -> Result<(Vec<Value>, u64)> {
        let operation = Operation::ListTickets;
        // Freshdesk wants the whole query in double quotes.
        let query = format!("\"{terms} AND {}\"", range.terms());
        let call = self
            .client
            .search_tickets()
            .query(query)
            .page(i64::from(page));
        let raw = self
            .runtime
            .run_raw(operation, None, call.send())
            .await?
            .json;
        let total = raw.get("total").and_then(Value::as_u64).unwrap_or(0);
        let results = raw
            .get("results")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        Ok((results, total))
    }

    async fn list_by_plan(
        &self,
        query: &TicketQuery,
        terms: Option<&str>,
        mut plan: Plan,
    ) -> Result<Page<Ticket>> {
        let operation = Operation::ListTickets;
        let per_page = query.page.limit_or(MAX_PAGE, MAX_PAGE);
        for _ in 0..MAX_SPLITS {
            match &mut plan {
                Plan::List {
                    since,
                    page,
                    skip,
                    tail,
                    until,
                    then_search,
                } => {
                    let raws = self.list_page(*since, *page, per_page).await?;
                    let mut done = raws.len() < per_page as usize;
                    let mut tickets = self.tickets(operation, raws).await?;
                    let at_since = *since;
                    tickets.retain(|t| {
                        t.updated_at != Some(at_since)
                            || !t
                                .id
                                .external_id()
                                .parse()
                                .is_ok_and(|id: i64| skip.contains(&id))
                    });
                    // Pages come in `updated_at` order: remember the newest instant and who has it.
                    for ticket in &tickets {
                        let (Some(at), Ok(id)) =
                            (ticket.updated_at, ticket.id.external_id().parse::<i64>())
                        else {
                            continue;
                        };
                        match tail {
                            Some((last, ids)) if *last == at => ids.push(id),
                            Some((last, _)) if *last > at => {}
                            _ => *tail = Some((at, vec![id])),
                        }
                    }
                    if let Some(until) = *until {
                        if tickets
                            .iter()
                            .any(|t| t.updated_at.is_some_and(|at| at > until))
                        {
                            done = true;
                        }
                        tickets.retain(|t| t.updated_at.is_none_or(|at| at <= until));
                    }
                    let next = if done {
                        (!then_search.is_empty()).then(|| {
                            Cursor::for_listing(
                                PROVIDER,
                                TICKETS,
                                &Plan::Search {
                                    ranges: then_search.clone(),
                                    page: 1,
                                },
                            )
                        })
                    } else if *page >= LIST_WINDOW_PAGES {
                        // Restart from the newest instant seen, skipping who was already returned.
                        let (restart, mut seen) = tail.clone().unwrap_or((*since, Vec::new()));
                        if restart == *since {
                            seen.extend(skip.iter().copied());
                        }
                        Some(Cursor::for_listing(
                            PROVIDER,
                            TICKETS,
                            &Plan::List {
                                since: restart,
                                page: 1,
                                skip: seen,
                                tail: None,
                                until: *until,
                                then_search: then_search.clone(),
                            },
                        ))
                    } else {
                        *page += 1;
                        Some(Cursor::for_listing(PROVIDER, TICKETS, &plan))
                    };
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
                    let next =
                        (!ranges.is_empty()).then(|| Cursor::for_listing(PROVIDER, TICKETS, &plan));
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

    async fn roles(&self, operation: Operation) -> Result<Arc<HashMap<i64, String>>> {
        if let Some(cached) = self.roles.lock().ok().and_then(|c| c.clone()) {
            return Ok(cached);
        }
        let raw = self
            .runtime
            .run_raw(operation, None, self.client.list_roles().send())
            .await?;
        let roles: HashMap<i64, String> = Self::array(operation, "roles", raw.json)?
            .iter()
            .filter_map(|r| Some((r.get("id")?.as_i64()?, r.get("name")?.as_str()?.to_owned())))
            .collect();
        let roles = Arc::new(roles);
        if let Ok(mut cache) = self.roles.lock() {
            *cache = Some(roles.clone());
        }
        Ok(roles)
    }

    /// Solution folders to read for an article listing: every folder, or those of one category.
    async fn folders(&self, operation: Operation, category: Option<i64>) -> Result<Vec<i64>> {
        let categories = match category {
            Some(category) => vec![category],
            None => {
                let raw = self
                    .runtime
                    .run_raw(
                        operation,
                        None,
                        self.client.list_solution_categories().send(),
                    )
                    .await?;
                Self::array(operation, "solution categories", raw.json)?
                    .iter()
                    .filter_map(|c| c.get("id").and_then(Value::as_i64))
                    .collect()
            }
        };
        let mut folders = Vec::new();
        for category in categories {
            let raw = self
                .runtime
                .run_raw(
                    operation,
                    None,
                    self.client
                        .list_solution_folders()
                        .category_id(category)
                        .send(),
                )
                .await?;
            folders.extend(
                Self::array(operation, "solution folders", raw.json)?
                    .iter()
                    .filter_map(|f| f.get("id").and_then(Value::as_i64)),
            );
        }
        Ok(folders)
    }

    async fn put_ticket(
        &self,
        operation: Operation,
        ticket: &CanonicalId,
        changes: Value,
    ) -> Result<Ticket> {
        let ticket_id = ticket.numeric_id(PROVIDER, ObjectKind::Ticket, operation)?;
        let body: types::TicketUpdate = Self::body(operation, changes)?;
        let raw = self
            .runtime
            .run_raw(
                operation,
                None,
                self.client
                    .update_ticket()
                    .ticket_id(ticket_id)
                    .body(body)
                    .send(),
            )
            .await?;
        self.one_ticket(operation, raw.json).await
    }
}

#[async_trait]
impl SupportPort for FreshdeskPort {
    fn provider(&self) -> &'static str {
        PROVIDER
    }

    fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    async fn check_connection(&self) -> Result<ConnectionInfo> {
        let operation = Operation::CheckConnection;
        let request = self
            .http
            .get(format!("{}/agents/me", self.base_url))
            .build()
            .map_err(|e| self.runtime.transport_error(operation, e))?;
        let host = reqwest::Url::parse(&self.base_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_else(|| self.base_url.clone());
        let me = self
            .runtime
            .send_json(&self.http, operation, request)
            .await
            .map_err(|error| match error.kind() {
                ErrorKind::Unauthenticated => error.with_message(format!(
                    "{host} rejected the API key: check {} (the domain answered, so it is right)",
                    crate::ENV_API_KEY
                )),
                ErrorKind::NotFound | ErrorKind::Decode => error.with_message(format!(
                    "{host} is not a Freshdesk helpdesk API: check {} (the API key was not tried)",
                    crate::ENV_DOMAIN
                )),
                ErrorKind::Transport | ErrorKind::Timeout => {
                    let detail = error.message().unwrap_or_default().to_owned();
                    error.with_message(format!(
                        "could not reach {host}: check {} ({detail})",
                        crate::ENV_DOMAIN
                    ))
                }
                _ => error,
            })?;
        let roles = HashMap::new();
        let user = map::agent(operation, me, &roles)?;
        Ok(ConnectionInfo::new(PROVIDER, Some(host), Some(user)))
    }

    async fn list_tickets(&self, query: TicketQuery) -> Result<Page<Ticket>> {
        let operation = Operation::ListTickets;
        let terms = match self.search_terms(&query).await? {
            Terms::Nothing => return Ok(Page::last(Vec::new())),
            Terms::None => None,
            Terms::Some(terms) => Some(terms),
        };
        let resumed: Option<Plan> =
            Cursor::listing_state(query.page.cursor.as_ref(), PROVIDER, operation, TICKETS)?;
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
        self.list_by_plan(&query, terms.as_deref(), plan).await
    }

    async fn get_ticket(&self, ticket: &TicketLookup) -> Result<Ticket> {
        let operation = Operation::GetTicket;
        let ticket_id = match ticket {
            TicketLookup::Id(id) => id.numeric_id(PROVIDER, ObjectKind::Ticket, operation)?,
            TicketLookup::External(reference) => reference
                .trim()
                .trim_start_matches('#')
                .parse()
                .map_err(|_| {
                Error::invalid_input(
                    PROVIDER,
                    format!("`{reference}`: Freshdesk tickets are found by their number"),
                )
                .with_operation(operation)
            })?,
        };
        let raw = self
            .runtime
            .run_raw(
                operation,
                None,
                self.client.get_ticket().ticket_id(ticket_id).send(),
            )
            .await?;
        self.one_ticket(operation, raw.json).await
    }

    async fn create_ticket(&self, new: NewTicket) -> Result<Ticket> {
        let operation = Operation::CreateTicket;
        let status = match &new.status {
            Some(status) => self.status_code(operation, status).await?,
            None => 2,
        };
        let priority = new
            .priority
            .as_ref()
            .map(map::priority_to_native)
            .transpose()?
            .unwrap_or(1);
        let description = new
            .description
            .html
            .clone()
            .unwrap_or_else(|| html_escape(&new.description.text));
        let mut body = json!({
            "subject": new.subject,
            "description": description,
            "status": status,
            "priority": priority,
        });
        match &new.requester {
            Some(Requester::Id(id)) => {
                body["requester_id"] =
                    json!(id.numeric_id(PROVIDER, ObjectKind::Party, operation)?)
            }
            Some(Requester::Email { email, name }) => {
                body["email"] = json!(email);
                if let Some(name) = name {
                    body["name"] = json!(name);
                }
            }
            None => {}
        }
        if !new.tags.is_empty() {
            body["tags"] = json!(new.tags);
        }
        if !new.custom_fields.is_empty() {
            body["custom_fields"] = new
                .custom_fields
                .iter()
                .map(|f| (f.name.clone(), f.value.to_json()))
                .collect();
        }
        if let Some(agent) = &new.assignee {
            body["responder_id"] =
                json!(agent.numeric_id(PROVIDER, ObjectKind::Party, operation)?);
        }
        if let Some(group) = &new.group {
            body["group_id"] = json!(group.numeric_id(PROVIDER, ObjectKind::Group, operation)?);
        }
        let body: types::TicketCreate = Self::body(operation, body)?;
        // Freshdesk honours no idempotency key: the runtime never repeats this request once it may
        // have reached Freshdesk.
        let raw = self
            .runtime
            .run_raw(
                operation,
                None,
                self.client.create_ticket().body(body).send(),
            )
            .await?;
        self.one_ticket(operation, raw.json).await
    }

    async fn update_ticket(&self, ticket: &CanonicalId, update: TicketUpdate) -> Result<Ticket> {
        let operation = Operation::UpdateTicket;
        if update.is_empty() {
            return Err(Error::invalid_input(PROVIDER, "the update changes nothing")
                .with_operation(operation));
        }
        let mut changes = json!({});
        if let Some(subject) = &update.subject {
            changes["subject"] = json!(subject);
        }
        if let Some(status) = &update.status {
            changes["status"] = json!(self.status_code(operation, status).await?);
        }
        if let Some(priority) = &update.priority {
            changes["priority"] = json!(map::priority_to_native(priority)?);
        }
        if let Some(tags) = &update.tags {
            changes["tags"] = json!(tags);
        }
        if !update.custom_fields.is_empty() {
            changes["custom_fields"] = update
                .custom_fields
                .iter()
                .map(|f| (f.name.clone(), f.value.to_json()))
                .collect();
        }
        self.put_ticket(operation, ticket, changes).await
    }

    async fn close_ticket(&self, ticket: &CanonicalId, options: CloseOptions) -> Result<Ticket> {
        let operation = Operation::CloseTicket;
        if let Some(comment) = options.comment {
            self.add_comment(ticket, comment)
                .await
                .map_err(|e| e.with_operation(operation))?;
        }
        self.put_ticket(operation, ticket, json!({"status": 5}))
            .await
    }

    async fn list_agents(&self, query: AgentQuery) -> Result<Page<Party>> {
        let operation = Operation::ListAgents;
        let per_page = query.page.limit_or(MAX_PAGE, MAX_PAGE);
        let state = self.offset_state(operation, query.page.cursor.as_ref(), "agents")?;
        let call = self
            .client
            .list_agents()
            .page(i64::from(state.page))
            .per_page(i64::from(per_page));
        let raws = Self::array(
            operation,
            "agents",
            self.runtime
                .run_raw(operation, None, call.send())
                .await?
                .json,
        )?;
        let next =
            (raws.len() == per_page as usize).then(|| Self::next_offset("agents", state.page + 1));
        let roles = self.roles(operation).await?;
        let agents = raws
            .into_iter()
            .map(|raw| map::agent(operation, raw, &roles))
            .collect::<Result<Vec<_>>>()?;
        Ok(Page::new(
            agents.into_iter().filter(|a| query.matches(a)).collect(),
            next,
        ))
    }

    async fn assign_ticket(&self, ticket: &CanonicalId, assignment: Assignment) -> Result<Ticket> {
        let operation = Operation::AssignTicket;
        if assignment.agent.is_none() && assignment.group.is_none() {
            return Err(
                Error::invalid_input(PROVIDER, "assign to an agent, a group, or both")
                    .with_operation(operation),
            );
        }
        let mut changes = json!({});
        if let Some(agent) = &assignment.agent {
            changes["responder_id"] =
                json!(agent.numeric_id(PROVIDER, ObjectKind::Party, operation)?);
        }
        if let Some(group) = &assignment.group {
            changes["group_id"] =
                json!(group.numeric_id(PROVIDER, ObjectKind::Group, operation)?);
        }
        self.put_ticket(operation, ticket, changes).await
    }

    async fn add_comment(&self, ticket: &CanonicalId, comment: NewComment) -> Result<CommentRef> {
        let operation = Operation::AddComment;
        let ticket_id = ticket.numeric_id(PROVIDER, ObjectKind::Ticket, operation)?;
        let html = comment
            .body
            .html
            .clone()
            .unwrap_or_else(|| html_escape(&comment.body.text));
        if support_core::model::html_to_text(&html).trim().is_empty() {
            return Err(
                Error::invalid_input(PROVIDER, "the comment is empty").with_operation(operation)
            );
        }
        let mut body = json!({"body": html});
        if let Some(author) = &comment.author {
            body["user_id"] = json!(author.numeric_id(PROVIDER, ObjectKind::Party, operation)?);
        }
        let raw = match comment.visibility {
            Visibility::Public => {
                if !comment.cc.is_empty() {
                    body["cc_emails"] = json!(comment.cc);
                }
                let body: types::ReplyCreate = Self::body(operation, body)?;
                self.runtime
                    .run_raw(
                        operation,
                        None,
                        self.client
                            .reply_to_ticket()
                            .ticket_id(ticket_id)
                            .body(body)
                            .send(),
                    )
                    .await?
                    .json
            }
            Visibility::Internal => {
                body["private"] = json!(true);
                if !comment.cc.is_empty() {
                    body["notify_emails"] = json!(comment.cc);
                }
                let body: types::NoteCreate = Self::body(operation, body)?;
                self.runtime
                    .run_raw(
                        operation,
                        None,
                        self.client
                            .create_note()
                            .ticket_id(ticket_id)
                            .body(body)
                            .send(),
                    )
                    .await?
                    .json
            }
        };
        map::conversation(operation, ticket, raw)
    }

    async fn list_comments(
        &self,
        ticket: &CanonicalId,
        query: CommentQuery,
    ) -> Result<Page<CommentRef>> {
        let operation = Operation::ListComments;
        let ticket_id = ticket.numeric_id(PROVIDER, ObjectKind::Ticket, operation)?;
        let per_page = query.page.limit_or(MAX_PAGE, MAX_PAGE);
        let state = self.offset_state(operation, query.page.cursor.as_ref(), "conversations")?;
        let call = self
            .client
            .list_ticket_conversations()
            .ticket_id(ticket_id)
            .page(i64::from(state.page))
            .per_page(i64::from(per_page));
        let raws = Self::array(
            operation,
            "conversations",
            self.runtime
                .run_raw(operation, None, call.send())
                .await?
                .json,
        )?;
        let next = (raws.len() == per_page as usize)
            .then(|| Self::next_offset("conversations", state.page + 1));
        let comments = raws
            .into_iter()
            .map(|raw| map::conversation(operation, ticket, raw))
            .collect::<Result<Vec<_>>>()?;
        Ok(Page::new(
            comments
                .into_iter()
                .filter(|c| query.matches(&c.data))
                .collect(),
            next,
        ))
    }

    async fn list_tags(&self, _query: TagQuery) -> Result<Page<TagRef>> {
        Err(self
            .capabilities
            .unsupported_error(PROVIDER, Operation::ListTags))
    }

    async fn create_tag(&self, _tag: NewTag) -> Result<TagRef> {
        Err(self
            .capabilities
            .unsupported_error(PROVIDER, Operation::CreateTag))
    }

    async fn get_knowledge_article(&self, article: &CanonicalId) -> Result<Document> {
        let operation = Operation::GetKnowledgeArticle;
        let article_id = article.numeric_id(PROVIDER, ObjectKind::Document, operation)?;
        let raw = self
            .runtime
            .run_raw(
                operation,
                None,
                self.client
                    .get_solution_article()
                    .article_id(article_id)
                    .send(),
            )
            .await?;
        map::article(operation, raw.json)
    }

    async fn list_knowledge_articles(&self, query: ArticleQuery) -> Result<Page<Document>> {
        let operation = Operation::ListKnowledgeArticles;
        let category = query
            .category
            .as_ref()
            .map(|c| c.numeric_id(PROVIDER, ObjectKind::Category, operation))
            .transpose()?;
        let per_page = query.page.limit_or(MAX_PAGE, MAX_PAGE);
        // The folders to walk are read once, on the first page, and travel in the cursor with the
        // position and page reached.
        let resumed =
            Cursor::listing_state(query.page.cursor.as_ref(), PROVIDER, operation, "articles")?;
        let state = match resumed {
            Some(walk) => walk,
            None => ArticleWalk {
                folders: self.folders(operation, category).await?,
                position: 0,
                page: 1,
            },
        };
        let Some(folder) = state.folders.get(state.position).copied() else {
            return Ok(Page::last(Vec::new()));
        };
        let call = self
            .client
            .list_solution_articles()
            .folder_id(folder)
            .page(i64::from(state.page))
            .per_page(i64::from(per_page));
        let raws = Self::array(
            operation,
            "solution articles",
            self.runtime
                .run_raw(operation, None, call.send())
                .await?
                .json,
        )?;
        let next = if raws.len() == per_page as usize {
            Some(ArticleWalk {
                page: state.page + 1,
                ..state
            })
        } else if state.position + 1 < state.folders.len() {
            Some(ArticleWalk {
                position: state.position + 1,
                page: 1,
                ..state
            })
        } else {
            None
        }
        .map(|walk| Cursor::for_listing(PROVIDER, "articles", &walk));
        let articles = raws
            .into_iter()
            .map(|raw| map::article(operation, raw))
            .collect::<Result<Vec<_>>>()?;
        Ok(Page::new(
            articles.into_iter().filter(|a| query.matches(a)).collect(),
            next,
        ))
    }

    async fn get_sla(&self, policy: &CanonicalId) -> Result<SlaPolicyRef> {
        let operation = Operation::GetSla;
        let policy_id = policy.numeric_id(PROVIDER, ObjectKind::SlaPolicy, operation)?;
        // The documented call is the list; a single-policy path is not.
        let raw = self
            .runtime
            .run_raw(operation, None, self.client.list_sla_policies().send())
            .await?;
        let found = Self::array(operation, "SLA policies", raw.json)?
            .into_iter()
            .find(|p| p.get("id").and_then(Value::as_i64) == Some(policy_id))
            .ok_or_else(|| {
                Error::new(ErrorKind::NotFound, PROVIDER)
                    .with_operation(operation)
                    .with_message(format!("no SLA policy {policy_id}"))
            })?;
        map::sla_policy(operation, found)
    }

    async fn list_satisfaction_ratings(
        &self,
        query: SatisfactionQuery,
    ) -> Result<Page<SatisfactionRatingRef>> {
        let operation = Operation::ListSatisfactionRatings;
        if let Some(ticket) = &query.ticket {
            ticket.numeric_id(PROVIDER, ObjectKind::Ticket, operation)?;
        }
        let per_page = query.page.limit_or(MAX_PAGE, MAX_PAGE);
        let state = self.offset_state(
            operation,
            query.page.cursor.as_ref(),
            "satisfaction_ratings",
        )?;
        // Without `created_since` Freshdesk lists only recent ratings; ask from the start.
        let since = query.since.unwrap_or(chrono::DateTime::UNIX_EPOCH);
        let call = self
            .client
            .list_satisfaction_ratings()
            .created_since(since)
            .page(i64::from(state.page))
            .per_page(i64::from(per_page));
        let raws = Self::array(
            operation,
            "satisfaction ratings",
            self.runtime
                .run_raw(operation, None, call.send())
                .await?
                .json,
        )?;
        let next = (raws.len() == per_page as usize)
            .then(|| Self::next_offset("satisfaction_ratings", state.page + 1));
        let ratings = raws
            .into_iter()
            .map(|raw| map::rating(operation, raw))
            .collect::<Result<Vec<_>>>()?;
        Ok(Page::new(
            ratings
                .into_iter()
                .filter(|r| query.matches(&r.data))
                .collect(),
            next,
        ))
    }
}

/// Plain text as HTML: Freshdesk bodies are HTML.
fn html_escape(text: &str) -> String {
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\n', "<br>");
    format!("<div>{escaped}</div>")
}
