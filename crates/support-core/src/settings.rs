//! Serialisable adapter settings: a provider name and its options as text, the same for every
//! adapter, so an application can choose and configure one at run time (from a file, a database row
//! or the environment) without naming any provider crate.
//!
//! Keys are lower snake case and equal the suffix of the provider's environment variable, lowered:
//! `api_token` is `SUPPORT_ZENDESK_API_TOKEN`. Every adapter's builder has
//! `from_settings(&Settings)` and a `SETTINGS` list of the keys it reads ([`SettingSpec`]); its
//! `from_env()` is `from_settings(&Settings::from_env(PROVIDER))`.
//!
//! ```
//! use support_core::settings::{COMMON, Settings};
//!
//! let settings = Settings::new("zendesk")
//!     .with("subdomain", "acme")
//!     .with("api_token", "s3cret")
//!     .with("max_retries", "2");
//! assert_eq!(settings.value("subdomain"), Some("acme"));
//! assert_eq!(settings.parse::<u32>("max_retries", "a whole number")?, Some(2));
//! assert!(!format!("{settings:?}").contains("s3cret"));
//! let err = settings.check_known(COMMON).unwrap_err();
//! assert!(err.to_string().contains("`subdomain`"), "{err}");
//! # Ok::<(), support_core::Error>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::Error;
use crate::http::RetryPolicy;
use crate::kit::ClientOptions;

/// One option an adapter reads from [`Settings`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SettingSpec {
    /// The key: lower snake case, the environment variable's suffix lowered (`api_token`).
    pub key: &'static str,
    /// Whether the value is a secret (a token, a password): never shown.
    pub secret: bool,
    /// What to set it to, in a few words.
    pub help: &'static str,
}

impl SettingSpec {
    /// A plain option.
    pub const fn plain(key: &'static str, help: &'static str) -> Self {
        Self {
            key,
            secret: false,
            help,
        }
    }

    /// A secret option.
    pub const fn secret(key: &'static str, help: &'static str) -> Self {
        Self {
            key,
            secret: true,
            help,
        }
    }
}

/// The options every adapter reads, applied by [`ClientOptions::apply_settings`].
pub const COMMON: &[SettingSpec] = &[
    SettingSpec::plain(
        "base_url",
        "a full API base URL instead of the account's (a proxy, a test server)",
    ),
    SettingSpec::plain(
        "request_timeout_secs",
        "seconds one attempt may take (default 30; 0 waits indefinitely)",
    ),
    SettingSpec::plain(
        "connect_timeout_secs",
        "seconds to wait for a connection (default 10)",
    ),
    SettingSpec::plain(
        "max_retries",
        "retries after the first attempt (default 3; 0 disables retries)",
    ),
    SettingSpec::plain("user_agent", "the User-Agent header"),
];

/// The OAuth options of [`TokenSource::from_vars`](crate::http::TokenSource::from_vars), for the
/// adapters that accept OAuth.
pub const OAUTH: &[SettingSpec] = &[
    SettingSpec::plain("client_id", "the OAuth client id"),
    SettingSpec::secret("client_secret", "the OAuth client secret"),
    SettingSpec::secret(
        "refresh_token",
        "an OAuth refresh token (the refresh-token grant)",
    ),
    SettingSpec::plain(
        "username",
        "a user name (with password: the password grant)",
    ),
    SettingSpec::secret("password", "the user's password"),
    SettingSpec::plain(
        "oauth_scope",
        "the OAuth scopes to ask for, space-separated",
    ),
    SettingSpec::plain(
        "token_url",
        "the OAuth token endpoint, overriding the adapter's",
    ),
];

/// The webhook options of the adapters whose webhook verifier reads the same variables
/// (`SUPPORT_<P>_WEBHOOK_SECRET`): accepted in settings so that `from_env` does not refuse them;
/// the port does not use them.
pub const WEBHOOK: &[SettingSpec] = &[
    SettingSpec::secret(
        "webhook_secret",
        "the webhook secret (read by the crate's webhook verifier, not the port)",
    ),
    SettingSpec::secret(
        "webhook_previous_secret",
        "the previous webhook secret while rotating (webhook verifier only)",
    ),
];

