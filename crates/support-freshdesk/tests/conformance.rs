//! The conformance suite, one test per scenario (`cargo test -p support-freshdesk --test
//! conformance paginates` runs one), against the Freshdesk simulator, or against a real helpdesk
//! with `SUPPORT_CONFORMANCE_LIVE=1`, `SUPPORT_FRESHDESK_DOMAIN` and `SUPPORT_FRESHDESK_API_KEY`.

mod simulator;

use std::process::ExitCode;

use simulator::{FreshdeskSimulator, freshdesk_world, port_factory};
use support_conformance::Suite;
use support_freshdesk::FreshdeskPort;

fn main() -> ExitCode {
    Suite::new(support_freshdesk::PROVIDER)
        .offline(|| FreshdeskSimulator::start(freshdesk_world(), port_factory(None)))
        .live(FreshdeskPort::from_env)
        .run()
}
