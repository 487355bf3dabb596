//! Freshdesk objects to canonical ones and back.
//!
//! Mapping reads the provider's JSON as received (the community description Freshdesk's client is
//! generated from is a draft, so reading the documented fields directly is the sturdier path) and
//! keeps that JSON as `raw`.

use std::collections::HashMap;
use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;
use support_core::AuthorKind;
use support_core::kit::json::{self, FieldValueView, LooseTime, int, text, time};
use support_core::{
    Availability, Body, CanonicalId, Channel, Comment, CommentRef, CustomField, Document,
    DocumentKind, Error, ErrorKind, ExternalObjectRef, Mapped, ObjectKind, Operation, Party,
    PartyRole, Priority, PublishState, RawJson, SatisfactionRating, SatisfactionRatingRef, Score,
    SlaClock, SlaMetric, SlaPolicy, SlaPolicyRef, SlaTarget, Ticket, TicketCategory, TicketSla,
    TicketStatus, Visibility,
};

use crate::PROVIDER;

pub(crate) fn id(kind: ObjectKind, native: i64) -> CanonicalId {
    CanonicalId::numeric(PROVIDER, kind, native)
}

fn ref_id(raw: &Value, field: &str, kind: ObjectKind) -> Option<CanonicalId> {
    int(raw, field).map(|n| id(kind, n))
}

fn require_id(operation: Operation, what: &str, raw: &Value) -> Result<i64, Error> {
    int(raw, "id").ok_or_else(|| no_id(operation, what, &raw.to_string()))
}

fn no_id(operation: Operation, what: &str, raw: &str) -> Error {
    Error::new(ErrorKind::Decode, PROVIDER)
        .with_operation(operation)
        .with_message(format!("a Freshdesk {what} had no numeric id"))
        .with_body_excerpt(raw.as_bytes())
}

/// The labels agents see for ticket status codes, from the account's status ticket field.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct StatusLabels(pub(crate) HashMap<i64, String>);

impl StatusLabels {
    /// Reads the `choices` of the `default_status` ticket field: `{"2": ["Open", "Being Processed"], …}`.
    pub(crate) fn from_ticket_fields(fields: &[Value]) -> Self {
        let choices = fields
            .iter()
            .find(|f| {
                f.get("type").and_then(Value::as_str) == Some("default_status")
                    || f.get("name").and_then(Value::as_str) == Some("status")
            })
            .and_then(|f| f.get("choices"))
            .and_then(Value::as_object);
        let labels = choices
            .into_iter()
            .flatten()
            .filter_map(|(code, labels)| {
                let label = match labels {
                    Value::Array(names) => names.first()?.as_str()?.to_owned(),
                    Value::String(name) => name.clone(),
                    _ => return None,
                };
                Some((code.parse().ok()?, label))
            })
            .collect();
        Self(labels)
    }

    fn code_of(&self, label: &str) -> Option<i64> {
        self.0
            .iter()
            .find(|(_, l)| l.eq_ignore_ascii_case(label))
            .map(|(code, _)| *code)
    }
}

/// Whether a status code is one of Freshdesk's built-in ones.
pub(crate) fn is_builtin_status(code: i64) -> bool {
    (2..=5).contains(&code)
}

/// Built-in codes map to canonical statuses (native: the code); a custom status is `Other` with the
/// account's label as its native value when the label is known, its code otherwise.
pub(crate) fn status_from_native(code: i64, labels: &StatusLabels) -> Mapped<TicketStatus> {
    match code {
        2 => Mapped::new(TicketStatus::Open, "2"),
        3 => Mapped::new(TicketStatus::Pending, "3"),
        4 => Mapped::new(TicketStatus::Resolved, "4"),
        5 => Mapped::new(TicketStatus::Closed, "5"),
        custom => {
            let native = labels
                .0
                .get(&custom)
                .cloned()
                .unwrap_or_else(|| custom.to_string());
            Mapped::new(TicketStatus::Other(native.clone()), native)
        }
    }
}

/// Labels a custom status that was mapped without the account's labels (its native value is then
/// its code): built-in statuses and labelled ones are left as they are.
pub(crate) fn label_custom_status(ticket: &mut Ticket, labels: &StatusLabels) {
    if let TicketStatus::Other(native) = &ticket.status.canonical
        && let Ok(code) = native.parse::<i64>()
        && !is_builtin_status(code)
    {
        ticket.status = status_from_native(code, labels);
    }
}

