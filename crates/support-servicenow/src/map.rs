//! ServiceNow records to canonical objects.
//!
//! Every record is read with `sysparm_display_value=all` and `sysparm_exclude_reference_link=true`,
//! so each column is `{"display_value": "Open", "value": "10"}`: mappings read the `value` (a
//! reference's `value` is the referenced record's `sys_id`; a time's is UTC
//! `YYYY-MM-DD hh:mm:ss`) and keep the label (`display_value`) as the native value where the port
//! has one (status, priority, channel, category). A column that comes as a plain string (a record
//! read without display values) is read as its value. The record itself is the canonical object's
//! `raw`. Native values no mapping knows (an instance's own state) become `Other(label)`.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::Value;
use support_core::kit::json;
use support_core::{
    Body, CanonicalId, Channel, Comment, CommentRef, ConnectionInfo, Document, DocumentKind,
    Mapped, ObjectKind, Operation, Party, PartyRole, Priority, PublishState, Result,
    SatisfactionRating, SatisfactionRatingRef, Score, SlaClock, SlaMetric, SlaPolicy, SlaPolicyRef,
    SlaTarget, Tag, TagRef, Ticket, TicketCategory, TicketSla, TicketStatus, Visibility,
};

use crate::PROVIDER;

/// The `value` of a column: `{"value": …}` with display values, or the column itself; empty
/// strings and `null` are absent.
pub(crate) fn value(raw: &Value, field: &str) -> Option<String> {
    let column = raw.get(field)?;
    let inner = match column {
        Value::Object(pair) => pair.get("value")?,
        other => other,
    };
    scalar(inner)
}

