//! The adapter against Intercom's documented wire format (httpmock on loopback): what each
//! operation sends, what it makes of the answers, and which failures it retries.

use httpmock::prelude::*;
use serde_json::{Value, json};
use support_core::{
    ArticleQuery, Assignment, CanonicalId, CloseOptions, CommentQuery, ErrorKind, NewComment,
    NewTicket, ObjectKind, Priority, Requester, SatisfactionQuery, SupportPort, TicketCategory,
    TicketLookup, TicketQuery, TicketStatus, TicketUpdate, Visibility,
};
use support_intercom::IntercomPort;

const TOKEN: &str = "tok-must-not-leak";

fn port(server: &MockServer) -> IntercomPort {
    IntercomPort::builder()
        .base_url(server.base_url())
        .access_token(TOKEN)
        .request_timeout(None)
        .build()
        .unwrap()
}

fn conversations_port(server: &MockServer) -> IntercomPort {
    IntercomPort::builder()
        .base_url(server.base_url())
        .access_token(TOKEN)
        .request_timeout(None)
        .conversations()
        .build()
        .unwrap()
}

fn ticket_json(id: &str, category: &str, title: &str) -> Value {
    json!({
        "type": "ticket", "id": id, "ticket_id": format!("T{id}"), "category": "Customer",
        "ticket_attributes": {"_default_title_": title, "_default_description_": "Details"},
        "ticket_state": {"type": "ticket_state", "id": "1", "category": category, "internal_label": category, "external_label": category},
        "ticket_type": {"type": "ticket_type", "id": "3", "name": "Question", "category": "Customer"},
        "contacts": {"type": "contact.list", "contacts": [{"type": "contact", "id": "c1"}]},
        "admin_assignee_id": "0", "team_assignee_id": "0", "open": true,
        "created_at": 1719492045, "updated_at": 1719492055,
        "ticket_parts": {"type": "ticket_part.list", "total_count": 3, "ticket_parts": [
            {"type": "ticket_part", "id": "p1", "part_type": "comment", "body": "<p>Help</p>", "created_at": 1719492046, "author": {"type": "user", "id": "c1"}},
            {"type": "ticket_part", "id": "p2", "part_type": "ticket_state_updated_by_admin", "body": null, "created_at": 1719492047, "author": {"type": "admin", "id": "991"}},
            {"type": "ticket_part", "id": "p3", "part_type": "note", "body": "<p>Looking</p>", "created_at": 1719492048, "author": {"type": "admin", "id": "991"}}
        ]}
    })
}

fn search_page(tickets: Vec<Value>, next: Option<&str>) -> Value {
    let mut pages = json!({"type": "pages", "page": 1, "per_page": 2, "total_pages": 2});
    if let Some(next) = next {
        pages["next"] = json!({"per_page": 2, "starting_after": next});
    }
    json!({"type": "ticket.list", "total_count": 3, "tickets": tickets, "pages": pages})
}

#[tokio::test]
async fn tickets_are_listed_by_search_page_after_page() {
    let server = MockServer::start_async().await;
    let first = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/tickets/search")
                .header("intercom-version", "2.16")
                .json_body(json!({
                    "query": {"field": "created_at", "operator": ">", "value": "0"},
                    "pagination": {"per_page": 2}
                }));
            then.status(200).json_body(search_page(
                vec![
                    ticket_json("1", "submitted", "One"),
                    ticket_json("2", "in_progress", "Two"),
                ],
                Some("WzE3MTk0OTIwNDUsMl0="),
            ));
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/tickets/search")
                .json_body_includes(
                    r#"{"pagination": {"per_page": 2, "starting_after": "WzE3MTk0OTIwNDUsMl0="}}"#,
                );
            then.status(200).json_body(search_page(
                vec![ticket_json("3", "resolved", "Three")],
                None,
            ));
        })
        .await;
    let port = port(&server);
    let page = port
        .list_tickets(TicketQuery::new().with_limit(2))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 2);
    let next = page.next.expect("a second page");
    let last = port
        .list_tickets(TicketQuery::new().with_limit(2).with_cursor(next))
        .await
        .unwrap();
    assert!(last.next.is_none());
    let statuses: Vec<_> = page
        .items
        .iter()
        .chain(&last.items)
        .map(|t| (t.id.to_string(), t.status.canonical.clone()))
        .collect();
    assert_eq!(
        statuses,
        [
            ("intercom:ticket:1".to_owned(), TicketStatus::New),
            ("intercom:ticket:2".to_owned(), TicketStatus::InProgress),
            ("intercom:ticket:3".to_owned(), TicketStatus::Resolved),
        ]
    );
    first.assert_async().await;
    second.assert_async().await;
}

