//! Intercom objects to canonical ones.
//!
//! Each mapping starts from Intercom's JSON as received, reads it with the kit's accessors, and keeps
//! the JSON as the canonical object's `raw`. Intercom writes times as Unix seconds and ids as strings
//! (some admin and team ids as integers): both are read either way. Every function takes the
//! provider name of the port's mode, so that ids name the object they come from
//! (`intercom:ticket:7` a ticket, `intercom-conversations:ticket:7` a conversation).
//!
//! Native values no mapping knows (a ticket state category added later, a conversation state)
//! become `Other(raw)`.

use chrono::{DateTime, Utc};
use serde_json::Value;
use support_core::kit::json;
use support_core::{
    AuthorKind, Availability, Body, CanonicalId, Channel, Comment, CommentRef, ConnectionInfo,
    CustomField, Document, DocumentKind, Error, FieldValue, Mapped, ObjectKind, Operation, Party,
    PartyRole, Priority, PublishState, SatisfactionRating, SatisfactionRatingRef, Score, Tag,
    TagRef, Ticket, TicketCategory, TicketSla, TicketStatus, Visibility,
};

/// The ticket attribute holding a ticket's title.
pub(crate) const TITLE: &str = "_default_title_";
/// The ticket attribute holding a ticket's description.
pub(crate) const DESCRIPTION: &str = "_default_description_";

/// A Unix-seconds field (an integer, or a numeric string), in UTC; `0` and absent read as `None`.
pub(crate) fn unix(raw: &Value, field: &str) -> Option<DateTime<Utc>> {
    json::int(raw, field)
        .filter(|seconds| *seconds > 0)
        .and_then(|seconds| DateTime::from_timestamp(seconds, 0))
}

/// An id field that Intercom sets to `0` (or leaves out) when there is none.
fn assigned_id(raw: &Value, field: &str) -> Option<String> {
    json::id_text(raw, field).filter(|id| id != "0")
}

/// A text field that is present and not blank.
fn present(raw: &Value, field: &str) -> Option<String> {
    json::text(raw, field).filter(|text| !text.trim().is_empty())
}

fn id_of(
    provider: &'static str,
    operation: Operation,
    what: &str,
    kind: ObjectKind,
    raw: &Value,
) -> Result<CanonicalId, Error> {
    json::id_text(raw, "id")
        .map(|id| CanonicalId::from_static(provider, kind, id))
        .ok_or_else(|| json::misshapen(provider, operation, what, raw, &"it has no `id`"))
}

/// The canonical status of a ticket state category.
pub(crate) fn status_of_category(category: &str) -> Option<TicketStatus> {
    Some(match category {
        "submitted" => TicketStatus::New,
        "in_progress" => TicketStatus::InProgress,
        "waiting_on_customer" => TicketStatus::Pending,
        "resolved" => TicketStatus::Resolved,
        _ => return None,
    })
}

/// A ticket's status from its `ticket_state` (an object with its `category` and labels; older
/// answers write the category alone). The native value is the state's own label (a custom state's
/// name), else its category. A ticket with no state that is not open is closed.
fn ticket_status(raw: &Value) -> Mapped<TicketStatus> {
    let state = raw.get("ticket_state");
    let (category, label) = match state {
        Some(Value::String(category)) => (Some(category.clone()), None),
        Some(state @ Value::Object(_)) => (
            json::text(state, "category"),
            present(state, "internal_label").or_else(|| present(state, "external_label")),
        ),
        _ => (None, None),
    };
    match category {
        Some(category) => {
            let native = label.unwrap_or_else(|| category.clone());
            match status_of_category(&category) {
                Some(status) => Mapped::new(status, native),
                None => Mapped::new(TicketStatus::Other(native.clone()), native),
            }
        }
        None if json::boolean(raw, "open") == Some(false) => {
            Mapped::new(TicketStatus::Closed, "open: false")
        }
        None => Mapped::new(TicketStatus::Open, "open: true"),
    }
}

