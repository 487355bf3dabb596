//! ServiceNow webhooks: authenticated by a shared secret, parsed from a recommended payload.
//!
//! ServiceNow has no webhooks of its own and signs nothing. An instance notifies others from a
//! business rule (or a Flow Designer flow) that sends an outbound REST message
//! (`sn_ws.RESTMessageV2`), whose URL, headers and body the rule's author writes. This module
//! defines what that message should carry, and parses it:
//!
//! - **Authentication**: a shared secret in the header [`ServiceNowWebhooks::DEFAULT_HEADER`]
//!   (`X-Support-Webhook-Secret`), kept in a system property of the instance and set by the rule
//!   with `request.setRequestHeader(...)`. It is compared in constant time against every
//!   configured secret, so a secret can be rotated by configuring the new one beside the old one,
//!   then changing the property.
//! - **Payload**: the JSON body below (the crate README has the business rule that builds it):
//!
//! ```json
//! {
//!   "support_port": 1,
//!   "event": "status_changed",
//!   "delivery_id": "46c6f9efa9fe198101ddf5eed9adf6e7-7",
//!   "occurred_at": "2024-03-01 09:30:00",
//!   "case": {
//!     "sys_id": "46c6f9efa9fe198101ddf5eed9adf6e7",
//!     "number": "CS0001234",
//!     "short_description": "Printer on fire",
//!     "state": "6", "state_label": "Resolved",
//!     "previous_state": "10", "previous_state_label": "Open",
//!     "priority": "2", "priority_label": "2 - High",
//!     "assigned_to": "5137153cc611227c000bbd1bd8cd2005",
//!     "assignment_group": "287ebd7da9fe198100f92cc8d1d2154e",
//!     "contact": "62826bf03710200044e0bfc8bcbe5df1"
//!   },
//!   "comment": {
//!     "sys_id": "…", "element": "comments", "value": "…",
//!     "sys_created_on": "2024-03-01 09:30:00", "user_sys_id": "…"
//!   }
//! }
//! ```
//!
//! `event` is one of `ticket_created`, `ticket_updated`, `status_changed`, `ticket_resolved`,
//! `ticket_closed`, `ticket_assigned`, `comment_added`; any other value comes back as
//! [`EventKind::Other`]. Values are raw values (`state` `6`, references as `sys_id`s) with the
//! labels beside them; times are UTC `YYYY-MM-DD hh:mm:ss`. `comment` is present only for
//! `comment_added`. The delivery id is `delivery_id` (the rule sends the case's `sys_id` and
//! `sys_mod_count`, so a resent message keeps its id), else the SHA-256 of the body.

use std::fmt;

use serde_json::Value;
use support_core::webhook::{
    Delivery, EventKind, WebhookError, WebhookEvent, WebhookReceiver, WebhookSecrets,
    body_fingerprint,
};
use support_core::{CanonicalId, Mapped, ObjectKind, Priority, TicketStatus};

use crate::{PROVIDER, map};

/// Verifies and parses the outbound REST messages of a ServiceNow business rule (see the
/// [module docs](self) for the scheme).
///
/// ```
/// use support_core::webhook::{Delivery, EventKind, WebhookReceiver, WebhookSecrets};
/// use support_servicenow::ServiceNowWebhooks;
///
/// let receiver = ServiceNowWebhooks::shared_secret(WebhookSecrets::new("rule-secret").unwrap());
/// let mut headers = reqwest::header::HeaderMap::new();
/// headers.insert("x-support-webhook-secret", "rule-secret".parse().unwrap());
/// let body = br#"{"support_port":1,"event":"ticket_closed","case":{"sys_id":"46c6f9efa9fe198101ddf5eed9adf6e7","state":"3","state_label":"Closed"}}"#;
/// let event = receiver.receive(&Delivery::now(&headers, body)).unwrap();
/// assert_eq!(event.kind, EventKind::TicketClosed);
/// assert_eq!(
///     event.ticket.unwrap().to_string(),
///     "servicenow:ticket:46c6f9efa9fe198101ddf5eed9adf6e7"
/// );
/// ```
#[derive(Clone)]
pub struct ServiceNowWebhooks {
    header: &'static str,
    secrets: WebhookSecrets,
}

impl fmt::Debug for ServiceNowWebhooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceNowWebhooks")
            .field("header", &self.header)
            .finish_non_exhaustive()
    }
}

