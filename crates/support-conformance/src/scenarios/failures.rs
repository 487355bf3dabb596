//! Transport failures against a simulator: bad credentials, throttling, server errors and
//! which of them are retried.

use std::time::Duration;

use support_core::{ErrorKind, NewTicket, ObjectKind, Operation, TicketLookup, TicketQuery};

use super::{Check, expect_kind, fail};
use crate::harness::{Fault, Simulator};
use crate::world::{PAGE_SIZE, World};

/// Wrong credentials are `Unauthenticated`, for a listing and for the connection check.
pub async fn rejects_bad_credentials(sim: &dyn Simulator, _world: &World) -> Check {
    let port = sim.port_with_bad_credentials().await;
    expect_kind(
        "listTickets with bad credentials",
        port.list_tickets(TicketQuery::new()).await,
        &ErrorKind::Unauthenticated,
    )?;
    expect_kind(
        "checkConnection with bad credentials",
        port.check_connection().await,
        &ErrorKind::Unauthenticated,
    )?;
    Ok(())
}

/// A 503 on a read is retried and the read succeeds.
pub async fn read_is_retried_after_server_error(sim: &dyn Simulator, world: &World) -> Check {
    let faulted = sim
        .port_with_fault(Operation::ListTickets, Fault::unavailable_once())
        .await;
    let page = faulted
        .port
        .list_tickets(TicketQuery::new().with_limit(PAGE_SIZE))
        .await
        .or_else(|e| fail("listTickets after one 503", e))?;
    ensure!(
        !page.items.is_empty() || world.tickets.is_empty(),
        "empty page after retry"
    );
    ensure!(
        faulted.requests.get() == 2,
        "expected 2 requests (503, then success), saw {}",
        faulted.requests.get()
    );
    Ok(())
}

/// A 429 with a short `Retry-After` is waited out and the call succeeds.
///
/// Not checked for a provider whose throttling names no wait (`Profile::names_throttling_wait`).
pub async fn short_throttling_is_waited_out(sim: &dyn Simulator, world: &World) -> Check {
    if !world.profile.names_throttling_wait {
        return Ok(());
    }
    let faulted = sim
        .port_with_fault(
            Operation::GetTicket,
            Fault::throttled(Duration::from_secs(1), 1),
        )
        .await;
    let lookup = TicketLookup::Id(world.id(ObjectKind::Ticket, &world.tickets[0].id));
    faulted
        .port
        .get_ticket(&lookup)
        .await
        .or_else(|e| fail("getTicket after one 429", e))?;
    ensure!(
        faulted.requests.get() == 2,
        "expected 2 requests (429, then success), saw {}",
        faulted.requests.get()
    );
    Ok(())
}

/// A 429 with a long `Retry-After` is handed to the caller as `RateLimited`, with the wait; for a
/// provider whose throttling names no wait (`Profile::names_throttling_wait`), the throttled
/// answer is handed on at once as `RateLimited` without one.
pub async fn long_throttling_surfaces(sim: &dyn Simulator, world: &World) -> Check {
    let wait = Duration::from_secs(3600);
    let faulted = sim
        .port_with_fault(Operation::GetTicket, Fault::throttled(wait, usize::MAX))
        .await;
    let lookup = TicketLookup::Id(world.id(ObjectKind::Ticket, &world.tickets[0].id));
    let error = expect_kind(
        "getTicket while throttled for an hour",
        faulted.port.get_ticket(&lookup).await,
        &ErrorKind::RateLimited { retry_after: None },
    )?;
    if world.profile.names_throttling_wait {
        ensure!(
            crate::harness::hands_on_wait(wait, error.retry_after()),
            "retry_after {:?}, expected {wait:?}",
            error.retry_after()
        );
    } else {
        ensure!(
            error.retry_after().is_none(),
            "retry_after {:?}, expected none: the provider names no wait",
            error.retry_after()
        );
    }
    ensure!(
        faulted.requests.get() == 1,
        "expected 1 request, saw {}",
        faulted.requests.get()
    );
    Ok(())
}

/// A 503 on `createTicket` without an idempotency key is not retried: the ticket may exist.
pub async fn create_is_not_retried_after_server_error(sim: &dyn Simulator, world: &World) -> Check {
    let faulted = sim
        .port_with_fault(Operation::CreateTicket, Fault::unavailable_once())
        .await;
    let error = expect_kind(
        "createTicket after a 503",
        faulted.port.create_ticket(world.new_ticket()).await,
        &ErrorKind::Provider { status: 503 },
    )?;
    ensure!(error.status() == Some(503), "status {:?}", error.status());
    ensure!(
        faulted.requests.get() == 1,
        "a write was sent {} times",
        faulted.requests.get()
    );
    Ok(())
}

/// A 503 on `createTicket` with an idempotency key is retried, where the provider honours keys.
pub async fn create_with_key_is_retried(sim: &dyn Simulator, world: &World) -> Check {
    let faulted = sim
        .port_with_fault(Operation::CreateTicket, Fault::unavailable_once())
        .await;
    let ticket: NewTicket = world.new_ticket().with_idempotency_key("conformance-key-1");
    faulted
        .port
        .create_ticket(ticket)
        .await
        .or_else(|e| fail("createTicket with a key after a 503", e))?;
    ensure!(
        faulted.requests.get() == 2,
        "expected 2 requests, saw {}",
        faulted.requests.get()
    );
    Ok(())
}

/// A 503 on `addComment` is not retried: the comment may have been posted.
pub async fn comment_is_not_retried_after_server_error(
    sim: &dyn Simulator,
    world: &World,
) -> Check {
    let faulted = sim
        .port_with_fault(Operation::AddComment, Fault::unavailable_once())
        .await;
    let (ticket, public, _) = world.new_comments();
    let result = faulted
        .port
        .add_comment(&world.id(ObjectKind::Ticket, ticket), public)
        .await;
    expect_kind(
        "addComment after a 503",
        result,
        &ErrorKind::Provider { status: 503 },
    )?;
    ensure!(
        faulted.requests.get() == 1,
        "a write was sent {} times",
        faulted.requests.get()
    );
    Ok(())
}