/// A ticket type's (or ticket's) category as a canonical ticket category.
pub(crate) fn ticket_category(native: &str) -> Mapped<TicketCategory> {
    let canonical = match native {
        "Customer" => TicketCategory::General,
        "Back-office" => TicketCategory::Task,
        "Tracker" => TicketCategory::Problem,
        other => TicketCategory::Other(other.to_owned()),
    };
    Mapped::new(canonical, native.to_owned())
}

/// The category term `POST /tickets/search` takes for a canonical ticket category.
pub(crate) fn category_search_term(category: &TicketCategory) -> Option<&'static str> {
    match category {
        TicketCategory::General => Some("request"),
        TicketCategory::Task => Some("task"),
        TicketCategory::Problem => Some("tracker"),
        _ => None,
    }
}

fn first_contact(provider: &'static str, raw: &Value) -> Option<CanonicalId> {
    raw.get("contacts")?
        .get("contacts")?
        .as_array()?
        .iter()
        .find_map(|c| json::id_text(c, "id"))
        .map(|id| CanonicalId::from_static(provider, ObjectKind::Party, id))
}

fn tag_names(raw: &Value) -> Vec<String> {
    let tags = match raw.get("tags") {
        Some(Value::Object(list)) => list.get("tags").and_then(Value::as_array),
        Some(Value::Array(tags)) => Some(tags),
        _ => None,
    };
    tags.into_iter()
        .flatten()
        .filter_map(|tag| json::text(tag, "name"))
        .collect()
}

fn custom_fields(attributes: Option<&Value>, skip: &[&str]) -> Vec<CustomField> {
    let Some(Value::Object(attributes)) = attributes else {
        return Vec::new();
    };
    attributes
        .iter()
        .filter(|(name, _)| !skip.contains(&name.as_str()))
        .map(|(name, value)| CustomField {
            name: name.clone(),
            field_id: None,
            value: FieldValue::from_json(value),
        })
        .collect()
}

/// An Intercom ticket (`GET /tickets/{id}`, `POST /tickets/search`).
pub(crate) fn ticket(
    provider: &'static str,
    operation: Operation,
    raw: Value,
) -> Result<Ticket, Error> {
    let id = id_of(provider, operation, "ticket", ObjectKind::Ticket, &raw)?;
    let mut ticket = Ticket::new(id, ticket_status(&raw), Value::Null);
    let attributes = raw.get("ticket_attributes");
    ticket.number = json::id_text(&raw, "ticket_id");
    ticket.subject = attributes.and_then(|a| json::text(a, TITLE));
    ticket.description = attributes
        .and_then(|a| json::text(a, DESCRIPTION))
        .map(Body::from_html);
    ticket.requester = first_contact(provider, &raw);
    ticket.assignee = assigned_id(&raw, "admin_assignee_id")
        .map(|id| CanonicalId::from_static(provider, ObjectKind::Party, id));
    ticket.group = assigned_id(&raw, "team_assignee_id")
        .map(|id| CanonicalId::from_static(provider, ObjectKind::Group, id));
    ticket.tags = tag_names(&raw);
    ticket.custom_fields = custom_fields(attributes, &[TITLE, DESCRIPTION]);
    ticket.created_at = unix(&raw, "created_at");
    ticket.updated_at = unix(&raw, "updated_at");
    ticket.category = json::text(&raw, "category").map(|c| ticket_category(&c));
    ticket.raw = raw.into();
    Ok(ticket)
}

/// A conversation's state as a ticket status.
fn conversation_status(raw: &Value) -> Mapped<TicketStatus> {
    let state = json::text(raw, "state").unwrap_or_else(|| {
        match json::boolean(raw, "open") {
            Some(false) => "closed",
            _ => "open",
        }
        .to_owned()
    });
    let canonical = match state.as_str() {
        "open" => TicketStatus::Open,
        "snoozed" => TicketStatus::OnHold,
        "closed" => TicketStatus::Closed,
        other => TicketStatus::Other(other.to_owned()),
    };
    Mapped::new(canonical, state)
}

