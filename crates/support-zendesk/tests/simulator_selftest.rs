//! Raw-HTTP checks of the Zendesk simulator itself: what it serves, what it rejects, and that its
//! answers decode into the types generated from the vendor description; and the shared adapter
//! suites (faults, timeouts, credentials, redaction, unknown values) on it.

use support_zendesk::simulator;

use std::collections::BTreeMap;
use std::time::Duration;

use httpmock::MockServer;
use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use simulator::{
    Shared, ZendeskSimulator, authorization, port_factory, start_server, zendesk_world,
};
use support_conformance::sim::{Answer, SimClient};
use support_conformance::suites::SuiteTarget;
use support_conformance::{Harness, World};
use support_zendesk::generated::types;

// ----- helpers -----

/// A simulator server and a client of it.
struct Sim {
    _server: MockServer,
    state: Shared,
    client: SimClient,
}

impl std::ops::Deref for Sim {
    type Target = SimClient;

    fn deref(&self) -> &SimClient {
        &self.client
    }
}

impl Sim {
    async fn start() -> Self {
        let (server, state) = start_server(zendesk_world()).await;
        let client = SimClient::new(server.base_url(), Self::auth());
        Self {
            _server: server,
            state,
            client,
        }
    }

    fn auth() -> String {
        authorization(simulator::EMAIL, simulator::TOKEN)
    }

    /// `POST` with an `Idempotency-Key`.
    async fn post_keyed(&self, path: &str, body: &Value, key: &str) -> Answer {
        self.write_with(Method::POST, path, body, &[("idempotency-key", key)])
            .await
    }
}

fn ids(items: &Value) -> Vec<u64> {
    items
        .as_array()
        .expect("a list")
        .iter()
        .map(|item| item["id"].as_u64().expect("integer ids"))
        .collect()
}

fn world_ids(world: &World) -> Vec<u64> {
    world
        .tickets
        .iter()
        .map(|t| t.id.parse().unwrap())
        .collect()
}

/// Keys of `raw` (with a value) that the generated type does not know: they would be dropped by
/// decoding, so they are not in the vendor schema.
fn unknown_keys<T: DeserializeOwned + Serialize>(what: &str, raw: &Value) -> Vec<String> {
    let typed: T = serde_json::from_value(raw.clone())
        .unwrap_or_else(|e| panic!("{what} does not decode into its generated type: {e}\n{raw:#}"));
    let back = serde_json::to_value(typed).expect("serialises");
    raw.as_object()
        .expect("an object")
        .iter()
        .filter(|(key, value)| !value.is_null() && back.get(key.as_str()).is_none())
        .map(|(key, _)| format!("{what}.{key}"))
        .collect()
}

fn decodes<T: DeserializeOwned>(what: &str, raw: &Value) {
    if let Err(e) = serde_json::from_value::<T>(raw.clone()) {
        panic!("{what} does not decode into its generated type: {e}\n{raw:#}");
    }
}

// ----- pagination -----

#[tokio::test]
async fn pages_of_four_chain_through_cursors_to_every_ticket() {
    let sim = Sim::start().await;
    let mut seen = Vec::new();
    let mut pages = 0;
    let mut after: Option<String> = None;
    let last = loop {
        let mut query = vec![("page[size]", "4")];
        if let Some(cursor) = &after {
            query.push(("page[after]", cursor.as_str()));
        }
        let page = sim.get("/api/v2/tickets", &query).await;
        assert_eq!(page.status, 200, "{}", page.json);
        assert_eq!(
            page.headers["content-type"].to_str().unwrap(),
            "application/json; charset=utf-8"
        );
        pages += 1;
        let tickets = page.json["tickets"].as_array().unwrap();
        assert!(tickets.len() <= 4);
        seen.extend(ids(&page.json["tickets"]));
        if !page.json["meta"]["has_more"].as_bool().unwrap() {
            break page;
        }
        after = page.json["meta"]["after_cursor"]
            .as_str()
            .map(str::to_owned);
        assert!(after.is_some(), "has_more without an after_cursor");
        assert!(pages < 10);
    };
    assert_eq!(pages, 4);
    assert_eq!(seen, world_ids(&zendesk_world()));
    assert_eq!(seen.len(), 13);
    // As Zendesk does, the last page still has cursors and links; has_more is the end signal.
    let next = last.json["links"]["next"]
        .as_str()
        .expect("links.next on the last page");
    let beyond = sim.get_url(next).await;
    assert_eq!(beyond.status, 200);
    assert_eq!(beyond.json["tickets"], json!([]));
    assert_eq!(beyond.json["meta"]["has_more"], json!(false));
    assert_eq!(beyond.json["meta"]["after_cursor"], Value::Null);
    // Going back from the last page.
    let prev = last.json["links"]["prev"].as_str().expect("links.prev");
    let back = sim.get_url(prev).await;
    assert_eq!(ids(&back.json["tickets"]), vec![109, 110, 111, 112]);
}

