//! What the adapter sends to Zammad and what it makes of the answers, against httpmock: listings
//! exactly once (database pages and search keyset), lookups by number, writes and their bodies,
//! comments, tags, agents, knowledge answers, SLAs, throttling and retry safety.

use std::collections::HashSet;

use httpmock::prelude::*;
use serde_json::{Value, json};
use support_core::http::RetryPolicy;
use support_core::{
    AgentQuery, ArticleQuery, Assignment, Availability, Body, CanonicalId, CloseOptions,
    CommentQuery, ErrorKind, NewComment, NewTag, NewTicket, ObjectKind, Priority, SupportPort,
    TagQuery, TicketLookup, TicketQuery, TicketStatus, TicketUpdate, Visibility,
};
use support_zammad::ZammadPort;

const TOKEN: &str = "tok-must-not-leak";

fn port(server: &MockServer) -> ZammadPort {
    ZammadPort::builder()
        .base_url(server.base_url())
        .token(TOKEN)
        .request_timeout(None)
        .build()
        .unwrap()
}

fn id(kind: ObjectKind, n: i64) -> CanonicalId {
    CanonicalId::numeric("zammad", kind, n)
}

fn ticket(n: i64, state: i64) -> Value {
    json!({"id": n, "number": format!("31{n:03}"), "title": format!("Ticket {n}"),
        "state_id": state, "priority_id": 2, "group_id": 1, "owner_id": 1, "customer_id": 12,
        "created_at": "2025-01-20T09:00:00.000Z", "updated_at": "2025-01-22T10:46:58.255Z"})
}

/// A ticket of priority `4 urgent` owned by agent 5.
fn urgent_of_5(n: i64, state: i64) -> Value {
    let mut raw = ticket(n, state);
    raw["priority_id"] = json!(4);
    raw["owner_id"] = json!(5);
    raw
}

/// The seeded states plus a custom pending one, and the seeded priorities plus `4 urgent`.
async fn definitions(server: &MockServer) {
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v1/ticket_states");
            then.status(200).json_body(json!([
                {"id": 1, "name": "new", "state_type_id": 1, "active": true},
                {"id": 2, "name": "open", "state_type_id": 2, "active": true},
                {"id": 3, "name": "pending reminder", "state_type_id": 3, "active": true},
                {"id": 4, "name": "closed", "state_type_id": 5, "active": true},
                {"id": 5, "name": "merged", "state_type_id": 6, "active": true},
                {"id": 6, "name": "removed", "state_type_id": 7, "active": false},
                {"id": 7, "name": "pending close", "state_type_id": 4, "active": true},
                {"id": 8, "name": "waiting for parts", "state_type_id": 3, "active": true}
            ]));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v1/ticket_priorities");
            then.status(200).json_body(json!([
                {"id": 1, "name": "1 low", "active": true},
                {"id": 2, "name": "2 normal", "active": true},
                {"id": 3, "name": "3 high", "active": true},
                {"id": 4, "name": "4 urgent", "active": true}
            ]));
        })
        .await;
}

/// Every ticket carries the tag `vip`.
async fn tags(server: &MockServer) {
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v1/tags")
                .query_param("object", "Ticket");
            then.status(200).json_body(json!({"tags": ["vip"]}));
        })
        .await;
}

