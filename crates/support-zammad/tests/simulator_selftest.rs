//! Raw-HTTP checks of the Zammad simulator itself, independent of the adapter (what it serves,
//! what it rejects), and the shared adapter suites on it.

mod simulator;

use std::time::Duration;

use serde_json::json;
use simulator::{
    API, LOGIN, OAUTH_TOKEN, PASSWORD, TOKEN, WRONG_TOKEN, ZammadSimulator, authorization, bearer,
    port_factory, zammad_world,
};
use support_conformance::sim::{Answer, SimClient, basic_authorization};
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
