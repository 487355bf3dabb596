//! `check_connection` says which of the two settings is wrong: the domain or the API key.

use httpmock::prelude::*;
use serde_json::json;
use support_core::{ErrorKind, SupportPort};
use support_freshdesk::FreshdeskPort;

const KEY: &str = "k3y-that-must-not-leak";

fn port(base_url: String) -> FreshdeskPort {
    FreshdeskPort::builder()
        .base_url(base_url)
        .api_key(KEY)
        .request_timeout(None)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_rejected_key_is_named_as_the_culprit() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v2/agents/me");
            then.status(401)
                .json_body(json!({"code": "invalid_credentials", "message": "You have to be logged in to perform this action."}));
        })
        .await;
    let port = port(server.url("/api/v2"));
    let error = port.check_connection().await.unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::Unauthenticated);
    assert_eq!(error.code(), Some("invalid_credentials"));
    let text = error.to_string();
    assert!(
        text.contains("SUPPORT_FRESHDESK_API_KEY") && text.contains("the domain answered"),
        "{text}"
    );
    for shown in [text, format!("{error:?}"), format!("{port:?}")] {
        assert!(!shown.contains(KEY), "{shown}");
    }
}

#[tokio::test]
async fn a_host_that_is_not_a_helpdesk_is_named_as_the_culprit() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(404)
                .header("content-type", "text/html")
                .body("<html>No such helpdesk</html>");
        })
        .await;
    let error = port(server.url("/api/v2"))
        .check_connection()
        .await
        .unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains("SUPPORT_FRESHDESK_DOMAIN") && text.contains("not a Freshdesk helpdesk"),
        "{text}"
    );
}

#[tokio::test]
async fn an_unreachable_domain_is_named_as_the_culprit() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/api/v2", listener.local_addr().unwrap());
    drop(listener);
    let error = port(base).check_connection().await.unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::Transport);
    assert!(
        error.to_string().contains("could not reach")
            && error.to_string().contains("SUPPORT_FRESHDESK_DOMAIN")
    );
}

#[tokio::test]
async fn working_settings_name_the_agent() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v2/agents/me").header("authorization", "Basic azN5LXRoYXQtbXVzdC1ub3QtbGVhazpY");
            then.status(200).json_body(json!({"id": 301, "available": true, "contact": {"name": "Ada Admin", "email": "ada@example.com", "active": true}}));
        })
        .await;
    let info = port(server.url("/api/v2"))
        .check_connection()
        .await
        .unwrap();
    assert_eq!(info.provider, "freshdesk");
    assert_eq!(info.user.unwrap().email.as_deref(), Some("ada@example.com"));
}
