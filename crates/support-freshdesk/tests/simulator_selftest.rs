//! Raw-HTTP checks of the Freshdesk simulator itself, independent of the adapter: what it serves,
//! what it rejects, how it pages and searches; and the shared adapter suites (faults, timeouts,
//! credentials, redaction, unknown values) on it.

use support_freshdesk::simulator;

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use httpmock::MockServer;
use serde_json::{Value, json};
use simulator::{
    API_KEY, FreshdeskSimulator, Shared, authorization, freshdesk_world, lock, port_factory,
    start_server,
};
use support_conformance::sim::{Answer, SimClient};
use support_conformance::suites::SuiteTarget;
use support_conformance::world::{RatingFx, TicketFx};
use support_conformance::{Harness, World};
use support_core::{Channel, Priority, TicketStatus};

// ----- helpers -----

/// A simulator server and a client of its API root.
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

/// Freshdesk's paging header and validation errors, read off an answer.
trait FreshdeskAnswer {
    fn link(&self) -> Option<String>;
    fn next(&self) -> Option<String>;
    fn errors(&self) -> Vec<(String, String)>;
}

impl FreshdeskAnswer for Answer {
    fn link(&self) -> Option<String> {
        self.headers
            .get("link")
            .map(|v| v.to_str().expect("an ASCII Link header").to_owned())
    }

    /// The `next` URL of the `Link` header.
    fn next(&self) -> Option<String> {
        let link = self.link()?;
        let url = link.strip_prefix('<')?.split_once('>')?;
        assert_eq!(url.1.trim(), "; rel=\"next\"", "Link header {link:?}");
        Some(url.0.to_owned())
    }

