//! Raw-HTTP checks of the HubSpot simulator itself, independent of the adapter (what it serves,
//! what it rejects), and the shared adapter suites on it.

use support_hubspot::simulator;

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use simulator::{
    CLIENT_ID, CLIENT_SECRET, HubspotSimulator, REFRESH_TOKEN, SEARCH, SEARCH_CAP, TICKETS, TOKEN,
    TOKEN_PATH, WRONG_TOKEN, authorization, expire_access_tokens, hubspot_world, port_factory,
};
use support_conformance::sim::{self, Answer, SimClient};
use support_conformance::suites::SuiteTarget;
use support_conformance::{Fault, Harness, Simulator};
use support_core::{ErrorKind, Operation, Visibility};

/// The HubSpot adapter on this simulator, for the shared suites.
struct HubspotOnSimulator;

#[support_core::async_trait(?Send)]
impl SuiteTarget for HubspotOnSimulator {
    async fn start(&self, request_timeout: Option<Duration>) -> Box<dyn Harness> {
        Box::new(HubspotSimulator::start(hubspot_world(), port_factory(request_timeout)).await)
    }

    fn secrets(&self) -> Vec<String> {
        vec![TOKEN.into(), WRONG_TOKEN.into()]
    }
}

support_conformance::adapter_suite!(HubspotOnSimulator);

async fn start() -> (HubspotSimulator, SimClient) {
    let simulator = HubspotSimulator::start(hubspot_world(), port_factory(None)).await;
    let client = SimClient::new(simulator.base_url(), authorization(TOKEN));
    (simulator, client)
}

