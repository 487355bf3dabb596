//! A stateful simulator of a Zammad instance's REST API (`/api/v1`) on an `httpmock` server
//! (loopback only), serving the conformance suite's standard world in Zammad's wire format and
//! checking the requests it receives. Written from Zammad's documentation (`api/*.rst`) and
//! source (`config/routes/*.rb`, `app/controllers/*`), not from the adapter.
//!
//! Built on the kit (`support_conformance::sim`): this module holds Zammad's wire format only.
//!
//! - Credentials (`http.rs`): `Authorization: Token token=`[`TOKEN`] (also `Token {t}` and
//!   `Bearer {t}`, which Rails' token parser reads alike), HTTP Basic [`LOGIN`] / [`PASSWORD`],
//!   or the OAuth2 token [`OAUTH_TOKEN`] as `Bearer`. Without credentials: 403 "Authentication
//!   required"; with wrong ones: 401 naming what failed. Both `{"error", "error_human"}` and
//!   `X-Failure`.
//! - Errors: 404 `Couldn't find {Model} with 'id'={id}`, 422 for bad bodies (messages of the
//!   controllers: `Need at least an 'article body' field.`, `Invalid base64 for attachment with
//!   index '0'`, `Group can't be blank`, ...), 403 for a file asked under another ticket or
//!   article. A throttling fault is Rack::Attack's 429 `Retry later` with `Retry-After`.
//! - Paging (`CanPaginate`): `page` from 1, `per_page` (alias `limit`) silently capped:
//!   `GET /tickets` 100 (default 100, `id` ascending), searches 200 (default 50), index
//!   endpoints and the knowledge search 1000 (default 500; 100). The end is a short page; there
//!   are no links and no totals (unless `with_total_count`).
//! - Routes (`routes.rs`): `users/me`, `users/search`, `users/{id}`, `roles`, `groups`,
//!   `ticket_states`, `ticket_priorities`, `tickets` (list, show, create, update),
//!   `tickets/search` (the query subset of `query.rs`, `sort_by`/`order_by`, default
//!   `updated_at` descending; a bare `:` in a value must be escaped, `*` is deleted),
//!   `ticket_articles/by_ticket/{id}` (not paginated), `ticket_articles/{id}`,
//!   `POST ticket_articles`, `ticket_attachment/{ticket}/{article}/{file}`, `tag_list` (list,
//!   create: `{}`), `tags`, `tags/add`, `tags/remove`, `knowledge_bases/search` (page, per_page,
//!   newest first), `knowledge_bases/init`, `knowledge_bases/{kb}/answers/{id}`
//!   (`include_contents` = content ids), `slas`, `slas/{id}`, `calendars`, `calendars/{id}`.
//! - Test hooks (`store.rs`): `SimState::after_ticket_page` runs a change (`touch_ticket`,
//!   `add_ticket`) between two ticket listing pages (`GET /tickets` or `/tickets/search`);
//!   `SimState::unindexed` hides tickets from the search index only; `SimState::ignored_terms`
//!   lists search terms on fields Zammad does not index.
//!
//! Stricter than Zammad on purpose: unknown query parameters (`expand`, `full`: the contract
//! uses neither) do not match a route (httpmock's 404); unknown ticket or article attributes are
//! 422 (Zammad drops them), and so are `tags` on an update (Zammad ignores them there: a change
//! of tags would be lost); a search query the subset cannot read is 422 (Zammad: an
//! Elasticsearch error); tags of a ticket that does not exist are 404. Looser: the SLA
//! statistics (`*_in_min`, `*_diff_in_min`) are served while the escalation times are still
//! pending (Zammad sets them when a clock stops), so a breach shows on an open ticket; adding or
//! removing tags does not touch `updated_at`; the search index never lags unless a test says so.
//!
//! Test infrastructure, not part of the adapter: compiled only with the crate's `simulator`
//! feature. The crate's tests reach it through a self dev-dependency (`use
//! support_zammad::simulator;`), so it is compiled once for all of them; [`suites`] are the
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
use support_core::{Channel, Operation, Priority, SupportPort, TicketStatus};

/// The adapter's port type.
pub use crate::ZammadPort as AdapterPort;

pub use http::{
    LOGIN, OAUTH_TOKEN, PASSWORD, Reply, Req, TOKEN, WRONG_TOKEN, authorization, bearer,
};
pub use routes::API;
pub use store::{CLOSED_STATE, SimState, ticket_number, ts};

/// Builds the adapter's port for a base URL and an API token.
pub type PortFactory = Arc<dyn Fn(&str, &str) -> Arc<dyn SupportPort> + Send + Sync>;

/// Zammad ports against the simulator with an API token, quick backoff and this per-attempt
/// timeout (`None` under a paused clock, which fires every timer while the runtime waits on a
/// socket).
///
/// The token goes in the documented `Authorization: Token token=` form.
pub fn port_factory(request_timeout: Option<Duration>) -> PortFactory {
    Arc::new(move |base_url: &str, token: &str| {
        sim::built(
            AdapterPort::builder()
                .base_url(base_url)
                .token(token)
                .request_timeout(request_timeout)
                .retry_policy(sim::quick_retries())
                .build(),
        )
    })
}

