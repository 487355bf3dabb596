//! The conformance suite, one test per scenario (`cargo test -p support-zohodesk --test conformance
//! <scenario>` runs the ones matching), against the Zoho Desk simulator, or against a real account
//! with `SUPPORT_CONFORMANCE_LIVE=1` and the `SUPPORT_ZOHODESK_*` variables.

use std::process::ExitCode;

fn main() -> ExitCode {
    support_zohodesk::simulator::suite().run()
}
