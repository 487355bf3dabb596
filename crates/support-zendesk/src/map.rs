//! Zendesk objects to canonical ones and back.
//!
//! Every mapping starts from the provider's JSON as received, decodes the typed view the generated
//! client defines, and keeps the JSON itself as `raw`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::Value;
use support_core::{
    AuthorKind, Body, CanonicalId, Channel, Comment, CommentRef, CustomField, Document,
    DocumentKind, Error, ErrorKind, ExternalObjectRef, FieldValue, Mapped, ObjectKind, Operation,
    Party, PartyRole, Priority, PublishState, RawJson, SatisfactionRating, SatisfactionRatingRef,
    Score, SlaClock, SlaMetric, SlaPolicy, SlaPolicyRef, SlaTarget, Tag, TagRef, Ticket,
    TicketCategory, TicketSla, TicketStatus, Visibility,
};

use serde::Deserialize;
use support_core::kit::json::{self, LooseTime, parse_time};
use support_core::kit::page::PageItem;

use crate::PROVIDER;
use crate::generated::types;

/// Decodes the typed view of an object kept as the provider sent it (see [`decode_value`]); the
/// text is decoded directly, and only an object that does not decode as it stands is read as a value.
pub(crate) fn decode<T: DeserializeOwned>(
    operation: Operation,
    what: &str,
    raw: &RawJson,
) -> Result<T, Error> {
    match raw.decode() {
        Ok(native) => Ok(native),
        Err(_) => decode_value(operation, what, raw.value()),
    }
}

/// The typed view of each item of a page, as the page reader decoded it; an item it refused is
/// read again as [`decode_value`] reads it (leniently for timestamps, else an error naming it).
pub(crate) fn natives<T: DeserializeOwned>(
    operation: Operation,
    what: &str,
    items: Vec<PageItem<T>>,
) -> Result<Vec<(T, RawJson)>, Error> {
    items
        .into_iter()
        .map(|item| match item.decoded {
            Ok(native) => Ok((native, item.raw)),
            Err(_) => Ok((decode_value(operation, what, item.raw.value())?, item.raw)),
        })
        .collect()
}

/// The fields mapping reads of each ticket of a page, as the page reader decoded them; a ticket
/// whose fields do not have their documented types is an error naming it.
pub(crate) fn ticket_views(
    operation: Operation,
    items: Vec<PageItem<TicketView>>,
) -> Result<Vec<(TicketView, RawJson)>, Error> {
    items
        .into_iter()
        .map(|item| item.into_native(PROVIDER, operation, "ticket"))
        .collect()
}

/// An object's typed view (see [`decode`]) together with its JSON, as mapping takes them.
pub(crate) fn decoded<T: DeserializeOwned>(
    operation: Operation,
    what: &str,
    raw: impl Into<RawJson>,
) -> Result<(T, RawJson), Error> {
    let raw = raw.into();
    Ok((decode(operation, what, &raw)?, raw))
}

/// Decodes the typed view of a JSON object.
///
/// Timestamps are read leniently: a top-level `*_at` text that is not an RFC 3339 time is read as
/// absent (the text stays in `raw`), so one item Zendesk wrote loosely does not fail its page.
/// Any other mismatch is a decode error naming the object and its id.
pub(crate) fn decode_value<T: DeserializeOwned>(
    operation: Operation,
    what: &str,
    raw: &Value,
) -> Result<T, Error> {
    let loose = loose_times(raw);
    let view = match &loose {
        Some(fixed) => fixed,
        None => raw,
    };
    json::decode(PROVIDER, operation, what, view)
}

/// A timestamp the generated client keeps as JSON: an RFC 3339 text, else absent.
fn time(value: Option<&Value>) -> Option<chrono::DateTime<chrono::Utc>> {
    parse_time(value.and_then(Value::as_str))
}

