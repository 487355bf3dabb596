#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

/// The client generated from `specs/zammad.yaml` by `cargo xtask generate zammad`.
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
pub mod webhook;

pub use builder::{
    ENV_BASE_URL, ENV_BEARER_TOKEN, ENV_PASSWORD, ENV_TOKEN, ENV_USERNAME, ZammadBuilder,
};
pub use port::ZammadPort;
pub use webhook::ZammadWebhooks;

/// The provider name in canonical ids: `zammad:ticket:42`.
pub const PROVIDER: &str = "zammad";

/// The generated client's inner state: the shared HTTP runtime (credentials, retries, tracing).
pub(crate) use support_core::http::HttpRuntime;

support_core::impl_client_hooks!(generated::Client);