    /// The (field, code) pairs of a validation error.
    fn errors(&self) -> Vec<(String, String)> {
        assert_eq!(self.status, 400, "{}", self.json);
        assert_eq!(
            self.json["description"], "Validation failed",
            "{}",
            self.json
        );
        self.json["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .map(|e| {
                assert!(e["message"].is_string(), "{e}");
                (
                    e["field"].as_str().unwrap().to_owned(),
                    e["code"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    }
}

fn pair(field: &str, code: &str) -> (String, String) {
    (field.to_owned(), code.to_owned())
}

impl Sim {
    async fn start() -> Self {
        Self::with(freshdesk_world()).await
    }

    async fn with(world: World) -> Self {
        let (server, state) = start_server(world).await;
        let client = SimClient::new(server.url("/api/v2"), authorization(API_KEY));
        Self {
            _server: server,
            state,
            client,
        }
    }

    fn now(&self) -> DateTime<Utc> {
        lock(&self.state).now
    }

    async fn search(&self, query: &str, page: Option<&str>) -> Answer {
        let mut params = vec![("query", query)];
        if let Some(page) = page {
            params.push(("page", page));
        }
        self.get("/search/tickets", &params).await
    }
}

fn ids(items: &Value) -> Vec<u64> {
    items
        .as_array()
        .unwrap_or_else(|| panic!("a list: {items}"))
        .iter()
        .map(|item| item["id"].as_u64().expect("integer ids"))
        .collect()
}

fn num(id: &str) -> u64 {
    id.parse().unwrap()
}

fn fmt(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, s).single().unwrap()
}

/// A ticket like the world's, with this id, tags and times.
fn extra_ticket(
    id: u64,
    tags: &[&str],
    created: DateTime<Utc>,
    updated: DateTime<Utc>,
) -> TicketFx {
    TicketFx {
        id: id.to_string(),
        subject: format!("Extra ticket {id}"),
        description: format!("Description of extra ticket {id}"),
        status: TicketStatus::Open,
        priority: Some(Priority::Normal),
        channel: Channel::Email,
        requester: "401".into(),
        assignee: None,
        group: None,
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        created_at: created,
        updated_at: updated,
        category: None,
        resolution: None,
        resolved_at: None,
        closed_at: None,
        sla: None,
    }
}

const EPOCH: &str = "2000-01-01T00:00:00Z";

// ----- pagination -----

#[tokio::test]
async fn pages_chain_through_link_headers() {
    let sim = Sim::start().await;
    let world = freshdesk_world();
    let mut seen = Vec::new();
    let mut pages = 0;
    let mut page = sim
        .get(
            "/tickets",
            &[
                ("updated_since", EPOCH),
                ("order_type", "asc"),
                ("per_page", "4"),
            ],
        )
        .await;
    loop {
        assert_eq!(page.status, 200, "{}", page.json);
        assert_eq!(
            page.headers["content-type"].to_str().unwrap(),
            "application/json; charset=utf-8"
        );
        assert!(page.headers.contains_key("x-ratelimit-remaining"));
        pages += 1;
        assert!(page.json.as_array().unwrap().len() <= 4);
        seen.extend(ids(&page.json));
        let Some(next) = page.next() else { break };
        assert!(next.starts_with(&sim.base), "absolute next URL: {next}");
        assert!(next.contains("per_page=4") && next.contains(&format!("page={}", pages + 1)));
        assert!(
            next.contains("updated_since=2000-01-01T00%3A00%3A00Z"),
            "{next}"
        );
        page = sim.get_url(&next).await;
        assert!(pages < 10);
    }
    assert_eq!(pages, 4);
    let expected: Vec<u64> = world.tickets.iter().map(|t| num(&t.id)).collect();
    assert_eq!(seen, expected, "created_at ascending");
    // A page beyond the last is empty, without a Link.
    let beyond = sim
        .get(
            "/tickets",
            &[("updated_since", EPOCH), ("per_page", "4"), ("page", "5")],
        )
        .await;
    assert_eq!(beyond.json, json!([]));
    assert_eq!(beyond.link(), None);
    // Exactly full pages: no Link on the last one.
    let whole = sim
        .get("/tickets", &[("updated_since", EPOCH), ("per_page", "13")])
        .await;
    assert_eq!(ids(&whole.json).len(), 13);
    assert_eq!(whole.link(), None);
    // Default order: created_at descending; default page size 30.
    let default = sim.get("/tickets", &[("updated_since", EPOCH)]).await;
    let mut descending = expected.clone();
    descending.reverse();
    assert_eq!(ids(&default.json), descending);
    let by_update = sim
        .get(
            "/tickets",
            &[
                ("updated_since", EPOCH),
                ("order_by", "updated_at"),
                ("order_type", "asc"),
            ],
        )
        .await;
    assert_eq!(ids(&by_update.json), expected);
}

#[tokio::test]
async fn bad_paging_and_parameters_are_400() {
    let sim = Sim::start().await;
    let too_big = sim.get("/tickets", &[("per_page", "101")]).await;
    assert_eq!(too_big.errors(), vec![pair("per_page", "invalid_value")]);
    let hundred = sim.get("/tickets", &[("per_page", "100")]).await;
    assert_eq!(hundred.status, 200);
    assert_eq!(
        sim.get("/agents", &[("page", "0")]).await.errors(),
        vec![pair("page", "invalid_value")]
    );
    assert_eq!(sim.get("/agents", &[("page", "x")]).await.status, 400);
    assert_eq!(
        sim.get("/tickets", &[("sort", "id")]).await.errors(),
        vec![pair("sort", "invalid_field")]
    );
    assert_eq!(
        sim.get("/tickets", &[("order_by", "subject")])
            .await
            .errors(),
        vec![pair("order_by", "invalid_value")]
    );
    assert_eq!(
        sim.get("/tickets", &[("updated_since", "yesterday")])
            .await
            .errors(),
        vec![pair("updated_since", "invalid_value")]
    );
    assert_eq!(
        sim.get("/tickets", &[("email", "nobody@customer.example")])
            .await
            .errors(),
        vec![pair("email", "invalid_value")]
    );
    assert_eq!(
        sim.get("/tickets/101", &[("include", "everything")])
            .await
            .errors(),
        vec![pair("include", "invalid_value")]
    );
}

#[tokio::test]
async fn the_bare_ticket_list_holds_only_the_last_30_days() {
    let mut world = freshdesk_world();
    let base = Sim::start().await.now();
    // Created 40 days before "now": one not updated since, one updated two days ago.
    world.tickets.push(extra_ticket(
        120,
        &[],
        base - chrono::Duration::days(40),
        base - chrono::Duration::days(39),
    ));
    world.tickets.push(extra_ticket(
        121,
        &[],
        base - chrono::Duration::days(40),
        base - chrono::Duration::days(2),
    ));
    // Created 29 days before "now".
    world.tickets.push(extra_ticket(
        122,
        &[],
        base - chrono::Duration::days(29),
        base - chrono::Duration::days(29),
    ));
    let sim = Sim::with(world.clone()).await;
    assert_eq!(
        sim.now(),
        base,
        "extra tickets older than the world leave \"now\" alone"
    );
    let all: BTreeSet<u64> = world.tickets.iter().map(|t| num(&t.id)).collect();

    let bare: BTreeSet<u64> = ids(&sim.get("/tickets", &[]).await.json)
        .into_iter()
        .collect();
    let recent: BTreeSet<u64> = all
        .iter()
        .copied()
        .filter(|id| ![120, 121].contains(id))
        .collect();
    assert_eq!(bare, recent);

    let since_epoch: BTreeSet<u64> =
        ids(&sim.get("/tickets", &[("updated_since", EPOCH)]).await.json)
            .into_iter()
            .collect();
    assert_eq!(since_epoch, all);

    let three_days = fmt(&(base - chrono::Duration::days(3)));
    let since = ids(&sim
        .get("/tickets", &[("updated_since", &three_days)])
        .await
        .json);
    assert!(since.contains(&121) && !since.contains(&120) && !since.contains(&122));
    // updated_since is inclusive.
    let exact = fmt(&(base - chrono::Duration::days(2)));
    let from_exact = ids(&sim.get("/tickets", &[("updated_since", &exact)]).await.json);
    assert!(from_exact.contains(&121));
    // "now" is a day after the latest time in the world, not the wall clock.
    let standard = freshdesk_world();
    let latest = standard
        .tickets
        .iter()
        .map(|t| t.updated_at)
        .chain(standard.ratings.iter().map(|r| r.created_at))
        .chain(standard.comments.iter().map(|c| c.created_at))
        .chain(standard.articles.iter().map(|a| a.created_at))
        .max()
        .unwrap();
    assert_eq!(base, latest + chrono::Duration::days(1));
}

// ----- search -----

#[tokio::test]
async fn search_serves_30_a_page_for_10_pages_with_the_real_total() {
    let mut world = freshdesk_world();
    let start = utc(2026, 1, 2, 0, 0, 0);
    for i in 0..400u64 {
        let at = start + chrono::Duration::minutes(i as i64);
        world
            .tickets
            .push(extra_ticket(1000 + i, &["bulk"], at, at));
    }
    let sim = Sim::with(world).await;
    let mut seen = Vec::new();
    for page in 1..=10 {
        let answer = sim.search("\"tag:'bulk'\"", Some(&page.to_string())).await;
        assert_eq!(answer.status, 200, "{}", answer.json);
        assert_eq!(answer.json["total"], 400);
        assert_eq!(answer.json["results"].as_array().unwrap().len(), 30);
        assert_eq!(answer.link(), None, "search pages carry no Link header");
        seen.extend(ids(&answer.json["results"]));
    }
    assert_eq!(seen.len(), 300);
    assert_eq!(seen.iter().collect::<BTreeSet<_>>().len(), 300);
    // Most recently updated first.
    let expected: Vec<u64> = (0..300).map(|i| 1399 - i).collect();
    assert_eq!(seen, expected);
    let first = sim.search("\"tag:'bulk'\"", None).await;
    assert_eq!(ids(&first.json["results"])[..3], [1399, 1398, 1397]);
    assert!(first.json["results"][0].get("description").is_none());
    let eleven = sim.search("\"tag:'bulk'\"", Some("11")).await;
    assert_eq!(eleven.errors(), vec![pair("page", "invalid_value")]);
    assert_eq!(sim.search("\"tag:'bulk'\"", Some("0")).await.status, 400);
}

#[tokio::test]
async fn search_rejects_what_freshdesk_rejects() {
    let sim = Sim::start().await;
    assert_eq!(
        sim.search("status:2", None).await.errors(),
        vec![pair("query", "invalid_value")]
    );
    assert_eq!(sim.search("'status:2'", None).await.status, 400);
    assert_eq!(sim.search("\"", None).await.status, 400);
    assert_eq!(
        sim.get("/search/tickets", &[]).await.errors(),
        vec![pair("query", "missing_field")]
    );
    assert_eq!(
        sim.get(
            "/search/tickets",
            &[("query", "\"status:2\""), ("per_page", "30")]
        )
        .await
        .errors(),
        vec![pair("per_page", "invalid_field")]
    );
    // 512 characters between the quotes is the limit.
    let mut long = "status:2".to_owned();
    while long.len() + " OR status:2".len() <= 512 {
        long.push_str(" OR status:2");
    }
    let padded = format!("{long}{}", " ".repeat(512 - long.len()));
    assert_eq!(padded.len(), 512);
    assert_eq!(sim.search(&format!("\"{padded}\""), None).await.status, 200);
    assert_eq!(
        sim.search(&format!("\"{padded} \""), None).await.status,
        400
    );
    for bad in [
        "\"printer\"",
        "\"subject:'Printer'\"",
        "\"Status:2\"",
        "\"status:2 and priority:1\"",
        "\"status:'2'\"",
        "\"tag:vip\"",
        "\"agent_id:>301\"",
        "\"created_at:>'2026-01-05T08:00:00Z'\"",
        "\"(status:2\"",
        "\"status:2 priority:1\"",
        "\"status:\"",
    ] {
        let answer = sim.search(bad, None).await;
        assert_eq!(
            answer.errors(),
            vec![pair("query", "invalid_value")],
            "{bad}"
        );
    }
}

fn matching(world: &World, keep: impl Fn(&TicketFx) -> bool) -> BTreeSet<u64> {
    world
        .tickets
        .iter()
        .filter(|t| keep(t))
        .map(|t| num(&t.id))
        .collect()
}

#[tokio::test]
async fn search_evaluates_the_documented_grammar() {
    let sim = Sim::start().await;
    let world = freshdesk_world();
    let results = |answer: Answer| -> BTreeSet<u64> {
        assert_eq!(answer.status, 200, "{}", answer.json);
        let found: BTreeSet<u64> = ids(&answer.json["results"]).into_iter().collect();
        assert_eq!(answer.json["total"], found.len());
        found
    };
    let open = results(sim.search("\"status:2\"", None).await);
    assert_eq!(open, matching(&world, |t| t.status == TicketStatus::Open));
    assert!(!open.is_empty());
    let escalated = results(sim.search("\"status:17\"", None).await);
    assert_eq!(escalated, BTreeSet::from([113]));
    let high_billing = results(sim.search("\"priority:3 AND tag:'billing'\"", None).await);
    assert_eq!(
        high_billing,
        matching(&world, |t| t.priority == Some(Priority::High)
            && t.tags.iter().any(|x| x == "billing"))
    );
    let unassigned = results(sim.search("\"agent_id:null\"", None).await);
    assert_eq!(unassigned, matching(&world, |t| t.assignee.is_none()));
    let grouped = results(
        sim.search("\"(status:3 OR status:4) AND group_id:201\"", None)
            .await,
    );
    assert_eq!(
        grouped,
        matching(&world, |t| matches!(
            t.status,
            TicketStatus::Pending | TicketStatus::Resolved
        ) && t.group.as_deref() == Some("201"))
    );
    let or_binds_looser = results(
        sim.search("\"tag:'vip' OR agent_id:302 AND priority:2\"", None)
            .await,
    );
    assert_eq!(
        or_binds_looser,
        matching(&world, |t| t.tags.iter().any(|x| x == "vip")
            || (t.assignee.as_deref() == Some("302")
                && t.priority == Some(Priority::Normal)))
    );
    let at_least_high = results(sim.search("\"priority:>3\"", None).await);
    assert_eq!(
        at_least_high,
        matching(&world, |t| matches!(
            t.priority,
            Some(Priority::High | Priority::Urgent)
        ))
    );
    let untagged = results(sim.search("\"tag:null\"", None).await);
    assert_eq!(untagged, matching(&world, |t| t.tags.is_empty()));
}

#[tokio::test]
async fn search_date_bounds_include_whole_days() {
    let mut world = freshdesk_world();
    let times = [
        (130, utc(2026, 1, 2, 23, 59, 59)),
        (131, utc(2026, 1, 3, 0, 0, 0)),
        (132, utc(2026, 1, 3, 12, 0, 0)),
        (133, utc(2026, 1, 4, 23, 59, 59)),
        (134, utc(2026, 1, 5, 0, 0, 0)),
    ];
    for (id, at) in times {
        world.tickets.push(extra_ticket(id, &["dated"], at, at));
    }
    let sim = Sim::with(world).await;
    let found = |query: &'static str| {
        let sim = &sim;
        async move {
            let answer = sim.search(query, None).await;
            assert_eq!(answer.status, 200, "{query}: {}", answer.json);
            ids(&answer.json["results"])
                .into_iter()
                .collect::<BTreeSet<u64>>()
        }
    };
    assert_eq!(
        found("\"tag:'dated' AND created_at:>'2026-01-03' AND created_at:<'2026-01-04'\"").await,
        BTreeSet::from([131, 132, 133])
    );
    assert_eq!(
        found("\"tag:'dated' AND updated_at:>'2026-01-04'\"").await,
        BTreeSet::from([133, 134])
    );
    assert_eq!(
        found("\"tag:'dated' AND updated_at:<'2026-01-02'\"").await,
        BTreeSet::from([130])
    );
    assert_eq!(
        found("\"tag:'dated' AND created_at:'2026-01-03'\"").await,
        BTreeSet::from([131, 132])
    );
    // The standard world's tickets were all updated on 2026-01-06.
    let world = freshdesk_world();
    let all: BTreeSet<u64> = world.tickets.iter().map(|t| num(&t.id)).collect();
    assert_eq!(
        found("\"updated_at:>'2026-01-06' AND updated_at:<'2026-01-06'\"").await,
        all
    );
    assert!(
        found("\"updated_at:>'2026-01-07' AND tag:'billing'\"")
            .await
            .is_empty()
    );
}

// ----- credentials and missing records -----

#[tokio::test]
async fn wrong_or_missing_credentials_are_401() {
    let sim = Sim::start().await;
    let expected = json!({
        "code": "invalid_credentials",
        "message": "You have to be logged in to perform this action.",
    });
    sim.assert_unauthenticated(
        "/tickets/101",
        &[
            None,
            Some(authorization("wrong-key")),
            Some(format!("Bearer {API_KEY}")),
            Some("Basic !!!".to_owned()),
        ],
        &expected,
    )
    .await;
    let url = format!("{}/tickets/101", sim.base);
    // Freshdesk ignores the password.
    use base64::Engine;
    let other_password = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{API_KEY}:anything"))
    );
    let ok = sim
        .send(sim.http.get(&url).header("authorization", other_password))
        .await;
    assert_eq!(ok.status, 200);
    // 401s are not recorded as served requests.
    assert_eq!(lock(&sim.state).log.len(), 1);
}

