//! Zendesk webhook deliveries: signature verification, then parsing into [`WebhookEvent`]s.
//!
//! The crate docs (README, "Webhooks") describe the scheme, the two payload shapes and the recommended
//! trigger body; the decisions are explained beside the code that makes them.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::{Map, Value};
use support_core::webhook::{
    Delivery, EventKind, Tolerance, WebhookError, WebhookEvent, WebhookReceiver, WebhookSecrets,
    body_fingerprint,
};
use support_core::{
    Body, CanonicalId, Comment, CommentRef, ExternalObjectRef, Mapped, ObjectKind, Party,
    PartyRole, Priority, Ticket, TicketStatus, Visibility,
};

use crate::PROVIDER;
use crate::map;

/// Verifies and parses Zendesk webhook deliveries: [`WebhookReceiver`] for Zendesk.
///
/// A delivery is accepted only when `X-Zendesk-Webhook-Signature` is the base64 HMAC-SHA256, under one
/// of the configured secrets, of the `X-Zendesk-Webhook-Signature-Timestamp` value followed by the raw
/// body, and that timestamp is within the [`Tolerance`] of the delivery's arrival. Only then is the body
/// parsed: a Zendesk event-subscription payload (`"type": "zen:event-type:..."`) or a trigger body in
/// the shape of [`ZendeskWebhooks::RECOMMENDED_TRIGGER_BODY`].
#[derive(Clone, Debug)]
pub struct ZendeskWebhooks {
    secrets: WebhookSecrets,
    tolerance: Tolerance,
}

impl ZendeskWebhooks {
    /// The signature header: base64(HMAC-SHA256(secret, timestamp header value + raw body)).
    pub const SIGNATURE_HEADER: &'static str = "X-Zendesk-Webhook-Signature";
    /// The timestamp header (ISO 8601 UTC, such as `2024-04-17T17:18:10Z`); it is part of what is signed.
    pub const TIMESTAMP_HEADER: &'static str = "X-Zendesk-Webhook-Signature-Timestamp";
    /// The invocation id header. Not signed, so never used: the delivery id comes from the signed body
    /// alone (a replayed body with a new invocation id is still the same delivery).
    pub const INVOCATION_ID_HEADER: &'static str = "X-Zendesk-Webhook-Invocation-Id";
    /// The environment variable [`ZendeskWebhooks::from_env`] reads the signing secret from.
    pub const ENV_SECRET: &'static str = "SUPPORT_ZENDESK_WEBHOOK_SECRET";
    /// The environment variable holding the previous signing secret during a rotation (optional).
    pub const ENV_PREVIOUS_SECRET: &'static str = "SUPPORT_ZENDESK_WEBHOOK_PREVIOUS_SECRET";

