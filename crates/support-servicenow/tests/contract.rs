//! The adapter against ServiceNow's documented wire format (httpmock on loopback): what each
//! operation sends, what it makes of the answers, and which failures it retries.

use httpmock::prelude::*;
use serde_json::{Value, json};
use support_core::{
    Assignment, CanonicalId, Channel, CloseOptions, CommentQuery, ErrorKind, NewComment, NewTicket,
    ObjectKind, Priority, SupportPort, TicketCategory, TicketLookup, TicketStatus, TicketUpdate,
    Visibility,
};
use support_servicenow::ServiceNowPort;

const PASSWORD: &str = "pw-must-not-leak";
const CASE: &str = "46c6f9efa9fe198101ddf5eed9adf6e7";
const AGENT: &str = "5137153cc611227c000bbd1bd8cd2005";
const GROUP: &str = "287ebd7da9fe198100f92cc8d1d2154e";
const CONTACT: &str = "62826bf03710200044e0bfc8bcbe5df1";
const RESPONSE_SLA: &str = "aa000000000000000000000000000001";
const RESOLUTION_SLA: &str = "aa000000000000000000000000000002";

fn port(server: &MockServer) -> ServiceNowPort {
    ServiceNowPort::builder()
        .base_url(server.base_url())
        .basic_auth("integration", PASSWORD)
        .request_timeout(None)
        .build()
        .unwrap()
}

fn f(value: &str, label: &str) -> Value {
    json!({"display_value": label, "value": value})
}

fn case_json(state: (&str, &str)) -> Value {
    json!({
        "sys_id": f(CASE, CASE),
        "number": f("CS0001234", "CS0001234"),
        "short_description": f("Printer on fire", "Printer on fire"),
        "description": f("It smokes.", "It smokes."),
        "state": f(state.0, state.1),
        "priority": f("1", "1 - Critical"),
        "contact_type": f("email", "Email"),
        "category": f("billing", "Billing"),
        "contact": f(CONTACT, "Abel Tuter"),
        "account": f("", ""),
        "assigned_to": f(AGENT, "Beth Anglin"),
        "assignment_group": f(GROUP, "Customer Service"),
        "correlation_id": f("ext-9", "ext-9"),
        "close_notes": f("", ""),
        "sys_created_on": f("2024-03-01 09:30:00", "01/03/2024 10:30:00"),
        "sys_updated_on": f("2024-03-02 10:00:00", "02/03/2024 11:00:00"),
    })
}

/// The tables every read of a case consults besides the case: its tags and its SLA clocks.
async fn case_extras(server: &MockServer) {
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/now/table/label_entry")
                .query_param_includes("sysparm_query", "table=sn_customerservice_case^table_keyIN");
            then.status(200).json_body(json!({"result": [
                {"sys_id": f("ee000000000000000000000000000001", ""), "label": f("bb000000000000000000000000000001", "vip"), "table_key": f(CASE, CASE), "table": f("sn_customerservice_case", "Case")}
            ]}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/now/table/task_sla")
                .query_param_includes("sysparm_query", format!("taskIN{CASE}"));
            then.status(200).json_body(json!({"result": [
                {"sys_id": f("cc000000000000000000000000000001", ""), "task": f(CASE, "CS0001234"), "sla": f(RESPONSE_SLA, "Case response"), "stage": f("completed", "Completed"), "has_breached": f("false", "false"), "planned_end_time": f("2024-03-01 10:30:00", "")},
                {"sys_id": f("cc000000000000000000000000000002", ""), "task": f(CASE, "CS0001234"), "sla": f(RESOLUTION_SLA, "Case resolution"), "stage": f("in_progress", "In progress"), "has_breached": f("true", "true"), "planned_end_time": f("2024-03-03 09:30:00", "")}
            ]}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/now/table/contract_sla");
            then.status(200).json_body(json!({"result": [
                {"sys_id": f(RESPONSE_SLA, ""), "name": f("Case response", "Case response"), "target": f("response", "Response")},
                {"sys_id": f(RESOLUTION_SLA, ""), "name": f("Case resolution", "Case resolution"), "target": f("resolution", "Resolution")}
            ]}));
        })
        .await;
}

async fn choices(server: &MockServer) -> httpmock::Mock<'_> {
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/now/table/sys_choice")
                .query_param(
                    "sysparm_query",
                    "name=sn_customerservice_case^element=state^inactive=false^ORDERBYsys_id",
                );
            let rows: Vec<Value> = [("1", "New"), ("10", "Open"), ("18", "Awaiting Info"), ("6", "Resolved"), ("3", "Closed"), ("7", "Canceled")]
                .iter()
                .enumerate()
                .map(|(n, (v, l))| json!({"sys_id": f(&format!("{n:032x}"), ""), "value": f(v, v), "label": f(l, l)}))
                .collect();
            then.status(200).json_body(json!({"result": rows}));
        })
        .await
}

