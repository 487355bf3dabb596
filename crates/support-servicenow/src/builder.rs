//! Configuring a [`ServiceNowPort`]: the instance and its credentials. Retries, timeouts, the user
//! agent and a base-URL override are the kit's [`ClientOptions`].

use reqwest::header::HeaderName;
use support_core::http::{Credentials, ResetHeader, TokenSource};
use support_core::kit::ClientOptions;
use support_core::settings::{COMMON, OAUTH, SettingSpec, Settings};
use support_core::{Error, join_specs};

use crate::port::ServiceNowPort;
use crate::{PROVIDER, error};

/// The instance name: `acme` for `https://acme.service-now.com`.
pub const ENV_INSTANCE: &str = "SUPPORT_SERVICENOW_INSTANCE";
/// The instance's base URL, overriding the instance name (a custom domain, a proxy, a simulator).
pub const ENV_BASE_URL: &str = "SUPPORT_SERVICENOW_BASE_URL";
/// The integration user's user name (HTTP Basic, with [`ENV_PASSWORD`]).
pub const ENV_USERNAME: &str = "SUPPORT_SERVICENOW_USERNAME";
/// The integration user's password.
pub const ENV_PASSWORD: &str = "SUPPORT_SERVICENOW_PASSWORD";
/// An OAuth access token, sent as a bearer token (instead of a user name and password).
pub const ENV_TOKEN: &str = "SUPPORT_SERVICENOW_TOKEN";
/// The prefix of the OAuth variables: `SUPPORT_SERVICENOW_CLIENT_ID` and `_CLIENT_SECRET` (an OAuth
/// application registry entry), with `_REFRESH_TOKEN`, or with `_USERNAME` and `_PASSWORD` (the
/// password grant), or alone (client credentials); `_OAUTH_SCOPE` and `_TOKEN_URL` are optional.
pub const ENV_OAUTH_PREFIX: &str = "SUPPORT_SERVICENOW_";

/// The instance's OAuth 2.0 token endpoint, relative to its base URL.
const TOKEN_PATH: &str = "/oauth_token.do";

/// Builds a [`ServiceNowPort`].
///
/// ```
/// use support_servicenow::ServiceNowPort;
///
/// let port = ServiceNowPort::builder()
///     .instance("acme")
///     .basic_auth("integration.user", "secret-password")
///     .build()?;
/// assert_eq!(port.base_url(), "https://acme.service-now.com");
/// assert!(!format!("{port:?}").contains("secret-password"));
/// # Ok::<(), support_core::Error>(())
/// ```
// Debug shows the options, whose credentials print redacted.
#[derive(Clone, Debug)]
pub struct ServiceNowBuilder {
    options: ClientOptions,
    instance: Option<String>,
    user_name: Option<String>,
}

impl Default for ServiceNowBuilder {
    fn default() -> Self {
        Self {
            options: ClientOptions::new(PROVIDER),
            instance: None,
            user_name: None,
        }
    }
}

/// ServiceNow's own keys of [`ServiceNowBuilder::SETTINGS`].
const OWN_SETTINGS: &[SettingSpec] = &[
    SettingSpec::plain(
        "instance",
        "the instance name: acme for https://acme.service-now.com",
    ),
    SettingSpec::secret(
        "token",
        "an OAuth access token (instead of user name and password)",
    ),
];

impl ServiceNowBuilder {
    support_core::client_option_setters!(options);

    /// The instance name: `acme` serves `https://acme.service-now.com`.
    /// [`base_url`](Self::base_url) overrides it.
    pub fn instance(mut self, instance: impl Into<String>) -> Self {
        self.instance = Some(instance.into());
        self
    }

    /// Authenticates as a ServiceNow user with HTTP Basic (`Authorization: Basic …`).
    pub fn basic_auth(mut self, user_name: impl Into<String>, password: impl Into<String>) -> Self {
        let user_name = user_name.into();
        self.user_name = Some(user_name.clone());
        self.options
            .set_credentials(Credentials::basic(user_name, password));
        self
    }

