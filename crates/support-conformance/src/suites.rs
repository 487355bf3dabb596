//! Shared adapter test suites over a provider's simulator: what every adapter must show about
//! faults, credentials, missing records, secret redaction and unknown native values, run by each
//! adapter with one line.
//!
//! ```ignore
//! struct AcmeOnSimulator;
//!
//! #[async_trait::async_trait(?Send)]
//! impl support_conformance::suites::SuiteTarget for AcmeOnSimulator {
//!     async fn start(&self, request_timeout: Option<Duration>) -> Box<dyn Harness> {
//!         Box::new(AcmeSimulator::start(acme_world(), port_factory(request_timeout)).await)
//!     }
//!     fn secrets(&self) -> Vec<String> {
//!         vec![simulator::TOKEN.into(), simulator::WRONG_TOKEN.into()]
//!     }
//! }
//!
//! support_conformance::adapter_suite!(AcmeOnSimulator);
//! ```
//!
//! Each check is also a `pub async fn` here, for an adapter that wants to run one on its own. They
//! panic with a message naming what went wrong, as tests do.

use std::time::Duration;

use async_trait::async_trait;
use base64::Engine;
use support_core::{
    Assignment, CloseOptions, ErrorKind, ObjectKind, Operation, SupportPort, TicketLookup,
    TicketQuery, TicketStatus,
};

use crate::harness::{AfterHeaders, Fault, Harness, Simulator};
use crate::world::{UNKNOWN_STATUS, World};

/// The request timeout of the ports the timeout checks use: short, so a stalled answer times out.
pub const SHORT_TIMEOUT: Duration = Duration::from_millis(750);

/// How long a stalled server holds its answer: well past [`SHORT_TIMEOUT`].
pub const STALL: Duration = Duration::from_secs(3);

/// An adapter under the shared suites: how to start its simulator, and what must never show.
///
/// Not `Send`: httpmock's server start is not, and the suites run on one thread.
#[async_trait(?Send)]
pub trait SuiteTarget: Send + Sync {
    /// A simulator on the provider's standard world whose ports time out after `request_timeout`
    /// (`None`: never, for the paused clock) and back off briefly between retries.
    async fn start(&self, request_timeout: Option<Duration>) -> Box<dyn Harness>;

    /// The credentials the ports hold (accepted and rejected ones). The suite also looks for their
    /// base64 forms, and for the Basic and Bearer `Authorization` values built from them.
    fn secrets(&self) -> Vec<String>;

    /// Full `Authorization` header values the ports send that the suite cannot derive from
    /// [`secrets`](Self::secrets) alone (a Basic pair of user and token, say).
    fn authorizations(&self) -> Vec<String> {
        Vec::new()
    }
}

async fn started(target: &dyn SuiteTarget, timeout: Option<Duration>) -> Box<dyn Harness> {
    target.start(timeout).await
}

fn parts(harness: &dyn Harness) -> (&dyn Simulator, &World) {
    let Some(sim) = harness.simulator() else {
        panic!("the shared suites need a simulator");
    };
    let Some(world) = harness.world() else {
        panic!("the shared suites need the simulator's world");
    };
    (sim, world)
}

/// Whether the adapter declares one of `operations` unsupported, in which case a check that needs
/// them has nothing to test (an unsupported operation's own behaviour is the conformance suite's).
fn needs_unsupported(harness: &dyn Harness, check: &str, operations: &[Operation]) -> bool {
    let port = harness.port();
    let missing: Vec<String> = operations
        .iter()
        .filter(|op| !port.capabilities().support(**op).is_supported())
        .map(ToString::to_string)
        .collect();
    if !missing.is_empty() {
        eprintln!(
            "{check}: skipped, {} declared unsupported",
            missing.join(", ")
        );
    }
    !missing.is_empty()
}

/// Whether the provider's throttling names no wait (`Profile::names_throttling_wait`), in which
/// case a check of short throttling has nothing to test.
fn names_no_wait(harness: &dyn Harness, check: &str) -> bool {
    let names = harness
        .world()
        .is_none_or(|world| world.profile.names_throttling_wait);
    if !names {
        eprintln!("{check}: skipped, the provider's throttling names no wait");
    }
    !names
}

