//! The writes' request bodies and the search queries, as the generated types.
//!
//! Search queries stay within Intercom's documented limits: one `AND` group of at most three
//! single filters (nesting one level, far under two levels and fifteen filters a group); a choice
//! among several values is one `IN` filter.

use serde_json::{Map, Value};
use support_core::{Body, CustomFieldInput};

use crate::generated::types;
use crate::map::{DESCRIPTION, TITLE};

/// A text value of a filter.
pub(crate) fn text(value: impl Into<String>) -> types::SingleFilterSearchRequestValue {
    types::SingleFilterSearchRequestValue::String(value.into())
}

/// One filter of a search query.
pub(crate) fn filter(
    field: &str,
    operator: &str,
    value: impl Into<types::SingleFilterSearchRequestValue>,
) -> types::SingleFilterSearchRequest {
    types::SingleFilterSearchRequest {
        field: Some(field.to_owned()),
        operator: Some(operator.to_owned()),
        value: Some(value.into()),
    }
}

/// `field IN [values]`, or `field = value` for one value.
pub(crate) fn one_of(field: &str, values: Vec<String>) -> types::SingleFilterSearchRequest {
    match <[String; 1]>::try_from(values) {
        Ok([one]) => filter(field, "=", text(one)),
        Err(values) => filter(
            field,
            "IN",
            types::SingleFilterSearchRequestValue::Array(
                values
                    .into_iter()
                    .map(types::SingleFilterSearchRequestValueArrayItem::String)
                    .collect(),
            ),
        ),
    }
}

/// A query of single filters, all of which must hold.
pub(crate) fn all_of(
    mut filters: Vec<types::SingleFilterSearchRequest>,
) -> types::SearchRequestQuery {
    if filters.len() == 1 {
        return types::SearchRequestQuery::SingleFilterSearchRequest(filters.remove(0));
    }
    types::SearchRequestQuery::MultipleFilterSearchRequest(types::MultipleFilterSearchRequest {
        operator: Some("AND".to_owned()),
        value: Some(types::MultipleFilterSearchRequestValue::Variant1(filters)),
    })
}

/// A search request: the query and one page of results.
pub(crate) fn search(
    query: types::SearchRequestQuery,
    per_page: u32,
    starting_after: Option<String>,
) -> types::SearchRequest {
    types::SearchRequest {
        query: Some(query),
        pagination: Some(types::StartingAfterPaging(Some(
            types::StartingAfterPagingInner {
                per_page: Some(i64::from(per_page)),
                starting_after,
            },
        ))),
    }
}

/// A contact search by e-mail address.
pub(crate) fn contact_by_email(email: &str) -> types::ContactSearchRequest {
    types::ContactSearchRequest {
        query: Some(types::ContactSearchRequestQuery::SingleFilterSearchRequest(
            filter("email", "=", text(email)),
        )),
        pagination: None,
        sort: None,
    }
}

/// A new contact (a user) with an e-mail address.
pub(crate) fn new_contact(email: &str, name: Option<&str>) -> types::CreateContactRequest {
    types::CreateContactRequest {
        email: Some(email.to_owned()),
        name: name.map(str::to_owned),
        role: Some("user".to_owned()),
        ..Default::default()
    }
}

/// The HTML a body is sent as: its own HTML, else its text escaped.
pub(crate) fn html(body: &Body) -> String {
    match &body.html {
        Some(html) if !html.trim().is_empty() => html.clone(),
        _ => support_core::kit::html::escape(&body.text),
    }
}

/// Ticket attributes: the title, the description and custom fields by name.
pub(crate) fn ticket_attributes(
    title: Option<&str>,
    description: Option<&Body>,
    fields: &[CustomFieldInput],
) -> Map<String, Value> {
    let mut attributes = Map::new();
    if let Some(title) = title {
        attributes.insert(TITLE.to_owned(), Value::String(title.to_owned()));
    }
    if let Some(description) = description {
        attributes.insert(DESCRIPTION.to_owned(), Value::String(html(description)));
    }
    for field in fields {
        attributes.insert(field.name.clone(), field.value.to_json());
    }
    attributes
}

/// `POST /tickets`.
pub(crate) fn create_ticket(
    ticket_type_id: String,
    contact: types::CreateTicketBodyContactsItem,
    attributes: Map<String, Value>,
    admin_assignee_id: Option<String>,
    team_assignee_id: Option<String>,
) -> types::CreateTicketBody {
    let assignment = (admin_assignee_id.is_some() || team_assignee_id.is_some()).then_some(
        types::CreateTicketBodyAssignment {
            admin_assignee_id,
            team_assignee_id,
        },
    );
    types::CreateTicketBody {
        ticket_type_id: Some(ticket_type_id),
        contacts: Some(vec![contact]),
        ticket_attributes: Some(types::TicketRequestCustomAttributes(Value::Object(
            attributes,
        ))),
        assignment,
        ..Default::default()
    }
}

/// `PUT /tickets/{id}`, acting as `admin_id`.
pub(crate) fn update_ticket(admin_id: i64) -> types::UpdateTicketBody {
    types::UpdateTicketBody {
        admin_id: Some(admin_id),
        ..Default::default()
    }
}

/// `POST /tickets/{id}/reply` as an admin: a `comment` or a `note`.
pub(crate) fn ticket_reply(admin_id: String, note: bool, body: String) -> types::ReplyTicketBody {
    types::ReplyTicketBody::Variant1 {
        admin_id: Some(admin_id),
        attachment_files: None,
        attachment_urls: None,
        body: Some(body),
        created_at: None,
        cross_post: None,
        message_type: Some(if note { "note" } else { "comment" }.to_owned()),
        reply_options: None,
        skip_notifications: None,
        type_: Some("admin".to_owned()),
    }
}

