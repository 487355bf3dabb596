//! [`ZohodeskPort`]: the `SupportPort` operations over Zohodesk's API. Kept thin: listing state
//! lives in `listing.rs`, account lookups in `lookups.rs`, request bodies in `bodies.rs`, and the
//! mapping to canonical objects in `map.rs`.

use std::fmt;

use support_core::kit::Endpoint;
use support_core::{
    AgentQuery, ArticleQuery, Assignment, CanonicalId, Capabilities, CloseOptions, CommentQuery,
    CommentRef, ConnectionInfo, Document, NewComment, NewTag, NewTicket, Operation, Page, Party,
    Result, SatisfactionQuery, SatisfactionRatingRef, SlaPolicyRef, SupportPort, TagQuery, TagRef,
    Ticket, TicketLookup, TicketQuery, TicketUpdate, async_trait,
};

use crate::builder::ZohodeskBuilder;
use crate::generated::Client;
use crate::{PROVIDER, map};

/// The reason every operation gives until it is implemented; the conformance suite refuses it
/// once `.allow_stubs()` is gone from `tests/conformance.rs`.
const NOT_YET: &str = "not implemented yet: see CONTRIBUTING.md";

/// A Zohodesk account behind the [`SupportPort`] interface.
///
/// Built with [`ZohodeskPort::builder`] or [`ZohodeskPort::from_env`]. [`ZohodeskPort::client`]
/// gives the generated client for native operations beyond the port, with the same credentials,
/// retries and tracing.
pub struct ZohodeskPort {
    client: Client,
    endpoint: Endpoint,
    capabilities: Capabilities,
}

impl fmt::Debug for ZohodeskPort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ZohodeskPort")
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

/// What the adapter supports. Declare each operation as it is implemented:
/// `.native(&[Operation::GetTicket])`, `.emulated(operation, "how")`, or
/// `.unsupported(operation, "why Zohodesk has no API for it")`; and `.native_filters(&[..])` for
/// the filters Zohodesk applies itself (the others are applied client-side with the query's
/// `matches`).
fn capabilities() -> Capabilities {
    Operation::ALL
        .into_iter()
        .fold(Capabilities::new(), |caps, operation| {
            caps.unsupported(operation, NOT_YET)
        })
}

impl ZohodeskPort {
    /// Starts configuring a port.
    pub fn builder() -> ZohodeskBuilder {
        ZohodeskBuilder::default()
    }

    /// A port configured from `SUPPORT_ZOHODESK_*` variables (see [`ZohodeskBuilder::from_env`]).
    pub fn from_env() -> Result<Self> {
        ZohodeskBuilder::default().from_env()?.build()
    }

    pub(crate) fn new(endpoint: Endpoint) -> Self {
        Self {
            client: endpoint.client(Client::new_with_client),
            endpoint,
            capabilities: capabilities(),
        }
    }

    /// The generated client, for Zohodesk operations beyond the port.
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
}

#[async_trait]
impl SupportPort for ZohodeskPort {
    fn provider(&self) -> &'static str {
        PROVIDER
    }

    fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    async fn check_connection(&self) -> Result<ConnectionInfo> {
        // The placeholder operation of specs/zohodesk.yaml: call an endpoint that needs valid
        // credentials and, ideally, says whom they belong to.
        let raw = self
            .endpoint
            .runtime()
            .run_json(Operation::CheckConnection, None, self.client.ping().send())
            .await?;
        Ok(map::connection_info(&self.endpoint.host(), &raw))
    }

    async fn list_tickets(&self, _query: TicketQuery) -> Result<Page<Ticket>> {
        self.unsupported(Operation::ListTickets)
    }

    async fn get_ticket(&self, _ticket: &TicketLookup) -> Result<Ticket> {
        self.unsupported(Operation::GetTicket)
    }

    async fn create_ticket(&self, _ticket: NewTicket) -> Result<Ticket> {
        self.unsupported(Operation::CreateTicket)
    }

    async fn update_ticket(&self, _ticket: &CanonicalId, _update: TicketUpdate) -> Result<Ticket> {
        self.unsupported(Operation::UpdateTicket)
    }

    async fn close_ticket(&self, _ticket: &CanonicalId, _options: CloseOptions) -> Result<Ticket> {
        self.unsupported(Operation::CloseTicket)
    }

    async fn list_agents(&self, _query: AgentQuery) -> Result<Page<Party>> {
        self.unsupported(Operation::ListAgents)
    }

    async fn assign_ticket(
        &self,
        _ticket: &CanonicalId,
        _assignment: Assignment,
    ) -> Result<Ticket> {
        self.unsupported(Operation::AssignTicket)
    }

    async fn add_comment(&self, _ticket: &CanonicalId, _comment: NewComment) -> Result<CommentRef> {
        self.unsupported(Operation::AddComment)
    }

    async fn list_comments(
        &self,
        _ticket: &CanonicalId,
        _query: CommentQuery,
    ) -> Result<Page<CommentRef>> {
        self.unsupported(Operation::ListComments)
    }

    async fn list_tags(&self, _query: TagQuery) -> Result<Page<TagRef>> {
        self.unsupported(Operation::ListTags)
    }

    async fn create_tag(&self, _tag: NewTag) -> Result<TagRef> {
        self.unsupported(Operation::CreateTag)
    }

    async fn get_knowledge_article(&self, _article: &CanonicalId) -> Result<Document> {
        self.unsupported(Operation::GetKnowledgeArticle)
    }

    async fn list_knowledge_articles(&self, _query: ArticleQuery) -> Result<Page<Document>> {
        self.unsupported(Operation::ListKnowledgeArticles)
    }

    async fn get_sla(&self, _policy: &CanonicalId) -> Result<SlaPolicyRef> {
        self.unsupported(Operation::GetSla)
    }

    async fn list_satisfaction_ratings(
        &self,
        _query: SatisfactionQuery,
    ) -> Result<Page<SatisfactionRatingRef>> {
        self.unsupported(Operation::ListSatisfactionRatings)
    }
}
