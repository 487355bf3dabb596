//! HubSpot's credentials, error bodies and 429 answers; requests and answers are the kit's.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde_json::{Value, json};

pub use support_conformance::sim::{Reply, Req};

/// The `Authorization` header of a private app's token or an OAuth access token.
pub fn authorization(token: &str) -> String {
    format!("Bearer {token}")
}

/// A fresh `correlationId` (a UUID-shaped value, as HubSpot's).
pub fn correlation_id() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("5b1c2e7a-0000-4000-8000-{n:012x}")
}

/// HubSpot's error body: `{status: "error", message, correlationId, category, subCategory?,
/// context?}` (vendor spec `Error`; providers/hubspot.md §4).
pub fn error(status: u16, category: &str, message: impl Into<String>) -> Reply {
    Reply::new(
        status,
        json!({
            "status": "error",
            "message": message.into(),
            "correlationId": correlation_id(),
            "category": category,
        }),
    )
}

/// An error body with a `subCategory` and a `context`.
pub fn error_with(
    status: u16,
    category: &str,
    sub_category: &str,
    message: impl Into<String>,
    context: Value,
) -> Reply {
    Reply::new(
        status,
        json!({
            "status": "error",
            "message": message.into(),
            "correlationId": correlation_id(),
            "category": category,
            "subCategory": sub_category,
            "context": context,
        }),
    )
}

/// The 401 for missing or wrong credentials (`category: INVALID_AUTHENTICATION`).
pub fn unauthenticated() -> Reply {
    error(
        401,
        "INVALID_AUTHENTICATION",
        "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview",
    )
}

/// A 400 `VALIDATION_ERROR`.
pub fn invalid(message: impl Into<String>) -> Reply {
    error(400, "VALIDATION_ERROR", message)
}

/// The 404 of an object that does not exist (`category: OBJECT_NOT_FOUND`).
pub fn not_found() -> Reply {
    error(404, "OBJECT_NOT_FOUND", "Object not found")
}

/// The burst limit a 429 of the simulator stands for (`X-HubSpot-RateLimit-Max` per interval).
pub const BURST_MAX: u64 = 190;
/// The interval of the burst limit, in milliseconds (`X-HubSpot-RateLimit-Interval-Milliseconds`).
pub const BURST_INTERVAL_MS: u64 = 10_000;
/// The daily limit (`X-HubSpot-RateLimit-Daily`).
pub const DAILY_MAX: u64 = 1_000_000;

/// HubSpot's 429 for the ten-second rolling limit (`policyName: TEN_SECONDLY_ROLLING`), with the
/// `X-HubSpot-RateLimit-*` headers. HubSpot sends no `Retry-After`: the interval header is the
/// wait, so a throttling fault's wait is given as the interval.
///
/// A wait longer than the ten-second window can only be the daily limit: it is answered with the
/// daily 429 ([`daily_limit`]).
pub fn throttled(wait: Duration) -> Reply {
    let interval = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX);
    if interval > BURST_INTERVAL_MS {
        return daily_limit().with_header("date", date_before_midnight(wait));
    }
    Reply::new(
        429,
        json!({
            "status": "error",
            "message": "You have reached your ten_secondly_rolling limit.",
            "errorType": "RATE_LIMIT",
            "correlationId": correlation_id(),
            "policyName": "TEN_SECONDLY_ROLLING",
            "groupName": "privateapp:10secondly",
        }),
    )
    .with_header("x-hubspot-ratelimit-max", BURST_MAX.to_string())
    .with_header("x-hubspot-ratelimit-remaining", "0")
    .with_header(
        "x-hubspot-ratelimit-interval-milliseconds",
        interval.to_string(),
    )
    .with_header("x-hubspot-ratelimit-daily", DAILY_MAX.to_string())
    .with_header("x-hubspot-ratelimit-daily-remaining", "181000")
}

/// A `Date` header `wait` before a midnight UTC (within a day), so the daily limit resets after
/// `wait`.
fn date_before_midnight(wait: Duration) -> String {
    let midnight =
        chrono::DateTime::<chrono::Utc>::from_timestamp(1_796_169_600, 0).unwrap_or_default();
    let wait =
        chrono::Duration::from_std(wait.min(Duration::from_secs(86_399))).unwrap_or_default();
    (midnight - wait)
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

/// HubSpot's 429 once the daily limit is spent (`policyName: DAILY`): no wait would help before
/// midnight in the account's time zone.
pub fn daily_limit() -> Reply {
    Reply::new(
        429,
        json!({
            "status": "error",
            "message": "You have reached your daily limit.",
            "errorType": "RATE_LIMIT",
            "correlationId": correlation_id(),
            "policyName": "DAILY",
            "requestId": correlation_id(),
        }),
    )
    .with_header("x-hubspot-ratelimit-daily", DAILY_MAX.to_string())
    .with_header("x-hubspot-ratelimit-daily-remaining", "0")
}

/// The search endpoints' own per-second limit (its 429 message per HubSpot's Node SDK).
pub fn search_secondly_limit() -> Reply {
    Reply::new(
        429,
        json!({
            "status": "error",
            "message": "You have reached your secondly limit.",
            "errorType": "RATE_LIMIT",
            "correlationId": correlation_id(),
            "policyName": "SECONDLY",
        }),
    )
}

/// The OAuth app's client id the simulator knows.
pub const CLIENT_ID: &str = "sim-client";
/// Its client secret.
pub const CLIENT_SECRET: &str = "sim-client-secret";
/// A refresh token issued to the app before the test (an installed app's).
pub const REFRESH_TOKEN: &str = "sim-refresh-token";
/// Seconds an issued access token lives (HubSpot: 30 minutes).
pub const TOKEN_LIFESPAN: u64 = 1800;

/// Access tokens `/oauth/v1/token` issued: the token, the server (`Host`) that issued it, and
/// whether it expired. Tokens are unique, so simulators side by side never see each other's.
static ISSUED: std::sync::Mutex<Vec<(String, String, bool)>> = std::sync::Mutex::new(Vec::new());

fn issued<T>(f: impl FnOnce(&mut Vec<(String, String, bool)>) -> T) -> T {
    let mut guard = ISSUED.lock().unwrap_or_else(|p| p.into_inner());
    f(&mut guard)
}

/// Issues an access token on the server at `host`.
pub fn issue(host: &str) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let token = format!("CNHb-sim-{:08x}", NEXT.fetch_add(1, Ordering::Relaxed));
    issued(|all| all.push((token.clone(), host.to_owned(), false)));
    token
}

/// Whether `token` is a live access token issued on the server at `host`.
pub fn live(host: &str, token: &str) -> bool {
    issued(|all| {
        all.iter()
            .any(|(t, h, expired)| t == token && h == host && !expired)
    })
}

/// Expires every access token issued on the server at `host`.
pub fn expire(host: &str) {
    issued(|all| {
        for (_, h, expired) in all.iter_mut() {
            if h == host {
                *expired = true;
            }
        }
    });
}

/// The 400 of a refresh the token endpoint refuses.
pub fn bad_refresh_token() -> Reply {
    Reply::new(
        400,
        json!({
            "status": "BAD_REFRESH_TOKEN",
            "message": "missing or invalid refresh token",
            "correlationId": correlation_id(),
        }),
    )
}
