//! The bench server serves what the adapters ask for: a full listing through each adapter returns
//! every ticket once, in order, with nothing refused. Keeps the benchmark honest as adapters change.

use std::collections::BTreeSet;

use support_bench::clients::{self, BareWork};
use support_bench::{BenchServer, Site};

const TICKETS: u64 = 1_000;

/// The ids listed through the adapter, and the custom field names and status labels it mapped.
async fn listed(server: &BenchServer, per_page: u32) -> (Vec<u64>, BTreeSet<String>) {
    let port = clients::adapter(server).unwrap();
    let mut ids = Vec::new();
    let mut names = BTreeSet::new();
    let count = clients::list_through_adapter(port.as_ref(), per_page, |ticket| {
        ids.push(ticket.id.external_id().parse::<u64>().unwrap());
        names.insert(ticket.status.native.into_owned());
        names.extend(ticket.custom_fields.into_iter().map(|f| f.name));
    })
    .await
    .unwrap();
    assert_eq!(count, ids.len() as u64);
    (ids, names)
}

#[tokio::test]
async fn each_adapter_lists_every_ticket_once_in_order() {
    for site in Site::ALL {
        let server = BenchServer::start(site, TICKETS).unwrap();
        let (ids, names) = listed(&server, 100).await;
        assert_eq!(ids, (1..=TICKETS).collect::<Vec<_>>(), "{site:?}");
        assert_eq!(
            server.refused(),
            0,
            "{site:?}: the server refused a request"
        );
        // The lookups were read and used: custom statuses and fields carry the account's names.
        let expected: &[&str] = match site {
            Site::Zendesk => &[
                "Escalated to engineering",
                "Waiting on customer",
                "Region",
                "VIP",
            ],
            Site::Freshdesk => &["Waiting on Customer", "Waiting on Third Party", "cf_region"],
        };
        for name in expected {
            assert!(names.contains(*name), "{site:?}: no {name:?} in {names:?}");
        }
    }
}

#[tokio::test]
async fn freshdesk_listings_cross_their_restarted_windows() {
    // 200 pages of 5: the adapter restarts its window twice, from the last update it saw.
    let server = BenchServer::start(Site::Freshdesk, TICKETS).unwrap();
    let (ids, _) = listed(&server, 5).await;
    assert_eq!(ids, (1..=TICKETS).collect::<Vec<_>>());
    assert_eq!(server.refused(), 0);
}

#[tokio::test]
async fn the_bare_client_reads_every_ticket_the_adapter_reads() {
    let client = clients::bare_client().unwrap();
    for site in Site::ALL {
        let server = BenchServer::start(site, TICKETS).unwrap();
        for work in [BareWork::Decode, BareWork::BytesOnly] {
            let count = clients::list_bare(&client, &server, 100, work)
                .await
                .unwrap();
            assert_eq!(count, TICKETS, "{site:?} {work:?}");
        }
        assert_eq!(server.refused(), 0);
    }
}

#[tokio::test]
async fn unknown_paths_are_refused_and_counted() {
    let server = BenchServer::start(Site::Zendesk, 10).unwrap();
    let client = clients::bare_client().unwrap();
    let response = client
        .get(format!("{}/api/v2/users", server.root()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 404);
    assert_eq!(server.refused(), 1);
}

#[tokio::test]
async fn freshdesk_pages_name_the_next_page_while_tickets_remain() {
    let server = BenchServer::start(Site::Freshdesk, 10).unwrap();
    let client = clients::bare_client().unwrap();
    let page = |number: u32| {
        client
            .get(format!("{}/tickets", server.base_url()))
            .query(&[
                ("updated_since", "1970-01-01T00:00:00Z"),
                ("order_by", "updated_at"),
                ("order_type", "asc"),
                ("include", "stats"),
                ("per_page", "5"),
                ("page", &number.to_string()),
            ])
            .send()
    };
    let first = page(1).await.unwrap();
    let link = first.headers()["link"].to_str().unwrap().to_owned();
    assert!(link.ends_with("page=2>; rel=\"next\""), "{link}");
    assert!(
        link.contains("updated_since=1970-01-01T00%3A00%3A00Z"),
        "{link}"
    );
    let last = page(2).await.unwrap();
    assert!(
        last.headers().get("link").is_none(),
        "the last page names none"
    );
    assert_eq!(server.refused(), 0);
}