/// The status code to write: `New` is an open ticket; a custom status is named by its code or label.
pub(crate) fn status_to_native(status: &TicketStatus, labels: &StatusLabels) -> Result<i64, Error> {
    match status {
        TicketStatus::New | TicketStatus::Open => Ok(2),
        TicketStatus::Pending => Ok(3),
        TicketStatus::Resolved => Ok(4),
        TicketStatus::Closed => Ok(5),
        TicketStatus::Other(native) => native
            .parse()
            .ok()
            .or_else(|| labels.code_of(native))
            .ok_or_else(|| {
                Error::invalid_input(
                    PROVIDER,
                    format!("`{native}` is neither a status code nor the label of one of this account's statuses"),
                )
            }),
        other => Err(Error::invalid_input(
            PROVIDER,
            format!(
                "Freshdesk has no built-in {other} status: use the label of a custom status as TicketStatus::Other"
            ),
        )),
    }
}

pub(crate) fn priority_from_native(code: i64) -> Mapped<Priority> {
    let canonical = match code {
        1 => Priority::Low,
        2 => Priority::Normal,
        3 => Priority::High,
        4 => Priority::Urgent,
        other => Priority::Other(other.to_string()),
    };
    Mapped::new(canonical, json::code_text(code))
}

pub(crate) fn priority_to_native(priority: &Priority) -> Result<i64, Error> {
    match priority {
        Priority::Low => Ok(1),
        Priority::Normal => Ok(2),
        Priority::High => Ok(3),
        Priority::Urgent => Ok(4),
        Priority::Other(raw) => raw.parse().map_err(|_| {
            Error::invalid_input(
                PROVIDER,
                format!("`{raw}` is not a Freshdesk priority code"),
            )
        }),
    }
}

fn channel_from_native(code: i64) -> Mapped<Channel> {
    let canonical = match code {
        1 | 10 => Channel::Email,
        2 | 4 | 9 => Channel::Web,
        3 => Channel::Phone,
        5 | 6 => Channel::Social,
        7 | 8 => Channel::Chat,
        other => Channel::Other(other.to_string()),
    };
    Mapped::new(canonical, json::code_text(code))
}

/// The fields of a ticket that mapping reads, each of the type the API description gives it
/// (`Ticket` in the generated client), decoded straight from the ticket's text: the fields mapping
/// does not read are skipped, not decoded, and stay in `raw`. Timestamps are read leniently
/// ([`LooseTime`]).
#[derive(Debug, Deserialize)]
pub(crate) struct TicketView {
    id: Option<i64>,
    pub(crate) status: Option<i64>,
    subject: Option<String>,
    description_text: Option<String>,
    description: Option<String>,
    priority: Option<i64>,
    source: Option<i64>,
    requester_id: Option<i64>,
    responder_id: Option<i64>,
    group_id: Option<i64>,
    company_id: Option<i64>,
    tags: Option<Vec<String>>,
    custom_fields: Option<CustomFieldsView>,
    #[serde(default)]
    created_at: LooseTime,
    #[serde(default)]
    updated_at: LooseTime,
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    fr_due_by: LooseTime,
    fr_escalated: Option<bool>,
    #[serde(default)]
    nr_due_by: LooseTime,
    nr_escalated: Option<bool>,
    #[serde(default)]
    due_by: LooseTime,
    is_escalated: Option<bool>,
    /// Only with `include=stats`.
    stats: Option<StatsView>,
    /// A ticket's own files (a new ticket's), on a single ticket only: listings leave them out.
    #[serde(default)]
    attachments: Vec<Value>,
}

/// The times of a ticket's `stats` that mapping reads; the others stay in `raw`.
#[derive(Debug, Deserialize)]
struct StatsView {
    #[serde(default)]
    resolved_at: LooseTime,
    #[serde(default)]
    closed_at: LooseTime,
}

