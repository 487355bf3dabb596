//! Zohodesk's account definitions the mapping needs (custom statuses, ticket fields, roles,
//! sections), read once per time to live.
//!
//! Nothing yet. Hold each in a `support_core::kit::LookupCache`: concurrent callers share one
//! load, and a lookup that fails with 403 or 404 is remembered rather than re-requested on every
//! page.
