//! Intercom's credentials, version header, rate-limit headers and error bodies; requests and
//! answers are the kit's.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

pub use support_conformance::sim::{Reply, Req};

/// The API version the simulator serves (the vendor description's).
pub const VERSION: &str = "2.16";

/// Requests allowed in one rate-limit window (10 seconds: 1,000 a minute for a private app's
/// share, as the rate-limiting page's example has it).
pub const RATE_LIMIT: u64 = 167;

/// The `Authorization` header of an access token.
pub fn authorization(token: &str) -> String {
    format!("Bearer {token}")
}

/// A request id, as Intercom puts one on every error body.
fn request_id() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    format!(
        "sim-{:012x}-0000-4000-8000-000000000000",
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// Intercom's error body: `error.list` with one error.
pub fn error(status: u16, code: &str, message: impl Into<String>) -> Reply {
    Reply::new(
        status,
        json!({
            "type": "error.list",
            "request_id": request_id(),
            "errors": [{"code": code, "message": message.into()}],
        }),
    )
}

/// The 401 Intercom answers to a missing or wrong token (the vendor description's example).
pub fn unauthenticated() -> Reply {
    error(401, "unauthorized", "Access Token Invalid")
}

/// 404 for a record that does not exist (`ObjectNotFound`'s body).
pub fn not_found(what: &str) -> Reply {
    error(404, "not_found", format!("{what} Not Found"))
}

/// 400 for a request parameter or body member that is wrong.
pub fn parameter_invalid(message: impl Into<String>) -> Reply {
    error(400, "parameter_invalid", message)
}

/// 400 for a required parameter that is absent.
pub fn parameter_not_found(message: impl Into<String>) -> Reply {
    error(400, "parameter_not_found", message)
}

/// 422 for data Intercom cannot accept.
pub fn data_invalid(message: impl Into<String>) -> Reply {
    error(422, "data_invalid", message)
}

/// The check every route runs first: `Intercom-Version` must be `2.16`. Intercom falls back to the
/// app's default version when the header is absent, and answers an unknown version with 400
/// `intercom_version_invalid`; the simulator refuses a missing header the same way, on purpose, so
/// that an adapter that forgets to pin the version shows.
pub fn check_version(req: &Req) -> Result<(), Reply> {
    match req.header("intercom-version") {
        Some(version) if version.trim() == VERSION => Ok(()),
        Some(version) => Err(error(
            400,
            "intercom_version_invalid",
            format!("The requested version could not be found: {version}"),
        )),
        None => Err(error(
            400,
            "intercom_version_invalid",
            format!("The Intercom-Version header is required (this API serves {VERSION})"),
        )),
    }
}

/// The JSON object body of a write: 400 `parameter_invalid` when the body is not declared JSON or
/// is not an object.
pub fn object_body(req: &Req) -> Result<serde_json::Map<String, Value>, Reply> {
    if !req.declares_json() {
        return Err(error(
            415,
            "unsupported_media_type",
            "Content-Type must be application/json",
        ));
    }
    match req.json() {
        Some(Value::Object(map)) => Ok(map),
        _ => Err(parameter_invalid("The request body must be a JSON object")),
    }
}

/// Unknown members of a body: 400 naming the first one (Intercom validates bodies strictly).
pub fn only_members(body: &serde_json::Map<String, Value>, allowed: &[&str]) -> Result<(), Reply> {
    match body.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(unknown) => Err(parameter_invalid(format!(
            "{unknown} is not a valid parameter"
        ))),
        None => Ok(()),
    }
}

/// Now, as Unix seconds.
fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

/// The rate-limit headers of an answer: the window's allowance, what is left of it, and when it
/// resets (Unix seconds, the end of the current 10-second window).
pub fn rate_limit_headers() -> Vec<(String, String)> {
    let reset = (unix_now() / 10 + 1) * 10;
    vec![
        ("x-ratelimit-limit".into(), RATE_LIMIT.to_string()),
        ("x-ratelimit-remaining".into(), (RATE_LIMIT - 1).to_string()),
        ("x-ratelimit-reset".into(), reset.to_string()),
    ]
}

/// Intercom's 429: `rate_limit_exceeded`, no `Retry-After`, and `X-RateLimit-Reset` the Unix time
/// `wait` (whole seconds, rounded up) after the current second, with nothing remaining.
pub fn throttled(wait: Duration) -> Reply {
    let reset = unix_now() + wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    error(
        429,
        "rate_limit_exceeded",
        format!("Exceeded rate limit of {RATE_LIMIT} in 10_seconds"),
    )
    .with_header("x-ratelimit-limit", RATE_LIMIT.to_string())
    .with_header("x-ratelimit-remaining", "0")
    .with_header("x-ratelimit-reset", reset.to_string())
}