/// Freshdesk's default ticket types map to canonical categories (native: the type's name); an
/// account's own types are `Other` with their name; no type is no category.
pub(crate) fn category_from_native(kind: String) -> Mapped<TicketCategory> {
    let canonical = match kind.trim() {
        "Question" => TicketCategory::Question,
        "Incident" => TicketCategory::Incident,
        "Problem" => TicketCategory::Problem,
        "Feature Request" => TicketCategory::FeatureRequest,
        "Refund" => TicketCategory::Billing,
        other => TicketCategory::Other(other.to_owned()),
    };
    Mapped::new(canonical, kind)
}

/// The ticket type that selects a category in a search (`type:'Question'`): the default type it
/// maps from, or the name of an account's own type.
pub(crate) fn category_to_native(category: &TicketCategory) -> Option<String> {
    Some(match category {
        TicketCategory::Question => "Question".into(),
        TicketCategory::Incident => "Incident".into(),
        TicketCategory::Problem => "Problem".into(),
        TicketCategory::FeatureRequest => "Feature Request".into(),
        TicketCategory::Billing => "Refund".into(),
        TicketCategory::Other(name) => name.clone(),
        _ => return None,
    })
}

/// The SLA clocks of a ticket: first response (`fr_due_by`, breached when `fr_escalated`), next
/// response (`nr_due_by` / `nr_escalated`, on accounts with next-response SLAs) and resolution
/// (`due_by`; Freshdesk has no flag saying resolution is late). `is_escalated` is Freshdesk's
/// "escalated for any reason". `None` when no clock runs and nothing is escalated.
fn sla(
    fr_due_by: LooseTime,
    fr_escalated: Option<bool>,
    nr_due_by: LooseTime,
    nr_escalated: Option<bool>,
    due_by: LooseTime,
    is_escalated: Option<bool>,
) -> Option<TicketSla> {
    let clock = |due: Option<chrono::DateTime<chrono::Utc>>, breached: Option<bool>| {
        (due.is_some() || breached == Some(true))
            .then(|| SlaClock::due(due).with_breached(breached))
    };
    let mut sla = TicketSla::default();
    sla.first_response = clock(fr_due_by.0, fr_escalated);
    sla.next_response = clock(nr_due_by.0, nr_escalated);
    sla.resolution = due_by.0.map(|due| SlaClock::due(Some(due)));
    sla.escalated = is_escalated;
    let runs = sla.first_response.is_some()
        || sla.next_response.is_some()
        || sla.resolution.is_some()
        || sla.escalated == Some(true);
    runs.then_some(sla)
}

/// A ticket's `custom_fields` object (`{"cf_region": "EU", ...}`), read straight into custom
/// fields in the order they come.
#[derive(Debug)]
struct CustomFieldsView(Vec<CustomField>);

impl<'de> Deserialize<'de> for CustomFieldsView {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = CustomFieldsView;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object of custom field values")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<CustomFieldsView, A::Error> {
                let mut fields = Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
                while let Some((name, FieldValueView(value))) =
                    map.next_entry::<String, FieldValueView>()?
                {
                    fields.push(CustomField {
                        name,
                        field_id: None,
                        value,
                    });
                }
                Ok(CustomFieldsView(fields))
            }
        }
        deserializer.deserialize_map(Fields)
    }
}

/// The fields of a ticket that mapping reads.
pub(crate) fn ticket_view(operation: Operation, raw: &RawJson) -> Result<TicketView, Error> {
    json::decode_raw(PROVIDER, operation, "ticket", raw)
}

/// A ticket.
#[cfg(test)]
pub(crate) fn ticket(
    operation: Operation,
    raw: impl Into<RawJson>,
    labels: &StatusLabels,
) -> Result<Ticket, Error> {
    let raw = raw.into();
    let view = ticket_view(operation, &raw)?;
    ticket_from_view(operation, view, raw, labels)
}

