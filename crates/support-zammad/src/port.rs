//! [`ZammadPort`]: the `SupportPort` operations over Zammad's REST API (`/api/v1`). Kept thin:
//! listing state lives in `listing.rs`, instance definitions in `lookups.rs`, request bodies in
//! `bodies.rs`, and the mapping to canonical objects in `map.rs`.

use std::collections::HashSet;
use std::fmt;

use serde_json::Value;
use support_core::kit::page::PageShape;
use support_core::kit::{Endpoint, answered_as_asked, applied_but_unreadable, json, tag_pages};
use support_core::{
    AgentQuery, ArticleQuery, Assignment, CanonicalId, Capabilities, CloseOptions, CommentQuery,
    CommentRef, ConnectionInfo, Cursor, Document, Download, Error, ErrorKind, Filter, NewComment,
    NewTag, NewTicket, ObjectKind, Operation, Page, Party, Requester, Result, SatisfactionQuery,
    SatisfactionRatingRef, SlaPolicyRef, SupportPort, TagQuery, TagRef, Ticket, TicketLookup,
    TicketQuery, TicketStatus, TicketUpdate, Visibility, async_trait,
};

use crate::bodies;
use crate::builder::ZammadBuilder;
use crate::generated::Client;
use crate::generated::types::{TagItem, TagName, TicketWrite, TicketWriteCustomerId};
use crate::listing::{AgentPages, AnswerKey, CommentKey, TicketPages, TicketSearch};
use crate::lookups::{Lookups, rows};
use crate::map::Definitions;
use crate::{PROVIDER, map};

/// Tickets a page when the caller names no size (`GET /tickets` serves at most 100).
const TICKET_PAGE: u32 = 100;
/// The most a ticket search page holds (Zammad caps search at 200).
const SEARCH_PAGE: u32 = 200;
/// The page size of other listings the adapter pages itself.
const DEFAULT_PAGE: u32 = 100;
/// The most items of a listing the adapter pages itself.
const MAX_PAGE: u32 = 1000;
/// How many per-ticket tag reads run at once.
const TAG_READS_AT_ONCE: usize = 8;

/// A Zammad instance behind the [`SupportPort`] interface.
///
/// Built with [`ZammadPort::builder`] or [`ZammadPort::from_env`]. [`ZammadPort::client`]
/// gives the generated client for native operations beyond the port, with the same credentials,
/// retries and tracing.
pub struct ZammadPort {
    pub(crate) client: Client,
    pub(crate) endpoint: Endpoint,
    capabilities: Capabilities,
    pub(crate) lookups: Lookups,
}

impl fmt::Debug for ZammadPort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ZammadPort")
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

/// What the adapter does, and how.
fn capabilities() -> Capabilities {
    Capabilities::new()
        .native(&Operation::ALL)
        .native(&[Operation::DownloadAttachment])
        .emulated(
            Operation::ListAgents,
            "users holding the `ticket.agent` permission (`GET /users/search?permissions[]=\
             ticket.agent`), roles named from `GET /roles`, availability from `out_of_office`",
        )
        .emulated(
            Operation::ListKnowledgeArticles,
            "the answers `POST /knowledge_bases/init` shows the user, with their bodies; search \
             and category filters applied here",
        )
        .unsupported(
            Operation::ListSatisfactionRatings,
            "Zammad has no satisfaction ratings: no CSAT model or API",
        )
        .native_filters(&[
            Filter::TicketStatus,
            Filter::TicketPriority,
            Filter::TicketAssignee,
            Filter::TicketTag,
        ])
}

fn invalid(operation: Operation, message: impl Into<String>) -> Error {
    Error::invalid_input(PROVIDER, message).with_operation(operation)
}

/// A search term quoted for Zammad's (Elasticsearch) query syntax.
fn quoted(term: &str) -> String {
    let escaped = term.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{escaped}\"")
}

fn id_list(ids: &[i64]) -> String {
    let parts: Vec<String> = ids.iter().map(i64::to_string).collect();
    if parts.len() == 1 {
        parts.concat()
    } else {
        format!("({})", parts.join(" OR "))
    }
}

impl ZammadPort {
    /// Starts configuring a port.
    pub fn builder() -> ZammadBuilder {
        ZammadBuilder::default()
    }

    /// A port configured from `SUPPORT_ZAMMAD_*` variables (see [`ZammadBuilder::from_env`]).
    pub fn from_env() -> Result<Self> {
        ZammadBuilder::default().from_env()?.build()
    }

    pub(crate) fn new(endpoint: Endpoint) -> Self {
        Self {
            client: endpoint.client(Client::new_with_client),
            endpoint,
            capabilities: capabilities(),
            lookups: Lookups::new(),
        }
    }

    /// The generated client, for Zammad operations beyond the port.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The instance's URL (without `/api/v1`).
    pub fn base_url(&self) -> &str {
        self.endpoint.base_url()
    }

    fn ticket_id(ticket: &CanonicalId, operation: Operation) -> Result<i64> {
        ticket.numeric_id(PROVIDER, ObjectKind::Ticket, operation)
    }

    // ----- tickets -----

