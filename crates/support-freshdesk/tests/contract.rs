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

fn at(text: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    Some(text.parse().unwrap())
}

/// A ticket read whole: `type` is its category, `stats` (asked for with `include=stats`) when it
/// was resolved and closed, and the SLA fields its clocks.
#[tokio::test]
async fn a_ticket_reads_its_type_stats_and_sla_clocks() {
    use support_core::{SlaClock, TicketCategory};
    let server = MockServer::start_async().await;
    let mut raw = ticket(7);
    raw["status"] = json!(5);
    raw["type"] = json!("Refund");
    raw["fr_due_by"] = json!("2026-01-05T09:00:00Z");
    raw["fr_escalated"] = json!(true);
    raw["nr_due_by"] = json!(null);
    raw["nr_escalated"] = json!(false);
    raw["due_by"] = json!("2026-01-07T08:00:00Z");
    raw["is_escalated"] = json!(true);
    raw["stats"] = json!({"resolved_at": "2026-01-06T10:00:00Z", "closed_at": "2026-01-06T11:00:00Z",
                          "first_responded_at": null});
    let get = server
        .mock_async(move |when, then| {
            when.method(GET)
                .path("/api/v2/tickets/7")
                .query_param("include", "stats");
            then.status(200).json_body(raw);
        })
        .await;
    let port = port(&server);
    let ticket = port
        .get_ticket(&TicketLookup::External("7".into()))
        .await
        .unwrap();
    get.assert_async().await;
    let category = ticket.category.unwrap();
    assert_eq!(
        (category.canonical, category.native.as_str()),
        (TicketCategory::Billing, "Refund")
    );
    assert_eq!(ticket.resolved_at, at("2026-01-06T10:00:00Z"));
    assert_eq!(ticket.closed_at, at("2026-01-06T11:00:00Z"));
    assert_eq!(ticket.resolution, None);
    let sla = ticket.sla.unwrap();
    assert_eq!(
        sla.first_response,
        Some(SlaClock::due(at("2026-01-05T09:00:00Z")).with_breached(Some(true)))
    );
    assert_eq!(sla.next_response, None);
    assert_eq!(
        sla.resolution,
        Some(SlaClock::due(at("2026-01-07T08:00:00Z")))
    );
    assert_eq!(sla.escalated, Some(true));
    assert_eq!(sla.policy, None);
}

/// Types map to categories; a ticket without type, stats or SLA fields has none of them.
#[tokio::test]
async fn types_map_to_categories_and_absent_fields_stay_none() {
    use support_core::{TicketCategory, TicketQuery};
    let server = MockServer::start_async().await;
    let types = [
        (json!("Question"), Some(TicketCategory::Question)),
        (json!("Incident"), Some(TicketCategory::Incident)),
        (json!("Problem"), Some(TicketCategory::Problem)),
        (
            json!("Feature Request"),
            Some(TicketCategory::FeatureRequest),
        ),
        (json!("Refund"), Some(TicketCategory::Billing)),
        (
            json!("Warranty"),
            Some(TicketCategory::Other("Warranty".into())),
        ),
        (json!(null), None),
    ];
    let page: Vec<_> = types
        .iter()
        .enumerate()
        .map(|(i, (kind, _))| {
            let mut raw = ticket(i as i64 + 1);
            raw["type"] = kind.clone();
            raw
        })
        .collect();
    let list = server
        .mock_async(move |when, then| {
            when.method(GET)
                .path("/api/v2/tickets")
                .query_param("include", "stats");
            then.status(200).json_body(json!(page));
        })
        .await;
    let tickets = port(&server)
        .list_tickets(TicketQuery::default())
        .await
        .unwrap();
    list.assert_async().await;
    let got: Vec<_> = tickets
        .items
        .iter()
        .map(|t| t.category.as_ref().map(|c| c.canonical.clone()))
        .collect();
    let want: Vec<_> = types.iter().map(|(_, c)| c.clone()).collect();
    assert_eq!(got, want);
    for ticket in &tickets.items {
        assert_eq!((ticket.resolved_at, ticket.closed_at), (None, None));
        assert_eq!(ticket.sla, None);
    }
}

/// A category filter is a `type` term of the search query.
#[tokio::test]
async fn category_filters_search_by_type() {
    use support_core::{TicketCategory, TicketQuery};
    let server = MockServer::start_async().await;
    let search = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v2/search/tickets")
                .query_param_includes("query", "(type:'Question' OR type:'Refund')");
            then.status(200)
                .json_body(json!({"results": [ticket(3)], "total": 1}));
        })
        .await;
    let query = TicketQuery::default()
        .with_category(TicketCategory::Question)
        .with_category(TicketCategory::Billing);
    let found = port(&server).list_tickets(query).await.unwrap();
    search.assert_async().await;
    // Ticket 3 has no type: the search's answer is checked again here.
    assert!(found.items.is_empty());
    let nothing = port(&server)
        .list_tickets(TicketQuery::default().with_category(TicketCategory::Task))
        .await
        .unwrap();
    assert!(nothing.items.is_empty() && nothing.next.is_none());
}

/// Conversations say who wrote them (`incoming`: the customer) and keep their attachments.
#[tokio::test]
async fn conversations_read_their_author_kind_and_attachments() {
    use support_core::{AuthorKind, CommentQuery};
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v2/tickets/7/conversations");
            then.status(200).json_body(json!([
                {"id": 1, "body": "<p>hi</p>", "body_text": "hi", "incoming": true, "private": false,
                 "user_id": 50, "source": 0, "created_at": "2026-01-05T08:00:00Z",
                 "attachments": [{"id": 9, "name": "a.pdf", "content_type": "application/pdf",
                                  "size": 12, "attachment_url": "https://s3.example.com/a.pdf?sig=1",
                                  "created_at": "2026-01-05T08:00:00Z"}]},
                {"id": 2, "body": "<p>yo</p>", "body_text": "yo", "incoming": false, "private": true,
                 "user_id": 60, "source": 2, "created_at": "2026-01-05T09:00:00Z", "attachments": []},
                {"id": 3, "body": "<p>?</p>", "body_text": "?", "private": false,
                 "user_id": 60, "source": 0, "created_at": "2026-01-05T10:00:00Z"}
            ]));
        })
        .await;
    let ticket = CanonicalId::new("freshdesk", ObjectKind::Ticket, "7");
    let comments = port(&server)
        .list_comments(&ticket, CommentQuery::default())
        .await
        .unwrap()
        .items;
    let kinds: Vec<_> = comments
        .iter()
        .map(|c| {
            c.data
                .author_kind
                .as_ref()
                .map(|k| (k.canonical.clone(), k.native.clone()))
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            Some((AuthorKind::Customer, "incoming".to_owned())),
            Some((AuthorKind::Agent, "outgoing".to_owned())),
            None
        ]
    );
    let file = &comments[0].data.attachments[0];
    assert_eq!(file.title.as_deref(), Some("a.pdf"));
    assert_eq!(file.content_type.as_deref(), Some("application/pdf"));
    assert_eq!(file.size, Some(12));
    assert_eq!(
        file.url.as_deref(),
        Some("https://s3.example.com/a.pdf?sig=1")
    );
}