/// A copy of `raw` with its unreadable top-level timestamps set to `null`, when it has any.
fn loose_times(raw: &Value) -> Option<Value> {
    let object = raw.as_object()?;
    let unreadable = |key: &String, value: &Value| {
        key.ends_with("_at")
            && value
                .as_str()
                .is_some_and(|text| text.parse::<chrono::DateTime<chrono::Utc>>().is_err())
    };
    if !object.iter().any(|(k, v)| unreadable(k, v)) {
        return None;
    }
    let mut fixed = object.clone();
    for (key, value) in fixed.iter_mut() {
        if unreadable(key, value) {
            *value = Value::Null;
        }
    }
    Some(Value::Object(fixed))
}

pub(crate) fn id(kind: ObjectKind, native: i64) -> CanonicalId {
    CanonicalId::numeric(PROVIDER, kind, native)
}

fn opt_id(kind: ObjectKind, native: Option<i64>) -> Option<CanonicalId> {
    native.map(|n| id(kind, n))
}

fn missing_id(operation: Operation, what: &str, raw: &RawJson) -> Error {
    Error::new(ErrorKind::Decode, PROVIDER)
        .with_operation(operation)
        .with_message(format!("a Zendesk {what} had no id"))
        .with_body_excerpt(raw.to_string().as_bytes())
}

/// A custom ticket status: its agent-facing label and the built-in category it belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CustomStatus {
    pub(crate) label: String,
    pub(crate) category: String,
}

/// Zendesk's built-in statuses (which are also the categories of custom statuses).
pub(crate) fn status_from_native(native: &str) -> TicketStatus {
    match native {
        "new" => TicketStatus::New,
        "open" => TicketStatus::Open,
        "pending" => TicketStatus::Pending,
        "hold" => TicketStatus::OnHold,
        "solved" => TicketStatus::Resolved,
        "closed" => TicketStatus::Closed,
        other => TicketStatus::Other(other.to_owned()),
    }
}

/// The native status to write for a canonical one.
pub(crate) fn status_to_native(status: &TicketStatus) -> Result<String, Error> {
    Ok(match status {
        TicketStatus::New => "new".into(),
        TicketStatus::Open => "open".into(),
        TicketStatus::Pending => "pending".into(),
        TicketStatus::OnHold => "hold".into(),
        TicketStatus::Resolved => "solved".into(),
        TicketStatus::Closed => "closed".into(),
        TicketStatus::InProgress => {
            return Err(Error::invalid_input(
                PROVIDER,
                "Zendesk has no in-progress status: use Open, or set a custom status through the native client",
            ));
        }
        TicketStatus::Other(raw) => raw.clone(),
    })
}

pub(crate) fn priority_from_native(native: &str) -> Priority {
    match native {
        "low" => Priority::Low,
        "normal" => Priority::Normal,
        "high" => Priority::High,
        "urgent" => Priority::Urgent,
        other => Priority::Other(other.to_owned()),
    }
}

pub(crate) fn priority_to_native(priority: &Priority) -> String {
    match priority {
        Priority::Other(raw) => raw.clone(),
        known => known.as_str().to_owned(),
    }
}

pub(crate) fn channel_from_native(native: &str) -> Channel {
    match native {
        "email" | "mail" => Channel::Email,
        "web" | "web_form" | "web_widget" | "help_center" | "mobile" | "mobile_sdk" => Channel::Web,
        "chat" | "chat_transcript" | "native_messaging" | "messaging" => Channel::Chat,
        "voice" | "phone" | "sms" => Channel::Phone,
        "twitter" | "facebook" | "instagram_dm" | "whatsapp" | "line" | "wechat"
        | "any_channel" => Channel::Social,
        "api" => Channel::Api,
        other => Channel::Other(other.to_owned()),
    }
}

/// The fields of a ticket that mapping reads, each of the type the API description gives it
/// (`TicketObject` in the generated client), decoded straight from the ticket's text: the fields
/// mapping does not read are skipped, not decoded, and stay in `raw`. Timestamps are read
/// leniently ([`LooseTime`]).
#[derive(Debug, Deserialize)]
pub(crate) struct TicketView {
    id: Option<i64>,
    status: Option<String>,
    pub(crate) custom_status_id: Option<i64>,
    subject: Option<String>,
    /// Read from `raw` only when there is no `subject`.
    raw_subject: Option<serde::de::IgnoredAny>,
    description: Option<String>,
    priority: Option<String>,
    via: Option<ViaView>,
    requester_id: Option<i64>,
    assignee_id: Option<i64>,
    group_id: Option<i64>,
    organization_id: Option<i64>,
    tags: Option<TagsView>,
    pub(crate) custom_fields: Option<Vec<types::TicketFieldValueInput>>,
    external_id: Option<String>,
    #[serde(default)]
    created_at: LooseTime,
    #[serde(default)]
    updated_at: LooseTime,
    url: Option<String>,
    /// The ticket type: `question`, `incident`, `problem`, `task` or null.
    #[serde(rename = "type")]
    kind: Option<String>,
    /// The `slas` sideload (`include=slas`): the policy metrics running on the ticket.
    slas: Option<SlasView>,
}

