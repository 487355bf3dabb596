//! Configuring a [`HubSpotPort`]: the credentials (a private app's access token, or OAuth). Retries,
//! timeouts, the user agent and a base-URL override are the kit's [`ClientOptions`].

use support_core::http::{Credentials, TokenSource};
use support_core::kit::ClientOptions;
use support_core::settings::{COMMON, OAUTH, SettingSpec, Settings};
use support_core::{Error, join_specs};

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

/// HubSpot's own keys of [`HubSpotBuilder::SETTINGS`].
const OWN_SETTINGS: &[SettingSpec] = &[
    SettingSpec::secret(
        "token",
        "a private app's access token (or an OAuth access token)",
    ),
    SettingSpec::secret(
        "webhook_secret",
        "the app's client secret for webhook signatures (webhook verifier only)",
    ),
    SettingSpec::plain(
        "webhook_url",
        "the webhook target URL as configured (webhook verifier only)",
    ),
];

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

    /// The keys [`from_settings`](Self::from_settings) reads: `token`, the [`OAUTH`] ones, the
    /// [`COMMON`] ones, and `webhook_secret` and `webhook_url` (read by
    /// [`HubSpotWebhooks`](crate::HubSpotWebhooks), accepted here so one set of settings serves
    /// both).
    pub const SETTINGS: &'static [SettingSpec] = join_specs!(OWN_SETTINGS, OAUTH, COMMON);

    /// Reads the credentials from [`ENV_TOKEN`] or, when it is unset, from the OAuth variables of
    /// `TokenSource::from_env("SUPPORT_HUBSPOT_")`; and the base URL from [`ENV_BASE_URL`] when set.
    /// Every key of [`SETTINGS`](Self::SETTINGS), upper-cased, under `SUPPORT_HUBSPOT_`.
    pub fn from_env(self) -> Result<Self, Error> {
        self.from_settings(&Settings::from_env(PROVIDER))
    }

    /// Reads `token`, or the [`OAUTH`] keys (`client_id`, `client_secret`, `refresh_token`, ...),
    /// and the [`COMMON`] options from `settings`. Unknown keys are refused.
    pub fn from_settings(mut self, settings: &Settings) -> Result<Self, Error> {
        settings.check_known(Self::SETTINGS)?;
        self.options.apply_settings(settings)?;
        if let Some(token) = settings.value("token") {
            return Ok(self.access_token(token));
        }
        if let Some(source) = settings.token_source() {
            return Ok(self.oauth(source));
        }
        Err(settings.error(format!(
            "set {} to a HubSpot private app's access token, or the OAuth settings {}, {} and {}",
            settings.describe("token"),
            settings.describe("client_id"),
            settings.describe("client_secret"),
            settings.describe("refresh_token")
        )))
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

#[cfg(test)]
mod settings_tests {
    use support_core::{ErrorKind, Settings};

    use super::*;

    fn refused(
        builder: impl FnOnce(&Settings) -> Result<(), Error>,
        settings: &Settings,
    ) -> String {
        let err = builder(settings).unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::Configuration);
        err.to_string()
    }

    #[test]
    fn from_settings_builds_refuses_unknown_keys_and_names_missing_ones() {
        let from = |s: &Settings| HubSpotBuilder::default().from_settings(s).map(drop);
        let settings = Settings::new(PROVIDER).with("token", "hunter2-token");
        let port = HubSpotBuilder::default()
            .from_settings(&settings)
            .and_then(HubSpotBuilder::build)
            .unwrap();
        assert_eq!(port.base_url(), DEFAULT_BASE_URL);
        assert!(!format!("{settings:?} {port:?}").contains("hunter2-token"));
        let oauth = Settings::new(PROVIDER)
            .with("client_id", "c")
            .with("client_secret", "s")
            .with("refresh_token", "r");
        HubSpotBuilder::default()
            .from_settings(&oauth)
            .and_then(HubSpotBuilder::build)
            .unwrap();
        let err = refused(from, &settings.clone().with("tokn", "x"));
        assert!(err.contains("`tokn`"), "{err}");
        let err = refused(from, &Settings::new(PROVIDER));
        assert!(err.contains("`token` (SUPPORT_HUBSPOT_TOKEN)"), "{err}");
    }
}
