//! The options every adapter's builder embeds, and the wiring from them to a client and runtime.

use std::fmt;
use std::time::Duration;

use super::Endpoint;
use crate::Error;
use crate::http::{ClientConfig, Credentials, HttpRuntime, HttpRuntimeBuilder, RetryPolicy};

/// Options every adapter's builder holds: base URL, credentials, retry policy, timeouts, user agent.
///
/// A builder embeds one, sets the provider's facts through it (a base URL derived from a subdomain,
/// credentials in the provider's scheme), gets the common public setters from
/// [`client_option_setters!`](crate::client_option_setters), and finishes with
/// [`ClientOptions::connect`]. `Debug` never shows a secret.
///
/// ```
/// use std::time::Duration;
/// use support_core::http::Credentials;
/// use support_core::kit::ClientOptions;
///
/// let mut options = ClientOptions::new("acme");
/// options.set_base_url("https://acme.example/api/");
/// options.set_credentials(Credentials::bearer("s3cret"));
/// options.set_request_timeout(Some(Duration::from_secs(5)));
/// assert_eq!(options.env_prefix(), "SUPPORT_ACME_");
/// assert!(!format!("{options:?}").contains("s3cret"));
/// let connection = options.connect("an account: call base_url()", "credentials: call token()")?;
/// assert_eq!(connection.base_url, "https://acme.example/api");
/// let endpoint = connection.finish(|runtime| runtime /* .classifier(..), provider headers */);
/// assert_eq!(endpoint.runtime().provider(), "acme");
/// assert_eq!(endpoint.host(), "acme.example");
/// # Ok::<(), support_core::Error>(())
/// ```
#[derive(Clone)]
pub struct ClientOptions {
    provider: &'static str,
    base_url: Option<String>,
    credentials: Option<Credentials>,
    retry: RetryPolicy,
    request_timeout: Option<Duration>,
    client: ClientConfig,
}

impl fmt::Debug for ClientOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Credentials' own Debug redacts them; listed so a reader sees whether they are set.
        f.debug_struct("ClientOptions")
            .field("provider", &self.provider)
            .field("base_url", &self.base_url.as_deref().map(without_userinfo))
            .field("credentials", &self.credentials)
            .field("retry", &self.retry)
            .field("request_timeout", &self.request_timeout)
            .field("connect_timeout", &self.client.connect_timeout)
            .field("user_agent", &self.client.user_agent)
            .finish()
    }
}

/// The default per-attempt timeout.
const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

impl ClientOptions {
    /// Defaults for `provider`: no base URL or credentials, [`RetryPolicy::default`], 30 s per
    /// attempt, [`ClientConfig::default`]'s connect timeout and user agent.
    pub fn new(provider: &'static str) -> Self {
        Self {
            provider,
            base_url: None,
            credentials: None,
            retry: RetryPolicy::default(),
            request_timeout: Some(DEFAULT_REQUEST_TIMEOUT),
            client: ClientConfig::default(),
        }
    }

