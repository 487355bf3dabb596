//! Ports built against a simulator: the settings every adapter's test ports share.

use std::sync::Arc;
use std::time::Duration;

use support_core::SupportPort;
use support_core::http::RetryPolicy;

/// The retry policy of ports under test: the default attempts and budget with a 10 ms first backoff,
/// so retried scenarios finish quickly on the real clock and in few steps on a paused one.
pub fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        initial_backoff: Duration::from_millis(10),
        ..RetryPolicy::default()
    }
}

/// A port a builder made for the simulator, as the suite takes it.
///
/// # Panics
///
/// When the builder refused: the simulator's base URL and credentials are the test's own, so a
/// refusal is a broken test set-up, reported with the builder's reason.
pub fn built<P: SupportPort + 'static>(port: support_core::Result<P>) -> Arc<dyn SupportPort> {
    match port {
        Ok(port) => Arc::new(port),
        Err(error) => panic!("the simulator's port must build: {error}"),
    }
}
