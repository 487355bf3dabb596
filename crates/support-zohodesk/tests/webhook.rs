//! Zoho Desk webhook deliveries, as Zoho sends them: the shared secret in the subscription URL,
//! and an array of events parsed into `WebhookEvent`s. The expected delivery ids (SHA-256 of each
//! event's bytes) were computed outside this code, with Python's `hashlib`.

use reqwest::header::HeaderMap;
use support_core::webhook::{Delivery, EventKind, WebhookError, WebhookReceiver, WebhookSecrets};
use support_core::{Priority, TicketStatus, Visibility};
use support_zohodesk::ZohoDeskWebhooks;
use support_zohodesk::webhook::SECRET_HEADER;

const BODY: &[u8] = br#"[{"eventType":"Ticket_Update","orgId":"20067890","eventTime":"1717406704000","payload":{"id":"1892000000042034","ticketNumber":"101","subject":"Printer on fire","status":"Closed","statusType":"Closed","priority":"High","assigneeId":"1892000000056007","departmentId":"1892000000006907","createdTime":"2024-06-03T09:45:04.000Z","modifiedTime":"2024-06-03T09:45:04.000Z"},"prevState":{"status":"Open","statusType":"Open"}},{"eventType":"Ticket_Comment_Add","orgId":"20067890","eventTime":"1717406705000","payload":{"id":"1892000000099001","ticketId":"1892000000042034","content":"<div>On it</div>","contentType":"html","isPublic":false,"commentedTime":"2024-06-03T09:45:05.000Z","commenterId":"1892000000056007","commenter":{"id":"1892000000056007","type":"AGENT"}}},{"eventType":"Account_Add","orgId":"20067890","eventTime":"1717406706000","payload":{"id":"77"}}]"#;

/// sha256 of each event's bytes (Python: `hashlib.sha256(part).hexdigest()`).
const IDS: [&str; 3] = [
    "19807ba54c933ab6926f1c85f68936123ec1fab6aad372e5bd80ea910d20175b",
    "d3657fe2bb9ad9ca028738975d9d76141e97cfde2347cba630102cf6e38f3a74",
    "40f38664138c88dc7576ccbf8997396836e83db99b036f226262b9bc7f1e7aff",
];

fn receiver() -> ZohoDeskWebhooks {
    let secrets = WebhookSecrets::new("current-Secret_1")
        .unwrap()
        .with("previous/secret")
        .unwrap();
    ZohoDeskWebhooks::new(secrets).for_org("20067890")
}

#[test]
fn a_delivery_parses_into_one_event_per_item() {
    let events = receiver()
        .receive_all_at("https://hooks.example/zoho?secret=current-Secret_1", BODY)
        .unwrap();
    assert_eq!(events.len(), 3);
    let ids: Vec<&str> = events.iter().map(|e| e.delivery_id.as_str()).collect();
    assert_eq!(ids, IDS);

    let closed = &events[0];
    assert_eq!(closed.kind, EventKind::TicketClosed);
    assert_eq!(
        closed.ticket.as_ref().unwrap().to_string(),
        "zohodesk:ticket:1892000000042034"
    );
    assert_eq!(
        closed.status.as_ref().unwrap().canonical,
        TicketStatus::Closed
    );
    assert_eq!(
        closed.previous_status.as_ref().unwrap().canonical,
        TicketStatus::Open
    );
    let data = closed.ticket_data.as_ref().unwrap();
    assert_eq!(data.priority.as_ref().unwrap().canonical, Priority::High);
    assert_eq!(
        closed.occurred_at.unwrap().to_rfc3339(),
        "2024-06-03T09:25:04+00:00"
    );

    let comment = &events[1];
    assert_eq!(comment.kind, EventKind::CommentAdded);
    assert_eq!(
        comment.ticket.as_ref().unwrap().external_id(),
        "1892000000042034"
    );
    let note = comment.comment.as_ref().unwrap();
    assert_eq!(note.data.visibility, Visibility::Internal);
    assert_eq!(note.data.body.text, "On it");

    assert_eq!(events[2].kind, EventKind::Other("Account_Add".into()));
    assert_eq!(events[2].raw["payload"]["id"], "77");
}

#[test]
fn only_a_configured_secret_of_the_organization_passes() {
    let r = receiver();
    // The previous secret, percent-encoded in the URL, during a rotation.
    assert!(
        r.receive_all_at("https://hooks.example/zoho?secret=previous%2Fsecret", BODY)
            .is_ok()
    );
    for url in [
        "https://hooks.example/zoho",
        "https://hooks.example/zoho?secret=",
        "https://hooks.example/zoho?secret=current-secret_1",
        "https://hooks.example/zoho?token=current-Secret_1",
    ] {
        assert_eq!(
            r.receive_all_at(url, BODY).unwrap_err(),
            WebhookError::BadSignature,
            "{url}"
        );
    }
    let other_org = BODY.to_vec().replace_org();
    assert_eq!(
        r.receive_all(&other_org, "current-Secret_1").unwrap_err(),
        WebhookError::BadSignature
    );
    assert!(matches!(
        r.receive_all(b"{not json", "current-Secret_1").unwrap_err(),
        WebhookError::MalformedBody(_)
    ));
    assert!(matches!(
        r.receive_all(b"[]", "current-Secret_1").unwrap_err(),
        WebhookError::MalformedBody(_)
    ));
}

#[test]
fn the_receiver_trait_reads_the_secret_from_a_header() {
    let r = receiver();
    let mut headers = HeaderMap::new();
    headers.insert(SECRET_HEADER, "current-Secret_1".parse().unwrap());
    let event = r.receive(&Delivery::now(&headers, BODY)).unwrap();
    assert_eq!(event.delivery_id, IDS[0]);
    let empty = HeaderMap::new();
    assert_eq!(
        r.receive(&Delivery::now(&empty, BODY)).unwrap_err(),
        WebhookError::MissingHeader(SECRET_HEADER)
    );
    assert!(!format!("{r:?}").contains("current-Secret_1"));
}

trait ReplaceOrg {
    fn replace_org(self) -> Vec<u8>;
}

impl ReplaceOrg for Vec<u8> {
    fn replace_org(self) -> Vec<u8> {
        String::from_utf8(self)
            .unwrap()
            .replacen("20067890", "11111111", 1)
            .into_bytes()
    }
}
