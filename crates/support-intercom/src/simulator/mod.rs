//! A stateful simulator of the Intercom REST API 2.16 on an `httpmock` server (loopback only),
//! serving the conformance suite's standard world in Intercom's documented wire format (the vendor
//! description `intercom-api-2.16.openapi.yaml` and developers.intercom.com) and checking the
//! requests it receives.
//!
//! Built on the kit (`support_conformance::sim`): this module holds Intercom's wire format only.
//!
//! - Every request must carry `Authorization: Bearer {TOKEN}`; anything else gets Intercom's 401
//!   `error.list` (`unauthorized`), without rate-limit headers (`http.rs`).
//! - Every route wants `Intercom-Version: 2.16`; another version, or none, is 400
//!   `intercom_version_invalid`. Intercom itself falls back to the app's default version when the
//!   header is absent: refusing it is stricter on purpose, so that an unpinned adapter shows.
//! - Answers carry `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` (Unix
//!   seconds); a throttling fault is Intercom's 429 `rate_limit_exceeded` with `X-RateLimit-Reset`
//!   the end of the wait and no `Retry-After`.
//! - Each endpoint is one route of `routes.rs`; a request no route accepts (method, path, query
//!   parameters) gets httpmock's 404: that is how an unexpected request shows. Bodies are checked
//!   by the handlers: unknown members, missing required ones and wrong types are Intercom's 400.
//! - The world is held twice (`store.rs`): as tickets (`ticket_state` by category, `ticket_type`
//!   and `category`, `ticket_parts`, the human `ticket_id` distinct from `id`) and as conversations
//!   (`state`, `priority`, `source` = the first comment, `conversation_parts`, `sla_applied`,
//!   `conversation_rating`, tags), the same number naming a ticket and the conversation linked to
//!   it (`linked_objects`).
//! - Searches (`search.rs`) refuse what Intercom documents as refused: no `query`, more than two
//!   nested groups, more than 15 filters a group, fields and operators outside the documented
//!   tables. Pages are cursors (`pages.next.starting_after`), at most 150 a page.
//! - Part attachments are signed URLs on a second origin (`storage.rs`) that refuses credentials.
//!
//! Stricter than Intercom on purpose: a missing `Intercom-Version`; `assignee_id` on
//! `PUT /tickets/{id}` without the acting `admin_id`; unknown `ticket_attributes`. Looser, where
//! the documentation does not say: a ticket search on `state` takes a state's id or its category;
//! ids in bodies are taken as strings or integers (the description has both). Replies' files
//! (`attachment_files`, base64) are stored on the storage origin, named `{part id}-{n}`;
//! `attachment_urls` are kept as they are.
//!
//! Where the world has what Intercom documents no value for, the simulator serves a value outside
//! the documented enums: the world's unknown status is a ticket state of category `escalated` and a
//! conversation `state` `escalated`; tickets without a category have a ticket type and a
//! `category` of `null`.
//!
//! Test infrastructure, not part of the adapter: compiled only with the crate's `simulator`
//! feature. The crate's tests reach it through a self dev-dependency (`use
//! support_intercom::simulator;`), so it is compiled once for all of them; [`suites`] are the
//! conformance suites its `tests/conformance.rs` runs, and that an offline run elsewhere can run
//! in-process (`Suite::report`).

// Test infrastructure: a fixture or request the simulator cannot handle fails loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod http;
mod routes;
mod search;
mod store;

use std::sync::Arc;
use std::time::Duration;

use crate::{IntercomPort, Mode};
use support_conformance::sim::{self, Credentials, FaultTarget, Route, Simulated, Wire};
use support_conformance::{ClockReport, IdScheme, Profile, SlaClocks, World};
use support_core::{Channel, Operation, SupportPort, TicketCategory, TicketStatus};

pub use http::{Reply, Req, VERSION, authorization};
pub use routes::{ARTICLES_PER_PAGE, MAX_ARTICLES_PER_PAGE, MAX_PER_PAGE};
pub use search::{MAX_GROUP, MAX_NESTING};
pub use store::{ME, SimState};

/// Builds the adapter's port for a base URL and an access token.
pub type PortFactory = Arc<dyn Fn(&str, &str) -> Arc<dyn SupportPort> + Send + Sync>;

/// The access token the simulator accepts.
pub const TOKEN: &str = "sim-token";
/// The access token of the port with bad credentials.
pub const WRONG_TOKEN: &str = "wrong-token";

/// Intercom ports in `mode` against the simulator, with quick backoff and this per-attempt timeout
/// (`None` under a paused clock, which fires every timer while the runtime waits on a socket).
pub fn mode_port_factory(mode: Mode, request_timeout: Option<Duration>) -> PortFactory {
    Arc::new(move |base_url: &str, token: &str| {
        sim::built(
            IntercomPort::builder()
                .base_url(base_url)
                .access_token(token)
                .mode(mode)
                .request_timeout(request_timeout)
                .retry_policy(sim::quick_retries())
                .build(),
        )
    })
}

