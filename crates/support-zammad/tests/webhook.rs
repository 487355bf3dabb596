//! Zammad webhook deliveries, with signatures computed outside this code (`openssl dgst -sha1
//! -hmac <token>` over the body bytes, checked with Python's `hmac`).

use reqwest::header::HeaderMap;
use support_core::webhook::{
    Deduplicator, Delivery, EventKind, WebhookError, WebhookReceiver, WebhookSecrets,
};
use support_core::{AuthorKind, Priority, TicketStatus, Visibility};
use support_zammad::ZammadWebhooks;

/// A comment by the customer, with a file.
const COMMENT_BODY: &str = r#"{"ticket":{"id":7,"number":"31007","title":"Pump failure","state":"open","state_id":2,"priority_id":3,"priority":{"id":3,"name":"3 high"},"owner_id":5,"owner":{"id":5,"firstname":"Ada","lastname":"Agent"},"customer_id":12,"customer":{"id":12,"email":"carl@example.com"},"group_id":1,"group":{"id":1,"name":"Users"},"created_at":"2025-01-20T09:00:00.000Z","updated_at":"2025-01-22T10:46:58.255Z"},"article":{"id":301,"ticket_id":7,"body":"<p>Still broken</p>","content_type":"text/html","internal":false,"sender":"Customer","type":"email","created_by_id":12,"created_at":"2025-01-22T10:46:58.255Z","attachments":[{"id":88,"filename":"photo.jpg","size":"2048","preferences":{"Content-Type":"image/jpeg"},"url":"https://help.example.com/api/v1/ticket_attachment/7/301/88"}]}}"#;
/// HMAC-SHA1 of [`COMMENT_BODY`] keyed with `current-token`.
const COMMENT_SIG_CURRENT: &str = "5020467131b3fc1b3c466fc09ee1413b834664f1";
/// HMAC-SHA1 of [`COMMENT_BODY`] keyed with `previous-token`.
const COMMENT_SIG_PREVIOUS: &str = "cb346537482243b2eb8c0066634550f763fb5096";
/// A ticket just created, no article (`{}`).
const CREATED_BODY: &str = r#"{"ticket":{"id":9,"number":"31009","title":"New one","state":"new","created_at":"2025-01-22T10:00:00.000Z","updated_at":"2025-01-22T10:00:00.000Z","owner_id":1},"article":{}}"#;
/// HMAC-SHA1 of [`CREATED_BODY`] keyed with `current-token`.
const CREATED_SIG_CURRENT: &str = "a7c4bf60ca6f9ca605519a80170e0c331de3fafb";

fn receiver() -> ZammadWebhooks {
    ZammadWebhooks::new(
        WebhookSecrets::new("current-token")
            .unwrap()
            .with("previous-token")
            .unwrap(),
    )
}

fn headers(signature: Option<&str>, delivery: &str, trigger: Option<&str>) -> HeaderMap {
    let mut headers = HeaderMap::new();
    if let Some(signature) = signature {
        headers.insert("x-hub-signature", signature.parse().unwrap());
    }
    headers.insert("x-zammad-delivery", delivery.parse().unwrap());
    if let Some(trigger) = trigger {
        headers.insert("x-zammad-trigger", trigger.parse().unwrap());
    }
    headers
}

#[test]
fn a_signed_comment_delivery_is_parsed() {
    let headers = headers(
        Some(&format!("sha1={COMMENT_SIG_CURRENT}")),
        "d-301",
        Some("notify integration"),
    );
    let event = receiver()
        .receive(&Delivery::now(&headers, COMMENT_BODY.as_bytes()))
        .unwrap();
    assert_eq!(event.kind, EventKind::CommentAdded);
    assert_eq!(event.delivery_id, "d-301");
    assert_eq!(
        event.ticket.as_ref().unwrap().to_string(),
        "zammad:ticket:7"
    );
    let status = event.status.clone().unwrap();
    assert_eq!(
        (status.canonical, &*status.native),
        (TicketStatus::Open, "open")
    );
    let ticket = event.ticket_data.clone().unwrap();
    assert_eq!(ticket.number.as_deref(), Some("31007"));
    assert_eq!(ticket.priority.unwrap().canonical, Priority::High);
    assert_eq!(ticket.assignee.unwrap().to_string(), "zammad:party:5");
    assert_eq!(ticket.requester.unwrap().to_string(), "zammad:party:12");
    let comment = event.comment.clone().unwrap();
    assert_eq!(comment.id.to_string(), "zammad:comment:301");
    assert_eq!(comment.data.visibility, Visibility::Public);
    assert_eq!(
        comment.data.author_kind.unwrap().canonical,
        AuthorKind::Customer
    );
    assert_eq!(comment.data.body.text.trim(), "Still broken");
    let file = &comment.data.attachments[0];
    assert_eq!(file.id.to_string(), "zammad:document:7-301-88");
    assert_eq!(
        file.url.as_deref(),
        Some("https://help.example.com/api/v1/ticket_attachment/7/301/88")
    );
    assert_eq!(event.party.unwrap().to_string(), "zammad:party:12");
}

