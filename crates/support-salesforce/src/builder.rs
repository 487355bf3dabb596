//! Configuring a [`SalesforcePort`]: the org's instance URL (or My Domain) and its credentials.
//! Retries, timeouts, the user agent and a base-URL override are the kit's [`ClientOptions`].

use reqwest::header::HeaderName;
use support_core::http::{Credentials, TokenSource};
use support_core::kit::ClientOptions;
use support_core::settings::{COMMON, OAUTH, SettingSpec, Settings};
use support_core::{Error, join_specs};

use crate::port::SalesforcePort;
use crate::{PROVIDER, error};

/// The org's instance URL (`https://acme.my.salesforce.com`; a proxy, a simulator).
pub const ENV_INSTANCE_URL: &str = "SUPPORT_SALESFORCE_INSTANCE_URL";
/// The same as [`ENV_INSTANCE_URL`], under the name the scaffold used; the instance URL wins.
pub const ENV_BASE_URL: &str = "SUPPORT_SALESFORCE_BASE_URL";
/// An access token the caller manages, sent as a bearer token.
pub const ENV_TOKEN: &str = "SUPPORT_SALESFORCE_TOKEN";
/// The prefix of the OAuth variables: `SUPPORT_SALESFORCE_CLIENT_ID` and `_CLIENT_SECRET` (the
/// connected or external client app), with `_REFRESH_TOKEN` (refresh-token grant) or alone
/// (client-credentials grant); `_OAUTH_SCOPE` and `_TOKEN_URL` are optional.
pub const ENV_OAUTH_PREFIX: &str = "SUPPORT_SALESFORCE_";

/// The login host, whose token endpoint serves orgs whose URL the caller does not give.
const LOGIN_URL: &str = "https://login.salesforce.com";

/// The OAuth 2.0 token endpoint, relative to the org's My Domain URL.
const TOKEN_PATH: &str = "/services/oauth2/token";

/// Builds a [`SalesforcePort`].
///
/// ```
/// use support_salesforce::SalesforcePort;
///
/// let port = SalesforcePort::builder()
///     .my_domain("acme")
///     .access_token("secret-token")
///     .build()?;
/// assert_eq!(port.base_url(), "https://acme.my.salesforce.com");
/// assert!(!format!("{port:?}").contains("secret-token"));
/// # Ok::<(), support_core::Error>(())
/// ```
// Debug shows the options, whose credentials print redacted.
#[derive(Clone, Debug)]
pub struct SalesforceBuilder {
    options: ClientOptions,
    my_domain: Option<String>,
    oauth: bool,
    knowledge_body_field: Option<String>,
    external_ref_field: Option<String>,
}

impl Default for SalesforceBuilder {
    fn default() -> Self {
        Self {
            options: ClientOptions::new(PROVIDER),
            my_domain: None,
            oauth: false,
            knowledge_body_field: None,
            external_ref_field: None,
        }
    }
}

/// Salesforce's own keys of [`SalesforceBuilder::SETTINGS`].
const OWN_SETTINGS: &[SettingSpec] = &[
    SettingSpec::plain(
        "instance_url",
        "the org's instance URL (https://yourdomain.my.salesforce.com)",
    ),
    SettingSpec::plain(
        "my_domain",
        "the My Domain name alone (acme), instead of the URL",
    ),
    SettingSpec::secret("token", "an access token (instead of OAuth)"),
    SettingSpec::plain(
        "knowledge_body_field",
        "the API name of the Knowledge article body field (such as Body__c)",
    ),
    SettingSpec::plain(
        "external_ref_field",
        "the API name of the Case field holding external references",
    ),
];

impl SalesforceBuilder {
    support_core::client_option_setters!(options);

    /// The org's instance URL, as the OAuth token answer's `instance_url` gives it
    /// (`https://acme.my.salesforce.com`). The same as [`base_url`](Self::base_url).
    pub fn instance_url(self, url: impl Into<String>) -> Self {
        self.base_url(url)
    }

    /// The org's My Domain name: `acme` serves `https://acme.my.salesforce.com`.
    /// [`instance_url`](Self::instance_url) overrides it.
    pub fn my_domain(mut self, name: impl Into<String>) -> Self {
        self.my_domain = Some(name.into());
        self
    }