impl ServiceNowWebhooks {
    /// The header the business rule sets to the shared secret.
    pub const DEFAULT_HEADER: &'static str = "x-support-webhook-secret";

    /// Deliveries carry one of `secrets` in [`DEFAULT_HEADER`](Self::DEFAULT_HEADER).
    pub fn shared_secret(secrets: WebhookSecrets) -> Self {
        Self {
            header: Self::DEFAULT_HEADER,
            secrets,
        }
    }

    /// Reads the shared secret from another header (lower-case name).
    pub fn in_header(mut self, name: &'static str) -> Self {
        self.header = name;
        self
    }
}

/// A text member, or `None` when it is absent or empty.
fn field<'a>(object: &'a Value, name: &str) -> Option<&'a str> {
    match object.get(name)? {
        Value::String(text) => Some(text.trim()).filter(|t| !t.is_empty()),
        _ => None,
    }
}

/// A state value with its label (the label is the native value, as on reads).
fn status(value: Option<&str>, label: Option<&str>) -> Option<Mapped<TicketStatus>> {
    let native = label.or(value)?;
    let canonical = value
        .and_then(map::status_of)
        .unwrap_or_else(|| TicketStatus::Other(native.to_owned()));
    Some(Mapped::new(canonical, native.to_owned()))
}

fn reference(object: &Value, name: &str, kind: ObjectKind) -> Option<CanonicalId> {
    field(object, name)
        .filter(|id| map::is_sys_id(id))
        .map(|id| CanonicalId::new(PROVIDER, kind, id))
}

impl WebhookReceiver for ServiceNowWebhooks {
    fn provider(&self) -> &'static str {
        PROVIDER
    }

    fn receive(&self, delivery: &Delivery<'_>) -> Result<WebhookEvent, WebhookError> {
        let presented = delivery.header(self.header)?;
        if !self.secrets.matches(presented.as_bytes()) {
            return Err(WebhookError::BadSignature);
        }
        let body = delivery.json()?;
        if !body.is_object() {
            return Err(WebhookError::MalformedBody("expected a JSON object".into()));
        }
        let event = field(&body, "event").ok_or_else(|| {
            WebhookError::MalformedBody("no `event`: send the recommended payload".into())
        })?;
        let delivery_id = field(&body, "delivery_id")
            .map(str::to_owned)
            .unwrap_or_else(|| body_fingerprint(delivery.body));
        let mut parsed = WebhookEvent::new(
            PROVIDER,
            delivery_id,
            EventKind::from_name(event),
            Value::Null,
        );
        parsed.occurred_at = field(&body, "occurred_at").and_then(map::parse_time);
        let case = body.get("case").cloned().unwrap_or(Value::Null);
        parsed.ticket = reference(&case, "sys_id", ObjectKind::Ticket);
        parsed.status = status(field(&case, "state"), field(&case, "state_label"));
        parsed.previous_status = status(
            field(&case, "previous_state"),
            field(&case, "previous_state_label"),
        );
        if let Some(id) = parsed.ticket.clone() {
            let mut ticket = support_core::Ticket::new(
                id.clone(),
                parsed
                    .status
                    .clone()
                    .unwrap_or_else(|| Mapped::new(TicketStatus::Other(String::new()), "")),
                case.clone(),
            );
            ticket.number = field(&case, "number").map(str::to_owned);
            ticket.subject = field(&case, "short_description").map(str::to_owned);
            ticket.priority = field(&case, "priority").map(|p| {
                let native = field(&case, "priority_label").unwrap_or(p);
                Mapped::new(
                    map::priority_of(p).unwrap_or_else(|| Priority::Other(native.to_owned())),
                    native.to_owned(),
                )
            });
            ticket.assignee = reference(&case, "assigned_to", ObjectKind::Party);
            ticket.group = reference(&case, "assignment_group", ObjectKind::Group);
            ticket.requester = reference(&case, "contact", ObjectKind::Party);
            parsed.party = ticket.assignee.clone();
            parsed.ticket_data = Some(ticket);
            if let Some(entry) = body.get("comment").filter(|c| c.is_object()) {
                parsed.comment = map::comment(&id, entry, Vec::new());
            }
        }
        parsed.raw = body;
        Ok(parsed)
    }
}