/// A ticket's `slas` sideload: `{"policy_metrics": [{"breach_at", "stage", "metric", ...}]}`.
#[derive(Debug, Deserialize)]
struct SlasView {
    policy_metrics: Option<Vec<PolicyMetricView>>,
}

/// One SLA target running on a ticket.
#[derive(Debug, Deserialize)]
struct PolicyMetricView {
    metric: Option<String>,
    stage: Option<String>,
    #[serde(default)]
    breach_at: LooseTime,
}

/// Zendesk's ticket types; anything else is kept as `Other(raw)`.
pub(crate) fn category_from_native(native: &str) -> TicketCategory {
    match native {
        "question" => TicketCategory::Question,
        "incident" => TicketCategory::Incident,
        "problem" => TicketCategory::Problem,
        "task" => TicketCategory::Task,
        other => TicketCategory::Other(other.to_owned()),
    }
}

/// The ticket type to search for (`ticket_type:` takes Zendesk's four types only).
pub(crate) fn category_to_native(category: &TicketCategory) -> Option<&'static str> {
    match category {
        TicketCategory::Question => Some("question"),
        TicketCategory::Incident => Some("incident"),
        TicketCategory::Problem => Some("problem"),
        TicketCategory::Task => Some("task"),
        _ => None,
    }
}

/// A ticket's SLA clocks from its `slas` sideload: `first_reply_time` is the first response,
/// `next_reply_time` the next one; `breach_at` is when each falls due. A metric's `stage` says
/// whether it was met (`achieved`) or is still running (`active`, `paused`); Zendesk reports no
/// breach flag here, so `breached` stays unknown, and neither the policy nor escalation is named.
fn ticket_sla(slas: SlasView) -> Option<TicketSla> {
    let mut sla = TicketSla::default();
    for metric in slas.policy_metrics.into_iter().flatten() {
        let achieved = match metric.stage.as_deref() {
            Some("achieved") => Some(true),
            Some("active" | "paused") => Some(false),
            _ => None,
        };
        let clock = SlaClock::due(metric.breach_at.0).with_achieved(achieved);
        match metric.metric.as_deref() {
            Some("first_reply_time") => sla.first_response = Some(clock),
            Some("next_reply_time") => sla.next_response = Some(clock),
            _ => {}
        }
    }
    (!sla.is_empty()).then_some(sla)
}

/// How a ticket came in: `via.channel`, a name or (in older tickets) a number.
#[derive(Debug, Deserialize)]
struct ViaView {
    channel: Option<ChannelView>,
}

#[derive(Debug)]
struct ChannelView(String);

impl<'de> Deserialize<'de> for ChannelView {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Channel;
        impl serde::de::Visitor<'_> for Channel {
            type Value = ChannelView;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a channel name or number")
            }
            fn visit_str<E>(self, name: &str) -> Result<ChannelView, E> {
                Ok(ChannelView(name.to_owned()))
            }
            fn visit_i64<E>(self, code: i64) -> Result<ChannelView, E> {
                Ok(ChannelView(code.to_string()))
            }
            fn visit_u64<E>(self, code: u64) -> Result<ChannelView, E> {
                Ok(ChannelView(code.to_string()))
            }
        }
        deserializer.deserialize_any(Channel)
    }
}

/// A ticket's tags: a list, or (as some answers write them) one space-separated string.
#[derive(Debug)]
struct TagsView(Vec<String>);

