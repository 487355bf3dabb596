//! The adapter against Zoho Desk's documented wire format (httpmock on loopback): the `orgId` and
//! `Authorization: Zoho-oauthtoken` headers on every request, `204 No Content` as the end of a
//! listing, the listing past the 5,000 `from` cap, the two throttles, the token that renews itself
//! mid-listing, and what each write sends.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use httpmock::prelude::*;
use httpmock::{HttpMockRequest, HttpMockResponse};
use serde_json::{Value, json};
use support_core::http::{RetryPolicy, TokenSource};
use support_core::{
    CanonicalId, CloseOptions, Document, DocumentKind, ErrorKind, NewComment, NewTicket,
    ObjectKind, Priority, SupportPort, TicketLookup, TicketQuery, TicketStatus, TicketUpdate,
    Upload,
};
use support_zohodesk::{PROVIDER, ZohoDeskPort};

const ORG: &str = "20067890";
const TOKEN: &str = "1000.token-must-not-leak";
const AUTH: &str = "Zoho-oauthtoken 1000.token-must-not-leak";

fn port(server: &MockServer) -> ZohoDeskPort {
    ZohoDeskPort::builder()
        .base_url(server.base_url())
        .org_id(ORG)
        .access_token(TOKEN)
        .request_timeout(None)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

fn ticket_id(n: usize) -> String {
    format!("18920000000{n:05}")
}

/// Ticket `n`, created at `created`.
fn ticket(n: usize, created: &str) -> Value {
    json!({
        "id": ticket_id(n), "ticketNumber": n.to_string(), "subject": format!("Ticket {n}"),
        "status": "Open", "statusType": "Open", "priority": "Medium", "channel": "Email",
        "departmentId": "1892000000006907", "assigneeId": null, "contactId": "1892000000042032",
        "createdTime": created, "modifiedTime": created,
        "webUrl": format!("https://desk.zoho.com/support/acme/ShowHomePage.do#Cases/dv/{n}"),
    })
}

fn answer(status: u16, body: Option<Value>) -> HttpMockResponse {
    let builder = http::Response::builder().status(status);
    match body {
        Some(body) => builder
            .header("content-type", "application/json")
            .body(body.to_string())
            .unwrap()
            .into(),
        None => builder.body(String::new()).unwrap().into(),
    }
}

/// Ticket `n`'s creation time in the small listings: one a second from 2024-01-01.
fn early(n: usize) -> String {
    format!("2024-01-01T00:00:{:02}.000Z", n.saturating_sub(1))
}

fn param(request: &HttpMockRequest, name: &str) -> Option<String> {
    request
        .query_params()
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// Every ticket's whole record (`GET /tickets/{id}`), as `ticket(n, created)` with its
/// `modifiedTime`.
async fn records(server: &MockServer, created: fn(usize) -> String) -> httpmock::Mock<'_> {
    server
        .mock_async(move |when, then| {
            when.method(GET)
                .path_matches(r"^/api/v1/tickets/\d+$")
                .header("orgid", ORG);
            then.respond_with(move |request: &HttpMockRequest| -> HttpMockResponse {
                let path = request.uri().path().to_owned();
                let id = path.rsplit('/').next().unwrap_or_default();
                let n: usize = id[id.len() - 5..].parse().unwrap();
                let mut record = ticket(n, &created(n));
                record["description"] = json!(format!("<div>Ticket {n} body</div>"));
                answer(200, Some(record))
            });
        })
        .await
}

/// Every ticket's tags: none (204).
async fn no_tags(server: &MockServer) -> httpmock::Mock<'_> {
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path_matches(r"^/api/v1/tickets/\d+/tags$")
                .header("orgid", ORG);
            then.status(204);
        })
        .await
}

/// Every ticket's own files: none (204).
async fn no_files(server: &MockServer) -> httpmock::Mock<'_> {
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path_matches(r"^/api/v1/tickets/\d+/attachments$")
                .header("orgid", ORG);
            then.status(204);
        })
        .await
}

#[tokio::test]
async fn every_request_names_the_organization_and_204_ends_the_listing() {
    let server = MockServer::start_async().await;
    let first = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v1/tickets")
                .header("orgid", ORG)
                .header("authorization", AUTH)
                .query_param("from", "0")
                .query_param("limit", "2")
                .query_param("sortBy", "createdTime");
            then.status(200).json_body(json!({"data": [
                ticket(1, "2024-01-01T00:00:00.000Z"), ticket(2, "2024-01-01T00:00:01.000Z")
            ]}));
        })
        .await;
    let end = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v1/tickets")
                .header("orgid", ORG)
                .query_param("from", "2");
            then.status(204);
        })
        .await;
    let tags = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/api/v1/tickets/{}/tags", ticket_id(1)))
                .header("orgid", ORG)
                .header("authorization", AUTH);
            then.status(200)
                .json_body(json!({"tags": [{"id": "5", "name": "printer"}]}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/api/v1/tickets/{}/tags", ticket_id(2)));
            then.status(204);
        })
        .await;
    let full = records(&server, early).await;
    let port = port(&server);
    let page = port
        .list_tickets(TicketQuery::new().with_limit(2))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.items[0].tags, vec!["printer".to_owned()]);
    assert_eq!(
        page.items[0].priority.as_ref().unwrap().canonical,
        Priority::Normal
    );
    let next = page.next.expect("a full page says there may be more");
    let page = port
        .list_tickets(TicketQuery::new().with_limit(2).with_cursor(next))
        .await
        .unwrap();
    assert!(page.items.is_empty());
    assert!(page.next.is_none(), "204 is the end of the listing");
    first.assert_calls_async(1).await;
    end.assert_calls_async(1).await;
    full.assert_calls_async(2).await;
    tags.assert_calls_async(1).await;
}

