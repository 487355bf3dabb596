//! Lookups: the org's `CaseStatus` rows are cached in `port.rs` (`statuses`).
