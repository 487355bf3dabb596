//! Configuring a [`ZohoDeskPort`]: the data center, the organization and the credentials.
//! Retries, timeouts, the user agent and a base-URL override are the kit's [`ClientOptions`].

use std::fmt;
use std::str::FromStr;

use reqwest::header::HeaderName;
use support_core::http::{Credentials, TokenSource};
use support_core::kit::ClientOptions;
use support_core::settings::{COMMON, OAUTH, SettingSpec, Settings, WEBHOOK};
use support_core::{Error, join_specs};

use crate::port::ZohoDeskPort;
use crate::{PROVIDER, error};

/// The data center: `com` (the default), `eu`, `in`, `com.au`, `jp`, `ca`, `sa` or `com.cn`.
pub const ENV_DATA_CENTER: &str = "SUPPORT_ZOHODESK_DATA_CENTER";
/// The API's URL, overriding the data center's (a proxy, a simulator); optional.
pub const ENV_BASE_URL: &str = "SUPPORT_ZOHODESK_BASE_URL";
/// The organization's id (Setup → Developer Space → API, or `GET /api/v1/organizations`).
pub const ENV_ORG_ID: &str = "SUPPORT_ZOHODESK_ORG_ID";
/// An access token the caller obtains and renews.
pub const ENV_ACCESS_TOKEN: &str = "SUPPORT_ZOHODESK_ACCESS_TOKEN";
/// The prefix of the OAuth variables: `SUPPORT_ZOHODESK_CLIENT_ID`, `_CLIENT_SECRET` and
/// `_REFRESH_TOKEN` (the refresh-token grant); `_TOKEN_URL` is optional.
pub const ENV_OAUTH_PREFIX: &str = "SUPPORT_ZOHODESK_";
/// The department new tickets go to when the caller names none; optional.
pub const ENV_DEPARTMENT_ID: &str = "SUPPORT_ZOHODESK_DEPARTMENT_ID";
/// The customer account whose SLAs `get_sla` reads; optional.
pub const ENV_SLA_ACCOUNT_ID: &str = "SUPPORT_ZOHODESK_SLA_ACCOUNT_ID";

/// The token endpoint, below the accounts host of the data center.
const TOKEN_PATH: &str = "/oauth/v2/token";

/// A Zoho data center. Each has its own Desk host (`desk.zoho.{domain}`) and accounts host
/// (`accounts.zoho.{domain}`, which issues the OAuth tokens); an organization lives in one, and
/// its tokens work only there. Canada's hosts are `desk.zohocloud.ca` and
/// `accounts.zohocloud.ca` (Zoho's multi-DC table).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DataCenter {
    /// United States: `desk.zoho.com`.
    #[default]
    Com,
    /// Europe: `desk.zoho.eu`.
    Eu,
    /// India: `desk.zoho.in`.
    In,
    /// Australia: `desk.zoho.com.au`.
    ComAu,
    /// Japan: `desk.zoho.jp`.
    Jp,
    /// Canada: `desk.zohocloud.ca`.
    Ca,
    /// Saudi Arabia: `desk.zoho.sa`.
    Sa,
    /// China: `desk.zoho.com.cn`.
    ComCn,
}

impl DataCenter {
    /// Every data center.
    pub const ALL: [DataCenter; 8] = [
        DataCenter::Com,
        DataCenter::Eu,
        DataCenter::In,
        DataCenter::ComAu,
        DataCenter::Jp,
        DataCenter::Ca,
        DataCenter::Sa,
        DataCenter::ComCn,
    ];