#[tokio::test]
async fn the_unfiltered_listing_walks_database_pages_exactly_once() {
    let server = MockServer::start_async().await;
    definitions(&server).await;
    tags(&server).await;
    // Page 2 arrives shifted back by one (a ticket of page 1 deleted meanwhile... or re-sorted):
    // ticket 2 must not come twice; ticket 6, created during the walk, comes at the end.
    for (page, ids) in [
        (1, vec![1, 2]),
        (2, vec![2, 3]),
        (3, vec![4, 5]),
        (4, vec![6]),
    ] {
        server
            .mock_async(|when, then| {
                when.method(GET)
                    .path("/api/v1/tickets")
                    .query_param("page", page.to_string())
                    .query_param("per_page", "2");
                then.status(200)
                    .json_body(Value::Array(ids.iter().map(|n| ticket(*n, 2)).collect()));
            })
            .await;
    }
    let port = port(&server);
    let mut seen = Vec::new();
    let mut cursor = None;
    for _ in 0..10 {
        let mut query = TicketQuery::new().with_limit(2);
        if let Some(c) = cursor.take() {
            query = query.with_cursor(c);
        }
        let page = port.list_tickets(query).await.unwrap();
        for t in &page.items {
            assert_eq!(t.tags, vec!["vip".to_owned()]);
            assert_eq!(t.status.native, "open");
        }
        seen.extend(page.items.into_iter().map(|t| t.id.to_string()));
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let expected: Vec<String> = (1..=6).map(|n| format!("zammad:ticket:{n}")).collect();
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn filtered_listings_walk_the_search_by_id_keyset() {
    let server = MockServer::start_async().await;
    definitions(&server).await;
    tags(&server).await;
    let first = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v1/tickets/search")
                .query_param(
                    "query",
                    "state_id:(3 OR 7 OR 8) AND priority_id:4 AND owner_id:5 AND id:>0",
                )
                .query_param("page", "1")
                .query_param("per_page", "2")
                .query_param("sort_by", "id")
                .query_param("order_by", "asc");
            then.status(200)
                .json_body(json!([urgent_of_5(10, 8), urgent_of_5(12, 3)]));
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v1/tickets/search")
                .query_param(
                    "query",
                    "state_id:(3 OR 7 OR 8) AND priority_id:4 AND owner_id:5 AND id:>12",
                )
                .query_param("page", "1");
            then.status(200).json_body(json!([urgent_of_5(15, 7)]));
        })
        .await;
    let port = port(&server);
    let mut query = TicketQuery::new()
        .with_status(TicketStatus::Pending)
        .with_priority(Priority::Urgent)
        .with_assignee(id(ObjectKind::Party, 5));
    query = query.with_limit(2);
    let page = port.list_tickets(query.clone()).await.unwrap();
    let statuses: Vec<(TicketStatus, String)> = page
        .items
        .iter()
        .map(|t| (t.status.canonical.clone(), t.status.native.to_string()))
        .collect();
    assert_eq!(
        statuses,
        vec![
            (TicketStatus::Pending, "waiting for parts".to_owned()),
            (TicketStatus::Pending, "pending reminder".to_owned())
        ]
    );
    let mut ids: Vec<String> = page.items.iter().map(|t| t.id.to_string()).collect();
    query = query.with_limit(2).with_cursor(page.next.unwrap());
    let last = port.list_tickets(query).await.unwrap();
    assert!(last.next.is_none());
    ids.extend(last.items.iter().map(|t| t.id.to_string()));
    assert_eq!(
        ids,
        ["zammad:ticket:10", "zammad:ticket:12", "zammad:ticket:15"]
    );
    first.assert_async().await;
    second.assert_async().await;
}

#[tokio::test]
async fn a_ticket_is_found_by_its_number_through_the_search() {
    let server = MockServer::start_async().await;
    definitions(&server).await;
    tags(&server).await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v1/tickets/search")
                .query_param("query", "number:31007");
            then.status(200).json_body(json!([ticket(7, 8)]));
        })
        .await;
    let found = port(&server)
        .get_ticket(&TicketLookup::External("31007".into()))
        .await
        .unwrap();
    assert_eq!(found.id.to_string(), "zammad:ticket:7");
    assert_eq!(found.number.as_deref(), Some("31007"));
    assert_eq!(found.assignee, None, "owner 1 is Zammad's nobody");
    // Its own id finds it too (no ticket has the number `7`).
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v1/tickets/7");
            then.status(200).json_body(ticket(7, 8));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v1/tickets/search")
                .query_param("query", "number:7");
            then.status(200).json_body(json!([]));
        })
        .await;
    let by_id = port(&server)
        .get_ticket(&TicketLookup::External("7".into()))
        .await
        .unwrap();
    assert_eq!(by_id.id.to_string(), "zammad:ticket:7");
    // An id of one ticket that is another's number is ambiguous.
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v1/tickets/31007");
            then.status(200).json_body(ticket(31007, 2));
        })
        .await;
    let error = port(&server)
        .get_ticket(&TicketLookup::External("31007".into()))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::Conflict);
}

