//! Scenario outcomes, the provider x operation matrix, and the JSON report `cargo xtask conformance`
//! reads.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use support_core::Operation;

/// The environment variable naming a directory where [`Report::write_if_requested`] writes
/// `{provider}.json`.
pub const REPORT_DIR_VAR: &str = "SUPPORT_CONFORMANCE_REPORT_DIR";

/// The environment variable that asks for the live run (`1`) instead of the offline one.
pub const LIVE_VAR: &str = "SUPPORT_CONFORMANCE_LIVE";

/// Whether this run was asked to go live.
pub fn live_requested() -> bool {
    std::env::var(LIVE_VAR).is_ok_and(|v| v == "1" || v.eq_ignore_ascii_case("true"))
}

/// The matrix's columns: every catalog operation, then `checkConnection`, each with the short
/// header `cargo xtask conformance` prints (the report carries them, so that the matrix follows
/// the catalog without a list of its own).
pub fn columns() -> Vec<(Operation, &'static str)> {
    Operation::ALL
        .into_iter()
        .chain([Operation::CheckConnection, Operation::DownloadAttachment])
        .map(|op| (op, header(op)))
        .collect()
}

/// An operation's column header, five characters at most.
fn header(operation: Operation) -> &'static str {
    match operation {
        Operation::ListTickets => "lsT",
        Operation::GetTicket => "getT",
        Operation::CreateTicket => "newT",
        Operation::UpdateTicket => "updT",
        Operation::CloseTicket => "clsT",
        Operation::ListAgents => "lsAg",
        Operation::AssignTicket => "asgn",
        Operation::AddComment => "addC",
        Operation::ListComments => "lsC",
        Operation::ListTags => "lsTg",
        Operation::CreateTag => "newTg",
        Operation::GetKnowledgeArticle => "getKA",
        Operation::ListKnowledgeArticles => "lsKA",
        Operation::GetSla => "SLA",
        Operation::ListSatisfactionRatings => "CSAT",
        Operation::CheckConnection => "conn",
        Operation::DownloadAttachment => "dl",
    }
}

/// How one scenario ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", content = "detail", rename_all = "snake_case")]
pub enum Outcome {
    /// It held.
    Pass,
    /// The operation is declared unsupported and returned `Unsupported` as declared.
    Unsupported,
    /// It could not run here (live mode without a fixture world, no simulator, ...).
    Skipped(String),
    /// It did not hold; the text says how.
    Fail(String),
}

/// One scenario's result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioResult {
    /// Scenario name.
    pub scenario: String,
    /// The operation it exercises.
    pub operation: Operation,
    /// How it ended.
    pub outcome: Outcome,
}

/// The verdict for one operation: the worst of its scenarios.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CellResult {
    /// Every scenario that ran passed.
    Pass,
    /// Declared unsupported, and returns `Unsupported`.
    Unsupported,
    /// Nothing could run.
    Skipped,
    /// A scenario failed.
    Fail,
}

/// One cell of the matrix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cell {
    /// Provider.
    pub provider: String,
    /// Operation (catalog name).
    pub operation: String,
    /// Verdict.
    pub result: CellResult,
    /// What passed, failed or was skipped.
    pub detail: String,
}

/// Whether the suite ran against a simulator or a live account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Against the simulator (or in memory).
    Offline,
    /// Against a real account.
    Live,
}

/// Everything one run found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// The provider.
    pub provider: String,
    /// Offline or live.
    pub mode: Mode,
    /// Every scenario's result, in run order.
    pub scenarios: Vec<ScenarioResult>,
}

