//! The conformance suite, one test per scenario, for both of the adapter's modes: the row
//! `intercom` (tickets) and the row `intercom-conversations` (`cargo test -p support-intercom --test
//! conformance intercom-conversations::` runs the second), against the Intercom simulator, or
//! against a real workspace with `SUPPORT_CONFORMANCE_LIVE=1` and the `SUPPORT_INTERCOM_*`
//! variables (the conversations row with the mode forced to conversations).

use std::process::ExitCode;

use support_conformance::Suite;

fn main() -> ExitCode {
    Suite::run_all(support_intercom::simulator::suites())
}
