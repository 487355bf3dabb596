//! A stateful simulator of a ServiceNow instance (Table API, the CSM case activities endpoint,
//! the attachment API and `/oauth_token.do`) on an `httpmock` server (loopback only), serving the
//! conformance suite's standard world in ServiceNow's documented wire format and checking the
//! requests it receives. Written from ServiceNow's documentation (Table API, Case API, Attachment
//! API, OAuth, inbound REST rate limiting), not from the adapter.
//!
//! Built on the kit (`support_conformance::sim`): this module holds ServiceNow's wire format only.
//!
//! - Credentials (`http.rs`): HTTP Basic `sim-user` / `sim-password`, or
//!   `Authorization: Bearer` with [`TOKEN`] (a token issued before the test) or a token
//!   `POST /oauth_token.do` issued on this server and not expired ([`expire_access_tokens`]);
//!   anything else is ServiceNow's 401 envelope. `/oauth_token.do` authenticates itself (client
//!   id and secret in the form body).
//! - Every JSON route wants `Accept` admitting `application/json`, and writes with a body
//!   `Content-Type: application/json`, else 400 (REST API "Data format headers"; a `DELETE`,
//!   which has no body, is not asked for a `Content-Type`); errors are
//!   `{"error": {"message", "detail"}, "status": "failure"}`; a throttling fault is the 429 of a
//!   rate-limit rule, with `Retry-After` and `X-RateLimit-Limit/Reset/Rule`.
//! - The Table API (`routes.rs`) serves every table of the contract from rows of strings
//!   (`store.rs`): `sysparm_display_value=false|true|all`, reference links unless
//!   `sysparm_exclude_reference_link=true`, `sysparm_fields` with dot-walks, encoded queries
//!   (`query.rs`), `sysparm_limit` (default 10,000) / `sysparm_offset`, `X-Total-Count` (unless
//!   `sysparm_no_count`) and `Link` first/prev/next/last (no `last` without a count). An empty
//!   result is 200 `{"result": []}`. A row order without `ORDERBY` is insertion order.
//! - `sysparm_limit` applies before ACLs: cases hidden with `SimState::hide_cases` count towards
//!   the limit and `X-Total-Count` but are dropped from the page (and read alone are 404), so a
//!   page can be short or empty while `rel="next"` says more follow. `SimState::after_case_page`
//!   runs a hook (update or create cases: `touch_case`, `add_case`) between two case pages.
//! - Writes: `POST`/`PATCH /api/now/table/sn_customerservice_case[/{sys_id}]`; `comments` and
//!   `work_notes` become journal entries served, oldest first, by
//!   `GET /api/sn_customerservice/case/{sys_id or number}/activities`; tags are `label` and `label_entry`
//!   rows (`POST`, and `DELETE` of an entry). The world's attached file is a `sys_attachment` row of
//!   the case, written with its comment (same second, same user), listed as an `attachment`
//!   activity and served by `GET /api/now/attachment/{sys_id}/file`.
//!
//! Stricter than ServiceNow on purpose: unknown query parameters do not match a route (httpmock's
//! 404; ServiceNow ignores them); unknown or read-only body fields, choice values outside the
//! choice list and references to missing records are 400 (ServiceNow stores or ignores them);
//! `sysparm_display_value` or booleans outside their values are 400. As ServiceNow (with
//! `glide.invalid_query.returns_no_rows` off): query terms on unknown fields are dropped, and
//! recorded in `SimState::ignored_terms` so tests can assert none was; `strict_queries` turns the
//! property on. Query values compare case-sensitively, as documented. Assumed from the
//! documentation's "mandatory" fields: a case needs a short description, and resolving (6) or
//! closing (3) needs `close_notes`, else 400 "Data Policy Exception". Display values of dates are the UTC values (an integration user in UTC). A journal
//! field of a case reads as an empty value and, as its display value, its entries newest first.
//! Creates answer 201 with the record's URL in `Location`.
//!
//! Test infrastructure, not part of the adapter: compiled only with the crate's `simulator`
//! feature. The crate's tests reach it through a self dev-dependency (`use
//! support_servicenow::simulator;`), so it is compiled once for all of them; [`suites`] are the
//! conformance suites its `tests/conformance.rs` runs, and that an offline run elsewhere can run
//! in-process (`Suite::report`).

// Test infrastructure: a fixture or request the simulator cannot handle fails loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod http;
mod query;
mod routes;
mod store;

use std::sync::Arc;
use std::time::Duration;

use support_conformance::sim::{self, Credentials, FaultTarget, Route, Simulated, Wire};
use support_conformance::{ClockReport, IdScheme, Profile, SlaClocks, World};
use support_core::{Channel, Operation, Priority, SupportPort, TicketCategory, TicketStatus};

