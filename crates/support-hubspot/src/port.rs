//! [`HubSpotPort`]: the `SupportPort` operations over HubSpot's CRM API. Kept thin: listing state
//! lives in `listing.rs`, the pipeline and owner lookups in `lookups.rs`, request bodies in
//! `bodies.rs`, the mapping to canonical objects in `map.rs`, and a ticket's comments (notes and
//! inbox thread messages: writing, listing, mapping) in `comments.rs`.

use std::fmt;

use serde_json::{Map, Value, json};
use support_core::kit::{Endpoint, json as kjson};
use support_core::{
    AgentQuery, ArticleQuery, Assignment, CanonicalId, Capabilities, CloseOptions, CommentQuery,
    CommentRef, ConnectionInfo, Cursor, Document, Download, Error, ErrorKind, Filter, NewComment,
    NewTag, NewTicket, ObjectKind, Operation, Page, Party, Requester, Result, SatisfactionQuery,
    SatisfactionRatingRef, SlaPolicyRef, SupportPort, TagQuery, TagRef, Ticket, TicketLookup,
    TicketQuery, TicketStatus, TicketUpdate, async_trait,
};

use crate::builder::HubSpotBuilder;
use crate::generated::{Client, types};
use crate::listing::{
    ArticleOffset, DEFAULT_PAGE, FeedbackAfter, MAX_PAGE, MAX_SEARCH_PAGE, OwnersAfter, SEARCH_CAP,
    SearchState, TicketsAfter,
};
use crate::lookups::{Lookups, Pipelines};
use crate::{PROVIDER, bodies, map};

/// A HubSpot account behind the [`SupportPort`] interface.
///
/// Built with [`HubSpotPort::builder`] or [`HubSpotPort::from_env`]. [`HubSpotPort::client`]
/// gives the generated client for native operations beyond the port, with the same credentials,
/// retries and tracing.
pub struct HubSpotPort {
    pub(crate) client: Client,
    pub(crate) endpoint: Endpoint,
    capabilities: Capabilities,
    pub(crate) lookups: Lookups,
}

impl fmt::Debug for HubSpotPort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HubSpotPort")
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

/// What the adapter supports, and why not where it does not.
fn capabilities() -> Capabilities {
    Capabilities::new()
        .native(&Operation::ALL)
        .emulated(
            Operation::AddComment,
            "internal comments are notes associated with the ticket; public ones are messages \
             sent to the ticket's conversations inbox thread (on its channel, to its contact's \
             e-mail address); a ticket without a thread takes no public reply",
        )
        .emulated(
            Operation::ListComments,
            "the ticket's notes (internal) and its inbox thread's messages (public), merged by \
             time; each page reads both whole",
        )
        .unsupported(
            Operation::ListTags,
            "HubSpot has no ticket tags outside the 2026-09 beta object-tags API, whose tags are \
             saved filters rather than labels on a ticket, so a ticket carries no tags to list",
        )
        .unsupported(
            Operation::CreateTag,
            "HubSpot has no ticket tags outside the 2026-09 beta object-tags API, whose tags are \
             saved filters rather than labels on a ticket, so no tag can be put on a ticket",
        )
        .emulated(
            Operation::GetKnowledgeArticle,
            "HubSpot has no knowledge-article API: the article's indexed data \
             (`GET /cms/v3/site-search/indexed-data/{id}?type=KNOWLEDGE_ARTICLE`), published \
             articles only",
        )
        .emulated(
            Operation::ListKnowledgeArticles,
            "CMS site search over published knowledge articles \
             (`GET /cms/site-search/v3/search?type=KNOWLEDGE_ARTICLE`); categories are not \
             indexed, so a category filter matches nothing",
        )
        .unsupported(
            Operation::GetSla,
            "HubSpot has no SLA policy resource; a ticket's SLA due dates are read into its `sla`",
        )
        .emulated(
            Operation::ListSatisfactionRatings,
            "feedback submissions (`GET /crm/v3/objects/feedback_submissions`, score `hs_value`), \
             read-only, with their ticket and contact associations; ticket, dates and sentiment are \
             matched here",
        )
        .native(&[Operation::DownloadAttachment])
        .uploads(support_core::UploadLimits::none())
        .native_filters(&[
            Filter::TicketStatus,
            Filter::TicketPriority,
            Filter::TicketAssignee,
            Filter::TicketUpdatedSince,
            Filter::ArticleSearch,
        ])
}

impl HubSpotPort {
    /// Starts configuring a port.
    pub fn builder() -> HubSpotBuilder {
        HubSpotBuilder::default()
    }

    /// A port configured from `SUPPORT_HUBSPOT_*` variables (see [`HubSpotBuilder::from_env`]).
    pub fn from_env() -> Result<Self> {
        HubSpotBuilder::default().from_env()?.build()
    }

