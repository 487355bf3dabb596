//! The whole ticket against a contract mock: ticket types and SLA clocks, comment authors and
//! attachments, files uploaded for a token before the comment that carries them, and downloads.

use chrono::{TimeZone, Utc};
use httpmock::prelude::*;
use serde_json::json;
use support_core::{
    CanonicalId, Mapped, ObjectKind, SlaClock, SupportPort, TicketCategory, TicketLookup,
    TicketQuery,
};
use support_zendesk::ZendeskPort;

fn port(server: &MockServer) -> ZendeskPort {
    ZendeskPort::builder()
        .base_url(server.base_url())
        .api_token("agent@example.com", "zd-api-t0ken")
        .build()
        .unwrap()
}

fn ticket_id(id: &str) -> CanonicalId {
    CanonicalId::new("zendesk", ObjectKind::Ticket, id)
}

#[tokio::test]
async fn a_ticket_reads_its_type_and_sla_clocks_from_the_slas_sideload() {
    let server = MockServer::start_async().await;
    let show = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v2/tickets/7")
                .query_param("include", "slas");
            then.status(200).json_body(json!({"ticket": {
                "id": 7, "status": "open", "type": "incident",
                "slas": {"policy_metrics": [
                    {"breach_at": "2026-01-05T09:00:00Z", "stage": "achieved", "metric": "first_reply_time", "days": -3},
                    {"breach_at": "2026-01-06T10:30:00Z", "stage": "active", "metric": "next_reply_time", "hours": 2},
                    {"breach_at": null, "stage": "paused", "metric": "agent_work_time", "minutes": 0}
                ]}
            }}));
        })
        .await;
    let ticket = port(&server)
        .get_ticket(&TicketLookup::Id(ticket_id("7")))
        .await
        .unwrap();
    show.assert_async().await;
    assert_eq!(
        ticket.category,
        Some(Mapped::new(TicketCategory::Incident, "incident"))
    );
    let sla = ticket.sla.expect("the sideload's clocks");
    assert_eq!(
        sla.first_response,
        Some(
            SlaClock::due(Some(Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap()))
                .with_achieved(Some(true))
        )
    );
    assert_eq!(
        sla.next_response,
        Some(
            SlaClock::due(Some(Utc.with_ymd_and_hms(2026, 1, 6, 10, 30, 0).unwrap()))
                .with_achieved(Some(false))
        )
    );
    // Zendesk reports no breach flag, no resolution clock, no policy id and no escalation here.
    assert_eq!(sla.first_response.unwrap().breached, None);
    assert_eq!(
        (sla.resolution, sla.policy, sla.escalated),
        (None, None, None)
    );
    // Zendesk records no resolution text, and the ticket object has no solved or closed time.
    assert_eq!(
        (ticket.resolution, ticket.resolved_at, ticket.closed_at),
        (None, None, None)
    );
}

#[tokio::test]
async fn listed_tickets_keep_unknown_types_and_a_null_type_is_no_category() {
    let server = MockServer::start_async().await;
    let list = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v2/tickets")
                .query_param("include", "slas");
            then.status(200).json_body(json!({
                "tickets": [
                    {"id": 1, "status": "open", "type": "question"},
                    {"id": 2, "status": "open", "type": null, "slas": {"policy_metrics": []}},
                    {"id": 3, "status": "open", "type": "change_request"}
                ],
                "meta": {"has_more": false, "after_cursor": null}
            }));
        })
        .await;
    let page = port(&server)
        .list_tickets(TicketQuery::new())
        .await
        .unwrap();
    list.assert_async().await;
    let categories: Vec<_> = page.items.iter().map(|t| t.category.clone()).collect();
    assert_eq!(
        categories,
        vec![
            Some(Mapped::new(TicketCategory::Question, "question")),
            None,
            Some(Mapped::new(
                TicketCategory::Other("change_request".into()),
                "change_request"
            )),
        ]
    );
    // An empty sideload is no SLA state at all.
    assert!(page.items.iter().all(|t| t.sla.is_none()));
}

#[tokio::test]
async fn one_zendesk_type_is_searched_for_and_other_categories_are_matched_here() {
    let server = MockServer::start_async().await;
    let search = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v2/search/export")
                .query_param("query", "ticket_type:incident")
                .query_param("filter[type]", "ticket");
            then.status(200).json_body(json!({
                "results": [{"id": 4, "status": "open", "type": "incident", "result_type": "ticket"}],
                "meta": {"has_more": false, "after_cursor": null}
            }));
        })
        .await;
    let port = port(&server);
    let incidents = port
        .list_tickets(TicketQuery::new().with_category(TicketCategory::Incident))
        .await
        .unwrap();
    search.assert_async().await;
    assert_eq!(incidents.items.len(), 1);

    // Billing is no Zendesk type: the plain listing is filtered here.
    let list = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v2/tickets");
            then.status(200).json_body(json!({
                "tickets": [{"id": 1, "status": "open", "type": "question"}, {"id": 2, "status": "open", "type": null}],
                "meta": {"has_more": false, "after_cursor": null}
            }));
        })
        .await;
    let questions_or_billing = port
        .list_tickets(
            TicketQuery::new()
                .with_category(TicketCategory::Question)
                .with_category(TicketCategory::Billing),
        )
        .await
        .unwrap();
    list.assert_async().await;
    let ids: Vec<_> = questions_or_billing
        .items
        .iter()
        .map(|t| t.id.external_id().to_owned())
        .collect();
    assert_eq!(ids, vec!["1"]);
}