#[tokio::test]
async fn a_case_is_read_by_sys_id_with_values_labels_tags_and_sla() {
    let server = MockServer::start_async().await;
    let get = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/api/now/table/sn_customerservice_case/{CASE}"))
                .query_param("sysparm_display_value", "all")
                .query_param("sysparm_exclude_reference_link", "true")
                .header_exists("authorization");
            then.status(200)
                .json_body(json!({"result": case_json(("18", "Awaiting Info"))}));
        })
        .await;
    case_extras(&server).await;
    let id = CanonicalId::new("servicenow", ObjectKind::Ticket, CASE);
    let ticket = port(&server)
        .get_ticket(&TicketLookup::Id(id.clone()))
        .await
        .unwrap();
    get.assert_async().await;
    assert_eq!(ticket.id, id);
    assert_eq!(ticket.number.as_deref(), Some("CS0001234"));
    assert_eq!(ticket.status.canonical, TicketStatus::Pending);
    assert_eq!(ticket.status.native, "Awaiting Info");
    let priority = ticket.priority.unwrap();
    assert_eq!(
        (priority.canonical, &*priority.native),
        (Priority::Urgent, "1 - Critical")
    );
    assert_eq!(ticket.channel.unwrap().canonical, Channel::Email);
    assert_eq!(ticket.category.unwrap().canonical, TicketCategory::Billing);
    assert_eq!(ticket.assignee.unwrap().external_id(), AGENT);
    assert_eq!(ticket.group.unwrap().external_id(), GROUP);
    assert_eq!(ticket.requester.unwrap().external_id(), CONTACT);
    assert_eq!(ticket.organization, None);
    assert_eq!(ticket.external_ref.as_deref(), Some("ext-9"));
    // `value` is UTC; the display value is in the user's zone and is not read.
    assert_eq!(
        ticket.created_at.unwrap().to_rfc3339(),
        "2024-03-01T09:30:00+00:00"
    );
    assert_eq!(ticket.tags, ["vip"]);
    let sla = ticket.sla.unwrap();
    let response = sla.first_response.unwrap();
    assert_eq!(response.achieved, Some(true));
    assert_eq!(response.breached, Some(false));
    let resolution = sla.resolution.unwrap();
    assert_eq!(resolution.breached, Some(true));
    assert_eq!(resolution.achieved, None);
    assert_eq!(
        resolution.due_at.unwrap().to_rfc3339(),
        "2024-03-03T09:30:00+00:00"
    );
}

#[tokio::test]
async fn a_case_is_found_by_its_number() {
    let server = MockServer::start_async().await;
    let find = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/now/table/sn_customerservice_case")
                .query_param(
                    "sysparm_query",
                    "number=CS0001234^ORcorrelation_id=CS0001234",
                )
                .query_param("sysparm_display_value", "all");
            then.status(200)
                .json_body(json!({"result": [case_json(("10", "Open"))]}));
        })
        .await;
    case_extras(&server).await;
    let port = port(&server);
    let ticket = port
        .get_ticket(&TicketLookup::External("CS0001234".into()))
        .await
        .unwrap();
    find.assert_async().await;
    assert_eq!(ticket.id.external_id(), CASE);
    assert_eq!(ticket.status.canonical, TicketStatus::Open);
    let refused = port
        .get_ticket(&TicketLookup::External("CS1^ORstate=1".into()))
        .await
        .unwrap_err();
    assert_eq!(refused.kind(), &ErrorKind::InvalidInput);
}

#[tokio::test]
async fn an_unknown_number_is_not_found() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/now/table/sn_customerservice_case");
            then.status(200).json_body(json!({"result": []}));
        })
        .await;
    let error = port(&server)
        .get_ticket(&TicketLookup::External("CS0009999".into()))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::NotFound);
}

#[tokio::test]
async fn a_create_sends_raw_values_and_is_not_retried_after_a_server_error() {
    let server = MockServer::start_async().await;
    let create = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/now/table/sn_customerservice_case")
                .query_param("sysparm_display_value", "all")
                .json_body(json!({
                    "short_description": "Printer on fire",
                    "description": "It smokes.",
                    "priority": "2",
                    "contact": CONTACT,
                    "assignment_group": GROUP,
                    "contact_type": "email",
                }));
            then.status(500).json_body(json!({"error": {"message": "Transaction cancelled", "detail": "maximum execution time exceeded"}, "status": "failure"}));
        })
        .await;
    let ticket = NewTicket::new("Printer on fire", "It smokes.")
        .with_priority(Priority::High)
        .with_requester(support_core::Requester::Id(CanonicalId::new(
            "servicenow",
            ObjectKind::Party,
            CONTACT,
        )))
        .with_group(CanonicalId::new("servicenow", ObjectKind::Group, GROUP))
        .with_custom_field(
            "contact_type",
            support_core::FieldValue::Text("email".into()),
        );
    let error = port(&server).create_ticket(ticket).await.unwrap_err();
    assert_eq!(
        create.calls_async().await,
        1,
        "a create that may have been applied is never resent"
    );
    assert!(
        error
            .message()
            .unwrap_or_default()
            .contains("Transaction cancelled"),
        "{error}"
    );
    assert!(!format!("{error:?}").contains(PASSWORD));
}

