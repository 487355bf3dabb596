//! [`IntercomPort`]: the `SupportPort` operations over Intercom's API, on Intercom tickets
//! ([`Mode::Tickets`]) or on conversations ([`Mode::Conversations`]). Kept thin: listing state lives
//! in `listing.rs`, account lookups in `lookups.rs`, request bodies in `bodies.rs`, and the mapping
//! to canonical objects in `map.rs`.

use std::fmt;

use serde::de::IgnoredAny;
use serde_json::Value;
use support_core::kit::{Endpoint, answered_as_asked, applied_but_unreadable, json};
use support_core::{
    AgentQuery, ArticleQuery, Assignment, CanonicalId, Capabilities, CloseOptions, CommentQuery,
    CommentRef, ConnectionInfo, Cursor, Document, Download, Error, ErrorKind, Filter, NewComment,
    NewTag, NewTicket, ObjectKind, Operation, Page, Party, Requester, Result, SatisfactionQuery,
    SatisfactionRatingRef, SlaPolicyRef, SupportPort, TagQuery, TagRef, Ticket, TicketLookup,
    TicketQuery, TicketStatus, TicketUpdate, async_trait,
};

use crate::builder::{IntercomBuilder, Mode};
use crate::generated::{Client, types};
use crate::listing::{
    ADMINS, ARTICLES, ArticlePage, CommentOffset, CursorState, DATA, DEFAULT_PAGE,
    MAX_ARTICLE_PAGE, MAX_SEARCH_PAGE, RatingState, more_articles,
};
use crate::lookups::Lookups;
use crate::{API_VERSION, bodies, map};

/// How long a conversation is snoozed when a caller puts it on hold (Intercom needs an end).
const SNOOZE_FOR_SECONDS: i64 = 24 * 60 * 60;

/// An Intercom workspace behind the [`SupportPort`] interface, serving Intercom tickets or
/// conversations as its tickets.
///
/// Built with [`IntercomPort::builder`] or [`IntercomPort::from_env`]. [`IntercomPort::client`]
/// gives the generated client for native operations beyond the port, with the same credentials,
/// retries and tracing.
pub struct IntercomPort {
    pub(crate) client: Client,
    pub(crate) endpoint: Endpoint,
    mode: Mode,
    capabilities: Capabilities,
    pub(crate) lookups: Lookups,
}

impl fmt::Debug for IntercomPort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IntercomPort")
            .field("endpoint", &self.endpoint)
            .field("mode", &self.mode)
            .finish_non_exhaustive()
    }
}

/// What the port does in each mode.
fn capabilities(mode: Mode) -> Capabilities {
    let caps = Capabilities::new()
        .native(&Operation::ALL)
        .native(&[Operation::DownloadAttachment])
        .emulated(
            Operation::ListComments,
            "the parts embedded in the ticket or conversation (Intercom embeds at most 500), \
             paged here",
        )
        .emulated(
            Operation::ListSatisfactionRatings,
            "searches conversations that carry a rating (`conversation_rating.score`)",
        )
        .emulated(
            Operation::ListKnowledgeArticles,
            "help center articles page by page; category, locale and search terms are matched here",
        )
        .unsupported(
            Operation::GetSla,
            "Intercom has no SLA policy resource: a conversation only names the SLA applied to it \
             (read as the ticket's `sla`)",
        );
    match mode {
        Mode::Tickets => caps
            .emulated(
                Operation::ListTickets,
                "a ticket search (`POST /tickets/search`) over every ticket; status, tag and \
                 priority are matched here",
            )
            .native_filters(&[
                Filter::TicketAssignee,
                Filter::TicketCategory,
                Filter::TicketUpdatedSince,
            ]),
        Mode::Conversations => caps.native_filters(&[
            Filter::TicketStatus,
            Filter::TicketAssignee,
            Filter::TicketTag,
            Filter::TicketUpdatedSince,
        ]),
    }
}

pub(crate) fn version() -> String {
    API_VERSION.to_owned()
}

/// The Unix seconds of a time.
pub(crate) fn seconds(time: chrono::DateTime<chrono::Utc>) -> i64 {
    time.timestamp()
}

impl IntercomPort {
    /// Starts configuring a port.
    pub fn builder() -> IntercomBuilder {
        IntercomBuilder::default()
    }

    /// A port configured from `SUPPORT_INTERCOM_*` variables (see [`IntercomBuilder::from_env`]).
    pub fn from_env() -> Result<Self> {
        IntercomBuilder::default().from_env()?.build()
    }

    pub(crate) fn new(endpoint: Endpoint, mode: Mode) -> Self {
        Self {
            client: endpoint.client(Client::new_with_client),
            endpoint,
            mode,
            capabilities: capabilities(mode),
            lookups: Lookups::new(),
        }
    }

