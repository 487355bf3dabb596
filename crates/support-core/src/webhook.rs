//! Verified, normalised webhook events.
//!
//! A provider crate implements [`WebhookReceiver`] for its provider's scheme: it checks the delivery's
//! authenticity on the raw body bytes (an HMAC signature, or a shared secret where the provider signs
//! nothing), enforces a timestamp tolerance where the scheme has a timestamp, and parses the payload
//! into a [`WebhookEvent`]. Anything it cannot verify is rejected with a [`WebhookError`] that says why.
//!
//! Secrets are [`WebhookSecrets`]: several may be valid at once, so a secret can be rotated without
//! rejecting deliveries signed with the old one.

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use hmac::{KeyInit, Mac};
use reqwest::header::HeaderMap;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use subtle::ConstantTimeEq;

use crate::id::CanonicalId;
use crate::model::{CommentRef, Mapped, Party, Ticket, TicketStatus};

/// What happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "raw")]
#[non_exhaustive]
pub enum EventKind {
    /// A ticket was created.
    TicketCreated,
    /// A ticket changed (fields other than those with their own kind).
    TicketUpdated,
    /// A ticket's status changed (to something other than resolved or closed).
    StatusChanged,
    /// A ticket was resolved (solved).
    TicketResolved,
    /// A ticket was closed.
    TicketClosed,
    /// A ticket was assigned to an agent or group.
    TicketAssigned,
    /// A comment, reply or note was added.
    CommentAdded,
    /// A customer / contact was created.
    ContactCreated,
    /// A customer / contact changed.
    ContactUpdated,
    /// An event this crate does not normalise, with the provider's event type.
    Other(String),
}

impl EventKind {
    /// The kind an event's snake_case name names (`ticket_created`, `comment_added`: the names
    /// this enum serialises with), `Other(name)` for any other: how receivers read deliveries whose
    /// body the integrator writes to the port's vocabulary (Freshdesk automations, ServiceNow
    /// outbound messages).
    pub fn from_name(name: &str) -> Self {
        match name {
            "ticket_created" => EventKind::TicketCreated,
            "ticket_updated" => EventKind::TicketUpdated,
            "status_changed" => EventKind::StatusChanged,
            "ticket_resolved" => EventKind::TicketResolved,
            "ticket_closed" => EventKind::TicketClosed,
            "ticket_assigned" => EventKind::TicketAssigned,
            "comment_added" => EventKind::CommentAdded,
            "contact_created" => EventKind::ContactCreated,
            "contact_updated" => EventKind::ContactUpdated,
            other => EventKind::Other(other.to_owned()),
        }
    }
}

/// A verified webhook delivery, normalised.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WebhookEvent {
    /// The provider.
    pub provider: String,
    /// Identifies the delivery: the same event delivered twice has the same id (de-duplicate on it).
    pub delivery_id: String,
    /// What happened.
    pub kind: EventKind,
    /// The ticket concerned.
    pub ticket: Option<CanonicalId>,
    /// The customer or agent concerned (a contact event's contact; otherwise the actor when known).
    pub party: Option<CanonicalId>,
    /// The ticket's status after the event, when the payload carries it.
    pub status: Option<Mapped<TicketStatus>>,
    /// The ticket's status before the event, when the payload carries it.
    pub previous_status: Option<Mapped<TicketStatus>>,
    /// The ticket as the payload describes it, when it carries enough to build one.
    pub ticket_data: Option<Ticket>,
    /// The contact as the payload describes it.
    pub party_data: Option<Party>,
    /// The comment added, for comment events.
    pub comment: Option<CommentRef>,
    /// When it happened (UTC).
    pub occurred_at: Option<DateTime<Utc>>,
    /// The payload, verbatim.
    pub raw: Value,
}

impl WebhookEvent {
    /// An event with only the required parts set; receivers fill the rest.
    pub fn new(
        provider: &str,
        delivery_id: impl Into<String>,
        kind: EventKind,
        raw: Value,
    ) -> Self {
        Self {
            provider: provider.to_owned(),
            delivery_id: delivery_id.into(),
            kind,
            ticket: None,
            party: None,
            status: None,
            previous_status: None,
            ticket_data: None,
            party_data: None,
            comment: None,
            occurred_at: None,
            raw,
        }
    }
}

