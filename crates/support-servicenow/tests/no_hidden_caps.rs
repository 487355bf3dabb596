//! Listings return every matching case exactly once, whatever happens on the instance during the
//! walk: cases updated or created between two pages (an offset walk would skip or repeat rows),
//! and pages that ACLs shorten or empty after `sysparm_limit` is applied (a short page is not the
//! end: `Link` says whether more follow).
//!
//! Against the adapter's port on the simulator. On the scaffold, where listing tickets is not
//! implemented yet, these tests are ignored.

use support_servicenow::simulator;

use std::collections::BTreeMap;

use futures::TryStreamExt;
use simulator::{CASES, ServiceNowSimulator, port_factory, servicenow_world};
use support_conformance::Harness;
use support_conformance::sim::lock;
use support_conformance::world::{Entity, IdScheme};
use support_core::{SupportPortExt, Ticket, TicketQuery};

const PAGE: u32 = 4;

fn hex(n: u64) -> String {
    IdScheme::Hex32.render(Entity::Ticket, n)
}

/// How often each case came back.
fn counts(tickets: &[Ticket]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for ticket in tickets {
        *counts
            .entry(ticket.id.external_id().to_owned())
            .or_insert(0) += 1;
    }
    counts
}

/// Case listing requests the simulator answered.
fn case_pages(simulator: &ServiceNowSimulator) -> usize {
    let path = format!("/api/now/table/{CASES}");
    simulator
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path == path)
        .count()
}

#[tokio::test(start_paused = true)]
async fn cases_updated_and_created_during_a_listing_come_back_exactly_once() {
    let world = servicenow_world();
    let at_start: Vec<String> = world.tickets.iter().map(|t| t.id.clone()).collect();
    let simulator = ServiceNowSimulator::start(world, port_factory(None)).await;
    {
        let state = simulator.state();
        let mut state = lock(&state);
        // After the first page: the first case is updated (it moves to the end of any order by
        // update time) and a case appears before every other one in sys_id order (every later
        // offset shifts by one).
        state.after_case_page(1, |st| {
            st.touch_case(&hex(101), &[("state", "10")], "2026-03-01 00:00:00");
            st.add_case(100, "1", "2026-03-01 00:00:01");
        });
        // After the second: a case not seen yet is updated, one already seen too, and a case
        // appears at the end.
        state.after_case_page(2, |st| {
            st.touch_case(&hex(111), &[("priority", "1")], "2026-03-01 00:00:02");
            st.touch_case(&hex(103), &[("priority", "1")], "2026-03-01 00:00:03");
            st.add_case(160, "1", "2026-03-01 00:00:04");
        });
    }
    let port = simulator.port();
    let tickets: Vec<Ticket> = port
        .tickets(TicketQuery::new().with_limit(PAGE))
        .try_collect()
        .await
        .unwrap_or_else(|e| panic!("listing the cases: {e}"));
    let counts = counts(&tickets);
    for id in &at_start {
        assert_eq!(
            counts.get(id),
            Some(&1),
            "case {id}, which matched when the listing started, came back {:?} times",
            counts.get(id)
        );
    }
    for (id, n) in &counts {
        assert_eq!(*n, 1, "case {id} came back {n} times");
    }
    assert!(
        lock(&simulator.state()).hooks.is_empty(),
        "the listing ended before the changes: it took one page"
    );
    assert!(case_pages(&simulator) >= 3, "pages of {PAGE}");
}

#[tokio::test(start_paused = true)]
async fn pages_shortened_by_acls_do_not_end_the_listing_early() {
    let world = servicenow_world();
    // ACLs hide every case from 102 to 108: in sys_id order the first page of four has one
    // readable case, the second none, the third one.
    let hidden: Vec<String> = (102..=108).map(hex).collect();
    let visible: Vec<String> = world
        .tickets
        .iter()
        .map(|t| t.id.clone())
        .filter(|id| !hidden.contains(id))
        .collect();
    let simulator = ServiceNowSimulator::start(world, port_factory(None)).await;
    lock(&simulator.state()).hide_cases(hidden.clone());
    let port = simulator.port();
    let tickets: Vec<Ticket> = port
        .tickets(TicketQuery::new().with_limit(PAGE))
        .try_collect()
        .await
        .unwrap_or_else(|e| panic!("listing the cases: {e}"));
    let counts = counts(&tickets);
    let mut got: Vec<&String> = counts.keys().collect();
    got.sort();
    let mut want: Vec<&String> = visible.iter().collect();
    want.sort();
    assert_eq!(got, want, "every readable case, and only those");
    for (id, n) in &counts {
        assert_eq!(*n, 1, "case {id} came back {n} times");
    }
}
