//! The adapter against HubSpot's documented wire format (httpmock on loopback): what each
//! operation sends, what it makes of the answers, and which failures it retries.

use httpmock::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use support_core::{
    Assignment, AuthorKind, CanonicalId, CloseOptions, CommentQuery, Cursor, ErrorKind,
    ListingState, NewComment, ObjectKind, Priority, SupportPort, TicketLookup, TicketQuery,
    TicketStatus, TicketUpdate, Visibility,
};
use support_hubspot::HubSpotPort;

const TOKEN: &str = "pat-na1-must-not-leak";

fn port(server: &MockServer) -> HubSpotPort {
    HubSpotPort::builder()
        .base_url(server.base_url())
        .access_token(TOKEN)
        .request_timeout(None)
        .build()
        .unwrap()
}

fn pipelines() -> Value {
    json!({"results": [
        {"id": "0", "label": "Support Pipeline", "displayOrder": 0, "archived": false, "stages": [
            {"id": "1", "label": "New", "displayOrder": 0, "archived": false, "metadata": {"ticketState": "OPEN"}},
            {"id": "2", "label": "Waiting on contact", "displayOrder": 1, "archived": false, "metadata": {"ticketState": "OPEN"}},
            {"id": "3", "label": "Waiting on us", "displayOrder": 2, "archived": false, "metadata": {"ticketState": "OPEN"}},
            {"id": "4", "label": "Closed", "displayOrder": 3, "archived": false, "metadata": {"ticketState": "CLOSED"}}
        ]},
        {"id": "77", "label": "Billing", "displayOrder": 1, "archived": false, "stages": [
            {"id": "b1", "label": "Triage", "displayOrder": 0, "metadata": {"ticketState": "OPEN"}},
            {"id": "b9", "label": "Refunded", "displayOrder": 9, "metadata": {"ticketState": "CLOSED"}},
            {"id": "b5", "label": "Done", "displayOrder": 5, "metadata": {"ticketState": "CLOSED"}}
        ]}
    ]})
}

fn ticket(id: &str, pipeline: &str, stage: &str, modified_ms: i64) -> Value {
    json!({"id": id, "archived": false, "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-02T00:00:00Z",
        "properties": {"hs_object_id": id, "subject": format!("Ticket {id}"), "content": "Body",
            "hs_pipeline": pipeline, "hs_pipeline_stage": stage, "hs_ticket_priority": "HIGH",
            "hubspot_owner_id": "90", "createdate": "2026-01-01T00:00:00Z",
            "hs_lastmodifieddate": modified_ms.to_string()}})
}

/// Serves the pipelines, and ticket properties without custom ones.
async fn serve_pipelines(server: &MockServer) -> httpmock::Mock<'_> {
    serve_properties(server, json!([])).await;
    serve_pipelines_only(server).await
}

async fn serve_pipelines_only(server: &MockServer) -> httpmock::Mock<'_> {
    server
        .mock_async(|when, then| {
            when.method(GET).path("/crm/v3/pipelines/tickets");
            then.status(200).json_body(pipelines());
        })
        .await
}

async fn serve_properties(server: &MockServer, results: Value) -> httpmock::Mock<'_> {
    server
        .mock_async(|when, then| {
            when.method(GET).path("/crm/v3/properties/tickets");
            then.status(200).json_body(json!({ "results": results }));
        })
        .await
}

