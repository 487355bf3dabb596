#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

/// The client generated from `specs/zendesk.yaml` by `cargo xtask generate zendesk`.
#[rustfmt::skip]
#[allow(missing_docs, clippy::all, clippy::pedantic, clippy::unwrap_used, clippy::expect_used, clippy::panic)]
pub mod generated;

mod bodies;
mod builder;
mod error;
mod listing;
mod lookups;
mod map;
mod port;
#[cfg(feature = "simulator")]
pub mod simulator;
mod uploads;
pub mod webhook;

pub use builder::{
    ENV_API_TOKEN, ENV_BASE_URL, ENV_EMAIL, ENV_OAUTH_TOKEN, ENV_SUBDOMAIN, ZendeskBuilder,
};
pub use port::ZendeskPort;
pub use webhook::ZendeskWebhooks;

/// The provider name in canonical ids: `zendesk:ticket:42`.
pub const PROVIDER: &str = "zendesk";

/// The generated client's inner state: the shared HTTP runtime (credentials, retries, tracing).
pub(crate) use support_core::http::HttpRuntime;

support_core::impl_client_hooks!(generated::Client);