#[tokio::test]
async fn a_create_sends_ids_tags_and_the_first_article_and_is_never_resent() {
    let server = MockServer::start_async().await;
    definitions(&server).await;
    let create = server
        .mock_async(|when, then| {
            when.method(POST).path("/api/v1/tickets").json_body(json!({
                "title": "Printer on fire",
                "group_id": 2,
                "customer_id": 12,
                "priority_id": 3,
                "state_id": 2,
                "tags": "hardware,vip",
                "article": {"subject": "Printer on fire", "body": "It smokes.",
                    "content_type": "text/plain", "type": "note", "internal": false}
            }));
            then.status(500)
                .json_body(json!({"error": "Error ID 4f2a: Please contact your administrator."}));
        })
        .await;
    let new = NewTicket::new("Printer on fire", "It smokes.")
        .with_priority(Priority::High)
        .with_status(TicketStatus::Open)
        .with_requester(support_core::Requester::Id(id(ObjectKind::Party, 12)))
        .with_group(id(ObjectKind::Group, 2))
        .with_tag("hardware")
        .with_tag("vip");
    let error = port(&server).create_ticket(new).await.unwrap_err();
    assert_eq!(create.calls_async().await, 1, "a create is never resent");
    assert!(error.to_string().contains("Error ID 4f2a"), "{error}");
    assert!(!format!("{error:?}").contains(TOKEN));
}

#[tokio::test]
async fn a_created_ticket_comes_back_from_the_answer() {
    let server = MockServer::start_async().await;
    definitions(&server).await;
    tags(&server).await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v1/groups");
            then.status(200).json_body(json!([
                {"id": 1, "name": "Users", "active": false},
                {"id": 3, "name": "Support", "active": true}
            ]));
        })
        .await;
    let create = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v1/tickets")
                .json_body_includes(r#"{"group_id": 3, "customer_id": "guess:new@example.com"}"#);
            then.status(201).json_body(ticket(40, 1));
        })
        .await;
    let new = NewTicket::new("Hello", "Body").with_requester(support_core::Requester::Email {
        email: "new@example.com".into(),
        name: None,
    });
    let created = port(&server).create_ticket(new).await.unwrap();
    create.assert_async().await;
    assert_eq!(created.id.to_string(), "zammad:ticket:40");
    assert_eq!(created.status.canonical, TicketStatus::New);
}

#[tokio::test]
async fn close_sets_the_first_closed_state_with_the_note_and_assign_sets_owner_and_group() {
    let server = MockServer::start_async().await;
    definitions(&server).await;
    tags(&server).await;
    let close = server
        .mock_async(|when, then| {
            when.method(PUT).path("/api/v1/tickets/7").json_body(json!({
                "state_id": 4,
                "article": {"body": "Done.", "content_type": "text/plain", "type": "note",
                    "internal": true}
            }));
            then.status(200).json_body(ticket(7, 4));
        })
        .await;
    let closed = port(&server)
        .close_ticket(
            &id(ObjectKind::Ticket, 7),
            CloseOptions::new().with_comment(NewComment::internal("Done.")),
        )
        .await
        .unwrap();
    close.assert_async().await;
    assert_eq!(closed.status.canonical, TicketStatus::Closed);

    let assign = server
        .mock_async(|when, then| {
            when.method(PUT)
                .path("/api/v1/tickets/8")
                .json_body(json!({"owner_id": 5, "group_id": 2}));
            then.status(200)
                .json_body(json!({"id": 8, "state_id": 2, "owner_id": 5, "group_id": 2}));
        })
        .await;
    let assigned = port(&server)
        .assign_ticket(
            &id(ObjectKind::Ticket, 8),
            Assignment::agent(id(ObjectKind::Party, 5)).with_group(id(ObjectKind::Group, 2)),
        )
        .await
        .unwrap();
    assign.assert_async().await;
    assert_eq!(assigned.assignee.unwrap().to_string(), "zammad:party:5");
    assert_eq!(assigned.group.unwrap().to_string(), "zammad:group:2");
}