    /// Authenticates with an access token the caller obtains and renews
    /// (`Authorization: Bearer …`).
    pub fn access_token(mut self, token: impl Into<String>) -> Self {
        self.oauth = false;
        self.options.set_credentials(Credentials::bearer(token));
        self
    }

    /// The same as [`access_token`](Self::access_token).
    pub fn bearer_token(self, token: impl Into<String>) -> Self {
        self.access_token(token)
    }

    /// Authenticates with OAuth 2.0 tokens fetched from the org's `/services/oauth2/token` (unless
    /// the source names another token URL, such as `https://login.salesforce.com/services/oauth2/token`)
    /// and renewed when the API refuses them (Salesforce's token answers carry no `expires_in`; an
    /// expired session answers 401 `INVALID_SESSION_ID`): the refresh-token or client-credentials
    /// grant of a connected or external client app.
    ///
    /// Without [`instance_url`](Self::instance_url) or [`my_domain`](Self::my_domain), the token
    /// comes from the login host (`https://login.salesforce.com`) and the API is the token answer's
    /// `instance_url`.
    pub fn oauth(mut self, source: TokenSource) -> Self {
        self.oauth = true;
        self.options
            .set_credentials(Credentials::oauth(source.or_token_url(TOKEN_PATH)));
        self
    }

    /// The rich-text field of `Knowledge__kav` that holds an article's body (`Body__c`,
    /// `Answer__c`: an org defines its own; Salesforce has no standard one). Without it, an
    /// article's body is its standard `Summary` (plain text).
    pub fn knowledge_body_field(mut self, field: impl Into<String>) -> Self {
        self.knowledge_body_field = Some(field.into());
        self
    }

    /// The custom field of `Case` that holds an outside system's reference (`Legacy_Id__c`; Case
    /// has no standard external-id field). A new ticket's `external_ref` is written to it, a
    /// ticket's `external_ref` is read from it, and `TicketLookup::External` looks for a case
    /// with that value first, then (as without the field) for a case number. None by default:
    /// an external reference on a write is then refused.
    pub fn external_ref_field(mut self, field: impl Into<String>) -> Self {
        self.external_ref_field = Some(field.into());
        self
    }

    /// The keys [`from_settings`](Self::from_settings) reads: `instance_url`, `my_domain`,
    /// `token`, `knowledge_body_field`, `external_ref_field`, the [`OAUTH`] ones and the [`COMMON`]
    /// ones.
    pub const SETTINGS: &'static [SettingSpec] = join_specs!(OWN_SETTINGS, OAUTH, COMMON);

    /// Reads the org and credentials from `SUPPORT_SALESFORCE_*` variables: [`ENV_INSTANCE_URL`]
    /// (or [`ENV_BASE_URL`]), and [`ENV_TOKEN`] or the OAuth variables under
    /// [`ENV_OAUTH_PREFIX`]; every key of [`SETTINGS`](Self::SETTINGS), upper-cased.
    pub fn from_env(self) -> Result<Self, Error> {
        self.from_settings(&Settings::from_env(PROVIDER))
    }

    /// Reads the org (`instance_url`, `base_url` or `my_domain`; with OAuth and none of them, the
    /// login host finds it), the credentials (the [`OAUTH`] keys, or `token`), the field names
    /// and the [`COMMON`] options from `settings`. Unknown keys are refused.
    pub fn from_settings(mut self, settings: &Settings) -> Result<Self, Error> {
        settings.check_known(Self::SETTINGS)?;
        self.options.apply_settings(settings)?;
        if let Some(url) = settings.value("instance_url") {
            self = self.instance_url(url);
        }
        if let Some(name) = settings.value("my_domain") {
            self = self.my_domain(name);
        }
        if let Some(field) = settings.value("knowledge_body_field") {
            self = self.knowledge_body_field(field);
        }
        if let Some(field) = settings.value("external_ref_field") {
            self = self.external_ref_field(field);
        }
        let oauth = settings.token_source();
        if oauth.is_none() && self.options.base_url().is_none() && self.my_domain.is_none() {
            return Err(settings.missing(
                "instance_url",
                "the org's instance URL (https://yourdomain.my.salesforce.com)",
            ));
        }
        if let Some(source) = oauth {
            return Ok(self.oauth(source));
        }
        let Some(token) = settings.value("token") else {
            return Err(settings.error(format!(
                "set {} to an access token, or {} and {} (with {} for the refresh-token grant)",
                settings.describe("token"),
                settings.describe("client_id"),
                settings.describe("client_secret"),
                settings.describe("refresh_token")
            )));
        };
        Ok(self.access_token(token))
    }

