//! The adapter against Salesforce's documented wire format (httpmock on loopback): the SOQL it
//! sends, how it follows `nextRecordsUrl` past the 2,000-record batch, escaping, throttling, and
//! the token that renews itself mid-listing.

use httpmock::prelude::*;
use serde_json::{Value, json};
use support_core::http::{RetryPolicy, TokenSource};
use support_core::{
    Assignment, CanonicalId, Cursor, Document, DocumentKind, ErrorKind, FieldValue, NewComment,
    NewTicket, ObjectKind, PageRequest, SupportPort, TicketLookup, TicketQuery, TicketStatus,
    TicketUpdate, Upload,
};
use support_salesforce::{PROVIDER, SalesforcePort};

const TOKEN: &str = "00Dxx-token-must-not-leak";
const QUERY: &str = "/services/data/v64.0/query";
const CASE_FIELDS: &str = "Id, CaseNumber, Subject, Description, Status, Priority, Origin, \
     OwnerId, ContactId, AccountId, IsClosed, ClosedDate, CreatedDate, LastModifiedDate";
const STATUS_SOQL: &str = "SELECT Id, ApiName, MasterLabel, IsClosed, IsDefault, SortOrder FROM \
     CaseStatus ORDER BY SortOrder";

/// A listed file: id, name, content type, size, URL.
type FileRow = (
    String,
    Option<String>,
    Option<String>,
    Option<u64>,
    Option<String>,
);

fn port(server: &MockServer) -> SalesforcePort {
    SalesforcePort::builder()
        .instance_url(server.base_url())
        .access_token(TOKEN)
        .request_timeout(None)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

/// The 18-character form of case number `n`'s id (computed with Python from the documented
/// checksum: all-digit 15-character ids end in `AAA`).
fn case_id(n: usize) -> String {
    format!("500{n:012}AAA")
}

fn case(n: usize, status: &str) -> Value {
    json!({
        "attributes": {"type": "Case", "url": format!("/services/data/v64.0/sobjects/Case/{}", case_id(n))},
        "Id": case_id(n),
        "CaseNumber": format!("{n:08}"),
        "Subject": format!("Case {n}"),
        "Description": null,
        "Status": status,
        "Priority": "Medium",
        "Origin": "Email",
        "OwnerId": "005000000000001AAA",
        "ContactId": null,
        "AccountId": null,
        "IsClosed": false,
        "ClosedDate": null,
        "CreatedDate": "2024-03-01T09:30:00.000+0000",
        "LastModifiedDate": "2024-03-02T10:00:00.000+0000",
    })
}

async fn statuses(server: &MockServer) -> httpmock::Mock<'_> {
    plain_org(server).await;
    status_rows(server).await
}

/// The org's case statuses.
async fn status_rows(server: &MockServer) -> httpmock::Mock<'_> {
    server
        .mock_async(|when, then| {
            when.method(GET).path(QUERY).query_param("q", STATUS_SOQL);
            then.status(200).json_body(json!({
                "totalSize": 5, "done": true, "records": [
                    {"attributes": {"type": "CaseStatus"}, "Id": "01J000000000001EAA", "ApiName": "New", "MasterLabel": "New", "IsClosed": false, "IsDefault": true, "SortOrder": 1},
                    {"attributes": {"type": "CaseStatus"}, "Id": "01J000000000002EAA", "ApiName": "Working", "MasterLabel": "Working", "IsClosed": false, "IsDefault": false, "SortOrder": 2},
                    {"attributes": {"type": "CaseStatus"}, "Id": "01J000000000003EAA", "ApiName": "Solved by Bot", "MasterLabel": "Solved by Bot", "IsClosed": true, "IsDefault": false, "SortOrder": 3},
                    {"attributes": {"type": "CaseStatus"}, "Id": "01J000000000004EAA", "ApiName": "Closed", "MasterLabel": "Closed", "IsClosed": true, "IsDefault": false, "SortOrder": 4},
                    {"attributes": {"type": "CaseStatus"}, "Id": "01J000000000005EAA", "ApiName": "Triage", "MasterLabel": "Triage", "IsClosed": false, "IsDefault": false, "SortOrder": 5}
                ]
            }));
        })
        .await
}

/// An org whose `Case` has no custom fields and whose records have no files.
async fn plain_org(server: &MockServer) {
    describe(server, json!([])).await;
    no_files(server).await;
}

/// `GET /sobjects/Case/describe`: two standard fields and these custom ones.
async fn describe(server: &MockServer, custom: Value) -> httpmock::Mock<'_> {
    let mut fields = vec![
        json!({"name": "Id", "label": "Case ID", "type": "id", "custom": false}),
        json!({"name": "Subject", "label": "Subject", "type": "string", "custom": false}),
    ];
    fields.extend(custom.as_array().cloned().unwrap_or_default());
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/services/data/v64.0/sobjects/Case/describe");
            then.status(200)
                .json_body(json!({"name": "Case", "custom": false, "fields": fields}));
        })
        .await
}

/// No record has files.
async fn no_files(server: &MockServer) {
    for prefix in [
        "SELECT Id, LinkedEntityId, ContentDocumentId, ContentDocument.LatestPublishedVersionId",
        "SELECT Id, ParentId, Name, ContentType, BodyLength, CreatedDate FROM Attachment WHERE ParentId IN (",
    ] {
        server
            .mock_async(|when, then| {
                when.method(GET).path(QUERY).query_param_prefix("q", prefix);
                then.status(200)
                    .json_body(json!({"totalSize": 0, "done": true, "records": []}));
            })
            .await;
    }
}

/// No case carries a topic (nor a milestone), and the org is plain.
async fn no_topics(server: &MockServer) -> httpmock::Mock<'_> {
    plain_org(server).await;
    topics_none(server).await
}

