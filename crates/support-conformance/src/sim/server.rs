//! The server: a provider's wire format ([`Wire`]) served over httpmock with authentication
//! first, the request log, shared state, and faulted copies with one lifecycle ([`Simulated`]).

use std::fmt;
use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Wake, Waker};

use async_trait::async_trait;
use httpmock::{HttpMockRequest, MockServer};
use serde_json::Value;
use support_core::{Operation, SupportPort};

use super::http::{Reply, Req};
use super::install_fault_with;
use super::route::{Route, match_path};
use crate::harness::{Fault, Faulted, Harness, RequestCounter, Simulator};
use crate::world::{IdScheme, World};

/// Which credentials a port is built with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Credentials {
    /// The ones the simulator accepts.
    Accepted,
    /// Ones it answers with the provider's 401.
    Rejected,
}

/// The provider's account in the simulator: the world loaded into its own records (the seeding
/// hook), and the log of requests it answered.
pub trait Account: Send + 'static {
    /// The account holding `world`; `base_url` is the server's root, for links.
    fn seed(world: World, base_url: &str) -> Self;

    /// The requests answered so far.
    fn log(&mut self) -> &mut Vec<RecordedRequest>;
}

/// A provider's wire format: all a simulator holds beyond the kit.
pub trait Wire: Send + Sync + 'static {
    /// The account state its handlers work on.
    type State: Account;
    /// What builds the adapter's ports (the test's closure over the builder).
    type Factory: Send + Sync + 'static;

    /// Headers every answer carries (rate-limit headers, say).
    const HEADERS: &'static [(&'static str, &'static str)] = &[];
    /// The path under the server's root where the API lives (`/api/v2`), part of the base URL
    /// ports are built with.
    const API_ROOT: &'static str = "";

    /// Headers every route's answer carries that change with time (a rate-limit window's reset
    /// time, say), after [`Wire::HEADERS`]; the 401 for wrong credentials does not carry them.
    fn answer_headers() -> Vec<(String, String)> {
        Vec::new()
    }

    /// Every endpoint, in matching order.
    fn routes() -> &'static [Route<Self::State>];

    /// Whether the request carries the accepted credentials.
    fn authorized(req: &Req) -> bool;

    /// The provider's answer to missing or wrong credentials.
    fn unauthenticated() -> Reply;

    /// The provider's answer to this request's missing or wrong credentials, for providers whose
    /// answer depends on what was sent (Zammad: 403 without credentials, 401 naming what failed
    /// with them). Defaults to [`Wire::unauthenticated`].
    fn refused(_req: &Req) -> Reply {
        Self::unauthenticated()
    }

    /// The path routes are matched against (Zendesk drops an optional `.json`).
    fn normalize_path(path: &str) -> String {
        path.to_owned()
    }

    /// The adapter's port for `base_url` (the API root) with these credentials.
    fn port(
        factory: &Self::Factory,
        base_url: &str,
        credentials: Credentials,
    ) -> Arc<dyn SupportPort>;

    /// The requests a fault on `operation` hits: the natural endpoint of its scenario input.
    fn fault_target(world: &World, operation: Operation) -> FaultTarget;

    /// How the provider would spell a page of `operation`'s listing that is well-formed but not
    /// complete (items `null`, "more" without a cursor): see [`Simulator::broken_pages`].
    fn broken_pages(_operation: Operation) -> Vec<String> {
        Vec::new()
    }

    /// The provider's answer to a throttling fault that asks for a wait of `wait`, when it does not
    /// say it with `Retry-After` (Intercom's 429 names the end of its rate-limit window in
    /// `X-RateLimit-Reset`). Called when the answer is sent. `None` (the default): the kit's 429
    /// with `Retry-After`.
    fn throttled(_wait: std::time::Duration) -> Option<Reply> {
        None
    }
}

