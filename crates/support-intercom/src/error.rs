//! How Intercom reports failures: the one classifier of failed responses, wired into the runtime by
//! the builder.
//!
//! Every error answer is an `error.list`:
//! `{"type": "error.list", "request_id": "…", "errors": [{"code": "not_found", "message": "Ticket Not
//! Found", "field": "id"}]}`. The kind follows the status (401 `unauthorized`, 403
//! `api_plan_restricted`, 404 `not_found`, 400/422 `parameter_invalid` / `data_invalid`, 429
//! `rate_limit_exceeded`); the code is the first error's, the message joins every error's
//! message (with its field), and the request id is the body's `request_id`.
//!
//! Throttling is a 429 whose `X-RateLimit-Reset` header is the Unix time (seconds) at which the
//! current 10-second window ends; there is no `Retry-After`. The builder names the header, so the
//! runtime waits until then (within the caller's retry budget) or reports `RateLimited` with the
//! wait.

use serde_json::Value;
use support_core::ErrorKind;
use support_core::http::{Classification, FailedResponse};

/// Reads Intercom's `error.list` body.
pub(crate) fn classify(response: &FailedResponse<'_>) -> Classification {
    let mut found = Classification::default();
    let Ok(body) = serde_json::from_slice::<Value>(response.body) else {
        return found;
    };
    let errors: Vec<&Value> = body
        .get("errors")
        .and_then(Value::as_array)
        .map(|errors| errors.iter().collect())
        .unwrap_or_default();
    found.code = errors
        .first()
        .and_then(|e| e.get("code"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    found.request_id = body
        .get("request_id")
        .and_then(Value::as_str)
        .filter(|id| !id.trim().is_empty())
        .map(str::to_owned);
    // A throttling answer is RateLimited whatever status carries it.
    if found.code.as_deref() == Some("rate_limit_exceeded") && response.status.as_u16() != 429 {
        found.kind = Some(ErrorKind::RateLimited { retry_after: None });
    }
    let messages: Vec<String> = errors
        .iter()
        .filter_map(|e| {
            let message = e.get("message").and_then(Value::as_str)?;
            Some(match e.get("field").and_then(Value::as_str) {
                Some(field) if !field.is_empty() => format!("{field}: {message}"),
                _ => message.to_owned(),
            })
        })
        .collect();
    found.with_message_parts([(!messages.is_empty()).then(|| messages.join("; "))])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify_body(status: u16, body: &str) -> Classification {
        Classification::sample(classify, status, body)
    }

    #[test]
    fn error_lists_give_code_message_and_request_id() {
        let found = classify_body(
            404,
            r#"{"type":"error.list","request_id":"b3c7f1a2-0000-4000-8000-000000000001","errors":[{"code":"not_found","message":"Ticket Not Found"}]}"#,
        );
        assert_eq!(found.code.as_deref(), Some("not_found"));
        assert_eq!(found.message.as_deref(), Some("Ticket Not Found"));
        assert_eq!(
            found.request_id.as_deref(),
            Some("b3c7f1a2-0000-4000-8000-000000000001")
        );
        assert_eq!(found.kind, None);
    }

    #[test]
    fn several_errors_name_their_fields() {
        let found = classify_body(
            400,
            r#"{"type":"error.list","request_id":null,"errors":[{"code":"parameter_invalid","message":"is not a valid email","field":"email"},{"code":"parameter_invalid","message":"Ticket type not found"}]}"#,
        );
        assert_eq!(found.code.as_deref(), Some("parameter_invalid"));
        assert_eq!(
            found.message.as_deref(),
            Some("email: is not a valid email; Ticket type not found")
        );
        assert_eq!(found.request_id, None);
    }

    #[test]
    fn throttling_codes_and_bodies_that_are_not_error_lists() {
        let throttled = classify_body(
            403,
            r#"{"type":"error.list","errors":[{"code":"rate_limit_exceeded","message":"Exceeded rate limit of 167 in 10_seconds"}]}"#,
        );
        assert_eq!(
            throttled.kind,
            Some(ErrorKind::RateLimited { retry_after: None })
        );
        assert_eq!(
            classify_body(502, "<html>Bad gateway</html>"),
            Classification::default()
        );
        assert_eq!(classify_body(500, "{}").code, None);
    }
}
