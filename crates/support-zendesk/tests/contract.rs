//! What Zendesk is sent and what the adapter accepts back, checked against a contract mock: the
//! exact request bodies of custom fields, and answers that do not match the question.

use httpmock::prelude::*;
use serde_json::json;
use support_core::{
    AgentQuery, ArticleQuery, CanonicalId, ErrorKind, FieldValue, ObjectKind, SupportPort,
    TicketLookup, TicketQuery, TicketStatus, TicketUpdate,
};
use support_zendesk::ZendeskPort;

fn port(server: &MockServer) -> ZendeskPort {
    ZendeskPort::builder()
        .base_url(server.base_url())
        .api_token("agent@example.com", "token")
        .build()
        .unwrap()
}

fn ticket_id(id: &str) -> CanonicalId {
    CanonicalId::new("zendesk", ObjectKind::Ticket, id)
}

/// Integers go out as JSON integers, exact past 2^53 (never `5.0`), and `Null` as `"value": null`,
/// which is how Zendesk clears a field.
#[tokio::test]
async fn custom_field_integers_are_exact_and_null_clears_the_field() {
    let server = MockServer::start_async().await;
    let big: i64 = 9_007_199_254_740_993; // 2^53 + 1: a float would send ...992
    let update = server
        .mock_async(move |when, then| {
            when.method(PUT)
                .path("/api/v2/tickets/7")
                .body_includes(format!(r#"{{"id":360,"value":{big}}}"#))
                .body_includes(r#"{"id":361,"value":5}"#)
                .body_includes(r#"{"id":362,"value":null}"#);
            then.status(200).json_body(json!({"ticket": {
                "id": 7, "status": "open",
                "custom_fields": [{"id": 360, "value": big}, {"id": 361, "value": 5}, {"id": 362, "value": null}]
            }}));
        })
        .await;
    // The account's field titles: the answer names fields by title when it can read them.
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v2/ticket_fields");
            then.status(200).json_body(json!({"ticket_fields": []}));
        })
        .await;

    let written = port(&server)
        .update_ticket(
            &ticket_id("7"),
            TicketUpdate::new()
                .with_custom_field("360", FieldValue::Integer(big))
                .with_custom_field("361", FieldValue::Integer(5))
                .with_custom_field("362", FieldValue::Null),
        )
        .await
        .unwrap();
    update.assert_calls_async(1).await;
    assert_eq!(written.custom_field("360"), Some(&FieldValue::Integer(big)));
    assert_eq!(written.custom_field("361"), Some(&FieldValue::Integer(5)));
    assert_eq!(written.custom_field("362"), Some(&FieldValue::Null));
}

fn ticket(id: i64, external_id: Option<&str>) -> serde_json::Value {
    json!({"id": id, "subject": "s", "status": "open", "external_id": external_id,
           "created_at": "2026-01-05T08:00:00Z", "updated_at": "2026-01-05T08:00:00Z"})
}

async fn serve_show(server: &MockServer, id: i64, answer: Option<serde_json::Value>) {
    server
        .mock_async(move |when, then| {
            when.method(GET).path(format!("/api/v2/tickets/{id}"));
            match answer {
                Some(ticket) => then.status(200).json_body(json!({"ticket": ticket})),
                None => then
                    .status(404)
                    .json_body(json!({"error": "RecordNotFound", "description": "Not found"})),
            };
        })
        .await;
}

async fn serve_by_external_id(server: &MockServer, reference: &str, tickets: serde_json::Value) {
    let reference = reference.to_owned();
    server
        .mock_async(move |when, then| {
            when.method(GET)
                .path("/api/v2/tickets")
                .query_param("external_id", reference);
            then.status(200).json_body(
                json!({"tickets": tickets, "meta": {"has_more": false, "after_cursor": null}}),
            );
        })
        .await;
}

/// A provider answering another ticket than the one asked for is an error, not a wrong ticket.
#[tokio::test]
async fn get_ticket_refuses_an_answer_about_another_ticket() {
    let server = MockServer::start_async().await;
    serve_show(&server, 7, Some(ticket(8, None))).await;
    let error = port(&server)
        .get_ticket(&TicketLookup::Id(ticket_id("7")))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::Decode, "{error}");
    assert!(error.to_string().contains("ticket 8"), "{error}");
}

/// An external id that looks like a number is looked up as an external id: `"12345"` finds the
/// ticket that carries it, even when ticket 12345 does not exist.
#[tokio::test]
async fn a_numeric_external_id_finds_the_ticket_that_carries_it() {
    let server = MockServer::start_async().await;
    serve_by_external_id(&server, "12345", json!([ticket(7, Some("12345"))])).await;
    serve_show(&server, 12345, None).await;
    let found = port(&server)
        .get_ticket(&TicketLookup::External("12345".into()))
        .await
        .unwrap();
    assert_eq!(found.id, ticket_id("7"));
}

/// When a numeric reference is one ticket's external id and another ticket's id, neither is
/// answered: external id `"12345"` never finds ticket 12345.
#[tokio::test]
async fn a_reference_naming_two_tickets_is_a_conflict_not_ticket_12345() {
    let server = MockServer::start_async().await;
    serve_by_external_id(&server, "12345", json!([ticket(7, Some("12345"))])).await;
    serve_show(&server, 12345, Some(ticket(12345, None))).await;
    let error = port(&server)
        .get_ticket(&TicketLookup::External("12345".into()))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::Conflict, "{error}");
}