    /// The JSON body to give a trigger's "Notify webhook" action so that its deliveries parse into
    /// events (set `event` per trigger: `ticket.created`, `ticket.updated`, `ticket.status_changed`,
    /// `ticket.assigned`, `ticket.comment_added`, `ticket.solved`, `ticket.closed`).
    pub const RECOMMENDED_TRIGGER_BODY: &'static str = r#"{
  "support_port": 1,
  "event": "ticket.updated",
  "delivery_id": "{{ticket.id}}-{{ticket.updated_at_with_timestamp}}",
  "ticket": {
    "id": "{{ticket.id}}",
    "status": "{{ticket.status}}",
    "priority": "{{ticket.priority}}",
    "assignee_id": "{{ticket.assignee.id}}",
    "requester_id": "{{ticket.requester.id}}",
    "subject": "{{ticket.title}}",
    "updated_at": "{{ticket.updated_at_with_timestamp}}"
  }
}"#;

    /// A receiver accepting deliveries signed with any of `secrets`, with the default tolerance (five
    /// minutes).
    pub fn new(secrets: WebhookSecrets) -> Self {
        Self {
            secrets,
            tolerance: Tolerance::default(),
        }
    }

    /// How far the signed timestamp may be from the delivery's arrival, either way.
    pub fn with_tolerance(mut self, tolerance: Tolerance) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// A receiver with the secret in [`ZendeskWebhooks::ENV_SECRET`] and, when set, the previous one in
    /// [`ZendeskWebhooks::ENV_PREVIOUS_SECRET`]; `None` when the first is unset or blank (a blank
    /// previous secret is ignored).
    pub fn from_env() -> Option<Self> {
        let secret = std::env::var(Self::ENV_SECRET).ok()?;
        let secrets = WebhookSecrets::new(secret).ok()?;
        let secrets = match std::env::var(Self::ENV_PREVIOUS_SECRET) {
            Ok(previous) => secrets.clone().with(previous).unwrap_or(secrets),
            Err(_) => secrets,
        };
        Some(Self::new(secrets))
    }

    /// Checks the signature and the timestamp; nothing of the body is read before both pass.
    fn verify(&self, delivery: &Delivery<'_>) -> Result<(), WebhookError> {
        let signature_text = delivery.header(Self::SIGNATURE_HEADER)?;
        let timestamp_text = delivery.header(Self::TIMESTAMP_HEADER)?;
        let signature = STANDARD.decode(signature_text.trim()).map_err(|error| {
            WebhookError::MalformedHeader {
                header: Self::SIGNATURE_HEADER,
                reason: format!("not base64: {error}"),
            }
        })?;
        if signature.len() != 32 {
            return Err(WebhookError::MalformedHeader {
                header: Self::SIGNATURE_HEADER,
                reason: format!(
                    "decodes to {} bytes, not the 32 of an HMAC-SHA256",
                    signature.len()
                ),
            });
        }
        let timestamp =
            parse_time(timestamp_text).ok_or_else(|| WebhookError::MalformedHeader {
                header: Self::TIMESTAMP_HEADER,
                reason: "not an ISO 8601 time such as 2024-04-17T17:18:10Z".into(),
            })?;
        // Signed: the header value exactly as sent, then the body bytes, no separator.
        if !self
            .secrets
            .hmac_sha256_matches(&[timestamp_text.as_bytes(), delivery.body], &signature)
        {
            return Err(WebhookError::BadSignature);
        }
        self.tolerance.check(timestamp, delivery.received_at)
    }
}

impl WebhookReceiver for ZendeskWebhooks {
    fn provider(&self) -> &'static str {
        PROVIDER
    }

    fn receive(&self, delivery: &Delivery<'_>) -> Result<WebhookEvent, WebhookError> {
        self.verify(delivery)?;
        parse(delivery.json()?, delivery)
    }
}

const EVENT_TYPE_PREFIX: &str = "zen:event-type:";