#[tokio::test]
async fn missing_records_and_unexpected_requests_are_404() {
    let sim = Sim::start().await;
    let not_found =
        json!({"code": "not_found", "message": "The requested resource could not be found"});
    sim.assert_not_found(
        &[
            "/tickets/999999",
            "/tickets/999999/conversations",
            "/solutions/articles/999999",
            "/solutions/categories/999999/folders",
            "/solutions/folders/999999/articles",
            "/sla_policies/999999",
            "/agents/999999",
            "/groups/999999",
        ],
        &not_found,
    )
    .await;
    assert_eq!(
        sim.put("/tickets/999999", &json!({"priority": 2}))
            .await
            .status,
        404
    );
    assert_eq!(
        sim.post("/tickets/999999/reply", &json!({"body": "x"}))
            .await
            .status,
        404
    );
    assert_eq!(
        sim.post("/tickets/999999/notes", &json!({"body": "x"}))
            .await
            .status,
        404
    );
    // No route serves these: httpmock's own 404.
    sim.assert_unserved(
        &[
            ("/ticket/101", &[]),
            ("/tickets/abc", &[]),
            ("/tags", &[]),
            ("/tickets/101.json", &[]),
        ],
        &not_found,
    )
    .await;
    assert_eq!(
        sim.write(reqwest::Method::DELETE, "/tickets/101", &json!({}))
            .await
            .status,
        404
    );
}