/// No case carries a topic (nor a milestone).
async fn topics_none(server: &MockServer) -> httpmock::Mock<'_> {
    no_milestones(server).await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(QUERY).query_param_prefix(
                "q",
                "SELECT Id, EntityId, TopicId, Topic.Name FROM TopicAssignment WHERE EntityId",
            );
            then.status(200)
                .json_body(json!({"totalSize": 0, "done": true, "records": []}));
        })
        .await
}

async fn no_milestones(server: &MockServer) -> httpmock::Mock<'_> {
    server
        .mock_async(|when, then| {
            when.method(GET).path(QUERY).query_param_prefix(
                "q",
                "SELECT Id, CaseId, MilestoneType.Name, TargetDate, CompletionDate, IsCompleted, \
                 IsViolated FROM CaseMilestone WHERE CaseId IN (",
            );
            then.status(200)
                .json_body(json!({"totalSize": 0, "done": true, "records": []}));
        })
        .await
}

fn batch(range: std::ops::Range<usize>, total: usize, next: Option<&str>) -> Value {
    let records: Vec<Value> = range.map(|n| case(n, "New")).collect();
    match next {
        Some(next) => {
            json!({"totalSize": total, "done": false, "nextRecordsUrl": next, "records": records})
        }
        None => json!({"totalSize": total, "done": true, "records": records}),
    }
}

fn list_soql() -> String {
    format!("SELECT {CASE_FIELDS} FROM Case ORDER BY CreatedDate ASC, Id ASC")
}

#[tokio::test]
async fn listing_follows_next_records_url_past_the_2000_record_batch() {
    let server = MockServer::start_async().await;
    statuses(&server).await;
    let topics = no_topics(&server).await;
    let first = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(QUERY)
                .query_param("q", list_soql())
                .header("authorization", format!("Bearer {TOKEN}"));
            then.status(200).json_body(batch(
                0..2000,
                4500,
                Some("/services/data/v64.0/query/01gD0000002HU6KIAW-2000"),
            ));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/services/data/v64.0/query/01gD0000002HU6KIAW-2000");
            then.status(200).json_body(batch(
                2000..4000,
                4500,
                Some("/services/data/v64.0/query/01gD0000002HU6KIAW-4000"),
            ));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/services/data/v64.0/query/01gD0000002HU6KIAW-4000");
            then.status(200).json_body(batch(4000..4500, 4500, None));
        })
        .await;

    let port = port(&server);
    let mut seen = std::collections::HashSet::new();
    let mut cursor: Option<Cursor> = None;
    let mut pages = 0;
    loop {
        let mut query = TicketQuery::new();
        query.page = PageRequest {
            limit: None,
            cursor: cursor.take(),
        };
        let page = port.list_tickets(query).await.unwrap();
        pages += 1;
        for ticket in page.items {
            assert_eq!(ticket.id.external_id().len(), 18);
            assert!(seen.insert(ticket.id.external_id().to_owned()), "repeated");
        }
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen.len(), 4500, "every case, once");
    first.assert_calls_async(1).await;
    // The topics of each batch's cases, 200 ids a query.
    topics.assert_calls_async(23).await;
}

#[tokio::test]
async fn a_batch_that_is_not_done_without_a_next_url_is_an_error_not_an_end() {
    let server = MockServer::start_async().await;
    statuses(&server).await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(QUERY).query_param("q", list_soql());
            then.status(200)
                .json_body(json!({"totalSize": 3000, "done": false, "records": [case(1, "New")]}));
        })
        .await;
    let error = port(&server)
        .list_tickets(TicketQuery::new())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::Decode, "{error}");
}

#[tokio::test]
async fn a_filter_value_cannot_change_the_query() {
    let server = MockServer::start_async().await;
    statuses(&server).await;
    let escaped = server
        .mock_async(|when, then| {
            when.method(GET).path(QUERY).query_param(
                "q",
                format!(r"SELECT {CASE_FIELDS} FROM Case WHERE CaseNumber = 'x\' OR Name != \''"),
            );
            then.status(200)
                .json_body(json!({"totalSize": 0, "done": true, "records": []}));
        })
        .await;
    let error = port(&server)
        .get_ticket(&TicketLookup::External("x' OR Name != '".into()))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::NotFound, "{error}");
    escaped.assert_calls_async(1).await;

    // An id that is not one is refused before anything is sent.
    let bad = CanonicalId::new(PROVIDER, ObjectKind::Ticket, "500' OR Id != '");
    let error = port(&server)
        .get_ticket(&TicketLookup::Id(bad))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::InvalidInput, "{error}");
}

#[tokio::test]
async fn statuses_map_by_label_and_by_is_closed() {
    let server = MockServer::start_async().await;
    statuses(&server).await;
    no_topics(&server).await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(QUERY).query_param("q", list_soql());
            then.status(200)
                .json_body(json!({"totalSize": 4, "done": true, "records": [
                    case(1, "Working"), case(2, "Solved by Bot"), case(3, "Triage"), case(4, "New")
                ]}));
        })
        .await;
    let page = port(&server)
        .list_tickets(TicketQuery::new())
        .await
        .unwrap();
    let statuses: Vec<TicketStatus> = page
        .items
        .iter()
        .map(|t| t.status.canonical.clone())
        .collect();
    assert_eq!(
        statuses,
        [
            TicketStatus::Open,
            TicketStatus::Closed,
            TicketStatus::Other("Triage".into()),
            TicketStatus::New
        ]
    );
    assert_eq!(page.items[0].status.native, "Working");
    assert_eq!(page.items[0].number.as_deref(), Some("00000001"));
}