fn first_ticket(world: &World) -> TicketLookup {
    TicketLookup::Id(world.id(ObjectKind::Ticket, &world.tickets[0].id))
}

fn assert_requests(what: &str, seen: usize, expected: usize) {
    assert_eq!(
        seen, expected,
        "{what}: the endpoint saw {seen} requests, expected {expected}"
    );
}

/// A 429 with a short `Retry-After` is waited out and the read succeeds (paused clock). Not checked
/// for a provider whose throttling names no wait (`Profile::names_throttling_wait`).
pub async fn throttled_read_is_waited_out(target: &dyn SuiteTarget) {
    let harness = started(target, None).await;
    if names_no_wait(harness.as_ref(), "throttled_read_is_waited_out") {
        return;
    }
    if needs_unsupported(
        harness.as_ref(),
        "throttled_read_is_waited_out",
        &[Operation::ListTickets],
    ) {
        return;
    }
    let (sim, _) = parts(harness.as_ref());
    let faulted = sim
        .port_with_fault(
            Operation::ListTickets,
            Fault::throttled(Duration::from_secs(1), 1),
        )
        .await;
    let page = faulted
        .port
        .list_tickets(TicketQuery::new())
        .await
        .unwrap_or_else(|e| panic!("listTickets after one 429: {e}"));
    assert!(!page.items.is_empty(), "an empty page after the wait");
    assert_requests("429 then success", faulted.requests.get(), 2);
}

/// A 429 with a long `Retry-After` surfaces as `RateLimited` carrying the wait, after one request;
/// for a provider whose throttling names no wait (`Profile::names_throttling_wait`), as
/// `RateLimited` without one.
pub async fn long_retry_after_surfaces_as_rate_limited(target: &dyn SuiteTarget) {
    let harness = started(target, None).await;
    if needs_unsupported(
        harness.as_ref(),
        "long_retry_after_surfaces_as_rate_limited",
        &[Operation::GetTicket],
    ) {
        return;
    }
    let (sim, world) = parts(harness.as_ref());
    let wait = Duration::from_secs(3600);
    let faulted = sim
        .port_with_fault(Operation::GetTicket, Fault::throttled(wait, usize::MAX))
        .await;
    let error = faulted
        .port
        .get_ticket(&first_ticket(world))
        .await
        .err()
        .unwrap_or_else(|| panic!("getTicket succeeded while throttled for an hour"));
    assert!(
        matches!(error.kind(), ErrorKind::RateLimited { .. }),
        "expected RateLimited, got {error:?}"
    );
    if world.profile.names_throttling_wait {
        assert!(
            crate::harness::hands_on_wait(wait, error.retry_after()),
            "the wait is handed on: {:?}, asked {wait:?}",
            error.retry_after()
        );
    } else {
        assert!(
            error.retry_after().is_none(),
            "a wait the provider never named: {:?}",
            error.retry_after()
        );
    }
    assert_requests("an hour's Retry-After", faulted.requests.get(), 1);
}

/// A 503 on a read is retried and the read succeeds.
pub async fn server_error_on_read_is_retried(target: &dyn SuiteTarget) {
    let harness = started(target, None).await;
    if needs_unsupported(
        harness.as_ref(),
        "server_error_on_read_is_retried",
        &[Operation::GetTicket],
    ) {
        return;
    }
    let (sim, world) = parts(harness.as_ref());
    let faulted = sim
        .port_with_fault(Operation::GetTicket, Fault::unavailable_once())
        .await;
    faulted
        .port
        .get_ticket(&first_ticket(world))
        .await
        .unwrap_or_else(|e| panic!("getTicket after one 503: {e}"));
    assert_requests("503 on a read", faulted.requests.get(), 2);
}

