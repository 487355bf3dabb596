//! Operations declared unsupported.

use support_core::{
    AgentQuery, ArticleQuery, Assignment, CanonicalId, CloseOptions, CommentQuery, ErrorKind,
    NewComment, NewTicket, ObjectKind, Operation, SatisfactionQuery, Support, SupportPort,
    TagQuery, TicketLookup, TicketQuery,
};

use super::Check;
use crate::world::MISSING_TICKET_ID;

/// The declaration says why the operation is unsupported, and calling it with harmless input fails
/// with `Unsupported`, naming the provider and the operation.
pub async fn declared_unsupported(port: &dyn SupportPort, operation: Operation) -> Check {
    let provider = port.provider();
    if let Support::Unsupported(why) = port.capabilities().support(operation) {
        ensure!(
            why.len() > 10,
            "declared unsupported without a reason: {why:?}"
        );
    }
    let ticket = CanonicalId::new(provider, ObjectKind::Ticket, MISSING_TICKET_ID);
    let any = |kind| CanonicalId::new(provider, kind, MISSING_TICKET_ID);
    let result: Result<(), support_core::Error> = match operation {
        Operation::ListTickets => port.list_tickets(TicketQuery::new()).await.map(drop),
        Operation::GetTicket => port.get_ticket(&TicketLookup::Id(ticket)).await.map(drop),
        Operation::CreateTicket => port
            .create_ticket(NewTicket::new("unsupported", "probe"))
            .await
            .map(drop),
        Operation::UpdateTicket => port
            .update_ticket(&ticket, support_core::TicketUpdate::new().with_subject("x"))
            .await
            .map(drop),
        Operation::CloseTicket => port
            .close_ticket(&ticket, CloseOptions::new())
            .await
            .map(drop),
        Operation::ListAgents => port.list_agents(AgentQuery::new()).await.map(drop),
        Operation::AssignTicket => port
            .assign_ticket(&ticket, Assignment::agent(any(ObjectKind::Party)))
            .await
            .map(drop),
        Operation::AddComment => port
            .add_comment(&ticket, NewComment::internal("probe"))
            .await
            .map(drop),
        Operation::ListComments => port
            .list_comments(&ticket, CommentQuery::new())
            .await
            .map(drop),
        Operation::ListTags => port.list_tags(TagQuery::new()).await.map(drop),
        Operation::CreateTag => port
            .create_tag(support_core::NewTag::new("probe"))
            .await
            .map(drop),
        Operation::GetKnowledgeArticle => port
            .get_knowledge_article(&any(ObjectKind::Document))
            .await
            .map(drop),
        Operation::ListKnowledgeArticles => port
            .list_knowledge_articles(ArticleQuery::new())
            .await
            .map(drop),
        Operation::GetSla => port.get_sla(&any(ObjectKind::SlaPolicy)).await.map(drop),
        Operation::ListSatisfactionRatings => port
            .list_satisfaction_ratings(SatisfactionQuery::new())
            .await
            .map(drop),
        Operation::CheckConnection => port.check_connection().await.map(drop),
        Operation::DownloadAttachment => port
            .download_attachment(&support_core::Document::new(
                any(ObjectKind::Document),
                support_core::DocumentKind::Attachment,
                serde_json::Value::Null,
            ))
            .await
            .map(drop),
    };
    match result {
        Err(error) if error.kind() == &ErrorKind::Unsupported => {
            ensure!(
                error.operation() == Some(operation),
                "the Unsupported error names {:?}",
                error.operation()
            );
            ensure!(
                error.to_string().starts_with(provider),
                "the Unsupported error does not start with the provider's name: {error}"
            );
            Ok(())
        }
        Err(error) => Err(format!(
            "declared unsupported, but returned {:?}: {error}",
            error.kind()
        )),
        Ok(()) => Err("declared unsupported, but succeeded".into()),
    }
}

/// The reason an operation is declared unsupported is about the provider, not a stub left in a
/// finished adapter ("not implemented ...", as a scaffold declares every operation).
pub fn not_a_stub(port: &dyn SupportPort, operation: Operation) -> Check {
    if let Support::Unsupported(why) = port.capabilities().support(operation) {
        ensure!(
            !why.contains("not implemented"),
            "declared unsupported as a stub: {why}"
        );
    }
    Ok(())
}
