//! Raw-HTTP checks of the Zammad simulator itself, independent of the adapter (what it serves,
//! what it rejects), and the shared adapter suites on it.

use support_zammad::simulator;

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use simulator::{
    API, LOGIN, OAUTH_TOKEN, PASSWORD, TOKEN, WRONG_TOKEN, ZammadSimulator, authorization, bearer,
    port_factory, zammad_world,
};
use support_conformance::sim::{Answer, SimClient, basic_authorization, lock};
use support_conformance::suites::SuiteTarget;
use support_conformance::{Fault, Harness, Simulator};
use support_core::Operation;

/// The Zammad adapter on this simulator, for the shared suites.
struct ZammadOnSimulator;

#[support_core::async_trait(?Send)]
impl SuiteTarget for ZammadOnSimulator {
    async fn start(&self, request_timeout: Option<Duration>) -> Box<dyn Harness> {
        Box::new(ZammadSimulator::start(zammad_world(), port_factory(request_timeout)).await)
    }

    fn secrets(&self) -> Vec<String> {
        vec![TOKEN.into(), WRONG_TOKEN.into()]
    }
}

support_conformance::adapter_suite!(ZammadOnSimulator);

async fn start() -> (ZammadSimulator, SimClient) {
    let simulator = ZammadSimulator::start(zammad_world(), port_factory(None)).await;
    let client = SimClient::new(simulator.base_url(), authorization(TOKEN));
    (simulator, client)
}

fn api(path: &str) -> String {
    format!("{API}{path}")
}

/// `GET` with an `Authorization` header of choice (`None`: none).
async fn get_as(client: &SimClient, path: &str, authorization: Option<&str>) -> Answer {
    let mut request = client.http.get(format!("{}{path}", client.base));
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    client.send(request).await
}

fn ids(answer: &Answer) -> Vec<u64> {
    answer
        .json
        .as_array()
        .map(|list| list.iter().filter_map(|r| r["id"].as_u64()).collect())
        .unwrap_or_default()
}

async fn search(client: &SimClient, query: &[(&str, &str)]) -> Answer {
    client.get(&api("/tickets/search"), query).await
}

// ----- the wire: credentials, errors, throttling -----

#[tokio::test]
async fn no_credentials_is_403_authentication_required() {
    let (simulator, client) = start().await;
    let answer = get_as(&client, &api("/users/me"), None).await;
    assert_eq!(answer.status, 403);
    assert_eq!(
        answer.json,
        json!({"error": "Authentication required", "error_human": "Authentication required"})
    );
    assert_eq!(answer.header("x-failure"), Some("Authentication required"));
    assert!(simulator.requests().is_empty(), "refusals are not logged");
}

#[tokio::test]
async fn wrong_credentials_are_401_naming_what_failed() {
    let (_simulator, client) = start().await;
    for (header, message) in [
        (authorization(WRONG_TOKEN), "Can't find User for Token"),
        (
            basic_authorization(LOGIN, "not-the-password"),
            "Invalid BasicAuth credentials",
        ),
        (bearer(WRONG_TOKEN), "The provided token is invalid."),
    ] {
        let answer = get_as(&client, &api("/users/me"), Some(&header)).await;
        assert_eq!(answer.status, 401, "{header}");
        assert_eq!(
            answer.json,
            json!({"error": message, "error_human": message}),
            "{header}"
        );
        assert_eq!(answer.header("x-failure"), Some(message), "{header}");
    }
}

#[tokio::test]
async fn every_documented_credential_form_is_accepted() {
    let (_simulator, client) = start().await;
    for header in [
        authorization(TOKEN),
        format!("Token {TOKEN}"),
        bearer(TOKEN),
        bearer(OAUTH_TOKEN),
        basic_authorization(LOGIN, PASSWORD),
    ] {
        let answer = get_as(&client, &api("/users/me"), Some(&header)).await;
        assert_eq!(answer.status, 200, "{header}: {}", answer.json);
        assert_eq!(answer.json["id"], json!(301), "{header}");
        assert_eq!(answer.json["role_ids"], json!([1, 2]));
        assert!(answer.json.get("password").is_none());
    }
}

