//! The conformance suite, one test per scenario (`cargo test -p support-freshdesk --test
//! conformance paginates` runs one), against the Freshdesk simulator, or against a real helpdesk
//! with `SUPPORT_CONFORMANCE_LIVE=1`, `SUPPORT_FRESHDESK_DOMAIN` and `SUPPORT_FRESHDESK_API_KEY`.

mod simulator;

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use simulator::{FreshdeskSimulator, PortFactory, freshdesk_world};
use support_conformance::Suite;
use support_core::SupportPort;
use support_core::http::RetryPolicy;
use support_freshdesk::FreshdeskPort;

/// Ports against the simulator: no request timeout (the clock is paused, and a paused clock fires
/// every timer while the runtime waits on a socket) and quick backoff.
pub fn factory() -> PortFactory {
    Arc::new(|base_url: &str, api_key: &str| -> Arc<dyn SupportPort> {
        let port = FreshdeskPort::builder()
            .base_url(base_url)
            .api_key(api_key)
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
    })
}

fn main() -> ExitCode {
    Suite::new(support_freshdesk::PROVIDER)
        .offline(|| FreshdeskSimulator::start(freshdesk_world(), factory()))
        .live(FreshdeskPort::from_env)
        .run()
}
