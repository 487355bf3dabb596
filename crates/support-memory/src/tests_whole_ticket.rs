//! Categories, resolution times, SLA clocks, author kinds and attachments: seeded, written, read
//! back and downloaded.

use bytes::Bytes;
use chrono::{TimeZone, Utc};
use serde_json::Value;
use support_core::{
    AuthorKind, CanonicalId, CloseOptions, Comment, CommentQuery, CommentRef, Document,
    DocumentKind, ErrorKind, ExternalObjectRef, Filter, Mapped, NewComment, NewTicket, ObjectKind,
    Operation, Party, PartyRole, Requester, SlaClock, Support, SupportPort, Ticket, TicketCategory,
    TicketLookup, TicketQuery, TicketSla, TicketStatus, TicketUpdate, Upload, Visibility,
};

use crate::{DEFAULT_UPLOAD_LIMIT, MemoryPort, MemoryPortBuilder, id};

const INVOICE: &[u8] = b"%PDF-1.4\n% invoice\n%%EOF\n";

fn party(external: &str, role: PartyRole) -> Party {
    Party::new(id(ObjectKind::Party, external), role, Value::Null)
}

fn ticket(external: &str, status: TicketStatus, category: Option<TicketCategory>) -> Ticket {
    let native = status.to_string();
    let mut ticket = Ticket::new(
        id(ObjectKind::Ticket, external),
        Mapped::new(status, native),
        Value::Null,
    );
    ticket.subject = Some(format!("Ticket {external}"));
    ticket.category = category.map(|c| {
        let native = c.to_string();
        Mapped::new(c, native)
    });
    ticket
}

fn invoice_document() -> Document {
    let mut document = Document::new(
        id(ObjectKind::Document, "701"),
        DocumentKind::Attachment,
        Value::Null,
    );
    document.title = Some("invoice.pdf".into());
    document.content_type = Some("application/pdf".into());
    document
}

fn seeded_comment(external: &str, ticket: &str, attachments: Vec<Document>) -> CommentRef {
    ExternalObjectRef::new(
        id(ObjectKind::Comment, external),
        Comment {
            author: Some(id(ObjectKind::Party, "c1")),
            author_kind: Some(Mapped::new(AuthorKind::Customer, "customer")),
            body: support_core::Body::text("Here is the invoice."),
            visibility: Visibility::Public,
            created_at: Some(Utc.with_ymd_and_hms(2024, 3, 1, 9, 0, 0).unwrap()),
            attachments,
        },
        Value::Null,
    )
    .with_parent(id(ObjectKind::Ticket, ticket))
}

fn base() -> MemoryPortBuilder {
    MemoryPort::builder()
        .with_agent(party("a1", PartyRole::Employee))
        .with_customer(party("c1", PartyRole::Customer))
        .with_current_user(id(ObjectKind::Party, "a1"))
        .with_ticket(ticket(
            "1",
            TicketStatus::Open,
            Some(TicketCategory::Billing),
        ))
        .with_ticket(ticket(
            "2",
            TicketStatus::Open,
            Some(TicketCategory::Incident),
        ))
        .with_ticket(ticket("3", TicketStatus::Pending, None))
        .with_comment(seeded_comment("10", "1", vec![invoice_document()]))
        .with_attachment_bytes(id(ObjectKind::Document, "701"), INVOICE)
}

fn port() -> MemoryPort {
    base().build().unwrap()
}

fn ticket_id(external: &str) -> CanonicalId {
    id(ObjectKind::Ticket, external)
}

async fn downloaded(port: &MemoryPort, document: &Document) -> Bytes {
    port.download_attachment(document)
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
}

async fn comments(port: &MemoryPort, ticket: &str) -> Vec<CommentRef> {
    port.list_comments(&ticket_id(ticket), CommentQuery::new())
        .await
        .unwrap()
        .items
}

#[tokio::test]
async fn seeded_tickets_keep_category_resolution_times_and_sla() {
    let resolved_at = Utc.with_ymd_and_hms(2024, 3, 2, 10, 0, 0).unwrap();
    let closed_at = Utc.with_ymd_and_hms(2024, 3, 3, 10, 0, 0).unwrap();
    let mut done = ticket("9", TicketStatus::Closed, Some(TicketCategory::Question));
    done.resolution = Some("Answered".into());
    done.resolved_at = Some(resolved_at);
    done.closed_at = Some(closed_at);
    let mut sla = TicketSla::default();
    sla.first_response = Some(SlaClock::due(Some(resolved_at)).with_breached(Some(true)));
    sla.escalated = Some(true);
    done.sla = Some(sla.clone());
    let port = base().with_ticket(done).build().unwrap();
    let got = port
        .get_ticket(&TicketLookup::Id(ticket_id("9")))
        .await
        .unwrap();
    assert_eq!(
        got.category.map(|c| c.canonical),
        Some(TicketCategory::Question)
    );
    assert_eq!(got.resolution.as_deref(), Some("Answered"));
    assert_eq!(got.resolved_at, Some(resolved_at));
    assert_eq!(got.closed_at, Some(closed_at));
    assert_eq!(got.sla, Some(sla));
    assert_eq!(got.raw.value()["resolution"], "Answered");
}