impl<'de> Deserialize<'de> for TagsView {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Tags;
        impl<'de> serde::de::Visitor<'de> for Tags {
            type Value = TagsView;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list of tags or a space-separated string of them")
            }
            fn visit_str<E>(self, text: &str) -> Result<TagsView, E> {
                Ok(TagsView(
                    text.split_whitespace().map(str::to_owned).collect(),
                ))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<TagsView, A::Error> {
                let mut tags = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
                while let Some(tag) = seq.next_element::<String>()? {
                    tags.push(tag);
                }
                Ok(TagsView(tags))
            }
        }
        deserializer.deserialize_any(Tags)
    }
}

fn field_value(value: Option<Value>) -> FieldValue {
    value.map_or(FieldValue::Null, FieldValue::from_json_owned)
}

/// What the account defines that tickets refer to by id: custom statuses and custom fields.
#[derive(Clone, Debug, Default)]
pub(crate) struct AccountLookups {
    pub(crate) statuses: Arc<HashMap<i64, CustomStatus>>,
    /// Ticket field titles by id.
    pub(crate) fields: Arc<HashMap<i64, String>>,
}

/// A ticket. A custom status maps through its category; its label is kept as the native value.
/// Custom fields are named by their title when the account's fields could be read.
#[cfg(test)]
pub(crate) fn ticket(
    operation: Operation,
    raw: impl Into<RawJson>,
    lookups: &AccountLookups,
) -> Result<Ticket, Error> {
    let raw = raw.into();
    let view = ticket_view(operation, &raw)?;
    ticket_from_view(operation, view, raw, lookups)
}

/// The fields of a ticket that mapping reads.
pub(crate) fn ticket_view(operation: Operation, raw: &RawJson) -> Result<TicketView, Error> {
    json::decode_raw(PROVIDER, operation, "ticket", raw)
}

/// A ticket from the fields mapping reads (decoded from `raw`, which it keeps).
pub(crate) fn ticket_from_view(
    operation: Operation,
    view: TicketView,
    raw: RawJson,
    lookups: &AccountLookups,
) -> Result<Ticket, Error> {
    let TicketView {
        id: ticket_id,
        status: status_text,
        custom_status_id,
        subject,
        raw_subject,
        description,
        priority,
        via,
        requester_id,
        assignee_id,
        group_id,
        organization_id,
        tags,
        custom_fields,
        external_id,
        created_at,
        updated_at,
        url,
        kind,
        slas,
    } = view;
    let ticket_id = ticket_id.ok_or_else(|| missing_id(operation, "ticket", &raw))?;
    let status_text = status_text.unwrap_or_default();
    let status = match custom_status_id.and_then(|id| lookups.statuses.get(&id)) {
        Some(custom) => Mapped::new(status_from_native(&custom.category), custom.label.clone()),
        None => Mapped::new(status_from_native(&status_text), status_text),
    };
    let subject = subject.or_else(|| {
        raw_subject?;
        raw.get("raw_subject")?.as_str().map(str::to_owned)
    });
    let mut ticket = Ticket::new(id(ObjectKind::Ticket, ticket_id), status, raw);
    ticket.subject = subject;
    ticket.description = description.map(Body::text);
    ticket.priority = priority.map(|p| Mapped::new(priority_from_native(&p), p));
    ticket.channel = via
        .and_then(|via| via.channel)
        .map(|ChannelView(c)| Mapped::new(channel_from_native(&c), c));
    ticket.requester = opt_id(ObjectKind::Party, requester_id);
    ticket.assignee = opt_id(ObjectKind::Party, assignee_id);
    ticket.group = opt_id(ObjectKind::Group, group_id);
    ticket.organization = opt_id(ObjectKind::Party, organization_id);
    ticket.tags = tags.map(|TagsView(tags)| tags).unwrap_or_default();
    ticket.custom_fields = custom_fields
        .into_iter()
        .flatten()
        .filter_map(|field| {
            let field_id = field.id?;
            Some(CustomField {
                name: lookups
                    .fields
                    .get(&field_id)
                    .cloned()
                    .unwrap_or_else(|| field_id.to_string()),
                field_id: Some(field_id.to_string()),
                value: field_value(field.value),
            })
        })
        .collect();
    ticket.external_ref = external_id;
    ticket.created_at = created_at.0;
    ticket.updated_at = updated_at.0;
    ticket.url = url;
    ticket.category = kind
        .filter(|k| !k.is_empty())
        .map(|k| Mapped::new(category_from_native(&k), k));
    ticket.sla = slas.and_then(ticket_sla);
    Ok(ticket)
}

