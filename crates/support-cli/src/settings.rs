//! Where the settings come from: `--config FILE` (or the default file), `--profile` (or
//! `SUPPORT_PROFILE`), the environment; nothing configured is the in-memory fixture world.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use support::{Config, Settings, SupportPort};

use crate::error::{CliError, Exit};

/// The variable naming the profile when `--profile` is absent.
pub(crate) const ENV_PROFILE: &str = "SUPPORT_PROFILE";

/// The resolved settings, or none: the in-memory provider seeded with the fixture world.
#[derive(Debug)]
pub(crate) struct Resolved {
    pub(crate) settings: Option<Settings>,
    /// Where they came from, for `config show`.
    pub(crate) source: String,
}

impl Resolved {
    /// The provider's name: the configured one, or `memory`.
    pub(crate) fn provider_name(&self) -> &str {
        self.settings.as_ref().map_or("memory", Settings::provider)
    }
}

/// `<config dir>/support/config.toml`.
pub(crate) fn default_file() -> Option<PathBuf> {
    dirs::config_dir().map(|dir| dir.join("support").join("config.toml"))
}

fn env(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

pub(crate) fn resolve(config: Option<&Path>, profile: Option<&str>) -> Result<Resolved, CliError> {
    let profile = profile.map(str::to_owned).or_else(|| env(ENV_PROFILE));
    let file = match config {
        Some(path) => Some(path.to_path_buf()),
        None => default_file().filter(|path| path.is_file()),
    };
    if let Some(path) = file {
        let config = Config::load(&path)?;
        // A file without a default profile still lets SUPPORT_PROVIDER choose.
        if profile.is_none() && env(support::ENV_PROVIDER).is_some() {
            if let Ok(settings) = config.settings(None) {
                return Ok(file_settings(settings, &path, None));
            }
            return from_env();
        }
        let settings = config.settings(profile.as_deref())?;
        return Ok(file_settings(settings, &path, profile.as_deref()));
    }
    if env(support::ENV_PROVIDER).is_some() {
        return from_env();
    }
    if let Some(profile) = profile {
        return Err(CliError::new(
            Exit::Configuration,
            format!(
                "profile `{profile}` was asked for but there is no settings file: pass --config \
                 FILE or create {}",
                default_file().map_or_else(
                    || "<config dir>/support/config.toml".to_owned(),
                    |p| p.display().to_string()
                )
            ),
        ));
    }
    Ok(Resolved {
        settings: None,
        source: "nothing configured: the in-memory provider seeded with the fixture world".into(),
    })
}

fn file_settings(settings: Settings, path: &Path, profile: Option<&str>) -> Resolved {
    Resolved {
        settings: Some(support::with_env(settings)),
        source: format!(
            "{} ({}), then SUPPORT_<PROVIDER>_* variables",
            path.display(),
            profile.map_or_else(|| "default profile".to_owned(), |p| format!("profile {p}"))
        ),
    }
}

fn from_env() -> Result<Resolved, CliError> {
    Ok(Resolved {
        settings: Some(support::settings_from_env()?),
        source: "environment: SUPPORT_PROVIDER and SUPPORT_<PROVIDER>_* variables".into(),
    })
}

/// The port the settings describe (nothing is sent yet).
pub(crate) fn connect(resolved: &Resolved) -> Result<Arc<dyn SupportPort>, CliError> {
    match &resolved.settings {
        None => Ok(support::conformance::fixture_port()),
        Some(settings) => Ok(support::connect(settings)?),
    }
}

/// `config show`: the source, the provider and every key, secrets masked.
pub(crate) fn show(resolved: &Resolved) -> String {
    let mut out = format!(
        "source: {}\nprovider: {}\n",
        resolved.source,
        resolved.provider_name()
    );
    let Some(settings) = &resolved.settings else {
        return out;
    };
    let specs = support::provider(settings.provider()).and_then(|info| info.settings);
    for key in settings.keys() {
        let secret = specs.is_none_or(|specs| {
            specs
                .iter()
                .find(|spec| spec.key == key)
                .is_none_or(|spec| spec.secret)
        });
        let value = if secret {
            "********".to_owned()
        } else {
            settings.value(key).unwrap_or_default().to_owned()
        };
        out.push_str(&format!("{key} = {value}\n"));
    }
    out
}
