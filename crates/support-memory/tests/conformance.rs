//! The conformance suite, one test per scenario, against the in-memory port seeded with the
//! standard world.

use std::process::ExitCode;

use futures::TryStreamExt;
use support_conformance::harness::Harness;
use support_conformance::{CellResult, Mode, matrix};
use support_core::{
    AgentQuery, ArticleQuery, CommentQuery, ErrorKind, ObjectKind, SatisfactionQuery,
    SupportPortExt, TagQuery, TicketLookup, TicketQuery,
};
use support_memory::PROVIDER;

fn main() -> ExitCode {
    support_memory::simulator::suite()
        .test(
            "memory::the_seeded_world_reads_back",
            the_seeded_world_reads_back,
        )
        .test(
            "memory::every_stream_walks_its_pages",
            every_stream_walks_its_pages,
        )
        .test(
            "memory::the_suite_reports_in_process",
            the_suite_reports_in_process,
        )
        .run()
}

/// `Suite::report` runs the whole suite from inside a runtime (this test's) and returns the
/// row the matrix prints, every cell passing; the in-memory provider's live run is its offline one.
async fn the_suite_reports_in_process(_: &dyn Harness) {
    let report = support_memory::simulator::suite().report(Mode::Live);
    assert_eq!(
        (report.provider.as_str(), report.mode),
        (PROVIDER, Mode::Live)
    );
    assert!(report.passed(), "{}", report.failures());
    let cells = report.cells();
    assert_eq!(cells.len(), support_conformance::columns().len());
    assert!(
        cells
            .iter()
            .all(|cell| matches!(cell.result, CellResult::Pass | CellResult::Unsupported))
    );
    let reports = [report];
    let table = matrix::table(&reports, Mode::Live);
    assert!(
        table
            .lines()
            .nth(1)
            .is_some_and(|row| row.starts_with("memory "))
    );
    assert!(table.contains("\nmode: live\n"));
    assert!(matrix::failed(&reports).is_empty());
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

/// Each stream of `SupportPortExt`, one item a page, lists what one large page lists: every page
/// is asked for with its own cursor.
async fn every_stream_walks_its_pages(harness: &dyn Harness) {
    let port = harness.port();
    let port = port.as_ref();
    let world = harness
        .world()
        .expect("the memory harness serves the world");
    let ticket = world.id(ObjectKind::Ticket, &world.tickets[0].id);

    let streamed = port.tickets(TicketQuery::new().with_limit(1));
    let paged = port.list_tickets(TicketQuery::new().with_limit(100));
    same_ids("tickets", streamed, paged, |t| &t.id).await;
    let streamed = port.agents(AgentQuery::new().with_limit(1));
    let paged = port.list_agents(AgentQuery::new().with_limit(100));
    same_ids("agents", streamed, paged, |a| &a.id).await;
    let streamed = port.comments(&ticket, CommentQuery::new().with_limit(1));
    let paged = port.list_comments(&ticket, CommentQuery::new().with_limit(100));
    same_ids("comments", streamed, paged, |c| &c.id).await;
    let streamed = port.tags(TagQuery::new().with_limit(1));
    let paged = port.list_tags(TagQuery::new().with_limit(100));
    same_ids("tags", streamed, paged, |t| &t.id).await;
    let streamed = port.knowledge_articles(ArticleQuery::new().with_limit(1));
    let paged = port.list_knowledge_articles(ArticleQuery::new().with_limit(100));
    same_ids("articles", streamed, paged, |a| &a.id).await;
    let streamed = port.satisfaction_ratings(SatisfactionQuery::new().with_limit(1));
    let paged = port.list_satisfaction_ratings(SatisfactionQuery::new().with_limit(100));
    same_ids("ratings", streamed, paged, |r| &r.id).await;
}

/// Asserts that a stream yields, in order, the items of one page holding them all (more than one).
async fn same_ids<T>(
    what: &str,
    streamed: support_core::Listing<'_, T>,
    paged: impl std::future::Future<Output = support_core::Result<support_core::Page<T>>>,
    id: fn(&T) -> &support_core::CanonicalId,
) {
    let streamed: Vec<T> = streamed.try_collect().await.unwrap();
    let paged = paged.await.unwrap().items;
    assert!(paged.len() > 1, "{what}: the world has one or none");
    let ids = |items: &[T]| {
        items
            .iter()
            .map(|item| id(item).clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&streamed), ids(&paged), "{what}");
}