    /// The short name (`com`, `com.au`), as [`FromStr`] reads it.
    pub fn name(self) -> &'static str {
        match self {
            DataCenter::Com => "com",
            DataCenter::Eu => "eu",
            DataCenter::In => "in",
            DataCenter::ComAu => "com.au",
            DataCenter::Jp => "jp",
            DataCenter::Ca => "ca",
            DataCenter::Sa => "sa",
            DataCenter::ComCn => "com.cn",
        }
    }

    /// The domain below which its hosts live (`zoho.com`, `zohocloud.ca`).
    fn domain(self) -> String {
        match self {
            DataCenter::Ca => "zohocloud.ca".to_owned(),
            other => format!("zoho.{}", other.name()),
        }
    }

    /// The Desk API's URL: `https://desk.zoho.com`.
    pub fn api_url(self) -> String {
        format!("https://desk.{}", self.domain())
    }

    /// The OAuth token endpoint: `https://accounts.zoho.com/oauth/v2/token`.
    pub fn token_url(self) -> String {
        format!("https://accounts.{}{TOKEN_PATH}", self.domain())
    }
}

impl fmt::Display for DataCenter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for DataCenter {
    type Err = Error;

    /// `com`, `eu`, `in`, `com.au` (or `au`), `jp`, `ca`, `sa`, `com.cn` (or `cn`), in any case,
    /// with or without a leading `.` or `zoho.`.
    fn from_str(text: &str) -> Result<Self, Error> {
        let name = text.trim().to_ascii_lowercase();
        let name = name.trim_start_matches('.');
        let name = name.strip_prefix("zoho.").unwrap_or(name);
        let found = match name {
            "au" => Some(DataCenter::ComAu),
            "cn" => Some(DataCenter::ComCn),
            "zohocloud.ca" => Some(DataCenter::Ca),
            other => DataCenter::ALL.into_iter().find(|dc| dc.name() == other),
        };
        found.ok_or_else(|| {
            Error::configuration(
                PROVIDER,
                format!(
                    "`{}` is not a Zoho data center: use com, eu, in, com.au, jp, ca, sa or com.cn",
                    text.trim()
                ),
            )
        })
    }
}

/// Builds a [`ZohoDeskPort`].
///
/// ```
/// use support_zohodesk::{DataCenter, ZohoDeskPort};
///
/// let port = ZohoDeskPort::builder()
///     .data_center(DataCenter::Eu)
///     .org_id("20067890")
///     .access_token("1000.secret-token")
///     .build()?;
/// assert_eq!(port.base_url(), "https://desk.zoho.eu");
/// assert_eq!(port.org_id(), "20067890");
/// assert!(!format!("{port:?}").contains("secret-token"));
/// # Ok::<(), support_core::Error>(())
/// ```
// Debug shows the options, whose credentials print redacted.
#[derive(Clone, Debug)]
pub struct ZohoDeskBuilder {
    options: ClientOptions,
    data_center: DataCenter,
    org_id: Option<String>,
    oauth: Option<TokenSource>,
    default_department: Option<String>,
    sla_account: Option<String>,
}

impl Default for ZohoDeskBuilder {
    fn default() -> Self {
        Self {
            options: ClientOptions::new(PROVIDER),
            data_center: DataCenter::default(),
            org_id: None,
            oauth: None,
            default_department: None,
            sla_account: None,
        }
    }
}

/// Zoho Desk's own keys of [`ZohoDeskBuilder::SETTINGS`].
const OWN_SETTINGS: &[SettingSpec] = &[
    SettingSpec::plain(
        "data_center",
        "the data center: com (the default), eu, in, com.au, jp, ca, sa or com.cn",
    ),
    SettingSpec::plain(
        "org_id",
        "the organization's id (Setup → Developer Space → API)",
    ),
    SettingSpec::secret("access_token", "an OAuth access token the caller renews"),
    SettingSpec::plain(
        "department_id",
        "the department new tickets go to when the caller names none",
    ),
    SettingSpec::plain(
        "sla_account_id",
        "the customer account whose SLAs get_sla reads",
    ),
];

impl ZohoDeskBuilder {
    support_core::client_option_setters!(options);

    /// The data center of the organization ([`DataCenter::Com`] unless told): it decides the API
    /// host and the accounts host the OAuth tokens come from. [`base_url`](Self::base_url)
    /// overrides the API host.
    pub fn data_center(mut self, data_center: DataCenter) -> Self {
        self.data_center = data_center;
        self
    }

