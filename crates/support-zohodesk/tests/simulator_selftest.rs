//! Raw-HTTP checks of the Zoho Desk simulator itself, independent of the adapter (what it serves,
//! what it rejects), and the shared adapter suites on it.

use support_zohodesk::simulator;

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use simulator::{
    API, CLIENT_ID, CLIENT_SECRET, ORG_ID, REFRESH_TOKEN, TOKEN, TOKEN_PATH, WRONG_TOKEN,
    ZohoDeskSimulator, authorization, expire_access_tokens, issued_tokens, port_factory,
    threshold_fault, zohodesk_world,
};
use support_conformance::sim::{Answer, QueryEncoding, SimClient, encode_component, lock};
use support_conformance::suites::SuiteTarget;
use support_conformance::{Fault, Harness, Simulator};
use support_core::{ErrorKind, Operation};

/// The Zoho Desk adapter on this simulator, for the shared suites.
struct ZohoDeskOnSimulator;

#[support_core::async_trait(?Send)]
impl SuiteTarget for ZohoDeskOnSimulator {
    async fn start(&self, request_timeout: Option<Duration>) -> Box<dyn Harness> {
        Box::new(ZohoDeskSimulator::start(zohodesk_world(), port_factory(request_timeout)).await)
    }

    fn secrets(&self) -> Vec<String> {
        vec![
            TOKEN.into(),
            WRONG_TOKEN.into(),
            CLIENT_SECRET.into(),
            REFRESH_TOKEN.into(),
        ]
    }
}

support_conformance::adapter_suite!(ZohoDeskOnSimulator);

async fn start() -> (ZohoDeskSimulator, SimClient) {
    let simulator = ZohoDeskSimulator::start(zohodesk_world(), port_factory(None)).await;
    let client = SimClient::new(simulator.base_url(), authorization(TOKEN));
    (simulator, client)
}

fn api(path: &str) -> String {
    format!("{API}{path}")
}

/// A request with the client's token, the `orgId` header and this query (and JSON body).
async fn call(
    client: &SimClient,
    method: Method,
    path: &str,
    query: &[(&str, &str)],
    body: Option<&Value>,
) -> Answer {
    let mut request = client
        .http
        .request(method, format!("{}{path}", client.base))
        .header("authorization", client.authorization())
        .header("orgId", ORG_ID)
        .query(query);
    if let Some(body) = body {
        request = request.json(body);
    }
    client.send(request).await
}

async fn get(client: &SimClient, path: &str, query: &[(&str, &str)]) -> Answer {
    call(client, Method::GET, &api(path), query, None).await
}

async fn post(client: &SimClient, path: &str, body: &Value) -> Answer {
    call(client, Method::POST, &api(path), &[], Some(body)).await
}

async fn patch(client: &SimClient, path: &str, body: &Value) -> Answer {
    call(client, Method::PATCH, &api(path), &[], Some(body)).await
}

/// `GET` with these headers only.
async fn get_with(client: &SimClient, path: &str, headers: &[(&str, &str)]) -> Answer {
    let mut request = client.http.get(format!("{}{path}", client.base));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    client.send(request).await
}

