//! Helpers for provider simulators built on `httpmock`.

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
    let times = fault.times;
    let status = fault.status;
    let retry_after = fault.retry_after;
    server
        .mock_async(move |when, then| {
            when.is_true(move |request| is_target(request) && counter.hit() < times);
            let then = then
                .status(status)
                .header("content-type", "application/json")
                .body(format!(
                    r#"{{"error":"simulated failure","status":{status}}}"#
                ));
            if let Some(wait) = retry_after {
                then.header("retry-after", wait.as_secs().to_string());
            }
        })
        .await;
}

/// Whether a request has this method and exact path.
pub fn is(request: &HttpMockRequest, method: &str, path: &str) -> bool {
    request.method().as_str().eq_ignore_ascii_case(method) && request.uri().path() == path
}
