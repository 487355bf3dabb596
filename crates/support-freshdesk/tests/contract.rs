//! What Freshdesk is sent and what the adapter accepts back, checked against a contract mock.

use httpmock::prelude::*;
use serde_json::json;
use support_core::{
    ArticleQuery, CanonicalId, ErrorKind, FieldValue, ObjectKind, SupportPort, TicketLookup,
    TicketUpdate,
};
use support_freshdesk::FreshdeskPort;

fn port(server: &MockServer) -> FreshdeskPort {
    FreshdeskPort::builder()
        .base_url(server.url("/api/v2"))
        .api_key("key")
        .build()
        .unwrap()
}

fn ticket(id: i64) -> serde_json::Value {
    json!({"id": id, "subject": "s", "status": 2, "priority": 1, "source": 2,
           "created_at": "2026-01-05T08:00:00Z", "updated_at": "2026-01-05T08:00:00Z"})
}

/// A provider answering another ticket than the one asked for is an error, not a wrong ticket,
/// whether the ticket is asked for by canonical id or by number.
#[tokio::test]
async fn get_ticket_refuses_an_answer_about_another_ticket() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v2/tickets/7");
            then.status(200).json_body(ticket(8));
        })
        .await;
    let port = port(&server);
    for lookup in [
        TicketLookup::Id(CanonicalId::new("freshdesk", ObjectKind::Ticket, "7")),
        TicketLookup::External("7".into()),
    ] {
        let error = port.get_ticket(&lookup).await.unwrap_err();
        assert_eq!(error.kind(), &ErrorKind::Decode, "{error}");
        assert!(error.to_string().contains("ticket 8"), "{error}");
    }
}

/// Custom fields go out as the JSON their type takes: integers exact past 2^53, `null` to clear.
#[tokio::test]
async fn custom_field_integers_are_exact_and_null_clears_the_field() {
    let server = MockServer::start_async().await;
    let big: i64 = 9_007_199_254_740_993;
    let update = server
        .mock_async(move |when, then| {
            when.method(PUT)
                .path("/api/v2/tickets/7")
                .body_includes(format!(r#""cf_count":{big}"#))
                .body_includes(r#""cf_colour":null"#);
            then.status(200).json_body(ticket(7));
        })
        .await;
    port(&server)
        .update_ticket(
            &CanonicalId::new("freshdesk", ObjectKind::Ticket, "7"),
            TicketUpdate::new()
                .with_custom_field("cf_count", FieldValue::Integer(big))
                .with_custom_field("cf_colour", FieldValue::Null),
        )
        .await
        .unwrap();
    update.assert_calls_async(1).await;
}

/// The category is applied by walking only its folders: an article listed there is kept (and
/// belongs to the category) even when its own JSON does not name the category.
#[tokio::test]
async fn category_listings_keep_what_freshdesk_listed_in_the_category_folders() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v2/solutions/categories/5/folders");
            then.status(200)
                .json_body(json!([{"id": 50, "name": "Printers"}]));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v2/solutions/folders/50/articles");
            then.status(200).json_body(json!([
                {"id": 1, "title": "Jams", "description": "<p>Jams</p>", "status": 2, "folder_id": 50,
                 "created_at": "2026-01-05T08:00:00Z", "updated_at": "2026-01-05T08:00:00Z"}
            ]));
        })
        .await;
    let category = CanonicalId::new("freshdesk", ObjectKind::Category, "5");
    let page = port(&server)
        .list_knowledge_articles(ArticleQuery::new().with_category(category.clone()))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1, "{:?}", page.items);
    assert!(page.items[0].categories.contains(&category));
}

/// A timestamp Freshdesk wrote loosely in one ticket does not make its page undecodable: the ticket
/// is kept, the time read as absent and the text kept in `raw`.
#[tokio::test]
async fn one_loose_timestamp_does_not_fail_a_ticket_listing_page() {
    let server = MockServer::start_async().await;
    let mut loose = ticket(8);
    loose["updated_at"] = json!("2026-13-45 25:00");
    server
        .mock_async(move |when, then| {
            when.method(GET).path("/api/v2/tickets");
            then.status(200)
                .json_body(json!([ticket(7), loose, ticket(9)]));
        })
        .await;
    let page = port(&server)
        .list_tickets(support_core::TicketQuery::new())
        .await
        .unwrap();
    assert_eq!(page.items.len(), 3);
    assert_eq!(page.items[1].updated_at, None);
    assert!(page.items[1].created_at.is_some());
    assert_eq!(page.items[1].raw["updated_at"], json!("2026-13-45 25:00"));
}

/// A ticket the generated ticket listing refuses (a typed field of another JSON type) fails the
/// page with `Decode` naming that ticket's id, with an excerpt of it, never silently.
#[tokio::test]
async fn a_ticket_the_typed_page_refuses_is_named_by_its_id() {
    for (field, value, named) in [
        ("priority", json!("urgent"), "ticket 8"),
        ("id", json!("eight"), "ticket eight"),
    ] {
        let server = MockServer::start_async().await;
        let mut malformed = ticket(8);
        malformed[field] = value;
        server
            .mock_async(move |when, then| {
                when.method(GET).path("/api/v2/tickets");
                then.status(200)
                    .json_body(json!([ticket(7), malformed, ticket(9)]));
            })
            .await;
        let error = port(&server)
            .list_tickets(support_core::TicketQuery::new())
            .await
            .unwrap_err();
        assert_eq!(error.kind(), &ErrorKind::Decode, "{error}");
        assert!(
            error.to_string().contains(&format!(
                "a freshdesk {named} did not have its documented shape"
            )),
            "{error}"
        );
        assert!(
            error.body_excerpt().is_some_and(|e| e.contains(field)),
            "{error:?}"
        );
    }
}