#[tokio::test]
async fn bad_paging_parameters_are_400() {
    let sim = Sim::start().await;
    let too_big = sim.get("/api/v2/tickets", &[("page[size]", "101")]).await;
    assert_eq!(too_big.status, 400);
    assert_eq!(too_big.json["error"], "InvalidPaginationParameter");
    assert!(too_big.json["description"].is_string());
    let zero = sim.get("/api/v2/users", &[("page[size]", "0")]).await;
    assert_eq!(zero.status, 400);
    let bogus = sim
        .get("/api/v2/tickets", &[("page[after]", "not-a-cursor")])
        .await;
    assert_eq!(bogus.status, 400);
    assert_eq!(bogus.json["error"], "InvalidPaginationParameter");
    // A cursor is valid only for the listing that issued it.
    let tickets = sim.get("/api/v2/tickets", &[("page[size]", "2")]).await;
    let cursor = tickets.json["meta"]["after_cursor"].as_str().unwrap();
    let elsewhere = sim.get("/api/v2/users", &[("page[after]", cursor)]).await;
    assert_eq!(elsewhere.status, 400);
    let same = sim.get("/api/v2/tickets", &[("page[after]", cursor)]).await;
    assert_eq!(same.status, 200);
    assert_eq!(ids(&same.json["tickets"])[0], 103);
    // Search export allows up to 1000 per page.
    let export = sim
        .get(
            "/api/v2/search/export",
            &[
                ("query", "status:open"),
                ("filter[type]", "ticket"),
                ("page[size]", "1000"),
            ],
        )
        .await;
    assert_eq!(export.status, 200, "{}", export.json);
}

// ----- authentication and unexpected requests -----

#[tokio::test]
async fn wrong_or_missing_credentials_are_401() {
    let sim = Sim::start().await;
    let unauthenticated = json!({"error": "Couldn't authenticate you"});
    let wrong = Some(authorization(simulator::EMAIL, "wrong-token"));
    sim.assert_unauthenticated("/api/v2/users/me", &[wrong, None], &unauthenticated)
        .await;
    let right = sim.get("/api/v2/users/me", &[]).await;
    assert_eq!(right.status, 200);
    assert_eq!(right.json["user"]["id"], 301);
    assert_eq!(right.json["user"]["role"], "admin");
    // Nothing is served without credentials, not even a missing record.
    sim.assert_unauthenticated("/api/v2/tickets/999999", &[None], &unauthenticated)
        .await;
}

