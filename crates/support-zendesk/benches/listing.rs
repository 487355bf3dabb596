//! How fast a full ticket listing goes through the adapter: HTTP on loopback, the runtime's raw-body
//! capture, decoding and mapping, and cursor following. Prints its figures; run with
//! `cargo bench -p support-zendesk --bench listing`.

use std::time::{Duration, Instant};

use futures::TryStreamExt;
use httpmock::prelude::*;
use serde_json::{Value, json};
use support_core::{SupportPortExt, TicketQuery};
use support_zendesk::ZendeskPort;

const PAGES: usize = 50;
const PAGE_SIZE: usize = 100;

fn ticket(id: usize) -> Value {
    let status = ["new", "open", "pending", "hold", "solved"][id % 5];
    let priority = ["low", "normal", "high", "urgent"][id % 4];
    json!({
        "id": id, "url": format!("https://acme.zendesk.com/api/v2/tickets/{id}.json"),
        "subject": format!("Ticket {id}"), "raw_subject": format!("Ticket {id}"),
        "description": "The printer is on fire and nobody answers the phone.",
        "status": status,
        "priority": priority,
        "requester_id": 401, "submitter_id": 401, "assignee_id": 301, "group_id": 201,
        "organization_id": 501, "tags": ["billing", "vip"],
        "custom_fields": [], "via": {"channel": "email", "source": {"from": {}, "to": {}, "rel": null}},
        "created_at": "2026-01-05T08:00:00Z", "updated_at": "2026-01-06T08:00:00Z",
        "collaborator_ids": [], "follower_ids": [], "email_cc_ids": [], "is_public": true
    })
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let server = MockServer::start_async().await;
    for page in 0..PAGES {
        let tickets: Vec<Value> = (0..PAGE_SIZE)
            .map(|i| ticket(page * PAGE_SIZE + i + 1))
            .collect();
        let more = page + 1 < PAGES;
        let body = json!({
            "tickets": tickets,
            "meta": {"has_more": more, "after_cursor": format!("c{}", page + 1)},
        });
        server
            .mock_async(move |when, then| {
                let when = when.method(GET).path("/api/v2/tickets");
                if page == 0 {
                    when.query_param_missing("page[after]");
                } else {
                    when.query_param("page[after]", format!("c{page}"));
                }
                then.status(200).json_body(body);
            })
            .await;
    }
    let port = ZendeskPort::builder()
        .base_url(server.base_url())
        .api_token("agent@example.com", "token")
        .request_timeout(Some(Duration::from_secs(30)))
        .build()
        .expect("the port builds");

    let mut runs = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let tickets: Vec<_> = port
            .tickets(TicketQuery::new().with_limit(PAGE_SIZE as u32))
            .try_collect()
            .await
            .expect("the listing succeeds");
        runs.push(started.elapsed());
        assert_eq!(tickets.len(), PAGES * PAGE_SIZE);
    }
    runs.sort();
    let median = runs[runs.len() / 2];
    let total = (PAGES * PAGE_SIZE) as f64;
    println!(
        "zendesk listing: {} tickets in {} pages, median of {} runs {:.1} ms ({:.0} tickets/s, {:.2} ms per page)",
        PAGES * PAGE_SIZE,
        PAGES,
        runs.len(),
        median.as_secs_f64() * 1e3,
        total / median.as_secs_f64(),
        median.as_secs_f64() * 1e3 / PAGES as f64,
    );
}
