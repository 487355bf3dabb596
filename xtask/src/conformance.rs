//! `cargo xtask conformance [provider...] [--live] [--json]`: runs each adapter's conformance test and
//! prints the provider x operation matrix.
//!
//! Each adapter's `tests/conformance.rs` runs the suite and, when `SUPPORT_CONFORMANCE_REPORT_DIR` is
//! set, writes `{provider}.json` there. This command runs all of them in one `cargo test` invocation
//! (one build), then reads the reports. `--live` sets `SUPPORT_CONFORMANCE_LIVE=1`, which switches the
//! tests to the provider's real account when its `SUPPORT_<PROVIDER>_*` variables are set.
//!
//! Nothing here lists providers or operations: adapters are the crates with a
//! `tests/conformance.rs`, and the matrix (its columns, rows, notes and summary line) is
//! `support_conformance::matrix`'s, which any other program running the suites prints the same way.

use std::fs;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, anyhow, bail};
use serde_json::Value;
use support_conformance::{Mode, Report, matrix};

use crate::cli::{Args, CliError};
use crate::paths::workspace_root;

/// Runs the command.
pub fn run(raw: &[String]) -> Result<(), CliError> {
    let args = Args::parse(raw, &["--live", "--json"])?;
    let available = adapters()?;
    let selected: Vec<String> = if args.positional().is_empty() {
        available.clone()
    } else {
        for name in args.positional() {
            if !available.contains(name) {
                return Err(CliError::usage(format!(
                    "no adapter `{name}` with a conformance test; available: {}",
                    available.join(", ")
                )));
            }
        }
        args.positional().to_vec()
    };
    let live = args.flag("--live");
    let documents = run_tests(&selected, live)?;
    let reports = documents
        .iter()
        .map(|document| serde_json::from_value::<Report>(document.clone()))
        .collect::<Result<Vec<_>, _>>()
        .context("reading a conformance report")?;
    if args.flag("--json") {
        // The cells as the reports hold them, one JSON object per line.
        let cells = documents
            .iter()
            .flat_map(|r| r["cells"].as_array().into_iter().flatten());
        for cell in cells {
            println!(
                "{}",
                serde_json::to_string(cell).map_err(anyhow::Error::from)?
            );
        }
    } else {
        let mode = if live { Mode::Live } else { Mode::Offline };
        print!("{}", matrix::table(&reports, mode));
    }
    // One closing line with the cell counts; on stderr under --json so that stdout stays one JSON
    // object per line.
    let summary = matrix::summary(&reports);
    if args.flag("--json") {
        eprintln!("{summary}");
    } else {
        println!("{summary}");
    }
    let failed = matrix::failed(&reports);
    if failed.is_empty() {
        Ok(())
    } else {
        Err(CliError::Failed(anyhow!(
            "conformance failed for: {}",
            failed.join(", ")
        )))
    }
}

/// Providers whose crate has `tests/conformance.rs`, sorted with the in-memory reference first.
fn adapters() -> anyhow::Result<Vec<String>> {
    let crates = workspace_root().join("crates");
    let mut names = Vec::new();
    for entry in fs::read_dir(&crates).with_context(|| format!("reading {}", crates.display()))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(provider) = name.strip_prefix("support-")
            && entry.path().join("tests").join("conformance.rs").is_file()
        {
            names.push(provider.to_owned());
        }
    }
    names.sort_by_key(|name| (name != "memory", name.clone()));
    Ok(names)
}

fn run_tests(providers: &[String], live: bool) -> anyhow::Result<Vec<Value>> {
    let report_dir = workspace_root().join("target").join("conformance");
    if report_dir.exists() {
        fs::remove_dir_all(&report_dir)
            .with_context(|| format!("clearing {}", report_dir.display()))?;
    }
    fs::create_dir_all(&report_dir)?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(workspace_root())
        .args(["test", "--quiet"]);
    for provider in providers {
        command.args(["-p", &format!("support-{provider}")]);
    }
    command
        .args(["--test", "conformance"])
        .env("SUPPORT_CONFORMANCE_REPORT_DIR", &report_dir);
    if live {
        command.env("SUPPORT_CONFORMANCE_LIVE", "1");
    } else {
        command.env_remove("SUPPORT_CONFORMANCE_LIVE");
    }
    eprintln!(
        "running the conformance suite for {}{}",
        providers.join(", "),
        if live { " (live)" } else { "" }
    );
    let output = command.output().context("running cargo test")?;
    let mut reports = Vec::new();
    let mut missing = Vec::new();
    for provider in providers {
        match read_report(&report_dir.join(format!("{provider}.json"))) {
            Some(report) => reports.push(report),
            None => missing.push(provider.clone()),
        }
        // Further rows of the same test target (`intercom-conversations` beside `intercom`).
        for row in further_rows(&report_dir, provider, providers) {
            if let Some(report) = read_report(&report_dir.join(format!("{row}.json"))) {
                reports.push(report);
            }
        }
    }
    if !missing.is_empty() || (!output.status.success() && reports.is_empty()) {
        eprintln!("{}", String::from_utf8_lossy(&output.stdout));
        eprintln!("{}", String::from_utf8_lossy(&output.stderr));
        bail!(
            "no conformance report from: {} (the test output is above)",
            missing.join(", ")
        );
    }
    Ok(reports)
}

/// The rows `{provider}-{mode}` whose reports the provider's conformance test wrote beside its
/// own, sorted; names of other selected providers are theirs, not rows of this one.
fn further_rows(report_dir: &Path, provider: &str, providers: &[String]) -> Vec<String> {
    let mut rows: Vec<String> = fs::read_dir(report_dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let row = name.strip_suffix(".json")?;
            let mode = row.strip_prefix(provider)?.strip_prefix('-')?;
            (!mode.is_empty() && !providers.iter().any(|p| p == row)).then(|| row.to_owned())
        })
        .collect();
    rows.sort();
    rows
}

fn read_report(path: &Path) -> Option<Value> {
    serde_json::from_slice(&fs::read(path).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn further_rows_are_the_providers_own_modes_only() {
        let dir = std::env::temp_dir().join(format!("xtask-rows-{}", std::process::id()));
        fs::create_dir_all(&dir).expect("a temporary directory");
        for name in [
            "acme",
            "acme-chat",
            "acme-beta",
            "acmex",
            "other-chat",
            "acme-",
        ] {
            fs::write(dir.join(format!("{name}.json")), "{}").expect("a report");
        }
        let providers = ["acme".to_owned(), "acme-beta".to_owned()];
        let rows = further_rows(&dir, "acme", &providers);
        let _ = fs::remove_dir_all(&dir);
        assert_eq!(rows, ["acme-chat"]);
    }
}
