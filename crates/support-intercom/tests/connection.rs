//! `check_connection` on `GET /me`: the workspace and the admin the token acts as, and which of
//! the settings is wrong when it fails: the URL (region) or the token.

use httpmock::prelude::*;
use serde_json::json;
use support_core::{ErrorKind, SupportPort};
use support_intercom::IntercomPort;

const TOKEN: &str = "dG9rOmEtdG9rZW4tdGhhdC1tdXN0LW5vdC1sZWFr";

fn port(base_url: String) -> IntercomPort {
    IntercomPort::builder()
        .base_url(base_url)
        .access_token(TOKEN)
        .request_timeout(None)
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_workspace_and_admin_come_from_me_with_the_pinned_version() {
    let server = MockServer::start_async().await;
    let me = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/me")
                .header("intercom-version", "2.16")
                .header("authorization", format!("Bearer {TOKEN}"))
                .header("accept", "application/json");
            then.status(200).json_body(json!({
                "type": "admin", "id": "991267460", "email": "ops@example.com", "name": "Ops",
                "away_mode_enabled": false, "has_inbox_seat": true, "team_ids": [],
                "app": {"type": "app", "id_code": "this_is_an_id64_code", "name": "MyApp", "region": "US",
                        "timezone": "America/Los_Angeles", "created_at": 1717022011, "identity_verification": false}
            }));
        })
        .await;
    let info = port(server.base_url()).check_connection().await.unwrap();
    me.assert_async().await;
    assert_eq!(info.provider, "intercom");
    assert_eq!(info.account.as_deref(), Some("this_is_an_id64_code"));
    let admin = info.user.unwrap();
    assert_eq!(admin.id.to_string(), "intercom:party:991267460");
    assert_eq!(admin.email.as_deref(), Some("ops@example.com"));
}

#[tokio::test]
async fn a_conversations_port_names_itself_in_what_it_reads() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/me");
            then.status(200)
                .json_body(json!({"type": "admin", "id": "7", "app": null}));
        })
        .await;
    let port = IntercomPort::builder()
        .base_url(server.base_url())
        .access_token(TOKEN)
        .conversations()
        .build()
        .unwrap();
    let info = port.check_connection().await.unwrap();
    assert_eq!(info.provider, "intercom-conversations");
    // No `app`: the host names the workspace.
    assert_eq!(info.account.as_deref(), Some("127.0.0.1"));
}

#[tokio::test]
async fn a_rejected_token_is_named_as_the_culprit() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/me");
            then.status(401).json_body(json!({
                "type": "error.list", "request_id": "req-401",
                "errors": [{"code": "unauthorized", "message": "Access Token Invalid"}]
            }));
        })
        .await;
    let port = port(server.base_url());
    let error = port.check_connection().await.unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::Unauthenticated);
    assert_eq!(error.code(), Some("unauthorized"));
    assert_eq!(error.request_id(), Some("req-401"));
    let text = error.to_string();
    assert!(
        text.contains("SUPPORT_INTERCOM_TOKEN") && text.contains("the URL answered"),
        "{text}"
    );
    for shown in [text, format!("{error:?}"), format!("{port:?}")] {
        assert!(!shown.contains(TOKEN), "{shown}");
    }
}

#[tokio::test]
async fn a_host_that_is_not_intercom_is_named_as_the_culprit() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(404)
                .header("content-type", "text/html")
                .body("<html>Not here</html>");
        })
        .await;
    let error = port(server.base_url())
        .check_connection()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::NotFound);
    let text = error.to_string();
    assert!(
        text.contains("SUPPORT_INTERCOM_REGION") && text.contains("not Intercom's API"),
        "{text}"
    );
}

#[tokio::test]
async fn an_unreachable_host_is_named_as_the_culprit() {
    // Nothing listens on port 9 of the loopback address.
    let error = port("http://127.0.0.1:9".into())
        .check_connection()
        .await
        .unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::Transport | ErrorKind::Timeout),
        "{error}"
    );
    assert!(error.to_string().contains("could not reach"), "{error}");
}
