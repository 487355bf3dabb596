//! How a ticket listing moves from page to page: the next page is asked for as soon as a page's
//! `Link` header and last tickets say where it is, before the page's tickets are mapped.

use std::sync::{Arc, Mutex};

use futures::StreamExt;
use httpmock::prelude::*;
use serde_json::json;
use support_core::{ErrorKind, SupportPortExt, TicketQuery};
use support_freshdesk::FreshdeskPort;

fn port(server: &MockServer) -> FreshdeskPort {
    FreshdeskPort::builder()
        .base_url(server.url("/api/v2"))
        .api_key("key")
        .build()
        .unwrap()
}

fn ticket(id: i64, status: i64, updated_at: &str) -> serde_json::Value {
    json!({"id": id, "subject": "s", "status": status, "priority": 1, "source": 2,
           "created_at": "2026-01-05T08:00:00Z", "updated_at": updated_at})
}

/// Notes, in order, which requests the server received.
#[derive(Clone, Default)]
struct Order(Arc<Mutex<Vec<&'static str>>>);

impl Order {
    fn noting(&self, name: &'static str) -> impl Fn(&HttpMockRequest) -> bool + 'static {
        let order = self.0.clone();
        move |_| {
            order.lock().unwrap().push(name);
            true
        }
    }

    fn seen(&self) -> Vec<&'static str> {
        self.0.lock().unwrap().clone()
    }
}

async fn serve_statuses(server: &MockServer, order: &Order) {
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v2/ticket_fields")
                .is_true(order.noting("ticket fields"));
            then.status(200).json_body(json!([{
                "id": 1, "name": "status", "type": "default_status",
                "choices": {"2": ["Open", "Being Processed"], "7": ["Waiting on Finance", "Awaiting"]}
            }]));
        })
        .await;
}

/// The custom status the first page's ticket needs is read after the second page was asked for;
/// the second page has no `Link` (the last), so it is read whole when it arrives, and its broken
/// ticket is an error after the tickets before it.
#[tokio::test]
async fn a_ticket_listing_asks_for_the_next_page_before_mapping_this_one() {
    let server = MockServer::start_async().await;
    let order = Order::default();
    serve_statuses(&server, &order).await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v2/tickets")
                .query_param("page", "1")
                .query_param("order_by", "updated_at")
                .query_param("order_type", "asc")
                .is_true(order.noting("page 1"));
            then.status(200)
                .header(
                    "link",
                    format!("<{}>; rel=\"next\"", server.url("/api/v2/tickets?page=2")),
                )
                .json_body(json!([
                    ticket(1, 7, "2026-01-05T08:00:00Z"),
                    ticket(2, 2, "2026-01-05T09:00:00Z")
                ]));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v2/tickets")
                .query_param("page", "2")
                .is_true(order.noting("page 2"));
            then.status(200).body(
                r#"[{"id": 3, "status": 2, "updated_at": "2026-01-05T10:00:00Z"}, {"id": 4, "status": ]"#,
            );
        })
        .await;
    let port = port(&server);
    let mut tickets = port.tickets(TicketQuery::new().with_limit(2));
    let first = tickets.next().await.unwrap().unwrap();
    assert_eq!(first.status.native, "Waiting on Finance");
    assert_eq!(order.seen(), ["page 1", "page 2", "ticket fields"]);
    let second = tickets.next().await.unwrap().unwrap();
    assert_eq!(second.id.external_id(), "2");
    let broken = tickets.next().await.unwrap().unwrap_err();
    assert_eq!(broken.kind(), &ErrorKind::Decode);
    assert!(tickets.next().await.is_none());
}

/// A full page without a `Link` header still leads to the next page, and a page whose last
/// tickets cannot be read from the end is read whole before the next is asked for: either way
/// nothing is lost, and each page is asked for once.
#[tokio::test]
async fn pages_that_do_not_say_where_the_next_is_are_read_whole_first() {
    let server = MockServer::start_async().await;
    let order = Order::default();
    serve_statuses(&server, &order).await;
    let next = |page: u32| {
        format!(
            "<{}>; rel=\"next\"",
            server.url(format!("/api/v2/tickets?page={page}"))
        )
    };
    let first = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v2/tickets")
                .query_param("page", "1")
                .is_true(order.noting("page 1"));
            // Full, without a Link.
            then.status(200).json_body(json!([
                ticket(1, 2, "2026-01-05T08:00:00Z"),
                ticket(2, 7, "2026-01-05T09:00:00Z")
            ]));
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v2/tickets")
                .query_param("page", "2")
                .is_true(order.noting("page 2"));
            // A Link, but the last ticket's update time is not one.
            then.status(200).header("link", next(3)).json_body(json!([
                ticket(3, 7, "2026-01-05T10:00:00Z"),
                {"id": 4, "status": 2, "updated_at": {"not": "a time"}}
            ]));
        })
        .await;
    let third = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v2/tickets")
                .query_param("page", "3")
                .is_true(order.noting("page 3"));
            then.status(200)
                .json_body(json!([ticket(5, 2, "2026-01-05T11:00:00Z")]));
        })
        .await;
    let port = port(&server);
    let tickets: Vec<_> = port
        .tickets(TicketQuery::new().with_limit(2))
        .collect()
        .await;
    let ids: Vec<String> = tickets
        .into_iter()
        .map(|t| t.unwrap().id.external_id().to_owned())
        .collect();
    assert_eq!(ids, ["1", "2", "3", "4", "5"]);
    assert_eq!(
        order.seen(),
        ["page 1", "ticket fields", "page 2", "page 3"],
        "each page mapped before the next was asked for"
    );
    for mock in [first, second, third] {
        mock.assert_calls_async(1).await;
    }
}
