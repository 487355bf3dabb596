//! Zendesk request bodies, built as the generated client's types from canonical input.

use support_core::{
    Assignment, CloseOptions, CustomFieldInput, Error, FieldValue, NewComment, NewTicket,
    ObjectKind, Operation, Requester, Result, TicketUpdate, Visibility,
};

use std::collections::HashMap;

use serde_json::Value;

use crate::generated::types;
use crate::port::ZendeskPort;
use crate::{PROVIDER, map};

/// A comment to add: text and HTML as given, public unless internal, by an author when named.
pub(crate) fn comment(
    operation: Operation,
    comment: NewComment,
) -> Result<types::TicketCommentObject> {
    if comment.body.text.trim().is_empty()
        && comment
            .body
            .html
            .as_deref()
            .is_none_or(|h| h.trim().is_empty())
    {
        return Err(
            Error::invalid_input(PROVIDER, "the comment is empty").with_operation(operation)
        );
    }
    Ok(types::TicketCommentObject {
        body: Some(comment.body.text),
        html_body: comment.body.html,
        public: Some(comment.visibility == Visibility::Public),
        author_id: comment
            .author
            .as_ref()
            .map(|a| a.numeric_id(PROVIDER, ObjectKind::Party, operation))
            .transpose()?,
        ..Default::default()
    })
}

/// The ticket changes that add a comment, copying `cc` in.
pub(crate) fn add_comment(operation: Operation, new: NewComment) -> Result<types::TicketObject> {
    let cc = new.cc.clone();
    let mut changes = types::TicketObject {
        comment: Some(comment(operation, new)?),
        ..Default::default()
    };
    if !cc.is_empty() {
        changes.email_ccs = Some(
            cc.into_iter()
                .map(|email| types::EmailCcObject {
                    action: Some("put".into()),
                    user_email: Some(email),
                    user_id: None,
                    user_name: None,
                })
                .collect(),
        );
    }
    Ok(changes)
}

/// A new ticket; `custom_fields` are already resolved to field ids.
pub(crate) fn create_ticket(
    operation: Operation,
    new: NewTicket,
    custom_fields: Vec<types::TicketFieldValueInput>,
) -> Result<types::TicketCreateRequest> {
    let mut ticket = types::TicketObject {
        subject: Some(new.subject),
        comment: Some(types::TicketCommentObject {
            body: Some(new.description.text),
            html_body: new.description.html,
            public: Some(true),
            ..Default::default()
        }),
        priority: new.priority.as_ref().map(map::priority_to_native),
        status: new.status.as_ref().map(map::status_to_native).transpose()?,
        external_id: new.external_ref,
        ..Default::default()
    };
    if !new.tags.is_empty() {
        ticket.tags = Some(types::TicketObjectTags::Array(new.tags));
    }
    if !custom_fields.is_empty() {
        ticket.custom_fields = Some(custom_fields);
    }
    match new.requester {
        Some(Requester::Id(id)) => {
            ticket.requester_id = Some(id.numeric_id(PROVIDER, ObjectKind::Party, operation)?)
        }
        Some(Requester::Email { email, name }) => {
            ticket.requester = Some(types::TicketObjectRequester::Object {
                email: Some(email),
                name,
                locale: None,
                locale_id: None,
                organization_id: None,
                role: None,
                verified: None,
            });
        }
        None => {}
    }
    if let Some(agent) = &new.assignee {
        ticket.assignee_id = Some(agent.numeric_id(PROVIDER, ObjectKind::Party, operation)?);
    }
    if let Some(group) = &new.group {
        ticket.group_id = Some(group.numeric_id(PROVIDER, ObjectKind::Group, operation)?);
    }
    Ok(types::TicketCreateRequest {
        ticket: Some(ticket),
        system_metadata: None,
    })
}

/// The changes of an update; `custom_fields` are already resolved to field ids.
pub(crate) fn update_ticket(
    operation: Operation,
    update: TicketUpdate,
    custom_fields: Vec<types::TicketFieldValueInput>,
) -> Result<types::TicketObject> {
    if update.is_empty() {
        return Err(
            Error::invalid_input(PROVIDER, "the update changes nothing").with_operation(operation)
        );
    }
    Ok(types::TicketObject {
        subject: update.subject,
        status: update
            .status
            .as_ref()
            .map(map::status_to_native)
            .transpose()?,
        priority: update.priority.as_ref().map(map::priority_to_native),
        tags: update.tags.map(types::TicketObjectTags::Array),
        custom_fields: (!custom_fields.is_empty()).then_some(custom_fields),
        ..Default::default()
    })
}

