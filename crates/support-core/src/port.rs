//! The `SupportPort` trait: one interface over every helpdesk.

use std::fmt::Debug;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::capabilities::Capabilities;
use crate::error::Result;
use crate::id::CanonicalId;
use crate::model::{
    CommentRef, Document, Party, SatisfactionRatingRef, SlaPolicyRef, TagRef, Ticket,
};
use crate::page::Page;
use crate::query::{
    AgentQuery, ArticleQuery, Assignment, CloseOptions, CommentQuery, NewComment, NewTag,
    NewTicket, SatisfactionQuery, TagQuery, TicketLookup, TicketQuery, TicketUpdate,
};
use crate::stream::{Listing, paginate};
use crate::upload::Download;

/// What `check_connection` learned about the account.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ConnectionInfo {
    /// The provider.
    pub provider: String,
    /// The account reached (subdomain, domain, instance URL).
    pub account: Option<String>,
    /// The authenticated user, when the provider says who it is.
    pub user: Option<Party>,
}

impl ConnectionInfo {
    /// Connection info for a provider and account.
    pub fn new(provider: impl Into<String>, account: Option<String>, user: Option<Party>) -> Self {
        Self {
            provider: provider.into(),
            account,
            user,
        }
    }
}

/// One typed, async interface over a helpdesk.
///
/// Reads (`list_*`, `get_*`) are idempotent; writes are not, and adapters retry them only when the
/// provider provably did not process them. An operation the provider has no API for returns
/// [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported), as declared by
/// [`capabilities`](SupportPort::capabilities).
///
/// The trait is dyn-compatible: applications hold an `Arc<dyn SupportPort>` chosen per customer.
///
/// ```
/// use std::sync::Arc;
/// use support_core::{SupportPort, TicketQuery, TicketStatus};
///
/// async fn open_ticket_subjects(port: Arc<dyn SupportPort>) -> support_core::Result<Vec<String>> {
///     let page = port.list_tickets(TicketQuery::new().with_status(TicketStatus::Open)).await?;
///     Ok(page.items.into_iter().filter_map(|t| t.subject).collect())
/// }
/// ```
#[async_trait]
pub trait SupportPort: Send + Sync + Debug {
    /// The provider's name, as used in canonical ids (`zendesk`, `memory`, ...).
    fn provider(&self) -> &'static str;

    /// What this adapter supports, per operation and filter.
    fn capabilities(&self) -> &Capabilities;

    /// Checks that the account is reachable and the credentials work.
    async fn check_connection(&self) -> Result<ConnectionInfo>;

    /// Lists tickets matching the query, one page at a time.
    async fn list_tickets(&self, query: TicketQuery) -> Result<Page<Ticket>>;

    /// Fetches one ticket by canonical id or the provider's own id or number.
    async fn get_ticket(&self, ticket: &TicketLookup) -> Result<Ticket>;

    /// Opens a ticket.
    async fn create_ticket(&self, ticket: NewTicket) -> Result<Ticket>;

    /// Changes a ticket's fields.
    async fn update_ticket(&self, ticket: &CanonicalId, update: TicketUpdate) -> Result<Ticket>;

    /// Moves a ticket to its finished state (solved / resolved / closed, as the provider allows).
    async fn close_ticket(&self, ticket: &CanonicalId, options: CloseOptions) -> Result<Ticket>;

    /// Lists agents.
    async fn list_agents(&self, query: AgentQuery) -> Result<Page<Party>>;

    /// Assigns a ticket to an agent and/or group.
    async fn assign_ticket(&self, ticket: &CanonicalId, assignment: Assignment) -> Result<Ticket>;

    /// Adds a public reply or internal note.
    async fn add_comment(&self, ticket: &CanonicalId, comment: NewComment) -> Result<CommentRef>;

    /// Lists a ticket's comments, oldest first.
    async fn list_comments(
        &self,
        ticket: &CanonicalId,
        query: CommentQuery,
    ) -> Result<Page<CommentRef>>;

    /// Lists the workspace's tags.
    async fn list_tags(&self, query: TagQuery) -> Result<Page<TagRef>>;

    /// Creates a tag.
    async fn create_tag(&self, tag: NewTag) -> Result<TagRef>;

    /// Fetches a knowledge article.
    async fn get_knowledge_article(&self, article: &CanonicalId) -> Result<Document>;

    /// Lists knowledge articles.
    async fn list_knowledge_articles(&self, query: ArticleQuery) -> Result<Page<Document>>;

    /// Fetches an SLA policy with its targets.
    async fn get_sla(&self, policy: &CanonicalId) -> Result<SlaPolicyRef>;

    /// Lists customer-satisfaction ratings.
    async fn list_satisfaction_ratings(
        &self,
        query: SatisfactionQuery,
    ) -> Result<Page<SatisfactionRatingRef>>;

    /// Every ticket matching the query, as [`SupportPortExt::tickets`](crate::SupportPortExt::tickets)
    /// returns them: call that. The default follows [`list_tickets`](Self::list_tickets) page by
    /// page; an adapter overrides it to ask for the next page before it decodes and maps the
    /// current one ([`paginate_lazily`](crate::stream::paginate_lazily)).
    fn ticket_listing(&self, query: TicketQuery) -> Listing<'_, Ticket> {
        let first = query.page.clone();
        paginate(self.provider(), first, move |page| {
            self.list_tickets(TicketQuery {
                page,
                ..query.clone()
            })
        })
    }

    /// Streams the bytes of an attachment (a [`Document`] of a comment's `attachments`), with this
    /// adapter's credentials and retry policy. Adapters whose provider serves attachments declare
    /// [`Operation::DownloadAttachment`](crate::Operation::DownloadAttachment); the others, and this
    /// default, return [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported).
    async fn download_attachment(&self, attachment: &Document) -> Result<Download> {
        let _ = attachment;
        Err(self
            .capabilities()
            .unsupported_error(self.provider(), crate::Operation::DownloadAttachment))
    }
}
