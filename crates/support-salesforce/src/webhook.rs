//! Salesforce Outbound Messages: verified, parsed into [`WebhookEvent`]s, and acknowledged.
//!
//! Salesforce signs no HTTP webhooks. A workflow rule, flow or milestone action can send an
//! Outbound Message: a SOAP 1.1 `POST` (`text/xml`) whose body holds `<notifications>` (namespace
//! `http://soap.sforce.com/2005/09/outbound`) with the sending org's `OrganizationId`, an
//! `ActionId`, and 1–100 `<Notification>` elements, each an `<Id>` (the notification's id) and an
//! `<sObject xsi:type="sf:Case">` with the fields the message selects (choose at least `Id`,
//! `Status`, `Priority`, `OwnerId`, `Subject`, `LastModifiedDate`). The receiver answers
//! [`ACK`] with HTTP 200; otherwise Salesforce retries for up to 24 hours. Delivery is
//! at-least-once and unordered: deduplicate on the delivery id, the notification's `Id`.
//!
//! Authenticity (nothing is signed): the message's `OrganizationId` must be the configured org's
//! (15 or 18 characters), and a shared secret must be presented. Outbound Messages cannot set
//! headers, so give the secret in the endpoint URL's query (`https://hooks.example/sf?secret=…`)
//! and hand it to [`SalesforceOutboundMessages::receive_all`]; the [`WebhookReceiver`] impl reads it
//! from the [`SECRET_HEADER`] header, for a front end that moves it there. Secrets compare in
//! constant time against every configured one, so they can be rotated. Salesforce also documents
//! its IP ranges and a client certificate for mutual TLS; check them in front of the receiver.

use std::fmt;

use serde_json::{Map, Value};
use support_core::webhook::{
    Delivery, EventKind, WebhookError, WebhookEvent, WebhookReceiver, WebhookSecrets,
};
use support_core::{CanonicalId, Mapped, ObjectKind};

use crate::{PROVIDER, map, soql};

/// The acknowledgement Salesforce expects, with HTTP 200, for every notification of a message.
pub const ACK: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope \
xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body><notificationsResponse \
xmlns=\"http://soap.sforce.com/2005/09/outbound\"><Ack>true</Ack></notificationsResponse>\
</soapenv:Body></soapenv:Envelope>";

/// The header the [`WebhookReceiver`] impl reads the shared secret from.
pub const SECRET_HEADER: &str = "x-support-webhook-secret";

/// Verifies and parses Outbound Messages of one org (see the [module docs](self)).
#[derive(Clone)]
pub struct SalesforceOutboundMessages {
    organization: String,
    secrets: WebhookSecrets,
}

impl fmt::Debug for SalesforceOutboundMessages {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SalesforceOutboundMessages")
            .field("organization", &self.organization)
            .field("secrets", &self.secrets)
            .finish()
    }
}

impl SalesforceOutboundMessages {
    /// A receiver for the org `organization_id` (15 or 18 characters; `None` if it is not an id)
    /// whose endpoint presents one of `secrets`.
    pub fn new(organization_id: &str, secrets: WebhookSecrets) -> Option<Self> {
        Some(Self {
            organization: soql::id18(organization_id)?,
            secrets,
        })
    }

    /// Verifies a message (the org and the `presented` secret) and parses each of its
    /// notifications. Nothing is parsed before the secret is checked.
    pub fn receive_all(
        &self,
        body: &[u8],
        presented: &str,
    ) -> Result<Vec<WebhookEvent>, WebhookError> {
        if !self.secrets.matches(presented.as_bytes()) {
            return Err(WebhookError::BadSignature);
        }
        let xml = std::str::from_utf8(body)
            .map_err(|_| WebhookError::MalformedBody("the message is not UTF-8".into()))?;
        let notifications = element(xml, "notifications")
            .ok_or_else(|| WebhookError::MalformedBody("no <notifications> element".into()))?;
        let organization = element(notifications, "OrganizationId")
            .map(unescape)
            .and_then(|id| soql::id18(&id));
        if organization.as_deref() != Some(self.organization.as_str()) {
            return Err(WebhookError::BadSignature);
        }
        let action = element(notifications, "ActionId").map(unescape);
        let mut events = Vec::new();
        for notification in elements(notifications, "Notification") {
            let id = element(notification, "Id")
                .map(unescape)
                .filter(|id| !id.is_empty())
                .ok_or_else(|| {
                    WebhookError::MalformedBody("a <Notification> has no <Id>".into())
                })?;
            let object = element(notification, "sObject").ok_or_else(|| {
                WebhookError::MalformedBody("a <Notification> has no <sObject>".into())
            })?;
            let fields = fields(object);
            let mut raw = Map::new();
            raw.insert(
                "OrganizationId".into(),
                Value::from(self.organization.clone()),
            );
            if let Some(action) = &action {
                raw.insert("ActionId".into(), Value::from(action.clone()));
            }
            raw.insert("NotificationId".into(), Value::from(id.clone()));
            raw.insert("sObject".into(), Value::Object(fields.clone()));
            let mut event =
                WebhookEvent::new(PROVIDER, id, EventKind::TicketUpdated, Value::Object(raw));
            let object = Value::Object(fields);
            if let Some(case) = map::record_id(&object, "Id").filter(|id| id.starts_with("500")) {
                event.ticket = Some(CanonicalId::new(PROVIDER, ObjectKind::Ticket, case));
                if let Some(status) = object.get("Status").and_then(Value::as_str) {
                    let closed = object.get("IsClosed").and_then(Value::as_str) == Some("true");
                    let mut mapped = map::status(status, &Default::default());
                    if closed && matches!(mapped.canonical, support_core::TicketStatus::Other(_)) {
                        mapped = Mapped::new(support_core::TicketStatus::Closed, status.to_owned());
                    }
                    event.status = Some(mapped);
                }
            }
            event.occurred_at = map::time(&object, "LastModifiedDate");
            events.push(event);
        }
        if events.is_empty() {
            return Err(WebhookError::MalformedBody(
                "the message holds no <Notification>".into(),
            ));
        }
        Ok(events)
    }
}