/// A 503 on any write (`createTicket` without a key, updates, closing, assigning, comments, tags)
/// is not retried: the provider may have applied it. A write the adapter declares unsupported sends
/// nothing.
pub async fn server_error_on_write_is_not_retried(target: &dyn SuiteTarget) {
    let harness = started(target, None).await;
    let (sim, world) = parts(harness.as_ref());
    writes_are_sent_once(sim, world, Fault::unavailable_once(), "503").await;
}

/// A read that times out is retried and succeeds (real clock: a timeout needs a slow socket).
pub async fn timeout_on_read_is_retried(target: &dyn SuiteTarget) {
    let harness = started(target, Some(SHORT_TIMEOUT)).await;
    if needs_unsupported(
        harness.as_ref(),
        "timeout_on_read_is_retried",
        &[Operation::ListTickets],
    ) {
        return;
    }
    let (sim, world) = parts(harness.as_ref());
    let faulted = sim
        .port_with_fault(Operation::ListTickets, Fault::stalled_once(STALL))
        .await;
    let page = faulted
        .port
        .list_tickets(TicketQuery::new())
        .await
        .unwrap_or_else(|e| panic!("listTickets after one timeout: {e}"));
    assert_eq!(
        page.items.is_empty(),
        world.tickets.is_empty(),
        "the retried listing"
    );
    assert_requests("a timed-out read", faulted.requests.get(), 2);
}

/// A write that times out is not sent again, and surfaces as `Timeout` (real clock).
pub async fn timeout_on_write_is_not_retried(target: &dyn SuiteTarget) {
    let harness = started(target, Some(SHORT_TIMEOUT)).await;
    let (sim, world) = parts(harness.as_ref());
    writes_are_sent_once(sim, world, Fault::stalled_once(STALL), "timeout").await;
}

/// A read whose answer is cut short or reset after its headers is retried like a transport
/// failure and succeeds; one whose answers are always lost fails as `Transport`, not `Decode`.
pub async fn answer_lost_on_read_is_retried(target: &dyn SuiteTarget) {
    let harness = started(target, None).await;
    if needs_unsupported(
        harness.as_ref(),
        "answer_lost_on_read_is_retried",
        &[Operation::GetTicket],
    ) {
        return;
    }
    let (sim, world) = parts(harness.as_ref());
    for how in [AfterHeaders::CutShort, AfterHeaders::Reset] {
        let faulted = sim
            .port_with_fault(Operation::GetTicket, Fault::lost_after_headers(how, 1))
            .await;
        faulted
            .port
            .get_ticket(&first_ticket(world))
            .await
            .unwrap_or_else(|e| panic!("getTicket after one answer lost ({how:?}): {e}"));
        assert_requests(
            &format!("an answer lost ({how:?})"),
            faulted.requests.get(),
            2,
        );

        let faulted = sim
            .port_with_fault(
                Operation::GetTicket,
                Fault::lost_after_headers(how, usize::MAX),
            )
            .await;
        let error = match faulted.port.get_ticket(&first_ticket(world)).await {
            Ok(_) => panic!("getTicket succeeded with every answer lost ({how:?})"),
            Err(error) => error,
        };
        assert_eq!(error.kind(), &ErrorKind::Transport, "{how:?}: {error:?}");
        assert!(
            faulted.requests.get() > 1,
            "an answer lost ({how:?}) was not retried"
        );
    }
}

/// A read whose answer stalls past the timeout after its headers is retried and succeeds (real
/// clock).
pub async fn answer_stalled_after_headers_on_read_is_retried(target: &dyn SuiteTarget) {
    let harness = started(target, Some(SHORT_TIMEOUT)).await;
    if needs_unsupported(
        harness.as_ref(),
        "answer_stalled_after_headers_on_read_is_retried",
        &[Operation::ListTickets],
    ) {
        return;
    }
    let (sim, world) = parts(harness.as_ref());
    let faulted = sim
        .port_with_fault(
            Operation::ListTickets,
            Fault::lost_after_headers(AfterHeaders::Stall(STALL), 1),
        )
        .await;
    let page = faulted
        .port
        .list_tickets(TicketQuery::new())
        .await
        .unwrap_or_else(|e| panic!("listTickets after one stalled body: {e}"));
    assert_eq!(
        page.items.is_empty(),
        world.tickets.is_empty(),
        "the retried listing"
    );
    assert_requests(
        "a body stalled after the headers",
        faulted.requests.get(),
        2,
    );
}