#[tokio::test]
async fn assignee_and_category_are_searched_and_status_is_matched_here() {
    let server = MockServer::start_async().await;
    let assigned = |id: &str, category: &str| {
        let mut ticket = ticket_json(id, category, "T");
        ticket["admin_assignee_id"] = json!("991");
        ticket
    };
    let search = server
        .mock_async(|when, then| {
            when.method(POST).path("/tickets/search").json_body(json!({
                "query": {"operator": "AND", "value": [
                    {"field": "created_at", "operator": ">", "value": "0"},
                    {"field": "admin_assignee_id", "operator": "=", "value": "991"},
                    {"field": "category", "operator": "IN", "value": ["request", "tracker"]}
                ]},
                "pagination": {"per_page": 50}
            }));
            then.status(200).json_body(search_page(
                vec![assigned("1", "submitted"), assigned("2", "resolved")],
                None,
            ));
        })
        .await;
    let query = TicketQuery::new()
        .with_assignee(CanonicalId::new("intercom", ObjectKind::Party, "991"))
        .with_category(TicketCategory::General)
        .with_category(TicketCategory::Problem)
        .with_status(TicketStatus::Resolved);
    let page = port(&server).list_tickets(query).await.unwrap();
    search.assert_async().await;
    let ids: Vec<_> = page
        .items
        .iter()
        .map(|t| t.id.external_id().to_owned())
        .collect();
    assert_eq!(ids, ["2"]);
    // A category Intercom has no term for matches nothing, and asks nothing.
    let none = port(&server)
        .list_tickets(TicketQuery::new().with_category(TicketCategory::Billing))
        .await
        .unwrap();
    assert!(none.items.is_empty() && none.next.is_none());
    assert_eq!(search.calls_async().await, 1);
}

#[tokio::test]
async fn a_page_that_repeats_its_cursor_or_hides_the_next_is_an_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/tickets/search");
            then.status(200).json_body(json!({
                "type": "ticket.list", "tickets": [],
                "pages": {"type": "pages", "next": {"per_page": 2}}
            }));
        })
        .await;
    let error = port(&server)
        .list_tickets(TicketQuery::new())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::Decode, "{error}");
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/tickets/search");
            then.status(200)
                .json_body(search_page(vec![], Some("same")));
        })
        .await;
    let port = port(&server);
    let first = port.list_tickets(TicketQuery::new()).await.unwrap();
    let error = port
        .list_tickets(TicketQuery::new().with_cursor(first.next.unwrap()))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::Decode, "{error}");
    assert!(
        error.to_string().contains("cursor it was asked with"),
        "{error}"
    );
}

