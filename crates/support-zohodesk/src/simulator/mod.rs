//! A stateful simulator of the Zoho Desk API on an `httpmock` server (loopback only), serving the
//! conformance suite's standard world in Zoho Desk's native shapes and checking the requests it
//! receives. Written from Zoho's OpenAPI description (`zoho/zohodesk-oas`, `v1.0/`, copied in
//! `vendor-specs/zohodesk/official/`) and the API documentation (desk.zoho.com/DeskAPIDocument),
//! not from the adapter.
//!
//! Built on the kit (`support_conformance::sim`): this module holds Zoho Desk's wire format only.
//!
//! - Credentials (`http.rs`): every request must carry `Authorization: Zoho-oauthtoken {token}`
//!   ([`TOKEN`], or a live token the token endpoint issued); anything else is 401
//!   `INVALID_OAUTH`. Every request but `/api/v1/organizations` and the token endpoint must carry
//!   the `orgId` header ([`ORG_ID`]; the description models it as a query parameter, the
//!   documentation as a header: the header it is); with a good token and no or another `orgId`
//!   the answer is `http::org_refused` (400 `INVALID_DATA` naming `orgId`: assumed, Zoho
//!   documents the header as mandatory but not the refusal).
//! - `POST /oauth/v2/token` (the accounts host; here the same server): the refresh-token grant
//!   with [`CLIENT_ID`], [`CLIENT_SECRET`], [`REFRESH_TOKEN`]; answers `{access_token,
//!   expires_in: 3600, api_domain, token_type}`, errors as 200 `{"error": code}` like Zoho
//!   Accounts. Issued tokens are valid on the issuing server only; [`expire_access_tokens`]
//!   expires them, `SimState::expire_tokens_mid_listing` does so right after the next ticket
//!   page with more to follow; [`issued_tokens`] counts issues.
//! - Errors: `{errorCode, message}`, with `errors[{fieldName, errorType, errorMessage}]` for a
//!   bad body (422 `INVALID_DATA`; `fieldName` a JSON pointer, `errorType` `invalid` or
//!   `missing`); a bad, unknown or repeated query parameter is 422 `UNPROCESSABLE_ENTITY` naming
//!   it; a record that does not exist is 404 `RESOURCE_NOT_FOUND`.
//! - Listings take `from` (0-based; articles count from 1, the description's minimum) and
//!   `limit` (capped per endpoint: tickets and comments 100, articles 50, agents and
//!   departments 200), refuse `from` + `limit` past `SimState::from_cap` ([`FROM_CAP`], 5,000)
//!   with 422 naming `from`, and answer an empty page with 204 and no body. Past the cap,
//!   `GET /api/v1/tickets/search` with `createdTimeRange` (inclusive) and `sortBy=createdTime`
//!   reaches every ticket.
//! - Throttling faults answer 429 `TOO_MANY_REQUESTS` with `Retry-After` (the concurrency
//!   limit); [`threshold_fault`] is the day's credits used up (429 `THRESHOLD_EXCEEDED`, no
//!   `Retry-After`). Every answer of a route carries `X-Rate-Limit-Remaining-v3` (the credits
//!   left, seen in client code bases, not in the description).
//! - Tickets: listings (`tickets`, `tickets/search`, `tags/{id}/tickets`) serve the
//!   description's list view, without `modifiedTime`, `description` or tags (`fields=modifiedTime`
//!   adds the former on `GET /tickets`); `GET /tickets/{id}` has every member but the tags
//!   (`tagCount`); a ticket's tags are read with `GET /tickets/{id}/tags`.
//! - Routes (`routes.rs`): `myinfo`, `organizations`, `tickets` (list, search, show, create,
//!   PATCH; `move` to another department: the description's PATCH takes no `departmentId`),
//!   `closeTickets` (200, no body), comments (list oldest first, add), threads (list, show,
//!   `sendReply`; each ticket's first thread is its description, `isDescriptionThread`, not one
//!   of the world's comments), tags (`tickets/{id}/tags` answers `{"tags": [...]}`,
//!   `associateTag`, `dissociateTag` 200 without a body, `ticketTags?departmentId=` with
//!   `ticketCount`, `tags/search?departmentId=`, `tags/{id}/tickets`: a tag id is a
//!   department's), `departments`, `agents`, `contacts/{id}`, `articles` (list without
//!   `answer`, show), the account's SLAs, ticket attachments, and
//!   `organizationFields?module=tickets` (assumed shape).
//! - Files (`multipart.rs`, routes): `POST /api/v1/uploads` (multipart, exactly one part `file`
//!   with a file name; `Upload.json`) answers `{id, name, size, creatorId, createdTime, isPublic,
//!   href, previewurl}` and keeps the file until a new comment (`attachmentIds`) or a new ticket
//!   (`uploads`) or reply (`attachmentIds` of `sendReply`: Zoho's forum announced it in place
//!   of the threads' deprecated `uploads`) references it; the attachment keeps the upload's id
//!   (`TicketComment.json`'s examples); an unknown or already used id is 422 `INVALID_DATA`
//!   naming the field, checked before anything is written (a refused write uses no upload).
//!   `POST /api/v1/tickets/{id}/attachments?isPublic=` attaches a file to a ticket directly.
//!   `GET /api/v1/tickets/{id}/attachments` lists the ticket's own files; comments list theirs
//!   in `attachments`. Every `href` is on the API host
//!   (`/api/v1/tickets/{t}/comments/{c}/attachments/{a}/content`,
//!   `/api/v1/tickets/{t}/attachments/{a}/content`, `/api/v1/uploads/{id}/content`) and serves
//!   the bytes with their content type only with the token and `orgId` every call needs.
//!
//! Stricter than Zoho on purpose: unknown body members are 422 (the description's
//! `additionalProperties: false`), and so is a `teamId` (the organization has no teams).
//! Looser: the description marks `departmentId` required on `GET /tickets` (an error of the
//! description: the documentation lists every department's tickets without it); agents' `limit`
//! below 10 is accepted (the description's minimum of 10 contradicts its own default).
//!
//! Test infrastructure, not part of the adapter: compiled only with the crate's `simulator`
//! feature. The crate's tests reach it through a self dev-dependency (`use
//! support_zohodesk::simulator;`), so it is compiled once for all of them; [`suites`] are the
//! conformance suites its `tests/conformance.rs` runs, and that an offline run elsewhere can run
//! in-process (`Suite::report`).