/// A write whose answer is cut short or reset after its headers is not sent again (the provider applied
/// it) and fails as `OutcomeUnknown`.
pub async fn answer_lost_on_write_is_outcome_unknown(target: &dyn SuiteTarget) {
    let harness = started(target, None).await;
    let (sim, world) = parts(harness.as_ref());
    for how in [AfterHeaders::CutShort, AfterHeaders::Reset] {
        writes_are_sent_once(
            sim,
            world,
            Fault::lost_after_headers(how, 1),
            &format!("answer lost ({how:?})"),
        )
        .await;
    }
}

/// The bodies of `200` answers to a listing that are well-formed JSON but no page: the neutral
/// ones and the simulator's own spellings (items `null`, "more" without a cursor).
fn broken_pages(sim: &dyn Simulator) -> Vec<String> {
    let mut pages = vec![
        "{}".to_owned(),
        r#"{"error":"TemporarilyUnavailable"}"#.to_owned(),
    ];
    pages.extend(sim.broken_pages(Operation::ListTickets));
    pages
}

/// A listing answered once with a `200` whose body is no complete page (`{}`, an error object,
/// items `null`, "more" without a cursor) retries it like a transient failure and gets the page:
/// never an early end.
pub async fn incomplete_page_is_retried(target: &dyn SuiteTarget) {
    let harness = started(target, None).await;
    if needs_unsupported(
        harness.as_ref(),
        "incomplete_page_is_retried",
        &[Operation::ListTickets],
    ) {
        return;
    }
    let (sim, world) = parts(harness.as_ref());
    let whole = harness
        .port()
        .list_tickets(TicketQuery::new())
        .await
        .unwrap_or_else(|e| panic!("listTickets: {e}"));
    for body in broken_pages(sim) {
        let faulted = sim
            .port_with_fault(Operation::ListTickets, Fault::success_with(body.clone(), 1))
            .await;
        let page = faulted
            .port
            .list_tickets(TicketQuery::new())
            .await
            .unwrap_or_else(|e| panic!("listTickets after one `{body}`: {e}"));
        assert_eq!(
            page.items.len(),
            whole.items.len(),
            "listTickets after one `{body}` returned another page"
        );
        assert_eq!(
            page.next.is_some(),
            whole.next.is_some(),
            "listTickets after one `{body}` ended early"
        );
        assert!(!world.tickets.is_empty());
        assert_requests(&format!("one `{body}`"), faulted.requests.get(), 2);
    }
}

/// A listing that keeps getting a `200` whose body is no complete page fails with `Decode` naming
/// the operation, with an excerpt: never an early end, never an empty page.
pub async fn incomplete_page_fails_as_decode(target: &dyn SuiteTarget) {
    let harness = started(target, None).await;
    if needs_unsupported(
        harness.as_ref(),
        "incomplete_page_fails_as_decode",
        &[Operation::ListTickets],
    ) {
        return;
    }
    let (sim, _) = parts(harness.as_ref());
    for body in broken_pages(sim) {
        let faulted = sim
            .port_with_fault(
                Operation::ListTickets,
                Fault::success_with(body.clone(), usize::MAX),
            )
            .await;
        let error = match faulted.port.list_tickets(TicketQuery::new()).await {
            Ok(page) => panic!(
                "listTickets on `{body}` succeeded with {} tickets",
                page.items.len()
            ),
            Err(error) => error,
        };
        assert_eq!(error.kind(), &ErrorKind::Decode, "`{body}`: {error}");
        assert_eq!(
            error.operation(),
            Some(Operation::ListTickets),
            "`{body}`: {error}"
        );
        assert!(
            error.body_excerpt().is_some_and(|e| !e.is_empty()),
            "`{body}`: no excerpt in {error:?}"
        );
        assert!(
            faulted.requests.get() > 1,
            "`{body}` was not retried before failing"
        );
    }
}