/// A user: agents and admins are employees, end users customers.
pub(crate) fn user(
    operation: Operation,
    (native, raw): (types::UserObject, RawJson),
    groups: &HashMap<i64, Vec<i64>>,
) -> Result<Party, Error> {
    let user_id = native
        .id
        .ok_or_else(|| missing_id(operation, "user", &raw))?;
    let role = match native.role.as_deref() {
        Some("admin" | "agent") => PartyRole::Employee,
        _ => PartyRole::Customer,
    };
    let mut party = Party::new(id(ObjectKind::Party, user_id), role, RawJson::default());
    party.name = native.name.clone();
    party.email = native.email.clone();
    party.phone = native.phone.clone();
    party.organization = opt_id(ObjectKind::Party, native.organization_id);
    party.agent_role = (role == PartyRole::Employee)
        .then(|| native.role.clone())
        .flatten();
    party.groups = groups
        .get(&user_id)
        .into_iter()
        .flatten()
        .map(|g| id(ObjectKind::Group, *g))
        .collect();
    party.active = Some(native.active.unwrap_or(true) && !native.suspended.unwrap_or(false));
    party.created_at = time(native.created_at.as_ref());
    party.raw = raw;
    Ok(party)
}

fn attachment(native: &types::AttachmentObject, raw: Value) -> Option<Document> {
    let mut doc = Document::new(
        id(ObjectKind::Document, native.id?),
        DocumentKind::Attachment,
        raw,
    );
    doc.title = native.file_name.clone();
    doc.content_type = native.content_type.clone();
    doc.size = native.size.and_then(|s| u64::try_from(s).ok());
    doc.url = native.content_url.clone();
    Some(doc)
}

/// The roles of the users a page sideloads (`include=users`), by user id; a user without an id or
/// a role is left out.
pub(crate) fn sideloaded_roles(envelope: &Value) -> HashMap<i64, String> {
    envelope
        .get("users")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|user| {
            let id = user.get("id")?.as_i64()?;
            let role = user.get("role")?.as_str()?;
            Some((id, role.to_owned()))
        })
        .collect()
}

/// Who wrote a comment: made by a business rule (`via.channel` `rule`: a trigger or automation)
/// it is the system's; otherwise its author's role says, `end-user` a customer, `agent` and
/// `admin` an agent. Without the author's role (not sideloaded), unknown.
fn author_kind(
    native: &types::TicketCommentObject,
    roles: &HashMap<i64, String>,
) -> Option<Mapped<AuthorKind>> {
    if let Some(channel) = native.via.as_ref().and_then(|v| v.channel.as_deref())
        && channel == "rule"
    {
        return Some(Mapped::new(AuthorKind::System, "rule"));
    }
    let role = roles.get(&native.author_id?)?;
    let kind = match role.as_str() {
        "end-user" => AuthorKind::Customer,
        "agent" | "admin" => AuthorKind::Agent,
        other => AuthorKind::Other(other.to_owned()),
    };
    Some(Mapped::new(kind, role.clone()))
}

