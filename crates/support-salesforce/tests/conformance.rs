//! The conformance suite, one test per scenario (`cargo test -p support-salesforce --test conformance
//! <scenario>` runs the ones matching), against the Salesforce simulator, or against a real account
//! with `SUPPORT_CONFORMANCE_LIVE=1` and the `SUPPORT_SALESFORCE_*` variables.

mod simulator;

use std::process::ExitCode;

use simulator::{SalesforceSimulator, port_factory, salesforce_world};
use support_conformance::Suite;
use support_salesforce::SalesforcePort;

fn main() -> ExitCode {
    Suite::new(support_salesforce::PROVIDER)
        // No request timeout: the suite runs on a paused clock, which fires every timer while the
        // runtime waits on a socket.
        .offline(|| SalesforceSimulator::start(salesforce_world(), port_factory(None)))
        .live(SalesforcePort::from_env)
        .run()
}
