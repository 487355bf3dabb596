//! Salesforce's credentials, error bodies and throttling answer; requests and answers are the
//! kit's.
//!
//! REST API errors are a JSON array of `{"errorCode", "message", "fields"}` (REST API Developer
//! Guide, "Status Codes and Error Responses"); an expired or wrong session is 401
//! `INVALID_SESSION_ID`; the org's daily API request limit is 403 `REQUEST_LIMIT_EXCEEDED`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};

use serde_json::{Value, json};

pub use support_conformance::sim::{Reply, Req};

/// The REST API version every path names.
pub const API_VERSION: &str = "v64.0";
/// The REST API's root under the instance URL.
pub const DATA: &str = "/services/data/v64.0";
/// The org's daily API request allocation the simulator reports in `Sforce-Limit-Info`.
pub const DAILY_LIMIT: u64 = 15000;

/// The `Authorization` header of an access token.
pub fn authorization(token: &str) -> String {
    format!("Bearer {token}")
}

/// Salesforce's error array with one error.
pub fn error(status: u16, code: &str, message: &str, fields: &[&str]) -> Reply {
    Reply::new(
        status,
        json!([{"errorCode": code, "message": message, "fields": fields}]),
    )
}

/// The 401 Salesforce answers to a missing, wrong or expired access token.
pub fn unauthenticated() -> Reply {
    Reply::new(
        401,
        json!([{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]),
    )
}

/// The 404 of a record or resource that does not exist.
pub fn not_found() -> Reply {
    error(
        404,
        "NOT_FOUND",
        "The requested resource does not exist",
        &[],
    )
}

/// A 400 `MALFORMED_QUERY`.
pub fn malformed_query(detail: &str) -> Reply {
    error(400, "MALFORMED_QUERY", detail, &[])
}

/// A 400 `INVALID_FIELD`.
pub fn invalid_field(object: &str, field: &str) -> Reply {
    error(
        400,
        "INVALID_FIELD",
        &format!("No such column '{field}' on sobject of type {object}"),
        &[field],
    )
}

/// A 400 with any other code (`JSON_PARSER_ERROR`, `INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST`, ...).
pub fn bad_request(code: &str, message: &str, fields: &[&str]) -> Reply {
    error(400, code, message, fields)
}

/// The answer once the org's daily API request limit is used up: 403 `REQUEST_LIMIT_EXCEEDED`
/// with `Sforce-Limit-Info` at the limit (Salesforce sends no `Retry-After`).
pub fn throttled() -> Reply {
    error(
        403,
        "REQUEST_LIMIT_EXCEEDED",
        "TotalRequests Limit exceeded.",
        &[],
    )
    .with_header(
        "sforce-limit-info",
        format!("api-usage={DAILY_LIMIT}/{DAILY_LIMIT}"),
    )
}

/// The check every write runs: `Content-Type: application/json` and a JSON object body, else
/// Salesforce's 400 (`UNSUPPORTED_MEDIA_TYPE` is 415; a bad body is `JSON_PARSER_ERROR`).
pub fn json_object(req: &Req) -> Result<serde_json::Map<String, Value>, Reply> {
    if !req.declares_json() {
        return Err(error(
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            "Content-Type header specified in HTTP request is not supported",
            &[],
        ));
    }
    match req.json() {
        Some(Value::Object(map)) => Ok(map),
        _ => Err(bad_request(
            "JSON_PARSER_ERROR",
            "Unexpected parameter encountered during deserialization",
            &[],
        )),
    }
}

/// The connected app's consumer key the simulator knows.
pub const CLIENT_ID: &str = "sim-consumer-key";
/// Its consumer secret.
pub const CLIENT_SECRET: &str = "sim-consumer-secret";
/// A refresh token the connected app issued before the test.
pub const REFRESH_TOKEN: &str = "sim-refresh-token";

/// Access tokens `/services/oauth2/token` issued, by token: (the issuing server's `Host`, expired).
static ISSUED: Mutex<Option<HashMap<String, (String, bool)>>> = Mutex::new(None);

fn issued<T>(f: impl FnOnce(&mut HashMap<String, (String, bool)>) -> T) -> T {
    let mut guard = ISSUED.lock().unwrap_or_else(|p| p.into_inner());
    f(guard.get_or_insert_with(HashMap::new))
}

/// Issues an access token for the server at `host`.
pub fn issue(host: &str) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let token = format!(
        "00Dsim!{:08x}.{host}",
        NEXT.fetch_add(1, AtomicOrdering::Relaxed)
    );
    issued(|t| t.insert(token.clone(), (host.to_owned(), false)));
    token
}

/// Whether `token` is a live access token issued by the server at `host`.
pub fn live(host: &str, token: &str) -> bool {
    issued(|t| {
        t.get(token)
            .is_some_and(|(h, expired)| h == host && !expired)
    })
}

/// Expires every access token the server at `host` issued: the next request with one is 401
/// `INVALID_SESSION_ID`, as once the session timeout has passed.
pub fn expire(host: &str) {
    issued(|t| {
        for (h, expired) in t.values_mut() {
            if h == host {
                *expired = true;
            }
        }
    });
}

/// How many access tokens the server at `host` issued.
pub fn issued_count(host: &str) -> usize {
    issued(|t| t.values().filter(|(h, _)| h == host).count())
}

/// An OAuth error of the token endpoint (Salesforce answers 400 with `error` and
/// `error_description`).
pub fn oauth_error(code: &str, description: &str) -> Reply {
    Reply::new(
        400,
        json!({"error": code, "error_description": description}),
    )
}