/// A listing answer whose ticket carries another external id (or none) does not answer the lookup;
/// several tickets sharing the external id are a conflict, not the first of them.
#[tokio::test]
async fn external_id_lookups_take_only_an_exact_single_match() {
    let server = MockServer::start_async().await;
    serve_by_external_id(&server, "order-1", json!([ticket(7, Some("order-2"))])).await;
    serve_by_external_id(
        &server,
        "order-3",
        json!([ticket(8, Some("order-3")), ticket(9, Some("order-3"))]),
    )
    .await;
    let port = port(&server);
    let error = port
        .get_ticket(&TicketLookup::External("order-1".into()))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::NotFound, "{error}");
    let error = port
        .get_ticket(&TicketLookup::External("order-3".into()))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::Conflict, "{error}");
}

fn article(id: i64, section: i64, locale: &str) -> serde_json::Value {
    json!({"id": id, "title": format!("Article {id}"), "body": "<p>Printers</p>", "locale": locale,
           "section_id": section, "draft": false, "author_id": 1,
           "created_at": "2026-01-05T08:00:00Z", "updated_at": "2026-01-05T08:00:00Z"})
}

/// Sections the account lets this agent see: not section 77.
async fn serve_sections(server: &MockServer) {
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v2/help_center/sections");
            then.status(200).json_body(json!({
                "sections": [{"id": 78, "category_id": 5, "name": "Other"}],
                "meta": {"has_more": false, "after_cursor": null}
            }));
        })
        .await;
}

fn category(id: &str) -> CanonicalId {
    CanonicalId::new("zendesk", ObjectKind::Category, id)
}

/// Zendesk filtered `/categories/{id}/articles` by category itself: every article it lists is kept,
/// and belongs to the category, even when the section walk did not see its section.
#[tokio::test]
async fn category_listings_keep_what_zendesk_listed_under_the_category() {
    let server = MockServer::start_async().await;
    serve_sections(&server).await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v2/help_center/categories/5/articles");
            then.status(200).json_body(json!({
                "articles": [article(1, 77, "en-us"), article(2, 78, "en-us")],
                "meta": {"has_more": false, "after_cursor": null}
            }));
        })
        .await;
    let page = port(&server)
        .list_knowledge_articles(ArticleQuery::new().with_category(category("5")))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 2, "{:?}", page.items);
    assert!(
        page.items
            .iter()
            .all(|a| a.categories.contains(&category("5")))
    );
}

