//! Settings files: TOML with a default profile at the top level and named ones under `[profiles]`.
//!
//! ```toml
//! provider = "zendesk"          # the default profile
//! subdomain = "acme"
//! email = "agent@acme.example"
//! max_retries = 2               # strings, integers and booleans; kept as text
//!
//! [profiles.eu-inbox]
//! provider = "intercom-conversations"
//! region = "eu"
//! ```
//!
//! Secrets belong in the environment rather than the file: [`Config::settings_with_env`] (or
//! [`with_env`](crate::with_env)) lays the provider's `SUPPORT_<P>_*` variables over the file's
//! values, and they win. Precedence, lowest first: the profile's values in the file, then the
//! environment variables of the same provider.

use std::collections::BTreeMap;
use std::path::Path;

use support_core::{Error, Settings};

use crate::FACADE;

/// A parsed settings file: the default profile (the top level) and named profiles.
#[derive(Clone, Debug, Default)]
pub struct Config {
    default: Option<Settings>,
    profiles: BTreeMap<String, Settings>,
}

fn error(message: impl Into<String>) -> Error {
    Error::configuration(FACADE, message)
}

/// The options of one table: `provider` and every string, integer or boolean value as text.
fn table_settings(
    table: &toml::Table,
    place: &str,
    skip: Option<&str>,
) -> Result<Option<Settings>, Error> {
    let mut provider = None;
    let mut values = Vec::new();
    for (key, value) in table {
        if Some(key.as_str()) == skip {
            continue;
        }
        let text = match value {
            toml::Value::String(s) => s.clone(),
            toml::Value::Integer(i) => i.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            other => {
                return Err(error(format!(
                    "{place}: `{key}` is a {}; settings are strings, integers or booleans",
                    other.type_str()
                )));
            }
        };
        if key == "provider" {
            provider = Some(text);
        } else {
            values.push((key.clone(), text));
        }
    }
    match provider {
        Some(provider) => {
            let mut settings = Settings::new(provider);
            for (key, value) in values {
                settings.set(key, value);
            }
            Ok(Some(settings))
        }
        None if values.is_empty() => Ok(None),
        None => Err(error(format!(
            "{place} sets options but no `provider`: add provider = \"...\""
        ))),
    }
}

impl Config {
    /// Parses a settings file's text.
    pub fn from_toml_str(text: &str) -> Result<Self, Error> {
        let table: toml::Table = toml::from_str(text)
            .map_err(|e| error(format!("the settings are not valid TOML: {e}")))?;
        let default = table_settings(&table, "the top level", Some("profiles"))?;
        let mut profiles = BTreeMap::new();
        match table.get("profiles") {
            None => {}
            Some(toml::Value::Table(named)) => {
                for (name, value) in named {
                    let place = format!("[profiles.{name}]");
                    let toml::Value::Table(options) = value else {
                        return Err(error(format!("{place} is not a table")));
                    };
                    let settings = table_settings(options, &place, None)?
                        .ok_or_else(|| error(format!("{place} has no `provider`")))?;
                    profiles.insert(name.clone(), settings);
                }
            }
            Some(_) => {
                return Err(error(
                    "`profiles` must be a table of [profiles.<name>] tables",
                ));
            }
        }
        Ok(Self { default, profiles })
    }

    /// Reads and parses the settings file at `path`.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .map_err(|e| error(format!("cannot read {}: {e}", path.display())))?;
        Self::from_toml_str(&text).map_err(|e| {
            error(format!(
                "{}: {}",
                path.display(),
                e.message().unwrap_or("invalid settings")
            ))
        })
    }

    /// The names of the named profiles, in order.
    pub fn profiles(&self) -> impl Iterator<Item = &str> {
        self.profiles.keys().map(String::as_str)
    }

    /// The settings of `profile`, or of the default profile (the top level) for `None`. An
    /// unknown profile is an error listing the known ones.
    pub fn settings(&self, profile: Option<&str>) -> Result<Settings, Error> {
        let known = || {
            let names: Vec<&str> = self.profiles().collect();
            if names.is_empty() {
                "the file names no profiles".to_owned()
            } else {
                format!("the known ones are: {}", names.join(", "))
            }
        };
        match profile {
            Some(name) => {
                self.profiles.get(name).cloned().ok_or_else(|| {
                    error(format!("no profile `{name}` in the settings; {}", known()))
                })
            }
            None => self.default.clone().ok_or_else(|| {
                error(format!(
                    "the settings have no default profile (no top-level `provider`): choose a \
                     profile; {}",
                    known()
                ))
            }),
        }
    }

    /// [`Config::settings`] with the process environment's variables of the same provider over
    /// them (they win).
    pub fn settings_with_env(&self, profile: Option<&str>) -> Result<Settings, Error> {
        Ok(crate::with_env(self.settings(profile)?))
    }
}