/// Ports in tickets mode (the default).
pub fn port_factory(request_timeout: Option<Duration>) -> PortFactory {
    mode_port_factory(Mode::Tickets, request_timeout)
}

/// Ports in conversations mode.
pub fn conversations_port_factory(request_timeout: Option<Duration>) -> PortFactory {
    mode_port_factory(Mode::Conversations, request_timeout)
}

/// What both modes share: Intercom's ids are strings of digits; no idempotency keys; admins have
/// `away_mode_enabled`, a boolean, not an availability the suite could check; comments say who
/// wrote them (`author.type`: `user`/`lead` a customer, `admin` an agent, `bot` the system);
/// parts carry attachments (`type: upload`, a signed `url` on the storage origin), which have no
/// id of their own: a file is named by its part and position (`{part id}-{n}`); ratings have no
/// id of their own either (`conversation_rating` is a member of its conversation): a rating is named by
/// its conversation's id, which is also the linked ticket's.
fn intercom_profile() -> Profile {
    Profile {
        // `tag.id`.
        tag_ids: true,
        rating_ids: false,
        reports_availability: false,
        honours_idempotency_keys: false,
        ids: IdScheme::Numeric,
        records_resolution: false,
        records_resolution_times: false,
        author_kinds: true,
        attachments: true,
        comment_scoped_attachment_ids: true,
        ..Profile::default()
    }
}

/// The standard world as Intercom tickets: statuses by `ticket_state.category` (submitted New,
/// in_progress InProgress, waiting_on_customer Pending, resolved Resolved); no priority at all;
/// no channel (a ticket does not say where it came from); the ticket types' categories (Customer
/// General, Back-office Task, Tracker Problem); no tags read back (a ticket does not list its
/// tags); no SLA (`sla_applied` is a conversation's).
pub fn intercom_world() -> World {
    World::standard(
        crate::PROVIDER,
        Profile {
            statuses: vec![
                TicketStatus::New,
                TicketStatus::InProgress,
                TicketStatus::Pending,
                TicketStatus::Resolved,
            ],
            channels: vec![Channel::Web],
            records_channel: false,
            priority_optional: true,
            priorities: Vec::new(),
            priority_writable: false,
            ticket_tags: false,
            categories: vec![
                TicketCategory::General,
                TicketCategory::Task,
                TicketCategory::Problem,
            ],
            sla_clocks: SlaClocks::NONE,
            ..intercom_profile()
        },
    )
}

/// The standard world as Intercom conversations: `state` open Open, snoozed OnHold, closed
/// Closed; `priority` none/low/medium/high/urgent read as no priority, Low, Normal, High, Urgent
/// (the 2.16 description's values), never written (no documented request sets it); channels from
/// `source.type` (`conversation` Chat, `email` Email, `phone_call` Phone); tags listed; no
/// categories; `sla_applied` as escalation only (`missed` escalated; `hit`/`active` not; none or
/// `cancelled` unknown).
pub fn conversations_world() -> World {
    World::standard(
        crate::CONVERSATIONS_PROVIDER,
        Profile {
            statuses: vec![
                TicketStatus::Open,
                TicketStatus::OnHold,
                TicketStatus::Closed,
            ],
            channels: vec![Channel::Chat, Channel::Email, Channel::Phone],
            records_channel: true,
            priority_optional: true,
            priority_writable: false,
            ticket_tags: true,
            categories: Vec::new(),
            // The first comment is the conversation's `source`, whose time is the conversation's.
            first_comment_opens: true,
            sla_clocks: SlaClocks {
                first_response: ClockReport::Absent,
                resolution: ClockReport::Absent,
                escalation: true,
            },
            ..intercom_profile()
        },
    )
}

/// Intercom's wire format for the kit.
#[derive(Debug)]
pub struct IntercomWire;

/// The Intercom simulator as the conformance suite's `Harness` and `Simulator`.
pub type IntercomSimulator = Simulated<IntercomWire>;

impl Wire for IntercomWire {
    type State = SimState;
    type Factory = PortFactory;

    fn answer_headers() -> Vec<(String, String)> {
        http::rate_limit_headers()
    }