#[tokio::test(start_paused = true)]
async fn throttled_reads_wait_for_the_window_reset() {
    let server = MockServer::start_async().await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let throttled = server
        .mock_async(|when, then| {
            when.method(GET).path("/tickets/494");
            then.status(429)
                .header("x-ratelimit-limit", "167")
                .header("x-ratelimit-remaining", "0")
                .header("x-ratelimit-reset", (now + 2).to_string())
                .json_body(json!({"type": "error.list", "request_id": "r1",
                    "errors": [{"code": "rate_limit_exceeded", "message": "Exceeded rate limit of 167 in 10_seconds"}]}));
        })
        .await;
    let port = port(&server);
    let error = port
        .get_ticket(&TicketLookup::External("494".into()))
        .await
        .unwrap_err();
    // Waited for the reset between attempts, then gave up after the policy's four.
    assert_eq!(throttled.calls_async().await, 4);
    assert!(
        matches!(error.kind(), ErrorKind::RateLimited { .. }),
        "{error}"
    );
    assert_eq!(error.code(), Some("rate_limit_exceeded"));
    throttled.delete_async().await;
    let far = server
        .mock_async(|when, then| {
            when.method(GET).path("/tickets/494");
            then.status(429)
                .header("x-ratelimit-reset", (now + 120).to_string())
                .json_body(json!({"type": "error.list", "errors": [{"code": "rate_limit_exceeded", "message": "slow down"}]}));
        })
        .await;
    let error = port
        .get_ticket(&TicketLookup::External("494".into()))
        .await
        .unwrap_err();
    assert_eq!(
        far.calls_async().await,
        1,
        "a wait past the budget is the caller's"
    );
    match error.kind() {
        ErrorKind::RateLimited {
            retry_after: Some(wait),
        } => assert!(wait.as_secs() > 100, "{wait:?}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_ticket_is_created_with_the_customer_type_and_its_requester() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/ticket_types");
            then.status(200).json_body(json!({"type": "list", "data": [
                {"type": "ticket_type", "id": "1", "name": "Old", "category": "Customer", "archived": true},
                {"type": "ticket_type", "id": "2", "name": "Bug", "category": "Tracker", "archived": false},
                {"type": "ticket_type", "id": "3", "name": "Question", "category": "Customer", "archived": false}
            ]}));
        })
        .await;
    let create = server
        .mock_async(|when, then| {
            when.method(POST).path("/tickets").json_body(json!({
                "ticket_type_id": "3",
                "contacts": [{"email": "dana@customer.example"}],
                "ticket_attributes": {"_default_title_": "Printer on fire", "_default_description_": "It burns &amp; smokes"}
            }));
            then.status(200).json_body(ticket_json("494", "submitted", "Printer on fire"));
        })
        .await;
    let port = port(&server);
    let new =
        NewTicket::new("Printer on fire", "It burns & smokes").with_requester(Requester::Email {
            email: "dana@customer.example".into(),
            name: None,
        });
    let ticket = port.create_ticket(new.clone()).await.unwrap();
    create.assert_async().await;
    assert_eq!(ticket.id.to_string(), "intercom:ticket:494");
    assert_eq!(ticket.subject.as_deref(), Some("Printer on fire"));
    assert_eq!(ticket.status.canonical, TicketStatus::New);
    // Intercom tickets have no priority: asking for one is refused before anything is sent.
    let error = port
        .create_ticket(new.with_priority(Priority::Urgent))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::InvalidInput);
    assert_eq!(create.calls_async().await, 1);
}

#[tokio::test(start_paused = true)]
async fn a_failed_create_is_not_repeated() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/ticket_types");
            then.status(200).json_body(json!({"type": "list", "data": [
                {"type": "ticket_type", "id": "3", "category": "Customer", "archived": false}]}));
        })
        .await;
    let create = server
        .mock_async(|when, then| {
            when.method(POST).path("/tickets");
            then.status(503).body("busy");
        })
        .await;
    let error =
        port(&server)
            .create_ticket(NewTicket::new("S", "D").with_requester(Requester::Id(
                CanonicalId::new("intercom", ObjectKind::Party, "c1"),
            )))
            .await
            .unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::Provider { status: 503 }),
        "{error}"
    );
    assert_eq!(
        create.calls_async().await,
        1,
        "Intercom has no idempotency key"
    );
}

async fn me(server: &MockServer) {
    server
        .mock_async(|when, then| {
            when.method(GET).path("/me");
            then.status(200)
                .json_body(json!({"type": "admin", "id": "991", "name": "Ops"}));
        })
        .await;
}

#[tokio::test]
async fn closing_moves_to_the_resolved_state_of_the_ticket_type() {
    let server = MockServer::start_async().await;
    me(&server).await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/tickets/494");
            then.status(200)
                .json_body(ticket_json("494", "in_progress", "P"));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/ticket_states");
            then.status(200).json_body(json!({"type": "list", "data": [
                {"type": "ticket_state", "id": "10", "category": "resolved", "internal_label": "Old", "archived": true},
                {"type": "ticket_state", "id": "11", "category": "resolved", "internal_label": "Fixed",
                 "ticket_types": {"type": "list", "data": [{"type": "ticket_type", "id": "2"}]}},
                {"type": "ticket_state", "id": "12", "category": "resolved", "internal_label": "Answered",
                 "ticket_types": {"type": "list", "data": [{"type": "ticket_type", "id": "3"}]}}
            ]}));
        })
        .await;
    let mut closed = ticket_json("494", "resolved", "P");
    closed["open"] = json!(false);
    closed["ticket_state"]["internal_label"] = json!("Answered");
    let put = server
        .mock_async(|when, then| {
            when.method(PUT)
                .path("/tickets/494")
                .json_body(json!({"admin_id": 991, "ticket_state_id": "12", "open": false}));
            then.status(200).json_body(closed);
        })
        .await;
    let ticket = port(&server)
        .close_ticket(
            &CanonicalId::new("intercom", ObjectKind::Ticket, "494"),
            CloseOptions::new(),
        )
        .await
        .unwrap();
    put.assert_async().await;
    assert_eq!(ticket.status.canonical, TicketStatus::Resolved);
    assert_eq!(ticket.status.native, "Answered");
}

