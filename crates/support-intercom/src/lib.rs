#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

/// The client generated from `specs/intercom.yaml` by `cargo xtask generate intercom`.
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

pub use builder::{ENV_BASE_URL, ENV_MODE, ENV_REGION, ENV_TOKEN, IntercomBuilder, Mode, Region};
pub use port::IntercomPort;
pub use webhook::IntercomWebhooks;

/// The API version every request pins in its `Intercom-Version` header: the version of the
/// description `specs/intercom.yaml` is derived from.
pub const API_VERSION: &str = "2.16";

/// The provider name in canonical ids of Intercom tickets: `intercom:ticket:42`.
pub const PROVIDER: &str = "intercom";
/// The provider name in canonical ids of a port serving conversations
/// ([`Mode::Conversations`]): `intercom-conversations:ticket:42`.
pub const CONVERSATIONS_PROVIDER: &str = "intercom-conversations";

/// The generated client's inner state: the shared HTTP runtime (credentials, retries, tracing).
pub(crate) use support_core::http::HttpRuntime;

support_core::impl_client_hooks!(generated::Client);