#[tokio::test]
async fn an_update_sets_fields_and_makes_the_tags_exactly_those_given() {
    let server = MockServer::start_async().await;
    definitions(&server).await;
    tags(&server).await;
    let put = server
        .mock_async(|when, then| {
            when.method(PUT)
                .path("/api/v1/tickets/7")
                .json_body(json!({"title": "Renamed", "priority_id": 1, "state_id": 3}));
            then.status(200).json_body(ticket(7, 3));
        })
        .await;
    let add = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v1/tags/add")
                .json_body(json!({"item": "billing", "object": "Ticket", "o_id": 7}));
            then.status(201).json_body(json!(true));
        })
        .await;
    let remove = server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path("/api/v1/tags/remove")
                .json_body(json!({"item": "vip", "object": "Ticket", "o_id": 7}));
            then.status(200).json_body(json!(true));
        })
        .await;
    port(&server)
        .update_ticket(
            &id(ObjectKind::Ticket, 7),
            TicketUpdate::new()
                .with_subject("Renamed")
                .with_priority(Priority::Low)
                .with_status(TicketStatus::Pending)
                .with_tags(["billing"]),
        )
        .await
        .unwrap();
    put.assert_async().await;
    add.assert_async().await;
    remove.assert_async().await;
}

fn articles() -> Value {
    json!([
        {"id": 101, "ticket_id": 7, "body": "<p>Help</p>", "content_type": "text/html",
         "internal": false, "sender": "Customer", "type": "email", "created_by_id": 12,
         "created_at": "2025-01-20T09:00:00.000Z", "attachments": [
            {"id": 55, "filename": "log.txt", "size": "12", "preferences": {"Mime-Type": "text/plain"}}]},
        {"id": 102, "ticket_id": 7, "body": "checking", "content_type": "text/plain",
         "internal": true, "sender": "Agent", "type": "note", "created_by_id": 5,
         "created_at": "2025-01-20T10:00:00.000Z", "attachments": []},
        {"id": 103, "ticket_id": 7, "body": "Fixed", "content_type": "text/plain",
         "internal": false, "sender": "Agent", "type": "email", "created_by_id": 5,
         "created_at": "2025-01-20T11:00:00.000Z", "attachments": []}
    ])
}

#[tokio::test]
async fn comments_are_articles_paged_by_id_with_their_files() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v1/ticket_articles/by_ticket/7");
            then.status(200).json_body(articles());
        })
        .await;
    let file = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v1/ticket_attachment/7/101/55")
                .header("authorization", format!("Token token={TOKEN}"));
            then.status(200)
                .header("content-type", "text/plain")
                .body("hello, world");
        })
        .await;
    let port = port(&server);
    let ticket = id(ObjectKind::Ticket, 7);
    let mut query = CommentQuery::new();
    query = query.with_limit(2);
    let first = port.list_comments(&ticket, query.clone()).await.unwrap();
    assert_eq!(first.items.len(), 2);
    let customer = &first.items[0];
    assert_eq!(customer.id.to_string(), "zammad:comment:101");
    assert_eq!(customer.data.visibility, Visibility::Public);
    assert_eq!(
        customer.data.author.as_ref().unwrap().to_string(),
        "zammad:party:12"
    );
    assert_eq!(customer.data.body.text.trim(), "Help");
    let attachment = &customer.data.attachments[0];
    assert_eq!(attachment.id.to_string(), "zammad:document:7-101-55");
    assert_eq!(attachment.title.as_deref(), Some("log.txt"));
    assert_eq!(attachment.size, Some(12));
    assert_eq!(first.items[1].data.visibility, Visibility::Internal);
    query = query.with_limit(2).with_cursor(first.next.unwrap());
    let second = port.list_comments(&ticket, query).await.unwrap();
    assert_eq!(second.items.len(), 1);
    assert_eq!(second.items[0].id.to_string(), "zammad:comment:103");
    assert!(second.next.is_none());
    let download = port.download_attachment(attachment).await.unwrap();
    let bytes = download.bytes().await.unwrap();
    assert_eq!(&bytes[..], b"hello, world");
    file.assert_async().await;
    let internal = port
        .list_comments(
            &ticket,
            CommentQuery::new().with_visibility(Visibility::Internal),
        )
        .await
        .unwrap();
    assert_eq!(internal.items.len(), 1);
}