#[tokio::test]
async fn a_ticket_is_read_with_its_properties_and_the_stages_are_read_once() {
    let server = MockServer::start_async().await;
    let stages = serve_pipelines(&server).await;
    let get = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/crm/v3/objects/tickets/512")
                .header("authorization", format!("Bearer {TOKEN}"))
                .query_param_includes("properties", "hs_pipeline_stage")
                .query_param_includes("properties", "hs_ticket_priority")
                .query_param_includes("properties", "hs_time_to_close_sla_at")
                .query_param("associations", "contacts");
            let mut body = ticket("512", "0", "2", 1_767_300_000_000);
            body["associations"] =
                json!({"contacts": {"results": [{"id": "801", "type": "ticket_to_contact"}]}});
            then.status(200).json_body(body);
        })
        .await;
    let port = port(&server);
    let id = CanonicalId::new("hubspot", ObjectKind::Ticket, "512");
    let first = port
        .get_ticket(&TicketLookup::Id(id.clone()))
        .await
        .unwrap();
    let second = port
        .get_ticket(&TicketLookup::External("512".into()))
        .await
        .unwrap();
    assert_eq!(get.calls_async().await, 2);
    assert_eq!(
        stages.calls_async().await,
        1,
        "the pipelines are a cached lookup"
    );
    assert_eq!(first.status.canonical, TicketStatus::Pending);
    assert_eq!(first.status.native, "Waiting on contact");
    assert_eq!(first.priority.unwrap().canonical, Priority::High);
    assert_eq!(first.assignee.unwrap().to_string(), "hubspot:party:90");
    assert_eq!(first.requester.unwrap().to_string(), "hubspot:party:801");
    assert_eq!(second.subject.as_deref(), Some("Ticket 512"));
    let error = port
        .get_ticket(&TicketLookup::External("ABC-1".into()))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::NotFound);
}

#[tokio::test]
async fn closing_moves_to_the_first_closed_stage_of_the_tickets_own_pipeline() {
    let server = MockServer::start_async().await;
    serve_pipelines(&server).await;
    let read = server
        .mock_async(|when, then| {
            when.method(GET).path("/crm/v3/objects/tickets/9");
            then.status(200).json_body(ticket("9", "77", "b1", 1));
        })
        .await;
    let patch = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path("/crm/v3/objects/tickets/9")
                .json_body(json!({"properties": {"hs_pipeline_stage": "b5"}}));
            then.status(200)
                .json_body(json!({"id": "9", "properties": {}}));
        })
        .await;
    let port = port(&server);
    let id = CanonicalId::new("hubspot", ObjectKind::Ticket, "9");
    port.close_ticket(&id, CloseOptions::new()).await.unwrap();
    assert_eq!(patch.calls_async().await, 1);
    assert_eq!(
        read.calls_async().await,
        2,
        "read before, and read back after"
    );
}

#[tokio::test]
async fn status_priority_and_assignment_are_properties() {
    let server = MockServer::start_async().await;
    serve_pipelines(&server).await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/crm/v3/objects/tickets/5");
            then.status(200).json_body(ticket("5", "0", "1", 1));
        })
        .await;
    let update = server
        .mock_async(|when, then| {
            when.method(PATCH).path("/crm/v3/objects/tickets/5").json_body(
                json!({"properties": {"hs_pipeline_stage": "2", "hs_ticket_priority": "URGENT"}}),
            );
            then.status(200)
                .json_body(json!({"id": "5", "properties": {}}));
        })
        .await;
    let assign = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path("/crm/v3/objects/tickets/5")
                .json_body(
                    json!({"properties": {"hubspot_owner_id": "91", "hubspot_team_id": "12"}}),
                );
            then.status(200)
                .json_body(json!({"id": "5", "properties": {}}));
        })
        .await;
    let port = port(&server);
    let id = CanonicalId::new("hubspot", ObjectKind::Ticket, "5");
    port.update_ticket(
        &id,
        TicketUpdate::new()
            .with_status(TicketStatus::Pending)
            .with_priority(Priority::Urgent),
    )
    .await
    .unwrap();
    assert_eq!(update.calls_async().await, 1);
    port.assign_ticket(
        &id,
        Assignment::agent(CanonicalId::new("hubspot", ObjectKind::Party, "91"))
            .with_group(CanonicalId::new("hubspot", ObjectKind::Group, "12")),
    )
    .await
    .unwrap();
    assert_eq!(assign.calls_async().await, 1);
}

