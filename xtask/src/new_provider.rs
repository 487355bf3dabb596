//! `cargo xtask new-provider <name>`: scaffolds `crates/support-<name>` and `specs/<name>.yaml`.
//!
//! The scaffold builds, passes clippy and rustfmt, and passes the conformance suite from the start:
//! every operation is declared unsupported and returns `Unsupported`. The templates live in
//! `xtask/src/templates/`; `{{name}}`, `{{Name}}` and `{{NAME}}` are replaced by the provider's
//! name in lower, capitalised and upper case.

use std::fs;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::cli::{Args, CliError};
use crate::{generate, paths};

/// One file of the scaffold: its path relative to the workspace root, and its template.
struct Template {
    path: &'static str,
    text: &'static str,
}

/// The spec, written first and generated from.
const SPEC: Template = Template {
    path: "specs/{{name}}.yaml",
    text: include_str!("templates/spec.yaml.tmpl"),
};

/// The crate's hand-written files (`generated.rs` comes from the spec), laid out as every adapter
/// is: the same modules with the same roles as `support-zendesk` and `support-freshdesk`.
const CRATE_FILES: &[Template] = &[
    Template {
        path: "crates/support-{{name}}/Cargo.toml",
        text: include_str!("templates/Cargo.toml.tmpl"),
    },
    Template {
        path: "crates/support-{{name}}/README.md",
        text: include_str!("templates/README.md.tmpl"),
    },
    Template {
        path: "crates/support-{{name}}/src/lib.rs",
        text: include_str!("templates/lib.rs.tmpl"),
    },
    Template {
        path: "crates/support-{{name}}/src/builder.rs",
        text: include_str!("templates/builder.rs.tmpl"),
    },
    Template {
        path: "crates/support-{{name}}/src/port.rs",
        text: include_str!("templates/port.rs.tmpl"),
    },
    Template {
        path: "crates/support-{{name}}/src/listing.rs",
        text: include_str!("templates/listing.rs.tmpl"),
    },
    Template {
        path: "crates/support-{{name}}/src/lookups.rs",
        text: include_str!("templates/lookups.rs.tmpl"),
    },
    Template {
        path: "crates/support-{{name}}/src/bodies.rs",
        text: include_str!("templates/bodies.rs.tmpl"),
    },
    Template {
        path: "crates/support-{{name}}/src/map.rs",
        text: include_str!("templates/map.rs.tmpl"),
    },
    Template {
        path: "crates/support-{{name}}/src/error.rs",
        text: include_str!("templates/error.rs.tmpl"),
    },
    Template {
        path: "crates/support-{{name}}/src/webhook.rs",
        text: include_str!("templates/webhook.rs.tmpl"),
    },
    Template {
        path: "crates/support-{{name}}/tests/conformance.rs",
        text: include_str!("templates/conformance.rs.tmpl"),
    },
    Template {
        path: "crates/support-{{name}}/src/simulator/mod.rs",
        text: include_str!("templates/simulator/mod.rs.tmpl"),
    },
    Template {
        path: "crates/support-{{name}}/src/simulator/http.rs",
        text: include_str!("templates/simulator/http.rs.tmpl"),
    },
    Template {
        path: "crates/support-{{name}}/src/simulator/routes.rs",
        text: include_str!("templates/simulator/routes.rs.tmpl"),
    },
    Template {
        path: "crates/support-{{name}}/src/simulator/store.rs",
        text: include_str!("templates/simulator/store.rs.tmpl"),
    },
    Template {
        path: "crates/support-{{name}}/tests/simulator_selftest.rs",
        text: include_str!("templates/simulator_selftest.rs.tmpl"),
    },
];

/// Every hand-written file of the scaffold for `name` (the spec first), as (path, text).
#[cfg(test)]
pub fn scaffold(name: &str) -> Vec<(String, String)> {
    [&SPEC]
        .into_iter()
        .chain(CRATE_FILES)
        .map(|t| (render(t.path, name), render(t.text, name)))
        .collect()
}

/// Crates of the workspace that are not providers; provider crates are listed after them.
const INFRASTRUCTURE: &[&str] = &["core", "conformance", "memory"];

