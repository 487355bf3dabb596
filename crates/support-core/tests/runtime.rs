//! The HTTP runtime's retry safety, observed at the wire: how many requests a provider sees.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use httpmock::prelude::*;
use progenitor_client::OperationInfo;
use reqwest::header::HeaderName;
use support_core::http::{Credentials, HttpRuntime, RetryPolicy};
use support_core::{ErrorKind, Operation};

const INFO: OperationInfo = OperationInfo {
    operation_id: "test_operation",
};

fn runtime() -> support_core::http::HttpRuntimeBuilder {
    HttpRuntime::builder("test")
        .credentials(Credentials::basic("agent@example.com/token", "s3cr3t"))
        .request_timeout(None)
        .retry(RetryPolicy {
            initial_backoff: Duration::from_millis(10),
            ..RetryPolicy::default()
        })
}

fn request(method: reqwest::Method, url: String) -> reqwest::Request {
    let mut request = reqwest::Request::new(method, url.parse().unwrap());
    *request.body_mut() = Some(reqwest::Body::from(r#"{"ticket":{}}"#));
    request
}

/// Sends one request inside an operation's scope, as a generated client's hooks do.
async fn send(
    runtime: &HttpRuntime,
    operation: Option<Operation>,
    key: Option<&str>,
    mut request: reqwest::Request,
) -> reqwest::Result<reqwest::Response> {
    let client = reqwest::Client::new();
    match operation {
        Some(op) => {
            runtime
                .scoped(op, key.map(str::to_owned), async {
                    runtime.prepare(&mut request);
                    runtime.execute(&client, request, &INFO).await
                })
                .await
        }
        None => {
            runtime.prepare(&mut request);
            runtime.execute(&client, request, &INFO).await
        }
    }
}

/// A mock answering `status` to the first `times` requests, then 200.
async fn flaky(
    server: &MockServer,
    method: &'static str,
    status: u16,
    retry_after: Option<&str>,
    times: usize,
) -> Arc<AtomicUsize> {
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    let retry_after = retry_after.map(str::to_owned);
    server
        .mock_async(move |when, then| {
            when.method(method)
                .path("/thing")
                .is_true(move |_| counter.fetch_add(1, Ordering::SeqCst) < times);
            let then = then.status(status).body("busy");
            if let Some(wait) = retry_after {
                then.header("retry-after", wait);
            }
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(method).path("/thing");
            then.status(200).json_body(serde_json::json!({"ok": true}));
        })
        .await;
    seen
}

#[tokio::test(start_paused = true)]
async fn a_read_is_retried_after_a_503() {
    let server = MockServer::start_async().await;
    let seen = flaky(&server, "GET", 503, None, 1).await;
    let response = send(
        &runtime().build(),
        Some(Operation::ListTickets),
        None,
        request(reqwest::Method::GET, server.url("/thing")),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(seen.load(Ordering::SeqCst), 2);
}

#[tokio::test(start_paused = true)]
async fn a_read_gives_up_after_the_maximum_attempts() {
    let server = MockServer::start_async().await;
    let seen = flaky(&server, "GET", 502, None, usize::MAX).await;
    let response = send(
        &runtime().build(),
        Some(Operation::GetTicket),
        None,
        request(reqwest::Method::GET, server.url("/thing")),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 502);
    assert_eq!(
        seen.load(Ordering::SeqCst),
        RetryPolicy::default().max_attempts as usize
    );
}

#[tokio::test(start_paused = true)]
async fn add_comment_is_not_retried_after_a_503_although_it_is_a_put() {
    let server = MockServer::start_async().await;
    let seen = flaky(&server, "PUT", 503, None, 1).await;
    let response = send(
        &runtime().build(),
        Some(Operation::AddComment),
        None,
        request(reqwest::Method::PUT, server.url("/thing")),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(seen.load(Ordering::SeqCst), 1);
}

#[tokio::test(start_paused = true)]
async fn a_search_sent_as_post_is_retried_because_it_is_a_read() {
    let server = MockServer::start_async().await;
    let seen = flaky(&server, "POST", 503, None, 1).await;
    let response = send(
        &runtime().build(),
        Some(Operation::ListTickets),
        None,
        request(reqwest::Method::POST, server.url("/thing")),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(seen.load(Ordering::SeqCst), 2);
}

#[tokio::test(start_paused = true)]
async fn create_without_key_is_not_retried_and_with_a_key_is_with_the_header_sent() {
    let server = MockServer::start_async().await;
    let seen = flaky(&server, "POST", 503, None, 1).await;
    let runtime = runtime()
        .idempotency_header(HeaderName::from_static("idempotency-key"))
        .build();
    let response = send(
        &runtime,
        Some(Operation::CreateTicket),
        None,
        request(reqwest::Method::POST, server.url("/thing")),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(seen.load(Ordering::SeqCst), 1);

    // Both mocks require the key, so each attempt must carry it.
    let server = MockServer::start_async().await;
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    server
        .mock_async(move |when, then| {
            when.method(POST)
                .path("/thing")
                .header("idempotency-key", "key-1")
                .is_true(move |_| counter.fetch_add(1, Ordering::SeqCst) == 0);
            then.status(503);
        })
        .await;
    let created = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/thing")
                .header("idempotency-key", "key-1");
            then.status(201);
        })
        .await;
    let response = send(
        &runtime,
        Some(Operation::CreateTicket),
        Some("key-1"),
        request(reqwest::Method::POST, server.url("/thing")),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 201, "retried with its key");
    assert_eq!(seen.load(Ordering::SeqCst), 2);
    assert_eq!(created.calls_async().await, 1);
}

#[tokio::test(start_paused = true)]
async fn a_key_is_not_enough_when_the_provider_honours_none() {
    let server = MockServer::start_async().await;
    let seen = flaky(&server, "POST", 503, None, 1).await;
    let response = send(
        &runtime().build(),
        Some(Operation::CreateTicket),
        Some("key-1"),
        request(reqwest::Method::POST, server.url("/thing")),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(seen.load(Ordering::SeqCst), 1);
}

#[tokio::test(start_paused = true)]
async fn a_write_is_retried_after_a_429_because_it_was_not_processed() {
    let server = MockServer::start_async().await;
    let seen = flaky(&server, "PUT", 429, Some("2"), 1).await;
    let started = tokio::time::Instant::now();
    let response = send(
        &runtime().build(),
        Some(Operation::AddComment),
        None,
        request(reqwest::Method::PUT, server.url("/thing")),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(seen.load(Ordering::SeqCst), 2);
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "Retry-After was honoured"
    );
}

#[tokio::test(start_paused = true)]
async fn a_long_retry_after_is_handed_to_the_caller_as_rate_limited() {
    let server = MockServer::start_async().await;
    let seen = flaky(&server, "GET", 429, Some("3600"), usize::MAX).await;
    let runtime = runtime().build();
    let response = send(
        &runtime,
        Some(Operation::GetTicket),
        None,
        request(reqwest::Method::GET, server.url("/thing")),
    )
    .await
    .unwrap();
    assert_eq!(seen.load(Ordering::SeqCst), 1);
    let error = runtime.classify(
        Operation::GetTicket,
        response.status(),
        &response.headers().clone(),
        b"busy",
    );
    assert_eq!(
        error.kind(),
        &ErrorKind::RateLimited {
            retry_after: Some(Duration::from_secs(3600))
        }
    );
    assert_eq!(error.operation(), Some(Operation::GetTicket));
}

#[tokio::test(start_paused = true)]
async fn retries_stop_at_the_total_budget() {
    let server = MockServer::start_async().await;
    let seen = flaky(&server, "GET", 429, Some("20"), usize::MAX).await;
    let runtime = runtime()
        .retry(RetryPolicy {
            max_attempts: 10,
            budget: Duration::from_secs(45),
            ..RetryPolicy::default()
        })
        .build();
    let response = send(
        &runtime,
        Some(Operation::ListTags),
        None,
        request(reqwest::Method::GET, server.url("/thing")),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 429);
    assert_eq!(
        seen.load(Ordering::SeqCst),
        3,
        "20 s + 20 s fit the 45 s budget, a third wait does not"
    );
}

#[tokio::test(start_paused = true)]
async fn outside_a_port_operation_only_safe_methods_are_retried() {
    let server = MockServer::start_async().await;
    let seen = flaky(&server, "GET", 503, None, 1).await;
    let response = send(
        &runtime().build(),
        None,
        None,
        request(reqwest::Method::GET, server.url("/thing")),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(seen.load(Ordering::SeqCst), 2);

    let server = MockServer::start_async().await;
    let seen = flaky(&server, "POST", 503, None, 1).await;
    let response = send(
        &runtime().build(),
        None,
        None,
        request(reqwest::Method::POST, server.url("/thing")),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(seen.load(Ordering::SeqCst), 1);
}

// Timeouts are tested on the real clock: a paused clock jumps forward whenever the runtime waits on a
// socket, so every request would time out at once.
async fn slow_first(server: &MockServer, method: &'static str) -> Arc<AtomicUsize> {
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    server
        .mock_async(move |when, then| {
            when.method(method)
                .path("/slow")
                .is_true(move |_| counter.fetch_add(1, Ordering::SeqCst) == 0);
            then.status(200).delay(Duration::from_millis(3000));
        })
        .await;
    server
        .mock_async(move |when, then| {
            when.method(method).path("/slow");
            then.status(200);
        })
        .await;
    seen
}

#[tokio::test]
async fn a_timed_out_read_is_retried_and_a_timed_out_write_is_not() {
    let runtime = runtime()
        .request_timeout(Some(Duration::from_millis(500)))
        .build();

    let server = MockServer::start_async().await;
    let seen = slow_first(&server, "GET").await;
    let response = send(
        &runtime,
        Some(Operation::ListTickets),
        None,
        request(reqwest::Method::GET, server.url("/slow")),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(seen.load(Ordering::SeqCst), 2);

    for operation in [Operation::AddComment, Operation::CreateTicket] {
        let server = MockServer::start_async().await;
        let seen = slow_first(&server, "PUT").await;
        let error = send(
            &runtime,
            Some(operation),
            None,
            request(reqwest::Method::PUT, server.url("/slow")),
        )
        .await
        .unwrap_err();
        assert!(error.is_timeout());
        assert_eq!(
            seen.load(Ordering::SeqCst),
            1,
            "{operation} was sent again after a timeout"
        );
        let error = runtime.transport_error(operation, error);
        assert_eq!(error.kind(), &ErrorKind::Timeout);
    }
}

/// Counts the runtime's "retrying" events: the attempts a refused connection leaves no server to
/// count.
struct RetryCounter(Arc<AtomicUsize>);

impl tracing::Subscriber for RetryCounter {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        struct Message(bool);
        impl tracing::field::Visit for Message {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                if field.name() == "message" && format!("{value:?}").starts_with("retrying") {
                    self.0 = true;
                }
            }
        }
        let mut message = Message(false);
        event.record(&mut message);
        if message.0 {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

async fn attempts_against_a_closed_port(
    operation: Operation,
    method: reqwest::Method,
) -> (usize, reqwest::Error) {
    // Nothing listens on this port: the request never leaves.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/thing", listener.local_addr().unwrap());
    drop(listener);
    let runtime = runtime()
        .retry(RetryPolicy {
            initial_backoff: Duration::from_millis(1),
            max_attempts: 3,
            ..RetryPolicy::default()
        })
        .build();
    let retries = Arc::new(AtomicUsize::new(0));
    let _guard = tracing::subscriber::set_default(RetryCounter(retries.clone()));
    let error = send(&runtime, Some(operation), None, request(method, url))
        .await
        .unwrap_err();
    (retries.load(Ordering::SeqCst) + 1, error)
}

#[tokio::test]
async fn a_write_whose_connection_failed_is_retried() {
    // The request never reached the provider, so even a write may be repeated.
    let (attempts, error) =
        attempts_against_a_closed_port(Operation::AddComment, reqwest::Method::PUT).await;
    assert!(error.is_connect());
    assert_eq!(attempts, 3, "all attempts were made");
    let runtime = runtime().build();
    let error = runtime.transport_error(Operation::AddComment, error);
    assert_eq!(error.kind(), &ErrorKind::Transport);
}

#[tokio::test]
async fn credentials_are_sent_sensitive_and_the_generator_header_is_stripped() {
    let server = MockServer::start_async().await;
    let auth = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/thing")
                .header(
                    "authorization",
                    "Basic YWdlbnRAZXhhbXBsZS5jb20vdG9rZW46czNjcjN0",
                )
                .header_missing("api-version");
            then.status(200);
        })
        .await;
    let mut req = request(reqwest::Method::GET, server.url("/thing"));
    req.headers_mut()
        .insert("api-version", "2".parse().unwrap());
    let runtime = runtime().build();
    let response = send(&runtime, Some(Operation::GetTicket), None, req)
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    auth.assert_calls_async(1).await;
    for shown in [format!("{runtime:?}"), format!("{:?}", self::runtime())] {
        assert!(!shown.contains("s3cr3t"), "{shown}");
    }
}