#[tokio::test]
async fn an_internal_comment_is_a_note_created_with_its_ticket_association() {
    let server = MockServer::start_async().await;
    let create = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/crm/v3/objects/notes")
                .json_body_includes(r#"{"properties": {"hs_note_body": "<div>a &lt; b</div>"}}"#)
                .json_body_includes(
                    r#"{"associations": [{"to": {"id": "5"}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 228}]}]}"#,
                );
            then.status(201).json_body(json!({"id": "700", "properties": {
                "hs_note_body": "<div>a &lt; b</div>", "hs_timestamp": "2026-01-01T00:00:00Z"}}));
        })
        .await;
    let port = port(&server);
    let id = CanonicalId::new("hubspot", ObjectKind::Ticket, "5");
    let note = port
        .add_comment(&id, NewComment::internal("a < b"))
        .await
        .unwrap();
    assert_eq!(create.calls_async().await, 1);
    assert_eq!(note.id.to_string(), "hubspot:comment:700");
    assert_eq!(note.parent, Some(id.clone()));
    assert_eq!(note.data.body.text, "a < b");
}

/// The thread of ticket 5 on the e-mail channel, with contact 801.
fn thread_of_ticket_5() -> Value {
    json!({"results": [{"id": "8801", "status": "OPEN", "createdAt": "2026-01-01T00:00:00Z",
        "originalChannelId": "1002", "originalChannelAccountId": "71530",
        "associatedContactId": "801", "inboxId": "147", "spam": false, "archived": false,
        "threadAssociations": {"associatedTicketId": "5"}}]})
}

fn owners() -> Value {
    json!({"results": [
        {"id": "90", "email": "ana@example.com", "userId": 5001, "teams": [], "archived": false},
        {"id": "91", "email": "bo@example.com", "userId": 5002, "teams": [], "archived": false}
    ]})
}

#[tokio::test]
async fn a_public_comment_is_a_message_of_the_tickets_thread_from_its_owner_to_its_contact() {
    let server = MockServer::start_async().await;
    let threads = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/conversations/v3/conversations/threads")
                .query_param("associatedTicketId", "5")
                .query_param("association", "TICKET");
            then.status(200).json_body(thread_of_ticket_5());
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/crm/v3/objects/tickets/5")
                .query_param("properties", "hubspot_owner_id");
            then.status(200).json_body(json!({"id": "5", "properties": {
                "hs_object_id": "5", "hubspot_owner_id": "91"}}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/crm/v3/owners");
            then.status(200).json_body(owners());
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/crm/v3/objects/contacts/801")
                .query_param_includes("properties", "email");
            then.status(200)
                .json_body(json!({"id": "801", "properties": {
                "email": "cleo@example.org", "firstname": "Cleo", "lastname": "Ng"}}));
        })
        .await;
    let send = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/conversations/v3/conversations/threads/8801/messages")
                .json_body(json!({
                    "type": "MESSAGE",
                    "text": "a < b",
                    "richText": "<div>a &lt; b</div>",
                    "senderActorId": "A-5002",
                    "channelId": "1002",
                    "channelAccountId": "71530",
                    "recipients": [{"actorId": "V-801", "name": "Cleo Ng",
                        "deliveryIdentifiers": [{"type": "HS_EMAIL_ADDRESS", "value": "cleo@example.org"}]}],
                    "attachments": []
                }));
            then.status(201).json_body(json!({"id": "m-1", "type": "MESSAGE",
                "createdAt": "2026-01-03T00:00:00Z", "text": "a < b", "richText": "<div>a &lt; b</div>",
                "senders": [{"actorId": "A-5002"}], "direction": "OUTGOING"}));
        })
        .await;
    let port = port(&server);
    let id = CanonicalId::new("hubspot", ObjectKind::Ticket, "5");
    let reply = port
        .add_comment(&id, NewComment::public("a < b"))
        .await
        .unwrap();
    assert_eq!(threads.calls_async().await, 1);
    assert_eq!(send.calls_async().await, 1);
    assert_eq!(reply.id.to_string(), "hubspot:comment:m-1");
    assert_eq!(reply.parent, Some(id));
    assert_eq!(reply.data.visibility, Visibility::Public);
    assert_eq!(reply.data.body.text, "a < b");
    assert_eq!(
        reply.data.author,
        Some(CanonicalId::new("hubspot", ObjectKind::Party, "91"))
    );
}