    /// The provider these options are for.
    pub fn provider(&self) -> &'static str {
        self.provider
    }

    /// Sets the provider name errors and the runtime's spans carry: for an adapter whose ports
    /// name their objects differently by configuration (Intercom's conversations mode).
    pub fn set_provider(&mut self, provider: &'static str) {
        self.provider = provider;
    }

    /// Sets the base URL; surrounding whitespace and trailing `/` are dropped. Checked by
    /// [`ClientOptions::connect`].
    pub fn set_base_url(&mut self, base_url: impl Into<String>) {
        self.base_url = Some(base_url.into().trim().trim_end_matches('/').to_owned());
    }

    /// The base URL, when set.
    pub fn base_url(&self) -> Option<&str> {
        self.base_url.as_deref()
    }

    /// Sets the credentials.
    pub fn set_credentials(&mut self, credentials: Credentials) {
        self.credentials = Some(credentials);
    }

    /// Whether credentials are set.
    pub fn has_credentials(&self) -> bool {
        self.credentials.is_some()
    }

    /// Sets the retry policy.
    pub fn set_retry_policy(&mut self, retry: RetryPolicy) {
        self.retry = retry;
    }

    /// Sets the per-attempt timeout (`None`: wait indefinitely).
    pub fn set_request_timeout(&mut self, timeout: Option<Duration>) {
        self.request_timeout = timeout;
    }

    /// Sets the connection timeout.
    pub fn set_connect_timeout(&mut self, timeout: Duration) {
        self.client.connect_timeout = timeout;
    }

    /// Sets the `User-Agent`.
    pub fn set_user_agent(&mut self, user_agent: impl Into<String>) {
        self.client.user_agent = user_agent.into();
    }

    /// The prefix of the provider's environment variables: `SUPPORT_ZENDESK_`.
    pub fn env_prefix(&self) -> String {
        env_prefix(self.provider)
    }

    /// The provider's variable `suffix` (`SUPPORT_ZENDESK_` + `API_TOKEN`), read as
    /// [`ClientOptions::env_var`] does.
    pub fn env(&self, suffix: &str) -> Option<String> {
        Self::env_var(&format!("{}{suffix}", self.env_prefix()))
    }

    /// A non-blank environment variable, or `None` when unset, blank or not Unicode.
    pub fn env_var(name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.trim().is_empty())
    }

    /// Checks the options and builds what an adapter needs: the base URL (an http(s) URL with a
    /// host), the `reqwest` client, and a runtime builder holding the credentials, retry policy and
    /// request timeout, to which the adapter adds its classifier and provider headers.
    ///
    /// `missing_base_url` and `missing_credentials` complete "no …" in the configuration errors and
    /// say what to call: `"Zendesk account: call subdomain() or base_url()"`.
    pub fn connect(
        self,
        missing_base_url: &str,
        missing_credentials: &str,
    ) -> Result<Connection, Error> {
        let provider = self.provider;
        let base_url = self
            .base_url
            .ok_or_else(|| Error::configuration(provider, format!("no {missing_base_url}")))?;
        // Messages show the URL without any user:password written into it.
        let shown = without_userinfo(&base_url);
        let parsed = reqwest::Url::parse(&base_url)
            .map_err(|e| Error::configuration(provider, format!("`{shown}` is not a URL: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(Error::configuration(
                provider,
                format!("`{shown}` is not an http(s) URL with a host"),
            ));
        }
        // Credentials in the URL would travel outside the sensitive header, and show wherever the
        // URL does (messages, logs, `Debug`).
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(Error::configuration(
                provider,
                format!(
                    "`{shown}` holds a user name or password; set the credentials with the \
                     builder's credential setters instead"
                ),
            ));
        }
        let credentials = self
            .credentials
            .ok_or_else(|| Error::configuration(provider, format!("no {missing_credentials}")))?;
        if !credentials.is_sendable() {
            return Err(Error::configuration(
                provider,
                "the credentials hold characters an HTTP header cannot carry",
            ));
        }
        // An OAuth token endpoint given as a path is below the base URL.
        let credentials = match credentials {
            Credentials::OAuth(source) => Credentials::OAuth(source.resolved(provider, &base_url)?),
            other => other,
        };
        let http = self.client.build(provider)?;
        let runtime = HttpRuntime::builder(provider)
            .credentials(credentials)
            .retry(self.retry)
            .request_timeout(self.request_timeout);
        Ok(Connection {
            base_url,
            http,
            runtime,
        })
    }
}

/// `url` with anything between `://` and the authority's last `@` replaced by `[REDACTED]`.
fn without_userinfo(url: &str) -> std::borrow::Cow<'_, str> {
    let start = url.find("://").map_or(0, |i| i + 3);
    let authority_end = url[start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| start + i);
    match url[start..authority_end].rfind('@') {
        Some(at) => format!(
            "{}{}{}",
            &url[..start],
            crate::http::REDACTED,
            &url[start + at..]
        )
        .into(),
        None => url.into(),
    }
}

