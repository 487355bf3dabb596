#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

/// The client generated from `specs/hubspot.yaml` by `cargo xtask generate hubspot`.
#[rustfmt::skip]
#[allow(missing_docs, clippy::all, clippy::pedantic, clippy::unwrap_used, clippy::expect_used, clippy::panic)]
pub mod generated;

mod bodies;
mod builder;
mod comments;
mod error;
mod files;
mod listing;
mod lookups;
mod map;
mod port;
#[cfg(feature = "simulator")]
pub mod simulator;
pub mod webhook;

pub use builder::{
    DEFAULT_BASE_URL, ENV_BASE_URL, ENV_OAUTH_PREFIX, ENV_TOKEN, HubSpotBuilder, TOKEN_URL,
};
pub use port::HubSpotPort;
pub use webhook::HubSpotWebhooks;

/// The provider name in canonical ids: `hubspot:ticket:42`.
pub const PROVIDER: &str = "hubspot";

/// The generated client's inner state: the shared HTTP runtime (credentials, retries, tracing).
pub(crate) use support_core::http::HttpRuntime;

support_core::impl_client_hooks!(generated::Client);
