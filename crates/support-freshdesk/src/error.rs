//! How Freshdesk reports failures: the one classifier of failed responses.
//!
//! Validation failures look like `{"description": "Validation failed", "errors": [{"field", "message",
//! "code"}]}`; other failures like `{"code": "invalid_credentials", "message": "…"}`.

use serde_json::Value;
use support_core::http::{Classification, FailedResponse};

pub(crate) fn classify(response: &FailedResponse<'_>) -> Classification {
    let mut found = Classification::default();
    let Ok(body) = serde_json::from_slice::<Value>(response.body) else {
        return found;
    };
    let field_errors: Vec<String> = body
        .get("errors")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|e| {
            let field = e.get("field").and_then(Value::as_str).unwrap_or("request");
            let message = e
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or("invalid");
            format!("{field}: {message}")
        })
        .collect();
    found.code = body
        .get("code")
        .and_then(Value::as_str)
        .or_else(|| {
            body.get("errors")?
                .as_array()?
                .first()?
                .get("code")?
                .as_str()
        })
        .map(str::to_owned);
    found.with_message_parts([
        body.get("description")
            .and_then(Value::as_str)
            .map(str::to_owned),
        body.get("message")
            .and_then(Value::as_str)
            .map(str::to_owned),
        (!field_errors.is_empty()).then(|| field_errors.join("; ")),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify_body(status: u16, body: &str) -> Classification {
        Classification::sample(classify, status, body)
    }

    #[test]
    fn validation_errors_name_their_fields() {
        let found = classify_body(
            400,
            r#"{"description":"Validation failed","errors":[{"field":"email","message":"It should be a valid email address","code":"invalid_value"}]}"#,
        );
        assert_eq!(found.code.as_deref(), Some("invalid_value"));
        assert_eq!(
            found.message.as_deref(),
            Some("Validation failed: email: It should be a valid email address")
        );
    }

    #[test]
    fn coded_errors_and_empty_bodies() {
        let found = classify_body(
            401,
            r#"{"code":"invalid_credentials","message":"You have to be logged in to perform this action."}"#,
        );
        assert_eq!(found.code.as_deref(), Some("invalid_credentials"));
        assert_eq!(classify_body(404, ""), Classification::default());
    }
}
