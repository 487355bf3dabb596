//! Configuring an [`IntercomPort`]: the workspace's region, its access token, and which of
//! Intercom's two support objects the port serves. Retries, timeouts, the user agent and a base-URL
//! override are the kit's [`ClientOptions`].

use reqwest::header::HeaderName;
use support_core::http::{Credentials, ResetHeader};
use support_core::kit::ClientOptions;
use support_core::settings::{COMMON, SettingSpec, Settings, WEBHOOK};
use support_core::{Error, join_specs};

use crate::port::IntercomPort;
use crate::{CONVERSATIONS_PROVIDER, PROVIDER, error};

/// The API base URL, overriding the region's (a proxy, a simulator).
pub const ENV_BASE_URL: &str = "SUPPORT_INTERCOM_BASE_URL";
/// An access token (an app's or an OAuth token), sent as a bearer token.
pub const ENV_TOKEN: &str = "SUPPORT_INTERCOM_TOKEN";
/// The workspace's region: `us` (the default), `eu` or `au`.
pub const ENV_REGION: &str = "SUPPORT_INTERCOM_REGION";
/// Which object the port serves: `tickets` (the default) or `conversations`.
pub const ENV_MODE: &str = "SUPPORT_INTERCOM_MODE";

/// Where an Intercom workspace is hosted; each region has its own API host.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Region {
    /// `https://api.intercom.io`
    #[default]
    Us,
    /// `https://api.eu.intercom.io`
    Eu,
    /// `https://api.au.intercom.io`
    Au,
}

impl Region {
    /// The region's API base URL.
    pub fn base_url(self) -> &'static str {
        match self {
            Region::Us => "https://api.intercom.io",
            Region::Eu => "https://api.eu.intercom.io",
            Region::Au => "https://api.au.intercom.io",
        }
    }
}

/// Which of Intercom's support objects the port serves as its tickets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// Intercom tickets (the Tickets API); ids read `intercom:ticket:{id}`.
    #[default]
    Tickets,
    /// Conversations (the inbox); ids read `intercom-conversations:ticket:{id}`.
    Conversations,
}

impl Mode {
    /// The provider name of this mode's canonical ids, cursors and errors.
    pub fn provider(self) -> &'static str {
        match self {
            Mode::Tickets => PROVIDER,
            Mode::Conversations => CONVERSATIONS_PROVIDER,
        }
    }
}

/// Builds an [`IntercomPort`].
///
/// ```
/// use support_intercom::{IntercomPort, Mode, Region};
///
/// let tickets = IntercomPort::builder()
///     .region(Region::Eu)
///     .access_token("secret-token")
///     .build()?;
/// assert_eq!(tickets.base_url(), "https://api.eu.intercom.io");
/// assert!(!format!("{tickets:?}").contains("secret-token"));
///
/// let inbox = IntercomPort::builder()
///     .access_token("secret-token")
///     .conversations()
///     .build()?;
/// assert_eq!(inbox.mode(), Mode::Conversations);
/// # Ok::<(), support_core::Error>(())
/// ```
// Debug shows the options, whose credentials print redacted.
#[derive(Clone, Debug)]
pub struct IntercomBuilder {
    options: ClientOptions,
    region: Region,
    mode: Mode,
}

impl Default for IntercomBuilder {
    fn default() -> Self {
        Self {
            options: ClientOptions::new(PROVIDER),
            region: Region::default(),
            mode: Mode::default(),
        }
    }
}

/// Intercom's own keys of [`IntercomBuilder::SETTINGS`].
const OWN_SETTINGS: &[SettingSpec] = &[
    SettingSpec::secret("token", "an access token (an app's, or an OAuth token)"),
    SettingSpec::plain(
        "region",
        "the workspace's region: us (the default), eu or au",
    ),
    SettingSpec::plain(
        "mode",
        "which object the port serves: tickets (the default) or conversations",
    ),
];

impl IntercomBuilder {
    support_core::client_option_setters!(options);

    /// Authenticates with an access token (an app's, or one obtained through OAuth), sent as
    /// `Authorization: Bearer {token}`.
    pub fn access_token(mut self, token: impl Into<String>) -> Self {
        self.options.set_credentials(Credentials::bearer(token));
        self
    }

    /// The workspace's region ([`Region::Us`] unless set); [`base_url`](Self::base_url) overrides it.
    pub fn region(mut self, region: Region) -> Self {
        self.region = region;
        self
    }

    /// Which object the port serves as its tickets ([`Mode::Tickets`] unless set).
    pub fn mode(mut self, mode: Mode) -> Self {
        self.mode = mode;
        self
    }

    /// Serves conversations, the inbox, instead of Intercom tickets.
    pub fn conversations(self) -> Self {
        self.mode(Mode::Conversations)
    }

