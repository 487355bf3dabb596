//! Freshdesk webhook deliveries, built independently of the code under test: the credentials below
//! were base64-encoded and the body fingerprint hashed with Python's `base64` and `hashlib`.

use proptest::prelude::*;
use reqwest::header::{HeaderMap, HeaderValue};
use support_core::webhook::{Delivery, EventKind, WebhookError, WebhookReceiver, WebhookSecrets};
use support_core::{Priority, TicketStatus};
use support_freshdesk::FreshdeskWebhooks;

const BODY: &[u8] =
    br#"{"support_port":1,"event":"ticket_updated","ticket":{"id":"77","status":"Pending","priority":"Urgent"}}"#;
/// hashlib.sha256(BODY).hexdigest()
const BODY_SHA256: &str = "6ecbdc9b1fd3949d9bb7e37cac640a231715030ad13676e4cd4d8adca9e2657a";
/// base64("freshdesk-rule:p4ss-current")
const BASIC_CURRENT: &str = "Basic ZnJlc2hkZXNrLXJ1bGU6cDRzcy1jdXJyZW50";
/// base64("freshdesk-rule:p4ss-previous")
const BASIC_PREVIOUS: &str = "Basic ZnJlc2hkZXNrLXJ1bGU6cDRzcy1wcmV2aW91cw==";
/// base64("freshdesk-rule:wrong")
const BASIC_WRONG_PASSWORD: &str = "Basic ZnJlc2hkZXNrLXJ1bGU6d3Jvbmc=";
/// base64("intruder:p4ss-current")
const BASIC_WRONG_USER: &str = "Basic aW50cnVkZXI6cDRzcy1jdXJyZW50";

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.insert(*name, HeaderValue::from_str(value).unwrap());
    }
    map
}

fn shared() -> FreshdeskWebhooks {
    FreshdeskWebhooks::shared_secret(
        WebhookSecrets::new("s3cret-now")
            .unwrap()
            .with("s3cret-before")
            .unwrap(),
    )
}

fn basic() -> FreshdeskWebhooks {
    FreshdeskWebhooks::basic_auth(
        "freshdesk-rule",
        WebhookSecrets::new("p4ss-current")
            .unwrap()
            .with("p4ss-previous")
            .unwrap(),
    )
}

#[test]
fn a_valid_shared_secret_delivery_is_parsed() {
    let h = headers(&[("x-support-webhook-secret", "s3cret-now")]);
    let event = shared().receive(&Delivery::now(&h, BODY)).unwrap();
    assert_eq!(event.kind, EventKind::TicketUpdated);
    assert_eq!(event.delivery_id, BODY_SHA256);
    assert_eq!(
        event.ticket.as_ref().unwrap().to_string(),
        "freshdesk:ticket:77"
    );
    assert_eq!(
        event.status.as_ref().unwrap().canonical,
        TicketStatus::Pending
    );
    let ticket = event.ticket_data.unwrap();
    assert_eq!(ticket.priority.unwrap().canonical, Priority::Urgent);
    assert_eq!(event.raw["ticket"]["id"], "77");
}

#[test]
fn the_previous_secret_is_still_accepted_during_a_rotation() {
    let h = headers(&[("x-support-webhook-secret", "s3cret-before")]);
    assert!(shared().receive(&Delivery::now(&h, BODY)).is_ok());
    let h = headers(&[("authorization", BASIC_PREVIOUS)]);
    assert!(basic().receive(&Delivery::now(&h, BODY)).is_ok());
}

#[test]
fn wrong_or_missing_secrets_are_rejected() {
    let wrong = headers(&[("x-support-webhook-secret", "s3cret-no")]);
    assert_eq!(
        shared().receive(&Delivery::now(&wrong, BODY)),
        Err(WebhookError::BadSignature)
    );
    let none = HeaderMap::new();
    assert_eq!(
        shared().receive(&Delivery::now(&none, BODY)),
        Err(WebhookError::MissingHeader("x-support-webhook-secret"))
    );
    for header in [BASIC_WRONG_PASSWORD, BASIC_WRONG_USER] {
        let h = headers(&[("authorization", header)]);
        assert_eq!(
            basic().receive(&Delivery::now(&h, BODY)),
            Err(WebhookError::BadSignature)
        );
    }
    assert_eq!(
        basic().receive(&Delivery::now(&none, BODY)),
        Err(WebhookError::MissingHeader("authorization"))
    );
    let garbage = headers(&[("authorization", "Basic !!!")]);
    assert!(matches!(
        basic().receive(&Delivery::now(&garbage, BODY)),
        Err(WebhookError::MalformedHeader {
            header: "authorization",
            ..
        })
    ));
}

