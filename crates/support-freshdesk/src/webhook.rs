//! Freshdesk webhooks: authenticated by a shared secret, parsed from a documented payload template.
//!
//! Freshdesk signs nothing. Its automation rules send webhooks with the "Trigger webhook" action,
//! whose method, URL, headers, credentials and JSON body the rule's author sets. This module defines
//! the scheme the rule should use, and parses what it sends:
//!
//! - **Authentication**, one of:
//!   - a shared secret in a custom header ([`FreshdeskWebhooks::DEFAULT_HEADER`],
//!     `X-Support-Webhook-Secret`), set in the action's custom headers; or
//!   - HTTP Basic credentials set in the action ("Requires authentication" with username and
//!     password).
//!
//!   Either is compared in constant time against every configured secret, so a secret can be rotated
//!   by configuring the new one beside the old one, then updating the rules.
//! - **Payload**: the recommended JSON body below, one rule per event (`event` is fixed per rule):
//!
//! ```json
//! {
//!   "support_port": 1,
//!   "event": "ticket_updated",
//!   "ticket": {
//!     "id": "{{ticket.id}}",
//!     "subject": "{{ticket.subject}}",
//!     "status": "{{ticket.status}}",
//!     "priority": "{{ticket.priority}}",
//!     "tags": "{{ticket.tags}}",
//!     "url": "{{ticket.url}}",
//!     "requester_email": "{{ticket.requester.email}}",
//!     "agent_email": "{{ticket.agent.email}}",
//!     "group": "{{ticket.group.name}}",
//!     "latest_public_comment": "{{ticket.latest_public_comment}}"
//!   }
//! }
//! ```
//!
//! `event` is one of `ticket_created`, `ticket_updated`, `status_changed`, `ticket_resolved`,
//! `ticket_closed`, `ticket_assigned`, `comment_added`, `contact_created`, `contact_updated`; any
//! other value comes back as [`EventKind::Other`]. Placeholders render as text (the status and
//! priority as their labels, `Open`, `High`); empty ones are ignored. Freshdesk gives deliveries no
//! id, so the delivery id is the body's `delivery_id` when the template sets one, else the SHA-256 of
//! the body: a retried delivery repeats the same bytes and so the same id.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;
use support_core::http::authorization_param;
use support_core::webhook::{
    Delivery, EventKind, WebhookError, WebhookEvent, WebhookReceiver, WebhookSecrets,
    body_fingerprint,
};
use support_core::{Mapped, ObjectKind, Priority, TicketStatus};

use crate::PROVIDER;
use crate::map;

/// How deliveries prove they come from the account's automation rules.
#[derive(Clone)]
enum Scheme {
    /// A secret in a custom header.
    Header {
        name: &'static str,
        secrets: WebhookSecrets,
    },
    /// HTTP Basic credentials with this user name; the secrets are the accepted passwords.
    Basic {
        username: String,
        secrets: WebhookSecrets,
    },
}

/// Verifies and parses Freshdesk webhook deliveries (see the [module docs](self) for the scheme).
///
/// ```
/// use support_core::webhook::{Delivery, EventKind, WebhookReceiver, WebhookSecrets};
/// use support_freshdesk::FreshdeskWebhooks;
///
/// let receiver = FreshdeskWebhooks::shared_secret(WebhookSecrets::new("rule-secret").unwrap());
/// let mut headers = reqwest::header::HeaderMap::new();
/// headers.insert("x-support-webhook-secret", "rule-secret".parse().unwrap());
/// let body = br#"{"support_port":1,"event":"ticket_closed","ticket":{"id":"42","status":"Closed"}}"#;
/// let event = receiver.receive(&Delivery::now(&headers, body)).unwrap();
/// assert_eq!(event.kind, EventKind::TicketClosed);
/// assert_eq!(event.ticket.unwrap().to_string(), "freshdesk:ticket:42");
/// ```
#[derive(Clone)]
pub struct FreshdeskWebhooks {
    scheme: Scheme,
}

impl fmt::Debug for FreshdeskWebhooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = match &self.scheme {
            Scheme::Header { name, .. } => format!("header {name}"),
            Scheme::Basic { .. } => "basic auth".to_owned(),
        };
        f.debug_struct("FreshdeskWebhooks")
            .field("scheme", &scheme)
            .finish_non_exhaustive()
    }
}

impl FreshdeskWebhooks {
    /// The header the rule's "Trigger webhook" action sets to the shared secret.
    pub const DEFAULT_HEADER: &'static str = "x-support-webhook-secret";

    /// Deliveries carry one of `secrets` in [`DEFAULT_HEADER`](Self::DEFAULT_HEADER).
    pub fn shared_secret(secrets: WebhookSecrets) -> Self {
        Self {
            scheme: Scheme::Header {
                name: Self::DEFAULT_HEADER,
                secrets,
            },
        }
    }

    /// Reads the shared secret from another header (lower-case name).
    pub fn in_header(mut self, name: &'static str) -> Self {
        if let Scheme::Header { secrets, .. } = self.scheme {
            self.scheme = Scheme::Header { name, secrets };
        }
        self
    }