#[tokio::test]
async fn a_public_comment_on_a_ticket_without_a_thread_is_refused_and_nothing_is_written() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/conversations/v3/conversations/threads");
            then.status(200).json_body(json!({"results": []}));
        })
        .await;
    let note = server
        .mock_async(|when, then| {
            when.method(POST).path("/crm/v3/objects/notes");
            then.status(201)
                .json_body(json!({"id": "1", "properties": {}}));
        })
        .await;
    let port = port(&server);
    let id = CanonicalId::new("hubspot", ObjectKind::Ticket, "5");
    let error = port
        .add_comment(&id, NewComment::public("hello"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::InvalidInput);
    assert!(
        error.to_string().contains("no conversations inbox thread"),
        "{error}"
    );
    assert_eq!(
        note.calls_async().await,
        0,
        "no note stands in for the reply"
    );
}

#[tokio::test]
async fn comments_merge_notes_and_thread_messages_by_time_without_internal_thread_comments() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/crm/v4/objects/tickets/5/associations/notes");
            then.status(200).json_body(json!({"results": [
                {"toObjectId": 702, "associationTypes": []},
                {"toObjectId": 701, "associationTypes": []}
            ]}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/crm/v3/objects/notes/batch/read");
            then.status(200)
                .json_body(json!({"status": "COMPLETE", "results": [
                    {"id": "702", "properties": {"hs_note_body": "<p>second note</p>",
                        "hs_timestamp": "2026-01-04T00:00:00Z", "hubspot_owner_id": "90"}},
                    {"id": "701", "properties": {"hs_note_body": "<p>first note</p>",
                        "hs_timestamp": "2026-01-02T00:00:00Z", "hubspot_owner_id": "90"}}
                ]}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/conversations/v3/conversations/threads");
            then.status(200).json_body(thread_of_ticket_5());
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/conversations/v3/conversations/threads/8801/messages");
            then.status(200).json_body(json!({"results": [
                {"id": "m1", "type": "MESSAGE", "createdAt": "2026-01-01T00:00:00Z",
                    "text": "help", "senders": [{"actorId": "V-801",
                    "deliveryIdentifier": {"type": "HS_EMAIL_ADDRESS", "value": "cleo@example.org"}}],
                    "direction": "INCOMING"},
                {"id": "m2", "type": "COMMENT", "createdAt": "2026-01-02T12:00:00Z",
                    "text": "thread-internal", "senders": [{"actorId": "A-5001"}]},
                {"id": "m3", "type": "THREAD_STATUS_CHANGE", "createdAt": "2026-01-02T13:00:00Z"},
                {"id": "m4", "type": "MESSAGE", "createdAt": "2026-01-03T00:00:00Z",
                    "text": "on it", "richText": "<p>on it</p>", "senders": [{"actorId": "A-5001"}],
                    "direction": "OUTGOING"}
            ]}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/crm/v3/owners");
            then.status(200).json_body(owners());
        })
        .await;
    let port = port(&server);
    let id = CanonicalId::new("hubspot", ObjectKind::Ticket, "5");
    let first = port
        .list_comments(&id, CommentQuery::new().with_limit(3))
        .await
        .unwrap();
    let ids: Vec<String> = first.items.iter().map(|c| c.id.to_string()).collect();
    assert_eq!(
        ids,
        [
            "hubspot:comment:m1",
            "hubspot:comment:701",
            "hubspot:comment:m4"
        ]
    );
    let kinds: Vec<(Visibility, Option<String>, Option<AuthorKind>)> = first
        .items
        .iter()
        .map(|c| {
            (
                c.data.visibility,
                c.data.author.as_ref().map(|a| a.to_string()),
                c.data.author_kind.as_ref().map(|k| k.canonical.clone()),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            (
                Visibility::Public,
                Some("hubspot:party:801".into()),
                Some(AuthorKind::Customer)
            ),
            (
                Visibility::Internal,
                Some("hubspot:party:90".into()),
                Some(AuthorKind::Agent)
            ),
            (
                Visibility::Public,
                Some("hubspot:party:90".into()),
                Some(AuthorKind::Agent)
            ),
        ]
    );
    assert_eq!(first.items[2].raw.value()["richText"], "<p>on it</p>");
    let cursor = first.next.expect("a fourth comment follows");
    let second = port
        .list_comments(&id, CommentQuery::new().with_limit(3).with_cursor(cursor))
        .await
        .unwrap();
    let ids: Vec<String> = second.items.iter().map(|c| c.id.to_string()).collect();
    assert_eq!(ids, ["hubspot:comment:702"]);
    assert!(second.next.is_none());
}

/// The adapter's cursor state for the ticket search, as it writes it.
#[derive(Clone, Serialize, Deserialize)]
struct SearchState {
    offset: u64,
    floor_ms: Option<i64>,
    seen_at_floor: Vec<String>,
}

impl ListingState for SearchState {
    const LISTING: &'static str = "ticket-search";
}

#[tokio::test]
async fn a_filtered_listing_crosses_the_10000_result_cap_with_a_new_range() {
    let server = MockServer::start_async().await;
    serve_pipelines(&server).await;
    // The page at offset 9,800: 200 results, the last three modified at the same instant.
    let last_window: Vec<Value> = (0..200)
        .map(|i| {
            let ms = if i >= 197 { 5_000 } else { 1_000 + i };
            ticket(&(10_000 + i).to_string(), "0", "3", ms)
        })
        .collect();
    let old = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/crm/v3/objects/tickets/search")
                .json_body_includes(r#"{"after": "9800", "limit": 200}"#);
            then.status(200)
                .json_body(json!({"total": 12_000, "results": last_window,
                "paging": {"next": {"after": "10000"}}}));
        })
        .await;
    // The next range: modified at or after 5,000, from its start. It repeats two of the three
    // tickets of that instant, then goes on.
    let next_window: Vec<Value> = vec![
        ticket("10197", "0", "3", 5_000),
        ticket("10198", "0", "3", 5_000),
        ticket("20000", "0", "3", 5_000),
        ticket("20001", "0", "3", 6_000),
    ];
    let new = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/crm/v3/objects/tickets/search")
                .json_body_includes(r#"{"filterGroups": [{"filters": [
                    {"propertyName": "hs_pipeline_stage", "operator": "IN", "values": ["3", "b1"]},
                    {"propertyName": "hs_lastmodifieddate", "operator": "GTE", "value": "5000"}]}]}"#)
                .json_body_includes(r#"{"sorts": [{"propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"}]}"#)
                .body_excludes("\"after\"");
            then.status(200).json_body(json!({"total": 4, "results": next_window}));
        })
        .await;
    let port = port(&server);
    // Resume where a listing that has read 9,800 results stands.
    let resume = Cursor::of(
        "hubspot",
        &SearchState {
            offset: 9_800,
            floor_ms: None,
            seen_at_floor: Vec::new(),
        },
    );
    let query = TicketQuery::new()
        .with_status(TicketStatus::Open)
        .with_limit(200);
    let page = port
        .list_tickets(query.clone().with_cursor(resume))
        .await
        .unwrap();
    assert_eq!(old.calls_async().await, 1);
    assert_eq!(page.items.len(), 200);
    let next = page.next.expect("more tickets past the cap");
    let page = port.list_tickets(query.with_cursor(next)).await.unwrap();
    assert_eq!(new.calls_async().await, 1);
    let ids: Vec<String> = page
        .items
        .iter()
        .map(|t| t.id.external_id().to_owned())
        .collect();
    assert_eq!(
        ids,
        ["20000", "20001"],
        "the tickets of the boundary instant are listed once"
    );
    assert!(page.next.is_none());
}

