//! How HubSpot reports failures: the one classifier of failed responses, wired into the runtime by
//! the builder.
//!
//! Every error answer is one JSON object: `{"status": "error", "message": "…", "correlationId":
//! "…", "category": "VALIDATION_ERROR", "errors": [{"message": "…", "in": "…"}], "context": {…}}`.
//! The kind follows the status (400 `VALIDATION_ERROR`, 401 `INVALID_AUTHENTICATION`, 403
//! `MISSING_SCOPES`, 404 `OBJECT_NOT_FOUND`, 409 `CONFLICT`); the code is `category`, the message
//! joins `message` and the per-field messages, and the request id is `correlationId`.
//!
//! Throttling is a 429 with `X-HubSpot-RateLimit-*` headers and no `Retry-After`; its body names the
//! limit hit in `policyName`. `TEN_SECONDLY_ROLLING` (or `SECONDLY`) is a burst limit: the runtime
//! backs off and asks again. `DAILY` is the account's daily allowance, reset at midnight in the
//! account's time zone: it is reported as `RateLimited` with the time until the next midnight UTC
//! as the earliest reset (the account's time zone is not in the answer), and its code is
//! `DAILY`, counted from the answer's `Date`; the classifier marks it final, so it is not retried.

use std::time::Duration;

use chrono::{DateTime, Duration as Days, Utc};
use reqwest::header::DATE;
use serde_json::Value;
use support_core::ErrorKind;
use support_core::http::{Classification, FailedResponse};

/// The `policyName` of the daily limit.
pub(crate) const DAILY: &str = "DAILY";

/// Reads HubSpot's error body.
pub(crate) fn classify(response: &FailedResponse<'_>) -> Classification {
    let mut found = Classification::default();
    let Ok(body) = serde_json::from_slice::<Value>(response.body) else {
        return found;
    };
    let text = |name: &str| {
        body.get(name)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    found.request_id = text("correlationId");
    let policy = text("policyName");
    found.code = policy.clone().or_else(|| text("category"));
    if policy.as_deref() == Some(DAILY) {
        let now = response
            .headers
            .get(DATE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| DateTime::parse_from_rfc2822(v.trim()).ok())
            .map_or_else(Utc::now, |d| d.with_timezone(&Utc));
        found.kind = Some(ErrorKind::RateLimited {
            retry_after: Some(until_next_midnight_utc(now)),
        });
        found.final_answer = true;
    } else if policy.is_some() && response.status.as_u16() != 429 {
        found.kind = Some(ErrorKind::RateLimited { retry_after: None });
    }
    let details: Vec<String> = body
        .get("errors")
        .and_then(Value::as_array)
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| e.get("message").and_then(Value::as_str))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let details = (!details.is_empty()).then(|| details.join("; "));
    let message = text("message");
    // HubSpot often repeats the one detail as the message.
    let details = details.filter(|d| message.as_deref() != Some(d.as_str()));
    found.with_message_parts([message, details])
}

/// The wait from `now` (the answer's `Date`, HubSpot's clock, else ours) to the next midnight
/// UTC: the account's time zone is not in the answer.
fn until_next_midnight_utc(now: DateTime<Utc>) -> Duration {
    let midnight = (now.date_naive() + Days::days(1))
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc());
    midnight
        .and_then(|m| (m - now).to_std().ok())
        .unwrap_or(Duration::from_secs(24 * 60 * 60))
}

#[cfg(test)]
mod tests {
    use support_core::http::Classification;

    use super::*;

    #[test]
    fn the_category_message_details_and_correlation_id_are_read() {
        let found = Classification::sample(
            classify,
            400,
            r#"{"status":"error","message":"Property values were not valid",
               "correlationId":"aeb5f871-7f07-4993-9211-075dc63e7cbf","category":"VALIDATION_ERROR",
               "errors":[{"message":"Property \"x\" does not exist","code":"PROPERTY_DOESNT_EXIST"}]}"#,
        );
        assert_eq!(found.code.as_deref(), Some("VALIDATION_ERROR"));
        assert_eq!(
            found.request_id.as_deref(),
            Some("aeb5f871-7f07-4993-9211-075dc63e7cbf")
        );
        assert_eq!(
            found.message.as_deref(),
            Some("Property values were not valid: Property \"x\" does not exist")
        );
        assert_eq!(found.kind, None);
    }

    #[test]
    fn a_daily_limit_is_rate_limited_until_a_reset_and_a_burst_is_left_to_the_status() {
        let daily = Classification::sample(
            classify,
            429,
            r#"{"status":"error","message":"You have reached your daily limit.","errorType":"RATE_LIMIT",
               "correlationId":"c1","policyName":"DAILY","groupName":"api"}"#,
        );
        assert_eq!(daily.code.as_deref(), Some("DAILY"));
        match daily.kind {
            Some(ErrorKind::RateLimited {
                retry_after: Some(wait),
            }) => assert!(wait <= Duration::from_secs(24 * 60 * 60) && !wait.is_zero()),
            other => panic!("{other:?}"),
        }
        let burst = Classification::sample(
            classify,
            429,
            r#"{"status":"error","message":"You have reached your ten_secondly_rolling limit.",
               "errorType":"RATE_LIMIT","correlationId":"c2","policyName":"TEN_SECONDLY_ROLLING"}"#,
        );
        assert_eq!(burst.code.as_deref(), Some("TEN_SECONDLY_ROLLING"));
        assert_eq!(burst.kind, None);
    }

    #[test]
    fn a_body_that_is_not_json_classifies_as_nothing() {
        assert_eq!(
            Classification::sample(classify, 502, "<html>bad gateway</html>"),
            Classification::default()
        );
    }
}