// Test infrastructure: a fixture or request the simulator cannot handle fails loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod http;
mod multipart;
mod routes;
mod store;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::ZohoDeskPort;
use support_conformance::sim::{self, Credentials, FaultTarget, Route, Simulated, Wire};
use support_conformance::{Fault, IdScheme, Profile, SlaClocks, World};
use support_core::http::TokenSource;
use support_core::{Channel, Operation, Priority, SupportPort, TicketStatus};

pub use http::{
    CLIENT_ID, CLIENT_SECRET, ORG_ID, REFRESH_TOKEN, Reply, Req, SCOPES, TOKEN_PATH, authorization,
};
pub use routes::{API, MYINFO};
pub use store::{FROM_CAP, SimState, StoredFile};

/// Builds the adapter's port for a base URL and a credential (an access token; a refresh token
/// for [`oauth_port_factory`]).
pub type PortFactory = Arc<dyn Fn(&str, &str) -> Arc<dyn SupportPort> + Send + Sync>;

/// The access token the simulator accepts.
pub const TOKEN: &str = "1000.sim-access-token";
/// The access token of the port with bad credentials.
pub const WRONG_TOKEN: &str = "1000.wrong-access-token";

/// Zoho Desk ports against the simulator with an access token, quick backoff and this
/// per-attempt timeout (`None` under a paused clock, which fires every timer while the runtime
/// waits on a socket). SLAs are read under the world's organization, the customer account Zoho
/// binds them to.
pub fn port_factory(request_timeout: Option<Duration>) -> PortFactory {
    let account = sla_account();
    Arc::new(move |base_url: &str, token: &str| {
        sim::built(
            ZohoDeskPort::builder()
                .base_url(base_url)
                .org_id(ORG_ID)
                .access_token(token)
                .sla_account(account.clone())
                .request_timeout(request_timeout)
                .retry_policy(sim::quick_retries())
                .build(),
        )
    })
}

