//! The conformance suite against the in-memory port holding the standard world with ids that are
//! not numbers: Salesforce's 18-character ids, mixed case with a checksum suffix, the most
//! demanding of the id schemes the world can spell. Scenarios, the world and the port must carry
//! such ids through every operation unchanged.

use std::process::ExitCode;

use support_conformance::IdScheme;

fn main() -> ExitCode {
    support_memory::simulator::suite_with_ids(IdScheme::Salesforce18).run()
}