/// A conversation's priority: 2.16 answers `none`, `low`, `medium`, `high` or `urgent`; earlier
/// versions `priority` or `not_priority`. `none` is no priority.
pub(crate) fn conversation_priority(native: &str) -> Option<Mapped<Priority>> {
    let canonical = match native {
        "none" | "" => return None,
        "low" => Priority::Low,
        "medium" | "not_priority" => Priority::Normal,
        "high" | "priority" => Priority::High,
        "urgent" => Priority::Urgent,
        other => Priority::Other(other.to_owned()),
    };
    Some(Mapped::new(canonical, native.to_owned()))
}

fn conversation_channel(source: &Value) -> Option<Mapped<Channel>> {
    let native = json::text(source, "type")?;
    let canonical = match native.as_str() {
        "email" => Channel::Email,
        "conversation" | "chat" | "push" => Channel::Chat,
        "phone_call" | "phone" => Channel::Phone,
        "facebook" | "twitter" | "instagram" | "whatsapp" => Channel::Social,
        other => Channel::Other(other.to_owned()),
    };
    Some(Mapped::new(canonical, native))
}

/// A conversation's `sla_applied`: escalated when its status is `missed`, not when `hit` or
/// `active`, unknown when `cancelled` or `null`. Intercom exposes no clocks or policy.
fn conversation_sla(raw: &Value) -> Option<TicketSla> {
    let applied = raw.get("sla_applied").filter(|s| s.is_object())?;
    let mut sla = TicketSla::default();
    sla.escalated = match json::text(applied, "sla_status").as_deref() {
        Some("missed") => Some(true),
        Some("hit" | "active") => Some(false),
        _ => None,
    };
    Some(sla)
}

/// An Intercom conversation, served as a ticket (conversations mode).
pub(crate) fn conversation(
    provider: &'static str,
    operation: Operation,
    raw: Value,
) -> Result<Ticket, Error> {
    let id = id_of(
        provider,
        operation,
        "conversation",
        ObjectKind::Ticket,
        &raw,
    )?;
    let mut ticket = Ticket::new(id, conversation_status(&raw), Value::Null);
    let source = raw.get("source").filter(|s| s.is_object());
    ticket.subject = present(&raw, "title").or_else(|| source.and_then(|s| present(s, "subject")));
    ticket.description = source
        .and_then(|s| json::text(s, "body"))
        .map(Body::from_html);
    ticket.priority = json::text(&raw, "priority").and_then(|p| conversation_priority(&p));
    ticket.channel = source.and_then(conversation_channel);
    ticket.requester = first_contact(provider, &raw);
    ticket.assignee = assigned_id(&raw, "admin_assignee_id")
        .map(|id| CanonicalId::from_static(provider, ObjectKind::Party, id));
    ticket.group = assigned_id(&raw, "team_assignee_id")
        .map(|id| CanonicalId::from_static(provider, ObjectKind::Group, id));
    ticket.tags = tag_names(&raw);
    ticket.custom_fields = custom_fields(raw.get("custom_attributes"), &[]);
    ticket.created_at = unix(&raw, "created_at");
    ticket.updated_at = unix(&raw, "updated_at");
    ticket.sla = conversation_sla(&raw);
    ticket.raw = raw.into();
    Ok(ticket)
}

/// Who wrote a part: user, lead and contact are customers, admins agents, bots and teams the
/// workspace itself.
fn author_kind(native: &str) -> Mapped<AuthorKind> {
    let canonical = match native {
        "user" | "lead" | "contact" => AuthorKind::Customer,
        "admin" => AuthorKind::Agent,
        "bot" | "team" => AuthorKind::System,
        other => AuthorKind::Other(other.to_owned()),
    };
    Mapped::new(canonical, native.to_owned())
}

fn attachments(provider: &'static str, part_id: &str, part: &Value) -> Vec<Document> {
    part.get("attachments")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(index, file)| {
            let id = CanonicalId::new(
                provider,
                ObjectKind::Document,
                format!("{part_id}-{}", index + 1),
            );
            let mut document = Document::new(id, DocumentKind::Attachment, file.clone());
            document.title = json::text(file, "name");
            document.content_type = json::text(file, "content_type");
            document.size = json::int(file, "filesize").and_then(|s| u64::try_from(s).ok());
            document.url = json::text(file, "url");
            document
        })
        .collect()
}

