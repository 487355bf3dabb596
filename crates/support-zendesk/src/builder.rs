//! Configuring a [`ZendeskPort`]: the account and Zendesk's two auth schemes. Retries, timeouts, the
//! user agent and a base-URL override are the kit's [`ClientOptions`].

use reqwest::header::HeaderName;
use support_core::Error;
use support_core::http::{Credentials, ResetHeader};
use support_core::kit::ClientOptions;

use crate::port::ZendeskPort;
use crate::{PROVIDER, error};

/// Builds a [`ZendeskPort`].
///
/// ```
/// use support_zendesk::ZendeskPort;
///
/// let port = ZendeskPort::builder()
///     .subdomain("acme")
///     .api_token("agent@acme.example", "token-from-admin-center")
///     .build()?;
/// assert_eq!(port.base_url(), "https://acme.zendesk.com");
/// assert!(!format!("{port:?}").contains("token-from-admin-center"));
/// # Ok::<(), support_core::Error>(())
/// ```
// Debug shows the options, whose credentials print redacted.
#[derive(Clone, Debug)]
pub struct ZendeskBuilder {
    options: ClientOptions,
}

impl Default for ZendeskBuilder {
    fn default() -> Self {
        Self {
            options: ClientOptions::new(PROVIDER),
        }
    }
}

/// The environment variables [`ZendeskPort::from_env`] reads.
pub const ENV_SUBDOMAIN: &str = "SUPPORT_ZENDESK_SUBDOMAIN";
/// Overrides the subdomain with a full base URL (a proxy, a test server).
pub const ENV_BASE_URL: &str = "SUPPORT_ZENDESK_BASE_URL";
/// The agent e-mail of an API token.
pub const ENV_EMAIL: &str = "SUPPORT_ZENDESK_EMAIL";
/// The API token.
pub const ENV_API_TOKEN: &str = "SUPPORT_ZENDESK_API_TOKEN";
/// An OAuth access token (instead of e-mail and API token).
pub const ENV_OAUTH_TOKEN: &str = "SUPPORT_ZENDESK_OAUTH_TOKEN";

impl ZendeskBuilder {
    support_core::client_option_setters!(options);

    /// The account: `acme` for `https://acme.zendesk.com`.
    pub fn subdomain(mut self, subdomain: &str) -> Self {
        self.options
            .set_base_url(format!("https://{}.zendesk.com", subdomain.trim()));
        self
    }

    /// Authenticates with an agent's e-mail and an API token (Basic `{email}/token:{token}`).
    pub fn api_token(mut self, email: &str, token: impl Into<String>) -> Self {
        self.options
            .set_credentials(Credentials::basic(format!("{email}/token"), token));
        self
    }

    /// Authenticates with an OAuth access token (Bearer).
    pub fn oauth_token(mut self, token: impl Into<String>) -> Self {
        self.options.set_credentials(Credentials::bearer(token));
        self
    }

    /// Reads the account and credentials from `SUPPORT_ZENDESK_*` variables.
    pub fn from_env(self) -> Result<Self, Error> {
        let var = ClientOptions::env_var;
        let mut builder = match (var(ENV_BASE_URL), var(ENV_SUBDOMAIN)) {
            (Some(url), _) => self.base_url(url),
            (None, Some(subdomain)) => self.subdomain(&subdomain),
            (None, None) => {
                return Err(Error::configuration(
                    PROVIDER,
                    format!("set {ENV_SUBDOMAIN} (or {ENV_BASE_URL}) to the Zendesk account"),
                ));
            }
        };
        builder = match (var(ENV_OAUTH_TOKEN), var(ENV_EMAIL), var(ENV_API_TOKEN)) {
            (Some(token), _, _) => builder.oauth_token(token),
            (None, Some(email), Some(token)) => builder.api_token(&email, token),
            _ => {
                return Err(Error::configuration(
                    PROVIDER,
                    format!("set {ENV_EMAIL} and {ENV_API_TOKEN}, or {ENV_OAUTH_TOKEN}"),
                ));
            }
        };
        Ok(builder)
    }

    /// Builds the port. Fails when the account or credentials are missing or malformed.
    pub fn build(self) -> Result<ZendeskPort, Error> {
        let connection = self.options.connect(
            "Zendesk account: call subdomain() or base_url()",
            "credentials: call api_token() or oauth_token()",
        )?;
        let endpoint = connection.finish(|runtime| {
            runtime
                // Zendesk honours it on ticket create, which makes that write safe to retry.
                .idempotency_header(HeaderName::from_static("idempotency-key"))
                .reset_header(ResetHeader::DeltaSeconds(HeaderName::from_static(
                    "ratelimit-reset",
                )))
                .request_id_header(HeaderName::from_static("x-zendesk-request-id"))
                .remaining_header(HeaderName::from_static("x-rate-limit-remaining"))
                .classifier(error::classify)
        });
        Ok(ZendeskPort::new(endpoint))
    }
}
