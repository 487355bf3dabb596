//! Zohodesk objects to canonical ones.
//!
//! Each mapping starts from the provider's JSON as received (`HttpRuntime::run_json` returns it,
//! parsed once; a listing page comes from `HttpRuntime::run_page` as items decoded into a typed
//! view, each keeping its text), reads it with the kit's accessors (`support_core::kit::json`; HTML
//! bodies with `support_core::kit::html`), and keeps the JSON itself as the canonical object's
//! `raw`.
//! Native values no mapping knows (a custom status) become `Other(raw)`.

use serde_json::Value;
use support_core::ConnectionInfo;

use crate::PROVIDER;

/// What `check_connection` learned: the account, and the authenticated user once the spec has an
/// endpoint that says who the credentials belong to.
pub(crate) fn connection_info(host: &str, _raw: &Value) -> ConnectionInfo {
    ConnectionInfo::new(PROVIDER, Some(host.to_owned()), None)
}
