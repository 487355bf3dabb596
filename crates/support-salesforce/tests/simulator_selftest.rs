//! Raw-HTTP checks of the Salesforce simulator itself, independent of the adapter (what it serves,
//! what it rejects), and the shared adapter suites on it.

use support_salesforce::simulator;

use std::time::Duration;

use serde_json::{Value, json};
use simulator::{
    DATA, SalesforceSimulator, TOKEN, WRONG_TOKEN, authorization, id18, port_factory,
    salesforce_world,
};
use support_conformance::sim::SimClient;
use support_conformance::suites::SuiteTarget;
use support_conformance::{Fault, Harness, Simulator};
use support_core::{Operation, TicketStatus};

/// The Salesforce adapter on this simulator, for the shared suites.
struct SalesforceOnSimulator;

#[support_core::async_trait(?Send)]
impl SuiteTarget for SalesforceOnSimulator {
    async fn start(&self, request_timeout: Option<Duration>) -> Box<dyn Harness> {
        Box::new(
            SalesforceSimulator::start(salesforce_world(), port_factory(request_timeout)).await,
        )
    }

    fn secrets(&self) -> Vec<String> {
        vec![TOKEN.into(), WRONG_TOKEN.into()]
    }
}

support_conformance::adapter_suite!(SalesforceOnSimulator);

async fn started() -> (SalesforceSimulator, SimClient) {
    let simulator = SalesforceSimulator::start(salesforce_world(), port_factory(None)).await;
    let client = SimClient::new(simulator.base_url(), authorization(TOKEN));
    (simulator, client)
}

async fn soql(client: &SimClient, q: &str) -> simulator_answer::Answer {
    client.get(&format!("{DATA}/query"), &[("q", q)]).await
}

mod simulator_answer {
    pub use support_conformance::sim::Answer;
}

