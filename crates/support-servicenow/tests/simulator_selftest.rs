//! Raw-HTTP checks of the ServiceNow simulator itself, independent of the adapter (what it serves,
//! what it rejects), and the shared adapter suites on it.

use support_servicenow::simulator;

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use simulator::{
    CASES, CLIENT_ID, CLIENT_SECRET, PASSWORD, RATE_RULE, ServiceNowSimulator, TOKEN, USER,
    WRONG_TOKEN, authorization, case_number, expire_access_tokens, port_factory,
    revoke_refresh_token, servicenow_world,
};
use support_conformance::sim::{
    Answer, QueryEncoding, SimClient, basic_authorization, encode_component,
};
use support_conformance::suites::SuiteTarget;
use support_conformance::world::{Entity, IdScheme};
use support_conformance::{Fault, Harness, Simulator};
use support_core::{ErrorKind, Operation};

/// The ServiceNow adapter on this simulator, for the shared suites.
struct ServiceNowOnSimulator;

#[support_core::async_trait(?Send)]
impl SuiteTarget for ServiceNowOnSimulator {
    async fn start(&self, request_timeout: Option<Duration>) -> Box<dyn Harness> {
        Box::new(
            ServiceNowSimulator::start(servicenow_world(), port_factory(request_timeout)).await,
        )
    }

    fn secrets(&self) -> Vec<String> {
        vec![TOKEN.into(), WRONG_TOKEN.into()]
    }
}

support_conformance::adapter_suite!(ServiceNowOnSimulator);

const TABLE: &str = "/api/now/table";

fn hex(entity: Entity, n: u64) -> String {
    IdScheme::Hex32.render(entity, n)
}

async fn start() -> (ServiceNowSimulator, SimClient) {
    let simulator = ServiceNowSimulator::start(servicenow_world(), port_factory(None)).await;
    let client = SimClient::new(simulator.base_url(), authorization(TOKEN));
    (simulator, client)
}

/// `GET` with the credentials and `Accept: application/json`.
async fn get(client: &SimClient, path: &str, query: &[(&str, &str)]) -> Answer {
    client
        .send(
            client
                .http
                .get(format!("{}{path}", client.base))
                .query(query)
                .header("authorization", client.authorization())
                .header("accept", "application/json"),
        )
        .await
}

/// A JSON write with the credentials and `Accept: application/json`.
async fn write(
    client: &SimClient,
    method: Method,
    path: &str,
    query: &[(&str, &str)],
    body: &Value,
) -> Answer {
    client
        .send(
            client
                .http
                .request(method, format!("{}{path}", client.base))
                .query(query)
                .header("authorization", client.authorization())
                .header("accept", "application/json")
                .json(body),
        )
        .await
}