impl WebhookReceiver for SalesforceOutboundMessages {
    fn provider(&self) -> &'static str {
        PROVIDER
    }

    /// The first notification of the message; [`SalesforceOutboundMessages::receive_all`] gives
    /// every one (a message holds up to 100).
    fn receive(&self, delivery: &Delivery<'_>) -> Result<WebhookEvent, WebhookError> {
        let presented = delivery.header(SECRET_HEADER)?;
        self.receive_all(delivery.body, presented)?
            .into_iter()
            .next()
            .ok_or_else(|| {
                WebhookError::MalformedBody("the message holds no <Notification>".into())
            })
    }
}

/// The local name of a tag (`sf:Status` -> `Status`).
fn local(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

/// Each element's start tag: (full name, position after `>`, self-closing), in order.
fn start_tags(xml: &str) -> impl Iterator<Item = (&str, usize, usize, bool)> {
    let mut at = 0;
    std::iter::from_fn(move || {
        loop {
            let open = at + xml.get(at..)?.find('<')?;
            let close = open + xml.get(open..)?.find('>')?;
            at = close + 1;
            let tag = xml.get(open + 1..close)?;
            if tag.starts_with(['/', '?', '!']) {
                continue;
            }
            let self_closing = tag.ends_with('/');
            let name = tag
                .split(|c: char| c.is_whitespace() || c == '/')
                .next()
                .unwrap_or_default();
            return Some((name, open, close + 1, self_closing));
        }
    })
}

/// The content of every element named `name` (any prefix) directly or deeply inside `xml`, not
/// nested in one another.
fn elements<'x>(xml: &'x str, name: &str) -> Vec<&'x str> {
    let mut found = Vec::new();
    let mut skip_until = 0;
    for (full, open, content, self_closing) in start_tags(xml) {
        if open < skip_until || local(full) != name {
            continue;
        }
        if self_closing {
            found.push("");
            continue;
        }
        let end_tag = format!("</{full}>");
        if let Some(end) = xml.get(content..).and_then(|rest| rest.find(&end_tag)) {
            if let Some(inner) = xml.get(content..content + end) {
                found.push(inner);
            }
            skip_until = content + end;
        }
    }
    found
}

/// The first element named `name`.
fn element<'x>(xml: &'x str, name: &str) -> Option<&'x str> {
    elements(xml, name).into_iter().next()
}

/// The fields of an `<sObject>`: each child element's text, by local name; `xsi:nil` ones null.
fn fields(object: &str) -> Map<String, Value> {
    let mut fields = Map::new();
    let mut skip_until = 0;
    for (full, open, content, self_closing) in start_tags(object) {
        if open < skip_until {
            continue;
        }
        let value = if self_closing {
            Value::Null
        } else {
            let end_tag = format!("</{full}>");
            match object.get(content..).and_then(|rest| rest.find(&end_tag)) {
                Some(end) => {
                    skip_until = content + end;
                    object
                        .get(content..content + end)
                        .map(|text| Value::from(unescape(text)))
                        .unwrap_or(Value::Null)
                }
                None => continue,
            }
        };
        fields.insert(local(full).to_owned(), value);
    }
    fields
}

/// XML text with its five predefined entities and numeric references decoded.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(rest.get(..amp).unwrap_or_default());
        let after = rest.get(amp..).unwrap_or_default();
        let Some(semi) = after.find(';') else {
            out.push_str(after);
            return out;
        };
        let entity = after.get(1..semi).unwrap_or_default();
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => out.push(c),
            None => out.push_str(after.get(..=semi).unwrap_or_default()),
        }
        rest = after.get(semi + 1..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}