    pub(crate) fn new(endpoint: Endpoint) -> Self {
        Self {
            client: endpoint.client(Client::new_with_client),
            endpoint,
            capabilities: capabilities(),
            lookups: Lookups::new(),
        }
    }

    /// The generated client, for HubSpot operations beyond the port.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The API base URL.
    pub fn base_url(&self) -> &str {
        self.endpoint.base_url()
    }

    /// The `Unsupported` error of an operation, with the reason `capabilities()` gives.
    fn unsupported<T>(&self, operation: Operation) -> Result<T> {
        Err(self.capabilities.unsupported_error(PROVIDER, operation))
    }

    fn invalid(operation: Operation, message: impl Into<String>) -> Error {
        Error::invalid_input(PROVIDER, message).with_operation(operation)
    }

    /// The HubSpot id of a ticket: a number.
    fn ticket_id(ticket: &CanonicalId, operation: Operation) -> Result<String> {
        ticket
            .numeric_id(PROVIDER, ObjectKind::Ticket, operation)
            .map(|id| id.to_string())
    }

    async fn map_ticket(&self, operation: Operation, raw: Value) -> Result<Ticket> {
        let pipelines = self.pipelines(operation).await?;
        let properties = self.ticket_properties(operation).await?;
        map::ticket(operation, raw, &pipelines, &properties)
    }

    /// The `properties=` value of a ticket read (the mapped properties and as many of the
    /// account's custom properties as fit in [`PROPERTIES_IN_URL`] characters), and the custom
    /// properties left over, which a batch read adds.
    async fn read_properties(&self, operation: Operation) -> Result<(String, Vec<String>)> {
        let properties = self.ticket_properties(operation).await?;
        let mut query = map::ticket_properties();
        let mut rest = Vec::new();
        for def in properties.custom() {
            if map::TICKET_PROPERTIES.contains(&def.name.as_str()) {
                continue;
            }
            if rest.is_empty() && query.len() + 1 + def.name.len() <= PROPERTIES_IN_URL {
                query.push(',');
                query.push_str(&def.name);
            } else {
                rest.push(def.name.clone());
            }
        }
        Ok((query, rest))
    }

