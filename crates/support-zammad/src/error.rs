//! How Zammad reports failures: the one classifier of failed responses, wired into the runtime by
//! the builder.
//!
//! Zammad's controllers answer a failure with `{"error": "…", "error_human": "…"}` (`error_human`
//! only for the cases Zammad recognises, then `error` holds the same text; other failures show
//! non-admins `"Error ID xxxxxxxx: Please contact your administrator."`). The status says the
//! kind: 401 wrong, expired or inactive credentials; 403 no credentials (`Authentication
//! required`), an authentication scheme the instance disables, or a permission missing; 404 no
//! such record; 422 a validation failure; 500 anything else. 401 and 403 repeat the message in
//! the `X-Failure` header, read when the body has none (a proxy's page, say). There is no error
//! code: the message is the code. Rails answers every request with `X-Request-Id`, which the
//! runtime reads as the request id. Zammad throttles almost nothing (Rack::Attack's 429); a 429
//! is waited out as `Retry-After` says, by the runtime.

use serde_json::Value;
use support_core::ErrorKind;
use support_core::http::{Classification, FailedResponse};

/// Reads Zammad's `{"error", "error_human"}` body, or the `X-Failure` header.
pub(crate) fn classify(response: &FailedResponse<'_>) -> Classification {
    let body = serde_json::from_slice::<Value>(response.body).ok();
    let text = |key: &str| {
        body.as_ref()
            .and_then(|b| b.get(key))
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
    };
    let failure = response
        .headers
        .get("x-failure")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned);
    let message = text("error_human").or_else(|| text("error")).or(failure);
    let mut found = Classification::default();
    let status = response.status.as_u16();
    if let Some(message) = &message {
        let lower = message.to_ascii_lowercase();
        if status == 403
            && (lower.contains("authentication required") || lower.contains("access disabled"))
        {
            // No usable credentials: not a missing permission.
            found.kind = Some(ErrorKind::Unauthenticated);
        } else if status == 422 && lower.contains("already exists") {
            found.kind = Some(ErrorKind::Conflict);
        }
    }
    found.with_message_parts([message])
}

#[cfg(test)]
mod tests {
    use reqwest::StatusCode;
    use reqwest::header::HeaderMap;

    use super::*;

    fn classify_body(status: u16, body: &str) -> Classification {
        Classification::sample(classify, status, body)
    }

    #[test]
    fn messages_come_from_error_human_then_error() {
        let found = classify_body(
            422,
            r#"{"error":"Object already exists!","error_human":"Object already exists!"}"#,
        );
        assert_eq!(found.message.as_deref(), Some("Object already exists!"));
        assert_eq!(found.kind, Some(ErrorKind::Conflict));
        let found = classify_body(404, r#"{"error":"Couldn't find Ticket with 'id'=9"}"#);
        assert_eq!(
            found.message.as_deref(),
            Some("Couldn't find Ticket with 'id'=9")
        );
        assert_eq!(found.kind, None);
        assert_eq!(found.code, None);
        assert_eq!(
            classify_body(502, "<html>Bad gateway</html>"),
            Classification::default()
        );
    }

    #[test]
    fn missing_or_disabled_authentication_is_not_a_missing_permission() {
        let found = classify_body(403, r#"{"error":"Authentication required"}"#);
        assert_eq!(found.kind, Some(ErrorKind::Unauthenticated));
        let found = classify_body(403, r#"{"error":"API token access disabled!"}"#);
        assert_eq!(found.kind, Some(ErrorKind::Unauthenticated));
        let found = classify_body(403, r#"{"error":"Not authorized"}"#);
        assert_eq!(found.kind, None);
    }

    #[test]
    fn the_failure_header_speaks_when_the_body_does_not() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-failure",
            "Invalid BasicAuth credentials".parse().unwrap(),
        );
        let found = classify(&FailedResponse {
            status: StatusCode::UNAUTHORIZED,
            headers: &headers,
            body: b"<html>nope</html>",
        });
        assert_eq!(
            found.message.as_deref(),
            Some("Invalid BasicAuth credentials")
        );
    }
}
