//! The issue's "done when" checks through the adapter's port on the simulator: a filter value
//! cannot change a SOQL query; a listing walks every `nextRecordsUrl` batch; an access token that
//! expires in the middle of a listing is renewed once and nothing is lost; the daily API limit
//! (403 `REQUEST_LIMIT_EXCEEDED`) is `RateLimited`; ids come back with 18 characters, also when
//! asked for with 15.

use support_salesforce::simulator;

use std::collections::BTreeMap;
use std::time::Duration;

use futures::TryStreamExt;
use simulator::{SalesforceSimulator, port_factory, salesforce_world};
use support_conformance::sim::lock;
use support_conformance::{Fault, Harness, Simulator};
use support_core::{ErrorKind, Operation, SupportPortExt, Ticket, TicketLookup, TicketQuery};

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

#[tokio::test(start_paused = true)]
async fn a_filter_value_cannot_change_the_query() {
    let simulator = SalesforceSimulator::start(salesforce_world(), port_factory(None)).await;
    let port = simulator.port();
    let injected = "x' OR Name != '";
    let tickets: Vec<Ticket> = port
        .tickets(TicketQuery::new().with_tag(injected))
        .try_collect()
        .await
        .unwrap_or_else(|e| panic!("listing with a quote in the tag: {e}"));
    assert!(tickets.is_empty(), "no case has that topic: {tickets:?}");
    let queries = lock(&simulator.state()).queries.clone();
    assert!(
        queries.iter().any(|q| q.contains(r"x\' OR Name != \'")),
        "the quotes are escaped in the literal: {queries:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn every_batch_is_read_and_every_case_comes_back_once() {
    let world = salesforce_world();
    let ids: Vec<String> = world.tickets.iter().map(|t| t.id.clone()).collect();
    let simulator = SalesforceSimulator::start(world, port_factory(None)).await;
    lock(&simulator.state()).batch_size = 2;
    let tickets: Vec<Ticket> = simulator
        .port()
        .tickets(TicketQuery::new())
        .try_collect()
        .await
        .unwrap_or_else(|e| panic!("listing the cases: {e}"));
    let counts = counts(&tickets);
    for id in &ids {
        assert_eq!(counts.get(id), Some(&1), "case {id}");
        assert_eq!(id.len(), 18);
    }
    assert_eq!(counts.len(), ids.len());
}

#[tokio::test(start_paused = true)]
async fn the_daily_api_limit_is_rate_limited() {
    let simulator = SalesforceSimulator::start(salesforce_world(), port_factory(None)).await;
    let faulted = simulator
        .port_with_fault(
            Operation::ListTickets,
            Fault::throttled(Duration::from_secs(24 * 3600), 10),
        )
        .await;
    let error = faulted
        .port
        .tickets(TicketQuery::new())
        .try_collect::<Vec<Ticket>>()
        .await
        .err();
    assert!(
        matches!(
            error.as_ref().map(|e| e.kind()),
            Some(ErrorKind::RateLimited { .. })
        ),
        "{error:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_15_character_id_reads_the_case_with_its_18_character_id() {
    let world = salesforce_world();
    let id = world.tickets[0].id.clone();
    let simulator = SalesforceSimulator::start(world, port_factory(None)).await;
    let port = simulator.port();
    let lookup = TicketLookup::from(support_core::CanonicalId::new(
        support_salesforce::PROVIDER,
        support_core::ObjectKind::Ticket,
        &id[..15],
    ));
    let ticket = port
        .get_ticket(&lookup)
        .await
        .unwrap_or_else(|e| panic!("reading {}: {e}", &id[..15]));
    assert_eq!(ticket.id.external_id(), id);
}

/// The token-expiry test: an OAuth port (refresh-token grant) lists cases in batches of two; the
/// simulator expires the access token after the first batch; the port renews it once, repeats
/// the request, and every case comes back once.
macro_rules! oauth_tests {
    () => {
        #[tokio::test(start_paused = true)]
        async fn a_token_expiring_mid_listing_is_renewed_once_and_nothing_is_lost() {
            use support_core::http::TokenSource;
            let world = salesforce_world();
            let ids: Vec<String> = world.tickets.iter().map(|t| t.id.clone()).collect();
            let simulator = SalesforceSimulator::start(world, port_factory(None)).await;
            let base = simulator.base_url();
            {
                let state = simulator.state();
                let mut state = lock(&state);
                state.batch_size = 2;
                state.expire_tokens_mid_listing = true;
            }
            let source = TokenSource::refresh_token(
                simulator::CLIENT_ID,
                simulator::CLIENT_SECRET,
                simulator::REFRESH_TOKEN,
            )
            .token_url(format!("{base}/services/oauth2/token"));
            let port = support_salesforce::SalesforcePort::builder()
                .instance_url(base.clone())
                .oauth(source)
                // No request timeout: the paused clock fires every timer while the runtime waits
                // on a socket, so any timeout would expire at once.
                .request_timeout(None)
                .retry_policy(support_conformance::sim::quick_retries())
                .build()
                .unwrap_or_else(|e| panic!("building the port: {e}"));
            let tickets: Vec<Ticket> = port
                .tickets(TicketQuery::new())
                .try_collect()
                .await
                .unwrap_or_else(|e| panic!("listing across the expiry: {e}"));
            let counts = counts(&tickets);
            for id in &ids {
                assert_eq!(counts.get(id), Some(&1), "case {id}");
            }
            assert_eq!(
                simulator::issued_tokens(&base),
                2,
                "one token, then one renewal"
            );
            assert!(
                !lock(&simulator.state()).expire_tokens_mid_listing,
                "the token expired during the listing"
            );
        }
    };
}

oauth_tests!();