/// One part (or a conversation's source) as a comment, when it carries a body: parts that only
/// record an event (an assignment, a state change without a message) are not comments.
fn part_comment(
    provider: &'static str,
    parent: &CanonicalId,
    part: &Value,
    id: String,
    created_at: Option<DateTime<Utc>>,
) -> Option<CommentRef> {
    let body = json::text(part, "body").filter(|b| !support_core::kit::html::is_blank(b))?;
    let author = part.get("author");
    let author_type = author.and_then(|a| json::text(a, "type"));
    let author_id = author
        .and_then(|a| json::id_text(a, "id"))
        .filter(|_| {
            matches!(
                author_type.as_deref(),
                Some("user" | "lead" | "contact" | "admin")
            )
        })
        .map(|id| CanonicalId::from_static(provider, ObjectKind::Party, id));
    let visibility = match json::text(part, "part_type").as_deref() {
        Some("note") => Visibility::Internal,
        _ => Visibility::Public,
    };
    let comment = Comment {
        author: author_id,
        author_kind: author_type.as_deref().map(author_kind),
        body: Body::from_html(body),
        visibility,
        created_at: unix(part, "created_at").or(created_at),
        attachments: attachments(provider, &id, part),
    };
    let id = CanonicalId::from_static(provider, ObjectKind::Comment, id);
    Some(CommentRef::new(id, comment, part.clone()).with_parent(parent.clone()))
}

/// One part of a ticket's `ticket_parts` or a conversation's `conversation_parts`, or a reply's
/// answer, as a comment.
pub(crate) fn part(
    provider: &'static str,
    parent: &CanonicalId,
    part: &Value,
) -> Option<CommentRef> {
    let id = json::id_text(part, "id")?;
    part_comment(provider, parent, part, id, None)
}

/// The comments a ticket or conversation carries, oldest first: a conversation's opening message
/// (its `source`) first, then every part with a body. Intercom embeds at most 500 parts.
pub(crate) fn comments(
    provider: &'static str,
    parent: &CanonicalId,
    raw: &Value,
) -> Vec<CommentRef> {
    let mut found = Vec::new();
    if let Some(source) = raw.get("source").filter(|s| s.is_object()) {
        let id = json::id_text(source, "id")
            .unwrap_or_else(|| format!("{}-source", parent.external_id()));
        found.extend(part_comment(
            provider,
            parent,
            source,
            id,
            unix(raw, "created_at"),
        ));
    }
    for key in ["ticket_parts", "conversation_parts"] {
        let parts = raw
            .get(key)
            .and_then(|list| list.get(key))
            .and_then(Value::as_array);
        found.extend(
            parts
                .into_iter()
                .flatten()
                .filter_map(|p| part(provider, parent, p)),
        );
    }
    found
}

/// An admin (`GET /admins`, `GET /me`) as an agent: away mode is their availability, their teams
/// their groups.
pub(crate) fn agent(
    provider: &'static str,
    operation: Operation,
    raw: Value,
) -> Result<Party, Error> {
    let id = id_of(provider, operation, "admin", ObjectKind::Party, &raw)?;
    let mut party = Party::new(id, PartyRole::Employee, Value::Null);
    party.name = json::text(&raw, "name");
    party.email = json::text(&raw, "email");
    party.agent_role = raw
        .get("role")
        .and_then(|r| json::text(r, "name"))
        .or_else(|| json::text(&raw, "job_title").filter(|t| !t.is_empty()));
    party.groups = raw
        .get("team_ids")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|team| match team {
            Value::Number(n) => Some(n.to_string()),
            Value::String(s) if !s.is_empty() => Some(s.clone()),
            _ => None,
        })
        .map(|team| CanonicalId::from_static(provider, ObjectKind::Group, team))
        .collect();
    party.availability = json::boolean(&raw, "away_mode_enabled").map(|away| {
        if away {
            Mapped::new(Availability::Away, "away_mode_enabled: true")
        } else {
            Mapped::new(Availability::Available, "away_mode_enabled: false")
        }
    });
    party.raw = raw.into();
    Ok(party)
}

