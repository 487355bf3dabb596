//! Raw-HTTP checks of the Intercom simulator itself, independent of the adapter (what it serves,
//! what it rejects), and the shared adapter suites on it.

use support_intercom::simulator;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::Method;
use serde_json::{Value, json};
use simulator::{
    IntercomSimulator, MAX_GROUP, TOKEN, VERSION, WRONG_TOKEN, authorization, conversations_world,
    intercom_world, port_factory,
};
use support_conformance::sim::{Answer, SimClient};
use support_conformance::suites::SuiteTarget;
use support_conformance::{Fault, Harness, Simulator};
use support_core::{
    AuthorKind, Channel, ErrorKind, Operation, Priority, TicketCategory, TicketStatus, Visibility,
};

/// The Intercom adapter on this simulator, for the shared suites.
struct IntercomOnSimulator;

#[support_core::async_trait(?Send)]
impl SuiteTarget for IntercomOnSimulator {
    async fn start(&self, request_timeout: Option<Duration>) -> Box<dyn Harness> {
        Box::new(IntercomSimulator::start(intercom_world(), port_factory(request_timeout)).await)
    }

    fn secrets(&self) -> Vec<String> {
        vec![TOKEN.into(), WRONG_TOKEN.into()]
    }
}

support_conformance::adapter_suite!(IntercomOnSimulator);

/// A raw client sending the token and `Intercom-Version: 2.16`.
struct Api {
    client: SimClient,
}

impl Api {
    async fn start() -> (IntercomSimulator, Api) {
        Self::on(intercom_world()).await
    }

    async fn on(world: support_conformance::World) -> (IntercomSimulator, Api) {
        let simulator = IntercomSimulator::start(world, port_factory(None)).await;
        let client = SimClient::new(simulator.base_url(), authorization(TOKEN));
        (simulator, Api { client })
    }

    fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .http
            .request(method, format!("{}{path}", self.client.base))
            .header("authorization", self.client.authorization())
            .header("intercom-version", VERSION)
            .header("accept", "application/json")
    }

    async fn get(&self, path: &str, query: &[(&str, &str)]) -> Answer {
        self.client
            .send(self.request(Method::GET, path).query(query))
            .await
    }

    async fn send(&self, method: Method, path: &str, body: &Value) -> Answer {
        self.client
            .send(self.request(method, path).json(body))
            .await
    }

    async fn post(&self, path: &str, body: &Value) -> Answer {
        self.send(Method::POST, path, body).await
    }

    async fn put(&self, path: &str, body: &Value) -> Answer {
        self.send(Method::PUT, path, body).await
    }

    async fn search_tickets(&self, query: Value, per_page: u64) -> Answer {
        self.post(
            "/tickets/search",
            &json!({"query": query, "pagination": {"per_page": per_page}}),
        )
        .await
    }
}

fn error_code(answer: &Answer) -> &str {
    answer.json["errors"][0]["code"].as_str().unwrap_or("")
}

