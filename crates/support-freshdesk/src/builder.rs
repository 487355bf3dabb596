//! Configuring a [`FreshdeskPort`]: helpdesk domain, API key, timeouts, retries.

use std::fmt;
use std::time::Duration;

use support_core::Error;
use support_core::http::{ClientConfig, Credentials, HttpRuntime, RetryPolicy};

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
#[derive(Clone)]
pub struct FreshdeskBuilder {
    base_url: Option<String>,
    api_key: Option<Credentials>,
    retry: RetryPolicy,
    request_timeout: Option<Duration>,
    client: ClientConfig,
}

impl fmt::Debug for FreshdeskBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FreshdeskBuilder")
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key)
            .field("retry", &self.retry)
            .field("request_timeout", &self.request_timeout)
            .finish()
    }
}

impl Default for FreshdeskBuilder {
    fn default() -> Self {
        Self {
            base_url: None,
            api_key: None,
            retry: RetryPolicy::default(),
            request_timeout: Some(Duration::from_secs(30)),
            client: ClientConfig::default(),
        }
    }
}

impl FreshdeskBuilder {
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
        self.base_url = Some(format!("https://{host}/api/v2"));
        self
    }

    /// A full API base URL instead of a domain, ending in `/api/v2`.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into().trim_end_matches('/').to_owned());
        self
    }

    /// Authenticates with an agent's API key (Basic `{key}:X`).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(Credentials::basic(key, "X"));
        self
    }

    /// Sets the retry policy (default: [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sets the per-attempt timeout (default 30 s; `None` waits indefinitely).
    pub fn request_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// Sets the connection timeout (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.client.connect_timeout = timeout;
        self
    }

    /// Sets the `User-Agent`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.client.user_agent = user_agent.into();
        self
    }

    /// Reads the helpdesk and API key from `SUPPORT_FRESHDESK_*` variables.
    pub fn from_env(self) -> Result<Self, Error> {
        let var = |name| {
            std::env::var(name)
                .ok()
                .filter(|v: &String| !v.trim().is_empty())
        };
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
        let base_url = self.base_url.ok_or_else(|| {
            Error::configuration(PROVIDER, "no helpdesk: call domain() or base_url()")
        })?;
        let parsed = reqwest::Url::parse(&base_url).map_err(|e| {
            Error::configuration(PROVIDER, format!("`{base_url}` is not a URL: {e}"))
        })?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(Error::configuration(
                PROVIDER,
                format!("`{base_url}` is not an http(s) URL with a host"),
            ));
        }
        let credentials = self
            .api_key
            .ok_or_else(|| Error::configuration(PROVIDER, "no API key: call api_key()"))?;
        if credentials.header_pair().is_none() {
            return Err(Error::configuration(
                PROVIDER,
                "the API key holds characters an HTTP header cannot carry",
            ));
        }
        let runtime = HttpRuntime::builder(PROVIDER)
            .credentials(credentials)
            .retry(self.retry)
            .request_timeout(self.request_timeout)
            .remaining_header(reqwest::header::HeaderName::from_static(
                "x-ratelimit-remaining",
            ))
            .classifier(error::classify)
            .build();
        let http = self.client.build(PROVIDER)?;
        Ok(FreshdeskPort::new(base_url, http, runtime))
    }
}
