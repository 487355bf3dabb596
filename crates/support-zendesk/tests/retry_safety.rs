//! Retry safety of the Zendesk adapter, observed as the requests Zendesk would receive. Timeouts on
//! reads and on writes without a key are the shared suites' (`simulator_selftest.rs`); what is
//! Zendesk's own (idempotency keys, its builder's redaction, connection errors) stays here.
//!
//! These tests use the real clock: a timeout needs a slow socket, and a paused clock would fire every
//! timer while the runtime waits on one.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use httpmock::prelude::*;
use serde_json::json;
use support_core::http::RetryPolicy;
use support_core::{ErrorKind, NewTicket, SupportPort, TicketQuery};
use support_zendesk::ZendeskPort;

const TOKEN: &str = "t0ken-that-must-not-leak";

fn port(server: &MockServer) -> ZendeskPort {
    ZendeskPort::builder()
        .base_url(server.base_url())
        .api_token("agent@example.com", TOKEN)
        .request_timeout(Some(Duration::from_millis(500)))
        .retry_policy(RetryPolicy {
            initial_backoff: Duration::from_millis(5),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap()
}

fn ticket_json(id: i64) -> serde_json::Value {
    json!({"id": id, "subject": "s", "status": "open", "created_at": "2026-01-05T08:00:00Z", "updated_at": "2026-01-05T08:00:00Z"})
}

#[tokio::test]
async fn create_with_key_is_retried_after_a_timeout_with_the_same_key() {
    let server = MockServer::start_async().await;
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    server
        .mock_async(move |when, then| {
            when.method(POST)
                .path("/api/v2/tickets")
                .header("idempotency-key", "order-991")
                .is_true(move |_| counter.fetch_add(1, Ordering::SeqCst) == 0);
            then.status(201)
                .json_body(json!({"ticket": ticket_json(8)}))
                .delay(Duration::from_millis(3000));
        })
        .await;
    let keyed = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v2/tickets")
                .header("idempotency-key", "order-991");
            then.status(201)
                .json_body(json!({"ticket": ticket_json(8)}));
        })
        .await;
    // Registered last, so it only sees requests without the key: there must be none.
    let unkeyed = server
        .mock_async(|when, then| {
            when.method(POST).path("/api/v2/tickets");
            then.status(500);
        })
        .await;
    let ticket = port(&server)
        .create_ticket(NewTicket::new("s", "d").with_idempotency_key("order-991"))
        .await
        .unwrap();
    assert_eq!(ticket.id.external_id(), "8");
    assert_eq!(
        seen.load(Ordering::SeqCst),
        2,
        "timed out once, then retried with the key"
    );
    keyed.assert_calls_async(1).await;
    unkeyed.assert_calls_async(0).await;
}

#[tokio::test]
async fn no_secret_in_debug_or_errors() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(401).body("Couldn't authenticate you");
        })
        .await;
    let port = port(&server);
    let error = port.list_tickets(TicketQuery::new()).await.unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::Unauthenticated);
    let builder = ZendeskPort::builder()
        .subdomain("acme")
        .api_token("a@b.c", TOKEN);
    let oauth = ZendeskPort::builder()
        .subdomain("acme")
        .oauth_token(TOKEN)
        .build()
        .unwrap();
    for shown in [
        format!("{port:?}"),
        format!("{port:#?}"),
        format!("{builder:?}"),
        format!("{oauth:?}"),
        format!("{error:?}"),
        error.to_string(),
    ] {
        assert!(!shown.contains(TOKEN), "secret shown: {shown}");
    }
}

#[tokio::test]
async fn connection_errors_say_what_to_check() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/api/v2/users/me");
            then.status(401)
                .json_body(json!({"error": "Couldn't authenticate you"}));
        })
        .await;
    let error = port(&server).check_connection().await.unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::Unauthenticated);
    assert!(
        error
            .to_string()
            .contains("check the agent e-mail and API token"),
        "{error}"
    );

    let missing = MockServer::start_async().await;
    let error = port(&missing).check_connection().await.unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::NotFound);
    assert!(error.to_string().contains("check the subdomain"), "{error}");
}

#[tokio::test]
async fn a_comment_whose_answer_lacks_the_comment_is_outcome_unknown_and_sent_once() {
    let server = MockServer::start_async().await;
    // Zendesk applied the update (200) but its audit holds no comment event.
    let put = server
        .mock_async(|when, then| {
            when.method(PUT).path("/api/v2/tickets/7");
            then.status(200).json_body(json!({
                "ticket": ticket_json(7),
                "audit": {"id": 55, "ticket_id": 7, "created_at": "2026-01-05T08:00:00Z", "events": []}
            }));
        })
        .await;
    let zendesk = port(&server);
    let ticket = support_core::CanonicalId::new("zendesk", support_core::ObjectKind::Ticket, "7");
    let error = zendesk
        .add_comment(&ticket, support_core::NewComment::public("Hello"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::OutcomeUnknown, "{error}");
    assert!(error.to_string().contains("applied"), "{error}");
    assert_eq!(put.calls_async().await, 1, "the comment was posted again");

    // A success whose body is not even the documented shape is the same: applied, unreadable.
    let server = MockServer::start_async().await;
    let put = server
        .mock_async(|when, then| {
            when.method(PUT).path("/api/v2/tickets/7");
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"ticket": "not an object"}"#);
        })
        .await;
    let error = port(&server)
        .add_comment(&ticket, support_core::NewComment::public("Hello"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::OutcomeUnknown, "{error}");
    assert_eq!(put.calls_async().await, 1, "the comment was posted again");
}
