//! The conformance suite, one test per scenario (`cargo test -p support-freshdesk --test
//! conformance paginates` runs one), against the Freshdesk simulator, or against a real helpdesk
//! with `SUPPORT_CONFORMANCE_LIVE=1`, `SUPPORT_FRESHDESK_DOMAIN` and `SUPPORT_FRESHDESK_API_KEY`.

use std::process::ExitCode;

fn main() -> ExitCode {
    support_freshdesk::simulator::suite().run()
}
