//! How Salesforce reports failures: the one classifier of failed responses, wired into the runtime by
//! the builder.
//!
//! Every REST error answer is a JSON array:
//! `[{"message": "Case ID: id value of incorrect type: 123", "errorCode": "MALFORMED_ID", "fields":
//! ["Id"]}]` (REST API Developer Guide, "Status Codes and Error Responses"). The kind follows the
//! status (400 validation and `MALFORMED_QUERY`, 401 `INVALID_SESSION_ID`, 403 insufficient access,
//! 404 `NOT_FOUND`), except that the daily API request allocation and the concurrent long-running
//! request limit answer **403 `REQUEST_LIMIT_EXCEEDED`**, which is `RateLimited` (no `Retry-After`
//! is sent). The code is the first error's, the message joins every error's message with its fields.
//! Salesforce sends no request id in REST errors.

use serde_json::Value;
use support_core::ErrorKind;
use support_core::http::{Classification, FailedResponse};

/// The error code of an exhausted API allocation (daily or concurrent).
pub(crate) const REQUEST_LIMIT_EXCEEDED: &str = "REQUEST_LIMIT_EXCEEDED";

/// The API requests left in the org's 24-hour allocation, from `Sforce-Limit-Info`
/// (`api-usage=18/15000`, possibly with other `;`-separated parts such as `api-bursts=1/750` or a
/// `per-app-api-usage=…`): limit minus used.
pub(crate) fn remaining_from_limit_info(value: &str) -> Option<u64> {
    value.split(';').find_map(|part| {
        let (key, usage) = part.trim().split_once('=')?;
        if key.trim() != "api-usage" {
            return None;
        }
        let (used, limit) = usage.trim().split_once('/')?;
        let used: u64 = used.trim().parse().ok()?;
        let limit: u64 = limit.trim().parse().ok()?;
        Some(limit.saturating_sub(used))
    })
}

/// Reads Salesforce's error array (or, defensively, a single error object).
pub(crate) fn classify(response: &FailedResponse<'_>) -> Classification {
    let mut found = Classification::default();
    let Ok(body) = serde_json::from_slice::<Value>(response.body) else {
        return found;
    };
    let errors: Vec<&Value> = match &body {
        Value::Array(items) => items.iter().collect(),
        Value::Object(_) => vec![&body],
        _ => Vec::new(),
    };
    found.code = errors
        .first()
        .and_then(|e| e.get("errorCode"))
        .and_then(Value::as_str)
        .filter(|code| !code.trim().is_empty())
        .map(str::to_owned);
    if found.code.as_deref() == Some(REQUEST_LIMIT_EXCEEDED) {
        found.kind = Some(ErrorKind::RateLimited { retry_after: None });
    }
    let messages: Vec<String> = errors
        .iter()
        .filter_map(|e| {
            let message = e.get("message").and_then(Value::as_str)?;
            let fields: Vec<&str> = e
                .get("fields")
                .and_then(Value::as_array)
                .map(|f| f.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            Some(if fields.is_empty() {
                message.to_owned()
            } else {
                format!("{}: {message}", fields.join(", "))
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
    fn the_error_array_gives_code_and_message_with_fields() {
        let found = classify_body(
            400,
            r#"[{"message":"Case ID: id value of incorrect type: 123","errorCode":"MALFORMED_ID","fields":["Id"]}]"#,
        );
        assert_eq!(found.code.as_deref(), Some("MALFORMED_ID"));
        assert_eq!(
            found.message.as_deref(),
            Some("Id: Case ID: id value of incorrect type: 123")
        );
        assert_eq!(found.kind, None);
        assert_eq!(classify_body(502, "Bad gateway"), Classification::default());
    }

    #[test]
    fn the_limit_info_header_gives_the_requests_left() {
        assert_eq!(
            remaining_from_limit_info("api-usage=10018/100000"),
            Some(89982)
        );
        assert_eq!(
            remaining_from_limit_info("api-bursts=1/750; api-usage=18/15000"),
            Some(14982)
        );
        assert_eq!(
            remaining_from_limit_info("per-app-api-usage=17/250(appName=sample)"),
            None
        );
        assert_eq!(remaining_from_limit_info("api-usage=lots"), None);
    }

    #[test]
    fn request_limit_exceeded_is_rate_limited_not_permission_denied() {
        let found = classify_body(
            403,
            r#"[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]"#,
        );
        assert_eq!(
            found.kind,
            Some(ErrorKind::RateLimited { retry_after: None })
        );
        let denied = classify_body(
            403,
            r#"[{"message":"insufficient access rights on object id","errorCode":"INSUFFICIENT_ACCESS_OR_READONLY"}]"#,
        );
        assert_eq!(denied.kind, None);
        assert_eq!(
            denied.code.as_deref(),
            Some("INSUFFICIENT_ACCESS_OR_READONLY")
        );
    }
}