    /// Deliveries carry HTTP Basic credentials: this user name and one of `passwords`.
    pub fn basic_auth(username: impl Into<String>, passwords: WebhookSecrets) -> Self {
        Self {
            scheme: Scheme::Basic {
                username: username.into(),
                secrets: passwords,
            },
        }
    }

    fn verify(&self, delivery: &Delivery<'_>) -> Result<(), WebhookError> {
        match &self.scheme {
            Scheme::Header { name, secrets } => {
                let presented = delivery.header(name)?;
                if secrets.matches(presented.as_bytes()) {
                    Ok(())
                } else {
                    Err(WebhookError::BadSignature)
                }
            }
            Scheme::Basic { username, secrets } => {
                let header = delivery.header("authorization")?;
                let malformed = |reason: &str| WebhookError::MalformedHeader {
                    header: "authorization",
                    reason: reason.to_owned(),
                };
                // Authentication schemes are case-insensitive: `Basic`, `basic`, `BASIC`.
                let encoded = authorization_param(header, "Basic")
                    .ok_or_else(|| malformed("not Basic credentials"))?;
                let decoded = STANDARD
                    .decode(encoded.trim())
                    .map_err(|_| malformed("not base64"))?;
                let split = decoded
                    .iter()
                    .position(|b| *b == b':')
                    .ok_or_else(|| malformed("no user:password pair"))?;
                let (user, password) = (&decoded[..split], &decoded[split + 1..]);
                let user_ok = subtle_eq(user, username.as_bytes());
                if secrets.matches(password) && user_ok {
                    Ok(())
                } else {
                    Err(WebhookError::BadSignature)
                }
            }
        }
    }
}

fn subtle_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq as _;
    a.ct_eq(b).into()
}

/// A placeholder's text, or `None` when it rendered empty.
fn field<'a>(object: &'a Value, name: &str) -> Option<&'a str> {
    match object.get(name)? {
        Value::String(text) => Some(text.trim()).filter(|t| !t.is_empty()),
        _ => None,
    }
}

/// A status as a rule renders it: a built-in label, a custom label, or a code.
fn status(label: &str) -> Mapped<TicketStatus> {
    let canonical = match label.to_ascii_lowercase().as_str() {
        "open" | "2" => TicketStatus::Open,
        "pending" | "3" => TicketStatus::Pending,
        "resolved" | "4" => TicketStatus::Resolved,
        "closed" | "5" => TicketStatus::Closed,
        _ => TicketStatus::Other(label.to_owned()),
    };
    Mapped::new(canonical, label.to_owned())
}

fn priority(label: &str) -> Mapped<Priority> {
    let canonical = match label.to_ascii_lowercase().as_str() {
        "low" | "1" => Priority::Low,
        "medium" | "2" => Priority::Normal,
        "high" | "3" => Priority::High,
        "urgent" | "4" => Priority::Urgent,
        _ => Priority::Other(label.to_owned()),
    };
    Mapped::new(canonical, label.to_owned())
}

impl WebhookReceiver for FreshdeskWebhooks {
    fn provider(&self) -> &'static str {
        PROVIDER
    }

    fn receive(&self, delivery: &Delivery<'_>) -> Result<WebhookEvent, WebhookError> {
        self.verify(delivery)?;
        let body = delivery.json()?;
        if !body.is_object() {
            return Err(WebhookError::MalformedBody("expected a JSON object".into()));
        }
        let event = field(&body, "event").ok_or_else(|| {
            WebhookError::MalformedBody("no `event`: use the recommended payload template".into())
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
        let ticket = body.get("ticket").cloned().unwrap_or(Value::Null);
        if let Some(id) = field(&ticket, "id").and_then(|id| id.parse::<i64>().ok()) {
            parsed.ticket = Some(map::id(ObjectKind::Ticket, id));
        }
        parsed.status = field(&ticket, "status").map(status);
        if let Some(ticket_id) = parsed.ticket.clone() {
            let mut data = support_core::Ticket::new(
                ticket_id,
                parsed
                    .status
                    .clone()
                    .unwrap_or_else(|| Mapped::new(TicketStatus::Other(String::new()), "")),
                ticket.clone(),
            );
            data.subject = field(&ticket, "subject").map(str::to_owned);
            data.priority = field(&ticket, "priority").map(priority);
            data.tags = field(&ticket, "tags")
                .map(|tags| {
                    tags.split(',')
                        .map(|t| t.trim().to_owned())
                        .filter(|t| !t.is_empty())
                        .collect()
                })
                .unwrap_or_default();
            data.url = field(&ticket, "url").map(str::to_owned);
            parsed.ticket_data = Some(data);
        }
        let contact = body.get("contact").cloned().unwrap_or(Value::Null);
        if let Some(id) = field(&contact, "id").and_then(|id| id.parse::<i64>().ok()) {
            parsed.party = Some(map::id(ObjectKind::Party, id));
            let mut party = support_core::Party::new(
                map::id(ObjectKind::Party, id),
                support_core::PartyRole::Customer,
                contact.clone(),
            );
            party.name = field(&contact, "name").map(str::to_owned);
            party.email = field(&contact, "email").map(str::to_owned);
            parsed.party_data = Some(party);
        }
        parsed.raw = body;
        Ok(parsed)
    }
}