#[test]
fn the_previous_token_still_verifies_during_a_rotation() {
    let headers = headers(Some(&format!("sha1={COMMENT_SIG_PREVIOUS}")), "d-1", None);
    assert!(
        receiver()
            .receive(&Delivery::now(&headers, COMMENT_BODY.as_bytes()))
            .is_ok()
    );
    let only_current = ZammadWebhooks::new(WebhookSecrets::new("current-token").unwrap());
    assert_eq!(
        only_current
            .receive(&Delivery::now(&headers, COMMENT_BODY.as_bytes()))
            .unwrap_err(),
        WebhookError::BadSignature
    );
}

#[test]
fn tampered_unsigned_or_malformed_deliveries_are_refused() {
    let good = format!("sha1={COMMENT_SIG_CURRENT}");
    let tampered = COMMENT_BODY.replace("Still broken", "Fixed");
    let h = headers(Some(&good), "d-1", None);
    assert_eq!(
        receiver()
            .receive(&Delivery::now(&h, tampered.as_bytes()))
            .unwrap_err(),
        WebhookError::BadSignature
    );
    let h = headers(None, "d-1", None);
    assert!(matches!(
        receiver().receive(&Delivery::now(&h, COMMENT_BODY.as_bytes())),
        Err(WebhookError::MissingHeader(_))
    ));
    for bad in [
        COMMENT_SIG_CURRENT.to_owned(),
        format!("sha256={COMMENT_SIG_CURRENT}"),
        "sha1=xyz".to_owned(),
    ] {
        let h = headers(Some(&bad), "d-1", None);
        assert!(matches!(
            receiver().receive(&Delivery::now(&h, COMMENT_BODY.as_bytes())),
            Err(WebhookError::MalformedHeader { .. })
        ));
    }
}

#[test]
fn a_new_ticket_without_an_article_is_ticket_created_and_unassigned() {
    let h = headers(Some(&format!("sha1={CREATED_SIG_CURRENT}")), "d-9", None);
    let event = receiver()
        .receive(&Delivery::now(&h, CREATED_BODY.as_bytes()))
        .unwrap();
    assert_eq!(event.kind, EventKind::TicketCreated);
    assert!(event.comment.is_none());
    assert_eq!(event.ticket_data.unwrap().assignee, None);
    // A trigger named with the port's vocabulary says the kind.
    let h = headers(
        Some(&format!("sha1={CREATED_SIG_CURRENT}")),
        "d-9",
        Some("ticket_assigned"),
    );
    let event = receiver()
        .receive(&Delivery::now(&h, CREATED_BODY.as_bytes()))
        .unwrap();
    assert_eq!(event.kind, EventKind::TicketAssigned);
}

#[test]
fn a_repeated_delivery_id_is_dropped() {
    let seen = Deduplicator::new(100);
    let h = headers(Some(&format!("sha1={CREATED_SIG_CURRENT}")), "d-9", None);
    let delivery = Delivery::now(&h, CREATED_BODY.as_bytes());
    assert!(receiver().receive_once(&delivery, &seen).unwrap().is_some());
    assert!(receiver().receive_once(&delivery, &seen).unwrap().is_none());
    let other = headers(Some(&format!("sha1={CREATED_SIG_CURRENT}")), "d-10", None);
    assert!(
        receiver()
            .receive_once(&Delivery::now(&other, CREATED_BODY.as_bytes()), &seen)
            .unwrap()
            .is_some()
    );
}
