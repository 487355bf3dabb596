//! A stateful simulator of HubSpot's CRM API (tickets, owners, ticket pipelines, notes with v4
//! associations, feedback submissions) on an `httpmock` server (loopback only), serving the
//! conformance suite's standard world in HubSpot's documented wire format and checking the
//! requests it receives. Written from HubSpot's documentation and the vendor specs
//! (providers/hubspot.md), not from the adapter.
//!
//! Built on the kit (`support_conformance::sim`): this module holds HubSpot's wire format only.
//!
//! - Credentials (`http.rs`): `Authorization: Bearer` with [`TOKEN`] (a private app's token or an
//!   OAuth access token); anything else is HubSpot's 401 (`category: INVALID_AUTHENTICATION`).
//!   Errors are `{status: "error", message, correlationId, category, subCategory?, context?}`.
//! - Throttling: a throttling fault of at most ten seconds is the 429 of the ten-second rolling
//!   limit (`policyName: TEN_SECONDLY_ROLLING`, the wait in
//!   `X-HubSpot-RateLimit-Interval-Milliseconds`, no `Retry-After`); a longer one, and every
//!   request once `SimState::daily_limit_spent` is set, is the daily-limit 429
//!   (`policyName: DAILY`).
//! - Tickets (`routes.rs`, `store.rs`): CRM objects with string properties; reads return only the
//!   properties asked for with `properties=` (plus `hs_object_id`, `createdate`,
//!   `hs_lastmodifieddate`); lists page with `limit` (<= 100) and `after`; search
//!   (`POST .../tickets/search`) takes <= 200 a page, `after` is an offset, and a request with
//!   `after + limit` past 10,000 ([`SEARCH_CAP`]) is HubSpot's 400; `total` counts every hit. The
//!   Support pipeline `0` has stages 1 New, 2 Waiting on contact, 3 Waiting on us (OPEN),
//!   4 Closed (CLOSED), and 5 labelled with the world's unknown status (no `ticketState`).
//! - Public comments are messages of the ticket's inbox thread (one thread per ticket, found with
//!   `GET /conversations/v3/conversations/threads?associatedTicketId=`; `association=TICKET`
//!   adds `threadAssociations`), read with `GET .../threads/{id}/messages` and written with
//!   `POST .../threads/{id}/messages` (`type: MESSAGE` needs `text`, an agent `senderActorId`
//!   `A-{userId}`, the thread's `channelId` and `channelAccountId`, and `recipients` with a
//!   delivery identifier; `type: COMMENT` needs `text`; both need `attachments`, possibly
//!   empty). Customers are actors `V-{contactId}`, read with `GET /crm/v3/objects/contacts/{id}`
//!   (`email`, `firstname`, `lastname`). Owners' `userId`s are 9,000,000 + their position.
//! - Internal comments are notes: `POST /crm/v3/objects/notes` with `hs_timestamp` (required) and an association of type
//!   228 to an existing ticket; listed through `GET /crm/v4/objects/tickets/{id}/associations/notes`
//!   and `POST /crm/v3/objects/notes/batch/read`.
//!
//! - Custom ticket properties (`store::CUSTOM_PROPERTIES`): defined by
//!   `GET /crm/v3/properties/tickets` (no `hubspotDefined`; one calculated, read-only), valued on
//!   the world's tickets (`store::custom_values`), validated on writes (numbers, true/false, an
//!   enumeration's options); `POST /crm/v3/objects/tickets/batch/read` reads tickets by id.
//! - Files (`files.rs`): the world's file is a private file of the file manager, named by its
//!   public message's `attachments` (or a note's `hs_attachment_ids`); details with
//!   `GET /files/v3/files/{id}` (an unsigned URL), bytes through
//!   `GET /files/v3/files/{id}/signed-url` on the kit's signed storage (another origin);
//!   uploads `POST /files/v3/files` (multipart, `options.access` and one folder required).
//! - OAuth: `POST /oauth/v1/token` (form body, `grant_type=refresh_token` with [`CLIENT_ID`],
//!   [`CLIENT_SECRET`] and [`REFRESH_TOKEN`]) issues access tokens accepted on this server until
//!   [`expire_access_tokens`]; a wrong refresh token is HubSpot's 400 `BAD_REFRESH_TOKEN`.
//! - Test hooks on `SimState`: `daily_limit_spent`, `search_throttled` (the next searches get
//!   the search endpoints' own per-second 429), `add_ticket`, `searches`.
//!
//! Stricter than HubSpot on purpose: unknown query parameters do not match a route (httpmock's
//! 404); unknown body members are 400; unknown properties on reads are dropped, as HubSpot does,
//! but on writes are `PROPERTY_DOESNT_EXIST`.
//!
//! Test infrastructure, not part of the adapter: compiled only with the crate's `simulator`
//! feature. The crate's tests reach it through a self dev-dependency (`use
//! support_hubspot::simulator;`), so it is compiled once for all of them; [`suites`] are the
//! conformance suites its `tests/conformance.rs` runs, and that an offline run elsewhere can run
//! in-process (`Suite::report`).