fn ids(answer: &Answer) -> Vec<String> {
    answer.json["data"]
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|r| r["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn assert_error(answer: &Answer, status: u16, code: &str) {
    assert_eq!(answer.status, status, "{}", answer.json);
    assert_eq!(answer.json["errorCode"], json!(code), "{}", answer.json);
}

/// 422 `INVALID_DATA` naming the field (`/field`).
fn assert_invalid(answer: &Answer, field: &str, error_type: &str) {
    assert_error(answer, 422, "INVALID_DATA");
    assert_eq!(
        answer.json["errors"][0]["fieldName"],
        json!(format!("/{field}")),
        "{}",
        answer.json
    );
    assert_eq!(
        answer.json["errors"][0]["errorType"],
        json!(error_type),
        "{}",
        answer.json
    );
}

/// 422 `UNPROCESSABLE_ENTITY` naming the query parameter.
fn assert_bad_param(answer: &Answer, name: &str) {
    assert_error(answer, 422, "UNPROCESSABLE_ENTITY");
    let message = answer.json["message"].as_str().unwrap_or_default();
    assert!(message.contains(&format!("'{name}'")), "{message}");
}

/// The token endpoint's answer to a form.
async fn token_answer(client: &SimClient, form: &[(&str, &str)]) -> Answer {
    client
        .send(
            client
                .http
                .post(format!("{}{TOKEN_PATH}", client.base))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(
                    form.iter()
                        .map(|(k, v)| format!("{k}={}", encode_component(v, QueryEncoding::Form)))
                        .collect::<Vec<_>>()
                        .join("&"),
                ),
        )
        .await
}

const REFRESH_GRANT: &[(&str, &str)] = &[
    ("grant_type", "refresh_token"),
    ("client_id", CLIENT_ID),
    ("client_secret", CLIENT_SECRET),
    ("refresh_token", REFRESH_TOKEN),
];

// ----- credentials and the organization -----

#[tokio::test]
async fn a_missing_or_wrong_token_is_401_invalid_oauth() {
    let (simulator, client) = start().await;
    for headers in [
        vec![("orgId", ORG_ID)],
        vec![
            ("orgId", ORG_ID),
            ("authorization", authorization(WRONG_TOKEN).leak()),
        ],
        // The scheme is Zoho's own: a bearer token is no credential.
        vec![
            ("orgId", ORG_ID),
            ("authorization", format!("Bearer {TOKEN}").leak()),
        ],
    ] {
        let answer = get_with(&client, &api("/myinfo"), &headers).await;
        assert_error(&answer, 401, "INVALID_OAUTH");
    }
    assert!(simulator.requests().is_empty(), "refusals are not logged");
}

#[tokio::test]
async fn the_org_id_header_is_required_but_for_the_organizations() {
    let (simulator, client) = start().await;
    let token = authorization(TOKEN);
    for org in [None, Some("60009999999")] {
        let mut headers = vec![("authorization", token.as_str())];
        if let Some(org) = org {
            headers.push(("orgId", org));
        }
        let answer = get_with(&client, &api("/tickets"), &headers).await;
        assert_error(&answer, 400, "INVALID_DATA");
        assert_eq!(answer.json["errors"][0]["fieldName"], json!("orgId"));
    }
    // As a query parameter (the description's spelling) it does not count.
    let answer = get_with(
        &client,
        &format!("{}?orgId={ORG_ID}", api("/myinfo")),
        &[("authorization", token.as_str())],
    )
    .await;
    assert_eq!(answer.status, 400, "{}", answer.json);
    let answer = get_with(
        &client,
        &api("/organizations"),
        &[("authorization", token.as_str())],
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.json);
    assert_eq!(answer.json["data"][0]["id"], json!(ORG_ID));
    let answer = get(&client, "/myinfo", &[]).await;
    assert_eq!(answer.status, 200, "{}", answer.json);
    assert_eq!(answer.json["emailId"], json!("ada@example.com"));
    assert_eq!(
        simulator.requests().len(),
        2,
        "only answered routes are logged"
    );
}

#[tokio::test(start_paused = true)]
async fn the_connection_check_reaches_the_simulator() {
    let simulator = ZohoDeskSimulator::start(zohodesk_world(), port_factory(None)).await;
    let info = simulator.port().check_connection().await;
    assert!(info.is_ok(), "check_connection failed: {info:?}");
    let bad = simulator.port_with_bad_credentials().await;
    let error = bad.check_connection().await.err();
    assert_eq!(
        error.as_ref().map(|e| e.kind()),
        Some(&ErrorKind::Unauthenticated)
    );
    let faulted = simulator
        .port_with_fault(Operation::CheckConnection, Fault::unavailable_once())
        .await;
    let info = faulted.port.check_connection().await;
    assert!(info.is_ok(), "check_connection after one 503: {info:?}");
    assert_eq!(faulted.requests.get(), 2, "the read is retried once");
}

// ----- the token endpoint -----

#[tokio::test]
async fn the_token_endpoint_issues_tokens_that_expire() {
    let (_simulator, client) = start().await;
    let base = client.base.clone();
    assert_eq!(issued_tokens(&base), 0);
    let answer = token_answer(&client, REFRESH_GRANT).await;
    assert_eq!(answer.status, 200, "{}", answer.json);
    assert_eq!(answer.json["expires_in"], json!(3600));
    assert_eq!(answer.json["token_type"], json!("Bearer"));
    assert!(answer.json["api_domain"].is_string());
    let token = answer.json["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(token.starts_with("1000."), "{token}");
    assert_eq!(issued_tokens(&base), 1);

    let issued = SimClient::new(base.clone(), authorization(&token));
    assert_eq!(get(&issued, "/myinfo", &[]).await.status, 200);
    // Valid on the server that issued it only.
    let (_other, other_client) = start().await;
    let elsewhere = SimClient::new(other_client.base.clone(), authorization(&token));
    assert_error(&get(&elsewhere, "/myinfo", &[]).await, 401, "INVALID_OAUTH");

    expire_access_tokens(&base);
    assert_error(&get(&issued, "/myinfo", &[]).await, 401, "INVALID_OAUTH");
    assert_eq!(
        get(&client, "/myinfo", &[]).await.status,
        200,
        "TOKEN never expires"
    );
    let renewed = token_answer(&client, REFRESH_GRANT).await;
    assert_ne!(renewed.json["access_token"], json!(token));
    assert_eq!(issued_tokens(&base), 2);
}

#[tokio::test]
async fn the_token_endpoint_answers_errors_with_200_like_zoho_accounts() {
    let (_simulator, client) = start().await;
    let cases: [(&[(&str, &str)], &str); 3] = [
        (
            &[
                ("grant_type", "refresh_token"),
                ("client_id", CLIENT_ID),
                ("client_secret", CLIENT_SECRET),
                ("refresh_token", "1000.revoked"),
            ],
            "invalid_code",
        ),
        (
            &[
                ("grant_type", "refresh_token"),
                ("client_id", CLIENT_ID),
                ("client_secret", "wrong"),
                ("refresh_token", REFRESH_TOKEN),
            ],
            "invalid_client",
        ),
        (
            &[
                ("grant_type", "client_credentials"),
                ("client_id", CLIENT_ID),
                ("client_secret", CLIENT_SECRET),
            ],
            "unsupported_grant_type",
        ),
    ];
    for (form, code) in cases {
        let answer = token_answer(&client, form).await;
        assert_eq!(answer.status, 200, "{code}");
        assert_eq!(answer.json, json!({"error": code}));
    }
    assert_eq!(issued_tokens(&client.base), 0);
}

#[tokio::test]
async fn tokens_expire_after_a_ticket_page_with_more_to_follow() {
    let (simulator, client) = start().await;
    let answer = token_answer(&client, REFRESH_GRANT).await;
    let token = answer.json["access_token"].as_str().unwrap_or_default();
    let issued = SimClient::new(client.base.clone(), authorization(token));
    lock(&simulator.state()).expire_tokens_mid_listing = true;
    let first = get(
        &issued,
        "/tickets",
        &[("limit", "4"), ("sortBy", "createdTime")],
    )
    .await;
    assert_eq!(first.status, 200, "{}", first.json);
    let next = get(
        &issued,
        "/tickets",
        &[("from", "4"), ("limit", "4"), ("sortBy", "createdTime")],
    )
    .await;
    assert_error(&next, 401, "INVALID_OAUTH");
    assert!(!lock(&simulator.state()).expire_tokens_mid_listing, "once");
}

// ----- throttling -----

#[tokio::test]
async fn throttling_is_too_many_requests_with_a_wait_or_threshold_exceeded_without() {
    let (simulator, _client) = start().await;
    let _throttled = simulator
        .port_with_fault(
            Operation::GetTicket,
            Fault::throttled(Duration::from_secs(30), 1),
        )
        .await;
    let base = simulator.faulted_base_urls().pop().unwrap_or_default();
    let client = SimClient::new(base, authorization(TOKEN));
    let world = zohodesk_world();
    let path = format!("/tickets/{}", world.tickets[0].id);
    let answer = get(&client, &path, &[]).await;
    assert_error(&answer, 429, "TOO_MANY_REQUESTS");
    assert_eq!(answer.header("retry-after"), Some("30"));
    assert_eq!(get(&client, &path, &[]).await.status, 200);

    let _spent = simulator
        .port_with_fault(Operation::GetTicket, threshold_fault(usize::MAX))
        .await;
    let base = simulator.faulted_base_urls().pop().unwrap_or_default();
    let client = SimClient::new(base, authorization(TOKEN));
    for _ in 0..2 {
        let answer = get(&client, &path, &[]).await;
        assert_error(&answer, 429, "THRESHOLD_EXCEEDED");
        assert_eq!(answer.header("retry-after"), None);
    }
}

#[tokio::test]
async fn answers_carry_the_credits_left() {
    let (_simulator, client) = start().await;
    let first = get(&client, "/myinfo", &[]).await;
    let second = get(&client, "/myinfo", &[]).await;
    let left = |a: &Answer| {
        a.header("x-rate-limit-remaining-v3")
            .and_then(|v| v.parse::<u64>().ok())
    };
    assert!(left(&first).is_some(), "{:?}", first.headers);
    assert!(left(&second) < left(&first));
}

// ----- listing tickets -----

#[tokio::test]
async fn tickets_are_listed_with_from_and_limit_and_end_with_204() {
    let (_simulator, client) = start().await;
    let world = zohodesk_world();
    let all: Vec<String> = world.tickets.iter().map(|t| t.id.clone()).collect();
    let mut seen = Vec::new();
    let mut from = 0;
    loop {
        let from_text = from.to_string();
        let answer = get(
            &client,
            "/tickets",
            &[
                ("from", &from_text),
                ("limit", "4"),
                ("sortBy", "createdTime"),
            ],
        )
        .await;
        if answer.status == 204 {
            assert_eq!(answer.json, Value::Null, "204 has no body");
            break;
        }
        assert_eq!(answer.status, 200, "{}", answer.json);
        seen.extend(ids(&answer));
        from += 4;
    }
    assert_eq!(seen, all, "oldest first, each once");
    // Newest first with `-`, and by default.
    let newest = get(&client, "/tickets", &[("sortBy", "-createdTime")]).await;
    assert_eq!(ids(&newest).first(), all.last());
    assert_eq!(ids(&get(&client, "/tickets", &[]).await), ids(&newest));
    // The record: numeric string ids, label and type, times with milliseconds.
    let one = &newest.json["data"][1];
    assert!(
        one["id"]
            .as_str()
            .is_some_and(|id| id.len() > 16 && id.bytes().all(|b| b.is_ascii_digit()))
    );
    assert!(
        one["createdTime"]
            .as_str()
            .is_some_and(|t| t.ends_with(".000Z")),
        "{one}"
    );
    assert!(one["statusType"].is_string(), "{one}");
    // The list view: no change time, description or tags unless `fields` asks.
    for member in ["modifiedTime", "description", "tags"] {
        assert!(one.get(member).is_none(), "{member} in {one}");
    }
    let with = get(
        &client,
        "/tickets",
        &[("fields", "modifiedTime,isEscalated"), ("limit", "1")],
    )
    .await;
    assert!(
        with.json["data"][0]["modifiedTime"].is_string(),
        "{}",
        with.json
    );
    assert_bad_param(
        &get(&client, "/tickets", &[("fields", "description")]).await,
        "fields",
    );
    let full = get(&client, &format!("/tickets/{}", all[0]), &[]).await;
    assert!(full.json["modifiedTime"].is_string());
    assert_eq!(
        full.json["description"],
        json!(world.tickets[0].description)
    );
    assert_eq!(
        full.json["tagCount"],
        json!(world.tickets[0].tags.len().to_string())
    );
}

#[tokio::test]
async fn ticket_listing_parameters_are_checked() {
    let (_simulator, client) = start().await;
    for (query, name) in [
        (vec![("limit", "101")], "limit"),
        (vec![("limit", "0")], "limit"),
        (vec![("from", "-1")], "from"),
        (vec![("sortBy", "modifiedTime")], "sortBy"),
        (vec![("status", "Pending")], "status"),
        (vec![("priority", "Normal")], "priority"),
        (vec![("include", "everything")], "include"),
        (vec![("departmentId", "1")], "departmentId"),
        (vec![("page", "2")], "page"),
        (vec![("limit", "4"), ("limit", "5")], "limit"),
    ] {
        assert_bad_param(&get(&client, "/tickets", &query).await, name);
    }
    let world = zohodesk_world();
    let department = &world.groups[1].id;
    let answer = get(
        &client,
        "/tickets",
        &[
            ("departmentId", department),
            ("status", "On Hold,Closed"),
            ("include", "assignee,departments"),
            ("limit", "100"),
        ],
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.json);
    for t in answer.json["data"].as_array().into_iter().flatten() {
        assert_eq!(t["departmentId"], json!(department));
        assert_eq!(t["department"]["id"], json!(department));
        assert_ne!(t["statusType"], json!("Open"), "{t}");
    }
}

#[tokio::test]
async fn from_past_the_cap_is_refused_naming_from() {
    let (simulator, client) = start().await;
    assert_eq!(lock(&simulator.state()).from_cap, simulator::FROM_CAP);
    let answer = get(&client, "/tickets", &[("from", "4990"), ("limit", "20")]).await;
    assert_bad_param(&answer, "from");
    // Under the cap, past the end: the end.
    let answer = get(&client, "/tickets", &[("from", "4900"), ("limit", "100")]).await;
    assert_eq!(answer.status, 204);
    lock(&simulator.state()).from_cap = 8;
    assert_eq!(
        get(&client, "/tickets", &[("from", "4"), ("limit", "4")])
            .await
            .status,
        200
    );
    assert_bad_param(
        &get(&client, "/tickets", &[("from", "5"), ("limit", "4")]).await,
        "from",
    );
    assert_bad_param(
        &get(&client, "/tickets/search", &[("from", "8"), ("limit", "1")]).await,
        "from",
    );
}

#[tokio::test]
async fn search_splits_on_creation_time_past_the_cap() {
    let (simulator, client) = start().await;
    lock(&simulator.state()).from_cap = 8;
    let world = zohodesk_world();
    let created: Vec<String> = world
        .tickets
        .iter()
        .map(|t| t.created_at.format("%Y-%m-%dT%H:%M:%S.000Z").to_string())
        .collect();
    // Inclusive at both ends, oldest first.
    let range = format!("{},{}", created[2], created[5]);
    let answer = get(
        &client,
        "/tickets/search",
        &[
            ("createdTimeRange", &range),
            ("sortBy", "createdTime"),
            ("limit", "8"),
        ],
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.json);
    let expected: Vec<String> = world.tickets[2..=5].iter().map(|t| t.id.clone()).collect();
    assert_eq!(ids(&answer), expected);
    assert_eq!(answer.json["count"], json!(4));
    // Newest first.
    let answer = get(
        &client,
        "/tickets/search",
        &[
            ("createdTimeRange", &range),
            ("sortBy", "-createdTime"),
            ("limit", "8"),
        ],
    )
    .await;
    assert_eq!(ids(&answer).first(), expected.last());
    lock(&simulator.state()).from_cap = simulator::FROM_CAP;
    // Nothing in range: 204. A range that is not two ISO times: 422.
    let empty = get(
        &client,
        "/tickets/search",
        &[(
            "createdTimeRange",
            "2020-01-01T00:00:00.000Z,2020-01-02T00:00:00.000Z",
        )],
    )
    .await;
    assert_eq!(empty.status, 204);
    for bad in [
        "yesterday",
        "2026-01-05T08:00:00.000Z",
        "2026-01-06T00:00:00Z,2026-01-05T00:00:00Z",
    ] {
        assert_bad_param(
            &get(&client, "/tickets/search", &[("createdTimeRange", bad)]).await,
            "createdTimeRange",
        );
    }
    assert_bad_param(
        &get(&client, "/tickets/search", &[("sortBy", "recentThread")]).await,
        "sortBy",
    );
    // By tag, any case.
    let vip: Vec<String> = world
        .tickets
        .iter()
        .filter(|t| t.tags.contains(&"vip".to_owned()))
        .map(|t| t.id.clone())
        .collect();
    let answer = get(
        &client,
        "/tickets/search",
        &[("tag", "VIP"), ("sortBy", "createdTime"), ("limit", "100")],
    )
    .await;
    assert_eq!(ids(&answer), vip);
}

#[tokio::test]
async fn the_unknown_status_is_a_label_of_no_known_type() {
    let (_simulator, client) = start().await;
    let world = zohodesk_world();
    let odd = world.odd_ticket();
    let answer = get(&client, &format!("/tickets/{}", odd.id), &[]).await;
    assert_eq!(answer.status, 200, "{}", answer.json);
    assert_eq!(
        answer.json["status"],
        json!(support_conformance::world::UNKNOWN_STATUS)
    );
    assert_eq!(answer.json["statusType"], Value::Null);
    let missing = get(
        &client,
        &format!("/tickets/{}", world.missing_ticket_id()),
        &[],
    )
    .await;
    assert_error(&missing, 404, "RESOURCE_NOT_FOUND");
}

// ----- writes -----

#[tokio::test]
async fn a_ticket_needs_a_subject_a_department_and_a_contact() {
    let (_simulator, client) = start().await;
    let world = zohodesk_world();
    let department = world.groups[0].id.clone();
    let contact = json!({"email": "dana@customer.example", "lastName": "Customer"});
    for (body, field, error_type) in [
        (
            json!({"departmentId": department, "contact": contact}),
            "subject",
            "missing",
        ),
        (
            json!({"subject": "Hi", "contact": contact}),
            "departmentId",
            "missing",
        ),
        (
            json!({"subject": "Hi", "departmentId": department}),
            "contactId",
            "missing",
        ),
        (
            json!({"subject": "Hi", "departmentId": department, "contact": {"firstName": "D"}}),
            "contact/lastName",
            "missing",
        ),
        (
            json!({"subject": "Hi", "departmentId": department, "contact": contact, "tags": ["x"]}),
            "tags",
            "invalid",
        ),
        (
            json!({"subject": "Hi", "departmentId": department, "contact": contact, "priority": "Normal"}),
            "priority",
            "invalid",
        ),
        (
            json!({"subject": "Hi", "departmentId": department, "contact": contact, "status": "New"}),
            "status",
            "invalid",
        ),
        (
            json!({"subject": " ", "departmentId": department, "contact": contact}),
            "subject",
            "invalid",
        ),
    ] {
        assert_invalid(&post(&client, "/tickets", &body).await, field, error_type);
    }
    let answer = post(
        &client,
        "/tickets",
        &json!({"subject": "Printer on fire", "description": "It burns.",
                "departmentId": department, "contact": contact, "priority": "Urgent"}),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.json);
    assert_eq!(answer.json["id"], json!(world.created_ticket_id()));
    assert_eq!(answer.json["status"], json!("Open"));
    assert_eq!(answer.json["statusType"], json!("Open"));
    assert_eq!(answer.json["priority"], json!("Urgent"));
    assert_eq!(answer.json["email"], json!("dana@customer.example"));
    // Not JSON: 422.
    let answer = client
        .send(
            client
                .http
                .post(format!("{}{}", client.base, api("/tickets")))
                .header("authorization", client.authorization())
                .header("orgId", ORG_ID)
                .body("subject=Hi"),
        )
        .await;
    assert_error(&answer, 422, "UNPROCESSABLE_ENTITY");
}

#[tokio::test]
async fn updates_are_patches_and_departments_change_by_a_move() {
    let (_simulator, client) = start().await;
    let world = zohodesk_world();
    let id = world.update().0.to_owned();
    let path = format!("/tickets/{id}");
    let answer = patch(
        &client,
        &path,
        &json!({"subject": "Renamed", "priority": "High"}),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.json);
    assert_eq!(answer.json["subject"], json!("Renamed"));
    assert_eq!(answer.json["priority"], json!("High"));
    assert_ne!(answer.json["modifiedTime"], json!(null));
    let put = call(
        &client,
        Method::PUT,
        &api(&path),
        &[],
        Some(&json!({"subject": "x"})),
    )
    .await;
    assert_eq!(put.status, 404, "no PUT");
    let department = world.groups[1].id.clone();
    assert_invalid(
        &patch(&client, &path, &json!({"departmentId": department})).await,
        "departmentId",
        "invalid",
    );
    assert_invalid(
        &patch(
            &client,
            &path,
            &json!({"assigneeId": "4150868000000000999"}),
        )
        .await,
        "assigneeId",
        "invalid",
    );
    let moved = post(
        &client,
        &format!("{path}/move"),
        &json!({"departmentId": department}),
    )
    .await;
    assert_eq!(moved.status, 200);
    assert_eq!(moved.json, Value::Null, "no body");
    let answer = get(&client, &path, &[]).await;
    assert_eq!(answer.json["departmentId"], json!(department));
    let unassigned = patch(&client, &path, &json!({"assigneeId": null})).await;
    assert_eq!(unassigned.json["assigneeId"], Value::Null);
}

#[tokio::test]
async fn close_tickets_closes_each_and_answers_without_a_body() {
    let (_simulator, client) = start().await;
    let world = zohodesk_world();
    let id = world.close_target().to_owned();
    let answer = post(&client, "/closeTickets", &json!({"ids": [id]})).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json, Value::Null);
    let ticket = get(&client, &format!("/tickets/{id}"), &[]).await;
    assert_eq!(ticket.json["status"], json!("Closed"));
    assert_eq!(ticket.json["statusType"], json!("Closed"));
    assert!(ticket.json["closedTime"].is_string());
    for body in [
        json!({"ids": []}),
        json!({}),
        json!({"ids": [world.missing_ticket_id()]}),
    ] {
        let answer = post(&client, "/closeTickets", &body).await;
        assert_error(&answer, 422, "INVALID_DATA");
    }
}

#[tokio::test]
async fn comments_are_listed_oldest_first_and_added_with_the_worlds_ids() {
    let (_simulator, client) = start().await;
    let world = zohodesk_world();
    let ticket = world.comments[0].ticket.clone();
    let path = format!("/tickets/{ticket}/comments");
    let expected: Vec<String> = world
        .comments
        .iter()
        .filter(|c| c.ticket == ticket)
        .map(|c| c.id.clone())
        .collect();
    assert_eq!(ids(&get(&client, &path, &[]).await), expected);
    let newest = get(&client, &path, &[("sortBy", "-commentedTime")]).await;
    assert_eq!(ids(&newest).first(), expected.last());
    assert_bad_param(
        &get(&client, &path, &[("sortBy", "createdTime")]).await,
        "sortBy",
    );

    let target = world.targets.comment.clone();
    let path = format!("/tickets/{target}/comments");
    assert_invalid(
        &post(&client, &path, &json!({"isPublic": true})).await,
        "content",
        "missing",
    );
    assert_invalid(
        &post(
            &client,
            &path,
            &json!({"content": "x", "contentType": "markdown"}),
        )
        .await,
        "contentType",
        "invalid",
    );
    assert_invalid(
        &post(
            &client,
            &path,
            &json!({"content": "x", "visibility": "public"}),
        )
        .await,
        "visibility",
        "invalid",
    );
    let (public, internal) = world.created_comment_ids();
    let answer = post(
        &client,
        &path,
        &json!({"content": "Public reply", "isPublic": true, "contentType": "plainText"}),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.json);
    assert_eq!(answer.json["id"], json!(public));
    assert_eq!(answer.json["isPublic"], json!(true));
    let answer = post(&client, &path, &json!({"content": "<p>Note</p>"})).await;
    assert_eq!(answer.json["id"], json!(internal));
    assert_eq!(answer.json["isPublic"], json!(false), "private by default");
    assert_eq!(answer.json["contentType"], json!("html"));
    let listed = get(&client, &path, &[]).await;
    assert_eq!(ids(&listed).iter().rev().take(2).count(), 2);
    assert!(ids(&listed).ends_with(&[public.to_owned(), internal.to_owned()]));
    // Threads hold the description only.
    let threads = get(&client, &format!("/tickets/{target}/threads"), &[]).await;
    assert_eq!(threads.json["data"].as_array().map(Vec::len), Some(1));
    assert_eq!(threads.json["data"][0]["isDescriptionThread"], json!(true));
}

// ----- tags -----

#[tokio::test]
async fn tags_exist_per_department_once_applied() {
    let (_simulator, client) = start().await;
    let world = zohodesk_world();
    let ticket = world.tickets[0].clone();
    let department = ticket.group.clone().unwrap_or_default();
    let names = |a: &Answer, member: &str| -> Vec<String> {
        a.json[member]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| t["name"].as_str().map(str::to_owned))
            .collect()
    };
    let tags = get(&client, &format!("/tickets/{}/tags", ticket.id), &[]).await;
    assert_eq!(names(&tags, "tags"), ticket.tags);

    assert_bad_param(&get(&client, "/ticketTags", &[]).await, "departmentId");
    let count_of = |a: &Answer, name: &str| {
        a.json["data"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|t| t["name"] == name)
            .map(|t| t["ticketCount"].clone())
    };
    let listed = get(
        &client,
        "/ticketTags",
        &[("departmentId", &department), ("limit", "100")],
    )
    .await;
    assert_eq!(listed.status, 200, "{}", listed.json);
    let carrying = world
        .tickets
        .iter()
        .filter(|t| {
            t.group.as_deref() == Some(department.as_str())
                && t.tags.contains(&"billing".to_owned())
        })
        .count();
    assert_eq!(
        count_of(&listed, "billing"),
        Some(json!(carrying.to_string()))
    );
    assert_eq!(count_of(&listed, "brand-new"), None);

    let path = format!("/tickets/{}/associateTag", ticket.id);
    for bad in [
        json!({"tags": ["ab"]}),
        json!({"tags": ["a,b,c"]}),
        json!({"tags": []}),
        json!({"names": ["abc"]}),
    ] {
        assert_eq!(post(&client, &path, &bad).await.status, 422, "{bad}");
    }
    let added = post(&client, &path, &json!({"tags": ["brand-new"]})).await;
    assert_eq!(added.status, 200, "{}", added.json);
    assert!(names(&added, "data").contains(&"brand-new".to_owned()));
    let listed = get(
        &client,
        "/ticketTags",
        &[("departmentId", &department), ("limit", "100")],
    )
    .await;
    assert_eq!(count_of(&listed, "brand-new"), Some(json!("1")));

    let removed = post(
        &client,
        &format!("/tickets/{}/dissociateTag", ticket.id),
        &json!({"tags": ["brand-new"]}),
    )
    .await;
    assert_eq!(removed.status, 200);
    assert_eq!(removed.json, Value::Null);
    let listed = get(
        &client,
        "/ticketTags",
        &[("departmentId", &department), ("limit", "100")],
    )
    .await;
    assert_eq!(
        count_of(&listed, "brand-new"),
        Some(json!("0")),
        "the tag stays"
    );
    // Another department does not have it.
    let other = world
        .groups
        .iter()
        .find(|g| g.id != department)
        .map(|g| g.id.clone())
        .unwrap_or_default();
    let listed = get(
        &client,
        "/ticketTags",
        &[("departmentId", &other), ("limit", "100")],
    )
    .await;
    assert_eq!(count_of(&listed, "brand-new"), None);
}