/// `POST /conversations/{id}/reply` as an admin: a `comment` or a `note`.
pub(crate) fn conversation_reply(
    admin_id: String,
    note: bool,
    body: String,
) -> types::ReplyConversationRequest {
    types::ReplyConversationRequest::AdminReplyConversationRequest(
        types::AdminReplyConversationRequest {
            admin_id: Some(admin_id),
            body: Some(body),
            message_type: Some(if note { "note" } else { "comment" }.to_owned()),
            type_: Some("admin".to_owned()),
            ..Default::default()
        },
    )
}

/// `POST /conversations` from a contact (`user` or `lead`).
pub(crate) fn new_conversation(
    contact_id: String,
    contact_type: String,
    body: String,
) -> types::CreateConversationRequest {
    types::CreateConversationRequest {
        from: Some(types::CreateConversationRequestFrom {
            id: Some(contact_id),
            type_: Some(contact_type),
        }),
        body: Some(body),
        ..Default::default()
    }
}

/// `POST /conversations/{id}/parts` closing it.
pub(crate) fn close(admin_id: String) -> types::ManageConversationBody {
    types::ManageConversationBody::CloseConversationRequest(types::CloseConversationRequest {
        admin_id: Some(admin_id),
        body: None,
        message_type: Some("close".to_owned()),
        type_: Some("admin".to_owned()),
    })
}

/// `POST /conversations/{id}/parts` opening it again.
pub(crate) fn open(admin_id: String) -> types::ManageConversationBody {
    types::ManageConversationBody::OpenConversationRequest(types::OpenConversationRequest {
        admin_id: Some(admin_id),
        message_type: Some("open".to_owned()),
    })
}

/// `POST /conversations/{id}/parts` snoozing it until a Unix time.
pub(crate) fn snooze(admin_id: String, until: i64) -> types::ManageConversationBody {
    types::ManageConversationBody::SnoozeConversationRequest(types::SnoozeConversationRequest {
        admin_id: Some(admin_id),
        message_type: Some("snoozed".to_owned()),
        snoozed_until: Some(until),
    })
}

/// `POST /conversations/{id}/parts` assigning it to an admin (`team: false`) or a team.
pub(crate) fn assign(
    admin_id: String,
    assignee_id: String,
    team: bool,
) -> types::ManageConversationBody {
    types::ManageConversationBody::AssignConversationRequest(types::AssignConversationRequest {
        admin_id: Some(admin_id),
        assignee_id: Some(assignee_id),
        body: None,
        message_type: Some("assignment".to_owned()),
        type_: Some(if team { "team" } else { "admin" }.to_owned()),
    })
}

/// `PUT /conversations/{id}`: its title and custom attributes.
pub(crate) fn update_conversation(
    title: Option<String>,
    fields: &[CustomFieldInput],
) -> types::UpdateConversationRequest {
    let attributes: Map<String, Value> = fields
        .iter()
        .map(|f| (f.name.clone(), f.value.to_json()))
        .collect();
    types::UpdateConversationRequest {
        title,
        custom_attributes: (!attributes.is_empty())
            .then_some(types::CustomAttributes(Value::Object(attributes))),
        ..Default::default()
    }
}

/// `POST /tags`: creates the tag, or finds it when it exists.
pub(crate) fn create_tag(name: &str) -> types::CreateTagBody {
    types::CreateTagBody::CreateOrUpdateTagRequest(types::CreateOrUpdateTagRequest {
        id: None,
        name: Some(name.to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn queries_are_one_and_group_of_single_filters() {
        let query = all_of(vec![
            filter("created_at", ">", text("0")),
            one_of("category", vec!["request".into(), "task".into()]),
        ]);
        assert_eq!(
            serde_json::to_value(search(query, 50, Some("WzE3".into()))).unwrap(),
            json!({
                "query": {"operator": "AND", "value": [
                    {"field": "created_at", "operator": ">", "value": "0"},
                    {"field": "category", "operator": "IN", "value": ["request", "task"]}
                ]},
                "pagination": {"per_page": 50, "starting_after": "WzE3"}
            })
        );
        let single = all_of(vec![one_of("state", vec!["open".into()])]);
        assert_eq!(
            serde_json::to_value(single).unwrap(),
            json!({"field": "state", "operator": "=", "value": "open"})
        );
    }

    #[test]
    fn writes_carry_the_documented_fields() {
        assert_eq!(
            serde_json::to_value(ticket_reply("991".into(), true, "Hi".into())).unwrap(),
            json!({"admin_id": "991", "body": "Hi", "message_type": "note", "type": "admin"})
        );
        assert_eq!(
            serde_json::to_value(assign("991".into(), "55".into(), true)).unwrap(),
            json!({"admin_id": "991", "assignee_id": "55", "message_type": "assignment", "type": "team"})
        );
        assert_eq!(
            serde_json::to_value(snooze("991".into(), 1700000000)).unwrap(),
            json!({"admin_id": "991", "message_type": "snoozed", "snoozed_until": 1700000000})
        );
        let created = create_ticket(
            "12".into(),
            types::CreateTicketBodyContactsItem::Variant2 {
                email: Some("dana@example.com".into()),
            },
            ticket_attributes(Some("Printer"), Some(&Body::text("a < b")), &[]),
            None,
            Some("7".into()),
        );
        assert_eq!(
            serde_json::to_value(created).unwrap(),
            json!({
                "ticket_type_id": "12",
                "contacts": [{"email": "dana@example.com"}],
                "ticket_attributes": {"_default_title_": "Printer", "_default_description_": "a &lt; b"},
                "assignment": {"team_assignee_id": "7"}
            })
        );
    }
}