/// A token request with a form body.
async fn token(client: &SimClient, form: &[(&str, &str)]) -> Answer {
    client
        .send(
            client
                .http
                .post(format!("{}/oauth_token.do", client.base))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(
                    form.iter()
                        .map(|(k, v)| {
                            format!(
                                "{}={}",
                                encode_component(k, QueryEncoding::Form),
                                encode_component(v, QueryEncoding::Form)
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("&"),
                ),
        )
        .await
}

fn result(answer: &Answer) -> &Vec<Value> {
    static EMPTY: Vec<Value> = Vec::new();
    answer.json["result"].as_array().unwrap_or(&EMPTY)
}

fn column(answer: &Answer, field: &str) -> Vec<String> {
    result(answer)
        .iter()
        .map(|r| r[field].as_str().unwrap_or_default().to_owned())
        .collect()
}

const ALL: (&str, &str) = ("sysparm_display_value", "all");
const NO_LINKS: (&str, &str) = ("sysparm_exclude_reference_link", "true");

#[tokio::test]
async fn credentials_are_basic_or_bearer_and_checked_before_any_route() {
    let (simulator, client) = start().await;
    let path = format!("{TABLE}/{CASES}");
    assert_eq!(get(&client, &path, &[]).await.status, 200);
    let basic = SimClient::new(simulator.base_url(), basic_authorization(USER, PASSWORD));
    assert_eq!(get(&basic, &path, &[]).await.status, 200);
    let body = json!({
        "error": {"message": "User Not Authenticated", "detail": "Required to provide Auth information"},
        "status": "failure",
    });
    client
        .assert_unauthenticated(
            &path,
            &[
                None,
                Some(authorization(WRONG_TOKEN)),
                Some(basic_authorization(USER, "wrong")),
                Some(format!("Token {TOKEN}")),
            ],
            &body,
        )
        .await;
    // An `Accept` without JSON: ServiceNow's 400.
    let answer = client
        .send(
            client
                .http
                .get(format!("{}{path}", client.base))
                .header("authorization", client.authorization())
                .header("accept", "text/html"),
        )
        .await;
    assert_eq!(answer.status, 400, "{}", answer.json);
    assert_eq!(answer.json["status"], "failure");
    assert!(answer.json["error"]["message"].is_string());
    assert_eq!(
        simulator.requests().len(),
        3,
        "only answered routes are logged"
    );
}

#[tokio::test]
async fn oauth_grants_issue_tokens_that_expire_and_renew() {
    let (simulator, client) = start().await;
    let path = format!("{TABLE}/sys_user");
    let client_pair = [("client_id", CLIENT_ID), ("client_secret", CLIENT_SECRET)];

    let answer = token(
        &client,
        &[&[("grant_type", "client_credentials")][..], &client_pair].concat(),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.json);
    assert_eq!(answer.json["token_type"], "Bearer");
    assert_eq!(answer.json["expires_in"], 1800);
    assert!(answer.json["scope"].is_string());
    let access = answer.json["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let by_token = SimClient::new(simulator.base_url(), authorization(&access));
    assert_eq!(get(&by_token, &path, &[]).await.status, 200);

    let answer = token(
        &client,
        &[
            &[
                ("grant_type", "password"),
                ("username", USER),
                ("password", PASSWORD),
            ][..],
            &client_pair,
        ]
        .concat(),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.json);
    let access = answer.json["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let refresh = answer.json["refresh_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(!refresh.is_empty());
    let by_token = SimClient::new(simulator.base_url(), authorization(&access));
    assert_eq!(get(&by_token, &path, &[]).await.status, 200);

    expire_access_tokens(&simulator.base_url());
    assert_eq!(
        get(&by_token, &path, &[]).await.status,
        401,
        "an expired token"
    );
    let answer = token(
        &client,
        &[
            &[("grant_type", "refresh_token"), ("refresh_token", &refresh)][..],
            &client_pair,
        ]
        .concat(),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.json);
    let renewed = answer.json["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(answer.json["refresh_token"], refresh.as_str());
    assert_ne!(renewed, access);
    let by_token = SimClient::new(simulator.base_url(), authorization(&renewed));
    assert_eq!(get(&by_token, &path, &[]).await.status, 200);
    revoke_refresh_token(&refresh);
    let revoked = token(
        &client,
        &[
            &[("grant_type", "refresh_token"), ("refresh_token", &refresh)][..],
            &client_pair,
        ]
        .concat(),
    )
    .await;
    assert_eq!(revoked.status, 401, "a revoked refresh token");

    // Refused: a JSON body, a wrong client secret, wrong user credentials, an unknown grant.
    let json_body = client
        .send(
            client
                .http
                .post(format!("{}/oauth_token.do", client.base))
                .json(&json!({"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET})),
        )
        .await;
    assert_eq!(json_body.status, 400);
    let wrong_secret = token(
        &client,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", CLIENT_ID),
            ("client_secret", "nope"),
        ],
    )
    .await;
    assert_eq!(wrong_secret.status, 401);
    assert!(wrong_secret.json["error"].is_string());
    let wrong_user = token(
        &client,
        &[
            &[
                ("grant_type", "password"),
                ("username", USER),
                ("password", "nope"),
            ][..],
            &client_pair,
        ]
        .concat(),
    )
    .await;
    assert_eq!(wrong_user.status, 401);
    let unknown = token(
        &client,
        &[&[("grant_type", "implicit")][..], &client_pair].concat(),
    )
    .await;
    assert_eq!(unknown.status, 400);
    // A token of another server is refused here.
    let other = ServiceNowSimulator::start(servicenow_world(), port_factory(None)).await;
    let elsewhere = SimClient::new(other.base_url(), authorization(&renewed));
    assert_eq!(get(&elsewhere, &path, &[]).await.status, 401);
}

#[tokio::test(flavor = "multi_thread")]
async fn throttling_is_a_429_with_retry_after_and_rate_limit_headers() {
    let (simulator, _) = start().await;
    let _faulted = simulator
        .port_with_fault(
            Operation::ListTickets,
            Fault::throttled(Duration::from_secs(7), 1),
        )
        .await;
    let base = simulator.faulted_base_urls().pop().unwrap_or_default();
    let client = SimClient::new(base, authorization(TOKEN));
    let answer = get(&client, &format!("{TABLE}/{CASES}"), &[]).await;
    assert_eq!(answer.status, 429);
    assert_eq!(answer.header("retry-after"), Some("7"));
    assert_eq!(answer.header("x-ratelimit-limit"), Some("100"));
    assert_eq!(answer.header("x-ratelimit-rule"), Some(RATE_RULE));
    assert!(
        answer
            .header("x-ratelimit-reset")
            .is_some_and(|r| r.parse::<u64>().is_ok())
    );
    assert_eq!(answer.json["error"]["message"], "Rate limit exceeded");
    assert_eq!(answer.json["status"], "failure");
    assert_eq!(
        get(&client, &format!("{TABLE}/{CASES}"), &[]).await.status,
        200
    );
}

#[tokio::test]
async fn cases_come_with_values_and_labels() {
    let (simulator, client) = start().await;
    let world = simulator.world().cloned().unwrap_or_else(servicenow_world);
    let first = &world.tickets[0];
    let answer = get(
        &client,
        &format!("{TABLE}/{CASES}/{}", first.id),
        &[ALL, NO_LINKS],
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.json);
    let case = &answer.json["result"];
    assert_eq!(case["sys_id"]["value"], first.id.as_str());
    assert_eq!(
        case["number"],
        json!({"display_value": "CS0000101", "value": "CS0000101"})
    );
    assert_eq!(case["state"], json!({"display_value": "New", "value": "1"}));
    assert_eq!(
        case["priority"],
        json!({"display_value": "4 - Low", "value": "4"})
    );
    assert_eq!(
        case["contact_type"],
        json!({"display_value": "Email", "value": "email"})
    );
    assert_eq!(
        case["category"],
        json!({"display_value": "Question", "value": "question"})
    );
    assert_eq!(
        case["contact"],
        json!({"display_value": "Dana Customer", "value": first.requester})
    );
    assert_eq!(case["sys_created_on"]["value"], "2026-01-05 08:00:00");
    assert_eq!(case["sys_updated_on"]["value"], "2026-01-06 08:00:00");

    // Reference links unless excluded; display values alone with `true`; values with `false`.
    let answer = get(&client, &format!("{TABLE}/{CASES}/{}", first.id), &[]).await;
    let contact = &answer.json["result"]["contact"];
    assert_eq!(contact["value"], first.requester.as_str());
    assert!(
        contact["link"]
            .as_str()
            .is_some_and(|l| l.ends_with(&format!("{TABLE}/sys_user/{}", first.requester))),
        "{contact}"
    );
    assert_eq!(answer.json["result"]["state"], "1");
    let answer = get(
        &client,
        &format!("{TABLE}/{CASES}/{}", first.id),
        &[("sysparm_display_value", "true"), NO_LINKS],
    )
    .await;
    assert_eq!(answer.json["result"]["state"], "New");
    assert_eq!(answer.json["result"]["contact"], "Dana Customer");

    // The odd case: a state outside the mapping, labelled as the world's unknown status.
    let odd = world.odd_ticket();
    let answer = get(
        &client,
        &format!("{TABLE}/{CASES}/{}", odd.id),
        &[ALL, NO_LINKS],
    )
    .await;
    assert_eq!(answer.json["result"]["state"]["display_value"], "escalated");

    // Labels come from the choice list.
    let answer = get(
        &client,
        &format!("{TABLE}/sys_choice"),
        &[
            (
                "sysparm_query",
                "name=sn_customerservice_case^element=state^inactive=false^ORDERBYsequence",
            ),
            ("sysparm_fields", "value,label"),
        ],
    )
    .await;
    assert_eq!(
        column(&answer, "value"),
        ["1", "10", "18", "6", "3", "7", "20"]
    );
    assert_eq!(column(&answer, "label")[2], "Awaiting Info");

    // A missing record: ServiceNow's 404.
    let missing = get(
        &client,
        &format!("{TABLE}/{CASES}/{}", world.missing_ticket_id()),
        &[],
    )
    .await;
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.json,
        json!({"error": {"message": "No Record found", "detail": "Record doesn't exist or ACL restricts the record retrieval"}, "status": "failure"})
    );
}

#[tokio::test]
async fn encoded_queries_filter_order_and_dot_walk() {
    let (simulator, client) = start().await;
    let path = format!("{TABLE}/{CASES}");
    let numbers = |answer: &Answer| column(answer, "number");
    let q = |query: &'static str| [("sysparm_query", query), ("sysparm_fields", "number")];

    let answer = get(&client, &path, &q("number=CS0000103")).await;
    assert_eq!(numbers(&answer), ["CS0000103"]);
    let answer = get(
        &client,
        &path,
        &q("numberINCS0000104,CS0000102^ORDERBYDESCnumber"),
    )
    .await;
    assert_eq!(numbers(&answer), ["CS0000104", "CS0000102"]);
    // OR binds tighter than AND; NQ adds the rows of another query.
    let answer = get(
        &client,
        &path,
        &q("state=1^number=CS0000101^ORnumber=CS0000106^NQnumber=CS0000113^ORDERBYnumber"),
    )
    .await;
    assert_eq!(numbers(&answer), ["CS0000101", "CS0000106", "CS0000113"]);
    let answer = get(
        &client,
        &path,
        &q("short_descriptionLIKEticket 11^ORDERBYnumber"),
    )
    .await;
    assert_eq!(numbers(&answer), ["CS0000110", "CS0000111", "CS0000112"]);
    let answer = get(
        &client,
        &path,
        &q("numberSTARTSWITHCS000011^priority<=2^ORDERBYnumber"),
    )
    .await;
    assert!(!numbers(&answer).is_empty());
    let answer = get(
        &client,
        &path,
        &q("sys_updated_on>=javascript:gs.dateGenerate('2026-01-06','18:00:00')^ORDERBYnumber"),
    )
    .await;
    assert_eq!(numbers(&answer), ["CS0000111", "CS0000112", "CS0000113"]);
    // Dot-walks: in the query and in the fields.
    let answer = get(
        &client,
        &format!("{TABLE}/sys_user_has_role"),
        &[
            (
                "sysparm_query",
                "role.name=sn_customerservice_agent^user.active=true",
            ),
            ("sysparm_fields", "user,user.name,role.name"),
            NO_LINKS,
        ],
    )
    .await;
    let names = column(&answer, "user.name");
    assert_eq!(
        names,
        ["Ada Admin", "Ben Agent", "Cleo Agent"],
        "{}",
        answer.json
    );
    // Unknown fields are dropped, as ServiceNow does, and recorded.
    let answer = get(&client, &path, &q("no_such_field=1^number=CS0000101")).await;
    assert_eq!(numbers(&answer), ["CS0000101"]);
    let state = simulator.state();
    let ignored = support_conformance::sim::lock(&state).ignored_terms.clone();
    assert_eq!(ignored, ["no_such_field=1"]);
    support_conformance::sim::lock(&state).strict_queries = true;
    let answer = get(&client, &path, &q("no_such_field=1^number=CS0000101")).await;
    assert!(numbers(&answer).is_empty());
}

#[tokio::test]
async fn listings_page_with_link_and_total_count() {
    let (_simulator, client) = start().await;
    let path = format!("{TABLE}/{CASES}");
    let page = |offset: &'static str| {
        [
            ("sysparm_query", "ORDERBYnumber"),
            ("sysparm_limit", "4"),
            ("sysparm_offset", offset),
            ("sysparm_fields", "number"),
        ]
    };
    let first = get(&client, &path, &page("0")).await;
    assert_eq!(first.header("x-total-count"), Some("13"));
    let link = first.header("link").unwrap_or_default().to_owned();
    assert!(
        link.contains("rel=\"first\"")
            && link.contains("rel=\"next\"")
            && link.contains("rel=\"last\""),
        "{link}"
    );
    assert!(!link.contains("rel=\"prev\""), "{link}");
    assert!(link.contains("sysparm_offset=4"), "{link}");
    assert!(link.contains("sysparm_offset=12"), "{link}");
    // Following `next` walks every case once.
    let mut seen = Vec::new();
    let mut answer = first;
    loop {
        seen.extend(column(&answer, "number"));
        let link = answer.header("link").unwrap_or_default().to_owned();
        let next = link
            .split(',')
            .find(|l| l.ends_with("rel=\"next\""))
            .and_then(|l| l.split('>').next())
            .map(|l| l.trim_start_matches('<').to_owned());
        match next {
            Some(url) => {
                answer = client
                    .send(
                        client
                            .http
                            .get(url)
                            .header("authorization", client.authorization())
                            .header("accept", "application/json"),
                    )
                    .await;
            }
            None => break,
        }
    }
    let expected: Vec<String> = (101..=113).map(case_number).collect();
    assert_eq!(seen, expected);
    let last = get(&client, &path, &page("12")).await;
    assert!(
        last.header("link")
            .is_some_and(|l| l.contains("rel=\"prev\"") && !l.contains("rel=\"next\""))
    );
    // Without a count: no X-Total-Count and no `last`.
    let answer = get(
        &client,
        &path,
        &[("sysparm_limit", "4"), ("sysparm_no_count", "true")],
    )
    .await;
    assert_eq!(answer.header("x-total-count"), None);
    assert!(
        answer
            .header("link")
            .is_some_and(|l| l.contains("rel=\"next\"") && !l.contains("rel=\"last\""))
    );
    // An empty result is 200 with `[]`.
    let empty = get(&client, &path, &[("sysparm_query", "number=CS9999999")]).await;
    assert_eq!(empty.status, 200);
    assert_eq!(empty.json, json!({"result": []}));
    assert_eq!(empty.header("x-total-count"), Some("0"));
    // Bad paging parameters and unknown parameters are refused.
    assert_eq!(
        get(&client, &path, &[("sysparm_limit", "0")]).await.status,
        400
    );
    assert_eq!(
        get(&client, &path, &[("sysparm_display_value", "maybe")])
            .await
            .status,
        400
    );
    assert_eq!(get(&client, &path, &[("limit", "4")]).await.status, 404);
}

#[tokio::test]
async fn acls_shorten_pages_and_hooks_run_between_pages() {
    let (simulator, client) = start().await;
    let path = format!("{TABLE}/{CASES}");
    let state = simulator.state();
    {
        let mut st = support_conformance::sim::lock(&state);
        st.hide_cases((104..=108).map(|n| hex(Entity::Ticket, n)));
        st.hide_cases([hex(Entity::Ticket, 102)]);
        st.after_case_page(1, |st| {
            st.touch_case(
                &hex(Entity::Ticket, 101),
                &[("state", "10")],
                "2026-02-01 00:00:00",
            );
            st.add_case(100, "1", "2026-02-01 00:00:00");
        });
    }
    let page = |offset: &'static str| {
        [
            ("sysparm_query", "ORDERBYsys_id"),
            ("sysparm_limit", "4"),
            ("sysparm_offset", offset),
            ("sysparm_fields", "number"),
        ]
    };
    let first = get(&client, &path, &page("0")).await;
    assert_eq!(column(&first, "number"), ["CS0000101", "CS0000103"]);
    assert_eq!(first.header("x-total-count"), Some("13"));
    // The hook ran: a case now sorts first, so offsets shift.
    let second = get(&client, &path, &page("4")).await;
    assert!(column(&second, "number").is_empty(), "{}", second.json);
    assert!(
        second
            .header("link")
            .is_some_and(|l| l.contains("rel=\"next\""))
    );
    assert_eq!(second.header("x-total-count"), Some("14"));
    let case = get(
        &client,
        &format!("{path}/{}", hex(Entity::Ticket, 101)),
        &[],
    )
    .await;
    assert_eq!(case.json["result"]["state"], "10");
    assert_eq!(case.json["result"]["sys_updated_on"], "2026-02-01 00:00:00");
    let hidden = get(
        &client,
        &format!("{path}/{}", hex(Entity::Ticket, 105)),
        &[],
    )
    .await;
    assert_eq!(hidden.status, 404);
}

#[tokio::test]
async fn writes_create_update_and_journal_cases() {
    let (simulator, client) = start().await;
    let world = simulator.world().cloned().unwrap_or_else(servicenow_world);
    let path = format!("{TABLE}/{CASES}");
    let shape = [ALL, NO_LINKS];
    let created = write(
        &client,
        Method::POST,
        &path,
        &shape,
        &json!({
            "short_description": "Printer on fire",
            "description": "The office printer is on fire.",
            "contact": world.customers[0].id,
            "priority": "1",
            "contact_type": "web",
        }),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.json);
    assert!(
        created
            .header("location")
            .is_some_and(|l| l.ends_with(&format!("{path}/{}", world.created_ticket_id())))
    );
    let case = &created.json["result"];
    assert_eq!(case["sys_id"]["value"], world.created_ticket_id());
    assert_eq!(case["number"]["value"], "CS0000150");
    assert_eq!(case["state"], json!({"display_value": "New", "value": "1"}));
    assert_eq!(case["priority"]["display_value"], "1 - Critical");
    assert_eq!(case["sys_created_on"]["value"], "2026-01-09 12:00:00");

    let target = world.new_comments().0.to_owned();
    let one = format!("{path}/{target}");
    for body in [
        json!({"comments": "Public reply from conformance"}),
        json!({"work_notes": "Internal note from conformance"}),
    ] {
        let answer = write(&client, Method::PATCH, &one, &shape, &body).await;
        assert_eq!(answer.status, 200, "{}", answer.json);
    }
    let activities = get(
        &client,
        &format!("/api/sn_customerservice/case/{target}/activities"),
        &[],
    )
    .await;
    assert_eq!(activities.status, 200, "{}", activities.json);
    let entries = activities.json["result"]["entries"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let (public, internal) = world.created_comment_ids();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["sys_id"], public);
    assert_eq!(entries[0]["element"], "comments");
    assert_eq!(entries[1]["sys_id"], internal);
    assert_eq!(entries[1]["element"], "work_notes");
    assert_eq!(entries[1]["value"], "Internal note from conformance");
    assert_eq!(activities.header("x-total-count"), Some("2"));
    // By the case's number too, filtered by type.
    let number = get(&client, &one, &[]).await.json["result"]["number"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let notes = get(
        &client,
        &format!("/api/sn_customerservice/case/{number}/activities"),
        &[("sysparm_activity_type", "work_notes")],
    )
    .await;
    assert_eq!(
        notes.json["result"]["entries"].as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!(notes.json["result"]["sys_id"], target.as_str());
    // The journal fields on the record: no value, the entries as the display value.
    let record = get(
        &client,
        &one,
        &[ALL, ("sysparm_fields", "comments,work_notes")],
    )
    .await;
    assert_eq!(record.json["result"]["work_notes"]["value"], "");
    let text = record.json["result"]["work_notes"]["display_value"]
        .as_str()
        .unwrap_or_default();
    assert!(
        text.contains("(Work notes)\nInternal note from conformance"),
        "{text}"
    );

    // Refused: unknown fields, choices outside the list, missing references, no subject, closing
    // without resolution notes, a body that is not JSON.
    for body in [
        json!({"no_such_field": "x"}),
        json!({"state": "99"}),
        json!({"assigned_to": world.missing_id(Entity::Agent)}),
        json!({"short_description": ""}),
        json!({"state": "3"}),
    ] {
        let answer = write(&client, Method::PATCH, &one, &shape, &body).await;
        assert_eq!(answer.status, 400, "{body}: {}", answer.json);
        assert_eq!(answer.json["status"], "failure");
    }
    let answer = write(
        &client,
        Method::POST,
        &path,
        &shape,
        &json!({"description": "x"}),
    )
    .await;
    assert_eq!(answer.status, 400);
    // A write without `Content-Type: application/json`.
    let untyped = client
        .send(
            client
                .http
                .patch(format!("{}{one}", client.base))
                .header("authorization", client.authorization())
                .header("accept", "application/json")
                .body(r#"{"short_description":"x"}"#),
        )
        .await;
    assert_eq!(untyped.status, 400);
    let closed = write(
        &client,
        Method::PATCH,
        &one,
        &shape,
        &json!({"state": "3", "close_notes": "Done"}),
    )
    .await;
    assert_eq!(closed.json["result"]["state"]["display_value"], "Closed");
    assert_eq!(closed.json["result"]["active"]["value"], "false");
    assert!(
        !closed.json["result"]["closed_at"]["value"]
            .as_str()
            .unwrap_or_default()
            .is_empty()
    );
    let missing = write(
        &client,
        Method::PATCH,
        &format!("{path}/{}", world.missing_ticket_id()),
        &shape,
        &json!({"short_description": "x"}),
    )
    .await;
    assert_eq!(missing.status, 404);
}

#[tokio::test]
async fn comments_carry_their_attachment_and_files_download() {
    let (simulator, client) = start().await;
    let world = simulator.world().cloned().unwrap_or_else(servicenow_world);
    let Some((comment, file)) = world.first_attachment() else {
        panic!("the world has an attachment");
    };
    let activities = get(
        &client,
        &format!("/api/sn_customerservice/case/{}/activities", comment.ticket),
        &[],
    )
    .await;
    let entries = activities.json["result"]["entries"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let elements: Vec<&str> = entries
        .iter()
        .filter_map(|e| e["element"].as_str())
        .collect();
    assert_eq!(
        elements,
        [
            "comments",
            "attachment",
            "comments",
            "work_notes",
            "comments"
        ]
    );
    assert_eq!(entries[0]["sys_id"], comment.id.as_str());
    assert_eq!(entries[1]["attachment"]["sys_id"], file.id.as_str());
    assert_eq!(entries[1]["sys_created_on"], entries[0]["sys_created_on"]);
    assert_eq!(entries[1]["user_sys_id"], entries[0]["user_sys_id"]);
    let rows = get(
        &client,
        &format!("{TABLE}/sys_attachment"),
        &[("sysparm_query", &format!("table_sys_id={}", comment.ticket))],
    )
    .await;
    assert_eq!(column(&rows, "file_name"), vec![file.file_name.as_str()]);
    let bytes = client
        .http
        .get(format!(
            "{}/api/now/attachment/{}/file",
            client.base, file.id
        ))
        .header("authorization", client.authorization())
        .send()
        .await
        .map(|r| {
            (
                r.status().as_u16(),
                r.headers().get("content-type").cloned(),
            )
        });
    let (status, content_type) = bytes.unwrap_or((0, None));
    assert_eq!(status, 200);
    assert_eq!(
        content_type
            .and_then(|t| t.to_str().ok().map(str::to_owned))
            .as_deref(),
        Some("application/pdf")
    );
}

#[tokio::test]
async fn tags_are_labels_and_label_entries() {
    let (simulator, client) = start().await;
    let world = simulator.world().cloned().unwrap_or_else(servicenow_world);
    let labels = get(
        &client,
        &format!("{TABLE}/label"),
        &[("sysparm_query", "ORDERBYname")],
    )
    .await;
    assert_eq!(column(&labels, "name"), ["billing", "hardware", "vip"]);
    assert_eq!(column(&labels, "sys_id")[0], world.tag_id("billing"));
    let billing = get(
        &client,
        &format!("{TABLE}/label_entry"),
        &[
            (
                "sysparm_query",
                &format!("label={}", world.tag_id("billing")),
            ),
            ("sysparm_limit", "1"),
        ],
    )
    .await;
    assert_eq!(billing.header("x-total-count"), Some("8"));
    let created = write(
        &client,
        Method::POST,
        &format!("{TABLE}/label"),
        &[],
        &json!({"name": "conformance-created"}),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.json);
    let label = created.json["result"]["sys_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let again = write(
        &client,
        Method::POST,
        &format!("{TABLE}/label"),
        &[],
        &json!({"name": "Conformance-Created"}),
    )
    .await;
    assert_eq!(again.status, 403);
    let case = world.tickets[0].id.clone();
    let entry = write(
        &client,
        Method::POST,
        &format!("{TABLE}/label_entry"),
        &[],
        &json!({"label": label, "table": CASES, "table_key": case}),
    )
    .await;
    assert_eq!(entry.status, 201, "{}", entry.json);
    let entry_id = entry.json["result"]["sys_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let tags = get(
        &client,
        &format!("{TABLE}/label_entry"),
        &[
            ("sysparm_query", &format!("table_key={case}")),
            ("sysparm_fields", "label.name"),
        ],
    )
    .await;
    assert_eq!(
        column(&tags, "label.name"),
        ["billing", "conformance-created"]
    );
    let deleted = client
        .send(
            client
                .http
                .delete(format!("{}{TABLE}/label_entry/{entry_id}", client.base))
                .header("authorization", client.authorization())
                .header("accept", "application/json"),
        )
        .await;
    assert_eq!(deleted.status, 204);
}

#[tokio::test]
async fn agents_slas_articles_and_ratings_are_served() {
    let (simulator, client) = start().await;
    let world = simulator.world().cloned().unwrap_or_else(servicenow_world);
    let members = get(
        &client,
        &format!("{TABLE}/sys_user_grmember"),
        &[
            ("sysparm_query", &format!("user={}", world.agents[0].id)),
            ("sysparm_fields", "group"),
            NO_LINKS,
        ],
    )
    .await;
    assert_eq!(column(&members, "group"), world.agents[0].groups);
    let slas = get(
        &client,
        &format!("{TABLE}/task_sla"),
        &[
            (
                "sysparm_query",
                &format!("task={}^ORDERBYplanned_end_time", world.tickets[0].id),
            ),
            (
                "sysparm_fields",
                "sla.target,planned_end_time,has_breached,stage",
            ),
        ],
    )
    .await;
    assert_eq!(column(&slas, "sla.target"), ["response", "resolution"]);
    assert_eq!(
        column(&slas, "planned_end_time"),
        ["2026-01-05 09:00:00", "2026-01-07 08:00:00"]
    );
    assert_eq!(column(&slas, "has_breached"), ["true", "false"]);
    let policy = get(
        &client,
        &format!("{TABLE}/contract_sla/{}", world.sla_policies[0].id),
        &[],
    )
    .await;
    assert_eq!(policy.json["result"]["name"], "Standard support");
    let published = get(
        &client,
        &format!("{TABLE}/kb_knowledge"),
        &[
            ("sysparm_query", "workflow_state=published^ORDERBYnumber"),
            ALL,
        ],
    )
    .await;
    assert_eq!(result(&published).len(), 4);
    assert_eq!(
        result(&published)[0]["kb_category"]["display_value"],
        "Getting started"
    );
    let ratings = get(
        &client,
        &format!("{TABLE}/asmt_assessment_instance"),
        &[(
            "sysparm_query",
            "trigger_table=sn_customerservice_case^ORDERBYsys_created_on",
        )],
    )
    .await;
    assert_eq!(
        column(&ratings, "sys_id"),
        world
            .ratings
            .iter()
            .map(|r| r.id.clone())
            .collect::<Vec<_>>()
    );
    let answers = get(
        &client,
        &format!("{TABLE}/asmt_metric_result"),
        &[
            (
                "sysparm_query",
                &format!("instance.trigger_id={}", world.ratings[1].ticket),
            ),
            ("sysparm_fields", "metric.name,actual_value,string_value"),
        ],
    )
    .await;
    assert_eq!(column(&answers, "actual_value"), ["1"]);
}

#[tokio::test(start_paused = true)]
async fn the_connection_check_reaches_the_simulator() {
    let simulator = ServiceNowSimulator::start(servicenow_world(), port_factory(None)).await;
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

/// Walks the case table raw, `limit` rows a page, and returns the sys_ids in the order seen:
/// by offset (`keyset` false), or by keyset (`ORDERBYsys_id` with `sys_id>{last}`, the offset
/// moving on only past pages that ACLs emptied); both end when no `rel="next"` Link follows.
async fn walk(client: &SimClient, keyset: bool) -> Vec<String> {
    let path = format!("{TABLE}/{CASES}");
    let mut seen = Vec::new();
    let mut last: Option<String> = None;
    let mut offset = 0usize;
    for _ in 0..100 {
        let query = match (&last, keyset) {
            (Some(last), true) => format!("sys_id>{last}^ORDERBYsys_id"),
            _ => "ORDERBYsys_id".to_owned(),
        };
        let offset_text = offset.to_string();
        let answer = get(
            client,
            &path,
            &[
                ("sysparm_query", &query),
                ("sysparm_limit", "4"),
                ("sysparm_offset", &offset_text),
                ("sysparm_fields", "sys_id"),
            ],
        )
        .await;
        let ids = column(&answer, "sys_id");
        let more = answer
            .header("link")
            .is_some_and(|l| l.contains("rel=\"next\""));
        if keyset && !ids.is_empty() {
            last = ids.last().cloned();
            offset = 0;
        } else {
            offset += 4;
        }
        seen.extend(ids);
        if !more {
            return seen;
        }
    }
    panic!("the walk does not end");
}

fn changes_between_pages(simulator: &ServiceNowSimulator, acls: bool) {
    let state = simulator.state();
    let mut state = support_conformance::sim::lock(&state);
    if acls {
        state.hide_cases((102..=108).map(|n| hex(Entity::Ticket, n)));
    }
    state.after_case_page(1, |st| {
        st.touch_case(
            &hex(Entity::Ticket, 101),
            &[("state", "10")],
            "2026-03-01 00:00:00",
        );
        st.add_case(100, "1", "2026-03-01 00:00:01");
    });
}

#[tokio::test]
async fn a_keyset_walk_survives_changes_and_acls_where_an_offset_walk_does_not() {
    let expected: Vec<String> = [101, 109, 110, 111, 112, 113]
        .into_iter()
        .map(|n| hex(Entity::Ticket, n))
        .collect();
    let (simulator, client) = start().await;
    changes_between_pages(&simulator, true);
    assert_eq!(walk(&client, true).await, expected);
    // Without ACLs, the case created before the walk's position shifts every later offset: the
    // offset walk sees the fourth case twice; the keyset walk sees each once (the new case sorts
    // before its position, so it is not among them).
    let every: Vec<String> = (101..=113).map(|n| hex(Entity::Ticket, n)).collect();
    let (simulator, client) = start().await;
    changes_between_pages(&simulator, false);
    assert_eq!(walk(&client, true).await, every);
    let (simulator, client) = start().await;
    changes_between_pages(&simulator, false);
    let by_offset = walk(&client, false).await;
    let fourth = hex(Entity::Ticket, 104);
    assert_eq!(by_offset.iter().filter(|id| **id == fourth).count(), 2);
}
