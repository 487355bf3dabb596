//! Zammad webhooks: signature verification, then parsing into [`WebhookEvent`]s.
//!
//! A Zammad webhook (Admin → Webhooks) is sent by a trigger or scheduler job that names it. With a
//! signature token set, each request carries `X-Hub-Signature: sha1=<hex>`, the lowercase hex
//! HMAC-SHA1 of the raw body keyed with that token; `X-Zammad-Trigger` names the trigger and
//! `X-Zammad-Delivery` identifies the delivery (Zammad retries a failed delivery up to 5 times
//! with the same id). There is no timestamp: repeats are recognised by the delivery id
//! ([`ZammadWebhooks::receive_once`]).
//!
//! The default payload is `{"ticket": {...}, "article": {...}}`: the ticket with association names
//! (`state` a name, `priority`, `owner`, `customer`, `group` nested objects) beside the ids, and
//! the article that fired the trigger, or `{}` when there is none. Zammad sends no event name; the
//! kind is the trigger's name when it is one of the port's event names (`ticket_created`,
//! `comment_added`, ...: name triggers so), else read from the payload: an article is
//! `comment_added`, a ticket created at its last update `ticket_created`, a closed or merged state
//! `ticket_closed`, anything else `ticket_updated`.

use std::fmt;

use serde_json::Value;
use support_core::kit::json;
use support_core::webhook::{
    Deduplicator, Delivery, EventKind, WebhookError, WebhookEvent, WebhookReceiver, WebhookSecrets,
    body_fingerprint,
};
use support_core::{CanonicalId, Mapped, ObjectKind, Operation, Priority, TicketStatus};

use crate::{PROVIDER, map};

/// Verifies and parses Zammad webhook deliveries: [`WebhookReceiver`] for Zammad.
///
/// ```
/// use support_core::webhook::{Delivery, EventKind, WebhookReceiver, WebhookSecrets};
/// use support_zammad::ZammadWebhooks;
///
/// let receiver = ZammadWebhooks::new(WebhookSecrets::new("zammad-signature-token").unwrap());
/// let body = br#"{"ticket":{"id":42,"number":"31042","title":"Printer on fire","state":"closed"},"article":{}}"#;
/// let mut headers = reqwest::header::HeaderMap::new();
/// headers.insert(
///     "x-hub-signature",
///     "sha1=438d1ecca14ddecc2da66adf7e6c70e955573c17".parse().unwrap(),
/// );
/// headers.insert("x-zammad-delivery", "5e0a7c5b-delivery".parse().unwrap());
/// let event = receiver.receive(&Delivery::now(&headers, body)).unwrap();
/// assert_eq!(event.kind, EventKind::TicketClosed);
/// assert_eq!(event.delivery_id, "5e0a7c5b-delivery");
/// assert_eq!(event.ticket.unwrap().to_string(), "zammad:ticket:42");
/// ```
#[derive(Clone)]
pub struct ZammadWebhooks {
    secrets: WebhookSecrets,
}

impl fmt::Debug for ZammadWebhooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ZammadWebhooks").finish_non_exhaustive()
    }
}

impl ZammadWebhooks {
    /// The signature header.
    pub const SIGNATURE_HEADER: &'static str = "x-hub-signature";
    /// The delivery id header.
    pub const DELIVERY_HEADER: &'static str = "x-zammad-delivery";
    /// The trigger name header.
    pub const TRIGGER_HEADER: &'static str = "x-zammad-trigger";
    /// The environment variable [`ZammadWebhooks::from_env`] reads the signature token from.
    pub const ENV_SECRET: &'static str = "SUPPORT_ZAMMAD_WEBHOOK_SECRET";
    /// Another accepted token (the previous one during a rotation); optional.
    pub const ENV_PREVIOUS_SECRET: &'static str = "SUPPORT_ZAMMAD_WEBHOOK_PREVIOUS_SECRET";

    /// A receiver accepting deliveries signed with any of `secrets` (the webhooks' signature
    /// tokens).
    pub fn new(secrets: WebhookSecrets) -> Self {
        Self { secrets }
    }

    /// A receiver from [`ENV_SECRET`](Self::ENV_SECRET) (and
    /// [`ENV_PREVIOUS_SECRET`](Self::ENV_PREVIOUS_SECRET)); `None` when it is unset or blank.
    pub fn from_env() -> Option<Self> {
        let secret = std::env::var(Self::ENV_SECRET).ok()?;
        let secrets = WebhookSecrets::new(secret).ok()?;
        let secrets = match std::env::var(Self::ENV_PREVIOUS_SECRET) {
            Ok(previous) => secrets.clone().with(previous).unwrap_or(secrets),
            Err(_) => secrets,
        };
        Some(Self::new(secrets))
    }