#[tokio::test]
async fn comment_authors_come_from_the_sideloaded_users_and_rules_are_the_system() {
    let server = MockServer::start_async().await;
    let list = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v2/tickets/7/comments")
                .query_param("include", "users");
            then.status(200).json_body(json!({
                "comments": [
                    {"id": 1, "author_id": 401, "body": "My printer", "public": true, "via": {"channel": "email"},
                     "attachments": [{"id": 91, "file_name": "photo.jpg", "content_type": "image/jpeg", "size": 2048,
                                      "content_url": "https://acme.zendesk.com/attachments/token/abc/?name=photo.jpg"}]},
                    {"id": 2, "author_id": 301, "body": "On it", "public": true, "via": {"channel": "web"}},
                    {"id": 3, "author_id": 302, "body": "Escalating", "public": false, "via": {"channel": "api"}},
                    {"id": 4, "author_id": 301, "body": "Auto-reply", "public": true, "via": {"channel": "rule"}},
                    {"id": 5, "author_id": 999, "body": "Who?", "public": true}
                ],
                "users": [
                    {"id": 401, "role": "end-user"}, {"id": 301, "role": "agent"}, {"id": 302, "role": "admin"}
                ],
                "meta": {"has_more": false, "after_cursor": null}
            }));
        })
        .await;
    let page = port(&server)
        .list_comments(&ticket_id("7"), support_core::CommentQuery::new())
        .await
        .unwrap();
    list.assert_async().await;
    let kinds: Vec<_> = page
        .items
        .iter()
        .map(|c| c.data.author_kind.clone())
        .collect();
    use support_core::AuthorKind;
    assert_eq!(
        kinds,
        vec![
            Some(Mapped::new(AuthorKind::Customer, "end-user")),
            Some(Mapped::new(AuthorKind::Agent, "agent")),
            Some(Mapped::new(AuthorKind::Agent, "admin")),
            Some(Mapped::new(AuthorKind::System, "rule")),
            // An author the page did not sideload: unknown, never guessed.
            None,
        ]
    );
    let file = &page.items[0].data.attachments[0];
    assert_eq!(file.title.as_deref(), Some("photo.jpg"));
    assert_eq!(file.content_type.as_deref(), Some("image/jpeg"));
    assert_eq!(file.size, Some(2048));
    assert_eq!(
        file.url.as_deref(),
        Some("https://acme.zendesk.com/attachments/token/abc/?name=photo.jpg")
    );
}

fn upload_answer(token: &str, id: i64, name: &str) -> serde_json::Value {
    json!({"upload": {"token": token, "expires_at": "2026-01-08T08:00:00Z",
        "attachment": {"id": id, "file_name": name}, "attachments": [{"id": id, "file_name": name}]}})
}

fn comment_answer() -> serde_json::Value {
    json!({"ticket": {"id": 7, "status": "open"}, "audit": {"id": 70, "created_at": "2026-01-05T08:00:00Z",
        "events": [{"id": 650, "type": "Comment", "author_id": 301, "body": "Logs attached", "public": true,
                    "attachments": [{"id": 91, "file_name": "install.log", "content_type": "text/plain", "size": 11,
                                     "content_url": "https://acme.zendesk.com/attachments/token/t1/?name=install.log"}]}]}})
}

#[tokio::test]
async fn files_are_uploaded_under_one_token_before_the_comment_that_names_it() {
    let server = MockServer::start_async().await;
    let first = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v2/uploads")
                .query_param("filename", "install.log")
                .query_param_missing("token")
                .header("content-type", "text/plain")
                .body("step 1: ok\n");
            then.status(201)
                .json_body(upload_answer("t1", 91, "install.log"));
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v2/uploads")
                .query_param("filename", "screen shot.png")
                .query_param("token", "t1")
                .header("content-type", "image/png")
                .body("fake png");
            then.status(201)
                .json_body(upload_answer("t1", 92, "screen shot.png"));
        })
        .await;
    let update = server
        .mock_async(|when, then| {
            when.method(PUT)
                .path("/api/v2/tickets/7")
                .json_body_includes(r#"{"ticket": {"comment": {"uploads": ["t1"]}}}"#)
                .json_body_includes(
                    r#"{"ticket": {"comment": {"body": "Logs attached", "public": true}}}"#,
                );
            then.status(200).json_body(comment_answer());
        })
        .await;
    let added = port(&server)
        .add_comment(
            &ticket_id("7"),
            support_core::NewComment::public("Logs attached")
                .with_attachment(support_core::Upload::bytes(
                    "install.log",
                    "text/plain",
                    "step 1: ok\n",
                ))
                .with_attachment(support_core::Upload::bytes(
                    "screen shot.png",
                    "image/png",
                    "fake png",
                )),
        )
        .await
        .unwrap();
    first.assert_async().await;
    second.assert_async().await;
    update.assert_async().await;
    assert_eq!(
        added.data.attachments[0].title.as_deref(),
        Some("install.log")
    );
}