#[tokio::test]
async fn satisfaction_ratings_are_feedback_submissions_scored_by_hs_value() {
    let server = MockServer::start_async().await;
    let list = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/crm/v3/objects/feedback_submissions")
                .query_param_includes("properties", "hs_value")
                .query_param_includes("properties", "hs_survey_type")
                .query_param("associations", "tickets,contacts");
            then.status(200).json_body(json!({"results": [
                {"id": "31", "properties": {"hs_value": "9", "hs_survey_type": "NPS",
                    "hs_content": "Great", "hs_createdate": "2026-01-01T00:00:00Z"},
                 "associations": {"tickets": {"results": [{"id": "512", "type": "feedback_submission_to_ticket"}]}}},
                {"id": "32", "properties": {"hs_value": "2", "hs_survey_type": "CSAT"}}
            ], "paging": {"next": {"after": "32"}}}));
        })
        .await;
    let port = port(&server);
    let page = port
        .list_satisfaction_ratings(support_core::SatisfactionQuery::new())
        .await
        .unwrap();
    assert_eq!(list.calls_async().await, 1);
    assert_eq!(page.items.len(), 2);
    let nps = &page.items[0];
    assert_eq!(nps.id.to_string(), "hubspot:satisfaction_rating:31");
    assert_eq!(nps.data.score.native, "9");
    assert_eq!(nps.data.score.normalized, Some(0.9));
    assert_eq!(nps.data.comment.as_deref(), Some("Great"));
    assert_eq!(
        nps.data.ticket.as_ref().unwrap().to_string(),
        "hubspot:ticket:512"
    );
    assert_eq!(page.items[1].data.score.normalized, Some(0.25));
    assert!(page.next.is_some());
}