/// The requests a fault hits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FaultTarget {
    /// This method and exact (normalised) path.
    Exact(&'static str, String),
    /// This method and any of these patterns (`{}`: an id).
    Patterns(&'static str, Vec<&'static str>),
    /// This method and pattern, when the decoded query string holds this text: one of several
    /// requests to the same endpoint (a SOQL query of one object, `FROM Case `).
    QueryHolding(&'static str, &'static str, &'static str),
}

impl FaultTarget {
    /// Whether a request with this method, normalised path and decoded query string (`k=v&..`)
    /// is a target.
    pub fn hits(&self, method: &str, path: &str, query: &str, ids: IdScheme) -> bool {
        match self {
            FaultTarget::Exact(m, p) => method.eq_ignore_ascii_case(m) && path == p,
            FaultTarget::Patterns(m, patterns) => {
                method.eq_ignore_ascii_case(m)
                    && patterns.iter().any(|p| match_path(p, path, ids).is_some())
            }
            FaultTarget::QueryHolding(m, pattern, text) => {
                method.eq_ignore_ascii_case(m)
                    && match_path(pattern, path, ids).is_some()
                    && query.contains(text)
            }
        }
    }
}

/// A mock request's query string, decoded (`k=v&..`).
fn decoded_query(request: &HttpMockRequest) -> String {
    request
        .query_params()
        .into_iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// The decoded query string of a raw request target (`/path?a=b%20c`): `+` and `%XX` decoded.
fn decode_query(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match raw
                .get(i + 1..i + 3)
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
            {
                Some(b) => {
                    out.push(b);
                    i += 2;
                }
                None => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// One request an endpoint answered.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordedRequest {
    /// The method.
    pub method: String,
    /// The normalised path.
    pub path: String,
    /// The query parameters.
    pub query: Vec<(String, String)>,
    /// The `Idempotency-Key` header.
    pub idempotency_key: Option<String>,
    /// The JSON body.
    pub body: Option<Value>,
    /// The status answered.
    pub status: u16,
}

/// The state shared by every mock of one server.
pub type Shared<S> = Arc<Mutex<S>>;

/// Locks the state, surviving a poisoned lock (a panicking responder must not wedge the server).
pub fn lock<S>(state: &Mutex<S>) -> MutexGuard<'_, S> {
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Registers the simulator on `server`: the provider's 401 for wrong or missing credentials first,
/// then every route, answering from `state` and logging into it. Call on a fresh server (after any
/// fault mock); `ids` is how path ids are spelled.
///
/// Synchronous on purpose: httpmock 0.9's `mock_async` future is not provably `Send` (rustc's
/// "`Send` is not general enough"), so it cannot be awaited inside `Simulator::port_with_fault`.
/// The local server's registration is in-memory, so the blocking call returns at once.
pub fn serve<W: Wire>(server: &MockServer, state: Shared<W::State>, ids: IdScheme) {
    server.mock(move |when, then| {
        when.is_true(move |request: &HttpMockRequest| !W::authorized(&request_of::<W>(request)));
        then.respond_with(|request: &HttpMockRequest| {
            W::refused(&request_of::<W>(request)).into_response(W::HEADERS)
        });
    });
    for route in W::routes() {
        let route = *route;
        let state = state.clone();
        server.mock(move |when, then| {
            when.is_true(move |request: &HttpMockRequest| {
                route
                    .matches(request, &W::normalize_path(request.uri().path()), ids)
                    .is_some()
            });
            then.respond_with(move |request: &HttpMockRequest| {
                let path = W::normalize_path(request.uri().path());
                let captured = route.matches(request, &path, ids).unwrap_or_default();
                let req = Req::from_mock(request, path, captured);
                let mut st = lock(&state);
                let mut reply = route.answer(&mut st, &req);
                reply.headers.extend(W::answer_headers());
                st.log().push(RecordedRequest {
                    method: req.method.clone(),
                    path: req.path.clone(),
                    query: req.params.clone(),
                    idempotency_key: req.header("idempotency-key").map(str::to_owned),
                    body: req.json(),
                    status: reply.status,
                });
                reply.into_response(W::HEADERS)
            });
        });
    }
}

fn request_of<W: Wire>(request: &HttpMockRequest) -> Req {
    Req::from_mock(request, W::normalize_path(request.uri().path()), Vec::new())
}

/// Starts a server serving a fresh copy of `world`.
pub async fn start_server<W: Wire>(world: World) -> (MockServer, Shared<W::State>) {
    let server = MockServer::start_async().await;
    let ids = world.profile.ids;
    let state = Arc::new(Mutex::new(W::State::seed(world, &server.base_url())));
    serve::<W>(&server, state.clone(), ids);
    (server, state)
}

/// Registers, ahead of the world, a mock that answers `target`'s requests as the simulator answers
/// the same request with `asked` replaced by `answered` in its path: the answer about another
/// record, in the provider's own shape.
fn answer_as_another<W: Wire>(
    server: &MockServer,
    state: &Shared<W::State>,
    target: FaultTarget,
    ids: IdScheme,
    asked: String,
    answered: String,
    requests: &RequestCounter,
) {
    let state = state.clone();
    let counter = requests.clone();
    server.mock(move |when, then| {
        when.is_true(move |request: &HttpMockRequest| {
            let hit = target.hits(
                request.method().as_str(),
                &W::normalize_path(request.uri().path()),
                &decoded_query(request),
                ids,
            );
            if hit {
                counter.hit();
            }
            hit
        });
        then.respond_with(move |request: &HttpMockRequest| {
            let normalized = W::normalize_path(request.uri().path());
            let in_path = normalized.contains(&asked);
            let path = normalized.replacen(&asked, &answered, 1);
            let reply = W::routes()
                .iter()
                .find_map(|route| {
                    let captured = route.matches(request, &path, ids)?;
                    let mut req = Req::from_mock(request, path.clone(), captured);
                    // A record read by a query (a SOQL `WHERE Id = '...'`) names it in the query
                    // string, not the path.
                    if !in_path
                        && let Some((_, value)) =
                            req.params.iter_mut().find(|(_, v)| v.contains(&asked))
                    {
                        *value = value.replacen(&asked, &answered, 1);
                    }
                    let mut reply = route.answer(&mut lock(&state), &req);
                    reply.headers.extend(W::answer_headers());
                    Some(reply)
                })
                .unwrap_or_else(|| {
                    Reply::new(
                        404,
                        serde_json::json!({"error": format!("no route serves {path}")}),
                    )
                });
            reply.into_response(W::HEADERS)
        });
    });
}

/// Runs a future that needs no runtime to completion on this thread (httpmock's local server
/// registers mocks in memory).
pub fn block_on<F: Future>(future: F) -> F::Output {
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

/// A server whose first `fault.times` requests to an operation's endpoint get the fault, then
/// serve a fresh copy of the world.
pub struct FaultedServer<S> {
    /// The server.
    pub server: MockServer,
    /// Its state.
    pub state: Shared<S>,
    /// Requests that reached the faulted endpoint (faulted or not).
    pub requests: RequestCounter,
    /// Where clients send requests (`http://host:port`): the server, or the relay in front of it
    /// that loses answers after their headers.
    pub root: String,
}

impl<S> fmt::Debug for FaultedServer<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FaultedServer")
            .field("base_url", &self.server.base_url())
            .field("requests", &self.requests.get())
            .finish_non_exhaustive()
    }
}

impl<S: Account> FaultedServer<S> {
    /// Synchronous (see [`serve`]): it is called inside `Simulator::port_with_fault`.
    pub fn start<W: Wire<State = S>>(world: World, operation: Operation, fault: Fault) -> Self {
        let server = MockServer::start();
        let requests = RequestCounter::new();
        let ids = world.profile.ids;
        let target = W::fault_target(&world, operation);
        if let Some(how) = fault.after_headers {
            let state = Arc::new(Mutex::new(S::seed(world, &server.base_url())));
            serve::<W>(&server, state.clone(), ids);
            let hits = move |method: &str, target_path: &str| {
                let (path, query) = target_path.split_once('?').unwrap_or((target_path, ""));
                target.hits(method, &W::normalize_path(path), &decode_query(query), ids)
            };
            let root = match super::lost::start_relay(
                server.address().to_string(),
                how,
                fault.times,
                requests.clone(),
                Arc::new(hits),
            ) {
                Ok(root) => root,
                Err(error) => panic!("the relay could not start: {error}"),
            };
            return Self {
                server,
                state,
                requests,
                root,
            };
        }
        if let Some((asked, answered)) = fault.answered_as.clone() {
            let state = Arc::new(Mutex::new(S::seed(world, &server.base_url())));
            answer_as_another::<W>(&server, &state, target, ids, asked, answered, &requests);
            serve::<W>(&server, state.clone(), ids);
            let root = server.base_url();
            return Self {
                server,
                state,
                requests,
                root,
            };
        }
        block_on(install_fault_with(
            &server,
            &fault,
            requests.clone(),
            move |request: &HttpMockRequest| {
                target.hits(
                    request.method().as_str(),
                    &W::normalize_path(request.uri().path()),
                    &decoded_query(request),
                    ids,
                )
            },
            W::throttled,
        ));
        let state = Arc::new(Mutex::new(S::seed(world, &server.base_url())));
        serve::<W>(&server, state.clone(), ids);
        let root = server.base_url();
        Self {
            server,
            state,
            requests,
            root,
        }
    }
}

/// A provider simulator as the conformance suite's [`Harness`] and [`Simulator`]: the main server,
/// the port factory, and the faulted servers it handed out (kept alive as long as it lives).
pub struct Simulated<W: Wire> {
    world: World,
    server: MockServer,
    state: Shared<W::State>,
    factory: W::Factory,
    faulted: Mutex<Vec<FaultedServer<W::State>>>,
}

impl<W: Wire> fmt::Debug for Simulated<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Simulated")
            .field("base_url", &self.base_url())
            .finish_non_exhaustive()
    }
}

