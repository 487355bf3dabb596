//! [`ZendeskPort`]: the `SupportPort` operations over Zendesk's Support and Help Center APIs.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use chrono::SecondsFormat;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use support_core::http::HttpRuntime;
use support_core::{
    AgentQuery, ArticleQuery, Assignment, CanonicalId, Capabilities, CloseOptions, CommentQuery,
    CommentRef, ConnectionInfo, Cursor, Document, Error, ErrorKind, Filter, NewComment, NewTag,
    NewTicket, ObjectKind, Operation, Page, Party, Requester, Result, SatisfactionQuery,
    SatisfactionRatingRef, SlaPolicyRef, SupportPort, TagQuery, TagRef, Ticket, TicketLookup,
    TicketQuery, TicketUpdate, async_trait,
};

use crate::PROVIDER;
use crate::builder::ZendeskBuilder;
use crate::generated::{Client, types};
use crate::map::{self, AccountLookups, CustomStatus, items};

/// Zendesk's largest page.
const MAX_PAGE: u32 = 100;
/// Agents' group ids, by agent id.
type AgentGroups = HashMap<i64, Vec<i64>>;

/// How long group memberships read for an agent listing are reused.
const MEMBERSHIPS_FRESH_FOR: std::time::Duration = std::time::Duration::from_secs(60);
/// Safety stop for listings the adapter walks whole (group memberships, sections).
const MAX_INTERNAL_PAGES: usize = 1_000;

/// A Zendesk account behind the [`SupportPort`] interface.
///
/// Built with [`ZendeskPort::builder`] or [`ZendeskPort::from_env`]. [`ZendeskPort::client`] gives the
/// generated client for native operations beyond the port, with the same credentials, retries and
/// tracing.
pub struct ZendeskPort {
    client: Client,
    http: reqwest::Client,
    base_url: String,
    runtime: HttpRuntime,
    capabilities: Capabilities,
    custom_statuses: Mutex<Option<Arc<HashMap<i64, CustomStatus>>>>,
    ticket_fields: Mutex<Option<Arc<HashMap<i64, String>>>>,
    memberships: Mutex<Option<(tokio::time::Instant, Arc<AgentGroups>)>>,
    sections: Mutex<Arc<HashMap<i64, i64>>>,
}

impl fmt::Debug for ZendeskPort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ZendeskPort")
            .field("base_url", &self.base_url)
            .field("runtime", &self.runtime)
            .finish_non_exhaustive()
    }
}

/// Where a listing stands, inside an opaque [`Cursor`] tagged with the listing's name.
#[derive(Debug, Default, Serialize, Deserialize)]
struct PageState {
    /// Zendesk's `after_cursor`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    after: Option<String>,
    /// A 1-based page number, for offset-paged endpoints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    page: Option<u32>,
    /// The user role being listed, for agent listings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    role: Option<String>,
}

fn capabilities() -> Capabilities {
    Capabilities::new()
        .native(&Operation::ALL)
        .unsupported(
            Operation::CreateTag,
            "Zendesk has no tag resource: a tag exists once it is applied to a ticket (updateTicket with tags)",
        )
        .native_filters(&[
            Filter::TicketStatus,
            Filter::TicketPriority,
            Filter::TicketAssignee,
            Filter::TicketTag,
            Filter::TicketUpdatedSince,
            Filter::AgentRole,
            Filter::ArticleCategory,
            Filter::ArticleSearch,
        ])
}

impl ZendeskPort {
    /// Starts configuring a port.
    pub fn builder() -> ZendeskBuilder {
        ZendeskBuilder::default()
    }

    /// A port configured from `SUPPORT_ZENDESK_*` variables (see [`ZendeskBuilder::from_env`]).
    pub fn from_env() -> Result<Self> {
        ZendeskBuilder::default().from_env()?.build()
    }

    pub(crate) fn new(base_url: String, http: reqwest::Client, runtime: HttpRuntime) -> Self {
        Self {
            client: Client::new_with_client(&base_url, http.clone(), runtime.clone()),
            http,
            base_url,
            runtime,
            capabilities: capabilities(),
            custom_statuses: Mutex::new(None),
            ticket_fields: Mutex::new(None),
            memberships: Mutex::new(None),
            sections: Mutex::new(Arc::new(HashMap::new())),
        }
    }

