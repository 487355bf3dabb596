#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

use std::sync::Arc;

pub use support_core::*;

pub mod config;
#[cfg(feature = "simulators")]
pub mod conformance;

pub use config::Config;

#[cfg(feature = "freshdesk")]
pub use support_freshdesk as freshdesk;
#[cfg(feature = "hubspot")]
pub use support_hubspot as hubspot;
#[cfg(feature = "intercom")]
pub use support_intercom as intercom;
#[cfg(feature = "memory")]
pub use support_memory as memory;
#[cfg(feature = "salesforce")]
pub use support_salesforce as salesforce;
#[cfg(feature = "servicenow")]
pub use support_servicenow as servicenow;
#[cfg(feature = "zammad")]
pub use support_zammad as zammad;
#[cfg(feature = "zendesk")]
pub use support_zendesk as zendesk;
#[cfg(feature = "zohodesk")]
pub use support_zohodesk as zohodesk;

/// The name this crate's own errors carry as their provider (unknown or disabled providers, files).
pub const FACADE: &str = "support";

/// The variable [`settings_from_env`] reads the provider's name from.
pub const ENV_PROVIDER: &str = "SUPPORT_PROVIDER";

/// A provider [`connect`] knows, and whether this build can connect to it.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct ProviderInfo {
    /// The name settings give as `provider`: `zendesk`, `intercom-conversations`.
    pub name: &'static str,
    /// The cargo feature of `support` that compiles its adapter in.
    pub feature: &'static str,
    /// Whether that feature is enabled in this build.
    pub enabled: bool,
    /// The keys its builder's `from_settings` reads, when enabled.
    pub settings: Option<&'static [SettingSpec]>,
}

impl ProviderInfo {
    /// The error [`connect`] returns for this provider when its feature is disabled: it names the
    /// feature of `support` to enable.
    pub fn disabled_error(&self) -> Error {
        Error::configuration(
            FACADE,
            format!(
                "provider `{}` is known but not compiled into this build: enable the `{}` feature \
                 of the `support` crate (support = {{ features = [\"{}\"] }}, or \"full\")",
                self.name, self.feature, self.feature
            ),
        )
    }
}

/// Declares, for each provider, the constant of its `SETTINGS` (`None` when its feature is off).
macro_rules! settings_of {
    ($($konst:ident: $feature:literal => $builder:path;)*) => {
        $(
            #[cfg(feature = $feature)]
            const $konst: Option<&[SettingSpec]> = Some(<$builder>::SETTINGS);
            #[cfg(not(feature = $feature))]
            const $konst: Option<&[SettingSpec]> = None;
        )*
    };
}

settings_of! {
    ZENDESK: "zendesk" => support_zendesk::ZendeskBuilder;
    FRESHDESK: "freshdesk" => support_freshdesk::FreshdeskBuilder;
    INTERCOM: "intercom" => support_intercom::IntercomBuilder;
    SERVICENOW: "servicenow" => support_servicenow::ServiceNowBuilder;
    HUBSPOT: "hubspot" => support_hubspot::HubSpotBuilder;
    SALESFORCE: "salesforce" => support_salesforce::SalesforceBuilder;
    ZAMMAD: "zammad" => support_zammad::ZammadBuilder;
    ZOHODESK: "zohodesk" => support_zohodesk::ZohoDeskBuilder;
    MEMORY: "memory" => support_memory::MemoryPortBuilder;
}

const fn info(
    name: &'static str,
    feature: &'static str,
    settings: Option<&'static [SettingSpec]>,
) -> ProviderInfo {
    ProviderInfo {
        name,
        feature,
        enabled: settings.is_some(),
        settings,
    }
}

static PROVIDERS: [ProviderInfo; 10] = [
    info("zendesk", "zendesk", ZENDESK),
    info("freshdesk", "freshdesk", FRESHDESK),
    info("intercom", "intercom", INTERCOM),
    info("intercom-conversations", "intercom", INTERCOM),
    info("servicenow", "servicenow", SERVICENOW),
    info("hubspot", "hubspot", HUBSPOT),
    info("salesforce", "salesforce", SALESFORCE),
    info("zammad", "zammad", ZAMMAD),
    info("zohodesk", "zohodesk", ZOHODESK),
    info("memory", "memory", MEMORY),
];

/// Every provider [`connect`] knows, whether enabled in this build or not.
pub fn providers() -> &'static [ProviderInfo] {
    &PROVIDERS
}

/// The provider named `name` (any case), enabled or not.
pub fn provider(name: &str) -> Option<&'static ProviderInfo> {
    let name = name.trim();
    PROVIDERS.iter().find(|p| p.name.eq_ignore_ascii_case(name))
}

/// The error for a provider no feature of this crate knows: it lists the known ones.
pub fn unknown_provider_error(name: &str) -> Error {
    let known: Vec<&str> = PROVIDERS.iter().map(|p| p.name).collect();
    let message = if name.trim().is_empty() {
        format!(
            "no provider: set `provider` (or {ENV_PROVIDER}) to one of {}",
            known.join(", ")
        )
    } else {
        format!(
            "unknown provider `{}`; the known ones are: {}",
            name.trim(),
            known.join(", ")
        )
    };
    Error::configuration(FACADE, message)
}