/// A ticket from the fields mapping reads (decoded from `raw`, which it keeps).
pub(crate) fn ticket_from_view(
    operation: Operation,
    view: TicketView,
    raw: RawJson,
    labels: &StatusLabels,
) -> Result<Ticket, Error> {
    let TicketView {
        id: ticket_id,
        status,
        subject,
        description_text,
        description,
        priority,
        source,
        requester_id,
        responder_id,
        group_id,
        company_id,
        tags,
        custom_fields,
        created_at,
        updated_at,
        kind,
        fr_due_by,
        fr_escalated,
        nr_due_by,
        nr_escalated,
        due_by,
        is_escalated,
        stats,
        attachments,
    } = view;
    let Some(ticket_id) = ticket_id else {
        return Err(no_id(operation, "ticket", &raw.to_string()));
    };
    let status = status_from_native(status.unwrap_or(2), labels);
    let mut ticket = Ticket::new(id(ObjectKind::Ticket, ticket_id), status, raw);
    ticket.subject = subject;
    ticket.description = description_text.map(|text| Body {
        text,
        html: description,
    });
    ticket.priority = priority.map(priority_from_native);
    ticket.channel = source.map(channel_from_native);
    ticket.requester = requester_id.map(|n| id(ObjectKind::Party, n));
    ticket.assignee = responder_id.map(|n| id(ObjectKind::Party, n));
    ticket.group = group_id.map(|n| id(ObjectKind::Group, n));
    ticket.organization = company_id.map(|n| id(ObjectKind::Party, n));
    ticket.tags = tags.unwrap_or_default();
    ticket.attachments = attachments.iter().filter_map(attachment).collect();
    ticket.custom_fields = custom_fields
        .map(|CustomFieldsView(fields)| fields)
        .unwrap_or_default();
    ticket.created_at = created_at.0;
    ticket.updated_at = updated_at.0;
    ticket.category = kind
        .filter(|k| !k.trim().is_empty())
        .map(category_from_native);
    if let Some(stats) = stats {
        ticket.resolved_at = stats.resolved_at.0;
        ticket.closed_at = stats.closed_at.0;
    }
    ticket.sla = sla(
        fr_due_by,
        fr_escalated,
        nr_due_by,
        nr_escalated,
        due_by,
        is_escalated,
    );
    Ok(ticket)
}

/// An agent: its contact holds name and e-mail; `available` is its availability.
pub(crate) fn agent(
    operation: Operation,
    raw: Value,
    roles: &HashMap<i64, String>,
) -> Result<Party, Error> {
    let agent_id = require_id(operation, "agent", &raw)?;
    let contact = raw.get("contact").cloned().unwrap_or(Value::Null);
    let mut party = Party::new(
        id(ObjectKind::Party, agent_id),
        PartyRole::Employee,
        RawJson::default(),
    );
    party.name = text(&contact, "name");
    party.email = text(&contact, "email");
    party.phone = text(&contact, "phone").or_else(|| text(&contact, "mobile"));
    party.agent_role = raw
        .get("role_ids")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_i64)
        .find_map(|role| roles.get(&role).cloned());
    party.groups = raw
        .get("group_ids")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_i64)
        .map(|g| id(ObjectKind::Group, g))
        .collect();
    party.availability = raw
        .get("available")
        .and_then(Value::as_bool)
        .map(|available| {
            let canonical = if available {
                Availability::Available
            } else {
                Availability::Offline
            };
            Mapped::new(canonical, available.to_string())
        });
    party.active = contact.get("active").and_then(Value::as_bool);
    party.created_at = time(&raw, "created_at");
    party.raw = raw.into();
    Ok(party)
}

/// A conversation (reply or note) of a ticket.
pub(crate) fn conversation(
    operation: Operation,
    ticket: &CanonicalId,
    raw: Value,
) -> Result<CommentRef, Error> {
    let conversation_id = require_id(operation, "conversation", &raw)?;
    let attachments = raw
        .get("attachments")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(attachment)
        .collect();
    let html = text(&raw, "body");
    let plain = text(&raw, "body_text")
        .or_else(|| html.as_deref().map(support_core::model::html_to_text))
        .unwrap_or_default();
    let data = Comment {
        author: ref_id(&raw, "user_id", ObjectKind::Party),
        author_kind: author_kind(&raw),
        body: Body { text: plain, html },
        visibility: if raw.get("private").and_then(Value::as_bool).unwrap_or(false) {
            Visibility::Internal
        } else {
            Visibility::Public
        },
        created_at: time(&raw, "created_at"),
        attachments,
    };
    Ok(
        ExternalObjectRef::new(id(ObjectKind::Comment, conversation_id), data, raw)
            .with_parent(ticket.clone()),
    )
}