#[tokio::test]
async fn every_world_tag_is_in_some_department() {
    let (_simulator, client) = start().await;
    let world = zohodesk_world();
    let mut counts: std::collections::BTreeMap<String, u64> = Default::default();
    for group in &world.groups {
        let listed = get(
            &client,
            "/ticketTags",
            &[("departmentId", &group.id), ("limit", "100")],
        )
        .await;
        for t in listed.json["data"].as_array().into_iter().flatten() {
            let n: u64 = t["ticketCount"]
                .as_str()
                .and_then(|n| n.parse().ok())
                .unwrap_or_default();
            *counts
                .entry(t["name"].as_str().unwrap_or_default().to_owned())
                .or_default() += n;
        }
    }
    let expected: std::collections::BTreeMap<String, u64> = world.tags.iter().cloned().collect();
    assert_eq!(counts, expected, "summed over departments");
}

// ----- the rest of the organization -----

#[tokio::test]
async fn articles_count_from_one_and_list_without_their_body() {
    let (_simulator, client) = start().await;
    let world = zohodesk_world();
    let all = get(&client, "/articles", &[("limit", "50")]).await;
    let expected: Vec<String> = world.articles.iter().map(|a| a.id.clone()).collect();
    assert_eq!(ids(&all), expected);
    assert!(all.json["data"][0].get("answer").is_none());
    let second = get(&client, "/articles", &[("from", "2"), ("limit", "1")]).await;
    assert_eq!(ids(&second), vec![expected[1].clone()]);
    assert_bad_param(&get(&client, "/articles", &[("from", "0")]).await, "from");
    assert_bad_param(
        &get(&client, "/articles", &[("limit", "51")]).await,
        "limit",
    );
    let drafts = get(&client, "/articles", &[("status", "Draft")]).await;
    assert!(
        drafts.json["data"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|a| a["status"] == "Draft")
    );
    let one = get(&client, &format!("/articles/{}", expected[0]), &[]).await;
    assert_eq!(one.json["answer"], json!(world.articles[0].body_html));
    assert_eq!(one.json["categoryId"], json!(world.articles[0].category));
    assert_eq!(one.json["authorId"], json!(world.articles[0].author));
}

