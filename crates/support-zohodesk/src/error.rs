//! How Zoho Desk reports failures: the one classifier of failed responses, wired into the runtime by
//! the builder.
//!
//! Every error answer is `{"errorCode": "...", "message": "...", "errors": [{"fieldName":
//! "/subject", "errorType": "missing" | "invalid" | "duplicate", "errorMessage": "..."}]}` (the
//! `errors` only for validation failures; `fieldName` is a JSON pointer into the body, or a query
//! parameter's name). The status says the kind: 400 / 422 `INVALID_DATA`, `UNPROCESSABLE_ENTITY`
//! (invalid input, the message naming each field), 401 `INVALID_OAUTH` (a missing, wrong or expired
//! token: the token source renews it once), 403 `FORBIDDEN` / `UNAUTHORIZED` (a missing
//! permission or OAuth scope), 404 `RESOURCE_NOT_FOUND` / `URL_NOT_FOUND`, 422 `DUPLICATE_*`
//! (a conflict). Throttling is 429 with two codes: `TOO_MANY_REQUESTS` (too many requests at
//! once, or in a short while: the runtime waits `Retry-After` and asks again) and
//! `THRESHOLD_EXCEEDED` (the organization's API credits for the day are spent: `RateLimited`
//! at once, since no retry can help before the daily reset). Zoho sends no request id.

use serde_json::Value;
use support_core::ErrorKind;
use support_core::http::{Classification, FailedResponse};

/// The code of an organization's spent daily credits.
pub(crate) const THRESHOLD_EXCEEDED: &str = "THRESHOLD_EXCEEDED";

/// Reads Zoho Desk's `{errorCode, message, errors[]}`.
pub(crate) fn classify(response: &FailedResponse<'_>) -> Classification {
    let mut found = Classification::default();
    let Ok(body) = serde_json::from_slice::<Value>(response.body) else {
        return found;
    };
    let text = |key: &str| {
        body.get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
    };
    found.code = text("errorCode");
    let code = found.code.clone().unwrap_or_default();
    let status = response.status.as_u16();
    if code == THRESHOLD_EXCEEDED {
        // The day's credits: waiting seconds cannot help.
        found.kind = Some(ErrorKind::RateLimited { retry_after: None });
        found.final_answer = true;
    } else if code == "INVALID_OAUTH" {
        found.kind = Some(ErrorKind::Unauthenticated);
    } else if code.starts_with("DUPLICATE") {
        found.kind = Some(ErrorKind::Conflict);
    } else if matches!(code.as_str(), "URL_NOT_FOUND" | "RESOURCE_NOT_FOUND") && status != 429 {
        found.kind = Some(ErrorKind::NotFound);
    }
    let problems: Vec<String> = body
        .get("errors")
        .and_then(Value::as_array)
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| {
                    let field = e.get("fieldName").and_then(Value::as_str)?;
                    let field = field.trim_start_matches('/');
                    let kind = e
                        .get("errorType")
                        .and_then(Value::as_str)
                        .unwrap_or("invalid");
                    let said = e
                        .get("errorMessage")
                        .and_then(Value::as_str)
                        .map(str::trim)
                        .filter(|m| !m.is_empty());
                    Some(match said {
                        Some(said) => format!("`{field}` {kind} ({said})"),
                        None => format!("`{field}` {kind}"),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    found.with_message_parts([
        text("message"),
        (!problems.is_empty()).then(|| problems.join(", ")),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify_body(status: u16, body: &str) -> Classification {
        Classification::sample(classify, status, body)
    }

    #[test]
    fn validation_failures_name_their_fields() {
        let found = classify_body(
            422,
            r#"{"errorCode":"INVALID_DATA","message":"The data is invalid due to validation restrictions","errors":[{"fieldName":"/subject","errorType":"missing","errorMessage":""}]}"#,
        );
        assert_eq!(found.code.as_deref(), Some("INVALID_DATA"));
        assert_eq!(found.kind, None);
        let message = found.message.unwrap();
        assert!(message.contains("`subject` missing"), "{message}");
        let found = classify_body(
            422,
            r#"{"errorCode":"UNPROCESSABLE_ENTITY","message":"The value passed for the 'from' query parameter is invalid."}"#,
        );
        assert!(found.message.unwrap().contains("'from'"));
    }

    #[test]
    fn the_two_throttles_differ() {
        let found = classify_body(
            429,
            r#"{"errorCode":"THRESHOLD_EXCEEDED","message":"API credits exhausted"}"#,
        );
        assert_eq!(
            found.kind,
            Some(ErrorKind::RateLimited { retry_after: None })
        );
        assert!(found.final_answer);
        let found = classify_body(
            429,
            r#"{"errorCode":"TOO_MANY_REQUESTS","message":"You have made too many requests."}"#,
        );
        assert_eq!(found.kind, None);
        assert!(!found.final_answer);
    }

    #[test]
    fn codes_say_the_kind_where_the_status_may_not() {
        let found = classify_body(401, r#"{"errorCode":"INVALID_OAUTH","message":"invalid"}"#);
        assert_eq!(found.kind, Some(ErrorKind::Unauthenticated));
        let found = classify_body(400, r#"{"errorCode":"URL_NOT_FOUND","message":"no"}"#);
        assert_eq!(found.kind, Some(ErrorKind::NotFound));
        let found = classify_body(422, r#"{"errorCode":"DUPLICATE_DATA","message":"dup"}"#);
        assert_eq!(found.kind, Some(ErrorKind::Conflict));
        assert_eq!(
            classify_body(502, "<html>Bad gateway</html>"),
            Classification::default()
        );
    }
}