/// Who wrote a conversation: `incoming` ones came from outside the helpdesk (the customer), the
/// others from an agent. Freshdesk does not say which conversations automations wrote. The native
/// value is the field read: `incoming` or `outgoing`.
fn author_kind(raw: &Value) -> Option<Mapped<AuthorKind>> {
    raw.get("incoming")
        .and_then(Value::as_bool)
        .map(|incoming| {
            if incoming {
                Mapped::new(AuthorKind::Customer, "incoming")
            } else {
                Mapped::new(AuthorKind::Agent, "outgoing")
            }
        })
}

fn attachment(raw: &Value) -> Option<Document> {
    let mut doc = Document::new(
        id(ObjectKind::Document, int(raw, "id")?),
        DocumentKind::Attachment,
        raw.clone(),
    );
    doc.title = text(raw, "name");
    doc.content_type = text(raw, "content_type");
    doc.size = int(raw, "size").and_then(|s| u64::try_from(s).ok());
    doc.url = text(raw, "attachment_url");
    doc.created_at = time(raw, "created_at");
    Some(doc)
}

/// A solution article: `categories` is its category, then its folder.
pub(crate) fn article(operation: Operation, raw: Value) -> Result<Document, Error> {
    let article_id = require_id(operation, "solution article", &raw)?;
    let mut doc = Document::new(
        id(ObjectKind::Document, article_id),
        DocumentKind::KnowledgeArticle,
        RawJson::default(),
    );
    doc.title = text(&raw, "title");
    let html = text(&raw, "description");
    doc.body = match (text(&raw, "description_text"), html) {
        (Some(text), html) => Some(Body { text, html }),
        (None, Some(html)) => {
            Some(Body::text(support_core::model::html_to_text(&html)).with_html(html))
        }
        (None, None) => None,
    };
    doc.publish_state = int(&raw, "status").map(|code| {
        let state = match code {
            1 => PublishState::Draft,
            2 => PublishState::Published,
            other => PublishState::Other(other.to_string()),
        };
        Mapped::new(state, code.to_string())
    });
    doc.categories = [
        ref_id(&raw, "category_id", ObjectKind::Category),
        ref_id(&raw, "folder_id", ObjectKind::Category),
    ]
    .into_iter()
    .flatten()
    .collect();
    doc.author = ref_id(&raw, "agent_id", ObjectKind::Party);
    doc.created_at = time(&raw, "created_at");
    doc.updated_at = time(&raw, "updated_at");
    doc.raw = raw.into();
    Ok(doc)
}

/// An SLA policy: `sla_target` holds, per `priority_N`, the seconds to respond and resolve.
pub(crate) fn sla_policy(operation: Operation, raw: Value) -> Result<SlaPolicyRef, Error> {
    let policy_id = require_id(operation, "SLA policy", &raw)?;
    let mut targets = Vec::new();
    for (key, target) in raw
        .get("sla_target")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let priority = key
            .strip_prefix("priority_")
            .and_then(|code| code.parse().ok())
            .map(priority_from_native);
        let business_hours = target
            .get("business_hours")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        for (field, metric) in [
            ("respond_within", SlaMetric::FirstResponse),
            ("next_respond_within", SlaMetric::NextResponse),
            ("resolve_within", SlaMetric::Resolution),
        ] {
            if let Some(seconds) = target.get(field).and_then(Value::as_u64) {
                targets.push(SlaTarget {
                    metric: Mapped::new(metric, field),
                    priority: priority.clone(),
                    target: Duration::from_secs(seconds),
                    business_hours,
                });
            }
        }
    }
    let data = SlaPolicy {
        name: text(&raw, "name").unwrap_or_default(),
        description: text(&raw, "description"),
        targets,
    };
    Ok(ExternalObjectRef::new(
        id(ObjectKind::SlaPolicy, policy_id),
        data,
        raw,
    ))
}

/// Freshdesk's satisfaction scale, from extremely unhappy (-103) to extremely happy (103), on 0..=1.
fn normalize_rating(value: i64) -> Option<f64> {
    Some(match value {
        103 => 1.0,
        102 => 5.0 / 6.0,
        101 => 4.0 / 6.0,
        100 => 0.5,
        -101 => 2.0 / 6.0,
        -102 => 1.0 / 6.0,
        -103 => 0.0,
        _ => return None,
    })
}

