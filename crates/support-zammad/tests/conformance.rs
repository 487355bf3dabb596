//! The conformance suite, one test per scenario (`cargo test -p support-zammad --test conformance
//! <scenario>` runs the ones matching): the row `zammad`, against the Zammad simulator, or
//! against a real instance with `SUPPORT_CONFORMANCE_LIVE=1` and the `SUPPORT_ZAMMAD_*`
//! variables.

use std::process::ExitCode;

fn main() -> ExitCode {
    support_zammad::simulator::suite().run()
}
