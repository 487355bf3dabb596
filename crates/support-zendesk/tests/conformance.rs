//! The conformance suite, one test per scenario (`cargo test -p support-zendesk --test conformance
//! paginates` runs one), against the Zendesk simulator, or against a real account with
//! `SUPPORT_CONFORMANCE_LIVE=1` and the `SUPPORT_ZENDESK_*` variables.

use std::process::ExitCode;

fn main() -> ExitCode {
    support_zendesk::simulator::suite().run()
}
