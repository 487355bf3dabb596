//! OAuth 2.0 tokens that renew themselves, observed at the wire: what the token endpoint and the API
//! see, and what a caller gets.

mod oauth_fixture;

use httpmock::{HttpMockRequest, HttpMockResponse};
use oauth_fixture::*;

#[tokio::test(start_paused = true)]
async fn a_token_is_fetched_once_with_the_grant_and_reused() {
    let server = MockServer::start_async().await;
    let form = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(TOKEN_PATH)
                .header("content-type", "application/x-www-form-urlencoded")
                .header("accept", "application/json")
                .header_missing("authorization")
                .form_urlencoded_tuple("grant_type", "password")
                .form_urlencoded_tuple("client_id", "client-1d")
                .form_urlencoded_tuple("client_secret", SECRET)
                .form_urlencoded_tuple("username", "integration.user")
                .form_urlencoded_tuple("password", PASSWORD)
                .form_urlencoded_tuple("scope", "useraccount");
            then.status(200).json_body(json!({
                "access_token": "tok-1", "refresh_token": "r3fresh-1",
                "scope": "useraccount", "token_type": "Bearer", "expires_in": 1799
            }));
        })
        .await;
    let seen = api(&server, |t| t == "tok-1").await;
    let endpoint = endpoint(&server, password_grant().scope("useraccount"));
    for _ in 0..3 {
        assert_eq!(get(&endpoint).await.unwrap()["token_seen"], "1");
    }
    assert_eq!(form.calls_async().await, 1);
    assert_eq!(seen.load(Ordering::SeqCst), 3);
    let answer = endpoint.runtime().token_source().unwrap().answer().unwrap();
    assert_eq!(answer.scope(), Some("useraccount"));
    assert_eq!(answer.field("expires_in"), Some(&json!(1799)));
    assert_eq!(answer.field("access_token"), None);
    assert_eq!(answer.field("refresh_token"), None);
}

#[tokio::test(start_paused = true)]
async fn a_token_is_renewed_before_it_expires() {
    let server = MockServer::start_async().await;
    let issued = issuing(&server, json!({"expires_in": 3600})).await;
    let seen = api(&server, |t| t.starts_with("tok-")).await;
    let endpoint = endpoint(&server, password_grant());
    assert_eq!(get(&endpoint).await.unwrap()["token_seen"], "1");
    // Within its lifetime less the 60 s margin, the token is kept.
    tokio::time::advance(Duration::from_secs(3500)).await;
    assert_eq!(get(&endpoint).await.unwrap()["token_seen"], "1");
    // Past it, a new one is fetched before the request, which is sent once.
    tokio::time::advance(Duration::from_secs(45)).await;
    assert_eq!(get(&endpoint).await.unwrap()["token_seen"], "2");
    assert_eq!(issued.load(Ordering::SeqCst), 2);
    assert_eq!(seen.load(Ordering::SeqCst), 3);
}

#[tokio::test(start_paused = true)]
async fn a_token_without_expires_in_is_kept_until_the_api_refuses_it() {
    let server = MockServer::start_async().await;
    let issued = issuing(&server, json!({})).await;
    let seen = api(&server, |t| t == "tok-1").await;
    let endpoint = endpoint(
        &server,
        TokenSource::client_credentials("client-1d", SECRET),
    );
    get(&endpoint).await.unwrap();
    tokio::time::advance(Duration::from_secs(10 * 3600)).await;
    get(&endpoint).await.unwrap();
    assert_eq!(issued.load(Ordering::SeqCst), 1);
    assert_eq!(seen.load(Ordering::SeqCst), 2);
}

