//! Configuring a [`FreshdeskPort`]: the helpdesk domain and its API key. Retries, timeouts, the user
//! agent and a base-URL override are the kit's [`ClientOptions`].

use reqwest::header::HeaderName;
use support_core::http::Credentials;
use support_core::kit::ClientOptions;
use support_core::settings::{COMMON, SettingSpec, Settings};
use support_core::{Error, join_specs};

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

/// Freshdesk's own keys of [`FreshdeskBuilder::SETTINGS`].
const OWN_SETTINGS: &[SettingSpec] = &[
    SettingSpec::plain(
        "domain",
        "the helpdesk: acme for https://acme.freshdesk.com",
    ),
    SettingSpec::secret(
        "api_key",
        "an agent's API key (Profile settings → Your API Key)",
    ),
];

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

    /// The keys [`from_settings`](Self::from_settings) reads: `domain`, `api_key` and the
    /// [`COMMON`] ones.
    pub const SETTINGS: &'static [SettingSpec] = join_specs!(OWN_SETTINGS, COMMON);

    /// Reads the helpdesk and API key from `SUPPORT_FRESHDESK_*` variables ([`ENV_DOMAIN`],
    /// [`ENV_API_KEY`], [`ENV_BASE_URL`]; every key of [`SETTINGS`](Self::SETTINGS) upper-cased).
    pub fn from_env(self) -> Result<Self, Error> {
        self.from_settings(&Settings::from_env(PROVIDER))
    }

    /// Reads the helpdesk (`domain`, or `base_url`), the `api_key` and the [`COMMON`] options from
    /// `settings`. Unknown keys are refused.
    pub fn from_settings(mut self, settings: &Settings) -> Result<Self, Error> {
        settings.check_known(Self::SETTINGS)?;
        match settings.value("domain") {
            Some(domain) => self = self.domain(domain),
            None if settings.value("base_url").is_some() => {}
            None => {
                return Err(
                    settings.missing("domain", "the helpdesk (acme for acme.freshdesk.com)")
                );
            }
        }
        self.options.apply_settings(settings)?;
        let key = settings.require("api_key", "an agent's API key")?;
        Ok(self.api_key(key))
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
        let from = |s: &Settings| FreshdeskBuilder::default().from_settings(s).map(drop);
        let settings = Settings::new(PROVIDER)
            .with("domain", "acme")
            .with("api_key", "hunter2-key");
        let port = FreshdeskBuilder::default()
            .from_settings(&settings)
            .and_then(FreshdeskBuilder::build)
            .unwrap();
        assert_eq!(port.base_url(), "https://acme.freshdesk.com/api/v2");
        assert!(!format!("{settings:?} {port:?}").contains("hunter2-key"));
        let err = refused(from, &settings.clone().with("apikey", "x"));
        assert!(err.contains("`apikey`"), "{err}");
        let err = refused(from, &Settings::new(PROVIDER).with("domain", "acme"));
        assert!(
            err.contains("`api_key` (SUPPORT_FRESHDESK_API_KEY)"),
            "{err}"
        );
    }
}