/// A ticket comment; `roles` are the sideloaded roles of its authors.
pub(crate) fn comment(
    operation: Operation,
    ticket: &CanonicalId,
    (native, raw): (types::TicketCommentObject, RawJson),
    roles: &HashMap<i64, String>,
) -> Result<CommentRef, Error> {
    let comment_id = native
        .id
        .ok_or_else(|| missing_id(operation, "comment", &raw))?;
    let attachments = match native.attachments.as_deref() {
        Some(natives) if !natives.is_empty() => {
            let raws = raw.get("attachments").and_then(Value::as_array);
            natives
                .iter()
                .enumerate()
                .filter_map(|(at, a)| {
                    let raw = raws.and_then(|r| r.get(at)).cloned().unwrap_or_default();
                    attachment(a, raw)
                })
                .collect()
        }
        _ => Vec::new(),
    };
    let text = native
        .plain_body
        .clone()
        .or_else(|| native.body.clone())
        .unwrap_or_default();
    let data = Comment {
        author: opt_id(ObjectKind::Party, native.author_id),
        author_kind: author_kind(&native, roles),
        body: Body {
            text,
            html: native.html_body.clone(),
        },
        visibility: if native.public.unwrap_or(true) {
            Visibility::Public
        } else {
            Visibility::Internal
        },
        created_at: time(native.created_at.as_ref()),
        attachments,
    };
    let mut comment = ExternalObjectRef::new(id(ObjectKind::Comment, comment_id), data, raw);
    comment.parent = Some(ticket.clone());
    Ok(comment)
}

/// The comment an update added, from the update's answer: it comes back as an event of the audit.
pub(crate) fn added_comment(
    operation: Operation,
    ticket: &CanonicalId,
    answer: &Value,
) -> Result<CommentRef, Error> {
    let audit = answer.get("audit").cloned().unwrap_or(Value::Null);
    let event = audit
        .get("events")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|e| e.get("type").and_then(Value::as_str) == Some("Comment"))
        .cloned()
        .ok_or_else(|| {
            Error::new(ErrorKind::Decode, PROVIDER)
                .with_operation(operation)
                .with_message("the ticket was updated but its audit holds no comment event; list the comments to find it")
        })?;
    let mut added = comment(
        operation,
        ticket,
        decoded(operation, "comment", event)?,
        &HashMap::new(),
    )?;
    if added.data.created_at.is_none() {
        let audit: types::AuditObject = decode_value(operation, "audit", &audit)?;
        added.data.created_at = time(audit.created_at.as_ref());
    }
    Ok(added)
}

/// A tag of the account's tag list; the tag's name is its id.
pub(crate) fn tag(
    operation: Operation,
    (native, raw): (types::TagListTagObject, RawJson),
) -> Result<TagRef, Error> {
    let name = native
        .name
        .clone()
        .ok_or_else(|| missing_id(operation, "tag", &raw))?;
    let count = native.count.and_then(|c| u64::try_from(c).ok());
    Ok(ExternalObjectRef::new(
        CanonicalId::from_static(PROVIDER, ObjectKind::Tag, name.clone()),
        Tag { name, count },
        raw,
    ))
}

/// A Help Center article from its typed view (decoded from `raw`, which it keeps). `sections`
/// maps section ids to their category ids.
pub(crate) fn article_from_native(
    operation: Operation,
    native: types::ArticleObject,
    raw: RawJson,
    sections: &HashMap<i64, i64>,
) -> Result<Document, Error> {
    let article_id = native
        .id
        .ok_or_else(|| missing_id(operation, "article", &raw))?;
    let mut doc = Document::new(
        id(ObjectKind::Document, article_id),
        DocumentKind::KnowledgeArticle,
        RawJson::default(),
    );
    doc.title = native.title.clone();
    doc.body = native
        .body
        .as_ref()
        .map(|html| Body::text(support_core::model::html_to_text(html)).with_html(html.clone()));
    doc.url = native.html_url.clone().or(native.url.clone());
    doc.locale = native.locale.clone();
    let state = if native.draft.unwrap_or(false) {
        PublishState::Draft
    } else {
        PublishState::Published
    };
    let native_state = if native.draft.unwrap_or(false) {
        "draft"
    } else {
        "published"
    };
    doc.publish_state = Some(Mapped::new(state, native_state));
    if let Some(section) = native.section_id {
        if let Some(category) = sections.get(&section) {
            doc.categories.push(id(ObjectKind::Category, *category));
        }
        doc.categories.push(id(ObjectKind::Category, section));
    }
    doc.author = opt_id(ObjectKind::Party, native.author_id);
    doc.created_at = parse_time(native.created_at.as_deref());
    doc.updated_at = parse_time(native.updated_at.as_deref());
    doc.raw = raw;
    Ok(doc)
}