#[tokio::test]
async fn a_created_case_comes_back_from_the_answer() {
    let server = MockServer::start_async().await;
    let create = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/now/table/sn_customerservice_case")
                .json_body_includes(r#"{"short_description": "Printer on fire"}"#);
            then.status(201)
                .json_body(json!({"result": case_json(("1", "New"))}));
        })
        .await;
    case_extras(&server).await;
    let ticket = port(&server)
        .create_ticket(NewTicket::new("Printer on fire", "It smokes."))
        .await
        .unwrap();
    create.assert_async().await;
    assert_eq!(ticket.status.canonical, TicketStatus::New);
    assert_eq!(ticket.id.external_id(), CASE);
}

#[tokio::test]
async fn closing_sets_state_3_with_close_notes_and_the_comment() {
    let server = MockServer::start_async().await;
    let states = choices(&server).await;
    let close = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(format!("/api/now/table/sn_customerservice_case/{CASE}"))
                .query_param("sysparm_display_value", "all")
                .json_body(json!({"state": "3", "close_notes": "Replaced the printer.", "comments": "Replaced the printer."}));
            then.status(200)
                .json_body(json!({"result": case_json(("3", "Closed"))}));
        })
        .await;
    case_extras(&server).await;
    let id = CanonicalId::new("servicenow", ObjectKind::Ticket, CASE);
    let ticket = port(&server)
        .close_ticket(
            &id,
            CloseOptions::new().with_comment(NewComment::public("Replaced the printer.")),
        )
        .await
        .unwrap();
    states.assert_async().await;
    close.assert_async().await;
    assert_eq!(ticket.status.canonical, TicketStatus::Closed);
}

#[tokio::test]
async fn a_status_the_instance_has_no_state_for_is_refused_before_any_write() {
    let server = MockServer::start_async().await;
    choices(&server).await;
    let patch = server
        .mock_async(|when, then| {
            when.method(PATCH);
            then.status(200)
                .json_body(json!({"result": case_json(("10", "Open"))}));
        })
        .await;
    let id = CanonicalId::new("servicenow", ObjectKind::Ticket, CASE);
    let error = port(&server)
        .update_ticket(
            &id,
            TicketUpdate::new().with_status(TicketStatus::Other("Escalated".into())),
        )
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::InvalidInput);
    assert!(
        error
            .message()
            .unwrap_or_default()
            .contains("Awaiting Info"),
        "{error}"
    );
    assert_eq!(patch.calls_async().await, 0);
}

#[tokio::test]
async fn assignment_patches_assigned_to_and_assignment_group() {
    let server = MockServer::start_async().await;
    let assign = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(format!("/api/now/table/sn_customerservice_case/{CASE}"))
                .json_body(json!({"assigned_to": AGENT, "assignment_group": GROUP}));
            then.status(200)
                .json_body(json!({"result": case_json(("10", "Open"))}));
        })
        .await;
    case_extras(&server).await;
    let id = CanonicalId::new("servicenow", ObjectKind::Ticket, CASE);
    let ticket = port(&server)
        .assign_ticket(
            &id,
            Assignment::agent(CanonicalId::new("servicenow", ObjectKind::Party, AGENT))
                .with_group(CanonicalId::new("servicenow", ObjectKind::Group, GROUP)),
        )
        .await
        .unwrap();
    assign.assert_async().await;
    assert_eq!(ticket.assignee.unwrap().external_id(), AGENT);
}

