//! The simulator kit: everything a provider simulator on `httpmock` (loopback only) needs except
//! the provider's wire format.
//!
//! A provider's simulator implements [`Wire`] — its routes ([`Route`]: method, path pattern with
//! id captures, accepted [`Params`] and [`BodyRule`], handler), its auth check and 401 body, the
//! headers every answer carries, a path normaliser, how its ports are built, and which endpoint a
//! fault on each operation hits — and [`Account`] for its state (seeding from the [`World`] and the
//! request log). [`Simulated`] then serves it authentication first, records every answered
//! request, shares the state between mocks (poison-tolerant [`lock`]), and hands out faulted copies
//! of the world kept alive as long as the simulator, as the conformance suite's [`Harness`] and
//! [`Simulator`]. The [`storage`] module serves files from signed URLs on another origin. The
//! [`pager`] module holds the arithmetic of offset, page-number and cursor
//! paging; providers keep their envelopes and error bodies.
//!
//! Path ids are strings spelled as the world's [`IdScheme`](crate::world::IdScheme) spells them,
//! so the kit serves providers whose ids are not numbers.
//!
//! [`World`]: crate::world::World
//! [`Harness`]: crate::harness::Harness
//! [`Simulator`]: crate::harness::Simulator

pub mod client;
pub mod http;
mod lost;
pub mod pager;
pub mod ports;
pub mod records;
pub mod route;
pub mod server;
pub mod storage;

pub use client::{Answer, SimClient};
pub use http::{
    ParamProblem, QueryEncoding, Reply, Req, basic_authorization, basic_credentials,
    encode_component, header, with_query,
};
pub use ports::{built, quick_retries};
pub use records::{WriteClock, escape_html, iso_seconds, setup_time};
pub use route::{BodyRule, Check, Handler, Params, Route, match_path, unknown_members};
pub use server::{
    Account, Credentials, FaultTarget, FaultedServer, RecordedRequest, Shared, Simulated, Wire,
    block_on, lock, serve, start_server,
};

use httpmock::{HttpMockRequest, MockServer};

use crate::harness::{Fault, RequestCounter};

/// Registers a mock that answers `fault` to the requests `is_target` picks, the first `fault.times`
/// of them, and counts every request it picks in `counter`.
///
/// httpmock serves the first registered mock that matches, so call this on a fresh server before
/// registering the world: later target requests then fall through to the normal answers.
pub async fn install_fault(
    server: &MockServer,
    fault: &Fault,
    counter: RequestCounter,
    is_target: impl Fn(&HttpMockRequest) -> bool + Send + Sync + 'static,
) {
    install_fault_with(server, fault, counter, is_target, |_| None).await;
}

/// [`install_fault`], with the provider's own answer to a throttling fault (a 429 with a wait):
/// `throttled(wait)` is called when each such answer is sent (a provider that names the end of
/// the wait as a time, such as Intercom's `X-RateLimit-Reset`, counts from then); `None` keeps the
/// kit's `Retry-After` answer.
pub async fn install_fault_with(
    server: &MockServer,
    fault: &Fault,
    counter: RequestCounter,
    is_target: impl Fn(&HttpMockRequest) -> bool + Send + Sync + 'static,
    throttled: fn(std::time::Duration) -> Option<Reply>,
) {
    let times = fault.times;
    let status = fault.status;
    let retry_after = fault.retry_after;
    let delay = fault.delay;
    let body = fault
        .body
        .clone()
        .unwrap_or_else(|| format!(r#"{{"error":"simulated failure","status":{status}}}"#));
    let echo = fault.echo_credentials;
    server
        .mock_async(move |when, then| {
            when.is_true(move |request| is_target(request) && counter.hit() < times);
            if let Some(wait) = retry_after.filter(|_| status == 429)
                && throttled(wait).is_some()
            {
                let then = then.respond_with(move |_: &HttpMockRequest| {
                    throttled(wait)
                        .unwrap_or_else(|| Reply::empty(429))
                        .into_response(&[])
                });
                if let Some(delay) = delay {
                    then.delay(delay);
                }
                return;
            }
            if echo {
                let then = then.respond_with(move |request| echo_credentials(status, request));
                if let Some(delay) = delay {
                    then.delay(delay);
                }
                return;
            }
            let then = then
                .status(status)
                .header("content-type", "application/json")
                .body(body);
            let then = match retry_after {
                Some(wait) => then.header("retry-after", wait.as_secs().to_string()),
                None => then,
            };
            if let Some(delay) = delay {
                then.delay(delay);
            }
        })
        .await;
}

/// An error answer that echoes the request's `Authorization` header, its credentials (the token;
/// the decoded Basic pair and each half) in every field a provider's error body has, and in the
/// request id header.
fn echo_credentials(status: u16, request: &HttpMockRequest) -> httpmock::HttpMockResponse {
    let authorization = http::header(request.headers_vec(), "authorization")
        .unwrap_or_default()
        .to_owned();
    let param = authorization
        .split_once(' ')
        .map(|(_, p)| p.trim().to_owned())
        .unwrap_or_default();
    let mut echoes = vec![format!("Authorization: {authorization}"), param.clone()];
    if let Some((user, password)) = basic_credentials(Some(&authorization)) {
        echoes.push(format!("{user}:{password}"));
        echoes.push(user);
        echoes.push(password);
    }
    let text = echoes.join(" | ");
    let body = serde_json::json!({
        "error": text,
        "description": text,
        "message": text,
        "code": text,
        "errors": [{"field": "authorization", "message": text, "code": text}],
        "request_id": param,
        "authorization": authorization,
    });
    let mut builder = httpmock::HttpMockResponse::builder()
        .status(status)
        .header("content-type", "application/json");
    if !param.is_empty() {
        builder = builder.header("x-request-id", param.clone());
    }
    builder.body(body.to_string()).build()
}

/// Whether a request has this method and exact path.
pub fn is(request: &HttpMockRequest, method: &str, path: &str) -> bool {
    request.method().as_str().eq_ignore_ascii_case(method) && request.uri().path() == path
}
