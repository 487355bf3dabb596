//! A stateful simulator of the Zendesk Support and Help Center REST APIs on an `httpmock` server
//! (loopback only), serving the conformance suite's standard world in Zendesk's documented wire
//! format and checking the requests it receives.
//!
//! Built on the kit (`support_conformance::sim`): this module holds Zendesk's wire format only.
//!
//! - Every request must carry `Authorization: Basic base64("{EMAIL}/token:{TOKEN}")`; anything else
//!   gets Zendesk's 401.
//! - Each endpoint is one mock that checks method, path (with Zendesk's optional `.json` suffix),
//!   the query parameters it allows and requires, and for writes a JSON body with a `ticket`
//!   object. A request no mock accepts gets httpmock's 404: that is how an unexpected request shows.
//! - Answers come from shared state, so writes are visible to later reads.
//!
//! Files: `POST /api/v2/uploads?filename=..[&token=..]` takes the raw bytes with their
//! `Content-Type` and answers an upload token; a comment's `uploads` tokens become its
//! attachments (a token is used once; an unknown one is `RecordInvalid`); an attachment's
//! `content_url` is `/attachments/token/{id}/?name=..` on the simulator's host and serves the bytes
//! to authenticated requests. Ticket reads take `include=slas` (and the other documented ticket
//! sideloads' names), comment listings `include=users`.
//!
//! Where the simulator is stricter than "whatever works", on purpose:
//! - `GET /api/v2/search/export` rejects `type:` in the query: the vendor description says
//!   "Searches with type in the query string will result in an error" (`filter[type]` names it).
//! - Search terms the simulator cannot evaluate (free text, unknown fields, one field twice) are
//!   `400 InvalidSearch` rather than a guess at Zendesk's semantics.
//! - Audit `Create`/`Change` events for `tags` carry arrays, as Zendesk's do, although the vendor
//!   schema types `events[].value` as string or integer.
//! - As in Zendesk, a cursor page's `links.next` and `meta.after_cursor` are set on the last page
//!   too; `meta.has_more` is the end signal.
//!
//! Test infrastructure, not part of the adapter: compiled only with the crate's `simulator`
//! feature. The crate's tests reach it through a self dev-dependency (`use
//! support_zendesk::simulator;`), so it is compiled once for all of them; [`suites`] are the
//! conformance suites its `tests/conformance.rs` runs, and that an offline run elsewhere can run
//! in-process (`Suite::report`).

// Test infrastructure: a fixture or request the simulator cannot handle fails loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod http;
mod paging;
mod routes;
mod search;
mod store;
mod writes;

use std::sync::Arc;
use std::time::Duration;

use crate::ZendeskPort;
use support_conformance::sim::{
    self, Credentials, FaultTarget, Simulated, Wire, basic_credentials,
};
use support_conformance::{ClockReport, IdScheme, Profile, SlaClocks, World};
use support_core::{Operation, SupportPort, TicketCategory, TicketStatus};

pub use http::{Reply, Req, authorization};
pub use routes::{ROUTES, Route};
pub use store::{RecordedRequest, Shared, SimState, lock};

/// Builds the adapter's port for a base URL, agent e-mail and API token.
pub type PortFactory = Arc<dyn Fn(&str, &str, &str) -> Arc<dyn SupportPort> + Send + Sync>;

/// Zendesk ports against the simulator, with quick backoff and this per-attempt timeout (`None`
/// under a paused clock, which fires every timer while the runtime waits on a socket).
pub fn port_factory(request_timeout: Option<Duration>) -> PortFactory {
    Arc::new(move |base_url: &str, email: &str, token: &str| {
        sim::built(
            ZendeskPort::builder()
                .base_url(base_url)
                .api_token(email, token)
                .request_timeout(request_timeout)
                .retry_policy(sim::quick_retries())
                .build(),
        )
    })
}

/// The agent e-mail the simulator accepts.
pub const EMAIL: &str = "agent@example.com";
/// The API token the simulator accepts.
pub const TOKEN: &str = "sim-token";
/// The API token of the port with bad credentials.
pub const WRONG_TOKEN: &str = "wrong-token";

/// The standard world as Zendesk can hold it: its six statuses (no in-progress), no agent
/// availability, idempotency keys honoured on ticket creation.
pub fn zendesk_world() -> World {
    World::standard(
        "zendesk",
        Profile {
            statuses: vec![
                TicketStatus::New,
                TicketStatus::Open,
                TicketStatus::Pending,
                TicketStatus::OnHold,
                TicketStatus::Resolved,
                TicketStatus::Closed,
            ],
            reports_availability: false,
            honours_idempotency_keys: true,
            ids: IdScheme::Numeric,
            categories: vec![
                TicketCategory::Question,
                TicketCategory::Incident,
                TicketCategory::Problem,
                TicketCategory::Task,
            ],
            // Zendesk records no resolution text, and no solved or closed time on the ticket.
            records_resolution: false,
            records_resolution_times: false,
            // The simulator serves a first-reply `slas` sideload for tickets the world gives SLA
            // clocks, but the world's clocks say whether they are breached, which Zendesk's
            // sideload does not: the adapter reads due times and `achieved` only.
            // `slas.policy_metrics` (`include=slas`): the first reply's `breach_at`, and no flag
            // saying it is late.
            sla_clocks: SlaClocks {
                first_response: ClockReport::Due,
                resolution: ClockReport::Absent,
                escalation: false,
            },
            author_kinds: true,
            attachments: true,
            ..Profile::default()
        },
    )
}