    /// Maps tickets, reading the definitions they need and each one's tags.
    async fn tickets(&self, operation: Operation, rows: Vec<Value>) -> Result<Vec<Ticket>> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let states: Vec<i64> = rows
            .iter()
            .filter_map(|r| json::int(r, "state_id"))
            .collect();
        let priorities: Vec<i64> = rows
            .iter()
            .filter_map(|r| json::int(r, "priority_id"))
            .collect();
        let definitions = self.definitions(operation, &states, &priorities).await?;
        let mut tickets = Vec::with_capacity(rows.len());
        for row in rows {
            tickets.push(map::ticket(operation, self.base_url(), row, &definitions)?);
        }
        // A ticket record does not carry its tags (they live in Zammad's tag tables and only the
        // search index holds them with the ticket): one `GET /tags` per ticket.
        use futures::stream::{self, StreamExt, TryStreamExt};
        let ids: Vec<i64> = tickets
            .iter()
            .map(|t| t.id.external_id().parse::<i64>().unwrap_or_default())
            .collect();
        let tags: Vec<Vec<String>> = stream::iter(ids)
            .map(|id| self.ticket_tags(operation, id))
            .buffered(TAG_READS_AT_ONCE)
            .try_collect()
            .await?;
        for (ticket, tags) in tickets.iter_mut().zip(tags) {
            ticket.tags = tags;
        }
        Ok(tickets)
    }

    /// `GET /tags?object=Ticket&o_id={id}`.
    async fn ticket_tags(&self, operation: Operation, id: i64) -> Result<Vec<String>> {
        let call = self.client.list_object_tags().object("Ticket").o_id(id);
        let page = self
            .endpoint
            .runtime()
            .run_page::<Value, _, _, _>(
                operation,
                PageShape::items_at("tags").item("tag"),
                call.send(),
            )
            .await?;
        Ok(page
            .into_values()
            .into_iter()
            .filter_map(|tag| tag.as_str().map(str::to_owned))
            .collect())
    }

    /// `GET /tickets/{id}`, mapped.
    async fn read(&self, operation: Operation, id: i64) -> Result<Ticket> {
        let call = self.client.get_ticket().id(id);
        let raw = self
            .endpoint
            .runtime()
            .run_json(operation, None, call.send())
            .await?;
        let ticket = self.one(operation, raw).await?;
        answered_as_asked(PROVIDER, "Zammad", operation, &id.to_string(), &ticket.id)?;
        Ok(ticket)
    }

    async fn one(&self, operation: Operation, raw: Value) -> Result<Ticket> {
        self.tickets(operation, vec![raw])
            .await?
            .pop()
            .ok_or_else(|| Error::new(ErrorKind::Decode, PROVIDER).with_operation(operation))
    }

    /// The ticket a write answered with, completed with its tags (a write applied whose answer
    /// cannot be read is `OutcomeUnknown`).
    async fn after_write(&self, operation: Operation, raw: Value) -> Result<Ticket> {
        self.one(operation, raw)
            .await
            .map_err(|e| applied_but_unreadable(PROVIDER, operation, e))
    }

    /// `PUT /tickets/{id}`. Never retried once sent.
    async fn put(&self, operation: Operation, id: i64, body: TicketWrite) -> Result<Value> {
        let call = self.client.update_ticket().id(id).body(body);
        self.endpoint
            .runtime()
            .run_json(operation, None, call.send())
            .await
    }

    /// The state id of a status, or `InvalidInput` naming the instance's states.
    async fn state_id(&self, operation: Operation, status: &TicketStatus) -> Result<i64> {
        let definitions = self.definitions(operation, &[], &[]).await?;
        definitions.state_for(status).map(|s| s.id).ok_or_else(|| {
            let known: Vec<&str> = definitions.states.iter().map(|s| s.name.as_str()).collect();
            invalid(
                operation,
                format!(
                    "this instance has no active ticket state for `{status}`; its states are: {}",
                    known.join(", ")
                ),
            )
        })
    }

    async fn priority_id(
        &self,
        operation: Operation,
        priority: &support_core::Priority,
    ) -> Result<i64> {
        let definitions = self.definitions(operation, &[], &[]).await?;
        definitions.priority_for(priority).map(|p| p.id).ok_or_else(|| {
            let known: Vec<&str> = definitions
                .priorities
                .iter()
                .map(|p| p.name.as_str())
                .collect();
            invalid(
                operation,
                format!(
                    "this instance has no active priority for `{priority}`; its priorities are: {}",
                    known.join(", ")
                ),
            )
        })
    }

    /// The search query of a filtered listing; `None` when no ticket can match.
    fn ticket_query(
        &self,
        query: &TicketQuery,
        definitions: &Definitions,
    ) -> Result<Option<String>> {
        let operation = Operation::ListTickets;
        let mut parts = Vec::new();
        if !query.statuses.is_empty() {
            let mut ids: Vec<i64> = query
                .statuses
                .iter()
                .flat_map(|s| definitions.state_ids(s))
                .collect();
            ids.sort_unstable();
            ids.dedup();
            if ids.is_empty() {
                return Ok(None);
            }
            parts.push(format!("state_id:{}", id_list(&ids)));
        }
        if !query.priorities.is_empty() {
            let mut ids: Vec<i64> = query
                .priorities
                .iter()
                .flat_map(|p| definitions.priority_ids(p))
                .collect();
            ids.sort_unstable();
            ids.dedup();
            if ids.is_empty() {
                return Ok(None);
            }
            parts.push(format!("priority_id:{}", id_list(&ids)));
        }
        if let Some(agent) = &query.assignee {
            parts.push(format!(
                "owner_id:{}",
                agent.numeric_id(PROVIDER, ObjectKind::Party, operation)?
            ));
        }
        if let Some(tag) = &query.tag {
            parts.push(format!("tags:{}", quoted(tag.trim())));
        }
        if let Some(since) = query.updated_since {
            // Day precision keeps the query free of `:`; the exact time is applied here.
            parts.push(format!("updated_at:>={}", since.format("%Y-%m-%d")));
        }
        if parts.is_empty() {
            // Only client-side filters (categories): every ticket is a candidate.
            parts.push("id:>0".to_owned());
        }
        Ok(Some(parts.join(" AND ")))
    }

    /// Makes a ticket carry exactly `tags` (or adds them when `replace` is false).
    async fn retag(
        &self,
        operation: Operation,
        id: i64,
        tags: &[String],
        replace: bool,
    ) -> Result<()> {
        let on = self.ticket_tags(operation, id).await?;
        for tag in tags {
            let tag = tag.trim();
            if tag.is_empty() || on.iter().any(|t| t.eq_ignore_ascii_case(tag)) {
                continue;
            }
            let call = self.client.add_object_tag().body(TagItem {
                item: tag.to_owned(),
                object: "Ticket".to_owned(),
                o_id: id,
            });
            self.endpoint
                .runtime()
                .run_json(operation, None, call.send())
                .await?;
        }
        if replace {
            for tag in &on {
                if tags.iter().any(|t| t.trim().eq_ignore_ascii_case(tag)) {
                    continue;
                }
                let call = self.client.remove_object_tag().body(TagItem {
                    item: tag.clone(),
                    object: "Ticket".to_owned(),
                    o_id: id,
                });
                self.endpoint
                    .runtime()
                    .run_json(operation, None, call.send())
                    .await?;
            }
        }
        Ok(())
    }

    // ----- comments -----

    /// Every article of a ticket, oldest first.
    async fn articles(&self, operation: Operation, ticket: i64) -> Result<Vec<Value>> {
        let call = self.client.list_ticket_articles().ticket_id(ticket);
        let mut rows = rows(self.endpoint.runtime(), operation, "article", call.send()).await?;
        rows.sort_by_key(|r| json::int(r, "id").unwrap_or_default());
        Ok(rows)
    }

    /// The customer's e-mail address, for a public reply.
    async fn customer_email(&self, operation: Operation, ticket: i64) -> Result<Option<String>> {
        let call = self.client.get_ticket().id(ticket);
        let raw = self
            .endpoint
            .runtime()
            .run_json(operation, None, call.send())
            .await?;
        let Some(customer) = json::int(&raw, "customer_id") else {
            return Ok(None);
        };
        let call = self.client.get_user().id(customer);
        let user = self
            .endpoint
            .runtime()
            .run_json(operation, None, call.send())
            .await?;
        Ok(json::text(&user, "email").filter(|e| e.contains('@')))
    }

    /// Whether an SLA's calendar limits its clock to business hours: a calendar open all day on
    /// every day counts calendar time. A calendar the user may not read (`admin.calendar`) counts
    /// as business hours, as Zammad's SLAs usually are.
    async fn calendar_has_business_hours(&self, operation: Operation, id: i64) -> Result<bool> {
        let call = self.client.get_calendar().id(id);
        match self
            .endpoint
            .runtime()
            .run_json(operation, None, call.send())
            .await
        {
            Ok(calendar) => Ok(!map::calendar_is_round_the_clock(&calendar)),
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::NotFound | ErrorKind::PermissionDenied | ErrorKind::Unauthenticated
                ) =>
            {
                Ok(true)
            }
            Err(e) => Err(e),
        }
    }

    // ----- knowledge base -----

    /// `POST /knowledge_bases/init`: the knowledge bases, categories and answers the user may see,
    /// as assets keyed by class and id; with the bodies of the given contents.
    pub(crate) async fn knowledge_assets(
        &self,
        operation: Operation,
        contents: Vec<i64>,
    ) -> Result<Value> {
        let call =
            self.client
                .init_knowledge_bases()
                .body(crate::generated::types::KnowledgeBaseInit {
                    answer_translation_content_ids: contents,
                });
        self.endpoint
            .runtime()
            .run_json(operation, None, call.send())
            .await
    }

    /// The answers among assets, each with its first translation (the locale asked for when it
    /// has one) and that translation's content when the assets hold it.
    fn answers(
        &self,
        operation: Operation,
        assets: &Value,
        locale: Option<&str>,
    ) -> Result<Vec<Document>> {
        let class = |name: &str| -> Vec<&Value> {
            assets
                .get(name)
                .and_then(Value::as_object)
                .map(|m| m.values().collect())
                .unwrap_or_default()
        };
        let translations = class("KnowledgeBaseAnswerTranslation");
        let contents = class("KnowledgeBaseAnswerTranslationContent");
        let locales = class("KnowledgeBaseLocale");
        let locale_of = |t: &Value| {
            let id = json::int(t, "kb_locale_id")?;
            locales
                .iter()
                .find(|l| json::int(l, "id") == Some(id))
                .and_then(|l| json::text(l, "system_locale_id").or_else(|| json::text(l, "locale")))
        };
        let mut answers = class("KnowledgeBaseAnswer");
        answers.sort_by_key(|a| json::int(a, "id").unwrap_or_default());
        let mut found = Vec::new();
        for answer in answers {
            let Some(id) = json::int(answer, "id") else {
                continue;
            };
            let mut mine: Vec<&&Value> = translations
                .iter()
                .filter(|t| json::int(t, "answer_id") == Some(id))
                .collect();
            mine.sort_by_key(|t| json::int(t, "id").unwrap_or_default());
            let chosen = locale
                .and_then(|l| {
                    mine.iter().copied().find(|t| {
                        json::text(t, "locale").is_some_and(|x| x.eq_ignore_ascii_case(l))
                    })
                })
                .or_else(|| mine.first().copied());
            let Some(translation) = chosen else {
                continue;
            };
            let content_id = json::int(translation, "content_id");
            let content = content_id.and_then(|c| {
                contents
                    .iter()
                    .copied()
                    .find(|x| json::int(x, "id") == Some(c))
            });
            let mut document =
                map::answer(operation, self.base_url(), answer, translation, content)?;
            if document.locale.is_none() {
                document.locale = locale_of(translation);
            }
            found.push(document);
        }
        Ok(found)
    }
}