#[tokio::test]
async fn assignment_names_the_team_then_the_admin() {
    let server = MockServer::start_async().await;
    me(&server).await;
    let team = server
        .mock_async(|when, then| {
            when.method(PUT)
                .path("/tickets/494")
                .json_body(json!({"admin_id": 991, "assignee_id": "55"}));
            then.status(200)
                .json_body(ticket_json("494", "submitted", "P"));
        })
        .await;
    let mut assigned = ticket_json("494", "submitted", "P");
    assigned["admin_assignee_id"] = json!("7");
    assigned["team_assignee_id"] = json!("55");
    let admin = server
        .mock_async(|when, then| {
            when.method(PUT)
                .path("/tickets/494")
                .json_body(json!({"admin_id": 991, "assignee_id": "7"}));
            then.status(200).json_body(assigned);
        })
        .await;
    let ticket = port(&server)
        .assign_ticket(
            &CanonicalId::new("intercom", ObjectKind::Ticket, "494"),
            Assignment::agent(CanonicalId::new("intercom", ObjectKind::Party, "7"))
                .with_group(CanonicalId::new("intercom", ObjectKind::Group, "55")),
        )
        .await
        .unwrap();
    team.assert_async().await;
    admin.assert_async().await;
    assert_eq!(ticket.assignee.unwrap().external_id(), "7");
    assert_eq!(ticket.group.unwrap().external_id(), "55");
}

#[tokio::test]
async fn updates_refuse_a_priority_and_write_the_title() {
    let server = MockServer::start_async().await;
    me(&server).await;
    let put = server
        .mock_async(|when, then| {
            when.method(PUT).path("/tickets/494").json_body(json!({
                "admin_id": 991, "ticket_attributes": {"_default_title_": "Renamed"}
            }));
            then.status(200)
                .json_body(ticket_json("494", "submitted", "Renamed"));
        })
        .await;
    let port = port(&server);
    let id = CanonicalId::new("intercom", ObjectKind::Ticket, "494");
    let error = port
        .update_ticket(&id, TicketUpdate::new().with_priority(Priority::High))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::InvalidInput);
    let ticket = port
        .update_ticket(&id, TicketUpdate::new().with_subject("Renamed"))
        .await
        .unwrap();
    put.assert_async().await;
    assert_eq!(ticket.subject.as_deref(), Some("Renamed"));
}

#[tokio::test]
async fn notes_are_replies_by_the_acting_admin_and_comments_come_from_the_parts() {
    let server = MockServer::start_async().await;
    me(&server).await;
    let reply = server
        .mock_async(|when, then| {
            when.method(POST).path("/tickets/494/reply").json_body(json!({
                "message_type": "note", "type": "admin", "admin_id": "991", "body": "Checking &lt;now&gt;"
            }));
            then.status(200).json_body(json!({
                "type": "ticket_part", "id": "p9", "part_type": "note", "body": "<p>Checking &lt;now&gt;</p>",
                "created_at": 1719492050, "author": {"type": "admin", "id": "991", "name": "Ops"}
            }));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/tickets/494");
            then.status(200)
                .json_body(ticket_json("494", "submitted", "P"));
        })
        .await;
    let port = port(&server);
    let ticket = CanonicalId::new("intercom", ObjectKind::Ticket, "494");
    let note = port
        .add_comment(&ticket, NewComment::internal("Checking <now>"))
        .await
        .unwrap();
    reply.assert_async().await;
    assert_eq!(note.id.to_string(), "intercom:comment:p9");
    assert_eq!(note.data.visibility, Visibility::Internal);
    assert_eq!(note.data.body.text, "Checking <now>");
    // Two of the three parts carry a body; one a page.
    let first = port
        .list_comments(&ticket, CommentQuery::new().with_limit(1))
        .await
        .unwrap();
    assert_eq!(first.items[0].external_id(), "p1");
    let second = port
        .list_comments(
            &ticket,
            CommentQuery::new()
                .with_limit(1)
                .with_cursor(first.next.unwrap()),
        )
        .await
        .unwrap();
    assert_eq!(second.items[0].external_id(), "p3");
    assert!(second.next.is_none());
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
async fn each_mode_refuses_the_other_modes_ids() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(500);
        })
        .await;
    let conversation = CanonicalId::new("intercom-conversations", ObjectKind::Ticket, "5");
    let error = port(&server)
        .get_ticket(&TicketLookup::Id(conversation))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::InvalidInput);
    let ticket = CanonicalId::new("intercom", ObjectKind::Ticket, "5");
    let error = conversations_port(&server)
        .get_ticket(&TicketLookup::Id(ticket))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::InvalidInput);
    assert_eq!(any.calls_async().await, 0);
}

