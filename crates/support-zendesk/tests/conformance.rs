//! The conformance suite, one test per scenario (`cargo test -p support-zendesk --test conformance
//! paginates` runs one), against the Zendesk simulator, or against a real account with
//! `SUPPORT_CONFORMANCE_LIVE=1` and the `SUPPORT_ZENDESK_*` variables.

mod simulator;

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use simulator::{PortFactory, ZendeskSimulator, zendesk_world};
use support_conformance::Suite;
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

fn main() -> ExitCode {
    Suite::new(support_zendesk::PROVIDER)
        .offline(|| ZendeskSimulator::start(zendesk_world(), factory()))
        .live(ZendeskPort::from_env)
        .run()
}
