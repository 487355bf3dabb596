#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

/// The client generated from `specs/zohodesk.yaml` by `cargo xtask generate zohodesk`.
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
mod webhook;

pub use builder::{ENV_BASE_URL, ENV_TOKEN, ZohodeskBuilder};
pub use port::ZohodeskPort;

/// The provider name in canonical ids: `zohodesk:ticket:42`.
pub const PROVIDER: &str = "zohodesk";

/// The generated client's inner state: the shared HTTP runtime (credentials, retries, tracing).
pub(crate) use support_core::http::HttpRuntime;

support_core::impl_client_hooks!(generated::Client);
