//! What Freshdesk is sent and what the adapter accepts back, checked against a contract mock.

use httpmock::prelude::*;
use serde_json::json;
use support_core::{
    ArticleQuery, CanonicalId, ErrorKind, FieldValue, ObjectKind, SupportPort, SupportPortExt,
    TicketLookup, TicketQuery, TicketUpdate,
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
        (category.canonical, &*category.native),
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
                .map(|k| (k.canonical.clone(), k.native.to_string()))
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

fn conversation(id: i64, private: bool) -> serde_json::Value {
    json!({"id": id, "body": "<div>see attached</div>", "body_text": "see attached",
           "incoming": false, "private": private, "user_id": 5, "source": if private { 2 } else { 0 },
           "created_at": "2026-01-05T08:00:00Z",
           "attachments": [{"id": 77, "name": "log.txt", "content_type": "text/plain", "size": 9,
                            "attachment_url": "https://files.example.com/log.txt?sig=1"}]})
}

/// A reply with files is `multipart/form-data`: the JSON body's fields as form fields, each file
/// an `attachments[]` part with its name and type.
#[tokio::test]
async fn a_reply_with_files_is_a_multipart_form() {
    use support_core::{NewComment, Upload};
    let server = MockServer::start_async().await;
    let reply = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v2/tickets/7/reply")
                .header_matches("content-type", "^multipart/form-data; boundary=.+$")
                .header_exists("authorization")
                .body_includes("Content-Disposition: form-data; name=\"body\"\r\n\r\n<div>see attached</div>\r\n")
                .body_includes("Content-Disposition: form-data; name=\"cc_emails[]\"\r\n\r\nboss@example.com\r\n")
                .body_includes("Content-Disposition: form-data; name=\"attachments[]\"; filename=\"log.txt\"\r\nContent-Type: text/plain\r\n\r\nline one\n\r\n")
                .body_includes("Content-Disposition: form-data; name=\"attachments[]\"; filename=\"shot.png\"\r\nContent-Type: image/png\r\n\r\nPNG\r\n");
            then.status(201).json_body(conversation(9, false));
        })
        .await;
    let comment = NewComment::public("see attached")
        .with_cc("boss@example.com")
        .with_attachment(Upload::bytes("log.txt", "text/plain", "line one\n"))
        .with_attachment(Upload::bytes("shot.png", "image/png", "PNG"));
    let ticket = CanonicalId::new("freshdesk", ObjectKind::Ticket, "7");
    let added = port(&server).add_comment(&ticket, comment).await.unwrap();
    reply.assert_async().await;
    assert_eq!(added.data.attachments[0].title.as_deref(), Some("log.txt"));
}

/// A private note with a streamed file, and a new ticket with a file, are forms too.
#[tokio::test]
async fn notes_and_new_tickets_take_files_streamed_or_not() {
    use support_core::{NewComment, NewTicket, Requester, Upload};
    let server = MockServer::start_async().await;
    let note = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v2/tickets/7/notes")
                .header_matches("content-type", "^multipart/form-data")
                .body_includes("name=\"private\"\r\n\r\ntrue\r\n")
                .body_includes("filename=\"big.bin\"\r\nContent-Type: application/octet-stream\r\n\r\nabcdef\r\n");
            then.status(201).json_body(conversation(10, true));
        })
        .await;
    let create = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v2/tickets")
                .header_matches("content-type", "^multipart/form-data")
                .body_includes("name=\"subject\"\r\n\r\nPrinter\r\n")
                .body_includes("name=\"email\"\r\n\r\ndana@example.com\r\n")
                .body_includes("name=\"status\"\r\n\r\n2\r\n")
                .body_includes("name=\"tags[]\"\r\n\r\nhw\r\n")
                .body_includes(
                    "filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF\r\n",
                );
            then.status(201).json_body(ticket(12));
        })
        .await;
    let port = port(&server);
    let chunks = futures::stream::iter(vec![
        Ok(bytes::Bytes::from_static(b"abc")),
        Ok(bytes::Bytes::from_static(b"def")),
    ]);
    let ticket = CanonicalId::new("freshdesk", ObjectKind::Ticket, "7");
    port.add_comment(
        &ticket,
        NewComment::internal("see attached").with_attachment(Upload::stream(
            "big.bin",
            "application/octet-stream",
            6,
            chunks,
        )),
    )
    .await
    .unwrap();
    note.assert_async().await;
    let mut new = NewTicket::new("Printer", "It jams").with_attachment(Upload::bytes(
        "a.pdf",
        "application/pdf",
        "%PDF",
    ));
    new.requester = Some(Requester::Email {
        email: "dana@example.com".into(),
        name: None,
    });
    new.tags = vec!["hw".into()];
    let created = port.create_ticket(new).await.unwrap();
    create.assert_async().await;
    assert_eq!(created.id.external_id(), "12");
}

