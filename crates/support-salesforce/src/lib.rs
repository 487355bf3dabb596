#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

/// The client generated from `specs/salesforce.yaml` by `cargo xtask generate salesforce`.
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
mod soql;
pub mod webhook;

pub use builder::{ENV_BASE_URL, ENV_INSTANCE_URL, ENV_OAUTH_PREFIX, ENV_TOKEN, SalesforceBuilder};
pub use port::SalesforcePort;
pub use soql::{API_VERSION, id18};
pub use webhook::SalesforceOutboundMessages;

/// The provider name in canonical ids: `salesforce:ticket:500…`.
pub const PROVIDER: &str = "salesforce";

/// The generated client's inner state: the shared HTTP runtime (credentials, retries, tracing).
pub(crate) use support_core::http::HttpRuntime;

support_core::impl_client_hooks!(generated::Client);