fn conversation_json(id: &str, state: &str) -> Value {
    json!({
        "type": "conversation", "id": id, "state": state, "open": state != "closed",
        "priority": "high", "title": format!("Conversation {id}"),
        "created_at": 1663597223, "updated_at": 1663597260,
        "source": {"type": "conversation", "id": format!("s{id}"), "body": "<p>Hi</p>", "author": {"type": "user", "id": "c1"}},
        "contacts": {"type": "contact.list", "contacts": [{"type": "contact", "id": "c1"}]},
        "admin_assignee_id": 0, "team_assignee_id": 0,
        "tags": {"type": "tag.list", "tags": []},
        "sla_applied": null
    })
}

#[tokio::test]
async fn conversations_are_listed_plainly_or_searched_when_filtered() {
    let server = MockServer::start_async().await;
    let list = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/conversations")
                .query_param("per_page", "50")
                .query_param_missing("starting_after");
            then.status(200).json_body(json!({
                "type": "conversation.list", "conversations": [conversation_json("1", "open"), conversation_json("2", "snoozed")],
                "total_count": 2, "pages": {"type": "pages", "page": 1, "per_page": 50, "total_pages": 1}
            }));
        })
        .await;
    let search = server
        .mock_async(|when, then| {
            when.method(POST).path("/conversations/search").json_body(json!({
                "query": {"field": "state", "operator": "IN", "value": ["snoozed", "closed"]},
                "pagination": {"per_page": 50}
            }));
            then.status(200).json_body(json!({
                "type": "conversation.list", "conversations": [conversation_json("2", "snoozed")],
                "total_count": 1, "pages": {"type": "pages", "page": 1, "per_page": 50, "total_pages": 1}
            }));
        })
        .await;
    let port = conversations_port(&server);
    let all = port.list_tickets(TicketQuery::new()).await.unwrap();
    list.assert_async().await;
    assert_eq!(all.items.len(), 2);
    assert_eq!(
        all.items[0].id.to_string(),
        "intercom-conversations:ticket:1"
    );
    assert_eq!(
        all.items[0].priority.as_ref().unwrap().canonical,
        Priority::High
    );
    let held = port
        .list_tickets(
            TicketQuery::new()
                .with_status(TicketStatus::OnHold)
                .with_status(TicketStatus::Closed),
        )
        .await
        .unwrap();
    search.assert_async().await;
    assert_eq!(held.items.len(), 1);
    assert_eq!(held.items[0].status.canonical, TicketStatus::OnHold);
}

#[tokio::test]
async fn a_conversation_is_closed_and_assigned_through_its_parts() {
    let server = MockServer::start_async().await;
    me(&server).await;
    let close = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/conversations/1/parts")
                .json_body(json!({
                    "message_type": "close", "type": "admin", "admin_id": "991"
                }));
            then.status(200).json_body(conversation_json("1", "closed"));
        })
        .await;
    let mut assigned = conversation_json("1", "open");
    assigned["admin_assignee_id"] = json!(7);
    let assign = server
        .mock_async(|when, then| {
            when.method(POST).path("/conversations/1/parts").json_body(json!({
                "message_type": "assignment", "type": "admin", "admin_id": "991", "assignee_id": "7"
            }));
            then.status(200).json_body(assigned);
        })
        .await;
    let port = conversations_port(&server);
    let id = CanonicalId::new("intercom-conversations", ObjectKind::Ticket, "1");
    let closed = port.close_ticket(&id, CloseOptions::new()).await.unwrap();
    close.assert_async().await;
    assert_eq!(closed.status.canonical, TicketStatus::Closed);
    let ticket = port
        .assign_ticket(
            &id,
            Assignment::agent(CanonicalId::new(
                "intercom-conversations",
                ObjectKind::Party,
                "7",
            )),
        )
        .await
        .unwrap();
    assign.assert_async().await;
    assert_eq!(ticket.assignee.unwrap().external_id(), "7");
}