/// Why a delivery was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// A header the scheme needs is absent.
    #[error("the `{0}` header is missing")]
    MissingHeader(&'static str),
    /// A header is present but unreadable.
    #[error("the `{header}` header is malformed: {reason}")]
    MalformedHeader {
        /// The header.
        header: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The signature or shared secret matches none of the configured secrets.
    #[error("the signature does not match any configured secret")]
    BadSignature,
    /// The delivery's timestamp is older than the tolerance (a replay, or a clock far off).
    #[error("the delivery is {age_secs} s old; at most {tolerance_secs} s is accepted")]
    StaleTimestamp {
        /// How old it is.
        age_secs: i64,
        /// The tolerance.
        tolerance_secs: i64,
    },
    /// The delivery's timestamp is further in the future than the tolerance.
    #[error(
        "the delivery is timestamped {ahead_secs} s in the future; at most {tolerance_secs} s is accepted"
    )]
    FutureTimestamp {
        /// How far ahead it is.
        ahead_secs: i64,
        /// The tolerance.
        tolerance_secs: i64,
    },
    /// The body is not the JSON the scheme expects.
    #[error("the body is malformed: {0}")]
    MalformedBody(String),
}

/// A delivery as received: headers and the raw body bytes, unparsed.
#[derive(Clone, Copy, Debug)]
pub struct Delivery<'a> {
    /// The request headers.
    pub headers: &'a HeaderMap,
    /// The request body, byte for byte (signatures cover these exact bytes).
    pub body: &'a [u8],
    /// When it arrived; timestamps are checked against this.
    pub received_at: DateTime<Utc>,
}

impl<'a> Delivery<'a> {
    /// A delivery received now.
    pub fn now(headers: &'a HeaderMap, body: &'a [u8]) -> Self {
        Self {
            headers,
            body,
            received_at: Utc::now(),
        }
    }

    /// A header's value as text.
    pub fn header(&self, name: &'static str) -> Result<&'a str, WebhookError> {
        let value = self
            .headers
            .get(name)
            .ok_or(WebhookError::MissingHeader(name))?;
        value.to_str().map_err(|_| WebhookError::MalformedHeader {
            header: name,
            reason: "not visible ASCII".into(),
        })
    }

    /// The body as JSON.
    pub fn json(&self) -> Result<Value, WebhookError> {
        serde_json::from_slice(self.body).map_err(|e| WebhookError::MalformedBody(e.to_string()))
    }
}

/// Verifies and parses one provider's deliveries.
pub trait WebhookReceiver: Send + Sync + fmt::Debug {
    /// The provider.
    fn provider(&self) -> &'static str;

    /// Verifies the delivery and parses it. Nothing is parsed before it is verified.
    fn receive(&self, delivery: &Delivery<'_>) -> Result<WebhookEvent, WebhookError>;
}

/// The secrets deliveries may be signed with. The first is current; the others are still accepted
/// during a rotation.
#[derive(Clone)]
pub struct WebhookSecrets(Vec<SecretString>);

impl fmt::Debug for WebhookSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WebhookSecrets([REDACTED; {}])", self.0.len())
    }
}

/// A webhook secret that is empty or only whitespace, refused: anyone could sign (or present) it, so
/// every delivery would pass as authentic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a webhook secret is empty or blank; anyone could forge deliveries with it")]
pub struct BlankSecret;

impl WebhookSecrets {
    /// One secret; an empty or blank one is refused.
    ///
    /// ```
    /// use support_core::webhook::{BlankSecret, WebhookSecrets};
    ///
    /// let secrets = WebhookSecrets::new("current")?.with("previous")?;
    /// assert!(secrets.matches(b"previous"));
    /// assert_eq!(WebhookSecrets::new(" ").unwrap_err(), BlankSecret);
    /// # Ok::<(), BlankSecret>(())
    /// ```
    pub fn new(secret: impl Into<String>) -> Result<Self, BlankSecret> {
        Ok(Self(vec![checked(secret.into())?]))
    }

    /// Also accepts another secret (the previous one, during a rotation); an empty or blank one is
    /// refused.
    pub fn with(mut self, secret: impl Into<String>) -> Result<Self, BlankSecret> {
        self.0.push(checked(secret.into())?);
        Ok(self)
    }