#[tokio::test]
async fn a_public_reply_is_mailed_to_the_customer_and_a_note_stays_internal() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v1/tickets/7");
            then.status(200).json_body(ticket(7, 2));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v1/users/12");
            then.status(200)
                .json_body(json!({"id": 12, "email": "carl@example.com"}));
        })
        .await;
    let reply = server
        .mock_async(|when, then| {
            when.method(POST).path("/api/v1/ticket_articles").json_body(json!({
                "ticket_id": 7, "body": "<p>On it</p>", "content_type": "text/html",
                "type": "email", "internal": false, "sender": "Agent",
                "to": "carl@example.com",
                "attachments": [{"filename": "a.txt", "data": "aGk=", "mime-type": "text/plain"}]
            }));
            then.status(201).json_body(json!({"id": 110, "ticket_id": 7,
                "body": "<p>On it</p>", "content_type": "text/html", "internal": false,
                "sender": "Agent", "type": "email", "created_by_id": 3,
                "attachments": [{"id": 60, "filename": "a.txt", "size": "2"}]}));
        })
        .await;
    let port = port(&server);
    let comment = NewComment::public("On it")
        .with_body(Body::from_html("<p>On it</p>"))
        .with_attachment(support_core::Upload::bytes(
            "a.txt",
            "text/plain",
            b"hi".to_vec(),
        ));
    let added = port
        .add_comment(&id(ObjectKind::Ticket, 7), comment)
        .await
        .unwrap();
    reply.assert_async().await;
    assert_eq!(added.id.to_string(), "zammad:comment:110");
    assert_eq!(
        added.data.attachments[0].id.to_string(),
        "zammad:document:7-110-60"
    );
    let note = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v1/ticket_articles")
                .json_body(json!({
                    "ticket_id": 7, "body": "psst", "content_type": "text/plain",
                    "type": "note", "internal": true, "sender": "Agent"
                }));
            then.status(201)
                .json_body(json!({"id": 111, "ticket_id": 7, "body": "psst",
                "internal": true, "sender": "Agent", "type": "note"}));
        })
        .await;
    let added = port
        .add_comment(&id(ObjectKind::Ticket, 7), NewComment::internal("psst"))
        .await
        .unwrap();
    note.assert_async().await;
    assert_eq!(added.data.visibility, Visibility::Internal);
}

#[tokio::test]
async fn a_comment_by_another_user_is_written_on_their_behalf() {
    let server = MockServer::start_async().await;
    let behalf = server
        .mock_async(|when, then| {
            // No `sender`: Zammad sets it by the author's roles.
            when.method(POST)
                .path("/api/v1/ticket_articles")
                .header("from", "12")
                .json_body(json!({
                    "ticket_id": 7, "body": "psst", "content_type": "text/plain",
                    "type": "note", "internal": true
                }));
            then.status(201)
                .json_body(json!({"id": 112, "ticket_id": 7, "body": "psst",
                "internal": true, "sender": "Agent", "type": "note", "created_by_id": 12}));
        })
        .await;
    let port = port(&server);
    let comment = NewComment::internal("psst").with_author(id(ObjectKind::Party, 12));
    let added = port
        .add_comment(&id(ObjectKind::Ticket, 7), comment)
        .await
        .unwrap();
    behalf.assert_async().await;
    assert_eq!(
        added
            .data
            .author
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("zammad:party:12")
    );
    // An author that is no Zammad user id is refused before anything is sent.
    let err = port
        .add_comment(
            &id(ObjectKind::Ticket, 7),
            NewComment::internal("psst").with_author(CanonicalId::new(
                "zendesk",
                ObjectKind::Party,
                "12",
            )),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), &support_core::ErrorKind::InvalidInput);
    behalf.assert_calls_async(1).await;
}