#[tokio::test]
async fn ratings_are_searched_on_rated_conversations() {
    let server = MockServer::start_async().await;
    let mut rated = conversation_json("8", "closed");
    rated["conversation_rating"] = json!({"rating": 5, "remark": "Great", "created_at": 1671028894,
        "contact": {"type": "contact", "id": "c1"}, "teammate": {"type": "admin", "id": "991"}});
    let search =
        server
            .mock_async(|when, then| {
                when.method(POST).path("/conversations/search").json_body(json!({
                "query": {"field": "conversation_rating.score", "operator": ">", "value": 0},
                "pagination": {"per_page": 50}
            }));
                then.status(200).json_body(json!({
                    "type": "conversation.list", "conversations": [rated], "total_count": 1,
                    "pages": {"type": "pages", "page": 1, "per_page": 50, "total_pages": 1}
                }));
            })
            .await;
    let page = conversations_port(&server)
        .list_satisfaction_ratings(SatisfactionQuery::new())
        .await
        .unwrap();
    search.assert_async().await;
    let rating = &page.items[0];
    assert_eq!(
        rating.id.to_string(),
        "intercom-conversations:satisfaction_rating:8"
    );
    assert_eq!(rating.data.score.normalized, Some(1.0));
    assert_eq!(rating.data.comment.as_deref(), Some("Great"));
    assert_eq!(
        rating.data.ticket.as_ref().unwrap().to_string(),
        "intercom-conversations:ticket:8"
    );
}

#[tokio::test]
async fn articles_are_read_page_by_numbered_page() {
    let server = MockServer::start_async().await;
    let article = |id: &str| {
        json!({"type": "article", "id": id, "title": format!("Article {id}"), "body": "<p>Text</p>",
               "state": "published", "parent_ids": [18], "default_locale": "en", "created_at": 1663597223, "updated_at": 1663597260})
    };
    for (page, items) in [
        ("1", vec![article("1"), article("2")]),
        ("2", vec![article("3")]),
    ] {
        let body = json!({"type": "list", "data": items, "total_count": 3,
            "pages": {"type": "pages", "page": page.parse::<u32>().unwrap(), "per_page": 2, "total_pages": 2}});
        server
            .mock_async(|when, then| {
                when.method(GET)
                    .path("/articles")
                    .query_param("page", page)
                    .query_param("per_page", "2");
                then.status(200).json_body(body);
            })
            .await;
    }
    let port = port(&server);
    let first = port
        .list_knowledge_articles(ArticleQuery::new().with_limit(2))
        .await
        .unwrap();
    assert_eq!(first.items.len(), 2);
    let second = port
        .list_knowledge_articles(
            ArticleQuery::new()
                .with_limit(2)
                .with_cursor(first.next.unwrap()),
        )
        .await
        .unwrap();
    assert_eq!(second.items[0].id.to_string(), "intercom:document:3");
    assert!(second.next.is_none());
}

#[tokio::test]
async fn attachments_are_fetched_from_their_signed_url_without_the_token() {
    let api = MockServer::start_async().await;
    let storage = MockServer::start_async().await;
    let file = storage
        .mock_async(|when, then| {
            when.method(GET)
                .path("/i/o/123/a.png")
                .header_missing("authorization");
            then.status(200)
                .header("content-type", "image/png")
                .body("png");
        })
        .await;
    let ticket = CanonicalId::new("intercom", ObjectKind::Ticket, "494");
    let mut raw = ticket_json("494", "submitted", "P");
    raw["ticket_parts"]["ticket_parts"][0]["attachments"] = json!([{
        "type": "upload", "name": "a.png", "content_type": "image/png", "filesize": 3,
        "url": storage.url("/i/o/123/a.png?expires=1719500000&signature=abc")
    }]);
    api.mock_async(|when, then| {
        when.method(GET).path("/tickets/494");
        then.status(200).json_body(raw);
    })
    .await;
    let port = port(&api);
    let comments = port
        .list_comments(&ticket, CommentQuery::new())
        .await
        .unwrap();
    let attachment = &comments.items[0].data.attachments[0];
    assert_eq!(attachment.title.as_deref(), Some("a.png"));
    let download = port.download_attachment(attachment).await.unwrap();
    assert_eq!(download.bytes().await.unwrap(), "png");
    file.assert_async().await;
}

#[tokio::test]
async fn a_page_larger_than_intercom_serves_is_asked_at_its_largest() {
    let server = MockServer::start_async().await;
    let search = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/tickets/search")
                .json_body_includes(r#"{"pagination": {"per_page": 150}}"#);
            then.status(200).json_body(search_page(vec![], None));
        })
        .await;
    let page = port(&server)
        .list_tickets(TicketQuery::new().with_limit(1000))
        .await
        .unwrap();
    search.assert_async().await;
    assert!(page.items.is_empty() && page.next.is_none());
}