fn ids(items: &Value) -> Vec<String> {
    items
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|t| t["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

// ----- the wire -----

#[tokio::test]
async fn credentials_are_checked_before_any_route() {
    let (simulator, api) = Api::start().await;
    let answer = api.get("/me", &[]).await;
    assert_eq!(answer.status, 200, "{}", answer.json);
    assert_eq!(answer.json["type"], "admin");
    assert_eq!(answer.json["app"]["id_code"], "sim4pp01");
    for token in [
        None,
        Some(authorization(WRONG_TOKEN)),
        Some("Basic abc".into()),
    ] {
        let mut request = api
            .client
            .http
            .get(format!("{}/me", api.client.base))
            .header("intercom-version", VERSION);
        if let Some(token) = &token {
            request = request.header("authorization", token);
        }
        let answer = api.client.send(request).await;
        assert_eq!(answer.status, 401, "{token:?}");
        assert_eq!(answer.json["type"], "error.list");
        assert_eq!(error_code(&answer), "unauthorized");
        assert!(answer.json["request_id"].is_string(), "{}", answer.json);
        assert!(
            answer.header("x-ratelimit-limit").is_none(),
            "no rate-limit headers without credentials"
        );
    }
    assert_eq!(
        simulator.requests().len(),
        1,
        "only answered routes are logged"
    );
}

#[tokio::test]
async fn the_version_header_is_required_and_pinned() {
    let (_simulator, api) = Api::start().await;
    for version in [None, Some("2.11"), Some("Unstable")] {
        let mut request = api
            .client
            .http
            .get(format!("{}/admins", api.client.base))
            .header("authorization", authorization(TOKEN));
        if let Some(version) = version {
            request = request.header("intercom-version", version);
        }
        let answer = api.client.send(request).await;
        assert_eq!(answer.status, 400, "{version:?}: {}", answer.json);
        assert_eq!(error_code(&answer), "intercom_version_invalid");
    }
    assert_eq!(api.get("/admins", &[]).await.status, 200);
}

#[tokio::test]
async fn answers_carry_the_rate_limit_window() {
    let (_simulator, api) = Api::start().await;
    let answer = api.get("/tags", &[]).await;
    assert_eq!(answer.header("x-ratelimit-limit"), Some("167"));
    assert_eq!(answer.header("x-ratelimit-remaining"), Some("166"));
    let reset: u64 = answer
        .header("x-ratelimit-reset")
        .and_then(|r| r.parse().ok())
        .unwrap_or_default();
    let now = unix_now();
    assert!(reset > now && reset <= now + 11, "reset {reset}, now {now}");
}

#[tokio::test(flavor = "multi_thread")]
async fn throttling_is_a_429_naming_the_reset_time() {
    let simulator = IntercomSimulator::start(intercom_world(), port_factory(None)).await;
    let faulted = simulator
        .port_with_fault(
            Operation::CheckConnection,
            Fault::throttled(Duration::from_secs(3600), 1),
        )
        .await;
    let base = simulator.faulted_base_urls().pop().unwrap_or_default();
    let api = Api {
        client: SimClient::new(base, authorization(TOKEN)),
    };
    let before = unix_now();
    let answer = api.get("/me", &[]).await;
    assert_eq!(answer.status, 429);
    assert_eq!(error_code(&answer), "rate_limit_exceeded");
    assert!(
        answer.header("retry-after").is_none(),
        "Intercom sends no Retry-After"
    );
    assert_eq!(answer.header("x-ratelimit-remaining"), Some("0"));
    let reset: u64 = answer
        .header("x-ratelimit-reset")
        .and_then(|r| r.parse().ok())
        .unwrap_or_default();
    assert!(
        (before + 3600..=unix_now() + 3600).contains(&reset),
        "reset {reset} is not an hour from {before}"
    );
    assert_eq!(api.get("/me", &[]).await.status, 200, "one fault only");
    assert_eq!(faulted.requests.get(), 2);
}

// ----- tickets -----

#[tokio::test]
async fn tickets_are_intercom_tickets() {
    let (_simulator, api) = Api::start().await;
    let world = intercom_world();
    let ticket = api
        .get(&format!("/tickets/{}", world.tickets[0].id), &[])
        .await;
    assert_eq!(ticket.status, 200, "{}", ticket.json);
    let t = &ticket.json;
    assert_eq!(t["type"], "ticket");
    assert_eq!(t["id"], world.tickets[0].id.as_str());
    assert_ne!(t["ticket_id"], t["id"], "the human number is not the id");
    assert_eq!(
        t["ticket_attributes"]["_default_title_"],
        "Conformance ticket 101"
    );
    assert_eq!(t["ticket_state"]["category"], "submitted");
    assert_eq!(t["category"], "Customer");
    assert_eq!(t["ticket_type"]["category"], "Customer");
    assert_eq!(
        t["contacts"]["contacts"][0]["id"],
        world.tickets[0].requester.as_str()
    );
    assert_eq!(t["admin_assignee_id"], 301);
    assert_eq!(t["team_assignee_id"], 201);
    assert!(t.get("tags").is_none(), "a ticket does not list its tags");
    let parts = t["ticket_parts"]["ticket_parts"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let kinds: Vec<(&str, &str)> = parts
        .iter()
        .map(|p| {
            (
                p["part_type"].as_str().unwrap_or(""),
                p["author"]["type"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("ticket_state_updated_by_admin", "admin"),
            ("comment", "user"),
            ("comment", "admin"),
            ("note", "admin"),
            ("comment", "user"),
        ]
    );
    assert!(parts[0]["body"].is_null(), "an event has no body");
    assert_eq!(t["ticket_parts"]["total_count"], 5);
    // The odd ticket's state is of a category Intercom does not document; a ticket without a
    // category has none.
    let odd = api
        .get(&format!("/tickets/{}", world.odd_ticket().id), &[])
        .await;
    assert_eq!(odd.json["ticket_state"]["category"], "escalated");
    assert!(odd.json["category"].is_null());
    let missing = api
        .get(&format!("/tickets/{}", world.missing_ticket_id()), &[])
        .await;
    assert_eq!((missing.status, error_code(&missing)), (404, "not_found"));
}

#[tokio::test]
async fn ticket_types_and_states_list_their_categories() {
    let (_simulator, api) = Api::start().await;
    let types = api.get("/ticket_types", &[]).await;
    let data = types.json["data"].as_array().cloned().unwrap_or_default();
    assert_eq!(data[0]["archived"], true, "an archived type comes first");
    assert_eq!(data[1]["category"], "Customer");
    let states = api.get("/ticket_states", &[]).await;
    let resolved: Vec<(&str, bool)> = states.json["data"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| s["category"] == "resolved")
        .map(|s| (s["id"].as_str().unwrap_or(""), s["archived"] == true))
        .collect();
    assert_eq!(resolved, [("8004", true), ("8005", false)]);
}

#[tokio::test]
async fn ticket_search_pages_with_cursors_and_filters() {
    let (_simulator, api) = Api::start().await;
    let world = intercom_world();
    let all = json!({"field": "created_at", "operator": ">", "value": "0"});
    let mut seen = Vec::new();
    let mut body = json!({"query": all, "pagination": {"per_page": 5}});
    loop {
        let page = api.post("/tickets/search", &body).await;
        assert_eq!(page.status, 200, "{}", page.json);
        assert_eq!(page.json["type"], "ticket.list");
        assert_eq!(page.json["total_count"], 13);
        seen.extend(ids(&page.json["tickets"]));
        match page.json["pages"]["next"]["starting_after"].as_str() {
            Some(cursor) => body["pagination"]["starting_after"] = json!(cursor),
            None => break,
        }
    }
    let expected: Vec<String> = world.tickets.iter().map(|t| t.id.clone()).collect();
    assert_eq!(seen, expected);

    // Nested groups: (open AND category Customer) OR state waiting_on_customer.
    let query = json!({"operator": "OR", "value": [
        {"operator": "AND", "value": [
            {"field": "open", "operator": "=", "value": true},
            {"field": "category", "operator": "=", "value": "request"},
        ]},
        {"field": "state", "operator": "=", "value": "waiting_on_customer"},
    ]});
    let page = api.search_tickets(query, 150).await;
    assert_eq!(page.status, 200, "{}", page.json);
    assert!(!ids(&page.json["tickets"]).is_empty());
    // The category's name is not its search term.
    let by_name = api
        .search_tickets(
            json!({"field": "category", "operator": "=", "value": "Customer"}),
            20,
        )
        .await;
    assert_eq!(by_name.json["total_count"], 0);
    let assigned = api
        .search_tickets(
            json!({"field": "admin_assignee_id", "operator": "=", "value": "301"}),
            20,
        )
        .await;
    let expected: Vec<String> = world
        .tickets
        .iter()
        .filter(|t| t.assignee.as_deref() == Some("301"))
        .map(|t| t.id.clone())
        .collect();
    assert_eq!(ids(&assigned.json["tickets"]), expected);
    // "Greater (or equal)".
    let since = world.tickets[6].updated_at.timestamp();
    let updated = api
        .search_tickets(
            json!({"field": "updated_at", "operator": ">", "value": since}),
            20,
        )
        .await;
    assert_eq!(ids(&updated.json["tickets"]).len(), 7);
}

#[tokio::test]
async fn ticket_search_refuses_what_intercom_refuses() {
    let (_simulator, api) = Api::start().await;
    let filter = json!({"field": "open", "operator": "=", "value": true});
    let too_many: Vec<Value> = (0..=MAX_GROUP).map(|_| filter.clone()).collect();
    let three_deep = json!({"operator": "AND", "value": [
        {"operator": "OR", "value": [{"operator": "AND", "value": [filter]}]}
    ]});
    let cases = [
        json!({}),
        json!({"query": {"operator": "AND", "value": too_many}}),
        json!({"query": three_deep}),
        json!({"query": {"field": "tag_ids", "operator": "=", "value": "5001"}}),
        json!({"query": {"field": "priority", "operator": "=", "value": "high"}}),
        json!({"query": {"field": "title", "operator": ">", "value": "a"}}),
        json!({"query": {"field": "updated_at", "operator": ">=", "value": 1}}),
        json!({"query": {"field": "created_at", "operator": ">", "value": "yesterday"}}),
        json!({"query": {"field": "open", "operator": "IN", "value": true}}),
        json!({"query": filter, "pagination": {"per_page": 151}}),
        json!({"query": filter, "pagination": {"starting_after": "bm90LWlzc3VlZA=="}}),
        json!({"query": filter, "sort": {"field": "created_at"}}),
    ];
    for body in cases {
        let answer = api.post("/tickets/search", &body).await;
        assert_eq!(answer.status, 400, "{body}: {}", answer.json);
        assert_eq!(answer.json["type"], "error.list", "{body}");
    }
    // Fifteen filters, two levels, and `>=` on created_at are fine.
    let fifteen: Vec<Value> = (0..MAX_GROUP).map(|_| filter.clone()).collect();
    for query in [
        json!({"operator": "AND", "value": fifteen}),
        json!({"operator": "AND", "value": [{"operator": "OR", "value": [filter]}]}),
        json!({"field": "created_at", "operator": ">=", "value": 0}),
    ] {
        let answer = api.search_tickets(query.clone(), 20).await;
        assert_eq!(answer.status, 200, "{query}: {}", answer.json);
    }
}

#[tokio::test]
async fn ticket_writes_follow_the_documented_bodies() {
    let (simulator, api) = Api::start().await;
    let world = intercom_world();
    // Creation: an archived type, a missing title, unknown members are refused.
    let good = json!({
        "ticket_type_id": "8101",
        "contacts": [{"email": "dana@customer.example"}],
        "ticket_attributes": {"_default_title_": "Printer on fire", "_default_description_": "Smoke"},
    });
    for (change, status) in [
        (json!({"ticket_type_id": "8100"}), 400),
        (json!({"ticket_type_id": "9999"}), 404),
        (
            json!({"ticket_attributes": {"_default_title_": "", "_default_description_": "x"}}),
            400,
        ),
        (json!({"contacts": []}), 400),
        (json!({"priority": "high"}), 400),
    ] {
        let mut body = good.clone();
        for (k, v) in change.as_object().into_iter().flatten() {
            body[k] = v.clone();
        }
        let answer = api.post("/tickets", &body).await;
        assert_eq!(answer.status, status, "{change}: {}", answer.json);
    }
    let created = api.post("/tickets", &good).await;
    assert_eq!(created.status, 200, "{}", created.json);
    assert_eq!(created.json["id"], world.created_ticket_id());
    assert_eq!(created.json["ticket_state"]["category"], "submitted");
    assert_eq!(created.json["contacts"]["contacts"][0]["id"], "401");

    // Close to the live resolved state; an archived state is refused.
    let path = format!("/tickets/{}", world.close_target());
    let archived = api
        .put(&path, &json!({"ticket_state_id": "8004", "admin_id": 301}))
        .await;
    assert_eq!(archived.status, 422, "{}", archived.json);
    let closed = api
        .put(&path, &json!({"ticket_state_id": "8005", "admin_id": 301}))
        .await;
    assert_eq!(closed.json["ticket_state"]["category"], "resolved");
    assert_eq!(closed.json["open"], false);

    // Assign: an admin, then a team; an assignment needs the acting admin.
    let (ticket, agent, group) = world.assignment();
    let path = format!("/tickets/{ticket}");
    let anonymous = api.put(&path, &json!({"assignee_id": agent})).await;
    assert_eq!(anonymous.status, 400);
    api.put(&path, &json!({"assignee_id": agent, "admin_id": 301}))
        .await;
    let assigned = api
        .put(&path, &json!({"assignee_id": group, "admin_id": 301}))
        .await;
    assert_eq!(assigned.json["admin_assignee_id"], 303);
    assert_eq!(assigned.json["team_assignee_id"], 202);

    // Replies: a note is a part of its own; an admin reply needs an admin.
    let path = format!("/tickets/{}/reply", world.new_comments().0);
    let no_admin = api
        .post(
            &path,
            &json!({"message_type": "note", "type": "admin", "body": "x"}),
        )
        .await;
    assert_eq!(no_admin.status, 400);
    let note = api
        .post(
            &path,
            &json!({"message_type": "note", "type": "admin", "admin_id": "301", "body": "<p>Internal</p>"}),
        )
        .await;
    assert_eq!(note.status, 200, "{}", note.json);
    assert_eq!(note.json["type"], "ticket_part");
    assert_eq!(note.json["part_type"], "note");
    assert_eq!(note.json["id"], world.created_comment_ids().0);

    // Tags: created by name (case-insensitive), attached by id, detached with an admin.
    let tag = api
        .post("/tags", &json!({"name": "Updated-By-Conformance"}))
        .await;
    let again = api
        .post("/tags", &json!({"name": "updated-by-conformance"}))
        .await;
    assert_eq!(tag.json["id"], again.json["id"]);
    let tag_id = tag.json["id"].as_str().unwrap_or_default().to_owned();
    let path = format!("/tickets/{}/tags", world.update().0);
    let attached = api
        .post(&path, &json!({"id": tag_id, "admin_id": "301"}))
        .await;
    assert_eq!(attached.status, 200, "{}", attached.json);
    let detach = format!("{path}/{tag_id}");
    let without_admin = api.send(Method::DELETE, &detach, &json!({})).await;
    assert_eq!(without_admin.status, 400);
    let detached = api
        .send(Method::DELETE, &detach, &json!({"admin_id": "301"}))
        .await;
    assert_eq!(detached.status, 200, "{}", detached.json);
    assert_eq!(
        api.send(Method::DELETE, &detach, &json!({"admin_id": "301"}))
            .await
            .status,
        404
    );
    assert!(simulator.requests().iter().all(|r| r.status != 500));
}

#[tokio::test]
async fn workspace_lists() {
    let (_simulator, api) = Api::start().await;
    let admins = api.get("/admins", &[]).await;
    assert_eq!(admins.json["type"], "admin.list");
    assert_eq!(ids(&admins.json["admins"]), ["301", "302", "303"]);
    assert_eq!(admins.json["admins"][1]["away_mode_enabled"], true);
    let teams = api.get("/teams", &[]).await;
    assert_eq!(teams.json["teams"][0]["admin_ids"], json!([301, 302]));
    let tags = api.get("/tags", &[]).await;
    assert_eq!(tags.json["data"][0]["name"], "billing");
    let collections = api.get("/help_center/collections", &[]).await;
    assert_eq!(ids(&collections.json["data"]), ["701", "702"]);
    // Unknown parameters are not served.
    assert_eq!(api.get("/admins", &[("per_page", "2")]).await.status, 404);
}

#[tokio::test]
async fn articles_page_by_number_up_to_250() {
    let (_simulator, api) = Api::start().await;
    let first = api
        .get("/articles", &[("page", "1"), ("per_page", "2")])
        .await;
    assert_eq!(first.json["pages"]["total_pages"], 3);
    assert_eq!(first.json["total_count"], 5);
    assert_eq!(ids(&first.json["data"]), ["805", "804"], "newest first");
    let last = api
        .get("/articles", &[("page", "3"), ("per_page", "2")])
        .await;
    assert_eq!(ids(&last.json["data"]), ["801"]);
    let past = api
        .get("/articles", &[("page", "4"), ("per_page", "2")])
        .await;
    assert_eq!(ids(&past.json["data"]), Vec::<String>::new());
    for bad in ["0", "251", "x"] {
        let answer = api.get("/articles", &[("per_page", bad)]).await;
        assert_eq!(answer.status, 400, "per_page {bad}");
    }
    let article = api.get("/articles/803", &[]).await;
    assert_eq!(article.json["state"], "published");
    assert_eq!(article.json["parent_id"], 702);
    assert_eq!(api.get("/articles/999999", &[]).await.status, 404);
}

// ----- conversations -----

#[tokio::test]
async fn conversations_carry_state_priority_source_sla_and_rating() {
    let (_simulator, api) = Api::on(conversations_world()).await;
    let world = conversations_world();
    let c = api
        .get(&format!("/conversations/{}", world.tickets[0].id), &[])
        .await;
    assert_eq!(c.status, 200, "{}", c.json);
    let c = &c.json;
    assert_eq!(c["state"], "open");
    assert_eq!(c["priority"], "low");
    assert_eq!(c["source"]["type"], "conversation");
    assert_eq!(
        c["source"]["id"],
        world.comments[0].id.as_str(),
        "the first comment"
    );
    assert_eq!(c["source"]["author"]["type"], "user");
    assert_eq!(c["sla_applied"]["sla_status"], "missed");
    assert_eq!(c["conversation_rating"]["rating"], 5);
    assert_eq!(c["tags"]["tags"][0]["name"], "billing");
    let parts: Vec<&str> = c["conversation_parts"]["conversation_parts"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| p["part_type"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(parts, ["assignment", "comment", "note", "comment"]);
    let states: Vec<(String, String)> = world
        .tickets
        .iter()
        .map(|t| (t.status.as_str().to_owned(), t.id.clone()))
        .collect();
    let snoozed = states
        .iter()
        .find(|(s, _)| s == "on_hold")
        .map(|(_, id)| id.clone());
    let snoozed = api
        .get(
            &format!("/conversations/{}", snoozed.unwrap_or_default()),
            &[],
        )
        .await;
    assert_eq!(snoozed.json["state"], "snoozed");
    let plain = api
        .get(
            &format!("/conversations/{}", world.tickets[0].id),
            &[("display_as", "plaintext")],
        )
        .await;
    assert_eq!(plain.json["source"]["body"], "My invoice is wrong");
    // Lists leave the parts out.
    let list = api.get("/conversations", &[("per_page", "4")]).await;
    assert!(
        list.json["conversations"][0]
            .get("conversation_parts")
            .is_none()
    );
    assert_eq!(
        api.get("/conversations", &[("per_page", "151")])
            .await
            .status,
        400
    );
}

#[tokio::test]
async fn conversations_list_every_page_and_search_ratings() {
    let (_simulator, api) = Api::on(conversations_world()).await;
    let world = conversations_world();
    let mut seen = Vec::new();
    let mut query = vec![("per_page".to_owned(), "4".to_owned())];
    loop {
        let pairs: Vec<(&str, &str)> = query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let page = api.get("/conversations", &pairs).await;
        seen.extend(ids(&page.json["conversations"]));
        match page.json["pages"]["next"]["starting_after"].as_str() {
            Some(cursor) => {
                query.truncate(1);
                query.push(("starting_after".into(), cursor.into()));
            }
            None => break,
        }
    }
    assert_eq!(seen.len(), world.tickets.len());
    let rated = api
        .post(
            "/conversations/search",
            &json!({"query": {"field": "conversation_rating.score", "operator": ">", "value": 0}}),
        )
        .await;
    assert_eq!(rated.status, 200, "{}", rated.json);
    let expected: Vec<String> = world.ratings.iter().map(|r| r.ticket.clone()).collect();
    assert_eq!(ids(&rated.json["conversations"]), expected);
    let by_tag = api
        .post(
            "/conversations/search",
            &json!({"query": {"operator": "AND", "value": [
                {"field": "tag_ids", "operator": "=", "value": "5003"},
                {"field": "priority", "operator": "IN", "value": ["high", "urgent"]},
            ]}}),
        )
        .await;
    assert_eq!(by_tag.status, 200, "{}", by_tag.json);
    let unknown = api
        .post(
            "/conversations/search",
            &json!({"query": {"field": "category", "operator": "=", "value": "x"}}),
        )
        .await;
    assert_eq!(unknown.status, 400);
}

#[tokio::test]
async fn conversation_writes() {
    let (_simulator, api) = Api::on(conversations_world()).await;
    let world = conversations_world();
    // A contact found by e-mail, then a conversation from them.
    let found = api
        .post(
            "/contacts/search",
            &json!({"query": {"field": "email", "operator": "=", "value": "dana@customer.example"}}),
        )
        .await;
    assert_eq!(ids(&found.json["data"]), ["401"]);
    let duplicate = api
        .post("/contacts", &json!({"email": "dana@customer.example"}))
        .await;
    assert_eq!(duplicate.status, 409);
    let fresh = api
        .post(
            "/contacts",
            &json!({"email": "new@customer.example", "role": "user"}),
        )
        .await;
    assert_eq!(fresh.status, 200, "{}", fresh.json);
    let message = api
        .post(
            "/conversations",
            &json!({"from": {"type": "user", "id": "401"}, "body": "Printer on fire"}),
        )
        .await;
    assert_eq!(message.status, 200, "{}", message.json);
    assert_eq!(message.json["type"], "user_message");
    assert_eq!(message.json["conversation_id"], world.created_ticket_id());
    let no_priority = api
        .put(
            &format!("/conversations/{}", world.update().0),
            &json!({"priority": "high"}),
        )
        .await;
    assert_eq!(
        no_priority.status, 400,
        "the 2.16 description has no priority to write"
    );
    let renamed = api
        .put(
            &format!("/conversations/{}", world.update().0),
            &json!({"title": "Renamed"}),
        )
        .await;
    assert_eq!(renamed.json["title"], "Renamed");
    // A reply answers the conversation.
    let reply = api
        .post(
            &format!("/conversations/{}/reply", world.new_comments().0),
            &json!({"message_type": "comment", "type": "admin", "admin_id": "301", "body": "Hi"}),
        )
        .await;
    assert_eq!(reply.json["type"], "conversation");
    let last = reply.json["conversation_parts"]["conversation_parts"]
        .as_array()
        .and_then(|p| p.last().cloned())
        .unwrap_or_default();
    assert_eq!(last["id"], world.created_comment_ids().0);
    // Close, assign, snooze, open.
    let parts = format!("/conversations/{}/parts", world.close_target());
    let closed = api
        .post(
            &parts,
            &json!({"message_type": "close", "type": "admin", "admin_id": "301"}),
        )
        .await;
    assert_eq!(closed.json["state"], "closed", "{}", closed.json);
    let assigned = api
        .post(
            &parts,
            &json!({"message_type": "assignment", "type": "team", "admin_id": "301", "assignee_id": "202"}),
        )
        .await;
    assert_eq!(assigned.json["team_assignee_id"], 202);
    let snoozed = api
        .post(
            &parts,
            &json!({"message_type": "snoozed", "admin_id": "301", "snoozed_until": 1_900_000_000}),
        )
        .await;
    assert_eq!(snoozed.json["state"], "snoozed");
    let reopened = api
        .post(&parts, &json!({"message_type": "open", "admin_id": "301"}))
        .await;
    assert_eq!(reopened.json["state"], "open");
    let bad = api
        .post(&parts, &json!({"message_type": "close", "admin_id": "301"}))
        .await;
    assert_eq!(bad.status, 400, "closing needs type admin");
}

#[tokio::test(start_paused = true)]
async fn the_connection_check_reaches_the_simulator() {
    let simulator = IntercomSimulator::start(intercom_world(), port_factory(None)).await;
    let info = simulator.port().check_connection().await;
    assert!(info.is_ok(), "check_connection failed: {info:?}");
    let bad = simulator.port_with_bad_credentials().await;
    let error = bad.check_connection().await.err();
    assert_eq!(
        error.as_ref().map(|e| e.kind()),
        Some(&ErrorKind::Unauthenticated)
    );
}

// ----- the profiles: what the simulator serves reads back as the world under the contract's
// mapping -----

#[tokio::test]
async fn tickets_read_back_as_the_tickets_world() {
    let (_simulator, api) = Api::start().await;
    let world = intercom_world();
    for fx in &world.tickets {
        let t = api.get(&format!("/tickets/{}", fx.id), &[]).await.json;
        let status = match t["ticket_state"]["category"].as_str().unwrap_or("") {
            "submitted" => TicketStatus::New,
            "in_progress" => TicketStatus::InProgress,
            "waiting_on_customer" => TicketStatus::Pending,
            "resolved" => TicketStatus::Resolved,
            other => TicketStatus::Other(other.to_owned()),
        };
        assert_eq!(status, fx.status, "ticket {}", fx.id);
        let category = match t["category"].as_str() {
            Some("Customer") => Some(TicketCategory::General),
            Some("Back-office") => Some(TicketCategory::Task),
            Some("Tracker") => Some(TicketCategory::Problem),
            _ => None,
        };
        assert_eq!(category, fx.category, "ticket {}", fx.id);
        assert_eq!(fx.priority, None, "tickets have no priority");
        assert_eq!(t["contacts"]["contacts"][0]["id"], fx.requester.as_str());
        let assignee = |v: &Value| v.as_u64().filter(|n| *n != 0).map(|n| n.to_string());
        assert_eq!(assignee(&t["admin_assignee_id"]), fx.assignee);
        assert_eq!(assignee(&t["team_assignee_id"]), fx.group);
        assert_eq!(t["created_at"], fx.created_at.timestamp());
        assert_eq!(t["updated_at"], fx.updated_at.timestamp());
    }
}

#[tokio::test]
async fn conversations_read_back_as_the_conversations_world() {
    let (_simulator, api) = Api::on(conversations_world()).await;
    let world = conversations_world();
    for fx in &world.tickets {
        let c = api
            .get(&format!("/conversations/{}", fx.id), &[])
            .await
            .json;
        let status = match c["state"].as_str().unwrap_or("") {
            "open" => TicketStatus::Open,
            "snoozed" => TicketStatus::OnHold,
            "closed" => TicketStatus::Closed,
            other => TicketStatus::Other(other.to_owned()),
        };
        assert_eq!(status, fx.status, "conversation {}", fx.id);
        let priority = match c["priority"].as_str().unwrap_or("") {
            "low" => Some(Priority::Low),
            "medium" => Some(Priority::Normal),
            "high" => Some(Priority::High),
            "urgent" => Some(Priority::Urgent),
            _ => None,
        };
        assert_eq!(priority, fx.priority, "conversation {}", fx.id);
        let channel = match c["source"]["type"].as_str().unwrap_or("") {
            "email" => Channel::Email,
            "phone_call" => Channel::Phone,
            _ => Channel::Chat,
        };
        assert_eq!(channel, fx.channel, "conversation {}", fx.id);
        let escalated = c["sla_applied"]["sla_status"]
            .as_str()
            .map(|s| s == "missed");
        assert_eq!(
            escalated,
            fx.sla.as_ref().map(|sla| sla.escalated),
            "conversation {}",
            fx.id
        );
        let tags: Vec<&str> = c["tags"]["tags"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| t["name"].as_str())
            .collect();
        assert_eq!(tags, fx.tags, "conversation {}", fx.id);
    }
    // Comments: the source, then the parts that carry a body; notes internal, `user` a customer.
    let ticket = &world.comments[0].ticket;
    let c = api.get(&format!("/conversations/{ticket}"), &[]).await.json;
    let mut comments = vec![c["source"].clone()];
    comments.extend(
        c["conversation_parts"]["conversation_parts"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| !p["body"].is_null())
            .cloned(),
    );
    let read: Vec<(String, Visibility, AuthorKind)> = comments
        .iter()
        .map(|p| {
            (
                p["id"].as_str().unwrap_or("").to_owned(),
                if p["part_type"] == "note" {
                    Visibility::Internal
                } else {
                    Visibility::Public
                },
                if p["author"]["type"] == "admin" {
                    AuthorKind::Agent
                } else {
                    AuthorKind::Customer
                },
            )
        })
        .collect();
    let expected: Vec<(String, Visibility, AuthorKind)> = world
        .comments
        .iter()
        .filter(|c| &c.ticket == ticket)
        .map(|c| (c.id.clone(), c.visibility, c.author_kind.clone()))
        .collect();
    assert_eq!(read, expected);
    // Ratings: named by their conversation, 5 good and 1 bad.
    for rating in &world.ratings {
        let c = api
            .get(&format!("/conversations/{}", rating.ticket), &[])
            .await
            .json;
        assert_eq!(rating.id, rating.ticket);
        assert_eq!(
            c["conversation_rating"]["rating"],
            if rating.good { 5 } else { 1 }
        );
        assert_eq!(c["conversation_rating"]["remark"], json!(rating.comment));
        assert_eq!(c["linked_objects"]["data"][0]["id"], rating.ticket.as_str());
    }
}

#[tokio::test]
async fn attachments_are_signed_urls_on_another_origin() {
    let (simulator, api) = Api::start().await;
    let world = intercom_world();
    let (comment, file) = world.first_attachment().expect("the world attaches a file");
    assert_eq!(file.id, format!("{}-1", comment.id), "named by its part");
    let ticket = api
        .get(&format!("/tickets/{}", comment.ticket), &[])
        .await
        .json;
    let part = ticket["ticket_parts"]["ticket_parts"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["id"] == comment.id.as_str())
        .cloned()
        .unwrap_or_default();
    let upload = &part["attachments"][0];
    assert_eq!(upload["type"], "upload");
    assert_eq!(upload["name"], file.file_name.as_str());
    assert_eq!(upload["filesize"], file.content.len());
    let url = upload["url"].as_str().unwrap_or_default().to_owned();
    assert!(
        !url.starts_with(&simulator.base_url()),
        "{url} is on the API's origin"
    );
    let http = reqwest::Client::new();
    let plain = http.get(&url).send().await.expect("the storage answers");
    assert_eq!(plain.status().as_u16(), 200);
    assert_eq!(
        plain.bytes().await.unwrap_or_default().as_ref(),
        file.content.as_slice()
    );
    let with_token = http
        .get(&url)
        .header("authorization", authorization(TOKEN))
        .send()
        .await
        .expect("the storage answers");
    assert_eq!(
        with_token.status().as_u16(),
        400,
        "a signed URL takes no credentials"
    );
    let unsigned = http
        .get(url.split('?').next().unwrap_or_default())
        .send()
        .await
        .expect("the storage answers");
    assert_eq!(unsigned.status().as_u16(), 403);
    // The conversation's source carries the same file.
    let (_simulator, api) = Api::on(conversations_world()).await;
    let c = api
        .get(&format!("/conversations/{}", comment.ticket), &[])
        .await
        .json;
    assert_eq!(
        c["source"]["attachments"][0]["name"],
        file.file_name.as_str()
    );
}

#[tokio::test]
async fn replies_take_files_as_base64_and_serve_them() {
    let (_simulator, api) = Api::start().await;
    let world = intercom_world();
    let path = format!("/tickets/{}/reply", world.new_comments().0);
    // "%PDF-1.4 hi" in base64, computed outside the code (`printf '%%PDF-1.4 hi' | base64`).
    let file =
        json!({"content_type": "application/pdf", "data": "JVBERi0xLjQgaGk=", "name": "a.pdf"});
    let part = api
        .post(
            &path,
            &json!({"message_type": "comment", "type": "admin", "admin_id": "301",
                    "body": "See attached", "attachment_files": [file]}),
        )
        .await;
    assert_eq!(part.status, 200, "{}", part.json);
    let upload = &part.json["attachments"][0];
    assert_eq!(upload["name"], "a.pdf");
    assert_eq!(upload["filesize"], 11);
    let url = upload["url"].as_str().unwrap_or_default();
    let bytes = reqwest::get(url)
        .await
        .expect("the storage answers")
        .bytes()
        .await
        .unwrap_or_default();
    assert_eq!(bytes.as_ref(), b"%PDF-1.4 hi");
    let bad = api
        .post(
            &path,
            &json!({"message_type": "comment", "type": "admin", "admin_id": "301", "body": "x",
                    "attachment_files": [{"content_type": "text/plain", "data": "not base64!", "name": "x"}]}),
        )
        .await;
    assert_eq!(bad.status, 400);
}
