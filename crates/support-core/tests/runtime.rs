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

/// How a loopback server that speaks raw HTTP/1.1 misbehaves after sending a success's headers.
#[derive(Clone, Copy, Debug)]
enum AfterHeaders {
    /// Half the promised body, then the connection closes.
    CutShort,
    /// Half the promised body, then the connection is reset.
    Reset,
    /// Half the promised body, then nothing for a long while.
    Stall,
}

const FULL_BODY: &str = r#"{"tickets":[{"id":1}],"meta":{"has_more":false}}"#;

/// A server whose first `faulty` connections misbehave `how`; later ones answer `FULL_BODY` whole.
/// Returns its base URL and the count of requests it saw.
async fn misbehaving(how: AfterHeaders, faulty: usize) -> (String, Arc<AtomicUsize>) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let counter = counter.clone();
            tokio::spawn(async move {
                // Read the request head (and the small body the tests send).
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let n = counter.fetch_add(1, Ordering::SeqCst);
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    FULL_BODY.len()
                );
                let _ = stream.write_all(answer.as_bytes()).await;
                if n >= faulty {
                    let _ = stream.write_all(FULL_BODY.as_bytes()).await;
                    let _ = stream.shutdown().await;
                    return;
                }
                let _ = stream
                    .write_all(&FULL_BODY.as_bytes()[..FULL_BODY.len() / 2])
                    .await;
                let _ = stream.flush().await;
                match how {
                    AfterHeaders::CutShort => {
                        let _ = stream.shutdown().await;
                    }
                    AfterHeaders::Reset => {
                        let std = stream.into_std().unwrap();
                        socket_reset(std);
                    }
                    AfterHeaders::Stall => {
                        tokio::time::sleep(Duration::from_secs(5)).await;
                    }
                }
            });
        }
    });
    (url, seen)
}

/// Closes a connection with a reset (`SO_LINGER` 0) instead of an orderly close.
fn socket_reset(stream: std::net::TcpStream) {
    let socket = tokio::net::TcpStream::from_std(stream).unwrap();
    let _ = socket.set_zero_linger();
    drop(socket);
}

#[derive(serde::Deserialize)]
struct AnyBody {}

/// Runs one request as a generated call would, through `run_json`.
async fn generated_call(
    runtime: &HttpRuntime,
    operation: Operation,
    method: reqwest::Method,
    url: String,
) -> support_core::Result<serde_json::Value> {
    let client = reqwest::Client::new();
    let mut req = request(method, url);
    let call = async {
        runtime.prepare(&mut req);
        let response = runtime
            .execute(&client, req, &INFO)
            .await
            .map_err(progenitor_client::Error::<()>::CommunicationError)?;
        progenitor_client::ResponseValue::<AnyBody>::from_response::<()>(response).await
    };
    runtime.run_json(operation, None, call).await
}

fn quick(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        initial_backoff: Duration::from_millis(1),
        max_attempts,
        ..RetryPolicy::default()
    }
}

#[tokio::test]
async fn a_read_whose_body_is_cut_short_or_reset_is_retried_and_reported_as_transport() {
    let runtime = runtime().retry(quick(3)).build();
    for how in [AfterHeaders::CutShort, AfterHeaders::Reset] {
        let (url, seen) = misbehaving(how, 1).await;
        let json = generated_call(&runtime, Operation::ListTickets, reqwest::Method::GET, url)
            .await
            .unwrap_or_else(|e| panic!("{how:?}: {e}"));
        assert_eq!(json["tickets"][0]["id"], 1, "{how:?}");
        assert_eq!(seen.load(Ordering::SeqCst), 2, "{how:?}: retried once");

        let (url, seen) = misbehaving(how, usize::MAX).await;
        let error = generated_call(&runtime, Operation::GetTicket, reqwest::Method::GET, url)
            .await
            .unwrap_err();
        assert_eq!(error.kind(), &ErrorKind::Transport, "{how:?}: {error}");
        assert_eq!(
            seen.load(Ordering::SeqCst),
            3,
            "{how:?}: every attempt made"
        );
    }
}