#[tokio::test]
async fn tags_are_the_admin_list_and_a_created_tag_is_read_back() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v1/tag_list");
            then.status(200).json_body(json!([
                {"id": 2, "name": "complaint", "count": 4},
                {"id": 1, "name": "americano", "count": 0},
                {"id": 3, "name": "zebra", "count": 1}
            ]));
        })
        .await;
    let create = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v1/tag_list")
                .json_body(json!({"name": "zebra"}));
            then.status(200).json_body(json!({}));
        })
        .await;
    let port = port(&server);
    let mut query = TagQuery::new();
    query = query.with_limit(2);
    let first = port.list_tags(query.clone()).await.unwrap();
    let names: Vec<&str> = first.items.iter().map(|t| t.data.name.as_str()).collect();
    assert_eq!(names, ["americano", "complaint"]);
    assert_eq!(first.items[1].data.count, Some(4));
    query = query.with_limit(2).with_cursor(first.next.unwrap());
    let second = port.list_tags(query).await.unwrap();
    assert_eq!(second.items[0].data.name, "zebra");
    assert!(second.next.is_none());
    let created = port.create_tag(NewTag::new("zebra")).await.unwrap();
    create.assert_async().await;
    assert_eq!(created.id.to_string(), "zammad:tag:3");
}

#[tokio::test]
async fn agents_are_users_with_ticket_agent_named_by_their_roles() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v1/roles");
            then.status(200).json_body(json!([
                {"id": 1, "name": "Admin"}, {"id": 2, "name": "Agent"}, {"id": 3, "name": "Customer"}
            ]));
        })
        .await;
    let search = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v1/users/search")
                .query_param("permissions[]", "ticket.agent")
                .query_param("page", "1")
                .query_param("per_page", "100")
                .query_param("sort_by", "id");
            then.status(200).json_body(json!([
                {"id": 3, "firstname": "Ada", "lastname": "Admin", "email": "ada@example.com",
                 "active": true, "role_ids": [1, 2], "group_ids": {"2": ["full"], "1": ["read"]},
                 "out_of_office": false},
                {"id": 5, "firstname": "Bo", "lastname": "Agent", "email": "bo@example.com",
                 "active": true, "role_ids": [2], "group_ids": {"1": ["full"]},
                 "out_of_office": true, "out_of_office_start_at": null, "out_of_office_end_at": null}
            ]));
        })
        .await;
    let page = port(&server).list_agents(AgentQuery::new()).await.unwrap();
    search.assert_async().await;
    assert!(page.next.is_none());
    let ada = &page.items[0];
    assert_eq!(ada.agent_role.as_deref(), Some("Admin"));
    let groups: Vec<String> = ada.groups.iter().map(ToString::to_string).collect();
    assert_eq!(groups, ["zammad:group:1", "zammad:group:2"]);
    let bo = &page.items[1];
    assert_eq!(bo.agent_role.as_deref(), Some("Agent"));
    assert_eq!(
        bo.availability.as_ref().unwrap().canonical,
        Availability::Away
    );
    let away = port(&server)
        .list_agents(AgentQuery::new().with_availability(Availability::Away))
        .await
        .unwrap();
    assert_eq!(away.items.len(), 1);
}