/// The writes whose retry safety the suites check: none is idempotent without a key.
const WRITES: [Operation; 6] = [
    Operation::CreateTicket,
    Operation::UpdateTicket,
    Operation::CloseTicket,
    Operation::AssignTicket,
    Operation::AddComment,
    Operation::CreateTag,
];

/// Runs one write of the world's inputs on `port`.
async fn write(
    port: &dyn SupportPort,
    world: &World,
    operation: Operation,
) -> Result<(), support_core::Error> {
    let ticket = |id: &str| world.id(ObjectKind::Ticket, id);
    match operation {
        Operation::CreateTicket => port.create_ticket(world.new_ticket()).await.map(drop),
        Operation::UpdateTicket => {
            let (id, update) = world.update();
            port.update_ticket(&ticket(id), update).await.map(drop)
        }
        Operation::CloseTicket => port
            .close_ticket(&ticket(world.close_target()), CloseOptions::new())
            .await
            .map(drop),
        Operation::AssignTicket => {
            let (id, agent, group) = world.assignment();
            let agent = Assignment::agent(world.id(ObjectKind::Party, agent));
            // A ticket with one owner (`Profile::one_owner`) goes to an agent alone.
            let assignment = if world.profile.one_owner {
                agent
            } else {
                agent.with_group(world.id(ObjectKind::Group, group))
            };
            port.assign_ticket(&ticket(id), assignment).await.map(drop)
        }
        Operation::AddComment => {
            let (id, public, _) = world.new_comments();
            port.add_comment(&ticket(id), public).await.map(drop)
        }
        Operation::CreateTag => port.create_tag(world.new_tag()).await.map(drop),
        other => panic!("{other:?} is not a write"),
    }
}

async fn writes_are_sent_once(sim: &dyn Simulator, world: &World, fault: Fault, what: &str) {
    let mut faulted = Vec::new();
    for operation in WRITES {
        faulted.push((
            operation,
            sim.port_with_fault(operation, fault.clone()).await,
        ));
    }
    // Concurrently: a stalled answer costs a request timeout each, and they need not add up.
    let results = futures::future::join_all(
        faulted
            .iter()
            .map(|(operation, f)| write(f.port.as_ref(), world, *operation)),
    )
    .await;
    for ((operation, faulted), result) in faulted.iter().zip(results) {
        let name = operation.to_string();
        match result {
            Ok(()) => panic!("{name} succeeded after a {what}"),
            Err(error) if error.kind() == &ErrorKind::Unsupported => {
                assert_requests(&format!("unsupported {name}"), faulted.requests.get(), 0);
                continue;
            }
            Err(error) if fault.after_headers.is_some() => assert_eq!(
                error.kind(),
                &ErrorKind::OutcomeUnknown,
                "{name} after a {what}: {error:?}"
            ),
            Err(error) if fault.delay.is_some() => assert_eq!(
                error.kind(),
                &ErrorKind::Timeout,
                "{name} after a {what}: {error:?}"
            ),
            Err(error) => assert_eq!(
                error.status(),
                Some(fault.status),
                "{name} after a {what}: {error:?}"
            ),
        }
        assert_requests(&format!("{name} after a {what}"), faulted.requests.get(), 1);
    }
}

/// A 429 on a write is waited out and the write sent again: the provider did not process it
/// (paused clock). Not checked for a provider whose throttling names no wait
/// (`Profile::names_throttling_wait`).
pub async fn throttled_write_is_retried(target: &dyn SuiteTarget) {
    let harness = started(target, None).await;
    if names_no_wait(harness.as_ref(), "throttled_write_is_retried") {
        return;
    }
    if needs_unsupported(
        harness.as_ref(),
        "throttled_write_is_retried",
        &[Operation::CreateTicket],
    ) {
        return;
    }
    let (sim, world) = parts(harness.as_ref());
    let faulted = sim
        .port_with_fault(
            Operation::CreateTicket,
            Fault::throttled(Duration::from_secs(1), 1),
        )
        .await;
    write(faulted.port.as_ref(), world, Operation::CreateTicket)
        .await
        .unwrap_or_else(|e| panic!("createTicket after one 429: {e}"));
    assert_requests("429 on a write, then success", faulted.requests.get(), 2);
}