    fn routes() -> &'static [Route<SimState>] {
        routes::ROUTES
    }

    fn authorized(req: &Req) -> bool {
        req.header("authorization")
            .and_then(|v| support_core::http::authorization_param(v, "Bearer"))
            == Some(TOKEN)
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
            Operation::ListTickets => vec![
                r#"{"type":"ticket.list","tickets":null,"total_count":13}"#.into(),
                r#"{"type":"conversation.list","conversations":null,"total_count":13}"#.into(),
                r#"{"type":"ticket.list","tickets":[],"total_count":13,"pages":{"type":"pages","page":1,"per_page":4,"total_pages":4,"next":{"per_page":4}}}"#.into(),
                r#"{"type":"conversation.list","conversations":[],"total_count":13,"pages":{"type":"pages","page":1,"per_page":4,"total_pages":4,"next":{"per_page":4}}}"#.into(),
            ],
            _ => Vec::new(),
        }
    }

    /// The endpoint each operation's scenario input hits. Tickets and conversations each have
    /// their own endpoints; a fault targets both, as the world names the same record in each.
    fn fault_target(world: &World, operation: Operation) -> FaultTarget {
        use FaultTarget::{Exact, Patterns};
        let conversations = world.provider == crate::CONVERSATIONS_PROVIDER;
        let one = |tickets: &str, conversation: &str, id: &str| {
            if conversations {
                format!("{conversation}/{id}")
            } else {
                format!("{tickets}/{id}")
            }
        };
        let record = |id: &str| one("/tickets", "/conversations", id);
        match operation {
            // Unfiltered listings: the conversation list, or a ticket search (the only ticket list).
            Operation::ListTickets if conversations => Exact("GET", "/conversations".into()),
            Operation::ListTickets => Exact("POST", "/tickets/search".into()),
            Operation::GetTicket | Operation::ListComments => Exact(
                "GET",
                record(if operation == Operation::GetTicket {
                    &world.tickets[0].id
                } else {
                    &world.comments[0].ticket
                }),
            ),
            Operation::CreateTicket if conversations => Exact("POST", "/conversations".into()),
            Operation::CreateTicket => Exact("POST", "/tickets".into()),
            Operation::UpdateTicket => Exact("PUT", record(world.update().0)),
            Operation::CloseTicket if conversations => Exact(
                "POST",
                format!("/conversations/{}/parts", world.close_target()),
            ),
            Operation::CloseTicket => Exact("PUT", record(world.close_target())),
            Operation::AssignTicket if conversations => Exact(
                "POST",
                format!("/conversations/{}/parts", world.assignment().0),
            ),
            Operation::AssignTicket => Exact("PUT", record(world.assignment().0)),
            Operation::AddComment => {
                Exact("POST", format!("{}/reply", record(world.new_comments().0)))
            }
            Operation::ListAgents => Exact("GET", "/admins".into()),
            Operation::ListTags => Exact("GET", "/tags".into()),
            Operation::CreateTag => Exact("POST", "/tags".into()),
            Operation::GetKnowledgeArticle => {
                Exact("GET", format!("/articles/{}", world.articles[0].id))
            }
            Operation::ListKnowledgeArticles => Exact("GET", "/articles".into()),
            // No SLA policy resource: nothing to fault.
            Operation::GetSla => Patterns("GET", Vec::new()),
            Operation::ListSatisfactionRatings => Exact("POST", "/conversations/search".into()),
            Operation::CheckConnection => Exact("GET", "/me".into()),
            // The storage origin is not this server: a part's attachment URL is faulted nowhere
            // here.
            Operation::DownloadAttachment => Patterns("GET", Vec::new()),
        }
    }
}

/// The conformance suite of the tickets mode (the row `intercom`): offline on this simulator
/// serving [`intercom_world`] (a fresh one per scenario), live on the workspace the
/// `SUPPORT_INTERCOM_*` variables reach, in [`Mode::Tickets`].
pub fn suite() -> support_conformance::Suite {
    // No request timeout: the suite runs on a paused clock, which fires every timer while the
    // runtime waits on a socket.
    support_conformance::Suite::new(crate::PROVIDER)
        .offline(|| IntercomSimulator::start(intercom_world(), port_factory(None)))
        .live(|| {
            IntercomPort::builder()
                .from_env()
                .and_then(|b| b.mode(Mode::Tickets).build())
        })
}

/// The conformance suite of the conversations mode (the row `intercom-conversations`): offline
/// on this simulator serving [`conversations_world`], live on the same workspace as [`suite`].
pub fn conversations_suite() -> support_conformance::Suite {
    support_conformance::Suite::new(crate::CONVERSATIONS_PROVIDER)
        .offline(|| {
            IntercomSimulator::start(conversations_world(), conversations_port_factory(None))
        })
        .live(|| {
            IntercomPort::builder()
                .from_env()
                .and_then(|b| b.conversations().build())
        })
}

/// Every conformance row of this crate: [`suite`] (tickets), then [`conversations_suite`].
pub fn suites() -> Vec<support_conformance::Suite> {
    vec![suite(), conversations_suite()]
}
