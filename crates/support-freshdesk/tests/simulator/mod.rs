//! A stateful simulator of the Freshdesk REST API v2 on an `httpmock` server (loopback only),
//! serving the conformance suite's standard world in Freshdesk's documented wire format and
//! checking the requests it receives.
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
//!
//! Used by `tests/conformance.rs` and `tests/simulator_selftest.rs` via `mod simulator;`.

#![allow(dead_code)]

mod http;
mod paging;
mod routes;
mod search;
mod store;
mod writes;

use std::fmt;
use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

use async_trait::async_trait;
use httpmock::{HttpMockRequest, MockServer};
use support_conformance::sim::install_fault;
use support_conformance::{
    Fault, Faulted, Harness, IdScheme, Profile, RequestCounter, Simulator, World,
};
use support_core::{Channel, Operation, SupportPort, TicketStatus};

#[allow(unused_imports)]
pub use http::{Reply, Req, authorization, authorizes, match_path};
#[allow(unused_imports)]
pub use routes::{ROUTES, Route, SEARCH_MAX_PAGE, SEARCH_MAX_QUERY, SEARCH_PAGE_SIZE, serve_world};
#[allow(unused_imports)]
pub use store::{ME, RecordedRequest, Shared, SimState, lock};

/// Builds the adapter's port for a base URL (including `/api/v2`) and an API key.
pub type PortFactory = Arc<dyn Fn(&str, &str) -> Arc<dyn SupportPort> + Send + Sync>;

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
        },
    )
}

/// Starts a server serving a fresh copy of `world` with the simulator's API key.
pub async fn start_server(world: World) -> (MockServer, Shared) {
    let server = MockServer::start_async().await;
    let state = SimState::new(world, server.base_url()).shared();
    serve_world(&server, state.clone(), API_KEY);
    (server, state)
}

fn is_request(request: &HttpMockRequest, method: &str, path: &str) -> bool {
    request.method().as_str().eq_ignore_ascii_case(method) && request.uri().path() == path
}

/// The requests a fault on `operation` hits: the natural endpoint of the operation's scenario
/// input.
pub fn fault_target(
    world: &World,
    operation: Operation,
) -> impl Fn(&HttpMockRequest) -> bool + Send + Sync + 'static + use<> {
    enum Target {
        Exact(&'static str, String),
        /// Any of these paths (`{}`: a numeric id) with this method.
        Patterns(&'static str, Vec<&'static str>),
    }
    let ticket = |id: &str| format!("/api/v2/tickets/{id}");
    let target = match operation {
        Operation::ListTickets => Target::Exact("GET", "/api/v2/tickets".into()),
        Operation::GetTicket => Target::Exact("GET", ticket(&world.tickets[0].id)),
        Operation::CreateTicket => Target::Exact("POST", "/api/v2/tickets".into()),
        Operation::UpdateTicket => Target::Exact("PUT", ticket(world.update().0)),
        Operation::CloseTicket => Target::Exact("PUT", ticket(world.close_target())),
        Operation::AssignTicket => Target::Exact("PUT", ticket(world.assignment().0)),
        Operation::AddComment => {
            Target::Exact("POST", format!("{}/reply", ticket(world.new_comments().0)))
        }
        Operation::ListAgents => Target::Exact("GET", "/api/v2/agents".into()),
        Operation::ListComments => Target::Exact(
            "GET",
            format!("{}/conversations", ticket(&world.comments[0].ticket)),
        ),
        // Freshdesk has no tag resource: tags are read off tickets and set on them.
        Operation::ListTags => Target::Exact("GET", "/api/v2/tickets".into()),
        Operation::CreateTag => Target::Exact("PUT", ticket(&world.tickets[0].id)),
        Operation::GetKnowledgeArticle => Target::Exact(
            "GET",
            format!("/api/v2/solutions/articles/{}", world.articles[0].id),
        ),
        Operation::ListKnowledgeArticles => Target::Patterns(
            "GET",
            vec![
                "/api/v2/solutions/categories",
                "/api/v2/solutions/categories/{}/folders",
                "/api/v2/solutions/folders/{}/articles",
            ],
        ),
        Operation::GetSla => Target::Patterns(
            "GET",
            vec!["/api/v2/sla_policies", "/api/v2/sla_policies/{}"],
        ),
        Operation::ListSatisfactionRatings => {
            Target::Exact("GET", "/api/v2/surveys/satisfaction_ratings".into())
        }
        Operation::CheckConnection => Target::Exact("GET", "/api/v2/agents/me".into()),
    };
    move |request: &HttpMockRequest| match &target {
        Target::Exact(method, path) => is_request(request, method, path),
        Target::Patterns(method, patterns) => {
            request.method().as_str().eq_ignore_ascii_case(method)
                && patterns
                    .iter()
                    .any(|p| match_path(p, request.uri().path()).is_some())
        }
    }
}

