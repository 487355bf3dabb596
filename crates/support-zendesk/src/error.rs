//! How Zendesk reports failures: the one classifier of failed responses.
//!
//! Zendesk's error bodies look like `{"error": "RecordNotFound", "description": "Not found"}`, on
//! validation failures with `details: {field: [{description, error}]}`, sometimes with `error` as an
//! object `{title, message}`; 401 and 429 may be plain text.

use serde_json::Value;
use support_core::http::{Classification, FailedResponse};

/// Reads the provider's error code and message from a failed response. The kind follows the status,
/// which Zendesk uses as documented.
pub(crate) fn classify(response: &FailedResponse<'_>) -> Classification {
    let mut found = Classification::default();
    let Ok(body) = serde_json::from_slice::<Value>(response.body) else {
        return found;
    };
    match body.get("error") {
        Some(Value::String(code)) => found.code = Some(code.clone()),
        Some(Value::Object(error)) => {
            found.code = error
                .get("title")
                .and_then(Value::as_str)
                .map(str::to_owned);
            found.message = error
                .get("message")
                .and_then(Value::as_str)
                .map(str::to_owned);
        }
        _ => {}
    }
    let description = body
        .get("description")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let details = body
        .get("details")
        .and_then(Value::as_object)
        .map(|fields| {
            fields
                .iter()
                .flat_map(|(field, problems)| {
                    problems
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(move |p| {
                            p.get("description")
                                .and_then(Value::as_str)
                                .map(|d| format!("{field}: {d}"))
                        })
                })
                .collect::<Vec<_>>()
                .join("; ")
        });
    let summary = found.message.take();
    found.with_message_parts([summary, description, details.filter(|d| !d.is_empty())])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify_body(status: u16, body: &str) -> Classification {
        Classification::sample(classify, status, body)
    }

    #[test]
    fn validation_details_are_in_the_message() {
        let found = classify_body(
            422,
            r#"{"error":"RecordInvalid","description":"Record validation errors","details":{"subject":[{"description":"Subject: cannot be blank","error":"BlankValue"}]}}"#,
        );
        assert_eq!(found.code.as_deref(), Some("RecordInvalid"));
        assert_eq!(
            found.message.as_deref(),
            Some("Record validation errors: subject: Subject: cannot be blank")
        );
        assert_eq!(found.kind, None);
    }

    #[test]
    fn object_errors_and_plain_text_are_understood() {
        let found = classify_body(
            403,
            r#"{"error":{"title":"Forbidden","message":"You do not have access"}}"#,
        );
        assert_eq!(found.code.as_deref(), Some("Forbidden"));
        assert_eq!(found.message.as_deref(), Some("You do not have access"));
        assert_eq!(
            classify_body(429, "Too many requests"),
            Classification::default()
        );
    }
}