/// A satisfaction rating; the score is the answer to the survey's default question.
pub(crate) fn rating(operation: Operation, raw: Value) -> Result<SatisfactionRatingRef, Error> {
    let rating_id = require_id(operation, "satisfaction rating", &raw)?;
    let value = raw
        .get("ratings")
        .and_then(|r| r.get("default_question"))
        .and_then(Value::as_i64);
    let ticket = ref_id(&raw, "ticket_id", ObjectKind::Ticket);
    let data = SatisfactionRating {
        ticket: ticket.clone(),
        score: Score {
            native: value.map(|v| v.to_string()).unwrap_or_default(),
            normalized: value.and_then(normalize_rating),
        },
        comment: text(&raw, "feedback").filter(|f| !f.is_empty()),
        requester: ref_id(&raw, "user_id", ObjectKind::Party),
        assignee: ref_id(&raw, "agent_id", ObjectKind::Party),
        created_at: time(&raw, "created_at"),
    };
    let mut rating =
        ExternalObjectRef::new(id(ObjectKind::SatisfactionRating, rating_id), data, raw);
    rating.parent = ticket;
    Ok(rating)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn custom_statuses_keep_their_label_or_code() {
        let labels = StatusLabels::from_ticket_fields(&[json!(
            {"name": "status", "type": "default_status", "choices": {"2": ["Open", "Being Processed"], "17": ["Waiting on vendor", "Awaiting"]}}
        )]);
        assert_eq!(
            status_from_native(17, &labels),
            Mapped::new(
                TicketStatus::Other("Waiting on vendor".into()),
                "Waiting on vendor"
            )
        );
        assert_eq!(
            status_from_native(18, &labels).canonical,
            TicketStatus::Other("18".into())
        );
        assert_eq!(
            status_from_native(4, &labels).canonical,
            TicketStatus::Resolved
        );
        assert_eq!(
            status_to_native(&TicketStatus::Other("waiting on vendor".into()), &labels).unwrap(),
            17
        );
        assert!(status_to_native(&TicketStatus::OnHold, &labels).is_err());
    }

    #[test]
    fn priorities_and_sources_map_both_ways() {
        for (code, priority) in [
            (1, Priority::Low),
            (2, Priority::Normal),
            (3, Priority::High),
            (4, Priority::Urgent),
        ] {
            assert_eq!(priority_from_native(code).canonical, priority);
            assert_eq!(priority_to_native(&priority).unwrap(), code);
        }
        assert_eq!(channel_from_native(7).canonical, Channel::Chat);
        assert_eq!(
            channel_from_native(99).canonical,
            Channel::Other("99".into())
        );
    }

    #[test]
    fn sla_targets_are_seconds_per_priority() {
        let policy = sla_policy(
            Operation::GetSla,
            json!({"id": 1, "name": "Default", "sla_target": {"priority_4": {"respond_within": 900, "resolve_within": 3600, "business_hours": true}}}),
        )
        .unwrap();
        let urgent = policy
            .data
            .target(&SlaMetric::FirstResponse, &Priority::Urgent)
            .unwrap();
        assert_eq!(urgent.target, Duration::from_secs(900));
        assert!(urgent.business_hours);
        assert_eq!(policy.data.targets.len(), 2);
    }

    #[test]
    fn ratings_normalise_the_happiness_scale() {
        let happy = rating(
            Operation::ListSatisfactionRatings,
            json!({"id": 1, "ticket_id": 5, "ratings": {"default_question": 103}}),
        )
        .unwrap();
        assert_eq!(happy.data.score.normalized, Some(1.0));
        let odd = rating(
            Operation::ListSatisfactionRatings,
            json!({"id": 2, "ratings": {"default_question": 7}}),
        )
        .unwrap();
        assert_eq!(odd.data.score.normalized, None);
        assert_eq!(odd.data.score.native, "7");
    }

    #[test]
    fn malformed_objects_are_decode_errors() {
        for raw in [json!({}), json!({"id": "x"}), json!(null)] {
            assert_eq!(
                ticket(Operation::GetTicket, raw, &StatusLabels::default())
                    .unwrap_err()
                    .kind(),
                &ErrorKind::Decode
            );
        }
    }
}
