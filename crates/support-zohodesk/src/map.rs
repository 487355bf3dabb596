//! Zoho Desk objects to canonical ones.
//!
//! Records are read as Zoho Desk renders them: ids are long numbers written as strings
//! (`"1892000000042034"`), times ISO 8601 UTC with milliseconds (`"2024-06-03T09:45:04.000Z"`).
//! Each mapping keeps the record as the canonical object's `raw`.
//!
//! - A ticket's `status` is a label the department defines; its `statusType` (`Open`, `On Hold`,
//!   `Closed`) says what it means. The status maps by type and keeps the label as native; a
//!   record without a type maps by the three default labels, else `Other(label)`.
//! - Priorities are labels: `Low`, `Medium` (Normal), `High`, `Urgent`; anything else is
//!   `Other(label)`.
//! - Channels are labels (`Email`, `Phone`, `Web`, `Chat`, `Twitter`, `Facebook`, `Forums`,
//!   `Feedback Widget`, `Customer Portal`, ...).

use serde_json::Value;
use support_core::kit::json;
use support_core::{
    AuthorKind, Body, CanonicalId, Channel, Comment, CommentRef, ConnectionInfo, CustomField,
    Document, DocumentKind, Error, FieldValue, Mapped, ObjectKind, Operation, Party, PartyRole,
    Priority, PublishState, Result, SlaClock, SlaPolicy, SlaPolicyRef, Tag, TagRef, Ticket,
    TicketCategory, TicketSla, TicketStatus, Visibility,
};

use crate::PROVIDER;

fn nonblank(raw: &Value, field: &str) -> Option<String> {
    json::text(raw, field).filter(|t| !t.trim().is_empty())
}

/// An id field, written as a string or a number.
pub(crate) fn id_of(raw: &Value, field: &str) -> Option<String> {
    json::id_text(raw, field).filter(|t| !t.trim().is_empty())
}

fn required_id(raw: &Value, what: &str, operation: Operation) -> Result<String> {
    id_of(raw, "id")
        .ok_or_else(|| json::misshapen(PROVIDER, operation, what, raw, &"it has no `id`"))
}

fn reference(raw: &Value, field: &str, kind: ObjectKind) -> Option<CanonicalId> {
    id_of(raw, field).map(|id| CanonicalId::new(PROVIDER, kind, id))
}

/// The canonical status of a status type (or, without one, of a default label).
fn status_of(kind: &str) -> Option<TicketStatus> {
    match kind.trim().to_ascii_lowercase().as_str() {
        "open" => Some(TicketStatus::Open),
        "on hold" | "onhold" | "on_hold" => Some(TicketStatus::OnHold),
        "closed" => Some(TicketStatus::Closed),
        _ => None,
    }
}

/// A ticket's status: by `statusType`, keeping the label.
pub(crate) fn status(raw: &Value) -> Mapped<TicketStatus> {
    let label = json::text(raw, "status").unwrap_or_default();
    let canonical = json::text(raw, "statusType")
        .as_deref()
        .and_then(status_of)
        .or_else(|| status_of(&label))
        .unwrap_or_else(|| TicketStatus::Other(label.clone()));
    Mapped::new(canonical, label)
}

/// The status label a write sets for a canonical status: the default label of its type
/// (`Open`, `On Hold`, `Closed`), or the label an `Other` names. `None` for a status Zoho has
/// no type for.
pub(crate) fn status_label(status: &TicketStatus) -> Option<String> {
    Some(
        match status {
            TicketStatus::Open => "Open",
            TicketStatus::OnHold | TicketStatus::Pending => "On Hold",
            TicketStatus::Closed | TicketStatus::Resolved => "Closed",
            TicketStatus::Other(label) if !label.trim().is_empty() => return Some(label.clone()),
            _ => return None,
        }
        .to_owned(),
    )
}

/// A priority label.
pub(crate) fn priority(label: &str) -> Mapped<Priority> {
    let canonical = match label.trim().to_ascii_lowercase().as_str() {
        "low" => Priority::Low,
        "medium" | "normal" => Priority::Normal,
        "high" => Priority::High,
        "urgent" => Priority::Urgent,
        _ => Priority::Other(label.to_owned()),
    };
    Mapped::new(canonical, label.to_owned())
}