    /// Whether any secret's HMAC-SHA256 over the concatenated parts equals `signature`, compared in
    /// constant time.
    pub fn hmac_sha256_matches(&self, parts: &[&[u8]], signature: &[u8]) -> bool {
        self.0.iter().any(|secret| {
            let Ok(mut mac) =
                hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.expose_secret().as_bytes())
            else {
                return false;
            };
            for part in parts {
                mac.update(part);
            }
            mac.verify_slice(signature).is_ok()
        })
    }

    /// Whether any secret's HMAC-SHA1 over the concatenated parts equals `signature`, compared in
    /// constant time: for schemes that still sign with SHA-1 (Intercom's `X-Hub-Signature`, Help
    /// Scout's and Front's signatures).
    pub fn hmac_sha1_matches(&self, parts: &[&[u8]], signature: &[u8]) -> bool {
        self.0.iter().any(|secret| {
            let Ok(mut mac) =
                hmac::Hmac::<sha1::Sha1>::new_from_slice(secret.expose_secret().as_bytes())
            else {
                return false;
            };
            for part in parts {
                mac.update(part);
            }
            mac.verify_slice(signature).is_ok()
        })
    }

    /// Whether `presented` equals any secret, compared in constant time.
    pub fn matches(&self, presented: &[u8]) -> bool {
        // Every secret is compared, so the time taken does not tell which one matched.
        self.0
            .iter()
            .fold(subtle::Choice::from(0), |found, secret| {
                found | secret.expose_secret().as_bytes().ct_eq(presented)
            })
            .into()
    }
}

fn checked(secret: String) -> Result<SecretString, BlankSecret> {
    if secret.trim().is_empty() {
        return Err(BlankSecret);
    }
    Ok(SecretString::from(secret))
}