/// Files over Freshdesk's 20 MB per write are refused before anything is sent.
#[tokio::test]
async fn files_over_the_limit_send_nothing() {
    use support_core::{NewComment, Upload};
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(201).json_body(conversation(9, false));
        })
        .await;
    let half = support_freshdesk::UPLOAD_LIMIT / 2 + 1;
    let comment = NewComment::public("two halves")
        .with_attachment(Upload::stream(
            "a",
            "text/plain",
            half,
            futures::stream::empty(),
        ))
        .with_attachment(Upload::stream(
            "b",
            "text/plain",
            half,
            futures::stream::empty(),
        ));
    let ticket = CanonicalId::new("freshdesk", ObjectKind::Ticket, "7");
    let error = port(&server)
        .add_comment(&ticket, comment)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::InvalidInput, "{error}");
    assert!(error.to_string().contains("20971520"), "{error}");
    any.assert_calls_async(0).await;
}

/// An attachment is streamed from its `attachment_url`, a signed storage URL on another host,
/// which gets no credentials.
#[tokio::test]
async fn attachments_download_from_their_signed_url_without_the_api_key() {
    use support_core::{Document, DocumentKind, Operation, Support};
    let account = MockServer::start_async().await;
    let storage = MockServer::start_async().await;
    let file = storage
        .mock_async(|when, then| {
            when.method(GET)
                .path("/files/log.txt")
                .query_param("sig", "1")
                .header_missing("authorization");
            then.status(200)
                .header("content-type", "text/plain")
                .body("line one\n");
        })
        .await;
    let port = port(&account);
    assert_eq!(
        port.capabilities().support(Operation::DownloadAttachment),
        &Support::Native
    );
    let mut doc = Document::new(
        CanonicalId::new("freshdesk", ObjectKind::Document, "77"),
        DocumentKind::Attachment,
        json!(null),
    );
    doc.url = Some(storage.url("/files/log.txt?sig=1"));
    let download = port.download_attachment(&doc).await.unwrap();
    assert_eq!(download.content_type.as_deref(), Some("text/plain"));
    assert_eq!(download.bytes().await.unwrap(), "line one\n");
    file.assert_async().await;
    doc.url = None;
    let error = port.download_attachment(&doc).await.unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::InvalidInput);
}

/// A reply with files in memory is sent again after a 429 (Freshdesk did not process it); one with
/// a streamed file cannot be, and is sent once.
#[tokio::test(start_paused = true)]
async fn throttled_file_writes_are_repeated_only_with_files_in_memory() {
    use support_core::{NewComment, Upload};
    let server = MockServer::start_async().await;
    let throttled = server
        .mock_async(|when, then| {
            when.method(POST).path("/api/v2/tickets/7/reply");
            then.status(429)
                .header("retry-after", "1")
                .json_body(json!({"code": "rate_limited", "message": "slow down"}));
        })
        .await;
    // The paused clock would run a request timeout out while the loopback server answers.
    let port = FreshdeskPort::builder()
        .base_url(server.url("/api/v2"))
        .api_key("key")
        .request_timeout(None)
        .build()
        .unwrap();
    let ticket = CanonicalId::new("freshdesk", ObjectKind::Ticket, "7");
    let streamed = NewComment::public("x").with_attachment(Upload::stream(
        "s.txt",
        "text/plain",
        3,
        futures::stream::iter(vec![Ok(bytes::Bytes::from_static(b"abc"))]),
    ));
    let error = port.add_comment(&ticket, streamed).await.unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::RateLimited { .. }),
        "{error}"
    );
    throttled.assert_calls_async(1).await;
    let in_memory =
        NewComment::public("x").with_attachment(Upload::bytes("m.txt", "text/plain", "abc"));
    let error = port.add_comment(&ticket, in_memory).await.unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::RateLimited { .. }),
        "{error}"
    );
    assert!(throttled.calls_async().await > 2, "repeated after the 429");
}

