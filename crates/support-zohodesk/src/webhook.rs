//! Zoho Desk webhooks: authenticated by a shared secret in the subscription URL, parsed into
//! [`WebhookEvent`]s.
//!
//! Zoho Desk signs nothing and lets a subscription set no header (`POST /api/v1/webhooks` takes
//! `url`, `subscriptions`, `ignoreSourceId`, no secret). So the secret travels in the callback URL
//! itself: subscribe `https://hooks.example/zoho?secret=<random>` (HTTPS, as Zoho recommends), and
//! hand the request's URL (or the secret alone) to [`ZohoDeskWebhooks::receive_all_at`] /
//! [`ZohoDeskWebhooks::receive_all`]. Secrets compare in constant time against every configured
//! one, so a secret is rotated by configuring the new one beside the old one, then updating the
//! subscription. The [`WebhookReceiver`] impl reads it from the [`SECRET_HEADER`] header, for a
//! front end that moves it there. The delivery's `orgId` must be the configured organization's
//! when one is configured ([`ZohoDeskWebhooks::for_org`]).
//!
//! A delivery is a JSON array of events, `[{"eventType": "Ticket_Add", "orgId": "...",
//! "eventTime": "...", "payload": {...}, "prevState": {...}}]` (`prevState` on updates only:
//! the changed fields' previous values). Ticket events carry the ticket (`Ticket_Add`,
//! `Ticket_Update`, `Ticket_Delete`, ...), thread and comment events carry the thread or comment
//! with its `ticketId` (`Ticket_Thread_Add`, `Ticket_Comment_Add`, `Ticket_Comment_Update`),
//! contact events the contact. Other types are [`EventKind::Other`] with the type's name. Zoho
//! gives deliveries no id: an event's id is the SHA-256 (lowercase hex) of its JSON text as
//! delivered, so a retried delivery (the same bytes) has the same ids. Answer 200 within 5 seconds; `410 Gone` unsubscribes.

use std::fmt;

use serde_json::Value;
use serde_json::value::RawValue;
use support_core::kit::json;
use support_core::webhook::{
    Delivery, EventKind, WebhookError, WebhookEvent, WebhookReceiver, WebhookSecrets,
    body_fingerprint,
};
use support_core::{CanonicalId, ObjectKind, Operation, TicketStatus};

use crate::{PROVIDER, map};

/// The header the [`WebhookReceiver`] impl reads the shared secret from.
pub const SECRET_HEADER: &str = "x-support-webhook-secret";

/// The query parameter of the callback URL that carries the secret, unless told otherwise.
pub const SECRET_PARAM: &str = "secret";

/// Verifies and parses Zoho Desk webhook deliveries (see the [module docs](self)).
///
/// ```
/// use support_core::webhook::{EventKind, WebhookSecrets};
/// use support_zohodesk::ZohoDeskWebhooks;
///
/// let receiver = ZohoDeskWebhooks::new(WebhookSecrets::new("s3cret-in-url").unwrap());
/// let body = br#"[{"eventType":"Ticket_Add","orgId":"20067890","eventTime":"1717406704000",
///   "payload":{"id":"1892000000042034","subject":"Printer on fire","status":"Open","statusType":"Open"}}]"#;
/// let events = receiver
///     .receive_all_at("https://hooks.example/zoho?secret=s3cret-in-url", body)
///     .unwrap();
/// assert_eq!(events[0].kind, EventKind::TicketCreated);
/// assert_eq!(events[0].ticket.as_ref().unwrap().to_string(), "zohodesk:ticket:1892000000042034");
/// assert!(receiver.receive_all_at("https://hooks.example/zoho?secret=guess", body).is_err());
/// ```
#[derive(Clone)]
pub struct ZohoDeskWebhooks {
    secrets: WebhookSecrets,
    org_id: Option<String>,
    param: String,
}

impl fmt::Debug for ZohoDeskWebhooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ZohoDeskWebhooks")
            .field("org_id", &self.org_id)
            .field("param", &self.param)
            .finish_non_exhaustive()
    }
}

impl ZohoDeskWebhooks {
    /// The environment variable [`ZohoDeskWebhooks::from_env`] reads the secret from.
    pub const ENV_SECRET: &'static str = "SUPPORT_ZOHODESK_WEBHOOK_SECRET";
    /// Another accepted secret (the previous one during a rotation); optional.
    pub const ENV_PREVIOUS_SECRET: &'static str = "SUPPORT_ZOHODESK_WEBHOOK_PREVIOUS_SECRET";

    /// A receiver accepting deliveries whose URL carries one of `secrets`.
    pub fn new(secrets: WebhookSecrets) -> Self {
        Self {
            secrets,
            org_id: None,
            param: SECRET_PARAM.to_owned(),
        }
    }

