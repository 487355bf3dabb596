//! Listings the adapter walks whole behind one port call.

use httpmock::prelude::*;
use serde_json::json;
use support_core::{AgentQuery, CanonicalId, ObjectKind, SupportPort};
use support_zendesk::ZendeskPort;

#[tokio::test]
async fn agent_groups_come_from_every_page_of_memberships() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v2/users")
                .query_param("role", "admin");
            then.status(200).json_body(json!({
                "users": [{"id": 1, "name": "Ada", "role": "admin"}],
                "meta": {"has_more": false, "after_cursor": null}
            }));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v2/users")
                .query_param("role", "agent");
            then.status(200)
                .json_body(json!({"users": [], "meta": {"has_more": false}}));
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v2/group_memberships")
                .query_param("page[after]", "m2");
            then.status(200).json_body(json!({
                "group_memberships": [{"id": 11, "user_id": 1, "group_id": 20}],
                "meta": {"has_more": false, "after_cursor": "m3"}
            }));
        })
        .await;
    let first = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v2/group_memberships")
                .query_param_missing("page[after]");
            then.status(200).json_body(json!({
                "group_memberships": [{"id": 10, "user_id": 1, "group_id": 10}],
                "meta": {"has_more": true, "after_cursor": "m2"}
            }));
        })
        .await;
    let port = ZendeskPort::builder()
        .base_url(server.base_url())
        .api_token("agent@example.com", "token")
        .build()
        .unwrap();
    let page = port
        .list_agents(AgentQuery::new().with_role("admin"))
        .await
        .unwrap();
    let ada = &page.items[0];
    assert_eq!(
        ada.groups,
        vec![
            CanonicalId::new("zendesk", ObjectKind::Group, "10"),
            CanonicalId::new("zendesk", ObjectKind::Group, "20"),
        ]
    );
    assert!(page.next.is_none(), "only admins were asked for");
    first.assert_calls_async(1).await;
    second.assert_calls_async(1).await;
}

#[tokio::test]
async fn custom_fields_are_named_by_title_read_once_and_written_by_title() {
    use support_core::{FieldValue, TicketLookup, TicketUpdate};

    let server = MockServer::start_async().await;
    let fields = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v2/ticket_fields");
            then.status(200).json_body(json!({
                "ticket_fields": [{"id": 360, "title": "Colour", "type": "text"}, {"id": 361, "title": "Size", "type": "tagger"}]
            }));
        })
        .await;
    let ticket = json!({"id": 7, "status": "open", "custom_fields": [{"id": 360, "value": "red"}, {"id": 999, "value": null}]});
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v2/tickets/7");
            then.status(200).json_body(json!({"ticket": ticket}));
        })
        .await;
    let update = server
        .mock_async(|when, then| {
            when.method(PUT)
                .path("/api/v2/tickets/7")
                .json_body_includes(r#"{"ticket": {"custom_fields": [{"id": 361, "value": "L"}]}}"#);
            then.status(200).json_body(json!({"ticket": {"id": 7, "status": "open", "custom_fields": [{"id": 361, "value": "L"}]}}));
        })
        .await;
    let port = ZendeskPort::builder()
        .base_url(server.base_url())
        .api_token("agent@example.com", "token")
        .build()
        .unwrap();
    let id = CanonicalId::new("zendesk", ObjectKind::Ticket, "7");

    let read = port
        .get_ticket(&TicketLookup::Id(id.clone()))
        .await
        .unwrap();
    assert_eq!(
        read.custom_field("Colour"),
        Some(&FieldValue::Text("red".into()))
    );
    // A field the account no longer lists keeps its id as its name.
    assert_eq!(read.custom_field("999"), Some(&FieldValue::Null));

    let written = port
        .update_ticket(
            &id,
            TicketUpdate::new().with_custom_field("size", FieldValue::Text("L".into())),
        )
        .await
        .unwrap();
    assert_eq!(
        written.custom_field("Size"),
        Some(&FieldValue::Text("L".into()))
    );
    update.assert_calls_async(1).await;
    fields.assert_calls_async(1).await;
}