#[tokio::test]
async fn request_limit_exceeded_is_rate_limited() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(QUERY);
            then.status(403).json_body(json!([
                {"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}
            ]));
        })
        .await;
    let error = port(&server).check_connection().await.unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::RateLimited { .. }),
        "{error}"
    );
    assert_eq!(error.code(), Some("REQUEST_LIMIT_EXCEEDED"));
}

#[tokio::test]
async fn assigning_sets_the_owner_without_assignment_rules_and_emits_18_character_ids() {
    let server = MockServer::start_async().await;
    statuses(&server).await;
    let patch = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(format!("/services/data/v64.0/sobjects/Case/{}", case_id(7)))
                .header("Sforce-Auto-Assign", "FALSE")
                .json_body(json!({"OwnerId": "00G000000000002EAA"}));
            then.status(204);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(QUERY).query_param(
                "q",
                format!(
                    "SELECT Id, EntityId, TopicId, Topic.Name FROM TopicAssignment WHERE \
                     EntityId = '{}'",
                    case_id(7)
                ),
            );
            then.status(200).json_body(json!({"totalSize": 2, "done": true, "records": [
                {"attributes": {"type": "TopicAssignment"}, "Id": "0FT000000000001GAA", "EntityId": case_id(7), "TopicId": "0TO000000000001GAA", "Topic": {"attributes": {"type": "Topic"}, "Name": "printers"}},
                {"attributes": {"type": "TopicAssignment"}, "Id": "0FT000000000002GAA", "EntityId": case_id(7), "TopicId": "0TO000000000002GAA", "Topic": {"attributes": {"type": "Topic"}, "Name": "billing"}}
            ]}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(QUERY).query_param(
                "q",
                format!(
                    "SELECT Id, CaseId, MilestoneType.Name, TargetDate, CompletionDate, \
                     IsCompleted, IsViolated FROM CaseMilestone WHERE CaseId IN ('{}') ORDER BY \
                     TargetDate ASC",
                    case_id(7)
                ),
            );
            then.status(200).json_body(json!({"totalSize": 2, "done": true, "records": [
                {"attributes": {"type": "CaseMilestone"}, "Id": "5mT000000000001EAA", "CaseId": case_id(7),
                 "MilestoneType": {"attributes": {"type": "MilestoneType"}, "Name": "First Response"},
                 "TargetDate": "2024-03-01T10:30:00.000+0000", "CompletionDate": null, "IsCompleted": false, "IsViolated": true},
                {"attributes": {"type": "CaseMilestone"}, "Id": "5mT000000000002EAA", "CaseId": case_id(7),
                 "MilestoneType": {"attributes": {"type": "MilestoneType"}, "Name": "Resolution Time"},
                 "TargetDate": "2024-03-03T09:30:00.000+0000", "CompletionDate": null, "IsCompleted": false, "IsViolated": false}
            ]}));
        })
        .await;
    let mut after = case(7, "Working");
    after["OwnerId"] = json!("00G000000000002EAA");
    server
        .mock_async(|when, then| {
            when.method(GET).path(QUERY).query_param(
                "q",
                format!("SELECT {CASE_FIELDS} FROM Case WHERE Id = '{}'", case_id(7)),
            );
            then.status(200)
                .json_body(json!({"totalSize": 1, "done": true, "records": [after]}));
        })
        .await;
    // Both ids given with 15 characters; the queue's checksum (`EAA`: the `G` is the third
    // character of the first chunk) computed with Python.
    let ticket = CanonicalId::new(PROVIDER, ObjectKind::Ticket, "500000000000007");
    let queue = CanonicalId::new(PROVIDER, ObjectKind::Group, "00G000000000002");
    let assigned = port(&server)
        .assign_ticket(&ticket, Assignment::group(queue))
        .await
        .unwrap();
    patch.assert_calls_async(1).await;
    assert_eq!(assigned.id.external_id(), case_id(7));
    assert_eq!(
        assigned.group.as_ref().map(CanonicalId::external_id),
        Some("00G000000000002EAA")
    );
    assert_eq!(assigned.assignee, None);
    assert_eq!(assigned.tags, ["billing", "printers"]);
    let sla = assigned.sla.expect("milestones are SLA clocks");
    assert_eq!(
        sla.first_response.as_ref().and_then(|c| c.breached),
        Some(true)
    );
    assert_eq!(
        sla.resolution
            .as_ref()
            .and_then(|c| c.due_at)
            .map(|t| t.to_rfc3339()),
        Some("2024-03-03T09:30:00+00:00".to_owned())
    );
}

#[tokio::test]
async fn a_token_that_expires_mid_listing_is_renewed_once_and_nothing_is_lost() {
    let server = MockServer::start_async().await;
    no_topics(&server).await;
    let first_token = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/services/oauth2/token")
                .body_includes("grant_type=refresh_token");
            then.status(200).json_body(json!({
                "access_token": "token-one", "instance_url": server.base_url(),
                "id": "https://login.salesforce.com/id/00Dxx0000001gPLEAY/005xx000001SwiUAAS",
                "token_type": "Bearer", "issued_at": "1700000000000", "signature": "c2lnbmF0dXJl"
            }));
        })
        .await;
    statuses(&server).await;
    let status_and_first = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(QUERY)
                .query_param("q", list_soql())
                .header("authorization", "Bearer token-one");
            then.status(200)
                .json_body(batch(0..3, 6, Some("/services/data/v64.0/query/01gLOC-3")));
        })
        .await;
    let expired = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/services/data/v64.0/query/01gLOC-3")
                .header("authorization", "Bearer token-one");
            then.status(401).json_body(json!([
                {"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}
            ]));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/services/data/v64.0/query/01gLOC-3")
                .header("authorization", "Bearer token-two");
            then.status(200).json_body(batch(3..6, 6, None));
        })
        .await;

    let port = SalesforcePort::builder()
        .instance_url(server.base_url())
        .oauth(TokenSource::refresh_token(
            "client-id",
            "client-secret",
            "refresh-token",
        ))
        .request_timeout(None)
        .build()
        .unwrap();
    let page = port.list_tickets(TicketQuery::new()).await.unwrap();
    assert_eq!(page.items.len(), 3);
    first_token.assert_calls_async(1).await;

    // The session expires: the token endpoint now hands out the second token.
    first_token.delete_async().await;
    let second_token = server
        .mock_async(|when, then| {
            when.method(POST).path("/services/oauth2/token");
            then.status(200).json_body(json!({
                "access_token": "token-two", "instance_url": server.base_url(),
                "token_type": "Bearer", "issued_at": "1700000100000"
            }));
        })
        .await;
    let mut query = TicketQuery::new();
    query.page.cursor = page.next;
    let rest = port.list_tickets(query).await.unwrap();
    let ids: Vec<String> = rest
        .items
        .iter()
        .map(|t| t.id.external_id().to_owned())
        .collect();
    assert_eq!(ids, [case_id(3), case_id(4), case_id(5)]);
    assert!(rest.next.is_none());
    expired.assert_calls_async(1).await;
    second_token.assert_calls_async(1).await;
    status_and_first.assert_calls_async(1).await;
}