    /// The organization (portal) every request addresses: sent as the `orgId` header. Required.
    pub fn org_id(mut self, org_id: impl Into<String>) -> Self {
        self.org_id = Some(org_id.into());
        self
    }

    /// Authenticates with an OAuth access token the caller obtains and renews:
    /// `Authorization: Zoho-oauthtoken {token}`. Zoho's access tokens last an hour; for a
    /// long-lived port use [`oauth`](Self::oauth).
    pub fn access_token(mut self, token: impl Into<String>) -> Self {
        self.oauth = None;
        self.options.set_credentials(Credentials::header(
            reqwest::header::AUTHORIZATION,
            "Zoho-oauthtoken ",
            token,
        ));
        self
    }

    /// Authenticates with OAuth tokens the port fetches and renews itself: the refresh-token grant
    /// of a Zoho API console client (`TokenSource::refresh_token(client_id, client_secret,
    /// refresh_token)`). The token endpoint is the data center's
    /// (`https://accounts.zoho.{dc}/oauth/v2/token`) unless the source names another. A token the
    /// API refuses (401 `INVALID_OAUTH`) is renewed once and the request repeated.
    pub fn oauth(mut self, source: TokenSource) -> Self {
        self.oauth = Some(source.header_scheme("Zoho-oauthtoken"));
        self
    }

    /// The department a new ticket goes to when the caller names none (Zoho requires one).
    /// Without it, the first enabled department `GET /api/v1/departments` lists.
    pub fn default_department(mut self, department_id: impl Into<String>) -> Self {
        self.default_department = Some(department_id.into());
        self
    }

    /// The customer account whose SLAs [`get_sla`](support_core::SupportPort::get_sla) reads
    /// (Zoho's API reads SLAs only per account: `GET /api/v1/accounts/{accountId}/sla`). Without
    /// it, `get_sla` is unsupported.
    pub fn sla_account(mut self, account_id: impl Into<String>) -> Self {
        self.sla_account = Some(account_id.into());
        self
    }

    /// The keys [`from_settings`](Self::from_settings) reads: `data_center`, `org_id`,
    /// `access_token`, `department_id`, `sla_account_id`, the [`OAUTH`] ones, the [`COMMON`] ones,
    /// and the webhook secrets (read by [`ZohoDeskWebhooks`](crate::ZohoDeskWebhooks), accepted
    /// here so one set of settings serves both).
    pub const SETTINGS: &'static [SettingSpec] = join_specs!(OWN_SETTINGS, OAUTH, COMMON, WEBHOOK);

    /// Reads the configuration from [`ENV_DATA_CENTER`], [`ENV_BASE_URL`], [`ENV_ORG_ID`], and
    /// the credentials from the OAuth variables under [`ENV_OAUTH_PREFIX`] or, without them,
    /// [`ENV_ACCESS_TOKEN`]; [`ENV_DEPARTMENT_ID`] and [`ENV_SLA_ACCOUNT_ID`] when set (every key
    /// of [`SETTINGS`](Self::SETTINGS), upper-cased, under `SUPPORT_ZOHODESK_`).
    pub fn from_env(self) -> Result<Self, Error> {
        self.from_settings(&Settings::from_env(PROVIDER))
    }

    #[cfg(test)]
    fn read_vars(self, var: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let keys = Self::SETTINGS.iter().map(|spec| spec.key);
        self.from_settings(&Settings::from_lookup(PROVIDER, keys, var))
    }