#[test]
fn basic_auth_deliveries_are_parsed() {
    let h = headers(&[("authorization", BASIC_CURRENT)]);
    let event = basic().receive(&Delivery::now(&h, BODY)).unwrap();
    assert_eq!(event.kind, EventKind::TicketUpdated);
}

#[test]
fn the_basic_scheme_is_read_in_any_case() {
    // RFC 9110, 11.1: the scheme is case-insensitive; the credentials are BASIC_CURRENT's.
    for scheme in ["BASIC", "basic", "bAsIc"] {
        let value = format!("{scheme} ZnJlc2hkZXNrLXJ1bGU6cDRzcy1jdXJyZW50");
        let h = headers(&[("authorization", &value)]);
        let event = basic().receive(&Delivery::now(&h, BODY));
        assert!(event.is_ok(), "{scheme}: {event:?}");
    }
}

#[test]
fn malformed_bodies_are_rejected_after_authentication() {
    let h = headers(&[("x-support-webhook-secret", "s3cret-now")]);
    for body in [
        &BODY[..BODY.len() - 5],
        b"not json",
        b"[1,2]",
        br#"{"ticket":{"id":"1"}}"#,
    ] {
        assert!(
            matches!(
                shared().receive(&Delivery::now(&h, body)),
                Err(WebhookError::MalformedBody(_))
            ),
            "{}",
            String::from_utf8_lossy(body)
        );
    }
    // Authentication comes first: a bad secret with a bad body is a bad signature.
    let wrong = headers(&[("x-support-webhook-secret", "nope")]);
    assert_eq!(
        shared().receive(&Delivery::now(&wrong, b"not json")),
        Err(WebhookError::BadSignature)
    );
}

#[test]
fn every_recommended_event_name_maps_and_unknown_ones_stay_other() {
    let h = headers(&[("x-support-webhook-secret", "s3cret-now")]);
    for (name, kind) in [
        ("ticket_created", EventKind::TicketCreated),
        ("status_changed", EventKind::StatusChanged),
        ("ticket_resolved", EventKind::TicketResolved),
        ("ticket_closed", EventKind::TicketClosed),
        ("ticket_assigned", EventKind::TicketAssigned),
        ("comment_added", EventKind::CommentAdded),
        ("contact_created", EventKind::ContactCreated),
        ("contact_updated", EventKind::ContactUpdated),
        ("sla_breached", EventKind::Other("sla_breached".into())),
    ] {
        let body = format!(
            r#"{{"event":"{name}","delivery_id":"d-{name}","contact":{{"id":"9","email":"x@y.z"}}}}"#
        );
        let event = shared()
            .receive(&Delivery::now(&h, body.as_bytes()))
            .unwrap();
        assert_eq!(event.kind, kind);
        assert_eq!(event.delivery_id, format!("d-{name}"));
        assert_eq!(event.party.unwrap().to_string(), "freshdesk:party:9");
    }
}

#[test]
fn a_custom_status_label_stays_other() {
    let h = headers(&[("x-support-webhook-secret", "s3cret-now")]);
    let body = br#"{"event":"status_changed","ticket":{"id":"5","status":"Waiting on vendor"}}"#;
    let event = shared().receive(&Delivery::now(&h, body)).unwrap();
    assert_eq!(
        event.status.unwrap().canonical,
        TicketStatus::Other("Waiting on vendor".into())
    );
}

proptest! {
    #[test]
    fn no_body_or_header_panics_the_receiver(body in proptest::collection::vec(any::<u8>(), 0..512), secret in ".{0,40}") {
        let authentic = headers(&[("x-support-webhook-secret", "s3cret-now")]);
        let _ = shared().receive(&Delivery::now(&authentic, &body));
        if let Ok(value) = HeaderValue::from_str(&secret) {
            let mut h = HeaderMap::new();
            h.insert("x-support-webhook-secret", value.clone());
            h.insert("authorization", value);
            let _ = shared().receive(&Delivery::now(&h, &body));
            let _ = basic().receive(&Delivery::now(&h, &body));
        }
    }
}
