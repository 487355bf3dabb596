//! Zendesk's error bodies, credentials and path normaliser; requests and answers are the kit's.

use serde_json::{Value, json};
use support_conformance::sim::basic_authorization;

pub use support_conformance::sim::{Reply, Req};

/// A path with Zendesk's optional `.json` suffix removed.
pub fn normalized_path(path: &str) -> String {
    path.strip_suffix(".json").unwrap_or(path).to_owned()
}

/// The `Authorization` header of an API token: Basic, `{email}/token` as user name.
pub fn authorization(email: &str, token: &str) -> String {
    basic_authorization(&format!("{email}/token"), token)
}

/// 404 for a record that does not exist.
pub fn not_found() -> Reply {
    Reply::new(
        404,
        json!({"error": "RecordNotFound", "description": "Not found"}),
    )
}

/// 400 with an error code and description.
pub fn bad_request(error: &str, description: impl Into<String>) -> Reply {
    Reply::new(
        400,
        json!({"error": error, "description": description.into()}),
    )
}

/// 422 `RecordInvalid` with one entry per `(field, description, error)`.
pub fn record_invalid(details: &[(String, String, String)]) -> Reply {
    let mut fields = serde_json::Map::new();
    for (field, description, error) in details {
        let entry = fields
            .entry(field.clone())
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(items) = entry {
            items.push(json!({"description": description, "error": error}));
        }
    }
    Reply::new(
        422,
        json!({
            "error": "RecordInvalid",
            "description": "Record validation errors",
            "details": Value::Object(fields),
        }),
    )
}

/// The 401 Zendesk answers to missing or wrong credentials.
pub fn unauthenticated() -> Reply {
    Reply::new(401, json!({"error": "Couldn't authenticate you"}))
        .with_header("www-authenticate", r#"Basic realm="Web Password""#)
}