/// `a` followed by `b`, in a constant: `concat::<{ A.len() + B.len() }>(A, B)`.
pub const fn concat<const N: usize>(a: &[SettingSpec], b: &[SettingSpec]) -> [SettingSpec; N] {
    assert!(a.len() + b.len() == N, "N must be the sum of the lengths");
    let mut out = [SettingSpec::plain("", ""); N];
    let mut i = 0;
    while i < a.len() {
        out[i] = a[i];
        i += 1;
    }
    let mut j = 0;
    while j < b.len() {
        out[a.len() + j] = b[j];
        j += 1;
    }
    out
}

/// A provider's name and options, as text: what [`support::connect`] and every builder's
/// `from_settings` read. Values are kept as [`SecretString`]s; `Debug` shows the provider and the
/// keys only.
///
/// Serialised as a flat map: `provider` and each option (plain strings).
///
/// [`support::connect`]: https://docs.rs/support
#[derive(Clone, Default)]
pub struct Settings {
    /// The provider: `zendesk`, `intercom-conversations`.
    pub provider: String,
    /// The options by key.
    pub values: BTreeMap<String, SecretString>,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("provider", &self.provider)
            .field("keys", &self.values.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl PartialEq for Settings {
    fn eq(&self, other: &Self) -> bool {
        self.provider == other.provider
            && self.values.len() == other.values.len()
            && self
                .values
                .iter()
                .zip(&other.values)
                .all(|((k, v), (ok, ov))| k == ok && v.expose_secret() == ov.expose_secret())
    }
}

/// `SUPPORT_<PROVIDER>_`: the provider upper-cased, `-` (and anything else a variable name
/// cannot hold) as `_`.
pub fn env_prefix(provider: &str) -> String {
    let name: String = provider
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("SUPPORT_{name}_")
}

/// The environment variable of `key` for `provider`: `SUPPORT_ZENDESK_API_TOKEN`.
pub fn env_var_name(provider: &str, key: &str) -> String {
    format!("{}{}", env_prefix(provider), key.to_ascii_uppercase())
}

/// A provider name as `&'static str` for [`Error`]; each distinct name is kept once.
pub(crate) fn static_name(name: &str) -> &'static str {
    static NAMES: OnceLock<Mutex<BTreeSet<&'static str>>> = OnceLock::new();
    let names = NAMES.get_or_init(Default::default);
    let mut names = match names.lock() {
        Ok(names) => names,
        Err(poisoned) => poisoned.into_inner(),
    };
    if let Some(found) = names.get(name) {
        return found;
    }
    let leaked: &'static str = Box::leak(name.to_owned().into_boxed_str());
    names.insert(leaked);
    leaked
}

impl Settings {
    /// No options for `provider`.
    pub fn new(provider: impl Into<String>) -> Self {
        Self {
            provider: provider.into().trim().to_owned(),
            values: BTreeMap::new(),
        }
    }

    /// With `key` set to `value` (the key lowered and trimmed).
    pub fn with(mut self, key: impl AsRef<str>, value: impl Into<String>) -> Self {
        self.set(key, value);
        self
    }

    /// Sets `key` to `value` (the key lowered and trimmed).
    pub fn set(&mut self, key: impl AsRef<str>, value: impl Into<String>) {
        let key = key.as_ref().trim().to_ascii_lowercase();
        self.values.insert(key, SecretString::from(value.into()));
    }

    /// Removes `key`.
    pub fn remove(&mut self, key: &str) {
        self.values.remove(key);
    }

    /// The provider's `SUPPORT_<P>_*` variables from the process environment, blank ones skipped.
    pub fn from_env(provider: &str) -> Self {
        Self::from_vars(
            provider,
            std::env::vars_os().filter_map(|(name, value)| {
                Some((name.into_string().ok()?, value.into_string().ok()?))
            }),
        )
    }

    /// The variables `lookup` answers for `names` (each a full variable name, such as the
    /// `SUPPORT_<P>_<KEY>` of every key of an adapter's `SETTINGS`), blank ones skipped. For
    /// tests and for sources that cannot be listed.
    pub fn from_lookup<'k>(
        provider: &str,
        keys: impl IntoIterator<Item = &'k str>,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Self {
        let mut settings = Self::new(provider);
        for key in keys {
            if let Some(value) = lookup(&env_var_name(provider, key))
                && !value.trim().is_empty()
            {
                settings.set(key, value);
            }
        }
        settings
    }

