//! [`ZendeskPort`]: the `SupportPort` operations over Zendesk's Support and Help Center APIs.
//!
//! Each operation reads its listing state ([`crate::listing`]), builds its request body
//! ([`crate::bodies`]), calls the generated client, and maps the answer ([`crate::map`]) with the
//! account's definitions ([`crate::lookups`]).

use std::collections::HashMap;
use std::fmt;

use serde_json::Value;
use support_core::Listing;
use support_core::kit::page::PageShape;
use support_core::kit::{Endpoint, answered_as_asked, applied_but_unreadable};
use support_core::{
    AgentQuery, ArticleQuery, Assignment, CanonicalId, Capabilities, CloseOptions, CommentQuery,
    CommentRef, ConnectionInfo, Document, Download, Error, ErrorKind, Filter, NewComment, NewTag,
    NewTicket, ObjectKind, Operation, Page, Party, RawJson, Result, SatisfactionQuery,
    SatisfactionRatingRef, SlaPolicyRef, SupportPort, TagQuery, TagRef, Ticket, TicketLookup,
    TicketQuery, TicketUpdate, async_trait, paginate,
};

use crate::builder::ZendeskBuilder;
use crate::generated::{Client, types};
use crate::listing::{
    AgentsState, ArticleSearchState, MAX_PAGE, Paged, agent_roles, cursor_shape, search_terms,
};
use crate::lookups::Lookups;
use crate::{PROVIDER, bodies, map};

/// The sideloads asked for with tickets: their SLA policy metrics (`ticket.slas`).
const SIDELOADS: &str = "slas";
/// A page of users (agents, one role at a time).
const USERS: PageShape = cursor_shape("users").item("user");
/// A page of tickets carrying one external id.
const TICKETS_BY_EXTERNAL_ID: PageShape = cursor_shape("tickets").item("ticket");
/// A page of Help Center search results (page-numbered: `next_page` is the way on).
const ARTICLE_SEARCH: PageShape = PageShape::items_at("results").item("article");

/// A Zendesk account behind the [`SupportPort`] interface.
///
/// Built with [`ZendeskPort::builder`] or [`ZendeskPort::from_env`]. [`ZendeskPort::client`] gives the
/// generated client for native operations beyond the port, with the same credentials, retries and
/// tracing.
pub struct ZendeskPort {
    pub(crate) client: Client,
    pub(crate) endpoint: Endpoint,
    capabilities: Capabilities,
    pub(crate) lookups: Lookups,
}

impl fmt::Debug for ZendeskPort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ZendeskPort")
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