#[tokio::test]
async fn knowledge_articles_come_from_site_search_and_indexed_data() {
    let server = MockServer::start_async().await;
    let search = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/cms/site-search/v3/search")
                .query_param("type", "KNOWLEDGE_ARTICLE")
                .query_param("q", "reset password")
                .query_param("offset", "0")
                .query_param("limit", "1");
            then.status(200).json_body(json!({"total": 2, "offset": 0, "limit": 1, "results": [
                {"id": 4411, "type": "KNOWLEDGE_ARTICLE", "title": "How to <span>reset</span> a password",
                 "url": "https://kb.example.com/reset", "language": "en", "description": "Steps",
                 "publishedDate": 1_767_225_600_000_i64}]}));
        })
        .await;
    let indexed = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/cms/v3/site-search/indexed-data/4411")
                .query_param("type", "KNOWLEDGE_ARTICLE");
            then.status(200).json_body(json!({"id": "4411", "type": "KNOWLEDGE_ARTICLE", "fields": {
                "title": {"name": "title", "value": "How to reset a password", "values": [], "metadataField": false},
                "html": {"name": "html", "value": "<p>Steps</p>", "values": [], "metadataField": false}}}));
        })
        .await;
    let port = port(&server);
    let page = port
        .list_knowledge_articles(
            support_core::ArticleQuery::new()
                .with_search("reset password")
                .with_limit(1),
        )
        .await
        .unwrap();
    assert_eq!(search.calls_async().await, 1);
    assert_eq!(page.items[0].id.to_string(), "hubspot:document:4411");
    assert_eq!(
        page.items[0].title.as_deref(),
        Some("How to reset a password")
    );
    assert!(page.next.is_some(), "one of two read");
    let article = port.get_knowledge_article(&page.items[0].id).await.unwrap();
    assert_eq!(indexed.calls_async().await, 1);
    assert_eq!(article.body.unwrap().text, "Steps");
}

/// The account's own properties as `GET /crm/v3/properties/tickets` lists them, next to one of
/// HubSpot's.
fn custom_properties() -> Value {
    json!([
        {"name": "subject", "label": "Ticket name", "type": "string", "fieldType": "text",
            "hubspotDefined": true, "calculated": false,
            "modificationMetadata": {"readOnlyValue": false, "readOnlyDefinition": true}},
        {"name": "order_number", "label": "Order number", "type": "number", "fieldType": "number",
            "calculated": false, "modificationMetadata": {"readOnlyValue": false}},
        {"name": "vip", "label": "VIP", "type": "bool", "fieldType": "booleancheckbox",
            "hubspotDefined": false, "options": [{"label": "Yes", "value": "true"}, {"label": "No", "value": "false"}],
            "modificationMetadata": {"readOnlyValue": false}},
        {"name": "regions", "label": "Regions", "type": "enumeration", "fieldType": "checkbox",
            "options": [{"label": "EMEA", "value": "emea"}, {"label": "APAC", "value": "apac"}],
            "modificationMetadata": {"readOnlyValue": false}},
        {"name": "renewal", "label": "Renewal", "type": "date", "fieldType": "date",
            "modificationMetadata": {"readOnlyValue": false}},
        {"name": "days_open", "label": "Days open", "type": "number",
            "fieldType": "calculation_equation", "calculated": true,
            "modificationMetadata": {"readOnlyValue": true}}
    ])
}

