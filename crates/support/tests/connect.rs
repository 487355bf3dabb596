//! The facade: connecting by settings, its errors, settings files and the environment overlay.
//! Built with the `memory` and `zendesk` features (the dev-dependency on this crate).

use support::{Config, ErrorKind, Settings, connect, providers};

fn configuration_message(result: support::Result<impl std::fmt::Debug>) -> String {
    let err = result.unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::Configuration, "{err}");
    err.to_string()
}

#[test]
fn connects_to_each_enabled_provider_by_settings() {
    let memory = connect(&Settings::new("memory")).unwrap();
    assert_eq!(memory.provider(), "memory");
    let zendesk = connect(
        &Settings::new("Zendesk")
            .with("subdomain", "acme")
            .with("email", "agent@acme.example")
            .with("api_token", "hunter2-token"),
    )
    .unwrap();
    assert_eq!(zendesk.provider(), "zendesk");
    assert!(!format!("{zendesk:?}").contains("hunter2-token"));
}

#[test]
fn an_unknown_provider_lists_the_known_ones() {
    let err = configuration_message(connect(&Settings::new("zendsk")));
    assert!(err.contains("`zendsk`"), "{err}");
    for known in ["zendesk", "freshdesk", "intercom-conversations", "memory"] {
        assert!(err.contains(known), "{err}");
    }
    let err = configuration_message(connect(&Settings::new("")));
    assert!(err.contains("SUPPORT_PROVIDER"), "{err}");
}

#[test]
fn a_disabled_provider_names_the_feature_to_enable() {
    let hubspot = support::provider("hubspot").unwrap();
    let err = hubspot.disabled_error().to_string();
    assert!(
        err.contains("`hubspot` feature of the `support` crate"),
        "{err}"
    );
    let inbox = support::provider("intercom-conversations").unwrap();
    assert_eq!(inbox.feature, "intercom");
    // Only when this test build really leaves it out (features unify across a workspace build).
    if !hubspot.enabled {
        assert!(hubspot.settings.is_none());
        let err = configuration_message(connect(&Settings::new("hubspot").with("token", "t")));
        assert!(err.contains("`hubspot` feature"), "{err}");
    }
}

#[test]
fn providers_list_their_settings_when_enabled() {
    let zendesk = providers().iter().find(|p| p.name == "zendesk").unwrap();
    assert!(zendesk.enabled);
    let keys: Vec<&str> = zendesk.settings.unwrap().iter().map(|s| s.key).collect();
    for key in ["subdomain", "api_token", "base_url", "max_retries"] {
        assert!(keys.contains(&key), "{keys:?}");
    }
    let token = zendesk
        .settings
        .unwrap()
        .iter()
        .find(|s| s.key == "api_token");
    assert!(token.unwrap().secret);
    assert_eq!(providers().iter().filter(|p| p.name == "memory").count(), 1);
}

#[test]
fn missing_and_unknown_options_are_the_adapters_errors() {
    let err = configuration_message(connect(&Settings::new("zendesk").with("subdomain", "acme")));
    assert!(
        err.contains("`api_token` (SUPPORT_ZENDESK_API_TOKEN)"),
        "{err}"
    );
    let err = configuration_message(connect(&Settings::new("memory").with("base_url", "x")));
    assert!(err.contains("`base_url`"), "{err}");
}

const FILE: &str = r#"
provider = "zendesk"
subdomain = "acme"
email = "agent@acme.example"
max_retries = 2

[profiles.local]
provider = "memory"

[profiles.eu]
provider = "intercom-conversations"
region = "eu"
verbose = true
"#;

#[test]
fn toml_profiles_hold_settings_as_text() {
    let config = Config::from_toml_str(FILE).unwrap();
    assert_eq!(config.profiles().collect::<Vec<_>>(), ["eu", "local"]);
    let default = config.settings(None).unwrap();
    assert_eq!(default.provider(), "zendesk");
    assert_eq!(default.value("max_retries"), Some("2"));
    let eu = config.settings(Some("eu")).unwrap();
    assert_eq!(eu.provider(), "intercom-conversations");
    assert_eq!(eu.value("verbose"), Some("true"));
    let err = configuration_message(config.settings(Some("us")));
    assert!(err.contains("`us`") && err.contains("eu, local"), "{err}");
    connect(&config.settings(Some("local")).unwrap()).unwrap();

    let err = configuration_message(Config::from_toml_str("provider = 'zendesk'\nx = 1.5"));
    assert!(err.contains("`x`"), "{err}");
    let err = configuration_message(Config::from_toml_str("subdomain = 'acme'"));
    assert!(err.contains("provider"), "{err}");
    let err = configuration_message(Config::from_toml_str("[profiles.a]\nregion = 'eu'"));
    assert!(err.contains("[profiles.a]"), "{err}");
    let only_profiles = Config::from_toml_str("[profiles.a]\nprovider = 'memory'").unwrap();
    let err = configuration_message(only_profiles.settings(None));
    assert!(err.contains("a"), "{err}");
    assert!(Config::load("/nonexistent/support.toml").is_err());
}

#[test]
fn the_environment_overlays_the_file_without_touching_the_process() {
    let config = Config::from_toml_str(FILE).unwrap();
    let vars = [
        ("SUPPORT_ZENDESK_API_TOKEN", "from-env"),
        ("SUPPORT_ZENDESK_SUBDOMAIN", "other"),
        ("SUPPORT_ZENDESK_EMAIL", "  "),
        ("SUPPORT_FRESHDESK_API_KEY", "not-ours"),
    ];
    let settings = support::with_vars(config.settings(None).unwrap(), vars);
    assert_eq!(settings.value("subdomain"), Some("other"));
    assert_eq!(settings.value("email"), Some("agent@acme.example"));
    assert_eq!(settings.value("api_token"), Some("from-env"));
    assert_eq!(settings.value("api_key"), None);
    connect(&settings).unwrap();

    let from_env = support::settings_from_vars([
        ("SUPPORT_PROVIDER", "zendesk"),
        ("SUPPORT_ZENDESK_SUBDOMAIN", "acme"),
        ("SUPPORT_ZENDESK_OAUTH_TOKEN", "t"),
    ])
    .unwrap();
    assert_eq!(from_env.provider(), "zendesk");
    connect(&from_env).unwrap();
    let err = configuration_message(support::settings_from_vars([("SUPPORT_ZENDESK_X", "1")]));
    assert!(err.contains("SUPPORT_PROVIDER"), "{err}");
}