impl<W: Wire> Simulated<W> {
    /// A fresh server serving a fresh copy of `world`.
    pub async fn start(world: World, factory: W::Factory) -> Self {
        let (server, state) = start_server::<W>(world.clone()).await;
        Self {
            world,
            server,
            state,
            factory,
            faulted: Mutex::new(Vec::new()),
        }
    }

    /// The API base URL ports are built with ([`Wire::API_ROOT`] included).
    pub fn base_url(&self) -> String {
        self.server.url(W::API_ROOT)
    }

    /// The main server's state.
    pub fn state(&self) -> Shared<W::State> {
        self.state.clone()
    }

    /// The requests the main server's endpoints answered, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state).log().clone()
    }

    /// API base URLs of the faulted servers handed out so far, oldest first.
    pub fn faulted_base_urls(&self) -> Vec<String> {
        lock(&self.faulted)
            .iter()
            .map(|f| f.server.url(W::API_ROOT))
            .collect()
    }
}

#[async_trait]
impl<W: Wire> Harness for Simulated<W> {
    fn port(&self) -> Arc<dyn SupportPort> {
        W::port(&self.factory, &self.base_url(), Credentials::Accepted)
    }

    fn world(&self) -> Option<&World> {
        Some(&self.world)
    }

    fn simulator(&self) -> Option<&dyn Simulator> {
        Some(self)
    }
}

