//! What the OAuth tests share: a token endpoint and an API on a mock server, and an endpoint whose
//! requests authenticate with a token source.

#![allow(dead_code, unused_imports)]

pub use std::sync::Arc;
pub use std::sync::atomic::{AtomicUsize, Ordering};
pub use std::time::Duration;

pub use httpmock::prelude::*;
use httpmock::{HttpMockRequest, HttpMockResponse};
pub use serde_json::json;
pub use support_core::http::{ClientAuth, Credentials, RetryPolicy, TokenSource};
pub use support_core::kit::{ClientOptions, Endpoint};
pub use support_core::{ErrorKind, Operation};

pub const TOKEN_PATH: &str = "/oauth_token.do";
pub const SECRET: &str = "cl1ent-s3cret-9";
pub const PASSWORD: &str = "pa55word-7";

pub fn quick() -> RetryPolicy {
    RetryPolicy {
        initial_backoff: Duration::from_millis(10),
        ..RetryPolicy::default()
    }
}

/// An endpoint on `server` whose requests authenticate with `source`, its token endpoint at
/// [`TOKEN_PATH`] below the base URL as an adapter's builder sets it.
pub fn endpoint(server: &MockServer, source: TokenSource) -> Endpoint {
    let mut options = ClientOptions::new("acme");
    options.set_base_url(server.base_url());
    options.set_credentials(Credentials::oauth(source.or_token_url(TOKEN_PATH)));
    options.set_retry_policy(quick());
    options.set_request_timeout(None);
    let connection = options.connect("account", "credentials").unwrap();
    // No idle-connection timer: the paused clock would jump to it while a request waits on the
    // network, and a token's lifetime is measured on that clock.
    let http = reqwest::Client::builder()
        .pool_idle_timeout(None)
        .build()
        .unwrap();
    Endpoint::new(connection.base_url, http, connection.runtime.build())
}

pub fn password_grant() -> TokenSource {
    TokenSource::password("client-1d", SECRET, "integration.user", PASSWORD)
}

/// A token endpoint that hands out `tok-1`, `tok-2`, ... with `fields` added to each answer;
/// returns how many it handed out.
pub async fn issuing(server: &MockServer, fields: serde_json::Value) -> Arc<AtomicUsize> {
    let issued = Arc::new(AtomicUsize::new(0));
    let counter = issued.clone();
    server
        .mock_async(move |when, then| {
            when.method(POST)
                .path(TOKEN_PATH)
                .header("content-type", "application/x-www-form-urlencoded");
            then.respond_with(move |_: &HttpMockRequest| -> HttpMockResponse {
                let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
                let mut answer =
                    json!({"access_token": format!("tok-{n}"), "token_type": "Bearer"});
                if let (Some(answer), Some(fields)) = (answer.as_object_mut(), fields.as_object()) {
                    answer.extend(fields.clone());
                }
                http::Response::builder()
                    .status(200)
                    .header("content-type", "application/json")
                    .body(answer.to_string())
                    .unwrap()
                    .into()
            });
        })
        .await;
    issued
}

/// An API at `/api/thing` answering 200 with the number of the token it saw (not the token: the
/// runtime would redact it), to the tokens `good` accepts, and
/// 401 to the others; returns how many requests it saw.
pub async fn api(server: &MockServer, good: fn(&str) -> bool) -> Arc<AtomicUsize> {
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    server
        .mock_async(move |when, then| {
            when.path("/api/thing");
            then.respond_with(move |request: &HttpMockRequest| -> HttpMockResponse {
                counter.fetch_add(1, Ordering::SeqCst);
                let token = request
                    .headers()
                    .get("authorization")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.strip_prefix("Bearer "))
                    .unwrap_or_default()
                    .to_owned();
                let (status, body) = if good(&token) {
                    (200, json!({"token_seen": token.trim_start_matches("tok-")}))
                } else {
                    (401, json!({"error": {"message": "User Not Authenticated"}}))
                };
                http::Response::builder()
                    .status(status)
                    .header("content-type", "application/json")
                    .body(body.to_string())
                    .unwrap()
                    .into()
            });
        })
        .await;
    seen
}

pub async fn get(endpoint: &Endpoint) -> support_core::Result<serde_json::Value> {
    endpoint
        .get_json(Operation::GetTicket, "/api/thing", &[])
        .await
}

/// Everything a caller could show of an error.
pub fn shown(err: &support_core::Error) -> String {
    let mut shown = format!("{err} {err:?}");
    let mut cause = std::error::Error::source(err);
    while let Some(source) = cause {
        shown.push_str(&format!(" {source} {source:?}"));
        cause = source.source();
    }
    shown
}
