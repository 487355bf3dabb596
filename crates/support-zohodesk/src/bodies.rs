//! Request bodies Zohodesk takes for the port's writes (create, update, close, assign, comment,
//! tag), typed.
//!
//! Nothing yet. Build each write's body here from the canonical input, as the generated client's
//! types (`crate::generated::types`) or a `serde::Serialize` struct where the spec cannot describe
//! it; never as `json!` converted into a generated type.
