//! The "done when" tests through the port: a filtered listing of more than 10,000
//! tickets (HubSpot's search caps a query at 10,000 results) returns every match exactly once,
//! and the pipeline stages are read once, not per ticket.
//!
//! Against the adapter's port on the simulator.

use support_hubspot::simulator;

use std::collections::BTreeMap;

use chrono::Duration;
use simulator::{HubspotSimulator, SEARCH, SEARCH_CAP, TICKETS, hubspot_world, port_factory};
use support_conformance::Harness;
use support_conformance::sim::{lock, setup_time};
use support_core::{Priority, TicketLookup, TicketQuery};

/// Tickets of the priority the test filters by, past the search cap.
const MANY: usize = SEARCH_CAP + 1_234;

/// Adds `MANY` HIGH tickets; three at a time share one modification time, so windows split by
/// `hs_lastmodifieddate` meet on ties. Returns their ids.
fn add_many(simulator: &HubspotSimulator) -> Vec<String> {
    let state = simulator.state();
    let mut state = lock(&state);
    let start = setup_time() + Duration::days(30);
    (0..MANY)
        .map(|n| {
            let at = start + Duration::seconds(i64::try_from(n / 3).unwrap_or_default());
            let properties = BTreeMap::from([
                ("subject".to_owned(), format!("Bulk ticket {n}")),
                ("hs_pipeline".to_owned(), "0".to_owned()),
                ("hs_pipeline_stage".to_owned(), "3".to_owned()),
                ("hs_ticket_priority".to_owned(), "HIGH".to_owned()),
            ]);
            state.add_ticket(properties, at)
        })
        .collect()
}

#[tokio::test(start_paused = true)]
async fn a_filtered_listing_past_ten_thousand_results_is_complete() {
    let world = hubspot_world();
    let already: Vec<String> = world
        .tickets
        .iter()
        .filter(|t| t.priority == Some(Priority::High))
        .map(|t| t.id.clone())
        .collect();
    let simulator = HubspotSimulator::start(world, port_factory(None)).await;
    let mut expected = add_many(&simulator);
    expected.extend(already);
    expected.sort();

    let port = simulator.port();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut query = TicketQuery::new()
        .with_priority(Priority::High)
        .with_limit(200);
    let mut pages = 0;
    loop {
        let page = port
            .list_tickets(query.clone())
            .await
            .unwrap_or_else(|e| panic!("page {pages} of the listing: {e}"));
        pages += 1;
        for ticket in &page.items {
            assert_eq!(
                ticket.priority.as_ref().map(|p| &p.canonical),
                Some(&Priority::High),
                "{}",
                ticket.id
            );
            *seen.entry(ticket.id.external_id().to_owned()).or_insert(0) += 1;
        }
        match page.next {
            Some(cursor) => query = query.with_cursor(cursor),
            None => break,
        }
        assert!(pages < 1_000, "the listing does not end");
    }
    for (id, n) in &seen {
        assert_eq!(*n, 1, "ticket {id} came back {n} times");
    }
    let got: Vec<&String> = seen.keys().collect();
    let want: Vec<&String> = expected.iter().collect();
    assert_eq!(got.len(), want.len(), "every HIGH ticket, and only those");
    assert_eq!(got, want);

    let searches: Vec<_> = simulator
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path == SEARCH)
        .collect();
    assert!(
        searches.len() > MANY / 200,
        "the listing went through search, {} requests",
        searches.len()
    );
}

// On the real clock: a paused one jumps to the next timer (the connection pool's idle timer
// among them) whenever the runtime waits on a socket, and enough jumps pass the ten minutes the
// lookups are kept for.
#[tokio::test]
async fn pipeline_stages_are_read_once_for_many_tickets() {
    let world = hubspot_world();
    let ids: Vec<String> = world.tickets.iter().map(|t| t.id.clone()).collect();
    let simulator = HubspotSimulator::start(
        world,
        port_factory(Some(std::time::Duration::from_secs(60))),
    )
    .await;
    let port = simulator.port();
    for id in &ids {
        let lookup = TicketLookup::External(id.clone());
        port.get_ticket(&lookup)
            .await
            .unwrap_or_else(|e| panic!("ticket {id}: {e}"));
    }
    let listed = port
        .list_tickets(TicketQuery::new().with_limit(50))
        .await
        .unwrap_or_else(|e| panic!("listing: {e}"));
    assert!(!listed.items.is_empty());
    let requests = simulator.requests();
    let stage_reads = requests
        .iter()
        .filter(|r| r.method == "GET" && r.path.starts_with("/crm/v3/pipelines/tickets"))
        .count();
    assert_eq!(stage_reads, 1, "stages read once for {} tickets", ids.len());
    let reads = requests
        .iter()
        .filter(|r| r.method == "GET" && r.path.starts_with(TICKETS))
        .count();
    assert!(reads > ids.len(), "every ticket was read");
}

/// The ground the listing test stands on, in raw HTTP: with more than 10,000 matches, one search
/// query reaches only the first 10,000, and a window starting at a later
/// `hs_lastmodifieddate` reaches the rest.
#[tokio::test]
async fn one_search_query_stops_at_ten_thousand_results() {
    use serde_json::json;
    use simulator::{TOKEN, authorization};
    use support_conformance::sim::SimClient;

    let simulator = HubspotSimulator::start(hubspot_world(), port_factory(None)).await;
    add_many(&simulator);
    let client = SimClient::new(simulator.base_url(), authorization(TOKEN));
    let high = json!({"propertyName": "hs_ticket_priority", "operator": "EQ", "value": "HIGH"});
    let sorts = json!([{"propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"}]);
    let search = |after: usize, since: Option<String>| {
        let mut filters = vec![high.clone()];
        if let Some(since) = since {
            filters.push(
                json!({"propertyName": "hs_lastmodifieddate", "operator": "GTE", "value": since}),
            );
        }
        json!({
            "filterGroups": [{"filters": filters}], "sorts": sorts,
            "properties": ["hs_ticket_priority"], "limit": 200, "after": after.to_string(),
        })
    };
    let last_page = client.post(SEARCH, &search(SEARCH_CAP - 200, None)).await;
    assert_eq!(last_page.status, 200, "{}", last_page.json);
    let total = last_page.json["total"].as_u64().unwrap_or_default();
    assert!(total > SEARCH_CAP as u64, "total {total}");
    assert!(last_page.json["paging"]["next"]["after"].is_string());
    let past = client.post(SEARCH, &search(SEARCH_CAP, None)).await;
    assert_eq!(past.status, 400, "{}", past.json);
    assert_eq!(past.json["category"], "VALIDATION_ERROR");

    let last_seen = last_page.json["results"][199]["properties"]["hs_lastmodifieddate"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let rest = client.post(SEARCH, &search(0, Some(last_seen))).await;
    assert_eq!(rest.status, 200, "{}", rest.json);
    let rest_total = rest.json["total"].as_u64().unwrap_or_default();
    assert!(
        rest_total < SEARCH_CAP as u64 && rest_total + 10_000 > total,
        "{rest_total}"
    );
}
