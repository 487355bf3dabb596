//! The conformance suite, one test per scenario (`cargo test -p support-zohodesk --test conformance
//! <scenario>` runs the ones matching), against the Zoho Desk simulator, or against a real account
//! with `SUPPORT_CONFORMANCE_LIVE=1` and the `SUPPORT_ZOHODESK_*` variables.

mod simulator;

use std::process::ExitCode;

use simulator::{ZohoDeskSimulator, port_factory, zohodesk_world};
use support_conformance::Suite;
use support_zohodesk::ZohoDeskPort;

fn main() -> ExitCode {
    Suite::new(support_zohodesk::PROVIDER)
        // No request timeout: the suite runs on a paused clock, which fires every timer while the
        // runtime waits on a socket.
        .offline(|| ZohoDeskSimulator::start(zohodesk_world(), port_factory(None)))
        .live(ZohoDeskPort::from_env)
        .run()
}
