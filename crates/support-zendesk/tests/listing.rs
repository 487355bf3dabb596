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
