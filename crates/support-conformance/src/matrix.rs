//! The provider x operation matrix of conformance reports, as text: what `cargo xtask conformance`
//! prints, and what any other program running the suites ([`Suite::report`]) prints the same way.
//!
//! ```text
//! provider    lsT  getT ...  conn    dl
//! memory     pass  pass ...  pass  pass
//! zendesk    pass  pass ...  pass  pass
//!
//! mode: offline (simulators)
//! columns: lsT=listTickets getT=getTicket ...
//! pass = every scenario passed; unsup = declared unsupported and returns Unsupported; skip = could not run here
//! conformance: 34 passed, 0 failed, 0 skipped
//! ```
//!
//! [`Suite::report`]: crate::Suite::report

use std::fmt::Write as _;

use crate::report::{Cell, CellResult, Mode, Report, columns};

/// A cell's symbol in the matrix.
pub fn symbol(result: CellResult) -> &'static str {
    match result {
        CellResult::Pass => "pass",
        CellResult::Unsupported => "unsup",
        CellResult::Skipped => "skip",
        CellResult::Fail => "FAIL",
    }
}

/// A cell's result as the reports' JSON spells it (`pass`, `unsupported`, `skipped`, `fail`).
fn result_name(result: CellResult) -> &'static str {
    match result {
        CellResult::Pass => "pass",
        CellResult::Unsupported => "unsupported",
        CellResult::Skipped => "skipped",
        CellResult::Fail => "fail",
    }
}

/// A matrix note's provider, result and detail.
type NoteKey = (String, &'static str, String);

/// The matrix: a header line of the columns' short names ([`columns`]), one row per report, a
/// blank line, the mode, the columns' legend, the symbols' legend, then one line per distinct
/// reason a provider's cells failed or were skipped. Every line ends with a newline.
pub fn table(reports: &[Report], mode: Mode) -> String {
    let columns = columns();
    let width = reports
        .iter()
        .map(|r| r.provider.len())
        .chain(["provider".len()])
        .max()
        .unwrap_or(8);
    let mut out = String::new();
    let mut header = format!("{:width$}", "provider");
    for (_, short) in &columns {
        let _ = write!(header, " {short:>5}");
    }
    let _ = writeln!(out, "{header}");
    // (provider, result, detail) -> operations, so that one reason given for many cells prints once.
    let mut notes: Vec<(NoteKey, Vec<&'static str>)> = Vec::new();
    for report in reports {
        let provider = report.provider.as_str();
        let mut row = format!("{provider:width$}");
        let cells = report.cells();
        for (operation, _) in &columns {
            let operation = operation.name();
            let cell = cells.iter().find(|c| c.operation == operation);
            let _ = write!(
                row,
                " {:>5}",
                cell.map_or("FAIL", |cell| symbol(cell.result))
            );
            if let Some(cell) = cell
                && matches!(cell.result, CellResult::Fail | CellResult::Skipped)
            {
                let key = (
                    provider.to_owned(),
                    result_name(cell.result),
                    cell.detail.clone(),
                );
                match notes.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, operations)) => operations.push(operation),
                    None => notes.push((key, vec![operation])),
                }
            }
        }
        let _ = writeln!(out, "{row}");
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "mode: {}",
        match mode {
            Mode::Live => "live",
            Mode::Offline => "offline (simulators)",
        }
    );
    let _ = writeln!(
        out,
        "columns: {}",
        columns
            .iter()
            .map(|(op, short)| format!("{short}={}", op.name()))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let _ = writeln!(
        out,
        "pass = every scenario passed; unsup = declared unsupported and returns Unsupported; skip = could not run here"
    );
    for ((provider, result, detail), operations) in notes {
        let which = if operations.len() == columns.len() {
            "every operation".to_owned()
        } else {
            operations.join(", ")
        };
        let _ = writeln!(out, "{provider} {which} {result}: {detail}");
    }
    out
}

/// The closing line: the cells' counts, an operation declared unsupported (and returning
/// `Unsupported`) counting as passed. No newline at its end.
pub fn summary(reports: &[Report]) -> String {
    let cells: Vec<Cell> = reports.iter().flat_map(Report::cells).collect();
    let count = |result: CellResult| cells.iter().filter(|cell| cell.result == result).count();
    format!(
        "conformance: {} passed, {} failed, {} skipped",
        count(CellResult::Pass) + count(CellResult::Unsupported),
        count(CellResult::Fail),
        count(CellResult::Skipped)
    )
}

/// The cells that failed, `provider operation` each, in the reports' order.
pub fn failed(reports: &[Report]) -> Vec<String> {
    reports
        .iter()
        .flat_map(Report::cells)
        .filter(|cell| cell.result == CellResult::Fail)
        .map(|cell| format!("{} {}", cell.provider, cell.operation))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Outcome, ScenarioResult};
    use support_core::Operation;

    fn report(provider: &str, outcome: Outcome) -> Report {
        Report {
            provider: provider.to_owned(),
            mode: Mode::Offline,
            scenarios: columns()
                .into_iter()
                .map(|(operation, _)| ScenarioResult {
                    scenario: "s".to_owned(),
                    operation,
                    outcome: if operation == Operation::GetSla {
                        outcome.clone()
                    } else {
                        Outcome::Pass
                    },
                })
                .collect(),
        }
    }

    #[test]
    fn rows_notes_and_summary() {
        let reports = [
            report("acme", Outcome::Unsupported),
            report("longer-name", Outcome::Fail("late".into())),
        ];
        let table = table(&reports, Mode::Offline);
        let lines: Vec<&str> = table.lines().collect();
        assert!(lines[0].starts_with("provider    "));
        assert!(lines[0].contains("   lsT  getT"));
        assert!(lines[1].starts_with("acme        "));
        assert!(lines[1].contains("unsup"));
        assert!(lines[2].contains(" FAIL"));
        assert_eq!(lines[3], "");
        assert_eq!(lines[4], "mode: offline (simulators)");
        assert!(lines[5].starts_with("columns: lsT=listTickets getT=getTicket"));
        assert_eq!(
            lines.last().copied(),
            Some("longer-name getSLA fail: s: late")
        );
        let cells = columns().len();
        assert_eq!(
            summary(&reports),
            format!("conformance: {} passed, 1 failed, 0 skipped", 2 * cells - 1)
        );
        assert_eq!(failed(&reports), ["longer-name getSLA"]);
    }
}