#[tokio::test]
async fn a_seeded_attachment_is_listed_with_a_url_and_downloads_its_bytes() {
    let port = port();
    let listed = comments(&port, "1").await;
    let file = &listed[0].data.attachments[0];
    assert_eq!(file.id, id(ObjectKind::Document, "701"));
    assert_eq!(file.title.as_deref(), Some("invoice.pdf"));
    assert_eq!(file.content_type.as_deref(), Some("application/pdf"));
    assert_eq!(file.size, Some(INVOICE.len() as u64));
    assert_eq!(file.url.as_deref(), Some("memory://attachments/701"));
    assert_eq!(
        listed[0].data.author_kind.as_ref().map(|k| &k.canonical),
        Some(&AuthorKind::Customer)
    );
    let download = port.download_attachment(file).await.unwrap();
    assert_eq!(download.content_type.as_deref(), Some("application/pdf"));
    assert_eq!(download.length, Some(INVOICE.len() as u64));
    assert_eq!(download.bytes().await.unwrap(), INVOICE);
}

#[tokio::test]
async fn downloading_an_unknown_or_foreign_document_fails() {
    let port = port();
    let unknown = Document::new(
        id(ObjectKind::Document, "999"),
        DocumentKind::Attachment,
        Value::Null,
    );
    let error = port.download_attachment(&unknown).await.unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::NotFound);
    assert_eq!(error.operation(), Some(Operation::DownloadAttachment));
    let foreign = Document::new(
        CanonicalId::new("zendesk", ObjectKind::Document, "701"),
        DocumentKind::Attachment,
        Value::Null,
    );
    let error = port.download_attachment(&foreign).await.unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::InvalidInput);

    // Listed, but seeded without its bytes.
    let port = MemoryPort::builder()
        .with_ticket(ticket("1", TicketStatus::Open, None))
        .with_comment(seeded_comment("10", "1", vec![invoice_document()]))
        .build()
        .unwrap();
    let file = &comments(&port, "1").await[0].data.attachments[0];
    assert_eq!(file.size, None);
    let error = port.download_attachment(file).await.unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::NotFound);
    assert!(error.to_string().contains("without its bytes"), "{error}");
}

#[test]
fn seeding_rejects_bytes_of_no_attachment_and_shared_document_ids() {
    let error = base()
        .with_attachment_bytes(id(ObjectKind::Document, "702"), "x")
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::InvalidInput);
    assert!(error.to_string().contains("702"), "{error}");
    let error = base()
        .with_comment(seeded_comment("11", "2", vec![invoice_document()]))
        .build()
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("two attachments have the id `memory:document:701`"),
        "{error}"
    );
    let mut article = Document::new(
        id(ObjectKind::Document, "701"),
        DocumentKind::KnowledgeArticle,
        Value::Null,
    );
    article.title = Some("Invoices".into());
    let error = base().with_article(article).build().unwrap_err();
    assert!(error.to_string().contains("id of an attachment"), "{error}");
}

#[tokio::test]
async fn a_comment_keeps_its_files_in_order_bytes_and_streams_alike() {
    let port = port();
    let streamed = Upload::stream(
        "install.log",
        "text/plain",
        11,
        futures::stream::iter([
            Ok(Bytes::from_static(b"step 1")),
            Ok(Bytes::from_static(b": ok\n")),
        ]),
    );
    let added = port
        .add_comment(
            &ticket_id("2"),
            NewComment::public("Two files attached.")
                .with_attachment(Upload::bytes(
                    "shot.png",
                    "image/png",
                    vec![0x89, b'P', b'N', b'G'],
                ))
                .with_attachment(streamed),
        )
        .await
        .unwrap();
    let files = &added.data.attachments;
    let shown: Vec<_> = files
        .iter()
        .map(|f| {
            (
                f.title.as_deref(),
                f.content_type.as_deref(),
                f.size,
                f.kind,
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            (
                Some("shot.png"),
                Some("image/png"),
                Some(4),
                DocumentKind::Attachment
            ),
            (
                Some("install.log"),
                Some("text/plain"),
                Some(11),
                DocumentKind::Attachment
            ),
        ]
    );
    // Counted from 1 (the seeded attachment 701 is another number).
    assert_eq!(files[0].id, id(ObjectKind::Document, "1"));
    assert_eq!(files[1].url.as_deref(), Some("memory://attachments/2"));
    let listed = comments(&port, "2").await;
    assert_eq!(listed.len(), 1);
    assert_eq!(&listed[0].data.attachments, files);
    assert_eq!(
        downloaded(&port, &files[0]).await,
        &[0x89, b'P', b'N', b'G'][..]
    );
    assert_eq!(downloaded(&port, &files[1]).await, "step 1: ok\n");
}

#[tokio::test]
async fn a_stream_shorter_than_declared_fails_the_comment_and_stores_nothing() {
    let port = port();
    let short = Upload::stream(
        "short.bin",
        "application/octet-stream",
        10,
        futures::stream::iter([Ok(Bytes::from_static(b"abc"))]),
    );
    let error = port
        .add_comment(
            &ticket_id("2"),
            NewComment::public("x").with_attachment(short),
        )
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::InvalidInput);
    assert!(comments(&port, "2").await.is_empty());
}

