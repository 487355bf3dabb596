//! The conformance suite, one test per scenario (`cargo test -p support-hubspot --test conformance
//! <scenario>` runs the ones matching), against the HubSpot simulator, or against a real account
//! with `SUPPORT_CONFORMANCE_LIVE=1` and the `SUPPORT_HUBSPOT_*` variables.

use std::process::ExitCode;

fn main() -> ExitCode {
    support_hubspot::simulator::suite().run()
}