#[tokio::test]
async fn a_new_ticket_carries_its_files_on_the_opening_comment() {
    let server = MockServer::start_async().await;
    let upload = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v2/uploads")
                .query_param("filename", "invoice.pdf")
                .header("content-type", "application/pdf")
                .body("%PDF-1.4");
            then.status(201)
                .json_body(upload_answer("tk", 93, "invoice.pdf"));
        })
        .await;
    let create = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v2/tickets")
                .json_body_includes(r#"{"ticket": {"subject": "Invoice", "comment": {"body": "See the invoice", "uploads": ["tk"]}}}"#);
            then.status(201)
                .json_body(json!({"ticket": {"id": 8, "status": "new", "subject": "Invoice"}}));
        })
        .await;
    let ticket = port(&server)
        .create_ticket(
            support_core::NewTicket::new("Invoice", "See the invoice").with_attachment(
                support_core::Upload::bytes("invoice.pdf", "application/pdf", "%PDF-1.4"),
            ),
        )
        .await
        .unwrap();
    upload.assert_async().await;
    create.assert_async().await;
    assert_eq!(ticket.id.external_id(), "8");
}

#[tokio::test]
async fn a_file_over_zendesks_limit_sends_nothing() {
    let server = MockServer::start_async().await;
    let anything = server
        .mock_async(|_when, then| {
            then.status(500);
        })
        .await;
    let port = port(&server);
    assert_eq!(
        port.capabilities().upload_limits().and_then(|l| l.per_file),
        Some(50 * 1024 * 1024)
    );
    // Declared one byte over 50 MB: refused from its length, before a byte is read.
    let huge = support_core::Upload::stream(
        "dump.bin",
        "application/octet-stream",
        50 * 1024 * 1024 + 1,
        futures::stream::empty(),
    );
    let error = port
        .add_comment(
            &ticket_id("7"),
            support_core::NewComment::public("The dump").with_attachment(huge),
        )
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &support_core::ErrorKind::InvalidInput);
    assert!(error.to_string().contains("dump.bin"), "{error}");
    anything.assert_calls_async(0).await;
}

#[tokio::test]
async fn a_failed_upload_is_not_retried_and_no_comment_is_sent() {
    let server = MockServer::start_async().await;
    let upload = server
        .mock_async(|when, then| {
            when.method(POST).path("/api/v2/uploads");
            then.status(503).body("busy");
        })
        .await;
    let update = server
        .mock_async(|when, then| {
            when.method(PUT).path("/api/v2/tickets/7");
            then.status(200).json_body(comment_answer());
        })
        .await;
    let error = port(&server)
        .add_comment(
            &ticket_id("7"),
            support_core::NewComment::public("Logs attached").with_attachment(
                support_core::Upload::bytes("install.log", "text/plain", "step 1: ok\n"),
            ),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(error.kind(), support_core::ErrorKind::Provider { .. }),
        "{error}"
    );
    // A write Zendesk may have taken is not repeated blindly.
    upload.assert_calls_async(1).await;
    update.assert_calls_async(0).await;
}

#[tokio::test]
async fn an_attachment_downloads_from_its_content_url_with_the_credentials() {
    let server = MockServer::start_async().await;
    let file = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/attachments/token/abc/")
                .query_param("name", "invoice.pdf")
                .header_exists("authorization");
            then.status(200)
                .header("content-type", "application/pdf")
                .body("%PDF-1.4 invoice");
        })
        .await;
    let port = port(&server);
    assert_eq!(
        port.capabilities()
            .support(support_core::Operation::DownloadAttachment),
        &support_core::Support::Native
    );
    let mut attachment = support_core::Document::new(
        CanonicalId::new("zendesk", ObjectKind::Document, "91"),
        support_core::DocumentKind::Attachment,
        json!(null),
    );
    attachment.url = Some(server.url("/attachments/token/abc/?name=invoice.pdf"));
    let download = port.download_attachment(&attachment).await.unwrap();
    assert_eq!(download.content_type.as_deref(), Some("application/pdf"));
    assert_eq!(download.bytes().await.unwrap(), "%PDF-1.4 invoice");
    file.assert_async().await;

    attachment.url = None;
    let error = port.download_attachment(&attachment).await.unwrap_err();
    assert_eq!(error.kind(), &support_core::ErrorKind::InvalidInput);
}