#[tokio::test(start_paused = true)]
async fn a_refused_token_is_renewed_once_and_even_a_write_is_repeated() {
    let server = MockServer::start_async().await;
    let issued = issuing(&server, json!({"expires_in": 3600})).await;
    // The API revoked tok-1 (a session ended early): only later tokens pass.
    let seen = api(&server, |t| t.starts_with("tok-") && t != "tok-1").await;
    let endpoint = endpoint(&server, password_grant());
    let request = endpoint
        .http()
        .post(server.url("/api/thing"))
        .body(r#"{"short_description":"printer on fire"}"#)
        .build()
        .unwrap();
    let created = endpoint
        .runtime()
        .send_json(endpoint.http(), Operation::CreateTicket, request)
        .await
        .unwrap();
    assert_eq!(created["token_seen"], "2");
    assert_eq!(issued.load(Ordering::SeqCst), 2);
    assert_eq!(
        seen.load(Ordering::SeqCst),
        2,
        "refused once, then processed once"
    );
    // The new token is kept.
    assert_eq!(get(&endpoint).await.unwrap()["token_seen"], "2");
    assert_eq!(issued.load(Ordering::SeqCst), 2);
}

#[tokio::test(start_paused = true)]
async fn a_token_refused_again_after_renewal_is_not_renewed_twice() {
    let server = MockServer::start_async().await;
    let issued = issuing(&server, json!({"expires_in": 3600})).await;
    let seen = api(&server, |_| false).await;
    let endpoint = endpoint(&server, password_grant());
    let err = get(&endpoint).await.unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::Unauthenticated);
    assert_eq!(err.status(), Some(401));
    assert_eq!(
        issued.load(Ordering::SeqCst),
        2,
        "the first token and one renewal"
    );
    assert_eq!(seen.load(Ordering::SeqCst), 2, "the request and one repeat");
}

#[tokio::test(start_paused = true)]
async fn concurrent_callers_share_one_fetch() {
    let server = MockServer::start_async().await;
    let issued = Arc::new(AtomicUsize::new(0));
    let counter = issued.clone();
    server
        .mock_async(move |when, then| {
            when.method(POST).path(TOKEN_PATH);
            then.delay(Duration::from_millis(200)).respond_with(
                move |_: &HttpMockRequest| -> HttpMockResponse {
                    counter.fetch_add(1, Ordering::SeqCst);
                    http::Response::builder()
                        .status(200)
                        .header("content-type", "application/json")
                        .body(r#"{"access_token":"tok-1","expires_in":3600}"#.to_owned())
                        .unwrap()
                        .into()
                },
            );
        })
        .await;
    let seen = api(&server, |t| t == "tok-1").await;
    let endpoint = endpoint(&server, password_grant());
    let calls = (0..8).map(|_| get(&endpoint));
    for outcome in futures::future::join_all(calls).await {
        assert_eq!(outcome.unwrap()["token_seen"], "1");
    }
    assert_eq!(issued.load(Ordering::SeqCst), 1);
    assert_eq!(seen.load(Ordering::SeqCst), 8);
}

#[tokio::test(start_paused = true)]
async fn a_rotated_refresh_token_is_kept_and_used_next() {
    let server = MockServer::start_async().await;
    let first = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(TOKEN_PATH)
                .form_urlencoded_tuple("grant_type", "refresh_token")
                .form_urlencoded_tuple("refresh_token", "r3fresh-1")
                .form_urlencoded_tuple("client_id", "client-1d")
                .form_urlencoded_tuple_missing("client_secret");
            then.status(200).json_body(json!({
                "access_token": "tok-1", "refresh_token": "r3fresh-2", "expires_in": 3600
            }));
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(TOKEN_PATH)
                .form_urlencoded_tuple("refresh_token", "r3fresh-2");
            then.status(200)
                .json_body(json!({"access_token": "tok-2", "expires_in": 3600}));
        })
        .await;
    let seen = api(&server, |t| t.starts_with("tok-")).await;
    // A public client: no secret.
    let source = TokenSource::refresh_token("client-1d", "", "r3fresh-1");
    let endpoint = endpoint(&server, source.clone());
    assert_eq!(get(&endpoint).await.unwrap()["token_seen"], "1");
    use support_core::http::ExposeSecret;
    let current = source.current_refresh_token().unwrap();
    assert_eq!(current.expose_secret(), "r3fresh-2");
    tokio::time::advance(Duration::from_secs(3600)).await;
    assert_eq!(get(&endpoint).await.unwrap()["token_seen"], "2");
    // An answer without a refresh token keeps the last one.
    assert_eq!(
        source.current_refresh_token().unwrap().expose_secret(),
        "r3fresh-2"
    );
    assert_eq!(first.calls_async().await, 1);
    assert_eq!(second.calls_async().await, 1);
    assert_eq!(seen.load(Ordering::SeqCst), 2);
}