#[tokio::test]
async fn the_thread_merges_case_comments_and_emails_by_time() {
    let server = MockServer::start_async().await;
    let case = case_id(9);
    server
        .mock_async(|when, then| {
            when.method(GET).path(QUERY).query_param(
                "q",
                format!(
                    "SELECT Id, ParentId, CommentBody, IsPublished, CreatedById, CreatedDate FROM \
                     CaseComment WHERE ParentId = '{case}' ORDER BY CreatedDate ASC, Id ASC"
                ),
            );
            then.status(200).json_body(json!({"totalSize": 1, "done": true, "records": [{
                "attributes": {"type": "CaseComment"}, "Id": "00a000000000001AAA", "ParentId": case,
                "CommentBody": "Checked the logs.", "IsPublished": false,
                "CreatedById": "005000000000001AAA", "CreatedDate": "2024-03-01T11:00:00.000+0000"
            }]}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(QUERY).query_param(
                "q",
                format!(
                    "SELECT Id, ParentId, Incoming, FromAddress, FromName, Subject, TextBody, \
                     HtmlBody, MessageDate, CreatedById, CreatedDate FROM EmailMessage WHERE \
                     ParentId = '{case}' ORDER BY MessageDate ASC, Id ASC"
                ),
            );
            then.status(200).json_body(json!({"totalSize": 1, "done": true, "records": [{
                "attributes": {"type": "EmailMessage"}, "Id": "02s000000000001AAA", "ParentId": case,
                "Incoming": true, "FromAddress": "ann@example.com", "FromName": "Ann",
                "Subject": "Help", "TextBody": "It is broken.", "HtmlBody": null,
                "MessageDate": "2024-03-01T10:00:00.000+0000", "CreatedById": "005000000000009AAA",
                "CreatedDate": "2024-03-01T10:00:01.000+0000"
            }]}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(QUERY).query_param(
                "q",
                "SELECT EmailMessageId, RelationId FROM EmailMessageRelation WHERE EmailMessageId \
                 IN ('02s000000000001AAA') AND RelationType = 'FromAddress'",
            );
            then.status(200)
                .json_body(json!({"totalSize": 1, "done": true, "records": [{
                    "attributes": {"type": "EmailMessageRelation"},
                    "EmailMessageId": "02s000000000001AAA", "RelationId": "003000000000001AAA"
                }]}));
        })
        .await;
    // The email's files: a Salesforce File (a ContentDocumentLink to the email, named by its
    // latest published version) and a legacy Attachment, each read for every email at once.
    let links = server
        .mock_async(|when, then| {
            when.method(GET).path(QUERY).query_param(
                "q",
                "SELECT Id, LinkedEntityId, ContentDocumentId, \
                 ContentDocument.LatestPublishedVersionId, \
                 ContentDocument.LatestPublishedVersion.Title, \
                 ContentDocument.LatestPublishedVersion.FileExtension, \
                 ContentDocument.LatestPublishedVersion.ContentSize, \
                 ContentDocument.LatestPublishedVersion.FileType, \
                 ContentDocument.LatestPublishedVersion.CreatedDate FROM ContentDocumentLink \
                 WHERE LinkedEntityId IN ('02s000000000001AAA')",
            );
            then.status(200).json_body(json!({"totalSize": 1, "done": true, "records": [{
                "attributes": {"type": "ContentDocumentLink"}, "Id": "06A000000000001AAA",
                "LinkedEntityId": "02s000000000001AAA", "ContentDocumentId": "069000000000001AAA",
                "ContentDocument": {
                    "attributes": {"type": "ContentDocument"},
                    "LatestPublishedVersionId": "068000000000001AAA",
                    "LatestPublishedVersion": {
                        "attributes": {"type": "ContentVersion"},
                        "Title": "screenshot", "FileExtension": "png", "ContentSize": 2048,
                        "FileType": "PNG", "CreatedDate": "2024-03-01T10:00:02.000+0000"
                    }
                }
            }]}));
        })
        .await;
    let legacy = server
        .mock_async(|when, then| {
            when.method(GET).path(QUERY).query_param(
                "q",
                "SELECT Id, ParentId, Name, ContentType, BodyLength, CreatedDate FROM Attachment \
                 WHERE ParentId IN ('02s000000000001AAA') ORDER BY CreatedDate ASC, Id ASC",
            );
            then.status(200).json_body(json!({"totalSize": 1, "done": true, "records": [{
                "attributes": {"type": "Attachment"}, "Id": "00P000000000001EAA",
                "ParentId": "02s000000000001AAA", "Name": "log.txt", "ContentType": "text/plain",
                "BodyLength": 12, "CreatedDate": "2024-03-01T10:00:03.000+0000"
            }]}));
        })
        .await;
    let ticket = CanonicalId::new(PROVIDER, ObjectKind::Ticket, case.clone());
    let page = port(&server)
        .list_comments(&ticket, support_core::CommentQuery::new())
        .await
        .unwrap();
    links.assert_calls_async(1).await;
    legacy.assert_calls_async(1).await;
    let files: Vec<FileRow> = page
        .items
        .iter()
        .flat_map(|c| c.data.attachments.iter())
        .map(|d| {
            (
                d.id.external_id().to_owned(),
                d.title.clone(),
                d.content_type.clone(),
                d.size,
                d.url.clone(),
            )
        })
        .collect();
    assert_eq!(
        files,
        [
            (
                "068000000000001AAA".to_owned(),
                Some("screenshot.png".to_owned()),
                Some("image/png".to_owned()),
                Some(2048),
                Some(server.url(
                    "/services/data/v64.0/sobjects/ContentVersion/068000000000001AAA/VersionData"
                )),
            ),
            (
                "00P000000000001EAA".to_owned(),
                Some("log.txt".to_owned()),
                Some("text/plain".to_owned()),
                Some(12),
                Some(
                    server.url("/services/data/v64.0/sobjects/Attachment/00P000000000001EAA/Body")
                ),
            ),
        ]
    );
    assert!(
        page.items[1].data.attachments.is_empty(),
        "a case comment holds no files"
    );
    let thread: Vec<(String, support_core::Visibility, support_core::AuthorKind)> = page
        .items
        .iter()
        .map(|c| {
            (
                c.data.body.text.clone(),
                c.data.visibility,
                c.data.author_kind.clone().unwrap().canonical,
            )
        })
        .collect();
    assert_eq!(
        thread,
        [
            (
                "It is broken.".to_owned(),
                support_core::Visibility::Public,
                support_core::AuthorKind::Customer
            ),
            (
                "Checked the logs.".to_owned(),
                support_core::Visibility::Internal,
                support_core::AuthorKind::Agent
            ),
        ]
    );
    assert!(page.next.is_none());
}

#[tokio::test]
async fn an_article_search_is_one_escaped_like_literal() {
    let server = MockServer::start_async().await;
    let search = server
        .mock_async(|when, then| {
            when.method(GET).path(QUERY).query_param(
                "q",
                r"SELECT Id, KnowledgeArticleId, Title, Summary, UrlName, Language, PublishStatus, CreatedById, CreatedDate, LastPublishedDate FROM Knowledge__kav WHERE PublishStatus = 'Online' AND Language = 'en_US' AND Title LIKE '%50\%\_off\' OR Title != \'%' ORDER BY LastPublishedDate DESC, Id ASC",
            );
            then.status(200).json_body(json!({"totalSize": 1, "done": true, "records": [{
                "attributes": {"type": "Knowledge__kav", "url": "/services/data/v64.0/sobjects/Knowledge__kav/ka0000000000001AAA"},
                "Id": "ka0000000000001AAA", "KnowledgeArticleId": "kA0000000000001AAA",
                "Title": "50%_off' OR Title != '", "Summary": "Discounts.", "UrlName": "discounts",
                "Language": "en_US", "PublishStatus": "Online",
                "CreatedDate": "2024-01-01T00:00:00.000+0000", "LastPublishedDate": "2024-01-02T00:00:00.000+0000"
            }]}));
        })
        .await;
    let categories = server
        .mock_async(|when, then| {
            when.method(GET).path(QUERY).query_param(
                "q",
                "SELECT Id, ParentId, DataCategoryGroupName, DataCategoryName FROM Knowledge__DataCategorySelection WHERE ParentId = 'ka0000000000001AAA'",
            );
            then.status(200).json_body(json!({"totalSize": 1, "done": true, "records": [{
                "attributes": {"type": "Knowledge__DataCategorySelection"},
                "Id": "02o000000000001AAA", "ParentId": "ka0000000000001AAA",
                "DataCategoryGroupName": "Help_Center", "DataCategoryName": "Promotions"
            }]}));
        })
        .await;
    let mut query = support_core::ArticleQuery::default();
    query.search = Some("50%_off' OR Title != '".into());
    query.locale = Some("en-US".into());
    let page = port(&server).list_knowledge_articles(query).await.unwrap();
    search.assert_calls_async(1).await;
    categories.assert_calls_async(1).await;
    assert_eq!(page.items.len(), 1);
    assert_eq!(
        page.items[0].publish_state.as_ref().map(|p| &p.canonical),
        Some(&support_core::PublishState::Published)
    );
    assert_eq!(
        page.items[0].categories,
        vec![support_core::CanonicalId::new(
            support_salesforce::PROVIDER,
            support_core::ObjectKind::Category,
            "Promotions"
        )]
    );
    // The drafts' query follows the published articles'.
    assert!(page.next.is_some());
}

#[tokio::test]
async fn a_new_case_gets_its_topics_found_by_escaped_name_or_created() {
    let server = MockServer::start_async().await;
    statuses(&server).await;
    no_topics(&server).await;
    let create = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/services/data/v64.0/sobjects/Case")
                .header("Sforce-Auto-Assign", "FALSE")
                .json_body(
                    json!({"Subject": "Case 8", "Description": "It smokes.", "Priority": "High"}),
                );
            then.status(201)
                .json_body(json!({"id": case_id(8), "success": true, "errors": []}));
        })
        .await;
    let existing = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(QUERY)
                .query_param("q", "SELECT Id, Name FROM Topic WHERE Name = 'billing'");
            then.status(200)
                .json_body(json!({"totalSize": 1, "done": true, "records": [
                    {"attributes": {"type": "Topic"}, "Id": "0TO000000000001GAA", "Name": "billing"}
                ]}));
        })
        .await;
    let missing = server
        .mock_async(|when, then| {
            when.method(GET).path(QUERY).query_param(
                "q",
                r"SELECT Id, Name FROM Topic WHERE Name = 'x\' OR Name != \''",
            );
            then.status(200)
                .json_body(json!({"totalSize": 0, "done": true, "records": []}));
        })
        .await;
    let new_topic = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/services/data/v64.0/sobjects/Topic")
                .json_body(json!({"Name": "x' OR Name != '"}));
            then.status(201)
                .json_body(json!({"id": "0TO000000000002GAA", "success": true, "errors": []}));
        })
        .await;
    let assignments = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/services/data/v64.0/sobjects/TopicAssignment")
                .json_body_includes(format!(r#"{{"EntityId": "{}"}}"#, case_id(8)));
            then.status(201)
                .json_body(json!({"id": "0FT000000000009GAA", "success": true, "errors": []}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(QUERY).query_param(
                "q",
                format!("SELECT {CASE_FIELDS} FROM Case WHERE Id = '{}'", case_id(8)),
            );
            then.status(200)
                .json_body(json!({"totalSize": 1, "done": true, "records": [case(8, "New")]}));
        })
        .await;
    let mut new = support_core::NewTicket::new("Case 8", "It smokes.");
    new.priority = Some(support_core::Priority::High);
    new.tags = vec!["billing".into(), "x' OR Name != '".into()];
    let ticket = port(&server).create_ticket(new).await.unwrap();
    assert_eq!(ticket.id.external_id(), case_id(8));
    create.assert_calls_async(1).await;
    existing.assert_calls_async(1).await;
    missing.assert_calls_async(1).await;
    new_topic.assert_calls_async(1).await;
    assignments.assert_calls_async(2).await;
}

#[tokio::test]
async fn updating_tags_replaces_the_topic_assignments() {
    // Ids with their case checksums (computed with Python: `0FT…` ends `GAA`).
    let server = MockServer::start_async().await;
    statuses(&server).await;
    no_milestones(&server).await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(QUERY).query_param(
                "q",
                format!(
                    "SELECT Id, EntityId, TopicId, Topic.Name FROM TopicAssignment WHERE \
                     EntityId = '{}'",
                    case_id(5)
                ),
            );
            then.status(200).json_body(json!({"totalSize": 1, "done": true, "records": [
                {"attributes": {"type": "TopicAssignment"}, "Id": "0FT000000000001GAA", "EntityId": case_id(5), "TopicId": "0TO000000000001GAA", "Topic": {"attributes": {"type": "Topic"}, "Name": "printers"}}
            ]}));
        })
        .await;
    let delete = server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path("/services/data/v64.0/sobjects/TopicAssignment/0FT000000000001GAA");
            then.status(204);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path(QUERY)
                .query_param("q", "SELECT Id, Name FROM Topic WHERE Name = 'billing'");
            then.status(200)
                .json_body(json!({"totalSize": 1, "done": true, "records": [
                    {"attributes": {"type": "Topic"}, "Id": "0TO000000000002GAA", "Name": "billing"}
                ]}));
        })
        .await;
    let assign = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/services/data/v64.0/sobjects/TopicAssignment")
                .json_body(json!({"TopicId": "0TO000000000002GAA", "EntityId": case_id(5)}));
            then.status(201)
                .json_body(json!({"id": "0FT000000000003GAA", "success": true, "errors": []}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(QUERY).query_param(
                "q",
                format!("SELECT {CASE_FIELDS} FROM Case WHERE Id = '{}'", case_id(5)),
            );
            then.status(200)
                .json_body(json!({"totalSize": 1, "done": true, "records": [case(5, "New")]}));
        })
        .await;
    let ticket = CanonicalId::new(PROVIDER, ObjectKind::Ticket, case_id(5));
    port(&server)
        .update_ticket(
            &ticket,
            support_core::TicketUpdate::new().with_tags(["billing"]),
        )
        .await
        .unwrap();
    delete.assert_calls_async(1).await;
    assign.assert_calls_async(1).await;
}