    /// Which object this port serves as its tickets.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The generated client, for Intercom operations beyond the port. Every call takes the
    /// `Intercom-Version` header: pass [`API_VERSION`](crate::API_VERSION).
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The API base URL.
    pub fn base_url(&self) -> &str {
        self.endpoint.base_url()
    }

    /// The provider name of this port's ids, cursors and errors.
    pub(crate) fn provider_name(&self) -> &'static str {
        self.mode.provider()
    }

    pub(crate) fn conversations(&self) -> bool {
        self.mode == Mode::Conversations
    }

    fn invalid(&self, operation: Operation, message: impl Into<String>) -> Error {
        Error::invalid_input(self.provider_name(), message).with_operation(operation)
    }

    /// The Intercom id of one of this port's tickets (or conversations).
    fn ticket_id<'a>(&self, ticket: &'a CanonicalId, operation: Operation) -> Result<&'a str> {
        ticket.native_id(self.provider_name(), ObjectKind::Ticket, operation)
    }

    /// A conversation id as the number the conversation endpoints take.
    fn conversation_number(&self, ticket: &CanonicalId, operation: Operation) -> Result<i64> {
        ticket.numeric_id(self.provider_name(), ObjectKind::Ticket, operation)
    }

    fn map_ticket(&self, operation: Operation, raw: Value) -> Result<Ticket> {
        if self.conversations() {
            map::conversation(self.provider_name(), operation, raw)
        } else {
            map::ticket(self.provider_name(), operation, raw)
        }
    }

    /// Refuses a priority: Intercom tickets have none, and the conversation priority has no
    /// documented write.
    fn refuse_priority(&self, operation: Operation, asked: bool) -> Result<()> {
        if !asked {
            return Ok(());
        }
        Err(self.invalid(
            operation,
            if self.conversations() {
                "Intercom's API documents no way to set a conversation's priority; send the \
                 change without one"
            } else {
                "Intercom tickets have no priority; send the ticket without one"
            },
        ))
    }

    // ----- reading one ticket or conversation -----

    /// `GET /tickets/{id}` or `GET /conversations/{id}`, as JSON.
    async fn read_raw(&self, operation: Operation, id: &str) -> Result<Value> {
        let runtime = self.endpoint.runtime();
        if self.conversations() {
            let number: i64 = id.parse().map_err(|_| {
                self.invalid(operation, format!("`{id}`: conversation ids are numbers"))
            })?;
            let call = self
                .client
                .retrieve_conversation()
                .conversation_id(number)
                .intercom_version(version());
            runtime.run_json(operation, None, call.send()).await
        } else {
            let call = self
                .client
                .get_ticket()
                .ticket_id(id)
                .intercom_version(version());
            runtime.run_json(operation, None, call.send()).await
        }
    }

    /// One ticket or conversation, checked to be the one asked for.
    async fn read(&self, operation: Operation, id: &str) -> Result<Ticket> {
        let raw = self.read_raw(operation, id).await?;
        let ticket = self.map_ticket(operation, raw)?;
        answered_as_asked(self.provider_name(), "Intercom", operation, id, &ticket.id)?;
        Ok(ticket)
    }

    /// The ticket a write leaves, read again after it (a write applied whose result cannot be read
    /// is `OutcomeUnknown`); `tags` are the tags the write attached, reported on a ticket whose
    /// JSON carries none (Intercom's ticket objects do not list their tags).
    async fn after_write(
        &self,
        operation: Operation,
        id: &str,
        answer: Option<Value>,
        tags: Option<Vec<String>>,
    ) -> Result<Ticket> {
        let raw = match answer {
            Some(raw) => raw,
            None => self
                .read_raw(operation, id)
                .await
                .map_err(|e| applied_but_unreadable(self.provider_name(), operation, e))?,
        };
        let carries_tags = raw.get("tags").is_some_and(|t| !t.is_null());
        let mut ticket = self
            .map_ticket(operation, raw)
            .map_err(|e| applied_but_unreadable(self.provider_name(), operation, e))?;
        if let Some(tags) = tags
            && !carries_tags
        {
            ticket.tags = tags;
        }
        Ok(ticket)
    }

    // ----- tags -----

    /// Every tag of the workspace (`GET /tags`), as JSON.
    pub(crate) async fn all_tags(&self, operation: Operation) -> Result<Vec<Value>> {
        let call = self.client.list_tags().intercom_version(version());
        let page = self
            .endpoint
            .runtime()
            .run_page::<IgnoredAny, _, _, _>(operation, DATA.item("tag"), call.send())
            .await?;
        Ok(page.into_values())
    }

    /// The id of the tag `name`, created when the workspace has none (`POST /tags` creates or
    /// finds it).
    async fn tag_id(&self, operation: Operation, name: &str) -> Result<String> {
        let call = self
            .client
            .create_tag()
            .intercom_version(version())
            .body(bodies::create_tag(name));
        let raw = self
            .endpoint
            .runtime()
            .run_json(operation, None, call.send())
            .await?;
        json::id_text(&raw, "id").ok_or_else(|| {
            applied_but_unreadable(
                self.provider_name(),
                operation,
                json::misshapen(self.provider_name(), operation, "tag", &raw, &"no `id`"),
            )
        })
    }

    /// Attaches tags to a ticket or conversation and detaches `remove` (tag ids).
    async fn retag(
        &self,
        operation: Operation,
        id: &str,
        add: &[String],
        remove: &[String],
    ) -> Result<()> {
        let admin = self.admin_id(operation).await?;
        let runtime = self.endpoint.runtime();
        for name in add {
            let tag = self.tag_id(operation, name).await?;
            if self.conversations() {
                let call = self
                    .client
                    .attach_tag_to_conversation()
                    .conversation_id(id)
                    .intercom_version(version())
                    .body(types::AttachTagToConversationBody {
                        admin_id: Some(admin.to_string()),
                        id: Some(tag),
                    });
                runtime.run_json(operation, None, call.send()).await?;
            } else {
                let call = self
                    .client
                    .attach_tag_to_ticket()
                    .ticket_id(id)
                    .intercom_version(version())
                    .body(types::AttachTagToTicketBody {
                        admin_id: Some(admin.to_string()),
                        id: Some(tag),
                    });
                runtime.run_json(operation, None, call.send()).await?;
            }
        }
        for tag in remove {
            if self.conversations() {
                let call = self
                    .client
                    .detach_tag_from_conversation()
                    .conversation_id(id)
                    .tag_id(tag.as_str())
                    .intercom_version(version())
                    .body(types::DetachTagFromConversationBody {
                        admin_id: Some(admin.to_string()),
                    });
                runtime.run_json(operation, None, call.send()).await?;
            } else {
                let call = self
                    .client
                    .detach_tag_from_ticket()
                    .ticket_id(id)
                    .tag_id(tag.as_str())
                    .intercom_version(version())
                    .body(types::DetachTagFromTicketBody {
                        admin_id: Some(admin.to_string()),
                    });
                runtime.run_json(operation, None, call.send()).await?;
            }
        }
        Ok(())
    }

    /// The tags a ticket's JSON lists, as (id, name).
    fn tags_on(raw: &Value) -> Vec<(String, String)> {
        let list = match raw.get("tags") {
            Some(Value::Object(tags)) => tags.get("tags").and_then(Value::as_array),
            Some(Value::Array(tags)) => Some(tags),
            _ => None,
        };
        list.into_iter()
            .flatten()
            .filter_map(|t| Some((json::id_text(t, "id")?, json::text(t, "name")?)))
            .collect()
    }

    // ----- writes on tickets -----

    /// `PUT /tickets/{id}`.
    async fn put_ticket(
        &self,
        operation: Operation,
        id: &str,
        body: types::UpdateTicketBody,
    ) -> Result<Value> {
        let call = self
            .client
            .update_ticket()
            .ticket_id(id)
            .intercom_version(version())
            .body(body);
        self.endpoint
            .runtime()
            .run_json(operation, None, call.send())
            .await
    }

    /// The type of an Intercom ticket, from its JSON.
    fn ticket_type_of(raw: &Value) -> Option<String> {
        raw.get("ticket_type")
            .and_then(|t| json::id_text(t, "id"))
            .or_else(|| json::id_text(raw, "ticket_type_id"))
    }

    /// `POST /conversations/{id}/parts`.
    async fn manage(
        &self,
        operation: Operation,
        id: &str,
        body: types::ManageConversationBody,
    ) -> Result<Value> {
        let call = self
            .client
            .manage_conversation()
            .conversation_id(id)
            .intercom_version(version())
            .body(body);
        self.endpoint
            .runtime()
            .run_json(operation, None, call.send())
            .await
    }

    /// Moves a conversation to the state a status names.
    async fn set_conversation_status(
        &self,
        operation: Operation,
        id: &str,
        status: &TicketStatus,
    ) -> Result<Value> {
        let admin = self.admin_id(operation).await?.to_string();
        let body = match status {
            TicketStatus::Open | TicketStatus::New | TicketStatus::InProgress => {
                bodies::open(admin)
            }
            TicketStatus::Closed | TicketStatus::Resolved => bodies::close(admin),
            TicketStatus::OnHold | TicketStatus::Pending => {
                bodies::snooze(admin, seconds(chrono::Utc::now()) + SNOOZE_FOR_SECONDS)
            }
            other => {
                return Err(self.invalid(
                    operation,
                    format!("conversations are open, snoozed or closed; `{other}` is none of them"),
                ));
            }
        };
        self.manage(operation, id, body).await
    }

    /// The id of the contact a new conversation comes from, and its type: the requester's id, or
    /// the contact with the requester's e-mail (`POST /contacts/search`), created when there is
    /// none (`POST /contacts`).
    async fn contact_for(
        &self,
        operation: Operation,
        requester: &Requester,
    ) -> Result<(String, String)> {
        let (email, name) = match requester {
            Requester::Id(id) => {
                let id = id.native_id(self.provider_name(), ObjectKind::Party, operation)?;
                return Ok((id.to_owned(), "user".to_owned()));
            }
            Requester::Email { email, name } => (email, name),
        };
        let runtime = self.endpoint.runtime();
        let call = self
            .client
            .search_contacts()
            .intercom_version(version())
            .body(bodies::contact_by_email(email));
        let found = runtime
            .run_page::<IgnoredAny, _, _, _>(operation, DATA.item("contact"), call.send())
            .await?;
        let contact = found
            .into_values()
            .into_iter()
            .find(|c| json::text(c, "email").is_some_and(|e| e.eq_ignore_ascii_case(email)));
        let contact = match contact {
            Some(contact) => contact,
            None => {
                let call = self
                    .client
                    .create_contact()
                    .intercom_version(version())
                    .body(bodies::new_contact(email, name.as_deref()));
                runtime.run_json(operation, None, call.send()).await?
            }
        };
        let id = json::id_text(&contact, "id").ok_or_else(|| {
            json::misshapen(
                self.provider_name(),
                operation,
                "contact",
                &contact,
                &"no `id`",
            )
        })?;
        let role = json::text(&contact, "role")
            .filter(|r| r == "lead")
            .unwrap_or_else(|| "user".to_owned());
        Ok((id, role))
    }
}