    /// The provider's variables from `vars` (pairs of name and value, as `std::env::vars()`
    /// gives), blank ones skipped: [`Settings::from_env`] without touching the process.
    pub fn from_vars<N, V>(provider: &str, vars: impl IntoIterator<Item = (N, V)>) -> Self
    where
        N: AsRef<str>,
        V: Into<String>,
    {
        let prefix = env_prefix(provider);
        let mut settings = Self::new(provider);
        for (name, value) in vars {
            let value: String = value.into();
            if let Some(suffix) = name.as_ref().strip_prefix(&prefix)
                && !suffix.is_empty()
                && !value.trim().is_empty()
            {
                settings.set(suffix, value);
            }
        }
        settings
    }

    /// Sets every option of `other` over these (`other` wins); its provider too, when it names one.
    pub fn overlay(&mut self, other: Settings) {
        if !other.provider.is_empty() {
            self.provider = other.provider;
        }
        self.values.extend(other.values);
    }

    /// The provider's name.
    pub fn provider(&self) -> &str {
        &self.provider
    }

    /// Whether no option is set.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The keys set, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.values.keys().map(String::as_str)
    }

    /// The value of `key`, trimmed, when set and not blank.
    pub fn value(&self, key: &str) -> Option<&str> {
        self.values
            .get(key)
            .map(|v| v.expose_secret().trim())
            .filter(|v| !v.is_empty())
    }

    /// The value of `key` as a secret, when set and not blank.
    pub fn secret(&self, key: &str) -> Option<SecretString> {
        self.value(key).map(SecretString::from)
    }

    /// The environment variable of `key`: `SUPPORT_ZENDESK_API_TOKEN`.
    pub fn env_var(&self, key: &str) -> String {
        env_var_name(&self.provider, key)
    }

    /// `` `key` (SUPPORT_P_KEY) ``: how messages name an option.
    pub fn describe(&self, key: &str) -> String {
        format!("`{key}` ({})", self.env_var(key))
    }

    /// A configuration error of this provider.
    pub fn error(&self, message: impl Into<String>) -> Error {
        Error::configuration(static_name(&self.provider), message)
    }

    /// The error for a missing option: "set `subdomain` (SUPPORT_ZENDESK_SUBDOMAIN) to {what}".
    pub fn missing(&self, key: &str, what: &str) -> Error {
        self.error(format!("set {} to {what}", self.describe(key)))
    }

    /// The value of `key`, or the error of [`Settings::missing`].
    pub fn require(&self, key: &str, what: &str) -> Result<&str, Error> {
        self.value(key).ok_or_else(|| self.missing(key, what))
    }

    /// `key` parsed as `T`; `expected` names the form in the error ("a whole number").
    pub fn parse<T: FromStr>(&self, key: &str, expected: &str) -> Result<Option<T>, Error> {
        let Some(text) = self.value(key) else {
            return Ok(None);
        };
        text.parse().map(Some).map_err(|_| {
            self.error(format!(
                "{} is `{text}`; set it to {expected}",
                self.describe(key)
            ))
        })
    }

    /// `key` as a boolean: `true`/`false`, `yes`/`no`, `on`/`off` or `1`/`0`.
    pub fn flag(&self, key: &str) -> Result<Option<bool>, Error> {
        let Some(text) = self.value(key) else {
            return Ok(None);
        };
        match text.to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" | "1" => Ok(Some(true)),
            "false" | "no" | "off" | "0" => Ok(Some(false)),
            _ => Err(self.error(format!(
                "{} is `{text}`; set it to true or false",
                self.describe(key)
            ))),
        }
    }

    /// `key` as whole seconds.
    pub fn seconds(&self, key: &str) -> Result<Option<Duration>, Error> {
        Ok(self
            .parse::<u64>(key, "a whole number of seconds")?
            .map(Duration::from_secs))
    }

    /// `key` as one of `choices` (compared in lower case).
    pub fn choice<'c>(&self, key: &str, choices: &[&'c str]) -> Result<Option<&'c str>, Error> {
        let Some(text) = self.value(key) else {
            return Ok(None);
        };
        let lowered = text.to_ascii_lowercase();
        choices
            .iter()
            .find(|c| **c == lowered)
            .copied()
            .map(Some)
            .ok_or_else(|| {
                self.error(format!(
                    "{} is `{text}`; set it to one of {}",
                    self.describe(key),
                    choices.join(", ")
                ))
            })
    }

    /// Refuses keys `specs` does not list, naming each and listing the known ones: a typo must
    /// not pass silently.
    pub fn check_known(&self, specs: &[SettingSpec]) -> Result<(), Error> {
        let unknown: Vec<&str> = self
            .keys()
            .filter(|k| !specs.iter().any(|s| s.key == *k))
            .collect();
        if unknown.is_empty() {
            return Ok(());
        }
        let shown: Vec<String> = unknown.iter().map(|k| format!("`{k}`")).collect();
        let known: Vec<&str> = specs.iter().map(|s| s.key).collect();
        Err(self.error(format!(
            "unknown setting{} {} for {}; the known ones are: {}",
            if unknown.len() == 1 { "" } else { "s" },
            shown.join(", "),
            self.provider,
            if known.is_empty() {
                "(none)".to_owned()
            } else {
                known.join(", ")
            }
        )))
    }

    /// The OAuth source [`TokenSource::from_vars`](crate::http::TokenSource::from_vars) reads
    /// from these settings' [`OAUTH`] keys; `None` without `client_id`.
    pub fn token_source(&self) -> Option<crate::http::TokenSource> {
        crate::http::TokenSource::from_vars("", |key| {
            self.value(&key.to_ascii_lowercase()).map(str::to_owned)
        })
    }
}