/// Help Center search applied the category and the locale itself (`en` takes `en-us` there): its
/// results are not filtered again by a stricter rule.
#[tokio::test]
async fn search_results_are_not_filtered_again() {
    let server = MockServer::start_async().await;
    serve_sections(&server).await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v2/help_center/articles/search")
                .query_param("query", "printer")
                .query_param("category", "5")
                .query_param("locale", "en");
            then.status(200).json_body(json!({
                "results": [article(1, 77, "en-us"), article(2, 78, "en-gb")],
                "page": 1, "page_count": 1, "per_page": 100, "count": 2, "next_page": null
            }));
        })
        .await;
    let page = port(&server)
        .list_knowledge_articles(
            ArticleQuery::new()
                .with_search("printer")
                .with_category(category("5"))
                .with_locale("en"),
        )
        .await
        .unwrap();
    assert_eq!(page.items.len(), 2, "{:?}", page.items);
}

/// A listing Zendesk does not filter by locale is filtered here by language range: `en` takes
/// `en-us`, `en-us` takes only `en-us`.
#[tokio::test]
async fn listing_locales_match_by_language_range() {
    let server = MockServer::start_async().await;
    serve_sections(&server).await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v2/help_center/articles");
            then.status(200).json_body(json!({
                "articles": [article(1, 78, "en-us"), article(2, 78, "de"), article(3, 78, "en-gb")],
                "meta": {"has_more": false, "after_cursor": null}
            }));
        })
        .await;
    let port = port(&server);
    let ids = |page: support_core::Page<support_core::Document>| {
        page.items
            .iter()
            .map(|a| a.id.external_id().to_owned())
            .collect::<Vec<_>>()
    };
    let en = port
        .list_knowledge_articles(ArticleQuery::new().with_locale("en"))
        .await
        .unwrap();
    assert_eq!(ids(en), ["1", "3"]);
    let en_us = port
        .list_knowledge_articles(ArticleQuery::new().with_locale("EN-US"))
        .await
        .unwrap();
    assert_eq!(ids(en_us), ["1"]);
}

fn search_page(results: serde_json::Value) -> serde_json::Value {
    json!({"results": results, "meta": {"has_more": false, "after_cursor": null}})
}

fn search_result(id: i64) -> serde_json::Value {
    let mut result = ticket(id, None);
    result["result_type"] = json!("ticket");
    result
}

async fn serve_search(server: &MockServer, results: serde_json::Value) {
    server
        .mock_async(move |when, then| {
            when.method(GET).path("/api/v2/search/export");
            then.status(200).json_body(search_page(results));
        })
        .await;
}

fn open_tickets() -> TicketQuery {
    TicketQuery::new().with_status(TicketStatus::Open)
}

/// A timestamp Zendesk wrote loosely in one search result does not fail its page: the item is
/// kept, the time read as absent and the text kept in `raw`.
#[tokio::test]
async fn one_loose_timestamp_does_not_fail_the_page() {
    let server = MockServer::start_async().await;
    let mut loose = search_result(8);
    loose["created_at"] = json!("yesterday");
    serve_search(&server, json!([search_result(7), loose, search_result(9)])).await;
    let page = port(&server).list_tickets(open_tickets()).await.unwrap();
    assert_eq!(page.items.len(), 3);
    assert_eq!(page.items[1].created_at, None);
    assert!(page.items[1].updated_at.is_some());
    assert_eq!(page.items[1].raw["created_at"], json!("yesterday"));
}

/// A result that does not have its documented shape otherwise fails with `Decode` naming its id.
#[tokio::test]
async fn a_malformed_item_is_named_by_its_id() {
    let server = MockServer::start_async().await;
    let mut malformed = search_result(8);
    malformed["requester_id"] = json!("not a number");
    serve_search(&server, json!([search_result(7), malformed])).await;
    let error = port(&server)
        .list_tickets(open_tickets())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::Decode, "{error}");
    assert!(error.to_string().contains("ticket 8"), "{error}");
}

/// The same holds for the plain ticket listing: a loose timestamp in one ticket does not make the
/// page undecodable.
#[tokio::test]
async fn one_loose_timestamp_does_not_fail_a_ticket_listing_page() {
    let server = MockServer::start_async().await;
    let mut loose = ticket(8, None);
    loose["updated_at"] = json!("2026-13-45 25:00");
    server
        .mock_async(move |when, then| {
            when.method(GET).path("/api/v2/tickets");
            then.status(200).json_body(json!({
                "tickets": [ticket(7, None), loose, ticket(9, None)],
                "meta": {"has_more": false, "after_cursor": null}
            }));
        })
        .await;
    let page = port(&server)
        .list_tickets(TicketQuery::new())
        .await
        .unwrap();
    assert_eq!(page.items.len(), 3);
    assert_eq!(page.items[1].updated_at, None);
    assert!(page.items[1].created_at.is_some());
    assert_eq!(page.items[1].raw["updated_at"], json!("2026-13-45 25:00"));
}