#[tokio::test]
async fn closing_sets_the_first_closed_status_after_the_closing_comment() {
    let server = MockServer::start_async().await;
    statuses(&server).await;
    no_topics(&server).await;
    let comment = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/services/data/v64.0/sobjects/CaseComment")
                .json_body(
                    json!({"ParentId": case_id(6), "CommentBody": "Fixed.", "IsPublished": true}),
                );
            then.status(201)
                .json_body(json!({"id": "00a000000000001AAA", "success": true, "errors": []}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(QUERY).query_param(
                "q",
                "SELECT Id, ParentId, CommentBody, IsPublished, CreatedById, CreatedDate FROM \
                 CaseComment WHERE Id = '00a000000000001AAA'",
            );
            then.status(200).json_body(json!({"totalSize": 1, "done": true, "records": [{
                "attributes": {"type": "CaseComment"}, "Id": "00a000000000001AAA", "ParentId": case_id(6),
                "CommentBody": "Fixed.", "IsPublished": true, "CreatedById": "005000000000001AAA",
                "CreatedDate": "2024-03-04T10:00:00.000+0000"
            }]}));
        })
        .await;
    // "Solved by Bot" (SortOrder 3) is the first status whose IsClosed is true.
    let close = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(format!("/services/data/v64.0/sobjects/Case/{}", case_id(6)))
                .header("Sforce-Auto-Assign", "FALSE")
                .json_body(json!({"Status": "Solved by Bot"}));
            then.status(204);
        })
        .await;
    let mut closed = case(6, "Solved by Bot");
    closed["IsClosed"] = json!(true);
    server
        .mock_async(|when, then| {
            when.method(GET).path(QUERY).query_param(
                "q",
                format!("SELECT {CASE_FIELDS} FROM Case WHERE Id = '{}'", case_id(6)),
            );
            then.status(200)
                .json_body(json!({"totalSize": 1, "done": true, "records": [closed]}));
        })
        .await;
    let ticket = CanonicalId::new(PROVIDER, ObjectKind::Ticket, case_id(6));
    let options =
        support_core::CloseOptions::new().with_comment(support_core::NewComment::public("Fixed."));
    let done = port(&server).close_ticket(&ticket, options).await.unwrap();
    comment.assert_calls_async(1).await;
    close.assert_calls_async(1).await;
    assert_eq!(done.status.canonical, TicketStatus::Closed);
}

