//! The conformance suite against the Zendesk simulator (offline) or a real account (live, with
//! `SUPPORT_CONFORMANCE_LIVE=1` and the `SUPPORT_ZENDESK_*` variables).

mod simulator;

use std::sync::Arc;
use std::time::Duration;

use simulator::{PortFactory, ZendeskSimulator, zendesk_world};
use support_conformance::{Harness, Report, Simulator, World, live_requested};
use support_core::SupportPort;
use support_core::http::RetryPolicy;
use support_zendesk::ZendeskPort;

/// Ports against the simulator: no request timeout (the clock is paused, and a paused clock fires
/// every timer while the runtime waits on a socket) and quick backoff.
fn factory() -> PortFactory {
    Arc::new(
        |base_url: &str, email: &str, token: &str| -> Arc<dyn SupportPort> {
            let port = ZendeskPort::builder()
                .base_url(base_url)
                .api_token(email, token)
                .request_timeout(None)
                .retry_policy(RetryPolicy {
                    initial_backoff: Duration::from_millis(10),
                    ..RetryPolicy::default()
                })
                .build();
            match port {
                Ok(port) => Arc::new(port),
                Err(error) => panic!("the simulator's port must build: {error}"),
            }
        },
    )
}

#[tokio::test(start_paused = true)]
async fn conformance_offline() {
    let simulator = ZendeskSimulator::start(zendesk_world(), factory()).await;
    let report = support_conformance::run(&simulator).await;
    report.write_if_requested();
    report.assert_passed();
}

struct LiveHarness {
    port: Arc<dyn SupportPort>,
}

impl Harness for LiveHarness {
    fn port(&self) -> Arc<dyn SupportPort> {
        self.port.clone()
    }

    fn world(&self) -> Option<&World> {
        None
    }

    fn simulator(&self) -> Option<&dyn Simulator> {
        None
    }
}

#[tokio::test]
async fn conformance_live() {
    if !live_requested() {
        eprintln!("live conformance not requested (set SUPPORT_CONFORMANCE_LIVE=1)");
        return;
    }
    let report = match ZendeskPort::from_env() {
        Ok(port) => {
            support_conformance::run(&LiveHarness {
                port: Arc::new(port),
            })
            .await
        }
        Err(error) => {
            let why = error.to_string();
            eprintln!("{why}");
            Report::live_skipped(support_zendesk::PROVIDER, &why)
        }
    };
    report.write_if_requested();
    report.assert_passed();
}