impl Serialize for Settings {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map: BTreeMap<&str, &str> = self
            .values
            .iter()
            .map(|(k, v)| (k.as_str(), v.expose_secret()))
            .collect();
        map.insert("provider", &self.provider);
        map.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Settings {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut map = BTreeMap::<String, String>::deserialize(deserializer)?;
        let provider = map
            .remove("provider")
            .ok_or_else(|| serde::de::Error::missing_field("provider"))?;
        let mut settings = Settings::new(provider);
        for (k, v) in map {
            settings.set(k, v);
        }
        Ok(settings)
    }
}

impl ClientOptions {
    /// Applies the [`COMMON`] keys of `settings`: `base_url`, `request_timeout_secs` (0: none),
    /// `connect_timeout_secs`, `max_retries` (retries after the first attempt, on
    /// [`RetryPolicy::default`]'s backoff) and `user_agent`.
    pub fn apply_settings(&mut self, settings: &Settings) -> Result<(), Error> {
        if let Some(url) = settings.value("base_url") {
            self.set_base_url(url);
        }
        if let Some(timeout) = settings.seconds("request_timeout_secs")? {
            self.set_request_timeout((!timeout.is_zero()).then_some(timeout));
        }
        if let Some(timeout) = settings.seconds("connect_timeout_secs")? {
            self.set_connect_timeout(timeout);
        }
        if let Some(retries) = settings.parse::<u32>("max_retries", "a whole number")? {
            self.set_retry_policy(RetryPolicy {
                max_attempts: retries.saturating_add(1),
                ..RetryPolicy::default()
            });
        }
        if let Some(agent) = settings.value("user_agent") {
            self.set_user_agent(agent);
        }
        Ok(())
    }
}

