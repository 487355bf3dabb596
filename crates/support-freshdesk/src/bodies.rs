//! Freshdesk request bodies, built as the generated client's types from canonical input.
//!
//! Freshdesk bodies are HTML: plain text is escaped into it. Status codes are resolved by the caller
//! (custom statuses need the helpdesk's labels), everything else here.

use serde_json::{Map, Value};
use support_core::kit::html;
use support_core::{
    Assignment, CustomFieldInput, Error, NewComment, NewTicket, ObjectKind, Operation, Requester,
    Result, TicketUpdate, Visibility,
};

use crate::generated::types;
use crate::{PROVIDER, map};

/// The status Freshdesk gives a new ticket when none is asked for: open.
const DEFAULT_STATUS: i64 = 2;
/// The priority Freshdesk gives a new ticket when none is asked for: low.
const DEFAULT_PRIORITY: i64 = 1;
/// The status code of a closed ticket.
pub(crate) const CLOSED: i64 = 5;

/// Custom fields keyed by their API name (`cf_colour`), as Freshdesk takes them.
fn custom_fields(fields: &[CustomFieldInput]) -> Option<Map<String, Value>> {
    (!fields.is_empty()).then(|| {
        fields
            .iter()
            .map(|f| (f.name.clone(), f.value.to_json()))
            .collect()
    })
}

/// A new ticket; `status` is its code, already resolved.
pub(crate) fn create_ticket(
    operation: Operation,
    new: NewTicket,
    status: Option<i64>,
) -> Result<types::TicketCreate> {
    let mut body = types::TicketCreate {
        subject: Some(new.subject),
        description: Some(
            new.description
                .html
                .unwrap_or_else(|| html::text_to_html(&new.description.text)),
        ),
        status: Some(status.unwrap_or(DEFAULT_STATUS)),
        priority: Some(
            new.priority
                .as_ref()
                .map(map::priority_to_native)
                .transpose()?
                .unwrap_or(DEFAULT_PRIORITY),
        ),
        tags: (!new.tags.is_empty()).then_some(new.tags),
        custom_fields: custom_fields(&new.custom_fields),
        responder_id: new
            .assignee
            .as_ref()
            .map(|a| a.numeric_id(PROVIDER, ObjectKind::Party, operation))
            .transpose()?,
        group_id: new
            .group
            .as_ref()
            .map(|g| g.numeric_id(PROVIDER, ObjectKind::Group, operation))
            .transpose()?,
        ..Default::default()
    };
    match new.requester {
        Some(Requester::Id(id)) => {
            body.requester_id = Some(id.numeric_id(PROVIDER, ObjectKind::Party, operation)?);
        }
        // `specs/freshdesk.yaml` gives the create body no `name`, so a requester's name is not sent.
        Some(Requester::Email { email, .. }) => body.email = Some(email),
        None => {}
    }
    Ok(body)
}

/// The changes of an update; `status` is its code, already resolved.
pub(crate) fn update_ticket(
    update: TicketUpdate,
    status: Option<i64>,
) -> Result<types::TicketUpdate> {
    Ok(types::TicketUpdate {
        subject: update.subject,
        status,
        priority: update
            .priority
            .as_ref()
            .map(map::priority_to_native)
            .transpose()?,
        tags: update.tags,
        custom_fields: custom_fields(&update.custom_fields),
        ..Default::default()
    })
}

/// Closing sets the closed status.
pub(crate) fn close_ticket() -> types::TicketUpdate {
    types::TicketUpdate {
        status: Some(CLOSED),
        ..Default::default()
    }
}

/// An assignment to an agent, a group, or both.
pub(crate) fn assign_ticket(
    operation: Operation,
    assignment: &Assignment,
) -> Result<types::TicketUpdate> {
    let (agent, group) = assignment.numeric_ids(PROVIDER, operation)?;
    Ok(types::TicketUpdate {
        responder_id: agent,
        group_id: group,
        ..Default::default()
    })
}

/// A comment: a public one is a reply (copied to `cc`), an internal one a private note (notifying
/// `cc`).
pub(crate) enum CommentBody {
    Reply(types::ReplyCreate),
    Note(types::NoteCreate),
}

/// The body of a comment to add.
pub(crate) fn comment(operation: Operation, comment: NewComment) -> Result<CommentBody> {
    let body = comment
        .body
        .html
        .unwrap_or_else(|| html::text_to_html(&comment.body.text));
    if html::is_blank(&body) {
        return Err(
            Error::invalid_input(PROVIDER, "the comment is empty").with_operation(operation)
        );
    }
    // Reply and note bodies name no author (the API key's agent writes them); a malformed author
    // id is still refused rather than silently ignored.
    if let Some(author) = &comment.author {
        author.numeric_id(PROVIDER, ObjectKind::Party, operation)?;
    }
    let cc = (!comment.cc.is_empty()).then_some(comment.cc);
    Ok(match comment.visibility {
        Visibility::Public => CommentBody::Reply(types::ReplyCreate {
            body: Some(body),
            cc_emails: cc,
            ..Default::default()
        }),
        Visibility::Internal => CommentBody::Note(types::NoteCreate {
            body: Some(body),
            private: Some(true),
            notify_emails: cc,
            ..Default::default()
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_escaped_into_html_and_empty_comments_are_refused() {
        let op = Operation::AddComment;
        let CommentBody::Reply(reply) = comment(op, NewComment::public("a < b\nc")).unwrap() else {
            panic!("a public comment is a reply");
        };
        assert_eq!(reply.body.as_deref(), Some("<div>a &lt; b<br>c</div>"));
        assert!(comment(op, NewComment::public("  ")).is_err());
        let CommentBody::Note(note) = comment(op, NewComment::internal("x")).unwrap() else {
            panic!("an internal comment is a note");
        };
        assert_eq!(note.private, Some(true));
    }

    #[test]
    fn assignments_need_an_agent_or_a_group() {
        assert!(assign_ticket(Operation::AssignTicket, &Assignment::default()).is_err());
    }
}