#[tokio::test]
async fn an_empty_200_is_not_the_end() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v1/tickets");
            then.status(200).body("");
        })
        .await;
    let err = port(&server)
        .list_tickets(TicketQuery::new())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::Decode);
}

/// 5,120 tickets, one a second, except that tickets 4,997 to 5,003 share one instant: the
/// listing reads `/tickets` up to the cap and the search past it, with no repeat and no gap.
#[tokio::test]
async fn the_listing_continues_past_the_from_cap_by_creation_time() {
    const TOTAL: usize = 5_120;
    let created = |n: usize| {
        let second = if (4_997..=5_003).contains(&n) {
            4_997
        } else {
            n
        };
        let at = chrono::DateTime::from_timestamp(1_700_000_000 + second as i64, 0).unwrap();
        at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    };
    let server = MockServer::start_async().await;
    let crossed = Arc::new(AtomicUsize::new(0));
    let over = crossed.clone();
    server
        .mock_async(move |when, then| {
            when.method(GET)
                .path("/api/v1/tickets")
                .header("orgid", ORG);
            then.respond_with(move |request: &HttpMockRequest| -> HttpMockResponse {
                let from: usize = param(request, "from").unwrap().parse().unwrap();
                let limit: usize = param(request, "limit").unwrap().parse().unwrap();
                if from + limit > 5_000 {
                    over.fetch_add(1, Ordering::SeqCst);
                    return answer(
                        422,
                        Some(json!({"errorCode": "UNPROCESSABLE_ENTITY",
                        "message": "The value passed for the 'from' query parameter is invalid."})),
                    );
                }
                let rows: Vec<Value> = (from..(from + limit).min(TOTAL))
                    .map(|n| ticket(n, &created(n)))
                    .collect();
                if rows.is_empty() {
                    return answer(204, None);
                }
                answer(200, Some(json!({"data": rows})))
            });
        })
        .await;
    let searches = Arc::new(AtomicUsize::new(0));
    let counted = searches.clone();
    server
        .mock_async(move |when, then| {
            when.method(GET)
                .path("/api/v1/tickets/search")
                .header("orgid", ORG)
                .query_param("sortBy", "createdTime");
            then.respond_with(move |request: &HttpMockRequest| -> HttpMockResponse {
                counted.fetch_add(1, Ordering::SeqCst);
                let from: usize = param(request, "from").unwrap().parse().unwrap();
                let limit: usize = param(request, "limit").unwrap().parse().unwrap();
                let range = param(request, "createdTimeRange").unwrap();
                let (start, end) = range.split_once(',').unwrap();
                let matching: Vec<Value> = (0..TOTAL)
                    .filter(|n| {
                        let at = created(*n);
                        at.as_str() >= start && at.as_str() <= end
                    })
                    .map(|n| ticket(n, &created(n)))
                    .collect();
                let count = matching.len();
                let rows: Vec<Value> = matching.into_iter().skip(from).take(limit).collect();
                if rows.is_empty() {
                    return answer(204, None);
                }
                answer(200, Some(json!({"data": rows, "count": count.to_string()})))
            });
        })
        .await;
    records(&server, created).await;
    no_tags(&server).await;
    let port = port(&server);
    let mut ids = Vec::new();
    let mut cursor = None;
    for _ in 0..200 {
        let page = match cursor.take() {
            None => port.list_tickets(TicketQuery::new()).await.unwrap(),
            Some(next) => port
                .list_tickets(TicketQuery::new().with_limit(100).with_cursor(next))
                .await
                .unwrap(),
        };
        ids.extend(
            page.items
                .into_iter()
                .map(|t| t.id.external_id().to_owned()),
        );
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let expected: Vec<String> = (0..TOTAL).map(ticket_id).collect();
    assert_eq!(ids.len(), TOTAL, "every ticket once");
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), TOTAL, "no repeat");
    assert_eq!(ids, expected, "in creation order");
    assert_eq!(crossed.load(Ordering::SeqCst), 0, "never past the cap");
    assert!(searches.load(Ordering::SeqCst) >= 2);
}