/// A tag, named by Intercom's id for it (what attaching it takes); tickets carry tag names.
pub(crate) fn tag(
    provider: &'static str,
    operation: Operation,
    raw: Value,
) -> Result<TagRef, Error> {
    let name = json::text(&raw, "name")
        .filter(|n| !n.is_empty())
        .ok_or_else(|| json::misshapen(provider, operation, "tag", &raw, &"it has no `name`"))?;
    let id = id_of(provider, operation, "tag", ObjectKind::Tag, &raw)?;
    Ok(TagRef::new(id, Tag { name, count: None }, raw))
}

/// A help center article.
pub(crate) fn article(
    provider: &'static str,
    operation: Operation,
    raw: Value,
) -> Result<Document, Error> {
    let id = id_of(provider, operation, "article", ObjectKind::Document, &raw)?;
    let mut document = Document::new(id, DocumentKind::KnowledgeArticle, Value::Null);
    document.title = json::text(&raw, "title");
    document.body = json::text(&raw, "body").map(Body::from_html);
    document.url = json::text(&raw, "url").filter(|u| !u.is_empty());
    document.locale = json::text(&raw, "default_locale");
    document.publish_state = json::text(&raw, "state").map(|state| {
        let canonical = match state.as_str() {
            "published" => PublishState::Published,
            "draft" => PublishState::Draft,
            other => PublishState::Other(other.to_owned()),
        };
        Mapped::new(canonical, state)
    });
    let parents: Vec<String> = match raw.get("parent_ids").and_then(Value::as_array) {
        Some(ids) => ids
            .iter()
            .filter_map(|id| match id {
                Value::Number(n) => Some(n.to_string()),
                Value::String(s) if !s.is_empty() => Some(s.clone()),
                _ => None,
            })
            .collect(),
        None => json::id_text(&raw, "parent_id").into_iter().collect(),
    };
    document.categories = parents
        .into_iter()
        .map(|id| CanonicalId::from_static(provider, ObjectKind::Category, id))
        .collect();
    document.author = json::id_text(&raw, "author_id")
        .map(|id| CanonicalId::from_static(provider, ObjectKind::Party, id));
    document.created_at = unix(&raw, "created_at");
    document.updated_at = unix(&raw, "updated_at");
    document.raw = raw.into();
    Ok(document)
}