#[async_trait]
impl SupportPort for ZammadPort {
    fn provider(&self) -> &'static str {
        PROVIDER
    }

    fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    async fn check_connection(&self) -> Result<ConnectionInfo> {
        let operation = Operation::CheckConnection;
        let host = self.endpoint.host();
        let call = self.client.get_current_user().send();
        let raw = self
            .endpoint
            .runtime()
            .run_json(operation, None, call)
            .await
            .map_err(|error| match error.kind() {
                ErrorKind::Unauthenticated | ErrorKind::PermissionDenied => {
                    let detail = error.message().unwrap_or_default().to_owned();
                    error.with_message(format!(
                        "{host} rejected the credentials ({detail}): check {}, or {} and {}, or \
                         {} (the instance answered, so its URL is right); token access or \
                         password access may be disabled in its API settings",
                        crate::ENV_TOKEN,
                        crate::ENV_USERNAME,
                        crate::ENV_PASSWORD,
                        crate::ENV_BEARER_TOKEN,
                    ))
                }
                ErrorKind::NotFound | ErrorKind::Decode => error.with_message(format!(
                    "{host} does not answer as a Zammad instance (no /api/v1/users/me): check {} \
                     (the instance's URL, without /api/v1; the credentials were not tried)",
                    crate::ENV_BASE_URL
                )),
                ErrorKind::Transport | ErrorKind::Timeout => {
                    let detail = error.message().unwrap_or_default().to_owned();
                    error.with_message(format!(
                        "could not reach {host}: check {} ({detail})",
                        crate::ENV_BASE_URL
                    ))
                }
                _ => error,
            })?;
        if !raw.is_object() || json::int(&raw, "id").is_none() {
            return Err(Error::new(ErrorKind::Decode, PROVIDER)
                .with_operation(operation)
                .with_message(format!(
                    "{host} answered /api/v1/users/me without a user: check {} (the instance's \
                     URL)",
                    crate::ENV_BASE_URL
                )));
        }
        Ok(map::connection_info(&host, raw))
    }

    async fn list_tickets(&self, query: TicketQuery) -> Result<Page<Ticket>> {
        let operation = Operation::ListTickets;
        let runtime = self.endpoint.runtime();
        let only_client_side = query.statuses.is_empty()
            && query.priorities.is_empty()
            && query.assignee.is_none()
            && query.tag.is_none()
            && query.updated_since.is_none();
        if !query.is_filtered() || only_client_side {
            let state =
                Cursor::state::<TicketPages>(query.page.cursor.as_ref(), PROVIDER, operation)?;
            let state = state.unwrap_or(TicketPages {
                page: 1,
                per_page: i64::from(query.page.limit_or(TICKET_PAGE, TICKET_PAGE)),
                after: 0,
            });
            if state.page < 1 || !(1..=i64::from(TICKET_PAGE)).contains(&state.per_page) {
                return Err(invalid(
                    operation,
                    "this cursor is not one the adapter made",
                ));
            }
            let call = self
                .client
                .list_tickets()
                .page(state.page)
                .per_page(state.per_page);
            let rows = rows(runtime, operation, "ticket", call.send()).await?;
            let full = rows.len() as i64 >= state.per_page;
            let mut after = state.after;
            let fresh: Vec<Value> = rows
                .into_iter()
                .filter(|r| json::int(r, "id").is_some_and(|id| id > state.after))
                .collect();
            for row in &fresh {
                after = after.max(json::int(row, "id").unwrap_or_default());
            }
            let tickets = self.tickets(operation, fresh).await?;
            let next = full.then(|| {
                Cursor::of(
                    PROVIDER,
                    &TicketPages {
                        page: state.page.saturating_add(1),
                        per_page: state.per_page,
                        after,
                    },
                )
            });
            return Ok(Page::new(
                tickets.into_iter().filter(|t| query.matches(t)).collect(),
                next,
            ));
        }
        let definitions = self.definitions(operation, &[], &[]).await?;
        let Some(filter) = self.ticket_query(&query, &definitions)? else {
            return Ok(Page::last(Vec::new()));
        };
        let after = match Cursor::state::<TicketSearch>(
            query.page.cursor.as_ref(),
            PROVIDER,
            operation,
        )? {
            Some(state) if state.query == filter => state.after,
            Some(_) => {
                return Err(invalid(
                    operation,
                    "this cursor belongs to a listing with other filters; start again without a cursor",
                ));
            }
            None => 0,
        };
        let limit = query.page.limit_or(TICKET_PAGE, SEARCH_PAGE);
        let call = self
            .client
            .search_tickets()
            .query(format!("{filter} AND id:>{after}"))
            .page(1)
            .per_page(i64::from(limit))
            .sort_by("id")
            .order_by("asc");
        let rows = rows(runtime, operation, "ticket", call.send()).await?;
        let full = rows.len() >= limit as usize;
        let last = rows
            .iter()
            .filter_map(|r| json::int(r, "id"))
            .max()
            .unwrap_or(after);
        let rows: Vec<Value> = rows
            .into_iter()
            .filter(|r| json::int(r, "id").is_some_and(|id| id > after))
            .collect();
        if full && last <= after {
            return Err(Error::new(ErrorKind::Decode, PROVIDER)
                .with_operation(operation)
                .with_message(
                    "the ticket search ignored `id:>`: it answered tickets already listed",
                ));
        }
        let tickets = self.tickets(operation, rows).await?;
        let next = full.then(|| {
            Cursor::of(
                PROVIDER,
                &TicketSearch {
                    query: filter.clone(),
                    after: last,
                },
            )
        });
        Ok(Page::new(
            tickets.into_iter().filter(|t| query.matches(t)).collect(),
            next,
        ))
    }

    async fn get_ticket(&self, ticket: &TicketLookup) -> Result<Ticket> {
        let operation = Operation::GetTicket;
        let number = match ticket {
            TicketLookup::Id(id) => {
                return self.read(operation, Self::ticket_id(id, operation)?).await;
            }
            TicketLookup::External(number) => number.trim(),
        };
        if number.is_empty()
            || !number
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(invalid(
                operation,
                format!("`{number}` is not a Zammad ticket number"),
            ));
        }
        let call = self
            .client
            .search_tickets()
            .query(format!("number:{number}"))
            .per_page(10);
        let rows: Vec<Value> = rows(self.endpoint.runtime(), operation, "ticket", call.send())
            .await?
            .into_iter()
            .filter(|r| json::id_text(r, "number").as_deref() == Some(number))
            .collect();
        // A reference of digits may also be a ticket's own id.
        let by_id = match number.parse::<i64>() {
            Ok(id) if id > 0 => {
                let call = self.client.get_ticket().id(id);
                match self
                    .endpoint
                    .runtime()
                    .run_json(operation, None, call.send())
                    .await
                {
                    Ok(raw) => Some(raw),
                    Err(e) if *e.kind() == ErrorKind::NotFound => None,
                    Err(e) => return Err(e),
                }
            }
            _ => None,
        };
        let mut ids: HashSet<i64> = rows.iter().filter_map(|r| json::int(r, "id")).collect();
        if let Some(id) = by_id.as_ref().and_then(|r| json::int(r, "id")) {
            ids.insert(id);
        }
        match (by_id.or_else(|| rows.into_iter().next()), ids.len()) {
            (None, _) => Err(Error::new(ErrorKind::NotFound, PROVIDER)
                .with_operation(operation)
                .with_message(format!(
                    "no ticket has the id or number `{number}` (the search index may lag behind \
                     a ticket created moments ago)"
                ))),
            (Some(row), 1) => self.one(operation, row).await,
            (Some(_), _) => Err(Error::new(ErrorKind::Conflict, PROVIDER)
                .with_operation(operation)
                .with_message(format!(
                    "`{number}` is one ticket's id and another's number; look the ticket up by \
                     its canonical id"
                ))),
        }
    }

    async fn create_ticket(&self, ticket: NewTicket) -> Result<Ticket> {
        let operation = Operation::CreateTicket;
        if ticket.subject.trim().is_empty() {
            return Err(invalid(operation, "a ticket needs a title (subject)"));
        }
        if ticket.external_ref.is_some() {
            return Err(invalid(
                operation,
                "Zammad tickets have no external reference; store it in a custom attribute \
                 (custom_fields) instead",
            ));
        }
        let mut body = bodies::ticket_write(&ticket.custom_fields);
        body.title = Some(ticket.subject.trim().to_owned());
        match &ticket.requester {
            Some(Requester::Id(customer)) => {
                let id = customer.numeric_id(PROVIDER, ObjectKind::Party, operation)?;
                body.customer_id = Some(TicketWriteCustomerId::Integer(id));
            }
            Some(Requester::Email { email, .. }) => {
                // Finds the user by e-mail, or creates a customer with it.
                let guess = format!("guess:{}", email.trim());
                body.customer_id = Some(TicketWriteCustomerId::String(guess));
            }
            None => {}
        }
        if let Some(status) = &ticket.status {
            body.state_id = Some(self.state_id(operation, status).await?);
        }
        if let Some(priority) = &ticket.priority {
            body.priority_id = Some(self.priority_id(operation, priority).await?);
        }
        if let Some(agent) = &ticket.assignee {
            body.owner_id = Some(agent.numeric_id(PROVIDER, ObjectKind::Party, operation)?);
        }
        body.group_id = match &ticket.group {
            Some(group) => Some(group.numeric_id(PROVIDER, ObjectKind::Group, operation)?),
            // Zammad requires a group: the first active one the user can see.
            None => self
                .groups(operation)
                .await?
                .iter()
                .find(|(_, active)| *active)
                .map(|(id, _)| *id),
        };
        let tags: Vec<&str> = ticket
            .tags
            .iter()
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
            .collect();
        if tags.iter().any(|t| t.contains(',')) {
            return Err(invalid(operation, "a Zammad tag cannot contain a comma"));
        }
        if !tags.is_empty() {
            body.tags = Some(tags.join(","));
        }
        let uploads = bodies::uploads(operation, &ticket.attachments).await?;
        body.article = Some(bodies::ticket_article(
            Some(ticket.subject.trim().to_owned()),
            &ticket.description,
            false,
            uploads,
        ));
        let call = self.client.create_ticket().body(body);
        let raw = self
            .endpoint
            .runtime()
            .run_json(operation, None, call.send())
            .await?;
        self.after_write(operation, raw).await
    }

    async fn update_ticket(&self, ticket: &CanonicalId, update: TicketUpdate) -> Result<Ticket> {
        let operation = Operation::UpdateTicket;
        let id = Self::ticket_id(ticket, operation)?;
        let mut body = bodies::ticket_write(&update.custom_fields);
        let mut changes = !update.custom_fields.is_empty();
        if let Some(subject) = &update.subject {
            if subject.trim().is_empty() {
                return Err(invalid(operation, "a ticket needs a title (subject)"));
            }
            body.title = Some(subject.trim().to_owned());
            changes = true;
        }
        if let Some(status) = &update.status {
            body.state_id = Some(self.state_id(operation, status).await?);
            changes = true;
        }
        if let Some(priority) = &update.priority {
            body.priority_id = Some(self.priority_id(operation, priority).await?);
            changes = true;
        }
        let answer = if changes {
            Some(self.put(operation, id, body).await?)
        } else {
            None
        };
        if let Some(tags) = &update.tags {
            self.retag(operation, id, tags, true).await.map_err(|e| {
                if answer.is_some() {
                    applied_but_unreadable(PROVIDER, operation, e)
                } else {
                    e
                }
            })?;
        }
        match answer {
            Some(raw) => self.after_write(operation, raw).await,
            None => self.read(operation, id).await,
        }
    }

    async fn close_ticket(&self, ticket: &CanonicalId, options: CloseOptions) -> Result<Ticket> {
        let operation = Operation::CloseTicket;
        let id = Self::ticket_id(ticket, operation)?;
        let mut body = bodies::ticket_write(&[]);
        body.state_id = Some(self.state_id(operation, &TicketStatus::Closed).await?);
        if let Some(comment) = &options.comment {
            if comment.author.is_some() || !comment.cc.is_empty() {
                return Err(invalid(
                    operation,
                    "a closing note is written by the API user and copies no one; send it \
                     without an author or cc",
                ));
            }
            let uploads = bodies::uploads(operation, &comment.attachments).await?;
            body.article = Some(bodies::ticket_article(
                None,
                &comment.body,
                comment.visibility == Visibility::Internal,
                uploads,
            ));
        }
        let raw = self.put(operation, id, body).await?;
        self.after_write(operation, raw).await
    }

    async fn list_agents(&self, query: AgentQuery) -> Result<Page<Party>> {
        let operation = Operation::ListAgents;
        let state = Cursor::state::<AgentPages>(query.page.cursor.as_ref(), PROVIDER, operation)?
            .unwrap_or(AgentPages {
                page: 1,
                per_page: i64::from(query.page.limit_or(DEFAULT_PAGE, SEARCH_PAGE)),
                after: 0,
            });
        if state.page < 1 || !(1..=i64::from(SEARCH_PAGE)).contains(&state.per_page) {
            return Err(invalid(
                operation,
                "this cursor is not one the adapter made",
            ));
        }
        let roles = self.roles(operation).await?;
        let call = self
            .client
            .search_users()
            .permissions("ticket.agent")
            .page(state.page)
            .per_page(state.per_page)
            .sort_by("id")
            .order_by("asc");
        let rows = rows(self.endpoint.runtime(), operation, "user", call.send()).await?;
        let full = rows.len() as i64 >= state.per_page;
        let mut after = state.after;
        let mut agents = Vec::new();
        for row in rows {
            let Some(id) = json::int(&row, "id") else {
                continue;
            };
            if id <= state.after {
                continue;
            }
            after = after.max(id);
            let agent = map::agent(operation, row, |r| roles.get(&r).cloned())?;
            if query.matches(&agent) {
                agents.push(agent);
            }
        }
        let next = full.then(|| {
            Cursor::of(
                PROVIDER,
                &AgentPages {
                    page: state.page.saturating_add(1),
                    per_page: state.per_page,
                    after,
                },
            )
        });
        Ok(Page::new(agents, next))
    }

    async fn assign_ticket(&self, ticket: &CanonicalId, assignment: Assignment) -> Result<Ticket> {
        let operation = Operation::AssignTicket;
        let id = Self::ticket_id(ticket, operation)?;
        let (agent, group) = assignment.numeric_ids(PROVIDER, operation)?;
        let mut body = bodies::ticket_write(&[]);
        body.owner_id = agent;
        body.group_id = group;
        let raw = self.put(operation, id, body).await?;
        self.after_write(operation, raw).await
    }

    async fn add_comment(&self, ticket: &CanonicalId, comment: NewComment) -> Result<CommentRef> {
        let operation = Operation::AddComment;
        let id = Self::ticket_id(ticket, operation)?;
        // Written on the author's behalf (Zammad's `From` header, which needs the API user to
        // hold `admin.user`): Zammad then sets the sender by the author's roles, and makes a
        // customer's article a public note whatever its type.
        let author = comment
            .author
            .as_ref()
            .map(|author| author.numeric_id(PROVIDER, ObjectKind::Party, operation))
            .transpose()?;
        let text_blank = comment.body.text.trim().is_empty()
            && comment
                .body
                .html
                .as_deref()
                .is_none_or(|h| h.trim().is_empty());
        if text_blank {
            return Err(invalid(operation, "a comment needs a body"));
        }
        let uploads = bodies::uploads(operation, &comment.attachments).await?;
        let body = match comment.visibility {
            Visibility::Internal => {
                if !comment.cc.is_empty() {
                    return Err(invalid(operation, "an internal note copies no one (cc)"));
                }
                bodies::article(id, &comment.body, "note", true, None, None, uploads)
            }
            _ => match self.customer_email(operation, id).await? {
                Some(to) => {
                    let cc = (!comment.cc.is_empty()).then(|| comment.cc.join(", "));
                    bodies::article(id, &comment.body, "email", false, Some(to), cc, uploads)
                }
                None => {
                    if !comment.cc.is_empty() {
                        return Err(invalid(
                            operation,
                            "the customer has no e-mail address, so the reply is a public note, \
                             which copies no one (cc)",
                        ));
                    }
                    bodies::article(id, &comment.body, "note", false, None, None, uploads)
                }
            },
        };
        let mut body = body;
        let mut call = self.client.create_ticket_article();
        if let Some(author) = author {
            body.sender = None;
            call = call.from(author.to_string());
        }
        let call = call.body(body);
        let raw = self
            .endpoint
            .runtime()
            .run_json(operation, None, call.send())
            .await?;
        map::comment(operation, self.base_url(), ticket, raw)
            .map_err(|e| applied_but_unreadable(PROVIDER, operation, e))
    }

    async fn list_comments(
        &self,
        ticket: &CanonicalId,
        query: CommentQuery,
    ) -> Result<Page<CommentRef>> {
        let operation = Operation::ListComments;
        let id = Self::ticket_id(ticket, operation)?;
        let limit = query.page.limit_or(DEFAULT_PAGE, MAX_PAGE) as usize;
        let after = match Cursor::state::<CommentKey>(
            query.page.cursor.as_ref(),
            PROVIDER,
            operation,
        )? {
            Some(state) if state.ticket == id => state.after,
            Some(_) => {
                return Err(invalid(
                    operation,
                    "this cursor belongs to another ticket's comments; start again without a cursor",
                ));
            }
            None => 0,
        };
        let rows = self.articles(operation, id).await?;
        let mut comments = Vec::new();
        for row in rows {
            if json::int(&row, "id").is_none_or(|a| a <= after) {
                continue;
            }
            let comment = map::comment(operation, self.base_url(), ticket, row)?;
            if query.matches(&comment.data) {
                comments.push(comment);
            }
        }
        let more = comments.len() > limit;
        comments.truncate(limit);
        let next = if more {
            comments.last().map(|c| {
                Cursor::of(
                    PROVIDER,
                    &CommentKey {
                        ticket: id,
                        after: c.id.external_id().parse().unwrap_or(i64::MAX),
                    },
                )
            })
        } else {
            None
        };
        Ok(Page::new(comments, next))
    }

    async fn list_tags(&self, query: TagQuery) -> Result<Page<TagRef>> {
        let operation = Operation::ListTags;
        let limit = query.page.limit_or(DEFAULT_PAGE, MAX_PAGE) as usize;
        let after = tag_pages::tags_after(PROVIDER, operation, query.page.cursor.as_ref())?;
        let call = self.client.list_tag_list();
        let listed = rows(self.endpoint.runtime(), operation, "tag", call.send()).await?;
        let tags = support_core::kit::map_each(listed, |row| map::tag(operation, row))?;
        Ok(tag_pages::tag_page(PROVIDER, tags, after.as_deref(), limit))
    }

    async fn create_tag(&self, tag: NewTag) -> Result<TagRef> {
        let operation = Operation::CreateTag;
        let name = tag.name.trim().to_owned();
        if name.is_empty() || name.contains(',') {
            return Err(invalid(operation, "a tag needs a name without commas"));
        }
        let call = self
            .client
            .create_tag_list_entry()
            .body(TagName { name: name.clone() });
        self.endpoint
            .runtime()
            .run_json(operation, None, call.send())
            .await?;
        // Zammad answers `{}`: the tag is read back from the list.
        let call = self.client.list_tag_list();
        let listed = rows(self.endpoint.runtime(), operation, "tag", call.send())
            .await
            .map_err(|e| applied_but_unreadable(PROVIDER, operation, e))?;
        let row = listed
            .into_iter()
            .find(|r| json::text(r, "name").is_some_and(|n| n.eq_ignore_ascii_case(&name)))
            .ok_or_else(|| {
                applied_but_unreadable(
                    PROVIDER,
                    operation,
                    Error::new(ErrorKind::Decode, PROVIDER)
                        .with_operation(operation)
                        .with_message(format!("the tag list does not show `{name}`")),
                )
            })?;
        map::tag(operation, row).map_err(|e| applied_but_unreadable(PROVIDER, operation, e))
    }

    async fn get_knowledge_article(&self, article: &CanonicalId) -> Result<Document> {
        let operation = Operation::GetKnowledgeArticle;
        let id = article.numeric_id(PROVIDER, ObjectKind::Document, operation)?;
        let bases = self.knowledge_bases(operation).await?;
        for kb in bases.iter() {
            let call = self
                .client
                .get_knowledge_base_answer()
                .knowledge_base_id(*kb)
                .id(id);
            let answer = match self
                .endpoint
                .runtime()
                .run_json(operation, None, call.send())
                .await
            {
                Ok(answer) => answer,
                Err(e) if *e.kind() == ErrorKind::NotFound => continue,
                Err(e) => return Err(e),
            };
            let assets = answer.get("assets").cloned().unwrap_or(Value::Null);
            let contents: Vec<String> = assets
                .get("KnowledgeBaseAnswerTranslation")
                .and_then(Value::as_object)
                .map(|m| {
                    m.values()
                        .filter(|t| json::int(t, "answer_id") == Some(id))
                        .filter_map(|t| json::int(t, "content_id"))
                        .map(|c| c.to_string())
                        .collect()
                })
                .unwrap_or_default();
            let assets = if contents.is_empty() {
                assets
            } else {
                let call = self
                    .client
                    .get_knowledge_base_answer()
                    .knowledge_base_id(*kb)
                    .id(id)
                    .include_contents(contents.join(","));
                let answer = self
                    .endpoint
                    .runtime()
                    .run_json(operation, None, call.send())
                    .await?;
                answer.get("assets").cloned().unwrap_or(Value::Null)
            };
            let document = self
                .answers(operation, &assets, None)?
                .into_iter()
                .find(|d| d.id.external_id() == id.to_string())
                .ok_or_else(|| {
                    json::misshapen(
                        PROVIDER,
                        operation,
                        "knowledge base answer",
                        &assets,
                        &"the assets hold no such answer with a translation",
                    )
                })?;
            return Ok(document);
        }
        Err(Error::new(ErrorKind::NotFound, PROVIDER)
            .with_operation(operation)
            .with_message(format!(
                "no knowledge base the user can read has the answer {id}"
            )))
    }

    async fn list_knowledge_articles(&self, query: ArticleQuery) -> Result<Page<Document>> {
        let operation = Operation::ListKnowledgeArticles;
        let limit = query.page.limit_or(DEFAULT_PAGE, MAX_PAGE) as usize;
        let after = Cursor::state::<AnswerKey>(query.page.cursor.as_ref(), PROVIDER, operation)?
            .map_or(0, |s| s.after);
        let assets = self.knowledge_assets(operation, Vec::new()).await?;
        let listed = self.answers(operation, &assets, query.locale.as_deref())?;
        let mut page: Vec<Document> = Vec::new();
        let mut more = false;
        let mut contents: Vec<i64> = Vec::new();
        for document in listed {
            let id: i64 = document.id.external_id().parse().unwrap_or_default();
            if id <= after {
                continue;
            }
            if page.len() == limit {
                more = true;
                break;
            }
            if let Some(c) = document
                .raw
                .value()
                .get("translation")
                .and_then(|t| json::int(t, "content_id"))
            {
                contents.push(c);
            }
            page.push(document);
        }
        // The bodies of this page's answers.
        if !contents.is_empty() {
            let assets = self.knowledge_assets(operation, contents).await?;
            let full = self.answers(operation, &assets, query.locale.as_deref())?;
            for document in &mut page {
                if let Some(found) = full.iter().find(|d| d.id == document.id) {
                    *document = found.clone();
                }
            }
        }
        let last = page
            .last()
            .and_then(|d| d.id.external_id().parse::<i64>().ok());
        let next = if more {
            last.map(|after| Cursor::of(PROVIDER, &AnswerKey { after }))
        } else {
            None
        };
        Ok(Page::new(
            page.into_iter().filter(|d| query.matches(d)).collect(),
            next,
        ))
    }

    async fn get_sla(&self, policy: &CanonicalId) -> Result<SlaPolicyRef> {
        let operation = Operation::GetSla;
        let id = policy.numeric_id(PROVIDER, ObjectKind::SlaPolicy, operation)?;
        let call = self.client.get_sla().id(id);
        let raw = self
            .endpoint
            .runtime()
            .run_json(operation, None, call.send())
            .await?;
        let business_hours = match json::int(&raw, "calendar_id") {
            Some(calendar) => {
                self.calendar_has_business_hours(operation, calendar)
                    .await?
            }
            None => true,
        };
        let found = map::sla_policy(operation, raw, business_hours)?;
        answered_as_asked(PROVIDER, "Zammad", operation, &id.to_string(), &found.id)?;
        Ok(found)
    }

    async fn download_attachment(&self, attachment: &Document) -> Result<Download> {
        let operation = Operation::DownloadAttachment;
        let id = attachment
            .id
            .native_id(PROVIDER, ObjectKind::Document, operation)?;
        let (ticket, article, file) = map::attachment_parts(id).ok_or_else(|| {
            invalid(
                operation,
                format!("`{id}` is not an attachment id ({{ticket}}-{{article}}-{{attachment}})"),
            )
        })?;
        let url = format!(
            "{}/api/v1/ticket_attachment/{ticket}/{article}/{file}",
            self.base_url()
        );
        self.endpoint.download(operation, &url).await
    }

    async fn list_satisfaction_ratings(
        &self,
        _query: SatisfactionQuery,
    ) -> Result<Page<SatisfactionRatingRef>> {
        Err(self
            .capabilities
            .unsupported_error(PROVIDER, Operation::ListSatisfactionRatings))
    }
}
