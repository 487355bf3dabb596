//! Zammad's credentials, its answers to refused credentials, and its error bodies; requests and
//! answers are the kit's.
//!
//! Written from `app/controllers/application_controller/authenticates.rb` and
//! `handles_errors.rb`: without credentials a route needing authentication raises
//! `Exceptions::Forbidden` "Authentication required" (403); credentials given but not valid raise
//! `Exceptions::NotAuthorized` (401) whose message names what failed (Basic, then token, then
//! OAuth2, joined by ", "). Both answer `{"error", "error_human"}` with the message, and the
//! message again in the `X-Failure` header.

use std::time::Duration;

use serde_json::json;

pub use support_conformance::sim::{Reply, Req};

/// The API token (`Authorization: Token token=...`) the simulator accepts.
pub const TOKEN: &str = "sim-token";
/// An API token the simulator does not know.
pub const WRONG_TOKEN: &str = "wrong-token";
/// The login the simulator accepts with HTTP Basic (the world's administrator).
pub const LOGIN: &str = "ada@example.com";
/// Its password.
pub const PASSWORD: &str = "sim-password";
/// The OAuth2 (Doorkeeper) access token the simulator accepts as `Authorization: Bearer`.
pub const OAUTH_TOKEN: &str = "sim-oauth-token";

/// The `Authorization` header of an API token.
pub fn authorization(token: &str) -> String {
    format!("Token token={token}")
}

/// The `Authorization` header of an OAuth2 access token.
pub fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// What an `Authorization` header holds, as Zammad reads it.
#[derive(Debug, PartialEq, Eq)]
pub enum Presented {
    /// No credentials at all.
    Nothing,
    /// HTTP Basic.
    Basic(String, String),
    /// `Token token=...`, `Token ...` or `Bearer ...` (Rails' token parser takes both schemes;
    /// a bearer value is then also tried as an OAuth2 token).
    Token { value: String, bearer: bool },
    /// A scheme Zammad does not read (treated as no credentials).
    Other,
}

/// Reads the `Authorization` header.
pub fn presented(req: &Req) -> Presented {
    let Some(header) = req.header("authorization") else {
        return Presented::Nothing;
    };
    if let Some((user, password)) = support_conformance::sim::basic_credentials(Some(header)) {
        return Presented::Basic(user, password);
    }
    let (scheme, rest) = header.trim().split_once(' ').unwrap_or((header.trim(), ""));
    let bearer = scheme.eq_ignore_ascii_case("bearer");
    if !bearer && !scheme.eq_ignore_ascii_case("token") {
        return Presented::Other;
    }
    let rest = rest.trim();
    // `token=abc` or `token="abc"`, else the bare value.
    let value = match rest.strip_prefix("token=") {
        Some(v) => v.split(',').next().unwrap_or("").trim().trim_matches('"'),
        None => rest,
    };
    if value.is_empty() {
        return Presented::Nothing;
    }
    Presented::Token {
        value: value.to_owned(),
        bearer,
    }
}

/// Whether the request carries credentials the simulator accepts.
pub fn accepted(req: &Req) -> bool {
    match presented(req) {
        Presented::Basic(user, password) => user == LOGIN && password == PASSWORD,
        Presented::Token { value, bearer } => value == TOKEN || (bearer && value == OAUTH_TOKEN),
        Presented::Nothing | Presented::Other => false,
    }
}

/// Zammad's error body for a recognised error: `error` and `error_human` are the same text.
pub fn error(status: u16, message: &str) -> Reply {
    Reply::new(status, json!({"error": message, "error_human": message}))
}

/// 401/403 also name the failure in `X-Failure`.
fn failure(status: u16, message: &str) -> Reply {
    error(status, message).with_header("x-failure", message)
}

/// The answer to missing or wrong credentials: 403 "Authentication required" without any, 401
/// naming what failed with them.
pub fn refused(req: &Req) -> Reply {
    match presented(req) {
        Presented::Nothing | Presented::Other => failure(403, "Authentication required"),
        Presented::Basic(..) => failure(401, "Invalid BasicAuth credentials"),
        // A bearer value that is no API token is then tried as an OAuth2 token, which raises.
        Presented::Token { bearer: true, .. } => failure(401, "The provided token is invalid."),
        Presented::Token { bearer: false, .. } => failure(401, "Can't find User for Token"),
    }
}

/// The generic answer the kit needs when it has no request (never sent by [`refused`]'s routes).
pub fn unauthenticated() -> Reply {
    failure(401, "Can't find User for Token")
}

/// 404 of `ActiveRecord::RecordNotFound` for a model and id.
pub fn not_found(model: &str, id: &str) -> Reply {
    error(404, &format!("Couldn't find {model} with 'id'={id}"))
}

/// 422 of `Exceptions::UnprocessableEntity` (or a validation).
pub fn unprocessable(message: &str) -> Reply {
    error(422, message)
}

/// 403 of `Exceptions::Forbidden` with its message.
pub fn forbidden_because(message: &str) -> Reply {
    failure(403, message)
}

/// The 429 of a throttling rule (Rack::Attack's default answer, `Retry later`, in plain text;
/// the simulator adds `Retry-After` in whole seconds, rounded up, as a proxy in front of Zammad
/// would).
pub fn throttled(wait: Duration) -> Reply {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let mut reply = Reply::file("text/plain", b"Retry later\n".to_vec());
    reply.status = 429;
    reply.with_header("retry-after", seconds.to_string())
}