/// Builds the adapter `settings` name, from its options.
///
/// Fails with a configuration error when the provider is unknown (the message lists the known
/// ones), known but its feature of this crate is off (the message names the feature), or when the
/// adapter's `from_settings` or `build` refuses the options (an unknown key, a missing one, with its
/// environment variable). Nothing is sent: the first request is the first operation's.
pub fn connect(settings: &Settings) -> Result<Arc<dyn SupportPort>> {
    let Some(info) = provider(settings.provider()) else {
        return Err(unknown_provider_error(settings.provider()));
    };
    if !info.enabled {
        return Err(info.disabled_error());
    }
    // The adapters' errors name the provider as written: give them the canonical spelling.
    let canonical;
    let settings = if settings.provider() == info.name {
        settings
    } else {
        let mut renamed = settings.clone();
        renamed.provider = info.name.to_owned();
        canonical = renamed;
        &canonical
    };
    build(info.name, settings)
}

#[allow(unused_variables)]
fn build(name: &str, settings: &Settings) -> Result<Arc<dyn SupportPort>> {
    match name {
        #[cfg(feature = "zendesk")]
        "zendesk" => Ok(Arc::new(
            zendesk::ZendeskPort::builder()
                .from_settings(settings)?
                .build()?,
        )),
        #[cfg(feature = "freshdesk")]
        "freshdesk" => Ok(Arc::new(
            freshdesk::FreshdeskPort::builder()
                .from_settings(settings)?
                .build()?,
        )),
        #[cfg(feature = "intercom")]
        "intercom" | "intercom-conversations" => Ok(Arc::new(
            intercom::IntercomPort::builder()
                .from_settings(settings)?
                .build()?,
        )),
        #[cfg(feature = "servicenow")]
        "servicenow" => Ok(Arc::new(
            servicenow::ServiceNowPort::builder()
                .from_settings(settings)?
                .build()?,
        )),
        #[cfg(feature = "hubspot")]
        "hubspot" => Ok(Arc::new(
            hubspot::HubSpotPort::builder()
                .from_settings(settings)?
                .build()?,
        )),
        #[cfg(feature = "salesforce")]
        "salesforce" => Ok(Arc::new(
            salesforce::SalesforcePort::builder()
                .from_settings(settings)?
                .build()?,
        )),
        #[cfg(feature = "zammad")]
        "zammad" => Ok(Arc::new(
            zammad::ZammadPort::builder()
                .from_settings(settings)?
                .build()?,
        )),
        #[cfg(feature = "zohodesk")]
        "zohodesk" => Ok(Arc::new(
            zohodesk::ZohoDeskPort::builder()
                .from_settings(settings)?
                .build()?,
        )),
        #[cfg(feature = "memory")]
        "memory" => Ok(Arc::new(
            memory::MemoryPort::builder()
                .from_settings(settings)?
                .build()?,
        )),
        other => Err(unknown_provider_error(other)),
    }
}

/// Settings from the process environment: [`ENV_PROVIDER`] (`SUPPORT_PROVIDER`) names the
/// provider, and its `SUPPORT_<P>_*` variables are the options (see [`Settings::from_env`]).
pub fn settings_from_env() -> Result<Settings> {
    settings_from_vars(env_vars())
}

/// [`settings_from_env`] over any list of variables (name and value), without touching the
/// process environment.
pub fn settings_from_vars<N, V>(vars: impl IntoIterator<Item = (N, V)>) -> Result<Settings>
where
    N: AsRef<str>,
    V: Into<String>,
{
    let vars: Vec<(String, String)> = vars
        .into_iter()
        .map(|(n, v)| (n.as_ref().to_owned(), v.into()))
        .collect();
    let provider = vars
        .iter()
        .find(|(n, v)| n == ENV_PROVIDER && !v.trim().is_empty())
        .map(|(_, v)| v.trim().to_owned())
        .ok_or_else(|| unknown_provider_error(""))?;
    Ok(Settings::from_vars(&provider, vars))
}

/// `settings` with the process environment's variables of the same provider over them: the
/// precedence of [`Config`] files (explicit values, then the environment overrides them).
pub fn with_env(settings: Settings) -> Settings {
    with_vars(settings, env_vars())
}

/// [`with_env`] over any list of variables (name and value).
pub fn with_vars<N, V>(mut settings: Settings, vars: impl IntoIterator<Item = (N, V)>) -> Settings
where
    N: AsRef<str>,
    V: Into<String>,
{
    let from_vars = Settings::from_vars(settings.provider(), vars);
    settings.values.extend(from_vars.values);
    settings
}

/// The process environment's Unicode variables.
fn env_vars() -> impl Iterator<Item = (String, String)> {
    std::env::vars_os()
        .filter_map(|(name, value)| Some((name.into_string().ok()?, value.into_string().ok()?)))
}