    /// Adds the properties `names` to the tickets `raws` (read by id in batches,
    /// `POST /crm/v3/objects/tickets/batch/read`, whose property list is in the body).
    async fn add_properties(
        &self,
        operation: Operation,
        raws: &mut [Value],
        names: &[String],
    ) -> Result<()> {
        if names.is_empty() || raws.is_empty() {
            return Ok(());
        }
        let ids: Vec<String> = raws
            .iter()
            .filter_map(|r| kjson::id_text(r, "id"))
            .collect();
        for chunk in ids.chunks(BATCH_READ) {
            let body: types::BatchReadInput = bodies::typed(
                operation,
                json!({
                    "inputs": chunk.iter().map(|id| json!({"id": id})).collect::<Vec<_>>(),
                    "properties": names,
                }),
            )?;
            let answer = self
                .endpoint
                .runtime()
                .run_json(
                    operation,
                    None,
                    self.client.batch_read_tickets().body(body).send(),
                )
                .await?;
            let Some(results) = answer.get("results").and_then(Value::as_array) else {
                return Err(kjson::misshapen(
                    PROVIDER,
                    operation,
                    "batch read",
                    &answer,
                    &"no results",
                ));
            };
            for read in results {
                let Some(id) = kjson::id_text(read, "id") else {
                    continue;
                };
                let Some(target) = raws
                    .iter_mut()
                    .find(|r| kjson::id_text(r, "id").as_deref() == Some(id.as_str()))
                else {
                    continue;
                };
                if let (Some(from), Some(to)) = (
                    read.get("properties").and_then(Value::as_object),
                    target.get_mut("properties").and_then(Value::as_object_mut),
                ) {
                    for name in names {
                        if let Some(value) = from.get(name) {
                            to.insert(name.clone(), value.clone());
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// `GET /crm/v3/objects/tickets/{id}` with the mapped properties and the account's custom
    /// ones, as JSON.
    async fn read_raw(&self, operation: Operation, id: &str) -> Result<Value> {
        let (query, rest) = self.read_properties(operation).await?;
        let raw = self
            .endpoint
            .runtime()
            .run_json(
                operation,
                None,
                self.client
                    .get_ticket()
                    .ticket_id(id)
                    .properties(query)
                    .associations("contacts")
                    .send(),
            )
            .await?;
        let mut raws = [raw];
        self.add_properties(operation, &mut raws, &rest).await?;
        let [raw] = raws;
        Ok(raw)
    }

    /// The `properties` of a write for the custom fields `fields`, by property name (or label):
    /// an unknown, HubSpot-defined or read-only property, or a value the property cannot take, is
    /// refused before anything is sent.
    async fn custom_properties(
        &self,
        operation: Operation,
        fields: &[support_core::CustomFieldInput],
        into: &mut Map<String, Value>,
    ) -> Result<()> {
        if fields.is_empty() {
            return Ok(());
        }
        let properties = self.ticket_properties(operation).await?;
        for field in fields {
            let Some(def) = properties.find(&field.name) else {
                return Err(Self::invalid(
                    operation,
                    format!(
                        "`{}` is not a ticket property of this HubSpot account",
                        field.name
                    ),
                ));
            };
            if def.hubspot_defined {
                return Err(Self::invalid(
                    operation,
                    format!(
                        "`{}` is a HubSpot-defined ticket property, not a custom one; set it \
                         through the ticket's own fields",
                        def.name
                    ),
                ));
            }
            if def.read_only {
                return Err(Self::invalid(
                    operation,
                    format!(
                        "custom property `{}` is read-only (calculated or set by HubSpot)",
                        def.name
                    ),
                ));
            }
            let value = map::custom_write(def, &field.value)
                .map_err(|message| Self::invalid(operation, message))?;
            into.insert(def.name.clone(), value.into());
        }
        Ok(())
    }

    /// `PATCH /crm/v3/objects/tickets/{id}` with `properties`, then the ticket as it is now.
    async fn patch(
        &self,
        operation: Operation,
        id: &str,
        properties: Map<String, Value>,
    ) -> Result<Ticket> {
        let body: types::ObjectInput =
            bodies::typed(operation, json!({ "properties": properties }))?;
        self.endpoint
            .runtime()
            .run_json(
                operation,
                None,
                self.client.update_ticket().ticket_id(id).body(body).send(),
            )
            .await?;
        // The PATCH answer holds only the default properties: read the ticket back.
        let raw = self.read_raw(operation, id).await?;
        self.map_ticket(operation, raw).await
    }

    /// The stage id a ticket of `pipeline` (the default one when `None`) is moved to for `status`.
    fn stage_for(
        operation: Operation,
        pipelines: &Pipelines,
        pipeline: Option<&str>,
        status: &TicketStatus,
    ) -> Result<(String, String)> {
        let Some(found) = pipelines.pipeline(pipeline) else {
            return Err(Error::new(ErrorKind::NotFound, PROVIDER)
                .with_operation(operation)
                .with_message(format!(
                    "the ticket pipeline {} is not among the account's pipelines",
                    pipeline.unwrap_or("(default)")
                )));
        };
        let Some(stage) = found.stage_for(status) else {
            return Err(Self::invalid(
                operation,
                format!(
                    "the ticket pipeline {} has no stage for the status `{status}`",
                    found.id
                ),
            ));
        };
        Ok((found.id.clone(), stage.id.clone()))
    }

    /// The filters of a search for `query`, and whether it matches nothing at all.
    fn search_filters(
        query: &TicketQuery,
        pipelines: &Pipelines,
        floor_ms: Option<i64>,
    ) -> (Vec<Value>, bool) {
        let mut filters = Vec::new();
        let mut empty = false;
        if !query.statuses.is_empty() {
            let stages: Vec<String> = pipelines
                .0
                .iter()
                .flat_map(|p| p.stages.iter())
                .filter(|s| {
                    let status = s.status();
                    query.statuses.iter().any(|wanted| {
                        *wanted == status
                            || (*wanted == TicketStatus::Resolved && status == TicketStatus::Closed)
                    })
                })
                .map(|s| s.id.clone())
                .fold(Vec::new(), |mut ids, id| {
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                    ids
                });
            if stages.is_empty() {
                empty = true;
            }
            filters.push(
                json!({"propertyName": "hs_pipeline_stage", "operator": "IN", "values": stages}),
            );
        }
        if !query.priorities.is_empty() {
            let values: Vec<&str> = query
                .priorities
                .iter()
                .filter_map(map::priority_value)
                .collect();
            if values.is_empty() {
                empty = true;
            }
            filters.push(
                json!({"propertyName": "hs_ticket_priority", "operator": "IN", "values": values}),
            );
        }
        if let Some(assignee) = &query.assignee {
            filters.push(json!({"propertyName": "hubspot_owner_id", "operator": "EQ",
                "value": assignee.external_id()}));
        }
        let since = query.updated_since.map(|t| t.timestamp_millis());
        let floor = match (since, floor_ms) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        if let Some(floor) = floor {
            filters.push(
                json!({"propertyName": "hs_lastmodifieddate", "operator": "GTE",
                "value": floor.to_string()}),
            );
        }
        (filters, empty)
    }

    /// The id of the contact with e-mail address `email`: found by a contact search
    /// (`POST /crm/v3/objects/contacts/search`, `email` EQ), else created
    /// (`POST /crm/v3/objects/contacts` with `email` and the name as `firstname`/`lastname`).
    async fn contact_for(
        &self,
        operation: Operation,
        email: &str,
        name: Option<&str>,
    ) -> Result<String> {
        let email = email.trim();
        if email.is_empty() {
            return Err(Self::invalid(
                operation,
                "the requester's e-mail address is empty",
            ));
        }
        let search = json!({
            "filterGroups": [{"filters": [
                {"propertyName": "email", "operator": "EQ", "value": email},
            ]}],
            "properties": ["email"],
            "limit": 1,
        });
        let body: types::SearchRequest = bodies::typed(operation, search)?;
        let found = self
            .endpoint
            .runtime()
            .run_json(
                operation,
                None,
                self.client.search_contacts().body(body).send(),
            )
            .await?;
        let first = found
            .get("results")
            .and_then(Value::as_array)
            .and_then(|r| r.first())
            .and_then(|c| kjson::id_text(c, "id"));
        if let Some(id) = first {
            return Ok(id);
        }
        let mut properties = Map::new();
        properties.insert("email".into(), email.into());
        if let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) {
            let (first, last) = name.split_once(' ').unwrap_or((name, ""));
            properties.insert("firstname".into(), first.trim().into());
            if !last.trim().is_empty() {
                properties.insert("lastname".into(), last.trim().into());
            }
        }
        let body: types::ObjectInputForCreate =
            bodies::typed(operation, json!({ "properties": properties }))?;
        let created = self
            .endpoint
            .runtime()
            .run_json(
                operation,
                None,
                self.client.create_contact().body(body).send(),
            )
            .await?;
        kjson::id_text(&created, "id").ok_or_else(|| {
            kjson::misshapen(PROVIDER, operation, "contact", &created, &"it has no id")
        })
    }

    async fn search_tickets(&self, query: TicketQuery) -> Result<Page<Ticket>> {
        let operation = Operation::ListTickets;
        let limit = u64::from(query.page.limit_or(DEFAULT_PAGE, MAX_SEARCH_PAGE));
        let state = Cursor::state::<SearchState>(query.page.cursor.as_ref(), PROVIDER, operation)?
            .unwrap_or_default();
        let pipelines = self.pipelines(operation).await?;
        let (filters, empty) = Self::search_filters(&query, &pipelines, state.floor_ms);
        if empty {
            return Ok(Page::last(Vec::new()));
        }
        // The search body carries the property list: every custom property fits.
        let ticket_properties = self.ticket_properties(operation).await?;
        let mut names: Vec<&str> = map::TICKET_PROPERTIES.to_vec();
        for def in ticket_properties.custom() {
            if !names.contains(&def.name.as_str()) {
                names.push(def.name.as_str());
            }
        }
        let mut request = json!({
            "filterGroups": [{"filters": filters}],
            "sorts": [{"propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"}],
            "properties": names,
            "limit": limit,
        });
        if state.offset > 0 {
            request["after"] = Value::String(state.offset.to_string());
        }
        let body: types::SearchRequest = bodies::typed(operation, request)?;
        let raw = self
            .endpoint
            .runtime()
            .run_json(
                operation,
                None,
                self.client.search_tickets().body(body).send(),
            )
            .await?;
        let results = raw
            .get("results")
            .and_then(Value::as_array)
            .cloned()
            .ok_or_else(|| {
                kjson::misshapen(PROVIDER, operation, "search answer", &raw, &"no results")
            })?;
        let total = kjson::int(&raw, "total").and_then(|t| u64::try_from(t).ok());
        let more = raw
            .get("paging")
            .and_then(|p| p.get("next"))
            .and_then(|n| n.get("after"))
            .is_some()
            || total.is_some_and(|t| t > state.offset + results.len() as u64);
        let mut items = Vec::with_capacity(results.len());
        let mut last_ms = state.floor_ms;
        let mut at_last: Vec<String> = state.seen_at_floor.clone();
        for raw in results {
            let modified =
                map::time_property(&raw, "hs_lastmodifieddate").map(|t| t.timestamp_millis());
            let id = kjson::id_text(&raw, "id").unwrap_or_default();
            if modified.is_some() && modified == state.floor_ms && state.seen_at_floor.contains(&id)
            {
                continue;
            }
            if modified.is_some() && modified != last_ms {
                last_ms = modified;
                at_last.clear();
            }
            at_last.push(id);
            let ticket = map::ticket(operation, raw, &pipelines, &ticket_properties)?;
            if query.matches(&ticket) {
                items.push(ticket);
            }
        }
        if !more {
            return Ok(Page::last(items));
        }
        let offset = state.offset + limit;
        let next = if offset + limit <= SEARCH_CAP {
            SearchState {
                offset,
                floor_ms: state.floor_ms,
                seen_at_floor: state.seen_at_floor,
            }
        } else {
            // The next page would pass the cap: a new range from the last time seen.
            if last_ms == state.floor_ms && state.offset > 0 && at_last.len() as u64 >= SEARCH_CAP {
                return Err(Error::new(ErrorKind::Provider { status: 400 }, PROVIDER)
                    .with_operation(operation)
                    .with_message(
                        "more than 10,000 matching tickets were modified in the same \
                         millisecond; HubSpot's search cannot list past them",
                    ));
            }
            SearchState {
                offset: 0,
                floor_ms: last_ms,
                seen_at_floor: at_last,
            }
        };
        Ok(Page::new(items, Some(Cursor::of(PROVIDER, &next))))
    }

    async fn list_all_tickets(&self, query: TicketQuery) -> Result<Page<Ticket>> {
        let operation = Operation::ListTickets;
        let limit = query.page.limit_or(DEFAULT_PAGE, MAX_PAGE);
        let after = Cursor::state::<TicketsAfter>(query.page.cursor.as_ref(), PROVIDER, operation)?;
        let (properties, rest) = self.read_properties(operation).await?;
        let mut call = self
            .client
            .list_tickets()
            .limit(i32::try_from(limit).unwrap_or(100))
            .properties(properties)
            .associations("contacts");
        if let Some(after) = after {
            call = call.after(after.after);
        }
        // Read as a page inside the retry loop: an answer without `results` is asked again.
        let page = self
            .endpoint
            .runtime()
            .run_page::<serde::de::IgnoredAny, _, _, _>(operation, TICKET_PAGE, call.send())
            .await?;
        let next = page
            .envelope()
            .pointer("/paging/next")
            .and_then(|n| kjson::id_text(n, "after"));
        let mut results = page.into_values();
        self.add_properties(operation, &mut results, &rest).await?;
        let pipelines = self.pipelines(operation).await?;
        let ticket_properties = self.ticket_properties(operation).await?;
        let items = results
            .into_iter()
            .map(|raw| map::ticket(operation, raw, &pipelines, &ticket_properties))
            .collect::<Result<Vec<_>>>()?;
        Ok(Page::new(
            items,
            next.map(|after| Cursor::of(PROVIDER, &TicketsAfter { after })),
        ))
    }
}

/// The most characters of a ticket read's `properties=` value: custom properties past it are
/// read through the batch read, whose property list is in the body. HubSpot documents no URL
/// length limit for these reads; long URLs are refused (414) by HTTP front ends, commonly past
/// 4 to 8 KiB for the whole request line, so the list stays well under that.
pub(crate) const PROPERTIES_IN_URL: usize = 2_000;

/// Tickets read per batch request.
const BATCH_READ: usize = 100;

/// A page of `GET /crm/v3/objects/tickets`: `results`, and `paging.next.after` while there is more.
const TICKET_PAGE: support_core::kit::page::PageShape =
    support_core::kit::page::PageShape::items_at("results")
        .item("ticket")
        .more_when_present("/paging/next", "/paging/next/after");

fn page_parts(operation: Operation, raw: &Value) -> Result<(Vec<Value>, Option<String>)> {
    let results = raw
        .get("results")
        .and_then(Value::as_array)
        .cloned()
        .ok_or_else(|| kjson::misshapen(PROVIDER, operation, "page", raw, &"no results"))?;
    let next = raw
        .get("paging")
        .and_then(|p| p.get("next"))
        .and_then(|n| kjson::id_text(n, "after"));
    Ok((results, next))
}

#[async_trait]
impl SupportPort for HubSpotPort {
    fn provider(&self) -> &'static str {
        PROVIDER
    }

    fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    async fn check_connection(&self) -> Result<ConnectionInfo> {
        let operation = Operation::CheckConnection;
        let host = self.endpoint.host();
        let call = self.client.list_tickets().limit(1).properties("subject");
        let raw = self
            .endpoint
            .runtime()
            .run_json(operation, None, call.send())
            .await
            .map_err(|error| match error.kind() {
                ErrorKind::Unauthenticated => error.with_message(format!(
                    "{host} rejected the credentials: check {} or the OAuth variables (the URL \
                     answered, so it is right)",
                    crate::ENV_TOKEN
                )),
                ErrorKind::PermissionDenied => error.with_message(format!(
                    "{host} accepted the credentials but they may not read tickets: grant the \
                     `tickets` scope to the app"
                )),
                ErrorKind::NotFound | ErrorKind::Decode => error.with_message(format!(
                    "{host} is not HubSpot's API: check {} (the credentials were not tried)",
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
        if raw.get("results").and_then(Value::as_array).is_none() {
            return Err(Error::new(ErrorKind::Decode, PROVIDER)
                .with_operation(operation)
                .with_message(format!(
                    "{host} answered, but not as HubSpot's API: check {}",
                    crate::ENV_BASE_URL
                )));
        }
        Ok(map::connection_info(&host))
    }

    async fn list_tickets(&self, query: TicketQuery) -> Result<Page<Ticket>> {
        if query.is_filtered() {
            self.search_tickets(query).await
        } else {
            self.list_all_tickets(query).await
        }
    }

    async fn get_ticket(&self, ticket: &TicketLookup) -> Result<Ticket> {
        let operation = Operation::GetTicket;
        let id = match ticket {
            TicketLookup::Id(id) => Self::ticket_id(id, operation)?,
            TicketLookup::External(reference) => {
                let reference = reference.trim();
                if reference.is_empty() || !reference.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(Error::new(ErrorKind::NotFound, PROVIDER)
                        .with_operation(operation)
                        .with_message(format!(
                            "`{reference}` is not a HubSpot ticket id (ticket ids are numbers)"
                        )));
                }
                reference.to_owned()
            }
        };
        let raw = self.read_raw(operation, &id).await?;
        let mapped = self.map_ticket(operation, raw).await?;
        support_core::kit::answered_as_asked(PROVIDER, "HubSpot", operation, &id, &mapped.id)?;
        Ok(mapped)
    }

    async fn create_ticket(&self, ticket: NewTicket) -> Result<Ticket> {
        let operation = Operation::CreateTicket;
        if !ticket.tags.is_empty() {
            return Err(Self::invalid(
                operation,
                "HubSpot tickets carry no tags here; send the ticket without tags",
            ));
        }
        let mut custom = Map::new();
        self.custom_properties(operation, &ticket.custom_fields, &mut custom)
            .await?;
        self.capabilities
            .check_uploads(PROVIDER, operation, &ticket.attachments)?;
        // The requester is the contact associated with the ticket (HubSpot-defined type 16,
        // ticket to contact), written in the create request itself.
        let requester = match &ticket.requester {
            None => None,
            Some(Requester::Id(party)) => Some(
                party
                    .numeric_id(PROVIDER, ObjectKind::Party, operation)?
                    .to_string(),
            ),
            Some(Requester::Email { email, name }) => {
                Some(self.contact_for(operation, email, name.as_deref()).await?)
            }
        };
        let pipelines = self.pipelines(operation).await?;
        let status = ticket.status.clone().unwrap_or(TicketStatus::New);
        let (pipeline, stage) = match ticket.status {
            Some(status) => Self::stage_for(operation, &pipelines, None, &status)?,
            None => {
                let Some(default) = pipelines.pipeline(None) else {
                    return Err(Self::invalid(
                        operation,
                        "the account has no ticket pipeline",
                    ));
                };
                let Some(first) = default.stage_for(&status).or(default.stages.first()) else {
                    return Err(Self::invalid(
                        operation,
                        "the default ticket pipeline has no stage",
                    ));
                };
                (default.id.clone(), first.id.clone())
            }
        };
        let mut properties = Map::new();
        properties.insert("subject".into(), ticket.subject.into());
        let content = ticket.description.html.unwrap_or(ticket.description.text);
        properties.insert("content".into(), content.into());
        properties.insert("hs_pipeline".into(), pipeline.into());
        properties.insert("hs_pipeline_stage".into(), stage.into());
        if let Some(priority) = &ticket.priority {
            let Some(value) = map::priority_value(priority) else {
                return Err(Self::invalid(
                    operation,
                    format!("HubSpot has no priority `{priority}`"),
                ));
            };
            properties.insert("hs_ticket_priority".into(), value.into());
        }
        properties.extend(custom);
        let attachments = ticket.attachments;
        let mut request = json!({ "properties": properties });
        if let Some(contact) = requester {
            request["associations"] = json!([{
                "to": {"id": contact},
                "types": [{"associationCategory": "HUBSPOT_DEFINED",
                    "associationTypeId": bodies::TICKET_TO_CONTACT}],
            }]);
        }
        let body: types::ObjectInputForCreate = bodies::typed(operation, request)?;
        let created = self
            .endpoint
            .runtime()
            .run_json(
                operation,
                None,
                self.client.create_ticket().body(body).send(),
            )
            .await?;
        let Some(id) = kjson::id_text(&created, "id") else {
            return Err(support_core::kit::applied_but_unreadable(
                PROVIDER,
                operation,
                kjson::misshapen(PROVIDER, operation, "ticket", &created, &"it has no id"),
            ));
        };
        // A ticket has no files of its own: they go on a first note of the ticket.
        if !attachments.is_empty() {
            let names: Vec<&str> = attachments.iter().map(|f| f.file_name()).collect();
            let mut note = NewComment::internal(format!("Attached: {}", names.join(", ")));
            note.attachments = attachments;
            self.add_ticket_comment(operation, &id, note)
                .await
                .map_err(|error| {
                    let detail = error.message().unwrap_or_default().to_owned();
                    error.with_message(format!(
                        "HubSpot ticket {id} was created, but the note with its files was not: \
                         {detail}"
                    ))
                })?;
        }
        let raw = self.read_raw(operation, &id).await?;
        self.map_ticket(operation, raw).await
    }

    async fn update_ticket(&self, ticket: &CanonicalId, update: TicketUpdate) -> Result<Ticket> {
        let operation = Operation::UpdateTicket;
        let id = Self::ticket_id(ticket, operation)?;
        if update.tags.is_some() {
            return Err(Self::invalid(
                operation,
                "HubSpot tickets carry no tags here; send the change without tags",
            ));
        }
        let mut properties = Map::new();
        self.custom_properties(operation, &update.custom_fields, &mut properties)
            .await?;
        if let Some(subject) = update.subject {
            properties.insert("subject".into(), subject.into());
        }
        if let Some(priority) = &update.priority {
            let Some(value) = map::priority_value(priority) else {
                return Err(Self::invalid(
                    operation,
                    format!("HubSpot has no priority `{priority}`"),
                ));
            };
            properties.insert("hs_ticket_priority".into(), value.into());
        }
        if let Some(status) = &update.status {
            let current = self.read_raw(operation, &id).await?;
            let pipelines = self.pipelines(operation).await?;
            let pipeline = map::property(&current, "hs_pipeline");
            let (_, stage) = Self::stage_for(operation, &pipelines, pipeline.as_deref(), status)?;
            properties.insert("hs_pipeline_stage".into(), stage.into());
        }
        if properties.is_empty() {
            let raw = self.read_raw(operation, &id).await?;
            return self.map_ticket(operation, raw).await;
        }
        self.patch(operation, &id, properties).await
    }

    async fn close_ticket(&self, ticket: &CanonicalId, options: CloseOptions) -> Result<Ticket> {
        let operation = Operation::CloseTicket;
        let id = Self::ticket_id(ticket, operation)?;
        let current = self.read_raw(operation, &id).await?;
        let pipelines = self.pipelines(operation).await?;
        let pipeline = map::property(&current, "hs_pipeline");
        let (_, stage) = Self::stage_for(
            operation,
            &pipelines,
            pipeline.as_deref(),
            &TicketStatus::Closed,
        )?;
        if let Some(comment) = options.comment {
            self.add_ticket_comment(operation, &id, comment).await?;
        }
        if map::property(&current, "hs_pipeline_stage").as_deref() == Some(stage.as_str()) {
            return self.map_ticket(operation, current).await;
        }
        let mut properties = Map::new();
        properties.insert("hs_pipeline_stage".into(), stage.into());
        self.patch(operation, &id, properties).await
    }

    async fn list_agents(&self, query: AgentQuery) -> Result<Page<Party>> {
        let operation = Operation::ListAgents;
        let limit = query.page.limit_or(DEFAULT_PAGE, MAX_PAGE);
        let after = Cursor::state::<OwnersAfter>(query.page.cursor.as_ref(), PROVIDER, operation)?;
        let mut call = self
            .client
            .list_owners()
            .limit(i32::try_from(limit).unwrap_or(100))
            .archived(false);
        if let Some(after) = after {
            call = call.after(after.after);
        }
        let raw = self
            .endpoint
            .runtime()
            .run_json(operation, None, call.send())
            .await?;
        let (results, next) = page_parts(operation, &raw)?;
        let mut items = Vec::with_capacity(results.len());
        for raw in results {
            let party = map::owner(operation, raw)?;
            if query.matches(&party) {
                items.push(party);
            }
        }
        Ok(Page::new(
            items,
            next.map(|after| Cursor::of(PROVIDER, &OwnersAfter { after })),
        ))
    }

    async fn assign_ticket(&self, ticket: &CanonicalId, assignment: Assignment) -> Result<Ticket> {
        let operation = Operation::AssignTicket;
        let id = Self::ticket_id(ticket, operation)?;
        let mut properties = Map::new();
        if let Some(agent) = &assignment.agent {
            let owner = agent.numeric_id(PROVIDER, ObjectKind::Party, operation)?;
            properties.insert("hubspot_owner_id".into(), owner.to_string().into());
        }
        if let Some(group) = &assignment.group {
            let team = group.numeric_id(PROVIDER, ObjectKind::Group, operation)?;
            properties.insert("hubspot_team_id".into(), team.to_string().into());
        }
        if properties.is_empty() {
            return Err(Self::invalid(
                operation,
                "name an agent (owner) or a group (team) to assign",
            ));
        }
        self.patch(operation, &id, properties).await
    }

    async fn add_comment(&self, ticket: &CanonicalId, comment: NewComment) -> Result<CommentRef> {
        let operation = Operation::AddComment;
        let id = Self::ticket_id(ticket, operation)?;
        self.add_ticket_comment(operation, &id, comment).await
    }

    async fn list_comments(
        &self,
        ticket: &CanonicalId,
        query: CommentQuery,
    ) -> Result<Page<CommentRef>> {
        let operation = Operation::ListComments;
        let id = Self::ticket_id(ticket, operation)?;
        self.list_ticket_comments(operation, ticket, &id, query)
            .await
    }

    async fn list_tags(&self, _query: TagQuery) -> Result<Page<TagRef>> {
        self.unsupported(Operation::ListTags)
    }

    async fn create_tag(&self, _tag: NewTag) -> Result<TagRef> {
        self.unsupported(Operation::CreateTag)
    }

    async fn get_knowledge_article(&self, article: &CanonicalId) -> Result<Document> {
        let operation = Operation::GetKnowledgeArticle;
        let id = article.numeric_id(PROVIDER, ObjectKind::Document, operation)?;
        let raw = self
            .endpoint
            .runtime()
            .run_json(
                operation,
                None,
                self.client
                    .get_indexed_data()
                    .content_id(id.to_string())
                    .type_("KNOWLEDGE_ARTICLE")
                    .send(),
            )
            .await?;
        map::article_indexed(operation, raw)
    }

    async fn list_knowledge_articles(&self, query: ArticleQuery) -> Result<Page<Document>> {
        let operation = Operation::ListKnowledgeArticles;
        let limit = query.page.limit_or(DEFAULT_PAGE, MAX_PAGE);
        let offset =
            Cursor::state::<ArticleOffset>(query.page.cursor.as_ref(), PROVIDER, operation)?
                .map_or(0, |state| state.offset);
        let mut call = self
            .client
            .site_search()
            .type_("KNOWLEDGE_ARTICLE")
            .limit(i32::try_from(limit).unwrap_or(100))
            .offset(i32::try_from(offset).unwrap_or(i32::MAX));
        if let Some(search) = query.search.as_deref().filter(|s| !s.trim().is_empty()) {
            call = call.q(search.trim());
        }
        if let Some(locale) = query.locale.as_deref() {
            call = call.language(locale);
        }
        let raw = self
            .endpoint
            .runtime()
            .run_json(operation, None, call.send())
            .await?;
        let results = raw
            .get("results")
            .and_then(Value::as_array)
            .cloned()
            .ok_or_else(|| {
                kjson::misshapen(PROVIDER, operation, "search answer", &raw, &"no results")
            })?;
        let total = kjson::int(&raw, "total").and_then(|t| u32::try_from(t).ok());
        let read = u32::try_from(results.len()).unwrap_or(u32::MAX);
        // HubSpot applied the search terms and the language; the rest is matched here.
        let mut local = query.clone();
        local.search = None;
        local.locale = None;
        let mut items = Vec::with_capacity(results.len());
        for raw in results {
            let document = map::article_result(operation, raw)?;
            if local.matches(&document) {
                items.push(document);
            }
        }
        let next_offset = offset.saturating_add(read);
        let more = read > 0 && total.is_some_and(|total| next_offset < total);
        Ok(Page::new(
            items,
            more.then(|| {
                Cursor::of(
                    PROVIDER,
                    &ArticleOffset {
                        offset: next_offset,
                    },
                )
            }),
        ))
    }

    async fn download_attachment(&self, attachment: &Document) -> Result<Download> {
        self.download_file(Operation::DownloadAttachment, attachment)
            .await
    }

    async fn get_sla(&self, _policy: &CanonicalId) -> Result<SlaPolicyRef> {
        self.unsupported(Operation::GetSla)
    }

    async fn list_satisfaction_ratings(
        &self,
        query: SatisfactionQuery,
    ) -> Result<Page<SatisfactionRatingRef>> {
        let operation = Operation::ListSatisfactionRatings;
        let limit = query.page.limit_or(DEFAULT_PAGE, MAX_PAGE);
        let after =
            Cursor::state::<FeedbackAfter>(query.page.cursor.as_ref(), PROVIDER, operation)?;
        let mut call = self
            .client
            .list_feedback_submissions()
            .limit(i32::try_from(limit).unwrap_or(100))
            .properties(map::FEEDBACK_PROPERTIES.join(","))
            .associations("tickets,contacts");
        if let Some(after) = after {
            call = call.after(after.after);
        }
        let raw = self
            .endpoint
            .runtime()
            .run_json(operation, None, call.send())
            .await?;
        let (results, next) = page_parts(operation, &raw)?;
        let mut items = Vec::with_capacity(results.len());
        for raw in results {
            let rating = map::feedback(operation, raw)?;
            if query.matches(&rating.data) {
                items.push(rating);
            }
        }
        Ok(Page::new(
            items,
            next.map(|after| Cursor::of(PROVIDER, &FeedbackAfter { after })),
        ))
    }
}
