//! A stateful simulator of the Zoho Desk API on an `httpmock` server (loopback only), serving the
//! conformance suite's standard world in Zoho Desk's native shapes (Zoho's OpenAPI description,
//! `zoho/zohodesk-oas` `v1.0/`, and the API documentation at desk.zoho.com/DeskAPIDocument) and
//! checking the requests it receives. It is written from those documents, not from the adapter.
//!
//! Built on the kit (`support_conformance::sim`): this module holds Zoho Desk's wire format only.
//!
//! - Every request must carry `Authorization: Zoho-oauthtoken {token}` ([`TOKEN`], or a live token
//!   the token endpoint issued); anything else is 401 `INVALID_OAUTH`. Every request but
//!   `/api/v1/organizations` and the token endpoint must carry the `orgId` header ([`ORG_ID`]);
//!   without it the answer is 400 `INVALID_DATA` naming `orgId` (`http.rs`).
//! - `POST /oauth/v2/token` (the accounts host; here the same server): the refresh-token grant
//!   with [`CLIENT_ID`], [`CLIENT_SECRET`], [`REFRESH_TOKEN`]; tokens are valid on this server
//!   only; [`expire_access_tokens`] expires them, `SimState::expire_tokens_mid_listing` does so
//!   right after the next ticket page with more to follow; [`issued_tokens`] counts issues.
//! - Each endpoint is one route of `routes.rs`; handlers answer unknown query parameters, bad
//!   values and bad bodies with Zoho's 422 (`UNPROCESSABLE_ENTITY` for a query parameter,
//!   `INVALID_DATA` with `errors[{fieldName, errorType, errorMessage}]` for a body). Listings take
//!   `from` (0-based) and `limit` (capped per endpoint: tickets 100), refuse `from` + `limit`
//!   past `SimState::from_cap` (5,000 by default) with 422 naming `from`, and answer an empty page
//!   with 204 and no body.
//! - Throttling faults answer 429 `TOO_MANY_REQUESTS` with `Retry-After`; [`threshold_fault`]
//!   is the day's credits used up (429 `THRESHOLD_EXCEEDED`, no `Retry-After`).
//!
//! Used by `tests/conformance.rs`, `tests/simulator_selftest.rs` and `tests/no_hidden_caps.rs`
//! via `mod simulator;`.

#![allow(dead_code)]

mod http;
mod routes;
mod store;

use std::sync::Arc;
use std::time::Duration;

use support_conformance::sim::{self, Credentials, FaultTarget, Route, Simulated, Wire};
use support_conformance::{Fault, IdScheme, Profile, SlaClocks, World};
use support_core::{Channel, Operation, Priority, SupportPort, TicketStatus};
use support_zohodesk::ZohodeskPort;

#[allow(unused_imports)]
pub use http::{
    CLIENT_ID, CLIENT_SECRET, ORG_ID, REFRESH_TOKEN, Reply, Req, TOKEN_PATH, authorization,
};
#[allow(unused_imports)]
pub use store::{FROM_CAP, SimState};

/// Builds the adapter's port for a base URL and an access token.
pub type PortFactory = Arc<dyn Fn(&str, &str) -> Arc<dyn SupportPort> + Send + Sync>;

/// The access token the simulator accepts.
pub const TOKEN: &str = "1000.sim-access-token";
/// The access token of the port with bad credentials.
pub const WRONG_TOKEN: &str = "1000.wrong-access-token";

/// Zoho Desk ports against the simulator, with quick backoff and this per-attempt timeout
/// (`None` under a paused clock, which fires every timer while the runtime waits on a socket).
///
/// Built with the scaffold's builder until the adapter lands; then
/// `ZohoDeskPort::builder().base_url(base_url).org_id(ORG_ID).access_token(token)`.
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