fn agent(id: i64) -> serde_json::Value {
    json!({"id": id, "name": format!("Agent {id}"), "email": format!("a{id}@example.com"),
           "role": "agent", "active": true, "created_at": "2026-01-05T08:00:00Z",
           "updated_at": "2026-01-05T08:00:00Z", "last_login_at": "2026-01-06T08:00:00Z"})
}

async fn serve_agents(server: &MockServer, users: serde_json::Value) {
    server
        .mock_async(move |when, then| {
            when.method(GET).path("/api/v2/users");
            then.status(200).json_body(
                json!({"users": users, "meta": {"has_more": false, "after_cursor": null}}),
            );
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v2/group_memberships");
            then.status(200).json_body(json!({
                "group_memberships": [], "meta": {"has_more": false, "after_cursor": null}
            }));
        })
        .await;
}

/// Users follow the same policy: an agent whose timestamps Zendesk wrote loosely is kept, its times
/// read as absent and the text kept in `raw`; the page is not failed.
#[tokio::test]
async fn one_loose_user_timestamp_does_not_fail_an_agent_listing_page() {
    let server = MockServer::start_async().await;
    let mut loose = agent(8);
    loose["created_at"] = json!("last tuesday");
    loose["updated_at"] = json!("2026-13-45 25:00");
    loose["last_login_at"] = json!("");
    serve_agents(&server, json!([agent(7), loose, agent(9)])).await;
    let page = port(&server).list_agents(AgentQuery::new()).await.unwrap();
    assert_eq!(page.items.len(), 3);
    assert!(page.items[0].created_at.is_some());
    assert_eq!(page.items[1].created_at, None);
    assert_eq!(page.items[1].raw["created_at"], json!("last tuesday"));
    assert_eq!(page.items[1].name.as_deref(), Some("Agent 8"));
}

/// Any other field of a user that does not have its documented shape fails the page with `Decode`
/// naming the user's id, so it can be found.
#[tokio::test]
async fn a_malformed_agent_is_named_by_its_id() {
    let server = MockServer::start_async().await;
    let mut malformed = agent(8);
    malformed["organization_id"] = json!("not a number");
    serve_agents(&server, json!([agent(7), malformed])).await;
    let error = port(&server)
        .list_agents(AgentQuery::new())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::Decode, "{error}");
    assert!(error.to_string().contains("user 8"), "{error}");
}

/// An agent whose id itself is malformed is named by what it carries there.
#[tokio::test]
async fn an_agent_with_a_malformed_id_is_named_by_it() {
    let server = MockServer::start_async().await;
    let mut malformed = agent(8);
    malformed["id"] = json!("eight");
    serve_agents(&server, json!([agent(7), malformed])).await;
    let error = port(&server)
        .list_agents(AgentQuery::new())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::Decode, "{error}");
    assert!(error.to_string().contains("user eight"), "{error}");
}

/// The account's own user (`users/me`, read by `check_connection`) follows the policy too.
#[tokio::test]
async fn a_loose_timestamp_on_the_current_user_does_not_fail_the_connection_check() {
    let server = MockServer::start_async().await;
    let mut me = agent(7);
    me["created_at"] = json!("2026-01-05 08:00");
    server
        .mock_async(move |when, then| {
            when.method(GET).path("/api/v2/users/me");
            then.status(200).json_body(json!({"user": me}));
        })
        .await;
    let info = port(&server).check_connection().await.unwrap();
    let user = info.user.expect("the connection names its user");
    assert_eq!(user.created_at, None);
    assert_eq!(user.raw["created_at"], json!("2026-01-05 08:00"));
}