    /// Builds the port. Fails when the instance or the credentials are missing or malformed.
    pub fn build(mut self) -> Result<SalesforcePort, Error> {
        for field in self
            .knowledge_body_field
            .iter()
            .chain(self.external_ref_field.iter())
        {
            // The name enters SOQL: an API name (letters, digits, underscores) and nothing else.
            let valid = field
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
                && field.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !valid {
                return Err(Error::configuration(
                    PROVIDER,
                    format!("`{field}` is not a field API name (such as Body__c)"),
                ));
            }
        }
        if self.options.base_url().is_none()
            && let Some(domain) = &self.my_domain
        {
            let name = domain.trim().to_ascii_lowercase();
            let valid = !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !name.starts_with('-');
            if !valid {
                return Err(Error::configuration(
                    PROVIDER,
                    format!(
                        "`{domain}` is not a My Domain name: give the name alone (`acme` for \
                         https://acme.my.salesforce.com), or the URL with instance_url()"
                    ),
                ));
            }
            self.options
                .set_base_url(format!("https://{name}.my.salesforce.com"));
        }
        let discover = self.options.base_url().is_none() && self.oauth;
        if discover {
            self.options.set_base_url(LOGIN_URL);
        }
        let connection = self.options.connect(
            "Salesforce org: call instance_url() or my_domain()",
            "credentials: call access_token() or oauth()",
        )?;
        // Salesforce honours no idempotency key: no write is retried once it may have been
        // received. Throttling is 403 `REQUEST_LIMIT_EXCEEDED` (the classifier makes it
        // RateLimited), with no Retry-After: the daily allocation does not come back in seconds.
        // `Sforce-Limit-Info` (`api-usage=used/limit`) on every answer: each request's span records
        // the requests left as `ratelimit_remaining`.
        let endpoint = connection.finish(|runtime| {
            runtime
                .remaining_header_with(
                    HeaderName::from_static("sforce-limit-info"),
                    error::remaining_from_limit_info,
                )
                .classifier(error::classify)
        });
        Ok(SalesforcePort::new(endpoint, discover)
            .with_knowledge_body_field(self.knowledge_body_field)
            .with_external_ref_field(self.external_ref_field))
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
        let from = |s: &Settings| SalesforceBuilder::default().from_settings(s).map(drop);
        let settings = Settings::new(PROVIDER)
            .with("my_domain", "acme")
            .with("token", "hunter2-token")
            .with("knowledge_body_field", "Body__c");
        let port = SalesforceBuilder::default()
            .from_settings(&settings)
            .and_then(SalesforceBuilder::build)
            .unwrap();
        assert_eq!(port.base_url(), "https://acme.my.salesforce.com");
        assert!(!format!("{settings:?} {port:?}").contains("hunter2-token"));
        let err = refused(from, &settings.clone().with("instance", "x"));
        assert!(err.contains("`instance`"), "{err}");
        let err = refused(from, &Settings::new(PROVIDER).with("token", "t"));
        assert!(
            err.contains("`instance_url` (SUPPORT_SALESFORCE_INSTANCE_URL)"),
            "{err}"
        );
        let err = refused(from, &Settings::new(PROVIDER).with("my_domain", "acme"));
        assert!(err.contains("`token` (SUPPORT_SALESFORCE_TOKEN)"), "{err}");
        let oauth = Settings::new(PROVIDER)
            .with("client_id", "c")
            .with("client_secret", "s");
        SalesforceBuilder::default()
            .from_settings(&oauth)
            .and_then(SalesforceBuilder::build)
            .unwrap();
    }
}
