//! The conformance suite, one test per scenario (`cargo test -p support-hubspot --test conformance
//! <scenario>` runs the ones matching), against the HubSpot simulator, or against a real account
//! with `SUPPORT_CONFORMANCE_LIVE=1` and the `SUPPORT_HUBSPOT_*` variables.

mod simulator;

use std::process::ExitCode;

use simulator::{HubspotSimulator, hubspot_world, port_factory};
use support_conformance::Suite;

fn main() -> ExitCode {
    Suite::new(support_hubspot::PROVIDER)
        // No request timeout: the suite runs on a paused clock, which fires every timer while the
        // runtime waits on a socket.
        .offline(|| HubspotSimulator::start(hubspot_world(), port_factory(None)))
        .live(support_hubspot::HubSpotPort::from_env)
        .run()
}
