//! When and how long to wait before trying a request again.
//!
//! Creating a dataset is not idempotent: a retry of a request that the
//! server did process creates a second dataset. So by default a request is
//! retried only when it certainly was not processed:
//!
//! - HTTP 429 (rate limited) and 503 (unavailable): the server refused it;
//! - a connection that could not be made: nothing was sent.
//!
//! *Ambiguous* failures, where the request may have been processed, are
//! retried only with [`RetryPolicy::with_ambiguous_retries`]: a timeout
//! after sending, a connection that broke mid-request, and HTTP 408, 500,
//! 502 and 504. Other statuses are final.
//!
//! The wait is the server's `retry-after-ms` or `Retry-After` (seconds or an
//! HTTP date), when it sends one, up to [`RetryPolicy::max_retry_after`];
//! otherwise exponential backoff, `min(initial · 2^n, max)`, less up to 25 %
//! jitter, so that many clients do not retry in step.

use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use std::time::{Duration, SystemTime};

/// How failed requests are retried. Build it from [`RetryPolicy::default`]
/// (or [`RetryPolicy::none`]) and the `with_*` setters.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 turns retries off. Default 2.
    pub max_retries: u32,
    /// The first backoff. Default 0.5 s.
    pub initial_backoff: Duration,
    /// The longest backoff. Default 8 s.
    pub max_backoff: Duration,
    /// The longest wait a server's Retry-After may ask for; a longer one
    /// is capped to this. Default 60 s.
    pub max_retry_after: Duration,
    /// Whether failures that may have been processed are retried. Default false.
    pub retry_ambiguous: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
            retry_ambiguous: false,
        }
    }
}

/// Whether a failed attempt may have been processed by the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Safety {
    /// Certainly not processed: safe to retry.
    NotProcessed,
    /// Perhaps processed.
    Ambiguous,
    /// Retrying will not help.
    Final,
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// Sets [`Self::max_retries`].
    pub fn with_max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// Sets [`Self::retry_ambiguous`]: also retry failures where the request
    /// may already have been processed. Only for requests that are safe to
    /// repeat.
    pub fn with_ambiguous_retries(mut self, retry: bool) -> Self {
        self.retry_ambiguous = retry;
        self
    }

    /// Sets [`Self::max_retry_after`].
    pub fn with_max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    /// Sets the backoff bounds.
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max;
        self
    }

    /// How long to wait before retry number `retry` (0-based), or `None` to stop.
    pub(crate) fn delay(
        &self,
        retry: u32,
        safety: Safety,
        headers: Option<&HeaderMap>,
    ) -> Option<Duration> {
        let allowed = match safety {
            Safety::NotProcessed => true,
            Safety::Ambiguous => self.retry_ambiguous,
            Safety::Final => false,
        };
        if !allowed || retry >= self.max_retries {
            return None;
        }
        match headers.and_then(|h| retry_after(h, SystemTime::now())) {
            Some(wait) => Some(wait.min(self.max_retry_after)),
            None => Some(self.backoff(retry, jitter())),
        }
    }

    /// Backoff for retry `retry`, with `jitter` in [0, 1) taking off up to 25 %.
    pub(crate) fn backoff(&self, retry: u32, jitter: f64) -> Duration {
        let factor = 2u32.saturating_pow(retry);
        let base = self
            .initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff);
        base.mul_f64(1.0 - 0.25 * jitter.clamp(0.0, 1.0))
    }
}

/// Classifies a response status.
pub(crate) fn status_safety(status: StatusCode) -> Safety {
    match status.as_u16() {
        429 | 503 => Safety::NotProcessed,
        408 | 500 | 502 | 504 => Safety::Ambiguous,
        _ => Safety::Final,
    }
}

/// Classifies a transport error.
pub(crate) fn transport_safety(error: &reqwest::Error) -> Safety {
    if error.is_connect() {
        Safety::NotProcessed
    } else if error.is_builder() {
        Safety::Final
    } else {
        Safety::Ambiguous
    }
}