    /// Authenticates with an OAuth access token obtained elsewhere (`Authorization: Bearer …`).
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.user_name = None;
        self.options.set_credentials(Credentials::bearer(token));
        self
    }

    /// Authenticates with OAuth 2.0 access tokens that `source` fetches from the instance's
    /// `/oauth_token.do` (unless it names another token URL) and renews as they expire or are
    /// refused: the password, refresh token or client credentials grant of an OAuth application
    /// registry entry.
    ///
    /// ```
    /// use support_core::http::TokenSource;
    /// use support_servicenow::ServiceNowPort;
    ///
    /// let port = ServiceNowPort::builder()
    ///     .instance("acme")
    ///     .oauth(TokenSource::password("client-id", "client-secret", "integration.user", "pw"))
    ///     .build()?;
    /// assert!(!format!("{port:?}").contains("client-secret"));
    /// # Ok::<(), support_core::Error>(())
    /// ```
    pub fn oauth(mut self, source: TokenSource) -> Self {
        self.user_name = None;
        self.options
            .set_credentials(Credentials::oauth(source.or_token_url(TOKEN_PATH)));
        self
    }

    /// The keys [`from_settings`](Self::from_settings) reads: `instance`, `token`, the [`OAUTH`]
    /// ones (whose `username` and `password` are the Basic credentials without a `client_id`) and
    /// the [`COMMON`] ones.
    pub const SETTINGS: &'static [SettingSpec] = join_specs!(OWN_SETTINGS, OAUTH, COMMON);

    /// Reads the instance and credentials from `SUPPORT_SERVICENOW_*` variables: [`ENV_INSTANCE`]
    /// (or [`ENV_BASE_URL`]), then the OAuth variables under [`ENV_OAUTH_PREFIX`], or
    /// [`ENV_USERNAME`] and [`ENV_PASSWORD`], or [`ENV_TOKEN`]; every key of
    /// [`SETTINGS`](Self::SETTINGS), upper-cased.
    pub fn from_env(self) -> Result<Self, Error> {
        self.from_settings(&Settings::from_env(PROVIDER))
    }

    /// Reads the instance (`instance`, or `base_url`), the credentials (the [`OAUTH`] keys with a
    /// `client_id`; else `username` and `password`; else `token`) and the [`COMMON`] options from
    /// `settings`. Unknown keys are refused.
    pub fn from_settings(mut self, settings: &Settings) -> Result<Self, Error> {
        settings.check_known(Self::SETTINGS)?;
        match settings.value("instance") {
            Some(instance) => self = self.instance(instance),
            None if settings.value("base_url").is_some() => {}
            None => {
                return Err(settings.error(format!(
                    "set {} to the instance name (`acme` for https://acme.service-now.com) or {} \
                     to its URL",
                    settings.describe("instance"),
                    settings.describe("base_url")
                )));
            }
        }
        self.options.apply_settings(settings)?;
        if let Some(source) = settings.token_source() {
            return Ok(self.oauth(source));
        }
        match (
            settings.value("username"),
            settings.value("password"),
            settings.value("token"),
        ) {
            (Some(user), Some(password), _) => Ok(self.basic_auth(user, password)),
            (Some(_), None, None) => Err(settings.error(format!(
                "{} is set: set {} to the user's password",
                settings.describe("username"),
                settings.describe("password")
            ))),
            (_, _, Some(token)) => Ok(self.bearer_token(token)),
            _ => Err(settings.error(format!(
                "set {} and {} to the integration user's credentials, or {} to an OAuth access \
                 token",
                settings.describe("username"),
                settings.describe("password"),
                settings.describe("token")
            ))),
        }
    }

    /// Builds the port. Fails when the instance or the credentials are missing or malformed.
    pub fn build(mut self) -> Result<ServiceNowPort, Error> {
        if self.options.base_url().is_none()
            && let Some(instance) = &self.instance
        {
            let name = instance.trim().to_ascii_lowercase();
            let valid = !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !name.starts_with('-');
            if !valid {
                return Err(Error::configuration(
                    PROVIDER,
                    format!(
                        "`{instance}` is not a ServiceNow instance name: give the name alone \
                         (`acme` for https://acme.service-now.com), or the URL with base_url()"
                    ),
                ));
            }
            self.options
                .set_base_url(format!("https://{name}.service-now.com"));
        }
        let connection = self.options.connect(
            "ServiceNow instance: call instance() or base_url()",
            "credentials: call basic_auth(), bearer_token() or oauth()",
        )?;
        // ServiceNow honours no idempotency key: no write is retried once it may have been
        // received. Throttling (rate-limit rules) is a 429 with `Retry-After` (seconds), which the
        // runtime reads first, and `X-RateLimit-Reset` (a Unix time in seconds).
        let endpoint = connection.finish(|runtime| {
            runtime
                .reset_header(ResetHeader::UnixSeconds(HeaderName::from_static(
                    "x-ratelimit-reset",
                )))
                .classifier(error::classify)
        });
        Ok(ServiceNowPort::new(endpoint, self.user_name))
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
        let from = |s: &Settings| ServiceNowBuilder::default().from_settings(s).map(drop);
        let settings = Settings::new(PROVIDER)
            .with("instance", "acme")
            .with("username", "integration")
            .with("password", "hunter2-pass");
        let port = ServiceNowBuilder::default()
            .from_settings(&settings)
            .and_then(ServiceNowBuilder::build)
            .unwrap();
        assert_eq!(port.base_url(), "https://acme.service-now.com");
        assert!(!format!("{settings:?} {port:?}").contains("hunter2-pass"));
        let err = refused(from, &settings.clone().with("instanse", "x"));
        assert!(err.contains("`instanse`"), "{err}");
        let err = refused(
            from,
            &Settings::new(PROVIDER)
                .with("instance", "acme")
                .with("username", "u"),
        );
        assert!(
            err.contains("`password` (SUPPORT_SERVICENOW_PASSWORD)"),
            "{err}"
        );
        let err = refused(from, &Settings::new(PROVIDER).with("token", "t"));
        assert!(
            err.contains("`instance` (SUPPORT_SERVICENOW_INSTANCE)"),
            "{err}"
        );
    }
}