#[tokio::test]
async fn an_sla_is_read_in_business_minutes() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v1/slas/2");
            then.status(200)
                .json_body(json!({"id": 2, "name": "Standard", "calendar_id": 1,
                "first_response_time": 60, "response_time": null, "update_time": 240,
                "solution_time": 1440, "condition": {}}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v1/calendars/1");
            then.status(200).json_body(json!({"id": 1, "name": "Office",
                "timezone": "Europe/Berlin", "business_hours": {
                    "mon": {"active": true, "timeframes": [["09:00", "17:00"]]},
                    "sat": {"active": false, "timeframes": [["10:00", "14:00"]]}}}));
        })
        .await;
    let sla = port(&server)
        .get_sla(&id(ObjectKind::SlaPolicy, 2))
        .await
        .unwrap();
    assert_eq!(sla.data.name, "Standard");
    let targets: Vec<(String, u64, bool)> = sla
        .data
        .targets
        .iter()
        .map(|t| {
            (
                t.metric.canonical.to_string(),
                t.target.as_secs(),
                t.business_hours,
            )
        })
        .collect();
    assert_eq!(
        targets,
        [
            ("first_response".to_owned(), 3600, true),
            ("periodic_update".to_owned(), 14400, true),
            ("resolution".to_owned(), 86400, true)
        ]
    );
    // A calendar the user may not read counts as business hours; one open all week does not.
    let around = MockServer::start_async().await;
    around
        .mock_async(|when, then| {
            when.method(GET).path("/api/v1/slas/3");
            then.status(200)
                .json_body(json!({"id": 3, "name": "24/7", "calendar_id": 2,
                "first_response_time": 30}));
        })
        .await;
    let all_day = json!({"active": true, "timeframes": [["00:00", "23:59"]]});
    around
        .mock_async(|when, then| {
            when.method(GET).path("/api/v1/calendars/2");
            then.status(200)
                .json_body(json!({"id": 2, "business_hours": {
                "mon": all_day, "tue": all_day, "wed": all_day, "thu": all_day,
                "fri": all_day, "sat": all_day, "sun": all_day}}));
        })
        .await;
    let sla = port(&around)
        .get_sla(&id(ObjectKind::SlaPolicy, 3))
        .await
        .unwrap();
    assert!(!sla.data.targets[0].business_hours);
}

fn kb_assets(with_body: bool) -> Value {
    let mut assets = json!({
        "KnowledgeBase": {"1": {"id": 1}},
        "KnowledgeBaseAnswer": {
            "21": {"id": 21, "category_id": 4, "knowledge_base_id": 1,
                   "published_at": "2025-01-01T00:00:00Z", "archived_at": null},
            "22": {"id": 22, "category_id": 5, "knowledge_base_id": 1,
                   "published_at": null, "archived_at": null}
        },
        "KnowledgeBaseAnswerTranslation": {
            "31": {"id": 31, "answer_id": 21, "title": "Reset a password", "content_id": 41,
                   "kb_locale_id": 1},
            "32": {"id": 32, "answer_id": 22, "title": "Draft answer", "content_id": 42,
                   "kb_locale_id": 1}
        }
    });
    if with_body {
        assets["KnowledgeBaseAnswerTranslationContent"] = json!({"41": {"id": 41, "body": "<p>Click reset.</p>"},
                   "42": {"id": 42, "body": "<p>Soon.</p>"}});
    }
    assets
}

