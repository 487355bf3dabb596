//! Configuring a [`ZammadPort`]: the instance and its credentials. Retries, timeouts, the user
//! agent and a base-URL override are the kit's [`ClientOptions`].

use reqwest::header::{AUTHORIZATION, HeaderName};
use support_core::http::Credentials;
use support_core::kit::ClientOptions;
use support_core::settings::{COMMON, SettingSpec, Settings, WEBHOOK};
use support_core::{Error, join_specs};

use crate::port::ZammadPort;
use crate::{PROVIDER, error};

/// The instance's URL (`https://help.example.com`; the adapter appends `/api/v1`).
pub const ENV_BASE_URL: &str = "SUPPORT_ZAMMAD_BASE_URL";
/// An access token (Profile → Token Access), sent as `Authorization: Token token=…`.
pub const ENV_TOKEN: &str = "SUPPORT_ZAMMAD_TOKEN";
/// A login for HTTP Basic (with [`ENV_PASSWORD`]).
pub const ENV_USERNAME: &str = "SUPPORT_ZAMMAD_USERNAME";
/// The password of [`ENV_USERNAME`].
pub const ENV_PASSWORD: &str = "SUPPORT_ZAMMAD_PASSWORD";
/// An OAuth 2.0 access token (Zammad's Doorkeeper applications), sent as a bearer token.
pub const ENV_BEARER_TOKEN: &str = "SUPPORT_ZAMMAD_BEARER_TOKEN";

/// Builds a [`ZammadPort`].
///
/// ```
/// use support_zammad::ZammadPort;
///
/// let port = ZammadPort::builder()
///     .base_url("https://help.example.com/")
///     .token("secret-token")
///     .build()?;
/// assert_eq!(port.base_url(), "https://help.example.com");
/// assert!(!format!("{port:?}").contains("secret-token"));
/// # Ok::<(), support_core::Error>(())
/// ```
// Debug shows the options, whose credentials print redacted.
#[derive(Clone, Debug)]
pub struct ZammadBuilder {
    options: ClientOptions,
}

impl Default for ZammadBuilder {
    fn default() -> Self {
        Self {
            options: ClientOptions::new(PROVIDER),
        }
    }
}

/// Zammad's own keys of [`ZammadBuilder::SETTINGS`].
const OWN_SETTINGS: &[SettingSpec] = &[
    SettingSpec::secret("token", "an access token (Profile → Token Access)"),
    SettingSpec::plain("username", "a login (with password: HTTP Basic)"),
    SettingSpec::secret("password", "the login's password"),
    SettingSpec::secret("bearer_token", "an OAuth access token"),
];

impl ZammadBuilder {
    support_core::client_option_setters!(options);

