//! Configuring a [`FreshdeskPort`]: the helpdesk domain and its API key. Retries, timeouts, the user
//! agent and a base-URL override are the kit's [`ClientOptions`].

use reqwest::header::HeaderName;
use support_core::Error;
use support_core::http::Credentials;
use support_core::kit::ClientOptions;

use crate::port::FreshdeskPort;
use crate::{PROVIDER, error};

/// The helpdesk: `acme` for `https://acme.freshdesk.com`.
pub const ENV_DOMAIN: &str = "SUPPORT_FRESHDESK_DOMAIN";
/// An agent's API key (Profile settings → Your API Key).
pub const ENV_API_KEY: &str = "SUPPORT_FRESHDESK_API_KEY";
/// A full API base URL instead of the domain (a proxy, a test server), ending in `/api/v2`.
pub const ENV_BASE_URL: &str = "SUPPORT_FRESHDESK_BASE_URL";

/// Builds a [`FreshdeskPort`].
///
/// ```
/// use support_freshdesk::FreshdeskPort;
///
/// let port = FreshdeskPort::builder().domain("acme").api_key("key-from-profile").build()?;
/// assert_eq!(port.base_url(), "https://acme.freshdesk.com/api/v2");
/// assert!(!format!("{port:?}").contains("key-from-profile"));
/// # Ok::<(), support_core::Error>(())
/// ```
// Debug shows the options, whose credentials print redacted.
#[derive(Clone, Debug)]
pub struct FreshdeskBuilder {
    options: ClientOptions,
}

impl Default for FreshdeskBuilder {
    fn default() -> Self {
        Self {
            options: ClientOptions::new(PROVIDER),
        }
    }
}

impl FreshdeskBuilder {
    support_core::client_option_setters!(options);

    /// The helpdesk: `acme` or `acme.freshdesk.com`. (API v2 does not answer on custom domains.)
    pub fn domain(mut self, domain: &str) -> Self {
        let domain = domain
            .trim()
            .trim_start_matches("https://")
            .trim_end_matches('/');
        let host = if domain.contains('.') {
            domain.to_owned()
        } else {
            format!("{domain}.freshdesk.com")
        };
        self.options.set_base_url(format!("https://{host}/api/v2"));
        self
    }

    /// Authenticates with an agent's API key (Basic `{key}:X`).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.options.set_credentials(Credentials::basic(key, "X"));
        self
    }

    /// Reads the helpdesk and API key from `SUPPORT_FRESHDESK_*` variables.
    pub fn from_env(self) -> Result<Self, Error> {
        let var = ClientOptions::env_var;
        let builder = match (var(ENV_BASE_URL), var(ENV_DOMAIN)) {
            (Some(url), _) => self.base_url(url),
            (None, Some(domain)) => self.domain(&domain),
            (None, None) => {
                return Err(Error::configuration(
                    PROVIDER,
                    format!("set {ENV_DOMAIN} to the helpdesk (acme for acme.freshdesk.com)"),
                ));
            }
        };
        match var(ENV_API_KEY) {
            Some(key) => Ok(builder.api_key(key)),
            None => Err(Error::configuration(
                PROVIDER,
                format!("set {ENV_API_KEY} to an agent's API key"),
            )),
        }
    }

    /// Builds the port. Fails when the helpdesk or the key is missing or malformed.
    pub fn build(self) -> Result<FreshdeskPort, Error> {
        let connection = self.options.connect(
            "helpdesk: call domain() or base_url()",
            "API key: call api_key()",
        )?;
        // Freshdesk honours no idempotency key and sends no reset header: Retry-After is its signal.
        let endpoint = connection.finish(|runtime| {
            runtime
                .remaining_header(HeaderName::from_static("x-ratelimit-remaining"))
                .classifier(error::classify)
        });
        Ok(FreshdeskPort::new(endpoint))
    }
}