    /// Accepts only events of this organization (their `orgId`).
    pub fn for_org(mut self, org_id: impl Into<String>) -> Self {
        self.org_id = Some(org_id.into());
        self
    }

    /// Reads the secret from this query parameter of the URL ([`SECRET_PARAM`] unless told).
    pub fn in_param(mut self, name: impl Into<String>) -> Self {
        self.param = name.into();
        self
    }

    /// A receiver from [`ENV_SECRET`](Self::ENV_SECRET) (and
    /// [`ENV_PREVIOUS_SECRET`](Self::ENV_PREVIOUS_SECRET)), for the organization of
    /// `SUPPORT_ZOHODESK_ORG_ID` when set; `None` when the secret is unset or blank.
    pub fn from_env() -> Option<Self> {
        let secret = std::env::var(Self::ENV_SECRET).ok()?;
        let secrets = WebhookSecrets::new(secret).ok()?;
        let secrets = match std::env::var(Self::ENV_PREVIOUS_SECRET) {
            Ok(previous) => secrets.clone().with(previous).unwrap_or(secrets),
            Err(_) => secrets,
        };
        let receiver = Self::new(secrets);
        Some(match std::env::var(crate::ENV_ORG_ID) {
            Ok(org) if !org.trim().is_empty() => receiver.for_org(org.trim()),
            _ => receiver,
        })
    }

    /// The secret the request URL carries (its query parameter, percent-decoded), if any.
    pub fn secret_in_url(&self, url: &str) -> Option<String> {
        let query = url.split_once('?')?.1;
        let query = query.split('#').next().unwrap_or_default();
        query.split('&').find_map(|pair| {
            let (name, value) = pair.split_once('=')?;
            (percent_decode(name)? == self.param).then(|| percent_decode(value))?
        })
    }

    /// Verifies a delivery by the secret its request `url` carries, and parses each event.
    pub fn receive_all_at(
        &self,
        url: &str,
        body: &[u8],
    ) -> Result<Vec<WebhookEvent>, WebhookError> {
        let presented = self.secret_in_url(url).unwrap_or_default();
        self.receive_all(body, &presented)
    }

    /// Verifies the `presented` secret and parses each event of the delivery. Nothing of the body
    /// is read before the secret is checked.
    pub fn receive_all(
        &self,
        body: &[u8],
        presented: &str,
    ) -> Result<Vec<WebhookEvent>, WebhookError> {
        if presented.is_empty() || !self.secrets.matches(presented.as_bytes()) {
            return Err(WebhookError::BadSignature);
        }
        // Each event's own bytes, as Zoho sent them: its id is their SHA-256.
        let trimmed = body.trim_ascii_start();
        let items: Vec<Box<RawValue>> = if trimmed.starts_with(b"{") {
            vec![
                serde_json::from_slice(body)
                    .map_err(|e| WebhookError::MalformedBody(e.to_string()))?,
            ]
        } else {
            serde_json::from_slice(body)
                .map_err(|e| WebhookError::MalformedBody(format!("not an array of events: {e}")))?
        };
        if items.is_empty() {
            return Err(WebhookError::MalformedBody(
                "the delivery holds no event".into(),
            ));
        }
        let mut events = Vec::with_capacity(items.len());
        for raw in items {
            let id = body_fingerprint(raw.get().as_bytes());
            let item: Value = serde_json::from_str(raw.get())
                .map_err(|e| WebhookError::MalformedBody(e.to_string()))?;
            if let (Some(expected), Some(org)) = (&self.org_id, map::id_of(&item, "orgId"))
                && &org != expected
            {
                return Err(WebhookError::BadSignature);
            }
            events.push(event(id, item)?);
        }
        Ok(events)
    }
}

/// The kind of an event type.
fn kind_of(event_type: &str) -> EventKind {
    match event_type {
        "Ticket_Add" => EventKind::TicketCreated,
        "Ticket_Update" => EventKind::TicketUpdated,
        "Ticket_Thread_Add" | "Ticket_Comment_Add" => EventKind::CommentAdded,
        "Contact_Add" => EventKind::ContactCreated,
        "Contact_Update" => EventKind::ContactUpdated,
        other => EventKind::Other(other.to_owned()),
    }
}

/// A time as Zoho writes it in events: epoch milliseconds (number or text) or ISO 8601.
fn event_time(raw: &Value) -> Option<chrono::DateTime<chrono::Utc>> {
    match raw.get("eventTime")? {
        Value::Number(n) => chrono::DateTime::from_timestamp_millis(n.as_i64()?),
        Value::String(s) => match s.trim().parse::<i64>() {
            Ok(millis) => chrono::DateTime::from_timestamp_millis(millis),
            Err(_) => json::parse_time(Some(s)),
        },
        _ => None,
    }
}