/// Runs a future that needs no runtime to completion on this thread (httpmock's local server
/// registers mocks in memory).
fn block_on<F: Future>(future: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut context = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        match future.as_mut().poll(&mut context) {
            Poll::Ready(output) => return output,
            Poll::Pending => std::thread::park(),
        }
    }
}

/// A server whose first `fault.times` requests to `operation`'s endpoint get `fault`, then serve a
/// fresh copy of the world.
pub struct FaultedServer {
    pub server: MockServer,
    pub state: Shared,
    /// Requests that reached the faulted endpoint (faulted or not).
    pub requests: RequestCounter,
}

impl fmt::Debug for FaultedServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FaultedServer")
            .field("base_url", &self.base_url())
            .field("requests", &self.requests.get())
            .finish_non_exhaustive()
    }
}

impl FaultedServer {
    /// Synchronous (see [`serve_world`]): it is called inside `Simulator::port_with_fault`.
    pub fn start(world: World, operation: Operation, fault: Fault) -> Self {
        let server = MockServer::start();
        let requests = RequestCounter::new();
        block_on(install_fault(
            &server,
            &fault,
            requests.clone(),
            fault_target(&world, operation),
        ));
        let state = SimState::new(world, server.base_url()).shared();
        serve_world(&server, state.clone(), API_KEY);
        Self {
            server,
            state,
            requests,
        }
    }

    /// The API base URL, `/api/v2` included.
    pub fn base_url(&self) -> String {
        self.server.url("/api/v2")
    }
}

/// The Freshdesk simulator as the conformance suite's [`Harness`] and [`Simulator`].
pub struct FreshdeskSimulator {
    world: World,
    server: MockServer,
    state: Shared,
    factory: PortFactory,
    /// Servers behind the faulted ports handed out; kept alive as long as the simulator.
    faulted: Mutex<Vec<FaultedServer>>,
}

impl fmt::Debug for FreshdeskSimulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FreshdeskSimulator")
            .field("base_url", &self.base_url())
            .finish_non_exhaustive()
    }
}

impl FreshdeskSimulator {
    /// A fresh server serving a fresh copy of `world`.
    pub async fn start(world: World, factory: PortFactory) -> Self {
        let (server, state) = start_server(world.clone()).await;
        Self {
            world,
            server,
            state,
            factory,
            faulted: Mutex::new(Vec::new()),
        }
    }

    /// The API base URL, `/api/v2` included.
    pub fn base_url(&self) -> String {
        self.server.url("/api/v2")
    }

    /// The main server's state.
    pub fn state(&self) -> Shared {
        self.state.clone()
    }

    /// The requests the main server's endpoints answered, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state).log.clone()
    }

    /// API base URLs of the faulted servers handed out so far, oldest first.
    pub fn faulted_base_urls(&self) -> Vec<String> {
        self.faulted
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .iter()
            .map(FaultedServer::base_url)
            .collect()
    }
}

#[async_trait]
impl Harness for FreshdeskSimulator {
    fn port(&self) -> Arc<dyn SupportPort> {
        (self.factory)(&self.base_url(), API_KEY)
    }

    fn world(&self) -> Option<&World> {
        Some(&self.world)
    }

    fn simulator(&self) -> Option<&dyn Simulator> {
        Some(self)
    }
}

#[async_trait]
impl Simulator for FreshdeskSimulator {
    async fn port_with_bad_credentials(&self) -> Arc<dyn SupportPort> {
        (self.factory)(&self.base_url(), WRONG_API_KEY)
    }

    async fn port_with_fault(&self, operation: Operation, fault: Fault) -> Faulted {
        let faulted = FaultedServer::start(self.world.clone(), operation, fault);
        let port = (self.factory)(&faulted.base_url(), API_KEY);
        let requests = faulted.requests.clone();
        self.faulted
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(faulted);
        Faulted { port, requests }
    }
}
