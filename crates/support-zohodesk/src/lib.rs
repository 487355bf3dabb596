#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

/// The client generated from `specs/zohodesk.yaml` by `cargo xtask generate zohodesk`.
#[rustfmt::skip]
#[allow(missing_docs, unused_comparisons, clippy::all, clippy::pedantic, clippy::unwrap_used, clippy::expect_used, clippy::panic)]
pub mod generated;

mod bodies;
mod builder;
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
    DataCenter, ENV_ACCESS_TOKEN, ENV_BASE_URL, ENV_DATA_CENTER, ENV_DEPARTMENT_ID,
    ENV_OAUTH_PREFIX, ENV_ORG_ID, ENV_SLA_ACCOUNT_ID, ZohoDeskBuilder,
};
pub use port::ZohoDeskPort;
pub use webhook::ZohoDeskWebhooks;

/// The provider name in canonical ids: `zohodesk:ticket:1892000000042034`.
pub const PROVIDER: &str = "zohodesk";

/// The generated client's inner state: the shared HTTP runtime (credentials, retries, tracing).
pub(crate) use support_core::http::HttpRuntime;

support_core::impl_client_hooks!(generated::Client);
