//! When and how long to wait before trying a request again.

use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName, RETRY_AFTER};

/// Retry limits shared by every adapter.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 disables retries).
    pub max_attempts: u32,
    /// Backoff before the second attempt; doubled for each further one.
    pub initial_backoff: Duration,
    /// Longest backoff between two attempts.
    pub max_backoff: Duration,
    /// Longest total time spent waiting between attempts of one call.
    pub budget: Duration,
    /// Longest wait a provider may ask for (`Retry-After` or a reset header) that is waited out; a longer
    /// one is returned to the caller as `RateLimited { retry_after }`.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            budget: Duration::from_secs(60),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Exponential backoff with equal jitter: half the step is fixed, half random, so that clients that
    /// failed together do not retry together.
    pub fn backoff(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1));
        let step = self
            .initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff);
        let half = step / 2;
        half + half.mul_f64(fastrand::f64())
    }
}

/// How a provider says when its rate-limit window resets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResetHeader {
    /// Seconds from now (`ratelimit-reset: 41`).
    DeltaSeconds(HeaderName),
    /// A Unix timestamp in seconds (`X-RateLimit-Reset: 1700000000`).
    UnixSeconds(HeaderName),
}

/// The wait a throttled or unavailable response asks for: `Retry-After` (seconds or an HTTP date) first,
/// then the provider's reset headers.
pub fn requested_wait(headers: &HeaderMap, reset_headers: &[ResetHeader]) -> Option<Duration> {
    retry_after(headers).or_else(|| {
        reset_headers.iter().find_map(|reset| match reset {
            ResetHeader::DeltaSeconds(name) => header_u64(headers, name).map(Duration::from_secs),
            // The header counts whole seconds, and so does the wait: from the start of the
            // current second to the start of the one named (never less than asked).
            ResetHeader::UnixSeconds(name) => {
                let at = header_u64(headers, name)?;
                let now = SystemTime::now()
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .ok()?
                    .as_secs();
                Some(Duration::from_secs(at.saturating_sub(now)))
            }
        })
    })
}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0)
            .then(|| Duration::from_secs_f64(seconds.min(86_400.0)));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

fn header_u64(headers: &HeaderMap, name: &HeaderName) -> Option<u64> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

/// Whether a status means the provider did not process the request and asks to come back.
pub(crate) fn is_throttled(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS
}

/// Whether a status is a transient server failure worth retrying for an idempotent call.
pub(crate) fn is_transient(status: StatusCode) -> bool {
    matches!(
        status,
        StatusCode::INTERNAL_SERVER_ERROR
            | StatusCode::BAD_GATEWAY
            | StatusCode::SERVICE_UNAVAILABLE
            | StatusCode::GATEWAY_TIMEOUT
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(
                HeaderName::from_static(name),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        map
    }

    #[test]
    fn retry_after_accepts_seconds_and_http_dates() {
        assert_eq!(
            requested_wait(&headers(&[("retry-after", "7")]), &[]),
            Some(Duration::from_secs(7))
        );
        let in_a_minute = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(61));
        let wait = requested_wait(&headers(&[("retry-after", &in_a_minute)]), &[]).unwrap();
        assert!(
            wait > Duration::from_secs(55) && wait <= Duration::from_secs(61),
            "{wait:?}"
        );
        let past = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(60));
        assert_eq!(
            requested_wait(&headers(&[("retry-after", &past)]), &[]),
            Some(Duration::ZERO)
        );
        assert_eq!(
            requested_wait(&headers(&[("retry-after", "soon")]), &[]),
            None
        );
        assert_eq!(
            requested_wait(&headers(&[("retry-after", "-3")]), &[]),
            None
        );
    }

    #[test]
    fn reset_headers_are_a_fallback() {
        let resets = [
            ResetHeader::DeltaSeconds(HeaderName::from_static("ratelimit-reset")),
            ResetHeader::UnixSeconds(HeaderName::from_static("x-ratelimit-reset")),
        ];
        assert_eq!(
            requested_wait(&headers(&[("ratelimit-reset", "41")]), &resets),
            Some(Duration::from_secs(41))
        );
        let soon = (SystemTime::now() + Duration::from_secs(30))
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            .to_string();
        let wait = requested_wait(&headers(&[("x-ratelimit-reset", &soon)]), &resets).unwrap();
        assert!(wait <= Duration::from_secs(30) && wait >= Duration::from_secs(29));
        assert_eq!(
            wait.subsec_nanos(),
            0,
            "whole seconds, as the header counts"
        );
        assert_eq!(
            requested_wait(&headers(&[("x-ratelimit-reset", "1000")]), &resets),
            Some(Duration::ZERO)
        );
        assert_eq!(
            requested_wait(
                &headers(&[("retry-after", "2"), ("ratelimit-reset", "41")]),
                &resets
            ),
            Some(Duration::from_secs(2))
        );
    }

    #[test]
    fn backoff_doubles_within_bounds() {
        let policy = RetryPolicy {
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(300),
            ..RetryPolicy::default()
        };
        for _ in 0..50 {
            let first = policy.backoff(1);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
            let second = policy.backoff(2);
            assert!(second >= Duration::from_millis(100) && second <= Duration::from_millis(200));
            let capped = policy.backoff(10);
            assert!(capped >= Duration::from_millis(150) && capped <= Duration::from_millis(300));
        }
    }
}
