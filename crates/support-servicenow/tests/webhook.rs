//! Deliveries of the recommended business rule, authenticated by a shared secret header. The
//! fingerprint below was computed outside this code: `printf '%s' "$body" | sha256sum`.

use proptest::prelude::*;
use reqwest::header::{HeaderMap, HeaderValue};
use support_core::webhook::{Delivery, EventKind, WebhookError, WebhookReceiver, WebhookSecrets};
use support_core::{Priority, TicketStatus, Visibility};
use support_servicenow::ServiceNowWebhooks;

const CASE: &str = "46c6f9efa9fe198101ddf5eed9adf6e7";

/// A case resolved.
const RESOLVED: &str = r#"{"support_port":1,"event":"status_changed","delivery_id":"46c6f9efa9fe198101ddf5eed9adf6e7-7","occurred_at":"2024-03-01 09:30:00","case":{"sys_id":"46c6f9efa9fe198101ddf5eed9adf6e7","number":"CS0001234","short_description":"Printer on fire","state":"6","state_label":"Resolved","previous_state":"10","previous_state_label":"Open","priority":"2","priority_label":"2 - High","assigned_to":"5137153cc611227c000bbd1bd8cd2005","assignment_group":"287ebd7da9fe198100f92cc8d1d2154e","contact":"62826bf03710200044e0bfc8bcbe5df1"}}"#;

/// A comment added; no delivery id.
const COMMENTED: &str = r#"{"support_port":1,"event":"comment_added","case":{"sys_id":"46c6f9efa9fe198101ddf5eed9adf6e7","state":"10","state_label":"Open"},"comment":{"sys_id":"dd000000000000000000000000000001","element":"work_notes","value":"Ordered a new one.","sys_created_on":"2024-03-01 09:50:00","user_sys_id":"5137153cc611227c000bbd1bd8cd2005"}}"#;

/// A minimal update, whose delivery id is its fingerprint.
const UPDATED: &str = r#"{"support_port":1,"event":"ticket_updated","case":{"sys_id":"46c6f9efa9fe198101ddf5eed9adf6e7","state":"10","state_label":"Open"}}"#;
/// `printf '%s' "$UPDATED" | sha256sum`.
const UPDATED_FINGERPRINT: &str =
    "018051fc43839064750c46ae17737a353d4ed338b4af2a8e789e5fc288bbe212";

fn receiver() -> ServiceNowWebhooks {
    ServiceNowWebhooks::shared_secret(
        WebhookSecrets::new("current-secret")
            .unwrap()
            .with("previous-secret")
            .unwrap(),
    )
}

fn headers(secret: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        "x-support-webhook-secret",
        HeaderValue::from_str(secret).unwrap(),
    );
    headers
}

#[test]
fn a_resolution_carries_the_case_and_both_states() {
    let headers = headers("current-secret");
    let event = receiver()
        .receive(&Delivery::now(&headers, RESOLVED.as_bytes()))
        .unwrap();
    assert_eq!(event.kind, EventKind::StatusChanged);
    assert_eq!(event.delivery_id, "46c6f9efa9fe198101ddf5eed9adf6e7-7");
    assert_eq!(event.ticket.as_ref().unwrap().external_id(), CASE);
    let status = event.status.unwrap();
    assert_eq!(
        (status.canonical, &*status.native),
        (TicketStatus::Resolved, "Resolved")
    );
    assert_eq!(event.previous_status.unwrap().canonical, TicketStatus::Open);
    assert_eq!(
        event.occurred_at.unwrap().to_rfc3339(),
        "2024-03-01T09:30:00+00:00"
    );
    let ticket = event.ticket_data.unwrap();
    assert_eq!(ticket.number.as_deref(), Some("CS0001234"));
    assert_eq!(ticket.priority.unwrap().canonical, Priority::High);
    assert_eq!(
        ticket.group.unwrap().external_id(),
        "287ebd7da9fe198100f92cc8d1d2154e"
    );
}

#[test]
fn a_rotated_secret_is_still_accepted_and_comments_are_parsed() {
    let headers = headers("previous-secret");
    let event = receiver()
        .receive(&Delivery::now(&headers, COMMENTED.as_bytes()))
        .unwrap();
    assert_eq!(event.kind, EventKind::CommentAdded);
    let comment = event.comment.unwrap();
    assert_eq!(comment.data.visibility, Visibility::Internal);
    assert_eq!(comment.data.body.text, "Ordered a new one.");
    assert_eq!(comment.parent.unwrap().external_id(), CASE);
}

#[test]
fn a_delivery_without_an_id_is_named_by_its_fingerprint() {
    let headers = headers("current-secret");
    let event = receiver()
        .receive(&Delivery::now(&headers, UPDATED.as_bytes()))
        .unwrap();
    assert_eq!(event.delivery_id, UPDATED_FINGERPRINT);
}

#[test]
fn wrong_or_missing_secrets_and_bad_bodies_are_refused() {
    let wrong = headers("current-secreT");
    assert!(matches!(
        receiver().receive(&Delivery::now(&wrong, RESOLVED.as_bytes())),
        Err(WebhookError::BadSignature)
    ));
    let none = HeaderMap::new();
    assert!(
        receiver()
            .receive(&Delivery::now(&none, RESOLVED.as_bytes()))
            .is_err()
    );
    let right = headers("current-secret");
    assert!(matches!(
        receiver().receive(&Delivery::now(&right, br#"{"case":{}}"#)),
        Err(WebhookError::MalformedBody(_))
    ));
    assert!(
        receiver()
            .receive(&Delivery::now(&right, b"not json"))
            .is_err()
    );
}

proptest! {
    #[test]
    fn no_body_or_header_panics(body in proptest::collection::vec(any::<u8>(), 0..400), header in ".{0,60}") {
        let mut headers = HeaderMap::new();
        if let Ok(value) = HeaderValue::from_str(&header) {
            headers.insert("x-support-webhook-secret", value);
        }
        let _ = receiver().receive(&Delivery::now(&headers, &body));
    }

    #[test]
    fn no_authenticated_json_panics(
        event in "[a-z_]{0,20}",
        state in ".{0,8}",
        id in ".{0,40}",
        comment in proptest::option::of(".{0,20}"),
    ) {
        let mut body = serde_json::json!({
            "event": event,
            "case": {"sys_id": id, "state": state, "state_label": state, "priority": state},
        });
        if let Some(text) = comment {
            body["comment"] = serde_json::json!({"sys_id": text, "element": text, "value": text});
        }
        let headers = headers("current-secret");
        let bytes = body.to_string().into_bytes();
        let _ = receiver().receive(&Delivery::now(&headers, &bytes));
    }
}