/// The org's custom fields of `Case` (a text, a number, and the external reference field).
fn custom_fields() -> Value {
    json!([
        {"name": "Product__c", "label": "Product", "type": "string", "custom": true, "createable": true, "updateable": true},
        {"name": "Escalation_Count__c", "label": "Escalation Count", "type": "double", "custom": true, "createable": true, "updateable": true},
        {"name": "Legacy_Id__c", "label": "Legacy Id", "type": "string", "custom": true, "externalId": true, "createable": true, "updateable": true},
        {"name": "Bad Name__c", "label": "Not an API name", "type": "string", "custom": true},
        {"name": "Age_Days__c", "label": "Age Days", "type": "double", "custom": true, "calculated": true, "createable": false, "updateable": false}
    ])
}

fn custom_case(n: usize) -> Value {
    let mut case = case(n, "New");
    case["Product__c"] = json!("Billing Portal");
    case["Escalation_Count__c"] = json!(2.5);
    case["Legacy_Id__c"] = json!("LEG-7");
    case["Age_Days__c"] = json!(null);
    case
}

#[tokio::test]
async fn custom_fields_are_read_by_label_and_written_by_api_name() {
    let server = MockServer::start_async().await;
    let described = describe(&server, custom_fields()).await;
    no_files(&server).await;
    status_rows(&server).await;
    topics_none(&server).await;
    let fields =
        format!("{CASE_FIELDS}, Product__c, Escalation_Count__c, Legacy_Id__c, Age_Days__c");
    let id = case_id(7);
    let by_id = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(QUERY)
                .query_param("q", format!("SELECT {fields} FROM Case WHERE Id = '{id}'"));
            then.status(200)
                .json_body(json!({"totalSize": 1, "done": true, "records": [custom_case(7)]}));
        })
        .await;
    let by_ref = server
        .mock_async(|when, then| {
            when.method(GET).path(QUERY).query_param(
                "q",
                format!(
                    "SELECT {fields} FROM Case WHERE Legacy_Id__c = 'LEG-7' ORDER BY CreatedDate \
                     ASC, Id ASC LIMIT 2"
                ),
            );
            then.status(200)
                .json_body(json!({"totalSize": 1, "done": true, "records": [custom_case(7)]}));
        })
        .await;
    let patch = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(format!("/services/data/v64.0/sobjects/Case/{id}"))
                .header("sforce-auto-assign", "FALSE")
                .json_body(json!({"Product__c": "Hardware", "Escalation_Count__c": 3}));
            then.status(204);
        })
        .await;
    let port = SalesforcePort::builder()
        .instance_url(server.base_url())
        .access_token(TOKEN)
        .external_ref_field("Legacy_Id__c")
        .request_timeout(None)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let ticket_id = CanonicalId::new(PROVIDER, ObjectKind::Ticket, id.clone());
    let ticket = port
        .get_ticket(&TicketLookup::Id(ticket_id.clone()))
        .await
        .unwrap();
    let custom: Vec<(String, Option<String>, FieldValue)> = ticket
        .custom_fields
        .iter()
        .map(|f| (f.name.clone(), f.field_id.clone(), f.value.clone()))
        .collect();
    assert_eq!(
        custom,
        [
            (
                "Product".to_owned(),
                Some("Product__c".to_owned()),
                FieldValue::Text("Billing Portal".into())
            ),
            (
                "Escalation Count".to_owned(),
                Some("Escalation_Count__c".to_owned()),
                FieldValue::Number(2.5)
            ),
            (
                "Legacy Id".to_owned(),
                Some("Legacy_Id__c".to_owned()),
                FieldValue::Text("LEG-7".into())
            ),
            (
                "Age Days".to_owned(),
                Some("Age_Days__c".to_owned()),
                FieldValue::Null
            ),
        ],
        "a field whose name is no API name is never queried"
    );
    assert_eq!(ticket.external_ref.as_deref(), Some("LEG-7"));
    let found = port
        .get_ticket(&TicketLookup::External("LEG-7".into()))
        .await
        .unwrap();
    assert_eq!(found.id, ticket_id);
    by_ref.assert_calls_async(1).await;
    // Written by label or by API name (in any case); an unknown name is refused before sending.
    port.update_ticket(
        &ticket_id,
        TicketUpdate::new()
            .with_custom_field("Product", FieldValue::Text("Hardware".into()))
            .with_custom_field("escalation_count__c", FieldValue::Integer(3)),
    )
    .await
    .unwrap();
    patch.assert_calls_async(1).await;
    let error = port
        .update_ticket(
            &ticket_id,
            TicketUpdate::new().with_custom_field("Colour__c", FieldValue::Text("red".into())),
        )
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::InvalidInput);
    assert!(error.to_string().contains("Colour__c"), "{error}");
    let error = port
        .update_ticket(
            &ticket_id,
            TicketUpdate::new().with_custom_field("Age Days", FieldValue::Integer(4)),
        )
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::InvalidInput);
    assert!(error.to_string().contains("Age_Days__c"), "{error}");
    patch.assert_calls_async(1).await;
    // The describe is read once for all of these.
    described.assert_calls_async(1).await;
    by_id.assert_calls_async(2).await;
}