fn capabilities() -> Capabilities {
    Capabilities::new()
        .native(&Operation::ALL)
        .native(&[Operation::DownloadAttachment])
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
            Filter::TicketCategory,
            Filter::AgentRole,
            Filter::ArticleCategory,
            Filter::ArticleSearch,
        ])
        .uploads(crate::uploads::LIMITS)
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

    pub(crate) fn new(endpoint: Endpoint) -> Self {
        Self {
            client: endpoint.client(Client::new_with_client),
            endpoint,
            capabilities: capabilities(),
            lookups: Lookups::new(),
        }
    }

    /// The generated client, for Zendesk operations beyond the port. Calls made with it go through
    /// the same credentials, retries (GET only, outside a port operation) and tracing.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The account's base URL.
    pub fn base_url(&self) -> &str {
        self.endpoint.base_url()
    }

    async fn one_ticket(&self, operation: Operation, mut envelope: Value) -> Result<Ticket> {
        let raw = envelope.get_mut("ticket").map(Value::take).ok_or_else(|| {
            Error::new(ErrorKind::Decode, PROVIDER)
                .with_operation(operation)
                .with_message("the response holds no ticket")
        })?;
        let raw = RawJson::from(raw);
        let native = map::ticket_view(operation, &raw)?;
        let mut tickets = self.tickets(operation, vec![(native, raw)]).await?;
        tickets
            .pop()
            .ok_or_else(|| Error::new(ErrorKind::Decode, PROVIDER).with_operation(operation))
    }

    async fn show_ticket(&self, operation: Operation, ticket_id: i64) -> Result<Ticket> {
        let call = self
            .client
            .show_ticket()
            .ticket_id(ticket_id)
            .include(SIDELOADS.to_owned());
        let raw = self
            .endpoint
            .runtime()
            .run_json(operation, None, call.send())
            .await?;
        let ticket = self.one_ticket(operation, raw).await?;
        answered_as_asked(
            PROVIDER,
            "Zendesk",
            operation,
            &ticket_id.to_string(),
            &ticket.id,
        )?;
        Ok(ticket)
    }

    /// A ticket by a reference: its `external_id`, or its id (which is also its number). A numeric
    /// reference is both looked up as an external id and as a ticket id; when they name two tickets
    /// the answer is `Conflict`, never one of them.
    async fn ticket_by_reference(&self, operation: Operation, reference: &str) -> Result<Ticket> {
        let reference = reference.trim();
        if reference.is_empty() {
            return Err(
                Error::invalid_input(PROVIDER, "the ticket reference is empty")
                    .with_operation(operation),
            );
        }
        // External ids are not unique in Zendesk: two answers are enough to tell.
        let call = self
            .client
            .list_tickets()
            .external_id(reference.to_owned())
            .include(SIDELOADS.to_owned())
            .page_size(2);
        let page = self
            .endpoint
            .runtime()
            .run_page(operation, TICKETS_BY_EXTERNAL_ID, call.send())
            .await?;
        let found = map::ticket_views(operation, page.into_items())?;
        // Only a ticket that carries exactly this external id answers the question.
        let mut by_external: Vec<Ticket> = self
            .tickets(operation, found)
            .await?
            .into_iter()
            .filter(|t| t.external_ref.as_deref() == Some(reference))
            .collect();
        if by_external.len() > 1 {
            let ids: Vec<&str> = by_external.iter().map(|t| t.id.external_id()).collect();
            return Err(Error::new(ErrorKind::Conflict, PROVIDER)
                .with_operation(operation)
                .with_message(format!(
                    "tickets {} carry external id `{reference}`: look one up by its canonical id",
                    ids.join(", ")
                )));
        }
        let by_id = match reference.parse::<i64>() {
            Ok(ticket_id) => match self.show_ticket(operation, ticket_id).await {
                Ok(ticket) => Some(ticket),
                Err(error) if error.kind() == &ErrorKind::NotFound => None,
                Err(error) => return Err(error),
            },
            Err(_) => None,
        };
        match (by_external.pop(), by_id) {
            (Some(external), Some(numbered)) if external.id != numbered.id => {
                Err(Error::new(ErrorKind::Conflict, PROVIDER)
                    .with_operation(operation)
                    .with_message(format!(
                        "`{reference}` is ticket {}'s external id and ticket {}'s id: look the ticket up by its canonical id",
                        external.id.external_id(),
                        numbered.id.external_id()
                    )))
            }
            (Some(ticket), _) | (None, Some(ticket)) => Ok(ticket),
            (None, None) => Err(Error::new(ErrorKind::NotFound, PROVIDER)
                .with_operation(operation)
                .with_message(format!("no ticket with external id or id `{reference}`"))),
        }
    }

    /// `PUT /api/v2/tickets/{id}` with the given changes; the whole answer (ticket and audit).
    async fn put_ticket(
        &self,
        operation: Operation,
        ticket: &CanonicalId,
        changes: types::TicketObject,
    ) -> Result<Value> {
        let ticket_id = ticket.numeric_id(PROVIDER, ObjectKind::Ticket, operation)?;
        let call = self
            .client
            .update_ticket()
            .ticket_id(ticket_id)
            .body(bodies::ticket_update(changes));
        self.endpoint
            .runtime()
            .run_json(operation, None, call.send())
            .await
    }
}

