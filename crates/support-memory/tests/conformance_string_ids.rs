//! The conformance suite against the in-memory port holding the standard world with ids that are
//! not numbers: Salesforce's 18-character ids, mixed case with a checksum suffix, the most
//! demanding of the id schemes the world can spell. Scenarios, the world and the port must carry
//! such ids through every operation unchanged.

mod harness;

use std::process::ExitCode;

use harness::MemoryHarness;
use support_conformance::{IdScheme, Suite};
use support_memory::PROVIDER;

fn main() -> ExitCode {
    Suite::new(PROVIDER)
        .offline(async || MemoryHarness::new(IdScheme::Salesforce18))
        .live_is_offline()
        .run()
}