/// Closing: Zendesk closes tickets itself some time after they are solved; solved is what the API
/// sets.
pub(crate) fn close_ticket(
    operation: Operation,
    options: CloseOptions,
) -> Result<types::TicketObject> {
    Ok(types::TicketObject {
        status: Some("solved".into()),
        comment: options.comment.map(|c| comment(operation, c)).transpose()?,
        ..Default::default()
    })
}

/// An assignment to an agent, a group, or both.
pub(crate) fn assign_ticket(
    operation: Operation,
    assignment: &Assignment,
) -> Result<types::TicketObject> {
    let (agent, group) = assignment.numeric_ids(PROVIDER, operation)?;
    Ok(types::TicketObject {
        assignee_id: agent,
        group_id: group,
        ..Default::default()
    })
}

/// The update wrapper of `PUT /api/v2/tickets/{id}`.
pub(crate) fn ticket_update(changes: types::TicketObject) -> types::TicketUpdateRequest {
    types::TicketUpdateRequest {
        ticket: Some(changes),
        system_metadata: None,
    }
}

impl ZendeskPort {
    /// Custom field values to write; titles are resolved to field ids.
    pub(crate) async fn field_inputs(
        &self,
        operation: Operation,
        fields: &[CustomFieldInput],
    ) -> Result<Vec<types::TicketFieldValueInput>> {
        if fields.is_empty() {
            return Ok(Vec::new());
        }
        let by_title = fields.iter().any(|f| f.name.parse::<i64>().is_err());
        let titles = self.ticket_fields(operation, by_title).await;
        fields
            .iter()
            .map(|f| {
                custom_field_input(&f.name, &f.value, &titles)
                    .map_err(|e| e.with_operation(operation))
            })
            .collect()
    }
}

/// The native value of a custom field to write, addressed by its numeric id or its title.
fn custom_field_input(
    name: &str,
    value: &FieldValue,
    fields: &HashMap<i64, String>,
) -> Result<types::TicketFieldValueInput> {
    let field_id = name
        .parse::<i64>()
        .ok()
        .or_else(|| {
            fields
                .iter()
                .find(|(_, title)| title.eq_ignore_ascii_case(name))
                .map(|(id, _)| *id)
        })
        .ok_or_else(|| {
            Error::invalid_input(
                PROVIDER,
                format!("`{name}` is neither a ticket field id nor the title of one of the account's fields"),
            )
        })?;
    // Sent as the JSON the field's type takes: integers exactly (never as a float), and `null`
    // itself for `Null`, which is how Zendesk clears a field (an id without a value changes nothing).
    let value = match value {
        FieldValue::Number(n) if !n.is_finite() => {
            return Err(Error::invalid_input(
                PROVIDER,
                format!("custom field `{name}`: {n} is not a number Zendesk can store"),
            ));
        }
        FieldValue::Json(other) if other.is_object() => Value::String(other.to_string()),
        other => other.to_json(),
    };
    Ok(types::TicketFieldValueInput {
        id: Some(field_id),
        value: Some(value),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_fields_need_numeric_ids() {
        let fields = HashMap::from([(361, "Colour".to_owned())]);
        assert!(custom_field_input("size", &FieldValue::Text("L".into()), &fields).is_err());
        let input = custom_field_input("360", &FieldValue::Integer(4), &fields).unwrap();
        assert_eq!(input.id, Some(360));
        let by_title =
            custom_field_input("colour", &FieldValue::Text("red".into()), &fields).unwrap();
        assert_eq!(by_title.id, Some(361));
    }

    #[test]
    fn empty_comments_updates_and_assignments_are_refused_before_any_request() {
        let op = Operation::AddComment;
        assert!(add_comment(op, NewComment::public("  ")).is_err());
        assert!(
            update_ticket(Operation::UpdateTicket, TicketUpdate::default(), Vec::new()).is_err()
        );
        assert!(assign_ticket(Operation::AssignTicket, &Assignment::default()).is_err());
    }
}