#[tokio::test(start_paused = true)]
async fn spent_daily_credits_are_rate_limited_at_once_and_concurrency_is_waited_out() {
    let server = MockServer::start_async().await;
    let spent = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v1/agents");
            then.status(429)
                .json_body(json!({"errorCode": "THRESHOLD_EXCEEDED",
                "message": "API credits exhausted for the day."}));
        })
        .await;
    let port = ZohoDeskPort::builder()
        .base_url(server.base_url())
        .org_id(ORG)
        .access_token(TOKEN)
        .request_timeout(None)
        .build()
        .unwrap();
    let err = port
        .list_agents(support_core::AgentQuery::new())
        .await
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::RateLimited { .. }), "{err}");
    assert_eq!(err.code(), Some("THRESHOLD_EXCEEDED"));
    spent.assert_calls_async(1).await;

    let server = MockServer::start_async().await;
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    server
        .mock_async(move |when, then| {
            when.method(GET).path("/api/v1/agents");
            then.respond_with(move |_: &HttpMockRequest| -> HttpMockResponse {
                if counter.fetch_add(1, Ordering::SeqCst) == 0 {
                    http::Response::builder()
                        .status(429)
                        .header("retry-after", "2")
                        .header("x-rate-limit-remaining-v3", "118")
                        .header("content-type", "application/json")
                        .body(
                            json!({"errorCode": "TOO_MANY_REQUESTS",
                            "message": "You have made too many requests."})
                            .to_string(),
                        )
                        .unwrap()
                        .into()
                } else {
                    answer(
                        200,
                        Some(
                            json!({"data": [{"id": "3", "name": "Ada", "emailId": "ada@example.com",
                        "status": "ACTIVE", "associatedDepartmentIds": ["1892000000006907"]}]}),
                        ),
                    )
                }
            });
        })
        .await;
    let port = ZohoDeskPort::builder()
        .base_url(server.base_url())
        .org_id(ORG)
        .access_token(TOKEN)
        .request_timeout(None)
        .build()
        .unwrap();
    let page = port
        .list_agents(support_core::AgentQuery::new())
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].groups[0].external_id(), "1892000000006907");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_token_that_expires_mid_listing_is_renewed_once_and_nothing_is_lost() {
    let server = MockServer::start_async().await;
    let issued = Arc::new(AtomicUsize::new(0));
    let counter = issued.clone();
    let token = server
        .mock_async(move |when, then| {
            when.method(POST)
                .path("/oauth/v2/token")
                .form_urlencoded_tuple("grant_type", "refresh_token")
                .form_urlencoded_tuple("refresh_token", "1000.refresh")
                .form_urlencoded_tuple("client_id", "1000.CLIENT")
                .form_urlencoded_tuple("client_secret", "client-secret");
            then.respond_with(move |_: &HttpMockRequest| -> HttpMockResponse {
                let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
                answer(
                    200,
                    Some(json!({"access_token": format!("1000.tok-{n}"),
                    "expires_in": 3600, "api_domain": "https://www.zohoapis.com",
                    "token_type": "Bearer"})),
                )
            });
        })
        .await;
    let pages = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v1/tickets")
                .query_param("from", "0")
                .header("authorization", "Zoho-oauthtoken 1000.tok-1");
            then.status(200).json_body(json!({"data": [
                ticket(1, "2024-01-01T00:00:00.000Z"), ticket(2, "2024-01-01T00:00:01.000Z")
            ]}));
        })
        .await;
    let expired = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v1/tickets")
                .query_param("from", "2")
                .header("authorization", "Zoho-oauthtoken 1000.tok-1");
            then.status(401)
                .json_body(json!({"errorCode": "INVALID_OAUTH",
                "message": "The OAuth Token you provided is invalid."}));
        })
        .await;
    let renewed = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v1/tickets")
                .query_param("from", "2")
                .header("authorization", "Zoho-oauthtoken 1000.tok-2")
                .header("orgid", ORG);
            then.status(200)
                .json_body(json!({"data": [ticket(3, "2024-01-01T00:00:02.000Z")]}));
        })
        .await;
    records(&server, early).await;
    no_tags(&server).await;
    let port = ZohoDeskPort::builder()
        .base_url(server.base_url())
        .org_id(ORG)
        .oauth(
            TokenSource::refresh_token("1000.CLIENT", "client-secret", "1000.refresh")
                .token_url("/oauth/v2/token"),
        )
        .request_timeout(None)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let first = port
        .list_tickets(TicketQuery::new().with_limit(2))
        .await
        .unwrap();
    assert_eq!(first.items.len(), 2);
    let second = port
        .list_tickets(
            TicketQuery::new()
                .with_limit(2)
                .with_cursor(first.next.unwrap()),
        )
        .await
        .unwrap();
    assert_eq!(second.items.len(), 1);
    assert_eq!(second.items[0].id.external_id(), ticket_id(3));
    assert!(second.next.is_none());
    pages.assert_calls_async(1).await;
    expired.assert_calls_async(1).await;
    renewed.assert_calls_async(1).await;
    token.assert_calls_async(2).await;
}

