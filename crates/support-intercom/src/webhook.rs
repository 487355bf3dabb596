//! Intercom webhook deliveries: signature verification, then parsing into [`WebhookEvent`]s.
//!
//! Intercom signs each notification with `X-Hub-Signature: sha1=<hex>`, the HMAC-SHA1 of the raw
//! body under the app's client secret (older per-subscription set-ups used their own hub secret:
//! configure whichever secrets deliveries may be signed with). There is no timestamp: repeated
//! deliveries are recognised by the notification's `id`, which is the event's delivery id.

use serde_json::Value;
use support_core::kit::json;
use support_core::webhook::{
    Delivery, EventKind, WebhookError, WebhookEvent, WebhookReceiver, WebhookSecrets,
};
use support_core::{CanonicalId, ObjectKind, Operation, TicketStatus};

use crate::builder::Mode;
use crate::{CONVERSATIONS_PROVIDER, PROVIDER, map};

/// Verifies and parses Intercom webhook notifications: [`WebhookReceiver`] for Intercom.
///
/// A delivery is accepted only when `X-Hub-Signature` is `sha1=` and the hex HMAC-SHA1 of the raw
/// body under one of the configured secrets; only then is the body parsed as a
/// `notification_event`. Ticket topics (`ticket.*`) name Intercom tickets (`intercom:ticket:…`),
/// conversation topics (`conversation.*`) conversations (`intercom-conversations:ticket:…`), so an
/// event's ids are those of the port that serves the object.
#[derive(Clone, Debug)]
pub struct IntercomWebhooks {
    secrets: WebhookSecrets,
    mode: Mode,
}

impl IntercomWebhooks {
    /// The signature header: `sha1=` + hex(HMAC-SHA1(secret, raw body)).
    pub const SIGNATURE_HEADER: &'static str = "X-Hub-Signature";
    /// The environment variable [`IntercomWebhooks::from_env`] reads the signing secret from (the
    /// app's client secret).
    pub const ENV_SECRET: &'static str = "SUPPORT_INTERCOM_WEBHOOK_SECRET";
    /// The environment variable holding another accepted secret (the previous one during a
    /// rotation, or a legacy hub secret); optional.
    pub const ENV_PREVIOUS_SECRET: &'static str = "SUPPORT_INTERCOM_WEBHOOK_PREVIOUS_SECRET";

    /// A receiver accepting deliveries signed with any of `secrets`, for a port in tickets mode.
    pub fn new(secrets: WebhookSecrets) -> Self {
        Self {
            secrets,
            mode: Mode::Tickets,
        }
    }

    /// The mode of the port the events are for: its provider name is the receiver's.
    pub fn with_mode(mut self, mode: Mode) -> Self {
        self.mode = mode;
        self
    }

    /// A receiver with the secret in [`IntercomWebhooks::ENV_SECRET`] and, when set, the one in
    /// [`IntercomWebhooks::ENV_PREVIOUS_SECRET`]; `None` when the first is unset or blank (a blank
    /// second secret is ignored).
    pub fn from_env() -> Option<Self> {
        let secret = std::env::var(Self::ENV_SECRET).ok()?;
        let secrets = WebhookSecrets::new(secret).ok()?;
        let secrets = match std::env::var(Self::ENV_PREVIOUS_SECRET) {
            Ok(previous) => secrets.clone().with(previous).unwrap_or(secrets),
            Err(_) => secrets,
        };
        Some(Self::new(secrets))
    }

    /// Checks the signature; nothing of the body is read before it passes.
    fn verify(&self, delivery: &Delivery<'_>) -> Result<(), WebhookError> {
        let header = delivery.header(Self::SIGNATURE_HEADER)?.trim();
        let malformed = |reason: &str| WebhookError::MalformedHeader {
            header: Self::SIGNATURE_HEADER,
            reason: reason.to_owned(),
        };
        let hex = match header.split_once('=') {
            Some((scheme, hex)) if scheme.eq_ignore_ascii_case("sha1") => hex,
            _ => return Err(malformed("not `sha1=` followed by the signature")),
        };
        let signature = decode_hex(hex)
            .filter(|bytes| bytes.len() == 20)
            .ok_or_else(|| malformed("not the 40 hexadecimal digits of an HMAC-SHA1"))?;
        if !self.secrets.hmac_sha1_matches(&[delivery.body], &signature) {
            return Err(WebhookError::BadSignature);
        }
        Ok(())
    }
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

impl WebhookReceiver for IntercomWebhooks {
    fn provider(&self) -> &'static str {
        self.mode.provider()
    }

