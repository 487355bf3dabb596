//! Listings return every ticket exactly once past Zoho Desk's `from` cap (offset listings stop
//! at `from` + `limit` = 5,000: the adapter goes on with `GET /tickets/search` split on the
//! creation time), and across an access token that expires mid-listing (the refresh-token grant
//! renews it), and a ticket's own files come back all of them past one page of
//! `GET /tickets/{id}/attachments` (`limit` at most 100).
//!
//! Against the adapter's port on the simulator, with the cap lowered to 8 so that the standard
//! world's tickets already pass it (the adapter meets the cap as Zoho's 422 naming `from`, or
//! switches to the search before it).

use support_zohodesk::simulator;

use std::collections::BTreeMap;

use chrono::{TimeZone, Utc};
use simulator::{
    REFRESH_TOKEN, ZohoDeskSimulator, issued_tokens, oauth_port_factory, port_factory,
    threshold_fault, zohodesk_world,
};
use support_conformance::sim::lock;
use support_conformance::{Harness, Simulator};
use support_core::{ErrorKind, Operation, SupportPort, Ticket, TicketLookup, TicketQuery};

const PAGE: u32 = 4;

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
            "ticket {id} came back {:?} times",
            counts.get(id)
        );
    }
    assert_eq!(
        counts.len(),
        expected.len(),
        "unexpected tickets: {counts:?}"
    );
}

/// Every page of the listing, following its cursors.
async fn collect(port: &dyn SupportPort, mut query: TicketQuery) -> Vec<Ticket> {
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

/// The ids of the simulator's tickets.
fn all_ids(simulator: &ZohoDeskSimulator) -> Vec<String> {
    lock(&simulator.state())
        .tickets
        .iter()
        .filter_map(|t| t["id"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn the_listing_is_complete_past_the_from_cap() {
    let simulator = ZohoDeskSimulator::start(zohodesk_world(), port_factory(None)).await;
    {
        let shared = simulator.state();
        let mut state = lock(&shared);
        state.from_cap = 8;
        // Six tickets created in the same second as a world ticket: a split on the creation time
        // must neither lose nor repeat the ones on its boundary.
        let tie = Utc
            .with_ymd_and_hms(2026, 1, 5, 14, 0, 0)
            .single()
            .unwrap_or_default();
        for n in 0..6 {
            state.add_ticket(&format!("Tied ticket {n}"), &tie);
        }
    }
    let expected = all_ids(&simulator);
    assert!(expected.len() > 16, "more than twice the cap");
    let tickets = collect(
        simulator.port().as_ref(),
        TicketQuery::new().with_limit(PAGE),
    )
    .await;
    assert_exactly_once(&tickets, &expected);
    // The adapter cannot know this cap: it meets it as the 422 naming `from` (at most once per
    // walk) and goes on with the search.
    let refused = simulator
        .requests()
        .iter()
        .filter(|r| r.status == 422)
        .count();
    assert!(refused <= 1, "{refused} requests past the cap");
    assert!(
        simulator
            .requests()
            .iter()
            .any(|r| r.path == "/api/v1/tickets/search"),
        "the walk went on with the search"
    );
}

#[tokio::test]
async fn tokens_renew_across_a_listing() {
    let simulator = ZohoDeskSimulator::start(zohodesk_world(), port_factory(None)).await;
    let base = simulator.base_url();
    let port = oauth_port_factory(None)(&base, REFRESH_TOKEN);
    lock(&simulator.state()).expire_tokens_mid_listing = true;
    let expected = all_ids(&simulator);
    let tickets = collect(port.as_ref(), TicketQuery::new().with_limit(PAGE)).await;
    assert_exactly_once(&tickets, &expected);
    assert!(
        !lock(&simulator.state()).expire_tokens_mid_listing,
        "the tokens expired during the walk"
    );
    assert_eq!(issued_tokens(&base), 2, "one token, then one renewal");
}

#[tokio::test(start_paused = true)]
async fn spent_credits_are_rate_limited_without_a_retry() {
    let simulator = ZohoDeskSimulator::start(zohodesk_world(), port_factory(None)).await;
    let faulted = simulator
        .port_with_fault(Operation::ListTickets, threshold_fault(usize::MAX))
        .await;
    let error = faulted
        .port
        .list_tickets(TicketQuery::new().with_limit(PAGE))
        .await
        .err()
        .unwrap_or_else(|| panic!("listed while the day's credits are spent"));
    assert!(
        matches!(error.kind(), ErrorKind::RateLimited { .. }),
        "{error:?}"
    );
    assert_eq!(error.retry_after(), None, "Zoho names no wait");
    assert_eq!(faulted.requests.get(), 1, "no retry loop");
}

#[tokio::test]
async fn a_tickets_own_files_come_back_past_one_page() {
    let simulator = ZohoDeskSimulator::start(zohodesk_world(), port_factory(None)).await;
    let world = zohodesk_world();
    let ticket = world.tickets[0].id.clone();
    let expected: Vec<String> = {
        let shared = simulator.state();
        let mut state = lock(&shared);
        (0..130)
            .map(|n| {
                state.add_ticket_file(&ticket, &format!("scan-{n}.txt"), "text/plain", b"scan")
            })
            .collect()
    };
    let id = world.id(support_core::ObjectKind::Ticket, &ticket);
    let fetched = simulator
        .port()
        .get_ticket(&TicketLookup::Id(id))
        .await
        .unwrap_or_else(|e| panic!("getTicket: {e}"));
    let mut got: Vec<String> = fetched
        .attachments
        .iter()
        .map(|d| d.id.external_id().to_owned())
        .collect();
    got.sort();
    let mut want = expected;
    want.sort();
    assert_eq!(
        got.len(),
        want.len(),
        "{} of the {} files",
        got.len(),
        want.len()
    );
    assert_eq!(got, want, "every file once");
}
