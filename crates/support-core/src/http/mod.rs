//! The HTTP runtime every adapter shares: credentials, client construction, retries, tracing and error
//! classification, plugged into progenitor-generated clients through their hooks.

mod credentials;
mod oauth;
mod retry;
mod runtime;

pub use credentials::{Credentials, REDACTED, Redactor, authorization_param};
pub use oauth::{AssertionSigner, ClientAuth, Grant, TokenAnswer, TokenSource};
pub use retry::{ResetHeader, RetryPolicy, requested_wait};
pub use runtime::{
    Classification, Classifier, ClientConfig, FailedResponse, HttpRuntime, HttpRuntimeBuilder,
    RemainingParser,
};
pub use secrecy::{ExposeSecret, SecretString};