#[async_trait]
impl<W: Wire> Simulator for Simulated<W> {
    async fn port_with_bad_credentials(&self) -> Arc<dyn SupportPort> {
        W::port(&self.factory, &self.base_url(), Credentials::Rejected)
    }

    async fn port_with_fault(&self, operation: Operation, fault: Fault) -> Faulted {
        let faulted = FaultedServer::start::<W>(self.world.clone(), operation, fault);
        let port = W::port(
            &self.factory,
            &format!("{}{}", faulted.root, W::API_ROOT),
            Credentials::Accepted,
        );
        let requests = faulted.requests.clone();
        lock(&self.faulted).push(faulted);
        Faulted { port, requests }
    }

    fn broken_pages(&self, operation: Operation) -> Vec<String> {
        W::broken_pages(operation)
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::net::TcpStream;
    use std::time::Duration;

    use serde_json::json;

    use super::*;
    use crate::sim::{BodyRule, Params};
    use crate::unsupported_port::UnsupportedPort;
    use crate::world::Profile;

    /// A provider with two endpoints, to drive the kit's server without a real wire format.
    struct Toy;

    struct ToyState {
        tickets: Vec<String>,
        log: Vec<RecordedRequest>,
    }

    impl Account for ToyState {
        fn seed(world: World, _base_url: &str) -> Self {
            Self {
                tickets: world.tickets.iter().map(|t| t.id.clone()).collect(),
                log: Vec::new(),
            }
        }

        fn log(&mut self) -> &mut Vec<RecordedRequest> {
            &mut self.log
        }
    }

    fn list(st: &mut ToyState, _req: &Req) -> Reply {
        Reply::ok(json!(st.tickets))
    }

    fn show(st: &mut ToyState, req: &Req) -> Reply {
        if st.tickets.iter().any(|t| t == req.id(0)) {
            Reply::ok(json!({"id": req.id(0)}))
        } else {
            Reply::new(404, json!({"toy": "missing"}))
        }
    }

    fn create(st: &mut ToyState, _req: &Req) -> Reply {
        st.tickets.push(format!("new-{}", st.tickets.len()));
        Reply::created(json!({"created": true}))
    }

    static ROUTES: &[Route<ToyState>] = &[
        Route::new("GET", "/api/tickets", Params::NONE, BodyRule::Any, list),
        Route::new("GET", "/api/tickets/{}", Params::NONE, BodyRule::Any, show),
        Route::new(
            "POST",
            "/api/tickets",
            Params::NONE,
            BodyRule::JsonObject,
            create,
        ),
    ];

    type Built = Arc<Mutex<Vec<(String, Credentials)>>>;

    impl Wire for Toy {
        type State = ToyState;
        type Factory = Built;
        const HEADERS: &'static [(&'static str, &'static str)] = &[("x-toy", "1")];
        const API_ROOT: &'static str = "/api";

        fn routes() -> &'static [Route<ToyState>] {
            ROUTES
        }

        fn authorized(req: &Req) -> bool {
            req.header("authorization")
                .and_then(|v| support_core::http::authorization_param(v, "Bearer"))
                == Some("good")
        }

        fn unauthenticated() -> Reply {
            Reply::new(401, json!({"toy": "who are you"}))
        }

        fn normalize_path(path: &str) -> String {
            path.trim_end_matches('/').to_owned()
        }

        fn port(built: &Built, base_url: &str, credentials: Credentials) -> Arc<dyn SupportPort> {
            lock(built).push((base_url.to_owned(), credentials));
            Arc::new(UnsupportedPort::new("toy"))
        }

        fn fault_target(_world: &World, operation: Operation) -> FaultTarget {
            match operation {
                Operation::ListTickets => FaultTarget::Exact("GET", "/api/tickets".into()),
                Operation::CreateTicket => FaultTarget::Exact("POST", "/api/tickets".into()),
                _ => FaultTarget::Patterns("GET", vec!["/api/tickets/{}"]),
            }
        }
    }