/// Zoho Desk ports against the simulator that get their access tokens from its token endpoint
/// with the refresh-token grant (the factory's second argument is the refresh token:
/// [`REFRESH_TOKEN`] is accepted), renewing them when they expire or are refused. The token URL
/// is the simulator's: the data center's accounts host is not loopback.
pub fn oauth_port_factory(request_timeout: Option<Duration>) -> PortFactory {
    let account = sla_account();
    Arc::new(move |base_url: &str, refresh_token: &str| {
        sim::built(
            ZohoDeskPort::builder()
                .base_url(base_url)
                .org_id(ORG_ID)
                .oauth(
                    TokenSource::refresh_token(CLIENT_ID, CLIENT_SECRET, refresh_token)
                        .token_url(format!("{base_url}{TOKEN_PATH}")),
                )
                .sla_account(account.clone())
                .request_timeout(request_timeout)
                .retry_policy(sim::quick_retries())
                .build(),
        )
    })
}

/// The customer account whose SLAs the world serves.
fn sla_account() -> String {
    zohodesk_world().organization.0
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
/// up: no `Retry-After`, no retry helps until the reset) `times` times.
pub fn threshold_fault(times: usize) -> Fault {
    let mut fault = Fault::unavailable_once();
    fault.status = 429;
    fault.times = times;
    fault.retry_after = None;
    fault.body = Some(http::threshold_body().to_string());
    fault
}

/// The standard world as a Zoho Desk organization holds it. Each knob that differs from
/// `Profile::default()`, and why:
///
/// - `statuses`: Open, On Hold, Closed: a Zoho status is a per-department label of one of three
///   status types, and the adapter maps by type (there is no New, Pending, In Progress or
///   Resolved type). The world's unknown status is a label of no known type (`statusType`
///   null): the ticket Zoho would never serve, but the one the suite keeps as Other.
/// - `priority_optional`: a ticket may have no priority (`priority` null).
/// - `ids`: long numeric strings (`"41508680000000000101"`), past 2^53.
/// - `agent_roles: None`: agents carry a role id and a permission type, not the world's names.
/// - `tag_ids: false`: a tag is named by its name; its id is per department (the same name has
///   another id in another department) and no endpoint reads a tag by id.
/// - `rating_ids: false`: no ratings are served (the description documents no list of
///   customer-happiness ratings, only a link holder).
/// - `sla_targets_by_priority`, `sla_policy_targets: false`: the description reads SLAs only as
///   the ones bound to an account (`{id, slaName, department, isActive}`), without targets.
/// - `one_owner: false` is the default: a ticket has a department and an assignee both.
/// - `tickets_need_group`: every ticket is in a department (`departmentId` is required on
///   creation); groups are departments.
/// - `attachments: true`, with Zoho's own attachment ids (`comment_scoped_attachment_ids`,
///   `ticket_scoped_attachment_ids`, `comment_files_on_ticket` false): comments carry their files
///   (`attachments: [{id, name, size, href}]`), new comments and tickets reference uploads
///   (`attachmentIds`, `uploads`), and a file downloads from its `href` on the API host with the
///   same credentials and `orgId` as any call (not from signed storage).
/// - `author_kinds: false`: comments are agents' notes (`commenter.type`), and the world's
///   system comments have no Zoho form.
/// - `records_resolution`, `records_resolution_times`, `sla_clocks` stay off (the defaults):
///   resolutions live behind `tickets/{id}/resolution`, there is no resolved time, and the due
///   dates are not served.
/// - `names_throttling_wait`: `TOO_MANY_REQUESTS` carries `Retry-After`.
pub fn zohodesk_world() -> World {
    World::standard(
        crate::PROVIDER,
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
            attachments: true,
            comment_scoped_attachment_ids: false,
            first_comment_opens: false,
            tag_ids: false,
            rating_ids: false,
            sla_targets_by_priority: false,
            article_drafts: true,
            article_details: true,
            one_owner: false,
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
pub struct ZohoDeskWire;

/// The Zoho Desk simulator as the conformance suite's `Harness` and `Simulator`.
pub type ZohoDeskSimulator = Simulated<ZohoDeskWire>;

/// Whether the request carries an access token the simulator accepts.
fn token_ok(req: &Req) -> bool {
    let Some(token) = req
        .header("authorization")
        .and_then(|v| support_core::http::authorization_param(v, "Zoho-oauthtoken"))
    else {
        return false;
    };
    token == TOKEN || http::live(req.header("host").unwrap_or_default(), token)
}

/// Whether the request names the organization (not needed for the list of organizations).
fn org_ok(req: &Req) -> bool {
    req.path == "/api/v1/organizations" || req.header("orgid") == Some(ORG_ID)
}

/// API credits left today, as `X-Rate-Limit-Remaining-v3` says (one per answered request).
static CREDITS: AtomicU64 = AtomicU64::new(50_000);

impl Wire for ZohoDeskWire {
    type State = SimState;
    type Factory = PortFactory;

    fn answer_headers() -> Vec<(String, String)> {
        let left = CREDITS.fetch_sub(1, Ordering::Relaxed).max(1) - 1;
        vec![
            ("x-rate-limit-remaining-v3".into(), left.to_string()),
            ("x-rate-limit-request-weight-v3".into(), "1".into()),
        ]
    }

    fn routes() -> &'static [Route<SimState>] {
        routes::ROUTES
    }

    fn authorized(req: &Req) -> bool {
        if req.path == TOKEN_PATH {
            return true;
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

    fn broken_pages(operation: Operation) -> Vec<String> {
        match operation {
            // A 200 whose tickets are missing: `data` null, or a search answer with a count and
            // no data.
            Operation::ListTickets => vec![r#"{"data":null}"#.into(), r#"{"count":3}"#.into()],
            _ => Vec::new(),
        }
    }

    /// The endpoint each operation's scenario input hits (what the contract has the adapter
    /// call; lookups such as `GET /departments` are not faulted).
    fn fault_target(world: &World, operation: Operation) -> FaultTarget {
        use FaultTarget::{Exact, Patterns};
        let ticket = |id: &str| format!("{API}/tickets/{id}");
        match operation {
            Operation::CheckConnection => Exact("GET", MYINFO.into()),
            Operation::ListTickets => {
                Patterns("GET", vec!["/api/v1/tickets", "/api/v1/tickets/search"])
            }
            Operation::GetTicket => Exact("GET", ticket(&world.tickets[0].id)),
            Operation::CreateTicket => Exact("POST", format!("{API}/tickets")),
            Operation::UpdateTicket => Exact("PATCH", ticket(world.update().0)),
            Operation::CloseTicket => Exact("POST", format!("{API}/closeTickets")),
            Operation::AssignTicket => Exact("PATCH", ticket(world.assignment().0)),
            Operation::AddComment => Exact(
                "POST",
                format!("{}/comments", ticket(&world.targets.comment)),
            ),
            Operation::ListComments => Exact(
                "GET",
                format!("{}/comments", ticket(&world.comments[0].ticket)),
            ),
            Operation::ListAgents => Exact("GET", format!("{API}/agents")),
            Operation::ListTags => Exact("GET", format!("{API}/ticketTags")),
            Operation::CreateTag => Patterns("POST", vec!["/api/v1/tickets/{}/associateTag"]),
            Operation::GetKnowledgeArticle => {
                Exact("GET", format!("{API}/articles/{}", world.articles[0].id))
            }
            Operation::ListKnowledgeArticles => Exact("GET", format!("{API}/articles")),
            Operation::GetSla => Exact(
                "GET",
                format!("{API}/accounts/{}/sla", world.organization.0),
            ),
            // No documented ratings list: nothing to fault.
            Operation::ListSatisfactionRatings => Patterns("GET", Vec::new()),
            Operation::DownloadAttachment => Patterns(
                "GET",
                vec![
                    "/api/v1/tickets/{}/comments/{}/attachments/{}/content",
                    "/api/v1/tickets/{}/attachments/{}/content",
                    "/api/v1/uploads/{}/content",
                ],
            ),
        }
    }
}

/// The conformance suite: offline on this simulator serving [`zohodesk_world`] (a fresh one per
/// scenario), live on the account [`crate::ZohoDeskPort::from_env`] reaches.
pub fn suite() -> support_conformance::Suite {
    support_conformance::Suite::new(crate::PROVIDER)
        // No request timeout: the suite runs on a paused clock, which fires every timer while the
        // runtime waits on a socket.
        .offline(|| ZohoDeskSimulator::start(zohodesk_world(), port_factory(None)))
        .live(crate::ZohoDeskPort::from_env)
}

/// Every conformance row of this crate: [`suite`] alone.
pub fn suites() -> Vec<support_conformance::Suite> {
    vec![suite()]
}