fn ids(answer: &Answer) -> Vec<String> {
    answer.json["results"]
        .as_array()
        .map(|r| {
            r.iter()
                .map(|o| o["id"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// An `application/x-www-form-urlencoded` body.
fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            let enc = |t: &str| sim::encode_component(t, sim::QueryEncoding::Percent);
            format!("{}={}", enc(k), enc(v))
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn assert_error(answer: &Answer, status: u16, category: &str) {
    assert_eq!(answer.status, status, "{}", answer.json);
    assert_eq!(answer.json["status"], "error", "{}", answer.json);
    assert_eq!(answer.json["category"], category, "{}", answer.json);
    assert!(answer.json["correlationId"].is_string(), "{}", answer.json);
    assert!(answer.json["message"].is_string(), "{}", answer.json);
}

#[tokio::test]
async fn credentials_are_checked_before_any_route() {
    let (simulator, client) = start().await;
    let answer = client.get(TICKETS, &[]).await;
    assert_eq!(answer.status, 200, "{}", answer.json);
    let http = reqwest::Client::new();
    for auth in [
        None,
        Some(authorization(WRONG_TOKEN)),
        Some(format!("Basic {TOKEN}")),
    ] {
        let mut request = http.get(format!("{}{TICKETS}", simulator.base_url()));
        if let Some(value) = auth {
            request = request.header("authorization", value);
        }
        let answer = client.send(request).await;
        assert_error(&answer, 401, "INVALID_AUTHENTICATION");
    }
    // Even an unknown path is a 401 without credentials.
    let bare = SimClient::new(simulator.base_url(), authorization(WRONG_TOKEN));
    assert_eq!(bare.get("/crm/v3/objects/nothing", &[]).await.status, 401);
    assert_eq!(
        simulator.requests().len(),
        1,
        "only answered routes are logged"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn throttling_is_a_429_with_policy_name_and_rate_limit_headers() {
    let (simulator, _) = start().await;
    let _faulted = simulator
        .port_with_fault(
            Operation::ListTickets,
            Fault::throttled(Duration::from_secs(7), 1),
        )
        .await;
    let base = simulator.faulted_base_urls().pop().unwrap_or_default();
    let client = SimClient::new(base, authorization(TOKEN));
    let answer = client.get(TICKETS, &[]).await;
    assert_eq!(answer.status, 429);
    assert_eq!(answer.json["policyName"], "TEN_SECONDLY_ROLLING");
    assert_eq!(answer.json["errorType"], "RATE_LIMIT");
    assert_eq!(
        answer.header("x-hubspot-ratelimit-interval-milliseconds"),
        Some("7000")
    );
    assert_eq!(answer.header("x-hubspot-ratelimit-remaining"), Some("0"));
    assert!(answer.header("x-hubspot-ratelimit-max").is_some());
    assert_eq!(
        answer.header("retry-after"),
        None,
        "HubSpot sends no Retry-After"
    );
    assert_eq!(client.get(TICKETS, &[]).await.status, 200);

    // A wait past the ten-second window is the daily limit.
    let _long = simulator
        .port_with_fault(
            Operation::ListTickets,
            Fault::throttled(Duration::from_secs(3_600), 1),
        )
        .await;
    let base = simulator.faulted_base_urls().pop().unwrap_or_default();
    let client = SimClient::new(base, authorization(TOKEN));
    let answer = client.get(TICKETS, &[]).await;
    assert_eq!(answer.status, 429);
    assert_eq!(answer.json["policyName"], "DAILY");
}

#[tokio::test]
async fn a_spent_daily_limit_answers_every_route_with_the_daily_429() {
    let (simulator, client) = start().await;
    sim::lock(&simulator.state()).daily_limit_spent = true;
    for path in [TICKETS, "/crm/v3/owners", "/crm/v3/pipelines/tickets"] {
        let answer = client.get(path, &[]).await;
        assert_eq!(answer.status, 429, "{path}");
        assert_eq!(answer.json["policyName"], "DAILY");
        assert_eq!(answer.json["message"], "You have reached your daily limit.");
        assert_eq!(
            answer.header("x-hubspot-ratelimit-daily-remaining"),
            Some("0")
        );
    }
    let answer = client.post(SEARCH, &json!({})).await;
    assert_eq!(answer.json["policyName"], "DAILY");
}

#[tokio::test]
async fn reads_return_only_the_properties_asked_for() {
    let (simulator, client) = start().await;
    let world = simulator.world().cloned().unwrap_or_else(hubspot_world);
    let first = &world.tickets[0];
    let path = format!("{TICKETS}/{}", first.id);
    let bare = client.get(&path, &[]).await;
    assert_eq!(bare.status, 200, "{}", bare.json);
    let props = bare.json["properties"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let mut names: Vec<&str> = props.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(names, ["createdate", "hs_lastmodifieddate", "hs_object_id"]);
    assert_eq!(bare.json["id"], first.id.as_str());
    assert!(
        first
            .id
            .parse::<f64>()
            .is_ok_and(|f| f > 9_007_199_254_740_992.0),
        "ids pass 2^53"
    );

    let full = client
        .get(
            &path,
            &[(
                "properties",
                "subject,content,hs_pipeline_stage,hs_ticket_priority,nonsense",
            )],
        )
        .await;
    assert_eq!(full.json["properties"]["subject"], first.subject.as_str());
    assert_eq!(
        full.json["properties"]["content"],
        first.description.as_str()
    );
    assert!(full.json["properties"]["hs_pipeline_stage"].is_string());
    assert!(full.json["properties"].get("nonsense").is_none());
    assert!(full.json["properties"].get("hubspot_owner_id").is_none());

    let missing = client
        .get(&format!("{TICKETS}/{}", world.missing_ticket_id()), &[])
        .await;
    assert_error(&missing, 404, "OBJECT_NOT_FOUND");
    // Parameters HubSpot does not know reach no route.
    client
        .assert_unserved(
            &[
                (TICKETS, &[("page", "2")]),
                (&path, &[("fields", "subject")]),
            ],
            &Value::Null,
        )
        .await;
}

#[tokio::test]
async fn listings_page_with_after_up_to_a_hundred() {
    let (simulator, client) = start().await;
    let world = simulator.world().cloned().unwrap_or_else(hubspot_world);
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let mut query = vec![("limit", "3".to_owned())];
        if let Some(a) = &after {
            query.push(("after", a.clone()));
        }
        let query: Vec<(&str, &str)> = query.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let answer = client.get(TICKETS, &query).await;
        assert_eq!(answer.status, 200, "{}", answer.json);
        let page = ids(&answer);
        assert!(page.len() <= 3);
        seen.extend(page);
        match answer.json["paging"]["next"]["after"].as_str() {
            Some(a) => after = Some(a.to_owned()),
            None => break,
        }
    }
    let mut expected: Vec<String> = world.tickets.iter().map(|t| t.id.clone()).collect();
    expected.sort_by_key(|id| id.parse::<u128>().unwrap_or_default());
    assert_eq!(seen, expected);
    assert_error(
        &client.get(TICKETS, &[("limit", "101")]).await,
        400,
        "VALIDATION_ERROR",
    );
    assert_eq!(client.get(TICKETS, &[("limit", "100")]).await.status, 200);
    assert_error(
        &client.get(TICKETS, &[("after", "xyz")]).await,
        400,
        "VALIDATION_ERROR",
    );
}

#[tokio::test]
async fn search_filters_sorts_and_refuses_pages_past_ten_thousand() {
    let (simulator, client) = start().await;
    let world = simulator.world().cloned().unwrap_or_else(hubspot_world);
    let closed = client
        .post(
            SEARCH,
            &json!({
                "filterGroups": [{"filters": [{"propertyName": "hs_pipeline_stage", "operator": "EQ", "value": "4"}]}],
                "properties": ["hs_pipeline_stage"],
                "limit": 200,
            }),
        )
        .await;
    assert_eq!(closed.status, 200, "{}", closed.json);
    let expected = world
        .tickets
        .iter()
        .filter(|t| t.status == support_core::TicketStatus::Closed)
        .count();
    assert!(expected > 0);
    assert_eq!(closed.json["total"], expected);
    assert!(closed.json["results"].as_array().is_some_and(|r| {
        r.iter()
            .all(|t| t["properties"]["hs_pipeline_stage"] == "4")
    }));

    // Sorted by last modification, filtered by a time given in epoch milliseconds.
    let middle = world.tickets[world.tickets.len() / 2].updated_at;
    let since = client
        .post(
            SEARCH,
            &json!({
                "filterGroups": [{"filters": [{"propertyName": "hs_lastmodifieddate", "operator": "GTE", "value": middle.timestamp_millis().to_string()}]}],
                "sorts": [{"propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"}],
                "limit": 200,
            }),
        )
        .await;
    let times: Vec<String> = since.json["results"]
        .as_array()
        .map(|r| {
            r.iter()
                .map(|t| {
                    t["properties"]["hs_lastmodifieddate"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned()
                })
                .collect()
        })
        .unwrap_or_default();
    assert!(!times.is_empty());
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    let expected = world
        .tickets
        .iter()
        .filter(|t| t.updated_at >= middle)
        .count();
    assert_eq!(since.json["total"], expected);

    // Pages: at most 200, `after` is an offset, nothing past 10,000 results.
    assert_error(
        &client.post(SEARCH, &json!({"limit": 201})).await,
        400,
        "VALIDATION_ERROR",
    );
    let last = (SEARCH_CAP - 200).to_string();
    assert_eq!(
        client
            .post(SEARCH, &json!({"limit": 200, "after": last}))
            .await
            .status,
        200
    );
    let past = (SEARCH_CAP - 199).to_string();
    assert_error(
        &client
            .post(SEARCH, &json!({"limit": 200, "after": past}))
            .await,
        400,
        "VALIDATION_ERROR",
    );
    assert_error(
        &client
            .post(SEARCH, &json!({"limit": 10, "cursor": "1"}))
            .await,
        400,
        "VALIDATION_ERROR",
    );
    let filter = json!({"propertyName": "hs_ticket_priority", "operator": "HAS_PROPERTY"});
    let groups = |n: usize, each: usize| json!({"filterGroups": vec![json!({"filters": vec![filter.clone(); each]}); n]});
    assert_eq!(client.post(SEARCH, &groups(5, 5)).await.status, 200);
    for refused in [groups(6, 1), groups(1, 11), groups(3, 9)] {
        assert_error(
            &client.post(SEARCH, &refused).await,
            400,
            "VALIDATION_ERROR",
        );
    }
    let two_sorts = json!({"sorts": ["createdate", "hs_lastmodifieddate"]});
    assert_error(
        &client.post(SEARCH, &two_sorts).await,
        400,
        "VALIDATION_ERROR",
    );
}

#[tokio::test]
async fn tickets_are_created_updated_and_closed_through_stages() {
    let (simulator, client) = start().await;
    let world = simulator.world().cloned().unwrap_or_else(hubspot_world);
    let owner = &world.agents[0].id;
    let created = client
        .post(
            TICKETS,
            &json!({"properties": {"subject": "Printer on fire", "content": "Smoke", "hs_pipeline": "0",
                "hs_pipeline_stage": "1", "hs_ticket_priority": "HIGH", "hubspot_owner_id": owner}}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.json);
    let id = created.json["id"].as_str().unwrap_or_default().to_owned();
    assert!(id.parse::<u128>().is_ok());
    assert_eq!(created.json["properties"]["hs_ticket_priority"], "HIGH");

    let path = format!("{TICKETS}/{id}");
    let closed = client
        .write(
            Method::PATCH,
            &path,
            &json!({"properties": {"hs_pipeline_stage": "4"}}),
        )
        .await;
    assert_eq!(closed.status, 200, "{}", closed.json);
    assert!(closed.json["properties"]["closed_date"].is_string());
    let read = client
        .get(&path, &[("properties", "hs_pipeline_stage,subject")])
        .await;
    assert_eq!(read.json["properties"]["hs_pipeline_stage"], "4");
    assert_eq!(read.json["properties"]["subject"], "Printer on fire");

    let refused = [
        json!({"properties": {"subject": "x"}}),
        json!({"properties": {"subject": "x", "hs_pipeline_stage": "99"}}),
        json!({"properties": {"subject": "x", "hs_pipeline_stage": "1", "hs_ticket_priority": "MAYBE"}}),
        json!({"properties": {"subject": "x", "hs_pipeline_stage": "1", "status": "open"}}),
        json!({"properties": {"subject": "x", "hs_pipeline_stage": "1", "hubspot_owner_id": "1"}}),
        json!({"properties": {"subject": "x", "hs_pipeline_stage": "1", "createdate": "2020-01-01T00:00:00Z"}}),
        json!({"properties": {"subject": "x", "hs_pipeline_stage": "1"}, "ticket": {}}),
    ];
    for body in &refused {
        assert_error(&client.post(TICKETS, body).await, 400, "VALIDATION_ERROR");
    }
    let patch = client
        .write(
            Method::PATCH,
            &format!("{TICKETS}/{}", world.missing_ticket_id()),
            &json!({"properties": {"subject": "x"}}),
        )
        .await;
    assert_error(&patch, 404, "OBJECT_NOT_FOUND");
}

#[tokio::test]
async fn pipelines_owners_and_feedback_are_served() {
    let (simulator, client) = start().await;
    let world = simulator.world().cloned().unwrap_or_else(hubspot_world);
    let pipelines = client.get("/crm/v3/pipelines/tickets", &[]).await;
    assert_eq!(pipelines.status, 200);
    let stages = &pipelines.json["results"][0]["stages"];
    assert_eq!(stages[0]["label"], "New");
    assert_eq!(stages[1]["label"], "Waiting on contact");
    assert_eq!(stages[3]["metadata"]["ticketState"], "CLOSED");
    assert!(stages[4]["metadata"].get("ticketState").is_none());

    let owners = client.get("/crm/v3/owners", &[]).await;
    assert_eq!(
        ids(&owners),
        world
            .agents
            .iter()
            .map(|a| a.id.clone())
            .collect::<Vec<_>>()
    );
    let by_mail = client
        .get(
            "/crm/v3/owners",
            &[("email", world.agents[0].email.as_str())],
        )
        .await;
    assert_eq!(ids(&by_mail), [world.agents[0].id.clone()]);

    let feedback = client
        .get(
            "/crm/v3/objects/feedback_submissions",
            &[("properties", "hs_value,hs_survey_type")],
        )
        .await;
    assert_eq!(
        ids(&feedback),
        world
            .ratings
            .iter()
            .map(|r| r.id.clone())
            .collect::<Vec<_>>()
    );
    assert!(feedback.json["results"][0]["properties"]["hs_value"].is_string());
    assert!(feedback.json["results"][0].get("associations").is_none());
    let linked = client
        .get(
            "/crm/v3/objects/feedback_submissions",
            &[("associations", "tickets,contacts")],
        )
        .await;
    let first = &linked.json["results"][0]["associations"];
    assert_eq!(
        first["tickets"]["results"][0]["id"],
        world.ratings[0].ticket.as_str()
    );
    assert_eq!(
        first["contacts"]["results"][0]["id"],
        world.ratings[0].requester.as_str()
    );
    let archived = client.get(TICKETS, &[("archived", "true")]).await;
    assert_eq!(ids(&archived), Vec::<String>::new());
}

#[tokio::test]
async fn notes_are_created_with_a_ticket_association_and_listed_through_it() {
    let (simulator, client) = start().await;
    let world = simulator.world().cloned().unwrap_or_else(hubspot_world);
    let ticket = &world.comments[0].ticket;
    let listed = |client: SimClient, ticket: String| async move {
        let assoc = client
            .get(
                &format!("/crm/v4/objects/tickets/{ticket}/associations/notes"),
                &[],
            )
            .await;
        assert_eq!(assoc.status, 200, "{}", assoc.json);
        let inputs: Vec<Value> = assoc.json["results"]
            .as_array()
            .map(|r| {
                r.iter()
                    .map(|a| json!({"id": a["toObjectId"].to_string()}))
                    .collect()
            })
            .unwrap_or_default();
        client
            .post(
                "/crm/v3/objects/notes/batch/read",
                &json!({"inputs": inputs, "properties": ["hs_note_body"]}),
            )
            .await
    };
    let before = listed(client.clone(), ticket.clone()).await;
    let count = world
        .comments
        .iter()
        .filter(|c| &c.ticket == ticket && c.visibility == Visibility::Internal)
        .count();
    assert!(count > 0);
    assert_eq!(before.json["results"].as_array().map(Vec::len), Some(count));

    let note = json!({
        "properties": {"hs_timestamp": "2026-01-01T00:00:00Z", "hs_note_body": "<p>Checked</p>"},
        "associations": [{"to": {"id": ticket}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 228}]}],
    });
    let created = client.post("/crm/v3/objects/notes", &note).await;
    assert_eq!(created.status, 201, "{}", created.json);
    let after = listed(client.clone(), ticket.clone()).await;
    let bodies: Vec<&str> = after.json["results"]
        .as_array()
        .map(|r| {
            r.iter()
                .filter_map(|n| n["properties"]["hs_note_body"].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(bodies.len(), count + 1);
    assert!(bodies.contains(&"<p>Checked</p>"));

    let mut wrong_type = note.clone();
    wrong_type["associations"][0]["types"][0]["associationTypeId"] = json!(1);
    let mut no_time = note.clone();
    no_time["properties"] = json!({"hs_note_body": "x"});
    let mut missing = note.clone();
    missing["associations"][0]["to"]["id"] = json!(world.missing_ticket_id());
    for body in [wrong_type, no_time, missing] {
        assert_error(
            &client.post("/crm/v3/objects/notes", &body).await,
            400,
            "VALIDATION_ERROR",
        );
    }
    let _ = simulator;
}

#[tokio::test]
async fn public_comments_are_messages_of_the_tickets_inbox_thread() {
    let (simulator, client) = start().await;
    let world = simulator.world().cloned().unwrap_or_else(hubspot_world);
    let ticket = &world.comments[0].ticket;
    let found = client
        .get(
            "/conversations/v3/conversations/threads",
            &[
                ("associatedTicketId", ticket.as_str()),
                ("association", "TICKET"),
            ],
        )
        .await;
    assert_eq!(found.status, 200, "{}", found.json);
    let thread = &found.json["results"][0];
    assert_eq!(
        thread["threadAssociations"]["associatedTicketId"],
        ticket.as_str()
    );
    let id = thread["id"].as_str().unwrap_or_default().to_owned();
    let path = format!("/conversations/v3/conversations/threads/{id}/messages");
    let listed = client.get(&path, &[]).await;
    let texts: Vec<&str> = listed.json["results"]
        .as_array()
        .map(|r| r.iter().filter_map(|m| m["text"].as_str()).collect())
        .unwrap_or_default();
    let public: Vec<&str> = world
        .comments
        .iter()
        .filter(|c| &c.ticket == ticket && c.visibility == Visibility::Public)
        .map(|c| c.body.as_str())
        .collect();
    assert_eq!(texts, public);
    assert_eq!(listed.json["results"][0]["direction"], "INCOMING");
    assert!(
        listed.json["results"][0]["senders"][0]["actorId"]
            .as_str()
            .is_some_and(|a| a.starts_with("V-"))
    );

    let owners = client.get("/crm/v3/owners", &[]).await;
    let user = owners.json["results"][0]["userId"].to_string();
    let reply = json!({
        "type": "MESSAGE", "text": "On it", "senderActorId": format!("A-{user}"),
        "channelId": thread["originalChannelId"], "channelAccountId": thread["originalChannelAccountId"],
        "recipients": [{"deliveryIdentifiers": [{"type": "HS_EMAIL_ADDRESS", "value": "customer@example.com"}]}],
        "attachments": [],
    });
    let sent = client.post(&path, &reply).await;
    assert_eq!(sent.status, 201, "{}", sent.json);
    assert_eq!(sent.json["id"], world.created_comment_ids().0);
    assert_eq!(sent.json["direction"], "OUTGOING");
    let mut no_sender = reply.clone();
    no_sender["senderActorId"] = json!("V-1");
    let mut no_recipient = reply.clone();
    no_recipient["recipients"] = json!([]);
    let mut no_attachments = reply.clone();
    if let Some(o) = no_attachments.as_object_mut() {
        o.remove("attachments");
    }
    for body in [
        no_sender,
        no_recipient,
        no_attachments,
        json!({"type": "MESSAGE"}),
    ] {
        assert_error(&client.post(&path, &body).await, 400, "VALIDATION_ERROR");
    }
    let after = client.get(&path, &[]).await;
    assert_eq!(
        after.json["results"].as_array().map(Vec::len),
        Some(public.len() + 1)
    );
}

#[tokio::test]
async fn a_contact_is_read_with_the_properties_asked_for() {
    let (simulator, client) = start().await;
    let world = simulator.world().cloned().unwrap_or_else(hubspot_world);
    let customer = &world.customers[0];
    let read = client
        .get(
            &format!("/crm/v3/objects/contacts/{}", customer.id),
            &[("properties", "email,firstname")],
        )
        .await;
    assert_eq!(read.status, 200, "{}", read.json);
    assert_eq!(read.json["id"], customer.id.as_str());
    assert_eq!(read.json["properties"]["email"], customer.email.as_str());
    assert!(read.json["properties"]["firstname"].is_string());
    assert!(read.json["properties"].get("lastname").is_none());
    let missing = client.get("/crm/v3/objects/contacts/999999999", &[]).await;
    assert_eq!(missing.status, 404, "{}", missing.json);
}

#[tokio::test]
async fn knowledge_articles_are_published_pages_of_site_search() {
    let (_simulator, client) = start().await;
    let world = hubspot_world();
    let answer = client
        .get(
            "/cms/site-search/v3/search",
            &[("type", "KNOWLEDGE_ARTICLE"), ("q", "")],
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.json);
    let published = world.articles.iter().filter(|a| a.published).count();
    assert_eq!(answer.json["total"], published);
    let draft = world.articles.iter().find(|a| !a.published);
    if let Some(draft) = draft {
        let gone = client
            .get(
                &format!("/cms/v3/site-search/indexed-data/{}", draft.id),
                &[],
            )
            .await;
        assert_eq!(gone.status, 404);
    }
    let first = world
        .articles
        .iter()
        .find(|a| a.published)
        .map(|a| a.id.clone())
        .unwrap_or_default();
    let one = client
        .get(
            &format!("/cms/v3/site-search/indexed-data/{first}"),
            &[("type", "KNOWLEDGE_ARTICLE")],
        )
        .await;
    assert_eq!(one.status, 200, "{}", one.json);
    assert!(one.json["fields"]["title"]["value"].is_string());
}

#[tokio::test]
async fn oauth_refresh_issues_access_tokens_that_expire() {
    let (simulator, _) = start().await;
    let http = reqwest::Client::new();
    let token = |refresh: &'static str| {
        http.post(format!("{}{TOKEN_PATH}", simulator.base_url()))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form(&[
                ("grant_type", "refresh_token"),
                ("client_id", CLIENT_ID),
                ("client_secret", CLIENT_SECRET),
                ("refresh_token", refresh),
            ]))
    };
    let raw = SimClient::new(simulator.base_url(), "");
    let answer = raw.send(token(REFRESH_TOKEN)).await;
    assert_eq!(answer.status, 200, "{}", answer.json);
    assert_eq!(answer.json["token_type"], "bearer");
    assert_eq!(answer.json["expires_in"], 1800);
    let access = answer.json["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let client = SimClient::new(simulator.base_url(), authorization(&access));
    assert_eq!(client.get(TICKETS, &[]).await.status, 200);
    expire_access_tokens(&simulator.base_url());
    assert_eq!(client.get(TICKETS, &[]).await.status, 401);

    let refused = raw.send(token("revoked")).await;
    assert_eq!(refused.status, 400);
    assert_eq!(refused.json["status"], "BAD_REFRESH_TOKEN");
    let wrong_client = raw
        .send(
            http.post(format!("{}{TOKEN_PATH}", simulator.base_url()))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(form(&[
                    ("grant_type", "refresh_token"),
                    ("client_id", CLIENT_ID),
                    ("client_secret", "x"),
                    ("refresh_token", REFRESH_TOKEN),
                ])),
        )
        .await;
    assert_eq!(wrong_client.status, 400);
    // A token of another server is refused here.
    let other = HubspotSimulator::start(hubspot_world(), port_factory(None)).await;
    let fresh = raw.send(token(REFRESH_TOKEN)).await;
    let elsewhere = SimClient::new(
        other.base_url(),
        authorization(fresh.json["access_token"].as_str().unwrap_or_default()),
    );
    assert_eq!(elsewhere.get(TICKETS, &[]).await.status, 401);
}

#[tokio::test]
async fn search_has_its_own_secondly_limit_and_tickets_name_their_contact() {
    let (simulator, client) = start().await;
    let world = simulator.world().cloned().unwrap_or_else(hubspot_world);
    sim::lock(&simulator.state()).search_throttled = 1;
    let throttled = client.post(SEARCH, &json!({})).await;
    assert_eq!(throttled.status, 429);
    assert_eq!(
        throttled.json["message"],
        "You have reached your secondly limit."
    );
    assert_eq!(client.post(SEARCH, &json!({})).await.status, 200);
    assert_eq!(
        client.get(TICKETS, &[]).await.status,
        200,
        "other routes are not limited"
    );

    let first = &world.tickets[0];
    let read = client
        .get(
            &format!("{TICKETS}/{}", first.id),
            &[("associations", "contacts")],
        )
        .await;
    assert_eq!(
        read.json["associations"]["contacts"]["results"][0]["id"],
        first.requester.as_str()
    );
    let bare = client.get(&format!("{TICKETS}/{}", first.id), &[]).await;
    assert!(bare.json.get("associations").is_none());
}

#[tokio::test]
async fn object_tags_of_tickets_are_listed_and_created() {
    let (simulator, client) = start().await;
    let world = simulator.world().cloned().unwrap_or_else(hubspot_world);
    let path = "/crm/object-tags/2026-09-beta/0-5";
    let listed = client.get(path, &[]).await;
    assert_eq!(listed.status, 200);
    let names: Vec<&str> = listed.json["results"]
        .as_array()
        .map(|r| r.iter().filter_map(|t| t["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        names,
        world
            .tags
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>()
    );
    assert_eq!(
        listed.json["results"][0]["id"],
        world.tag_id(&world.tags[0].0).as_str()
    );
    let tag = json!({"name": "escalation-team", "color": "RED", "displayOrder": 9,
        "filterBranch": {"filterBranchType": "AND", "filters": [], "filterBranches": []}, "filterPipelineIds": []});
    let created = client.post(path, &tag).await;
    assert_eq!(created.status, 201, "{}", created.json);
    assert!(created.json["id"].is_string());
    assert_eq!(client.post(path, &tag).await.status, 409);
    assert_error(
        &client.post(path, &json!({"name": "x"})).await,
        400,
        "VALIDATION_ERROR",
    );
}

#[tokio::test(start_paused = true)]
async fn the_connection_check_reaches_the_simulator() {
    let simulator = HubspotSimulator::start(hubspot_world(), port_factory(None)).await;
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

/// A multipart upload body with these text fields and one file part.
fn upload_form(fields: &[(&str, &str)], file: Option<(&str, &str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "selftest-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((name, content_type, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn files_are_uploaded_private_and_served_through_signed_urls_only() {
    let (simulator, client) = start().await;
    let http = reqwest::Client::new();
    let upload = |fields: Vec<(&'static str, &'static str)>, with_file: bool| {
        let (content_type, body) = upload_form(
            &fields,
            with_file.then_some(("log.txt", "text/plain", b"hello".as_slice())),
        );
        client.send(
            http.post(format!("{}/files/v3/files", simulator.base_url()))
                .header("authorization", client.authorization())
                .header("content-type", content_type)
                .body(body),
        )
    };
    // `options.access` is required, and exactly one of folderId and folderPath.
    let answer = upload(vec![("folderPath", "/x")], true).await;
    assert_error(&answer, 400, "VALIDATION_ERROR");
    let answer = upload(vec![("options", r#"{"access":"PRIVATE"}"#)], true).await;
    assert_error(&answer, 400, "VALIDATION_ERROR");
    let answer = upload(
        vec![("options", r#"{"access":"PRIVATE"}"#), ("folderPath", "/x")],
        false,
    )
    .await;
    assert_error(&answer, 400, "VALIDATION_ERROR");
    let answer = upload(
        vec![("options", r#"{"access":"PRIVATE"}"#), ("folderPath", "/x")],
        true,
    )
    .await;
    assert_eq!(answer.status, 201, "{}", answer.json);
    assert_eq!(answer.json["name"], "log");
    assert_eq!(answer.json["extension"], "txt");
    assert_eq!(answer.json["size"], 5);
    let id = answer.json["id"].as_str().unwrap().to_owned();
    // The details' URL is unsigned: storage refuses it.
    let details = client.get(&format!("/files/v3/files/{id}"), &[]).await;
    assert_eq!(details.status, 200, "{}", details.json);
    let unsigned = details.json["url"].as_str().unwrap().to_owned();
    let plain = http.get(&unsigned).send().await.unwrap();
    assert_eq!(plain.status().as_u16(), 403);
    // The signed URL serves the bytes, without credentials.
    let signed = client
        .get(&format!("/files/v3/files/{id}/signed-url"), &[])
        .await;
    assert_eq!(signed.status, 200, "{}", signed.json);
    let url = signed.json["url"].as_str().unwrap();
    let bytes = http.get(url).send().await.unwrap().bytes().await.unwrap();
    assert_eq!(bytes.as_ref(), b"hello");
    // A note may name it; an unknown file id is refused.
    let ticket = &hubspot_world().tickets[0].id;
    let note = |ids: &str| {
        json!({"properties": {"hs_timestamp": "2026-01-01T00:00:00Z", "hs_note_body": "x",
            "hs_attachment_ids": ids},
            "associations": [{"to": {"id": ticket}, "types": [
                {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 228}]}]})
    };
    assert_eq!(
        client
            .post("/crm/v3/objects/notes", &note(&id))
            .await
            .status,
        201
    );
    let answer = client.post("/crm/v3/objects/notes", &note("424242")).await;
    assert_error(&answer, 400, "VALIDATION_ERROR");
    assert_eq!(client.get("/files/v3/files/424242", &[]).await.status, 404);
}

#[tokio::test]
async fn custom_ticket_properties_are_defined_read_and_validated() {
    let (_simulator, client) = start().await;
    let definitions = client.get("/crm/v3/properties/tickets", &[]).await;
    assert_eq!(definitions.status, 200, "{}", definitions.json);
    let all = definitions.json["results"].as_array().unwrap();
    let find = |name: &str| all.iter().find(|p| p["name"] == name).cloned().unwrap();
    assert_eq!(find("subject")["hubspotDefined"], true);
    assert!(find("order_number").get("hubspotDefined").is_none());
    assert_eq!(find("days_to_renewal")["calculated"], true);
    assert_eq!(find("product_line")["options"][0]["value"], "hardware");
    let ticket = &hubspot_world().tickets[0].id;
    let read = client
        .get(
            &format!("{TICKETS}/{ticket}"),
            &[("properties", "order_number,vip_customer")],
        )
        .await;
    assert_eq!(read.json["properties"]["order_number"], "5000");
    assert_eq!(read.json["properties"]["vip_customer"], "true");
    assert!(read.json["properties"].get("product_line").is_none());
    let path = format!("{TICKETS}/{ticket}");
    let bodies: Vec<Value> = [
        json!({"days_to_renewal": "3"}),
        json!({"product_line": "gadgets"}),
        json!({"order_number": "many"}),
        json!({"affected_regions": "emea;amer"}),
    ]
    .into_iter()
    .map(|p| json!({ "properties": p }))
    .collect();
    for refused in &bodies[..3] {
        let answer = client.write(Method::PATCH, &path, refused).await;
        assert_error(&answer, 400, "VALIDATION_ERROR");
    }
    let answer = client.write(Method::PATCH, &path, &bodies[3]).await;
    assert_eq!(answer.status, 200, "{}", answer.json);
}