    /// Like [`receive`](WebhookReceiver::receive), but `Ok(None)` for a delivery `seen` has had
    /// already (Zammad's retry of a delivery the receiver took, by `X-Zammad-Delivery`).
    pub fn receive_once(
        &self,
        delivery: &Delivery<'_>,
        seen: &Deduplicator,
    ) -> Result<Option<WebhookEvent>, WebhookError> {
        let event = self.receive(delivery)?;
        Ok(seen.first_time(&event.delivery_id).then_some(event))
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
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The canonical status of a state name in a payload (it carries the name, not the type): the
/// seeded names, else `Other(name)`.
fn status_of_name(name: &str) -> TicketStatus {
    match name.to_ascii_lowercase().as_str() {
        "new" => TicketStatus::New,
        "open" => TicketStatus::Open,
        "pending reminder" | "pending close" => TicketStatus::Pending,
        "closed" | "merged" => TicketStatus::Closed,
        _ => TicketStatus::Other(name.to_owned()),
    }
}

/// A nested association's id: `owner_id`, else `owner.id`.
fn association(ticket: &Value, name: &str, kind: ObjectKind) -> Option<CanonicalId> {
    json::int(ticket, &format!("{name}_id"))
        .or_else(|| ticket.get(name).and_then(|o| json::int(o, "id")))
        .filter(|id| !(name == "owner" && *id == map::NOBODY))
        .map(|id| CanonicalId::numeric(PROVIDER, kind, id))
}

impl WebhookReceiver for ZammadWebhooks {
    fn provider(&self) -> &'static str {
        PROVIDER
    }

    fn receive(&self, delivery: &Delivery<'_>) -> Result<WebhookEvent, WebhookError> {
        self.verify(delivery)?;
        let body = delivery.json()?;
        let Some(ticket) = body.get("ticket").filter(|t| t.is_object()) else {
            return Err(WebhookError::MalformedBody(
                "no `ticket` object: use the webhook's default payload".into(),
            ));
        };
        let delivery_id = delivery
            .header(Self::DELIVERY_HEADER)
            .ok()
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(str::to_owned)
            .unwrap_or_else(|| body_fingerprint(delivery.body));
        let article = body
            .get("article")
            .filter(|a| a.as_object().is_some_and(|o| !o.is_empty()));
        let status =
            json::text(ticket, "state").map(|name| Mapped::new(status_of_name(&name), name));
        let trigger = delivery.header(Self::TRIGGER_HEADER).ok().map(str::trim);
        let kind = match trigger.map(EventKind::from_name) {
            Some(EventKind::Other(_)) | None => {
                if article.is_some() {
                    EventKind::CommentAdded
                } else if json::text(ticket, "created_at").is_some()
                    && json::text(ticket, "created_at") == json::text(ticket, "updated_at")
                {
                    EventKind::TicketCreated
                } else if status
                    .as_ref()
                    .is_some_and(|s| s.canonical == TicketStatus::Closed)
                {
                    EventKind::TicketClosed
                } else {
                    EventKind::TicketUpdated
                }
            }
            Some(kind) => kind,
        };
        let mut event = WebhookEvent::new(PROVIDER, delivery_id, kind, Value::Null);
        event.occurred_at = json::time(ticket, "updated_at");
        if let Some(id) = json::int(ticket, "id") {
            let id = CanonicalId::numeric(PROVIDER, ObjectKind::Ticket, id);
            let mut data = support_core::Ticket::new(
                id.clone(),
                status
                    .clone()
                    .unwrap_or_else(|| Mapped::new(TicketStatus::Other(String::new()), "")),
                ticket.clone(),
            );
            data.number = json::id_text(ticket, "number");
            data.subject = json::text(ticket, "title");
            data.priority = ticket
                .get("priority")
                .and_then(|p| json::text(p, "name").or_else(|| p.as_str().map(str::to_owned)))
                .map(|name| {
                    let record = map::PriorityRecord {
                        id: json::int(ticket, "priority_id").unwrap_or_default(),
                        name: name.clone(),
                        active: true,
                    };
                    let canonical: Priority = map::priority_of(&record);
                    Mapped::new(canonical, name)
                });
            data.assignee = association(ticket, "owner", ObjectKind::Party);
            data.requester = association(ticket, "customer", ObjectKind::Party);
            data.group = association(ticket, "group", ObjectKind::Group);
            data.organization = association(ticket, "organization", ObjectKind::Party);
            data.created_at = json::time(ticket, "created_at");
            data.updated_at = json::time(ticket, "updated_at");
            data.sla = map::ticket_sla(ticket);
            if let Some(article) = article {
                event.comment = map::comment(Operation::ListComments, "", &id, article.clone())
                    .ok()
                    .map(|mut comment| {
                        // The payload gives each file's full URL.
                        for file in &mut comment.data.attachments {
                            file.url = json::text(file.raw.value(), "url");
                        }
                        comment
                    });
                event.party = association(article, "created_by", ObjectKind::Party);
            } else {
                event.party = data.assignee.clone();
            }
            event.status = status;
            event.ticket = Some(id);
            event.ticket_data = Some(data);
        }
        event.raw = body;
        Ok(event)
    }
}