#[tokio::test]
async fn an_external_ref_needs_the_field_that_holds_it() {
    let server = MockServer::start_async().await;
    let created = server
        .mock_async(|when, then| {
            when.method(POST).path("/services/data/v64.0/sobjects/Case");
            then.status(201)
                .json_body(json!({"id": case_id(8), "success": true, "errors": []}));
        })
        .await;
    let error = port(&server)
        .create_ticket(NewTicket::new("Printer", "It jams").with_external_ref("LEG-8"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::InvalidInput);
    assert!(
        error.to_string().contains("external_ref_field"),
        "the error says how to name the field: {error}"
    );
    created.assert_calls_async(0).await;
}

#[tokio::test]
async fn files_download_from_their_objects_blob_resource() {
    let server = MockServer::start_async().await;
    let version = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/services/data/v64.0/sobjects/ContentVersion/068000000000001AAA/VersionData")
                .header("authorization", format!("Bearer {TOKEN}"));
            then.status(200)
                .header("content-type", "application/octet-stream")
                .body("png bytes");
        })
        .await;
    let legacy = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/services/data/v64.0/sobjects/Attachment/00P000000000001EAA/Body");
            then.status(200)
                .header("content-type", "text/plain")
                .body("log lines");
        })
        .await;
    let port = port(&server);
    let file = |id: &str| {
        Document::new(
            CanonicalId::new(PROVIDER, ObjectKind::Document, id),
            DocumentKind::Attachment,
            Value::Null,
        )
    };
    let bytes = port
        .download_attachment(&file("068000000000001AAA"))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(bytes.as_ref(), b"png bytes");
    let download = port
        .download_attachment(&file("00P000000000001"))
        .await
        .unwrap();
    assert_eq!(download.content_type.as_deref(), Some("text/plain"));
    assert_eq!(download.bytes().await.unwrap().as_ref(), b"log lines");
    version.assert_calls_async(1).await;
    legacy.assert_calls_async(1).await;
    let error = port
        .download_attachment(&file(&case_id(3)))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::InvalidInput);
}

