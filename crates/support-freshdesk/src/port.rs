//! [`FreshdeskPort`]: the `SupportPort` operations over Freshdesk's API v2.

use std::collections::HashMap;
use std::fmt;

use serde_json::Value;
use support_core::kit::{Endpoint, answered_as_asked, applied_but_unreadable, json};
use support_core::{
    AgentQuery, ArticleQuery, Assignment, CanonicalId, Capabilities, CloseOptions, CommentQuery,
    CommentRef, ConnectionInfo, Cursor, Document, Download, Error, ErrorKind, Filter, Listing,
    NewComment, NewTag, NewTicket, ObjectKind, Operation, Page, Party, Result, SatisfactionQuery,
    SatisfactionRatingRef, SlaPolicyRef, SupportPort, TagQuery, TagRef, Ticket, TicketLookup,
    TicketQuery, TicketUpdate, Upload, UploadLimits, async_trait,
};

use crate::bodies::{self, CommentBody};
use crate::builder::FreshdeskBuilder;
use crate::generated::{Client, types};
use crate::listing::{ArticleWalk, BARE, MAX_PAGE, Offset, STATS, values};
use crate::lookups::Lookups;
use crate::multipart;
use crate::{PROVIDER, map};

/// A Freshdesk helpdesk behind the [`SupportPort`] interface.
///
/// Built with [`FreshdeskPort::builder`] or [`FreshdeskPort::from_env`]. [`FreshdeskPort::client`]
/// gives the generated client for everything beyond the port (time entries, contacts, companies,
/// bulk updates), with the same credentials, retries and tracing.
pub struct FreshdeskPort {
    pub(crate) client: Client,
    pub(crate) endpoint: Endpoint,
    capabilities: Capabilities,
    pub(crate) lookups: Lookups,
}

impl fmt::Debug for FreshdeskPort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FreshdeskPort")
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

/// The most bytes of files one reply, note or new ticket can carry: 20 MB.
pub const UPLOAD_LIMIT: u64 = 20 * 1024 * 1024;