/// `SUPPORT_<PROVIDER>_`, with characters an environment name cannot hold as `_`.
fn env_prefix(provider: &str) -> String {
    let name: String = provider
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

/// Checked options, ready for an adapter to finish: see [`ClientOptions::connect`].
#[derive(Debug)]
#[non_exhaustive]
pub struct Connection {
    /// The base URL, checked, without a trailing `/`.
    pub base_url: String,
    /// The HTTP client (connect timeout, user agent, JSON accept header).
    pub http: reqwest::Client,
    /// The runtime with credentials, retry policy and request timeout set.
    pub runtime: HttpRuntimeBuilder,
}

impl Connection {
    /// The endpoint, once the adapter has added its classifier and provider headers to the runtime.
    pub fn finish(
        self,
        runtime: impl FnOnce(HttpRuntimeBuilder) -> HttpRuntimeBuilder,
    ) -> Endpoint {
        Endpoint::new(self.base_url, self.http, runtime(self.runtime).build())
    }
}

/// Gives a builder that embeds [`ClientOptions`] in field `$field` the public setters every adapter
/// offers: `base_url`, `retry_policy`, `request_timeout`, `connect_timeout` and `user_agent`.
///
/// ```
/// use support_core::kit::ClientOptions;
///
/// /// Builds an Acme port.
/// pub struct AcmeBuilder {
///     options: ClientOptions,
/// }
///
/// impl AcmeBuilder {
///     support_core::client_option_setters!(options);
/// }
///
/// let builder = AcmeBuilder { options: ClientOptions::new("acme") }
///     .base_url("https://acme.example/")
///     .request_timeout(None);
/// assert_eq!(builder.options.base_url(), Some("https://acme.example"));
/// ```
#[macro_export]
macro_rules! client_option_setters {
    ($field:ident) => {
        /// A full base URL (a proxy, a test server) instead of the account's default one.
        pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
            self.$field.set_base_url(base_url);
            self
        }

        /// Sets the retry policy (default: [`RetryPolicy::default`]).
        ///
        /// [`RetryPolicy::default`]: $crate::http::RetryPolicy::default
        pub fn retry_policy(mut self, retry: $crate::http::RetryPolicy) -> Self {
            self.$field.set_retry_policy(retry);
            self
        }

        /// Sets the per-attempt timeout (default 30 s; `None` waits indefinitely).
        pub fn request_timeout(mut self, timeout: Option<::std::time::Duration>) -> Self {
            self.$field.set_request_timeout(timeout);
            self
        }

        /// Sets the connection timeout (default 10 s).
        pub fn connect_timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.$field.set_connect_timeout(timeout);
            self
        }

        /// Sets the `User-Agent`.
        pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
            self.$field.set_user_agent(user_agent);
            self
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    fn options() -> ClientOptions {
        let mut options = ClientOptions::new("zendesk");
        options.set_credentials(Credentials::basic("agent@acme.example/token", "hunter2"));
        options
    }

    #[test]
    fn base_urls_are_checked_and_errors_say_what_to_call() {
        let err = options()
            .connect("account: call subdomain()", "credentials")
            .unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::Configuration);
        assert!(err.to_string().contains("call subdomain()"), "{err}");
        for bad in ["not a url", "ftp://acme.example", "mailto:a@b.example"] {
            let mut options = options();
            options.set_base_url(bad);
            let err = options.connect("account", "credentials").unwrap_err();
            assert_eq!(err.kind(), &ErrorKind::Configuration, "{bad}");
        }
        let mut options = options();
        options.set_base_url(" https://acme.example/api/v2// ");
        let connection = options.connect("account", "credentials").unwrap();
        assert_eq!(connection.base_url, "https://acme.example/api/v2");
    }

    #[test]
    fn credentials_must_be_present_and_fit_a_header() {
        let mut missing = ClientOptions::new("zendesk");
        missing.set_base_url("https://acme.example");
        let err = missing
            .connect("account", "credentials: call api_token()")
            .unwrap_err();
        assert!(err.to_string().contains("call api_token()"), "{err}");
        let mut bad = missing_with(Credentials::bearer("line\nbreak"));
        bad.set_base_url("https://acme.example");
        let err = bad.connect("account", "credentials").unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::Configuration);
        assert!(!err.to_string().contains("line\nbreak"));
    }

    #[test]
    fn a_base_url_holding_credentials_is_refused_without_showing_them() {
        for url in [
            "https://agent:hunter2-url@acme.example/api",
            "https://hunter2-url@acme.example",
            "https://agent:hunter2-url@acme example",
        ] {
            let mut options = options();
            options.set_base_url(url);
            let err = options
                .clone()
                .connect("account", "credentials")
                .unwrap_err();
            assert_eq!(err.kind(), &ErrorKind::Configuration, "{url}");
            let shown = format!("{err} {err:?} {options:?}");
            assert!(!shown.contains("hunter2-url"), "{shown}");
            assert!(shown.contains("[REDACTED]@acme"), "{shown}");
        }
        assert_eq!(
            without_userinfo("https://acme.example/a@b?c=d@e"),
            "https://acme.example/a@b?c=d@e"
        );
    }

    fn missing_with(credentials: Credentials) -> ClientOptions {
        let mut options = ClientOptions::new("zendesk");
        options.set_credentials(credentials);
        options
    }

    #[test]
    fn debug_never_shows_a_secret_and_env_names_follow_the_provider() {
        let options = options();
        let debug = format!("{options:?}");
        assert!(!debug.contains("hunter2"), "{debug}");
        assert!(!debug.contains("agent@acme.example"), "{debug}");
        assert_eq!(options.env_prefix(), "SUPPORT_ZENDESK_");
        assert_eq!(env_prefix("help-scout"), "SUPPORT_HELP_SCOUT_");
        // A name no test or CI sets: unset reads as None rather than an error.
        assert_eq!(options.env("KIT_TEST_NEVER_SET_7F3A"), None);
    }
}
