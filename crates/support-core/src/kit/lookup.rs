//! A cache for the definitions an account holds (custom statuses, ticket fields, roles, sections),
//! which mapping needs on every page but which change rarely.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::{Error, ErrorKind};

/// Account definitions read once per time to live.
///
/// - **One load for everyone**: concurrent callers that find the cache empty or stale wait for a single
///   load and share its result.
/// - **Failures that will not heal soon are remembered**: a load refused with 403 or 404 (a plan
///   without the feature, a role without access) is answered from the cache with the same error until
///   the time to live passes, so a listing of a hundred pages does not ask a hundred times.
/// - **Transient failures are not**: throttling, timeouts, 5xx and the like are returned to the
///   caller and the next call loads again.
///
/// The clock is tokio's, so tests can drive it with a paused runtime.
pub struct LookupCache<T> {
    what: &'static str,
    ttl: Duration,
    slot: Mutex<Slot<T>>,
}

enum Slot<T> {
    Empty,
    Loaded { value: Arc<T>, at: Instant },
    Refused { error: Error, at: Instant },
}

impl<T> fmt::Debug for LookupCache<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LookupCache")
            .field("what", &self.what)
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

impl<T> LookupCache<T> {
    /// A cache of `what` (named in logs: `"ticket fields"`) that keeps a load for `ttl`.
    pub fn new(what: &'static str, ttl: Duration) -> Self {
        Self {
            what,
            ttl,
            slot: Mutex::new(Slot::Empty),
        }
    }

    /// What the cache holds, as named at construction.
    pub fn what(&self) -> &'static str {
        self.what
    }

    /// The cached value, loading it with `load` when there is none or it is older than the time to
    /// live.
    pub async fn get_or_load<F, Fut>(&self, load: F) -> Result<Arc<T>, Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        self.get_or_load_covering(|_| true, load).await
    }

    /// Like [`LookupCache::get_or_load`], but a fresh value is reloaded too when `covers` says it does
    /// not answer this caller (a section id it has never seen, say).
    pub async fn get_or_load_covering<F, Fut>(
        &self,
        covers: impl FnOnce(&T) -> bool,
        load: F,
    ) -> Result<Arc<T>, Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        // Held across the load: callers arriving meanwhile wait here and then find it loaded.
        let mut slot = self.slot.lock().await;
        let now = Instant::now();
        match &*slot {
            Slot::Loaded { value, at } if now.duration_since(*at) < self.ttl && covers(value) => {
                return Ok(value.clone());
            }
            Slot::Refused { error, at } if now.duration_since(*at) < self.ttl => {
                return Err(replay(error));
            }
            _ => {}
        }
        match load().await {
            Ok(value) => {
                let value = Arc::new(value);
                *slot = Slot::Loaded {
                    value: value.clone(),
                    at: Instant::now(),
                };
                Ok(value)
            }
            Err(error) => {
                if lasting(&error) {
                    *slot = Slot::Refused {
                        error: replay(&error),
                        at: Instant::now(),
                    };
                }
                Err(error)
            }
        }
    }

    /// The cached value, or `T::default()` when it cannot be read: for lookups that only enrich
    /// mapping (labels of custom statuses), so that a listing goes on without them. The failure is
    /// logged at debug level.
    pub async fn get_or_default<F, Fut>(&self, load: F) -> Arc<T>
    where
        T: Default,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        match self.get_or_load(load).await {
            Ok(value) => value,
            Err(error) => {
                tracing::debug!(%error, "{} unavailable; mapping without them", self.what);
                Arc::default()
            }
        }
    }

    /// The cached value when one is loaded and younger than the time to live, without waiting or
    /// loading: `None` when there is none, it is stale, or a load is under way. For mapping that
    /// can start with what is at hand and ask [`get_or_load`](Self::get_or_load) only when an
    /// object turns out to need it.
    pub fn fresh(&self) -> Option<Arc<T>> {
        let slot = self.slot.try_lock().ok()?;
        match &*slot {
            Slot::Loaded { value, at } if Instant::now().duration_since(*at) < self.ttl => {
                Some(value.clone())
            }
            _ => None,
        }
    }

    /// Forgets what is cached, so the next call loads.
    pub async fn invalidate(&self) {
        *self.slot.lock().await = Slot::Empty;
    }
}

/// Whether a failure will still hold on the next page: the definitions are missing or forbidden.
fn lasting(error: &Error) -> bool {
    matches!(
        error.kind(),
        ErrorKind::PermissionDenied | ErrorKind::NotFound
    )
}

