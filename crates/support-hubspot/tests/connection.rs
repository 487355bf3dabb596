//! `check_connection` on `GET /crm/v3/objects/tickets?limit=1`: which setting is wrong when it
//! fails, the URL or the credentials; and HubSpot's throttling answers.

use httpmock::prelude::*;
use serde_json::json;
use support_core::{CanonicalId, ErrorKind, ObjectKind, SupportPort, TicketLookup};
use support_hubspot::HubSpotPort;

const TOKEN: &str = "pat-na1-0000-must-not-leak";

fn port(base_url: String) -> HubSpotPort {
    HubSpotPort::builder()
        .base_url(base_url)
        .access_token(TOKEN)
        .request_timeout(None)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_readable_ticket_listing_is_a_working_connection() {
    let server = MockServer::start_async().await;
    let list = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/crm/v3/objects/tickets")
                .query_param("limit", "1")
                .header("authorization", format!("Bearer {TOKEN}"));
            then.status(200).json_body(json!({"results": []}));
        })
        .await;
    let info = port(server.base_url()).check_connection().await.unwrap();
    list.assert_async().await;
    assert_eq!(info.provider, "hubspot");
    assert_eq!(info.account.as_deref(), Some("127.0.0.1"));
}

#[tokio::test]
async fn a_refused_token_names_the_token_and_hides_it() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/crm/v3/objects/tickets");
            then.status(401).json_body(json!({"status": "error",
                "message": format!("Authentication credentials not found. {TOKEN}"),
                "correlationId": "c-401", "category": "INVALID_AUTHENTICATION"}));
        })
        .await;
    let error = port(server.base_url())
        .check_connection()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::Unauthenticated);
    assert_eq!(error.code(), Some("INVALID_AUTHENTICATION"));
    assert_eq!(error.request_id(), Some("c-401"));
    let shown = format!("{error} {error:?}");
    assert!(shown.contains("SUPPORT_HUBSPOT_TOKEN"), "{shown}");
    assert!(!shown.contains(TOKEN), "{shown}");
}

#[tokio::test]
async fn another_server_names_the_base_url() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(404).body("<html>no such page</html>");
        })
        .await;
    let error = port(server.base_url())
        .check_connection()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::NotFound);
    assert!(
        error.to_string().contains("SUPPORT_HUBSPOT_BASE_URL"),
        "{error}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_burst_limit_is_retried_and_a_daily_limit_reports_its_reset() {
    let server = MockServer::start_async().await;
    // The ticket properties (read once before a ticket read): the account has no custom ones.
    server
        .mock_async(|when, then| {
            when.method(GET).path("/crm/v3/properties/tickets");
            then.status(200).json_body(json!({"results": []}));
        })
        .await;
    let burst = server
        .mock_async(|when, then| {
            when.method(GET).path("/crm/v3/objects/tickets/1");
            then.status(429)
                .header("x-hubspot-ratelimit-max", "100")
                .header("x-hubspot-ratelimit-remaining", "0")
                .header("x-hubspot-ratelimit-interval-milliseconds", "10000")
                .json_body(json!({"status": "error", "message": "You have reached your ten_secondly_rolling limit.",
                    "errorType": "RATE_LIMIT", "correlationId": "c1", "policyName": "TEN_SECONDLY_ROLLING"}));
        })
        .await;
    let port = port(server.base_url());
    let id = TicketLookup::Id(CanonicalId::new("hubspot", ObjectKind::Ticket, "1"));
    let error = port.get_ticket(&id).await.unwrap_err();
    assert!(
        burst.calls_async().await > 1,
        "a burst limit is waited out and asked again"
    );
    assert!(
        matches!(error.kind(), ErrorKind::RateLimited { .. }),
        "{error}"
    );
    assert_eq!(error.code(), Some("TEN_SECONDLY_ROLLING"));
    burst.delete_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/crm/v3/objects/tickets/1");
            then.status(429)
                .header("x-hubspot-ratelimit-daily", "250000")
                .header("x-hubspot-ratelimit-daily-remaining", "0")
                .json_body(
                    json!({"status": "error", "message": "You have reached your daily limit.",
                    "errorType": "RATE_LIMIT", "correlationId": "c2", "policyName": "DAILY"}),
                );
        })
        .await;
    let error = port.get_ticket(&id).await.unwrap_err();
    assert_eq!(error.code(), Some("DAILY"));
    match error.kind() {
        ErrorKind::RateLimited {
            retry_after: Some(wait),
        } => assert!(
            wait.as_secs() > 0 && wait.as_secs() <= 24 * 60 * 60,
            "{wait:?}"
        ),
        other => panic!("{other:?}"),
    }
}