#[async_trait]
impl SupportPort for IntercomPort {
    fn provider(&self) -> &'static str {
        self.mode.provider()
    }

    fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    async fn check_connection(&self) -> Result<ConnectionInfo> {
        let operation = Operation::CheckConnection;
        let host = self.endpoint.host();
        let call = self.client.identify_admin().intercom_version(version());
        let me = self
            .endpoint
            .runtime()
            .run_json(operation, None, call.send())
            .await
            .map_err(|error| match error.kind() {
                ErrorKind::Unauthenticated | ErrorKind::PermissionDenied => {
                    error.with_message(format!(
                        "{host} rejected the access token: check {} (the URL answered, so it is \
                         right)",
                        crate::ENV_TOKEN
                    ))
                }
                ErrorKind::NotFound | ErrorKind::Decode => error.with_message(format!(
                    "{host} is not Intercom's API: check {} or {} (the token was not tried)",
                    crate::ENV_REGION,
                    crate::ENV_BASE_URL
                )),
                ErrorKind::Transport | ErrorKind::Timeout => {
                    let detail = error.message().unwrap_or_default().to_owned();
                    error.with_message(format!(
                        "could not reach {host}: check {} or {} ({detail})",
                        crate::ENV_REGION,
                        crate::ENV_BASE_URL
                    ))
                }
                _ => error,
            })?;
        map::connection_info(self.provider_name(), &host, me)
    }

    async fn list_tickets(&self, query: TicketQuery) -> Result<Page<Ticket>> {
        let operation = Operation::ListTickets;
        let provider = self.provider_name();
        let per_page = query.page.limit_or(DEFAULT_PAGE, MAX_SEARCH_PAGE);
        let resumed =
            Cursor::state::<CursorState>(query.page.cursor.as_ref(), provider, operation)?;
        let search = if self.conversations() {
            self.conversation_search_query(operation, &query).await?
        } else {
            Some(self.ticket_search_query(operation, &query)?)
        };
        let searching = search.is_some();
        if let Some(state) = &resumed
            && state.search != searching
        {
            return Err(self.invalid(
                operation,
                "this cursor belongs to a listing with other filters; start again without a cursor",
            ));
        }
        let after = resumed.map(|s| s.after);
        let (items, next) = match search {
            Some(None) => return Ok(Page::last(Vec::new())),
            Some(Some(search)) => self.search_page(operation, search, per_page, after).await?,
            None => self.conversation_page(operation, per_page, after).await?,
        };
        let tickets = items
            .into_iter()
            .map(|raw| self.map_ticket(operation, raw))
            .collect::<Result<Vec<_>>>()?;
        let next = next.map(|after| {
            Cursor::of(
                provider,
                &CursorState {
                    after,
                    search: searching,
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
        let id = match ticket {
            TicketLookup::Id(id) => self.ticket_id(id, operation)?.to_owned(),
            TicketLookup::External(reference) => {
                let reference = reference.trim().trim_start_matches('#');
                if reference.is_empty() || reference.contains('/') {
                    return Err(
                        self.invalid(operation, format!("`{reference}` is not an Intercom id"))
                    );
                }
                reference.to_owned()
            }
        };
        self.read(operation, &id).await
    }

    async fn create_ticket(&self, new: NewTicket) -> Result<Ticket> {
        let operation = Operation::CreateTicket;
        let provider = self.provider_name();
        self.capabilities()
            .check_uploads(provider, operation, &new.attachments)?;
        if new.subject.trim().is_empty() {
            return Err(self.invalid(operation, "a ticket needs a subject"));
        }
        if new.description.text.trim().is_empty()
            && new.description.html.as_deref().is_none_or(str::is_empty)
        {
            return Err(self.invalid(operation, "a ticket needs a description"));
        }
        self.refuse_priority(operation, new.priority.is_some())?;
        if new.external_ref.is_some() {
            return Err(self.invalid(
                operation,
                "Intercom keeps no external reference on tickets or conversations",
            ));
        }
        let Some(requester) = &new.requester else {
            return Err(self.invalid(
                operation,
                "Intercom needs the contact a ticket is for: set a requester",
            ));
        };
        let assignee = new
            .assignee
            .as_ref()
            .map(|a| a.native_id(provider, ObjectKind::Party, operation))
            .transpose()?
            .map(str::to_owned);
        let group = new
            .group
            .as_ref()
            .map(|g| g.native_id(provider, ObjectKind::Group, operation))
            .transpose()?
            .map(str::to_owned);
        let runtime = self.endpoint.runtime();
        // Intercom honours no idempotency key: the runtime never repeats these writes once they
        // may have reached Intercom.
        let (id, mut answer) = if self.conversations() {
            let (contact, role) = self.contact_for(operation, requester).await?;
            let call = self
                .client
                .create_conversation()
                .intercom_version(version())
                .body(bodies::new_conversation(
                    contact,
                    role,
                    new.description.text.clone(),
                ));
            let message = runtime.run_json(operation, None, call.send()).await?;
            let id = json::id_text(&message, "conversation_id").ok_or_else(|| {
                applied_but_unreadable(
                    provider,
                    operation,
                    json::misshapen(
                        provider,
                        operation,
                        "message",
                        &message,
                        &"no `conversation_id`",
                    ),
                )
            })?;
            (id, None)
        } else {
            let contact = match requester {
                Requester::Id(id) => types::CreateTicketBodyContactsItem::Variant0 {
                    id: Some(
                        id.native_id(provider, ObjectKind::Party, operation)?
                            .to_owned(),
                    ),
                },
                Requester::Email { email, .. } => types::CreateTicketBodyContactsItem::Variant2 {
                    email: Some(email.clone()),
                },
            };
            let ticket_type = self.customer_ticket_type(operation).await?;
            let attributes = bodies::ticket_attributes(
                Some(&new.subject),
                Some(&new.description),
                &new.custom_fields,
            );
            let call = self
                .client
                .create_ticket()
                .intercom_version(version())
                .body(bodies::create_ticket(
                    ticket_type,
                    contact,
                    attributes,
                    assignee.clone(),
                    group.clone(),
                ));
            let raw = runtime.run_json(operation, None, call.send()).await?;
            let id = json::id_text(&raw, "id").ok_or_else(|| {
                applied_but_unreadable(
                    provider,
                    operation,
                    json::misshapen(provider, operation, "ticket", &raw, &"no `id`"),
                )
            })?;
            (id, Some(raw))
        };
        // What the creation could not carry follows it; a failure now leaves a ticket that exists.
        let follow = async {
            if self.conversations() {
                let call = self
                    .client
                    .update_conversation()
                    .conversation_id(self.conversation_number(
                        &CanonicalId::from_static(provider, ObjectKind::Ticket, id.clone()),
                        operation,
                    )?)
                    .intercom_version(version())
                    .body(bodies::update_conversation(
                        Some(new.subject.clone()),
                        &new.custom_fields,
                    ));
                answer = Some(runtime.run_json(operation, None, call.send()).await?);
                let admin = self.admin_id(operation).await?;
                if let Some(group) = &group {
                    let body = bodies::assign(admin.to_string(), group.clone(), true);
                    answer = Some(self.manage(operation, &id, body).await?);
                }
                if let Some(agent) = &assignee {
                    let body = bodies::assign(admin.to_string(), agent.clone(), false);
                    answer = Some(self.manage(operation, &id, body).await?);
                }
            }
            if !new.tags.is_empty() {
                self.retag(operation, &id, &new.tags, &[]).await?;
                answer = None;
            }
            match &new.status {
                Some(status) if self.conversations() && status != &TicketStatus::Open => {
                    answer = Some(self.set_conversation_status(operation, &id, status).await?);
                }
                Some(status) if !self.conversations() && status != &TicketStatus::New => {
                    let type_id = answer.as_ref().and_then(Self::ticket_type_of);
                    let state = self
                        .state_for(operation, type_id.as_deref(), status)
                        .await?;
                    let mut body = bodies::update_ticket(self.admin_number(operation).await?);
                    body.ticket_state_id = Some(state);
                    body.open = (status == &TicketStatus::Closed).then_some(false);
                    answer = Some(self.put_ticket(operation, &id, body).await?);
                }
                _ => {}
            }
            Ok::<_, Error>(())
        };
        follow.await.map_err(|error| {
            applied_but_unreadable(
                provider,
                operation,
                error.with_message(format!(
                    "ticket {id} was created, but completing it failed; change it with \
                     updateTicket rather than creating it again"
                )),
            )
        })?;
        let tags = (!new.tags.is_empty()).then(|| new.tags.clone());
        self.after_write(operation, &id, answer, tags).await
    }

    async fn update_ticket(&self, ticket: &CanonicalId, update: TicketUpdate) -> Result<Ticket> {
        let operation = Operation::UpdateTicket;
        let id = self.ticket_id(ticket, operation)?.to_owned();
        if update.is_empty() {
            return Err(self.invalid(operation, "the update changes nothing"));
        }
        self.refuse_priority(operation, update.priority.is_some())?;
        if matches!(&update.subject, Some(s) if s.trim().is_empty()) {
            return Err(self.invalid(operation, "a subject cannot be blank"));
        }
        // The current object: its type (which states apply) and its tags (what to detach).
        let needs_current =
            update.tags.is_some() || (!self.conversations() && update.status.is_some());
        let current = if needs_current {
            Some(self.read_raw(operation, &id).await?)
        } else {
            None
        };
        let state = match (&update.status, self.conversations()) {
            (Some(status), false) => {
                let type_id = current.as_ref().and_then(Self::ticket_type_of);
                Some(
                    self.state_for(operation, type_id.as_deref(), status)
                        .await?,
                )
            }
            _ => None,
        };
        let mut answer = None;
        if self.conversations() {
            if update.subject.is_some() || !update.custom_fields.is_empty() {
                let call = self
                    .client
                    .update_conversation()
                    .conversation_id(self.conversation_number(ticket, operation)?)
                    .intercom_version(version())
                    .body(bodies::update_conversation(
                        update.subject.clone(),
                        &update.custom_fields,
                    ));
                answer = Some(
                    self.endpoint
                        .runtime()
                        .run_json(operation, None, call.send())
                        .await?,
                );
            }
            if let Some(status) = &update.status {
                answer = Some(self.set_conversation_status(operation, &id, status).await?);
            }
        } else if update.subject.is_some() || !update.custom_fields.is_empty() || state.is_some() {
            let mut body = bodies::update_ticket(self.admin_number(operation).await?);
            let attributes =
                bodies::ticket_attributes(update.subject.as_deref(), None, &update.custom_fields);
            body.ticket_attributes = (!attributes.is_empty()).then_some(attributes);
            body.ticket_state_id = state;
            body.open = (update.status == Some(TicketStatus::Closed)).then_some(false);
            answer = Some(self.put_ticket(operation, &id, body).await?);
        }
        if let Some(tags) = &update.tags {
            let on = current.as_ref().map(Self::tags_on).unwrap_or_default();
            let add: Vec<String> = tags
                .iter()
                .filter(|t| !on.iter().any(|(_, name)| name.eq_ignore_ascii_case(t)))
                .cloned()
                .collect();
            let remove: Vec<String> = on
                .iter()
                .filter(|(_, name)| !tags.iter().any(|t| t.eq_ignore_ascii_case(name)))
                .map(|(tag, _)| tag.clone())
                .collect();
            self.retag(operation, &id, &add, &remove)
                .await
                .map_err(|e| {
                    if answer.is_some() {
                        applied_but_unreadable(self.provider_name(), operation, e)
                    } else {
                        e
                    }
                })?;
            answer = None;
        }
        self.after_write(operation, &id, answer, update.tags.clone())
            .await
    }

    async fn close_ticket(&self, ticket: &CanonicalId, options: CloseOptions) -> Result<Ticket> {
        let operation = Operation::CloseTicket;
        let id = self.ticket_id(ticket, operation)?.to_owned();
        if let Some(comment) = options.comment {
            self.add_comment(ticket, comment)
                .await
                .map_err(|e| e.with_operation(operation))?;
        }
        let answer = if self.conversations() {
            let admin = self.admin_id(operation).await?.to_string();
            self.manage(operation, &id, bodies::close(admin)).await?
        } else {
            let current = self.read_raw(operation, &id).await?;
            let type_id = Self::ticket_type_of(&current);
            let mut body = bodies::update_ticket(self.admin_number(operation).await?);
            body.ticket_state_id = self
                .state_for(operation, type_id.as_deref(), &TicketStatus::Resolved)
                .await
                .ok();
            body.open = Some(false);
            self.put_ticket(operation, &id, body).await?
        };
        self.after_write(operation, &id, Some(answer), None).await
    }

    async fn list_agents(&self, query: AgentQuery) -> Result<Page<Party>> {
        let operation = Operation::ListAgents;
        let call = self.client.list_admins().intercom_version(version());
        let page = self
            .endpoint
            .runtime()
            .run_page::<IgnoredAny, _, _, _>(operation, ADMINS, call.send())
            .await?;
        let agents = page
            .into_values()
            .into_iter()
            .map(|raw| map::agent(self.provider_name(), operation, raw))
            .collect::<Result<Vec<_>>>()?;
        Ok(Page::last(
            agents.into_iter().filter(|a| query.matches(a)).collect(),
        ))
    }

    async fn assign_ticket(&self, ticket: &CanonicalId, assignment: Assignment) -> Result<Ticket> {
        let operation = Operation::AssignTicket;
        let id = self.ticket_id(ticket, operation)?.to_owned();
        let (agent, group) = assignment.native_ids(self.provider_name(), operation)?;
        let mut answer = None;
        // The team first, then the admin: each write sets one assignee.
        for (assignee, team) in [(group, true), (agent, false)] {
            let Some(assignee) = assignee else { continue };
            let done = if self.conversations() {
                let admin = self.admin_id(operation).await?.to_string();
                let body = bodies::assign(admin, assignee.to_owned(), team);
                self.manage(operation, &id, body).await
            } else {
                let mut body = bodies::update_ticket(self.admin_number(operation).await?);
                body.assignee_id = Some(assignee.to_owned());
                self.put_ticket(operation, &id, body).await
            };
            answer = Some(done.map_err(|e| match answer {
                Some(_) => applied_but_unreadable(self.provider_name(), operation, e),
                None => e,
            })?);
        }
        self.after_write(operation, &id, answer, None).await
    }

    async fn add_comment(&self, ticket: &CanonicalId, comment: NewComment) -> Result<CommentRef> {
        let operation = Operation::AddComment;
        let provider = self.provider_name();
        self.capabilities()
            .check_uploads(provider, operation, &comment.attachments)?;
        let id = self.ticket_id(ticket, operation)?.to_owned();
        if !comment.cc.is_empty() {
            return Err(self.invalid(operation, "Intercom replies take no copies (cc)"));
        }
        if comment.body.text.trim().is_empty()
            && comment
                .body
                .html
                .as_deref()
                .is_none_or(support_core::kit::html::is_blank)
        {
            return Err(self.invalid(operation, "a comment needs a body"));
        }
        let admin = match &comment.author {
            Some(author) => author
                .native_id(provider, ObjectKind::Party, operation)?
                .to_owned(),
            None => self.admin_id(operation).await?.to_string(),
        };
        let note = comment.visibility == support_core::Visibility::Internal;
        let body = bodies::html(&comment.body);
        let runtime = self.endpoint.runtime();
        let raw = if self.conversations() {
            let call = self
                .client
                .reply_conversation()
                .conversation_id(id.as_str())
                .intercom_version(version())
                .body(bodies::conversation_reply(admin, note, body));
            runtime.run_json(operation, None, call.send()).await?
        } else {
            let call = self
                .client
                .reply_ticket()
                .ticket_id(id.as_str())
                .intercom_version(version())
                .body(bodies::ticket_reply(admin, note, body));
            runtime.run_json(operation, None, call.send()).await?
        };
        // A ticket reply answers with the part; a conversation reply with the conversation, whose
        // last part with a body is the reply.
        let found = if self.conversations() {
            map::comments(provider, ticket, &raw).pop()
        } else {
            map::part(provider, ticket, &raw)
        };
        found.ok_or_else(|| {
            applied_but_unreadable(
                provider,
                operation,
                json::misshapen(
                    provider,
                    operation,
                    "reply",
                    &raw,
                    &"it holds no part with a body",
                ),
            )
        })
    }

    async fn list_comments(
        &self,
        ticket: &CanonicalId,
        query: CommentQuery,
    ) -> Result<Page<CommentRef>> {
        let operation = Operation::ListComments;
        let provider = self.provider_name();
        let id = self.ticket_id(ticket, operation)?;
        let limit = query.page.limit_or(100, 500) as usize;
        let offset = match Cursor::state::<CommentOffset>(
            query.page.cursor.as_ref(),
            provider,
            operation,
        )? {
            Some(state) if state.ticket == id => state.offset,
            Some(_) => {
                return Err(self.invalid(
                    operation,
                    "this cursor belongs to another ticket's comments; start again without a cursor",
                ));
            }
            None => 0,
        };
        let raw = self.read_raw(operation, id).await?;
        let all: Vec<CommentRef> = map::comments(provider, ticket, &raw)
            .into_iter()
            .filter(|c| query.matches(&c.data))
            .collect();
        Ok(Page::window(all, offset, limit, |end| {
            Cursor::of(
                provider,
                &CommentOffset {
                    ticket: id.to_owned(),
                    offset: end,
                },
            )
        }))
    }

    async fn list_tags(&self, _query: TagQuery) -> Result<Page<TagRef>> {
        let operation = Operation::ListTags;
        let tags = self
            .all_tags(operation)
            .await?
            .into_iter()
            .map(|raw| map::tag(self.provider_name(), operation, raw))
            .collect::<Result<Vec<_>>>()?;
        Ok(Page::last(tags))
    }

    async fn create_tag(&self, tag: NewTag) -> Result<TagRef> {
        let operation = Operation::CreateTag;
        if tag.name.trim().is_empty() {
            return Err(self.invalid(operation, "a tag needs a name"));
        }
        let call = self
            .client
            .create_tag()
            .intercom_version(version())
            .body(bodies::create_tag(tag.name.trim()));
        let raw = self
            .endpoint
            .runtime()
            .run_json(operation, None, call.send())
            .await?;
        map::tag(self.provider_name(), operation, raw)
            .map_err(|e| applied_but_unreadable(self.provider_name(), operation, e))
    }

    async fn get_knowledge_article(&self, article: &CanonicalId) -> Result<Document> {
        let operation = Operation::GetKnowledgeArticle;
        let id = article.numeric_id(self.provider_name(), ObjectKind::Document, operation)?;
        let call = self
            .client
            .retrieve_article()
            .article_id(id)
            .intercom_version(version());
        let raw = self
            .endpoint
            .runtime()
            .run_json(operation, None, call.send())
            .await?;
        let document = map::article(self.provider_name(), operation, raw)?;
        answered_as_asked(
            self.provider_name(),
            "Intercom",
            operation,
            &id.to_string(),
            &document.id,
        )?;
        Ok(document)
    }

    async fn list_knowledge_articles(&self, query: ArticleQuery) -> Result<Page<Document>> {
        let operation = Operation::ListKnowledgeArticles;
        let provider = self.provider_name();
        if let Some(category) = &query.category {
            category.native_id(provider, ObjectKind::Category, operation)?;
        }
        let per_page = query.page.limit_or(DEFAULT_PAGE, MAX_ARTICLE_PAGE);
        let page_number =
            Cursor::state::<ArticlePage>(query.page.cursor.as_ref(), provider, operation)?
                .map_or(1, |p| p.page);
        let call = self
            .client
            .list_articles()
            .intercom_version(version())
            .page(i64::from(page_number))
            .per_page(i64::from(per_page));
        let page = self
            .endpoint
            .runtime()
            .run_page::<IgnoredAny, _, _, _>(operation, ARTICLES, call.send())
            .await?;
        let next = more_articles(&page, page_number).then(|| {
            Cursor::of(
                provider,
                &ArticlePage {
                    page: page_number + 1,
                },
            )
        });
        let articles = page
            .into_values()
            .into_iter()
            .map(|raw| map::article(provider, operation, raw))
            .collect::<Result<Vec<_>>>()?;
        Ok(Page::new(
            articles.into_iter().filter(|a| query.matches(a)).collect(),
            next,
        ))
    }

    async fn get_sla(&self, _policy: &CanonicalId) -> Result<SlaPolicyRef> {
        Err(self
            .capabilities
            .unsupported_error(self.provider_name(), Operation::GetSla))
    }

    async fn download_attachment(&self, attachment: &Document) -> Result<Download> {
        let operation = Operation::DownloadAttachment;
        let url = attachment.url.as_deref().ok_or_else(|| {
            self.invalid(
                operation,
                format!(
                    "attachment {} has no `url`; pass an attachment as listComments read it",
                    attachment.id
                ),
            )
        })?;
        // Intercom's attachment URLs are signed URLs on its file storage: `download` sends the
        // token to the API's own origin only, never to the storage host.
        self.endpoint.download(operation, url).await
    }

    async fn list_satisfaction_ratings(
        &self,
        query: SatisfactionQuery,
    ) -> Result<Page<SatisfactionRatingRef>> {
        let operation = Operation::ListSatisfactionRatings;
        let provider = self.provider_name();
        if let Some(ticket) = &query.ticket {
            self.ticket_id(ticket, operation)?;
        }
        let per_page = query.page.limit_or(DEFAULT_PAGE, MAX_SEARCH_PAGE);
        let after = Cursor::state::<RatingState>(query.page.cursor.as_ref(), provider, operation)?
            .map(|s| s.after);
        // Rated conversations: every rating is 1 to 5.
        let search = bodies::all_of(vec![bodies::filter(
            "conversation_rating.score",
            ">",
            0_i64,
        )]);
        let (items, next) = self.search_page(operation, search, per_page, after).await?;
        let ratings = items
            .into_iter()
            .filter_map(|raw| map::rating(provider, self.conversations(), raw))
            .filter(|r| query.matches(&r.data));
        Ok(Page::new(
            ratings.collect(),
            next.map(|after| Cursor::of(provider, &RatingState { after })),
        ))
    }
}