#[tokio::test(start_paused = true)]
async fn client_credentials_can_go_in_a_basic_header_and_answer_fields_are_readable() {
    let server = MockServer::start_async().await;
    let token = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/services/oauth2/token")
                // base64("client-1d:cl1ent-s3cret-9")
                .header(
                    "authorization",
                    "Basic Y2xpZW50LTFkOmNsMWVudC1zM2NyZXQtOQ==",
                )
                .body("grant_type=client_credentials");
            then.status(200).json_body(json!({
                "access_token": "00Dxx!tok", "instance_url": "https://acme.my.salesforce.com",
                "id": "https://login.salesforce.com/id/00Dxx/005xx", "token_type": "Bearer",
                "issued_at": "1700000000000", "signature": "c2ln"
            }));
        })
        .await;
    let source = TokenSource::client_credentials("client-1d", SECRET)
        .client_auth(ClientAuth::Basic)
        .token_url(server.url("/services/oauth2/token"));
    let endpoint = endpoint(&server, source);
    let answer = endpoint
        .runtime()
        .token_answer(endpoint.http(), Operation::CheckConnection)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        answer.instance_url(),
        Some("https://acme.my.salesforce.com")
    );
    assert_eq!(answer.text("issued_at"), Some("1700000000000"));
    assert_eq!(answer.field("access_token"), None);
    // Asking again reuses the token.
    endpoint
        .runtime()
        .token_answer(endpoint.http(), Operation::CheckConnection)
        .await
        .unwrap();
    assert_eq!(token.calls_async().await, 1);
}

#[tokio::test(start_paused = true)]
async fn a_refused_grant_says_what_to_check_with_the_providers_words_and_no_secret() {
    let server = MockServer::start_async().await;
    let token = server
        .mock_async(|when, then| {
            when.method(POST).path(TOKEN_PATH);
            then.status(401).json_body(json!({
                "error": "invalid_client",
                "error_description": format!("Client authentication failed for secret {SECRET}")
            }));
        })
        .await;
    let seen = api(&server, |_| true).await;
    let endpoint = endpoint(&server, password_grant());
    let err = get(&endpoint).await.unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::Unauthenticated);
    assert_eq!(err.operation(), Some(Operation::GetTicket));
    assert_eq!(err.code(), Some("invalid_client"));
    assert_eq!(err.status(), Some(401));
    let text = shown(&err);
    for expected in [
        "refused the password grant",
        "invalid_client",
        "Client authentication failed for secret [REDACTED]",
        "check the client id and secret, the user name and password",
    ] {
        assert!(text.contains(expected), "{expected}: {text}");
    }
    for secret in [SECRET, PASSWORD] {
        assert!(!text.contains(secret), "{text}");
    }
    assert_eq!(token.calls_async().await, 1, "a refusal is not retried");
    assert_eq!(
        seen.load(Ordering::SeqCst),
        0,
        "nothing is sent without a token"
    );
    let debug = format!("{endpoint:?} {:?}", endpoint.runtime());
    for secret in [SECRET, PASSWORD, "client-1d", "integration.user"] {
        assert!(!debug.contains(secret), "{debug}");
    }
}

#[tokio::test(start_paused = true)]
async fn callers_waiting_on_a_failed_fetch_share_its_failure() {
    let server = MockServer::start_async().await;
    let token = server
        .mock_async(|when, then| {
            when.method(POST).path(TOKEN_PATH);
            then.status(400)
                .delay(Duration::from_millis(200))
                .json_body(json!({"error": "invalid_grant"}));
        })
        .await;
    let endpoint = endpoint(&server, password_grant());
    let calls = (0..5).map(|_| get(&endpoint));
    for outcome in futures::future::join_all(calls).await {
        let err = outcome.unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::Unauthenticated);
        assert_eq!(err.code(), Some("invalid_grant"));
    }
    assert_eq!(token.calls_async().await, 1);
    // A later call asks again.
    get(&endpoint).await.unwrap_err();
    assert_eq!(token.calls_async().await, 2);
}

