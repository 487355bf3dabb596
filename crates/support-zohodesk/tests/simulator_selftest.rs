//! Raw-HTTP checks of the Zohodesk simulator itself, independent of the adapter (what it serves,
//! what it rejects), and the shared adapter suites on it.

mod simulator;

use std::time::Duration;

use serde_json::json;
use simulator::{
    TOKEN, WRONG_TOKEN, ZohodeskSimulator, authorization, port_factory, zohodesk_world,
};
use support_conformance::sim::SimClient;
use support_conformance::suites::SuiteTarget;
use support_conformance::{Fault, Harness, Simulator};
use support_core::{ErrorKind, Operation};

/// The Zohodesk adapter on this simulator, for the shared suites.
struct ZohodeskOnSimulator;

#[support_core::async_trait(?Send)]
impl SuiteTarget for ZohodeskOnSimulator {
    async fn start(&self, request_timeout: Option<Duration>) -> Box<dyn Harness> {
        Box::new(ZohodeskSimulator::start(zohodesk_world(), port_factory(request_timeout)).await)
    }

    fn secrets(&self) -> Vec<String> {
        vec![TOKEN.into(), WRONG_TOKEN.into()]
    }
}

support_conformance::adapter_suite!(ZohodeskOnSimulator);

#[tokio::test]
async fn credentials_are_checked_before_any_route() {
    let simulator = ZohodeskSimulator::start(zohodesk_world(), port_factory(None)).await;
    let client = SimClient::new(simulator.base_url(), authorization(TOKEN));
    let answer = client.get("/api/ping", &[]).await;
    assert_eq!(answer.status, 200, "{}", answer.json);
    client
        .assert_unauthenticated(
            "/api/ping",
            &[None, Some(authorization(WRONG_TOKEN))],
            &json!({"code": "unauthorized", "message": "invalid credentials"}),
        )
        .await;
    assert_eq!(
        simulator.requests().len(),
        1,
        "only answered routes are logged"
    );
}

#[tokio::test(start_paused = true)]
async fn the_connection_check_reaches_the_simulator() {
    let simulator = ZohodeskSimulator::start(zohodesk_world(), port_factory(None)).await;
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