fn event(delivery_id: String, item: Value) -> Result<WebhookEvent, WebhookError> {
    let Some(event_type) = json::text(&item, "eventType").filter(|t| !t.trim().is_empty()) else {
        return Err(WebhookError::MalformedBody(
            "an event has no `eventType`".into(),
        ));
    };
    let payload = item.get("payload").cloned().unwrap_or(Value::Null);
    let mut kind = kind_of(&event_type);
    let mut event = WebhookEvent::new(PROVIDER, delivery_id, kind.clone(), Value::Null);
    event.occurred_at = event_time(&item);
    if event_type.starts_with("Ticket_Thread") || event_type.starts_with("Ticket_Comment") {
        if let Some(ticket) = map::id_of(&payload, "ticketId") {
            let ticket = CanonicalId::new(PROVIDER, ObjectKind::Ticket, ticket);
            if event_type.starts_with("Ticket_Comment") {
                event.comment =
                    map::comment(Operation::ListComments, &ticket, payload.clone()).ok();
            }
            event.party = payload
                .get("author")
                .or_else(|| payload.get("commenter"))
                .and_then(|a| map::id_of(a, "id"))
                .map(|id| CanonicalId::new(PROVIDER, ObjectKind::Party, id));
            event.ticket = Some(ticket);
        }
    } else if event_type.starts_with("Ticket_") {
        if let Ok(ticket) = map::ticket(Operation::GetTicket, payload.clone()) {
            let previous = item.get("prevState").filter(|p| p.is_object());
            if let Some(previous) = previous
                && previous.get("status").is_some()
            {
                let before = map::status(previous);
                if event_type == "Ticket_Update" {
                    kind = if ticket.status.canonical == TicketStatus::Closed
                        && before.canonical != TicketStatus::Closed
                    {
                        EventKind::TicketClosed
                    } else if before.native != ticket.status.native {
                        EventKind::StatusChanged
                    } else {
                        kind
                    };
                }
                event.previous_status = Some(before);
            }
            if event_type == "Ticket_Update"
                && kind == EventKind::TicketUpdated
                && previous.is_some_and(|p| p.get("assigneeId").is_some())
            {
                kind = EventKind::TicketAssigned;
            }
            event.status = Some(ticket.status.clone());
            event.party = ticket.assignee.clone();
            event.ticket = Some(ticket.id.clone());
            event.ticket_data = Some(ticket);
        }
    } else if event_type.starts_with("Contact_") {
        event.party =
            map::id_of(&payload, "id").map(|id| CanonicalId::new(PROVIDER, ObjectKind::Party, id));
    }
    event.kind = kind;
    event.raw = item;
    Ok(event)
}

impl WebhookReceiver for ZohoDeskWebhooks {
    fn provider(&self) -> &'static str {
        PROVIDER
    }

    /// The first event of the delivery, the secret read from [`SECRET_HEADER`];
    /// [`ZohoDeskWebhooks::receive_all`] gives every one.
    fn receive(&self, delivery: &Delivery<'_>) -> Result<WebhookEvent, WebhookError> {
        let presented = delivery.header(SECRET_HEADER)?;
        self.receive_all(delivery.body, presented)?
            .into_iter()
            .next()
            .ok_or_else(|| WebhookError::MalformedBody("the delivery holds no event".into()))
    }
}

/// `%XX` and `+` decoded; `None` when it is not UTF-8 or an escape is broken.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = text.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn receiver() -> ZohoDeskWebhooks {
        ZohoDeskWebhooks::new(
            WebhookSecrets::new("new-secret")
                .unwrap()
                .with("old secret")
                .unwrap(),
        )
        .for_org("20067890")
    }

    #[test]
    fn the_secret_is_read_from_the_url_and_any_configured_one_passes() {
        let r = receiver();
        assert_eq!(
            r.secret_in_url("https://h.example/z?a=1&secret=old%20secret#x")
                .as_deref(),
            Some("old secret")
        );
        assert_eq!(r.secret_in_url("https://h.example/z"), None);
        let body = br#"[{"eventType":"Ticket_Add","orgId":"20067890","payload":{"id":"1"}}]"#;
        assert!(
            r.receive_all_at("https://h.example/z?secret=new-secret", body)
                .is_ok()
        );
        assert!(
            r.receive_all_at("https://h.example/z?secret=old+secret", body)
                .is_ok()
        );
        assert_eq!(
            r.receive_all_at("https://h.example/z?secret=new-secre", body)
                .unwrap_err(),
            WebhookError::BadSignature
        );
        assert_eq!(
            r.receive_all_at("https://h.example/z", body).unwrap_err(),
            WebhookError::BadSignature
        );
        let other_org = br#"[{"eventType":"Ticket_Add","orgId":"1","payload":{"id":"1"}}]"#;
        assert_eq!(
            r.receive_all(other_org, "new-secret").unwrap_err(),
            WebhookError::BadSignature
        );
    }
}
