//! Properties of the workspace's adapters as a set, found by walking `crates/` (no list to edit
//! when a provider is added). What every adapter must show on its own (operations declared with a
//! reason, `Unsupported` errors naming provider and operation, a provider name valid in ids) is
//! checked by each adapter's registered conformance suite.

use std::fs;
use std::path::{Path, PathBuf};

/// `crates/support-<name>` directories whose `src/lib.rs` declares `pub const PROVIDER`, with the
/// provider name it declares.
fn adapters() -> Vec<(PathBuf, String)> {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates");
    let mut found = Vec::new();
    for entry in fs::read_dir(&crates).expect("crates/ is readable") {
        let dir = entry.expect("a crates/ entry").path();
        let Ok(lib) = fs::read_to_string(dir.join("src/lib.rs")) else {
            continue;
        };
        let provider = lib.lines().find_map(|line| {
            line.trim()
                .strip_prefix("pub const PROVIDER: &str = \"")?
                .strip_suffix("\";")
                .map(str::to_owned)
        });
        if let Some(provider) = provider {
            found.push((dir, provider));
        }
    }
    found.sort();
    found
}

#[test]
fn the_adapters_are_found() {
    let names: Vec<String> = adapters().into_iter().map(|(_, name)| name).collect();
    for known in ["freshdesk", "memory", "zendesk"] {
        assert!(names.iter().any(|n| n == known), "{known} not in {names:?}");
    }
}

#[test]
fn provider_names_are_distinct() {
    let names: Vec<String> = adapters().into_iter().map(|(_, name)| name).collect();
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        names.len(),
        "two adapters share a name: {names:?}"
    );
}

#[test]
fn every_adapter_registers_its_conformance_suite() {
    for (dir, provider) in adapters() {
        let test = fs::read_to_string(dir.join("tests/conformance.rs"))
            .unwrap_or_else(|_| panic!("{provider}: no tests/conformance.rs"));
        // The suite is the simulator's (library code behind the `simulator` feature), so that
        // programs other than the test can run it; the test runs it.
        let simulator = fs::read_to_string(dir.join("src/simulator/mod.rs"))
            .or_else(|_| fs::read_to_string(dir.join("src/simulator.rs")))
            .unwrap_or_else(|_| panic!("{provider}: no src/simulator/mod.rs or src/simulator.rs"));
        assert!(
            simulator.contains("Suite::new(") && simulator.contains("pub fn suites()"),
            "{provider}: its simulator module does not register its suites through \
             support_conformance::Suite (`pub fn suites()`)"
        );
        assert!(
            test.contains("simulator::suite"),
            "{provider}: tests/conformance.rs does not run the simulator's suite"
        );
        let lib = fs::read_to_string(dir.join("src/lib.rs")).expect("src/lib.rs");
        assert!(
            lib.contains("#[cfg(feature = \"simulator\")]\npub mod simulator;"),
            "{provider}: src/lib.rs does not declare the simulator behind its feature"
        );
        let manifest = fs::read_to_string(dir.join("Cargo.toml")).expect("Cargo.toml");
        let registered = manifest.split("[[test]]").skip(1).any(|section| {
            section.contains("name = \"conformance\"") && section.contains("harness = false")
        });
        assert!(
            registered,
            "{provider}: Cargo.toml lacks [[test]] name = \"conformance\" with harness = false"
        );
    }
}