/// Credentials the provider rejects are `Unauthenticated`, on a read and on the connection check.
pub async fn bad_credentials_are_unauthenticated(target: &dyn SuiteTarget) {
    let harness = started(target, None).await;
    let (sim, _) = parts(harness.as_ref());
    let port = sim.port_with_bad_credentials().await;
    // checkConnection is part of every adapter; listTickets only where it is declared.
    let lists = !needs_unsupported(
        harness.as_ref(),
        "bad_credentials_are_unauthenticated (listTickets)",
        &[Operation::ListTickets],
    );
    let listed = if lists {
        Some(port.list_tickets(TicketQuery::new()).await.map(drop))
    } else {
        None
    };
    for (what, result) in [
        ("listTickets", listed),
        (
            "checkConnection",
            Some(port.check_connection().await.map(drop)),
        ),
    ] {
        let Some(result) = result else { continue };
        match result {
            Ok(()) => panic!("{what} succeeded with bad credentials"),
            Err(error) => assert_eq!(
                error.kind(),
                &ErrorKind::Unauthenticated,
                "{what} with bad credentials: {error:?}"
            ),
        }
    }
}

/// `getTicket` answered with another ticket than the one asked for (a provider that mixes up
/// records) fails with `Decode`: never the wrong ticket.
pub async fn answer_about_another_ticket_is_refused(target: &dyn SuiteTarget) {
    let harness = started(target, None).await;
    if needs_unsupported(
        harness.as_ref(),
        "answer_about_another_ticket_is_refused",
        &[Operation::GetTicket],
    ) {
        return;
    }
    let (sim, world) = parts(harness.as_ref());
    let asked = world.tickets[0].id.clone();
    let answered = world.tickets[1].id.clone();
    let faulted = sim
        .port_with_fault(
            Operation::GetTicket,
            Fault::answered_as(asked.clone(), answered.clone()),
        )
        .await;
    match faulted.port.get_ticket(&first_ticket(world)).await {
        Ok(ticket) => panic!(
            "getTicket of {asked} returned {} when the provider answered about {answered}",
            ticket.id
        ),
        Err(error) => assert_eq!(error.kind(), &ErrorKind::Decode, "{error}"),
    }
    assert!(
        faulted.requests.get() >= 1,
        "the mixed-up answer was never requested"
    );
}

/// A ticket that does not exist is `NotFound`.
pub async fn missing_ticket_is_not_found(target: &dyn SuiteTarget) {
    let harness = started(target, None).await;
    if needs_unsupported(
        harness.as_ref(),
        "missing_ticket_is_not_found",
        &[Operation::GetTicket],
    ) {
        return;
    }
    let world = parts(harness.as_ref()).1;
    let missing = world.id(ObjectKind::Ticket, world.missing_ticket_id());
    match harness.port().get_ticket(&TicketLookup::Id(missing)).await {
        Ok(ticket) => panic!("a missing ticket was found: {:?}", ticket.id),
        Err(error) => assert_eq!(error.kind(), &ErrorKind::NotFound, "{error:?}"),
    }
}

/// No credential shows in the `Debug` of a port or in an error, raw or encoded.
pub async fn secrets_never_show(target: &dyn SuiteTarget) {
    let harness = started(target, None).await;
    let (sim, _) = parts(harness.as_ref());
    let port = harness.port();
    let bad = sim.port_with_bad_credentials().await;
    let error = match bad.list_tickets(TicketQuery::new()).await {
        Ok(_) => panic!("listTickets succeeded with bad credentials"),
        Err(error) => error,
    };
    let shown = [
        format!("{port:?}"),
        format!("{port:#?}"),
        format!("{bad:?}"),
        format!("{bad:#?}"),
        format!("{error:?}"),
        format!("{error:#?}"),
        error.to_string(),
    ];
    for secret in forbidden(target) {
        for text in &shown {
            assert!(
                !text.contains(&secret),
                "a secret shows ({secret:?}): {text}"
            );
        }
    }
}

