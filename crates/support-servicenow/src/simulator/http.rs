//! ServiceNow's credentials, the tokens `/oauth_token.do` issues, the `Accept` check, and its
//! error bodies; requests and answers are the kit's.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::json;

pub use support_conformance::sim::{Reply, Req};

/// The integration user the simulator accepts with HTTP Basic.
pub const USER: &str = "sim-user";
/// Its password.
pub const PASSWORD: &str = "sim-password";
/// The OAuth client (Application Registry entry) the simulator knows.
pub const CLIENT_ID: &str = "sim-client";
/// Its secret.
pub const CLIENT_SECRET: &str = "sim-client-secret";
/// Seconds an issued access token lives (ServiceNow's default access token lifespan, 1,800 s).
pub const TOKEN_LIFESPAN: u64 = 1800;
/// The hourly limit of the rate-limit rule a throttling fault stands for.
pub const RATE_LIMIT: u64 = 100;
/// The sys_id of that rate-limit rule (`sys_rate_limit_rules`).
pub const RATE_RULE: &str = "0f4c1ad1db1c2010a1b2c3d4e5f60718";

/// The `Authorization` header of a bearer token.
pub fn authorization(token: &str) -> String {
    format!("Bearer {token}")
}

/// ServiceNow's error envelope: `{"error": {"message", "detail"}, "status": "failure"}`.
pub fn error(status: u16, message: &str, detail: impl Into<String>) -> Reply {
    Reply::new(
        status,
        json!({
            "error": {"message": message, "detail": detail.into()},
            "status": "failure",
        }),
    )
}

/// The 401 for missing or wrong credentials.
pub fn unauthenticated() -> Reply {
    error(
        401,
        "User Not Authenticated",
        "Required to provide Auth information",
    )
}

/// The 404 of a record that does not exist or that ACLs hide.
pub fn no_record() -> Reply {
    error(
        404,
        "No Record found",
        "Record doesn't exist or ACL restricts the record retrieval",
    )
}

/// A 400 for a request ServiceNow cannot take.
pub fn bad_request(message: &str, detail: impl Into<String>) -> Reply {
    error(400, message, detail)
}

/// The check every JSON route runs first: `Accept` must admit `application/json` (the Table API
/// documents the header as required; a request without it is refused).
pub fn json_accept(req: &Req) -> Result<(), Reply> {
    let accepted = req.header("accept").is_some_and(|accept| {
        accept.split(',').any(|range| {
            let range = range.split(';').next().unwrap_or("").trim();
            range.eq_ignore_ascii_case("application/json")
                || range == "*/*"
                || range.eq_ignore_ascii_case("application/*")
        })
    });
    if accepted {
        Ok(())
    } else {
        Err(bad_request(
            "Invalid request",
            "Accept header must be application/json",
        ))
    }
}

/// Now, as Unix seconds.
fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

/// ServiceNow's 429 under a rate-limit rule: `Retry-After` in whole seconds (rounded up), the
/// rule's `X-RateLimit-*` headers, and the documented body.
pub fn throttled(wait: Duration) -> Reply {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    error(
        429,
        "Rate limit exceeded",
        format!("Rate limit of {RATE_LIMIT} requests per hour for Table API exceeded"),
    )
    .with_header("retry-after", seconds.to_string())
    .with_header("x-ratelimit-limit", RATE_LIMIT.to_string())
    .with_header("x-ratelimit-reset", (unix_now() + seconds).to_string())
    .with_header("x-ratelimit-rule", RATE_RULE)
}

/// What one issued token is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// An access token, sent as `Authorization: Bearer`.
    Access,
    /// A refresh token, redeemed at `/oauth_token.do`.
    Refresh,
}

/// One token `/oauth_token.do` issued: which server (its `Host`), what it is, whether it expired.
#[derive(Clone, Debug)]
struct Issued {
    host: String,
    kind: TokenKind,
    expired: bool,
}

/// Tokens issued by every simulator of this test binary, keyed by the token. A token names the
/// server (`Host`) that issued it and is accepted only there; tokens are unique, so simulators
/// running side by side never see each other's.
static TOKENS: Mutex<Option<HashMap<String, Issued>>> = Mutex::new(None);

fn tokens<T>(f: impl FnOnce(&mut HashMap<String, Issued>) -> T) -> T {
    let mut guard = TOKENS.lock().unwrap_or_else(|p| p.into_inner());
    f(guard.get_or_insert_with(HashMap::new))
}

/// Issues a token of `kind` for the server at `host`.
pub fn issue(host: &str, kind: TokenKind) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let prefix = match kind {
        TokenKind::Access => "snat",
        TokenKind::Refresh => "snrt",
    };
    let token = format!(
        "{prefix}-{n:08x}-{:016x}",
        unix_now().wrapping_mul(0x9e37_79b9_7f4a_7c15)
    );
    tokens(|t| {
        t.insert(
            token.clone(),
            Issued {
                host: host.to_owned(),
                kind,
                expired: false,
            },
        )
    });
    token
}

/// Whether `token` is a live token of `kind` issued by the server at `host`.
pub fn live(host: &str, token: &str, kind: TokenKind) -> bool {
    tokens(|t| {
        t.get(token)
            .is_some_and(|i| i.host == host && i.kind == kind && !i.expired)
    })
}

/// Expires every access token the server at `host` issued (refresh tokens stay valid): the
/// next request with one of them is a 401, as after `expires_in` seconds.
pub fn expire_access_tokens(host: &str) {
    tokens(|t| {
        for issued in t.values_mut() {
            if issued.host == host && issued.kind == TokenKind::Access {
                issued.expired = true;
            }
        }
    });
}

/// Revokes one refresh token (as when it is used up or revoked by an admin).
pub fn revoke(token: &str) {
    tokens(|t| {
        if let Some(issued) = t.get_mut(token) {
            issued.expired = true;
        }
    });
}

/// An OAuth error answer of `/oauth_token.do` (RFC 6749 §5.2 members).
pub fn oauth_error(status: u16, code: &str, description: &str) -> Reply {
    Reply::new(
        status,
        json!({"error": code, "error_description": description}),
    )
}