/// Whether an article's locale falls under the asked one, by basic language-range filtering
/// (RFC 4647): `en` takes `en`, `en-us` and `en-gb`; `en-us` takes only `en-us`; case is ignored.
fn locale_matches(range: &str, locale: Option<&str>) -> bool {
    let range = range.trim();
    locale.is_some_and(|locale| {
        locale.eq_ignore_ascii_case(range)
            || (locale.len() > range.len()
                && locale.is_char_boundary(range.len())
                && locale[..range.len()].eq_ignore_ascii_case(range)
                && locale.as_bytes()[range.len()] == b'-')
    })
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
        let raw = self.endpoint.runtime()
            .run_json(operation, None, self.client.show_current_user().send())
            .await
            .map_err(|error| match error.kind() {
                ErrorKind::NotFound => error.with_message(format!(
                    "no Zendesk Support API at {}: check the subdomain",
                    self.endpoint.base_url()
                )),
                ErrorKind::Unauthenticated => error.with_message(format!(
                    "{} rejected the credentials: check the agent e-mail and API token (or OAuth token)",
                    self.endpoint.base_url()
                )),
                ErrorKind::Transport | ErrorKind::Timeout => {
                    let detail = error.message().unwrap_or_default().to_owned();
                    error.with_message(format!("could not reach {}: check the subdomain ({detail})", self.endpoint.base_url()))
                }
                _ => error,
            })?;
        let user = raw.get("user").cloned().unwrap_or(Value::Null);
        if user.get("id").is_none_or(Value::is_null) {
            return Err(
                Error::new(ErrorKind::Unauthenticated, PROVIDER).with_message(format!(
                    "{} answered as for an anonymous visitor: check the credentials",
                    self.endpoint.base_url()
                )),
            );
        }
        let user = map::user(
            operation,
            map::decoded(operation, "user", user)?,
            &HashMap::new(),
        )?;
        Ok(ConnectionInfo::new(
            PROVIDER,
            Some(self.endpoint.base_url().to_owned()),
            Some(user),
        ))
    }

    fn ticket_listing(&self, query: TicketQuery) -> Listing<'_, Ticket> {
        match search_terms(&query) {
            Ok(terms) if terms.is_empty() => self.lazy_tickets(query, SIDELOADS),
            // Searches (and filters that cannot be searched, which `list_tickets` refuses) page
            // by page.
            _ => {
                let first = query.page.clone();
                paginate(PROVIDER, first, move |page| {
                    let mut query = query.clone();
                    query.page = page;
                    self.list_tickets(query)
                })
            }
        }
    }

    async fn list_tickets(&self, query: TicketQuery) -> Result<Page<Ticket>> {
        let operation = Operation::ListTickets;
        let limit = i64::from(query.page.limit_or(MAX_PAGE, MAX_PAGE));
        let cursor = query.page.cursor.as_ref();
        let terms = search_terms(&query)?;
        let (items, next) = if terms.is_empty() {
            self.cursor_page(operation, Paged::Tickets, cursor, |after| {
                let mut call = self
                    .client
                    .list_tickets()
                    .include(SIDELOADS.to_owned())
                    .page_size(limit);
                if let Some(after) = after {
                    call = call.page_after(after);
                }
                call.send()
            })
            .await?
        } else {
            self.cursor_page(operation, Paged::TicketSearch, cursor, |after| {
                let mut call = self
                    .client
                    .export_search_results()
                    // The export endpoint takes the type from `filter[type]`; `type:` in the query is an error.
                    .query(terms.join(" "))
                    .filter_type("ticket")
                    .page_size(limit);
                if let Some(after) = after {
                    call = call.page_after(after);
                }
                call.send()
            })
            .await?
        };
        let natives = map::ticket_views(operation, items)?;
        let tickets = self.tickets(operation, natives).await?;
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
                self.ticket_by_reference(operation, reference).await
            }
        }
    }

    async fn create_ticket(&self, mut new: NewTicket) -> Result<Ticket> {
        let operation = Operation::CreateTicket;
        self.capabilities()
            .check_uploads(PROVIDER, operation, &new.attachments)?;
        let files = std::mem::take(&mut new.attachments);
        let fields = self.field_inputs(operation, &new.custom_fields).await?;
        let key = new.idempotency_key.clone();
        let mut body = bodies::create_ticket(operation, new, fields)?;
        // The files go with the opening comment, once the request is known to be well formed.
        if let Some(token) = self.upload(operation, &files).await?
            && let Some(comment) = body.ticket.as_mut().and_then(|t| t.comment.as_mut())
        {
            comment.uploads = Some(vec![token]);
        }
        let call = self.client.create_ticket().body(body);
        let raw = self
            .endpoint
            .runtime()
            .run_json(operation, key, call.send())
            .await?;
        self.one_ticket(operation, raw)
            .await
            .map_err(|error| applied_but_unreadable(PROVIDER, operation, error))
    }

    async fn update_ticket(&self, ticket: &CanonicalId, update: TicketUpdate) -> Result<Ticket> {
        let operation = Operation::UpdateTicket;
        let fields = self.field_inputs(operation, &update.custom_fields).await?;
        let changes = bodies::update_ticket(operation, update, fields)?;
        let raw = self.put_ticket(operation, ticket, changes).await?;
        self.one_ticket(operation, raw)
            .await
            .map_err(|error| applied_but_unreadable(PROVIDER, operation, error))
    }

    async fn close_ticket(&self, ticket: &CanonicalId, options: CloseOptions) -> Result<Ticket> {
        let operation = Operation::CloseTicket;
        let changes = bodies::close_ticket(operation, options)?;
        let raw = self.put_ticket(operation, ticket, changes).await?;
        self.one_ticket(operation, raw)
            .await
            .map_err(|error| applied_but_unreadable(PROVIDER, operation, error))
    }

    async fn list_agents(&self, query: AgentQuery) -> Result<Page<Party>> {
        let operation = Operation::ListAgents;
        let limit = i64::from(query.page.limit_or(MAX_PAGE, MAX_PAGE));
        let roles = agent_roles(query.role.as_deref());
        let (state, position) = AgentsState::resume(operation, query.page.cursor.as_ref(), roles)?;
        let mut call = self
            .client
            .list_users()
            .role(state.role.clone())
            .page_size(limit);
        if let Some(after) = state.after.clone() {
            call = call.page_after(after);
        }
        let page = self
            .endpoint
            .runtime()
            .run_page(operation, USERS, call.send())
            .await?;
        let groups = self.group_memberships(operation).await?;
        let next = state.next(page.envelope(), roles, position);
        let agents = map::natives(operation, "user", page.into_items())?
            .into_iter()
            .map(|user| map::user(operation, user, &groups))
            .collect::<Result<Vec<_>>>()?;
        Ok(Page::new(
            agents.into_iter().filter(|a| query.matches(a)).collect(),
            next,
        ))
    }

    async fn assign_ticket(&self, ticket: &CanonicalId, assignment: Assignment) -> Result<Ticket> {
        let operation = Operation::AssignTicket;
        let changes = bodies::assign_ticket(operation, &assignment)?;
        let raw = self.put_ticket(operation, ticket, changes).await?;
        self.one_ticket(operation, raw)
            .await
            .map_err(|error| applied_but_unreadable(PROVIDER, operation, error))
    }

    async fn add_comment(
        &self,
        ticket: &CanonicalId,
        mut comment: NewComment,
    ) -> Result<CommentRef> {
        let operation = Operation::AddComment;
        self.capabilities()
            .check_uploads(PROVIDER, operation, &comment.attachments)?;
        ticket.numeric_id(PROVIDER, ObjectKind::Ticket, operation)?;
        let files = std::mem::take(&mut comment.attachments);
        let mut changes = bodies::add_comment(operation, comment)?;
        // The files go with the comment, once it is known to be well formed.
        if let Some(token) = self.upload(operation, &files).await?
            && let Some(comment) = changes.comment.as_mut()
        {
            comment.uploads = Some(vec![token]);
        }
        let raw = self.put_ticket(operation, ticket, changes).await?;
        map::added_comment(operation, ticket, &raw)
            .map_err(|error| applied_but_unreadable(PROVIDER, operation, error))
    }

    async fn list_comments(
        &self,
        ticket: &CanonicalId,
        query: CommentQuery,
    ) -> Result<Page<CommentRef>> {
        let operation = Operation::ListComments;
        let ticket_id = ticket.numeric_id(PROVIDER, ObjectKind::Ticket, operation)?;
        let limit = i64::from(query.page.limit_or(MAX_PAGE, MAX_PAGE));
        let after = Paged::Comments.resume(operation, query.page.cursor.as_ref())?;
        let mut call = self
            .client
            .list_ticket_comments()
            .ticket_id(ticket_id)
            // The authors' roles say who wrote each comment.
            .include("users".to_owned())
            .page_size(limit);
        if let Some(after) = after {
            call = call.page_after(after);
        }
        let page = self
            .endpoint
            .runtime()
            .run_page(operation, Paged::Comments.shape(), call.send())
            .await?;
        let next = Paged::Comments.next(page.envelope());
        let roles = map::sideloaded_roles(page.envelope());
        let comments = map::natives(operation, "comment", page.into_items())?
            .into_iter()
            .map(|c| map::comment(operation, ticket, c, &roles))
            .collect::<Result<Vec<_>>>()?;
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
        let cursor = query.page.cursor.as_ref();
        let (raws, next) = self
            .cursor_page(operation, Paged::Tags, cursor, |after| {
                let mut call = self.client.list_tags().page_size(limit);
                if let Some(after) = after {
                    call = call.page_after(after);
                }
                call.send()
            })
            .await?;
        let tags = map::natives(operation, "tag", raws)?
            .into_iter()
            .map(|t| map::tag(operation, t))
            .collect::<Result<Vec<_>>>()?;
        Ok(Page::new(tags, next))
    }

    async fn create_tag(&self, _tag: NewTag) -> Result<TagRef> {
        Err(self
            .capabilities
            .unsupported_error(PROVIDER, Operation::CreateTag))
    }

    async fn get_knowledge_article(&self, article: &CanonicalId) -> Result<Document> {
        let operation = Operation::GetKnowledgeArticle;
        let article_id = article.numeric_id(PROVIDER, ObjectKind::Document, operation)?;
        let call = self.client.show_article_no_locale().article_id(article_id);
        let mut raw = self
            .endpoint
            .runtime()
            .run_json(operation, None, call.send())
            .await?;
        let article = RawJson::from(raw.get_mut("article").map(Value::take).unwrap_or_default());
        let native = map::decode(operation, "article", &article)?;
        let mut articles = self.articles(operation, vec![(native, article)]).await?;
        articles
            .pop()
            .ok_or_else(|| Error::new(ErrorKind::Decode, PROVIDER).with_operation(operation))
    }

    async fn list_knowledge_articles(&self, query: ArticleQuery) -> Result<Page<Document>> {
        let operation = Operation::ListKnowledgeArticles;
        let limit = query.page.limit_or(MAX_PAGE, MAX_PAGE);
        let cursor = query.page.cursor.as_ref();
        let category = query
            .category
            .as_ref()
            .map(|c| c.numeric_id(PROVIDER, ObjectKind::Category, operation))
            .transpose()?;
        let (articles, next) =
            if let Some(term) = query.search.as_ref().filter(|t| !t.trim().is_empty()) {
                // Help Center search is offset-paged.
                let page = ArticleSearchState::resume(operation, cursor)?;
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
                let found = self
                    .endpoint
                    .get_page(
                        operation,
                        ARTICLE_SEARCH,
                        "/api/v2/help_center/articles/search",
                        &params,
                    )
                    .await?;
                let next = ArticleSearchState::next(found.envelope(), page);
                let found = map::natives(operation, "article", found.into_items())?;
                let articles = self.articles(operation, found).await?;
                (articles, next)
            } else {
                let (listing, path) = match category {
                    Some(category) => (
                        Paged::CategoryArticles,
                        format!("/api/v2/help_center/categories/{category}/articles"),
                    ),
                    None => (Paged::Articles, "/api/v2/help_center/articles".to_owned()),
                };
                let mut params = vec![("page[size]", limit.to_string())];
                if let Some(after) = listing.resume(operation, cursor)? {
                    params.push(("page[after]", after));
                }
                let found = self
                    .endpoint
                    .get_page(operation, listing.shape(), &path, &params)
                    .await?;
                let next = listing.next(found.envelope());
                let found = map::natives(operation, "article", found.into_items())?;
                let mut articles = self.articles(operation, found).await?;
                // Zendesk listed them under this category: they belong to it, whether or not the
                // section walk knew their section.
                if let Some(category) = &query.category {
                    for article in &mut articles {
                        if !article.categories.contains(category) {
                            article.categories.insert(0, category.clone());
                        }
                    }
                }
                (articles, next)
            };
        // A filter Zendesk applied is not applied again here: search terms, category and locale
        // on search (stemming, synonyms, its own locale rules), the category on
        // `/categories/{id}/articles` (whose articles sit in sections this listing may not know).
        // Only the locale of a plain or category listing, which Zendesk does not take, is
        // matched here.
        let locale = query
            .locale
            .as_deref()
            .filter(|_| query.search.as_ref().is_none_or(|t| t.trim().is_empty()));
        Ok(Page::new(
            articles
                .into_iter()
                .filter(|a| locale.is_none_or(|range| locale_matches(range, a.locale.as_deref())))
                .collect(),
            next,
        ))
    }

    async fn get_sla(&self, policy: &CanonicalId) -> Result<SlaPolicyRef> {
        let operation = Operation::GetSla;
        let policy_id = policy.numeric_id(PROVIDER, ObjectKind::SlaPolicy, operation)?;
        let call = self.client.show_sla_policy().sla_policy_id(policy_id);
        let mut raw = self
            .endpoint
            .runtime()
            .run_json(operation, None, call.send())
            .await?;
        map::sla_policy(
            operation,
            raw.get_mut("sla_policy")
                .map(Value::take)
                .unwrap_or_default(),
        )
    }

    async fn download_attachment(&self, attachment: &Document) -> Result<Download> {
        let operation = Operation::DownloadAttachment;
        let url = attachment.url.as_deref().ok_or_else(|| {
            Error::invalid_input(
                PROVIDER,
                "the attachment has no content URL: pass an attachment as list_comments returned it",
            )
            .with_operation(operation)
        })?;
        // The credentials go only to the account's own host; a `content_url` elsewhere (a
        // signed storage URL) is fetched without them.
        self.endpoint.download(operation, url).await
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
        let cursor = query.page.cursor.as_ref();
        let (raws, next) = self
            .cursor_page(operation, Paged::SatisfactionRatings, cursor, |after| {
                let mut call = self.client.list_satisfaction_ratings().page_size(limit);
                if let Some(after) = after {
                    call = call.page_after(after);
                }
                call.send()
            })
            .await?;
        let ratings = map::natives(operation, "satisfaction rating", raws)?
            .into_iter()
            .map(|r| map::rating(operation, r))
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
