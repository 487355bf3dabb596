//! Connecting: the instance URL, the three credential schemes, and what `check_connection` says
//! is wrong.

use httpmock::prelude::*;
use serde_json::json;
use support_core::{ErrorKind, SupportPort};
use support_zammad::ZammadPort;

const TOKEN: &str = "tok-must-not-leak";

fn me() -> serde_json::Value {
    json!({"id": 3, "login": "agent@example.com", "firstname": "Ada", "lastname": "Agent",
        "email": "agent@example.com", "active": true, "role_ids": [2], "group_ids": {"1": ["full"]}})
}

#[tokio::test]
async fn each_scheme_sends_its_authorization_header_to_users_me() {
    let server = MockServer::start_async().await;
    let cases = [
        (
            ZammadPort::builder().token(TOKEN),
            format!("Token token={TOKEN}"),
        ),
        (
            // base64("ada:pw")
            ZammadPort::builder().basic_auth("ada", "pw"),
            "Basic YWRhOnB3".to_owned(),
        ),
        (
            ZammadPort::builder().bearer_token("oauth-tok"),
            "Bearer oauth-tok".to_owned(),
        ),
    ];
    for (builder, header) in cases {
        let mock = server
            .mock_async(|when, then| {
                when.method(GET)
                    .path("/api/v1/users/me")
                    .header("authorization", header.clone());
                then.status(200).json_body(me());
            })
            .await;
        let port = builder.base_url(server.base_url()).build().unwrap();
        let info = port.check_connection().await.unwrap();
        mock.assert_async().await;
        let user = info.user.unwrap();
        assert_eq!(user.id.to_string(), "zammad:party:3");
        assert_eq!(user.name.as_deref(), Some("Ada Agent"));
        assert_eq!(info.provider, "zammad");
        mock.delete_async().await;
    }
}

#[tokio::test]
async fn rejected_credentials_are_told_from_a_wrong_url() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v1/users/me");
            then.status(401)
                .header("x-failure", "Can't find User for Token")
                .json_body(json!({"error": "Can't find User for Token"}));
        })
        .await;
    let port = ZammadPort::builder()
        .base_url(server.base_url())
        .token(TOKEN)
        .build()
        .unwrap();
    let error = port.check_connection().await.unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::Unauthenticated);
    let text = error.to_string();
    assert!(text.contains("credentials"), "{text}");
    assert!(text.contains("SUPPORT_ZAMMAD_TOKEN"), "{text}");
    assert!(!text.contains(TOKEN), "{text}");
    assert!(!format!("{error:?}").contains(TOKEN));

    let elsewhere = MockServer::start_async().await;
    elsewhere
        .mock_async(|when, then| {
            when.any_request();
            then.status(404).body("<html>Not Found</html>");
        })
        .await;
    let port = ZammadPort::builder()
        .base_url(elsewhere.base_url())
        .token(TOKEN)
        .build()
        .unwrap();
    let error = port.check_connection().await.unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::NotFound);
    let text = error.to_string();
    assert!(text.contains("SUPPORT_ZAMMAD_BASE_URL"), "{text}");
}

#[tokio::test]
async fn disabled_token_access_is_a_credentials_problem() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v1/users/me");
            then.status(403)
                .json_body(json!({"error": "API token access disabled!"}));
        })
        .await;
    let port = ZammadPort::builder()
        .base_url(server.base_url())
        .token(TOKEN)
        .build()
        .unwrap();
    let error = port.check_connection().await.unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::Unauthenticated);
    assert!(
        error.to_string().contains("token access disabled"),
        "{error}"
    );
}

#[tokio::test]
async fn a_success_that_is_not_a_user_is_not_a_zammad() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v1/users/me");
            then.status(200).json_body(json!({"ok": true}));
        })
        .await;
    let port = ZammadPort::builder()
        .base_url(server.base_url())
        .token(TOKEN)
        .build()
        .unwrap();
    let error = port.check_connection().await.unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::Decode);
    assert!(error.to_string().contains("SUPPORT_ZAMMAD_BASE_URL"));
}
