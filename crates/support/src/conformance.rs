//! Offline conformance runs and the fixture world, for programs such as the `support` command
//! (feature `simulators`).
//!
//! - [`offline_suites`]: a provider's conformance suites, run against its simulator in-process
//!   with [`Suite::report`](support_conformance::Suite::report) or
//!   [`Suite::report_all`](support_conformance::Suite::report_all), and printed with
//!   [`support_conformance::matrix`] (the matrix `cargo xtask conformance` prints).
//! - [`fixture_port`]: the in-memory port seeded with the conformance suite's standard world, the
//!   default of a program that has no settings at all.

use std::sync::Arc;

use support_conformance::harness::Harness as _;
pub use support_conformance::{Mode, Report, Suite, matrix};

use crate::SupportPort;

/// The conformance suites of provider `name` (any spelling [`provider`](crate::provider) knows),
/// offline on its simulator; `None` for an unknown provider. A crate with several rows
/// (`intercom`, `intercom-conversations`) gives the row of that name.
pub fn offline_suites(name: &str) -> Option<Vec<Suite>> {
    let info = crate::provider(name)?;
    let all = match info.feature {
        "zendesk" => support_zendesk::simulator::suites(),
        "freshdesk" => support_freshdesk::simulator::suites(),
        "intercom" => support_intercom::simulator::suites(),
        "servicenow" => support_servicenow::simulator::suites(),
        "hubspot" => support_hubspot::simulator::suites(),
        "salesforce" => support_salesforce::simulator::suites(),
        "zammad" => support_zammad::simulator::suites(),
        "zohodesk" => support_zohodesk::simulator::suites(),
        "memory" => support_memory::simulator::suites(),
        _ => return None,
    };
    if all.iter().any(|suite| suite.provider() == info.name) {
        Some(
            all.into_iter()
                .filter(|suite| suite.provider() == info.name)
                .collect(),
        )
    } else {
        Some(all)
    }
}

/// The in-memory port seeded with the conformance suite's standard world (tickets, comments,
/// parties, articles, ...), with numeric ids: `memory:ticket:<n>`.
pub fn fixture_port() -> Arc<dyn SupportPort> {
    support_memory::simulator::MemoryHarness::new(support_conformance::IdScheme::Numeric).port()
}
