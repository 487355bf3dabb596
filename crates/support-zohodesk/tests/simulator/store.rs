//! The Zohodesk account the simulator serves: the fixture world in Zohodesk's own records, and the
//! log of answered requests.

use support_conformance::World;
use support_conformance::sim::{self, RecordedRequest};

/// The account's records. Scaffold: none yet; add Zohodesk's records (tickets, users, comments in
/// its native shapes) as the routes that serve them arrive, seeded from the world in `seed`.
#[derive(Debug, Default)]
pub struct SimState {
    log: Vec<RecordedRequest>,
}

impl sim::Account for SimState {
    fn seed(_world: World, _base_url: &str) -> Self {
        Self::default()
    }

    fn log(&mut self) -> &mut Vec<RecordedRequest> {
        &mut self.log
    }
}