    /// Reads `data_center`, `org_id` (required), `department_id`, `sla_account_id`, the
    /// credentials (the [`OAUTH`] keys of the refresh-token grant, or `access_token`) and the
    /// [`COMMON`] options from `settings`. Unknown keys are refused.
    pub fn from_settings(mut self, settings: &Settings) -> Result<Self, Error> {
        settings.check_known(Self::SETTINGS)?;
        if let Some(dc) = settings.value("data_center") {
            self = self.data_center(dc.parse()?);
        }
        self.options.apply_settings(settings)?;
        let org = settings.require(
            "org_id",
            "the Zoho Desk organization's id (Setup → Developer Space → API)",
        )?;
        self = self.org_id(org);
        if let Some(department) = settings.value("department_id") {
            self = self.default_department(department);
        }
        if let Some(account) = settings.value("sla_account_id") {
            self = self.sla_account(account);
        }
        if let Some(source) = settings.token_source() {
            if settings.value("refresh_token").is_none() {
                return Err(settings.error(format!(
                    "{} is set: set {} and {} too (Zoho's refresh-token grant)",
                    settings.describe("client_id"),
                    settings.describe("client_secret"),
                    settings.describe("refresh_token")
                )));
            }
            return Ok(self.oauth(source));
        }
        let Some(token) = settings.value("access_token") else {
            return Err(settings.error(format!(
                "set {} to an access token, or {}, {} and {}",
                settings.describe("access_token"),
                settings.describe("client_id"),
                settings.describe("client_secret"),
                settings.describe("refresh_token")
            )));
        };
        Ok(self.access_token(token))
    }