fn activities() -> Value {
    json!({"result": {"number": "CS0001234", "sys_id": CASE, "table": "sn_customerservice_case", "entries": [
        {"element": "comments", "field_label": "Additional comments", "value": "Is it still smoking?", "sys_id": "dd000000000000000000000000000001", "sys_created_on": "2024-03-01 09:40:00", "user_sys_id": AGENT, "login_name": "beth.anglin", "name": "Beth Anglin", "initials": "BA", "contains_code": "false"},
        {"element": "work_notes", "field_label": "Work notes", "value": "Ordered a new one.", "sys_id": "dd000000000000000000000000000002", "sys_created_on": "2024-03-01 09:50:00", "user_sys_id": AGENT, "login_name": "beth.anglin", "name": "Beth Anglin", "initials": "BA", "contains_code": "false"},
        {"element": "attachment", "field_label": "Attachment", "value": "invoice.pdf", "sys_id": "ff000000000000000000000000000001", "sys_created_on": "2024-03-01 09:50:00", "user_sys_id": AGENT, "login_name": "beth.anglin", "name": "Beth Anglin", "initials": "BA", "contains_code": "false",
         "attachment": {"sys_id": "ff000000000000000000000000000001", "file_name": "invoice.pdf", "content_type": "application/pdf", "size_bytes": "2048"}},
        {"element": "attachment", "field_label": "Attachment", "value": "photo.png", "sys_id": "ff000000000000000000000000000002", "sys_created_on": "2024-03-01 11:00:00", "user_sys_id": CONTACT, "login_name": "abel.tuter", "name": "Abel Tuter", "initials": "AT", "contains_code": "false",
         "attachment": {"sys_id": "ff000000000000000000000000000002", "file_name": "photo.png", "content_type": "image/png", "size_bytes": "10"}}
    ], "journal_fields": [{"name": "comments", "label": "Additional comments", "can_read": true, "can_write": true}]}})
}

#[tokio::test]
async fn comments_are_the_case_activities_journal_entries_with_their_files() {
    let server = MockServer::start_async().await;
    let read = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/api/sn_customerservice/case/{CASE}/activities"))
                .query_param("sysparm_activity_type", "comments,work_notes,attachment");
            then.status(200).json_body(activities());
        })
        .await;
    let id = CanonicalId::new("servicenow", ObjectKind::Ticket, CASE);
    let page = port(&server)
        .list_comments(&id, CommentQuery::new())
        .await
        .unwrap();
    read.assert_async().await;
    assert!(page.next.is_none());
    let seen: Vec<_> = page
        .items
        .iter()
        .map(|c| (c.data.visibility, c.data.body.text.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            (Visibility::Public, "Is it still smoking?"),
            (Visibility::Internal, "Ordered a new one.")
        ]
    );
    // The file written with the work note (same user, same second) is the note's; the other one,
    // added later by the customer, belongs to no comment.
    assert!(page.items[0].data.attachments.is_empty());
    assert_eq!(page.items[1].data.attachments.len(), 1);
    let file = &page.items[1].data.attachments[0];
    assert_eq!(file.title.as_deref(), Some("invoice.pdf"));
    assert_eq!(
        file.url.as_deref(),
        Some(
            format!(
                "{}/api/now/attachment/ff000000000000000000000000000001/file",
                server.base_url()
            )
            .as_str()
        )
    );
}

#[tokio::test]
async fn an_internal_note_is_written_to_work_notes_and_read_back() {
    let server = MockServer::start_async().await;
    let write = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(format!("/api/now/table/sn_customerservice_case/{CASE}"))
                .json_body(json!({"work_notes": "Ordered a new one."}));
            then.status(200)
                .json_body(json!({"result": case_json(("10", "Open"))}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/api/sn_customerservice/case/{CASE}/activities"));
            then.status(200).json_body(activities());
        })
        .await;
    let id = CanonicalId::new("servicenow", ObjectKind::Ticket, CASE);
    let comment = port(&server)
        .add_comment(&id, NewComment::internal("Ordered a new one."))
        .await
        .unwrap();
    write.assert_async().await;
    assert_eq!(comment.external_id(), "dd000000000000000000000000000002");
    assert_eq!(comment.data.visibility, Visibility::Internal);
}

#[tokio::test(start_paused = true)]
async fn throttling_reports_the_wait_retry_after_asks_for() {
    let server = MockServer::start_async().await;
    let throttled = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/api/now/table/kb_knowledge/{CASE}"));
            then.status(429)
                .header("retry-after", "30")
                .header("x-ratelimit-limit", "100")
                .header("x-ratelimit-reset", "4102444800")
                .json_body(json!({"error": {"message": "Rate limit exceeded", "detail": "Rate limit of 100 requests per hour for Table API exceeded"}, "status": "failure"}));
        })
        .await;
    let port = ServiceNowPort::builder()
        .base_url(server.base_url())
        .basic_auth("integration", PASSWORD)
        .request_timeout(None)
        .retry_policy(support_core::http::RetryPolicy::none())
        .build()
        .unwrap();
    let error = port
        .get_knowledge_article(&CanonicalId::new("servicenow", ObjectKind::Document, CASE))
        .await
        .unwrap_err();
    assert_eq!(throttled.calls_async().await, 1);
    assert_eq!(
        error.kind(),
        &ErrorKind::RateLimited {
            retry_after: Some(std::time::Duration::from_secs(30))
        }
    );
}
