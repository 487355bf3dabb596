//! The conformance suite, one test per scenario (`cargo test -p support-zammad --test conformance
//! <scenario>` runs the ones matching): the row `zammad`, against the Zammad simulator, or
//! against a real instance with `SUPPORT_CONFORMANCE_LIVE=1` and the `SUPPORT_ZAMMAD_*`
//! variables.

mod simulator;

use std::process::ExitCode;

use simulator::{AdapterPort, ZammadSimulator, port_factory, zammad_world};
use support_conformance::Suite;

fn main() -> ExitCode {
    Suite::new(support_zammad::PROVIDER)
        // No request timeout: the suite runs on a paused clock, which fires every timer while the
        // runtime waits on a socket.
        .offline(|| ZammadSimulator::start(zammad_world(), port_factory(None)))
        .live(AdapterPort::from_env)
        .run()
}