impl Report {
    /// One cell per operation, in [`columns`] order.
    pub fn cells(&self) -> Vec<Cell> {
        let mut by_op: BTreeMap<Operation, Vec<&ScenarioResult>> = BTreeMap::new();
        for result in &self.scenarios {
            by_op.entry(result.operation).or_default().push(result);
        }
        columns()
            .into_iter()
            .map(|(op, _)| {
                let results = by_op.remove(&op).unwrap_or_default();
                let failed: Vec<String> = results
                    .iter()
                    .filter_map(|r| match &r.outcome {
                        Outcome::Fail(why) => Some(format!("{}: {why}", r.scenario)),
                        _ => None,
                    })
                    .collect();
                let passed = results
                    .iter()
                    .filter(|r| r.outcome == Outcome::Pass)
                    .count();
                let skipped: Vec<String> = results
                    .iter()
                    .filter_map(|r| match &r.outcome {
                        Outcome::Skipped(why) => Some(format!("{}: {why}", r.scenario)),
                        _ => None,
                    })
                    .collect();
                let unsupported = results.iter().any(|r| r.outcome == Outcome::Unsupported);
                let (result, detail) = if !failed.is_empty() {
                    (CellResult::Fail, failed.join("; "))
                } else if unsupported {
                    (
                        CellResult::Unsupported,
                        "declared unsupported and returns Unsupported".to_owned(),
                    )
                } else if passed > 0 {
                    let mut detail = format!("{passed} scenario(s) passed");
                    if !skipped.is_empty() {
                        let _ = write!(detail, "; skipped {}", skipped.join("; "));
                    }
                    (CellResult::Pass, detail)
                } else if skipped.is_empty() {
                    (CellResult::Fail, "no scenario ran".to_owned())
                } else {
                    (CellResult::Skipped, skipped.join("; "))
                };
                Cell {
                    provider: self.provider.clone(),
                    operation: op.name().to_owned(),
                    result,
                    detail,
                }
            })
            .collect()
    }

    /// A live run that could not start, with every operation skipped for the reason given.
    pub fn live_skipped(provider: &str, why: &str) -> Self {
        Self {
            provider: provider.to_owned(),
            mode: Mode::Live,
            scenarios: Operation::ALL
                .into_iter()
                .chain([Operation::CheckConnection, Operation::DownloadAttachment])
                .map(|operation| ScenarioResult {
                    scenario: "live".to_owned(),
                    operation,
                    outcome: Outcome::Skipped(why.to_owned()),
                })
                .collect(),
        }
    }

    /// Whether no scenario failed.
    pub fn passed(&self) -> bool {
        !self
            .scenarios
            .iter()
            .any(|r| matches!(r.outcome, Outcome::Fail(_)))
    }

    /// The scenarios that failed, one per line.
    pub fn failures(&self) -> String {
        self.scenarios
            .iter()
            .filter_map(|r| match &r.outcome {
                Outcome::Fail(why) => {
                    Some(format!("  {} [{}]: {why}", r.scenario, r.operation.name()))
                }
                _ => None,
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Writes `{provider}.json` (the report, its cells and the matrix's [`columns`]) into the directory named by
    /// [`REPORT_DIR_VAR`], when it is set and this report's mode is the one requested
    /// ([`live_requested`]).
    pub fn write_if_requested(&self) {
        let Some(dir) = std::env::var_os(REPORT_DIR_VAR) else {
            return;
        };
        if (self.mode == Mode::Live) != live_requested() {
            return;
        }
        let path = std::path::Path::new(&dir).join(format!("{}.json", self.provider));
        let document = serde_json::json!({
            "provider": self.provider,
            "mode": self.mode,
            "columns": columns()
                .into_iter()
                .map(|(op, header)| serde_json::json!({"operation": op.name(), "header": header}))
                .collect::<Vec<_>>(),
            "cells": self.cells(),
            "scenarios": self.scenarios,
        });
        let written = serde_json::to_vec_pretty(&document)
            .map_err(std::io::Error::other)
            .and_then(|json| {
                std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, json))
            });
        if let Err(error) = written {
            eprintln!(
                "could not write the conformance report to {}: {error}",
                path.display()
            );
        }
    }

    /// Panics with the list of failed scenarios, if any; prints what was skipped.
    #[allow(clippy::panic)]
    pub fn assert_passed(&self) {
        for result in &self.scenarios {
            if let Outcome::Skipped(why) = &result.outcome {
                eprintln!(
                    "skipped {} [{}]: {why}",
                    result.scenario,
                    result.operation.name()
                );
            }
        }
        if !self.passed() {
            panic!("{} conformance failed:\n{}", self.provider, self.failures());
        }
    }
}