/// The same error again, for the next caller (errors are not `Clone`: their source is dropped).
fn replay(error: &Error) -> Error {
    let mut copy = Error::new(error.kind().clone(), error.provider());
    if let Some(operation) = error.operation() {
        copy = copy.with_operation(operation);
    }
    if let Some(status) = error.status() {
        copy = copy.with_status(status);
    }
    if let Some(code) = error.code() {
        copy = copy.with_code(code);
    }
    if let Some(request_id) = error.request_id() {
        copy = copy.with_request_id(request_id);
    }
    if let Some(message) = error.message() {
        copy = copy.with_message(message);
    }
    if let Some(excerpt) = error.body_excerpt() {
        copy = copy.with_body_excerpt(excerpt.as_bytes());
    }
    copy
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    const TTL: Duration = Duration::from_secs(300);

    async fn load(
        calls: &AtomicUsize,
        result: impl FnOnce() -> Result<u32, Error>,
    ) -> Result<u32, Error> {
        calls.fetch_add(1, Ordering::SeqCst);
        tokio::task::yield_now().await;
        result()
    }

    #[tokio::test(start_paused = true)]
    async fn what_is_fresh_is_at_hand_without_a_load() {
        let cache = LookupCache::new("ticket fields", TTL);
        assert_eq!(cache.fresh(), None, "nothing loaded yet");
        let calls = AtomicUsize::new(0);
        cache.get_or_load(|| load(&calls, || Ok(7))).await.unwrap();
        assert_eq!(cache.fresh().as_deref(), Some(&7));
        tokio::time::advance(TTL).await;
        assert_eq!(cache.fresh(), None, "stale");
        let refused = LookupCache::<u32>::new("ticket fields", TTL);
        let _ = refused
            .get_or_load(|| load(&calls, || Err(Error::new(ErrorKind::NotFound, "freshdesk"))))
            .await;
        assert_eq!(refused.fresh(), None, "a refusal is not a value");
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn values_are_kept_for_their_time_to_live() {
        let cache = LookupCache::new("roles", TTL);
        let calls = AtomicUsize::new(0);
        for _ in 0..3 {
            let value = cache.get_or_load(|| load(&calls, || Ok(7))).await.unwrap();
            assert_eq!(*value, 7);
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        tokio::time::advance(TTL).await;
        cache.get_or_load(|| load(&calls, || Ok(8))).await.unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn a_refused_lookup_is_not_requested_again_within_its_time_to_live() {
        let cache = LookupCache::<u32>::new("ticket fields", TTL);
        let calls = AtomicUsize::new(0);
        let forbidden = || {
            Err(Error::new(ErrorKind::PermissionDenied, "p")
                .with_status(403)
                .with_message("no access to ticket fields"))
        };
        // A hundred pages, each wanting the lookup.
        for _ in 0..100 {
            let error = cache
                .get_or_load(|| load(&calls, forbidden))
                .await
                .unwrap_err();
            assert_eq!(error.kind(), &ErrorKind::PermissionDenied);
            assert_eq!(error.status(), Some(403));
            assert_eq!(error.message(), Some("no access to ticket fields"));
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        tokio::time::advance(TTL - Duration::from_secs(1)).await;
        assert!(cache.get_or_load(|| load(&calls, forbidden)).await.is_err());
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        tokio::time::advance(Duration::from_secs(1)).await;
        let value = cache.get_or_load(|| load(&calls, || Ok(5))).await.unwrap();
        assert_eq!(*value, 5);
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn not_found_is_remembered_and_defaults_stand_in() {
        let cache = LookupCache::<u32>::new("custom statuses", TTL);
        let calls = AtomicUsize::new(0);
        let missing = || Err(Error::new(ErrorKind::NotFound, "p").with_status(404));
        for _ in 0..5 {
            assert_eq!(*cache.get_or_default(|| load(&calls, missing)).await, 0);
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn transient_failures_are_loaded_again() {
        let cache = LookupCache::<u32>::new("roles", TTL);
        let calls = AtomicUsize::new(0);
        for kind in [
            ErrorKind::Provider { status: 503 },
            ErrorKind::Timeout,
            ErrorKind::RateLimited { retry_after: None },
        ] {
            let error = cache
                .get_or_load(|| load(&calls, || Err(Error::new(kind.clone(), "p"))))
                .await
                .unwrap_err();
            assert_eq!(error.kind(), &kind);
        }
        assert_eq!(calls.load(Ordering::SeqCst), 3);
        assert_eq!(
            *cache.get_or_load(|| load(&calls, || Ok(1))).await.unwrap(),
            1
        );
        assert_eq!(calls.load(Ordering::SeqCst), 4);
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_callers_share_one_load() {
        let cache = Arc::new(LookupCache::new("sections", TTL));
        let calls = Arc::new(AtomicUsize::new(0));
        let callers = (0..16).map(|_| {
            let cache = cache.clone();
            let calls = calls.clone();
            tokio::spawn(async move {
                cache
                    .get_or_load(|| async {
                        calls.fetch_add(1, Ordering::SeqCst);
                        // A slow account: every caller arrives while this load is in flight.
                        tokio::time::sleep(Duration::from_secs(2)).await;
                        Ok::<_, Error>(42u32)
                    })
                    .await
            })
        });
        for caller in futures::future::join_all(callers).await {
            assert_eq!(*caller.unwrap().unwrap(), 42);
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_value_that_does_not_answer_is_reloaded() {
        let cache = LookupCache::new("sections", TTL);
        let calls = AtomicUsize::new(0);
        cache.get_or_load(|| load(&calls, || Ok(1))).await.unwrap();
        let value = cache
            .get_or_load_covering(|v| *v >= 2, || load(&calls, || Ok(2)))
            .await
            .unwrap();
        assert_eq!(*value, 2);
        cache.invalidate().await;
        cache.get_or_load(|| load(&calls, || Ok(3))).await.unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }
}
