//! [`MemoryPort`]: the store behind a mutex, and the [`SupportPort`] implementation.

use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError, TryLockError};

use async_trait::async_trait;
use support_core::{
    AgentQuery, ArticleQuery, Assignment, CanonicalId, Capabilities, CloseOptions, CommentQuery,
    CommentRef, ConnectionInfo, Document, Download, Filter, NewComment, NewTag, NewTicket,
    Operation, Page, Party, Result, SatisfactionQuery, SatisfactionRatingRef, SlaPolicyRef,
    SupportPort, TagQuery, TagRef, Ticket, TicketLookup, TicketQuery, TicketUpdate, Upload,
    UploadLimits,
};

use crate::ops::NewFile;
use crate::seed::MemoryPortBuilder;
use crate::store::Store;
use crate::{DEFAULT_UPLOAD_LIMIT, PROVIDER};

/// Reads the files of a write into memory (a stream to its end), in order.
async fn read_files(operation: Operation, files: &[Upload]) -> Result<Vec<NewFile>> {
    let mut read = Vec::with_capacity(files.len());
    for file in files {
        read.push(NewFile {
            file_name: file.file_name().to_owned(),
            content_type: file.content_type().to_owned(),
            bytes: file.read_all(PROVIDER, operation).await?,
        });
    }
    Ok(read)
}

/// A helpdesk held in memory: the reference semantics of the port, and a test double.
///
/// Every operation is native (`downloadAttachment` included) and every filter is applied by the
/// store. Files can be attached to new comments and tickets, each at most
/// [`DEFAULT_UPLOAD_LIMIT`] bytes unless the builder sets another limit
/// ([`MemoryPortBuilder::with_upload_limit`]). State sits behind a
/// [`std::sync::Mutex`] that is never held across an `await`; a lock poisoned by a panicking thread is
/// recovered, since every write validates its input before changing anything.
///
/// Build one with [`MemoryPort::builder`] (seeded) or [`MemoryPort::new`] (empty). `Debug` prints how
/// many objects of each kind it holds, not the objects.
pub struct MemoryPort {
    store: Mutex<Store>,
    capabilities: Capabilities,
}

impl MemoryPort {
    /// An empty helpdesk: no agents, tickets or anything else; ids counted from 1.
    pub fn new() -> Self {
        Self::from_store(Store::default(), DEFAULT_UPLOAD_LIMIT)
    }

    /// A builder to seed the helpdesk.
    pub fn builder() -> MemoryPortBuilder {
        MemoryPortBuilder::new()
    }

    pub(crate) fn from_store(store: Store, upload_limit: u64) -> Self {
        Self {
            store: Mutex::new(store),
            capabilities: Capabilities::new()
                .native(&Operation::ALL)
                .native(&[Operation::DownloadAttachment])
                .native_filters(&Filter::ALL)
                .uploads(UploadLimits::none().per_file(upload_limit)),
        }
    }

    fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Default for MemoryPort {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for MemoryPort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("MemoryPort");
        out.field("provider", &PROVIDER);
        // `try_lock`: formatting must not wait for (or deadlock with) an operation in progress.
        let guard = match self.store.try_lock() {
            Ok(guard) => Some(guard),
            Err(TryLockError::Poisoned(poisoned)) => Some(poisoned.into_inner()),
            Err(TryLockError::WouldBlock) => None,
        };
        match guard {
            Some(store) => out
                .field("parties", &store.parties.len())
                .field("groups", &store.groups.len())
                .field("tickets", &store.tickets.len())
                .field("comments", &store.comments.len())
                .field("tags", &store.tags.len())
                .field("categories", &store.categories.len())
                .field("articles", &store.articles.len())
                .field("sla_policies", &store.sla_policies.len())
                .field("ratings", &store.ratings.len())
                .finish(),
            None => out.finish_non_exhaustive(),
        }
    }
}