// ----- tickets -----

#[tokio::test]
async fn tickets_carry_freshdesk_values() {
    let sim = Sim::start().await;
    let world = freshdesk_world();
    let fx = &world.tickets[0];
    let t = sim.get("/tickets/101", &[]).await.json;
    assert_eq!(t["id"], 101);
    assert_eq!(t["subject"], fx.subject);
    assert_eq!(t["description"], format!("<div>{}</div>", fx.description));
    assert_eq!(t["description_text"], fx.description);
    assert_eq!(t["status"], 2);
    assert_eq!(t["priority"], 1);
    assert_eq!(t["source"], 1);
    assert_eq!(t["requester_id"], 401);
    assert_eq!(t["responder_id"], 301);
    assert_eq!(t["group_id"], 201);
    assert_eq!(t["company_id"], 501);
    assert_eq!(t["type"], "Question");
    assert_eq!(t["tags"], json!(fx.tags));
    assert_eq!(t["created_at"], fmt(&fx.created_at));
    assert_eq!(t["updated_at"], fmt(&fx.updated_at));
    assert_eq!(t["custom_fields"], json!({}));
    for key in ["cc_emails", "fwd_emails", "reply_cc_emails", "attachments"] {
        assert!(t[key].is_array(), "{key}");
    }
    assert_eq!(t["spam"], false);
    // The world's SLA clocks: first response breached, so escalated.
    let sla = fx.sla.as_ref().expect("ticket 101 has SLA clocks");
    assert_eq!(t["fr_due_by"], fmt(&sla.first_response_due));
    assert_eq!(t["fr_escalated"], sla.first_response_breached);
    assert_eq!(t["due_by"], fmt(&sla.resolution_due));
    assert_eq!(t["is_escalated"], sla.escalated);
    assert_eq!(
        (t["fr_escalated"].clone(), t["is_escalated"].clone()),
        (json!(true), json!(true))
    );
    // A ticket without clocks in the world shows none.
    let done = world
        .tickets
        .iter()
        .find(|t| t.sla.is_none())
        .expect("a ticket without SLA");
    let t = sim.get(&format!("/tickets/{}", done.id), &[]).await.json;
    assert_eq!(
        (t["due_by"].clone(), t["fr_due_by"].clone()),
        (Value::Null, Value::Null)
    );
    // Every world ticket has a priority (Freshdesk always sets one) and its channel as a source.
    for fx in &world.tickets {
        let t = sim.get(&format!("/tickets/{}", fx.id), &[]).await.json;
        let priority = match fx.priority.as_ref().expect("a priority") {
            Priority::Low => 1,
            Priority::Normal => 2,
            Priority::High => 3,
            Priority::Urgent => 4,
            Priority::Other(raw) => panic!("unexpected {raw}"),
        };
        assert_eq!(t["priority"], priority, "ticket {}", fx.id);
        let source = match fx.channel {
            Channel::Email => 1,
            Channel::Web => 2,
            Channel::Phone => 3,
            Channel::Chat => 7,
            ref other => panic!("unexpected channel {other:?}"),
        };
        assert_eq!(t["source"], source, "ticket {}", fx.id);
    }
    let odd = sim.get("/tickets/113", &[]).await.json;
    assert_eq!(odd["status"], 17);
    // Lists leave the description out unless asked.
    let list = sim.get("/tickets", &[]).await.json;
    assert!(list[0].get("description").is_none());
    let with = sim
        .get("/tickets", &[("include", "description")])
        .await
        .json;
    assert!(with[0]["description_text"].is_string());
    // Embedded objects.
    let full = sim
        .get(
            "/tickets/101",
            &[("include", "requester,company,stats,conversations")],
        )
        .await
        .json;
    assert_eq!(full["requester"]["email"], "dana@customer.example");
    assert_eq!(full["company"]["id"], 501);
    assert!(full["stats"].is_object());
    assert_eq!(ids(&full["conversations"]), vec![601, 602, 603, 604]);
}

#[tokio::test]
async fn ticket_fields_name_every_status_code() {
    let sim = Sim::start().await;
    let all = sim.get("/ticket_fields", &[]).await.json;
    assert!(all.as_array().unwrap().len() >= 4);
    let status = sim
        .get("/ticket_fields", &[("type", "default_status")])
        .await
        .json;
    assert_eq!(status.as_array().unwrap().len(), 1);
    let field = &status[0];
    assert_eq!(field["name"], "status");
    assert_eq!(field["label"], "Status");
    assert_eq!(field["type"], "default_status");
    assert_eq!(field["default"], true);
    assert_eq!(
        field["choices"],
        json!({
            "2": ["Open", "Being Processed"],
            "3": ["Pending", "Awaiting your Reply"],
            "4": ["Resolved", "This ticket has been Resolved"],
            "5": ["Closed", "This ticket has been Closed"],
            "17": ["escalated", "Escalated"],
        })
    );
    let priority = sim
        .get("/ticket_fields", &[("type", "default_priority")])
        .await
        .json;
    assert_eq!(
        priority[0]["choices"],
        json!({"Low": 1, "Medium": 2, "High": 3, "Urgent": 4})
    );
    let source = sim
        .get("/ticket_fields", &[("type", "default_source")])
        .await
        .json;
    assert_eq!(source[0]["choices"]["Chat"], 7);
}