#[tokio::test]
async fn custom_properties_are_read_typed_and_written_by_name() {
    let server = MockServer::start_async().await;
    let definitions = serve_properties(&server, custom_properties()).await;
    serve_pipelines_only(&server).await;
    let get = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/crm/v3/objects/tickets/512")
                .query_param_includes("properties", "order_number")
                .query_param_includes("properties", "regions")
                .query_param_includes("properties", "days_open");
            let mut body = ticket("512", "0", "2", 1_767_300_000_000);
            body["properties"]["order_number"] = json!("5001");
            body["properties"]["vip"] = json!("true");
            body["properties"]["regions"] = json!("emea;apac");
            body["properties"]["renewal"] = json!("2027-06-30");
            body["properties"]["days_open"] = json!("4.5");
            then.status(200).json_body(body);
        })
        .await;
    let patch = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path("/crm/v3/objects/tickets/512")
                .json_body(json!({"properties": {"order_number": "77", "vip": "false",
                    "regions": "apac"}}));
            then.status(200)
                .json_body(ticket("512", "0", "2", 1_767_300_000_000));
        })
        .await;
    let port = port(&server);
    let id = CanonicalId::new("hubspot", ObjectKind::Ticket, "512");
    let t = port
        .get_ticket(&TicketLookup::Id(id.clone()))
        .await
        .unwrap();
    let field = |name: &str| {
        t.custom_fields
            .iter()
            .find(|f| f.field_id.as_deref() == Some(name))
            .map(|f| (f.name.clone(), f.value.clone()))
    };
    use support_core::FieldValue;
    assert_eq!(
        field("order_number"),
        Some(("Order number".into(), FieldValue::Integer(5001)))
    );
    assert_eq!(field("vip"), Some(("VIP".into(), FieldValue::Bool(true))));
    assert_eq!(
        field("regions"),
        Some((
            "Regions".into(),
            FieldValue::List(vec!["emea".into(), "apac".into()])
        ))
    );
    assert_eq!(
        field("renewal"),
        Some(("Renewal".into(), FieldValue::Text("2027-06-30".into())))
    );
    assert_eq!(
        field("days_open"),
        Some(("Days open".into(), FieldValue::Number(4.5)))
    );
    assert_eq!(
        field("subject"),
        None,
        "HubSpot's own properties are not custom"
    );

    // Written by property name (or label), typed as the property takes them.
    let update = TicketUpdate::new()
        .with_custom_field("order_number", FieldValue::Integer(77))
        .with_custom_field("VIP", FieldValue::Bool(false))
        .with_custom_field("regions", FieldValue::List(vec!["apac".into()]));
    port.update_ticket(&id, update).await.unwrap();
    assert_eq!(patch.calls_async().await, 1);

    // Refused before anything is sent: unknown, read-only, HubSpot's own, and a wrong value.
    for (name, value, says) in [
        (
            "no_such_field",
            FieldValue::Text("x".into()),
            "no_such_field",
        ),
        ("days_open", FieldValue::Integer(3), "read-only"),
        ("subject", FieldValue::Text("x".into()), "HubSpot-defined"),
        ("regions", FieldValue::Text("amer".into()), "amer"),
        ("order_number", FieldValue::Text("many".into()), "number"),
    ] {
        let update = TicketUpdate::new().with_custom_field(name, value);
        let error = port.update_ticket(&id, update).await.unwrap_err();
        assert_eq!(error.kind(), &ErrorKind::InvalidInput, "{name}");
        assert!(error.to_string().contains(says), "{name}: {error}");
    }
    assert_eq!(patch.calls_async().await, 1, "nothing more was sent");
    assert_eq!(definitions.calls_async().await, 1, "read once and cached");
    assert!(get.calls_async().await >= 1);
}

