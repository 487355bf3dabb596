//! The conformance suite, one test per scenario (`cargo test -p support-servicenow --test conformance
//! <scenario>` runs the ones matching): the row `servicenow`, against the ServiceNow simulator, or
//! against a real instance with `SUPPORT_CONFORMANCE_LIVE=1` and the `SUPPORT_SERVICENOW_*`
//! variables.

mod simulator;

use std::process::ExitCode;

use simulator::{AdapterPort, ServiceNowSimulator, port_factory, servicenow_world};
use support_conformance::Suite;

fn main() -> ExitCode {
    Suite::new(support_servicenow::PROVIDER)
        // No request timeout: the suite runs on a paused clock, which fires every timer while the
        // runtime waits on a socket.
        .offline(|| ServiceNowSimulator::start(servicenow_world(), port_factory(None)))
        .live(AdapterPort::from_env)
        .run()
}
