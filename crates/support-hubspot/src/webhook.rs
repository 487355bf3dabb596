//! HubSpot webhook deliveries: signature (v3) and timestamp verification, then parsing into a
//! [`WebhookEvent`].
//!
//! HubSpot signs each delivery with `X-HubSpot-Signature-v3`: base64 of HMAC-SHA256, keyed with
//! the app's client secret, over the concatenation of the method (`POST`), the full request URI
//! HubSpot called (the webhook target URL as configured in the app), the raw body, and the
//! `X-HubSpot-Request-Timestamp` header (milliseconds since the epoch). A timestamp older than five
//! minutes is refused. The URI is not in the delivery, so the receiver is configured with it.

use chrono::{TimeZone, Utc};
use serde_json::Value;
use support_core::kit::json;
use support_core::webhook::{
    Delivery, EventKind, Tolerance, WebhookError, WebhookEvent, WebhookReceiver, WebhookSecrets,
};
use support_core::{CanonicalId, ObjectKind};

use crate::PROVIDER;

/// Verifies and parses HubSpot webhook deliveries: [`WebhookReceiver`] for HubSpot.
///
/// A delivery is a JSON array of up to 100 events; the receiver returns the first as the
/// [`WebhookEvent`] and keeps the whole array as its `raw`, so that a caller can read the others.
#[derive(Clone, Debug)]
pub struct HubSpotWebhooks {
    secrets: WebhookSecrets,
    target_uri: String,
    tolerance: Tolerance,
}

impl HubSpotWebhooks {
    /// The signature header: base64(HMAC-SHA256(client secret, method + URI + body + timestamp)).
    pub const SIGNATURE_HEADER: &'static str = "X-HubSpot-Signature-v3";
    /// The timestamp header, milliseconds since the epoch.
    pub const TIMESTAMP_HEADER: &'static str = "X-HubSpot-Request-Timestamp";
    /// The environment variable [`HubSpotWebhooks::from_env`] reads the app's client secret from.
    pub const ENV_SECRET: &'static str = "SUPPORT_HUBSPOT_WEBHOOK_SECRET";
    /// The environment variable holding the webhook target URL as configured in the app.
    pub const ENV_TARGET_URI: &'static str = "SUPPORT_HUBSPOT_WEBHOOK_URL";

    /// A receiver accepting deliveries signed with any of `secrets` (the app's client secret) for
    /// the target URL `target_uri`, exactly as configured in the app (`https://host/path`).
    pub fn new(secrets: WebhookSecrets, target_uri: impl Into<String>) -> Self {
        Self {
            secrets,
            target_uri: target_uri.into(),
            tolerance: Tolerance::default(),
        }
    }

    /// A receiver from [`ENV_SECRET`](Self::ENV_SECRET) and
    /// [`ENV_TARGET_URI`](Self::ENV_TARGET_URI); `None` when either is unset or blank.
    pub fn from_env() -> Option<Self> {
        let secret = std::env::var(Self::ENV_SECRET).ok()?;
        let uri = std::env::var(Self::ENV_TARGET_URI)
            .ok()
            .filter(|u| !u.trim().is_empty())?;
        Some(Self::new(WebhookSecrets::new(secret).ok()?, uri.trim()))
    }

    /// Checks the timestamp and the signature; nothing of the body is read before they pass.
    fn verify(&self, delivery: &Delivery<'_>) -> Result<(), WebhookError> {
        let timestamp = delivery.header(Self::TIMESTAMP_HEADER)?.trim();
        let millis: i64 = timestamp
            .parse()
            .map_err(|_| WebhookError::MalformedHeader {
                header: Self::TIMESTAMP_HEADER,
                reason: "not milliseconds since the epoch".into(),
            })?;
        let at = Utc.timestamp_millis_opt(millis).single().ok_or_else(|| {
            WebhookError::MalformedHeader {
                header: Self::TIMESTAMP_HEADER,
                reason: "out of range".into(),
            }
        })?;
        self.tolerance.check(at, delivery.received_at)?;
        let signature = delivery.header(Self::SIGNATURE_HEADER)?.trim();
        let signature = decode_base64(signature).ok_or_else(|| WebhookError::MalformedHeader {
            header: Self::SIGNATURE_HEADER,
            reason: "not the base64 of an HMAC-SHA256".into(),
        })?;
        let parts: [&[u8]; 4] = [
            b"POST",
            self.target_uri.as_bytes(),
            delivery.body,
            timestamp.as_bytes(),
        ];
        if signature.len() != 32 || !self.secrets.hmac_sha256_matches(&parts, &signature) {
            return Err(WebhookError::BadSignature);
        }
        Ok(())
    }
}

/// Standard base64 (with or without padding).
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut buffer = 0u32;
    let mut bits = 0u32;
    for c in text.trim_end_matches('=').bytes() {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((buffer >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

impl WebhookReceiver for HubSpotWebhooks {
    fn provider(&self) -> &'static str {
        PROVIDER
    }

    fn receive(&self, delivery: &Delivery<'_>) -> Result<WebhookEvent, WebhookError> {
        self.verify(delivery)?;
        parse(delivery.json()?)
    }
}

/// What a subscription type (and changed property) means.
fn kind_of(subscription: &str, property: Option<&str>) -> EventKind {
    match (subscription, property) {
        ("ticket.creation", _) => EventKind::TicketCreated,
        ("ticket.propertyChange", Some("hs_pipeline_stage")) => EventKind::StatusChanged,
        ("ticket.propertyChange", Some("hubspot_owner_id" | "hubspot_team_id")) => {
            EventKind::TicketAssigned
        }
        ("ticket.propertyChange", _) => EventKind::TicketUpdated,
        ("contact.creation", _) => EventKind::ContactCreated,
        ("contact.propertyChange", _) => EventKind::ContactUpdated,
        (other, _) => EventKind::Other(other.to_owned()),
    }
}

/// Parses a verified delivery: an array of events, the first one returned.
fn parse(raw: Value) -> Result<WebhookEvent, WebhookError> {
    let malformed = |reason: &str| WebhookError::MalformedBody(reason.to_owned());
    let first = raw
        .as_array()
        .and_then(|events| events.first())
        .ok_or_else(|| malformed("not a non-empty array of HubSpot events"))?;
    let id =
        json::id_text(first, "eventId").ok_or_else(|| malformed("the event has no `eventId`"))?;
    let subscription = json::text(first, "subscriptionType")
        .ok_or_else(|| malformed("the event has no `subscriptionType`"))?;
    let property = json::text(first, "propertyName");
    let kind = kind_of(&subscription, property.as_deref());
    let object = json::id_text(first, "objectId");
    let occurred_at =
        json::int(first, "occurredAt").and_then(|ms| Utc.timestamp_millis_opt(ms).single());
    let mut event = WebhookEvent::new(PROVIDER, id, kind, Value::Null);
    if subscription.starts_with("ticket.") {
        event.ticket = object.map(|id| CanonicalId::new(PROVIDER, ObjectKind::Ticket, id));
    } else if subscription.starts_with("contact.") {
        event.party = object.map(|id| CanonicalId::new(PROVIDER, ObjectKind::Party, id));
    }
    event.occurred_at = occurred_at;
    event.raw = raw;
    Ok(event)
}