fn listed_ticket(id: i64, status: i64, updated_at: &str) -> serde_json::Value {
    json!({"id": id, "subject": "s", "status": status, "priority": 1, "source": 2,
           "created_at": "2026-01-05T08:00:00Z", "updated_at": updated_at})
}

/// Notes, in order, which requests the server received.
#[derive(Clone, Default)]
struct Order(std::sync::Arc<std::sync::Mutex<Vec<&'static str>>>);

impl Order {
    fn noting(&self, name: &'static str) -> impl Fn(&HttpMockRequest) -> bool + 'static {
        let order = self.0.clone();
        move |_| {
            order.lock().unwrap().push(name);
            true
        }
    }

    fn seen(&self) -> Vec<&'static str> {
        self.0.lock().unwrap().clone()
    }
}

async fn serve_statuses(server: &MockServer, order: &Order) {
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v2/ticket_fields")
                .is_true(order.noting("ticket fields"));
            then.status(200).json_body(json!([{
                "id": 1, "name": "status", "type": "default_status",
                "choices": {"2": ["Open", "Being Processed"], "7": ["Waiting on Finance", "Awaiting"]}
            }]));
        })
        .await;
}

/// A ticket listing asks for the next page as soon as a page's `Link` header and last tickets say
/// where it is, before the page's tickets are mapped: the custom status the first page's ticket needs is read after the second page was asked for;
/// the second page has no `Link` (the last), so it is read whole when it arrives, and its broken
/// ticket is an error after the tickets before it.
#[tokio::test]
async fn a_ticket_listing_asks_for_the_next_page_before_mapping_this_one() {
    use futures::StreamExt;

    let server = MockServer::start_async().await;
    let order = Order::default();
    serve_statuses(&server, &order).await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v2/tickets")
                .query_param("page", "1")
                .query_param("order_by", "updated_at")
                .query_param("order_type", "asc")
                .is_true(order.noting("page 1"));
            then.status(200)
                .header(
                    "link",
                    format!("<{}>; rel=\"next\"", server.url("/api/v2/tickets?page=2")),
                )
                .json_body(json!([
                    listed_ticket(1, 7, "2026-01-05T08:00:00Z"),
                    listed_ticket(2, 2, "2026-01-05T09:00:00Z")
                ]));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v2/tickets")
                .query_param("page", "2")
                .is_true(order.noting("page 2"));
            then.status(200).body(
                r#"[{"id": 3, "status": 2, "updated_at": "2026-01-05T10:00:00Z"}, {"id": 4, "status": ]"#,
            );
        })
        .await;
    let port = port(&server);
    let mut tickets = port.tickets(TicketQuery::new().with_limit(2));
    let first = tickets.next().await.unwrap().unwrap();
    assert_eq!(first.status.native, "Waiting on Finance");
    assert_eq!(order.seen(), ["page 1", "page 2", "ticket fields"]);
    let second = tickets.next().await.unwrap().unwrap();
    assert_eq!(second.id.external_id(), "2");
    let broken = tickets.next().await.unwrap().unwrap_err();
    assert_eq!(broken.kind(), &ErrorKind::Decode);
    assert!(tickets.next().await.is_none());
}

