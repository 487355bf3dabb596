//! The conformance suite, one test per scenario (`cargo test -p support-servicenow --test conformance
//! <scenario>` runs the ones matching): the row `servicenow`, against the ServiceNow simulator, or
//! against a real instance with `SUPPORT_CONFORMANCE_LIVE=1` and the `SUPPORT_SERVICENOW_*`
//! variables.

use std::process::ExitCode;

fn main() -> ExitCode {
    support_servicenow::simulator::suite().run()
}