/// A provider whose error bodies echo the request's `Authorization` header and the credentials in
/// it (in the message, the code, the details and the request id header) leaks nothing: no spelling
/// of a credential shows in the error, its `Debug` or its causes, for a rejected read (400, 401,
/// 403, 404) and for a failing one retried until it gives up (503).
pub async fn echoed_credentials_never_show(target: &dyn SuiteTarget) {
    let harness = started(target, None).await;
    if needs_unsupported(
        harness.as_ref(),
        "echoed_credentials_never_show",
        &[Operation::GetTicket],
    ) {
        return;
    }
    let (sim, world) = parts(harness.as_ref());
    let forbidden = forbidden(target);
    // A 200 echoing them is no ticket; whatever the adapter makes of it (an error with an excerpt
    // of the body, or an object keeping it as raw) must not show them either.
    for status in [200, 400, 401, 403, 404, 503] {
        let faulted = sim
            .port_with_fault(Operation::GetTicket, Fault::echoing_credentials(status))
            .await;
        let error = match faulted.port.get_ticket(&first_ticket(world)).await {
            Ok(ticket) if status == 200 => {
                let shown = format!("{ticket:?} {}", ticket.raw);
                for secret in &forbidden {
                    assert!(
                        !shown.contains(secret.as_str()),
                        "HTTP 200: an echoed secret shows ({secret:?}): {shown}"
                    );
                }
                continue;
            }
            Ok(_) => panic!("getTicket succeeded against an HTTP {status}"),
            Err(error) => error,
        };
        assert!(
            faulted.requests.get() >= 1,
            "HTTP {status}: the echoing endpoint was not reached"
        );
        let mut shown = vec![
            error.to_string(),
            format!("{error:?}"),
            error.message().unwrap_or_default().to_owned(),
            error.body_excerpt().unwrap_or_default().to_owned(),
            error.code().unwrap_or_default().to_owned(),
            error.request_id().unwrap_or_default().to_owned(),
        ];
        let mut cause = std::error::Error::source(&error);
        while let Some(source) = cause {
            shown.push(format!("{source} {source:?}"));
            cause = source.source();
        }
        for secret in &forbidden {
            for text in &shown {
                assert!(
                    !text.contains(secret.as_str()),
                    "HTTP {status}: an echoed secret shows ({secret:?}): {text}"
                );
            }
        }
    }
}

/// Every spelling of the target's secrets that must not show.
fn forbidden(target: &dyn SuiteTarget) -> Vec<String> {
    let b64 = |text: &str| base64::engine::general_purpose::STANDARD.encode(text);
    let mut out = Vec::new();
    for secret in target.secrets() {
        if secret.is_empty() {
            continue;
        }
        out.push(format!("Bearer {secret}"));
        out.push(b64(&secret));
        out.push(b64(&format!("{secret}:X")));
        out.push(secret);
    }
    for header in target.authorizations() {
        if let Some((_, encoded)) = header.split_once(' ') {
            out.push(encoded.to_owned());
        }
        out.push(header);
    }
    out
}

/// A native status no mapping knows comes back as `Other(raw)`, with the raw payload kept.
pub async fn unknown_status_is_kept_as_other(target: &dyn SuiteTarget) {
    let harness = started(target, None).await;
    if needs_unsupported(
        harness.as_ref(),
        "unknown_status_is_kept_as_other",
        &[Operation::GetTicket],
    ) {
        return;
    }
    let world = parts(harness.as_ref()).1;
    let odd = world.odd_ticket();
    let ticket = harness
        .port()
        .get_ticket(&TicketLookup::Id(world.id(ObjectKind::Ticket, &odd.id)))
        .await
        .unwrap_or_else(|e| panic!("getTicket of the ticket in an unknown status: {e}"));
    assert_eq!(
        ticket.status.canonical,
        TicketStatus::Other(UNKNOWN_STATUS.into()),
        "the unknown status is kept"
    );
    assert_eq!(ticket.status.native, UNKNOWN_STATUS);
    assert!(!ticket.raw.is_null(), "the raw payload is kept");
}

