//! The conformance suite, one test per scenario (`cargo test -p support-salesforce --test conformance
//! <scenario>` runs the ones matching), against the Salesforce simulator, or against a real account
//! with `SUPPORT_CONFORMANCE_LIVE=1` and the `SUPPORT_SALESFORCE_*` variables.

use std::process::ExitCode;

fn main() -> ExitCode {
    support_salesforce::simulator::suite().run()
}