#[tokio::test]
async fn a_read_whose_body_stalls_past_the_timeout_is_retried_and_reported_as_timeout() {
    // Real clock: the per-attempt timeout (300 ms) is far below the 5 s stall.
    let runtime = runtime()
        .retry(quick(2))
        .request_timeout(Some(Duration::from_millis(300)))
        .build();
    let (url, seen) = misbehaving(AfterHeaders::Stall, 1).await;
    let json = generated_call(&runtime, Operation::ListTickets, reqwest::Method::GET, url)
        .await
        .unwrap();
    assert_eq!(json["tickets"][0]["id"], 1);
    assert_eq!(seen.load(Ordering::SeqCst), 2);

    let (url, seen) = misbehaving(AfterHeaders::Stall, usize::MAX).await;
    let error = generated_call(&runtime, Operation::ListTickets, reqwest::Method::GET, url)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::Timeout, "{error}");
    assert_eq!(seen.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_write_whose_answer_is_lost_is_not_repeated_and_says_the_outcome_is_unknown() {
    let runtime = runtime().retry(quick(3)).build();
    for how in [AfterHeaders::CutShort, AfterHeaders::Reset] {
        let (url, seen) = misbehaving(how, 1).await;
        let error = generated_call(&runtime, Operation::AddComment, reqwest::Method::PUT, url)
            .await
            .unwrap_err();
        assert_eq!(error.kind(), &ErrorKind::OutcomeUnknown, "{how:?}: {error}");
        assert_eq!(error.status(), Some(200));
        assert_eq!(
            seen.load(Ordering::SeqCst),
            1,
            "{how:?}: the write was repeated"
        );
    }
}

#[tokio::test]
async fn a_write_under_an_honoured_idempotency_key_is_retried_after_a_lost_answer() {
    let runtime = runtime()
        .retry(quick(3))
        .idempotency_header(HeaderName::from_static("idempotency-key"))
        .build();
    let (url, seen) = misbehaving(AfterHeaders::CutShort, 1).await;
    let client = reqwest::Client::new();
    let mut req = request(reqwest::Method::POST, url);
    let call = async {
        runtime.prepare(&mut req);
        let response = runtime
            .execute(&client, req, &INFO)
            .await
            .map_err(progenitor_client::Error::<()>::CommunicationError)?;
        progenitor_client::ResponseValue::<AnyBody>::from_response::<()>(response).await
    };
    let json = runtime
        .run_json(Operation::CreateTicket, Some("key-1".into()), call)
        .await
        .unwrap();
    assert_eq!(json["tickets"][0]["id"], 1);
    assert_eq!(seen.load(Ordering::SeqCst), 2);
}

mod pages {
    use super::*;
    use support_core::kit::page::{ListingPage, PageShape};

    const TICKETS: PageShape =
        PageShape::items_at("tickets").more_when("/meta/has_more", "/meta/after_cursor");

    async fn page_call(
        runtime: &HttpRuntime,
        operation: Operation,
        url: String,
    ) -> support_core::Result<ListingPage> {
        let client = reqwest::Client::new();
        let mut req = reqwest::Request::new(reqwest::Method::GET, url.parse().unwrap());
        let call = async {
            runtime.prepare(&mut req);
            let response = runtime
                .execute(&client, req, &INFO)
                .await
                .map_err(progenitor_client::Error::<()>::CommunicationError)?;
            progenitor_client::ResponseValue::<serde_json::Value>::from_response::<()>(response)
                .await
        };
        runtime.run_page(operation, TICKETS, call).await
    }

    /// A server answering `broken` to the first `times` requests, then a good last page.
    async fn broken_then_good(server: &MockServer, broken: &'static str, times: usize) {
        let count = Arc::new(AtomicUsize::new(0));
        server
            .mock_async(move |when, then| {
                when.path("/tickets")
                    .is_true(move |_| count.fetch_add(1, Ordering::SeqCst) < times);
                then.status(200)
                    .header("content-type", "application/json")
                    .body(broken);
            })
            .await;
        server
            .mock_async(|when, then| {
                when.path("/tickets");
                then.status(200)
                    .header("content-type", "application/json")
                    .body(FULL_BODY);
            })
            .await;
    }

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct TypedTicket {
        id: i64,
        priority: Option<String>,
    }

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct TypedPage {
        tickets: Vec<TypedTicket>,
    }

    /// A page is read once, by the runtime: the generated client's typed page is not decoded (this
    /// one would refuse the second item); each item comes back decoded into the caller's item type,
    /// or with that type's refusal, and as the text the provider sent, without the credentials it
    /// echoed.
    #[tokio::test(start_paused = true)]
    async fn a_page_is_read_once_into_items_kept_as_sent() {
        let runtime = runtime().build();
        let server = MockServer::start_async().await;
        let served = server
            .mock_async(|when, then| {
                when.path("/tickets");
                then.status(200)
                    .header("content-type", "application/json")
                    .body(
                        r#"{"tickets":[{"id":7,"priority":"high"},
                           {"id":8,"priority":5,"note":"s3cr3t"}],
                           "meta":{"has_more":false},"count":2}"#,
                    );
            })
            .await;
        let client = reqwest::Client::new();
        let mut req = reqwest::Request::new(
            reqwest::Method::GET,
            server.url("/tickets").parse().unwrap(),
        );
        let call = async {
            runtime.prepare(&mut req);
            let response = runtime
                .execute(&client, req, &INFO)
                .await
                .map_err(progenitor_client::Error::<()>::CommunicationError)?;
            progenitor_client::ResponseValue::<TypedPage>::from_response::<()>(response).await
        };
        let page = runtime
            .run_page::<TypedTicket, _, _, _>(Operation::ListTickets, TICKETS.item("ticket"), call)
            .await
            .unwrap();
        let items: Vec<String> = page
            .items()
            .iter()
            .map(|item| item.raw.to_string())
            .collect();
        assert_eq!(
            items,
            [
                r#"{"id":7,"priority":"high"}"#,
                r#"{"id":8,"priority":5,"note":"[REDACTED]"}"#
            ]
        );
        assert_eq!(page.items()[0].decoded.as_ref().map(|t| t.id).ok(), Some(7));
        assert!(page.items()[1].decoded.is_err());
        assert_eq!(
            page.envelope(),
            &serde_json::json!({"meta": {"has_more": false}, "count": 2})
        );
        assert_eq!(served.calls_async().await, 1);
    }

    const BROKEN: [&str; 5] = [
        "{}",
        r#"{"error":"TemporarilyUnavailable"}"#,
        r#"{"tickets":null,"meta":{"has_more":false}}"#,
        r#"{"tickets":[{"id":7}],"meta":{"has_more":true}}"#,
        "not json",
    ];

    #[tokio::test(start_paused = true)]
    async fn a_page_that_is_not_a_page_is_retried_like_a_transient_failure() {
        let runtime = runtime().build();
        for broken in BROKEN {
            let server = MockServer::start_async().await;
            broken_then_good(&server, broken, 1).await;
            let page = page_call(&runtime, Operation::ListTickets, server.url("/tickets"))
                .await
                .unwrap_or_else(|e| panic!("{broken}: {e}"));
            assert_eq!(page.items()[0].raw.to_string(), r#"{"id":1}"#, "{broken}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_page_that_stays_broken_fails_with_decode_naming_the_operation() {
        let runtime = runtime().build();
        for broken in BROKEN {
            let server = MockServer::start_async().await;
            broken_then_good(&server, broken, usize::MAX).await;
            let error = page_call(&runtime, Operation::ListComments, server.url("/tickets"))
                .await
                .unwrap_err();
            assert_eq!(error.kind(), &ErrorKind::Decode, "{broken}: {error}");
            assert_eq!(error.operation(), Some(Operation::ListComments));
            assert!(
                error
                    .body_excerpt()
                    .is_some_and(|e| e.contains(&broken[..2])),
                "{broken}: {error:?}"
            );
            assert!(error.to_string().contains("page"), "{error}");
        }
    }
}

/// Marks a 429 whose body says `lasting` as final: no retry can help.
fn lasting_limit(
    response: &support_core::http::FailedResponse<'_>,
) -> support_core::http::Classification {
    support_core::http::Classification {
        final_answer: response.body == b"lasting",
        ..support_core::http::Classification::default()
    }
}

#[tokio::test(start_paused = true)]
async fn a_429_its_classifier_calls_final_is_not_retried_and_its_body_is_kept() {
    let server = MockServer::start_async().await;
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    server
        .mock_async(move |when, then| {
            when.method("GET")
                .path("/thing")
                .is_true(move |_| counter.fetch_add(1, Ordering::SeqCst) < usize::MAX);
            then.status(429).body("lasting");
        })
        .await;
    let runtime = runtime().classifier(lasting_limit).build();
    let response = send(
        &runtime,
        Some(Operation::GetTicket),
        None,
        request(reqwest::Method::GET, server.url("/thing")),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 429);
    assert_eq!(seen.load(Ordering::SeqCst), 1, "a final 429 is not retried");
    assert_eq!(response.text().await.unwrap(), "lasting");
}

#[tokio::test(start_paused = true)]
async fn a_429_its_classifier_leaves_alone_is_still_retried() {
    let server = MockServer::start_async().await;
    let seen = flaky(&server, "GET", 429, None, 1).await;
    let runtime = runtime().classifier(lasting_limit).build();
    let response = send(
        &runtime,
        Some(Operation::GetTicket),
        None,
        request(reqwest::Method::GET, server.url("/thing")),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(seen.load(Ordering::SeqCst), 2);
}