#[tokio::test]
async fn check_connection_tells_credentials_from_the_organization() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v1/myinfo")
                .header("authorization", AUTH)
                .header("orgid", ORG);
            then.status(200)
                .json_body(json!({"id": "3", "firstName": "Ada",
                "lastName": "Lovelace", "emailId": "ada@example.com", "status": "ACTIVE"}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v1/myinfo")
                .header("authorization", AUTH)
                .header("orgid", "999");
            then.status(400)
                .json_body(json!({"errorCode": "INVALID_DATA",
                "message": "The data is invalid due to validation restrictions",
                "errors": [{"fieldName": "orgId", "errorType": "invalid", "errorMessage": ""}]}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v1/myinfo")
                .header("authorization", "Zoho-oauthtoken wrong");
            then.status(401)
                .json_body(json!({"errorCode": "INVALID_OAUTH",
                "message": "The OAuth Token you provided is invalid."}));
        })
        .await;
    let info = port(&server).check_connection().await.unwrap();
    let user = info.user.unwrap();
    assert_eq!(user.name.as_deref(), Some("Ada Lovelace"));
    assert!(info.account.unwrap().contains(ORG));

    let build = |org: &str, token: &str| {
        ZohoDeskPort::builder()
            .base_url(server.base_url())
            .org_id(org)
            .access_token(token)
            .request_timeout(None)
            .retry_policy(RetryPolicy::none())
            .build()
            .unwrap()
    };
    let err = build("999", TOKEN).check_connection().await.unwrap_err();
    assert!(err.to_string().contains("organization `999`"), "{err}");
    assert!(err.to_string().contains("SUPPORT_ZOHODESK_ORG_ID"), "{err}");
    let err = build(ORG, "wrong").check_connection().await.unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::Unauthenticated);
    assert!(
        err.to_string().contains("rejected the credentials"),
        "{err}"
    );
    assert!(!format!("{err:?}").contains(TOKEN));
}

#[tokio::test]
async fn a_token_refusal_answered_with_200_names_the_refusal() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/oauth/v2/token");
            then.status(200).json_body(json!({"error": "invalid_code"}));
        })
        .await;
    let api = server
        .mock_async(|when, then| {
            when.path("/api/v1/myinfo");
            then.status(200).json_body(json!({"id": "3"}));
        })
        .await;
    let port = ZohoDeskPort::builder()
        .base_url(server.base_url())
        .org_id(ORG)
        .oauth(
            TokenSource::refresh_token("1000.CLIENT", "client-secret", "1000.refresh")
                .token_url(format!("{}/oauth/v2/token", server.base_url())),
        )
        .request_timeout(None)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = port.check_connection().await.unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::Unauthenticated);
    assert_eq!(err.code(), Some("invalid_code"));
    assert!(!format!("{err:?}").contains("1000.refresh"));
    api.assert_calls_async(0).await;
}

#[tokio::test(start_paused = true)]
async fn writes_send_zoho_fields_and_are_sent_once() {
    let server = MockServer::start_async().await;
    let id = ticket_id(7);
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v1/departments")
                .header("orgid", ORG);
            then.status(200).json_body(json!({"data": [
                {"id": "100", "name": "Old", "isEnabled": false},
                {"id": "200", "name": "Support", "isEnabled": true}
            ]}));
        })
        .await;
    let create = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v1/tickets")
                .header("orgid", ORG)
                .json_body(json!({"subject": "Printer on fire", "departmentId": "200",
                    "contact": {"email": "kim@example.com", "lastName": "Kim"},
                    "description": "It smokes.", "priority": "High"}));
            then.status(500)
                .json_body(json!({"errorCode": "INTERNAL_SERVER_ERROR",
                "message": "Oops"}));
        })
        .await;
    // The default retry policy: reads would be retried, a write that may have arrived is not.
    let port = ZohoDeskPort::builder()
        .base_url(server.base_url())
        .org_id(ORG)
        .access_token(TOKEN)
        .request_timeout(None)
        .build()
        .unwrap();
    let mut new = NewTicket::new("Printer on fire", "It smokes.");
    new.requester = Some(support_core::Requester::Email {
        email: "kim@example.com".into(),
        name: Some("Kim".into()),
    });
    new.priority = Some(Priority::High);
    let err = port.create_ticket(new).await.unwrap_err();
    assert_ne!(err.kind(), &ErrorKind::InvalidInput, "{err}");
    // A create the server may have received is never sent twice.
    create.assert_calls_async(1).await;

    let patch = server
        .mock_async(|when, then| {
            when.method(httpmock::Method::PATCH)
                .path(format!("/api/v1/tickets/{id}"))
                .header("orgid", ORG)
                .json_body(json!({"status": "On Hold", "priority": "Medium"}));
            then.status(200)
                .json_body(ticket(7, "2024-01-01T00:00:00.000Z"));
        })
        .await;
    let close = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v1/closeTickets")
                .header("orgid", ORG)
                .json_body(json!({"ids": [ticket_id(7)]}));
            then.status(200).json_body(
                json!({"results": [{"id": ticket_id(7), "success": true, "errors": null}]}),
            );
        })
        .await;
    let comment = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("/api/v1/tickets/{id}/comments"))
                .header("orgid", ORG)
                .json_body(
                    json!({"content": "Fixed.", "contentType": "plainText", "isPublic": true}),
                );
            then.status(200)
                .json_body(json!({"id": "55", "content": "Fixed.",
                "contentType": "plainText", "isPublic": true,
                "commentedTime": "2024-01-02T00:00:00.000Z", "commenterId": "3"}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(format!("/api/v1/tickets/{id}"));
            then.status(200)
                .json_body(ticket(7, "2024-01-01T00:00:00.000Z"));
        })
        .await;
    no_tags(&server).await;
    no_files(&server).await;
    let target = CanonicalId::new(PROVIDER, ObjectKind::Ticket, id.clone());
    port.update_ticket(
        &target,
        TicketUpdate::new()
            .with_status(TicketStatus::OnHold)
            .with_priority(Priority::Normal),
    )
    .await
    .unwrap();
    let options = CloseOptions::new().with_comment(NewComment::public("Fixed."));
    port.close_ticket(&target, options).await.unwrap();
    patch.assert_calls_async(1).await;
    close.assert_calls_async(1).await;
    comment.assert_calls_async(1).await;
    let err = port
        .create_tag(support_core::NewTag::new("vip"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::Unsupported);
}