#[tokio::test]
async fn agents_departments_and_account_slas_are_served() {
    let (_simulator, client) = start().await;
    let world = zohodesk_world();
    let agents = get(
        &client,
        "/agents",
        &[("limit", "200"), ("status", "ACTIVE")],
    )
    .await;
    let expected: Vec<String> = world.agents.iter().map(|a| a.id.clone()).collect();
    assert_eq!(ids(&agents), expected);
    assert_bad_param(&get(&client, "/agents", &[("limit", "201")]).await, "limit");
    assert_bad_param(
        &get(&client, "/agents", &[("status", "AWAY")]).await,
        "status",
    );
    let departments = get(&client, "/departments", &[]).await;
    let expected: Vec<String> = world.groups.iter().map(|g| g.id.clone()).collect();
    assert_eq!(ids(&departments), expected);
    let slas = get(
        &client,
        &format!("/accounts/{}/sla", world.organization.0),
        &[],
    )
    .await;
    assert_eq!(slas.status, 200, "{}", slas.json);
    assert_eq!(
        slas.json["data"][0]["slaName"],
        json!(world.sla_policies[0].name)
    );
    assert_error(
        &get(&client, "/accounts/4150868000000000999/sla", &[]).await,
        404,
        "RESOURCE_NOT_FOUND",
    );
    let agent = get(&client, &format!("/agents/{}", world.agents[1].id), &[]).await;
    assert_eq!(agent.json["emailId"], json!(world.agents[1].email));
    let department = get(
        &client,
        &format!("/departments/{}", world.groups[1].id),
        &[],
    )
    .await;
    assert_eq!(department.json["name"], json!(world.groups[1].name));
    let contact = get(
        &client,
        &format!("/contacts/{}", world.customers[0].id),
        &[],
    )
    .await;
    assert_eq!(contact.json["email"], json!(world.customers[0].email));
    let comment = &world.comments[0];
    let one = get(
        &client,
        &format!("/tickets/{}/comments/{}", comment.ticket, comment.id),
        &[],
    )
    .await;
    assert_eq!(one.json["content"], json!(comment.html));
    let no_slas = get(&client, "/slas", &[]).await;
    assert_eq!(no_slas.status, 404, "no /slas in the description");
    assert!(
        no_slas.json.get("errorCode").is_none(),
        "httpmock's 404, no route"
    );
}

