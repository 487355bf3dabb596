//! OAuth 2.0 access tokens that renew themselves: see [`TokenSource`].

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use reqwest::header::{HeaderValue, WWW_AUTHENTICATE};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value};
use tokio::time::Instant;

use super::credentials::{Redactor, percent_encoded};
use crate::capabilities::Operation;
use crate::error::{Error, ErrorKind, Result};

/// The default margin before `expires_in` at which a token is renewed.
const DEFAULT_MARGIN: Duration = Duration::from_secs(60);

/// How many recent access tokens (and refresh tokens) the redactor keeps looking for.
const REMEMBERED_TOKENS: usize = 4;

/// Signs a fresh JWT assertion for the JWT bearer grant (RFC 7523), each time a token is fetched.
/// `Err` says why it could not (a missing key, say); the text must hold no secret.
pub type AssertionSigner = Arc<dyn Fn() -> std::result::Result<String, String> + Send + Sync>;

/// The OAuth 2.0 grant a [`TokenSource`] asks for.
#[derive(Clone)]
#[non_exhaustive]
pub enum Grant {
    /// `grant_type=client_credentials`: the client acts on its own behalf.
    ClientCredentials,
    /// `grant_type=password`: a user's name and password (ServiceNow's password grant).
    Password {
        /// The user name.
        username: SecretString,
        /// The password.
        password: SecretString,
    },
    /// `grant_type=refresh_token`: a refresh token obtained beforehand (an authorization code
    /// flow). When an answer brings a new refresh token, the next fetch uses it.
    RefreshToken(SecretString),
    /// `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer` with a signed `assertion`
    /// (Salesforce's JWT bearer flow).
    JwtBearer(AssertionSigner),
}

impl Grant {
    /// The grant's `grant_type` value.
    pub fn grant_type(&self) -> &'static str {
        match self {
            Grant::ClientCredentials => "client_credentials",
            Grant::Password { .. } => "password",
            Grant::RefreshToken(_) => "refresh_token",
            Grant::JwtBearer(_) => "urn:ietf:params:oauth:grant-type:jwt-bearer",
        }
    }

    /// What a refusal of this grant asks the caller to check.
    fn what_to_check(&self) -> &'static str {
        match self {
            Grant::ClientCredentials => {
                "check the client id and secret, and that the OAuth application allows the client \
                 credentials grant"
            }
            Grant::Password { .. } => {
                "check the client id and secret, the user name and password, and that the OAuth \
                 application allows the password grant"
            }
            Grant::RefreshToken(_) => {
                "check the client id and secret, and that the refresh token is current (it may \
                 have expired, been revoked, or been replaced by a rotated one)"
            }
            Grant::JwtBearer(_) => {
                "check the client id (the JWT issuer), the user (subject), the audience, the \
                 signing key, and that the user is pre-authorized for the OAuth application"
            }
        }
    }
}

impl fmt::Debug for Grant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Grant::ClientCredentials => f.write_str("ClientCredentials"),
            Grant::Password { .. } => f
                .debug_struct("Password")
                .field("username", &"[REDACTED]")
                .field("password", &"[REDACTED]")
                .finish(),
            Grant::RefreshToken(_) => f.write_str("RefreshToken([REDACTED])"),
            Grant::JwtBearer(_) => f.write_str("JwtBearer(..)"),
        }
    }
}

/// Where the client id and secret go in a token request (RFC 6749, section 2.3.1): providers
/// document one or both.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClientAuth {
    /// `client_id` and `client_secret` as form fields (the default; ServiceNow's documented way).
    #[default]
    Body,
    /// An `Authorization: Basic` header of the form-encoded id and secret.
    Basic,
}

/// The non-secret fields of the token endpoint's last successful answer: everything but the
/// access, refresh and id tokens (`token_type`, `expires_in`, `scope`, and provider fields such as
/// Salesforce's `instance_url`, `id` and `issued_at`).
#[derive(Clone, Debug, PartialEq)]
pub struct TokenAnswer {
    fields: Map<String, Value>,
}

impl TokenAnswer {
    /// A field of the answer.
    pub fn field(&self, name: &str) -> Option<&Value> {
        self.fields.get(name)
    }

    /// A text field of the answer.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.fields.get(name)?.as_str()
    }

    /// Salesforce's `instance_url`: the org's own host, where its API is.
    pub fn instance_url(&self) -> Option<&str> {
        self.text("instance_url")
    }

    /// The scopes granted, when the answer says.
    pub fn scope(&self) -> Option<&str> {
        self.text("scope")
    }

    /// Every non-secret field.
    pub fn fields(&self) -> &Map<String, Value> {
        &self.fields
    }
}

