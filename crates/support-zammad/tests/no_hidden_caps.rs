//! Listings return every matching ticket exactly once, whatever happens on the instance during
//! the walk: tickets updated or created between two pages. The unfiltered walk pages
//! `GET /tickets` by id (complete whatever the search index holds); filtered walks search with a
//! keyset (`id:>{last}`, `sort_by=id`, `order_by=asc`), where an offset walk over a search
//! ordered by update time would skip and repeat tickets.
//!
//! Against the adapter's port on the simulator. On the scaffold, where listing tickets is not
//! implemented yet, these tests are ignored.

use support_zammad::simulator;

use std::collections::BTreeMap;

use chrono::{DateTime, TimeZone, Utc};
use serde_json::json;
use simulator::{API, ZammadSimulator, port_factory, zammad_world};
use support_conformance::Harness;
use support_conformance::sim::lock;
use support_core::{Ticket, TicketQuery, TicketStatus};

const PAGE: u32 = 4;

fn at(day: u32, second: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, 0, 0, second)
        .single()
        .unwrap_or_default()
}

/// How often each ticket came back.
fn counts(tickets: &[Ticket]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for ticket in tickets {
        *counts
            .entry(ticket.id.external_id().to_owned())
            .or_insert(0) += 1;
    }
    counts
}

fn assert_exactly_once(tickets: &[Ticket], expected: &[String]) {
    let counts = counts(tickets);
    for id in expected {
        assert_eq!(
            counts.get(id),
            Some(&1),
            "ticket {id}, which matched when the listing started, came back {:?} times",
            counts.get(id)
        );
    }
    for (id, n) in &counts {
        assert_eq!(*n, 1, "ticket {id} came back {n} times");
    }
}

/// Listing requests the simulator answered to this path.
fn pages(simulator: &ZammadSimulator, path: &str) -> Vec<Vec<(String, String)>> {
    simulator
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path == format!("{API}{path}"))
        .map(|r| r.query.clone())
        .collect()
}

/// Every page of the listing, following its cursors.
async fn collect(simulator: &ZammadSimulator, mut query: TicketQuery) -> Vec<Ticket> {
    let port = simulator.port();
    let mut tickets = Vec::new();
    for _ in 0..100 {
        let page = port
            .list_tickets(query.clone())
            .await
            .unwrap_or_else(|e| panic!("listing the tickets: {e}"));
        tickets.extend(page.items);
        match page.next {
            Some(next) => query = query.with_cursor(next),
            None => return tickets,
        }
    }
    panic!("more than 100 pages")
}

#[tokio::test(start_paused = true)]
async fn tickets_updated_and_created_during_an_unfiltered_listing_come_back_exactly_once() {
    let world = zammad_world();
    let at_start: Vec<String> = world.tickets.iter().map(|t| t.id.clone()).collect();
    let simulator = ZammadSimulator::start(world, port_factory(None)).await;
    {
        let state = simulator.state();
        let mut state = lock(&state);
        // The search index lags: the unfiltered walk must not depend on it.
        state.unindexed.insert(106);
        // After the first page: a ticket seen is updated, one not seen too, one is created.
        state.after_ticket_page(1, |st| {
            st.touch_ticket(101, json!({"state_id": 2}), at(1, 0));
            st.touch_ticket(111, json!({"priority_id": 3}), at(1, 1));
            st.add_ticket(114, 1, &["vip"], at(1, 2));
        });
        // After the second: another update and creation.
        state.after_ticket_page(2, |st| {
            st.touch_ticket(103, json!({"title": "Changed meanwhile"}), at(2, 0));
            st.add_ticket(115, 2, &[], at(2, 1));
        });
    }
    let tickets = collect(&simulator, TicketQuery::new().with_limit(PAGE)).await;
    assert_exactly_once(&tickets, &at_start);
    assert!(
        lock(&simulator.state()).hooks.is_empty(),
        "the listing ended before the changes: it took one page"
    );
    assert!(
        pages(&simulator, "/tickets/search").is_empty(),
        "the unfiltered walk reads GET /tickets, not the search index"
    );
}

#[tokio::test(start_paused = true)]
async fn tickets_updated_and_created_during_a_filtered_listing_come_back_exactly_once() {
    let world = zammad_world();
    let matching: Vec<String> = world
        .tickets
        .iter()
        .filter(|t| matches!(t.status, TicketStatus::New | TicketStatus::Open))
        .map(|t| t.id.clone())
        .collect();
    let simulator = ZammadSimulator::start(world, port_factory(None)).await;
    {
        let state = simulator.state();
        let mut state = lock(&state);
        // Updates move tickets to the front of any order by update time; the new tickets get
        // higher ids, as Zammad's always do.
        state.after_ticket_page(1, |st| {
            st.touch_ticket(101, json!({"state_id": 2}), at(1, 0));
            st.touch_ticket(110, json!({"priority_id": 3}), at(1, 1));
            st.add_ticket(114, 1, &[], at(1, 2));
        });
        state.after_ticket_page(2, |st| {
            st.touch_ticket(105, json!({"title": "Changed meanwhile"}), at(2, 0));
            st.add_ticket(115, 2, &[], at(2, 1));
        });
    }
    let query = TicketQuery::new()
        .with_status(TicketStatus::New)
        .with_status(TicketStatus::Open)
        .with_limit(2);
    let tickets = collect(&simulator, query).await;
    assert_exactly_once(&tickets, &matching);
    assert!(
        lock(&simulator.state()).hooks.is_empty(),
        "the listing ended before the changes"
    );
    let searches = pages(&simulator, "/tickets/search");
    for query in &searches {
        let get = |name: &str| {
            query
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("sort_by"), Some("id"), "{query:?}");
        assert_eq!(get("order_by"), Some("asc"), "{query:?}");
        assert!(
            get("page").is_none_or(|p| p == "1"),
            "keyset, not offset: {query:?}"
        );
    }
    assert!(
        lock(&simulator.state()).ignored_terms.is_empty(),
        "every search term names a field Zammad indexes"
    );
}

#[tokio::test(start_paused = true)]
async fn a_filtered_listing_by_tag_sees_tickets_tagged_before_it_started_exactly_once() {
    let world = zammad_world();
    let tagged: Vec<String> = world
        .tickets
        .iter()
        .filter(|t| t.tags.iter().any(|tag| tag == "billing"))
        .map(|t| t.id.clone())
        .collect();
    let simulator = ZammadSimulator::start(world, port_factory(None)).await;
    {
        let state = simulator.state();
        let mut state = lock(&state);
        state.after_ticket_page(1, |st| {
            st.touch_ticket(101, json!({"title": "Changed meanwhile"}), at(1, 0));
            st.add_ticket(114, 2, &["billing"], at(1, 1));
        });
    }
    let tickets = collect(
        &simulator,
        TicketQuery::new().with_tag("billing").with_limit(3),
    )
    .await;
    assert_exactly_once(&tickets, &tagged);
    let state = simulator.state();
    let state = lock(&state);
    assert!(
        state.hooks.is_empty(),
        "the listing ended before the change"
    );
    assert!(state.ignored_terms.is_empty(), "{:?}", state.ignored_terms);
}