fn metric_from_native(native: &str) -> SlaMetric {
    match native {
        "first_reply_time" => SlaMetric::FirstResponse,
        "next_reply_time" => SlaMetric::NextResponse,
        "periodic_update_time" => SlaMetric::PeriodicUpdate,
        "requester_wait_time" => SlaMetric::RequesterWaitTime,
        "agent_work_time" => SlaMetric::AgentWorkTime,
        other => SlaMetric::Other(other.to_owned()),
    }
}

/// An SLA policy; targets are in minutes.
pub(crate) fn sla_policy(
    operation: Operation,
    raw: impl Into<RawJson>,
) -> Result<SlaPolicyRef, Error> {
    let raw = raw.into();
    let native: types::SlaPolicyObject = decode(operation, "SLA policy", &raw)?;
    let policy_id = native
        .id
        .ok_or_else(|| missing_id(operation, "SLA policy", &raw))?;
    let targets = native
        .policy_metrics
        .iter()
        .flatten()
        .filter_map(|metric| {
            let name = metric.metric.clone()?;
            let minutes = u64::try_from(metric.target?).ok()?;
            Some(SlaTarget {
                metric: Mapped::new(metric_from_native(&name), name),
                priority: metric
                    .priority
                    .as_deref()
                    .map(|p| Mapped::new(priority_from_native(p), p.to_owned())),
                target: Duration::from_secs(minutes.saturating_mul(60)),
                business_hours: metric.business_hours.unwrap_or(false),
            })
        })
        .collect();
    let data = SlaPolicy {
        name: native.title.clone().unwrap_or_default(),
        description: native.description.clone(),
        targets,
    };
    let mut policy = ExternalObjectRef::new(id(ObjectKind::SlaPolicy, policy_id), data, raw);
    policy.url = native.url.clone();
    Ok(policy)
}

