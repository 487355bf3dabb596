//! Configuring a [`ZendeskPort`]: account, credentials, timeouts, retries.

use std::fmt;
use std::time::Duration;

use reqwest::header::HeaderName;
use support_core::Error;
use support_core::http::{ClientConfig, Credentials, HttpRuntime, ResetHeader, RetryPolicy};

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
#[derive(Clone)]
pub struct ZendeskBuilder {
    base_url: Option<String>,
    credentials: Option<Credentials>,
    retry: RetryPolicy,
    request_timeout: Option<Duration>,
    client: ClientConfig,
}

impl fmt::Debug for ZendeskBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ZendeskBuilder")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .field("retry", &self.retry)
            .field("request_timeout", &self.request_timeout)
            .finish()
    }
}

impl Default for ZendeskBuilder {
    fn default() -> Self {
        Self {
            base_url: None,
            credentials: None,
            retry: RetryPolicy::default(),
            request_timeout: Some(Duration::from_secs(30)),
            client: ClientConfig::default(),
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
    /// The account: `acme` for `https://acme.zendesk.com`.
    pub fn subdomain(mut self, subdomain: &str) -> Self {
        self.base_url = Some(format!("https://{}.zendesk.com", subdomain.trim()));
        self
    }

    /// A full base URL instead of a subdomain (`https://support.acme.example`, a test server).
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into().trim_end_matches('/').to_owned());
        self
    }

    /// Authenticates with an agent's e-mail and an API token (Basic `{email}/token:{token}`).
    pub fn api_token(mut self, email: &str, token: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::basic(format!("{email}/token"), token));
        self
    }

    /// Authenticates with an OAuth access token (Bearer).
    pub fn oauth_token(mut self, token: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::bearer(token));
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

    /// Reads the account and credentials from `SUPPORT_ZENDESK_*` variables.
    pub fn from_env(self) -> Result<Self, Error> {
        let var = |name| {
            std::env::var(name)
                .ok()
                .filter(|v: &String| !v.trim().is_empty())
        };
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
        let base_url = self.base_url.ok_or_else(|| {
            Error::configuration(
                PROVIDER,
                "no Zendesk account: call subdomain() or base_url()",
            )
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
        let credentials = self.credentials.ok_or_else(|| {
            Error::configuration(
                PROVIDER,
                "no credentials: call api_token() or oauth_token()",
            )
        })?;
        if credentials.header_pair().is_none() {
            return Err(Error::configuration(
                PROVIDER,
                "the credentials hold characters an HTTP header cannot carry",
            ));
        }
        let runtime = HttpRuntime::builder(PROVIDER)
            .credentials(credentials)
            .retry(self.retry)
            .request_timeout(self.request_timeout)
            .idempotency_header(HeaderName::from_static("idempotency-key"))
            .reset_header(ResetHeader::DeltaSeconds(HeaderName::from_static(
                "ratelimit-reset",
            )))
            .request_id_header(HeaderName::from_static("x-zendesk-request-id"))
            .remaining_header(HeaderName::from_static("x-rate-limit-remaining"))
            .classifier(error::classify)
            .build();
        let http = self.client.build(PROVIDER)?;
        Ok(ZendeskPort::new(base_url, http, runtime))
    }
}