    /// Status, headers and body of a raw HTTP/1.1 exchange (no client library needed).
    fn send(url: &str, method: &str, path: &str, auth: bool, body: &str) -> (u16, String) {
        let address = url.trim_start_matches("http://").trim_end_matches("/api");
        let mut stream = TcpStream::connect(address).expect("the server listens");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("a timeout");
        let auth = if auth {
            "authorization: Bearer good\r\n"
        } else {
            ""
        };
        let request = format!(
            "{method} {path} HTTP/1.1\r\nhost: {address}\r\n{auth}content-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).expect("sent");
        let mut answer = String::new();
        stream.read_to_string(&mut answer).expect("an answer");
        let status = answer
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_default();
        (status, answer)
    }

    fn world(ids: IdScheme) -> World {
        World::standard(
            "toy",
            Profile {
                ids,
                ..Profile::default()
            },
        )
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn serves_authentication_first_then_routes_and_logs() {
        let built = Built::default();
        let sim = Simulated::<Toy>::start(world(IdScheme::Numeric), built.clone()).await;
        let url = sim.base_url();
        assert!(url.ends_with("/api"), "{url}");
        let (status, answer) = send(&url, "GET", "/api/tickets/101", false, "");
        assert_eq!(status, 401);
        assert!(answer.contains("who are you") && answer.contains("x-toy: 1"));
        let (status, answer) = send(&url, "GET", "/api/tickets/101/", true, "");
        assert_eq!(status, 200, "{answer}");
        assert!(answer.contains(r#"{"id":"101"}"#), "{answer}");
        // No route: an id outside the scheme, an unknown parameter, a body that is not JSON.
        for (method, path, body) in [
            ("GET", "/api/tickets/abc", ""),
            ("GET", "/api/tickets?x=1", ""),
            ("POST", "/api/tickets", "not json"),
        ] {
            let (status, answer) = send(&url, method, path, true, body);
            assert_eq!(status, 404, "{method} {path}");
            assert!(!answer.contains("toy"), "{answer}");
        }
        assert_eq!(send(&url, "GET", "/api/tickets/999999", true, "").0, 404);
        let log = sim.requests();
        assert_eq!(log.len(), 2, "only answered routes are logged: {log:?}");
        assert_eq!(
            (log[0].path.as_str(), log[0].status),
            ("/api/tickets/101", 200)
        );
        assert_eq!(log[1].status, 404);

        sim.port();
        sim.port_with_bad_credentials().await;
        assert_eq!(
            lock(&built).clone(),
            vec![
                (url.clone(), Credentials::Accepted),
                (url, Credentials::Rejected)
            ]
        );
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn faults_answer_first_on_a_fresh_copy_kept_alive() {
        let built = Built::default();
        let sim = Simulated::<Toy>::start(world(IdScheme::Numeric), built.clone()).await;
        assert_eq!(
            send(&sim.base_url(), "POST", "/api/tickets", true, "{}").0,
            201
        );

        let faulted = sim
            .port_with_fault(Operation::ListTickets, Fault::unavailable_once())
            .await;
        let base = sim.faulted_base_urls().pop().expect("a faulted server");
        assert_ne!(base, sim.base_url());
        assert_eq!(lock(&built).last().map(|b| b.0.clone()), Some(base.clone()));
        assert_eq!(send(&base, "GET", "/api/tickets/101", true, "").0, 200);
        assert_eq!(faulted.requests.get(), 0, "other endpoints are not faulted");
        assert_eq!(send(&base, "GET", "/api/tickets", true, "").0, 503);
        let (status, answer) = send(&base, "GET", "/api/tickets", true, "");
        assert_eq!(status, 200);
        assert!(
            !answer.contains("new-"),
            "a fresh copy of the world: {answer}"
        );
        assert_eq!(faulted.requests.get(), 2);

        let wait = Duration::from_secs(3600);
        let throttled = sim
            .port_with_fault(Operation::CreateTicket, Fault::throttled(wait, usize::MAX))
            .await;
        let base = sim.faulted_base_urls().pop().expect("a faulted server");
        for _ in 0..2 {
            let (status, answer) = send(&base, "POST", "/api/tickets", true, "{}");
            assert_eq!(status, 429);
            assert!(answer.contains("retry-after: 3600"), "{answer}");
        }
        assert_eq!(throttled.requests.get(), 2);
        assert_eq!(sim.faulted_base_urls().len(), 2);
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn path_ids_follow_the_world_scheme() {
        let sim = Simulated::<Toy>::start(world(IdScheme::Salesforce18), Built::default()).await;
        let id = sim
            .world()
            .map(|w| w.tickets[0].id.clone())
            .unwrap_or_default();
        assert_eq!(id.len(), 18);
        let url = sim.base_url();
        let (status, answer) = send(&url, "GET", &format!("/api/tickets/{id}"), true, "");
        assert_eq!(status, 200, "{answer}");
        assert!(answer.contains(&id));
        assert_eq!(send(&url, "GET", "/api/tickets/101", true, "").0, 404);
        let faulted = sim
            .port_with_fault(Operation::GetTicket, Fault::unavailable_once())
            .await;
        let base = sim.faulted_base_urls().pop().expect("a faulted server");
        assert_eq!(
            send(&base, "GET", &format!("/api/tickets/{id}"), true, "").0,
            503
        );
        assert_eq!(faulted.requests.get(), 1);
    }
}