/// A cap lower than 5,000 (it is not documented) is met as Zoho's 422 naming `from`: the walk
/// goes on with the search from the last creation time, once, and loses nothing.
#[tokio::test]
async fn a_lower_cap_met_as_a_422_switches_to_the_search() {
    const TOTAL: usize = 7;
    let server = MockServer::start_async().await;
    let refused = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v1/tickets")
                .query_param("from", "4");
            then.status(422)
                .json_body(json!({"errorCode": "UNPROCESSABLE_ENTITY",
                "message": "The value passed for the 'from' query parameter is invalid."}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v1/tickets")
                .query_param("from", "0");
            then.status(200).json_body(
                json!({"data": (1..=4).map(|n| ticket(n, &early(n))).collect::<Vec<_>>()}),
            );
        })
        .await;
    let search = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v1/tickets/search")
                .query_param("from", "0")
                .query_param_includes("createdTimeRange", "2024-01-01T00:00:03.000Z,");
            // The search window starts at the last ticket returned, which comes back again.
            then.status(200).json_body(
                json!({"data": (4..=TOTAL).map(|n| ticket(n, &early(n))).collect::<Vec<_>>(),
                "count": "4"}),
            );
        })
        .await;
    records(&server, early).await;
    no_tags(&server).await;
    let port = port(&server);
    let first = port
        .list_tickets(TicketQuery::new().with_limit(4))
        .await
        .unwrap();
    let second = port
        .list_tickets(
            TicketQuery::new()
                .with_limit(4)
                .with_cursor(first.next.unwrap()),
        )
        .await
        .unwrap();
    let ids: Vec<String> = first
        .items
        .iter()
        .chain(second.items.iter())
        .map(|t| t.id.external_id().to_owned())
        .collect();
    assert_eq!(ids, (1..=TOTAL).map(ticket_id).collect::<Vec<_>>());
    assert!(second.next.is_some(), "a full search page may have more");
    refused.assert_calls_async(1).await;
    search.assert_calls_async(1).await;
}

// ----- files -----

/// A multipart upload of one `file` part named `name` holding `content`, with the credentials.
fn is_upload_of(request: &HttpMockRequest, name: &str, content: &str) -> bool {
    let headers = request.headers();
    let header = |key: &str| {
        headers
            .get(key)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let body = request.body_string();
    header("content-type").is_some_and(|t| t.starts_with("multipart/form-data; boundary="))
        && header("authorization").as_deref() == Some(AUTH)
        && header("orgid").as_deref() == Some(ORG)
        && body.matches("Content-Disposition: form-data;").count() == 1
        && body.contains(&format!("name=\"file\"; filename=\"{name}\""))
        && body.contains(&format!("\r\n\r\n{content}\r\n--"))
}

/// `POST /api/v1/uploads` of `name`, answered as Zoho's Upload.json shows.
async fn upload_of<'a>(
    server: &'a MockServer,
    name: &'static str,
    content: &'static str,
    id: &'static str,
) -> httpmock::Mock<'a> {
    server
        .mock_async(move |when, then| {
            when.method(POST)
                .path("/api/v1/uploads")
                .is_true(move |r| is_upload_of(r, name, content));
            then.status(200).json_body(json!({
                "id": id, "name": name, "size": content.len().to_string(),
                "creatorId": "3", "createdTime": "2024-01-02T00:00:00.000Z", "isPublic": false,
                "previewurl": null,
                "href": format!("https://desk.zoho.com/api/v1/uploads/{id}/content"),
            }));
        })
        .await
}