/// Registers the shared suites as tests of the calling crate, each under its own name, for a
/// [`SuiteTarget`] expression (a unit struct, say) visible where the macro is used.
///
/// Fault and credential checks run on tokio's paused clock; the timeout checks on the real clock
/// (a timeout needs a slow socket).
#[macro_export]
macro_rules! adapter_suite {
    ($target:expr) => {
        mod shared_suite {
            use super::*;

            #[::tokio::test(start_paused = true)]
            async fn throttled_read_is_waited_out() {
                $crate::suites::throttled_read_is_waited_out(&$target).await;
            }

            #[::tokio::test(start_paused = true)]
            async fn long_retry_after_surfaces_as_rate_limited() {
                $crate::suites::long_retry_after_surfaces_as_rate_limited(&$target).await;
            }

            #[::tokio::test(start_paused = true)]
            async fn server_error_on_read_is_retried() {
                $crate::suites::server_error_on_read_is_retried(&$target).await;
            }

            #[::tokio::test(start_paused = true)]
            async fn server_error_on_write_is_not_retried() {
                $crate::suites::server_error_on_write_is_not_retried(&$target).await;
            }

            #[::tokio::test(start_paused = true)]
            async fn throttled_write_is_retried() {
                $crate::suites::throttled_write_is_retried(&$target).await;
            }

            #[::tokio::test]
            async fn timeout_on_read_is_retried() {
                $crate::suites::timeout_on_read_is_retried(&$target).await;
            }

            #[::tokio::test]
            async fn timeout_on_write_is_not_retried() {
                $crate::suites::timeout_on_write_is_not_retried(&$target).await;
            }

            #[::tokio::test(start_paused = true)]
            async fn answer_lost_on_read_is_retried() {
                $crate::suites::answer_lost_on_read_is_retried(&$target).await;
            }

            #[::tokio::test]
            async fn answer_stalled_after_headers_on_read_is_retried() {
                $crate::suites::answer_stalled_after_headers_on_read_is_retried(&$target).await;
            }

            #[::tokio::test(start_paused = true)]
            async fn answer_lost_on_write_is_outcome_unknown() {
                $crate::suites::answer_lost_on_write_is_outcome_unknown(&$target).await;
            }

            #[::tokio::test(start_paused = true)]
            async fn incomplete_page_is_retried() {
                $crate::suites::incomplete_page_is_retried(&$target).await;
            }

            #[::tokio::test(start_paused = true)]
            async fn incomplete_page_fails_as_decode() {
                $crate::suites::incomplete_page_fails_as_decode(&$target).await;
            }

            #[::tokio::test(start_paused = true)]
            async fn bad_credentials_are_unauthenticated() {
                $crate::suites::bad_credentials_are_unauthenticated(&$target).await;
            }

            #[::tokio::test(start_paused = true)]
            async fn answer_about_another_ticket_is_refused() {
                $crate::suites::answer_about_another_ticket_is_refused(&$target).await;
            }

            #[::tokio::test(start_paused = true)]
            async fn missing_ticket_is_not_found() {
                $crate::suites::missing_ticket_is_not_found(&$target).await;
            }

            #[::tokio::test(start_paused = true)]
            async fn secrets_never_show() {
                $crate::suites::secrets_never_show(&$target).await;
            }

            #[::tokio::test(start_paused = true)]
            async fn echoed_credentials_never_show() {
                $crate::suites::echoed_credentials_never_show(&$target).await;
            }

            #[::tokio::test(start_paused = true)]
            async fn unknown_status_is_kept_as_other() {
                $crate::suites::unknown_status_is_kept_as_other(&$target).await;
            }
        }
    };
}