/// The standard world as a Zammad instance holds it (the contract's mapping decisions):
/// integer ids (`IdScheme::Numeric`); every ticket in a group, creation names one; states by type: new, open, pending reminder, closed, and
/// the world's unknown status as a custom state of type `removed` (Other, named by the state);
/// priorities `1 low`, `2 normal`, `3 high`, `4 urgent`, always set; no channel is mapped
/// (tickets carry `create_article_type_id`, which the contract does not read); tags per ticket,
/// tag items with ids of their own; no availability compared (`out_of_office` tells away from
/// available, not offline); agent roles `Admin` (the administrator, who also holds `Agent`) and
/// `Agent`; no categories, resolution text or times; SLA clocks from the escalation times, due
/// and breached (`*_diff_in_min` < 0) for first response and solution; an SLA is one set of
/// business-hours targets on a calendar, not per priority; a comment's author kind is its
/// `sender` (Customer, Agent, System); files are named
/// `{ticket}-{article}-{file}`, what the download URL needs; no ratings.
pub fn zammad_world() -> World {
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
            records_channel: false,
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
            agent_roles: Some(["Admin", "Agent"]),
            honours_idempotency_keys: false,
            ids: IdScheme::Numeric,
            categories: Vec::new(),
            records_resolution: false,
            records_resolution_times: false,
            sla_clocks: SlaClocks {
                first_response: ClockReport::DueAndBreach,
                resolution: ClockReport::DueAndBreach,
                escalation: false,
            },
            author_kinds: true,
            attachments: true,
            comment_scoped_attachment_ids: false,
            first_comment_opens: false,
            tag_ids: true,
            rating_ids: true,
            sla_targets_by_priority: false,
            ticket_scoped_attachment_ids: true,
            sla_business_hours: true,
            tickets_need_group: true,
            comment_files_on_ticket: false,
            article_drafts: true,
            article_details: true,
            one_owner: false,
            names_throttling_wait: true,
            sla_policy_targets: true,
            category_ids: true,
        },
    )
}

/// Zammad's wire format for the kit.
#[derive(Debug)]
pub struct ZammadWire;

/// The Zammad simulator as the conformance suite's `Harness` and `Simulator`.
pub type ZammadSimulator = Simulated<ZammadWire>;

impl Wire for ZammadWire {
    type State = SimState;
    type Factory = PortFactory;

    fn routes() -> &'static [Route<SimState>] {
        routes::ROUTES
    }

    fn authorized(req: &Req) -> bool {
        http::accepted(req)
    }

    fn unauthenticated() -> Reply {
        http::unauthenticated()
    }

    fn refused(req: &Req) -> Reply {
        http::refused(req)
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
            // A page that is not the bare array of tickets.
            Operation::ListTickets => vec!["null".into(), r#"{"tickets":[]}"#.into()],
            _ => Vec::new(),
        }
    }

    /// The endpoint each operation's scenario input hits (what the contract has the adapter
    /// call; lookups such as `GET /ticket_states` are not faulted).
    fn fault_target(world: &World, operation: Operation) -> FaultTarget {
        use FaultTarget::{Exact, Patterns};
        let ticket = |id: &str| format!("{API}/tickets/{id}");
        match operation {
            Operation::CheckConnection => Exact("GET", format!("{API}/users/me")),
            Operation::ListTickets => Exact("GET", format!("{API}/tickets")),
            Operation::GetTicket => Exact("GET", ticket(&world.tickets[0].id)),
            Operation::CreateTicket => Exact("POST", format!("{API}/tickets")),
            Operation::UpdateTicket => Exact("PUT", ticket(world.update().0)),
            Operation::CloseTicket => Exact("PUT", ticket(world.close_target())),
            Operation::AssignTicket => Exact("PUT", ticket(world.assignment().0)),
            Operation::AddComment => Exact("POST", format!("{API}/ticket_articles")),
            Operation::ListComments => Exact(
                "GET",
                format!(
                    "{API}/ticket_articles/by_ticket/{}",
                    world.comments[0].ticket
                ),
            ),
            Operation::ListAgents => Exact("GET", format!("{API}/users/search")),
            Operation::ListTags => Exact("GET", format!("{API}/tag_list")),
            Operation::CreateTag => Exact("POST", format!("{API}/tag_list")),
            Operation::GetKnowledgeArticle => Exact(
                "GET",
                format!(
                    "{API}/knowledge_bases/{}/answers/{}",
                    store::KNOWLEDGE_BASE,
                    world.articles[0].id
                ),
            ),
            Operation::ListKnowledgeArticles => {
                Exact("POST", format!("{API}/knowledge_bases/search"))
            }
            Operation::GetSla => Exact("GET", format!("{API}/slas/{}", world.sla_policies[0].id)),
            // No ratings in Zammad: nothing to fault.
            Operation::ListSatisfactionRatings => Patterns("GET", Vec::new()),
            Operation::DownloadAttachment => match world.first_attachment() {
                Some((comment, file)) => Exact(
                    "GET",
                    format!(
                        "{API}/ticket_attachment/{}/{}/{}",
                        comment.ticket,
                        comment.id,
                        file.id.rsplit('-').next().unwrap_or_default()
                    ),
                ),
                None => Patterns("GET", Vec::new()),
            },
        }
    }
}

/// The conformance suite: offline on this simulator serving [`zammad_world`] (a fresh one per
/// scenario), live on the account [`crate::ZammadPort::from_env`] reaches.
pub fn suite() -> support_conformance::Suite {
    support_conformance::Suite::new(crate::PROVIDER)
        // No request timeout: the suite runs on a paused clock, which fires every timer while the
        // runtime waits on a socket.
        .offline(|| ZammadSimulator::start(zammad_world(), port_factory(None)))
        .live(crate::ZammadPort::from_env)
}

/// Every conformance row of this crate: [`suite`] alone.
pub fn suites() -> Vec<support_conformance::Suite> {
    vec![suite()]
}
