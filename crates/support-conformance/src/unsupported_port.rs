//! A port that supports nothing: a stand-in where a test needs a `SupportPort` but exercises
//! something else (a simulator's raw HTTP, a port factory's arguments).

use async_trait::async_trait;
use support_core::{
    AgentQuery, ArticleQuery, Assignment, CanonicalId, Capabilities, CloseOptions, CommentQuery,
    CommentRef, ConnectionInfo, Document, NewComment, NewTag, NewTicket, Operation, Page, Party,
    Result, SatisfactionQuery, SatisfactionRatingRef, SlaPolicyRef, SupportPort, TagQuery, TagRef,
    Ticket, TicketLookup, TicketQuery, TicketUpdate,
};

/// Every operation, the connection check included, fails with `Unsupported` naming it.
#[derive(Debug)]
pub struct UnsupportedPort {
    provider: &'static str,
    capabilities: Capabilities,
}

impl UnsupportedPort {
    /// A port of this provider that supports nothing.
    pub fn new(provider: &'static str) -> Self {
        Self {
            provider,
            capabilities: Capabilities::new(),
        }
    }

    fn fail<T>(&self, operation: Operation) -> Result<T> {
        Err(self
            .capabilities
            .unsupported_error(self.provider, operation))
    }
}

#[async_trait]
impl SupportPort for UnsupportedPort {
    fn provider(&self) -> &'static str {
        self.provider
    }

    fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    async fn check_connection(&self) -> Result<ConnectionInfo> {
        self.fail(Operation::CheckConnection)
    }

    async fn list_tickets(&self, _: TicketQuery) -> Result<Page<Ticket>> {
        self.fail(Operation::ListTickets)
    }

    async fn get_ticket(&self, _: &TicketLookup) -> Result<Ticket> {
        self.fail(Operation::GetTicket)
    }

    async fn create_ticket(&self, _: NewTicket) -> Result<Ticket> {
        self.fail(Operation::CreateTicket)
    }

    async fn update_ticket(&self, _: &CanonicalId, _: TicketUpdate) -> Result<Ticket> {
        self.fail(Operation::UpdateTicket)
    }

    async fn close_ticket(&self, _: &CanonicalId, _: CloseOptions) -> Result<Ticket> {
        self.fail(Operation::CloseTicket)
    }

    async fn list_agents(&self, _: AgentQuery) -> Result<Page<Party>> {
        self.fail(Operation::ListAgents)
    }

    async fn assign_ticket(&self, _: &CanonicalId, _: Assignment) -> Result<Ticket> {
        self.fail(Operation::AssignTicket)
    }

    async fn add_comment(&self, _: &CanonicalId, _: NewComment) -> Result<CommentRef> {
        self.fail(Operation::AddComment)
    }

    async fn list_comments(&self, _: &CanonicalId, _: CommentQuery) -> Result<Page<CommentRef>> {
        self.fail(Operation::ListComments)
    }

    async fn list_tags(&self, _: TagQuery) -> Result<Page<TagRef>> {
        self.fail(Operation::ListTags)
    }

    async fn create_tag(&self, _: NewTag) -> Result<TagRef> {
        self.fail(Operation::CreateTag)
    }

    async fn get_knowledge_article(&self, _: &CanonicalId) -> Result<Document> {
        self.fail(Operation::GetKnowledgeArticle)
    }

    async fn list_knowledge_articles(&self, _: ArticleQuery) -> Result<Page<Document>> {
        self.fail(Operation::ListKnowledgeArticles)
    }

    async fn get_sla(&self, _: &CanonicalId) -> Result<SlaPolicyRef> {
        self.fail(Operation::GetSla)
    }

    async fn list_satisfaction_ratings(
        &self,
        _: SatisfactionQuery,
    ) -> Result<Page<SatisfactionRatingRef>> {
        self.fail(Operation::ListSatisfactionRatings)
    }
}