/// Obtains and renews OAuth 2.0 access tokens.
///
/// A token source holds a grant (RFC 6749: client credentials, resource owner password, refresh
/// token, or a JWT bearer assertion, RFC 7523) and the token endpoint that honours it. The runtime
/// ([`HttpRuntime`](super::HttpRuntime)) asks it for a token before each request sent with
/// [`Credentials::oauth`](super::Credentials::oauth):
///
/// - a token is fetched once and reused until `expires_in` minus a margin
///   ([`TokenSource::expiry_margin`], 60 s by default); an answer without `expires_in` keeps the
///   token until the API refuses it;
/// - concurrent requests that find no valid token share one fetch (and, when it fails, its failure);
/// - when the API answers 401 to a request that carried a token from the source, that token is
///   dropped, a new one is fetched, and the request is sent once more (a refused request was not
///   processed, so this is safe for writes too); a second 401 is the caller's
///   [`ErrorKind::Unauthenticated`](crate::ErrorKind::Unauthenticated);
/// - a refresh token that the answer rotates replaces the old one
///   ([`TokenSource::current_refresh_token`] reads it, to persist it); a password grant whose
///   answer brought a refresh token renews with it, and falls back to the password when it is
///   refused ([`TokenSource::renew_with_refresh_token`]);
/// - the answer's other fields (Salesforce's `instance_url`) are kept ([`TokenSource::answer`]);
/// - token requests go through the runtime's retry policy (5xx, connection failures, 429 waits) and
///   are `support.http` spans with `endpoint = "oauth_token"`;
/// - a refusal is an [`ErrorKind::Unauthenticated`](crate::ErrorKind::Unauthenticated) error that
///   names the grant, what to check, and the endpoint's `error` / `error_description`;
/// - secrets live in `secrecy` types; `Debug`, errors and logs never show them, and every token
///   fetched is added to the runtime's [`Redactor`], so an API that echoes it leaks nothing.
///
/// [`TokenSource::from_env`] reads a client and grant from an adapter's `SUPPORT_<P>_` variables.
/// An adapter gives its token endpoint as a default, which the caller may override:
///
/// ```
/// use support_core::http::{ClientAuth, Credentials, TokenSource};
/// use support_core::kit::ClientOptions;
///
/// // What the caller writes (ServiceNow: the OAuth application's client id and secret, and a user).
/// let source = TokenSource::password("client-id", "client-s3cret", "integration.user", "pa55word")
///     .scope("useraccount");
///
/// // What the adapter's builder does with it: its token endpoint, below the base URL unless the
/// // caller gave another one.
/// let mut options = ClientOptions::new("servicenow");
/// options.set_base_url("https://acme.service-now.com");
/// options.set_credentials(Credentials::oauth(source.or_token_url("/oauth_token.do")));
/// let connection = options.connect("instance", "credentials")?;
/// # let _ = connection;
///
/// // Salesforce: client credentials in an HTTP Basic header, at the My Domain's token endpoint.
/// let salesforce = TokenSource::client_credentials("consumer-key", "consumer-s3cret")
///     .client_auth(ClientAuth::Basic)
///     .or_token_url("/services/oauth2/token");
/// assert!(!format!("{salesforce:?}").contains("s3cret"));
/// # Ok::<(), support_core::Error>(())
/// ```
///
/// Clones share one cache. `Debug` never shows a secret.
#[derive(Clone)]
pub struct TokenSource {
    config: Arc<Config>,
    state: Arc<State>,
}

#[derive(Clone)]
struct Config {
    token_url: Option<String>,
    grant: Grant,
    client_id: Option<SecretString>,
    client_secret: Option<SecretString>,
    client_auth: ClientAuth,
    scope: Option<String>,
    fields: Vec<(String, SecretString)>,
    margin: Duration,
    scheme: String,
    /// Whether a password grant renews with the refresh token its answer brought.
    renew_with_refresh: bool,
}

#[derive(Default)]
struct State {
    cache: Mutex<Cache>,
    /// Held by the one task fetching a token; the others wait for it, then use what it got.
    fetching: tokio::sync::Mutex<()>,
    redactor: RwLock<Arc<Redactor>>,
}