#[tokio::test]
async fn custom_properties_past_the_url_budget_are_read_through_the_batch_read() {
    let server = MockServer::start_async().await;
    // 60 custom properties with 40-character names: 2,400 characters, past the budget.
    let names: Vec<String> = (0..60)
        .map(|n| format!("custom_property_with_a_long_name_{n:07}"))
        .collect();
    let definitions: Vec<Value> = names
        .iter()
        .map(|n| json!({"name": n, "label": n, "type": "string", "fieldType": "text"}))
        .collect();
    serve_properties(&server, Value::Array(definitions)).await;
    serve_pipelines_only(&server).await;
    let last = names.last().unwrap().clone();
    let first = names[0].clone();
    let get = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/crm/v3/objects/tickets/512")
                .query_param_includes("properties", first.as_str())
                .query_param_excludes("properties", last.as_str())
                .is_true(|req| {
                    req.query_params()
                        .iter()
                        .filter(|(k, _)| k == "properties")
                        .all(|(_, v)| v.len() <= 2_000)
                });
            then.status(200)
                .json_body(ticket("512", "0", "2", 1_767_300_000_000));
        })
        .await;
    let batch = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/crm/v3/objects/tickets/batch/read")
                .body_includes(format!("\"{last}\""))
                .body_includes("\"id\":\"512\"");
            let mut read = json!({"id": "512", "properties": {"hs_object_id": "512"}});
            read["properties"][&last] = json!("from the batch read");
            then.status(200)
                .json_body(json!({"status": "COMPLETE", "results": [read]}));
        })
        .await;
    let port = port(&server);
    let t = port
        .get_ticket(&TicketLookup::External("512".into()))
        .await
        .unwrap();
    assert_eq!(get.calls_async().await, 1);
    assert_eq!(batch.calls_async().await, 1);
    let field = t
        .custom_fields
        .iter()
        .find(|f| f.field_id.as_deref() == Some(last.as_str()))
        .expect("the batch-read property");
    assert_eq!(
        field.value,
        support_core::FieldValue::Text("from the batch read".into())
    );
}

#[tokio::test]
async fn an_internal_comment_with_a_file_uploads_it_privately_and_names_it_on_the_note() {
    let server = MockServer::start_async().await;
    let upload = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/files/v3/files")
                .header_exists("content-type")
                .body_includes("name=\"options\"\r\n\r\n{\"access\":\"PRIVATE\"}")
                .body_includes("name=\"folderPath\"")
                .body_includes("filename=\"log.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n");
            then.status(201)
                .json_body(json!({"id": "88001", "name": "log",
                "extension": "txt", "size": 5, "type": "OTHER", "access": "PRIVATE",
                "url": "https://files.example/hubfs/1/log.txt"}));
        })
        .await;
    let note = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/crm/v3/objects/notes")
                .body_includes("\"hs_attachment_ids\":\"88001\"");
            then.status(201)
                .json_body(json!({"id": "9001", "properties": {
                "hs_note_body": "<p>See log</p>", "hs_timestamp": "2026-01-01T00:00:00Z",
                "hs_attachment_ids": "88001"}}));
        })
        .await;
    let port = port(&server);
    let id = CanonicalId::new("hubspot", ObjectKind::Ticket, "512");
    let added = port
        .add_comment(
            &id,
            NewComment::internal("See log").with_attachment(support_core::Upload::bytes(
                "log.txt",
                "text/plain",
                "hello",
            )),
        )
        .await
        .unwrap();
    assert_eq!(upload.calls_async().await, 1);
    assert_eq!(note.calls_async().await, 1);
    let file = &added.data.attachments[0];
    assert_eq!(file.id.to_string(), "hubspot:document:88001");
    assert_eq!(file.title.as_deref(), Some("log.txt"));
    assert_eq!(file.content_type.as_deref(), Some("text/plain"));
    assert_eq!(file.size, Some(5));
}
