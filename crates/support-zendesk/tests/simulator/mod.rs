//! A stateful simulator of the Zendesk Support and Help Center REST APIs on an `httpmock` server
//! (loopback only), serving the conformance suite's standard world in Zendesk's documented wire
//! format and checking the requests it receives.
//!
//! - Every request must carry `Authorization: Basic base64("{EMAIL}/token:{TOKEN}")`; anything else
//!   gets Zendesk's 401.
//! - Each endpoint is one mock that checks method, path (with Zendesk's optional `.json` suffix),
//!   the query parameters it allows and requires, and for writes a JSON body with a `ticket`
//!   object. A request no mock accepts gets httpmock's 404: that is how an unexpected request shows.
//! - Answers come from shared state, so writes are visible to later reads.
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
use support_core::{Operation, SupportPort, TicketStatus};

#[allow(unused_imports)]
pub use http::{Reply, Req, match_path};
#[allow(unused_imports)]
pub use routes::{ROUTES, Route, authorization, serve_world};
pub use store::{RecordedRequest, Shared, SimState, lock};

/// Builds the adapter's port for a base URL, agent e-mail and API token.
pub type PortFactory = Arc<dyn Fn(&str, &str, &str) -> Arc<dyn SupportPort> + Send + Sync>;

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
            ..Profile::default()
        },
    )
}

/// Starts a server serving a fresh copy of `world` with the simulator's credentials.
pub async fn start_server(world: World) -> (MockServer, Shared) {
    let server = MockServer::start_async().await;
    let state = SimState::new(world, server.base_url()).shared();
    serve_world(
        &server,
        state.clone(),
        authorization(ZendeskSimulator::EMAIL, ZendeskSimulator::TOKEN),
    );
    (server, state)
}

/// Whether `request` is `method path`, with Zendesk's optional `.json` suffix.
fn is_request(request: &HttpMockRequest, method: &str, path: &str) -> bool {
    request.method().as_str().eq_ignore_ascii_case(method)
        && http::normalized_path(request.uri().path()) == path
}

/// The requests a fault on `operation` hits: the natural endpoint of the operation's scenario input.
pub fn fault_target(
    world: &World,
    operation: Operation,
) -> impl Fn(&HttpMockRequest) -> bool + Send + Sync + 'static + use<> {
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
    };
    move |request: &HttpMockRequest| is_request(request, method, &path)
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
            .field("base_url", &self.server.base_url())
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
        serve_world(
            &server,
            state.clone(),
            authorization(ZendeskSimulator::EMAIL, ZendeskSimulator::TOKEN),
        );
        Self {
            server,
            state,
            requests,
        }
    }

    pub fn base_url(&self) -> String {
        self.server.base_url()
    }
}

/// The Zendesk simulator as the conformance suite's [`Harness`] and [`Simulator`].
pub struct ZendeskSimulator {
    world: World,
    server: MockServer,
    state: Shared,
    factory: PortFactory,
    /// Servers behind the faulted ports handed out; kept alive as long as the simulator.
    faulted: Mutex<Vec<FaultedServer>>,
}

impl fmt::Debug for ZendeskSimulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ZendeskSimulator")
            .field("base_url", &self.server.base_url())
            .finish_non_exhaustive()
    }
}

impl ZendeskSimulator {
    /// The agent e-mail the simulator accepts.
    pub const EMAIL: &'static str = "agent@example.com";
    /// The API token the simulator accepts.
    pub const TOKEN: &'static str = "sim-token";

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

    pub fn base_url(&self) -> String {
        self.server.base_url()
    }

    /// The main server's state.
    pub fn state(&self) -> Shared {
        self.state.clone()
    }

    /// The requests the main server's endpoints answered, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state).log.clone()
    }

    /// Base URLs of the faulted servers handed out so far, oldest first.
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
impl Harness for ZendeskSimulator {
    fn port(&self) -> Arc<dyn SupportPort> {
        (self.factory)(&self.base_url(), Self::EMAIL, Self::TOKEN)
    }

    fn world(&self) -> Option<&World> {
        Some(&self.world)
    }

    fn simulator(&self) -> Option<&dyn Simulator> {
        Some(self)
    }
}

#[async_trait]
impl Simulator for ZendeskSimulator {
    async fn port_with_bad_credentials(&self) -> Arc<dyn SupportPort> {
        (self.factory)(&self.base_url(), Self::EMAIL, "wrong-token")
    }

    async fn port_with_fault(&self, operation: Operation, fault: Fault) -> Faulted {
        let faulted = FaultedServer::start(self.world.clone(), operation, fault);
        let port = (self.factory)(&faulted.base_url(), Self::EMAIL, Self::TOKEN);
        let requests = faulted.requests.clone();
        self.faulted
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(faulted);
        Faulted { port, requests }
    }
}
