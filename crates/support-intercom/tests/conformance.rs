//! The conformance suite, one test per scenario, for both of the adapter's modes: the row
//! `intercom` (tickets) and the row `intercom-conversations` (`cargo test -p support-intercom --test
//! conformance intercom-conversations::` runs the second), against the Intercom simulator, or
//! against a real workspace with `SUPPORT_CONFORMANCE_LIVE=1` and the `SUPPORT_INTERCOM_*`
//! variables (the conversations row with the mode forced to conversations).

mod simulator;

use std::process::ExitCode;

use simulator::{
    IntercomSimulator, conversations_port_factory, conversations_world, intercom_world,
    port_factory,
};
use support_conformance::Suite;
use support_intercom::{IntercomPort, Mode};

fn main() -> ExitCode {
    // No request timeout: the suite runs on a paused clock, which fires every timer while the
    // runtime waits on a socket.
    let tickets = Suite::new(support_intercom::PROVIDER)
        .offline(|| IntercomSimulator::start(intercom_world(), port_factory(None)))
        .live(|| {
            IntercomPort::builder()
                .from_env()
                .and_then(|b| b.mode(Mode::Tickets).build())
        });
    let conversations = Suite::new(support_intercom::CONVERSATIONS_PROVIDER)
        .offline(|| {
            IntercomSimulator::start(conversations_world(), conversations_port_factory(None))
        })
        .live(|| {
            IntercomPort::builder()
                .from_env()
                .and_then(|b| b.conversations().build())
        });
    Suite::run_all(vec![tickets, conversations])
}