#[tokio::test]
async fn a_comment_with_files_uploads_each_then_names_them() {
    let server = MockServer::start_async().await;
    let port = port(&server);
    let id = ticket_id(7);
    let first = upload_of(&server, "notes.txt", "hello", "1892000001008043").await;
    let second = upload_of(&server, "invoice.pdf", "%PDF-1.4", "1892000001008044").await;
    let href = format!(
        "{}/api/v1/tickets/{id}/comments/55/attachments/1892000001008043/content",
        server.base_url()
    );
    let comment = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("/api/v1/tickets/{id}/comments"))
                .header("orgid", ORG)
                .json_body(
                    json!({"content": "See attached.", "contentType": "plainText",
                    "isPublic": false,
                    "attachmentIds": ["1892000001008043", "1892000001008044"]}),
                );
            then.status(200)
                .json_body(json!({"id": "55", "content": "See attached.",
                "contentType": "plainText", "isPublic": false,
                "commentedTime": "2024-01-02T00:00:00.000Z", "commenterId": "3",
                "attachments": [
                    {"id": "1892000001008043", "name": "notes.txt", "size": "5", "href": href},
                    {"id": "1892000001008044", "name": "invoice.pdf", "size": "8",
                     "href": "https://desk.zoho.com/api/v1/x"}]}));
        })
        .await;
    let target = CanonicalId::new(PROVIDER, ObjectKind::Ticket, id.clone());
    let added = port
        .add_comment(
            &target,
            NewComment::internal("See attached.")
                .with_attachment(Upload::bytes("notes.txt", "text/plain", "hello"))
                .with_attachment(Upload::bytes("invoice.pdf", "application/pdf", "%PDF-1.4")),
        )
        .await
        .unwrap();
    first.assert_calls_async(1).await;
    second.assert_calls_async(1).await;
    comment.assert_calls_async(1).await;
    let files = &added.data.attachments;
    assert_eq!(files.len(), 2);
    assert_eq!(
        files[0].id.to_string(),
        "zohodesk:document:1892000001008043"
    );
    assert_eq!(files[0].title.as_deref(), Some("notes.txt"));
    assert_eq!(files[0].content_type.as_deref(), Some("text/plain"));
    assert_eq!(files[0].size, Some(5));
    assert_eq!(files[0].url.as_deref(), Some(href.as_str()));
    assert_eq!(files[1].content_type.as_deref(), Some("application/pdf"));
}

#[tokio::test]
async fn a_ticket_with_a_file_names_its_upload_and_lists_it_back() {
    let server = MockServer::start_async().await;
    let port = port(&server);
    let id = ticket_id(8);
    let upload = upload_of(&server, "photo.png", "PNG", "1892000001008050").await;
    let create = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v1/tickets")
                .header("orgid", ORG)
                .json_body(json!({"subject": "Broken", "departmentId": "200",
                    "contactId": "1892000000042032", "description": "See photo.",
                    "uploads": ["1892000001008050"]}));
            then.status(200)
                .json_body(ticket(8, "2024-01-01T00:00:00.000Z"));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(format!("/api/v1/tickets/{id}"));
            then.status(200)
                .json_body(ticket(8, "2024-01-01T00:00:00.000Z"));
        })
        .await;
    no_tags(&server).await;
    let files = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/api/v1/tickets/{id}/attachments"))
                .header("orgid", ORG)
                .query_param("from", "0")
                .query_param("limit", "100");
            then.status(200).json_body(json!({"data": [{
                "id": "1892000001008050", "name": "photo.png", "size": "3", "isPublic": false,
                "href": format!("https://desk.zoho.com/api/v1/tickets/{id}/attachments/1892000001008050/content"),
                "previewurl": null, "createdTime": "2024-01-01T00:00:00.000Z",
                "creator": {"id": "3"}}]}));
        })
        .await;
    let mut new = NewTicket::new("Broken", "See photo.").with_attachment(Upload::bytes(
        "photo.png",
        "image/png",
        "PNG",
    ));
    new.group = Some(CanonicalId::new(PROVIDER, ObjectKind::Group, "200"));
    new.requester = Some(support_core::Requester::Id(CanonicalId::new(
        PROVIDER,
        ObjectKind::Party,
        "1892000000042032",
    )));
    let created = port.create_ticket(new).await.unwrap();
    upload.assert_calls_async(1).await;
    create.assert_calls_async(1).await;
    assert_eq!(created.attachments.len(), 1);
    let file = &created.attachments[0];
    assert_eq!(file.id.to_string(), "zohodesk:document:1892000001008050");
    assert_eq!(file.kind, DocumentKind::Attachment);
    assert_eq!(file.title.as_deref(), Some("photo.png"));
    assert_eq!(file.content_type.as_deref(), Some("image/png"));
    assert_eq!(file.size, Some(3));
    let fetched = port
        .get_ticket(&TicketLookup::Id(created.id.clone()))
        .await
        .unwrap();
    assert_eq!(fetched.attachments, created.attachments);
    files.assert_calls_async(2).await;
}

