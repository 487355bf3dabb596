//! Configuring a [`ZendeskPort`]: the account and Zendesk's two auth schemes. Retries, timeouts, the
//! user agent and a base-URL override are the kit's [`ClientOptions`].

use reqwest::header::HeaderName;
use support_core::http::{Credentials, ResetHeader};
use support_core::kit::ClientOptions;
use support_core::settings::{COMMON, SettingSpec, Settings, WEBHOOK};
use support_core::{Error, join_specs};

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

/// Zendesk's own keys of [`ZendeskBuilder::SETTINGS`].
const OWN_SETTINGS: &[SettingSpec] = &[
    SettingSpec::plain(
        "subdomain",
        "the account: acme for https://acme.zendesk.com",
    ),
    SettingSpec::plain("email", "the agent e-mail of an API token"),
    SettingSpec::secret(
        "api_token",
        "an API token (Admin Center → Apps and integrations → APIs)",
    ),
    SettingSpec::secret(
        "oauth_token",
        "an OAuth access token, instead of e-mail and API token",
    ),
];

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

    /// The keys [`from_settings`](Self::from_settings) reads: `subdomain`, `email`, `api_token`,
    /// `oauth_token`, the [`COMMON`] ones, and the webhook secrets (read by
    /// [`ZendeskWebhooks`](crate::ZendeskWebhooks), accepted here so one set of settings serves both).
    pub const SETTINGS: &'static [SettingSpec] = join_specs!(OWN_SETTINGS, COMMON, WEBHOOK);

    /// Reads the account and credentials from `SUPPORT_ZENDESK_*` variables: the keys of
    /// [`SETTINGS`](Self::SETTINGS), upper-cased ([`ENV_SUBDOMAIN`], [`ENV_EMAIL`],
    /// [`ENV_API_TOKEN`], [`ENV_OAUTH_TOKEN`], [`ENV_BASE_URL`], ...).
    pub fn from_env(self) -> Result<Self, Error> {
        self.from_settings(&Settings::from_env(PROVIDER))
    }

    /// Reads the account (`subdomain`, or `base_url`), the credentials (`email` and `api_token`,
    /// or `oauth_token`) and the [`COMMON`] options from `settings`. Unknown keys are refused.
    ///
    /// ```
    /// use support_core::Settings;
    /// use support_zendesk::ZendeskPort;
    ///
    /// let settings = Settings::new("zendesk")
    ///     .with("subdomain", "acme")
    ///     .with("email", "agent@acme.example")
    ///     .with("api_token", "token-from-admin-center");
    /// let port = ZendeskPort::builder().from_settings(&settings)?.build()?;
    /// assert_eq!(port.base_url(), "https://acme.zendesk.com");
    /// # Ok::<(), support_core::Error>(())
    /// ```
    pub fn from_settings(mut self, settings: &Settings) -> Result<Self, Error> {
        settings.check_known(Self::SETTINGS)?;
        match settings.value("subdomain") {
            Some(subdomain) => self = self.subdomain(subdomain),
            None if settings.value("base_url").is_some() => {}
            None => {
                return Err(settings.error(format!(
                    "set {} to the Zendesk account (acme for acme.zendesk.com), or {} to its URL",
                    settings.describe("subdomain"),
                    settings.describe("base_url")
                )));
            }
        }
        // base_url, when set, overrides the subdomain's URL.
        self.options.apply_settings(settings)?;
        let oauth = settings.value("oauth_token");
        let email = settings.value("email");
        let token = settings.value("api_token");
        self = match (oauth, email, token) {
            (Some(oauth), _, _) => self.oauth_token(oauth),
            (None, Some(email), Some(token)) => self.api_token(email, token),
            _ => {
                return Err(settings.error(format!(
                    "set {} and {} to an agent's e-mail and API token, or {} to an OAuth token",
                    settings.describe("email"),
                    settings.describe("api_token"),
                    settings.describe("oauth_token")
                )));
            }
        };
        Ok(self)
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

#[cfg(test)]
mod settings_tests {
    use support_core::{ErrorKind, Settings};

    use super::*;

    #[test]
    fn from_settings_builds_refuses_unknown_keys_and_names_missing_ones() {
        let settings = Settings::new(PROVIDER)
            .with("subdomain", "acme")
            .with("email", "a@acme.example")
            .with("api_token", "hunter2-token")
            .with("max_retries", "1");
        let port = ZendeskBuilder::default()
            .from_settings(&settings)
            .and_then(ZendeskBuilder::build)
            .unwrap();
        assert_eq!(port.base_url(), "https://acme.zendesk.com");
        assert!(!format!("{settings:?} {port:?}").contains("hunter2-token"));
        let err = ZendeskBuilder::default()
            .from_settings(&settings.clone().with("subdomian", "x"))
            .unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::Configuration);
        assert!(err.to_string().contains("`subdomian`"), "{err}");
        let mut no_token = settings.clone();
        no_token.remove("api_token");
        let err = ZendeskBuilder::default()
            .from_settings(&no_token)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`api_token` (SUPPORT_ZENDESK_API_TOKEN)"),
            "{err}"
        );
        let err = ZendeskBuilder::default()
            .from_settings(&Settings::new(PROVIDER))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`subdomain` (SUPPORT_ZENDESK_SUBDOMAIN)"),
            "{err}"
        );
        let port = ZendeskBuilder::default()
            .from_settings(
                &Settings::new(PROVIDER)
                    .with("base_url", "http://127.0.0.1:9")
                    .with("oauth_token", "t"),
            )
            .and_then(ZendeskBuilder::build)
            .unwrap();
        assert_eq!(port.base_url(), "http://127.0.0.1:9");
    }
}