/// Joins lists of [`SettingSpec`]s into one `&'static [SettingSpec]`, in a constant: an adapter's
/// `SETTINGS` is its own keys followed by [`COMMON`] (and [`OAUTH`], [`WEBHOOK`] where they apply).
///
/// ```
/// use support_core::settings::{COMMON, SettingSpec};
///
/// const OWN: &[SettingSpec] = &[SettingSpec::secret("token", "an API token")];
/// const SETTINGS: &[SettingSpec] = support_core::join_specs!(OWN, COMMON);
/// assert_eq!(SETTINGS.len(), 1 + COMMON.len());
/// ```
#[macro_export]
macro_rules! join_specs {
    ($a:expr $(,)?) => {
        $a
    };
    ($a:expr, $b:expr $(,)?) => {{
        const A: &[$crate::settings::SettingSpec] = $a;
        const B: &[$crate::settings::SettingSpec] = $b;
        const ALL: [$crate::settings::SettingSpec; A.len() + B.len()] =
            $crate::settings::concat::<{ A.len() + B.len() }>(A, B);
        &ALL
    }};
    ($a:expr, $b:expr, $($rest:expr),+ $(,)?) => {
        $crate::join_specs!($crate::join_specs!($a, $b), $($rest),+)
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn keys_follow_the_variables_and_blanks_are_skipped() {
        let settings = Settings::from_vars(
            "intercom-conversations",
            [
                ("SUPPORT_INTERCOM_CONVERSATIONS_TOKEN", "t"),
                ("SUPPORT_INTERCOM_CONVERSATIONS_REGION", "  "),
                ("SUPPORT_ZENDESK_TOKEN", "other"),
            ],
        );
        assert_eq!(settings.keys().collect::<Vec<_>>(), ["token"]);
        assert_eq!(
            settings.env_var("api_token"),
            "SUPPORT_INTERCOM_CONVERSATIONS_API_TOKEN"
        );
        let looked = Settings::from_lookup("zendesk", ["subdomain", "email"], |name| {
            (name == "SUPPORT_ZENDESK_SUBDOMAIN").then(|| "acme".to_owned())
        });
        assert_eq!(looked.value("subdomain"), Some("acme"));
        assert_eq!(looked.value("email"), None);
    }

    #[test]
    fn overlay_wins_and_debug_shows_keys_only() {
        let mut base = Settings::new("zendesk")
            .with("subdomain", "a")
            .with("api_token", "hunter2");
        base.overlay(Settings::new("zendesk").with("subdomain", "b"));
        assert_eq!(base.value("subdomain"), Some("b"));
        assert_eq!(base.value("api_token"), Some("hunter2"));
        let debug = format!("{base:?}");
        assert!(
            debug.contains("api_token") && !debug.contains("hunter2"),
            "{debug}"
        );
    }

    #[test]
    fn errors_name_the_key_its_variable_and_the_form() {
        let settings = Settings::new("zendesk")
            .with("max_retries", "many")
            .with("subdomian", "x");
        let err = settings
            .parse::<u32>("max_retries", "a whole number")
            .unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::Configuration);
        let text = err.to_string();
        assert!(
            text.contains("`max_retries` (SUPPORT_ZENDESK_MAX_RETRIES)"),
            "{text}"
        );
        assert!(text.contains("a whole number"), "{text}");
        let err = settings.missing("subdomain", "the account").to_string();
        assert!(
            err.contains("set `subdomain` (SUPPORT_ZENDESK_SUBDOMAIN)"),
            "{err}"
        );
        let err = settings.check_known(COMMON).unwrap_err().to_string();
        assert!(
            err.contains("`subdomian`") && !err.contains("`max_retries`"),
            "{err}"
        );
        assert!(err.contains("base_url"), "{err}");
        assert!(
            Settings::new("x")
                .with("yes", "on")
                .flag("yes")
                .unwrap()
                .unwrap()
        );
    }

    #[test]
    fn common_options_apply() {
        let mut options = ClientOptions::new("zendesk");
        let settings = Settings::new("zendesk")
            .with("base_url", "https://h.example/")
            .with("request_timeout_secs", "0")
            .with("max_retries", "0")
            .with("user_agent", "app/1");
        options.apply_settings(&settings).unwrap();
        assert_eq!(options.base_url(), Some("https://h.example"));
        let debug = format!("{options:?}");
        assert!(
            debug.contains("max_attempts: 1") && debug.contains("app/1"),
            "{debug}"
        );
        let bad = Settings::new("zendesk").with("connect_timeout_secs", "-1");
        assert!(options.apply_settings(&bad).is_err());
    }

    #[test]
    fn serde_is_a_flat_map_of_strings() {
        let settings: Settings =
            serde_json::from_str(r#"{"provider":"zendesk","subdomain":"acme"}"#).unwrap();
        assert_eq!(settings.value("subdomain"), Some("acme"));
        let back = serde_json::to_string(&settings).unwrap();
        assert_eq!(back, r#"{"provider":"zendesk","subdomain":"acme"}"#);
        assert_eq!(serde_json::from_str::<Settings>(&back).unwrap(), settings);
    }

    #[test]
    fn oauth_keys_make_a_token_source() {
        let settings = Settings::new("hubspot")
            .with("client_id", "c")
            .with("client_secret", "s")
            .with("refresh_token", "r");
        assert!(settings.token_source().is_some());
        assert!(Settings::new("hubspot").token_source().is_none());
    }

    #[test]
    fn concat_joins_lists() {
        const BOTH: [SettingSpec; COMMON.len() + OAUTH.len()] =
            concat::<{ COMMON.len() + OAUTH.len() }>(COMMON, OAUTH);
        assert_eq!(BOTH.len(), COMMON.len() + OAUTH.len());
        assert_eq!(BOTH[COMMON.len()].key, "client_id");
    }
}