/// An upload is a write: one that may have arrived is not sent again, and an error after some
/// uploads names them. No comment is written.
#[tokio::test(start_paused = true)]
async fn an_upload_is_sent_once_and_a_failure_names_the_files_uploaded() {
    let server = MockServer::start_async().await;
    // The default retry policy: a read would be retried, a write that may have arrived is not.
    let port = ZohoDeskPort::builder()
        .base_url(server.base_url())
        .org_id(ORG)
        .access_token(TOKEN)
        .request_timeout(None)
        .build()
        .unwrap();
    let id = ticket_id(7);
    let first = upload_of(&server, "a.txt", "aaa", "1892000001008061").await;
    let broken = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v1/uploads")
                .is_true(|r| is_upload_of(r, "b.txt", "bbb"));
            then.status(500)
                .json_body(json!({"errorCode": "INTERNAL_SERVER_ERROR", "message": "Oops"}));
        })
        .await;
    let comment = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("/api/v1/tickets/{id}/comments"));
            then.status(200).json_body(json!({"id": "55"}));
        })
        .await;
    let target = CanonicalId::new(PROVIDER, ObjectKind::Ticket, id.clone());
    let err = port
        .add_comment(
            &target,
            NewComment::public("Two files.")
                .with_attachment(Upload::bytes("a.txt", "text/plain", "aaa"))
                .with_attachment(Upload::bytes("b.txt", "text/plain", "bbb")),
        )
        .await
        .unwrap_err();
    first.assert_calls_async(1).await;
    broken.assert_calls_async(1).await;
    comment.assert_calls_async(0).await;
    let message = err.to_string();
    assert!(
        message.contains("`a.txt` (upload 1892000001008061)"),
        "{message}"
    );
    assert!(!message.contains(TOKEN), "{message}");

    // The comment refused after its uploads: the error says which files Zoho received.
    let server = MockServer::start_async().await;
    let port = ZohoDeskPort::builder()
        .base_url(server.base_url())
        .org_id(ORG)
        .access_token(TOKEN)
        .request_timeout(None)
        .build()
        .unwrap();
    let upload = upload_of(&server, "a.txt", "aaa", "1892000001008071").await;
    let refused = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("/api/v1/tickets/{id}/comments"));
            then.status(422)
                .json_body(json!({"errorCode": "INVALID_DATA",
                "message": "An invalid value was specified for attachmentIds"}));
        })
        .await;
    let err = port
        .add_comment(
            &target,
            NewComment::public("One file.").with_attachment(Upload::bytes(
                "a.txt",
                "text/plain",
                "aaa",
            )),
        )
        .await
        .unwrap_err();
    upload.assert_calls_async(1).await;
    refused.assert_calls_async(1).await;
    assert_eq!(err.kind(), &ErrorKind::InvalidInput, "{err}");
    assert!(
        err.to_string()
            .contains("`a.txt` (upload 1892000001008071)"),
        "{err}"
    );
}

fn file_at(url: String) -> Document {
    let mut file = Document::new(
        CanonicalId::new(PROVIDER, ObjectKind::Document, "1892000001008043"),
        DocumentKind::Attachment,
        Value::Null,
    );
    file.url = Some(url);
    file
}

/// A download on the API host carries the token and the organization; one elsewhere neither.
#[tokio::test]
async fn downloads_send_the_credentials_only_to_the_api_host() {
    let server = MockServer::start_async().await;
    let elsewhere = MockServer::start_async().await;
    let port = port(&server);
    let own = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v1/tickets/7/attachments/1892000001008043/content")
                .header("authorization", AUTH)
                .header("orgid", ORG);
            then.status(200)
                .header("content-type", "text/plain")
                .body("hello");
        })
        .await;
    let download = port
        .download_attachment(&file_at(format!(
            "{}/api/v1/tickets/7/attachments/1892000001008043/content",
            server.base_url()
        )))
        .await
        .unwrap();
    assert_eq!(download.content_type.as_deref(), Some("text/plain"));
    assert_eq!(download.bytes().await.unwrap().as_ref(), b"hello");
    own.assert_calls_async(1).await;

    // Anywhere else: neither the token nor the organization goes with the request (a request
    // carrying either matches no mock and fails).
    let foreign = elsewhere
        .mock_async(|when, then| {
            when.method(GET)
                .path("/file")
                .header_missing("authorization")
                .header_missing("orgid");
            then.status(200).body("public");
        })
        .await;
    let download = port
        .download_attachment(&file_at(format!("{}/file", elsewhere.base_url())))
        .await
        .unwrap();
    assert_eq!(download.bytes().await.unwrap().as_ref(), b"public");
    foreign.assert_calls_async(1).await;

    // A file refused by the API host is an error, not an empty download.
    let err = port
        .download_attachment(&file_at(format!(
            "{}/api/v1/tickets/7/attachments/404/content",
            server.base_url()
        )))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::NotFound, "{err}");
}

