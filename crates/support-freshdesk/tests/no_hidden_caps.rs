//! Listings return every matching ticket once, whatever Freshdesk's caps: the 30-day default window
//! of `GET /tickets` and the 300-result ceiling of `GET /search/tickets`.

use support_freshdesk::simulator;

use std::collections::BTreeSet;

use chrono::{Duration, TimeZone, Utc};
use futures::TryStreamExt;
use simulator::{FreshdeskSimulator, freshdesk_world, port_factory};
use support_conformance::world::TicketFx;
use support_core::{SupportPortExt, Ticket, TicketQuery, TicketStatus};

fn bulk_ticket(
    template: &TicketFx,
    id: usize,
    status: TicketStatus,
    updated: chrono::DateTime<Utc>,
) -> TicketFx {
    TicketFx {
        id: id.to_string(),
        subject: format!("Bulk ticket {id}"),
        status,
        tags: vec!["bulk".into()],
        created_at: updated - Duration::hours(1),
        updated_at: updated,
        ..template.clone()
    }
}

fn ids(tickets: &[Ticket]) -> (usize, BTreeSet<String>) {
    (
        tickets.len(),
        tickets
            .iter()
            .map(|t| t.id.external_id().to_owned())
            .collect(),
    )
}

#[tokio::test]
async fn a_filtered_listing_beyond_the_search_cap_returns_every_ticket_once() {
    let mut world = freshdesk_world();
    let template = world.tickets[0].clone();
    let busy_day = Utc.with_ymd_and_hms(2025, 11, 3, 0, 0, 0).unwrap();
    let mut expected = BTreeSet::new();
    // 350 matches on one day: more than one search can return, on a day that cannot be split.
    for i in 0..350 {
        let id = 20_000 + i;
        world.tickets.push(bulk_ticket(
            &template,
            id,
            TicketStatus::Open,
            busy_day + Duration::minutes(i as i64 * 4),
        ));
        expected.insert(id.to_string());
    }
    // 400 more matches spread over 200 days, and 100 look-alikes in another status.
    for i in 0..400 {
        let id = 30_000 + i;
        let at = busy_day - Duration::days(1 + i as i64 / 2) + Duration::hours(i as i64 % 24);
        world
            .tickets
            .push(bulk_ticket(&template, id, TicketStatus::Open, at));
        expected.insert(id.to_string());
    }
    for i in 0..100 {
        let at = busy_day - Duration::days(i as i64);
        world.tickets.push(bulk_ticket(
            &template,
            40_000 + i,
            TicketStatus::Pending,
            at,
        ));
    }
    let simulator = FreshdeskSimulator::start(world, port_factory(None)).await;
    let port = support_conformance::Harness::port(&simulator);

    let query = TicketQuery::new()
        .with_tag("bulk")
        .with_status(TicketStatus::Open);
    let tickets: Vec<Ticket> = port.tickets(query).try_collect().await.unwrap();
    let (count, unique) = ids(&tickets);
    assert_eq!(unique.len(), count, "a ticket came back twice");
    assert_eq!(unique, expected, "tickets lost or foreign ones returned");
    assert!(
        tickets.iter().all(
            |t| t.status.canonical == TicketStatus::Open && t.tags.contains(&"bulk".to_owned())
        )
    );

    // The search was split (no request went past its 10 pages) and the over-full day was read whole.
    let requests = simulator.requests();
    let searches: Vec<_> = requests
        .iter()
        .filter(|r| r.path.ends_with("/search/tickets"))
        .collect();
    assert!(
        searches.len() > 10,
        "one query cannot reach {} matches",
        expected.len()
    );
    assert!(
        searches.iter().all(|r| r.status == 200),
        "a search was refused"
    );
    let day_scan = requests.iter().any(|r| {
        r.path.ends_with("/tickets")
            && r.query
                .iter()
                .any(|(k, v)| k == "updated_since" && v.starts_with("2025-11-03T00:00:00"))
    });
    assert!(
        day_scan,
        "the day with 350 matches was not read with GET /tickets"
    );
}

#[tokio::test]
async fn an_unfiltered_listing_reaches_tickets_older_than_thirty_days() {
    let mut world = freshdesk_world();
    let template = world.tickets[0].clone();
    let long_ago = Utc.with_ymd_and_hms(2023, 2, 1, 9, 0, 0).unwrap();
    world
        .tickets
        .push(bulk_ticket(&template, 900, TicketStatus::Closed, long_ago));
    let expected: BTreeSet<String> = world.tickets.iter().map(|t| t.id.clone()).collect();
    let simulator = FreshdeskSimulator::start(world, port_factory(None)).await;
    let port = support_conformance::Harness::port(&simulator);

    let tickets: Vec<Ticket> = port
        .tickets(TicketQuery::new())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&tickets).1, expected);
}

/// Streamed (each next page asked for from the page's `Link` and last tickets) and page by page
/// (each page read whole), with ties that straddle pages and windows.
#[tokio::test]
async fn long_listings_restart_their_window_without_losing_or_repeating() {
    let mut world = freshdesk_world();
    let template = world.tickets[0].clone();
    let start = Utc.with_ymd_and_hms(2025, 6, 1, 0, 0, 0).unwrap();
    // 210 tickets, three sharing each update instant, so restarts land inside ties.
    for i in 0..210 {
        let at = start + Duration::minutes((i / 3) as i64);
        world
            .tickets
            .push(bulk_ticket(&template, 50_000 + i, TicketStatus::Open, at));
    }
    let expected: BTreeSet<String> = world.tickets.iter().map(|t| t.id.clone()).collect();
    let simulator = FreshdeskSimulator::start(world, port_factory(None)).await;
    let port = support_conformance::Harness::port(&simulator);

    // More pages than one window holds; ties within a page and across pages.
    let mut streamed = Vec::new();
    for limit in [1, 2] {
        let tickets: Vec<Ticket> = port
            .tickets(TicketQuery::new().with_limit(limit))
            .try_collect()
            .await
            .unwrap();
        let (count, unique) = ids(&tickets);
        assert_eq!(
            unique.len(),
            count,
            "a ticket came back twice ({limit} a page)"
        );
        assert_eq!(unique, expected, "{limit} a page");
        streamed = tickets;
    }

    let mut paged = Vec::new();
    let mut query = TicketQuery::new().with_limit(2);
    loop {
        let page = port.list_tickets(query.clone()).await.unwrap();
        paged.extend(page.items);
        match page.next {
            Some(next) => query = query.with_cursor(next),
            None => break,
        }
    }
    assert_eq!(
        paged.iter().map(|t| &t.id).collect::<Vec<_>>(),
        streamed.iter().map(|t| &t.id).collect::<Vec<_>>(),
        "page by page as streamed"
    );
}