/// The wait a response asks for: `retry-after-ms`, then `Retry-After` in
/// seconds, then as an HTTP date (relative to `now`).
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    // `try_from`: a server may send any number, and one too large for a
    // Duration must not panic; the caller caps the wait anyway.
    if let Some(ms) = text("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        if let Ok(wait) = Duration::try_from_secs_f64(ms / 1000.0) {
            return Some(wait);
        }
    }
    let value = text("retry-after")?;
    if let Ok(secs) = value.parse::<f64>() {
        return Duration::try_from_secs_f64(secs).ok();
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A number in [0, 1) that differs from call to call. Jitter needs no
/// cryptographic quality: std's randomly keyed hasher is enough.
fn jitter() -> f64 {
    use std::hash::{BuildHasher, RandomState};
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    (RandomState::new().hash_one(nanos) % 1_000_000) as f64 / 1_000_000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn statuses_are_classified_by_whether_the_request_was_processed() {
        for (status, safety) in [
            (429, Safety::NotProcessed),
            (503, Safety::NotProcessed),
            (500, Safety::Ambiguous),
            (502, Safety::Ambiguous),
            (504, Safety::Ambiguous),
            (408, Safety::Ambiguous),
            (400, Safety::Final),
            (401, Safety::Final),
            (404, Safety::Final),
            (422, Safety::Final),
        ] {
            assert_eq!(
                status_safety(StatusCode::from_u16(status).unwrap()),
                safety,
                "{status}"
            );
        }
    }

    #[test]
    fn ambiguous_failures_wait_for_opt_in() {
        let policy = RetryPolicy::default();
        assert!(policy.delay(0, Safety::Ambiguous, None).is_none());
        assert!(policy.delay(0, Safety::NotProcessed, None).is_some());
        assert!(policy.delay(0, Safety::Final, None).is_none());
        let opted = policy.with_ambiguous_retries(true);
        assert!(opted.delay(0, Safety::Ambiguous, None).is_some());
        assert!(opted.delay(0, Safety::Final, None).is_none());
    }

    #[test]
    fn retries_stop_at_the_maximum() {
        let policy = RetryPolicy::default().with_max_retries(2);
        assert!(policy.delay(1, Safety::NotProcessed, None).is_some());
        assert!(policy.delay(2, Safety::NotProcessed, None).is_none());
        assert!(RetryPolicy::none()
            .delay(0, Safety::NotProcessed, None)
            .is_none());
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_with_at_most_a_quarter_off() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff(0, 0.0), Duration::from_millis(500));
        assert_eq!(p.backoff(1, 0.0), Duration::from_secs(1));
        assert_eq!(p.backoff(3, 0.0), Duration::from_secs(4));
        assert_eq!(p.backoff(10, 0.0), Duration::from_secs(8));
        assert_eq!(p.backoff(40, 0.0), Duration::from_secs(8));
        assert_eq!(
            p.backoff(0, 0.999_999),
            Duration::from_millis(500).mul_f64(1.0 - 0.25 * 0.999_999)
        );
        for _ in 0..100 {
            let j = jitter();
            assert!((0.0..1.0).contains(&j));
        }
    }

    #[test]
    fn retry_after_in_every_form() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(
            retry_after(&headers(&[("retry-after-ms", "250")]), now),
            Some(Duration::from_millis(250))
        );
        assert_eq!(
            retry_after(&headers(&[("retry-after", "3")]), now),
            Some(Duration::from_secs(3))
        );
        let in_ten = httpdate::fmt_http_date(now + Duration::from_secs(10));
        assert_eq!(
            retry_after(&headers(&[("retry-after", &in_ten)]), now),
            Some(Duration::from_secs(10))
        );
        let past = httpdate::fmt_http_date(now - Duration::from_secs(10));
        assert_eq!(
            retry_after(&headers(&[("retry-after", &past)]), now),
            Some(Duration::ZERO)
        );
        // retry-after-ms wins over Retry-After.
        assert_eq!(
            retry_after(
                &headers(&[("retry-after-ms", "100"), ("retry-after", "9")]),
                now
            ),
            Some(Duration::from_millis(100))
        );
        assert_eq!(retry_after(&headers(&[("retry-after", "soon")]), now), None);
        assert_eq!(retry_after(&headers(&[("retry-after", "-1")]), now), None);
        assert_eq!(retry_after(&headers(&[("retry-after", "NaN")]), now), None);
        // Too large for a Duration: no panic, and no wait from this header.
        assert_eq!(
            retry_after(&headers(&[("retry-after", "1e300")]), now),
            None
        );
        assert_eq!(
            retry_after(
                &headers(&[("retry-after-ms", "1e300"), ("retry-after", "2")]),
                now
            ),
            Some(Duration::from_secs(2))
        );
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn server_waits_are_capped() {
        let policy = RetryPolicy::default();
        let h = headers(&[("retry-after", "3600")]);
        assert_eq!(
            policy.delay(0, Safety::NotProcessed, Some(&h)),
            Some(Duration::from_secs(60))
        );
    }
}
