#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod ops;
mod paging;
mod port;
mod seed;
#[cfg(feature = "simulator")]
pub mod simulator;
mod store;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_whole_ticket;

use support_core::{CanonicalId, ObjectKind};

pub use port::MemoryPort;
pub use seed::MemoryPortBuilder;

/// The provider name of the in-memory port, as used in its canonical ids (`memory:ticket:1`).
pub const PROVIDER: &str = "memory";

/// Page size when a query sets no limit.
pub const DEFAULT_PAGE_SIZE: u32 = 25;

/// The largest page size; larger limits are clamped to it.
pub const MAX_PAGE_SIZE: u32 = 100;

/// The largest file, in bytes, that can be attached to a new comment or ticket unless
/// [`MemoryPortBuilder::with_upload_limit`] sets another limit: 20 MiB. The in-memory provider has no
/// limit of its own; this one keeps a test double's memory bounded and lets applications exercise
/// their handling of a refused file.
pub const DEFAULT_UPLOAD_LIMIT: u64 = 20 * 1024 * 1024;

/// A canonical id of the in-memory provider.
///
/// ```
/// use support_core::ObjectKind;
///
/// let id = support_memory::id(ObjectKind::Ticket, "42");
/// assert_eq!(id.to_string(), "memory:ticket:42");
/// ```
pub fn id(kind: ObjectKind, external_id: impl Into<String>) -> CanonicalId {
    CanonicalId::new(PROVIDER, kind, external_id)
}