/// A satisfaction rating: `good` is 1.0, `bad` 0.0, an offered or unoffered survey has no score.
pub(crate) fn rating(
    operation: Operation,
    (native, raw): (types::SatisfactionRatingObject, RawJson),
) -> Result<SatisfactionRatingRef, Error> {
    let rating_id = native
        .id
        .ok_or_else(|| missing_id(operation, "satisfaction rating", &raw))?;
    let score_text = native.score.clone().unwrap_or_default();
    let normalized = match score_text.as_str() {
        "good" => Some(1.0),
        "bad" => Some(0.0),
        _ => None,
    };
    let ticket = opt_id(ObjectKind::Ticket, native.ticket_id);
    let data = SatisfactionRating {
        ticket: ticket.clone(),
        score: Score {
            native: score_text,
            normalized,
        },
        comment: native.comment.clone().filter(|c| !c.is_empty()),
        requester: opt_id(ObjectKind::Party, native.requester_id),
        assignee: opt_id(ObjectKind::Party, native.assignee_id),
        created_at: time(native.created_at.as_ref()),
    };
    let mut rating =
        ExternalObjectRef::new(id(ObjectKind::SatisfactionRating, rating_id), data, raw);
    rating.parent = ticket;
    rating.url = native.url.clone();
    Ok(rating)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_custom_status_maps_through_its_category_and_keeps_its_label() {
        let custom = HashMap::from([(
            77,
            CustomStatus {
                label: "Waiting on vendor".into(),
                category: "hold".into(),
            },
        )]);
        let raw = json!({"id": 5, "status": "hold", "custom_status_id": 77});
        let lookups = AccountLookups {
            statuses: Arc::new(custom),
            ..AccountLookups::default()
        };
        let t = ticket(Operation::GetTicket, raw.clone(), &lookups).unwrap();
        assert_eq!(
            t.status,
            Mapped::new(TicketStatus::OnHold, "Waiting on vendor")
        );
        assert_eq!(t.raw, raw);
        let unknown = ticket(
            Operation::GetTicket,
            json!({"id": 5, "status": "hold", "custom_status_id": 78}),
            &lookups,
        )
        .unwrap();
        assert_eq!(unknown.status, Mapped::new(TicketStatus::OnHold, "hold"));
    }

    #[test]
    fn the_raw_subject_stands_in_for_a_missing_subject() {
        let lookups = AccountLookups::default();
        let op = Operation::GetTicket;
        let only_raw = ticket(
            op,
            json!({"id": 1, "raw_subject": "Printer {{x}}"}),
            &lookups,
        );
        assert_eq!(only_raw.unwrap().subject.as_deref(), Some("Printer {{x}}"));
        let both = ticket(
            op,
            json!({"id": 1, "subject": "Printer", "raw_subject": "r"}),
            &lookups,
        );
        assert_eq!(both.unwrap().subject.as_deref(), Some("Printer"));
        let neither = ticket(op, json!({"id": 1, "raw_subject": 5}), &lookups);
        assert_eq!(neither.unwrap().subject, None);
    }

    #[test]
    fn unknown_values_are_kept_as_other() {
        let t = ticket(
            Operation::GetTicket,
            json!({"id": 1, "status": "brand_new", "priority": "p0", "via": {"channel": "carrier_pigeon"}}),
            &AccountLookups::default(),
        )
        .unwrap();
        assert_eq!(t.status.canonical, TicketStatus::Other("brand_new".into()));
        assert_eq!(t.priority.unwrap().canonical, Priority::Other("p0".into()));
        assert_eq!(
            t.channel.unwrap().canonical,
            Channel::Other("carrier_pigeon".into())
        );
    }

    #[test]
    fn a_ticket_without_id_or_of_the_wrong_shape_is_a_decode_error() {
        for raw in [
            json!({"status": "open"}),
            json!({"id": "not a number"}),
            json!(42),
        ] {
            let err = ticket(Operation::ListTickets, raw, &AccountLookups::default()).unwrap_err();
            assert_eq!(err.kind(), &ErrorKind::Decode);
        }
    }

    #[test]
    fn sla_stages_say_achieved_and_never_breached() {
        let t = ticket(
            Operation::GetTicket,
            json!({"id": 1, "type": "task", "slas": {"policy_metrics": [
                {"breach_at": "2026-01-05T09:00:00Z", "stage": "paused", "metric": "first_reply_time"},
                {"breach_at": "not a time", "stage": "something_new", "metric": "next_reply_time"},
                {"breach_at": "2026-01-05T09:00:00Z", "stage": "active", "metric": "requester_wait_time"}
            ]}}),
            &AccountLookups::default(),
        )
        .unwrap();
        assert_eq!(t.category, Some(Mapped::new(TicketCategory::Task, "task")));
        let sla = t.sla.unwrap();
        let first = sla.first_response.unwrap();
        assert_eq!((first.achieved, first.breached), (Some(false), None));
        assert!(first.due_at.is_some());
        // An unknown stage says nothing; an unreadable time is no due time.
        assert_eq!(sla.next_response, Some(SlaClock::default()));
        assert_eq!(sla.resolution, None);
        // Only waiting metrics the port has no clock for: no SLA state.
        let other = ticket(
            Operation::GetTicket,
            json!({"id": 2, "slas": {"policy_metrics": [{"stage": "active", "metric": "agent_work_time"}]}}),
            &AccountLookups::default(),
        )
        .unwrap();
        assert_eq!(other.sla, None);
        // A sideload of another shape is an error naming the ticket, not silently dropped.
        let err = ticket(
            Operation::GetTicket,
            json!({"id": 3, "slas": {"policy_metrics": "soon"}}),
            &AccountLookups::default(),
        )
        .unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::Decode);
    }

    #[test]
    fn ratings_normalise_good_and_bad_only() {
        let good = rating(
            Operation::ListSatisfactionRatings,
            decoded(
                Operation::ListSatisfactionRatings,
                "satisfaction rating",
                json!({"id": 1, "score": "good", "ticket_id": 9}),
            )
            .unwrap(),
        )
        .unwrap();
        assert_eq!(good.data.score.normalized, Some(1.0));
        assert_eq!(good.parent, Some(id(ObjectKind::Ticket, 9)));
        let offered = rating(
            Operation::ListSatisfactionRatings,
            decoded(
                Operation::ListSatisfactionRatings,
                "satisfaction rating",
                json!({"id": 2, "score": "offered"}),
            )
            .unwrap(),
        )
        .unwrap();
        assert_eq!(offered.data.score.normalized, None);
    }
}