#[async_trait]
impl SupportPort for MemoryPort {
    fn provider(&self) -> &'static str {
        PROVIDER
    }

    fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    async fn check_connection(&self) -> Result<ConnectionInfo> {
        Ok(self.store().check_connection())
    }

    async fn list_tickets(&self, query: TicketQuery) -> Result<Page<Ticket>> {
        self.store().list_tickets(&query)
    }

    async fn get_ticket(&self, ticket: &TicketLookup) -> Result<Ticket> {
        self.store().get_ticket(ticket)
    }

    async fn create_ticket(&self, ticket: NewTicket) -> Result<Ticket> {
        const OP: Operation = Operation::CreateTicket;
        self.capabilities()
            .check_uploads(PROVIDER, OP, &ticket.attachments)?;
        let files = read_files(OP, &ticket.attachments).await?;
        self.store().create_ticket(ticket, files)
    }

    async fn update_ticket(&self, ticket: &CanonicalId, update: TicketUpdate) -> Result<Ticket> {
        self.store().update_ticket(ticket, update)
    }

    async fn close_ticket(&self, ticket: &CanonicalId, options: CloseOptions) -> Result<Ticket> {
        const OP: Operation = Operation::CloseTicket;
        let attachments = options
            .comment
            .as_ref()
            .map_or(&[][..], |comment| &comment.attachments[..]);
        self.capabilities()
            .check_uploads(PROVIDER, OP, attachments)?;
        let files = read_files(OP, attachments).await?;
        self.store().close_ticket(ticket, options, files)
    }

    async fn list_agents(&self, query: AgentQuery) -> Result<Page<Party>> {
        self.store().list_agents(&query)
    }

    async fn assign_ticket(&self, ticket: &CanonicalId, assignment: Assignment) -> Result<Ticket> {
        self.store().assign_ticket(ticket, assignment)
    }

    async fn add_comment(&self, ticket: &CanonicalId, comment: NewComment) -> Result<CommentRef> {
        const OP: Operation = Operation::AddComment;
        self.capabilities()
            .check_uploads(PROVIDER, OP, &comment.attachments)?;
        let files = read_files(OP, &comment.attachments).await?;
        self.store().add_comment(ticket, comment, files)
    }

    async fn list_comments(
        &self,
        ticket: &CanonicalId,
        query: CommentQuery,
    ) -> Result<Page<CommentRef>> {
        self.store().list_comments(ticket, &query)
    }

    async fn list_tags(&self, query: TagQuery) -> Result<Page<TagRef>> {
        self.store().list_tags(&query)
    }

    async fn create_tag(&self, tag: NewTag) -> Result<TagRef> {
        self.store().create_tag(tag)
    }

    async fn get_knowledge_article(&self, article: &CanonicalId) -> Result<Document> {
        self.store().get_knowledge_article(article)
    }

    async fn list_knowledge_articles(&self, query: ArticleQuery) -> Result<Page<Document>> {
        self.store().list_knowledge_articles(&query)
    }

    async fn get_sla(&self, policy: &CanonicalId) -> Result<SlaPolicyRef> {
        self.store().get_sla(policy)
    }

    async fn list_satisfaction_ratings(
        &self,
        query: SatisfactionQuery,
    ) -> Result<Page<SatisfactionRatingRef>> {
        self.store().list_satisfaction_ratings(&query)
    }

    async fn download_attachment(&self, attachment: &Document) -> Result<Download> {
        self.store().download_attachment(attachment)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[tokio::test]
    async fn a_poisoned_lock_is_recovered() {
        let port = Arc::new(MemoryPort::new());
        let holder = port.clone();
        let panicked = std::thread::spawn(move || {
            let _guard = holder.store.lock();
            panic!("poisoning the lock on purpose");
        })
        .join();
        assert!(panicked.is_err());
        assert!(port.store.is_poisoned());
        port.create_tag(NewTag::new("still-works")).await.unwrap();
        let tags = port.list_tags(TagQuery::new()).await.unwrap();
        assert_eq!(tags.items.len(), 1);
        assert!(format!("{port:?}").contains("tags: 1"));
    }

    #[test]
    fn debug_does_not_wait_for_a_busy_store() {
        let port = MemoryPort::new();
        let _guard = port.store();
        assert_eq!(
            format!("{port:?}"),
            r#"MemoryPort { provider: "memory", .. }"#
        );
    }
}