    /// Builds the port. Fails when the organization or the credentials are missing or malformed.
    pub fn build(mut self) -> Result<ZohoDeskPort, Error> {
        let org_id = self
            .org_id
            .as_deref()
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| {
                Error::configuration(PROVIDER, "no Zoho Desk organization: call org_id()")
            })?;
        if !org_id.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(Error::configuration(
                PROVIDER,
                format!("`{org_id}` is not a Zoho Desk organization id (digits)"),
            ));
        }
        if self.options.base_url().is_none() {
            self.options.set_base_url(self.data_center.api_url());
        } else if let Some(url) = self.options.base_url() {
            // The API's URL is wanted; one given with the API path is accepted too.
            let trimmed = url.trim_end_matches('/');
            if let Some(host) = trimmed.strip_suffix("/api/v1") {
                let host = host.to_owned();
                self.options.set_base_url(host);
            }
        }
        if let Some(source) = self.oauth.take() {
            let source = source.or_token_url(self.data_center.token_url());
            self.options.set_credentials(Credentials::oauth(source));
        }
        let connection = self.options.connect(
            "Zoho Desk API URL: call data_center() or base_url()",
            "credentials: call access_token() or oauth()",
        )?;
        // Zoho honours no idempotency key: no write is retried once it may have been received.
        // Throttling: 429 `TOO_MANY_REQUESTS` (concurrency) is waited out as `Retry-After` says;
        // 429 `THRESHOLD_EXCEEDED` (the day's credits) is `RateLimited` at once (the classifier).
        // Each answer's `X-Rate-Limit-Remaining-v3` (credits left) is recorded on its span.
        let endpoint = connection.finish(|runtime| {
            runtime
                .remaining_header(HeaderName::from_static("x-rate-limit-remaining-v3"))
                .classifier(error::classify)
        });
        Ok(ZohoDeskPort::new(
            endpoint,
            org_id,
            self.default_department,
            self.sla_account,
        ))
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
    fn data_centers_name_both_hosts() {
        for (name, dc, api, token) in [
            (
                "com",
                DataCenter::Com,
                "https://desk.zoho.com",
                "https://accounts.zoho.com/oauth/v2/token",
            ),
            (
                "EU",
                DataCenter::Eu,
                "https://desk.zoho.eu",
                "https://accounts.zoho.eu/oauth/v2/token",
            ),
            (
                "com.au",
                DataCenter::ComAu,
                "https://desk.zoho.com.au",
                "https://accounts.zoho.com.au/oauth/v2/token",
            ),
            (
                "ca",
                DataCenter::Ca,
                "https://desk.zohocloud.ca",
                "https://accounts.zohocloud.ca/oauth/v2/token",
            ),
            (
                "cn",
                DataCenter::ComCn,
                "https://desk.zoho.com.cn",
                "https://accounts.zoho.com.cn/oauth/v2/token",
            ),
            (
                "sa",
                DataCenter::Sa,
                "https://desk.zoho.sa",
                "https://accounts.zoho.sa/oauth/v2/token",
            ),
        ] {
            let parsed: DataCenter = name.parse().unwrap();
            assert_eq!(parsed, dc);
            assert_eq!(dc.api_url(), api);
            assert_eq!(dc.token_url(), token);
        }
        assert!("us".parse::<DataCenter>().is_err());
        for dc in DataCenter::ALL {
            assert_eq!(dc.name().parse::<DataCenter>().unwrap(), dc);
        }
    }

    #[test]
    fn the_organization_is_required() {
        let err = ZohoDeskBuilder::default()
            .access_token("t")
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("org_id()"), "{err}");
        let err = ZohoDeskBuilder::default()
            .org_id("12 34")
            .access_token("t")
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("organization id"), "{err}");
        let err = ZohoDeskBuilder::default().org_id("1").build().unwrap_err();
        assert!(err.to_string().contains("access_token()"), "{err}");
    }

    #[test]
    fn the_environment_names_the_organization_and_one_credential() {
        let from = |pairs: &[(&str, &str)]| ZohoDeskBuilder::default().read_vars(vars(pairs));
        let err = from(&[(ENV_ACCESS_TOKEN, "t")]).unwrap_err();
        assert!(err.to_string().contains(ENV_ORG_ID), "{err}");
        let err = from(&[(ENV_ORG_ID, "1")]).unwrap_err();
        assert!(err.to_string().contains(ENV_ACCESS_TOKEN), "{err}");
        let err = from(&[(ENV_ORG_ID, "1"), ("SUPPORT_ZOHODESK_CLIENT_ID", "c")]).unwrap_err();
        assert!(err.to_string().contains("REFRESH_TOKEN"), "{err}");
        let err = from(&[(ENV_ORG_ID, "1"), (ENV_DATA_CENTER, "mars")]).unwrap_err();
        assert!(err.to_string().contains("mars"), "{err}");
        let port = from(&[
            (ENV_ORG_ID, "1"),
            (ENV_DATA_CENTER, "in"),
            (ENV_ACCESS_TOKEN, "t"),
        ])
        .and_then(ZohoDeskBuilder::build)
        .unwrap();
        assert_eq!(port.base_url(), "https://desk.zoho.in");
        let port = from(&[
            (ENV_ORG_ID, "1"),
            (ENV_BASE_URL, "http://127.0.0.1:9/api/v1/"),
            ("SUPPORT_ZOHODESK_CLIENT_ID", "c"),
            ("SUPPORT_ZOHODESK_CLIENT_SECRET", "s"),
            ("SUPPORT_ZOHODESK_REFRESH_TOKEN", "r"),
        ])
        .and_then(ZohoDeskBuilder::build)
        .unwrap();
        assert_eq!(port.base_url(), "http://127.0.0.1:9");
        assert!(!format!("{port:?}").contains("\"r\""));
    }
}

#[cfg(test)]
mod settings_tests {
    use support_core::{ErrorKind, Settings};

    use super::*;

    #[test]
    fn from_settings_builds_refuses_unknown_keys_and_names_missing_ones() {
        let settings = Settings::new(PROVIDER)
            .with("org_id", "1")
            .with("data_center", "eu")
            .with("access_token", "hunter2-token");
        let port = ZohoDeskBuilder::default()
            .from_settings(&settings)
            .and_then(ZohoDeskBuilder::build)
            .unwrap();
        assert_eq!(port.base_url(), "https://desk.zoho.eu");
        assert!(!format!("{settings:?} {port:?}").contains("hunter2-token"));
        let err = ZohoDeskBuilder::default()
            .from_settings(&settings.clone().with("orgid", "1"))
            .unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::Configuration);
        assert!(err.to_string().contains("`orgid`"), "{err}");
        let err = ZohoDeskBuilder::default()
            .from_settings(&Settings::new(PROVIDER).with("org_id", "1"))
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("`access_token` (SUPPORT_ZOHODESK_ACCESS_TOKEN)"),
            "{err}"
        );
    }
}