/// Entry point of the subcommand.
pub fn run(raw: &[String]) -> Result<(), CliError> {
    let args = Args::parse(raw, &[])?;
    let [name] = args.positional() else {
        return Err(CliError::usage("new-provider takes exactly one name"));
    };
    validate_name(name).map_err(CliError::usage)?;
    let root = paths::workspace_root();
    let crate_rel = format!("crates/support-{name}");
    let spec_rel = paths::spec_rel(name);
    for taken in [&crate_rel, &spec_rel] {
        if root.join(taken).exists() {
            return Err(CliError::usage(format!(
                "{taken} already exists: choose another name, or remove it first"
            )));
        }
    }
    let manifest_path = root.join("Cargo.toml");
    let manifest = fs::read_to_string(&manifest_path).context("reading Cargo.toml")?;
    let manifest = add_to_workspace(&manifest, name).map_err(CliError::Failed)?;

    // Everything is rendered and generated before the first write, so that a failure leaves nothing.
    let spec = render(SPEC.text, name);
    let generated = generate::generate_code(name, spec.clone()).context("generating the client")?;
    let mut files = vec![(spec_rel, spec), (paths::generated_rel(name), generated)];
    files.extend(
        CRATE_FILES
            .iter()
            .map(|t| (render(t.path, name), render(t.text, name))),
    );
    for (rel, text) in &files {
        write_new(&root, rel, text)?;
    }
    fs::write(&manifest_path, manifest).context("writing Cargo.toml")?;
    for (rel, _) in &files {
        println!("wrote {rel}");
    }
    println!("added support-{name} to Cargo.toml (members and [workspace.dependencies])");
    format_crate(&root, name);
    print!("{}", next_steps(name, paths::vendor_dir(name).is_dir()));
    Ok(())
}

/// Checks a provider name: lowercase ASCII letters and digits, starting with a letter, and not one
/// of the workspace's own crates (`run` also refuses names whose crate or spec exists).
pub fn validate_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if !valid {
        return Err(format!(
            "`{name}` is not a provider name: use lowercase letters and digits, starting with a \
             letter ([a-z][a-z0-9]*)"
        ));
    }
    if INFRASTRUCTURE.contains(&name) {
        return Err(format!(
            "support-{name} is one of the workspace's own crates"
        ));
    }
    Ok(())
}