/// A stable id for a delivery whose provider gives none: the SHA-256 of its body, in hex. A provider
/// retrying a delivery sends the same bytes, so the repeat gets the same id.
pub fn body_fingerprint(body: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(body)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// How far a delivery's timestamp may be from its arrival.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tolerance(pub Duration);

impl Default for Tolerance {
    /// Five minutes.
    fn default() -> Self {
        Tolerance(Duration::from_secs(300))
    }
}

impl Tolerance {
    /// Accepts `timestamp` when it is within the tolerance of `received_at`, either way.
    pub fn check(
        self,
        timestamp: DateTime<Utc>,
        received_at: DateTime<Utc>,
    ) -> Result<(), WebhookError> {
        let tolerance_secs = i64::try_from(self.0.as_secs()).unwrap_or(i64::MAX);
        let age_secs = (received_at - timestamp).num_seconds();
        if age_secs > tolerance_secs {
            return Err(WebhookError::StaleTimestamp {
                age_secs,
                tolerance_secs,
            });
        }
        if -age_secs > tolerance_secs {
            return Err(WebhookError::FutureTimestamp {
                ahead_secs: -age_secs,
                tolerance_secs,
            });
        }
        Ok(())
    }
}

/// Remembers the last delivery ids seen, to drop repeated deliveries (providers retry until they get
/// a 2xx, so the same event can arrive more than once).
#[derive(Debug)]
pub struct Deduplicator {
    capacity: usize,
    seen: Mutex<(HashSet<String>, VecDeque<String>)>,
}

impl Deduplicator {
    /// Remembers up to `capacity` ids (the oldest are forgotten first).
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            seen: Mutex::new((HashSet::new(), VecDeque::new())),
        }
    }

    /// `true` the first time an id is seen, `false` for a repeat.
    pub fn first_time(&self, delivery_id: &str) -> bool {
        let mut guard = match self.seen.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        let (set, order) = &mut *guard;
        if set.contains(delivery_id) {
            return false;
        }
        set.insert(delivery_id.to_owned());
        order.push_back(delivery_id.to_owned());
        while order.len() > self.capacity {
            if let Some(oldest) = order.pop_front() {
                set.remove(&oldest);
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn event_kinds_are_read_by_the_names_they_serialise_with() {
        for kind in [
            EventKind::TicketCreated,
            EventKind::TicketUpdated,
            EventKind::StatusChanged,
            EventKind::TicketResolved,
            EventKind::TicketClosed,
            EventKind::TicketAssigned,
            EventKind::CommentAdded,
            EventKind::ContactCreated,
            EventKind::ContactUpdated,
        ] {
            let name = serde_json::to_value(&kind).unwrap()["kind"]
                .as_str()
                .unwrap()
                .to_owned();
            assert_eq!(EventKind::from_name(&name), kind);
        }
        assert_eq!(
            EventKind::from_name("case_escalated"),
            EventKind::Other("case_escalated".into())
        );
    }

    use super::*;

    // RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?".
    const RFC4231_MAC: &str = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";

    fn hex(text: &str) -> Vec<u8> {
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn hmac_matches_the_rfc_vector_across_split_parts_and_rotated_secrets() {
        let mac = hex(RFC4231_MAC);
        let secrets = WebhookSecrets::new("new-secret")
            .unwrap()
            .with("Jefe")
            .unwrap();
        assert!(secrets.hmac_sha256_matches(&[b"what do ya want ", b"for nothing?"], &mac));
        assert!(
            !WebhookSecrets::new("new-secret")
                .unwrap()
                .hmac_sha256_matches(&[b"what do ya want for nothing?"], &mac)
        );
        assert!(!secrets.hmac_sha256_matches(&[b"what do ya want for nothing!"], &mac));
        assert!(!secrets.hmac_sha256_matches(&[b"what do ya want for nothing?"], &mac[..31]));
    }

    #[test]
    fn hmac_sha1_matches_a_vector_computed_elsewhere() {
        // `printf '%s' 'The quick brown fox jumps over the lazy dog' | openssl dgst -sha1 -hmac key`
        let mac = hex("de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9");
        let secrets = WebhookSecrets::new("rotated").unwrap().with("key").unwrap();
        assert!(
            secrets.hmac_sha1_matches(&[b"The quick brown fox ", b"jumps over the lazy dog"], &mac)
        );
        assert!(
            !secrets.hmac_sha1_matches(&[b"The quick brown fox jumps over the lazy cat"], &mac)
        );
        assert!(
            !secrets.hmac_sha256_matches(&[b"The quick brown fox jumps over the lazy dog"], &mac)
        );
        assert!(!secrets.hmac_sha1_matches(
            &[b"The quick brown fox jumps over the lazy dog"],
            &mac[..19]
        ));
    }

    #[test]
    fn shared_secrets_compare_exactly() {
        let secrets = WebhookSecrets::new("s3cret").unwrap().with("old").unwrap();
        assert!(secrets.matches(b"s3cret"));
        assert!(secrets.matches(b"old"));
        assert!(!secrets.matches(b"s3cre"));
        assert!(!secrets.matches(b""));
        assert!(!format!("{secrets:?}").contains("s3cret"));
    }

    #[test]
    fn empty_and_blank_secrets_are_refused() {
        for blank in ["", " ", "\t\n"] {
            assert_eq!(
                WebhookSecrets::new(blank).unwrap_err(),
                BlankSecret,
                "{blank:?}"
            );
            let rotating = WebhookSecrets::new("current").unwrap().with(blank);
            assert_eq!(rotating.unwrap_err(), BlankSecret, "{blank:?}");
        }
        // An HMAC under the empty key, which a blank secret would have accepted.
        let secrets = WebhookSecrets::new("current").unwrap();
        assert!(!secrets.matches(b""));
    }

    #[test]
    fn tolerance_rejects_stale_and_future_timestamps() {
        let now = Utc::now();
        let tolerance = Tolerance::default();
        assert!(
            tolerance
                .check(now - chrono::Duration::seconds(299), now)
                .is_ok()
        );
        assert_eq!(
            tolerance.check(now - chrono::Duration::seconds(301), now),
            Err(WebhookError::StaleTimestamp {
                age_secs: 301,
                tolerance_secs: 300
            })
        );
        assert_eq!(
            tolerance.check(now + chrono::Duration::seconds(400), now),
            Err(WebhookError::FutureTimestamp {
                ahead_secs: 400,
                tolerance_secs: 300
            })
        );
    }

    #[test]
    fn fingerprints_are_sha256_hex() {
        // printf 'abc' | sha256sum
        assert_eq!(
            body_fingerprint(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn deduplicator_forgets_the_oldest() {
        let seen = Deduplicator::new(2);
        assert!(seen.first_time("a"));
        assert!(!seen.first_time("a"));
        assert!(seen.first_time("b"));
        assert!(seen.first_time("c"));
        assert!(seen.first_time("a"), "a was forgotten once c arrived");
    }
}