#[derive(Default)]
struct Cache {
    token: Option<Token>,
    /// Counts finished fetches, so that a waiter can tell that one finished meanwhile.
    fetches: u64,
    /// The last fetch's failure, when it failed.
    failure: Option<Failure>,
    /// The newest refresh token an answer brought.
    refresh_token: Option<SecretString>,
    answer: Option<TokenAnswer>,
    /// Recent access and refresh tokens, for the redactor.
    recent: VecDeque<SecretString>,
}

/// An access token the runtime sends.
#[derive(Clone)]
pub(crate) struct Token {
    value: SecretString,
    expires_at: Option<Instant>,
    /// Which fetch it came from, so that a 401 drops this token and not a newer one.
    serial: u64,
}

/// A failed fetch, kept to hand to the callers who waited for it.
#[derive(Clone)]
struct Failure {
    kind: ErrorKind,
    status: Option<u16>,
    code: Option<String>,
    message: Option<String>,
}

impl Failure {
    fn of(error: &Error) -> Self {
        Self {
            kind: error.kind().clone(),
            status: error.status(),
            code: error.code().map(str::to_owned),
            message: error.message().map(str::to_owned),
        }
    }

    fn error(&self, provider: &'static str, operation: Option<Operation>) -> Error {
        let mut error = Error::new(self.kind.clone(), provider);
        if let Some(operation) = operation {
            error = error.with_operation(operation);
        }
        if let Some(status) = self.status {
            error = error.with_status(status);
        }
        if let Some(code) = &self.code {
            error = error.with_code(code.clone());
        }
        if let Some(message) = &self.message {
            error = error.with_message(message.clone());
        }
        error
    }
}

impl fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let config = &self.config;
        f.debug_struct("TokenSource")
            .field("token_url", &config.token_url)
            .field("grant", &config.grant)
            .field("client_auth", &config.client_auth)
            .field("scope", &config.scope)
            .field(
                "fields",
                &config
                    .fields
                    .iter()
                    .map(|(name, _)| name)
                    .collect::<Vec<_>>(),
            )
            .field("has_token", &lock(&self.state.cache).token.is_some())
            .finish_non_exhaustive()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    match mutex.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    }
}

fn secret(text: impl Into<String>) -> Option<SecretString> {
    let text = text.into();
    (!text.is_empty()).then(|| SecretString::from(text))
}

impl TokenSource {
    /// A source for `grant`, with no client id or secret yet ([`TokenSource::client`]) and no token
    /// endpoint yet ([`TokenSource::token_url`], or the adapter's default).
    pub fn new(grant: Grant) -> Self {
        let source = Self {
            config: Arc::new(Config {
                token_url: None,
                grant,
                client_id: None,
                client_secret: None,
                client_auth: ClientAuth::Body,
                scope: None,
                fields: Vec::new(),
                margin: DEFAULT_MARGIN,
                scheme: "Bearer".to_owned(),
                renew_with_refresh: true,
            }),
            state: Arc::default(),
        };
        source.learn_secrets();
        source
    }

    /// The client credentials grant.
    pub fn client_credentials(
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        Self::new(Grant::ClientCredentials).client(client_id, client_secret)
    }