// The real clock: a paused one jumps to the connection pool's idle timers while a request waits on
// its socket, which would age the memberships mid-listing.
#[tokio::test]
async fn one_agent_listing_reads_the_memberships_once() {
    use futures::TryStreamExt;
    use support_core::SupportPortExt;

    let server = MockServer::start_async().await;
    for (role, id) in [("admin", 1), ("agent", 2)] {
        server
            .mock_async(move |when, then| {
                when.method(GET)
                    .path("/api/v2/users")
                    .query_param("role", role);
                then.status(200).json_body(json!({
                    "users": [{"id": id, "name": role, "role": role}],
                    "meta": {"has_more": false}
                }));
            })
            .await;
    }
    let memberships = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v2/group_memberships");
            then.status(200).json_body(json!({
                "group_memberships": [{"id": 10, "user_id": 1, "group_id": 10}, {"id": 11, "user_id": 2, "group_id": 20}],
                "meta": {"has_more": false}
            }));
        })
        .await;
    let port = ZendeskPort::builder()
        .base_url(server.base_url())
        .api_token("agent@example.com", "token")
        .build()
        .unwrap();

    let agents: Vec<_> = port.agents(AgentQuery::new()).try_collect().await.unwrap();
    assert_eq!(agents.len(), 2, "admins, then agents");
    assert_eq!(
        agents[1].groups,
        vec![CanonicalId::new("zendesk", ObjectKind::Group, "20")]
    );
    memberships.assert_calls_async(1).await;
}

/// Listing every ticket asks for the next page before it maps the current one: the custom
/// statuses the first page's tickets need are read after the second page was asked for, and each
/// page's `meta` is read from its end. A page whose tickets are not JSON is an error after the
/// tickets before it.
#[tokio::test]
async fn a_ticket_listing_asks_for_the_next_page_before_mapping_this_one() {
    use futures::StreamExt;
    use std::sync::{Arc, Mutex};
    use support_core::{ErrorKind, SupportPortExt, TicketQuery};

    let server = MockServer::start_async().await;
    let order = Arc::new(Mutex::new(Vec::new()));
    let noting = |name: &'static str| {
        let order = order.clone();
        move |_: &HttpMockRequest| {
            order.lock().unwrap().push(name);
            true
        }
    };
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v2/tickets")
                .query_param("include", "slas")
                .query_param_missing("page[after]")
                .is_true(noting("page 1"));
            then.status(200).json_body(json!({
                "tickets": [{"id": 1, "status": "open", "custom_status_id": 77, "subject": "one"}],
                "meta": {"has_more": true, "after_cursor": "c2"},
                "links": {"next": "https://acme.zendesk.com/api/v2/tickets.json?page%5Bafter%5D=c2"}
            }));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v2/tickets")
                .query_param("page[after]", "c2")
                .is_true(noting("page 2"));
            then.status(200).body(
                r#"{"tickets": [{"id": 2, "status": "open"}, {"id": 3, "status": ], "meta": {"has_more": false}}"#,
            );
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v2/custom_statuses")
                .is_true(noting("custom statuses"));
            then.status(200).json_body(json!({"custom_statuses": [
                {"id": 77, "status_category": "open", "agent_label": "Investigating"}
            ]}));
        })
        .await;
    let port = ZendeskPort::builder()
        .base_url(server.base_url())
        .api_token("agent@example.com", "token")
        .build()
        .unwrap();
    let mut tickets = port.tickets(TicketQuery::new());
    let first = tickets.next().await.unwrap().unwrap();
    assert_eq!(first.status.native, "Investigating");
    assert_eq!(
        *order.lock().unwrap(),
        ["page 1", "page 2", "custom statuses"]
    );
    let broken = tickets.next().await.unwrap().unwrap_err();
    assert_eq!(broken.kind(), &ErrorKind::Decode);
    assert!(
        broken.to_string().contains("not a complete listing page"),
        "{broken}"
    );
    assert!(tickets.next().await.is_none());
}
