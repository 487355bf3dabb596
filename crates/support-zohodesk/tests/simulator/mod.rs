//! A stateful simulator of the Zohodesk API on an `httpmock` server (loopback only), serving the
//! conformance suite's standard world in Zohodesk's documented wire format and checking the requests
//! it receives.
//!
//! Built on the kit (`support_conformance::sim`): this module holds Zohodesk's wire format only.
//! Authentication first, the request log, shared state and fault injection are the kit's.
//!
//! - Every request must carry `Authorization: Bearer {TOKEN}`; anything else gets Zohodesk's 401
//!   (`http.rs`).
//! - Each endpoint is one route of `routes.rs`: method, path, the query parameters and body it
//!   accepts, and a handler answering from the account (`store.rs`). A request no route accepts
//!   gets httpmock's 404: that is how an unexpected request shows.
//!
//! Scaffold: the only route is the placeholder `GET /api/ping`. Grow it with each operation the
//! adapter implements, strict as Zohodesk is, and say here where it is stricter on purpose.
//!
//! Used by `tests/conformance.rs` and `tests/simulator_selftest.rs` via `mod simulator;`.

mod http;
mod routes;
mod store;

use std::sync::Arc;
use std::time::Duration;

use support_conformance::sim::{self, Credentials, FaultTarget, Route, Simulated, Wire};
use support_conformance::{IdScheme, Profile, SlaClocks, World};
use support_core::{Channel, Operation, Priority, SupportPort, TicketStatus};
use support_zohodesk::ZohodeskPort;

pub use http::{Reply, Req, authorization};
pub use store::SimState;

/// Builds the adapter's port for a base URL and an API token.
pub type PortFactory = Arc<dyn Fn(&str, &str) -> Arc<dyn SupportPort> + Send + Sync>;

/// The API token the simulator accepts.
pub const TOKEN: &str = "sim-token";
/// The API token of the port with bad credentials.
pub const WRONG_TOKEN: &str = "wrong-token";

/// Zohodesk ports against the simulator, with quick backoff and this per-attempt timeout (`None`
/// under a paused clock, which fires every timer while the runtime waits on a socket).
pub fn port_factory(request_timeout: Option<Duration>) -> PortFactory {
    Arc::new(move |base_url: &str, token: &str| {
        sim::built(
            ZohodeskPort::builder()
                .base_url(base_url)
                .bearer_token(token)
                .request_timeout(request_timeout)
                .retry_policy(sim::quick_retries())
                .build(),
        )
    })
}

/// The standard world as Zohodesk can hold it. Set each field to what Zohodesk documents: the
/// canonical statuses, channels and priorities it has native values for (and whether tickets carry a
/// channel, tags and a writable priority at all), whether agents report availability, whether
/// creates honour an idempotency key, how it spells ids (`IdScheme`) and whether tags, ratings and
/// files have ids of their own, and which of a ticket's details it records (category, resolution
/// and its times, SLA clocks, comment author kinds, attachments), whether SLA policies hold
/// targets per priority, and whether knowledge articles come as drafts too and with their
/// categories, author and creation time: each switched on once the adapter maps it and the
/// simulator serves it.
pub fn zohodesk_world() -> World {
    World::standard(
        support_zohodesk::PROVIDER,
        Profile {
            statuses: TicketStatus::KNOWN.to_vec(),
            channels: vec![Channel::Email, Channel::Web, Channel::Chat, Channel::Phone],
            records_channel: true,
            priority_optional: true,
            priorities: vec![
                Priority::Low,
                Priority::Normal,
                Priority::High,
                Priority::Urgent,
            ],
            priority_writable: true,
            ticket_tags: true,
            reports_availability: false,
            agent_roles: Some(["admin", "agent"]),
            honours_idempotency_keys: false,
            ids: IdScheme::Numeric,
            categories: Vec::new(),
            records_resolution: false,
            records_resolution_times: false,
            sla_clocks: SlaClocks::NONE,
            author_kinds: false,
            attachments: false,
            comment_scoped_attachment_ids: false,
            first_comment_opens: false,
            tag_ids: false,
            rating_ids: true,
            sla_targets_by_priority: true,
            article_drafts: true,
            article_details: true,
            one_owner: false,
            names_throttling_wait: true,
            sla_policy_targets: true,
            category_ids: true,
            ticket_scoped_attachment_ids: false,
            sla_business_hours: false,
            tickets_need_group: false,
            comment_files_on_ticket: false,
        },
    )
}

/// Zohodesk's wire format for the kit.
#[derive(Debug)]
pub struct ZohodeskWire;

/// The Zohodesk simulator as the conformance suite's `Harness` and `Simulator`.
pub type ZohodeskSimulator = Simulated<ZohodeskWire>;

impl Wire for ZohodeskWire {
    type State = SimState;
    type Factory = PortFactory;

    // Add the headers every Zohodesk answer carries (rate-limit headers, say) as `HEADERS`, and
    // `API_ROOT` when its API lives below a path (`/api/v2`).

    fn routes() -> &'static [Route<SimState>] {
        routes::ROUTES
    }

    fn authorized(req: &Req) -> bool {
        req.header("authorization") == Some(authorization(TOKEN).as_str())
    }

    fn unauthenticated() -> Reply {
        http::unauthenticated()
    }

    fn port(
        factory: &PortFactory,
        base_url: &str,
        credentials: Credentials,
    ) -> Arc<dyn SupportPort> {
        let token = match credentials {
            Credentials::Accepted => TOKEN,
            Credentials::Rejected => WRONG_TOKEN,
        };
        factory(base_url, token)
    }

    /// The endpoint each operation's fault scenarios hit, for the world's input of that operation
    /// (`Exact("GET", format!("/api/tickets/{}", world.tickets[0].id))`, say).
    fn fault_target(_world: &World, operation: Operation) -> FaultTarget {
        match operation {
            Operation::CheckConnection => FaultTarget::Exact("GET", routes::PING.into()),
            // Not implemented yet: no endpoint to fault.
            _ => FaultTarget::Patterns("GET", Vec::new()),
        }
    }
}
