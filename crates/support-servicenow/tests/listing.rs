//! The case listing walks `sys_id` with keyset conditions, so that cases updated or created during
//! the walk come back exactly once, and it ends only on a page without a `rel="next"` link (pages
//! that access checks cut short, or empty, are not the end). A small stateful Table API on
//! httpmock (loopback) serves the pages and changes the table between them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use httpmock::prelude::*;
use httpmock::{HttpMockRequest, HttpMockResponse};
use serde_json::{Value, json};
use support_core::{Cursor, SupportPort, TicketQuery, TicketStatus};
use support_servicenow::ServiceNowPort;

fn sys_id(n: u32) -> String {
    format!("{n:032x}")
}

fn field(value: &str, label: &str) -> Value {
    json!({"display_value": label, "value": value})
}

fn case(n: u32, state: &str, updated: &str) -> Value {
    let label = match state {
        "1" => "New",
        "10" => "Open",
        _ => "Closed",
    };
    json!({
        "sys_id": field(&sys_id(n), &sys_id(n)),
        "number": field(&format!("CS{n:07}"), &format!("CS{n:07}")),
        "short_description": field(&format!("Case {n}"), &format!("Case {n}")),
        "state": field(state, label),
        "priority": field("3", "3 - Moderate"),
        "sys_updated_on": field(updated, updated),
    })
}

/// The table and what the server does between pages.
struct Table {
    cases: Vec<Value>,
    /// Rows the integration user may not read (dropped after `sysparm_limit`, as ACLs are).
    hidden: Vec<String>,
    /// Whether the table changes between pages.
    mutate: bool,
    pages_served: usize,
    queries: Vec<HashMap<String, String>>,
}

fn serve(table: &Arc<Mutex<Table>>, request: &HttpMockRequest) -> HttpMockResponse {
    let params: HashMap<String, String> = request.query_params().into_iter().collect();
    let mut t = table.lock().unwrap();
    t.queries.push(params.clone());
    // Between pages, the table changes: an early case is updated (it would move in an order by
    // update time), and new cases are created on both sides of the walk's position.
    if t.mutate && t.pages_served > 0 {
        let round = u32::try_from(t.pages_served).unwrap();
        if let Some(first) = t.cases.first_mut() {
            first["sys_updated_on"] = field("2031-01-01 00:00:00", "2031-01-01 00:00:00");
        }
        t.cases
            .push(case(1000 + round, "10", "2031-01-01 00:00:00"));
        t.cases.push(case(round, "10", "2031-01-01 00:00:00"));
        t.cases
            .sort_by_key(|c| c["sys_id"]["value"].as_str().unwrap().to_owned());
    }
    t.pages_served += 1;
    let query = params.get("sysparm_query").cloned().unwrap_or_default();
    let limit: usize = params["sysparm_limit"].parse().unwrap();
    let offset: usize = params
        .get("sysparm_offset")
        .map_or(0, |o| o.parse().unwrap());
    let mut after = None;
    let mut states: Option<Vec<String>> = None;
    for part in query.split('^') {
        if let Some(key) = part.strip_prefix("sys_id>") {
            after = Some(key.to_owned());
        } else if let Some(list) = part.strip_prefix("stateIN") {
            states = Some(list.split(',').map(str::to_owned).collect());
        } else if part != "ORDERBYsys_id" {
            return HttpMockResponse::builder()
                .status(400)
                .body(format!("unexpected query part {part}"))
                .build();
        }
    }
    assert!(query.ends_with("ORDERBYsys_id"), "{query}");
    let matching: Vec<&Value> = t
        .cases
        .iter()
        .filter(|c| {
            let id = c["sys_id"]["value"].as_str().unwrap();
            after.as_deref().is_none_or(|a| id > a)
                && states
                    .as_ref()
                    .is_none_or(|s| s.iter().any(|v| v == c["state"]["value"].as_str().unwrap()))
        })
        .collect();
    let window: Vec<&Value> = matching.iter().skip(offset).take(limit).copied().collect();
    let more = matching.len() > offset + window.len();
    let visible: Vec<&Value> = window
        .into_iter()
        .filter(|c| !t.hidden.iter().any(|h| c["sys_id"]["value"] == h.as_str()))
        .collect();
    let mut builder = HttpMockResponse::builder()
        .status(200)
        .header("content-type", "application/json")
        .header("x-total-count", matching.len().to_string());
    if more {
        builder = builder.header(
            "link",
            format!(
                "<https://acme.service-now.com/api/now/table/sn_customerservice_case?sysparm_offset={}&sysparm_limit={limit}>;rel=\"next\"",
                offset + limit
            ),
        );
    }
    builder.body(json!({"result": visible}).to_string()).build()
}