#[tokio::test]
async fn created_tickets_are_stored_and_invalid_ones_rejected() {
    let sim = Sim::start().await;
    let world = freshdesk_world();
    let expected = world.created_ticket();
    let created = sim
        .post(
            "/tickets",
            &json!({
                "subject": "Printer on fire",
                "description": "The office printer is on fire.",
                "email": "dana@customer.example",
                "name": "Dana Customer",
                "status": 2,
                "priority": 4,
                "tags": ["hardware"],
            }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.json);
    let t = &created.json;
    assert_eq!(t["id"], 150);
    assert_eq!(t["requester_id"], 401);
    assert_eq!(t["company_id"], 501);
    assert_eq!(t["priority"], 4);
    assert_eq!(t["status"], 2);
    assert_eq!(t["source"], 2);
    assert_eq!(t["tags"], json!(["hardware"]));
    assert_eq!(
        t["description"],
        "<div>The office printer is on fire.</div>"
    );
    assert_eq!(t["description_text"], "The office printer is on fire.");
    assert_eq!(t["created_at"], fmt(&expected.created_at));
    assert_eq!(t["updated_at"], fmt(&expected.created_at));
    let fetched = sim.get("/tickets/150", &[]).await;
    assert_eq!(fetched.status, 200);
    assert_eq!(&fetched.json, t);
    // The description is not a conversation.
    assert_eq!(
        sim.get("/tickets/150/conversations", &[]).await.json,
        json!([])
    );
    // It is listed and searchable.
    assert!(ids(&sim.get("/tickets", &[]).await.json).contains(&150));
    let found = sim.search("\"priority:4 AND tag:'hardware'\"", None).await;
    assert!(ids(&found.json["results"]).contains(&150));

    // A new e-mail is a new contact; requester_id works too.
    let by_new = sim
        .post(
            "/tickets",
            &json!({"subject": "s", "description": "<p>d</p>", "email": "new@customer.example",
                    "status": 3, "priority": 1, "source": 7, "requester_id": null}),
        )
        .await;
    assert_eq!(by_new.status, 201, "{}", by_new.json);
    assert_eq!(by_new.json["id"], 151);
    assert_eq!(by_new.json["requester_id"], 450);
    assert_eq!(by_new.json["source"], 7);
    assert_eq!(by_new.json["description"], "<p>d</p>");
    let by_id = sim
        .post(
            "/tickets",
            &json!({"subject": "s", "description": "d", "requester_id": 402, "status": 2,
                    "priority": 2, "responder_id": 302, "group_id": 201}),
        )
        .await;
    assert_eq!(by_id.status, 201, "{}", by_id.json);
    assert_eq!(by_id.json["responder_id"], 302);

    // What the suite's invalid ticket sends, and other mistakes.
    let blank = sim
        .post(
            "/tickets",
            &json!({"subject": "", "description": "", "email": "dana@customer.example",
                    "status": 2, "priority": 1}),
        )
        .await;
    assert_eq!(
        blank.errors(),
        vec![
            pair("subject", "invalid_value"),
            pair("description", "invalid_value")
        ]
    );
    let bare = sim.post("/tickets", &json!({})).await;
    assert_eq!(
        bare.errors(),
        vec![
            pair("subject", "missing_field"),
            pair("description", "missing_field"),
            pair("status", "missing_field"),
            pair("priority", "missing_field"),
            pair("requester_id", "missing_field"),
        ]
    );
    let wrong = sim
        .post(
            "/tickets",
            &json!({"subject": "s", "description": "d", "email": "not-an-email", "status": 9,
                    "priority": "high", "responder_id": 401, "tags": "vip", "ticket_id": 1}),
        )
        .await;
    let errors: BTreeSet<_> = wrong.errors().into_iter().collect();
    assert_eq!(
        errors,
        BTreeSet::from([
            pair("ticket_id", "invalid_field"),
            pair("status", "invalid_value"),
            pair("priority", "datatype_mismatch"),
            pair("tags", "datatype_mismatch"),
            pair("responder_id", "invalid_value"),
            pair("email", "invalid_value"),
        ])
    );
    // Not JSON: 415 and 400.
    let text = sim
        .send(
            sim.http
                .post(format!("{}/tickets", sim.base))
                .header("authorization", authorization(API_KEY))
                .header("content-type", "text/plain")
                .body("subject=s"),
        )
        .await;
    assert_eq!(text.status, 415);
    assert_eq!(text.json["code"], "invalid_content_type");
    let array = sim.post("/tickets", &json!([])).await;
    assert_eq!(array.status, 400);
    assert_eq!(array.json["code"], "invalid_json");
    // Nothing more was created.
    assert!(sim.get("/tickets/153", &[]).await.status == 404);
}

#[tokio::test]
async fn updates_apply_at_fixed_times() {
    let sim = Sim::start().await;
    let world = freshdesk_world();
    let updated = sim
        .put(
            "/tickets/102",
            &json!({"subject": "Renamed by conformance", "priority": 3,
                    "tags": ["vip", "updated-by-conformance"]}),
        )
        .await;
    assert_eq!(updated.status, 200, "{}", updated.json);
    let expected = world.updated_ticket().unwrap();
    assert_eq!(updated.json["subject"], expected.subject);
    assert_eq!(updated.json["priority"], 3);
    assert_eq!(
        updated.json["tags"],
        json!(["vip", "updated-by-conformance"])
    );
    assert_eq!(updated.json["updated_at"], fmt(&expected.updated_at));
    assert_eq!(updated.json["status"], 3, "other fields stay");

    let closed = sim.put("/tickets/103", &json!({"status": 5})).await;
    assert_eq!(closed.json["status"], 5);
    assert_eq!(
        closed.json["updated_at"],
        fmt(&world
            .closed_ticket(TicketStatus::Closed)
            .unwrap()
            .updated_at)
    );
    let assigned = sim
        .put(
            "/tickets/104",
            &json!({"responder_id": 303, "group_id": 202}),
        )
        .await;
    assert_eq!(assigned.json["responder_id"], 303);
    assert_eq!(assigned.json["group_id"], 202);
    assert_eq!(
        assigned.json["updated_at"],
        fmt(&world.assigned_ticket().unwrap().updated_at)
    );
    let fetched = sim.get("/tickets/104", &[]).await.json;
    assert_eq!(fetched, assigned.json);
    let unassigned = sim
        .put("/tickets/104", &json!({"responder_id": null}))
        .await;
    assert_eq!(unassigned.json["responder_id"], Value::Null);
    let custom = sim
        .put(
            "/tickets/104",
            &json!({"custom_fields": {"cf_external": "ext-1"}}),
        )
        .await;
    assert_eq!(
        custom.json["custom_fields"],
        json!({"cf_external": "ext-1"})
    );
    let found = sim.search("\"cf_external:'ext-1'\"", None).await;
    assert_eq!(ids(&found.json["results"]), vec![104]);

    assert_eq!(
        sim.put("/tickets/104", &json!({"status": 6}))
            .await
            .errors(),
        vec![pair("status", "invalid_value")]
    );
    assert_eq!(
        sim.put("/tickets/104", &json!({"subject": " "}))
            .await
            .errors(),
        vec![pair("subject", "invalid_value")]
    );
    assert_eq!(
        sim.put("/tickets/104", &json!({"cc_emails": []}))
            .await
            .errors(),
        vec![pair("cc_emails", "invalid_field")]
    );
    assert_eq!(
        sim.put("/tickets/104", &json!({"group_id": 999}))
            .await
            .errors(),
        vec![pair("group_id", "invalid_value")]
    );
}

#[tokio::test]
async fn replies_and_notes_are_numbered_from_650_and_listed() {
    let sim = Sim::start().await;
    let world = freshdesk_world();
    let reply = sim
        .post(
            "/tickets/105/reply",
            &json!({"body": "<p>Public reply from conformance</p>"}),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.json);
    let r = &reply.json;
    assert_eq!(r["id"], 650);
    assert_eq!(r["ticket_id"], 105);
    assert_eq!(r["private"], false);
    assert_eq!(r["incoming"], false);
    assert_eq!(r["source"], 0);
    assert_eq!(r["user_id"], 301);
    assert_eq!(r["body"], "<p>Public reply from conformance</p>");
    assert_eq!(r["body_text"], "Public reply from conformance");
    let requester = world.ticket("105").unwrap().requester.clone();
    let email = &world
        .customers
        .iter()
        .find(|c| c.id == requester)
        .unwrap()
        .email;
    assert_eq!(r["to_emails"], json!([email]));
    let note = sim
        .post(
            "/tickets/105/notes",
            &json!({"body": "Internal note from conformance", "private": true}),
        )
        .await;
    assert_eq!(note.status, 201, "{}", note.json);
    assert_eq!(note.json["id"], 651);
    assert_eq!(note.json["private"], true);
    assert_eq!(note.json["source"], 2);
    assert_eq!(note.json["body_text"], "Internal note from conformance");
    let default_private = sim.post("/tickets/105/notes", &json!({"body": "n"})).await;
    assert_eq!(default_private.json["id"], 652);
    assert_eq!(default_private.json["private"], true);
    let public_note = sim
        .post(
            "/tickets/105/notes",
            &json!({"body": "n", "private": false}),
        )
        .await;
    assert_eq!(public_note.json["private"], false);

    let listed = sim.get("/tickets/105/conversations", &[]).await;
    assert_eq!(ids(&listed.json), vec![650, 651, 652, 653]);
    assert_eq!(listed.json[0], reply.json);
    // The ticket's updated_at follows its conversations.
    let ticket = sim.get("/tickets/105", &[]).await.json;
    assert_eq!(ticket["updated_at"], listed.json[3]["created_at"]);

    assert_eq!(
        sim.post("/tickets/105/reply", &json!({"body": "  "}))
            .await
            .errors(),
        vec![pair("body", "invalid_value")]
    );
    assert_eq!(
        sim.post("/tickets/105/reply", &json!({"body": "<p> </p>"}))
            .await
            .errors(),
        vec![pair("body", "invalid_value")]
    );
    assert_eq!(
        sim.post("/tickets/105/notes", &json!({})).await.errors(),
        vec![pair("body", "missing_field")]
    );
    assert_eq!(
        sim.post("/tickets/105/reply", &json!({"body": "x", "private": true}))
            .await
            .errors(),
        vec![pair("private", "invalid_field")]
    );
    assert_eq!(
        sim.post(
            "/tickets/105/notes",
            &json!({"body": "x", "private": "yes"})
        )
        .await
        .errors(),
        vec![pair("private", "datatype_mismatch")]
    );
}

#[tokio::test]
async fn world_comments_are_conversations_oldest_first() {
    let sim = Sim::start().await;
    let world = freshdesk_world();
    let first = sim
        .get("/tickets/101/conversations", &[("per_page", "2")])
        .await;
    assert_eq!(ids(&first.json), vec![601, 602]);
    let second = sim.get_url(&first.next().expect("a second page")).await;
    assert_eq!(ids(&second.json), vec![603, 604]);
    assert_eq!(second.link(), None);
    let all = sim.get("/tickets/101/conversations", &[]).await.json;
    for (c, fx) in all
        .as_array()
        .unwrap()
        .iter()
        .zip(world.comments.iter().filter(|c| c.ticket == "101"))
    {
        assert_eq!(c["id"], num(&fx.id));
        assert_eq!(c["user_id"], num(&fx.author));
        assert_eq!(c["body"], fx.html);
        assert_eq!(c["body_text"], fx.body);
        assert_eq!(c["created_at"], fmt(&fx.created_at));
        let internal = fx.visibility == support_core::Visibility::Internal;
        assert_eq!(c["private"], internal);
        assert_eq!(c["source"], if internal { 2 } else { 0 });
        assert_eq!(c["incoming"], fx.author == "401");
    }
}

// ----- agents, knowledge, SLA, ratings -----

#[tokio::test]
async fn agents_roles_groups_solutions_slas_and_ratings() {
    let sim = Sim::start().await;
    let world = freshdesk_world();

    let me = sim.get("/agents/me", &[]).await;
    assert_eq!(me.status, 200);
    assert_eq!(me.json["id"], 301);
    assert_eq!(me.json["contact"]["email"], "ada@example.com");

    let first = sim.get("/agents", &[("per_page", "2")]).await;
    assert_eq!(ids(&first.json), vec![301, 302]);
    let rest = sim.get_url(&first.next().unwrap()).await;
    assert_eq!(ids(&rest.json), vec![303]);
    let agents = sim.get("/agents", &[]).await.json;
    for (a, fx) in agents.as_array().unwrap().iter().zip(&world.agents) {
        assert_eq!(a["contact"]["name"], fx.name);
        assert_eq!(a["contact"]["email"], fx.email);
        assert_eq!(a["type"], "support_agent");
        let groups: Vec<u64> = fx.groups.iter().map(|g| num(g)).collect();
        assert_eq!(a["group_ids"], json!(groups));
        assert_eq!(
            a["role_ids"],
            json!([if fx.role == "admin" { 1 } else { 2 }])
        );
        assert_eq!(
            a["available"],
            fx.availability == support_core::Availability::Available
        );
    }
    let by_email = sim
        .get("/agents", &[("email", "ben@example.com")])
        .await
        .json;
    assert_eq!(ids(&by_email), vec![302]);
    let roles = sim.get("/roles", &[]).await.json;
    assert_eq!(roles[0]["name"], "Admin");
    assert_eq!(roles[1]["name"], "Agent");
    assert_eq!(sim.get("/roles/2", &[]).await.json["id"], 2);
    let groups = sim.get("/groups", &[]).await.json;
    assert_eq!(ids(&groups), vec![201, 202]);
    assert_eq!(groups[0]["name"], "Tier 1");
    assert_eq!(groups[0]["agent_ids"], json!([301, 302]));

    // Categories, one folder each (category * 10 + 1), articles.
    let categories = sim.get("/solutions/categories", &[]).await.json;
    assert_eq!(ids(&categories), vec![701, 702]);
    let paged = sim.get("/solutions/categories", &[("per_page", "1")]).await;
    assert_eq!(ids(&paged.json), vec![701]);
    assert_eq!(
        ids(&sim.get_url(&paged.next().unwrap()).await.json),
        vec![702]
    );
    let folders = sim.get("/solutions/categories/702/folders", &[]).await.json;
    assert_eq!(ids(&folders), vec![7021]);
    assert_eq!(folders[0]["visibility"], 1);
    let articles = sim.get("/solutions/folders/7021/articles", &[]).await.json;
    assert_eq!(ids(&articles), vec![803, 804, 805]);
    let paged = sim
        .get("/solutions/folders/7021/articles", &[("per_page", "2")])
        .await;
    assert!(paged.next().is_some());
    let article = sim.get("/solutions/articles/805", &[]).await.json;
    let fx = world.articles.iter().find(|a| a.id == "805").unwrap();
    assert_eq!(article["title"], fx.title);
    assert_eq!(article["description"], fx.body_html);
    assert_eq!(article["description_text"], "The portal is coming soon.");
    assert_eq!(article["status"], 1);
    assert_eq!(article["folder_id"], 7021);
    assert_eq!(article["category_id"], 702);
    assert_eq!(article["agent_id"], 301);
    assert_eq!(
        sim.get("/solutions/articles/801", &[]).await.json["status"],
        2
    );

    // SLA policies: seconds per priority, FirstResponse -> respond_within.
    let slas = sim.get("/sla_policies", &[]).await.json;
    assert_eq!(ids(&slas), vec![901]);
    let policy = &slas[0];
    assert_eq!(policy["name"], "Standard support");
    assert_eq!(policy["active"], true);
    assert_eq!(
        policy["sla_target"]["priority_4"],
        json!({"respond_within": 900, "next_respond_within": 3600,
               "business_hours": true, "escalation_enabled": false})
    );
    assert_eq!(policy["sla_target"]["priority_1"]["respond_within"], 3600);
    assert_eq!(
        policy["sla_target"]["priority_1"]["next_respond_within"],
        14400
    );
    let keys: Vec<&String> = policy["sla_target"].as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 4);
    assert_eq!(&sim.get("/sla_policies/901", &[]).await.json, policy);

    // Ratings: 103 / -103 on the default question.
    let ratings = sim.get("/surveys/satisfaction_ratings", &[]).await.json;
    assert_eq!(ids(&ratings), vec![1001, 1002, 1003, 1004, 1005]);
    for (r, fx) in ratings.as_array().unwrap().iter().zip(&world.ratings) {
        assert_eq!(r["ticket_id"], num(&fx.ticket));
        assert_eq!(r["user_id"], num(&fx.requester));
        assert_eq!(r["agent_id"], json!(fx.assignee.as_deref().map(num)));
        assert_eq!(r["feedback"], json!(fx.comment));
        assert_eq!(
            r["ratings"]["default_question"],
            if fx.good { 103 } else { -103 }
        );
        assert_eq!(r["created_at"], fmt(&fx.created_at));
    }
    let since = fmt(&world.ratings[3].created_at);
    let recent = sim
        .get(
            "/surveys/satisfaction_ratings",
            &[("created_since", &since)],
        )
        .await
        .json;
    assert_eq!(ids(&recent), vec![1004, 1005]);
}

