//! `check_connection` says which is wrong, the org's URL or the credentials; the builder's
//! account and OAuth settings.

use httpmock::prelude::*;
use serde_json::json;
use support_core::http::{RetryPolicy, TokenSource};
use support_core::{ErrorKind, SupportPort};
use support_salesforce::SalesforcePort;

const TOKEN: &str = "00Dxx!secret-access-token";

fn port(url: &str) -> SalesforcePort {
    SalesforcePort::builder()
        .instance_url(url)
        .access_token(TOKEN)
        .request_timeout(None)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_refused_session_blames_the_credentials() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/services/data/v64.0/query");
            then.status(401).json_body(json!([
                {"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}
            ]));
        })
        .await;
    let error = port(&server.base_url())
        .check_connection()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::Unauthenticated, "{error}");
    assert_eq!(error.code(), Some("INVALID_SESSION_ID"));
    let text = error.to_string();
    assert!(text.contains("rejected the credentials"), "{text}");
    assert!(!text.contains(TOKEN) && !format!("{error:?}").contains(TOKEN));
}

#[tokio::test]
async fn a_host_that_is_no_salesforce_org_blames_the_url() {
    let server = MockServer::start_async().await;
    let error = port(&server.base_url())
        .check_connection()
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("SUPPORT_SALESFORCE_INSTANCE_URL"),
        "{error}"
    );
}

#[tokio::test]
async fn a_working_org_answers() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/services/data/v64.0/query")
                .query_param("q", "SELECT Id FROM CaseStatus LIMIT 1")
                .header("authorization", format!("Bearer {TOKEN}"));
            then.status(200)
                .header("Sforce-Limit-Info", "api-usage=18/15000")
                .json_body(json!({"totalSize": 1, "done": true, "records": [
                    {"attributes": {"type": "CaseStatus"}, "Id": "01J000000000001AAA"}
                ]}));
        })
        .await;
    let info = port(&server.base_url()).check_connection().await.unwrap();
    assert_eq!(info.provider, "salesforce");
    assert_eq!(info.account.as_deref(), Some("127.0.0.1"));
}

#[test]
fn my_domain_gives_the_url_and_the_token_endpoint() {
    let port = SalesforcePort::builder()
        .my_domain("Acme-Support")
        .oauth(TokenSource::client_credentials("id", "client-secret"))
        .build()
        .unwrap();
    assert_eq!(port.base_url(), "https://acme-support.my.salesforce.com");
    assert!(!format!("{port:?}").contains("client-secret"));
    let error = SalesforcePort::builder()
        .my_domain("acme.my.salesforce.com/x")
        .access_token("t")
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::Configuration, "{error}");
    let error = SalesforcePort::builder()
        .access_token("t")
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("my_domain"), "{error}");
}

#[tokio::test]
async fn without_the_org_url_the_token_answer_names_it() {
    let login = MockServer::start_async().await;
    let org = MockServer::start_async().await;
    let token = login
        .mock_async(|when, then| {
            when.method(POST)
                .path("/services/oauth2/token")
                .body_includes("grant_type=client_credentials");
            then.status(200).json_body(json!({
                "access_token": "org-token", "instance_url": org.base_url(),
                "id": "https://login.salesforce.com/id/00Dxx0000001gPLEAY/005xx000001SwiUAAS",
                "token_type": "Bearer", "issued_at": "1700000000000"
            }));
        })
        .await;
    let query = org
        .mock_async(|when, then| {
            when.method(GET)
                .path("/services/data/v64.0/query")
                .header("authorization", "Bearer org-token");
            then.status(200)
                .json_body(json!({"totalSize": 0, "done": true, "records": []}));
        })
        .await;
    let port = SalesforcePort::builder()
        .oauth(
            TokenSource::client_credentials("id", "secret")
                .token_url(format!("{}/services/oauth2/token", login.base_url())),
        )
        .request_timeout(None)
        .build()
        .unwrap();
    assert_eq!(port.base_url(), "https://login.salesforce.com");
    port.check_connection().await.unwrap();
    assert_eq!(port.base_url(), org.base_url());
    token.assert_calls_async(1).await;
    query.assert_calls_async(1).await;
}