/// A full page without a `Link` header still leads to the next page, and a page whose last
/// tickets cannot be read from the end is read whole before the next is asked for: either way
/// nothing is lost, and each page is asked for once.
#[tokio::test]
async fn pages_that_do_not_say_where_the_next_is_are_read_whole_first() {
    use futures::StreamExt;

    let server = MockServer::start_async().await;
    let order = Order::default();
    serve_statuses(&server, &order).await;
    let next = |page: u32| {
        format!(
            "<{}>; rel=\"next\"",
            server.url(format!("/api/v2/tickets?page={page}"))
        )
    };
    let first = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v2/tickets")
                .query_param("page", "1")
                .is_true(order.noting("page 1"));
            // Full, without a Link.
            then.status(200).json_body(json!([
                listed_ticket(1, 2, "2026-01-05T08:00:00Z"),
                listed_ticket(2, 7, "2026-01-05T09:00:00Z")
            ]));
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v2/tickets")
                .query_param("page", "2")
                .is_true(order.noting("page 2"));
            // A Link, but the last ticket's update time is not one.
            then.status(200).header("link", next(3)).json_body(json!([
                listed_ticket(3, 7, "2026-01-05T10:00:00Z"),
                {"id": 4, "status": 2, "updated_at": {"not": "a time"}}
            ]));
        })
        .await;
    let third = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v2/tickets")
                .query_param("page", "3")
                .is_true(order.noting("page 3"));
            then.status(200)
                .json_body(json!([listed_ticket(5, 2, "2026-01-05T11:00:00Z")]));
        })
        .await;
    let port = port(&server);
    let tickets: Vec<_> = port
        .tickets(TicketQuery::new().with_limit(2))
        .collect()
        .await;
    let ids: Vec<String> = tickets
        .into_iter()
        .map(|t| t.unwrap().id.external_id().to_owned())
        .collect();
    assert_eq!(ids, ["1", "2", "3", "4", "5"]);
    assert_eq!(
        order.seen(),
        ["page 1", "ticket fields", "page 2", "page 3"],
        "each page mapped before the next was asked for"
    );
    for mock in [first, second, third] {
        mock.assert_calls_async(1).await;
    }
}

/// Custom statuses are labelled on every page of a listing, from one read of the ticket fields:
/// a page is mapped with the labels already at hand, and the labels are read only when a page
/// needs them and none are; a listing without custom statuses never reads them.
#[tokio::test]
async fn custom_statuses_are_labelled_on_every_page_from_one_read_of_the_labels() {
    use futures::StreamExt;

    let server = MockServer::start_async().await;
    let order = Order::default();
    serve_statuses(&server, &order).await;
    let pages = [
        vec![(1, 2), (2, 2)],
        vec![(3, 7), (4, 2)],
        vec![(5, 7), (6, 7)],
        vec![(7, 2)],
    ];
    for (at, tickets) in pages.iter().enumerate() {
        let page = at + 1;
        let body: Vec<serde_json::Value> = tickets
            .iter()
            .map(|&(id, status)| {
                listed_ticket(id, status, &format!("2026-01-05T{:02}:00:00Z", 7 + id))
            })
            .collect();
        let link = (page < pages.len()).then(|| {
            format!(
                "<{}>; rel=\"next\"",
                server.url(format!("/api/v2/tickets?page={}", page + 1))
            )
        });
        server
            .mock_async(|when, then| {
                when.method(GET)
                    .path("/api/v2/tickets")
                    .query_param("page", page.to_string());
                let then = then.status(200);
                match link {
                    Some(link) => then.header("link", link).json_body(json!(body)),
                    None => then.json_body(json!(body)),
                };
            })
            .await;
    }
    let statuses: Vec<(String, String)> = port(&server)
        .tickets(TicketQuery::new().with_limit(2))
        .map(|t| {
            let t = t.unwrap();
            (t.id.external_id().to_owned(), t.status.native.into_owned())
        })
        .collect()
        .await;
    let custom = "Waiting on Finance".to_owned();
    let open = "2".to_owned();
    assert_eq!(
        statuses,
        [
            ("1".to_owned(), open.clone()),
            ("2".to_owned(), open.clone()),
            ("3".to_owned(), custom.clone()),
            ("4".to_owned(), open.clone()),
            ("5".to_owned(), custom.clone()),
            ("6".to_owned(), custom),
            ("7".to_owned(), open),
        ]
    );
    assert_eq!(
        order.seen(),
        ["ticket fields"],
        "read once, when the second page needed it"
    );

    // Built-in statuses only: the labels are never read.
    let quiet = MockServer::start_async().await;
    let fields = quiet
        .mock_async(|when, then| {
            when.method(GET).path("/api/v2/ticket_fields");
            then.status(500);
        })
        .await;
    quiet
        .mock_async(|when, then| {
            when.method(GET).path("/api/v2/tickets");
            then.status(200).json_body(json!([
                listed_ticket(1, 2, "2026-01-05T08:00:00Z"),
                listed_ticket(2, 5, "2026-01-05T09:00:00Z")
            ]));
        })
        .await;
    let listed = port(&quiet)
        .tickets(TicketQuery::new().with_limit(5))
        .collect::<Vec<_>>()
        .await;
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().all(Result::is_ok));
    fields.assert_calls_async(0).await;
}