#[tokio::test]
async fn ratings_default_to_the_last_30_days() {
    let mut world = freshdesk_world();
    let now = Sim::start().await.now();
    world.ratings.push(RatingFx {
        id: "1099".into(),
        ticket: "101".into(),
        requester: "401".into(),
        assignee: Some("301".into()),
        good: true,
        comment: None,
        created_at: now - chrono::Duration::days(31),
    });
    let sim = Sim::with(world).await;
    let default = ids(&sim.get("/surveys/satisfaction_ratings", &[]).await.json);
    assert!(!default.contains(&1099));
    let all = ids(&sim
        .get("/surveys/satisfaction_ratings", &[("created_since", EPOCH)])
        .await
        .json);
    assert_eq!(all, vec![1099, 1001, 1002, 1003, 1004, 1005]);
}

// ----- the shared suites -----

/// The Freshdesk adapter on this simulator, for the shared suites.
struct FreshdeskOnSimulator;

#[async_trait::async_trait(?Send)]
impl SuiteTarget for FreshdeskOnSimulator {
    async fn start(&self, request_timeout: Option<Duration>) -> Box<dyn Harness> {
        Box::new(FreshdeskSimulator::start(freshdesk_world(), port_factory(request_timeout)).await)
    }

    fn secrets(&self) -> Vec<String> {
        vec![API_KEY.into(), simulator::WRONG_API_KEY.into()]
    }