/// The label a write sets for a priority.
pub(crate) fn priority_label(priority: &Priority) -> String {
    match priority {
        Priority::Low => "Low".to_owned(),
        Priority::Normal => "Medium".to_owned(),
        Priority::High => "High".to_owned(),
        Priority::Urgent => "Urgent".to_owned(),
        Priority::Other(label) => label.clone(),
    }
}

/// A channel label.
pub(crate) fn channel(label: &str) -> Mapped<Channel> {
    let canonical = match label.trim().to_ascii_lowercase().as_str() {
        "email" => Channel::Email,
        "phone" => Channel::Phone,
        "chat" | "whatsapp" | "im" | "instant messaging" => Channel::Chat,
        "web" | "customer portal" | "feedback widget" | "web form" | "forums" => Channel::Web,
        "twitter" | "facebook" | "instagram" | "social" => Channel::Social,
        _ => Channel::Other(label.to_owned()),
    };
    Mapped::new(canonical, label.to_owned())
}

/// A ticket. Its tags are not in the record: the port adds them.
pub(crate) fn ticket(operation: Operation, raw: Value) -> Result<Ticket> {
    let id = required_id(&raw, "ticket", operation)?;
    let mut ticket = Ticket::new(
        CanonicalId::new(PROVIDER, ObjectKind::Ticket, id),
        status(&raw),
        Value::Null,
    );
    ticket.number = id_of(&raw, "ticketNumber");
    ticket.subject = nonblank(&raw, "subject");
    ticket.description = nonblank(&raw, "description").map(Body::from_html);
    ticket.priority = nonblank(&raw, "priority").map(|p| priority(&p));
    ticket.channel = nonblank(&raw, "channel").map(|c| channel(&c));
    ticket.requester = reference(&raw, "contactId", ObjectKind::Party);
    ticket.assignee = reference(&raw, "assigneeId", ObjectKind::Party);
    ticket.group = reference(&raw, "departmentId", ObjectKind::Group);
    ticket.organization = reference(&raw, "accountId", ObjectKind::Party);
    ticket.category =
        nonblank(&raw, "category").map(|c| Mapped::new(TicketCategory::Other(c.clone()), c));
    ticket.created_at = json::time(&raw, "createdTime");
    ticket.updated_at = json::time(&raw, "modifiedTime");
    if ticket.status.canonical == TicketStatus::Closed {
        ticket.closed_at = json::time(&raw, "closedTime");
    }
    ticket.url = nonblank(&raw, "webUrl");
    ticket.custom_fields = raw
        .get("cf")
        .and_then(Value::as_object)
        .map(|cf| {
            cf.iter()
                .filter(|(_, value)| !value.is_null())
                .map(|(name, value)| CustomField {
                    name: name.clone(),
                    field_id: None,
                    value: FieldValue::from_json(value),
                })
                .collect()
        })
        .unwrap_or_default();
    ticket.sla = ticket_sla(&raw);
    ticket.raw = raw.into();
    Ok(ticket)
}

/// A ticket's SLA clocks, when it has a due time: `responseDueDate` (first response) and
/// `dueDate` (resolution), breached when `isOverDue`, escalated as `isEscalated` says. The
/// policy (`slaId`) is named when the record carries it.
pub(crate) fn ticket_sla(raw: &Value) -> Option<TicketSla> {
    let response = json::time(raw, "responseDueDate");
    let resolution = json::time(raw, "dueDate");
    if response.is_none() && resolution.is_none() {
        return None;
    }
    let overdue = json::boolean(raw, "isOverDue");
    let mut sla = TicketSla::default();
    sla.policy = reference(raw, "slaId", ObjectKind::SlaPolicy);
    sla.first_response = response.map(|at| SlaClock::due(Some(at)));
    sla.resolution = resolution.map(|at| SlaClock::due(Some(at)).with_breached(overdue));
    sla.escalated = json::boolean(raw, "isEscalated");
    Some(sla)
}

