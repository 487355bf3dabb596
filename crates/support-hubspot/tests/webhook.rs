//! HubSpot's v3 webhook signatures, checked against vectors computed outside this code:
//!
//! ```sh
//! printf '%s' "POST${URI}${BODY}${TIMESTAMP}" \
//!   | openssl dgst -sha256 -hmac "$SECRET" -binary | base64
//! ```
//! (the same value with Python's `hmac` and `base64`).

use chrono::{TimeZone, Utc};
use reqwest::header::{HeaderMap, HeaderValue};
use support_core::webhook::{Delivery, EventKind, WebhookError, WebhookReceiver, WebhookSecrets};
use support_hubspot::HubSpotWebhooks;

const SECRET: &str = "hubspot-client-secret-0123";
const URI: &str = "https://hooks.example.com/hubspot?src=crm";
const BODY: &str = r#"[{"eventId":100,"subscriptionId":200,"portalId":62515,"appId":54321,"occurredAt":1767225600000,"subscriptionType":"ticket.propertyChange","attemptNumber":0,"objectId":512,"propertyName":"hs_pipeline_stage","propertyValue":"4","changeSource":"CRM"}]"#;
const TIMESTAMP: &str = "1767225660000";
/// base64(HMAC-SHA256(SECRET, "POST" + URI + BODY + TIMESTAMP)), by openssl and by Python.
const SIGNATURE: &str = "sQVeoax6TqyY7t116wnFrhrU8dc3gi1UKP87cI7exEg=";

fn receiver() -> HubSpotWebhooks {
    HubSpotWebhooks::new(WebhookSecrets::new(SECRET).unwrap(), URI)
}

fn headers(signature: &str, timestamp: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        "x-hubspot-signature-v3",
        HeaderValue::from_str(signature).unwrap(),
    );
    headers.insert(
        "x-hubspot-request-timestamp",
        HeaderValue::from_str(timestamp).unwrap(),
    );
    headers
}

fn at(seconds_after_timestamp: i64) -> chrono::DateTime<Utc> {
    Utc.timestamp_millis_opt(1_767_225_660_000 + seconds_after_timestamp * 1000)
        .unwrap()
}

#[test]
fn a_signed_delivery_is_accepted_and_parsed() {
    let headers = headers(SIGNATURE, TIMESTAMP);
    let delivery = Delivery {
        headers: &headers,
        body: BODY.as_bytes(),
        received_at: at(30),
    };
    let event = receiver().receive(&delivery).unwrap();
    assert_eq!(event.delivery_id, "100");
    assert_eq!(event.kind, EventKind::StatusChanged);
    assert_eq!(event.ticket.unwrap().to_string(), "hubspot:ticket:512");
    assert_eq!(
        event.occurred_at.unwrap().timestamp_millis(),
        1_767_225_600_000
    );
}

#[test]
fn a_changed_body_uri_or_secret_is_refused() {
    let headers = headers(SIGNATURE, TIMESTAMP);
    let tampered = BODY.replace("\"4\"", "\"3\"");
    let delivery = Delivery {
        headers: &headers,
        body: tampered.as_bytes(),
        received_at: at(1),
    };
    assert_eq!(
        receiver().receive(&delivery).unwrap_err(),
        WebhookError::BadSignature
    );
    let delivery = Delivery {
        headers: &headers,
        body: BODY.as_bytes(),
        received_at: at(1),
    };
    let other_uri = HubSpotWebhooks::new(
        WebhookSecrets::new(SECRET).unwrap(),
        "https://hooks.example.com/hubspot",
    );
    assert_eq!(
        other_uri.receive(&delivery).unwrap_err(),
        WebhookError::BadSignature
    );
    let other_secret = HubSpotWebhooks::new(WebhookSecrets::new("another").unwrap(), URI);
    assert_eq!(
        other_secret.receive(&delivery).unwrap_err(),
        WebhookError::BadSignature
    );
}

#[test]
fn a_timestamp_older_than_five_minutes_is_refused_even_when_signed() {
    let headers = headers(SIGNATURE, TIMESTAMP);
    let delivery = Delivery {
        headers: &headers,
        body: BODY.as_bytes(),
        received_at: at(301),
    };
    assert!(matches!(
        receiver().receive(&delivery).unwrap_err(),
        WebhookError::StaleTimestamp { .. }
    ));
    let missing = HeaderMap::new();
    let delivery = Delivery {
        headers: &missing,
        body: BODY.as_bytes(),
        received_at: at(0),
    };
    assert!(matches!(
        receiver().receive(&delivery).unwrap_err(),
        WebhookError::MissingHeader(_)
    ));
}
