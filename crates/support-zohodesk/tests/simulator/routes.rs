//! Zohodesk's endpoints, in matching order: method, path (`{}` for an id), the query parameters
//! (`Params`) and body (`BodyRule`) each accepts, and its handler.

use serde_json::json;
use support_conformance::sim::{BodyRule, Params, Route};

use super::http::{Reply, Req};
use super::store::SimState;

/// The placeholder endpoint of `specs/zohodesk.yaml`.
pub const PING: &str = "/api/ping";

/// Every endpoint the simulator serves.
pub static ROUTES: &[Route<SimState>] =
    &[Route::new("GET", PING, Params::NONE, BodyRule::Any, ping)];

fn ping(_state: &mut SimState, _req: &Req) -> Reply {
    Reply::ok(json!({"ok": true}))
}
