//! A stateful simulator of the Freshdesk REST API v2 on an `httpmock` server (loopback only),
//! serving the conformance suite's standard world in Freshdesk's documented wire format and
//! checking the requests it receives.
//!
//! Built on the kit (`support_conformance::sim`): this module holds Freshdesk's wire format only.
//!
//! - Every request must carry `Authorization: Basic base64("{API_KEY}:X")` (any password, as
//!   Freshdesk ignores it); anything else gets Freshdesk's 401 `invalid_credentials`.
//! - Each endpoint is one mock for its method and path. It rejects query parameters it does not
//!   take (400 `invalid_field`, as Freshdesk does), writes without `Content-Type: application/json`
//!   (415) or without a JSON object body (400 `invalid_json`), and unknown body fields (400
//!   `invalid_field`). A method or path no mock serves gets httpmock's 404: that is how an
//!   unexpected request shows.
//! - Answers come from shared state, so writes are visible to later reads.
//! - The account's "now" is a day after the latest time in the world (tickets' `updated_at`,
//!   comments', ratings' and articles' `created_at`), a constant: the 30-day default windows of `GET /tickets` and `GET /surveys/satisfaction_ratings` are counted from it,
//!   never from the wall clock.
//!
//! Where the simulator is stricter than "whatever works", on purpose:
//! - `GET /tickets` without `updated_since` lists only tickets created in the last 30 days, as
//!   documented, so an adapter that relies on the bare list misses tickets.
//! - `GET /search/tickets` serves 30 results a page and pages 1 to 10 only (`total` is the full
//!   count), the query must be in double quotes and at most 512 characters, and terms outside the
//!   documented grammar are 400 (see `search.rs`).
//! - Lists and search results leave out `description` / `description_text` unless
//!   `include=description` (lists); `GET /tickets/{id}` has them.
//! - `status` and `priority` are mandatory on creation (`missing_field`), as are a non-blank
//!   `subject` and `description` and a requester (`requester_id` or `email`).
//! - Tickets carry the world's category as their default `type`, its SLA clocks as `fr_due_by` /
//!   `fr_escalated`, `due_by` and `is_escalated` (`null` due times for a ticket without clocks),
//!   and its resolution and close times in `stats`, only with `include=stats`.
//! - Conversations say `incoming` (written by the requester); comment 601 carries the world's
//!   attachment. An `attachment_url` is a link on this server, `/attachments/{id}?token=…`, which
//!   needs no credentials and answers 302 to the file on a separate storage host (`storage.rs`),
//!   which refuses requests carrying an `Authorization` header, as a signed URL does.
//! - Replies, notes and ticket creation also take `multipart/form-data` (`form.rs`): fields as the
//!   JSON body has them, files as `attachments[]`, at most 20 MB; the files become attachments.
//!
//! Test infrastructure, not part of the adapter: compiled only with the crate's `simulator`
//! feature. The crate's tests reach it through a self dev-dependency (`use
//! support_freshdesk::simulator;`), so it is compiled once for all of them; [`suites`] are the
//! conformance suites its `tests/conformance.rs` runs, and that an offline run elsewhere can run
//! in-process (`Suite::report`).

// Test infrastructure: a fixture or request the simulator cannot handle fails loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod form;
mod http;
mod paging;
mod routes;
mod search;
mod store;
mod writes;

use std::sync::Arc;
use std::time::Duration;

use crate::FreshdeskPort;
use support_conformance::sim::{self, Credentials, FaultTarget, Simulated, Wire};
use support_conformance::{ClockReport, IdScheme, Profile, SlaClocks, World};
use support_core::{Channel, Operation, SupportPort, TicketCategory, TicketStatus};

pub use http::{Reply, Req, authorization, authorizes};
pub use routes::{ROUTES, Route, SEARCH_MAX_PAGE, SEARCH_MAX_QUERY, SEARCH_PAGE_SIZE};
pub use store::{ME, RecordedRequest, Shared, SimState, lock};

/// Builds the adapter's port for a base URL (including `/api/v2`) and an API key.
pub type PortFactory = Arc<dyn Fn(&str, &str) -> Arc<dyn SupportPort> + Send + Sync>;

/// Freshdesk ports against the simulator, with quick backoff and this per-attempt timeout (`None`
/// under a paused clock, which fires every timer while the runtime waits on a socket).
pub fn port_factory(request_timeout: Option<Duration>) -> PortFactory {
    Arc::new(move |base_url: &str, api_key: &str| {
        sim::built(
            FreshdeskPort::builder()
                .base_url(base_url)
                .api_key(api_key)
                .request_timeout(request_timeout)
                .retry_policy(sim::quick_retries())
                .build(),
        )
    })
}

/// The API key the simulator accepts.
pub const API_KEY: &str = "sim-api-key";

/// The API key of the port with bad credentials.
pub const WRONG_API_KEY: &str = "wrong-key";

/// The standard world as Freshdesk can hold it: its four default statuses, email, portal, chat
/// and phone tickets, always a priority, no agent availability the suite could check (Freshdesk's
/// `available` is a boolean), no idempotency keys.
pub fn freshdesk_world() -> World {
    World::standard(
        "freshdesk",
        Profile {
            statuses: vec![
                TicketStatus::Open,
                TicketStatus::Pending,
                TicketStatus::Resolved,
                TicketStatus::Closed,
            ],
            channels: vec![Channel::Email, Channel::Web, Channel::Chat, Channel::Phone],
            priority_optional: false,
            reports_availability: false,
            honours_idempotency_keys: false,
            ids: IdScheme::Numeric,
            // Freshdesk's default types (Refund, the fifth, is Billing).
            categories: vec![
                TicketCategory::Question,
                TicketCategory::Incident,
                TicketCategory::Problem,
                TicketCategory::FeatureRequest,
            ],
            // Freshdesk records no resolution text.
            records_resolution: false,
            // `stats` (`include=stats`).
            records_resolution_times: true,
            // `fr_due_by`/`fr_escalated`, `due_by` (Freshdesk has no flag saying a resolution is
            // late) and `is_escalated`.
            sla_clocks: SlaClocks {
                first_response: ClockReport::DueAndBreach,
                resolution: ClockReport::Due,
                escalation: true,
            },
            // `incoming`.
            author_kinds: true,
            attachments: true,
            // Low, medium, high and urgent, all writable.
            ..Profile::default()
        },
    )
}