    /// The resource owner password grant.
    pub fn password(
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> Self {
        Self::new(Grant::Password {
            username: SecretString::from(username.into()),
            password: SecretString::from(password.into()),
        })
        .client(client_id, client_secret)
    }

    /// The refresh token grant. An empty `client_secret` is not sent (a public client).
    pub fn refresh_token(
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
        refresh_token: impl Into<String>,
    ) -> Self {
        Self::new(Grant::RefreshToken(SecretString::from(
            refresh_token.into(),
        )))
        .client(client_id, client_secret)
    }

    /// The JWT bearer grant: `sign` makes a fresh assertion for each fetch.
    pub fn jwt_bearer(
        sign: impl Fn() -> std::result::Result<String, String> + Send + Sync + 'static,
    ) -> Self {
        Self::new(Grant::JwtBearer(Arc::new(sign)))
    }

    /// The source the environment describes under `prefix` (`SUPPORT_SERVICENOW_`), for an
    /// adapter's `from_env`; `None` without `{prefix}CLIENT_ID`. With it: `{prefix}REFRESH_TOKEN`
    /// selects the refresh token grant, else `{prefix}USERNAME` and `{prefix}PASSWORD` the password
    /// grant, else the client credentials grant; `{prefix}CLIENT_SECRET` is the secret,
    /// `{prefix}OAUTH_SCOPE` the scope and `{prefix}TOKEN_URL` overrides the adapter's token
    /// endpoint. Blank variables count as unset.
    pub fn from_env(prefix: &str) -> Option<Self> {
        Self::from_vars(prefix, crate::kit::ClientOptions::env_var)
    }

    /// [`TokenSource::from_env`] over any lookup of variables by name.
    pub fn from_vars(prefix: &str, var: impl Fn(&str) -> Option<String>) -> Option<Self> {
        let var = |suffix: &str| var(&format!("{prefix}{suffix}")).filter(|v| !v.trim().is_empty());
        let client_id = var("CLIENT_ID")?;
        let secret = var("CLIENT_SECRET").unwrap_or_default();
        let mut source = match (var("REFRESH_TOKEN"), var("USERNAME"), var("PASSWORD")) {
            (Some(refresh), _, _) => Self::refresh_token(client_id, secret, refresh),
            (None, Some(user), Some(password)) => Self::password(client_id, secret, user, password),
            _ => Self::client_credentials(client_id, secret),
        };
        if let Some(scope) = var("OAUTH_SCOPE") {
            source = source.scope(scope);
        }
        if let Some(url) = var("TOKEN_URL") {
            source = source.token_url(url);
        }
        Some(source)
    }

    fn config_mut(&mut self) -> &mut Config {
        Arc::make_mut(&mut self.config)
    }

    /// Sets the client id and secret (an empty one is not sent).
    pub fn client(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        let config = self.config_mut();
        config.client_id = secret(client_id);
        config.client_secret = secret(client_secret);
        self.learn_secrets();
        self
    }

    /// Sets where the client id and secret go (default [`ClientAuth::Body`]).
    pub fn client_auth(mut self, client_auth: ClientAuth) -> Self {
        self.config_mut().client_auth = client_auth;
        self.learn_secrets();
        self
    }

    /// Asks for `scope` (space-separated scopes).
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.config_mut().scope = Some(scope.into());
        self
    }

    /// Adds a form field a provider needs in each token request (an `audience`, a `resource`).
    /// Its value is kept secret.
    pub fn form_field(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.config_mut()
            .fields
            .push((name.into(), SecretString::from(value.into())));
        self.learn_secrets();
        self
    }

    /// Renews a token this long before its `expires_in` ends (default 60 s; at most half its
    /// lifetime).
    pub fn expiry_margin(mut self, margin: Duration) -> Self {
        self.config_mut().margin = margin;
        self
    }

    /// Whether a password grant whose answer brought a refresh token renews with it (default:
    /// yes, so the password travels once; ServiceNow documents this). A refused refresh token
    /// falls back to the password grant within the same fetch.
    pub fn renew_with_refresh_token(mut self, renew: bool) -> Self {
        self.config_mut().renew_with_refresh = renew;
        self
    }

    /// The scheme the token is sent with (default `Bearer`; Zoho's `Zoho-oauthtoken`).
    pub fn header_scheme(mut self, scheme: impl Into<String>) -> Self {
        self.config_mut().scheme = scheme.into();
        self
    }