    fn receive(&self, delivery: &Delivery<'_>) -> Result<WebhookEvent, WebhookError> {
        self.verify(delivery)?;
        parse(delivery.json()?)
    }
}

/// What a topic means. Ticket state changes are resolutions when the new state's category is
/// `resolved`.
fn kind_of(topic: &str, status: Option<&TicketStatus>) -> EventKind {
    match topic {
        "ticket.created" | "conversation.user.created" | "conversation.admin.single.created" => {
            EventKind::TicketCreated
        }
        "ticket.state.updated" | "ticket.status.updated" => match status {
            Some(TicketStatus::Resolved) => EventKind::TicketResolved,
            Some(TicketStatus::Closed) => EventKind::TicketClosed,
            _ => EventKind::StatusChanged,
        },
        "ticket.closed" | "conversation.admin.closed" => EventKind::TicketClosed,
        "conversation.admin.snoozed"
        | "conversation.admin.unsnoozed"
        | "conversation.admin.opened" => EventKind::StatusChanged,
        "ticket.admin.assigned"
        | "ticket.team.assigned"
        | "conversation.admin.assigned"
        | "conversation.admin.open.assigned" => EventKind::TicketAssigned,
        "ticket.admin.replied"
        | "ticket.contact.replied"
        | "ticket.note.created"
        | "conversation.user.replied"
        | "conversation.admin.replied"
        | "conversation.admin.noted" => EventKind::CommentAdded,
        "ticket.attribute.updated" | "conversation.priority.updated" => EventKind::TicketUpdated,
        "contact.user.created" | "contact.lead.created" | "user.created" => {
            EventKind::ContactCreated
        }
        other => EventKind::Other(other.to_owned()),
    }
}

/// Parses a verified `notification_event`.
fn parse(raw: Value) -> Result<WebhookEvent, WebhookError> {
    let malformed = |reason: &str| WebhookError::MalformedBody(reason.to_owned());
    if json::text(&raw, "type").as_deref() != Some("notification_event") {
        return Err(malformed("not an Intercom `notification_event`"));
    }
    let id = json::id_text(&raw, "id").ok_or_else(|| malformed("the notification has no `id`"))?;
    let topic =
        json::text(&raw, "topic").ok_or_else(|| malformed("the notification has no `topic`"))?;
    let item = raw
        .get("data")
        .and_then(|d| d.get("item"))
        .filter(|i| i.is_object())
        .cloned();
    let item_type = item.as_ref().and_then(|i| json::text(i, "type"));
    let operation = Operation::GetTicket;
    // The object the notification is about, in the provider name of the port serving it.
    let (provider, ticket_data) = match item_type.as_deref() {
        Some("ticket") => (
            PROVIDER,
            item.clone()
                .and_then(|i| map::ticket(PROVIDER, operation, i).ok()),
        ),
        Some("conversation") => (
            CONVERSATIONS_PROVIDER,
            item.clone()
                .and_then(|i| map::conversation(CONVERSATIONS_PROVIDER, operation, i).ok()),
        ),
        _ if topic.starts_with("conversation.") => (CONVERSATIONS_PROVIDER, None),
        _ => (PROVIDER, None),
    };
    let status = ticket_data.as_ref().map(|t| t.status.clone());
    let kind = kind_of(&topic, status.as_ref().map(|s| &s.canonical));
    let mut event = WebhookEvent::new(provider, id, kind.clone(), Value::Null);
    event.occurred_at = map::unix(&raw, "created_at");
    if let Some(ticket) = ticket_data {
        event.ticket = Some(ticket.id.clone());
        event.status = Some(ticket.status.clone());
        if kind == EventKind::CommentAdded
            && let Some(item) = &item
        {
            event.comment = map::comments(provider, &ticket.id, item).pop();
            event.party = event.comment.as_ref().and_then(|c| c.data.author.clone());
        }
        event.ticket_data = Some(ticket);
    } else if kind == EventKind::ContactCreated
        && let Some(contact) = item.as_ref().and_then(|i| json::id_text(i, "id"))
    {
        event.party = Some(CanonicalId::from_static(
            provider,
            ObjectKind::Party,
            contact,
        ));
    }
    event.raw = raw;
    Ok(event)
}
