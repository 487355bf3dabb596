//! Connecting: the instance URL, the credentials, and what `check_connection` says is wrong.

use httpmock::prelude::*;
use serde_json::json;
use support_core::{ErrorKind, SupportPort};
use support_servicenow::ServiceNowPort;

const USER: &str = "integration.user";
const PASSWORD: &str = "pw-must-not-leak";

fn port(server: &MockServer) -> ServiceNowPort {
    ServiceNowPort::builder()
        .base_url(server.base_url())
        .basic_auth(USER, PASSWORD)
        .request_timeout(None)
        .build()
        .unwrap()
}

#[test]
fn the_instance_name_gives_its_url_and_a_malformed_one_is_refused() {
    let port = ServiceNowPort::builder()
        .instance("acme")
        .bearer_token("token")
        .build()
        .unwrap();
    assert_eq!(port.base_url(), "https://acme.service-now.com");
    let error = ServiceNowPort::builder()
        .instance("https://acme.service-now.com")
        .bearer_token("token")
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::Configuration);
    let missing = ServiceNowPort::builder()
        .instance("acme")
        .build()
        .unwrap_err();
    assert_eq!(missing.kind(), &ErrorKind::Configuration);
}

#[tokio::test]
async fn the_connection_names_the_user_behind_the_credentials() {
    let server = MockServer::start_async().await;
    // Basic auth: base64("integration.user:pw-must-not-leak").
    let me = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/now/table/sys_user")
                .header(
                    "authorization",
                    "Basic aW50ZWdyYXRpb24udXNlcjpwdy1tdXN0LW5vdC1sZWFr",
                )
                .query_param("sysparm_query", format!("user_name={USER}"))
                .query_param("sysparm_limit", "1");
            then.status(200).json_body(json!({"result": [{
                "sys_id": {"display_value": "6816f79cc0a8016401c5a33be04be441", "value": "6816f79cc0a8016401c5a33be04be441"},
                "user_name": {"display_value": USER, "value": USER},
                "name": {"display_value": "Integration User", "value": "Integration User"},
                "email": {"display_value": "integration@example.com", "value": "integration@example.com"},
                "active": {"display_value": "true", "value": "true"}
            }]}));
        })
        .await;
    let info = port(&server).check_connection().await.unwrap();
    me.assert_async().await;
    let user = info.user.unwrap();
    assert_eq!(user.id.external_id(), "6816f79cc0a8016401c5a33be04be441");
    assert_eq!(user.name.as_deref(), Some("Integration User"));
    assert_eq!(info.provider, "servicenow");
    assert!(info.account.is_some());
}

#[tokio::test]
async fn rejected_credentials_are_told_from_a_wrong_instance() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/now/table/sys_user");
            then.status(401).json_body(json!({"error": {"message": "User Not Authenticated", "detail": "Required to provide Auth information"}, "status": "failure"}));
        })
        .await;
    let error = port(&server).check_connection().await.unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::Unauthenticated);
    let message = error.message().unwrap_or_default();
    assert!(message.contains("SUPPORT_SERVICENOW_PASSWORD"), "{message}");
    assert!(!format!("{error:?}").contains(PASSWORD));

    let elsewhere = MockServer::start_async().await;
    elsewhere
        .mock_async(|when, then| {
            when.any_request();
            then.status(404).body("<html>Not here</html>");
        })
        .await;
    let error = port(&elsewhere).check_connection().await.unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::NotFound);
    let message = error.message().unwrap_or_default();
    assert!(message.contains("SUPPORT_SERVICENOW_INSTANCE"), "{message}");
}