#[tokio::test]
async fn a_comments_files_are_uploaded_to_its_case_as_content_versions() {
    let server = MockServer::start_async().await;
    let case = case_id(9);
    let comment = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/services/data/v64.0/sobjects/CaseComment")
                .json_body(
                    json!({"ParentId": case, "CommentBody": "See the log", "IsPublished": true}),
                );
            then.status(201)
                .json_body(json!({"id": "00a000000000002AAA", "success": true, "errors": []}));
        })
        .await;
    // "hello log\n" in base64, computed outside the code.
    let upload = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/services/data/v64.0/sobjects/ContentVersion")
                .json_body(json!({
                    "Title": "log.txt", "PathOnClient": "log.txt",
                    "VersionData": "aGVsbG8gbG9nCg==", "FirstPublishLocationId": case,
                }));
            then.status(201)
                .json_body(json!({"id": "068000000000002AAA", "success": true, "errors": []}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(QUERY).query_param(
                "q",
                "SELECT Id, ParentId, CommentBody, IsPublished, CreatedById, CreatedDate FROM \
                 CaseComment WHERE Id = '00a000000000002AAA'",
            );
            then.status(200).json_body(json!({"totalSize": 1, "done": true, "records": [{
                "attributes": {"type": "CaseComment"}, "Id": "00a000000000002AAA", "ParentId": case,
                "CommentBody": "See the log", "IsPublished": true,
                "CreatedById": "005000000000001AAA", "CreatedDate": "2024-03-01T11:00:00.000+0000"
            }]}));
        })
        .await;
    let ticket = CanonicalId::new(PROVIDER, ObjectKind::Ticket, case.clone());
    let added = port(&server)
        .add_comment(
            &ticket,
            NewComment::public("See the log").with_attachment(Upload::bytes(
                "log.txt",
                "text/plain",
                &b"hello log\n"[..],
            )),
        )
        .await
        .unwrap();
    comment.assert_calls_async(1).await;
    upload.assert_calls_async(1).await;
    assert!(
        added.data.attachments.is_empty(),
        "a case comment holds no files: the file is the case's"
    );
}

#[tokio::test]
async fn a_file_upload_that_fails_is_not_repeated_and_the_comment_is_reported_written() {
    let server = MockServer::start_async().await;
    let case = case_id(9);
    let comment = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/services/data/v64.0/sobjects/CaseComment");
            then.status(201)
                .json_body(json!({"id": "00a000000000002AAA", "success": true, "errors": []}));
        })
        .await;
    let upload = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/services/data/v64.0/sobjects/ContentVersion");
            then.status(503)
                .json_body(json!([{"errorCode": "SERVER_UNAVAILABLE", "message": "busy"}]));
        })
        .await;
    let port = SalesforcePort::builder()
        .instance_url(server.base_url())
        .access_token(TOKEN)
        .request_timeout(None)
        .build()
        .unwrap();
    let error = port
        .add_comment(
            &CanonicalId::new(PROVIDER, ObjectKind::Ticket, case),
            NewComment::internal("See the log").with_attachment(Upload::bytes(
                "log.txt",
                "text/plain",
                &b"hello log\n"[..],
            )),
        )
        .await
        .unwrap_err();
    assert_eq!(
        error.kind(),
        &ErrorKind::OutcomeUnknown,
        "the comment exists: {error}"
    );
    comment.assert_calls_async(1).await;
    upload.assert_calls_async(1).await;
}
