//! Zoho Desk's credentials, `orgId` header, error bodies, throttling answers and OAuth token
//! endpoint; requests and answers are the kit's.
//!
//! Errors are `{"errorCode", "message"}`, with `errors[{fieldName, errorType, errorMessage}]` for
//! invalid data (`Common.json` of Zoho's description: `errorJson`, `errorDetailArr`). A missing,
//! wrong or expired access token is 401 `INVALID_OAUTH`; throttling is 429 with
//! `TOO_MANY_REQUESTS` (the concurrency limit: `Retry-After`) or `THRESHOLD_EXCEEDED` (the day's
//! API credits used up: no retry helps until the reset).

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Value, json};

pub use support_conformance::sim::{Reply, Req};

/// The organization the simulator serves (the `orgId` header every request but
/// `/api/v1/organizations` carries).
pub const ORG_ID: &str = "60001234567";
/// The OAuth token endpoint on the accounts host (here the simulator itself).
pub const TOKEN_PATH: &str = "/oauth/v2/token";
/// The client id of the self client the simulator knows.
pub const CLIENT_ID: &str = "1000.SIMCLIENT";
/// Its client secret.
pub const CLIENT_SECRET: &str = "sim-client-secret";
/// A refresh token issued before the test.
pub const REFRESH_TOKEN: &str = "1000.sim-refresh-token";
/// The scopes the self client was granted (what the integration needs: tickets, comments and
/// tags; agents, departments and organizations; the layout's statuses; articles; account SLAs;
/// `Desk.basic.CREATE` for `POST /api/v1/uploads`, as `Upload.json` declares).
pub const SCOPES: &str = "Desk.tickets.ALL,Desk.basic.READ,Desk.basic.CREATE,Desk.settings.READ,Desk.articles.READ,Desk.contacts.READ,Desk.search.READ";

/// The `Authorization` header of an access token.
pub fn authorization(token: &str) -> String {
    format!("Zoho-oauthtoken {token}")
}

/// Zoho's error body.
pub fn error(status: u16, code: &str, message: &str) -> Reply {
    Reply::new(status, json!({"errorCode": code, "message": message}))
}

/// 422 `INVALID_DATA` naming one field (`fieldName` is a JSON pointer; `errorType` is `invalid`,
/// `duplicate` or `missing`).
pub fn invalid_data(field: &str, error_type: &str) -> Reply {
    Reply::new(
        422,
        json!({
            "errorCode": "INVALID_DATA",
            "message": "The data is invalid due to validation restrictions",
            "errors": [{"fieldName": format!("/{field}"), "errorType": error_type, "errorMessage": ""}],
        }),
    )
}

/// 422 `UNPROCESSABLE_ENTITY` for a query parameter (`Common.json`'s example names `from`).
pub fn bad_param(name: &str) -> Reply {
    error(
        422,
        "UNPROCESSABLE_ENTITY",
        &format!("The value passed for the '{name}' query parameter is invalid."),
    )
}

/// 422 for a query parameter the endpoint does not take (assumed: the same answer as a bad
/// value; Zoho documents no other).
pub fn unknown_param(name: &str) -> Reply {
    error(
        422,
        "UNPROCESSABLE_ENTITY",
        &format!("The query parameter '{name}' is not allowed."),
    )
}

/// 404 of a record that does not exist.
pub fn not_found() -> Reply {
    error(
        404,
        "RESOURCE_NOT_FOUND",
        "The requested resource does not exist.",
    )
}

/// The 401 Zoho answers to a missing, wrong or expired access token.
pub fn unauthenticated() -> Reply {
    error(
        401,
        "INVALID_OAUTH",
        "The OAuth Token you provided is invalid.",
    )
}

/// The answer to a request without the `orgId` header, or with one of an organization the token
/// cannot reach (assumed: 400 `INVALID_DATA` naming the header; Zoho documents the header as
/// mandatory but not the refusal's body).
pub fn org_refused() -> Reply {
    Reply::new(
        400,
        json!({
            "errorCode": "INVALID_DATA",
            "message": "The data is invalid due to validation restrictions",
            "errors": [{"fieldName": "orgId", "errorType": "missing", "errorMessage": "orgId header is mandatory"}],
        }),
    )
}

/// 429 `TOO_MANY_REQUESTS`: too many concurrent requests, retry after `seconds`.
pub fn too_many_requests(seconds: u64) -> Reply {
    error(
        429,
        "TOO_MANY_REQUESTS",
        "You have made too many requests. Please try again later.",
    )
    .with_header("retry-after", seconds.to_string())
    .with_header("x-rate-limit-remaining-v3", "0")
}

/// The body of 429 `THRESHOLD_EXCEEDED`: the organization's API credits for the day are used
/// up.
pub fn threshold_body() -> Value {
    json!({
        "errorCode": "THRESHOLD_EXCEEDED",
        "message": "API credits exhausted for the day. Please try again after the reset.",
    })
}

/// An OAuth error of the token endpoint (Zoho Accounts answers 200 with `{"error": code}`).
pub fn oauth_error(code: &str) -> Reply {
    Reply::ok(json!({"error": code}))
}

/// Access tokens the token endpoint issued, by token: (the issuing server's `Host`, expired).
static ISSUED: Mutex<Option<HashMap<String, (String, bool)>>> = Mutex::new(None);

fn issued<T>(f: impl FnOnce(&mut HashMap<String, (String, bool)>) -> T) -> T {
    let mut guard = ISSUED.lock().unwrap_or_else(|p| p.into_inner());
    f(guard.get_or_insert_with(HashMap::new))
}

/// Issues an access token for the server at `host`.
pub fn issue(host: &str) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let token = format!(
        "1000.{:016x}.{}",
        NEXT.fetch_add(1, Ordering::Relaxed),
        host.replace([':', '.'], "")
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

/// Expires every access token the server at `host` issued.
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

/// The JSON object body of a write, else Zoho's 422.
pub fn json_object(req: &Req) -> Result<serde_json::Map<String, Value>, Reply> {
    match req.json() {
        Some(Value::Object(map)) if req.declares_json() => Ok(map),
        _ => Err(error(
            422,
            "UNPROCESSABLE_ENTITY",
            "The request body is not a valid JSON object.",
        )),
    }
}

/// Decodes an `application/x-www-form-urlencoded` body (or query string).
pub fn form(body: &[u8]) -> Vec<(String, String)> {
    fn decode(text: &str) -> String {
        let bytes = text.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < bytes.len() => {
                    let hex = |b: u8| (b as char).to_digit(16);
                    match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                        (Some(h), Some(l)) => {
                            out.push((h * 16 + l) as u8);
                            i += 2;
                        }
                        _ => out.push(b'%'),
                    }
                }
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    String::from_utf8_lossy(body)
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect()
}