/// Zendesk's wire format for the kit.
#[derive(Debug)]
pub struct ZendeskWire;

/// The Zendesk simulator as the conformance suite's `Harness` and `Simulator`.
pub type ZendeskSimulator = Simulated<ZendeskWire>;

impl Wire for ZendeskWire {
    type State = SimState;
    type Factory = PortFactory;

    const HEADERS: &'static [(&'static str, &'static str)] =
        &[("x-rate-limit", "700"), ("x-rate-limit-remaining", "699")];

    fn routes() -> &'static [Route] {
        ROUTES
    }

    fn authorized(req: &Req) -> bool {
        // The scheme is case-insensitive, as on any HTTP server; the credentials are exact.
        basic_credentials(req.header("authorization"))
            == Some((format!("{EMAIL}/token"), TOKEN.to_owned()))
    }

    fn unauthenticated() -> Reply {
        http::unauthenticated()
    }

    fn normalize_path(path: &str) -> String {
        http::normalized_path(path)
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
        factory(base_url, EMAIL, token)
    }

    fn fault_target(world: &World, operation: Operation) -> FaultTarget {
        let ticket = |id: &str| format!("/api/v2/tickets/{id}");
        let (method, path): (&'static str, String) = match operation {
            Operation::ListTickets => ("GET", "/api/v2/tickets".into()),
            Operation::GetTicket => ("GET", ticket(&world.tickets[0].id)),
            Operation::CreateTicket => ("POST", "/api/v2/tickets".into()),
            Operation::UpdateTicket => ("PUT", ticket(world.update().0)),
            Operation::CloseTicket => ("PUT", ticket(world.close_target())),
            Operation::AssignTicket => ("PUT", ticket(world.assignment().0)),
            Operation::AddComment => ("PUT", ticket(world.new_comments().0)),
            Operation::ListAgents => ("GET", "/api/v2/users".into()),
            Operation::ListComments => (
                "GET",
                format!("{}/comments", ticket(&world.comments[0].ticket)),
            ),
            Operation::ListTags => ("GET", "/api/v2/tags".into()),
            // Zendesk has no tag resource; the nearest write is setting a ticket's tags.
            Operation::CreateTag => ("PUT", format!("{}/tags", ticket(&world.tickets[0].id))),
            Operation::GetKnowledgeArticle => (
                "GET",
                format!("/api/v2/help_center/articles/{}", world.articles[0].id),
            ),
            Operation::ListKnowledgeArticles => ("GET", "/api/v2/help_center/articles".into()),
            Operation::GetSla => (
                "GET",
                format!("/api/v2/slas/policies/{}", world.sla_policies[0].id),
            ),
            Operation::ListSatisfactionRatings => ("GET", "/api/v2/satisfaction_ratings".into()),
            Operation::CheckConnection => ("GET", "/api/v2/users/me".into()),
            // Attachments are served from their `content_url`, whose token is (in the
            // simulator) the attachment's id.
            Operation::DownloadAttachment => (
                "GET",
                format!(
                    "/attachments/token/{}/",
                    world
                        .first_attachment()
                        .map_or("701", |(_, file)| file.id.as_str())
                ),
            ),
        };
        FaultTarget::Exact(method, path)
    }

    fn broken_pages(operation: Operation) -> Vec<String> {
        match operation {
            Operation::ListTickets => vec![
                // Items `null` on a page that says it is the last.
                r#"{"tickets":null,"meta":{"has_more":false,"after_cursor":null}}"#.into(),
                // "More" without the cursor to get it.
                r#"{"tickets":[],"meta":{"has_more":true}}"#.into(),
                r#"{"tickets":[],"meta":{"has_more":true,"after_cursor":null}}"#.into(),
            ],
            _ => Vec::new(),
        }
    }
}

/// Starts a server serving a fresh copy of `world` with the simulator's credentials.
pub async fn start_server(world: World) -> (httpmock::MockServer, Shared) {
    sim::start_server::<ZendeskWire>(world).await
}

/// The conformance suite: offline on this simulator serving [`zendesk_world`] (a fresh one per
/// scenario), live on the account [`ZendeskPort::from_env`] reaches.
pub fn suite() -> support_conformance::Suite {
    support_conformance::Suite::new(crate::PROVIDER)
        .offline(|| ZendeskSimulator::start(zendesk_world(), port_factory(None)))
        .live(ZendeskPort::from_env)
}

/// Every conformance row of this crate: [`suite`] alone.
pub fn suites() -> Vec<support_conformance::Suite> {
    vec![suite()]
}