    /// Authenticates with an access token: `Authorization: Token token={token}`. The instance
    /// must allow token access (Settings → System → API, `api_token_access`).
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.options
            .set_credentials(Credentials::header(AUTHORIZATION, "Token token=", token));
        self
    }

    /// Authenticates with a login (or e-mail) and password over HTTP Basic. The instance must
    /// allow password access (`api_password_access`); accounts with two-factor authentication
    /// cannot use it.
    pub fn basic_auth(mut self, login: impl Into<String>, password: impl Into<String>) -> Self {
        self.options
            .set_credentials(Credentials::basic(login, password));
        self
    }

    /// Authenticates with an OAuth 2.0 access token: `Authorization: Bearer {token}`.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.options.set_credentials(Credentials::bearer(token));
        self
    }

    /// The keys [`from_settings`](Self::from_settings) reads: `token`, `username`, `password`,
    /// `bearer_token`, the [`COMMON`] ones (`base_url` is required), and the webhook secrets (read
    /// by [`ZammadWebhooks`](crate::ZammadWebhooks), accepted here so one set of settings serves
    /// both).
    pub const SETTINGS: &'static [SettingSpec] = join_specs!(OWN_SETTINGS, COMMON, WEBHOOK);

    /// Reads the instance from [`ENV_BASE_URL`] and the credentials from [`ENV_TOKEN`], or
    /// [`ENV_USERNAME`] and [`ENV_PASSWORD`], or [`ENV_BEARER_TOKEN`] (every key of
    /// [`SETTINGS`](Self::SETTINGS), upper-cased, under `SUPPORT_ZAMMAD_`).
    pub fn from_env(self) -> Result<Self, Error> {
        self.from_settings(&Settings::from_env(PROVIDER))
    }

    #[cfg(test)]
    fn read_vars(self, var: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let keys = Self::SETTINGS.iter().map(|spec| spec.key);
        self.from_settings(&Settings::from_lookup(PROVIDER, keys, var))
    }

    /// Reads the instance (`base_url`), the credentials (`token`; or `username` and `password`;
    /// or `bearer_token`) and the other [`COMMON`] options from `settings`. Unknown keys are
    /// refused.
    pub fn from_settings(mut self, settings: &Settings) -> Result<Self, Error> {
        settings.check_known(Self::SETTINGS)?;
        settings.require(
            "base_url",
            "the Zammad instance's URL (https://help.example.com)",
        )?;
        self.options.apply_settings(settings)?;
        match (
            settings.value("token"),
            settings.value("username"),
            settings.value("password"),
            settings.value("bearer_token"),
        ) {
            (Some(token), _, _, _) => Ok(self.token(token)),
            (None, Some(login), Some(password), _) => Ok(self.basic_auth(login, password)),
            (None, Some(_), None, _) => Err(settings.error(format!(
                "{} is set: set {} to the user's password",
                settings.describe("username"),
                settings.describe("password")
            ))),
            (None, None, _, Some(token)) => Ok(self.bearer_token(token)),
            _ => Err(settings.error(format!(
                "set {} to a Zammad access token, or {} and {}, or {} to an OAuth access token",
                settings.describe("token"),
                settings.describe("username"),
                settings.describe("password"),
                settings.describe("bearer_token")
            ))),
        }
    }

    /// Builds the port. Fails when the instance or the credentials are missing or malformed.
    pub fn build(mut self) -> Result<ZammadPort, Error> {
        // The instance's URL is wanted; one given with the API path is accepted too.
        if let Some(url) = self.options.base_url() {
            let trimmed = url.trim_end_matches('/');
            if let Some(instance) = trimmed.strip_suffix("/api/v1") {
                let instance = instance.to_owned();
                self.options.set_base_url(instance);
            }
        }
        let connection = self.options.connect(
            "Zammad instance: call base_url()",
            "credentials: call token(), basic_auth() or bearer_token()",
        )?;
        // Zammad honours no idempotency key: no write is retried once it may have been received.
        // It throttles almost nothing (a 429 from Rack::Attack, or from a proxy with
        // `Retry-After`, which the runtime reads).
        let endpoint = connection.finish(|runtime| {
            runtime
                .request_id_header(HeaderName::from_static("x-request-id"))
                .classifier(error::classify)
        });
        Ok(ZammadPort::new(endpoint))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn the_environment_names_the_instance_and_one_credential() {
        let from = |pairs: &[(&str, &str)]| ZammadBuilder::default().read_vars(vars(pairs));
        let err = from(&[(ENV_TOKEN, "t")]).unwrap_err();
        assert!(err.to_string().contains(ENV_BASE_URL), "{err}");
        let err = from(&[(ENV_BASE_URL, "https://h.example")]).unwrap_err();
        assert!(err.to_string().contains(ENV_TOKEN), "{err}");
        let err = from(&[(ENV_BASE_URL, "https://h.example"), (ENV_USERNAME, "a")]).unwrap_err();
        assert!(err.to_string().contains(ENV_PASSWORD), "{err}");
        for pairs in [
            &[(ENV_BASE_URL, "https://h.example"), (ENV_TOKEN, "t")][..],
            &[
                (ENV_BASE_URL, "https://h.example"),
                (ENV_USERNAME, "a"),
                (ENV_PASSWORD, "p"),
            ][..],
            &[(ENV_BASE_URL, "https://h.example"), (ENV_BEARER_TOKEN, "b")][..],
        ] {
            let port = from(pairs).and_then(ZammadBuilder::build).unwrap();
            assert_eq!(port.base_url(), "https://h.example");
        }
    }

    #[test]
    fn an_api_url_is_taken_as_its_instance() {
        let port = ZammadBuilder::default()
            .base_url("https://h.example/api/v1/")
            .token("t")
            .build()
            .unwrap();
        assert_eq!(port.base_url(), "https://h.example");
        let err = ZammadBuilder::default()
            .base_url("https://h.example")
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("token()"), "{err}");
    }
}

#[cfg(test)]
mod settings_tests {
    use support_core::{ErrorKind, Settings};

    use super::*;

    #[test]
    fn from_settings_refuses_unknown_keys_and_debug_shows_no_value() {
        let settings = Settings::new(PROVIDER)
            .with("base_url", "https://h.example")
            .with("token", "hunter2-token")
            .with("tokn", "x");
        let err = ZammadBuilder::default()
            .from_settings(&settings)
            .unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::Configuration);
        assert!(err.to_string().contains("`tokn`"), "{err}");
        assert!(!format!("{settings:?}").contains("hunter2-token"));
        let err = ZammadBuilder::default()
            .from_settings(&Settings::new(PROVIDER).with("token", "t"))
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("`base_url` (SUPPORT_ZAMMAD_BASE_URL)"),
            "{err}"
        );
    }
}
