//! What an adapter provides to run the suite: its port, and (offline) its simulator.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use support_core::{Operation, SupportPort};

use crate::world::World;

/// An adapter under test.
#[async_trait]
pub trait Harness: Send + Sync {
    /// The port with working credentials.
    fn port(&self) -> Arc<dyn SupportPort>;

    /// The world the provider holds: the standard world offline, `None` against a live account.
    fn world(&self) -> Option<&World>;

    /// The simulator, offline; `None` against a live account or a provider without HTTP.
    fn simulator(&self) -> Option<&dyn Simulator>;
}

/// A provider simulator's extra powers: bad credentials and injected failures.
#[async_trait]
pub trait Simulator: Send + Sync {
    /// A port whose credentials the simulator rejects with the provider's 401.
    async fn port_with_bad_credentials(&self) -> Arc<dyn SupportPort>;

    /// A port on a fresh copy of the world whose first `fault.times` requests made by `operation`'s
    /// scenario input are answered with `fault`, and later ones normally.
    async fn port_with_fault(&self, operation: Operation, fault: Fault) -> Faulted;

    /// Bodies that are well-formed JSON but not a complete page of `operation`'s listing, as the
    /// provider would spell them beyond the neutral `{}` and `{"error":…}`: items `null`, "more"
    /// without a way to get it. Empty by default.
    fn broken_pages(&self, _operation: Operation) -> Vec<String> {
        Vec::new()
    }
}

/// A failure a simulator answers with.
#[derive(Clone, Debug, PartialEq)]
pub struct Fault {
    /// The HTTP status (429, 503, ...).
    pub status: u16,
    /// The `Retry-After` header to send.
    pub retry_after: Option<Duration>,
    /// How many requests get the fault before normal service resumes (`usize::MAX`: all).
    pub times: usize,
    /// How long the answer is held back (past a port's request timeout, for a stalled server).
    pub delay: Option<Duration>,
    /// The body to answer with (`None`: a JSON error body naming the status), for a success that is
    /// not what the operation expects.
    pub body: Option<String>,
    /// Instead of `status` and `body`: the simulator's own answer, lost after its headers.
    pub after_headers: Option<AfterHeaders>,
    /// Whether the answer's body (in every field a provider's error body has) and its request id
    /// header echo the request's `Authorization` header and the credentials it carries, as a careless
    /// or hostile provider might.
    pub echo_credentials: bool,
    /// Instead of `status` and `body`: the simulator's own answer to the same request with the
    /// first id in its path (or, when the path names none, in its query string: a record read by a
    /// query) replaced by the second, as a provider that mixes up records would give.
    pub answered_as: Option<(String, String)>,
}

/// How an answer is lost once its status and headers were sent (an answer without a body, a
/// `204`, loses the second half of its head instead).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AfterHeaders {
    /// Half the body, then the connection closes.
    CutShort,
    /// Half the body, then the connection is reset (`SO_LINGER` 0).
    Reset,
    /// Half the body, then nothing for this long (past a port's request timeout), then a close.
    Stall(Duration),
}

impl Fault {
    /// `status` with the simulator's JSON error body, at once, for the first `times` requests.
    fn answer(status: u16, times: usize) -> Self {
        Self {
            status,
            retry_after: None,
            times,
            delay: None,
            body: None,
            after_headers: None,
            echo_credentials: false,
            answered_as: None,
        }
    }

    /// A 503 for the first request only.
    pub fn unavailable_once() -> Self {
        Self::answer(503, 1)
    }

    /// A `200` with `body` (a page that is no page, say) for the first `times` requests.
    pub fn success_with(body: impl Into<String>, times: usize) -> Self {
        Self {
            body: Some(body.into()),
            ..Self::answer(200, times)
        }
    }

    /// The simulator's own answer to the first `times` requests, lost `how` after its headers
    /// (whatever its status: a write it applied, a page it served).
    pub fn lost_after_headers(how: AfterHeaders, times: usize) -> Self {
        Self {
            after_headers: Some(how),
            ..Self::answer(200, times)
        }
    }

    /// A 429 with this `Retry-After` for the first `times` requests.
    pub fn throttled(retry_after: Duration, times: usize) -> Self {
        Self {
            retry_after: Some(retry_after),
            ..Self::answer(429, times)
        }
    }

    /// The first request is answered only after `delay` (a 503, should the client still wait),
    /// later ones at once: a server that stalls once.
    pub fn stalled_once(delay: Duration) -> Self {
        Self {
            delay: Some(delay),
            ..Self::answer(503, 1)
        }
    }

    /// Every request for the record `asked` is answered with the simulator's answer about the record
    /// `answered` (the ids as the provider spells them in paths).
    pub fn answered_as(asked: impl Into<String>, answered: impl Into<String>) -> Self {
        Self {
            status: 200,
            answered_as: Some((asked.into(), answered.into())),
            ..Self::answer(200, usize::MAX)
        }
    }

    /// Every request is answered with `status` and a body that echoes the request's credentials
    /// (see [`Fault::echo_credentials`]).
    pub fn echoing_credentials(status: u16) -> Self {
        Self {
            echo_credentials: true,
            ..Self::answer(status, usize::MAX)
        }
    }
}

/// Whether the wait an error hands on is the wait a throttling fault asked for: exactly, or (for a
/// provider that names the end of its window as a Unix time in whole seconds, as Intercom's
/// `X-RateLimit-Reset` does) less than a second shorter, never longer.
pub fn hands_on_wait(asked: Duration, handed: Option<Duration>) -> bool {
    handed.is_some_and(|handed| {
        handed <= asked && asked.saturating_sub(handed) < Duration::from_secs(1)
    })
}

/// A port with an injected fault, and the count of requests the operation made.
#[derive(Clone)]
pub struct Faulted {
    /// The port.
    pub port: Arc<dyn SupportPort>,
    /// Requests made to the faulted endpoint so far.
    pub requests: RequestCounter,
}

impl std::fmt::Debug for Faulted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Faulted")
            .field("port", &self.port)
            .field("requests", &self.requests.get())
            .finish()
    }
}

/// A shared request count.
#[derive(Clone, Debug, Default)]
pub struct RequestCounter(Arc<AtomicUsize>);

impl RequestCounter {
    /// A counter at zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts one request and returns how many came before it.
    pub fn hit(&self) -> usize {
        self.0.fetch_add(1, Ordering::SeqCst)
    }

    /// The count.
    pub fn get(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wait_is_handed_on_to_within_a_second_never_longer() {
        let hour = Duration::from_secs(3600);
        assert!(hands_on_wait(hour, Some(hour)));
        assert!(hands_on_wait(hour, Some(Duration::from_millis(3_599_350))));
        assert!(!hands_on_wait(hour, Some(Duration::from_secs(3599))));
        assert!(!hands_on_wait(hour, Some(hour + Duration::from_millis(1))));
        assert!(!hands_on_wait(hour, None));
    }
}