#[tokio::test(start_paused = true)]
async fn a_token_endpoint_that_fails_for_a_while_is_retried_and_429_waits_are_honoured() {
    let server = MockServer::start_async().await;
    let answers = Arc::new(AtomicUsize::new(0));
    let counter = answers.clone();
    server
        .mock_async(move |when, then| {
            when.method(POST).path(TOKEN_PATH);
            then.respond_with(move |_: &HttpMockRequest| -> HttpMockResponse {
                let n = counter.fetch_add(1, Ordering::SeqCst);
                let builder = http::Response::builder().header("content-type", "application/json");
                let answer = match n {
                    0 => builder.status(503).body("{}".to_owned()),
                    1 => builder
                        .status(429)
                        .header("retry-after", "2")
                        .body("{}".to_owned()),
                    _ => builder
                        .status(200)
                        .body(r#"{"access_token":"tok-1"}"#.to_owned()),
                };
                answer.unwrap().into()
            });
        })
        .await;
    let seen = api(&server, |t| t == "tok-1").await;
    let endpoint = endpoint(&server, password_grant());
    let started = tokio::time::Instant::now();
    assert_eq!(get(&endpoint).await.unwrap()["token_seen"], "1");
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "the 429's wait"
    );
    assert_eq!(answers.load(Ordering::SeqCst), 3);
    assert_eq!(seen.load(Ordering::SeqCst), 1);
}

#[tokio::test(start_paused = true)]
async fn a_token_endpoint_that_stays_down_is_a_provider_error_naming_it() {
    let server = MockServer::start_async().await;
    let token = server
        .mock_async(|when, then| {
            when.method(POST).path(TOKEN_PATH);
            then.status(503).body("down");
        })
        .await;
    let endpoint = endpoint(&server, password_grant());
    let err = get(&endpoint).await.unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::Provider { status: 503 });
    assert!(shown(&err).contains("OAuth token endpoint failed"), "{err}");
    assert_eq!(token.calls_async().await, 4, "the retry policy's attempts");
}

#[tokio::test(start_paused = true)]
async fn a_token_the_api_echoes_is_redacted() {
    let server = MockServer::start_async().await;
    issuing(&server, json!({"expires_in": 3600})).await;
    server
        .mock_async(|when, then| {
            when.path("/api/echo");
            then.status(200)
                .json_body(json!({"header": "Bearer tok-1", "ok": true}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path("/api/refuse");
            then.status(400)
                .json_body(json!({"error": {"message": "bad token tok-1", "detail": "x"}}));
        })
        .await;
    let endpoint = endpoint(&server, password_grant());
    let echoed = endpoint
        .get_json(Operation::GetTicket, "/api/echo", &[])
        .await
        .unwrap();
    assert_eq!(echoed["header"], "Bearer [REDACTED]");
    let err = endpoint
        .get_json(Operation::GetTicket, "/api/refuse", &[])
        .await
        .unwrap_err();
    let text = shown(&err);
    assert!(!text.contains("tok-1"), "{text}");
    assert!(text.contains("[REDACTED]"), "{text}");
}

#[tokio::test(start_paused = true)]
async fn a_request_not_prepared_for_the_account_gets_no_token() {
    let server = MockServer::start_async().await;
    let issued = issuing(&server, json!({})).await;
    let elsewhere = server
        .mock_async(|when, then| {
            when.path("/storage/file").header_missing("authorization");
            then.status(200).body("bytes");
        })
        .await;
    let endpoint = endpoint(&server, password_grant());
    // Another origin than the base URL: a signed storage URL is fetched without credentials.
    let url = server
        .url("/storage/file")
        .replace("127.0.0.1", "localhost");
    let download = endpoint
        .download(Operation::DownloadAttachment, &url)
        .await
        .unwrap();
    assert_eq!(download.bytes().await.unwrap().as_ref(), b"bytes");
    assert_eq!(elsewhere.calls_async().await, 1);
    assert_eq!(issued.load(Ordering::SeqCst), 0);
}

#[tokio::test(start_paused = true)]
async fn generated_calls_and_native_calls_learn_why_there_is_no_token() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path(TOKEN_PATH);
            then.status(400).json_body(json!({
                "error": "invalid_grant", "error_description": "refresh token expired"
            }));
        })
        .await;
    let seen = api(&server, |_| true).await;
    let endpoint = endpoint(
        &server,
        TokenSource::refresh_token("client-1d", SECRET, "r3fresh-0"),
    );
    let runtime = endpoint.runtime();
    let client = endpoint.http();
    const INFO: progenitor_client::OperationInfo = progenitor_client::OperationInfo {
        operation_id: "list_things",
    };
    // As a generated client's hooks send it.
    let mut request = endpoint
        .get(Operation::ListTickets, "/api/thing", &[])
        .unwrap();
    let call = async {
        runtime.prepare(&mut request);
        let response = runtime
            .execute(client, request, &INFO)
            .await
            .map_err(progenitor_client::Error::<()>::CommunicationError)?;
        progenitor_client::ResponseValue::<serde_json::Value>::from_response::<()>(response).await
    };
    let err = runtime
        .run_json(Operation::ListTickets, None, call)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::Unauthenticated);
    assert_eq!(err.operation(), Some(Operation::ListTickets));
    assert_eq!(err.code(), Some("invalid_grant"));
    assert!(shown(&err).contains("refresh token expired"), "{err}");
    assert!(shown(&err).contains("refresh token is current"), "{err}");
    // Outside a port operation, the caller gets a 401 that says why.
    let mut request = endpoint
        .get(Operation::ListTickets, "/api/thing", &[])
        .unwrap();
    runtime.prepare(&mut request);
    let answer = runtime.execute(client, request, &INFO).await.unwrap();
    assert_eq!(answer.status(), 401);
    let text = answer.text().await.unwrap();
    assert!(text.contains("invalid_grant"), "{text}");
    assert!(
        !text.contains(SECRET) && !text.contains("r3fresh-0"),
        "{text}"
    );
    assert_eq!(seen.load(Ordering::SeqCst), 0);
}