// Test infrastructure: a fixture or request the simulator cannot handle fails loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod files;
mod http;
mod routes;
mod store;

use std::sync::Arc;
use std::time::Duration;

use crate::HubSpotPort;
use support_conformance::sim::{self, Credentials, FaultTarget, Route, Simulated, Wire};
use support_conformance::{ClockReport, IdScheme, Profile, SlaClocks, World};
use support_core::{Channel, Operation, Priority, SupportPort, TicketStatus};

pub use http::{
    CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, Reply, Req, TOKEN_LIFESPAN, authorization,
};
pub use routes::{LIST_MAX, SEARCH, SEARCH_MAX, TICKETS, TOKEN_PATH};

/// Expires every access token `/oauth/v1/token` issued on the server at `base_url`: the next
/// request with one is a 401, as once `expires_in` has passed.
pub fn expire_access_tokens(base_url: &str) {
    let host = base_url
        .trim_start_matches("http://")
        .trim_start_matches("https://")
        .split('/')
        .next()
        .unwrap_or_default();
    http::expire(host);
}
pub use store::{SEARCH_CAP, SimState, hs_time};

/// Builds the adapter's port for a base URL and a bearer token.
pub type PortFactory = Arc<dyn Fn(&str, &str) -> Arc<dyn SupportPort> + Send + Sync>;

/// The bearer token the simulator accepts.
pub const TOKEN: &str = "sim-token";
/// The bearer token of the port with bad credentials.
pub const WRONG_TOKEN: &str = "wrong-token";

/// HubSpot ports against the simulator, with quick backoff and this per-attempt timeout (`None`
/// under a paused clock, which fires every timer while the runtime waits on a socket).
pub fn port_factory(request_timeout: Option<Duration>) -> PortFactory {
    Arc::new(move |base_url: &str, token: &str| {
        sim::built(
            HubSpotPort::builder()
                .base_url(base_url)
                .access_token(token)
                .request_timeout(request_timeout)
                .retry_policy(sim::quick_retries())
                .build(),
        )
    })
}