#[tokio::test]
async fn a_file_over_the_limit_is_refused_before_anything_is_stored() {
    let port = port();
    assert_eq!(
        port.capabilities().upload_limits().and_then(|l| l.per_file),
        Some(DEFAULT_UPLOAD_LIMIT)
    );
    let small = base().with_upload_limit(8).build().unwrap();
    assert_eq!(
        small
            .capabilities()
            .upload_limits()
            .and_then(|l| l.per_file),
        Some(8)
    );
    let too_large = Upload::bytes("big.bin", "application/octet-stream", vec![0; 9]);
    let error = small
        .add_comment(
            &ticket_id("2"),
            NewComment::public("x").with_attachment(too_large.clone()),
        )
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::InvalidInput);
    assert!(
        error.to_string().contains("`big.bin` is 9 bytes"),
        "{error}"
    );
    assert!(comments(&small, "2").await.is_empty());
    let error = small
        .create_ticket(NewTicket::new("s", "d").with_attachment(too_large))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::InvalidInput);
    assert_eq!(
        small
            .list_tickets(TicketQuery::new())
            .await
            .unwrap()
            .items
            .len(),
        3
    );
    let fits = Upload::bytes("ok.bin", "application/octet-stream", vec![0; 8]);
    small
        .add_comment(
            &ticket_id("2"),
            NewComment::public("x").with_attachment(fits),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn a_created_tickets_opening_comment_carries_its_files() {
    let port = port();
    let created = port
        .create_ticket(
            NewTicket::new("Broken invoice", "See the file.")
                .with_requester(Requester::Id(id(ObjectKind::Party, "c1")))
                .with_attachment(Upload::bytes("invoice.pdf", "application/pdf", INVOICE)),
        )
        .await
        .unwrap();
    let listed = comments(&port, created.id.external_id()).await;
    assert_eq!(listed.len(), 1);
    let opening = &listed[0];
    assert_eq!(
        opening.data.author_kind,
        Some(Mapped::new(AuthorKind::Customer, "customer"))
    );
    let file = &opening.data.attachments[0];
    assert_eq!(file.title.as_deref(), Some("invoice.pdf"));
    assert_eq!(file.size, Some(INVOICE.len() as u64));
    assert_eq!(downloaded(&port, file).await, INVOICE);
}

#[tokio::test]
async fn a_close_comment_carries_its_files() {
    let port = port();
    port.close_ticket(
        &ticket_id("2"),
        CloseOptions::new().with_comment(
            NewComment::internal("Closing with the log.").with_attachment(Upload::bytes(
                "log.txt",
                "text/plain",
                "done",
            )),
        ),
    )
    .await
    .unwrap();
    let listed = comments(&port, "2").await;
    assert_eq!(
        downloaded(&port, &listed[0].data.attachments[0]).await,
        "done"
    );
}

#[tokio::test]
async fn new_comments_say_who_wrote_them() {
    let port = port();
    let kind = |comment: &CommentRef| comment.data.author_kind.clone();
    let by_customer = port
        .add_comment(
            &ticket_id("2"),
            NewComment::public("From the customer").with_author(id(ObjectKind::Party, "c1")),
        )
        .await
        .unwrap();
    assert_eq!(
        kind(&by_customer),
        Some(Mapped::new(AuthorKind::Customer, "customer"))
    );
    let by_agent = port
        .add_comment(
            &ticket_id("2"),
            NewComment::internal("From the agent").with_author(id(ObjectKind::Party, "a1")),
        )
        .await
        .unwrap();
    assert_eq!(
        kind(&by_agent),
        Some(Mapped::new(AuthorKind::Agent, "employee"))
    );
    let by_default = port
        .add_comment(&ticket_id("2"), NewComment::public("No author given"))
        .await
        .unwrap();
    assert_eq!(
        kind(&by_default),
        Some(Mapped::new(AuthorKind::Agent, "employee"))
    );
    // Without a current user either, the authenticated agent wrote it.
    let anonymous = MemoryPort::builder()
        .with_ticket(ticket("1", TicketStatus::Open, None))
        .build()
        .unwrap();
    let added = anonymous
        .add_comment(&ticket_id("1"), NewComment::public("hello"))
        .await
        .unwrap();
    assert_eq!(added.data.author, None);
    assert_eq!(kind(&added).map(|k| k.canonical), Some(AuthorKind::Agent));
    let listed = comments(&port, "2").await;
    assert_eq!(
        listed.iter().map(kind).collect::<Vec<_>>(),
        [kind(&by_customer), kind(&by_agent), kind(&by_default)]
    );
}

#[tokio::test]
async fn resolving_and_closing_record_their_times_and_reopening_clears_them() {
    let port = port();
    let before = Utc::now();
    let resolved = port
        .update_ticket(
            &ticket_id("2"),
            TicketUpdate::new().with_status(TicketStatus::Resolved),
        )
        .await
        .unwrap();
    let resolved_at = resolved.resolved_at.expect("resolved_at recorded");
    assert!(resolved_at >= before);
    assert_eq!(resolved.closed_at, None);
    assert_eq!(resolved.updated_at, Some(resolved_at));

    // Still resolved: the time it was resolved stays.
    let renamed = port
        .update_ticket(
            &ticket_id("2"),
            TicketUpdate::new()
                .with_subject("renamed")
                .with_status(TicketStatus::Resolved),
        )
        .await
        .unwrap();
    assert_eq!(renamed.resolved_at, Some(resolved_at));

    let reopened = port
        .update_ticket(
            &ticket_id("2"),
            TicketUpdate::new().with_status(TicketStatus::Open),
        )
        .await
        .unwrap();
    assert_eq!((reopened.resolved_at, reopened.closed_at), (None, None));

    let closed = port
        .close_ticket(&ticket_id("2"), CloseOptions::new())
        .await
        .unwrap();
    let closed_at = closed.closed_at.expect("closed_at recorded");
    assert_eq!(closed.resolved_at, Some(closed_at));
    let fetched = port
        .get_ticket(&TicketLookup::Id(ticket_id("2")))
        .await
        .unwrap();
    assert_eq!(fetched.closed_at, Some(closed_at));
    assert_eq!(
        fetched.raw.value()["closed_at"],
        serde_json::to_value(closed_at).unwrap()
    );

    // Resolved first, then closed: each keeps its own time.
    port.update_ticket(
        &ticket_id("3"),
        TicketUpdate::new().with_status(TicketStatus::Resolved),
    )
    .await
    .unwrap();
    let first = port
        .get_ticket(&TicketLookup::Id(ticket_id("3")))
        .await
        .unwrap()
        .resolved_at;
    let closed = port
        .close_ticket(&ticket_id("3"), CloseOptions::new())
        .await
        .unwrap();
    assert_eq!(closed.resolved_at, first);
    assert!(closed.closed_at >= first);

    // Created finished: finished now.
    let created = port
        .create_ticket(NewTicket::new("s", "d").with_status(TicketStatus::Closed))
        .await
        .unwrap();
    assert!(created.resolved_at.is_some() && created.closed_at == created.resolved_at);
    let open = port.create_ticket(NewTicket::new("s", "d")).await.unwrap();
    assert_eq!((open.resolved_at, open.closed_at), (None, None));
}

#[tokio::test]
async fn tickets_filter_by_category_natively() {
    let port = port();
    assert!(port.capabilities().is_native_filter(Filter::TicketCategory));
    assert_eq!(
        port.capabilities().support(Operation::DownloadAttachment),
        &Support::Native
    );
    let ids = |query: TicketQuery| {
        let port = &port;
        async move {
            port.list_tickets(query)
                .await
                .unwrap()
                .items
                .into_iter()
                .map(|t| t.id.external_id().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        ids(TicketQuery::new().with_category(TicketCategory::Billing)).await,
        ["1"]
    );
    assert_eq!(
        ids(TicketQuery::new()
            .with_category(TicketCategory::Billing)
            .with_category(TicketCategory::Incident))
        .await,
        ["1", "2"]
    );
    assert!(
        ids(TicketQuery::new().with_category(TicketCategory::Task))
            .await
            .is_empty()
    );
    assert_eq!(
        ids(TicketQuery::new()
            .with_category(TicketCategory::Incident)
            .with_status(TicketStatus::Pending))
        .await,
        Vec::<String>::new()
    );
}
