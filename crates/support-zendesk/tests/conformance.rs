//! The conformance suite, one test per scenario (`cargo test -p support-zendesk --test conformance
//! paginates` runs one), against the Zendesk simulator, or against a real account with
//! `SUPPORT_CONFORMANCE_LIVE=1` and the `SUPPORT_ZENDESK_*` variables.

mod simulator;

use std::process::ExitCode;

use simulator::{ZendeskSimulator, port_factory, zendesk_world};
use support_conformance::Suite;
use support_zendesk::ZendeskPort;

fn main() -> ExitCode {
    Suite::new(support_zendesk::PROVIDER)
        .offline(|| ZendeskSimulator::start(zendesk_world(), port_factory(None)))
        .live(ZendeskPort::from_env)
        .run()
}