async fn server_with(table: Table) -> (MockServer, Arc<Mutex<Table>>) {
    let server = MockServer::start_async().await;
    let table = Arc::new(Mutex::new(table));
    let shared = table.clone();
    server
        .mock_async(move |when, then| {
            when.method(GET)
                .path("/api/now/table/sn_customerservice_case");
            then.respond_with(move |request: &HttpMockRequest| serve(&shared, request));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/now/table/sys_choice")
                .query_param_includes("sysparm_query", "element=state");
            let choices: Vec<Value> = [("1", "New"), ("10", "Open"), ("18", "Awaiting Info"), ("6", "Resolved"), ("3", "Closed"), ("7", "Canceled")]
                .iter()
                .map(|(v, l)| json!({"value": field(v, v), "label": field(l, l), "sys_id": field(&sys_id(900), "")}))
                .collect();
            then.status(200).json_body(json!({"result": choices}));
        })
        .await;
    // No tags and no SLA clocks on these cases.
    for table in ["label_entry", "task_sla"] {
        server
            .mock_async(move |when, then| {
                when.method(GET).path(format!("/api/now/table/{table}"));
                then.status(200).json_body(json!({"result": []}));
            })
            .await;
    }
    (server, table)
}

fn port(server: &MockServer) -> ServiceNowPort {
    ServiceNowPort::builder()
        .base_url(server.base_url())
        .basic_auth("integration", "pw")
        .request_timeout(None)
        .build()
        .unwrap()
}

async fn walk(port: &ServiceNowPort, query: TicketQuery) -> (Vec<String>, usize) {
    let mut seen = Vec::new();
    let mut cursor: Option<Cursor> = None;
    let mut pages = 0;
    loop {
        let mut q = query.clone();
        q.page.limit = Some(3);
        q.page.cursor = cursor.take();
        let page = port.list_tickets(q).await.unwrap();
        pages += 1;
        seen.extend(page.items.iter().map(|t| t.id.external_id().to_owned()));
        match page.next {
            Some(next) => cursor = Some(next),
            None => return (seen, pages),
        }
        assert!(pages < 100, "the listing does not end");
    }
}

#[tokio::test]
async fn cases_changed_and_created_during_the_walk_come_back_exactly_once() {
    let initial: Vec<u32> = (10..=30).step_by(2).collect();
    let (server, table) = server_with(Table {
        cases: initial
            .iter()
            .map(|n| case(*n, "10", "2030-01-01 00:00:00"))
            .collect(),
        hidden: Vec::new(),
        mutate: true,
        pages_served: 0,
        queries: Vec::new(),
    })
    .await;
    let (seen, _) = walk(&port(&server), TicketQuery::new()).await;
    let mut counts: HashMap<&String, usize> = HashMap::new();
    for id in &seen {
        *counts.entry(id).or_default() += 1;
    }
    assert!(counts.values().all(|n| *n == 1), "repeated: {counts:?}");
    for n in &initial {
        assert!(seen.contains(&sys_id(*n)), "case {n} was skipped");
    }
    // Cases created beyond the walk's position are found too; none from before it.
    assert!(seen.contains(&sys_id(1001)));
    let queries = table.lock().unwrap().queries.clone();
    assert!(
        queries
            .iter()
            .all(|q| q.get("sysparm_offset").map(String::as_str) == Some("0")),
        "offsets move: {queries:?}"
    );
    assert!(
        queries.iter().all(|q| q["sysparm_display_value"] == "all"
            && q["sysparm_exclude_reference_link"] == "true")
    );
}

#[tokio::test]
async fn pages_cut_short_or_emptied_by_access_checks_are_not_the_end() {
    // Cases 1..=9; 4, 5, 6 (a whole page of 3) and 8 are hidden from the integration user.
    let (server, table) = server_with(Table {
        cases: (1..=9)
            .map(|n| case(n, "1", "2030-01-01 00:00:00"))
            .collect(),
        hidden: [4, 5, 6, 8].map(sys_id).to_vec(),
        mutate: false,
        pages_served: 0,
        queries: Vec::new(),
    })
    .await;
    let port = port(&server);
    let (seen, _) = walk(&port, TicketQuery::new().with_status(TicketStatus::New)).await;
    let expected: Vec<String> = [1, 2, 3, 7, 9].map(sys_id).to_vec();
    assert_eq!(seen, expected);
    let queries = table.lock().unwrap().queries.clone();
    assert_eq!(queries.len(), 3, "{queries:?}");
    assert!(queries[0]["sysparm_query"].starts_with("stateIN1^"));
    // After the emptied page, the same key with the offset past the hidden rows.
    assert_eq!(queries[2]["sysparm_offset"], "3");
    assert!(queries[2]["sysparm_query"].contains(&format!("sys_id>{}", sys_id(3))));
}
