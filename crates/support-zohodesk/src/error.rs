//! How Zohodesk reports failures: the one classifier of failed responses, wired into the runtime by
//! the builder.
//!
//! Scaffold: it reads `code` and `message` from a JSON body. Replace them with the error body
//! Zohodesk documents, and say here what it looks like.

use serde_json::Value;
use support_core::http::{Classification, FailedResponse};

/// Reads the provider's error code, message and request id from a failed response. Leave `kind`
/// unset where the status says it; set it where Zohodesk uses a status differently (a throttling
/// 403, say).
pub(crate) fn classify(response: &FailedResponse<'_>) -> Classification {
    let mut found = Classification::default();
    let Ok(body) = serde_json::from_slice::<Value>(response.body) else {
        return found;
    };
    let text = |key: &str| body.get(key).and_then(Value::as_str).map(str::to_owned);
    found.code = text("code");
    found.message = text("message");
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify_body(status: u16, body: &str) -> Classification {
        Classification::sample(classify, status, body)
    }

    #[test]
    fn code_and_message_are_read_from_json_bodies() {
        let found = classify_body(404, r#"{"code":"not_found","message":"No such ticket"}"#);
        assert_eq!(found.code.as_deref(), Some("not_found"));
        assert_eq!(found.message.as_deref(), Some("No such ticket"));
        assert_eq!(found.kind, None);
        assert_eq!(classify_body(502, "Bad gateway"), Classification::default());
    }
}