#[tokio::test]
async fn missing_records_are_404_with_the_record_named() {
    let (_simulator, client) = start().await;
    let answer = client.get(&api("/tickets/999999"), &[]).await;
    assert_eq!(answer.status, 404);
    assert_eq!(
        answer.json,
        json!({
            "error": "Couldn't find Ticket with 'id'=999999",
            "error_human": "Couldn't find Ticket with 'id'=999999",
        })
    );
    for path in [
        "/users/999999",
        "/slas/999999",
        "/ticket_articles/by_ticket/999999",
        "/knowledge_bases/1/answers/999999",
    ] {
        let answer = client.get(&api(path), &[]).await;
        assert_eq!(answer.status, 404, "{path}");
        assert!(answer.json["error"].as_str().is_some(), "{path}");
    }
}

#[tokio::test]
async fn parameters_outside_the_contract_reach_no_route() {
    let (_simulator, client) = start().await;
    for (path, query) in [
        ("/tickets", [("expand", "true")]),
        ("/tickets/101", [("full", "true")]),
        ("/tickets/search", [("bogus", "1")]),
    ] {
        let answer = client.get(&api(path), &query).await;
        assert_eq!(answer.status, 404, "{path} {query:?}");
        assert!(answer.json.get("error_human").is_none(), "{path} {query:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_throttling_fault_is_429_with_retry_after() {
    let simulator = ZammadSimulator::start(zammad_world(), port_factory(None)).await;
    let faulted = simulator
        .port_with_fault(
            Operation::ListTickets,
            Fault::throttled(Duration::from_millis(1500), 1),
        )
        .await;
    let base = simulator.faulted_base_urls().pop().unwrap_or_default();
    let client = SimClient::new(base, authorization(TOKEN));
    let answer = client.get(&api("/tickets"), &[]).await;
    assert_eq!(answer.status, 429);
    assert_eq!(answer.header("retry-after"), Some("2"));
    let again = client.get(&api("/tickets"), &[]).await;
    assert_eq!(again.status, 200, "one fault only");
    assert_eq!(faulted.requests.get(), 2);
}

#[tokio::test]
async fn every_operation_has_a_fault_target_the_simulator_serves() {
    use support_conformance::sim::Wire;
    let world = zammad_world();
    let (_simulator, client) = start().await;
    let extra = [Operation::CheckConnection, Operation::DownloadAttachment];
    for operation in Operation::ALL.iter().chain(extra.iter()) {
        let target = simulator::ZammadWire::fault_target(&world, *operation);
        let support_conformance::sim::FaultTarget::Exact(method, path) = target else {
            assert_eq!(
                *operation,
                Operation::ListSatisfactionRatings,
                "{operation:?}"
            );
            continue;
        };
        let answer = match method {
            "GET" => client.get(&path, &[]).await,
            "POST" if path.ends_with("/knowledge_bases/search") => {
                client.post(&path, &json!({"query": ""})).await
            }
            // Writes are checked by their own tests.
            _ => continue,
        };
        assert!(
            answer.status < 300,
            "{operation:?}: {method} {path} is {}",
            answer.status
        );
    }
}

// ----- the endpoints over the world -----

#[tokio::test]
async fn tickets_are_listed_by_id_with_a_cap_of_100() {
    let (simulator, client) = start().await;
    let first = client
        .get(&api("/tickets"), &[("page", "1"), ("per_page", "4")])
        .await;
    assert_eq!(ids(&first), vec![101, 102, 103, 104]);
    let last = client
        .get(&api("/tickets"), &[("page", "4"), ("per_page", "4")])
        .await;
    assert_eq!(ids(&last), vec![113], "a short page is the end");
    let capped = client.get(&api("/tickets"), &[("per_page", "500")]).await;
    assert_eq!(ids(&capped).len(), 13, "per_page is capped, not refused");
    let ticket = &first.json[0];
    assert_eq!(ticket["number"], json!("31101"));
    assert_eq!(ticket["state_id"], json!(1));
    assert!(ticket.get("tags").is_none(), "tickets do not carry tags");
    let unassigned = &last.json[0];
    assert_eq!(
        unassigned["owner_id"],
        json!(1),
        "unassigned: the system user"
    );
    assert_eq!(unassigned["state_id"], json!(8), "the custom state");
    assert_eq!(lock(&simulator.state()).ticket_pages, 3);
}

#[tokio::test]
async fn states_carry_their_type_and_priorities_their_names() {
    let (_simulator, client) = start().await;
    let states = client.get(&api("/ticket_states"), &[]).await;
    let pairs: Vec<(String, u64)> = states
        .json
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| {
            (
                s["name"].as_str().unwrap_or("").to_owned(),
                s["state_type_id"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert!(pairs.contains(&("pending close".into(), 4)));
    assert!(pairs.contains(&("closed".into(), 5)));
    assert!(pairs.contains(&("escalated".into(), 7)));
    let priorities = client.get(&api("/ticket_priorities"), &[]).await;
    let names: Vec<&str> = priorities
        .json
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(names, vec!["1 low", "2 normal", "3 high", "4 urgent"]);
}

#[tokio::test]
async fn search_reads_the_contract_query_subset() {
    let (simulator, client) = start().await;
    let by_number = search(&client, &[("query", "number:31107")]).await;
    assert_eq!(ids(&by_number), vec![107]);
    let keyset = search(
        &client,
        &[
            ("query", "state_id:(1 OR 2) AND id:>104"),
            ("sort_by", "id"),
            ("order_by", "asc"),
            ("per_page", "2"),
        ],
    )
    .await;
    // States cycle new, open, pending, closed: 105 new, 106 open, 109 new, 110 open.
    assert_eq!(ids(&keyset), vec![105, 106]);
    let tagged = search(
        &client,
        &[
            ("query", "tags:vip"),
            ("sort_by", "id"),
            ("order_by", "asc"),
        ],
    )
    .await;
    assert_eq!(ids(&tagged), vec![102, 105, 108, 111]);
    let since = search(
        &client,
        &[
            ("query", r"updated_at:>=2026-01-06T17\:00\:00Z owner_id:301"),
            ("sort_by", "id"),
            ("order_by", "asc"),
        ],
    )
    .await;
    assert_eq!(ids(&since), vec![110], "juxtaposed terms are joined by AND");
    for (query, status, found) in [
        ("updated_at:>=2026-01-06T17:00:00Z", 422, 0),
        (r#"updated_at:>="2026-01-06T17:00:00Z""#, 200, 4),
        (
            "updated_at:[2026-01-06T17:00:00Z TO 2026-01-06T18:00:00Z]",
            200,
            2,
        ),
    ] {
        let answer = search(&client, &[("query", query)]).await;
        assert_eq!(answer.status, status, "{query}: a bare `:` needs escaping");
        assert_eq!(ids(&answer).len(), found, "{query}");
    }
    for (query, want) in [
        ("state.name:(new OR open) AND id:<103", vec![101, 102]),
        ("state.state_type_id:7", vec![113]),
        (
            "owner.email:ben@example.com AND !state.id:3",
            vec![102, 105, 108],
        ),
        (
            r#"priority.name:"2 normal" AND -tags:vip"#,
            vec![106, 110, 113],
        ),
        ("state:open", vec![]),
    ] {
        let answer = search(
            &client,
            &[("query", query), ("sort_by", "id"), ("order_by", "asc")],
        )
        .await;
        assert_eq!(ids(&answer), want, "{query}");
    }
    let newest_first = search(&client, &[("query", "priority_id:1")]).await;
    assert_eq!(
        ids(&newest_first),
        vec![109, 105, 101],
        "default updated_at desc"
    );
    let open_range = search(&client, &[("query", "updated_at:[2026-01-06 TO *]")]).await;
    assert_eq!(open_range.status, 422, "Zammad deletes the `*`");
    let unknown = search(&client, &[("query", "status:open")]).await;
    assert_eq!(ids(&unknown), Vec::<u64>::new());
    assert_eq!(
        lock(&simulator.state()).ignored_terms,
        vec!["state", "status"],
        "since Zammad 4.0 `state` is an object: `state.name`"
    );
    let capped = search(&client, &[("query", "id:>0"), ("per_page", "1000")]).await;
    assert_eq!(ids(&capped).len(), 13);
    let counted = search(
        &client,
        &[
            ("query", "id:>0"),
            ("per_page", "2"),
            ("with_total_count", "true"),
        ],
    )
    .await;
    assert_eq!(counted.json["total_count"], json!(13));
}

#[tokio::test]
async fn agents_are_found_by_permission_with_roles_groups_and_absence() {
    let (_simulator, client) = start().await;
    let agents = client
        .get(
            &api("/users/search"),
            &[
                ("permissions[]", "ticket.agent"),
                ("sort_by", "id"),
                ("order_by", "asc"),
                ("page", "1"),
                ("per_page", "2"),
            ],
        )
        .await;
    assert_eq!(ids(&agents), vec![301, 302]);
    assert_eq!(agents.json[1]["out_of_office"], json!(true));
    assert_eq!(
        agents.json[0]["group_ids"],
        json!({"201": ["full"], "202": ["full"]})
    );
    let admins = client
        .get(&api("/users/search"), &[("role_ids[]", "1")])
        .await;
    assert_eq!(ids(&admins), vec![301]);
    let roles = client.get(&api("/roles"), &[]).await;
    assert_eq!(roles.json[0]["name"], json!("Admin"));
    assert_eq!(roles.json[1]["name"], json!("Agent"));
}

#[tokio::test]
async fn articles_carry_their_files_and_the_files_download() {
    let (_simulator, client) = start().await;
    let articles = client
        .get(&api("/ticket_articles/by_ticket/101"), &[])
        .await;
    assert_eq!(ids(&articles), vec![601, 602, 603, 604]);
    let first = &articles.json[0];
    assert_eq!(first["sender"], json!("Customer"));
    assert_eq!(first["created_by_id"], json!(401));
    assert_eq!(first["created_by"], json!("dana@customer.example"));
    assert_eq!(first["content_type"], json!("text/html"));
    let note = &articles.json[2];
    assert_eq!(
        (note["type"].clone(), note["internal"].clone()),
        (json!("note"), json!(true))
    );
    let file = &first["attachments"][0];
    assert_eq!(file["id"], json!(701));
    assert_eq!(file["filename"], json!("invoice-2024-03.pdf"));
    assert_eq!(file["size"], json!("37"), "sizes are strings");
    let download = client
        .send(
            client
                .http
                .get(format!(
                    "{}{}",
                    client.base,
                    api("/ticket_attachment/101/601/701")
                ))
                .header("authorization", client.authorization()),
        )
        .await;
    assert_eq!(download.status, 200);
    assert_eq!(download.header("content-type"), Some("application/pdf"));
    let wrong = client
        .get(&api("/ticket_attachment/102/601/701"), &[])
        .await;
    assert_eq!(wrong.status, 403, "the article belongs to ticket 101");
    assert_eq!(
        wrong.json["error"],
        json!("No access, article_id/ticket_id is not matching.")
    );
    let other_article = client
        .get(&api("/ticket_attachment/101/602/701"), &[])
        .await;
    assert_eq!(other_article.status, 403, "the file belongs to article 601");
    let missing = client
        .get(&api("/ticket_attachment/101/999/701"), &[])
        .await;
    assert_eq!(missing.status, 404);
}

#[tokio::test]
async fn an_admin_writes_an_article_on_a_users_behalf_with_from() {
    let (_simulator, client) = start().await;
    let on_behalf = |from: &'static str| {
        client.send(
            client
                .http
                .post(format!("{}{}", client.base, api("/ticket_articles")))
                .header("authorization", client.authorization())
                .header("from", from)
                .json(&json!({"ticket_id": 105, "body": "Thanks", "type": "email",
                    "internal": true})),
        )
    };
    let by_customer = on_behalf("DANA@customer.example").await;
    assert_eq!(by_customer.status, 201, "{}", by_customer.json);
    assert_eq!(by_customer.json["created_by_id"], json!(401));
    // A customer's article is a public note, sent as the customer.
    assert_eq!(
        (
            by_customer.json["type"].clone(),
            by_customer.json["internal"].clone(),
            by_customer.json["sender"].clone()
        ),
        (json!("note"), json!(false), json!("Customer"))
    );
    let unknown = on_behalf("nobody@example.com").await;
    assert_eq!(unknown.status, 403);
    assert_eq!(
        unknown.json["error"],
        json!("No such user 'nobody@example.com'")
    );
}

#[tokio::test]
async fn articles_are_created_as_zammad_checks_them() {
    let (_simulator, client) = start().await;
    let missing_body = client
        .post(
            &api("/ticket_articles"),
            &json!({"ticket_id": 105, "type": "note"}),
        )
        .await;
    assert_eq!(missing_body.status, 422);
    assert_eq!(
        missing_body.json["error"],
        json!("Need at least an 'article body' field.")
    );
    let bad_file = client
        .post(
            &api("/ticket_articles"),
            &json!({"ticket_id": 105, "body": "x", "attachments": [
                {"filename": "a.txt", "data": "not base64!", "mime-type": "text/plain"}]}),
        )
        .await;
    assert_eq!(bad_file.status, 422);
    assert_eq!(
        bad_file.json["error"],
        json!("Invalid base64 for attachment with index '0'")
    );
    let created = client
        .post(
            &api("/ticket_articles"),
            &json!({"ticket_id": 105, "body": "<p>Internal</p>", "content_type": "text/html",
                "type": "note", "internal": true, "sender": "Agent",
                "attachments": [{"filename": "a.txt", "data": "aGVsbG8=", "mime-type": "text/plain"}]}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.json);
    assert_eq!(created.json["id"], json!(650));
    assert_eq!(created.json["created_by_id"], json!(301));
    let file = created.json["attachments"][0]["id"].as_u64().unwrap_or(0);
    let download = client
        .send(
            client
                .http
                .get(format!(
                    "{}{}",
                    client.base,
                    api(&format!("/ticket_attachment/105/650/{file}"))
                ))
                .header("authorization", client.authorization()),
        )
        .await;
    assert_eq!(download.status, 200);
    let listed = client
        .get(&api("/ticket_articles/by_ticket/105"), &[])
        .await;
    assert_eq!(ids(&listed), vec![650]);
}

#[tokio::test]
async fn tickets_are_created_updated_and_closed() {
    let (_simulator, client) = start().await;
    let no_title = client
        .post(&api("/tickets"), &json!({"title": "", "customer_id": 401}))
        .await;
    assert_eq!(no_title.status, 422);
    let no_group = client
        .post(&api("/tickets"), &json!({"title": "x", "customer_id": 401}))
        .await;
    assert_eq!(no_group.status, 422);
    assert_eq!(no_group.json["error_human"], json!("Group can't be blank"));
    let created = client
        .post(
            &api("/tickets"),
            &json!({"title": "Printer on fire", "customer_id": "guess:dana@customer.example",
                "group_id": 201,
                "priority_id": 4, "tags": "hardware, new-one",
                "article": {"body": "The office printer is on fire.", "type": "note",
                    "internal": false, "content_type": "text/plain"}}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.json);
    assert_eq!(created.json["id"], json!(150));
    assert_eq!(created.json["customer_id"], json!(401));
    assert_eq!(created.json["state_id"], json!(1));
    assert_eq!(
        created.json["created_at"],
        json!("2026-01-09T12:00:00.000Z")
    );
    let tags = client
        .get(&api("/tags"), &[("object", "Ticket"), ("o_id", "150")])
        .await;
    assert_eq!(tags.json, json!({"tags": ["hardware", "new-one"]}));
    let unknown = client
        .put(&api("/tickets/102"), &json!({"subject": "x"}))
        .await;
    assert_eq!(unknown.status, 422, "Zammad has no `subject`");
    let tags_on_update = client
        .put(&api("/tickets/102"), &json!({"tags": "a"}))
        .await;
    assert_eq!(tags_on_update.status, 422, "an update does not set tags");
    let pending = client
        .put(&api("/tickets/102"), &json!({"state_id": 3}))
        .await;
    assert_eq!(pending.status, 422, "pending needs pending_time");
    let closed = client
        .put(&api("/tickets/103"), &json!({"state_id": 4}))
        .await;
    assert_eq!(closed.status, 200);
    assert_eq!(closed.json["updated_at"], json!("2026-01-09T13:00:00.000Z"));
    assert_eq!(closed.json["close_at"], closed.json["updated_at"]);
    let assigned = client
        .put(
            &api("/tickets/104"),
            &json!({"owner_id": 303, "group_id": 202}),
        )
        .await;
    assert_eq!(
        (
            assigned.json["owner_id"].clone(),
            assigned.json["group_id"].clone()
        ),
        (json!(303), json!(202))
    );
    let customer_owner = client
        .put(&api("/tickets/104"), &json!({"owner_id": 401}))
        .await;
    assert_eq!(customer_owner.status, 422, "owners are agents");
}

#[tokio::test]
async fn tags_are_listed_created_added_and_removed() {
    let (_simulator, client) = start().await;
    let list = client.get(&api("/tag_list"), &[]).await;
    assert_eq!(
        list.json,
        json!([
            {"id": 5001, "name": "billing", "count": 8},
            {"id": 5002, "name": "hardware", "count": 4},
            {"id": 5003, "name": "vip", "count": 4},
        ])
    );
    let created = client
        .post(&api("/tag_list"), &json!({"name": "fresh"}))
        .await;
    assert_eq!((created.status, created.json.clone()), (200, json!({})));
    let added = client
        .post(
            &api("/tags/add"),
            &json!({"item": "fresh", "object": "Ticket", "o_id": 101}),
        )
        .await;
    assert_eq!((added.status, added.json.clone()), (201, json!(true)));
    let removed = client
        .write(
            Method::DELETE,
            &api("/tags/remove"),
            &json!({"item": "billing", "object": "Ticket", "o_id": 101}),
        )
        .await;
    assert_eq!((removed.status, removed.json.clone()), (200, json!(true)));
    let tags = client
        .get(&api("/tags"), &[("object", "Ticket"), ("o_id", "101")])
        .await;
    assert_eq!(tags.json, json!({"tags": ["fresh"]}));
    let list = client.get(&api("/tag_list"), &[]).await;
    assert_eq!(
        list.json[1],
        json!({"id": 5004, "name": "fresh", "count": 1})
    );
}

#[tokio::test]
async fn knowledge_answers_are_searched_and_read_with_their_contents() {
    let (_simulator, client) = start().await;
    let everything = client
        .post(&api("/knowledge_bases/search"), &json!({"query": ""}))
        .await;
    let kinds: Vec<&str> = everything.json["result"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["type"].as_str())
        .collect();
    assert_eq!(kinds.len(), 7, "five answers and two categories: {kinds:?}");
    let refund = client
        .post(
            &api("/knowledge_bases/search"),
            &json!({"knowledge_base_id": 1, "locale": "en-us", "query": "refund",
                "index": "KnowledgeBase::Answer::Translation", "url_type": "agent"}),
        )
        .await;
    assert_eq!(
        refund.json["result"],
        json!([{"id": 8804, "type": "KnowledgeBase::Answer::Translation"}])
    );
    assert_eq!(
        refund.json["details"][0]["url"],
        json!("/api/v1/knowledge_bases/1/answers/804?include_contents=8804")
    );
    let mut seen = Vec::new();
    for page in 1..=3 {
        let answers = client
            .post(
                &api("/knowledge_bases/search"),
                &json!({"query": "", "index": "KnowledgeBase::Answer::Translation",
                    "page": page, "per_page": 2}),
            )
            .await;
        seen.extend(ids(&Answer {
            json: answers.json["result"].clone(),
            ..answers
        }));
    }
    // Newest first: answers were written an hour apart, 801 first.
    assert_eq!(seen, vec![8805, 8804, 8803, 8802, 8801]);
    let answer = client
        .get(
            &api("/knowledge_bases/1/answers/805"),
            &[("include_contents", "9805")],
        )
        .await;
    assert_eq!(answer.json["id"], json!(805));
    let assets = &answer.json["assets"];
    assert_eq!(
        assets["KnowledgeBaseAnswer"]["805"]["published_at"],
        Value::Null,
        "a draft"
    );
    assert_eq!(
        assets["KnowledgeBaseAnswerTranslation"]["8805"]["content_id"],
        json!(9805)
    );
    assert_eq!(
        assets["KnowledgeBaseAnswerTranslationContent"]["9805"]["body"],
        json!("<p>The portal is coming soon.</p>")
    );
    let without = client
        .get(&api("/knowledge_bases/1/answers/805"), &[])
        .await;
    assert!(
        without.json["assets"]
            .get("KnowledgeBaseAnswerTranslationContent")
            .is_none()
    );
}

#[tokio::test]
async fn slas_and_escalation_times_are_served() {
    let (_simulator, client) = start().await;
    let sla = client.get(&api("/slas/901"), &[]).await;
    assert_eq!(sla.json["first_response_time"], json!(60));
    assert_eq!(sla.json["solution_time"], Value::Null);
    assert_eq!(sla.json["calendar_id"], json!(1));
    let ticket = client.get(&api("/tickets/101"), &[]).await;
    assert_eq!(
        ticket.json["first_response_escalation_at"],
        json!("2026-01-05T09:00:00.000Z")
    );
    assert_eq!(
        ticket.json["first_response_diff_in_min"],
        json!(-30),
        "breached"
    );
    let other = client.get(&api("/tickets/104"), &[]).await;
    assert_eq!(
        other.json["first_response_escalation_at"],
        Value::Null,
        "closed: no SLA"
    );
}

// ----- test hooks -----

#[tokio::test]
async fn hooks_change_tickets_between_two_listing_pages() {
    let (simulator, client) = start().await;
    {
        let state = simulator.state();
        let mut state = lock(&state);
        state.after_ticket_page(1, |st| {
            let at = chrono::DateTime::parse_from_rfc3339("2026-03-01T00:00:00Z")
                .map(|t| t.to_utc())
                .unwrap_or_default();
            st.touch_ticket(112, json!({"state_id": 2}), at);
            st.add_ticket(114, 2, &["vip"], at);
        });
    }
    // An offset walk ordered by update time, as a search without `sort_by` is.
    let query = |page: &'static str| {
        [
            ("query", "state_id:(1 OR 2)"),
            ("page", page),
            ("per_page", "3"),
        ]
    };
    let first = search(&client, &query("1")).await;
    assert_eq!(ids(&first), vec![110, 109, 106]);
    let second = search(&client, &query("2")).await;
    // 112 and 114 moved to the front: 109 and 106 come again, 112 and 114 are never seen.
    assert_eq!(ids(&second), vec![109, 106, 105]);
    assert!(lock(&simulator.state()).hooks.is_empty());
    // A keyset walk by id sees every ticket once.
    let after = search(
        &client,
        &[
            ("query", "state_id:(1 OR 2) AND id:>106"),
            ("sort_by", "id"),
            ("order_by", "asc"),
            ("per_page", "3"),
        ],
    )
    .await;
    assert_eq!(ids(&after), vec![109, 110, 112]);
    let tail = search(
        &client,
        &[
            ("query", "state_id:(1 OR 2) AND id:>112"),
            ("sort_by", "id"),
            ("order_by", "asc"),
            ("per_page", "3"),
        ],
    )
    .await;
    assert_eq!(ids(&tail), vec![114]);
}

#[tokio::test]
async fn unindexed_tickets_are_listed_but_not_searched() {
    let (simulator, client) = start().await;
    lock(&simulator.state()).unindexed.insert(102);
    let searched = search(&client, &[("query", "id:>100"), ("per_page", "200")]).await;
    assert!(!ids(&searched).contains(&102));
    let listed = client.get(&api("/tickets"), &[]).await;
    assert!(ids(&listed).contains(&102));
}

// ----- the profile: the world as served reads back under the contract's mapping -----

/// The contract's status mapping: by state type; type `removed` keeps the state's name.
fn status_of(state_type: u64, name: &str) -> support_core::TicketStatus {
    use support_core::TicketStatus::*;
    match state_type {
        1 => New,
        2 => Open,
        3 | 4 => Pending,
        5 | 6 => Closed,
        _ => Other(name.to_owned()),
    }
}

fn time(value: &Value) -> Option<chrono::DateTime<chrono::Utc>> {
    value
        .as_str()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.to_utc())
}

#[tokio::test]
async fn the_world_reads_back_under_the_contract_mapping() {
    use support_core::Priority;
    let world = zammad_world();
    let (_simulator, client) = start().await;
    let states = client.get(&api("/ticket_states"), &[]).await.json;
    let priorities = client.get(&api("/ticket_priorities"), &[]).await.json;
    let find = |list: &Value, id: &Value| {
        list.as_array()
            .into_iter()
            .flatten()
            .find(|r| &r["id"] == id)
            .cloned()
            .unwrap_or(Value::Null)
    };
    for fx in &world.tickets {
        let t = client
            .get(&api(&format!("/tickets/{}", fx.id)), &[])
            .await
            .json;
        let state = find(&states, &t["state_id"]);
        let status = status_of(
            state["state_type_id"].as_u64().unwrap_or(0),
            state["name"].as_str().unwrap_or(""),
        );
        assert_eq!(status, fx.status, "ticket {} status", fx.id);
        let priority = find(&priorities, &t["priority_id"]);
        let priority = match priority["name"].as_str().unwrap_or("") {
            "1 low" => Priority::Low,
            "2 normal" => Priority::Normal,
            "3 high" => Priority::High,
            name if name.contains("urgent") => Priority::Urgent,
            name => Priority::Other(name.to_owned()),
        };
        assert_eq!(Some(priority), fx.priority, "ticket {} priority", fx.id);
        let owner = t["owner_id"]
            .as_u64()
            .filter(|o| *o != 1)
            .map(|o| o.to_string());
        assert_eq!(owner, fx.assignee, "ticket {} owner", fx.id);
        let group = t["group_id"].as_u64().map(|g| g.to_string());
        assert_eq!(group, fx.group, "ticket {} group", fx.id);
        assert_eq!(
            t["customer_id"].to_string(),
            fx.requester,
            "ticket {}",
            fx.id
        );
        assert_eq!(t["title"], json!(fx.subject));
        assert_eq!(time(&t["created_at"]), Some(fx.created_at));
        assert_eq!(time(&t["updated_at"]), Some(fx.updated_at));
        let tags = client
            .get(&api("/tags"), &[("object", "Ticket"), ("o_id", &fx.id)])
            .await
            .json;
        assert_eq!(tags["tags"], json!(fx.tags), "ticket {} tags", fx.id);
        let clock =
            |at: &str, diff: &str| time(&t[at]).map(|due| (due, t[diff].as_i64().map(|d| d < 0)));
        let want = fx.sla.as_ref();
        assert_eq!(
            clock("first_response_escalation_at", "first_response_diff_in_min"),
            want.map(|s| (s.first_response_due, Some(s.first_response_breached))),
            "ticket {} first response clock",
            fx.id
        );
        assert_eq!(
            clock("close_escalation_at", "close_diff_in_min"),
            want.map(|s| (s.resolution_due, Some(s.resolution_breached))),
            "ticket {} solution clock",
            fx.id
        );
    }
    for fx in &world.comments {
        let list = client
            .get(
                &api(&format!("/ticket_articles/by_ticket/{}", fx.ticket)),
                &[],
            )
            .await
            .json;
        let a = find(&list, &json!(fx.id.parse::<u64>().unwrap_or(0)));
        assert_eq!(a["created_by_id"].to_string(), fx.author);
        assert_eq!(
            a["sender"].as_str().map(str::to_lowercase).as_deref(),
            Some(fx.author_kind.as_str()),
            "comment {}",
            fx.id
        );
        assert_eq!(a["body"], json!(fx.html));
        assert_eq!(
            a["internal"],
            json!(fx.visibility == support_core::Visibility::Internal)
        );
        assert_eq!(time(&a["created_at"]), Some(fx.created_at));
        let files: Vec<String> = a["attachments"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| format!("{}-{}-{}", fx.ticket, fx.id, f["id"]))
            .collect();
        let want: Vec<String> = fx.attachments.iter().map(|f| f.id.clone()).collect();
        assert_eq!(files, want, "comment {} files", fx.id);
    }
    let agents = client
        .get(
            &api("/users/search"),
            &[("permissions[]", "ticket.agent"), ("per_page", "200")],
        )
        .await
        .json;
    let roles = client.get(&api("/roles"), &[]).await.json;
    for fx in &world.agents {
        let u = find(&agents, &json!(fx.id.parse::<u64>().unwrap_or(0)));
        let role_names: Vec<String> = u["role_ids"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| find(&roles, r)["name"].as_str().unwrap_or("").to_owned())
            .collect();
        // The administrator holds Admin and Agent; the world names the first.
        assert_eq!(role_names.first(), Some(&fx.role), "agent {} role", fx.id);
        let mut groups: Vec<String> = u["group_ids"]
            .as_object()
            .map(|g| g.keys().cloned().collect())
            .unwrap_or_default();
        groups.sort();
        assert_eq!(groups, fx.groups, "agent {} groups", fx.id);
        assert_eq!(
            format!(
                "{} {}",
                u["firstname"].as_str().unwrap_or(""),
                u["lastname"].as_str().unwrap_or("")
            ),
            fx.name
        );
    }
    for fx in &world.articles {
        let answer = client
            .get(&api(&format!("/knowledge_bases/1/answers/{}", fx.id)), &[])
            .await
            .json;
        let assets = &answer["assets"];
        let a = &assets["KnowledgeBaseAnswer"][fx.id.as_str()];
        assert_eq!(a["category_id"].to_string(), fx.category);
        assert_eq!(
            !a["published_at"].is_null(),
            fx.published,
            "answer {}",
            fx.id
        );
        let tid = a["translation_ids"][0].to_string();
        let t = &assets["KnowledgeBaseAnswerTranslation"][tid.as_str()];
        assert_eq!(t["title"], json!(fx.title));
        assert_eq!(t["created_by_id"].to_string(), fx.author);
        assert_eq!(time(&t["created_at"]), Some(fx.created_at));
        let content = t["content_id"].to_string();
        let body = client
            .get(
                &api(&format!("/knowledge_bases/1/answers/{}", fx.id)),
                &[("include_contents", &content)],
            )
            .await
            .json;
        assert_eq!(
            body["assets"]["KnowledgeBaseAnswerTranslationContent"][content.as_str()]["body"],
            json!(fx.body_html)
        );
    }
    let policy = &world.sla_policies[0];
    let sla = client
        .get(&api(&format!("/slas/{}", policy.id)), &[])
        .await
        .json;
    assert_eq!(sla["name"], json!(policy.name));
    assert_eq!(
        policy
            .targets
            .iter()
            .map(|t| (t.minutes, t.business_hours))
            .collect::<Vec<_>>(),
        vec![(sla["first_response_time"].as_u64().unwrap_or(0), true)],
        "one first-response target, in business minutes on calendar {}",
        sla["calendar_id"]
    );
}