/// The standard world as a HubSpot account holds it (common13.md's mapping decisions): numeric
/// string ids (`IdScheme::NumericString`); statuses New, Pending, Open, Closed as the Support
/// pipeline's stages (the unknown status is a stage without `ticketState`); priorities LOW,
/// MEDIUM, HIGH, URGENT, optional; channels from `source_type` (EMAIL, FORM, CHAT, PHONE); no tags
/// on tickets (object tags are filter-based, never attached to a record); SLA due dates of first
/// response and close, without a breach flag; internal comments are notes (by their owner, an
/// agent), public ones messages of the ticket's inbox thread (by an agent `A-` or a contact `V-`
/// actor), so comments say who wrote them; files in the file manager, named by the comments that
/// carry them; ratings are feedback submissions with ids of their own. No categories,
/// availability, idempotency keys or resolution text.
pub fn hubspot_world() -> World {
    World::standard(
        crate::PROVIDER,
        Profile {
            statuses: vec![
                TicketStatus::New,
                TicketStatus::Open,
                TicketStatus::Pending,
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
            ticket_tags: false,
            reports_availability: false,
            // HubSpot's owners have no role.
            agent_roles: None,
            honours_idempotency_keys: false,
            ids: IdScheme::NumericString,
            categories: Vec::new(),
            records_resolution: false,
            records_resolution_times: false,
            sla_clocks: SlaClocks {
                first_response: ClockReport::Due,
                resolution: ClockReport::Due,
                escalation: false,
            },
            author_kinds: true,
            attachments: true,
            comment_scoped_attachment_ids: false,
            first_comment_opens: false,
            tag_ids: true,
            rating_ids: true,
            sla_targets_by_priority: false,
            article_drafts: false,
            article_details: false,
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

/// HubSpot's wire format for the kit.
#[derive(Debug)]
pub struct HubspotWire;

/// The HubSpot simulator as the conformance suite's `Harness` and `Simulator`.
pub type HubspotSimulator = Simulated<HubspotWire>;

impl Wire for HubspotWire {
    type State = SimState;
    type Factory = PortFactory;

    fn routes() -> &'static [Route<SimState>] {
        routes::ROUTES
    }

    fn authorized(req: &Req) -> bool {
        if req.path == routes::TOKEN_PATH {
            return true;
        }
        let host = req.header("host").unwrap_or_default();
        req.header("authorization")
            .and_then(|v| support_core::http::authorization_param(v, "Bearer"))
            .is_some_and(|token| token == TOKEN || http::live(host, token))
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
            Operation::ListTickets => vec![r#"{"results":null}"#.into(), r#"{}"#.into()],
            _ => Vec::new(),
        }
    }

    /// The endpoint each operation's scenario input hits (what the contract lets the adapter
    /// call). Assumed: the connection check reads one page of tickets; listings without a filter
    /// use `GET /crm/v3/objects/tickets`; close, update and assign are `PATCH`es of the ticket;
    /// tags are the object-tags beta of tickets (`0-5`); knowledge articles are site search.
    fn fault_target(world: &World, operation: Operation) -> FaultTarget {
        use FaultTarget::{Exact, Patterns};
        let ticket = |id: &str| format!("{}/{id}", routes::TICKETS);
        match operation {
            Operation::ListTickets => Exact("GET", routes::TICKETS.into()),
            Operation::GetTicket => Exact("GET", ticket(&world.tickets[0].id)),
            Operation::CreateTicket => Exact("POST", routes::TICKETS.into()),
            Operation::UpdateTicket => Exact("PATCH", ticket(world.update().0)),
            Operation::CloseTicket => Exact("PATCH", ticket(world.close_target())),
            Operation::AssignTicket => Exact("PATCH", ticket(world.assignment().0)),
            // The scenarios add a public reply: a message of the ticket's inbox thread.
            Operation::AddComment => Exact(
                "POST",
                format!(
                    "{}/{}/messages",
                    routes::THREADS,
                    store::thread_id(world.new_comments().0).unwrap_or_default()
                ),
            ),
            Operation::ListComments => Exact(
                "GET",
                format!(
                    "/crm/v4/objects/tickets/{}/associations/notes",
                    world.comments[0].ticket
                ),
            ),
            Operation::ListAgents => Exact("GET", routes::OWNERS.into()),
            Operation::ListTags => Exact("GET", routes::TAGS.into()),
            Operation::CreateTag => Exact("POST", routes::TAGS.into()),
            Operation::GetKnowledgeArticle => Exact(
                "GET",
                format!("/cms/v3/site-search/indexed-data/{}", world.articles[0].id),
            ),
            Operation::ListKnowledgeArticles => Exact("GET", routes::SITE_SEARCH.into()),
            // No SLA policy resource: nothing to fault.
            Operation::GetSla => Patterns("GET", Vec::new()),
            Operation::ListSatisfactionRatings => Exact("GET", routes::FEEDBACK.into()),
            Operation::CheckConnection => Exact("GET", routes::TICKETS.into()),
            // The signed URL of the world's file.
            Operation::DownloadAttachment => Exact(
                "GET",
                format!(
                    "{}/{}/signed-url",
                    files::FILES,
                    world
                        .first_attachment()
                        .map(|(_, f)| f.id.clone())
                        .unwrap_or_default()
                ),
            ),
        }
    }
}

/// The conformance suite: offline on this simulator serving [`hubspot_world`] (a fresh one per
/// scenario), live on the account [`crate::HubSpotPort::from_env`] reaches.
pub fn suite() -> support_conformance::Suite {
    support_conformance::Suite::new(crate::PROVIDER)
        // No request timeout: the suite runs on a paused clock, which fires every timer while the
        // runtime waits on a socket.
        .offline(|| HubspotSimulator::start(hubspot_world(), port_factory(None)))
        .live(crate::HubSpotPort::from_env)
}

/// Every conformance row of this crate: [`suite`] alone.
pub fn suites() -> Vec<support_conformance::Suite> {
    vec![suite()]
}
