//! Zohodesk's credentials and error bodies; requests and answers are the kit's.

use serde_json::json;

pub use support_conformance::sim::{Reply, Req};

/// The `Authorization` header of an API token.
pub fn authorization(token: &str) -> String {
    format!("Bearer {token}")
}

/// The 401 Zohodesk answers to missing or wrong credentials (use the body it documents).
pub fn unauthenticated() -> Reply {
    Reply::new(
        401,
        json!({"code": "unauthorized", "message": "invalid credentials"}),
    )
}
