//! The conformance suite, one test per scenario, against the in-memory port seeded with the
//! standard world.

mod harness;

use std::process::ExitCode;

use harness::MemoryHarness;
use support_conformance::harness::Harness;
use support_conformance::{IdScheme, Suite};
use support_core::{CommentQuery, ErrorKind, ObjectKind, TicketLookup, TicketQuery};
use support_memory::PROVIDER;

fn main() -> ExitCode {
    Suite::new(PROVIDER)
        .offline(async || MemoryHarness::new(IdScheme::Numeric))
        // The in-memory provider has no remote account: its live run is the offline one.
        .live_is_offline()
        .test(
            "memory::the_seeded_world_reads_back",
            the_seeded_world_reads_back,
        )
        .run()
}

async fn the_seeded_world_reads_back(harness: &dyn Harness) {
    let port = harness.port();
    let world = harness
        .world()
        .expect("the memory harness serves the world");

    let page = port
        .list_tickets(TicketQuery::new().with_limit(100))
        .await
        .unwrap();
    assert_eq!(page.items.len(), world.tickets.len());
    assert!(page.next.is_none());
    assert!(page.items.iter().all(|t| t.raw.is_object()));

    let first = world.canonical_ticket(&world.tickets[0]);
    let got = port
        .get_ticket(&TicketLookup::Id(first.id.clone()))
        .await
        .unwrap();
    assert_eq!(got.subject, first.subject);

    let comments = port
        .list_comments(&first.id, CommentQuery::new())
        .await
        .unwrap();
    let ids: Vec<_> = comments
        .items
        .iter()
        .map(|c| c.external_id().to_owned())
        .collect();
    assert_eq!(ids, ["601", "602", "603", "604"]);

    let missing = world.id(
        ObjectKind::Ticket,
        support_conformance::world::MISSING_TICKET_ID,
    );
    let err = port
        .get_ticket(&TicketLookup::Id(missing))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::NotFound);

    let info = port.check_connection().await.unwrap();
    assert_eq!(info.provider, PROVIDER);
    assert_eq!(info.account.as_deref(), Some(PROVIDER));
}