    /// The generated client, for Zendesk operations beyond the port. Calls made with it go through
    /// the same credentials, retries (GET only, outside a port operation) and tracing.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The account's base URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    fn cursor_state(
        &self,
        operation: Operation,
        cursor: Option<&Cursor>,
        listing: &str,
    ) -> Result<PageState> {
        Ok(Cursor::listing_state(cursor, PROVIDER, operation, listing)?.unwrap_or_default())
    }

    /// The next cursor of a cursor-paged Zendesk response, as an opaque [`Cursor`].
    fn next_after(listing: &str, envelope: &Value, role: Option<&str>) -> Option<Cursor> {
        let after = after_cursor(envelope)?;
        Some(Cursor::for_listing(
            PROVIDER,
            listing,
            &PageState {
                after: Some(after),
                page: None,
                role: role.map(str::to_owned),
            },
        ))
    }

    /// A GET request built by hand, for endpoints the vendor description leaves without paging.
    fn hand_built(
        &self,
        operation: Operation,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<reqwest::Request> {
        self.http
            .get(format!("{}{path}", self.base_url))
            .query(query)
            .build()
            .map_err(|e| self.runtime.transport_error(operation, e))
    }

    /// A lookup the account defines, fetched once when first needed and kept. When it cannot be
    /// read (a plan without the feature, a role without access), mapping goes on without it and the
    /// next call tries again.
    async fn cached<T: Default>(
        &self,
        slot: &Mutex<Option<Arc<T>>>,
        needed: bool,
        what: &str,
        fetch: impl std::future::Future<Output = Result<T>>,
    ) -> Arc<T> {
        if !needed {
            return Arc::default();
        }
        if let Some(cached) = slot.lock().ok().and_then(|c| c.clone()) {
            return cached;
        }
        match fetch.await {
            Ok(value) => {
                let value = Arc::new(value);
                if let Ok(mut cache) = slot.lock() {
                    *cache = Some(value.clone());
                }
                value
            }
            Err(error) => {
                tracing::debug!(%error, "{what} unavailable; mapping without them");
                Arc::default()
            }
        }
    }

    /// Custom statuses by id, read when a ticket uses one.
    async fn custom_statuses(
        &self,
        operation: Operation,
        needed: bool,
    ) -> Arc<HashMap<i64, CustomStatus>> {
        self.cached(&self.custom_statuses, needed, "custom statuses", async {
            let raw = self
                .runtime
                .run_raw(operation, None, self.client.list_custom_statuses().send())
                .await?;
            Ok(items(&raw.json, "custom_statuses")
                .iter()
                .filter_map(|s| {
                    let status: types::CustomStatusObject =
                        serde_json::from_value(s.clone()).ok()?;
                    Some((
                        status.id?,
                        CustomStatus {
                            label: status.agent_label.or(status.raw_agent_label)?,
                            category: status.status_category?,
                        },
                    ))
                })
                .collect())
        })
        .await
    }

    /// Ticket field titles by id, read when a ticket has custom fields or one is written by title.
    async fn ticket_fields(&self, operation: Operation, needed: bool) -> Arc<HashMap<i64, String>> {
        self.cached(&self.ticket_fields, needed, "ticket fields", async {
            // Unpaginated, the endpoint returns every field.
            let raw = self
                .runtime
                .run_raw(operation, None, self.client.list_ticket_fields().send())
                .await?;
            Ok(items(&raw.json, "ticket_fields")
                .iter()
                .filter_map(|f| {
                    let field: types::TicketFieldObject = serde_json::from_value(f.clone()).ok()?;
                    Some((field.id?, field.title.or(field.raw_title)?))
                })
                .collect())
        })
        .await
    }

    async fn tickets(&self, operation: Operation, raws: Vec<Value>) -> Result<Vec<Ticket>> {
        let custom_status = raws
            .iter()
            .any(|r| r.get("custom_status_id").is_some_and(|v| !v.is_null()));
        let custom_fields = raws.iter().any(|r| {
            r.get("custom_fields")
                .and_then(Value::as_array)
                .is_some_and(|f| !f.is_empty())
        });
        let lookups = AccountLookups {
            statuses: self.custom_statuses(operation, custom_status).await,
            fields: self.ticket_fields(operation, custom_fields).await,
        };
        raws.into_iter()
            .map(|raw| map::ticket(operation, raw, &lookups))
            .collect()
    }

    /// Custom field values to write; titles are resolved to field ids.
    async fn field_inputs(
        &self,
        operation: Operation,
        fields: &[support_core::CustomFieldInput],
    ) -> Result<Vec<types::TicketFieldValueInput>> {
        let by_title = fields.iter().any(|f| f.name.parse::<i64>().is_err());
        let titles = self.ticket_fields(operation, by_title).await;
        fields
            .iter()
            .map(|f| {
                map::custom_field_input(&f.name, &f.value, &titles)
                    .map_err(|e| e.with_operation(operation))
            })
            .collect()
    }

    async fn one_ticket(&self, operation: Operation, envelope: &Value) -> Result<Ticket> {
        let raw = envelope.get("ticket").cloned().ok_or_else(|| {
            Error::new(ErrorKind::Decode, PROVIDER)
                .with_operation(operation)
                .with_message("the response holds no ticket")
        })?;
        let mut tickets = self.tickets(operation, vec![raw]).await?;
        tickets
            .pop()
            .ok_or_else(|| Error::new(ErrorKind::Decode, PROVIDER).with_operation(operation))
    }

    async fn show_ticket(&self, operation: Operation, ticket_id: i64) -> Result<Ticket> {
        let raw = self
            .runtime
            .run_raw(
                operation,
                None,
                self.client.show_ticket().ticket_id(ticket_id).send(),
            )
            .await?;
        self.one_ticket(operation, &raw.json).await
    }

    /// `PUT /api/v2/tickets/{id}` with the given changes; the whole answer (ticket and audit).
    async fn put_ticket(
        &self,
        operation: Operation,
        ticket: &CanonicalId,
        changes: types::TicketObject,
    ) -> Result<Value> {
        let ticket_id = ticket.numeric_id(PROVIDER, ObjectKind::Ticket, operation)?;
        let body = types::TicketUpdateRequest {
            ticket: Some(changes),
            system_metadata: None,
        };
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
        Ok(raw.json)
    }

    /// Agents' groups, from every group membership of the account. Kept for
    /// [`MEMBERSHIPS_FRESH_FOR`], so that the pages of one agent listing read the memberships once.
    async fn group_memberships(&self, operation: Operation) -> Result<Arc<AgentGroups>> {
        let now = tokio::time::Instant::now();
        if let Some((read_at, groups)) = self.memberships.lock().ok().and_then(|m| m.clone())
            && now.duration_since(read_at) < MEMBERSHIPS_FRESH_FOR
        {
            return Ok(groups);
        }
        let memberships = walk("group_memberships", |after| async move {
            let mut call = self
                .client
                .list_group_memberships()
                .page_size(i64::from(MAX_PAGE));
            if let Some(cursor) = after {
                call = call.page_after(cursor);
            }
            Ok(self
                .runtime
                .run_raw(operation, None, call.send())
                .await?
                .json)
        })
        .await?;
        let mut groups: HashMap<i64, Vec<i64>> = HashMap::new();
        for membership in memberships {
            let membership: types::GroupMembershipObject =
                map::decode(operation, "group membership", &membership)?;
            if let (Some(user), Some(group)) = (membership.user_id, membership.group_id) {
                groups.entry(user).or_default().push(group);
            }
        }
        let groups = Arc::new(groups);
        if let Ok(mut cache) = self.memberships.lock() {
            *cache = Some((now, groups.clone()));
        }
        Ok(groups)
    }

    /// Help Center sections to their categories, refreshed when an unknown section turns up.
    async fn sections(
        &self,
        operation: Operation,
        wanted: &[i64],
    ) -> Result<Arc<HashMap<i64, i64>>> {
        let cached = self.sections.lock().map(|s| s.clone()).unwrap_or_default();
        if wanted.iter().all(|s| cached.contains_key(s)) {
            return Ok(cached);
        }
        let raws = walk("sections", |after| async move {
            let mut query = vec![("page[size]", MAX_PAGE.to_string())];
            if let Some(cursor) = after {
                query.push(("page[after]", cursor));
            }
            let request = self.hand_built(operation, "/api/v2/help_center/sections", &query)?;
            self.runtime.send_json(&self.http, operation, request).await
        })
        .await?;
        let mut sections = HashMap::new();
        for section in raws {
            let section: types::SectionObject = map::decode(operation, "section", &section)?;
            if let (Some(id), Some(category)) = (section.id, section.category_id) {
                sections.insert(id, category);
            }
        }
        let sections = Arc::new(sections);
        if let Ok(mut cache) = self.sections.lock() {
            *cache = sections.clone();
        }
        Ok(sections)
    }

    async fn articles(&self, operation: Operation, raws: Vec<Value>) -> Result<Vec<Document>> {
        let wanted: Vec<i64> = raws
            .iter()
            .filter_map(|a| a.get("section_id").and_then(Value::as_i64))
            .collect();
        let sections = self.sections(operation, &wanted).await?;
        raws.into_iter()
            .map(|raw| map::article(operation, raw, &sections))
            .collect()
    }
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
/// page by page; stops after [`MAX_INTERNAL_PAGES`] pages rather than follow a looping cursor.
async fn walk<F, Fut>(key: &str, mut fetch: F) -> Result<Vec<Value>>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: std::future::Future<Output = Result<Value>>,
{
    let mut all = Vec::new();
    let mut after = None;
    for _ in 0..MAX_INTERNAL_PAGES {
        let envelope = fetch(after.take()).await?;
        all.extend(items(&envelope, key));
        match after_cursor(&envelope) {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    Ok(all)
}

/// The search terms for the filters Zendesk can apply; the rest are applied to the results. Several
/// values of one field are left to the client, since search terms combine with AND.
fn search_terms(query: &TicketQuery) -> Result<Vec<String>> {
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

#[async_trait]
impl SupportPort for ZendeskPort {
    fn provider(&self) -> &'static str {
        PROVIDER
    }

    fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    async fn check_connection(&self) -> Result<ConnectionInfo> {
        let operation = Operation::CheckConnection;
        let raw = self
            .runtime
            .run_raw(operation, None, self.client.show_current_user().send())
            .await
            .map_err(|error| match error.kind() {
                ErrorKind::NotFound => error.with_message(format!(
                    "no Zendesk Support API at {}: check the subdomain",
                    self.base_url
                )),
                ErrorKind::Unauthenticated => error.with_message(format!(
                    "{} rejected the credentials: check the agent e-mail and API token (or OAuth token)",
                    self.base_url
                )),
                ErrorKind::Transport | ErrorKind::Timeout => {
                    let detail = error.message().unwrap_or_default().to_owned();
                    error.with_message(format!("could not reach {}: check the subdomain ({detail})", self.base_url))
                }
                _ => error,
            })?;
        let user = raw.json.get("user").cloned().unwrap_or(Value::Null);
        if user.get("id").is_none_or(Value::is_null) {
            return Err(
                Error::new(ErrorKind::Unauthenticated, PROVIDER).with_message(format!(
                    "{} answered as for an anonymous visitor: check the credentials",
                    self.base_url
                )),
            );
        }
        let user = map::user(operation, user, &HashMap::new())?;
        Ok(ConnectionInfo::new(
            PROVIDER,
            Some(self.base_url.clone()),
            Some(user),
        ))
    }

    async fn list_tickets(&self, query: TicketQuery) -> Result<Page<Ticket>> {
        let operation = Operation::ListTickets;
        let limit = i64::from(query.page.limit_or(MAX_PAGE, MAX_PAGE));
        let terms = search_terms(&query)?;
        let (listing, key) = if terms.is_empty() {
            ("tickets", "tickets")
        } else {
            ("ticket_search", "results")
        };
        let state = self.cursor_state(operation, query.page.cursor.as_ref(), listing)?;
        let raw = if terms.is_empty() {
            let mut call = self.client.list_tickets().page_size(limit);
            if let Some(after) = state.after {
                call = call.page_after(after);
            }
            self.runtime
                .run_raw(operation, None, call.send())
                .await?
                .json
        } else {
            let mut call = self
                .client
                .export_search_results()
                // The export endpoint takes the type from `filter[type]`; `type:` in the query is an error.
                .query(terms.join(" "))
                .filter_type("ticket")
                .page_size(limit);
            if let Some(after) = state.after {
                call = call.page_after(after);
            }
            self.runtime
                .run_raw(operation, None, call.send())
                .await?
                .json
        };
        let tickets = self.tickets(operation, items(&raw, key)).await?;
        let next = Self::next_after(listing, &raw, None);
        Ok(Page::new(
            tickets.into_iter().filter(|t| query.matches(t)).collect(),
            next,
        ))
    }

    async fn get_ticket(&self, ticket: &TicketLookup) -> Result<Ticket> {
        let operation = Operation::GetTicket;
        match ticket {
            TicketLookup::Id(id) => {
                let ticket_id = id.numeric_id(PROVIDER, ObjectKind::Ticket, operation)?;
                self.show_ticket(operation, ticket_id).await
            }
            TicketLookup::External(reference) => {
                if let Ok(ticket_id) = reference.trim().parse::<i64>() {
                    return self.show_ticket(operation, ticket_id).await;
                }
                let call = self
                    .client
                    .list_tickets()
                    .external_id(reference.clone())
                    .page_size(1);
                let raw = self.runtime.run_raw(operation, None, call.send()).await?;
                let mut tickets = self.tickets(operation, items(&raw.json, "tickets")).await?;
                if tickets.is_empty() {
                    return Err(Error::new(ErrorKind::NotFound, PROVIDER)
                        .with_operation(operation)
                        .with_message(format!("no ticket with external id `{reference}`")));
                }
                Ok(tickets.swap_remove(0))
            }
        }
    }

    async fn create_ticket(&self, new: NewTicket) -> Result<Ticket> {
        let operation = Operation::CreateTicket;
        let mut ticket = types::TicketObject {
            subject: Some(new.subject),
            comment: Some(types::TicketCommentObject {
                body: Some(new.description.text),
                html_body: new.description.html,
                public: Some(true),
                ..Default::default()
            }),
            priority: new.priority.as_ref().map(map::priority_to_native),
            status: new.status.as_ref().map(map::status_to_native).transpose()?,
            external_id: new.external_ref,
            ..Default::default()
        };
        if !new.tags.is_empty() {
            ticket.tags = Some(types::TicketObjectTags::Array(new.tags));
        }
        if !new.custom_fields.is_empty() {
            ticket.custom_fields = Some(self.field_inputs(operation, &new.custom_fields).await?);
        }
        match new.requester {
            Some(Requester::Id(id)) => {
                ticket.requester_id = Some(id.numeric_id(PROVIDER, ObjectKind::Party, operation)?)
            }
            Some(Requester::Email { email, name }) => {
                ticket.requester = Some(types::TicketObjectRequester::Object {
                    email: Some(email),
                    name,
                    locale: None,
                    locale_id: None,
                    organization_id: None,
                    role: None,
                    verified: None,
                });
            }
            None => {}
        }
        if let Some(agent) = &new.assignee {
            ticket.assignee_id = Some(agent.numeric_id(PROVIDER, ObjectKind::Party, operation)?);
        }
        if let Some(group) = &new.group {
            ticket.group_id = Some(group.numeric_id(PROVIDER, ObjectKind::Group, operation)?);
        }
        let body = types::TicketCreateRequest {
            ticket: Some(ticket),
            system_metadata: None,
        };
        let raw = self
            .runtime
            .run_raw(
                operation,
                new.idempotency_key,
                self.client.create_ticket().body(body).send(),
            )
            .await?;
        self.one_ticket(operation, &raw.json).await
    }

    async fn update_ticket(&self, ticket: &CanonicalId, update: TicketUpdate) -> Result<Ticket> {
        let operation = Operation::UpdateTicket;
        if update.is_empty() {
            return Err(Error::invalid_input(PROVIDER, "the update changes nothing")
                .with_operation(operation));
        }
        let mut changes = types::TicketObject {
            subject: update.subject,
            status: update
                .status
                .as_ref()
                .map(map::status_to_native)
                .transpose()?,
            priority: update.priority.as_ref().map(map::priority_to_native),
            tags: update.tags.map(types::TicketObjectTags::Array),
            ..Default::default()
        };
        if !update.custom_fields.is_empty() {
            changes.custom_fields =
                Some(self.field_inputs(operation, &update.custom_fields).await?);
        }
        let raw = self.put_ticket(operation, ticket, changes).await?;
        self.one_ticket(operation, &raw).await
    }

    async fn close_ticket(&self, ticket: &CanonicalId, options: CloseOptions) -> Result<Ticket> {
        let operation = Operation::CloseTicket;
        // Zendesk closes tickets itself some time after they are solved; solved is what the API sets.
        let mut changes = types::TicketObject {
            status: Some("solved".into()),
            ..Default::default()
        };
        if let Some(comment) = options.comment {
            changes.comment = Some(self.comment_object(operation, comment)?);
        }
        let raw = self.put_ticket(operation, ticket, changes).await?;
        self.one_ticket(operation, &raw).await
    }

    async fn list_agents(&self, query: AgentQuery) -> Result<Page<Party>> {
        let operation = Operation::ListAgents;
        let limit = i64::from(query.page.limit_or(MAX_PAGE, MAX_PAGE));
        let roles: &[&str] = match query
            .role
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("admin") => &["admin"],
            Some("agent") => &["agent"],
            _ => &["admin", "agent"],
        };
        let state = self.cursor_state(operation, query.page.cursor.as_ref(), "agents")?;
        let role = state.role.clone().unwrap_or_else(|| roles[0].to_owned());
        let Some(position) = roles.iter().position(|r| *r == role) else {
            return Err(Error::invalid_input(
                PROVIDER,
                "this cursor belongs to a listing of another role",
            )
            .with_operation(operation));
        };
        let mut call = self.client.list_users().role(role.clone()).page_size(limit);
        if let Some(after) = state.after {
            call = call.page_after(after);
        }
        let raw = self
            .runtime
            .run_raw(operation, None, call.send())
            .await?
            .json;
        let groups = self.group_memberships(operation).await?;
        let agents = items(&raw, "users")
            .into_iter()
            .map(|user| map::user(operation, user, &groups))
            .collect::<Result<Vec<_>>>()?;
        let next = Self::next_after("agents", &raw, Some(&role)).or_else(|| {
            roles.get(position + 1).map(|next_role| {
                Cursor::for_listing(
                    PROVIDER,
                    "agents",
                    &PageState {
                        role: Some((*next_role).to_owned()),
                        ..PageState::default()
                    },
                )
            })
        });
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
        let changes = types::TicketObject {
            assignee_id: assignment
                .agent
                .as_ref()
                .map(|a| a.numeric_id(PROVIDER, ObjectKind::Party, operation))
                .transpose()?,
            group_id: assignment
                .group
                .as_ref()
                .map(|g| g.numeric_id(PROVIDER, ObjectKind::Group, operation))
                .transpose()?,
            ..Default::default()
        };
        let raw = self.put_ticket(operation, ticket, changes).await?;
        self.one_ticket(operation, &raw).await
    }

    async fn add_comment(&self, ticket: &CanonicalId, comment: NewComment) -> Result<CommentRef> {
        let operation = Operation::AddComment;
        let cc = comment.cc.clone();
        let mut changes = types::TicketObject {
            comment: Some(self.comment_object(operation, comment)?),
            ..Default::default()
        };
        if !cc.is_empty() {
            changes.email_ccs = Some(
                cc.into_iter()
                    .map(|email| types::EmailCcObject {
                        action: Some("put".into()),
                        user_email: Some(email),
                        user_id: None,
                        user_name: None,
                    })
                    .collect(),
            );
        }
        let raw = self.put_ticket(operation, ticket, changes).await?;
        // The comment comes back as an event of the update's audit.
        let audit = raw.get("audit").cloned().unwrap_or(Value::Null);
        let event = items(&audit, "events")
            .into_iter()
            .find(|e| e.get("type").and_then(Value::as_str) == Some("Comment"))
            .ok_or_else(|| {
                Error::new(ErrorKind::Decode, PROVIDER)
                    .with_operation(operation)
                    .with_message("the ticket was updated but its audit holds no comment event; list the comments to find it")
            })?;
        let mut added = map::comment(operation, ticket, event)?;
        if added.data.created_at.is_none() {
            let audit: types::AuditObject = map::decode(operation, "audit", &audit)?;
            added.data.created_at = audit.created_at;
        }
        Ok(added)
    }

    async fn list_comments(
        &self,
        ticket: &CanonicalId,
        query: CommentQuery,
    ) -> Result<Page<CommentRef>> {
        let operation = Operation::ListComments;
        let ticket_id = ticket.numeric_id(PROVIDER, ObjectKind::Ticket, operation)?;
        let limit = i64::from(query.page.limit_or(MAX_PAGE, MAX_PAGE));
        let state = self.cursor_state(operation, query.page.cursor.as_ref(), "comments")?;
        let mut call = self
            .client
            .list_ticket_comments()
            .ticket_id(ticket_id)
            .page_size(limit);
        if let Some(after) = state.after {
            call = call.page_after(after);
        }
        let raw = self
            .runtime
            .run_raw(operation, None, call.send())
            .await?
            .json;
        let comments = items(&raw, "comments")
            .into_iter()
            .map(|c| map::comment(operation, ticket, c))
            .collect::<Result<Vec<_>>>()?;
        let next = Self::next_after("comments", &raw, None);
        Ok(Page::new(
            comments
                .into_iter()
                .filter(|c| query.matches(&c.data))
                .collect(),
            next,
        ))
    }

    async fn list_tags(&self, query: TagQuery) -> Result<Page<TagRef>> {
        let operation = Operation::ListTags;
        let limit = i64::from(query.page.limit_or(MAX_PAGE, MAX_PAGE));
        let state = self.cursor_state(operation, query.page.cursor.as_ref(), "tags")?;
        let mut call = self.client.list_tags().page_size(limit);
        if let Some(after) = state.after {
            call = call.page_after(after);
        }
        let raw = self
            .runtime
            .run_raw(operation, None, call.send())
            .await?
            .json;
        let tags = items(&raw, "tags")
            .into_iter()
            .map(|t| map::tag(operation, t))
            .collect::<Result<Vec<_>>>()?;
        Ok(Page::new(tags, Self::next_after("tags", &raw, None)))
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
                    .show_article_no_locale()
                    .article_id(article_id)
                    .send(),
            )
            .await?;
        let article = raw.json.get("article").cloned().unwrap_or(Value::Null);
        let mut articles = self.articles(operation, vec![article]).await?;
        articles
            .pop()
            .ok_or_else(|| Error::new(ErrorKind::Decode, PROVIDER).with_operation(operation))
    }

    async fn list_knowledge_articles(&self, query: ArticleQuery) -> Result<Page<Document>> {
        let operation = Operation::ListKnowledgeArticles;
        let limit = query.page.limit_or(MAX_PAGE, MAX_PAGE);
        let category = query
            .category
            .as_ref()
            .map(|c| c.numeric_id(PROVIDER, ObjectKind::Category, operation))
            .transpose()?;
        let (articles, next) =
            if let Some(term) = query.search.as_ref().filter(|t| !t.trim().is_empty()) {
                // Help Center search is offset-paged.
                let state =
                    self.cursor_state(operation, query.page.cursor.as_ref(), "article_search")?;
                let page = state.page.unwrap_or(1).max(1);
                let mut params = vec![
                    ("query", term.clone()),
                    ("page", page.to_string()),
                    ("per_page", limit.to_string()),
                ];
                if let Some(category) = category {
                    params.push(("category", category.to_string()));
                }
                if let Some(locale) = &query.locale {
                    params.push(("locale", locale.clone()));
                }
                let request =
                    self.hand_built(operation, "/api/v2/help_center/articles/search", &params)?;
                let envelope = self
                    .runtime
                    .send_json(&self.http, operation, request)
                    .await?;
                let next = envelope
                    .get("next_page")
                    .is_some_and(|n| !n.is_null())
                    .then(|| {
                        Cursor::for_listing(
                            PROVIDER,
                            "article_search",
                            &PageState {
                                page: Some(page + 1),
                                ..PageState::default()
                            },
                        )
                    });
                (
                    self.articles(operation, items(&envelope, "results"))
                        .await?,
                    next,
                )
            } else {
                let listing = if category.is_some() {
                    "category_articles"
                } else {
                    "articles"
                };
                let state = self.cursor_state(operation, query.page.cursor.as_ref(), listing)?;
                let path = match category {
                    Some(category) => format!("/api/v2/help_center/categories/{category}/articles"),
                    None => "/api/v2/help_center/articles".to_owned(),
                };
                let mut params = vec![("page[size]", limit.to_string())];
                if let Some(after) = state.after {
                    params.push(("page[after]", after));
                }
                let request = self.hand_built(operation, &path, &params)?;
                let envelope = self
                    .runtime
                    .send_json(&self.http, operation, request)
                    .await?;
                let next = Self::next_after(listing, &envelope, None);
                (
                    self.articles(operation, items(&envelope, "articles"))
                        .await?,
                    next,
                )
            };
        // Full-text matching is the provider's (stemming, synonyms); category and locale are exact.
        let mut exact = query;
        exact.search = None;
        Ok(Page::new(
            articles.into_iter().filter(|a| exact.matches(a)).collect(),
            next,
        ))
    }

    async fn get_sla(&self, policy: &CanonicalId) -> Result<SlaPolicyRef> {
        let operation = Operation::GetSla;
        let policy_id = policy.numeric_id(PROVIDER, ObjectKind::SlaPolicy, operation)?;
        let raw = self
            .runtime
            .run_raw(
                operation,
                None,
                self.client
                    .show_sla_policy()
                    .sla_policy_id(policy_id)
                    .send(),
            )
            .await?;
        map::sla_policy(
            operation,
            raw.json.get("sla_policy").cloned().unwrap_or(Value::Null),
        )
    }

    async fn list_satisfaction_ratings(
        &self,
        query: SatisfactionQuery,
    ) -> Result<Page<SatisfactionRatingRef>> {
        let operation = Operation::ListSatisfactionRatings;
        if let Some(ticket) = &query.ticket {
            ticket.numeric_id(PROVIDER, ObjectKind::Ticket, operation)?;
        }
        let limit = i64::from(query.page.limit_or(MAX_PAGE, MAX_PAGE));
        let state = self.cursor_state(
            operation,
            query.page.cursor.as_ref(),
            "satisfaction_ratings",
        )?;
        let mut call = self.client.list_satisfaction_ratings().page_size(limit);
        if let Some(after) = state.after {
            call = call.page_after(after);
        }
        let raw = self
            .runtime
            .run_raw(operation, None, call.send())
            .await?
            .json;
        let ratings = items(&raw, "satisfaction_ratings")
            .into_iter()
            .map(|r| map::rating(operation, r))
            .collect::<Result<Vec<_>>>()?;
        let next = Self::next_after("satisfaction_ratings", &raw, None);
        Ok(Page::new(
            ratings
                .into_iter()
                .filter(|r| query.matches(&r.data))
                .collect(),
            next,
        ))
    }
}

impl ZendeskPort {
    fn comment_object(
        &self,
        operation: Operation,
        comment: NewComment,
    ) -> Result<types::TicketCommentObject> {
        if comment.body.text.trim().is_empty()
            && comment
                .body
                .html
                .as_deref()
                .is_none_or(|h| h.trim().is_empty())
        {
            return Err(
                Error::invalid_input(PROVIDER, "the comment is empty").with_operation(operation)
            );
        }
        Ok(types::TicketCommentObject {
            body: Some(comment.body.text),
            html_body: comment.body.html,
            public: Some(comment.visibility == support_core::Visibility::Public),
            author_id: comment
                .author
                .as_ref()
                .map(|a| a.numeric_id(PROVIDER, ObjectKind::Party, operation))
                .transpose()?,
            ..Default::default()
        })
    }
}