/// The adapter's port type.
pub use crate::ServiceNowPort as AdapterPort;

pub use http::{
    CLIENT_ID, CLIENT_SECRET, PASSWORD, RATE_LIMIT, RATE_RULE, Reply, Req, TOKEN_LIFESPAN, USER,
    authorization,
};
pub use routes::DEFAULT_LIMIT;
pub use store::{CASES, SimState, case_number, glide_time};

/// Builds the adapter's port for a base URL and a bearer token.
pub type PortFactory = Arc<dyn Fn(&str, &str) -> Arc<dyn SupportPort> + Send + Sync>;

/// A bearer token the simulator accepts on every server (as if issued before the test).
pub const TOKEN: &str = "sim-token";
/// The bearer token of the port with bad credentials.
pub const WRONG_TOKEN: &str = "wrong-token";

/// ServiceNow ports against the simulator with a bearer token, quick backoff and this per-attempt
/// timeout (`None` under a paused clock, which fires every timer while the runtime waits on a
/// socket).
pub fn port_factory(request_timeout: Option<Duration>) -> PortFactory {
    Arc::new(move |base_url: &str, token: &str| {
        sim::built(
            AdapterPort::builder()
                .base_url(base_url)
                .bearer_token(token)
                .request_timeout(request_timeout)
                .retry_policy(sim::quick_retries())
                .build(),
        )
    })
}

/// Revokes a refresh token `/oauth_token.do` issued: redeeming it is then refused, as after an
/// admin revoked it or its lifespan ended.
pub fn revoke_refresh_token(token: &str) {
    http::revoke(token);
}

/// Expires every access token `/oauth_token.do` issued on the server at `base_url` (refresh
/// tokens stay valid): the next request with one is a 401, as once `expires_in` has passed.
pub fn expire_access_tokens(base_url: &str) {
    let host = base_url
        .trim_start_matches("http://")
        .trim_start_matches("https://")
        .split('/')
        .next()
        .unwrap_or_default();
    http::expire_access_tokens(host);
}

