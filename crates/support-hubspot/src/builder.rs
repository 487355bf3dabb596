//! Configuring a [`HubSpotPort`]: the credentials (a private app's access token, or OAuth). Retries,
//! timeouts, the user agent and a base-URL override are the kit's [`ClientOptions`].

use support_core::Error;
use support_core::http::{Credentials, TokenSource};
use support_core::kit::ClientOptions;

use crate::port::HubSpotPort;
use crate::{PROVIDER, error};

/// The API base URL, overriding `https://api.hubapi.com` (a proxy, a simulator).
pub const ENV_BASE_URL: &str = "SUPPORT_HUBSPOT_BASE_URL";
/// A private app's access token (or an OAuth access token), sent as a bearer token.
pub const ENV_TOKEN: &str = "SUPPORT_HUBSPOT_TOKEN";
/// The prefix of the OAuth variables read by [`TokenSource::from_env`].
pub const ENV_OAUTH_PREFIX: &str = "SUPPORT_HUBSPOT_";
/// HubSpot's API host, the same for every account.
pub const DEFAULT_BASE_URL: &str = "https://api.hubapi.com";
/// HubSpot's OAuth token endpoint.
pub const TOKEN_URL: &str = "https://api.hubapi.com/oauth/v1/token";

/// Builds a [`HubSpotPort`].
///
/// ```
/// use support_hubspot::HubSpotPort;
///
/// let port = HubSpotPort::builder().access_token("secret-token").build()?;
/// assert_eq!(port.base_url(), "https://api.hubapi.com");
/// assert!(!format!("{port:?}").contains("secret-token"));
/// # Ok::<(), support_core::Error>(())
/// ```
// Debug shows the options, whose credentials print redacted.
#[derive(Clone, Debug)]
pub struct HubSpotBuilder {
    options: ClientOptions,
}

impl Default for HubSpotBuilder {
    fn default() -> Self {
        Self {
            options: ClientOptions::new(PROVIDER),
        }
    }
}

impl HubSpotBuilder {
    support_core::client_option_setters!(options);

    /// Authenticates with a private app's access token, or an OAuth access token obtained
    /// elsewhere, sent as `Authorization: Bearer {token}`.
    pub fn access_token(mut self, token: impl Into<String>) -> Self {
        self.options.set_credentials(Credentials::bearer(token));
        self
    }

    /// Authenticates with OAuth: tokens come from `source`, whose token URL is HubSpot's
    /// ([`TOKEN_URL`]) unless it names another, and are renewed with the refresh token as they
    /// expire.
    ///
    /// ```
    /// use support_core::http::TokenSource;
    /// use support_hubspot::HubSpotPort;
    ///
    /// let port = HubSpotPort::builder()
    ///     .oauth(TokenSource::refresh_token("client-id", "client-secret", "refresh-token"))
    ///     .build()?;
    /// assert!(!format!("{port:?}").contains("client-secret"));
    /// # Ok::<(), support_core::Error>(())
    /// ```
    pub fn oauth(mut self, source: TokenSource) -> Self {
        self.options
            .set_credentials(Credentials::oauth(source.or_token_url(TOKEN_URL)));
        self
    }

    /// Reads the credentials from [`ENV_TOKEN`] or, when it is unset, from the OAuth variables of
    /// `TokenSource::from_env("SUPPORT_HUBSPOT_")`; and the base URL from [`ENV_BASE_URL`] when set.
    pub fn from_env(mut self) -> Result<Self, Error> {
        let var = ClientOptions::env_var;
        if let Some(base_url) = var(ENV_BASE_URL) {
            self = self.base_url(base_url);
        }
        if let Some(token) = var(ENV_TOKEN) {
            return Ok(self.access_token(token));
        }
        if let Some(source) = TokenSource::from_env(ENV_OAUTH_PREFIX) {
            return Ok(self.oauth(source));
        }
        Err(Error::configuration(
            PROVIDER,
            format!(
                "set {ENV_TOKEN} to a HubSpot private app's access token, or the OAuth \
                 variables {ENV_OAUTH_PREFIX}CLIENT_ID, {ENV_OAUTH_PREFIX}CLIENT_SECRET and \
                 {ENV_OAUTH_PREFIX}REFRESH_TOKEN"
            ),
        ))
    }

    /// Builds the port. Fails when the credentials are missing or the base URL is malformed.
    pub fn build(mut self) -> Result<HubSpotPort, Error> {
        if self.options.base_url().is_none() {
            self.options.set_base_url(DEFAULT_BASE_URL);
        }
        let connection = self.options.connect(
            "HubSpot API base URL",
            "credentials: call access_token() or oauth()",
        )?;
        // HubSpot honours no idempotency key, and its 429 carries no Retry-After: a burst limit
        // (`TEN_SECONDLY_ROLLING`) is waited out with backoff; a daily one is reported (see
        // error.rs).
        let endpoint = connection.finish(|runtime| runtime.classifier(error::classify));
        Ok(HubSpotPort::new(endpoint))
    }
}