    /// Sets the token endpoint: an absolute URL, or a path (`/oauth_token.do`) below the adapter's
    /// base URL.
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.config_mut().token_url = Some(url.into().trim().to_owned());
        self
    }

    /// Sets the token endpoint unless one is set: what an adapter's builder calls with its
    /// provider's documented endpoint.
    pub fn or_token_url(self, url: impl Into<String>) -> Self {
        if self.config.token_url.is_some() {
            self
        } else {
            self.token_url(url)
        }
    }

    /// The token endpoint, as set.
    pub fn token_endpoint(&self) -> Option<&str> {
        self.config.token_url.as_deref()
    }

    /// The grant.
    pub fn grant(&self) -> &Grant {
        &self.config.grant
    }

    /// The non-secret fields of the last successful token answer, once a token was fetched.
    pub fn answer(&self) -> Option<TokenAnswer> {
        lock(&self.state.cache).answer.clone()
    }

    /// The refresh token the next refresh would use: the last one an answer brought, else the
    /// one the grant was given. A caller whose provider rotates refresh tokens persists it.
    pub fn current_refresh_token(&self) -> Option<SecretString> {
        let cache = lock(&self.state.cache);
        cache
            .refresh_token
            .clone()
            .or_else(|| match &self.config.grant {
                Grant::RefreshToken(token) => Some(token.clone()),
                _ => None,
            })
    }

    /// Drops the cached token: the next request fetches a new one.
    pub fn invalidate(&self) {
        lock(&self.state.cache).token = None;
    }

    /// Every spelling of the secrets and recent tokens, for errors and answers.
    pub(crate) fn redactor(&self) -> Arc<Redactor> {
        match self.state.redactor.read() {
            Ok(redactor) => redactor.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Rebuilds the redactor from the configured secrets and the recent tokens.
    fn learn_secrets(&self) {
        let config = &self.config;
        let mut redactor = Redactor::default();
        if let Some(secret) = &config.client_secret {
            redactor.add(secret.expose_secret());
        }
        if let (Some(id), Some(secret)) = (&config.client_id, &config.client_secret) {
            let (id, secret) = (id.expose_secret(), secret.expose_secret());
            redactor.add(&format!("{id}:{secret}"));
            redactor.add(&format!(
                "{}:{}",
                percent_encoded(id),
                percent_encoded(secret)
            ));
        }
        match &config.grant {
            Grant::Password { username, password } => {
                redactor.add(password.expose_secret());
                redactor.add(&format!(
                    "{}:{}",
                    username.expose_secret(),
                    password.expose_secret()
                ));
            }
            Grant::RefreshToken(token) => redactor.add(token.expose_secret()),
            Grant::ClientCredentials | Grant::JwtBearer(_) => {}
        }
        for (_, value) in &config.fields {
            redactor.add(value.expose_secret());
        }
        for token in &lock(&self.state.cache).recent {
            redactor.add(token.expose_secret());
        }
        let redactor = Arc::new(redactor);
        match self.state.redactor.write() {
            Ok(mut slot) => *slot = redactor,
            Err(poisoned) => *poisoned.into_inner() = redactor,
        }
    }

    /// With a path for a token URL, the same source with the URL below `base_url`; a source
    /// without one is a configuration error.
    pub(crate) fn resolved(self, provider: &'static str, base_url: &str) -> Result<Self> {
        let Some(url) = self.config.token_url.clone() else {
            return Err(Error::configuration(
                provider,
                "no OAuth token endpoint: call token_url() on the TokenSource",
            ));
        };
        let url = if url.starts_with('/') {
            format!("{}{url}", base_url.trim_end_matches('/'))
        } else {
            url
        };
        let parsed = reqwest::Url::parse(&url).map_err(|e| {
            Error::configuration(
                provider,
                format!("the OAuth token endpoint is not a URL: {e}"),
            )
        })?;
        if !matches!(parsed.scheme(), "http" | "https")
            || parsed.host_str().is_none()
            || !parsed.username().is_empty()
            || parsed.password().is_some()
        {
            return Err(Error::configuration(
                provider,
                "the OAuth token endpoint must be an http(s) URL with a host and no user name or \
                 password",
            ));
        }
        Ok(self.token_url(url))
    }

    /// The `Authorization` value for `token`, marked sensitive.
    pub(crate) fn header_value(&self, token: &Token) -> Option<HeaderValue> {
        let mut value = HeaderValue::from_str(&format!(
            "{} {}",
            self.config.scheme,
            token.value.expose_secret()
        ))
        .ok()?;
        value.set_sensitive(true);
        Some(value)
    }

    /// A valid cached token, if any.
    fn cached(&self) -> (Option<Token>, u64) {
        let cache = lock(&self.state.cache);
        let now = Instant::now();
        let token = cache
            .token
            .clone()
            .filter(|token| token.expires_at.is_none_or(|at| at > now));
        (token, cache.fetches)
    }

    /// A token: the cached one while valid, else one fetched by `fetch`. Callers arriving during
    /// a fetch wait for it and share its token, or its failure.
    pub(crate) async fn token<F, Fut>(
        &self,
        provider: &'static str,
        operation: Option<Operation>,
        fetch: F,
    ) -> Result<Token>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Value>>,
    {
        let (token, seen) = self.cached();
        if let Some(token) = token {
            return Ok(token);
        }
        let _fetching = self.state.fetching.lock().await;
        let (token, now_seen) = self.cached();
        if let Some(token) = token {
            return Ok(token);
        }
        if now_seen != seen
            && let Some(failure) = lock(&self.state.cache).failure.clone()
        {
            return Err(failure.error(provider, operation));
        }
        let outcome = match fetch().await {
            Ok(answer) => self.keep(provider, operation, answer),
            Err(error) => Err(error),
        };
        let mut cache = lock(&self.state.cache);
        cache.fetches += 1;
        cache.failure = outcome.as_ref().err().map(Failure::of);
        outcome
    }

    /// Keeps a successful answer: its token, its rotated refresh token, its other fields.
    fn keep(
        &self,
        provider: &'static str,
        operation: Option<Operation>,
        mut answer: Value,
    ) -> Result<Token> {
        let fields = answer.as_object_mut();
        let access = fields
            .as_ref()
            .and_then(|f| f.get("access_token")?.as_str())
            .filter(|t| !t.is_empty())
            .map(str::to_owned);
        let Some((access, mut fields)) = access.zip(fields.map(std::mem::take)) else {
            let mut error = Error::new(ErrorKind::Unauthenticated, provider).with_message(format!(
                "the token endpoint's answer to the {} grant holds no access_token",
                self.config.grant.grant_type()
            ));
            if let Some(operation) = operation {
                error = error.with_operation(operation);
            }
            return Err(error);
        };
        // Seconds, as a number or (some providers) a string; anything else is no lifetime.
        let seconds = match fields.get("expires_in") {
            Some(Value::Number(n)) => n.as_f64(),
            Some(Value::String(s)) => s.trim().parse::<f64>().ok(),
            _ => None,
        };
        let lifetime = seconds
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(|s| Duration::from_secs_f64(s.min(10.0 * 365.0 * 86_400.0)));
        let refresh = fields
            .get("refresh_token")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .map(|t| SecretString::from(t.to_owned()));
        for name in ["access_token", "refresh_token", "id_token"] {
            fields.remove(name);
        }
        let now = Instant::now();
        // A lifetime past what the clock can count never expires.
        let expires_at = lifetime.and_then(|life| {
            now.checked_add(life.saturating_sub(self.config.margin.min(life / 2)))
        });
        let value = SecretString::from(access);
        let token = {
            let mut cache = lock(&self.state.cache);
            let token = Token {
                value: value.clone(),
                expires_at,
                serial: cache.fetches + 1,
            };
            cache.token = Some(token.clone());
            cache.answer = Some(TokenAnswer { fields });
            cache.recent.push_front(value);
            if let Some(refresh) = refresh {
                cache.recent.push_front(refresh.clone());
                cache.refresh_token = Some(refresh);
            }
            cache.recent.truncate(REMEMBERED_TOKENS * 2);
            token
        };
        self.learn_secrets();
        tracing::debug!(
            grant = self.config.grant.grant_type(),
            expires_in = lifetime.map(|l| l.as_secs()),
            "fetched an OAuth access token"
        );
        Ok(token)
    }

    /// Drops `token` after the API refused it, unless a newer one replaced it already.
    pub(crate) fn refused(&self, token: &Token) {
        let mut cache = lock(&self.state.cache);
        if cache
            .token
            .as_ref()
            .is_some_and(|held| held.serial == token.serial)
        {
            cache.token = None;
        }
    }

    /// The grant the next fetch asks for: a password grant's refresh token when it has one and
    /// may use it (then `true`: the password grant is the fallback), else the configured grant.
    pub(crate) fn next_grant(&self) -> (Grant, bool) {
        let config = &self.config;
        if let (Grant::Password { .. }, true) = (&config.grant, config.renew_with_refresh)
            && let Some(refresh) = lock(&self.state.cache).refresh_token.clone()
        {
            return (Grant::RefreshToken(refresh), true);
        }
        (config.grant.clone(), false)
    }

    /// Forgets the refresh token an answer brought (the endpoint refused it).
    pub(crate) fn forget_refresh_token(&self) {
        lock(&self.state.cache).refresh_token = None;
    }

    /// The token request for `grant`: its form body and, for [`ClientAuth::Basic`], its
    /// `Authorization` header.
    pub(crate) fn request_parts(
        &self,
        provider: &'static str,
        grant: &Grant,
    ) -> Result<(String, Option<HeaderValue>)> {
        let config = &self.config;
        let mut form: Vec<(&str, String)> = vec![("grant_type", grant.grant_type().into())];
        match grant {
            Grant::ClientCredentials => {}
            Grant::Password { username, password } => {
                form.push(("username", username.expose_secret().to_owned()));
                form.push(("password", password.expose_secret().to_owned()));
            }
            Grant::RefreshToken(given) => {
                let held = lock(&self.state.cache).refresh_token.clone();
                let token = held.as_ref().unwrap_or(given);
                form.push(("refresh_token", token.expose_secret().to_owned()));
            }
            Grant::JwtBearer(sign) => {
                let assertion = sign().map_err(|why| {
                    Error::configuration(
                        provider,
                        format!("could not sign the JWT bearer assertion: {why}"),
                    )
                })?;
                form.push(("assertion", assertion));
            }
        }
        let mut header = None;
        match config.client_auth {
            ClientAuth::Body => {
                if let Some(id) = &config.client_id {
                    form.push(("client_id", id.expose_secret().to_owned()));
                }
                if let Some(secret) = &config.client_secret {
                    form.push(("client_secret", secret.expose_secret().to_owned()));
                }
            }
            ClientAuth::Basic => {
                let id = config
                    .client_id
                    .as_ref()
                    .map(|id| percent_encoded(id.expose_secret()))
                    .unwrap_or_default();
                let secret = config
                    .client_secret
                    .as_ref()
                    .map(|s| percent_encoded(s.expose_secret()))
                    .unwrap_or_default();
                let mut value = HeaderValue::from_str(&format!(
                    "Basic {}",
                    STANDARD.encode(format!("{id}:{secret}"))
                ))
                .map_err(|_| {
                    Error::configuration(provider, "the OAuth client id or secret cannot be sent")
                })?;
                value.set_sensitive(true);
                header = Some(value);
            }
        }
        if let Some(scope) = &config.scope {
            form.push(("scope", scope.clone()));
        }
        for (name, value) in &config.fields {
            form.push((name.as_str(), value.expose_secret().to_owned()));
        }
        let body = form
            .iter()
            .map(|(name, value)| format!("{}={}", percent_encoded(name), percent_encoded(value)))
            .collect::<Vec<_>>()
            .join("&");
        Ok((body, header))
    }

    /// The error for a refused or failed token request.
    pub(crate) fn refusal(
        &self,
        provider: &'static str,
        status: reqwest::StatusCode,
        headers: &reqwest::header::HeaderMap,
        body: &[u8],
        fallback: ErrorKind,
        grant: &Grant,
    ) -> Error {
        let parsed: Option<Value> = serde_json::from_slice(body).ok();
        let text = |name: &str| {
            parsed
                .as_ref()
                .and_then(|p| p.get(name)?.as_str())
                .filter(|t| !t.trim().is_empty())
                .map(str::to_owned)
        };
        let code = text("error");
        let description = text("error_description").or_else(|| {
            headers
                .get(WWW_AUTHENTICATE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        });
        // A success naming an `error` is a refusal too (Zoho Accounts answers 200 so).
        let refused =
            matches!(status.as_u16(), 400 | 401 | 403) || (status.is_success() && code.is_some());
        let kind = if refused {
            ErrorKind::Unauthenticated
        } else {
            fallback
        };
        let (what_to_check, grant) = (grant.what_to_check(), grant.grant_type());
        let said = match (&code, &description) {
            (Some(code), Some(description)) => format!(": {code}: {description}"),
            (Some(code), None) => format!(": {code}"),
            (None, Some(description)) => format!(": {description}"),
            (None, None) => String::new(),
        };
        let message = if refused {
            format!("the OAuth token endpoint refused the {grant} grant{said}; {what_to_check}")
        } else {
            format!("the OAuth token endpoint failed to answer the {grant} grant{said}")
        };
        let mut error = Error::new(kind, provider)
            .with_status(status.as_u16())
            .with_message(message)
            .with_body_excerpt(body);
        if let Some(code) = code {
            error = error.with_code(code);
        }
        error
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn form(source: &TokenSource) -> String {
        source.request_parts("t", &source.next_grant().0).unwrap().0
    }

    #[test]
    fn each_grant_sends_its_documented_form() {
        assert_eq!(
            form(&TokenSource::client_credentials("id", "s3cret").scope("a b")),
            "grant_type=client_credentials&client_id=id&client_secret=s3cret&scope=a%20b"
        );
        assert_eq!(
            form(&TokenSource::password("id", "s3cret", "me@x", "p&ss")),
            "grant_type=password&username=me%40x&password=p%26ss&client_id=id&client_secret=s3cret"
        );
        assert_eq!(
            form(&TokenSource::refresh_token("id", "", "r1").form_field("resource", "x")),
            "grant_type=refresh_token&refresh_token=r1&client_id=id&resource=x"
        );
        assert_eq!(
            form(&TokenSource::jwt_bearer(|| Ok("a.b.c".into()))),
            "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=a.b.c"
        );
        let (body, header) = TokenSource::client_credentials("id", "s3cret")
            .client_auth(ClientAuth::Basic)
            .request_parts("t", &Grant::ClientCredentials)
            .unwrap();
        assert_eq!(body, "grant_type=client_credentials");
        let header = header.unwrap();
        assert!(header.is_sensitive());
        assert_eq!(
            header.to_str().unwrap(),
            format!("Basic {}", STANDARD.encode("id:s3cret"))
        );
        let source = TokenSource::jwt_bearer(|| Err("no key".into()));
        let err = source.request_parts("t", source.grant()).unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::Configuration);
    }

    #[test]
    fn token_urls_resolve_below_the_base_url_and_must_be_set() {
        let source = TokenSource::client_credentials("id", "s")
            .or_token_url("/oauth_token.do")
            .resolved("t", "https://acme.service-now.com/")
            .unwrap();
        assert_eq!(
            source.token_endpoint(),
            Some("https://acme.service-now.com/oauth_token.do")
        );
        let own = TokenSource::client_credentials("id", "s")
            .token_url("https://login.example/token")
            .or_token_url("/ignored");
        assert_eq!(own.token_endpoint(), Some("https://login.example/token"));
        let err = TokenSource::client_credentials("id", "s")
            .resolved("t", "https://x.example")
            .unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::Configuration);
        let err = TokenSource::client_credentials("id", "s")
            .token_url("https://u:p@x.example/token")
            .resolved("t", "https://x.example")
            .unwrap_err();
        assert!(!err.to_string().contains("u:p"), "{err}");
    }

    #[test]
    fn the_environment_selects_the_grant() {
        let vars = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        assert!(TokenSource::from_vars("P_", vars(&[("P_USERNAME", "u")])).is_none());
        let grant = |pairs| {
            TokenSource::from_vars("P_", vars(pairs))
                .map(|s| form(&s))
                .unwrap_or_default()
        };
        assert_eq!(
            grant(&[
                ("P_CLIENT_ID", "id"),
                ("P_CLIENT_SECRET", "s"),
                ("P_OAUTH_SCOPE", "x")
            ]),
            "grant_type=client_credentials&client_id=id&client_secret=s&scope=x"
        );
        assert_eq!(
            grant(&[
                ("P_CLIENT_ID", "id"),
                ("P_USERNAME", "u"),
                ("P_PASSWORD", "p")
            ]),
            "grant_type=password&username=u&password=p&client_id=id"
        );
        assert_eq!(
            grant(&[
                ("P_CLIENT_ID", "id"),
                ("P_REFRESH_TOKEN", "r"),
                ("P_USERNAME", "u"),
                ("P_PASSWORD", "p"),
                ("P_CLIENT_SECRET", " ")
            ]),
            "grant_type=refresh_token&refresh_token=r&client_id=id"
        );
        let source = TokenSource::from_vars(
            "P_",
            vars(&[
                ("P_CLIENT_ID", "id"),
                ("P_TOKEN_URL", "https://login.example/t"),
            ]),
        )
        .unwrap()
        .or_token_url("/oauth_token.do");
        assert_eq!(source.token_endpoint(), Some("https://login.example/t"));
    }

    #[tokio::test(start_paused = true)]
    async fn odd_lifetimes_neither_panic_nor_keep_a_token_too_long() {
        for (expires_in, kept_for_a_minute) in [
            (json!(u64::MAX), true),
            (json!(1e300), true),
            (json!("3600"), true),
            (json!(-5), true),
            (json!("soon"), true),
            (json!(0), false),
            (json!(30.5), false),
        ] {
            let source = TokenSource::client_credentials("id", "s");
            let answer = json!({"access_token": "t0ken-x", "expires_in": expires_in});
            let fetch = || async { Ok(answer.clone()) };
            source.token("t", None, fetch).await.unwrap();
            tokio::time::advance(Duration::from_secs(61)).await;
            assert_eq!(
                source.cached().0.is_some(),
                kept_for_a_minute,
                "{expires_in}"
            );
        }
    }

    #[test]
    fn debug_shows_no_secret() {
        let source = TokenSource::password("client-1d", "cl1ent-s3cret", "us3r", "pa55word")
            .form_field("audience", "aud-s3cret");
        let shown = format!("{source:?} {source:#?}");
        for secret in [
            "client-1d",
            "cl1ent-s3cret",
            "us3r",
            "pa55word",
            "aud-s3cret",
        ] {
            assert!(!shown.contains(secret), "{shown}");
        }
        let redactor = source.redactor();
        assert_eq!(redactor.redact("was cl1ent-s3cret"), "was [REDACTED]");
        assert_eq!(redactor.redact("pw pa55word"), "pw [REDACTED]");
    }
}