fn parse(payload: Value, delivery: &Delivery<'_>) -> Result<WebhookEvent, WebhookError> {
    let Some(object) = payload.as_object() else {
        return Err(WebhookError::MalformedBody(format!(
            "expected a JSON object, found {}",
            json_kind(&payload)
        )));
    };
    let mut event = if let Some(event_type) = object
        .get("type")
        .and_then(Value::as_str)
        .filter(|t| t.starts_with("zen:"))
    {
        subscription_event(event_type, object, delivery)
    } else if let Some(ticket) = object.get("ticket").and_then(Value::as_object) {
        trigger_event(object, ticket, delivery)
    } else {
        return Err(WebhookError::MalformedBody(
            "neither a Zendesk event (`\"type\": \"zen:event-type:...\"`) nor a trigger body with a \
             `ticket` object"
                .into(),
        ));
    };
    event.raw = payload;
    Ok(event)
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The delivery id: the id the (signed) body carries, else the SHA-256 of the body, which is the same
/// for every retry of the same body. Only signed material decides it: the invocation id header is not
/// covered by the signature, so a replay inside the tolerance could change it at will and pass
/// de-duplication.
fn delivery_id(from_body: Option<String>, delivery: &Delivery<'_>) -> String {
    from_body.unwrap_or_else(|| body_fingerprint(delivery.body))
}

/// A Zendesk event-subscription payload: `{type, account_id, id, time, subject, detail, event}`.
fn subscription_event(
    event_type: &str,
    object: &Map<String, Value>,
    delivery: &Delivery<'_>,
) -> WebhookEvent {
    // The index of event types writes a few with a slash (`zen:event-type/user.merged`).
    let name = event_type
        .strip_prefix(EVENT_TYPE_PREFIX)
        .or_else(|| event_type.strip_prefix("zen:event-type/"))
        .unwrap_or(event_type);
    let empty = Map::new();
    let detail = object
        .get("detail")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let change = object
        .get("event")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let id = delivery_id(text(object.get("id")), delivery);
    let occurred_at = object
        .get("time")
        .and_then(Value::as_str)
        .and_then(parse_time);
    let subject = object.get("subject").and_then(Value::as_str).unwrap_or("");

    let mut event = if let Some(action) = name.strip_prefix("ticket.") {
        ticket_event(action, detail, change, subject, id, occurred_at)
    } else if let Some(action) = name.strip_prefix("user.") {
        user_event(event_type, action, detail, change, subject, id)
    } else {
        WebhookEvent::new(
            PROVIDER,
            id,
            EventKind::Other(event_type.to_owned()),
            Value::Null,
        )
    };
    event.occurred_at = occurred_at;
    event
}

fn ticket_event(
    action: &str,
    detail: &Map<String, Value>,
    change: &Map<String, Value>,
    subject: &str,
    delivery_id: String,
    occurred_at: Option<DateTime<Utc>>,
) -> WebhookEvent {
    let ticket_id = native_id(detail.get("id")).or_else(|| subject_id(subject, "zen:ticket:"));
    let detail_status = text(detail.get("status")).map(|s| status(&s));
    let (current, previous) = if action == "status_changed" {
        (
            text(change.get("current")).map(|s| status(&s)),
            text(change.get("previous")).map(|s| status(&s)),
        )
    } else {
        (None, None)
    };
    let current = current.or(detail_status.clone());
    let kind = match action {
        "created" => EventKind::TicketCreated,
        "status_changed" => kind_for_status(current.as_ref()),
        "agent_assignment_changed" | "group_assignment_changed" => EventKind::TicketAssigned,
        "comment_added" => EventKind::CommentAdded,
        _ => EventKind::TicketUpdated,
    };
    let ticket = ticket_id.map(|n| map::id(ObjectKind::Ticket, n));
    let mut event = WebhookEvent::new(PROVIDER, delivery_id, kind, Value::Null);
    event.comment = change
        .get("comment")
        .and_then(|raw| comment(raw, ticket.as_ref(), occurred_at));
    event.party = event
        .comment
        .as_ref()
        .and_then(|c| c.data.author.clone())
        .or_else(|| native_id(detail.get("actor_id")).map(|n| map::id(ObjectKind::Party, n)));
    event.ticket_data = match (&ticket, detail_status.or(current.clone())) {
        (Some(id), Some(status)) => Some(ticket_from(id.clone(), status, detail)),
        _ => None,
    };
    event.ticket = ticket;
    event.status = current;
    event.previous_status = previous;
    event
}

fn user_event(
    event_type: &str,
    action: &str,
    detail: &Map<String, Value>,
    change: &Map<String, Value>,
    subject: &str,
    delivery_id: String,
) -> WebhookEvent {
    let role_name = text(detail.get("role")).unwrap_or_default();
    let staff = matches!(role_name.to_ascii_lowercase().as_str(), "agent" | "admin");
    let kind = match action {
        _ if staff => EventKind::Other(event_type.to_owned()),
        "created" => EventKind::ContactCreated,
        "merged" | "deleted" => EventKind::Other(event_type.to_owned()),
        _ => EventKind::ContactUpdated,
    };
    let mut event = WebhookEvent::new(PROVIDER, delivery_id, kind, Value::Null);
    let Some(user_id) = native_id(detail.get("id")).or_else(|| subject_id(subject, "zen:user:"))
    else {
        return event;
    };
    let party_id = map::id(ObjectKind::Party, user_id);
    let role = if staff {
        PartyRole::Employee
    } else {
        PartyRole::Customer
    };
    let mut party = Party::new(party_id.clone(), role, Value::Object(detail.clone()));
    party.email = text(detail.get("email"));
    party.organization =
        native_id(detail.get("organization_id")).map(|n| map::id(ObjectKind::Party, n));
    party.agent_role = staff.then_some(role_name);
    party.created_at = detail
        .get("created_at")
        .and_then(Value::as_str)
        .and_then(parse_time);
    match action {
        "name_changed" => party.name = text(change.get("current")),
        "active_changed" => party.active = change.get("current").and_then(Value::as_bool),
        _ => {}
    }
    event.party = Some(party_id);
    event.party_data = Some(party);
    event
}

/// A body in the shape of [`ZendeskWebhooks::RECOMMENDED_TRIGGER_BODY`]: every value is a rendered
/// placeholder, so a string, possibly empty.
fn trigger_event(
    object: &Map<String, Value>,
    fields: &Map<String, Value>,
    delivery: &Delivery<'_>,
) -> WebhookEvent {
    let name = text(object.get("event")).unwrap_or_else(|| "ticket.updated".into());
    let name = name.strip_prefix(EVENT_TYPE_PREFIX).unwrap_or(&name);
    let id = delivery_id(text(object.get("delivery_id")), delivery);
    let ticket = native_id(fields.get("id")).map(|n| map::id(ObjectKind::Ticket, n));
    let current = text(fields.get("status")).map(|s| status(&s));
    let kind = match name {
        "ticket.created" => EventKind::TicketCreated,
        "ticket.status_changed" => kind_for_status(current.as_ref()),
        "ticket.solved" | "ticket.resolved" => EventKind::TicketResolved,
        "ticket.closed" => EventKind::TicketClosed,
        "ticket.assigned"
        | "ticket.agent_assignment_changed"
        | "ticket.group_assignment_changed" => EventKind::TicketAssigned,
        "ticket.comment_added" => EventKind::CommentAdded,
        other if other.starts_with("ticket.") => EventKind::TicketUpdated,
        other => EventKind::Other(other.to_owned()),
    };
    let mut event = WebhookEvent::new(PROVIDER, id, kind, Value::Null);
    event.ticket_data = match (&ticket, &current) {
        (Some(id), Some(status)) => Some(ticket_from(id.clone(), status.clone(), fields)),
        _ => None,
    };
    event.occurred_at = fields
        .get("updated_at")
        .and_then(Value::as_str)
        .and_then(parse_time);
    event.ticket = ticket;
    event.status = current;
    event
}

fn kind_for_status(status: Option<&Mapped<TicketStatus>>) -> EventKind {
    match status.map(|s| &s.canonical) {
        Some(TicketStatus::Resolved) => EventKind::TicketResolved,
        Some(TicketStatus::Closed) => EventKind::TicketClosed,
        _ => EventKind::StatusChanged,
    }
}

/// A status as Zendesk writes it anywhere: `solved` (API), `SOLVED` (event payloads), `Solved` (the
/// trigger placeholder's display name); `On-hold` is the display name of `hold`. The native value is
/// kept verbatim; a name that is none of these (a localised one, a custom status) stays `Other`.
fn status(native: &str) -> Mapped<TicketStatus> {
    let key = native.trim().to_lowercase();
    let key = match key.as_str() {
        "on-hold" | "on hold" | "on_hold" => "hold",
        other => other,
    };
    let canonical = match map::status_from_native(key) {
        TicketStatus::Other(_) => TicketStatus::Other(native.to_owned()),
        known => known,
    };
    Mapped::new(canonical, native.to_owned())
}

fn priority(native: &str) -> Mapped<Priority> {
    let canonical = match map::priority_from_native(&native.trim().to_lowercase()) {
        Priority::Other(_) => Priority::Other(native.to_owned()),
        known => known,
    };
    Mapped::new(canonical, native.to_owned())
}

/// A ticket from the fields an event's `detail` or a trigger body's `ticket` carries (ids as strings).
fn ticket_from(
    id: CanonicalId,
    status: Mapped<TicketStatus>,
    fields: &Map<String, Value>,
) -> Ticket {
    let party = |key: &str| native_id(fields.get(key)).map(|n| map::id(ObjectKind::Party, n));
    let mut ticket = Ticket::new(id, status, Value::Object(fields.clone()));
    ticket.subject = string(fields.get("subject"));
    ticket.description = string(fields.get("description")).map(Body::text);
    ticket.priority = text(fields.get("priority")).map(|p| priority(&p));
    ticket.channel = fields
        .get("via")
        .and_then(|via| text(via.get("channel")))
        .map(|c| Mapped::new(map::channel_from_native(&c.to_lowercase()), c));
    ticket.requester = party("requester_id");
    ticket.assignee = party("assignee_id");
    ticket.group = native_id(fields.get("group_id")).map(|n| map::id(ObjectKind::Group, n));
    ticket.organization = party("organization_id");
    ticket.tags = match fields.get("tags") {
        Some(Value::Array(tags)) => tags
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        Some(Value::String(tags)) => tags.split_whitespace().map(str::to_owned).collect(),
        _ => Vec::new(),
    };
    ticket.external_ref = text(fields.get("external_id"));
    ticket.created_at = fields
        .get("created_at")
        .and_then(Value::as_str)
        .and_then(parse_time);
    ticket.updated_at = fields
        .get("updated_at")
        .and_then(Value::as_str)
        .and_then(parse_time);
    ticket
}

/// The comment of a `ticket.comment_added` event (`event.comment`).
fn comment(
    raw: &Value,
    ticket: Option<&CanonicalId>,
    occurred_at: Option<DateTime<Utc>>,
) -> Option<CommentRef> {
    let fields = raw.as_object()?;
    let comment_id = native_id(fields.get("id"))?;
    let author = fields
        .get("author")
        .and_then(|author| native_id(author.get("id")))
        .or_else(|| native_id(fields.get("author_id")))
        .map(|n| map::id(ObjectKind::Party, n));
    let public = fields
        .get("is_public")
        .or_else(|| fields.get("public"))
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let data = Comment {
        author,
        author_kind: None,
        body: Body {
            text: string(fields.get("body"))
                .or_else(|| string(fields.get("plain_body")))
                .unwrap_or_default(),
            html: string(fields.get("html_body")),
        },
        visibility: if public {
            Visibility::Public
        } else {
            Visibility::Internal
        },
        created_at: fields
            .get("created_at")
            .and_then(Value::as_str)
            .and_then(parse_time)
            .or(occurred_at),
        attachments: Vec::new(),
    };
    let mut comment =
        ExternalObjectRef::new(map::id(ObjectKind::Comment, comment_id), data, raw.clone());
    comment.parent = ticket.cloned();
    Some(comment)
}

/// A string or number as trimmed text; empty (an unset placeholder) is `None`.
fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A non-empty string, verbatim.
fn string(value: Option<&Value>) -> Option<String> {
    value
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// A Zendesk id: a positive integer, sent as a number or (in events and placeholders) a string. `0`
/// and the empty string mean none.
fn native_id(value: Option<&Value>) -> Option<i64> {
    match value? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|n| *n > 0)
}

/// The id in an event's `subject` (`zen:ticket:35436`).
fn subject_id(subject: &str, prefix: &str) -> Option<i64> {
    subject
        .strip_prefix(prefix)?
        .parse()
        .ok()
        .filter(|n| *n > 0)
}

/// An ISO 8601 time: RFC 3339 (`2024-04-17T17:18:10Z`, fractions and offsets allowed), or the
/// minute-precision UTC form Zendesk's `*_with_timestamp` placeholders document (`2013-12-12T05:35Z`).
fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%MZ")
                .ok()
                .map(|t| t.and_utc())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_parse_in_every_case_zendesk_writes_them() {
        for (native, canonical) in [
            ("solved", TicketStatus::Resolved),
            ("SOLVED", TicketStatus::Resolved),
            ("Solved", TicketStatus::Resolved),
            ("On-hold", TicketStatus::OnHold),
            ("HOLD", TicketStatus::OnHold),
            ("Closed", TicketStatus::Closed),
            ("Gelöst", TicketStatus::Other("Gelöst".into())),
        ] {
            assert_eq!(status(native), Mapped::new(canonical, native), "{native}");
        }
        assert_eq!(priority("Urgent").canonical, Priority::Urgent);
    }

    #[test]
    fn ids_are_positive_integers_as_numbers_or_strings() {
        assert_eq!(native_id(Some(&Value::from("35436"))), Some(35436));
        assert_eq!(native_id(Some(&Value::from(35436))), Some(35436));
        assert_eq!(native_id(Some(&Value::from("0"))), None);
        assert_eq!(native_id(Some(&Value::from(""))), None);
        assert_eq!(native_id(Some(&Value::Null)), None);
        assert_eq!(subject_id("zen:ticket:42", "zen:ticket:"), Some(42));
    }

    #[test]
    fn times_parse_with_seconds_fractions_or_minutes_only() {
        let minute = parse_time("2013-12-12T05:35Z").unwrap();
        assert_eq!(minute.to_rfc3339(), "2013-12-12T05:35:00+00:00");
        assert!(parse_time("2024-04-17T17:18:09.123456789Z").is_some());
        assert!(parse_time("yesterday").is_none());
    }

    #[test]
    fn the_recommended_trigger_body_is_json() {
        let body: Value = serde_json::from_str(ZendeskWebhooks::RECOMMENDED_TRIGGER_BODY).unwrap();
        assert_eq!(body["support_port"], 1);
        assert!(body["ticket"].is_object());
        assert!(
            include_str!("../README.md").contains(ZendeskWebhooks::RECOMMENDED_TRIGGER_BODY),
            "the README shows the template as it is"
        );
    }
}
