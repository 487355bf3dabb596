//! How ServiceNow reports failures: the one classifier of failed responses, wired into the runtime
//! by the builder.
//!
//! Every REST API of the instance answers a failure with
//! `{"error": {"message": "No Record found", "detail": "Record doesn't exist or ACL restricts the
//! record retrieval"}, "status": "failure"}`; the HTTP status says what kind of failure it is (400,
//! 401, 403, 404, 429, 500). There is no error code and no request id in the body. ServiceNow
//! answers a record it hides behind an ACL exactly as one that does not exist (404).
//!
//! Throttling (an instance's rate-limit rules) is a 429 with `Retry-After: <seconds>` and
//! `X-RateLimit-Limit`, `X-RateLimit-Reset` (Unix seconds) and `X-RateLimit-Rule`; the runtime
//! waits as `Retry-After` says (within the caller's retry budget) or reports `RateLimited`.

use serde_json::Value;
use support_core::ErrorKind;
use support_core::http::{Classification, FailedResponse};

/// Reads ServiceNow's `{"error": {"message", "detail"}}` body.
pub(crate) fn classify(response: &FailedResponse<'_>) -> Classification {
    let found = Classification::default();
    let Ok(body) = serde_json::from_slice::<Value>(response.body) else {
        return found;
    };
    let Some(error) = body.get("error") else {
        return found;
    };
    let text = |key: &str| {
        error
            .get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
    };
    let message = text("message");
    let detail = text("detail").filter(|d| Some(d) != message.as_ref());
    let mut found = found;
    // A rate-limit body under another status (a proxy's 503, say) is still throttling.
    if response.status.as_u16() != 429
        && message
            .as_deref()
            .is_some_and(|m| m.eq_ignore_ascii_case("Rate limit exceeded"))
    {
        found.kind = Some(ErrorKind::RateLimited { retry_after: None });
    }
    found.with_message_parts([message, detail])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify_body(status: u16, body: &str) -> Classification {
        Classification::sample(classify, status, body)
    }

    #[test]
    fn message_and_detail_are_read_from_the_error_envelope() {
        let found = classify_body(
            404,
            r#"{"error":{"message":"No Record found","detail":"Record doesn't exist or ACL restricts the record retrieval"},"status":"failure"}"#,
        );
        let message = found.message.as_deref().unwrap_or_default();
        assert!(message.contains("No Record found"), "{message}");
        assert!(message.contains("ACL restricts"), "{message}");
        assert_eq!(found.kind, None);
        assert_eq!(found.code, None);
    }

    #[test]
    fn throttling_bodies_and_bodies_that_are_not_envelopes() {
        let throttled = classify_body(
            503,
            r#"{"error":{"message":"Rate limit exceeded","detail":"Rate limit of 100 requests per hour for Table API exceeded"},"status":"failure"}"#,
        );
        assert_eq!(
            throttled.kind,
            Some(ErrorKind::RateLimited { retry_after: None })
        );
        assert_eq!(
            classify_body(502, "<html>Bad gateway</html>"),
            Classification::default()
        );
        assert_eq!(classify_body(500, "{}").message, None);
        let null_detail = classify_body(
            400,
            r#"{"error":{"message":"Invalid table","detail":null},"status":"failure"}"#,
        );
        assert_eq!(null_detail.message.as_deref(), Some("Invalid table"));
    }
}