#[tokio::test]
async fn missing_records_and_unexpected_requests_are_404() {
    let sim = Sim::start().await;
    let not_found = json!({"error": "RecordNotFound", "description": "Not found"});
    sim.assert_not_found(
        &[
            "/api/v2/tickets/999999",
            "/api/v2/tickets/999999/comments",
            "/api/v2/help_center/articles/999999",
            "/api/v2/slas/policies/999999",
            "/api/v2/help_center/categories/999999/articles",
        ],
        &not_found,
    )
    .await;
    let put = sim
        .put(
            "/api/v2/tickets/999999",
            &json!({"ticket": {"subject": "x"}}),
        )
        .await;
    assert_eq!(put.status, 404);
    assert_eq!(put.json, not_found);
    // Requests no endpoint accepts fall through to httpmock's 404, without Zendesk's error body.
    sim.assert_unserved(
        &[
            ("/api/v2/nonsense", &[]),
            ("/api/v2/tickets", &[("sort_by", "id")]),
            ("/api/v2/tickets/abc", &[]),
            ("/api/v2/search/export", &[("filter[type]", "ticket")]),
            (
                "/api/v2/tickets",
                &[("page[size]", "2"), ("page[size]", "3")],
            ),
        ],
        &not_found,
    )
    .await;
    let no_ticket_key = sim
        .put("/api/v2/tickets/101", &json!({"subject": "x"}))
        .await;
    assert_eq!(no_ticket_key.status, 404);
    let not_json = sim
        .send(
            sim.http
                .put(format!("{}/api/v2/tickets/101", sim.base))
                .header("authorization", Sim::auth())
                .body(r#"{"ticket":{"subject":"x"}}"#),
        )
        .await;
    assert_eq!(
        not_json.status, 404,
        "a write without Content-Type: application/json"
    );
    // The optional `.json` suffix is Zendesk's too.
    let suffixed = sim.get("/api/v2/tickets/101.json", &[]).await;
    assert_eq!(suffixed.status, 200);
    assert_eq!(suffixed.json["ticket"]["id"], 101);
}

// ----- tickets and search -----

#[tokio::test]
async fn tickets_carry_zendesk_values() {
    let sim = Sim::start().await;
    let world = zendesk_world();
    let page = sim.get("/api/v2/tickets", &[]).await;
    let tickets = page.json["tickets"].as_array().unwrap();
    let by_id: BTreeMap<u64, &Value> = tickets
        .iter()
        .map(|t| (t["id"].as_u64().unwrap(), t))
        .collect();
    assert_eq!(by_id[&104]["status"], "hold");
    assert_eq!(by_id[&105]["status"], "solved");
    assert_eq!(by_id[&106]["status"], "closed");
    assert_eq!(by_id[&113]["status"], "escalated");
    assert_eq!(by_id[&104]["via"]["channel"], "voice");
    assert_eq!(by_id[&105]["via"]["channel"], "api");
    assert_eq!(by_id[&105]["priority"], Value::Null);
    assert_eq!(by_id[&101]["organization_id"], 501);
    assert_eq!(by_id[&102]["organization_id"], Value::Null);
    assert_eq!(by_id[&101]["created_at"], "2026-01-05T08:00:00Z");
    assert_eq!(by_id[&101]["external_id"], Value::Null);
    assert_eq!(
        by_id[&101]["url"],
        json!(format!("{}/api/v2/tickets/101.json", sim.base))
    );
    assert_eq!(tickets.len(), world.tickets.len());
    let by_external = sim.get("/api/v2/tickets", &[("external_id", "101")]).await;
    assert_eq!(by_external.json["tickets"], json!([]));
}

#[tokio::test]
async fn search_export_filters_tickets() {
    let sim = Sim::start().await;
    let world = zendesk_world();
    let search = |query: &'static str| {
        let sim = &sim;
        async move {
            sim.get(
                "/api/v2/search/export",
                &[
                    ("query", query),
                    ("filter[type]", "ticket"),
                    ("page[size]", "100"),
                ],
            )
            .await
        }
    };
    let open = search("status:open").await;
    assert_eq!(open.status, 200, "{}", open.json);
    let expected: Vec<u64> = world
        .tickets
        .iter()
        .filter(|t| t.status == support_core::TicketStatus::Open)
        .map(|t| t.id.parse().unwrap())
        .collect();
    assert_eq!(ids(&open.json["results"]), expected);
    assert!(!expected.is_empty());
    assert!(
        open.json["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["result_type"] == "ticket")
    );
    assert_eq!(open.json["meta"]["before_cursor"], Value::Null);
    assert_eq!(open.json["links"]["prev"], Value::Null);

    let since = world.tickets[6]
        .updated_at
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let after = sim
        .get(
            "/api/v2/search/export",
            &[
                ("query", &format!("updated>{since}")),
                ("filter[type]", "ticket"),
            ],
        )
        .await;
    let got = ids(&after.json["results"]);
    assert!(!got.contains(&107), "updated> is strictly after");
    assert!(got.contains(&108));

    let combined = search("tags:billing priority:low").await;
    let expected_combined: Vec<u64> = world
        .tickets
        .iter()
        .filter(|t| {
            t.tags.iter().any(|g| g == "billing") && t.priority == Some(support_core::Priority::Low)
        })
        .map(|t| t.id.parse().unwrap())
        .collect();
    assert!(!expected_combined.is_empty());
    assert_eq!(ids(&combined.json["results"]), expected_combined);
    let assignee = search("assignee:301").await;
    assert!(
        ids(&assignee.json["results"]).iter().all(|id| {
            world.ticket(&id.to_string()).unwrap().assignee.as_deref() == Some("301")
        })
    );

    // Paging through search results.
    let first = sim
        .get(
            "/api/v2/search/export",
            &[
                ("query", "tags:billing"),
                ("filter[type]", "ticket"),
                ("page[size]", "3"),
            ],
        )
        .await;
    assert_eq!(first.json["meta"]["has_more"], true);
    let next = first.json["links"]["next"].as_str().unwrap();
    let second = sim.get_url(next).await;
    assert_eq!(second.status, 200, "{}", second.json);
    assert_eq!(ids(&second.json["results"]).len(), 3);

    for (query, why) in [
        ("type:ticket status:open", "type belongs in filter[type]"),
        ("printer", "free text"),
        ("status:open status:pending", "a field twice"),
        ("via:email", "an unknown field"),
    ] {
        let answer = search(query).await;
        assert_eq!(answer.status, 400, "{why}: {}", answer.json);
        assert_eq!(answer.json["error"], "InvalidSearch", "{why}");
    }
    let untyped = sim
        .get("/api/v2/search/export", &[("query", "status:open")])
        .await;
    assert_eq!(untyped.status, 400);
    assert_eq!(untyped.json["error"], "InvalidSearch");

    // The offset-paged search wants the type in the query.
    let classic = sim
        .get("/api/v2/search", &[("query", "type:ticket status:open")])
        .await;
    assert_eq!(ids(&classic.json["results"]), expected);
    assert_eq!(classic.json["count"], expected.len());
}

#[tokio::test]
async fn created_tickets_are_stored_and_keys_are_idempotent() {
    let sim = Sim::start().await;
    let world = zendesk_world();
    let body = json!({"ticket": {
        "subject": "Printer on fire",
        "comment": {"body": "The office printer is on fire.", "public": true},
        "priority": "urgent",
        "tags": ["hardware"],
        "requester": {"name": "Dana Customer", "email": "dana@customer.example"},
    }});
    let created = sim.post("/api/v2/tickets", &body).await;
    assert_eq!(created.status, 201, "{}", created.json);
    let ticket = &created.json["ticket"];
    let expected = world.created_ticket();
    assert_eq!(ticket["id"], 150);
    assert_eq!(ticket["status"], "new");
    assert_eq!(ticket["priority"], "urgent");
    assert_eq!(ticket["via"]["channel"], "api");
    assert_eq!(ticket["requester_id"], 401);
    assert_eq!(ticket["submitter_id"], 301);
    assert_eq!(ticket["organization_id"], 501);
    assert_eq!(ticket["description"], "The office printer is on fire.");
    let at = expected.created_at.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    assert_eq!(ticket["created_at"], json!(at));
    assert_eq!(ticket["updated_at"], json!(at));
    assert!(
        created.headers["location"]
            .to_str()
            .unwrap()
            .ends_with("/api/v2/tickets/150.json")
    );
    assert_eq!(created.json["audit"]["events"][0]["type"], "Comment");

    let fetched = sim.get("/api/v2/tickets/150", &[]).await;
    assert_eq!(fetched.status, 200);
    assert_eq!(&fetched.json["ticket"], ticket);
    let comments = sim.get("/api/v2/tickets/150/comments", &[]).await;
    let comments = comments.json["comments"].as_array().unwrap().clone();
    assert_eq!(comments.len(), 1);
    assert_eq!(comments[0]["plain_body"], "The office printer is on fire.");
    assert_eq!(comments[0]["author_id"], 401);
    let tags = sim.get("/api/v2/tags", &[]).await;
    assert_eq!(
        tags.json["tags"][1],
        json!({"name": "hardware", "count": 5})
    );

    // An unknown requester e-mail becomes a new end user.
    let stranger = json!({"ticket": {
        "subject": "Hello",
        "comment": {"body": "Hi"},
        "requester": {"name": "New Person", "email": "new@customer.example"},
    }});
    let created = sim.post_keyed("/api/v2/tickets", &stranger, "key-1").await;
    assert_eq!(created.status, 201);
    assert_eq!(created.json["ticket"]["id"], 151);
    assert_eq!(created.headers["x-idempotency-lookup"], "miss");
    let requester = created.json["ticket"]["requester_id"].as_u64().unwrap();
    let users = sim.get("/api/v2/users", &[("role", "end-user")]).await;
    assert!(ids(&users.json["users"]).contains(&requester));

    // The same key again: the first ticket, not a new one.
    let again = sim.post_keyed("/api/v2/tickets", &stranger, "key-1").await;
    assert_eq!(again.status, 201);
    assert_eq!(again.headers["x-idempotency-lookup"], "hit");
    assert_eq!(again.json["ticket"]["id"], 151);
    let other_body = sim.post_keyed("/api/v2/tickets", &body, "key-1").await;
    assert_eq!(other_body.status, 400);
    let next = sim.post_keyed("/api/v2/tickets", &body, "key-2").await;
    assert_eq!(next.json["ticket"]["id"], 152);

    let invalid = sim
        .post(
            "/api/v2/tickets",
            &json!({"ticket": {"subject": "", "comment": {"body": ""}}}),
        )
        .await;
    assert_eq!(invalid.status, 422);
    assert_eq!(invalid.json["error"], "RecordInvalid");
    assert_eq!(invalid.json["description"], "Record validation errors");
    assert_eq!(
        invalid.json["details"]["subject"],
        json!([{"description": "Subject: cannot be blank", "error": "BlankValue"}])
    );
    assert_eq!(
        invalid.json["details"]["description"][0]["error"],
        "BlankValue"
    );
    let after = sim.get("/api/v2/tickets/153", &[]).await;
    assert_eq!(after.status, 404, "an invalid creation stores nothing");
    let log = simulator::lock(&sim.state).log.clone();
    assert_eq!(log.iter().filter(|r| r.method == "POST").count(), 6);
}

#[tokio::test]
async fn updates_apply_and_comments_come_back() {
    let sim = Sim::start().await;
    let world = zendesk_world();
    let base_time = world.created_ticket().created_at;
    let hours = |n: i64| {
        (base_time + chrono::Duration::hours(n))
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    };

    let (id, _) = world.update();
    let updated = sim
        .put(
            &format!("/api/v2/tickets/{id}"),
            &json!({"ticket": {"subject": "Renamed by conformance", "priority": "high"}}),
        )
        .await;
    assert_eq!(updated.status, 200, "{}", updated.json);
    assert_eq!(updated.json["ticket"]["subject"], "Renamed by conformance");
    assert_eq!(updated.json["ticket"]["priority"], "high");
    assert_eq!(updated.json["ticket"]["updated_at"], json!(hours(1)));
    let events = updated.json["audit"]["events"].as_array().unwrap();
    assert!(
        events.iter().any(|e| e["type"] == "Change"
            && e["field_name"] == "priority"
            && e["value"] == "high")
    );

    let (ticket, _, _) = world.new_comments();
    let path = format!("/api/v2/tickets/{ticket}");
    let public = sim
        .put(&path, &json!({"ticket": {"comment": {"body": "Public reply from conformance", "public": true}}}))
        .await;
    assert_eq!(public.status, 200, "{}", public.json);
    let event = &public.json["audit"]["events"][0];
    assert_eq!(event["type"], "Comment");
    assert_eq!(event["id"], 650);
    assert_eq!(event["author_id"], 301);
    assert_eq!(event["public"], true);
    let internal = sim
        .put(&path, &json!({"ticket": {"comment": {"body": "Internal note", "public": false, "author_id": 302}}}))
        .await;
    assert_eq!(internal.json["audit"]["events"][0]["id"], 651);
    let listed = sim.get(&format!("{path}/comments"), &[]).await;
    let comments = listed.json["comments"].as_array().unwrap();
    let added: Vec<_> = comments
        .iter()
        .filter(|c| c["id"] == 650 || c["id"] == 651)
        .collect();
    assert_eq!(added.len(), 2);
    assert_eq!(added[0]["public"], true);
    assert_eq!(added[0]["plain_body"], "Public reply from conformance");
    assert_eq!(added[1]["public"], false);
    assert_eq!(added[1]["author_id"], 302);

    // Solving closes; `closed` itself is Zendesk's to set, and closed tickets are frozen.
    let solved = sim
        .put(
            &format!("/api/v2/tickets/{}", World::CLOSE_TARGET),
            &json!({"ticket": {"status": "solved"}}),
        )
        .await;
    assert_eq!(solved.json["ticket"]["status"], "solved");
    let direct = sim
        .put(
            "/api/v2/tickets/101",
            &json!({"ticket": {"status": "closed"}}),
        )
        .await;
    assert_eq!(direct.status, 422);
    assert_eq!(direct.json["error"], "RecordInvalid");
    let frozen = sim
        .put("/api/v2/tickets/106", &json!({"ticket": {"subject": "x"}}))
        .await;
    assert_eq!(frozen.status, 422);
    assert!(frozen.json["details"]["status"].is_array());

    // Assignment: the agent must belong to the group.
    let (ticket, agent, group) = world.assignment();
    let assigned = sim
        .put(
            &format!("/api/v2/tickets/{ticket}"),
            &json!({"ticket": {"assignee_id": agent.parse::<u64>().unwrap(), "group_id": group.parse::<u64>().unwrap()}}),
        )
        .await;
    assert_eq!(assigned.status, 200, "{}", assigned.json);
    assert_eq!(assigned.json["ticket"]["assignee_id"], 303);
    assert_eq!(assigned.json["ticket"]["group_id"], 202);
    let outside = sim
        .put(
            "/api/v2/tickets/101",
            &json!({"ticket": {"assignee_id": 303, "group_id": 201}}),
        )
        .await;
    assert_eq!(outside.status, 422);
    let customer = sim
        .put(
            "/api/v2/tickets/101",
            &json!({"ticket": {"assignee_id": 401}}),
        )
        .await;
    assert_eq!(customer.status, 422);
    let blank = sim
        .put(
            "/api/v2/tickets/101",
            &json!({"ticket": {"comment": {"body": " "}}}),
        )
        .await;
    assert_eq!(blank.status, 422);

    // Tags replace, and the account's counts follow.
    let tagged = sim
        .put("/api/v2/tickets/101", &json!({"ticket": {"tags": ["vip"]}}))
        .await;
    assert_eq!(tagged.json["ticket"]["tags"], json!(["vip"]));
    let tags = sim.get("/api/v2/tags", &[]).await;
    let counts: BTreeMap<String, u64> = tags.json["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap().to_owned(),
                t["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(counts["billing"], 7);
    assert_eq!(counts["vip"], 5);
}

// ----- the rest of the read endpoints -----

#[tokio::test]
async fn agents_groups_help_center_sla_and_ratings() {
    let sim = Sim::start().await;
    let world = zendesk_world();
    let admins = sim.get("/api/v2/users", &[("role", "admin")]).await;
    assert_eq!(ids(&admins.json["users"]), vec![301]);
    let agents = sim.get("/api/v2/users", &[("role", "agent")]).await;
    assert_eq!(ids(&agents.json["users"]), vec![302, 303]);
    let both = sim
        .get("/api/v2/users", &[("role[]", "agent"), ("role[]", "admin")])
        .await;
    assert_eq!(ids(&both.json["users"]), vec![301, 302, 303]);
    assert_eq!(
        sim.get("/api/v2/users", &[("role", "boss")]).await.status,
        400
    );
    let memberships = sim.get("/api/v2/group_memberships", &[]).await;
    let pairs: Vec<(u64, u64)> = memberships.json["group_memberships"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["user_id"].as_u64().unwrap(),
                m["group_id"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(pairs, vec![(301, 201), (301, 202), (302, 201), (303, 202)]);
    let groups = sim.get("/api/v2/groups", &[]).await;
    assert_eq!(ids(&groups.json["groups"]), vec![201, 202]);

    let articles = sim
        .get("/api/v2/help_center/articles", &[("page[size]", "2")])
        .await;
    assert_eq!(ids(&articles.json["articles"]), vec![801, 802]);
    assert_eq!(articles.json["meta"]["has_more"], true);
    let article = sim.get("/api/v2/help_center/articles/805", &[]).await;
    assert_eq!(article.json["article"]["draft"], true);
    assert_eq!(
        article.json["article"]["body"],
        json!(world.articles[4].body_html)
    );
    assert_eq!(article.json["article"]["section_id"], 7021);
    let billing = sim
        .get("/api/v2/help_center/categories/702/articles", &[])
        .await;
    assert_eq!(ids(&billing.json["articles"]), vec![803, 804, 805]);
    let sections = sim.get("/api/v2/help_center/sections", &[]).await;
    let sections = sections.json["sections"].as_array().unwrap().clone();
    assert_eq!(sections.len(), 2);
    assert_eq!(sections[1]["id"], 7021);
    assert_eq!(sections[1]["category_id"], 702);
    let found = sim
        .get(
            "/api/v2/help_center/articles/search",
            &[("query", "REFUND"), ("page", "1"), ("per_page", "100")],
        )
        .await;
    assert_eq!(found.status, 200, "{}", found.json);
    assert_eq!(ids(&found.json["results"]), vec![804]);
    assert_eq!(found.json["results"][0]["result_type"], "article");
    assert_eq!(found.json["count"], 1);
    assert_eq!(found.json["page_count"], 1);
    assert_eq!(found.json["next_page"], Value::Null);
    let in_category = sim
        .get(
            "/api/v2/help_center/articles/search",
            &[("query", "your"), ("category", "701"), ("per_page", "1")],
        )
        .await;
    assert_eq!(ids(&in_category.json["results"]), vec![801]);
    assert_eq!(in_category.json["count"], 1);
    let paged = sim
        .get(
            "/api/v2/help_center/articles/search",
            &[("query", "the"), ("per_page", "1")],
        )
        .await;
    assert!(paged.json["next_page"].is_string(), "{}", paged.json);
    let nothing = sim.get("/api/v2/help_center/articles/search", &[]).await;
    assert_eq!(nothing.status, 400);

    let sla = sim.get("/api/v2/slas/policies/901", &[]).await;
    let metrics = sla.json["sla_policy"]["policy_metrics"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(metrics.len(), 8);
    assert!(metrics.contains(&json!({"priority": "urgent", "metric": "first_reply_time", "target": 15, "business_hours": true})));
    assert!(metrics.contains(&json!({"priority": "low", "metric": "next_reply_time", "target": 240, "business_hours": false})));
    let slas = sim.get("/api/v2/slas/policies", &[]).await;
    assert_eq!(slas.json["count"], 1);

    let ratings = sim.get("/api/v2/satisfaction_ratings", &[]).await;
    assert_eq!(
        ids(&ratings.json["satisfaction_ratings"]),
        vec![1001, 1002, 1003, 1004, 1005]
    );
    assert_eq!(ratings.json["satisfaction_ratings"][1]["score"], "bad");
    let bad = sim
        .get("/api/v2/satisfaction_ratings", &[("score", "bad")])
        .await;
    let bad_ids: Vec<u64> = world
        .ratings
        .iter()
        .filter(|r| !r.good)
        .map(|r| r.id.parse().unwrap())
        .collect();
    assert_eq!(ids(&bad.json["satisfaction_ratings"]), bad_ids);
    let from = world.ratings[1].created_at.timestamp().to_string();
    let until = world.ratings[3].created_at.timestamp().to_string();
    let range = sim
        .get(
            "/api/v2/satisfaction_ratings",
            &[("start_time", &from), ("end_time", &until)],
        )
        .await;
    assert_eq!(
        ids(&range.json["satisfaction_ratings"]),
        vec![1002, 1003, 1004]
    );
    let statuses = sim.get("/api/v2/custom_statuses", &[]).await;
    assert_eq!(statuses.json, json!({"custom_statuses": []}));
}

// ----- the answers decode into the generated types and use only vendor field names -----

#[tokio::test]
async fn answers_decode_into_the_generated_types_with_vendor_field_names() {
    let sim = Sim::start().await;
    let mut unknown = Vec::new();
    let tickets = sim.get("/api/v2/tickets", &[]).await.json;
    decodes::<types::TicketsResponse>("tickets", &tickets);
    for t in tickets["tickets"].as_array().unwrap() {
        unknown.extend(unknown_keys::<types::TicketObject>("ticket", t));
    }
    let me = sim.get("/api/v2/users/me", &[]).await.json;
    decodes::<types::CurrentUserResponse>("users/me", &me);
    let users = sim.get("/api/v2/users", &[]).await.json;
    decodes::<types::UsersResponse>("users", &users);
    for u in users["users"].as_array().unwrap() {
        unknown.extend(unknown_keys::<types::UserObject>("user", u));
    }
    let memberships = sim.get("/api/v2/group_memberships", &[]).await.json;
    decodes::<types::GroupMembershipsResponse>("group_memberships", &memberships);
    unknown.extend(unknown_keys::<types::GroupMembershipObject>(
        "membership",
        &memberships["group_memberships"][0],
    ));
    let groups = sim.get("/api/v2/groups", &[]).await.json;
    decodes::<types::GroupsResponse>("groups", &groups);
    unknown.extend(unknown_keys::<types::GroupObject>(
        "group",
        &groups["groups"][0],
    ));
    let comments = sim.get("/api/v2/tickets/101/comments", &[]).await.json;
    decodes::<types::TicketCommentsResponse>("comments", &comments);
    unknown.extend(unknown_keys::<types::TicketCommentObject>(
        "comment",
        &comments["comments"][0],
    ));
    let tags = sim.get("/api/v2/tags", &[]).await.json;
    decodes::<types::TagsResponse>("tags", &tags);
    unknown.extend(unknown_keys::<types::TagListTagObject>(
        "tag",
        &tags["tags"][0],
    ));
    let ticket_tags = sim.get("/api/v2/tickets/102/tags", &[]).await.json;
    decodes::<types::TagsByObjectIdResponse>("ticket tags", &ticket_tags);
    let export = sim
        .get(
            "/api/v2/search/export",
            &[("query", "status:open"), ("filter[type]", "ticket")],
        )
        .await
        .json;
    decodes::<types::SearchExportResponse>("search export", &export);
    let classic = sim
        .get("/api/v2/search", &[("query", "type:ticket")])
        .await
        .json;
    decodes::<types::SearchResponse>("search", &classic);
    let articles = sim.get("/api/v2/help_center/articles", &[]).await.json;
    decodes::<types::ArticlesResponse>("articles", &articles);
    for a in articles["articles"].as_array().unwrap() {
        unknown.extend(unknown_keys::<types::ArticleObject>("article", a));
    }
    let article = sim.get("/api/v2/help_center/articles/801", &[]).await.json;
    decodes::<types::ArticleResponse>("article", &article);
    let found = sim
        .get(
            "/api/v2/help_center/articles/search",
            &[("query", "refund")],
        )
        .await
        .json;
    decodes::<types::ArticleSearchResponse>("article search", &found);
    let sections = sim.get("/api/v2/help_center/sections", &[]).await.json;
    decodes::<types::SectionsResponse>("sections", &sections);
    unknown.extend(unknown_keys::<types::SectionObject>(
        "section",
        &sections["sections"][0],
    ));
    let section = sim.get("/api/v2/help_center/sections/7011", &[]).await.json;
    decodes::<types::SectionResponse>("section", &section);
    let sla = sim.get("/api/v2/slas/policies/901", &[]).await.json;
    decodes::<types::SlaPolicyResponse>("sla policy", &sla);
    unknown.extend(unknown_keys::<types::SlaPolicyObject>(
        "sla policy",
        &sla["sla_policy"],
    ));
    let slas = sim.get("/api/v2/slas/policies", &[]).await.json;
    decodes::<types::SlaPoliciesResponse>("sla policies", &slas);
    let ratings = sim.get("/api/v2/satisfaction_ratings", &[]).await.json;
    decodes::<types::SatisfactionRatingsResponse>("ratings", &ratings);
    unknown.extend(unknown_keys::<types::SatisfactionRatingObject>(
        "rating",
        &ratings["satisfaction_ratings"][0],
    ));
    let statuses = sim.get("/api/v2/custom_statuses", &[]).await.json;
    decodes::<types::CustomStatusesResponse>("custom statuses", &statuses);

    let created = sim
        .post(
            "/api/v2/tickets",
            &json!({"ticket": {"subject": "s", "comment": {"body": "b"}, "tags": ["x"]}}),
        )
        .await
        .json;
    decodes::<types::TicketResponse>("created ticket", &created);
    let updated = sim
        .put(
            "/api/v2/tickets/101",
            &json!({"ticket": {"status": "pending", "assignee_id": 302, "comment": {"body": "c", "public": false}}}),
        )
        .await
        .json;
    decodes::<types::TicketUpdateResponse>("updated ticket", &updated);
    unknown.extend(unknown_keys::<types::TicketCommentObject>(
        "comment event",
        &updated["audit"]["events"][0],
    ));
    assert!(
        unknown.is_empty(),
        "fields outside the vendor schemas: {unknown:?}"
    );
}

// ----- the shared suites -----

/// The Zendesk adapter on this simulator, for the shared suites.
struct ZendeskOnSimulator;

#[async_trait::async_trait(?Send)]
impl SuiteTarget for ZendeskOnSimulator {
    async fn start(&self, request_timeout: Option<Duration>) -> Box<dyn Harness> {
        Box::new(ZendeskSimulator::start(zendesk_world(), port_factory(request_timeout)).await)
    }

    fn secrets(&self) -> Vec<String> {
        vec![simulator::TOKEN.into(), simulator::WRONG_TOKEN.into()]
    }

    fn authorizations(&self) -> Vec<String> {
        vec![
            authorization(simulator::EMAIL, simulator::TOKEN),
            authorization(simulator::EMAIL, simulator::WRONG_TOKEN),
        ]
    }
}

support_conformance::adapter_suite!(ZendeskOnSimulator);