#[tokio::test(start_paused = true)]
async fn a_password_grant_renews_with_its_refresh_token_and_falls_back_to_the_password() {
    let server = MockServer::start_async().await;
    let by_password = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(TOKEN_PATH)
                .form_urlencoded_tuple("grant_type", "password")
                .form_urlencoded_tuple("password", PASSWORD);
            then.status(200).json_body(json!({
                "access_token": "tok-1", "refresh_token": "r3fresh-1", "expires_in": 1799
            }));
        })
        .await;
    let by_refresh = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(TOKEN_PATH)
                .form_urlencoded_tuple("grant_type", "refresh_token")
                .form_urlencoded_tuple("refresh_token", "r3fresh-1")
                .form_urlencoded_tuple("client_secret", SECRET)
                .form_urlencoded_tuple_missing("password");
            then.status(200)
                .json_body(json!({"access_token": "tok-2", "expires_in": 1799}));
        })
        .await;
    let seen = api(&server, |t| t.starts_with("tok-")).await;
    let endpoint = endpoint(&server, password_grant());
    assert_eq!(get(&endpoint).await.unwrap()["token_seen"], "1");
    tokio::time::advance(Duration::from_secs(1800)).await;
    assert_eq!(get(&endpoint).await.unwrap()["token_seen"], "2");
    assert_eq!(by_password.calls_async().await, 1);
    assert_eq!(by_refresh.calls_async().await, 1);
    // The refresh token is revoked: the next renewal falls back to the password.
    by_refresh.delete_async().await;
    let refused = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(TOKEN_PATH)
                .form_urlencoded_tuple("grant_type", "refresh_token");
            then.status(401).json_body(json!({
                "error": "invalid_grant", "error_description": "refresh token revoked"
            }));
        })
        .await;
    tokio::time::advance(Duration::from_secs(1800)).await;
    assert_eq!(get(&endpoint).await.unwrap()["token_seen"], "1");
    assert_eq!(refused.calls_async().await, 1);
    assert_eq!(by_password.calls_async().await, 2);
    assert_eq!(seen.load(Ordering::SeqCst), 3);
}

#[tokio::test(start_paused = true)]
async fn a_refusal_answered_with_200_is_a_refusal() {
    // Zoho Accounts answers a refused grant with 200 and `{"error": "invalid_code"}`.
    let server = MockServer::start_async().await;
    let token = server
        .mock_async(|when, then| {
            when.method(POST).path(TOKEN_PATH);
            then.status(200).json_body(json!({"error": "invalid_code"}));
        })
        .await;
    let seen = api(&server, |_| true).await;
    let endpoint = endpoint(
        &server,
        TokenSource::refresh_token("client-1d", SECRET, "r3fresh-0"),
    );
    let err = get(&endpoint).await.unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::Unauthenticated);
    assert_eq!(err.code(), Some("invalid_code"));
    assert!(
        shown(&err).contains("refused the refresh_token grant"),
        "{err}"
    );
    assert!(!shown(&err).contains("r3fresh-0"), "{err}");
    assert_eq!(token.calls_async().await, 1);
    assert_eq!(seen.load(Ordering::SeqCst), 0);
}