/// A ticket whose mapped fields do not have their documented types (a field of another JSON type)
/// fails the page with `Decode` naming that ticket's id, with an excerpt of it, never silently.
#[tokio::test]
async fn a_ticket_the_typed_page_refuses_is_named_by_its_id() {
    for (field, value, named) in [
        ("priority", json!(5), "ticket 8"),
        ("id", json!("eight"), "ticket eight"),
    ] {
        let server = MockServer::start_async().await;
        let mut malformed = ticket(8, None);
        malformed[field] = value;
        server
            .mock_async(move |when, then| {
                when.method(GET).path("/api/v2/tickets");
                then.status(200).json_body(json!({
                    "tickets": [ticket(7, None), malformed, ticket(9, None)],
                    "meta": {"has_more": false, "after_cursor": null}
                }));
            })
            .await;
        let error = port(&server)
            .list_tickets(TicketQuery::new())
            .await
            .unwrap_err();
        assert_eq!(error.kind(), &ErrorKind::Decode, "{error}");
        assert!(
            error.to_string().contains(&format!(
                "a zendesk {named} did not have its documented shape"
            )),
            "{error}"
        );
        assert!(
            error.body_excerpt().is_some_and(|e| e.contains(field)),
            "{error:?}"
        );
    }
}

/// Each ticket's `raw` is the text Zendesk sent for it, spelling and order included, and a field
/// the mapping does not read is neither decoded nor checked: it stays in `raw` as it came.
#[tokio::test]
async fn listed_tickets_keep_the_text_zendesk_sent() {
    let server = MockServer::start_async().await;
    let sent = r#"{"z_last":1, "id":7,"status":"open","subject":"caf\u00e9",
        "brand_id":"not a number","custom_fields":[{"id":1,"value":[1.50,"x"]}]}"#;
    let body = format!(r#"{{"tickets":[ {sent} ],"meta":{{"has_more":false}}}}"#);
    server
        .mock_async(move |when, then| {
            when.method(GET).path("/api/v2/tickets");
            then.status(200).body(body);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v2/ticket_fields");
            then.status(200).json_body(json!({"ticket_fields": []}));
        })
        .await;
    let page = port(&server)
        .list_tickets(TicketQuery::new())
        .await
        .unwrap();
    let ticket = &page.items[0];
    assert_eq!(ticket.raw.to_string(), sent);
    assert_eq!(ticket.subject.as_deref(), Some("café"));
    assert_eq!(ticket.raw["brand_id"], json!("not a number"));
    assert_eq!(
        serde_json::to_string(&ticket.raw).unwrap(),
        sent,
        "serialized as sent"
    );
}

/// A listing keeps at most one page request ahead of its consumer: one that stops after the first
/// ticket has caused the first page and the one after it, never a third.
#[tokio::test]
async fn a_listing_fetches_one_page_ahead_and_no_further() {
    use futures::StreamExt;
    use support_core::SupportPortExt;
    let server = MockServer::start_async().await;
    let mut pages = Vec::new();
    for page in 0..3 {
        let body = json!({
            "tickets": [ticket(page * 10 + 1, None), ticket(page * 10 + 2, None)],
            "meta": {"has_more": true, "after_cursor": format!("c{}", page + 1)}
        });
        let mock = server
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
        pages.push(mock);
    }
    let port = port(&server);
    let mut listing = port.tickets(TicketQuery::new());
    let first = listing.next().await.expect("a ticket").expect("listed");
    assert_eq!(first.id, ticket_id("1"));
    // The consumer works on its first ticket: the second page is asked for meanwhile.
    let mut waited = 0;
    while pages[1].calls_async().await == 0 {
        waited += 1;
        assert!(waited < 10_000, "the next page was not asked for ahead");
        tokio::task::yield_now().await;
    }
    for _ in 0..200 {
        tokio::task::yield_now().await;
    }
    // The rest of the first page: the second page is held, and nothing more is asked for.
    let second = futures::poll!(listing.next());
    assert!(
        matches!(&second, std::task::Poll::Ready(Some(Ok(t))) if t.id == ticket_id("2")),
        "{second:?}"
    );
    for _ in 0..200 {
        tokio::task::yield_now().await;
    }
    drop(listing);
    assert_eq!(pages[0].calls_async().await, 1);
    assert_eq!(pages[1].calls_async().await, 1);
    assert_eq!(pages[2].calls_async().await, 0);
}