#[tokio::test]
async fn tickets_are_found_by_a_tag_id_of_their_department() {
    let (_simulator, client) = start().await;
    let world = zohodesk_world();
    for group in &world.groups {
        let found = get(
            &client,
            "/tags/search",
            &[("departmentId", &group.id), ("searchVal", "VIP")],
        )
        .await;
        let expected: Vec<String> = world
            .tickets
            .iter()
            .filter(|t| t.group.as_deref() == Some(group.id.as_str()))
            .filter(|t| t.tags.contains(&"vip".to_owned()))
            .map(|t| t.id.clone())
            .collect();
        if expected.is_empty() {
            assert_eq!(found.status, 204, "{}", found.json);
            continue;
        }
        assert_eq!(
            found.json["data"][0]["name"],
            json!("vip"),
            "{}",
            found.json
        );
        let tag = found.json["data"][0]["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let tickets = get(
            &client,
            &format!("/tags/{tag}/tickets"),
            &[("limit", "100"), ("sortBy", "createdTime")],
        )
        .await;
        assert_eq!(ids(&tickets), expected);
        let high = get(
            &client,
            &format!("/tags/{tag}/tickets"),
            &[("limit", "100"), ("priority", "High")],
        )
        .await;
        assert!(
            high.status == 204
                || high.json["data"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .all(|t| t["priority"] == "High")
        );
    }
    assert_bad_param(
        &get(&client, "/tags/search", &[("searchVal", "vip")]).await,
        "departmentId",
    );
    assert_error(
        &get(&client, "/tags/4150868000000000999/tickets", &[]).await,
        404,
        "RESOURCE_NOT_FOUND",
    );
}

#[tokio::test]
async fn webhook_deliveries_carry_the_ticket_and_what_changed() {
    let (simulator, _client) = start().await;
    let world = zohodesk_world();
    let id = world.tickets[0].id.clone();
    let state = simulator.state();
    let state = lock(&state);
    let delivery = state
        .webhook_delivery("Ticket_Update", &id, Some(json!({"status": "Open"})))
        .unwrap_or_default();
    assert_eq!(delivery[0]["eventType"], json!("Ticket_Update"));
    assert_eq!(delivery[0]["orgId"], json!(ORG_ID));
    assert_eq!(delivery[0]["payload"]["id"], json!(id));
    assert_eq!(delivery[0]["prevState"]["status"], json!("Open"));
    let millis = world.tickets[0].updated_at.timestamp_millis().to_string();
    assert_eq!(delivery[0]["eventTime"], json!(millis));
    assert!(state.webhook_delivery("Ticket_Add", "1", None).is_none());
}

#[tokio::test]
async fn the_write_scenarios_land_on_the_worlds_expectations() {
    let (_simulator, client) = start().await;
    let world = zohodesk_world();
    // updateTicket: a PATCH, then the tags by associate / dissociate.
    let expected = world
        .updated_ticket()
        .unwrap_or_else(|| panic!("an update target"));
    let path = format!("/tickets/{}", expected.id);
    let answer = patch(
        &client,
        &path,
        &json!({"subject": expected.subject, "priority": "High"}),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.json);
    let updated_at = expected
        .updated_at
        .format("%Y-%m-%dT%H:%M:%S.000Z")
        .to_string();
    assert_eq!(answer.json["modifiedTime"], json!(updated_at));
    let before = world
        .ticket(&expected.id)
        .map(|t| t.tags.clone())
        .unwrap_or_default();
    let gone: Vec<&String> = before
        .iter()
        .filter(|t| !expected.tags.contains(t))
        .collect();
    let added = post(
        &client,
        &format!("{path}/associateTag"),
        &json!({"tags": expected.tags}),
    )
    .await;
    assert_eq!(added.status, 200, "{}", added.json);
    if !gone.is_empty() {
        let removed = post(
            &client,
            &format!("{path}/dissociateTag"),
            &json!({"tags": gone}),
        )
        .await;
        assert_eq!(removed.status, 200);
    }
    let tags = get(&client, &format!("{path}/tags"), &[]).await;
    let mut names: Vec<String> = tags.json["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["name"].as_str().map(str::to_owned))
        .collect();
    names.sort();
    let mut want = expected.tags.clone();
    want.sort();
    assert_eq!(names, want);
    let after = get(&client, &path, &[]).await;
    assert_eq!(
        after.json["modifiedTime"],
        json!(updated_at),
        "tags leave the time"
    );

    // assignTicket: the agent by PATCH, the department by a move.
    let (ticket, agent, group) = world.assignment();
    let path = format!("/tickets/{ticket}");
    assert_eq!(
        patch(&client, &path, &json!({"assigneeId": agent}))
            .await
            .status,
        200
    );
    assert_eq!(
        post(
            &client,
            &format!("{path}/move"),
            &json!({"departmentId": group})
        )
        .await
        .status,
        200
    );
    let after = get(&client, &path, &[]).await;
    assert_eq!(after.json["assigneeId"], json!(agent));
    assert_eq!(after.json["departmentId"], json!(group));

    // createTicket, then its tag.
    let created = post(
        &client,
        "/tickets",
        &json!({"subject": "Printer on fire", "description": "The office printer is on fire.",
                "departmentId": world.groups[0].id, "priority": "Urgent",
                "contact": {"email": "dana@customer.example", "lastName": "Customer", "firstName": "Dana"}}),
    )
    .await;
    let id = created.json["id"].as_str().unwrap_or_default().to_owned();
    assert_eq!(id, world.created_ticket_id());
    let created_at = world
        .created_ticket()
        .created_at
        .format("%Y-%m-%dT%H:%M:%S.000Z")
        .to_string();
    assert_eq!(created.json["createdTime"], json!(created_at));
    let tagged = post(
        &client,
        &format!("/tickets/{id}/associateTag"),
        &json!({"tags": ["hardware"]}),
    )
    .await;
    assert_eq!(tagged.json["data"][0]["name"], json!("hardware"));
}

// ---- files ----

/// A part of a form: name, file name, content type, bytes.
type Part<'a> = (&'a str, Option<&'a str>, Option<&'a str>, &'a [u8]);

/// A `multipart/form-data` body of these parts, and its content type.
fn form(parts: &[Part<'_>]) -> (String, Vec<u8>) {
    let boundary = "sim-boundary-7d1f";
    let mut body = Vec::new();
    for (name, file_name, content_type, bytes) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        let mut disposition = format!("Content-Disposition: form-data; name=\"{name}\"");
        if let Some(file_name) = file_name {
            disposition.push_str(&format!("; filename=\"{file_name}\""));
        }
        body.extend_from_slice(disposition.as_bytes());
        body.extend_from_slice(b"\r\n");
        if let Some(content_type) = content_type {
            body.extend_from_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
        }
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// `POST` of a multipart body (with the token and `orgId`).
async fn post_form(
    client: &SimClient,
    path: &str,
    query: &[(&str, &str)],
    (content_type, body): (String, Vec<u8>),
) -> Answer {
    client
        .send(
            client
                .http
                .post(format!("{}{}", client.base, api(path)))
                .query(query)
                .header("authorization", client.authorization())
                .header("orgId", ORG_ID)
                .header("content-type", content_type)
                .body(body),
        )
        .await
}

/// Uploads one file (`POST /api/v1/uploads`), asserting success.
async fn upload(client: &SimClient, name: &str, content_type: &str, bytes: &[u8]) -> Value {
    let answer = post_form(
        client,
        "/uploads",
        &[],
        form(&[("file", Some(name), Some(content_type), bytes)]),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.json);
    answer.json
}

/// A raw download of `url` with these headers: status, content type and bytes.
async fn download(
    client: &SimClient,
    url: &str,
    headers: &[(&str, &str)],
) -> (u16, String, Vec<u8>) {
    let mut request = client.http.get(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("the simulator does not answer: {e}"));
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let bytes = response.bytes().await.unwrap_or_default().to_vec();
    (status, content_type, bytes)
}

/// Downloads `url` with the token and `orgId`, asserting success: content type and bytes.
async fn download_ok(client: &SimClient, url: &str) -> (String, Vec<u8>) {
    let (status, content_type, bytes) = download(
        client,
        url,
        &[("authorization", client.authorization()), ("orgId", ORG_ID)],
    )
    .await;
    assert_eq!(status, 200, "{url}: {}", String::from_utf8_lossy(&bytes));
    (content_type, bytes)
}

/// The path of an `href`, which must be on the simulator's (the API) host.
fn on_api_host<'a>(client: &SimClient, href: &'a str) -> &'a str {
    href.strip_prefix(client.base.as_str())
        .unwrap_or_else(|| panic!("{href} is not on the API host {}", client.base))
}

#[tokio::test]
async fn the_worlds_comment_file_is_listed_on_its_comment_and_downloads_from_the_api_host() {
    let (_simulator, client) = start().await;
    let world = zohodesk_world();
    let (comment, file) = world
        .first_attachment()
        .unwrap_or_else(|| panic!("the world has a file"));
    let listed = get(
        &client,
        &format!("/tickets/{}/comments", comment.ticket),
        &[],
    )
    .await;
    assert_eq!(listed.status, 200, "{}", listed.json);
    let record = listed.json["data"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["id"] == json!(comment.id))
        .unwrap_or_else(|| panic!("comment {} listed", comment.id));
    let files = record["attachments"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(files.len(), 1, "{record}");
    assert_eq!(files[0]["id"], json!(file.id));
    assert_eq!(files[0]["name"], json!(file.file_name));
    assert_eq!(files[0]["size"], json!(file.content.len().to_string()));
    let href = files[0]["href"].as_str().unwrap_or_default();
    assert_eq!(
        on_api_host(&client, href),
        format!(
            "{API}/tickets/{}/comments/{}/attachments/{}/content",
            comment.ticket, comment.id, file.id
        )
    );
    let (content_type, bytes) = download_ok(&client, href).await;
    assert!(
        content_type.starts_with(&file.content_type),
        "{content_type}"
    );
    assert_eq!(bytes, file.content);
    // The same comment read alone carries it too.
    let shown = get(
        &client,
        &format!("/tickets/{}/comments/{}", comment.ticket, comment.id),
        &[],
    )
    .await;
    assert_eq!(shown.json["attachments"], json!(files));
    // The ticket's own files are not its comments' files.
    let own = get(
        &client,
        &format!("/tickets/{}/attachments", comment.ticket),
        &[],
    )
    .await;
    assert_eq!(own.status, 204, "{}", own.json);
    // Another ticket's or comment's path to the file is not found.
    let other = format!(
        "{}{API}/tickets/{}/comments/{}/attachments/{}/content",
        client.base, world.tickets[1].id, comment.id, file.id
    );
    let (status, _, _) = download(
        &client,
        &other,
        &[("authorization", client.authorization()), ("orgId", ORG_ID)],
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_file_downloads_only_with_the_token_and_the_org_id() {
    let (_simulator, client) = start().await;
    let world = zohodesk_world();
    let (comment, file) = world
        .first_attachment()
        .unwrap_or_else(|| panic!("the world has a file"));
    let href = format!(
        "{}{API}/tickets/{}/comments/{}/attachments/{}/content",
        client.base, comment.ticket, comment.id, file.id
    );
    let (status, _, body) = download(&client, &href, &[("orgId", ORG_ID)]).await;
    assert_eq!(status, 401, "no token");
    let json: Value = serde_json::from_slice(&body).unwrap_or_default();
    assert_eq!(json["errorCode"], json!("INVALID_OAUTH"));
    let wrong = authorization(WRONG_TOKEN);
    let (status, _, _) = download(
        &client,
        &href,
        &[("authorization", wrong.as_str()), ("orgId", ORG_ID)],
    )
    .await;
    assert_eq!(status, 401, "a wrong token");
    let (status, _, _) =
        download(&client, &href, &[("authorization", client.authorization())]).await;
    assert_eq!(status, 400, "no orgId");
    let (status, _, _) = download(
        &client,
        &href,
        &[("authorization", client.authorization()), ("orgId", "1")],
    )
    .await;
    assert_eq!(status, 400, "another orgId");
    let (_, bytes) = download_ok(&client, &href).await;
    assert_eq!(bytes, file.content);
}

#[tokio::test]
async fn an_upload_answers_its_record_and_downloads_until_it_is_used() {
    let (_simulator, client) = start().await;
    let bytes = b"hello, Zoho\n\x00\xff binary too";
    let record = upload(&client, "greeting.bin", "application/octet-stream", bytes).await;
    let id = record["id"].as_str().unwrap_or_default().to_owned();
    assert!(
        !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()),
        "{record}"
    );
    assert_eq!(record["name"], json!("greeting.bin"));
    assert_eq!(record["size"], json!(bytes.len().to_string()));
    assert_eq!(record["isPublic"], json!(false));
    assert!(record["creatorId"].is_string(), "{record}");
    assert!(record["createdTime"].is_string(), "{record}");
    let href = record["href"].as_str().unwrap_or_default();
    assert_eq!(
        on_api_host(&client, href),
        format!("{API}/uploads/{id}/content")
    );
    let (content_type, got) = download_ok(&client, href).await;
    assert_eq!(content_type, "application/octet-stream");
    assert_eq!(got, bytes);
    // A part without a content type is an octet stream.
    let plain = post_form(
        &client,
        "/uploads",
        &[],
        form(&[("file", Some("notes.txt"), None, b"notes")]),
    )
    .await;
    assert_eq!(plain.status, 200, "{}", plain.json);
    let (content_type, _) =
        download_ok(&client, plain.json["href"].as_str().unwrap_or_default()).await;
    assert_eq!(content_type, "application/octet-stream");
    // Once a comment uses it, the upload is no longer pending.
    let ticket = &zohodesk_world().tickets[0].id;
    let added = post(
        &client,
        &format!("/tickets/{ticket}/comments"),
        &json!({"content": "with a file", "attachmentIds": [id]}),
    )
    .await;
    assert_eq!(added.status, 200, "{}", added.json);
    let (status, _, _) = download(
        &client,
        href,
        &[("authorization", client.authorization()), ("orgId", ORG_ID)],
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn uploads_are_one_file_part_named_file() {
    let (_simulator, client) = start().await;
    let file = ("file", Some("a.txt"), Some("text/plain"), b"a".as_slice());
    // Two files.
    let two = post_form(&client, "/uploads", &[], form(&[file, file])).await;
    assert_invalid(&two, "file", "invalid");
    // A file under another name.
    let other = post_form(
        &client,
        "/uploads",
        &[],
        form(&[("attachment", Some("a.txt"), Some("text/plain"), b"a")]),
    )
    .await;
    assert_invalid(&other, "file", "invalid");
    // A file with a text field besides.
    let extra = post_form(
        &client,
        "/uploads",
        &[],
        form(&[file, ("isPublic", None, None, b"true")]),
    )
    .await;
    assert_invalid(&extra, "file", "invalid");
    // A `file` part that is no file (no file name).
    let text = post_form(
        &client,
        "/uploads",
        &[],
        form(&[("file", None, None, b"a")]),
    )
    .await;
    assert_invalid(&text, "file", "invalid");
    // No part at all.
    let empty = post_form(&client, "/uploads", &[], form(&[])).await;
    assert_invalid(&empty, "file", "missing");
    // A form never closed.
    let (content_type, mut body) = form(&[file]);
    body.truncate(body.len() - 10);
    let open = post_form(&client, "/uploads", &[], (content_type, body)).await;
    assert_invalid(&open, "file", "invalid");
    // JSON is no upload.
    let json_body = post(&client, "/uploads", &json!({"file": "a"})).await;
    assert_invalid(&json_body, "file", "missing");
    // No query parameters.
    let param = post_form(&client, "/uploads", &[("isPublic", "true")], form(&[file])).await;
    assert_bad_param(&param, "isPublic");
    // Credentials as on any call.
    let (content_type, body) = form(&[file]);
    let anonymous = client
        .send(
            client
                .http
                .post(format!("{}{}", client.base, api("/uploads")))
                .header("orgId", ORG_ID)
                .header("content-type", content_type)
                .body(body),
        )
        .await;
    assert_error(&anonymous, 401, "INVALID_OAUTH");
}

#[tokio::test]
async fn a_comment_takes_uploads_by_id_and_lists_them() {
    let (_simulator, client) = start().await;
    let world = zohodesk_world();
    let (ticket, _, _) = world.new_comments();
    let note = upload(&client, "note.txt", "text/plain", b"a note\n").await;
    let image = upload(&client, "shot.png", "image/png", b"\x89PNG fake").await;
    let ids = [note["id"].clone(), image["id"].clone()];
    let path = format!("/tickets/{ticket}/comments");
    let added = post(
        &client,
        &path,
        &json!({"content": "two files", "isPublic": true, "attachmentIds": ids}),
    )
    .await;
    assert_eq!(added.status, 200, "{}", added.json);
    let comment = added.json["id"].as_str().unwrap_or_default().to_owned();
    let files = added.json["attachments"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(files.len(), 2, "{}", added.json);
    for (file, (upload, bytes, content_type)) in files.iter().zip([
        (&note, b"a note\n".as_slice(), "text/plain"),
        (&image, b"\x89PNG fake".as_slice(), "image/png"),
    ]) {
        // The attachment keeps the upload's id, name and size.
        assert_eq!(file["id"], upload["id"]);
        assert_eq!(file["name"], upload["name"]);
        assert_eq!(file["size"], upload["size"]);
        let href = file["href"].as_str().unwrap_or_default();
        assert_eq!(
            on_api_host(&client, href),
            format!(
                "{API}/tickets/{ticket}/comments/{comment}/attachments/{}/content",
                upload["id"].as_str().unwrap_or_default()
            )
        );
        let (got_type, got) = download_ok(&client, href).await;
        assert_eq!(got_type, content_type);
        assert_eq!(got, bytes);
    }
    // The listing carries them.
    let listed = get(&client, &path, &[]).await;
    let listed = listed.json["data"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["id"] == json!(comment))
        .cloned()
        .unwrap_or_default();
    assert_eq!(listed["attachments"], json!(files));
    // A used id, an unknown id, a repeated id or ids that are not an array: 422 naming
    // `attachmentIds`, and no comment is written.
    let before = get(&client, &path, &[]).await.json["data"]
        .as_array()
        .map_or(0, Vec::len);
    let fresh = upload(&client, "fresh.txt", "text/plain", b"fresh").await;
    for bad in [
        json!([ids[0]]),
        json!(["41508680000009999999"]),
        json!([fresh["id"], fresh["id"]]),
        json!([fresh["id"], "41508680000009999999"]),
        json!(fresh["id"]),
        json!([{"id": fresh["id"]}]),
    ] {
        let refused = post(
            &client,
            &path,
            &json!({"content": "bad files", "attachmentIds": bad}),
        )
        .await;
        assert_invalid(&refused, "attachmentIds", "invalid");
    }
    let after = get(&client, &path, &[]).await.json["data"]
        .as_array()
        .map_or(0, Vec::len);
    assert_eq!(after, before);
    // The refusals left the fresh upload pending: it can still be used.
    let used = post(
        &client,
        &path,
        &json!({"content": "one file", "attachmentIds": [fresh["id"]]}),
    )
    .await;
    assert_eq!(used.status, 200, "{}", used.json);
    // No files: an empty list.
    let none = post(
        &client,
        &path,
        &json!({"content": "no file", "attachmentIds": []}),
    )
    .await;
    assert_eq!(none.status, 200, "{}", none.json);
    assert_eq!(none.json["attachments"], json!([]));
}

#[tokio::test]
async fn a_new_ticket_takes_uploads_and_lists_them_as_its_own_files() {
    let (_simulator, client) = start().await;
    let world = zohodesk_world();
    let note = upload(&client, "note.txt", "text/plain", b"for the ticket").await;
    let body = |uploads: Value| {
        json!({"subject": "With a file", "departmentId": world.groups[0].id,
               "contactId": world.customers[0].id, "uploads": uploads})
    };
    for bad in [
        json!(["41508680000009999999"]),
        json!([note["id"], note["id"]]),
        json!("nope"),
    ] {
        let refused = post(&client, "/tickets", &body(bad)).await;
        assert_invalid(&refused, "uploads", "invalid");
    }
    let created = post(&client, "/tickets", &body(json!([note["id"]]))).await;
    assert_eq!(created.status, 200, "{}", created.json);
    let id = created.json["id"].as_str().unwrap_or_default().to_owned();
    assert_eq!(id, world.created_ticket_id(), "refusals take no ticket id");
    assert!(
        created.json.get("uploads").is_none(),
        "uploads are no ticket member: {}",
        created.json
    );
    let listed = get(&client, &format!("/tickets/{id}/attachments"), &[]).await;
    assert_eq!(listed.status, 200, "{}", listed.json);
    let files = listed.json["data"].as_array().cloned().unwrap_or_default();
    assert_eq!(files.len(), 1, "{}", listed.json);
    let file = &files[0];
    assert_eq!(file["id"], note["id"]);
    assert_eq!(file["name"], json!("note.txt"));
    assert_eq!(file["size"], json!("14"));
    for member in ["isPublic", "previewurl", "creatorId", "createdTime", "href"] {
        assert!(file.get(member).is_some(), "{member} in {file}");
    }
    assert!(
        file.get("ticketId").is_none() && file.get("creator").is_none(),
        "{file}"
    );
    let href = file["href"].as_str().unwrap_or_default();
    assert_eq!(
        on_api_host(&client, href),
        format!(
            "{API}/tickets/{id}/attachments/{}/content",
            note["id"].as_str().unwrap_or_default()
        )
    );
    let (content_type, bytes) = download_ok(&client, href).await;
    assert_eq!(content_type, "text/plain");
    assert_eq!(bytes, b"for the ticket");
    // The comments hold no file: the file is the ticket's, once.
    let comments = get(&client, &format!("/tickets/{id}/comments"), &[]).await;
    assert_eq!(comments.status, 204);
    // `include=creator` adds who attached it.
    let with_creator = get(
        &client,
        &format!("/tickets/{id}/attachments"),
        &[("include", "creator")],
    )
    .await;
    assert!(with_creator.json["data"][0]["creator"]["id"].is_string());
    // The upload was used.
    let again = post(&client, "/tickets", &body(json!([note["id"]]))).await;
    assert_invalid(&again, "uploads", "invalid");
}

#[tokio::test]
async fn a_file_is_attached_to_a_ticket_directly() {
    let (_simulator, client) = start().await;
    let ticket = zohodesk_world().tickets[0].id.clone();
    let path = format!("/tickets/{ticket}/attachments");
    let file = (
        "file",
        Some("log.txt"),
        Some("text/plain"),
        b"log line".as_slice(),
    );
    let attached = post_form(&client, &path, &[("isPublic", "true")], form(&[file])).await;
    assert_eq!(attached.status, 200, "{}", attached.json);
    assert_eq!(attached.json["isPublic"], json!(true));
    assert_eq!(attached.json["name"], json!("log.txt"));
    let private = post_form(&client, &path, &[], form(&[file])).await;
    assert_eq!(private.json["isPublic"], json!(false));
    let listed = get(&client, &path, &[]).await;
    assert_eq!(listed.json["data"].as_array().map_or(0, Vec::len), 2);
    let public = get(&client, &path, &[("isPublic", "true")]).await;
    assert_eq!(
        ids(&public),
        vec![attached.json["id"].as_str().unwrap_or_default().to_owned()]
    );
    let (_, bytes) = download_ok(&client, attached.json["href"].as_str().unwrap_or_default()).await;
    assert_eq!(bytes, b"log line");
    // A ticket attachment is not an upload a comment can reference.
    let refused = post(
        &client,
        &format!("/tickets/{ticket}/comments"),
        &json!({"content": "x", "attachmentIds": [attached.json["id"]]}),
    )
    .await;
    assert_invalid(&refused, "attachmentIds", "invalid");
    // Checked as uploads are; a ticket that does not exist is 404.
    let two = post_form(&client, &path, &[], form(&[file, file])).await;
    assert_invalid(&two, "file", "invalid");
    let bad = post_form(&client, &path, &[("isPublic", "yes")], form(&[file])).await;
    assert_bad_param(&bad, "isPublic");
    let missing = post_form(
        &client,
        "/tickets/41508680000009999999/attachments",
        &[],
        form(&[file]),
    )
    .await;
    assert_error(&missing, 404, "RESOURCE_NOT_FOUND");
}

#[tokio::test]
async fn a_reply_takes_uploads_and_a_failed_write_leaves_them_pending() {
    let (_simulator, client) = start().await;
    let world = zohodesk_world();
    let ticket = &world.tickets[0].id;
    let file = upload(&client, "quote.pdf", "application/pdf", b"%PDF quote").await;
    let reply = |ids: Value, to: &str| {
        json!({"channel": "EMAIL", "content": "Please find the quote attached.",
               "to": to, "fromEmailAddress": "support@vendor.example", "attachmentIds": ids})
    };
    // A reply refused for another reason does not use the upload.
    let refused = post(
        &client,
        &format!("/tickets/{ticket}/sendReply"),
        &reply(json!([file["id"]]), "nobody"),
    )
    .await;
    assert_invalid(&refused, "to", "missing");
    let unknown = post(
        &client,
        &format!("/tickets/{ticket}/sendReply"),
        &reply(json!(["41508680000009999999"]), "dana@customer.example"),
    )
    .await;
    assert_invalid(&unknown, "attachmentIds", "invalid");
    let sent = post(
        &client,
        &format!("/tickets/{ticket}/sendReply"),
        &reply(json!([file["id"]]), "dana@customer.example"),
    )
    .await;
    assert_eq!(sent.status, 200, "{}", sent.json);
    assert_eq!(sent.json["hasAttach"], json!(true));
    assert_eq!(sent.json["attachmentCount"], json!("1"));
    assert!(sent.json.get("attachments").is_none(), "a summary");
    let thread = sent.json["id"].as_str().unwrap_or_default().to_owned();
    let shown = get(&client, &format!("/tickets/{ticket}/threads/{thread}"), &[]).await;
    let files = shown.json["attachments"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(files.len(), 1, "{}", shown.json);
    assert_eq!(files[0]["id"], file["id"]);
    let href = files[0]["href"].as_str().unwrap_or_default();
    assert_eq!(
        on_api_host(&client, href),
        format!(
            "{API}/tickets/{ticket}/threads/{thread}/attachments/{}/content",
            file["id"].as_str().unwrap_or_default()
        )
    );
    let (content_type, bytes) = download_ok(&client, href).await;
    assert_eq!(content_type, "application/pdf");
    assert_eq!(bytes, b"%PDF quote");

    // A ticket refused for its contact does not use its uploads either.
    let note = upload(&client, "note.txt", "text/plain", b"note").await;
    let refused = post(
        &client,
        "/tickets",
        &json!({"subject": "x", "departmentId": world.groups[0].id,
                "contactId": "41508680000009999999", "uploads": [note["id"]]}),
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.json);
    let created = post(
        &client,
        "/tickets",
        &json!({"subject": "x", "departmentId": world.groups[0].id,
                "contactId": world.customers[0].id, "uploads": [note["id"]]}),
    )
    .await;
    assert_eq!(created.status, 200, "{}", created.json);
}