/// The standard world as a ServiceNow CSM instance holds it (common12.md's mapping decisions):
/// `sys_id`s (`IdScheme::Hex32`); states 1 New, 10 Open, 18 Awaiting Info (Pending), 6 Resolved,
/// 3 Closed (7 Canceled is in the choice list; the world's unknown status is state 20, labelled
/// as the world's unknown status); priorities 1 Urgent, 2 High, 3 Normal, 4 Low, always set (a
/// case has a priority, 4 by default); `contact_type` email, web, chat, phone; `category`
/// question, technical, billing; tags are `label`s with sys_ids of their own; SLA clocks from
/// `task_sla` rows (due and breach of first response and resolution; no escalation flag); an SLA
/// definition (`contract_sla`) is one duration for one target, for no particular priority; the
/// world's admin holds the `admin`, `sn_customerservice_manager` and (inherited)
/// `sn_customerservice_agent` roles, its agents `sn_customerservice_agent`; articles are
/// published or draft (`workflow_state`); files are `sys_attachment` rows with ids of their own;
/// ratings are assessment instances. Comments do not say whether their author is a customer (the adapter
/// would have to look the user up), no availability, no idempotency keys; the resolution text and
/// times are served but not compared.
pub fn servicenow_world() -> World {
    World::standard(
        crate::PROVIDER,
        Profile {
            statuses: vec![
                TicketStatus::New,
                TicketStatus::Open,
                TicketStatus::Pending,
                TicketStatus::Resolved,
                TicketStatus::Closed,
            ],
            channels: vec![Channel::Email, Channel::Web, Channel::Chat, Channel::Phone],
            records_channel: true,
            priority_optional: false,
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
            ids: IdScheme::Hex32,
            categories: vec![
                TicketCategory::Question,
                TicketCategory::Technical,
                TicketCategory::Billing,
            ],
            records_resolution: false,
            records_resolution_times: false,
            sla_clocks: SlaClocks {
                first_response: ClockReport::DueAndBreach,
                resolution: ClockReport::DueAndBreach,
                escalation: false,
            },
            author_kinds: false,
            attachments: true,
            comment_scoped_attachment_ids: false,
            first_comment_opens: false,
            tag_ids: true,
            rating_ids: true,
            sla_targets_by_priority: false,
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

/// ServiceNow's wire format for the kit.
#[derive(Debug)]
pub struct ServiceNowWire;

/// The ServiceNow simulator as the conformance suite's `Harness` and `Simulator`.
pub type ServiceNowSimulator = Simulated<ServiceNowWire>;

const TABLE: &str = "/api/now/table";

impl Wire for ServiceNowWire {
    type State = SimState;
    type Factory = PortFactory;

    /// The Case API names a case by its sys_id or its number: a number in the activities path
    /// is read as the sys_id the simulator gives that number (cases numbered `CS{n:07}` have the
    /// world's ticket id for `n`; an unknown number names no case).
    fn normalize_path(path: &str) -> String {
        let Some(rest) = path.strip_prefix("/api/sn_customerservice/case/") else {
            return path.to_owned();
        };
        let Some((id, tail)) = rest.split_once('/') else {
            return path.to_owned();
        };
        match id.strip_prefix("CS").and_then(|n| n.parse::<u64>().ok()) {
            Some(n) if id.len() == 9 => format!(
                "/api/sn_customerservice/case/{}/{tail}",
                IdScheme::Hex32.render(support_conformance::world::Entity::Ticket, n)
            ),
            _ => path.to_owned(),
        }
    }

    fn routes() -> &'static [Route<SimState>] {
        routes::ROUTES
    }

    fn authorized(req: &Req) -> bool {
        if req.path == "/oauth_token.do" {
            return true;
        }
        let header = req.header("authorization");
        if let Some((user, password)) = sim::basic_credentials(header) {
            return user == USER && password == PASSWORD;
        }
        let Some(token) = header.and_then(|v| support_core::http::authorization_param(v, "Bearer"))
        else {
            return false;
        };
        token == TOKEN
            || http::live(
                req.header("host").unwrap_or_default(),
                token,
                http::TokenKind::Access,
            )
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

    fn throttled(wait: Duration) -> Option<Reply> {
        Some(http::throttled(wait))
    }

    fn broken_pages(operation: Operation) -> Vec<String> {
        match operation {
            Operation::ListTickets => vec![r#"{"result":null}"#.into(), r#"{}"#.into()],
            _ => Vec::new(),
        }
    }

    /// The endpoint each operation's scenario input hits (what the contract lets the adapter
    /// call). The connection check is assumed to read `sys_user` (the integration user).
    fn fault_target(world: &World, operation: Operation) -> FaultTarget {
        use FaultTarget::{Exact, Patterns};
        let case = |id: &str| format!("{TABLE}/{CASES}/{id}");
        match operation {
            Operation::ListTickets => Exact("GET", format!("{TABLE}/{CASES}")),
            Operation::GetTicket => Exact("GET", case(&world.tickets[0].id)),
            Operation::CreateTicket => Exact("POST", format!("{TABLE}/{CASES}")),
            Operation::UpdateTicket => Exact("PATCH", case(world.update().0)),
            Operation::CloseTicket => Exact("PATCH", case(world.close_target())),
            Operation::AssignTicket => Exact("PATCH", case(world.assignment().0)),
            Operation::AddComment => Exact("PATCH", case(world.new_comments().0)),
            Operation::ListComments => Exact(
                "GET",
                format!(
                    "/api/sn_customerservice/case/{}/activities",
                    world.comments[0].ticket
                ),
            ),
            Operation::ListAgents => Exact("GET", format!("{TABLE}/sys_user_has_role")),
            Operation::ListTags => Exact("GET", format!("{TABLE}/label")),
            Operation::CreateTag => Exact("POST", format!("{TABLE}/label")),
            Operation::GetKnowledgeArticle => Exact(
                "GET",
                format!("{TABLE}/kb_knowledge/{}", world.articles[0].id),
            ),
            Operation::ListKnowledgeArticles => Exact("GET", format!("{TABLE}/kb_knowledge")),
            Operation::GetSla => Exact(
                "GET",
                format!("{TABLE}/contract_sla/{}", world.sla_policies[0].id),
            ),
            Operation::ListSatisfactionRatings => {
                Exact("GET", format!("{TABLE}/asmt_assessment_instance"))
            }
            Operation::CheckConnection => Exact("GET", format!("{TABLE}/sys_user")),
            Operation::DownloadAttachment => match world.first_attachment() {
                Some((_, file)) => Exact("GET", format!("/api/now/attachment/{}/file", file.id)),
                None => Patterns("GET", Vec::new()),
            },
        }
    }
}

/// The conformance suite: offline on this simulator serving [`servicenow_world`] (a fresh one per
/// scenario), live on the account [`crate::ServiceNowPort::from_env`] reaches.
pub fn suite() -> support_conformance::Suite {
    support_conformance::Suite::new(crate::PROVIDER)
        // No request timeout: the suite runs on a paused clock, which fires every timer while the
        // runtime waits on a socket.
        .offline(|| ServiceNowSimulator::start(servicenow_world(), port_factory(None)))
        .live(crate::ServiceNowPort::from_env)
}

/// Every conformance row of this crate: [`suite`] alone.
pub fn suites() -> Vec<support_conformance::Suite> {
    vec![suite()]
}