fn records(answer: &simulator_answer::Answer) -> Vec<Value> {
    answer.json["records"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn strings(records: &[Value], field: &str) -> Vec<String> {
    records
        .iter()
        .map(|r| r[field].as_str().unwrap_or("<null>").to_owned())
        .collect()
}

#[tokio::test]
async fn credentials_are_checked_before_any_route() {
    let (simulator, client) = started().await;
    let answer = soql(&client, "SELECT Id FROM CaseStatus").await;
    assert_eq!(answer.status, 200, "{}", answer.json);
    client
        .assert_unauthenticated(
            &format!("{DATA}/query?q=SELECT+Id+FROM+Case"),
            &[None, Some(authorization(WRONG_TOKEN)), Some(TOKEN.into())],
            &json!([{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]),
        )
        .await;
    assert_eq!(
        simulator.requests().len(),
        1,
        "only answered routes are logged"
    );
}

#[tokio::test]
async fn every_answer_reports_the_api_usage() {
    let (_simulator, client) = started().await;
    let first = soql(&client, "SELECT Id FROM User").await;
    let second = soql(&client, "SELECT Id FROM User").await;
    let used = |a: &simulator_answer::Answer| -> u64 {
        let info = a.header("sforce-limit-info").unwrap_or_default().to_owned();
        let usage = info.strip_prefix("api-usage=").unwrap_or_default();
        let (used, limit) = usage.split_once('/').unwrap_or_default();
        assert_eq!(limit, "15000", "{info}");
        used.parse().unwrap_or_default()
    };
    assert!(used(&second) > used(&first));
}

#[tokio::test]
async fn a_throttling_fault_is_the_daily_limit_403() {
    let simulator = SalesforceSimulator::start(salesforce_world(), port_factory(None)).await;
    let faulted = simulator
        .port_with_fault(
            Operation::ListTickets,
            Fault::throttled(Duration::from_secs(2), 1),
        )
        .await;
    let base = simulator.faulted_base_urls().pop().unwrap_or_default();
    let client = SimClient::new(base, authorization(TOKEN));
    // The fault hits the listing's query of cases (` FROM Case `), not the org's other queries.
    let answer = soql(&client, "SELECT Id FROM Case ORDER BY Id").await;
    assert_eq!(answer.status, 403, "{}", answer.json);
    assert_eq!(answer.json[0]["errorCode"], "REQUEST_LIMIT_EXCEEDED");
    assert!(answer.header("retry-after").is_none());
    assert_eq!(
        answer.header("sforce-limit-info"),
        Some("api-usage=15000/15000")
    );
    drop(faulted);
}

#[tokio::test]
async fn queries_follow_soql() {
    let (_simulator, client) = started().await;
    let world = salesforce_world();
    let all = soql(
        &client,
        "SELECT Id, Subject, Status FROM Case ORDER BY CreatedDate",
    )
    .await;
    assert_eq!(all.status, 200, "{}", all.json);
    assert_eq!(all.json["done"], true);
    assert_eq!(all.json["totalSize"], world.tickets.len());
    let first = &records(&all)[0];
    assert_eq!(first["attributes"]["type"], "Case");
    assert_eq!(
        first["attributes"]["url"],
        format!("{DATA}/sobjects/Case/{}", world.tickets[0].id)
    );
    assert_eq!(first.as_object().map(|o| o.len()), Some(4), "{first}");

    // Keywords in any case, OR / AND / NOT / IN, 15-character ids, LIMIT.
    let short = &world.tickets[1].id[..15];
    let q = format!(
        "select Id from Case where (Id = '{short}' or Id IN ('{}')) and not Status = 'Closed' limit 5",
        world.tickets[2].id
    );
    let picked = soql(&client, &q).await;
    assert_eq!(picked.status, 200, "{}", picked.json);
    let open: Vec<&String> = [&world.tickets[1], &world.tickets[2]]
        .into_iter()
        .filter(|t| t.status != TicketStatus::Closed)
        .map(|t| &t.id)
        .collect();
    assert_eq!(
        strings(&records(&picked), "Id").iter().collect::<Vec<_>>(),
        open
    );

    // A relationship field nests; a queue-owned case names the queue.
    let owned = soql(
        &client,
        "SELECT Id, Owner.Name FROM Case WHERE OwnerId != null LIMIT 1",
    )
    .await;
    let owner = &records(&owned)[0]["Owner"];
    assert!(owner["Name"].is_string(), "{}", owned.json);
    assert!(owner["attributes"]["type"].is_string());
}

#[tokio::test]
async fn an_escaped_quote_stays_inside_the_literal() {
    let (_simulator, client) = started().await;
    let injected = soql(
        &client,
        r"SELECT Id FROM Case WHERE Subject = 'x\' OR Subject != \''",
    )
    .await;
    assert_eq!(injected.status, 200, "{}", injected.json);
    assert_eq!(injected.json["totalSize"], 0, "{}", injected.json);
    let raw = soql(
        &client,
        "SELECT Id FROM Case WHERE Subject = 'x' OR Subject != ''",
    )
    .await;
    assert!(
        raw.json["totalSize"].as_u64().unwrap_or(0) > 0,
        "the unescaped form matches every case"
    );
    for malformed in [
        "SELECT Id FROM Case WHERE Subject = 'x' OR Subject != '",
        "SELECT Id FROM Case WHERE Subject = 'a\\q'",
        "SELECT FROM Case",
        "SELECT Id Case",
        "SELECT Id FROM Case LIMIT x",
        "SELECT Id FROM Case; DELETE",
    ] {
        let answer = soql(&client, malformed).await;
        assert_eq!(answer.status, 400, "{malformed}: {}", answer.json);
        assert_eq!(
            answer.json[0]["errorCode"], "MALFORMED_QUERY",
            "{malformed}"
        );
    }
    let far = soql(
        &client,
        "SELECT Id FROM Case ORDER BY Id LIMIT 10 OFFSET 2001",
    )
    .await;
    assert_eq!(far.status, 400);
    assert_eq!(far.json[0]["errorCode"], "NUMBER_OUTSIDE_VALID_RANGE");
    let near = soql(
        &client,
        "SELECT Id FROM Case ORDER BY Id LIMIT 10 OFFSET 2000",
    )
    .await;
    assert_eq!(near.status, 200);
    let field = soql(&client, "SELECT Id, Nope__c FROM Case").await;
    assert_eq!(field.status, 400);
    assert_eq!(field.json[0]["errorCode"], "INVALID_FIELD");
    let object = soql(&client, "SELECT Id FROM Ticket").await;
    assert_eq!(object.json[0]["errorCode"], "INVALID_TYPE");
    let extra = client
        .get(
            &format!("{DATA}/query"),
            &[("q", "SELECT Id FROM Case"), ("limit", "5")],
        )
        .await;
    assert_eq!(extra.status, 400);
}

#[tokio::test]
async fn batches_follow_next_records_url_once() {
    let (simulator, client) = started().await;
    simulator.state().lock().map(|mut s| s.batch_size = 3).ok();
    let world = salesforce_world();
    let mut seen = Vec::new();
    let mut answer = soql(&client, "SELECT Id FROM Case ORDER BY Id").await;
    let mut used = Vec::new();
    let mut batches = Vec::new();
    loop {
        assert_eq!(answer.status, 200, "{}", answer.json);
        assert_eq!(answer.json["totalSize"], world.tickets.len());
        let page = records(&answer);
        assert!(page.len() <= 3);
        seen.extend(strings(&page, "Id"));
        if answer.json["done"] == true {
            assert!(answer.json.get("nextRecordsUrl").is_none());
            break;
        }
        let next = answer.json["nextRecordsUrl"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(next.starts_with(&format!("{DATA}/query/")), "{next}");
        used.push(next.clone());
        answer = client.get(&next, &[]).await;
        batches.push(strings(&records(&answer), "Id"));
    }
    let mut expected: Vec<String> = world.tickets.iter().map(|t| t.id.clone()).collect();
    expected.sort_by_key(|id| id.to_lowercase());
    assert_eq!(seen, expected);
    // A locator's results stay available after the query (two days, per Salesforce's help
    // article on INVALID_QUERY_LOCATOR): a batch read again is the same batch, as a retry needs.
    let again = client.get(&used[0], &[]).await;
    assert_eq!(again.status, 200, "{}", again.json);
    assert_eq!(strings(&records(&again), "Id"), batches[0]);
    let unknown = client
        .get(&format!("{DATA}/query/0r8Hs0000000zzzIAA-3"), &[])
        .await;
    assert_eq!(unknown.json[0]["errorCode"], "INVALID_QUERY_LOCATOR");
}

#[tokio::test]
async fn rows_are_read_by_15_or_18_character_ids() {
    let (_simulator, client) = started().await;
    let world = salesforce_world();
    let id = &world.tickets[0].id;
    for path_id in [id.clone(), id[..15].to_owned()] {
        let answer = client
            .get(
                &format!("{DATA}/sobjects/Case/{path_id}"),
                &[("fields", "Id,Subject")],
            )
            .await;
        assert_eq!(answer.status, 200, "{}", answer.json);
        assert_eq!(answer.json["Id"], id.as_str());
        assert_eq!(answer.json["Subject"], world.tickets[0].subject.as_str());
    }
    let lower = client
        .get(&format!("{DATA}/sobjects/Case/{}", id.to_lowercase()), &[])
        .await;
    assert_eq!(lower.status, 200, "18-character ids are case-insensitive");
    let missing = client
        .get(
            &format!("{DATA}/sobjects/Case/{}", id18("500000000000zzz")),
            &[],
        )
        .await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json[0]["errorCode"], "NOT_FOUND");
}

#[tokio::test]
async fn writes_check_bodies_and_the_assignment_rule() {
    let (simulator, client) = started().await;
    let world = salesforce_world();
    let agent = &world.agents[0].id;
    let case = |id: &str| format!("{DATA}/sobjects/Case/{id}");
    let off = [("Sforce-Auto-Assign", "FALSE")];
    let created = client
        .write_with(
            reqwest::Method::POST,
            &format!("{DATA}/sobjects/Case"),
            &json!({"Subject": "Printer", "Priority": "High", "OwnerId": agent}),
            &off,
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.json);
    assert_eq!(created.json["success"], true);
    let id = created.json["id"].as_str().unwrap_or_default().to_owned();
    assert_eq!(id.len(), 18);
    let read = client.get(&case(&id), &[]).await;
    assert_eq!(read.json["OwnerId"], agent.as_str());
    assert_eq!(read.json["Status"], "New");

    // Without the header, the org's assignment rule takes the case.
    let reassigned = client
        .write(
            reqwest::Method::PATCH,
            &case(&id),
            &json!({"OwnerId": agent}),
        )
        .await;
    assert_eq!(reassigned.status, 204);
    let read = client.get(&case(&id), &[]).await;
    assert_ne!(
        read.json["OwnerId"],
        agent.as_str(),
        "the assignment rule ran"
    );

    let closed = client
        .write_with(
            reqwest::Method::PATCH,
            &case(&id),
            &json!({"Status": "Closed"}),
            &off,
        )
        .await;
    assert_eq!(closed.status, 204);
    let read = client.get(&case(&id), &[]).await;
    assert_eq!(read.json["IsClosed"], true);

    for (body, code) in [
        (
            json!({"Priority": "Urgent"}),
            "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
        ),
        (json!({"Nope": 1}), "INVALID_FIELD"),
        (
            json!({"CaseNumber": "1"}),
            "INVALID_FIELD_FOR_INSERT_UPDATE",
        ),
        (
            json!({"OwnerId": id18("005000000000zzz")}),
            "FIELD_INTEGRITY_EXCEPTION",
        ),
    ] {
        let answer = client
            .write_with(reqwest::Method::PATCH, &case(&id), &body, &off)
            .await;
        assert_eq!(answer.status, 400, "{body}");
        assert_eq!(answer.json[0]["errorCode"], code, "{body}");
    }
    let comment = client
        .post(
            &format!("{DATA}/sobjects/CaseComment"),
            &json!({"ParentId": &id[..15], "CommentBody": "hi", "IsPublished": true}),
        )
        .await;
    assert_eq!(comment.status, 201, "{}", comment.json);
    let listed = soql(
        &client,
        &format!("SELECT Id, CommentBody, IsPublished FROM CaseComment WHERE ParentId = '{id}'"),
    )
    .await;
    assert_eq!(strings(&records(&listed), "CommentBody"), vec!["hi"]);
    let log = simulator.state();
    let headers = log
        .lock()
        .map(|s| s.auto_assign.clone())
        .unwrap_or_default();
    let sent: Vec<Option<&str>> = headers.iter().map(|(_, _, h)| h.as_deref()).collect();
    assert_eq!(sent, [Some("FALSE"), None, Some("FALSE")], "{headers:?}");
}

#[tokio::test]
async fn the_org_holds_the_world() {
    let (_simulator, client) = started().await;
    let world = salesforce_world();
    let statuses = soql(
        &client,
        "SELECT ApiName, IsClosed FROM CaseStatus ORDER BY SortOrder",
    )
    .await;
    assert_eq!(
        strings(&records(&statuses), "ApiName")[..2],
        ["New", "Working"]
    );
    let agents = soql(
        &client,
        "SELECT Id FROM User WHERE IsActive = true AND UserType = 'Standard'",
    )
    .await;
    assert_eq!(agents.json["totalSize"], world.agents.len());
    let queues = soql(&client, "SELECT Id, Name FROM Group WHERE Type = 'Queue'").await;
    assert_eq!(queues.json["totalSize"], world.groups.len());
    let online = soql(
        &client,
        "SELECT Id, Title FROM Knowledge__kav WHERE PublishStatus = 'Online'",
    )
    .await;
    assert_eq!(
        online.json["totalSize"],
        world.articles.iter().filter(|a| a.published).count()
    );
    let like = soql(&client, "SELECT Id FROM Topic WHERE Name LIKE '%'").await;
    assert!(like.json["totalSize"].as_u64().unwrap_or(0) >= world.tags.len() as u64);
}

#[tokio::test]
async fn the_token_endpoint_issues_tokens_that_expire() {
    let (simulator, client) = started().await;
    let base = simulator.base_url();
    let form = |body: &str| {
        client
            .http
            .post(format!("{base}/services/oauth2/token"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.to_owned())
    };
    let refused = client
        .send(form(&format!(
            "grant_type=refresh_token&client_id={}&refresh_token=nope",
            simulator::CLIENT_ID
        )))
        .await;
    assert_eq!(refused.status, 400);
    assert_eq!(refused.json["error"], "invalid_grant");
    let answer = client
        .send(form(&format!(
            "grant_type=refresh_token&client_id={}&client_secret={}&refresh_token={}",
            simulator::CLIENT_ID,
            simulator::CLIENT_SECRET,
            simulator::REFRESH_TOKEN
        )))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.json);
    assert_eq!(answer.json["instance_url"], base.as_str());
    assert!(answer.json.get("expires_in").is_none());
    let token = answer.json["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let with_token = SimClient::new(base.clone(), authorization(&token));
    assert_eq!(soql(&with_token, "SELECT Id FROM User").await.status, 200);
    simulator::expire_access_tokens(&base);
    let expired = soql(&with_token, "SELECT Id FROM User").await;
    assert_eq!(expired.status, 401);
    assert_eq!(expired.json[0]["errorCode"], "INVALID_SESSION_ID");
    let granted = client
        .send(form(&format!(
            "grant_type=client_credentials&client_id={}&client_secret={}",
            simulator::CLIENT_ID,
            simulator::CLIENT_SECRET
        )))
        .await;
    assert_eq!(granted.status, 200, "{}", granted.json);
    assert_eq!(simulator::issued_tokens(&base), 2);
}

#[tokio::test]
async fn a_semi_join_on_topic_assignments_filters_cases_by_topic() {
    let (_simulator, client) = started().await;
    let world = salesforce_world();
    let Some(tagged) = world.tickets.iter().find(|t| !t.tags.is_empty()) else {
        return;
    };
    let tag = &tagged.tags[0];
    let q = format!(
        "SELECT Id FROM Case WHERE Id IN (SELECT EntityId FROM TopicAssignment WHERE Topic.Name = '{tag}') ORDER BY Id"
    );
    let answer = soql(&client, &q).await;
    assert_eq!(answer.status, 200, "{}", answer.json);
    let mut want: Vec<String> = world
        .tickets
        .iter()
        .filter(|t| t.tags.contains(tag))
        .map(|t| t.id.clone())
        .collect();
    want.sort_by_key(|id| id.to_lowercase());
    assert_eq!(strings(&records(&answer), "Id"), want);
    let bad = soql(
        &client,
        "SELECT Id FROM Case WHERE Id IN (SELECT Nope FROM TopicAssignment)",
    )
    .await;
    assert_eq!(bad.json[0]["errorCode"], "INVALID_FIELD");
}

#[tokio::test]
async fn nulls_sort_first_and_batch_size_is_a_bounded_request() {
    let (simulator, client) = started().await;
    let world = salesforce_world();
    for q in [
        "SELECT Id, OwnerId FROM Case ORDER BY OwnerId",
        "SELECT Id, OwnerId FROM Case ORDER BY OwnerId DESC",
    ] {
        let answer = soql(&client, q).await;
        let owners: Vec<bool> = records(&answer)
            .iter()
            .map(|r| r["OwnerId"].is_null())
            .collect();
        let first_set = owners.iter().position(|null| !null).unwrap_or(owners.len());
        assert!(
            owners[first_set..].iter().all(|null| !null),
            "{q}: nulls first: {owners:?}"
        );
    }
    let asked = client
        .send(
            client
                .http
                .get(format!("{}{DATA}/query", simulator.base_url()))
                .query(&[("q", "SELECT Id FROM Case")])
                .header("authorization", authorization(TOKEN))
                .header("sforce-query-options", "batchSize=1"),
        )
        .await;
    assert_eq!(asked.status, 200, "{}", asked.json);
    assert_eq!(
        records(&asked).len(),
        world.tickets.len().min(200),
        "below the minimum of 200, batches are of 200"
    );
}

#[tokio::test(start_paused = true)]
async fn the_connection_check_reaches_the_simulator() {
    let simulator = SalesforceSimulator::start(salesforce_world(), port_factory(None)).await;
    let info = simulator.port().check_connection().await;
    assert!(info.is_ok(), "check_connection failed: {info:?}");
    let bad = simulator.port_with_bad_credentials().await;
    let error = bad.check_connection().await.err();
    assert_eq!(
        error.as_ref().map(|e| e.kind()),
        Some(&support_core::ErrorKind::Unauthenticated)
    );
    let faulted = simulator
        .port_with_fault(Operation::CheckConnection, Fault::unavailable_once())
        .await;
    let info = faulted.port.check_connection().await;
    assert!(info.is_ok(), "check_connection after one 503: {info:?}");
    assert_eq!(faulted.requests.get(), 2, "the read is retried once");
}

#[tokio::test]
async fn case_milestones_hold_the_sla_clocks() {
    // The world with clocks on: what the profile switches on once the adapter maps them.
    let mut profile = salesforce_world().profile;
    profile.sla_clocks = support_conformance::SlaClocks {
        first_response: support_conformance::ClockReport::DueAndBreach,
        resolution: support_conformance::ClockReport::DueAndBreach,
        escalation: false,
    };
    let world = support_conformance::World::standard(support_salesforce::PROVIDER, profile);
    let simulator = SalesforceSimulator::start(world.clone(), port_factory(None)).await;
    let client = SimClient::new(simulator.base_url(), authorization(TOKEN));
    let ticket = world
        .tickets
        .iter()
        .find(|t| t.sla.is_some())
        .unwrap_or_else(|| panic!("the world has SLA clocks"));
    let Some(sla) = &ticket.sla else { return };
    let answer = soql(
        &client,
        &format!(
            "SELECT MilestoneType.Name, TargetDate, IsViolated FROM CaseMilestone WHERE CaseId = '{}' ORDER BY MilestoneType.Name",
            ticket.id
        ),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.json);
    let rows = records(&answer);
    assert_eq!(rows.len(), 2, "{}", answer.json);
    assert_eq!(rows[0]["MilestoneType"]["Name"], "First Response");
    assert_eq!(
        rows[0]["TargetDate"],
        simulator::sf_time(&sla.first_response_due)
    );
    assert_eq!(rows[0]["IsViolated"], sla.first_response_breached);
    assert_eq!(rows[1]["MilestoneType"]["Name"], "Resolution");
    assert_eq!(rows[1]["IsViolated"], sla.resolution_breached);
}

#[test]
fn outbound_messages_and_their_acknowledgement() {
    use simulator::outbound::{self, Notification};
    let xml = outbound::envelope(
        outbound::ORGANIZATION_ID,
        &[Notification {
            id: "04lsim0000000001AAA".into(),
            fields: vec![
                ("Id".into(), "500sim0000000001AAA".into()),
                ("Subject".into(), "Fish & <chips>".into()),
            ],
        }],
    );
    assert!(xml.contains("<OrganizationId>00Dsim000000001AAA</OrganizationId>"));
    assert!(
        xml.contains("<sf:Subject>Fish &amp; &lt;chips&gt;</sf:Subject>"),
        "{xml}"
    );
    assert!(outbound::is_ack(
        r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack></notificationsResponse></soapenv:Body></soapenv:Envelope>"#
    ));
    assert!(!outbound::is_ack("<Ack>true</Ack>"));
}

/// Escapes a value for a SOQL string literal as the SOQL reference documents (`\\`, `\'`, `\"`,
/// `\n`, `\r`, `\t`, `\b`, `\f`).
fn soql_literal(value: &str) -> String {
    let mut out = String::from("'");
    for c in value.chars() {
        match c {
            '\\' => out.push_str(r"\\"),
            '\'' => out.push_str(r"\'"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str(r"\n"),
            '\r' => out.push_str(r"\r"),
            '\t' => out.push_str(r"\t"),
            '\u{8}' => out.push_str(r"\b"),
            '\u{c}' => out.push_str(r"\f"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

#[tokio::test]
async fn escaped_literals_match_exactly_their_value() {
    let (_simulator, client) = started().await;
    let nasty = [
        "x' OR Name != '",
        r"back\slash' OR Id != '",
        "quote\" and\nnewline\tand tab",
        "50% _off_",
    ];
    for subject in nasty {
        let created = client
            .write_with(
                reqwest::Method::POST,
                &format!("{DATA}/sobjects/Case"),
                &json!({"Subject": subject}),
                &[("Sforce-Auto-Assign", "FALSE")],
            )
            .await;
        assert_eq!(created.status, 201, "{}", created.json);
    }
    for subject in nasty {
        let q = format!(
            "SELECT Subject FROM Case WHERE Subject = {}",
            soql_literal(subject)
        );
        let answer = soql(&client, &q).await;
        assert_eq!(answer.status, 200, "{q}: {}", answer.json);
        assert_eq!(strings(&records(&answer), "Subject"), vec![subject], "{q}");
    }
    // In LIKE, an escaped % or _ is literal.
    let like = soql(
        &client,
        r"SELECT Subject FROM Case WHERE Subject LIKE '50\% \_off%'",
    )
    .await;
    assert_eq!(strings(&records(&like), "Subject"), vec!["50% _off_"]);
    let none = soql(
        &client,
        r"SELECT Subject FROM Case WHERE Subject LIKE '50\%\_%'",
    )
    .await;
    assert_eq!(none.json["totalSize"], 0);
}

/// The bytes a path serves.
async fn raw_bytes(simulator: &SalesforceSimulator, path: &str) -> (u16, Vec<u8>) {
    let answer = reqwest::Client::new()
        .get(format!("{}{path}", simulator.base_url()))
        .header("authorization", authorization(TOKEN))
        .send()
        .await
        .expect("the simulator answers");
    let status = answer.status().as_u16();
    (status, answer.bytes().await.unwrap_or_default().to_vec())
}

#[tokio::test]
async fn the_case_describe_lists_the_orgs_custom_fields() {
    let (_simulator, client) = started().await;
    let described = client
        .get(&format!("{DATA}/sobjects/Case/describe"), &[])
        .await;
    assert_eq!(described.status, 200, "{}", described.json);
    let custom: Vec<(String, String)> = described.json["fields"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter(|f| f["custom"] == true)
        .map(|f| {
            (
                f["name"].as_str().unwrap_or_default().to_owned(),
                f["label"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        custom,
        [
            ("Product__c".to_owned(), "Product".to_owned()),
            ("Legacy_Id__c".to_owned(), "Legacy Id".to_owned()),
            (
                "Escalation_Count__c".to_owned(),
                "Escalation Count".to_owned()
            ),
        ]
    );
    let world = salesforce_world();
    let rows = records(
        &soql(
            &client,
            &format!(
                "SELECT Id, Legacy_Id__c FROM Case WHERE Id = '{}'",
                world.tickets[0].id
            ),
        )
        .await,
    );
    assert_eq!(strings(&rows, "Legacy_Id__c"), ["LEG-0001"]);
}

#[tokio::test]
async fn files_are_linked_content_versions_and_legacy_attachments() {
    let (simulator, client) = started().await;
    let world = salesforce_world();
    // Object Reference: a ContentDocumentLink query filters on the linked record or the document.
    let unfiltered = soql(&client, "SELECT Id FROM ContentDocumentLink").await;
    assert_eq!(unfiltered.status, 400);
    assert_eq!(unfiltered.json[0]["errorCode"], "MALFORMED_QUERY");
    // The world's file: a legacy Attachment of the customer's email, its Body the bytes.
    let (comment, file) = world.first_attachment().expect("the world has a file");
    let rows = records(
        &soql(
            &client,
            &format!(
                "SELECT Id, ParentId, Name, ContentType, BodyLength FROM Attachment WHERE \
                 ParentId IN ('{}')",
                comment.id
            ),
        )
        .await,
    );
    assert_eq!(
        strings(&rows, "Name"),
        std::slice::from_ref(&file.file_name)
    );
    assert_eq!(rows[0]["BodyLength"], json!(file.content.len()));
    let (status, bytes) = raw_bytes(
        &simulator,
        &format!("{DATA}/sobjects/Attachment/{}/Body", file.id),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(bytes, file.content);
    // A new ContentVersion (base64 VersionData) is linked to its first publish location.
    let case = &world.tickets[0].id;
    let bad = client
        .post(
            &format!("{DATA}/sobjects/ContentVersion"),
            &json!({"Title": "note.txt", "PathOnClient": "note.txt", "VersionData": "not base64!", "FirstPublishLocationId": case}),
        )
        .await;
    assert_eq!(bad.status, 400, "{}", bad.json);
    let created = client
        .post(
            &format!("{DATA}/sobjects/ContentVersion"),
            &json!({"Title": "note.txt", "PathOnClient": "note.txt", "VersionData": "aGVsbG8gbG9nCg==", "FirstPublishLocationId": case}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.json);
    let version = created.json["id"].as_str().unwrap_or_default().to_owned();
    assert!(version.starts_with("068"), "{version}");
    let links = records(
        &soql(
            &client,
            &format!(
                "SELECT Id, LinkedEntityId, ContentDocument.LatestPublishedVersionId, \
                 ContentDocument.LatestPublishedVersion.Title, \
                 ContentDocument.LatestPublishedVersion.FileExtension, \
                 ContentDocument.LatestPublishedVersion.ContentSize FROM ContentDocumentLink \
                 WHERE LinkedEntityId = '{case}'"
            ),
        )
        .await,
    );
    assert_eq!(links.len(), 1, "{links:?}");
    let document = &links[0]["ContentDocument"];
    assert_eq!(document["LatestPublishedVersionId"], version.as_str());
    assert_eq!(document["LatestPublishedVersion"]["Title"], "note.txt");
    assert_eq!(document["LatestPublishedVersion"]["FileExtension"], "txt");
    assert_eq!(document["LatestPublishedVersion"]["ContentSize"], 10);
    let (status, bytes) = raw_bytes(
        &simulator,
        &format!("{DATA}/sobjects/ContentVersion/{version}/VersionData"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(bytes, b"hello log\n");
}