/// The ticket a conversation is linked to (`linked_objects` of type `ticket`), for ratings read
/// in tickets mode.
fn linked_ticket(raw: &Value) -> Option<String> {
    raw.get("linked_objects")
        .and_then(|l| l.get("data"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|o| json::text(o, "type").as_deref() == Some("ticket"))
        .and_then(|o| json::id_text(o, "id"))
        .or_else(|| raw.get("ticket").and_then(|t| json::id_text(t, "id")))
}

/// A conversation's `conversation_rating`, when it has one: rated 1 to 5. The rating is named by
/// its conversation (one rating a conversation); its ticket is the conversation in conversations
/// mode, and the ticket linked to it in tickets mode.
pub(crate) fn rating(
    provider: &'static str,
    conversations: bool,
    raw: Value,
) -> Option<SatisfactionRatingRef> {
    let conversation = json::id_text(&raw, "id")?;
    let rated = raw.get("conversation_rating").filter(|r| r.is_object())?;
    let score = json::int(rated, "rating");
    let ticket = if conversations {
        Some(conversation.clone())
    } else {
        linked_ticket(&raw)
    };
    let data = SatisfactionRating {
        ticket: ticket.map(|t| CanonicalId::from_static(provider, ObjectKind::Ticket, t)),
        score: Score {
            native: score.map(|s| s.to_string()).unwrap_or_default(),
            normalized: score.map(|s| ((s.clamp(1, 5) - 1) as f64) / 4.0),
        },
        comment: present(rated, "remark"),
        requester: rated
            .get("contact")
            .and_then(|c| json::id_text(c, "id"))
            .map(|id| CanonicalId::from_static(provider, ObjectKind::Party, id)),
        assignee: rated
            .get("teammate")
            .and_then(|t| json::id_text(t, "id"))
            .map(|id| CanonicalId::from_static(provider, ObjectKind::Party, id)),
        created_at: unix(rated, "created_at"),
    };
    let id = CanonicalId::from_static(provider, ObjectKind::SatisfactionRating, conversation);
    Some(SatisfactionRatingRef::new(id, data, raw))
}

/// What `check_connection` learned from `GET /me`: the workspace (`app.id_code`, else the host)
/// and the admin the token acts as.
pub(crate) fn connection_info(
    provider: &'static str,
    host: &str,
    raw: Value,
) -> Result<ConnectionInfo, Error> {
    let workspace = raw
        .get("app")
        .and_then(|app| json::text(app, "id_code"))
        .unwrap_or_else(|| host.to_owned());
    let admin = agent(provider, Operation::CheckConnection, raw)?;
    Ok(ConnectionInfo::new(provider, Some(workspace), Some(admin)))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const OP: Operation = Operation::GetTicket;

    #[test]
    fn tickets_map_state_categories_attributes_and_people() {
        let raw = json!({
            "type": "ticket", "id": "494", "ticket_id": "37",
            "category": "Back-office",
            "ticket_attributes": {"_default_title_": "Printer", "_default_description_": "<p>On fire</p>", "Floor": 3},
            "ticket_state": {"type": "ticket_state", "id": "7", "category": "waiting_on_customer", "internal_label": "Waiting on Dana", "external_label": "Waiting"},
            "contacts": {"type": "contact.list", "contacts": [{"type": "contact", "id": "6762f0d51bb69f9f2193bb7f"}]},
            "admin_assignee_id": "991267", "team_assignee_id": 0,
            "open": true, "created_at": 1719492045, "updated_at": 1719492055
        });
        let ticket = ticket("intercom", OP, raw).unwrap();
        assert_eq!(ticket.id.to_string(), "intercom:ticket:494");
        assert_eq!(ticket.number.as_deref(), Some("37"));
        assert_eq!(ticket.subject.as_deref(), Some("Printer"));
        assert_eq!(ticket.description.as_ref().unwrap().text, "On fire");
        assert_eq!(
            ticket.status,
            Mapped::new(TicketStatus::Pending, "Waiting on Dana")
        );
        assert_eq!(
            ticket.category,
            Some(Mapped::new(TicketCategory::Task, "Back-office"))
        );
        assert_eq!(ticket.priority, None);
        assert_eq!(
            ticket.requester.as_ref().unwrap().to_string(),
            "intercom:party:6762f0d51bb69f9f2193bb7f"
        );
        assert_eq!(
            ticket.assignee.as_ref().unwrap().to_string(),
            "intercom:party:991267"
        );
        assert_eq!(ticket.group, None);
        assert_eq!(ticket.custom_field("Floor"), Some(&FieldValue::Integer(3)));
        assert_eq!(ticket.custom_fields.len(), 1);
        assert_eq!(ticket.created_at.unwrap().timestamp(), 1719492045);
        assert!(ticket.raw.value().is_object());
    }

    #[test]
    fn unknown_state_categories_and_stateless_closed_tickets() {
        let odd = json!({"id": "1", "ticket_state": {"category": "escalated", "internal_label": "Escalated"}});
        assert_eq!(
            ticket("intercom", OP, odd).unwrap().status,
            Mapped::new(TicketStatus::Other("Escalated".into()), "Escalated")
        );
        let closed = json!({"id": "2", "open": false});
        assert_eq!(
            ticket("intercom", OP, closed).unwrap().status.canonical,
            TicketStatus::Closed
        );
        let err = ticket("intercom", OP, json!({"ticket_id": "3"})).unwrap_err();
        assert_eq!(err.kind(), &support_core::ErrorKind::Decode);
    }

    #[test]
    fn conversations_map_state_priority_sla_and_source() {
        let raw = json!({
            "type": "conversation", "id": "1911149811", "state": "snoozed", "priority": "priority",
            "title": null,
            "source": {"type": "email", "id": "403918391", "subject": "Refund", "body": "<p>Where is my refund?</p>",
                       "author": {"type": "user", "id": "5ba682d23d7cf92bef87bfd4"}},
            "sla_applied": {"type": "conversation_sla_summary", "sla_name": "Gold", "sla_status": "missed"},
            "tags": {"type": "tag.list", "tags": [{"type": "tag", "id": "1", "name": "vip"}]},
            "conversation_parts": {"type": "conversation_part.list", "total_count": 3, "conversation_parts": [
                {"type": "conversation_part", "id": "11", "part_type": "note", "body": "<p>Checking</p>", "created_at": 1663597260,
                 "author": {"type": "admin", "id": "274"}},
                {"type": "conversation_part", "id": "12", "part_type": "assignment", "body": null,
                 "author": {"type": "bot", "id": "9"}},
                {"type": "conversation_part", "id": "13", "part_type": "comment", "body": "Sent",
                 "author": {"type": "bot", "id": "9"},
                 "attachments": [{"type": "upload", "name": "a.png", "url": "https://files.example/a.png", "content_type": "image/png", "filesize": 10}]}
            ]}
        });
        let ticket = conversation("intercom-conversations", OP, raw.clone()).unwrap();
        assert_eq!(
            ticket.id.to_string(),
            "intercom-conversations:ticket:1911149811"
        );
        assert_eq!(ticket.status, Mapped::new(TicketStatus::OnHold, "snoozed"));
        assert_eq!(
            ticket.priority,
            Some(Mapped::new(Priority::High, "priority"))
        );
        assert_eq!(ticket.subject.as_deref(), Some("Refund"));
        assert_eq!(ticket.channel.as_ref().unwrap().canonical, Channel::Email);
        assert_eq!(ticket.tags, vec!["vip".to_owned()]);
        assert_eq!(ticket.sla.as_ref().unwrap().escalated, Some(true));
        let comments = comments("intercom-conversations", &ticket.id, &raw);
        let ids: Vec<&str> = comments.iter().map(|c| c.external_id()).collect();
        assert_eq!(ids, ["403918391", "11", "13"]);
        assert_eq!(
            comments[0].data.author_kind.as_ref().unwrap().canonical,
            AuthorKind::Customer
        );
        assert_eq!(comments[0].data.body.text, "Where is my refund?");
        assert_eq!(comments[1].data.visibility, Visibility::Internal);
        assert_eq!(
            comments[1].data.author_kind.as_ref().unwrap().canonical,
            AuthorKind::Agent
        );
        assert_eq!(
            comments[2].data.author_kind.as_ref().unwrap().canonical,
            AuthorKind::System
        );
        assert_eq!(comments[2].data.author, None);
        assert_eq!(comments[2].data.attachments[0].size, Some(10));
        assert_eq!(comments[2].parent.as_ref(), Some(&ticket.id));
    }

    /// JSON built from the field names the mappings read, with values of every type.
    fn provider_json() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        const KEYS: &[&str] = &[
            "id",
            "type",
            "ticket_id",
            "category",
            "ticket_attributes",
            TITLE,
            DESCRIPTION,
            "ticket_state",
            "internal_label",
            "contacts",
            "admin_assignee_id",
            "open",
            "state",
            "priority",
            "source",
            "body",
            "author",
            "part_type",
            "attachments",
            "filesize",
            "conversation_parts",
            "ticket_parts",
            "tags",
            "name",
            "sla_applied",
            "sla_status",
            "created_at",
            "conversation_rating",
            "rating",
            "team_ids",
            "parent_ids",
            "linked_objects",
            "data",
            "app",
            "id_code",
            "away_mode_enabled",
        ];
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(|f| json!(f)),
            "[a-z0-9_ ]{0,8}".prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                proptest::collection::vec((proptest::sample::select(KEYS), inner), 0..8).prop_map(
                    |pairs| {
                        Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
                    }
                ),
            ]
        })
    }

    proptest::proptest! {
        #[test]
        fn no_provider_json_panics_a_mapping(raw in provider_json()) {
            let parent = CanonicalId::new("intercom", ObjectKind::Ticket, "1");
            let _ = ticket("intercom", OP, raw.clone());
            let _ = conversation("intercom-conversations", OP, raw.clone());
            let _ = comments("intercom", &parent, &raw);
            let _ = agent("intercom", OP, raw.clone());
            let _ = tag("intercom", OP, raw.clone());
            let _ = article("intercom", OP, raw.clone());
            let _ = rating("intercom", false, raw.clone());
            let _ = connection_info("intercom", "host", raw);
        }
    }

    #[test]
    fn tags_are_named_by_their_id() {
        let tag = tag(
            "intercom",
            Operation::ListTags,
            json!({"type": "tag", "id": "5001", "name": "vip"}),
        )
        .unwrap();
        assert_eq!(tag.id.to_string(), "intercom:tag:5001");
        assert_eq!(tag.data.name, "vip");
        assert!(
            super::tag(
                "intercom",
                Operation::ListTags,
                json!({"id": "1", "name": ""})
            )
            .is_err()
        );
    }

    #[test]
    fn conversation_priorities_of_both_spellings() {
        assert_eq!(conversation_priority("none"), None);
        assert_eq!(
            conversation_priority("medium").unwrap().canonical,
            Priority::Normal
        );
        assert_eq!(
            conversation_priority("not_priority").unwrap().canonical,
            Priority::Normal
        );
        assert_eq!(
            conversation_priority("urgent").unwrap().canonical,
            Priority::Urgent
        );
        let sla = |status: Value| {
            conversation_sla(&json!({"sla_applied": {"sla_status": status}}))
                .unwrap()
                .escalated
        };
        assert_eq!(sla(json!("hit")), Some(false));
        assert_eq!(sla(json!("active")), Some(false));
        assert_eq!(sla(json!("cancelled")), None);
        assert_eq!(sla(Value::Null), None);
        assert_eq!(conversation_sla(&json!({"sla_applied": null})), None);
    }

    #[test]
    fn admins_ratings_and_articles() {
        let admin = agent(
            "intercom",
            Operation::ListAgents,
            json!({"type": "admin", "id": "991267", "name": "Ann", "email": "ann@example.com", "away_mode_enabled": true, "team_ids": [814865]}),
        )
        .unwrap();
        assert_eq!(admin.availability.unwrap().canonical, Availability::Away);
        assert_eq!(admin.groups[0].to_string(), "intercom:group:814865");
        let rated = json!({"id": "88", "conversation_rating": {"rating": 4, "remark": "Quick", "created_at": 1671028894,
            "contact": {"type": "contact", "id": "c1"}, "teammate": {"type": "admin", "id": "991267"}},
            "linked_objects": {"type": "list", "data": [{"type": "ticket", "id": "494"}]}});
        let in_tickets = rating("intercom", false, rated.clone()).unwrap();
        assert_eq!(
            in_tickets.data.ticket.unwrap().to_string(),
            "intercom:ticket:494"
        );
        assert_eq!(in_tickets.data.score.normalized, Some(0.75));
        let in_conversations = rating("intercom-conversations", true, rated).unwrap();
        assert_eq!(
            in_conversations.data.ticket.unwrap().to_string(),
            "intercom-conversations:ticket:88"
        );
        assert!(
            rating(
                "intercom",
                true,
                json!({"id": "9", "conversation_rating": null})
            )
            .is_none()
        );
        let doc = article(
            "intercom",
            Operation::GetKnowledgeArticle,
            json!({"type": "article", "id": "39", "title": "Reset", "body": "<p>Click</p>", "state": "published", "parent_ids": [18], "default_locale": "en"}),
        )
        .unwrap();
        assert_eq!(
            doc.publish_state.unwrap().canonical,
            PublishState::Published
        );
        assert_eq!(doc.categories[0].to_string(), "intercom:category:18");
        assert_eq!(doc.body.unwrap().text, "Click");
    }
}