/// Freshdesk's wire format for the kit.
#[derive(Debug)]
pub struct FreshdeskWire;

/// The Freshdesk simulator as the conformance suite's `Harness` and `Simulator`.
pub type FreshdeskSimulator = Simulated<FreshdeskWire>;

impl Wire for FreshdeskWire {
    type State = SimState;
    type Factory = PortFactory;

    const HEADERS: &'static [(&'static str, &'static str)] = &[
        ("x-ratelimit-total", "700"),
        ("x-ratelimit-remaining", "699"),
        ("x-ratelimit-used-currentrequest", "1"),
    ];
    const API_ROOT: &'static str = "/api/v2";

    fn routes() -> &'static [Route] {
        ROUTES
    }

    fn authorized(req: &Req) -> bool {
        // An attachment's link is signed, like the storage URL it leads to: no API key needed.
        req.path.starts_with("/attachments/") || authorizes(req.header("authorization"), API_KEY)
    }

    fn unauthenticated() -> Reply {
        http::unauthenticated()
    }

    fn port(
        factory: &PortFactory,
        base_url: &str,
        credentials: Credentials,
    ) -> Arc<dyn SupportPort> {
        let key = match credentials {
            Credentials::Accepted => API_KEY,
            Credentials::Rejected => WRONG_API_KEY,
        };
        factory(base_url, key)
    }

    fn broken_pages(operation: Operation) -> Vec<String> {
        match operation {
            // Freshdesk's pages are bare arrays, and a full page is its only "more".
            Operation::ListTickets => vec!["null".into()],
            _ => Vec::new(),
        }
    }

    fn fault_target(world: &World, operation: Operation) -> FaultTarget {
        use FaultTarget::{Exact, Patterns};
        let ticket = |id: &str| format!("/api/v2/tickets/{id}");
        match operation {
            Operation::ListTickets => Exact("GET", "/api/v2/tickets".into()),
            Operation::GetTicket => Exact("GET", ticket(&world.tickets[0].id)),
            Operation::CreateTicket => Exact("POST", "/api/v2/tickets".into()),
            Operation::UpdateTicket => Exact("PUT", ticket(world.update().0)),
            Operation::CloseTicket => Exact("PUT", ticket(world.close_target())),
            Operation::AssignTicket => Exact("PUT", ticket(world.assignment().0)),
            Operation::AddComment => {
                Exact("POST", format!("{}/reply", ticket(world.new_comments().0)))
            }
            Operation::ListAgents => Exact("GET", "/api/v2/agents".into()),
            Operation::ListComments => Exact(
                "GET",
                format!("{}/conversations", ticket(&world.comments[0].ticket)),
            ),
            // Freshdesk has no tag resource: tags are read off tickets and set on them.
            Operation::ListTags => Exact("GET", "/api/v2/tickets".into()),
            Operation::CreateTag => Exact("PUT", ticket(&world.tickets[0].id)),
            Operation::GetKnowledgeArticle => Exact(
                "GET",
                format!("/api/v2/solutions/articles/{}", world.articles[0].id),
            ),
            Operation::ListKnowledgeArticles => Patterns(
                "GET",
                vec![
                    "/api/v2/solutions/categories",
                    "/api/v2/solutions/categories/{}/folders",
                    "/api/v2/solutions/folders/{}/articles",
                ],
            ),
            Operation::GetSla => Patterns(
                "GET",
                vec!["/api/v2/sla_policies", "/api/v2/sla_policies/{}"],
            ),
            Operation::ListSatisfactionRatings => {
                Exact("GET", "/api/v2/surveys/satisfaction_ratings".into())
            }
            Operation::CheckConnection => Exact("GET", "/api/v2/agents/me".into()),
            // The link Freshdesk lists as `attachment_url` (it leads to the signed storage URL).
            Operation::DownloadAttachment => Exact(
                "GET",
                format!(
                    "/attachments/{}",
                    world
                        .first_attachment()
                        .map_or("701", |(_, file)| file.id.as_str())
                ),
            ),
        }
    }
}

/// Starts a server serving a fresh copy of `world` with the simulator's API key.
pub async fn start_server(world: World) -> (httpmock::MockServer, Shared) {
    sim::start_server::<FreshdeskWire>(world).await
}

/// The conformance suite: offline on this simulator serving [`freshdesk_world`] (a fresh one per
/// scenario), live on the account [`crate::FreshdeskPort::from_env`] reaches.
pub fn suite() -> support_conformance::Suite {
    support_conformance::Suite::new(crate::PROVIDER)
        // No request timeout: the suite runs on a paused clock, which fires every timer while the
        // runtime waits on a socket.
        .offline(|| FreshdeskSimulator::start(freshdesk_world(), port_factory(None)))
        .live(crate::FreshdeskPort::from_env)
}

/// Every conformance row of this crate: [`suite`] alone.
pub fn suites() -> Vec<support_conformance::Suite> {
    vec![suite()]
}