/// An agent (`GET /api/v1/agents`, `/myinfo`): its departments are its groups.
pub(crate) fn agent(operation: Operation, raw: Value) -> Result<Party> {
    let id = required_id(&raw, "agent", operation)?;
    let mut party = Party::new(
        CanonicalId::new(PROVIDER, ObjectKind::Party, id),
        PartyRole::Employee,
        Value::Null,
    );
    party.name = nonblank(&raw, "name").or_else(|| {
        let parts: Vec<String> = ["firstName", "lastName"]
            .iter()
            .filter_map(|f| nonblank(&raw, f))
            .collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    });
    party.email = nonblank(&raw, "emailId").or_else(|| nonblank(&raw, "email"));
    party.phone = nonblank(&raw, "phone").or_else(|| nonblank(&raw, "mobile"));
    party.active = json::text(&raw, "status").map(|s| s.eq_ignore_ascii_case("ACTIVE"));
    party.groups = raw
        .get("associatedDepartmentIds")
        .and_then(Value::as_array)
        .map(|ids| {
            ids.iter()
                .filter_map(|d| match d {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
                .map(|d| CanonicalId::new(PROVIDER, ObjectKind::Group, d))
                .collect()
        })
        .unwrap_or_default();
    party.raw = raw.into();
    Ok(party)
}

/// What `check_connection` learned: the organization, and the agent the token belongs to.
pub(crate) fn connection_info(account: &str, raw: Value) -> ConnectionInfo {
    let user = agent(Operation::CheckConnection, raw).ok();
    ConnectionInfo::new(PROVIDER, Some(account.to_owned()), user)
}

/// An attachment (`{id, name, size, href}`): downloaded from its `href`.
pub(crate) fn attachment(raw: &Value) -> Option<Document> {
    let id = id_of(raw, "id")?;
    let mut document = Document::new(
        CanonicalId::new(PROVIDER, ObjectKind::Document, id),
        DocumentKind::Attachment,
        raw.clone(),
    );
    document.title = nonblank(raw, "name").or_else(|| nonblank(raw, "fileName"));
    document.content_type = crate::files::attachment_type(raw, document.title.as_deref());
    document.size = json::int(raw, "size").and_then(|s| u64::try_from(s).ok());
    document.url = nonblank(raw, "href");
    document.created_at = json::time(raw, "createdTime");
    document.author = raw
        .get("creator")
        .and_then(|c| reference(c, "id", ObjectKind::Party));
    Some(document)
}

/// A ticket comment. `isPublic` comments show on the help center to the customer; the others are
/// internal notes.
pub(crate) fn comment(
    operation: Operation,
    ticket: &CanonicalId,
    raw: Value,
) -> Result<CommentRef> {
    let id = required_id(&raw, "comment", operation)?;
    let text = json::text(&raw, "content").unwrap_or_default();
    let html = json::text(&raw, "contentType").is_none_or(|c| c.eq_ignore_ascii_case("html"));
    let body = if html {
        Body::from_html(text)
    } else {
        Body::text(text)
    };
    let author_kind = raw
        .get("commenter")
        .and_then(|c| json::text(c, "type"))
        .map(|kind| {
            let canonical = match kind.to_ascii_uppercase().as_str() {
                "END_USER" | "CONTACT" => AuthorKind::Customer,
                "AGENT" => AuthorKind::Agent,
                "SYSTEM" | "BOT" => AuthorKind::System,
                _ => AuthorKind::Other(kind.clone()),
            };
            Mapped::new(canonical, kind)
        });
    let attachments = raw
        .get("attachments")
        .and_then(Value::as_array)
        .map(|all| all.iter().filter_map(attachment).collect())
        .unwrap_or_default();
    let comment = Comment {
        author: reference(&raw, "commenterId", ObjectKind::Party).or_else(|| {
            raw.get("commenter")
                .and_then(|c| reference(c, "id", ObjectKind::Party))
        }),
        author_kind,
        body,
        visibility: if json::boolean(&raw, "isPublic") == Some(true) {
            Visibility::Public
        } else {
            Visibility::Internal
        },
        created_at: json::time(&raw, "commentedTime"),
        attachments,
    };
    Ok(CommentRef::new(
        CanonicalId::new(PROVIDER, ObjectKind::Comment, id),
        comment,
        raw,
    )
    .with_parent(ticket.clone()))
}

/// A tag of the organization: named by its name (Zoho's tag ids are not part of the port).
pub(crate) fn tag(operation: Operation, raw: Value) -> Result<TagRef> {
    let name = nonblank(&raw, "name")
        .ok_or_else(|| json::misshapen(PROVIDER, operation, "tag", &raw, &"it has no `name`"))?;
    let count = json::int(&raw, "count").and_then(|c| u64::try_from(c).ok());
    Ok(TagRef::new(
        CanonicalId::new(PROVIDER, ObjectKind::Tag, name.clone()),
        Tag { name, count },
        raw,
    ))
}

/// A knowledge-base article (`GET /api/v1/articles`, `/articles/{id}`): the body is the
/// `answer` (HTML; the list gives a `summary` only).
pub(crate) fn article(operation: Operation, raw: Value) -> Result<Document> {
    let id = required_id(&raw, "article", operation)?;
    let mut document = Document::new(
        CanonicalId::new(PROVIDER, ObjectKind::Document, id),
        DocumentKind::KnowledgeArticle,
        Value::Null,
    );
    document.title = nonblank(&raw, "title");
    document.body = nonblank(&raw, "answer").map(Body::from_html);
    document.content_type = Some("text/html".to_owned());
    document.locale = nonblank(&raw, "locale");
    document.publish_state = nonblank(&raw, "status").map(|s| {
        let canonical = match s.to_ascii_lowercase().as_str() {
            "published" => PublishState::Published,
            "draft" => PublishState::Draft,
            "expired" | "unpublished" => PublishState::Archived,
            _ => PublishState::Other(s.clone()),
        };
        Mapped::new(canonical, s)
    });
    document.categories = id_of(&raw, "categoryId")
        .or_else(|| raw.get("category").and_then(|c| id_of(c, "id")))
        .map(|c| CanonicalId::new(PROVIDER, ObjectKind::Category, c))
        .into_iter()
        .collect();
    document.author = reference(&raw, "authorId", ObjectKind::Party).or_else(|| {
        raw.get("author")
            .and_then(|a| reference(a, "id", ObjectKind::Party))
    });
    document.created_at = json::time(&raw, "createdTime");
    document.updated_at = json::time(&raw, "modifiedTime");
    document.url = nonblank(&raw, "webUrl");
    document.raw = raw.into();
    Ok(document)
}

/// An SLA bound to a customer account (`{id, name | slaName, department, isActive}`): Zoho's API gives
/// its targets nowhere, so it has none here.
pub(crate) fn sla_policy(operation: Operation, raw: Value) -> Result<SlaPolicyRef> {
    let id = required_id(&raw, "SLA", operation)?;
    let policy = SlaPolicy {
        // The description's schema says `name`, its example `slaName`: either is read.
        name: nonblank(&raw, "name")
            .or_else(|| nonblank(&raw, "slaName"))
            .unwrap_or_else(|| id.clone()),
        description: nonblank(&raw, "description"),
        targets: Vec::new(),
    };
    Ok(SlaPolicyRef::new(
        CanonicalId::new(PROVIDER, ObjectKind::SlaPolicy, id),
        policy,
        raw,
    ))
}

/// A `Decode` error for an answer that is not what was asked for.
pub(crate) fn unexpected(operation: Operation, message: impl Into<String>) -> Error {
    Error::new(support_core::ErrorKind::Decode, PROVIDER)
        .with_operation(operation)
        .with_message(message)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn custom_statuses_map_by_type_and_keep_their_label() {
        let raw = json!({"id": "1892000000042034", "ticketNumber": "101",
            "subject": "Real Time analysis", "status": "Waiting on vendor",
            "statusType": "On Hold", "priority": "Medium", "channel": "Email",
            "departmentId": "1892000000006907", "assigneeId": null, "contactId": "1892000000042032",
            "createdTime": "2013-11-04T11:21:07.000Z", "webUrl": "https://desk.zoho.com/x"});
        let ticket = ticket(Operation::GetTicket, raw).unwrap();
        assert_eq!(ticket.id.to_string(), "zohodesk:ticket:1892000000042034");
        assert_eq!(ticket.status.canonical, TicketStatus::OnHold);
        assert_eq!(ticket.status.native, "Waiting on vendor");
        let priority = ticket.priority.unwrap();
        assert_eq!(priority.canonical, Priority::Normal);
        assert_eq!(priority.native, "Medium");
        assert_eq!(ticket.channel.unwrap().canonical, Channel::Email);
        assert_eq!(ticket.assignee, None);
        assert_eq!(ticket.group.unwrap().external_id(), "1892000000006907");
        assert!(ticket.created_at.is_some());
        assert_eq!(ticket.raw.value()["status"], "Waiting on vendor");
    }

    #[test]
    fn unknown_values_are_kept_as_other() {
        let raw =
            json!({"id": 7, "status": "Escalated-ish", "priority": "P0", "channel": "Pigeon"});
        let mapped = ticket(Operation::GetTicket, raw).unwrap();
        assert_eq!(
            mapped.status.canonical,
            TicketStatus::Other("Escalated-ish".into())
        );
        assert_eq!(
            mapped.priority.unwrap().canonical,
            Priority::Other("P0".into())
        );
        assert_eq!(
            mapped.channel.unwrap().canonical,
            Channel::Other("Pigeon".into())
        );
        assert!(ticket(Operation::GetTicket, json!({"subject": "no id"})).is_err());
    }

    #[test]
    fn writes_use_the_default_labels() {
        assert_eq!(
            status_label(&TicketStatus::OnHold).as_deref(),
            Some("On Hold")
        );
        assert_eq!(
            status_label(&TicketStatus::Resolved).as_deref(),
            Some("Closed")
        );
        assert_eq!(
            status_label(&TicketStatus::Other("Waiting".into())).as_deref(),
            Some("Waiting")
        );
        assert_eq!(status_label(&TicketStatus::New), None);
        assert_eq!(priority_label(&Priority::Normal), "Medium");
    }

    #[test]
    fn comments_are_public_or_internal_with_their_files() {
        let ticket = CanonicalId::new(PROVIDER, ObjectKind::Ticket, "5");
        let raw = json!({"id": "9", "content": "<p>Hi</p>", "contentType": "html",
            "isPublic": false, "commentedTime": "2024-01-01T00:00:00.000Z",
            "commenterId": "3", "commenter": {"id": "3", "type": "AGENT"},
            "attachments": [{"id": "44", "name": "a.txt", "size": "12", "href": "https://desk.zoho.com/api/v1/x"}]});
        let comment = comment(Operation::ListComments, &ticket, raw).unwrap();
        assert_eq!(comment.data.visibility, Visibility::Internal);
        assert_eq!(comment.data.body.text, "Hi");
        assert_eq!(
            comment.data.author_kind.unwrap().canonical,
            AuthorKind::Agent
        );
        let file = &comment.data.attachments[0];
        assert_eq!(file.size, Some(12));
        assert_eq!(file.title.as_deref(), Some("a.txt"));
    }

    #[test]
    fn account_slas_are_named_either_way() {
        let named = |raw: Value| sla_policy(Operation::GetSla, raw).unwrap().data.name;
        assert_eq!(named(json!({"id": "1", "name": "Gold"})), "Gold");
        assert_eq!(
            named(json!({"id": "1", "slaName": "Priority-based SLAs"})),
            "Priority-based SLAs"
        );
        assert_eq!(named(json!({"id": "1"})), "1");
    }

    #[test]
    fn due_dates_are_sla_clocks_and_cf_are_custom_fields() {
        let raw = json!({"id": "9", "status": "Open", "statusType": "Open",
            "responseDueDate": "2024-06-03T10:00:00.000Z", "dueDate": "2024-06-04T10:00:00.000Z",
            "isOverDue": true, "isEscalated": true, "slaId": "45794000000419372",
            "cf": {"cf_model": "F3", "cf_region": null, "cf_units": 4}});
        let mapped = ticket(Operation::GetTicket, raw).unwrap();
        let sla = mapped.sla.unwrap();
        assert_eq!(sla.policy.unwrap().external_id(), "45794000000419372");
        assert!(sla.first_response.unwrap().due_at.is_some());
        assert_eq!(sla.resolution.unwrap().breached, Some(true));
        assert_eq!(sla.escalated, Some(true));
        assert_eq!(mapped.custom_fields.len(), 2);
        assert_eq!(mapped.custom_fields[0].name, "cf_model");
        assert_eq!(mapped.custom_fields[0].value, FieldValue::Text("F3".into()));
        assert!(ticket_sla(&json!({"dueDate": null})).is_none());
    }
}
