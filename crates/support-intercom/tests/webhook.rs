//! Intercom webhook deliveries, verified with signatures computed outside this code:
//! `printf '%s' "$body" | openssl dgst -sha1 -hmac "$secret"`, pasted below.

use proptest::prelude::*;
use reqwest::header::{HeaderMap, HeaderValue};
use support_core::webhook::{Delivery, EventKind, WebhookError, WebhookReceiver, WebhookSecrets};
use support_core::{AuthorKind, TicketStatus};
use support_intercom::{IntercomWebhooks, Mode};

/// A ticket moved to a resolved state.
const TICKET_BODY: &str = r#"{"type":"notification_event","app_id":"abc123","data":{"type":"notification_event_data","item":{"type":"ticket","id":"494","ticket_id":"37","category":"Customer","ticket_attributes":{"_default_title_":"Printer on fire","_default_description_":"It is on fire"},"ticket_state":{"type":"ticket_state","id":"3","category":"resolved","internal_label":"Resolved","external_label":"Resolved"},"open":false,"created_at":1719492045,"updated_at":1719493000}},"id":"notif_7a1f3c2e-1b2c-4d5e-8f90-1234567890ab","topic":"ticket.state.updated","delivery_status":"pending","delivery_attempts":1,"delivered_at":0,"first_sent_at":1719493001,"created_at":1719493000,"self":null}"#;
/// `openssl dgst -sha1 -hmac 'client-secret-1'` of [`TICKET_BODY`].
const TICKET_SIGNATURE: &str = "sha1=6554d6e5e6ec0456ac4ea668aef5653ab1cee40e";

/// An admin replied in a conversation.
const CONVERSATION_BODY: &str = r#"{"type":"notification_event","app_id":"abc123","data":{"type":"notification_event_data","item":{"type":"conversation","id":"1911149811","state":"open","priority":"not_priority","created_at":1719492045,"updated_at":1719493000,"source":{"type":"conversation","id":"403918391","body":"<p>Hi</p>","author":{"type":"user","id":"6762f0d51bb69f9f2193bb7f"}},"conversation_parts":{"type":"conversation_part.list","total_count":1,"conversation_parts":[{"type":"conversation_part","id":"7775","part_type":"comment","body":"<p>Hello again</p>","created_at":1719493000,"author":{"type":"admin","id":"991267"}}]}}},"id":"notif_b2","topic":"conversation.admin.replied","created_at":1719493000}"#;
/// `openssl dgst -sha1 -hmac 'legacy-hub-secret'` of [`CONVERSATION_BODY`].
const CONVERSATION_SIGNATURE: &str = "sha1=ccf6c94930003257ebb1320e6ad46671082679ff";

fn receiver() -> IntercomWebhooks {
    IntercomWebhooks::new(
        WebhookSecrets::new("client-secret-1")
            .unwrap()
            .with("legacy-hub-secret")
            .unwrap(),
    )
}

fn headers(signature: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("x-hub-signature", HeaderValue::from_str(signature).unwrap());
    headers
}

#[test]
fn a_signed_ticket_notification_becomes_a_resolution() {
    let headers = headers(TICKET_SIGNATURE);
    let event = receiver()
        .receive(&Delivery::now(&headers, TICKET_BODY.as_bytes()))
        .unwrap();
    assert_eq!(event.kind, EventKind::TicketResolved);
    assert_eq!(
        event.delivery_id,
        "notif_7a1f3c2e-1b2c-4d5e-8f90-1234567890ab"
    );
    assert_eq!(event.provider, "intercom");
    assert_eq!(event.ticket.unwrap().to_string(), "intercom:ticket:494");
    assert_eq!(event.status.unwrap().canonical, TicketStatus::Resolved);
    let ticket = event.ticket_data.unwrap();
    assert_eq!(ticket.subject.as_deref(), Some("Printer on fire"));
    assert_eq!(ticket.number.as_deref(), Some("37"));
    assert_eq!(event.occurred_at.unwrap().timestamp(), 1719493000);
    assert_eq!(event.raw["topic"], "ticket.state.updated");
}

#[test]
fn a_conversation_reply_signed_with_a_second_secret_carries_its_comment() {
    let headers = headers(CONVERSATION_SIGNATURE);
    let receiver = receiver().with_mode(Mode::Conversations);
    assert_eq!(receiver.provider(), "intercom-conversations");
    let event = receiver
        .receive(&Delivery::now(&headers, CONVERSATION_BODY.as_bytes()))
        .unwrap();
    assert_eq!(event.kind, EventKind::CommentAdded);
    assert_eq!(event.delivery_id, "notif_b2");
    assert_eq!(
        event.ticket.unwrap().to_string(),
        "intercom-conversations:ticket:1911149811"
    );
    let comment = event.comment.unwrap();
    assert_eq!(comment.external_id(), "7775");
    assert_eq!(comment.data.body.text, "Hello again");
    assert_eq!(
        comment.data.author_kind.unwrap().canonical,
        AuthorKind::Agent
    );
    assert_eq!(
        event.party.unwrap().to_string(),
        "intercom-conversations:party:991267"
    );
}

#[test]
fn forged_altered_and_unsigned_deliveries_are_refused() {
    let only_new = IntercomWebhooks::new(WebhookSecrets::new("another-secret").unwrap());
    let headers_ok = headers(TICKET_SIGNATURE);
    assert_eq!(
        only_new
            .receive(&Delivery::now(&headers_ok, TICKET_BODY.as_bytes()))
            .unwrap_err(),
        WebhookError::BadSignature
    );
    let altered = TICKET_BODY.replace("\"494\"", "\"495\"");
    assert_eq!(
        receiver()
            .receive(&Delivery::now(&headers_ok, altered.as_bytes()))
            .unwrap_err(),
        WebhookError::BadSignature
    );
    assert_eq!(
        receiver()
            .receive(&Delivery::now(&HeaderMap::new(), TICKET_BODY.as_bytes()))
            .unwrap_err(),
        WebhookError::MissingHeader("X-Hub-Signature")
    );
    for bad in [
        "6554d6e5e6ec0456ac4ea668aef5653ab1cee40e",
        "sha256=6554d6e5e6ec0456ac4ea668aef5653ab1cee40e",
        "sha1=6554d6e5",
        "sha1=zz54d6e5e6ec0456ac4ea668aef5653ab1cee40e",
    ] {
        let headers = headers(bad);
        let error = receiver()
            .receive(&Delivery::now(&headers, TICKET_BODY.as_bytes()))
            .unwrap_err();
        assert!(
            matches!(error, WebhookError::MalformedHeader { .. }),
            "{bad}: {error:?}"
        );
    }
}

#[test]
fn the_scheme_prefix_is_read_in_any_case() {
    let headers = headers(&TICKET_SIGNATURE.replace("sha1=", "SHA1="));
    assert!(
        receiver()
            .receive(&Delivery::now(&headers, TICKET_BODY.as_bytes()))
            .is_ok()
    );
}

proptest! {
    #[test]
    fn no_body_or_header_panics(body in proptest::collection::vec(any::<u8>(), 0..400), header in ".{0,60}") {
        let mut headers = HeaderMap::new();
        if let Ok(value) = HeaderValue::from_str(&header) {
            headers.insert("x-hub-signature", value);
        }
        let _ = receiver().receive(&Delivery::now(&headers, &body));
    }
}