#[tokio::test]
async fn knowledge_answers_come_from_the_assets_with_their_bodies() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v1/knowledge_bases/init")
                .json_body(json!({}));
            then.status(200).json_body(kb_assets(false));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v1/knowledge_bases/init")
                .json_body_includes(r#"{"answer_translation_content_ids": [41]}"#);
            then.status(200).json_body(kb_assets(true));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v1/knowledge_bases/1/answers/21")
                .query_param_missing("include_contents");
            then.status(200)
                .json_body(json!({"id": 21, "assets": kb_assets(false)}));
        })
        .await;
    let with_contents = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v1/knowledge_bases/1/answers/21")
                .query_param("include_contents", "41");
            then.status(200)
                .json_body(json!({"id": 21, "assets": kb_assets(true)}));
        })
        .await;
    let port = port(&server);
    let answer = port
        .get_knowledge_article(&id(ObjectKind::Document, 21))
        .await
        .unwrap();
    with_contents.assert_async().await;
    assert_eq!(answer.title.as_deref(), Some("Reset a password"));
    assert_eq!(answer.body.unwrap().text.trim(), "Click reset.");
    assert_eq!(answer.categories[0].to_string(), "zammad:category:4");
    let mut query = ArticleQuery::new();
    query = query.with_limit(1);
    let first = port.list_knowledge_articles(query).await.unwrap();
    assert_eq!(first.items.len(), 1);
    assert_eq!(
        first.items[0].body.as_ref().unwrap().text.trim(),
        "Click reset."
    );
    assert!(first.next.is_some());
    let found = port
        .list_knowledge_articles(ArticleQuery::new().with_search("password"))
        .await
        .unwrap();
    let ids: HashSet<String> = found.items.iter().map(|d| d.id.to_string()).collect();
    assert!(ids.contains("zammad:document:21"), "{ids:?}");
}

#[tokio::test]
async fn throttling_reports_the_wait_retry_after_asks_for() {
    let server = MockServer::start_async().await;
    let throttled = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v1/slas/2");
            then.status(429)
                .header("retry-after", "30")
                .body("Retry later\n");
        })
        .await;
    let port = ZammadPort::builder()
        .base_url(server.base_url())
        .token(TOKEN)
        .request_timeout(None)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let error = port
        .get_sla(&id(ObjectKind::SlaPolicy, 2))
        .await
        .unwrap_err();
    assert_eq!(throttled.calls_async().await, 1);
    assert_eq!(
        error.kind(),
        &ErrorKind::RateLimited {
            retry_after: Some(std::time::Duration::from_secs(30))
        }
    );
}

#[tokio::test]
async fn csat_is_declared_unsupported() {
    let server = MockServer::start_async().await;
    let error = port(&server)
        .list_satisfaction_ratings(support_core::SatisfactionQuery::new())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::Unsupported);
    assert!(
        error.to_string().contains("no satisfaction ratings"),
        "{error}"
    );
}

#[tokio::test]
async fn a_listing_answer_that_is_no_list_is_retried_then_a_decode_error_never_an_end() {
    let server = MockServer::start_async().await;
    let broken = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v1/tickets");
            then.status(200).json_body(json!({"error": "not a page"}));
        })
        .await;
    let port = ZammadPort::builder()
        .base_url(server.base_url())
        .token(TOKEN)
        .request_timeout(None)
        .retry_policy(RetryPolicy {
            max_attempts: 3,
            initial_backoff: std::time::Duration::from_millis(1),
            max_backoff: std::time::Duration::from_millis(2),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap();
    let error = port.list_tickets(TicketQuery::new()).await.unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::Decode, "{error}");
    assert!(
        error
            .body_excerpt()
            .is_some_and(|e| e.contains("not a page"))
    );
    assert_eq!(broken.calls_async().await, 3);
}

#[tokio::test]
async fn tags_and_times_are_searched_and_the_exact_time_applied_here() {
    let server = MockServer::start_async().await;
    definitions(&server).await;
    tags(&server).await;
    let search = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v1/tickets/search").query_param(
                "query",
                r#"tags:"vip" AND updated_at:>=2025-01-22 AND id:>0"#,
            );
            let mut early = ticket(3, 2);
            early["updated_at"] = json!("2025-01-22T08:00:00.000Z");
            then.status(200).json_body(json!([early, ticket(4, 2)]));
        })
        .await;
    let since = "2025-01-22T10:00:00Z".parse().unwrap();
    let page = port(&server)
        .list_tickets(TicketQuery::new().with_tag("vip").with_updated_since(since))
        .await
        .unwrap();
    search.assert_async().await;
    let ids: Vec<String> = page.items.iter().map(|t| t.id.to_string()).collect();
    assert_eq!(
        ids,
        ["zammad:ticket:4"],
        "updated before the time asked for"
    );
    assert!(page.next.is_none());
}