/// The label of a column (its `display_value`), or its value when it has none.
pub(crate) fn label(raw: &Value, field: &str) -> Option<String> {
    match raw.get(field)? {
        Value::Object(pair) => pair
            .get("display_value")
            .and_then(scalar)
            .or_else(|| pair.get("value").and_then(scalar)),
        other => scalar(other),
    }
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(text) if !text.trim().is_empty() => Some(text.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A column holding `true`/`false` (ServiceNow sends booleans as strings).
pub(crate) fn flag(raw: &Value, field: &str) -> Option<bool> {
    match value(raw, field)?.as_str() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

/// A UTC time column (`2024-03-01 09:30:00`).
pub(crate) fn time(raw: &Value, field: &str) -> Option<DateTime<Utc>> {
    parse_time(&value(raw, field)?)
}

/// ServiceNow's `YYYY-MM-DD hh:mm:ss` (UTC), or an RFC 3339 time.
pub(crate) fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%d %H:%M:%S")
        .ok()
        .map(|t| t.and_utc())
        .or_else(|| json::parse_time(Some(text)))
}

/// A time as ServiceNow writes and compares it in encoded queries.
pub(crate) fn format_time(time: DateTime<Utc>) -> String {
    time.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// Whether a text is a `sys_id` (32 hexadecimal characters).
pub(crate) fn is_sys_id(text: &str) -> bool {
    text.len() == 32 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

fn sys_id(raw: &Value, what: &str, operation: Operation) -> Result<String> {
    value(raw, "sys_id")
        .filter(|id| is_sys_id(id))
        .ok_or_else(|| {
            json::misshapen(
                PROVIDER,
                operation,
                what,
                raw,
                &"it has no `sys_id` of 32 hexadecimal characters",
            )
        })
}

fn reference(raw: &Value, field: &str, kind: ObjectKind) -> Option<CanonicalId> {
    value(raw, field).map(|id| CanonicalId::new(PROVIDER, kind, id))
}

/// The canonical status of a case `state` value (documented: 1 New, 10 Open, 18 Awaiting Info,
/// 6 Resolved, 3 Closed, 7 Canceled).
pub(crate) fn status_of(state: &str) -> Option<TicketStatus> {
    Some(match state {
        "1" => TicketStatus::New,
        "10" => TicketStatus::Open,
        "18" => TicketStatus::Pending,
        "6" => TicketStatus::Resolved,
        "3" | "7" => TicketStatus::Closed,
        _ => return None,
    })
}

/// The canonical priority of a case `priority` value (1 Critical to 4 Low, and 5 Planning).
pub(crate) fn priority_of(priority: &str) -> Option<Priority> {
    Some(match priority {
        "1" => Priority::Urgent,
        "2" => Priority::High,
        "3" => Priority::Normal,
        "4" | "5" => Priority::Low,
        _ => return None,
    })
}

/// The `priority` value a canonical priority is written as.
pub(crate) fn priority_value(priority: &Priority) -> Option<&'static str> {
    Some(match priority {
        Priority::Urgent => "1",
        Priority::High => "2",
        Priority::Normal => "3",
        Priority::Low => "4",
        Priority::Other(_) => return None,
    })
}

/// The canonical channel of a `contact_type` value.
pub(crate) fn channel_of(contact_type: &str) -> Channel {
    match contact_type.to_ascii_lowercase().as_str() {
        "email" => Channel::Email,
        "phone" | "voice" => Channel::Phone,
        "web" | "self-service" | "self_service" | "portal" => Channel::Web,
        "chat" | "virtual_agent" | "messaging" => Channel::Chat,
        "social" => Channel::Social,
        "api" | "integration" => Channel::Api,
        other => Channel::Other(other.to_owned()),
    }
}

/// The canonical category of a `category` value or label, where one matches.
pub(crate) fn category_of(value: &str, label: &str) -> TicketCategory {
    let canonical = |text: &str| {
        let name = text.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        match TicketCategory::from_canonical(&name) {
            TicketCategory::Other(_) => None,
            known => Some(known),
        }
    };
    canonical(value)
        .or_else(|| canonical(label))
        .unwrap_or_else(|| TicketCategory::Other(label.to_owned()))
}

/// A case (`sn_customerservice_case`). Its tags and SLA clocks live in other tables: the port adds
/// them.
pub(crate) fn ticket(operation: Operation, raw: Value) -> Result<Ticket> {
    let id = sys_id(&raw, "case", operation)?;
    let state = value(&raw, "state").unwrap_or_default();
    let state_label = label(&raw, "state").unwrap_or_else(|| state.clone());
    let status = Mapped::new(
        status_of(&state).unwrap_or_else(|| TicketStatus::Other(state_label.clone())),
        state_label,
    );
    let mut ticket = Ticket::new(
        CanonicalId::new(PROVIDER, ObjectKind::Ticket, id),
        status,
        Value::Null,
    );
    ticket.number = value(&raw, "number");
    ticket.subject = value(&raw, "short_description");
    ticket.description = value(&raw, "description").map(Body::text);
    ticket.priority = value(&raw, "priority").map(|p| {
        let native = label(&raw, "priority").unwrap_or_else(|| p.clone());
        Mapped::new(
            priority_of(&p).unwrap_or_else(|| Priority::Other(native.clone())),
            native,
        )
    });
    ticket.channel = value(&raw, "contact_type")
        .map(|c| Mapped::new(channel_of(&c), label(&raw, "contact_type").unwrap_or(c)));
    ticket.category = value(&raw, "category").map(|c| {
        let native = label(&raw, "category").unwrap_or_else(|| c.clone());
        Mapped::new(category_of(&c, &native), native)
    });
    ticket.requester = reference(&raw, "contact", ObjectKind::Party)
        .or_else(|| reference(&raw, "consumer", ObjectKind::Party));
    ticket.assignee = reference(&raw, "assigned_to", ObjectKind::Party);
    ticket.group = reference(&raw, "assignment_group", ObjectKind::Group);
    ticket.organization = reference(&raw, "account", ObjectKind::Party);
    ticket.external_ref = value(&raw, "correlation_id");
    ticket.created_at = time(&raw, "sys_created_on");
    ticket.updated_at = time(&raw, "sys_updated_on");
    ticket.resolution = value(&raw, "close_notes");
    ticket.resolved_at = time(&raw, "resolved_at");
    ticket.closed_at = time(&raw, "closed_at");
    ticket.raw = raw.into();
    Ok(ticket)
}

/// What a `task_sla` row says about its clock, and which clock it is (`true`: first response).
pub(crate) fn sla_clock(row: &Value) -> SlaClock {
    let stage = value(row, "stage").unwrap_or_default();
    let breached = flag(row, "has_breached");
    let achieved = (stage == "completed").then(|| !breached.unwrap_or(false));
    SlaClock::due(time(row, "planned_end_time"))
        .with_breached(breached)
        .with_achieved(achieved)
}

/// A case's SLA from its `task_sla` rows, each given with whether its definition is a response
/// target (else a resolution target).
pub(crate) fn ticket_sla(rows: &[(bool, &Value)]) -> Option<TicketSla> {
    let mut sla = TicketSla::default();
    for (response, row) in rows {
        if value(row, "stage").as_deref() == Some("cancelled") {
            continue;
        }
        if sla.policy.is_none() {
            sla.policy = reference(row, "sla", ObjectKind::SlaPolicy);
        }
        let clock = Some(sla_clock(row));
        if *response {
            if sla.first_response.is_none() {
                sla.first_response = clock;
            }
        } else if sla.resolution.is_none() {
            sla.resolution = clock;
        }
    }
    (!sla.is_empty()).then_some(sla)
}

/// A user (`sys_user`) as an agent.
pub(crate) fn agent(
    operation: Operation,
    raw: Value,
    groups: Vec<String>,
    role: Option<String>,
) -> Result<Party> {
    let id = sys_id(&raw, "user", operation)?;
    let mut party = Party::new(
        CanonicalId::new(PROVIDER, ObjectKind::Party, id),
        PartyRole::Employee,
        Value::Null,
    );
    party.name = label(&raw, "name").or_else(|| value(&raw, "user_name"));
    party.email = value(&raw, "email");
    party.phone = value(&raw, "phone").or_else(|| value(&raw, "mobile_phone"));
    party.active = flag(&raw, "active");
    party.created_at = time(&raw, "sys_created_on");
    party.agent_role = role;
    party.groups = groups
        .into_iter()
        .map(|g| CanonicalId::new(PROVIDER, ObjectKind::Group, g))
        .collect();
    party.raw = raw.into();
    Ok(party)
}

/// The agent role of a user holding `roles` (role names): `admin` for an administrator,
/// `manager` for a CSM manager (`sn_customerservice_manager`), `agent` for a CSM agent (B2B or
/// B2C); `None` when none of them is a CSM agent role.
pub(crate) fn agent_role(roles: &[String]) -> Option<String> {
    let holds = |name: &str| roles.iter().any(|r| r == name);
    let agent = [
        "sn_customerservice_agent",
        "sn_customerservice.consumer_agent",
        "sn_customerservice_manager",
    ]
    .iter()
    .any(|r| holds(r));
    if !agent {
        return None;
    }
    Some(
        if holds("admin") {
            "admin"
        } else if holds("sn_customerservice_manager") {
            "manager"
        } else {
            "agent"
        }
        .to_owned(),
    )
}

/// What `check_connection` learned: the instance, and the user the credentials belong to.
pub(crate) fn connection_info(host: &str, user: Option<Party>) -> ConnectionInfo {
    ConnectionInfo::new(PROVIDER, Some(host.to_owned()), user)
}

/// A tag (`label`), named by its `sys_id`.
pub(crate) fn tag(operation: Operation, raw: Value) -> Result<TagRef> {
    let id = sys_id(&raw, "tag", operation)?;
    let name = value(&raw, "name")
        .ok_or_else(|| json::misshapen(PROVIDER, operation, "tag", &raw, &"it has no `name`"))?;
    Ok(TagRef::new(
        CanonicalId::new(PROVIDER, ObjectKind::Tag, id),
        Tag { name, count: None },
        raw,
    ))
}

/// A journal entry of the case activities (`comments` public, `work_notes` internal); other
/// entries (field changes, attachments alone) are not comments.
pub(crate) fn comment(
    ticket: &CanonicalId,
    entry: &Value,
    attachments: Vec<Document>,
) -> Option<CommentRef> {
    let element = json::text(entry, "element")?;
    let visibility = match element.as_str() {
        "comments" => Visibility::Public,
        "work_notes" => Visibility::Internal,
        _ => return None,
    };
    let id = json::text(entry, "sys_id").filter(|id| !id.is_empty())?;
    let text = json::text(entry, "value").unwrap_or_default();
    let author = json::text(entry, "user_sys_id")
        .filter(|u| !u.is_empty())
        .map(|u| CanonicalId::new(PROVIDER, ObjectKind::Party, u));
    let comment = Comment {
        author,
        author_kind: None,
        body: Body::text(text),
        visibility,
        created_at: json::text(entry, "sys_created_on").and_then(|t| parse_time(&t)),
        attachments,
    };
    Some(
        CommentRef::new(
            CanonicalId::new(PROVIDER, ObjectKind::Comment, id),
            comment,
            entry.clone(),
        )
        .with_parent(ticket.clone()),
    )
}

/// An attachment an activity entry names, downloaded from `/api/now/attachment/{sys_id}/file`.
pub(crate) fn attachment(base_url: &str, raw: &Value) -> Option<Document> {
    let id = json::text(raw, "sys_id").filter(|id| is_sys_id(id))?;
    let mut document = Document::new(
        CanonicalId::new(PROVIDER, ObjectKind::Document, id.clone()),
        DocumentKind::Attachment,
        raw.clone(),
    );
    document.title = json::text(raw, "file_name");
    document.content_type = json::text(raw, "content_type");
    document.size = json::text(raw, "size_bytes")
        .and_then(|s| s.parse().ok())
        .or_else(|| json::int(raw, "size_bytes").and_then(|s| u64::try_from(s).ok()));
    document.url = Some(format!("{base_url}/api/now/attachment/{id}/file"));
    Some(document)
}

/// A knowledge article (`kb_knowledge`).
pub(crate) fn article(operation: Operation, raw: Value) -> Result<Document> {
    let id = sys_id(&raw, "article", operation)?;
    let mut document = Document::new(
        CanonicalId::new(PROVIDER, ObjectKind::Document, id),
        DocumentKind::KnowledgeArticle,
        Value::Null,
    );
    document.title = value(&raw, "short_description");
    document.body = value(&raw, "text").map(Body::from_html);
    document.content_type = Some("text/html".to_owned());
    document.locale = value(&raw, "language");
    document.publish_state = value(&raw, "workflow_state").map(|s| {
        let canonical = match s.as_str() {
            "published" => PublishState::Published,
            "draft" | "review" | "scheduled_for_publish" => PublishState::Draft,
            "retired" | "outdated" | "pending_retirement" => PublishState::Archived,
            other => PublishState::Other(other.to_owned()),
        };
        Mapped::new(canonical, label(&raw, "workflow_state").unwrap_or(s))
    });
    document.categories = reference(&raw, "kb_category", ObjectKind::Category)
        .into_iter()
        .collect();
    document.author = reference(&raw, "author", ObjectKind::Party);
    document.created_at = time(&raw, "sys_created_on");
    document.updated_at = time(&raw, "sys_updated_on");
    document.raw = raw.into();
    Ok(document)
}

/// A survey instance (`asmt_assessment_instance`) and its answers (`asmt_metric_result`): the
/// score is the first answer with a value (Likert/choice `actual_value`), the comment the first
/// string answer.
pub(crate) fn rating(
    operation: Operation,
    raw: Value,
    answers: &[&Value],
) -> Result<Option<SatisfactionRatingRef>> {
    let id = sys_id(&raw, "survey instance", operation)?;
    let numeric = answers.iter().find_map(|a| {
        let actual = value(a, "actual_value")?;
        let number: f64 = actual.parse().ok()?;
        (number >= 0.0).then_some((actual, number))
    });
    let Some((native, number)) = numeric else {
        return Ok(None);
    };
    let comment = answers
        .iter()
        .filter(|a| value(a, "actual_value").as_deref() == Some("-1"))
        .find_map(|a| value(a, "string_value"));
    let ticket = (value(&raw, "trigger_table").as_deref() == Some("sn_customerservice_case"))
        .then(|| reference(&raw, "trigger_id", ObjectKind::Ticket))
        .flatten();
    let rating = SatisfactionRating {
        ticket: ticket.clone(),
        score: Score {
            native,
            normalized: Some(((number - 1.0) / 4.0).clamp(0.0, 1.0)),
        },
        comment,
        requester: reference(&raw, "user", ObjectKind::Party),
        assignee: None,
        created_at: time(&raw, "taken_on").or_else(|| time(&raw, "sys_created_on")),
    };
    let mut found = SatisfactionRatingRef::new(
        CanonicalId::new(PROVIDER, ObjectKind::SatisfactionRating, id),
        rating,
        raw,
    );
    found.parent = ticket;
    Ok(Some(found))
}

/// Whether an SLA definition (`contract_sla`) times the response (its `target` is `response`, or,
/// without one, its name says so); otherwise it times the resolution.
pub(crate) fn is_response_target(definition: &Value) -> bool {
    match value(definition, "target") {
        Some(target) => target.eq_ignore_ascii_case("response"),
        None => label(definition, "name")
            .is_some_and(|name| name.to_ascii_lowercase().contains("response")),
    }
}

/// A `glide_duration` value (`1970-01-02 04:00:00` is 28 hours), or plain seconds.
pub(crate) fn duration(text: &str) -> Option<std::time::Duration> {
    if let Ok(seconds) = text.trim().parse::<u64>() {
        return Some(std::time::Duration::from_secs(seconds));
    }
    let at = parse_time(text)?;
    u64::try_from(at.timestamp())
        .ok()
        .map(std::time::Duration::from_secs)
}

/// An SLA definition (`contract_sla`): one target, response or resolution, of its duration.
pub(crate) fn sla_policy(operation: Operation, raw: Value) -> Result<SlaPolicyRef> {
    let id = sys_id(&raw, "SLA definition", operation)?;
    let metric = if is_response_target(&raw) {
        SlaMetric::FirstResponse
    } else {
        SlaMetric::Resolution
    };
    let native = label(&raw, "target").unwrap_or_else(|| metric.as_str().to_owned());
    let targets = value(&raw, "duration")
        .and_then(|d| duration(&d))
        .map(|target| SlaTarget {
            metric: Mapped::new(metric, native),
            priority: None,
            target,
            business_hours: value(&raw, "schedule").is_some(),
        })
        .into_iter()
        .collect();
    let policy = SlaPolicy {
        name: label(&raw, "name").unwrap_or_else(|| id.clone()),
        description: value(&raw, "description"),
        targets,
    };
    Ok(SlaPolicyRef::new(
        CanonicalId::new(PROVIDER, ObjectKind::SlaPolicy, id),
        policy,
        raw,
    ))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn columns_are_read_as_values_with_labels_beside_them() {
        let raw = json!({
            "state": {"display_value": "Awaiting Info", "value": "18"},
            "plain": "10",
            "empty": {"display_value": "", "value": ""},
            "opened": {"display_value": "01/03/2024 10:30:00", "value": "2024-03-01 09:30:00"},
        });
        assert_eq!(value(&raw, "state").as_deref(), Some("18"));
        assert_eq!(label(&raw, "state").as_deref(), Some("Awaiting Info"));
        assert_eq!(value(&raw, "plain").as_deref(), Some("10"));
        assert_eq!(value(&raw, "empty"), None);
        assert_eq!(
            time(&raw, "opened").map(|t| t.to_rfc3339()).as_deref(),
            Some("2024-03-01T09:30:00+00:00")
        );
    }

    #[test]
    fn channels_categories_and_durations() {
        assert_eq!(channel_of("virtual_agent"), Channel::Chat);
        assert_eq!(channel_of("walk-in"), Channel::Other("walk-in".into()));
        assert_eq!(category_of("1", "Question"), TicketCategory::Question);
        assert_eq!(
            category_of("7", "Hardware"),
            TicketCategory::Other("Hardware".into())
        );
        assert_eq!(
            duration("1970-01-02 04:00:00"),
            Some(std::time::Duration::from_secs(28 * 3600))
        );
        assert_eq!(status_of("7"), Some(TicketStatus::Closed));
        assert_eq!(priority_of("5"), Some(Priority::Low));
    }

    #[test]
    fn agent_roles_follow_the_strongest_role_held() {
        let roles = |names: &[&str]| names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            agent_role(&roles(&["admin", "sn_customerservice_agent"])).as_deref(),
            Some("admin")
        );
        assert_eq!(
            agent_role(&roles(&["sn_customerservice.consumer_agent"])).as_deref(),
            Some("agent")
        );
        assert_eq!(agent_role(&roles(&["admin", "itil"])), None);
    }
}