/// An upload Zoho refused for concurrency (429 `TOO_MANY_REQUESTS`: not processed) is sent again
/// with the same bytes once the wait is over; the comment then names it.
#[tokio::test(start_paused = true)]
async fn an_upload_refused_for_concurrency_is_sent_again() {
    let server = MockServer::start_async().await;
    let id = ticket_id(7);
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    server
        .mock_async(move |when, then| {
            when.method(POST)
                .path("/api/v1/uploads")
                .is_true(|r| is_upload_of(r, "a.txt", "aaa"));
            then.respond_with(move |_: &HttpMockRequest| -> HttpMockResponse {
                if counter.fetch_add(1, Ordering::SeqCst) == 0 {
                    http::Response::builder()
                        .status(429)
                        .header("retry-after", "2")
                        .header("content-type", "application/json")
                        .body(
                            json!({"errorCode": "TOO_MANY_REQUESTS",
                            "message": "You have made too many requests."})
                            .to_string(),
                        )
                        .unwrap()
                        .into()
                } else {
                    answer(
                        200,
                        Some(json!({"id": "1892000001008081", "name": "a.txt", "size": "3"})),
                    )
                }
            });
        })
        .await;
    let comment = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("/api/v1/tickets/{id}/comments"))
                .json_body(json!({"content": "One file.", "contentType": "plainText",
                    "isPublic": true, "attachmentIds": ["1892000001008081"]}));
            then.status(200)
                .json_body(json!({"id": "56", "content": "One file.",
                "contentType": "plainText", "isPublic": true,
                "attachments": [{"id": "1892000001008081", "name": "a.txt", "size": "3",
                    "href": "https://desk.zoho.com/api/v1/x"}]}));
        })
        .await;
    let port = ZohoDeskPort::builder()
        .base_url(server.base_url())
        .org_id(ORG)
        .access_token(TOKEN)
        .request_timeout(None)
        .build()
        .unwrap();
    let target = CanonicalId::new(PROVIDER, ObjectKind::Ticket, id.clone());
    let added = port
        .add_comment(
            &target,
            NewComment::public("One file.").with_attachment(Upload::bytes(
                "a.txt",
                "text/plain",
                "aaa",
            )),
        )
        .await
        .unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    comment.assert_calls_async(1).await;
    assert_eq!(added.data.attachments.len(), 1);
}

/// Files go only where the adapter can send them: a comment with an author is refused before
/// anything is uploaded.
#[tokio::test]
async fn a_refused_comment_uploads_nothing() {
    let server = MockServer::start_async().await;
    let uploads = server
        .mock_async(|when, then| {
            when.method(POST).path("/api/v1/uploads");
            then.status(200).json_body(json!({"id": "1"}));
        })
        .await;
    let port = port(&server);
    let target = CanonicalId::new(PROVIDER, ObjectKind::Ticket, ticket_id(7));
    let mut comment =
        NewComment::public("").with_attachment(Upload::bytes("a.txt", "text/plain", "aaa"));
    let err = port
        .add_comment(&target, comment.clone())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::InvalidInput, "{err}");
    comment.body = support_core::Body::text("Hi");
    comment.author = Some(CanonicalId::new(PROVIDER, ObjectKind::Party, "3"));
    let err = port.add_comment(&target, comment).await.unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::InvalidInput, "{err}");
    uploads.assert_calls_async(0).await;
}

/// A department whose tags fill every page `from` can reach is an error naming it, not a list
/// that silently stops at 5,000 tags.
#[tokio::test]
async fn tags_past_the_from_cap_of_a_department_are_an_error_not_a_shorter_list() {
    use support_core::TagQuery;
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v1/departments");
            then.status(200)
                .json_body(json!({"data": [{"id": "7001", "name": "Support", "isEnabled": true}]}));
        })
        .await;
    let full_pages = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v1/ticketTags")
                .query_param("departmentId", "7001");
            let tags: Vec<Value> = (0..100)
                .map(|n| json!({"id": format!("9{n:04}"), "name": format!("tag-{n:03}")}))
                .collect();
            then.status(200).json_body(json!({ "data": tags }));
        })
        .await;
    let err = port(&server)
        .list_tags(TagQuery::default())
        .await
        .unwrap_err();
    assert!(
        err.message()
            .is_some_and(|m| m.contains("7001") && m.contains("5000")),
        "{err}"
    );
    assert_eq!(full_pages.calls_async().await, 50);
}
