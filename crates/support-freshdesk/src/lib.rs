#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

/// The client generated from `specs/freshdesk.yaml` by `cargo xtask generate freshdesk`.
#[rustfmt::skip]
#[allow(missing_docs, clippy::all, clippy::pedantic, clippy::unwrap_used, clippy::expect_used, clippy::panic)]
pub mod generated;

mod bodies;
mod builder;
mod error;
mod listing;
mod lookups;
mod map;
mod multipart;
mod port;
#[cfg(feature = "simulator")]
pub mod simulator;
pub mod webhook;

pub use builder::{ENV_API_KEY, ENV_BASE_URL, ENV_DOMAIN, FreshdeskBuilder};
pub use port::{FreshdeskPort, UPLOAD_LIMIT};
pub use webhook::FreshdeskWebhooks;

/// The provider name in canonical ids: `freshdesk:ticket:42`.
pub const PROVIDER: &str = "freshdesk";

/// The generated client's inner state: the shared HTTP runtime (credentials, retries, tracing).
pub(crate) use support_core::http::HttpRuntime;

support_core::impl_client_hooks!(generated::Client);