    fn authorizations(&self) -> Vec<String> {
        vec![
            authorization(API_KEY),
            authorization(simulator::WRONG_API_KEY),
        ]
    }
}

support_conformance::adapter_suite!(FreshdeskOnSimulator);

// ----- the whole ticket, authors and files -----

/// A multipart body: `fields`, then `files` as `attachments[]` (name, type, bytes).
fn form(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "sim-boundary-42";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (file_name, content_type, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"attachments[]\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn post_form(sim: &Sim, path: &str, content_type: &str, body: Vec<u8>) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{}{path}", sim.base))
        .header("authorization", authorization(API_KEY))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The bytes behind an `attachment_url`, fetched as a signed URL is: without credentials.
async fn fetch(url: &str) -> (u16, Vec<u8>) {
    let response = reqwest::get(url).await.unwrap();
    let status = response.status().as_u16();
    (status, response.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn stats_come_with_include_stats_from_the_world() {
    let sim = Sim::start().await;
    let world = freshdesk_world();
    let closed = world
        .tickets
        .iter()
        .find(|t| t.status == TicketStatus::Closed)
        .expect("a closed ticket");
    let path = format!("/tickets/{}", closed.id);
    assert!(sim.get(&path, &[]).await.json.get("stats").is_none());
    let t = sim.get(&path, &[("include", "stats")]).await.json;
    assert_eq!(
        t["stats"]["resolved_at"],
        json!(closed.resolved_at.map(|t| fmt(&t)))
    );
    assert_eq!(t["stats"]["closed_at"], fmt(&closed.closed_at.unwrap()));
    let list = sim
        .get(
            "/tickets",
            &[("include", "stats"), ("updated_since", "2000-01-01")],
        )
        .await;
    assert!(
        list.json
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["stats"].is_object())
    );
}

#[tokio::test]
async fn conversations_say_who_wrote_them_and_link_their_files() {
    let sim = Sim::start().await;
    let world = freshdesk_world();
    let list = sim.get("/tickets/101/conversations", &[]).await.json;
    let first = &list[0];
    assert_eq!(first["id"], 601);
    assert_eq!(first["incoming"], true);
    assert_eq!(list[1]["incoming"], false);
    let fx = &world.comments[0].attachments[0];
    let file = &first["attachments"][0];
    assert_eq!(file["name"], fx.file_name);
    assert_eq!(file["content_type"], fx.content_type);
    assert_eq!(file["size"], fx.content.len());
    let url = file["attachment_url"].as_str().unwrap();
    assert!(
        url.starts_with(&sim.base.replace("/api/v2", "/attachments/")),
        "{url}"
    );
    assert_eq!(fetch(url).await, (200, fx.content.clone()));
    // Unsigned, or with the API key at the storage host: refused.
    let unsigned = url.split('?').next().unwrap();
    assert_eq!(fetch(unsigned).await.0, 403);
    let wrong = format!("{unsigned}?token=nope");
    assert_eq!(fetch(&wrong).await.0, 403);
    let with_key = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(url)
        .send()
        .await
        .unwrap();
    assert_eq!(with_key.status().as_u16(), 302);
    let storage = with_key.headers()["location"].to_str().unwrap().to_owned();
    let leaked = reqwest::Client::new()
        .get(&storage)
        .header("authorization", authorization(API_KEY))
        .send()
        .await
        .unwrap();
    assert_eq!(
        leaked.status().as_u16(),
        400,
        "the storage refuses credentials"
    );
}

#[tokio::test]
async fn multipart_writes_store_their_files() {
    let sim = Sim::start().await;
    let (content_type, body) = form(
        &[
            ("body", "<div>see attached</div>"),
            ("cc_emails[]", "boss@example.com"),
        ],
        &[
            ("log.txt", "text/plain", b"line one\n"),
            ("a.bin", "application/octet-stream", &[0, 159, 255]),
        ],
    );
    let (status, reply) = post_form(&sim, "/tickets/101/reply", &content_type, body).await;
    assert_eq!(status, 201, "{reply}");
    assert_eq!(reply["cc_emails"], json!(["boss@example.com"]));
    assert_eq!(reply["attachments"].as_array().unwrap().len(), 2);
    let url = reply["attachments"][1]["attachment_url"].as_str().unwrap();
    assert_eq!(fetch(url).await, (200, vec![0, 159, 255]));
    let (content_type, body) = form(
        &[("body", "internal"), ("private", "true")],
        &[("n.txt", "text/plain", b"n")],
    );
    let (status, note) = post_form(&sim, "/tickets/101/notes", &content_type, body).await;
    assert_eq!(
        (status, note["private"].clone()),
        (201, json!(true)),
        "{note}"
    );
    let (content_type, body) = form(
        &[
            ("subject", "Printer"),
            ("description", "It jams"),
            ("email", "new@example.com"),
            ("status", "2"),
            ("priority", "1"),
            ("tags[]", "hw"),
        ],
        &[("a.pdf", "application/pdf", b"%PDF")],
    );
    let (status, ticket) = post_form(&sim, "/tickets", &content_type, body).await;
    assert_eq!(status, 201, "{ticket}");
    assert_eq!(
        (ticket["status"].clone(), ticket["tags"].clone()),
        (json!(2), json!(["hw"]))
    );
    assert_eq!(ticket["attachments"][0]["name"], "a.pdf");
    // Strict: files under another name, unknown fields, numbers that are not.
    let (content_type, body) = form(&[("body", "x")], &[]);
    let body = String::from_utf8(body)
        .unwrap()
        .replace("name=\"body\"", "name=\"body\"; filename=\"b\"");
    let (status, _) = post_form(&sim, "/tickets/101/reply", &content_type, body.into_bytes()).await;
    assert_eq!(status, 400);
    let (content_type, body) = form(&[("body", "x"), ("colour", "red")], &[]);
    assert_eq!(
        post_form(&sim, "/tickets/101/reply", &content_type, body)
            .await
            .0,
        400
    );
    let (content_type, body) = form(&[("subject", "s"), ("status", "two")], &[]);
    assert_eq!(
        post_form(&sim, "/tickets", &content_type, body).await.0,
        400
    );
    let (content_type, mut body) = form(&[("body", "x")], &[]);
    body.truncate(body.len() - 4);
    assert_eq!(
        post_form(&sim, "/tickets/101/reply", &content_type, body)
            .await
            .0,
        400
    );
}

/// Through the port: a reply with a file comes back on `list_comments` and downloads byte for byte.
#[tokio::test]
async fn an_upload_comes_back_and_downloads_byte_for_byte() {
    use support_core::{CanonicalId, CommentQuery, NewComment, ObjectKind, Upload};
    let sim = FreshdeskSimulator::start(freshdesk_world(), port_factory(None)).await;
    let port = support_conformance::Harness::port(&sim);
    let bytes: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    let ticket = CanonicalId::new("freshdesk", ObjectKind::Ticket, "102");
    let added = port
        .add_comment(
            &ticket,
            NewComment::public("the dump").with_attachment(Upload::bytes(
                "dump.bin",
                "application/octet-stream",
                bytes.clone(),
            )),
        )
        .await
        .unwrap();
    let listed = port
        .list_comments(&ticket, CommentQuery::default())
        .await
        .unwrap()
        .items;
    let comment = listed
        .iter()
        .find(|c| c.id == added.id)
        .expect("the new comment is listed");
    let file = &comment.data.attachments[0];
    assert_eq!(
        (file.title.as_deref(), file.size),
        (Some("dump.bin"), Some(70_000))
    );
    let download = port.download_attachment(file).await.unwrap();
    assert_eq!(download.bytes().await.unwrap(), bytes);
    // The world's invoice too.
    let world = freshdesk_world();
    let first = port
        .list_comments(
            &CanonicalId::new("freshdesk", ObjectKind::Ticket, "101"),
            CommentQuery::default(),
        )
        .await
        .unwrap()
        .items;
    let invoice = &first[0].data.attachments[0];
    let download = port.download_attachment(invoice).await.unwrap();
    assert_eq!(
        download.bytes().await.unwrap(),
        world.comments[0].attachments[0].content
    );
}
