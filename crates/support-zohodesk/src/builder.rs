//! Configuring a [`ZohodeskPort`]: the account and its credentials. Retries, timeouts, the user
//! agent and a base-URL override are the kit's [`ClientOptions`].

use support_core::Error;
use support_core::http::Credentials;
use support_core::kit::ClientOptions;

use crate::port::ZohodeskPort;
use crate::{PROVIDER, error};

/// The account's API base URL.
pub const ENV_BASE_URL: &str = "SUPPORT_ZOHODESK_BASE_URL";
/// An API token, sent as a bearer token.
pub const ENV_TOKEN: &str = "SUPPORT_ZOHODESK_TOKEN";

/// Builds a [`ZohodeskPort`].
///
/// ```
/// use support_zohodesk::ZohodeskPort;
///
/// let port = ZohodeskPort::builder()
///     .base_url("https://zohodesk.example/")
///     .bearer_token("secret-token")
///     .build()?;
/// assert_eq!(port.base_url(), "https://zohodesk.example");
/// assert!(!format!("{port:?}").contains("secret-token"));
/// # Ok::<(), support_core::Error>(())
/// ```
// Debug shows the options, whose credentials print redacted.
#[derive(Clone, Debug)]
pub struct ZohodeskBuilder {
    options: ClientOptions,
}

impl Default for ZohodeskBuilder {
    fn default() -> Self {
        Self {
            options: ClientOptions::new(PROVIDER),
        }
    }
}

impl ZohodeskBuilder {
    support_core::client_option_setters!(options);

    /// Authenticates with an API token sent as `Authorization: Bearer {token}`.
    // Replace with the scheme Zohodesk documents: `Credentials::basic` for HTTP Basic,
    // `Credentials::header` for a key in a header of its own.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.options.set_credentials(Credentials::bearer(token));
        self
    }

    /// Reads the account and credentials from [`ENV_BASE_URL`] and [`ENV_TOKEN`].
    pub fn from_env(self) -> Result<Self, Error> {
        let var = ClientOptions::env_var;
        let Some(base_url) = var(ENV_BASE_URL) else {
            return Err(Error::configuration(
                PROVIDER,
                format!("set {ENV_BASE_URL} to the Zohodesk account's API base URL"),
            ));
        };
        let Some(token) = var(ENV_TOKEN) else {
            return Err(Error::configuration(
                PROVIDER,
                format!("set {ENV_TOKEN} to a Zohodesk API token"),
            ));
        };
        Ok(self.base_url(base_url).bearer_token(token))
    }

    /// Builds the port. Fails when the account or the credentials are missing or malformed.
    pub fn build(self) -> Result<ZohodeskPort, Error> {
        let connection = self.options.connect(
            "Zohodesk account: call base_url()",
            "credentials: call bearer_token()",
        )?;
        // Add what Zohodesk documents to the runtime: `.idempotency_header(..)` when it honours a
        // key on creates (creates carrying one become safe to retry), `.reset_header(..)` or
        // `.remaining_header(..)` for its rate-limit headers, `.request_id_header(..)`.
        let endpoint = connection.finish(|runtime| runtime.classifier(error::classify));
        Ok(ZohodeskPort::new(endpoint))
    }
}