fn capabilities() -> Capabilities {
    Capabilities::new()
        .native(&Operation::ALL)
        .native(&[Operation::DownloadAttachment])
        // "The total size of these attachments cannot exceed 20MB" (replies, notes, new tickets).
        .uploads(UploadLimits::none().per_write(UPLOAD_LIMIT))
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
            Filter::TicketCategory,
            Filter::TicketUpdatedSince,
            Filter::ArticleCategory,
            Filter::RatingDateRange,
        ])
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

    pub(crate) fn new(endpoint: Endpoint) -> Self {
        Self {
            client: endpoint.client(Client::new_with_client),
            endpoint,
            capabilities: capabilities(),
            lookups: Lookups::new(),
        }
    }

    /// The generated client, for Freshdesk operations beyond the port.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The API base URL (`https://{domain}.freshdesk.com/api/v2`).
    pub fn base_url(&self) -> &str {
        self.endpoint.base_url()
    }

    /// A write with files: `POST {path}` as `multipart/form-data`, the fields of `body` (the JSON
    /// body the write has without files) and the files as `attachments[]`; the JSON answer.
    async fn send_form(
        &self,
        operation: Operation,
        path: &str,
        body: &impl serde::Serialize,
        files: &[Upload],
    ) -> Result<Value> {
        let fields = serde_json::to_value(body).map_err(|error| {
            Error::invalid_input(PROVIDER, format!("the request cannot be written: {error}"))
                .with_operation(operation)
        })?;
        let form = multipart::form(operation, &fields, files)?;
        let content_type = form.content_type();
        let (body, length) = form.finish();
        let request = self
            .endpoint
            .http()
            .post(format!("{}{path}", self.endpoint.base_url()))
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .header(reqwest::header::CONTENT_LENGTH, length)
            .body(body)
            .build()
            .map_err(|error| self.endpoint.runtime().transport_error(operation, error))?;
        self.endpoint
            .runtime()
            .send_json(self.endpoint.http(), operation, request)
            .await
    }

    /// `PUT /tickets/{id}` with the given changes.
    async fn put_ticket(
        &self,
        operation: Operation,
        ticket: &CanonicalId,
        body: types::TicketUpdate,
    ) -> Result<Ticket> {
        let ticket_id = ticket.numeric_id(PROVIDER, ObjectKind::Ticket, operation)?;
        let raw = self
            .endpoint
            .runtime()
            .run_json(
                operation,
                None,
                self.client
                    .update_ticket()
                    .ticket_id(ticket_id)
                    .body(body)
                    .send(),
            )
            .await?;
        self.one_ticket(operation, raw)
            .await
            .map_err(|error| applied_but_unreadable(PROVIDER, operation, error))
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
        let host = self.endpoint.host();
        let me = self
            .endpoint
            .get_json(operation, "/agents/me", &[])
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

    fn ticket_listing(&self, query: TicketQuery) -> Listing<'_, Ticket> {
        self.lazy_tickets(query)
    }

    async fn list_tickets(&self, query: TicketQuery) -> Result<Page<Ticket>> {
        let Some((terms, plan)) = self.ticket_plan(&query).await? else {
            return Ok(Page::last(Vec::new()));
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
            .endpoint
            .runtime()
            .run_json(
                operation,
                None,
                self.client
                    .get_ticket()
                    .ticket_id(ticket_id)
                    .include(STATS)
                    .send(),
            )
            .await?;
        let ticket = self.one_ticket(operation, raw).await?;
        answered_as_asked(
            PROVIDER,
            "Freshdesk",
            operation,
            &ticket_id.to_string(),
            &ticket.id,
        )?;
        Ok(ticket)
    }

    async fn create_ticket(&self, new: NewTicket) -> Result<Ticket> {
        let operation = Operation::CreateTicket;
        self.capabilities()
            .check_uploads(PROVIDER, operation, &new.attachments)?;
        let status = match &new.status {
            Some(status) => Some(self.status_code(operation, status).await?),
            None => None,
        };
        let mut new = new;
        let files = std::mem::take(&mut new.attachments);
        let body = bodies::create_ticket(operation, new, status)?;
        // Freshdesk honours no idempotency key: the runtime never repeats this request once it may
        // have reached Freshdesk.
        let raw = if files.is_empty() {
            let call = self.client.create_ticket().body(body);
            self.endpoint
                .runtime()
                .run_json(operation, None, call.send())
                .await?
        } else {
            self.send_form(operation, "/tickets", &body, &files).await?
        };
        self.one_ticket(operation, raw)
            .await
            .map_err(|error| applied_but_unreadable(PROVIDER, operation, error))
    }

    async fn update_ticket(&self, ticket: &CanonicalId, update: TicketUpdate) -> Result<Ticket> {
        let operation = Operation::UpdateTicket;
        if update.is_empty() {
            return Err(Error::invalid_input(PROVIDER, "the update changes nothing")
                .with_operation(operation));
        }
        let status = match &update.status {
            Some(status) => Some(self.status_code(operation, status).await?),
            None => None,
        };
        let body = bodies::update_ticket(update, status)?;
        self.put_ticket(operation, ticket, body).await
    }

    async fn close_ticket(&self, ticket: &CanonicalId, options: CloseOptions) -> Result<Ticket> {
        let operation = Operation::CloseTicket;
        if let Some(comment) = options.comment {
            self.add_comment(ticket, comment)
                .await
                .map_err(|e| e.with_operation(operation))?;
        }
        self.put_ticket(operation, ticket, bodies::close_ticket())
            .await
    }

    async fn list_agents(&self, query: AgentQuery) -> Result<Page<Party>> {
        let operation = Operation::ListAgents;
        let per_page = query.page.limit_or(MAX_PAGE, MAX_PAGE);
        let cursor = query.page.cursor.as_ref();
        let (found, next) = self
            .offset_page(operation, Offset::Agents, cursor, per_page, |page| {
                let call = self.client.list_agents().page(page);
                call.per_page(i64::from(per_page)).send()
            })
            .await?;
        let roles = self.roles(operation).await?;
        let agents = values::<types::Agent>(operation, found)?
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
        let body = bodies::assign_ticket(operation, &assignment)?;
        self.put_ticket(operation, ticket, body).await
    }

    async fn add_comment(&self, ticket: &CanonicalId, comment: NewComment) -> Result<CommentRef> {
        let operation = Operation::AddComment;
        self.capabilities()
            .check_uploads(PROVIDER, operation, &comment.attachments)?;
        let ticket_id = ticket.numeric_id(PROVIDER, ObjectKind::Ticket, operation)?;
        let mut comment = comment;
        let files = std::mem::take(&mut comment.attachments);
        let raw = match bodies::comment(operation, comment)? {
            CommentBody::Reply(body) if !files.is_empty() => {
                let path = format!("/tickets/{ticket_id}/reply");
                self.send_form(operation, &path, &body, &files).await?
            }
            CommentBody::Note(body) if !files.is_empty() => {
                let path = format!("/tickets/{ticket_id}/notes");
                self.send_form(operation, &path, &body, &files).await?
            }
            CommentBody::Reply(body) => {
                let call = self
                    .client
                    .reply_to_ticket()
                    .ticket_id(ticket_id)
                    .body(body);
                self.endpoint
                    .runtime()
                    .run_json(operation, None, call.send())
                    .await?
            }
            CommentBody::Note(body) => {
                let call = self.client.create_note().ticket_id(ticket_id).body(body);
                self.endpoint
                    .runtime()
                    .run_json(operation, None, call.send())
                    .await?
            }
        };
        json::decode::<types::Conversation>(PROVIDER, operation, "conversation", &raw)
            .and_then(|_| map::conversation(operation, ticket, raw))
            .map_err(|error| applied_but_unreadable(PROVIDER, operation, error))
    }

    async fn list_comments(
        &self,
        ticket: &CanonicalId,
        query: CommentQuery,
    ) -> Result<Page<CommentRef>> {
        let operation = Operation::ListComments;
        let ticket_id = ticket.numeric_id(PROVIDER, ObjectKind::Ticket, operation)?;
        let per_page = query.page.limit_or(MAX_PAGE, MAX_PAGE);
        let cursor = query.page.cursor.as_ref();
        let listing = Offset::Conversations;
        let (found, next) = self
            .offset_page(operation, listing, cursor, per_page, |page| {
                let call = self.client.list_ticket_conversations().ticket_id(ticket_id);
                call.page(page).per_page(i64::from(per_page)).send()
            })
            .await?;
        let comments = values::<types::Conversation>(operation, found)?
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
            .endpoint
            .runtime()
            .run_json(
                operation,
                None,
                self.client
                    .get_solution_article()
                    .article_id(article_id)
                    .send(),
            )
            .await?;
        json::decode::<types::SolutionArticle>(PROVIDER, operation, "solution article", &raw)?;
        map::article(operation, raw)
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
            Cursor::state::<ArticleWalk>(query.page.cursor.as_ref(), PROVIDER, operation)?;
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
        let page = self
            .endpoint
            .runtime()
            .run_page(operation, BARE.item("solution article"), call.send())
            .await?;
        let next = state.next(page.len(), per_page);
        let mut articles = values::<types::SolutionArticle>(operation, page)?
            .into_iter()
            .map(|raw| map::article(operation, raw))
            .collect::<Result<Vec<_>>>()?;
        // The category is Freshdesk's: only its folders are walked, so their articles belong to it
        // whether or not they say so, and are not filtered by it again. Search terms (and the
        // locale) are matched here.
        let mut rest = query;
        if let Some(category) = rest.category.take() {
            for article in &mut articles {
                if !article.categories.contains(&category) {
                    article.categories.insert(0, category.clone());
                }
            }
        }
        Ok(Page::new(
            articles.into_iter().filter(|a| rest.matches(a)).collect(),
            next,
        ))
    }

    async fn get_sla(&self, policy: &CanonicalId) -> Result<SlaPolicyRef> {
        let operation = Operation::GetSla;
        let policy_id = policy.numeric_id(PROVIDER, ObjectKind::SlaPolicy, operation)?;
        // The documented call is the list; a single-policy path is not.
        let page = self
            .endpoint
            .runtime()
            .run_page(
                operation,
                BARE.item("SLA policy"),
                self.client.list_sla_policies().send(),
            )
            .await?;
        let found = values::<types::SlaPolicy>(operation, page)?
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
        let cursor = query.page.cursor.as_ref();
        let listing = Offset::SatisfactionRatings;
        // Without `created_since` Freshdesk lists only recent ratings; ask from the start.
        let since = query.since.unwrap_or(chrono::DateTime::UNIX_EPOCH);
        let (found, next) = self
            .offset_page(operation, listing, cursor, per_page, |page| {
                let call = self.client.list_satisfaction_ratings().created_since(since);
                call.page(page).per_page(i64::from(per_page)).send()
            })
            .await?;
        let ratings = values::<types::SatisfactionRating>(operation, found)?
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

    async fn download_attachment(&self, attachment: &Document) -> Result<Download> {
        let operation = Operation::DownloadAttachment;
        let url = attachment.url.as_deref().ok_or_else(|| {
            Error::invalid_input(
                PROVIDER,
                format!(
                    "attachment {} has no `attachment_url`; pass an attachment as listComments read it",
                    attachment.id
                ),
            )
            .with_operation(operation)
        })?;
        // `attachment_url` is a signed storage URL: `download` sends the API key to the helpdesk's
        // own origin only, never to the storage host.
        self.endpoint.download(operation, url).await
    }
}