/// `name` with its first letter in upper case: `zendesk` -> `Zendesk`.
fn capitalised(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// A template with its placeholders replaced.
pub fn render(template: &str, name: &str) -> String {
    template
        .replace("{{name}}", name)
        .replace("{{Name}}", &capitalised(name))
        .replace("{{NAME}}", &name.to_ascii_uppercase())
}

fn write_new(root: &Path, rel: &str, text: &str) -> Result<()> {
    let path = root.join(rel);
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    fs::write(&path, text).with_context(|| format!("writing {rel}"))
}

/// The root manifest with `crates/support-<name>` added to `members` and to
/// `[workspace.dependencies]`, each beside the other provider crates in alphabetical order. Other
/// lines are left exactly as they are.
pub fn add_to_workspace(manifest: &str, name: &str) -> Result<String> {
    let mut lines: Vec<String> = manifest.lines().map(str::to_owned).collect();
    let member = format!("    \"crates/support-{name}\",");
    let dependency = format!("support-{name} = {{ path = \"crates/support-{name}\" }}");
    for (what, new_line, crate_of) in [
        ("members", member, member_crate as fn(&str) -> Option<&str>),
        ("[workspace.dependencies]", dependency, dependency_crate),
    ] {
        let listed: Vec<(usize, &str)> = lines
            .iter()
            .enumerate()
            .filter_map(|(index, line)| crate_of(line).map(|krate| (index, krate)))
            .collect();
        if listed.iter().any(|&(_, krate)| krate == name) {
            bail!("Cargo.toml already lists support-{name} in {what}");
        }
        let Some(&(first, _)) = listed.first() else {
            bail!(
                "no `crates/support-*` entry in the {what} of Cargo.toml: add support-{name} by hand"
            );
        };
        let at = listed
            .iter()
            .filter(|&&(_, krate)| INFRASTRUCTURE.contains(&krate) || krate < name)
            .map(|&(index, _)| index + 1)
            .next_back()
            .unwrap_or(first);
        lines.insert(at, new_line);
    }
    let mut text = lines.join("\n");
    if manifest.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

/// `"crates/support-x",` in `members` -> `x`.
fn member_crate(line: &str) -> Option<&str> {
    line.trim()
        .strip_prefix("\"crates/support-")?
        .strip_suffix("\",")
}

/// `support-x = { path = "crates/support-x" }` -> `x`.
fn dependency_crate(line: &str) -> Option<&str> {
    let (key, value) = line.split_once('=')?;
    let krate = key.trim().strip_prefix("support-")?;
    value
        .contains(&format!("\"crates/support-{krate}\""))
        .then_some(krate)
}

/// Runs `cargo fmt` on the new crate, so that it is formatted whatever the name's length; a
/// failure only warns.
fn format_crate(root: &Path, name: &str) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(root)
        .args(["fmt", "-p", &format!("support-{name}")])
        .status();
    match status {
        Ok(status) if status.success() => println!("formatted support-{name} with cargo fmt"),
        Ok(status) => eprintln!("warning: `cargo fmt -p support-{name}` exited with {status}"),
        Err(error) => eprintln!("warning: could not run `cargo fmt -p support-{name}`: {error}"),
    }
}

fn next_steps(name: &str, has_vendor_specs: bool) -> String {
    let spec_step = if has_vendor_specs {
        format!(
            "add a `{name}` entry to xtask/src/providers.rs (the vendor operations you need), run\n     \
             `cargo xtask derive-spec {name}`; it replaces the placeholder `Ping`"
        )
    } else {
        format!(
            "edit specs/{name}.yaml: replace the placeholder `Ping` with the endpoints the\n     \
             adapter needs (structure only, every path and field as {name} documents it)"
        )
    };
    format!(
        "\nsupport-{name} builds and passes the conformance suite with every operation unsupported.\n\
         next steps (CONTRIBUTING.md walks through each):\n  \
         1. cargo test -p support-{name} && cargo xtask conformance {name}\n  \
         2. {spec_step};\n     \
         then `cargo xtask generate {name}` and point check_connection (src/port.rs) at a real endpoint\n  \
         3. src/builder.rs: {name}'s authentication and base URL (SUPPORT_{upper}_* variables)\n  \
         4. src/simulator/: {name}'s wire format (routes.rs, store.rs, http.rs; the Wire in mod.rs)\n  \
         5. one operation at a time: port.rs, listing.rs, lookups.rs, bodies.rs, map.rs, error.rs,\n     \
         declared in capabilities(); then adapter_suite! in tests/simulator_selftest.rs\n  \
         6. cargo xtask conformance {name} (offline), then --live with SUPPORT_{upper}_* set\n",
        upper = name.to_ascii_uppercase()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_rules() {
        for good in ["acme", "zendesk", "hubspot2", "a"] {
            assert_eq!(validate_name(good), Ok(()), "{good}");
        }
        for bad in [
            "",
            "Acme",
            "2acme",
            "acme-desk",
            "acme_desk",
            "ac me",
            "acmé",
            "core",
            "memory",
            "conformance",
        ] {
            assert!(validate_name(bad).is_err(), "`{bad}` was accepted");
        }
    }

    /// The scaffold's file `rel` (below the crate) for provider `acme`.
    fn file(rel: &str) -> String {
        let path = format!("crates/support-acme/{rel}");
        CRATE_FILES
            .iter()
            .find(|t| render(t.path, "acme") == path)
            .map(|t| render(t.text, "acme"))
            .unwrap_or_else(|| panic!("the scaffold has no {rel}"))
    }

    #[test]
    fn templates_render_every_placeholder() {
        let spec = render(SPEC.text, "acme");
        assert!(spec.contains("title: support-acme subset"));
        assert!(spec.contains("operationId: Ping"));
        for template in CRATE_FILES.iter().chain([&SPEC]) {
            let path = render(template.path, "acme");
            let text = render(template.text, "acme");
            assert!(path.starts_with("crates/support-acme/") || path == "specs/acme.yaml");
            assert!(!text.contains("{{"), "{path} keeps a placeholder");
            assert!(!text.contains("}}"), "{path} keeps a placeholder");
        }
        let lib = file("src/lib.rs");
        assert!(lib.contains("pub const PROVIDER: &str = \"acme\";"));
        assert!(lib.contains("pub use port::AcmePort;"));
        let builder = file("src/builder.rs");
        assert!(builder.contains("pub struct AcmeBuilder"));
        assert!(builder.contains("support_core::client_option_setters!(options);"));
        assert!(builder.contains("\"SUPPORT_ACME_BASE_URL\""));
        assert!(builder.contains("\"SUPPORT_ACME_TOKEN\""));
        assert!(builder.contains("pub fn from_settings(mut self, settings: &Settings)"));
        assert!(builder.contains("pub const SETTINGS: &'static [SettingSpec]"));
        assert!(file("src/simulator/mod.rs").contains("impl Wire for AcmeWire"));
        assert!(file("src/simulator/mod.rs").contains("Suite::new(crate::PROVIDER)"));
        assert!(
            file("tests/simulator_selftest.rs").contains("impl SuiteTarget for AcmeOnSimulator")
        );
    }

    /// Every module an adapter has, with the same role: a reader who knows Zendesk's or
    /// Freshdesk's crate finds their way in a scaffolded one.
    #[test]
    fn the_scaffold_has_the_adapters_shape() {
        let scaffold: Vec<String> = CRATE_FILES
            .iter()
            .map(|t| render(t.path, "acme").replace("crates/support-acme/", ""))
            .collect();
        let lib = file("src/lib.rs");
        for module in [
            "bodies", "builder", "error", "listing", "lookups", "map", "port", "webhook",
        ] {
            assert!(
                scaffold.contains(&format!("src/{module}.rs")),
                "no src/{module}.rs"
            );
            assert!(
                lib.contains(&format!("mod {module};")),
                "lib.rs lacks {module}"
            );
        }
        let root = paths::workspace_root();
        for adapter in ["zendesk", "freshdesk"] {
            for rel in [
                "src/lib.rs",
                "src/builder.rs",
                "src/port.rs",
                "src/listing.rs",
                "src/lookups.rs",
                "src/bodies.rs",
                "src/map.rs",
                "src/error.rs",
                "src/webhook.rs",
                "tests/conformance.rs",
                "src/simulator/mod.rs",
                "src/simulator/http.rs",
                "src/simulator/routes.rs",
                "src/simulator/store.rs",
                "tests/simulator_selftest.rs",
            ] {
                assert!(
                    scaffold.iter().any(|s| s == rel),
                    "the scaffold lacks {rel}"
                );
                assert!(
                    root.join(format!("crates/support-{adapter}/{rel}"))
                        .is_file(),
                    "support-{adapter} has no {rel}: the scaffold no longer matches the adapters"
                );
            }
            // The same kit pieces in the same places.
            for (rel, piece) in [
                (
                    "src/builder.rs",
                    "support_core::client_option_setters!(options);",
                ),
                ("src/simulator/mod.rs", "type State = SimState;"),
                ("src/simulator/store.rs", "pub struct SimState"),
                ("src/simulator/mod.rs", "Suite::new("),
                ("tests/conformance.rs", "::simulator::suite"),
                ("tests/simulator_selftest.rs", "OnSimulator {"),
                (
                    "tests/simulator_selftest.rs",
                    "support_conformance::adapter_suite!(",
                ),
                ("src/simulator/mod.rs", "pub fn port_factory("),
            ] {
                let adapter_file =
                    fs::read_to_string(root.join(format!("crates/support-{adapter}/{rel}")))
                        .unwrap_or_default();
                assert!(
                    adapter_file.contains(piece),
                    "support-{adapter}'s {rel}: {piece}"
                );
                assert!(file(rel).contains(piece), "the scaffold's {rel}: {piece}");
            }
        }
    }

    #[test]
    fn the_placeholder_spec_generates() {
        let code = generate::generate_code("acme", render(SPEC.text, "acme")).unwrap();
        assert!(code.contains("pub fn ping(&self)"));
    }

    const MANIFEST: &str = r#"[workspace]
resolver = "3"
members = [
    "crates/support-core",
    "crates/support-conformance",
    "crates/support-memory",
    "crates/support-zendesk",
    "xtask",
]

[workspace.dependencies]
support-core = { path = "crates/support-core" }
support-conformance = { path = "crates/support-conformance" }
support-memory = { path = "crates/support-memory" }
support-zendesk = { path = "crates/support-zendesk" }

async-trait = "0.1"
"#;

    #[test]
    fn crates_join_the_workspace_in_order() {
        let with_acme = add_to_workspace(MANIFEST, "acme").unwrap();
        assert_eq!(
            with_acme,
            MANIFEST
                .replace(
                    "    \"crates/support-zendesk\",\n",
                    "    \"crates/support-acme\",\n    \"crates/support-zendesk\",\n"
                )
                .replace(
                    "support-zendesk = {",
                    "support-acme = { path = \"crates/support-acme\" }\nsupport-zendesk = {"
                )
        );
        let with_zulu = add_to_workspace(&with_acme, "zulu").unwrap();
        assert!(with_zulu.contains(
            "    \"crates/support-zendesk\",\n    \"crates/support-zulu\",\n    \"xtask\",\n"
        ));
        assert!(with_zulu.contains(
            "support-zendesk = { path = \"crates/support-zendesk\" }\n\
             support-zulu = { path = \"crates/support-zulu\" }\n\n"
        ));
        assert!(add_to_workspace(&with_acme, "acme").is_err());
        assert!(add_to_workspace("[workspace]\n", "acme").is_err());
    }

    #[test]
    fn the_current_manifest_accepts_a_new_provider() {
        let root = paths::workspace_root();
        let manifest = fs::read_to_string(root.join("Cargo.toml")).unwrap();
        let updated = add_to_workspace(&manifest, "acmetest").unwrap();
        let added: Vec<&str> = updated
            .lines()
            .filter(|line| !manifest.lines().any(|old| old == *line))
            .collect();
        assert_eq!(added.len(), 2, "{added:?}");
        assert_eq!(updated.lines().count(), manifest.lines().count() + 2);
    }
}