/// The host of a base URL, as the token registry keys it.
fn host_of(base_url: &str) -> String {
    base_url
        .trim_start_matches("http://")
        .trim_start_matches("https://")
        .split('/')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// Expires every access token the token endpoint issued on the server at `base_url`: the next
/// request with one is 401 `INVALID_OAUTH`.
pub fn expire_access_tokens(base_url: &str) {
    http::expire(&host_of(base_url));
}

/// How many access tokens the server at `base_url` issued.
pub fn issued_tokens(base_url: &str) -> usize {
    http::issued_count(&host_of(base_url))
}

/// A fault answering 429 `THRESHOLD_EXCEEDED` (the organization's API credits for the day used
/// up; no `Retry-After`) `times` times.
pub fn threshold_fault(times: usize) -> Fault {
    let mut fault = Fault::unavailable_once();
    fault.status = 429;
    fault.times = times;
    fault.retry_after = None;
    fault.body = Some(
        serde_json::json!({"errorCode": "THRESHOLD_EXCEEDED", "message": "API credits exhausted for the day. Please try again after the reset."})
            .to_string(),
    );
    fault
}

/// The standard world as Zoho Desk holds it: statuses by status type (Open, On Hold, Closed:
/// there is no New, Pending, In Progress or Resolved type), the four default priorities
/// (Medium is Normal), tickets with a channel and tags, ids as long numeric strings. Agents
/// report no availability here; SLAs are read per account without targets; tags, ratings and
/// files have no ids the port exposes; attachments are listed per ticket with a download URL on
/// another origin.
pub fn zohodesk_world() -> World {
    World::standard(
        support_zohodesk::PROVIDER,
        Profile {
            statuses: vec![
                TicketStatus::Open,
                TicketStatus::OnHold,
                TicketStatus::Closed,
            ],
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
            agent_roles: None,
            honours_idempotency_keys: false,
            ids: IdScheme::NumericString,
            categories: Vec::new(),
            records_resolution: false,
            records_resolution_times: false,
            sla_clocks: SlaClocks::NONE,
            author_kinds: false,
            attachments: false,
            comment_scoped_attachment_ids: false,
            first_comment_opens: false,
            tag_ids: false,
            rating_ids: false,
            sla_targets_by_priority: false,
            article_drafts: true,
            article_details: false,
            one_owner: true,
            names_throttling_wait: true,
            sla_policy_targets: false,
            category_ids: true,
            ticket_scoped_attachment_ids: false,
            sla_business_hours: false,
            tickets_need_group: true,
            comment_files_on_ticket: false,
        },
    )
}

/// Zoho Desk's wire format for the kit.
#[derive(Debug)]
pub struct ZohodeskWire;

/// The Zoho Desk simulator as the conformance suite's `Harness` and `Simulator`.
pub type ZohodeskSimulator = Simulated<ZohodeskWire>;

/// The scaffold's placeholder connection check (`GET /api/ping` with a bearer token), served until
/// the adapter lands so the scaffold's port keeps passing; remove it then.
pub const SCAFFOLD_PING: &str = "/api/ping";

fn token_ok(req: &Req) -> bool {
    let Some(token) = req
        .header("authorization")
        .and_then(|v| support_core::http::authorization_param(v, "Zoho-oauthtoken"))
    else {
        return false;
    };
    token == TOKEN || http::live(req.header("host").unwrap_or_default(), token)
}

fn org_ok(req: &Req) -> bool {
    req.path == "/api/v1/organizations" || req.header("orgid") == Some(ORG_ID)
}

impl Wire for ZohodeskWire {
    type State = SimState;
    type Factory = PortFactory;

    fn routes() -> &'static [Route<SimState>] {
        routes::ROUTES
    }

    fn authorized(req: &Req) -> bool {
        if req.path == TOKEN_PATH {
            return true;
        }
        if req.path == SCAFFOLD_PING {
            return req.header("authorization") == Some(format!("Bearer {TOKEN}").as_str());
        }
        token_ok(req) && org_ok(req)
    }

    fn unauthenticated() -> Reply {
        http::unauthenticated()
    }

    /// 401 `INVALID_OAUTH` for a missing, wrong or expired token; with a good token, the refusal
    /// of a missing or unknown `orgId`.
    fn refused(req: &Req) -> Reply {
        if token_ok(req) {
            http::org_refused()
        } else {
            http::unauthenticated()
        }
    }

    fn throttled(wait: Duration) -> Option<Reply> {
        Some(http::too_many_requests(wait.as_secs().max(1)))
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

    /// The endpoint each operation's scenario input hits first.
    fn fault_target(world: &World, operation: Operation) -> FaultTarget {
        use FaultTarget::{Exact, Patterns};
        let ticket = |id: &str| format!("/api/v1/tickets/{id}");
        match operation {
            Operation::CheckConnection => Patterns("GET", vec![routes::MYINFO, SCAFFOLD_PING]),
            Operation::ListTickets => {
                Patterns("GET", vec!["/api/v1/tickets", "/api/v1/tickets/search"])
            }
            Operation::GetTicket => Exact("GET", ticket(&world.tickets[0].id)),
            Operation::CreateTicket => Exact("POST", "/api/v1/tickets".into()),
            Operation::UpdateTicket => Exact("PATCH", ticket(world.update().0)),
            Operation::CloseTicket => Exact("POST", "/api/v1/closeTickets".into()),
            Operation::AssignTicket => Exact("PATCH", ticket(world.assignment().0)),
            Operation::AddComment => Patterns(
                "POST",
                vec![
                    "/api/v1/tickets/{}/comments",
                    "/api/v1/tickets/{}/sendReply",
                ],
            ),
            Operation::ListComments => Exact(
                "GET",
                format!("{}/comments", ticket(&world.comments[0].ticket)),
            ),
            Operation::ListAgents => Exact("GET", "/api/v1/agents".into()),
            Operation::ListTags => Exact("GET", "/api/v1/ticketTags".into()),
            Operation::CreateTag => Patterns("POST", vec!["/api/v1/tickets/{}/associateTag"]),
            Operation::GetKnowledgeArticle => {
                Exact("GET", format!("/api/v1/articles/{}", world.articles[0].id))
            }
            Operation::ListKnowledgeArticles => Exact("GET", "/api/v1/articles".into()),
            Operation::GetSla => Exact(
                "GET",
                format!("/api/v1/accounts/{}/sla", world.organization.0),
            ),
            // No documented ratings list: nothing to fault.
            Operation::ListSatisfactionRatings => Patterns("GET", Vec::new()),
            Operation::DownloadAttachment => {
                Patterns("GET", vec!["/api/v1/tickets/{}/attachments"])
            }
        }
    }
}