    /// The keys [`from_settings`](Self::from_settings) reads: `token`, `region`, `mode`, the
    /// [`COMMON`] ones, and the webhook secrets (read by
    /// [`IntercomWebhooks`](crate::IntercomWebhooks), accepted here so one set of settings serves
    /// both).
    pub const SETTINGS: &'static [SettingSpec] = join_specs!(OWN_SETTINGS, COMMON, WEBHOOK);

    /// Reads the token from [`ENV_TOKEN`], and the region, mode and base URL from [`ENV_REGION`],
    /// [`ENV_MODE`] and [`ENV_BASE_URL`] when they are set (every key of
    /// [`SETTINGS`](Self::SETTINGS), upper-cased, under `SUPPORT_INTERCOM_`).
    pub fn from_env(self) -> Result<Self, Error> {
        self.from_settings(&Settings::from_env(PROVIDER))
    }

    /// Reads `token`, `region` (`us`, `eu`, `au`), `mode` (`tickets`, `conversations`) and the
    /// [`COMMON`] options from `settings`. Settings whose provider is `intercom-conversations`
    /// select [`Mode::Conversations`] (a `mode` of `tickets` is then refused). Unknown keys are
    /// refused.
    pub fn from_settings(mut self, settings: &Settings) -> Result<Self, Error> {
        settings.check_known(Self::SETTINGS)?;
        let conversations = settings.provider() == CONVERSATIONS_PROVIDER;
        if let Some(region) = settings.choice("region", &["us", "eu", "au"])? {
            self.region = match region {
                "eu" => Region::Eu,
                "au" => Region::Au,
                _ => Region::Us,
            };
        }
        match settings.choice("mode", &["tickets", "conversations"])? {
            Some("tickets") if conversations => {
                return Err(settings.error(format!(
                    "{} is `tickets`, but the provider `{CONVERSATIONS_PROVIDER}` serves \
                     conversations: drop it, or name the provider `{PROVIDER}`",
                    settings.describe("mode")
                )));
            }
            Some("conversations") => self.mode = Mode::Conversations,
            Some(_) => self.mode = Mode::Tickets,
            None if conversations => self.mode = Mode::Conversations,
            None => {}
        }
        self.options.apply_settings(settings)?;
        let token = settings.require("token", "an Intercom access token")?;
        Ok(self.access_token(token))
    }

    /// Builds the port. Fails when the token is missing or the base URL is malformed.
    pub fn build(mut self) -> Result<IntercomPort, Error> {
        if self.options.base_url().is_none() {
            self.options.set_base_url(self.region.base_url());
        }
        self.options.set_provider(self.mode.provider());
        let connection = self
            .options
            .connect("Intercom API base URL", "credentials: call access_token()")?;
        // Intercom honours no idempotency key. Throttling is a 429 whose `X-RateLimit-Reset` is the
        // Unix time the current 10-second window ends (no Retry-After): the runtime waits until
        // then, within the retry budget.
        let endpoint = connection.finish(|runtime| {
            runtime
                .reset_header(ResetHeader::UnixSeconds(HeaderName::from_static(
                    "x-ratelimit-reset",
                )))
                .remaining_header(HeaderName::from_static("x-ratelimit-remaining"))
                .classifier(error::classify)
        });
        Ok(IntercomPort::new(endpoint, self.mode))
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
        let from = |s: &Settings| IntercomBuilder::default().from_settings(s).map(drop);
        let settings = Settings::new(PROVIDER)
            .with("token", "hunter2-token")
            .with("region", "EU");
        let port = IntercomBuilder::default()
            .from_settings(&settings)
            .and_then(IntercomBuilder::build)
            .unwrap();
        assert_eq!(port.base_url(), "https://api.eu.intercom.io");
        assert_eq!(port.mode(), Mode::Tickets);
        assert!(!format!("{settings:?} {port:?}").contains("hunter2-token"));
        let mut inbox = settings.clone();
        inbox.provider = CONVERSATIONS_PROVIDER.to_owned();
        let port = IntercomBuilder::default()
            .from_settings(&inbox)
            .and_then(IntercomBuilder::build)
            .unwrap();
        assert_eq!(port.mode(), Mode::Conversations);
        let err = refused(from, &inbox.with("mode", "tickets"));
        assert!(err.contains("`mode`"), "{err}");
        let err = refused(from, &settings.clone().with("region", "mars"));
        assert!(err.contains("mars") && err.contains("us, eu, au"), "{err}");
        let err = refused(from, &settings.clone().with("regoin", "eu"));
        assert!(err.contains("`regoin`"), "{err}");
        let err = refused(from, &Settings::new(PROVIDER));
        assert!(err.contains("`token` (SUPPORT_INTERCOM_TOKEN)"), "{err}");
    }
}
