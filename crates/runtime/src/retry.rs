//! When a failed request is tried again, and how long to wait first.
//!
//! Two questions decide it, and one table ([`Failure`]) answers both, for
//! the retries the runtime makes and for [`crate::Error`]'s answers to a
//! caller:
//!
//! - **Is the failure transient?** Could the same request succeed later:
//!   rate limits, server errors, timeouts, broken connections.
//! - **Was the request processed?** *No* when the server certainly did not
//!   act on it (it refused with 408, 425 or 429, a 503 that says when to
//!   come back, or Nebius's own 529; the connection never opened). *Maybe* when it may have
//!   (a timeout after sending, a connection that broke, 500, 502, 504, and
//!   a bare 503: a proxy can answer 503 after it forwarded the request,
//!   when the upstream connection resets before the response headers).
//!
//! | failure | transient | processed | retried for GET, HEAD, OPTIONS, PUT, DELETE | retried for POST, PATCH |
//! |---|---|---|---|---|
//! | connection refused, DNS failure | yes | no | yes | yes |
//! | 408, 425, 429; 503 with `Retry-After`; 529 | yes | no | yes | yes |
//! | timeout, connection reset mid-request | yes | maybe | yes | only with [`RetryPolicy::with_ambiguous_retries`] |
//! | 500, 502, 504; 503 without `Retry-After` | yes | maybe | yes | only with [`RetryPolicy::with_ambiguous_retries`] |
//! | other 4xx (400, 401, 402, 403, 404, 409, 422, ...) | no | yes | no | no |
//! | other 5xx (501, 505, ...) | no | maybe | no | no |
//! | any status with `x-should-retry: true` | yes | no | yes | yes |
//! | any status with `x-should-retry: false` | no | yes | no | no |
//!
//! 529 is Nebius Token Factory's own status for "inference service
//! overloaded": the inference service itself refuses the request before
//! processing it (no proxy sends 529), so it is repeated whatever the
//! method, as a 503 that says when to come back is, after its
//! `Retry-After` where it sends one and after the backoff otherwise.
//!
//! A server can decide for itself with `x-should-retry`, as OpenAI's does:
//! `true` makes any status a failure that is transient and certainly not
//! processed (retried whatever the method), `false` makes it final.
//!
//! An operation's idempotence follows its HTTP method, and can be set per
//! operation ([`RetryPolicy::with_idempotent`]) or per call
//! ([`crate::RequestOptions::with_idempotent`]).
//!
//! The wait is the server's `retry-after-ms` or `Retry-After` (seconds or an
//! HTTP date), when it sends one, up to [`RetryPolicy::max_retry_after`];
//! otherwise exponential backoff, `min(initial · 2^n, max)`, less up to 25 %
//! jitter, so that many clients do not retry in step.

use reqwest::header::HeaderMap;
use std::collections::BTreeMap;
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
    /// Whether failures that may have been processed are retried for
    /// operations that are not idempotent. Default false.
    pub retry_ambiguous: bool,
    /// Operations whose idempotence is set, by operation id, instead of
    /// following their method.
    pub idempotent: BTreeMap<String, bool>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
            retry_ambiguous: false,
            idempotent: BTreeMap::new(),
        }
    }
}

/// Whether a failed attempt may have been processed by the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Processed {
    /// Certainly not: repeating it is safe whatever the operation.
    No,
    /// Perhaps: repeating it is safe only for an idempotent operation.
    Maybe,
    /// Yes, and refused: repeating it gives the same answer.
    Yes,
}

/// What a failure says about trying again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failure {
    /// Whether the same request could succeed later.
    pub transient: bool,
    /// Whether the server may have acted on the request.
    pub processed: Processed,
}

impl Failure {
    /// An attempt that ran out of time after the request was sent.
    pub const TIMEOUT: Failure = Failure {
        transient: true,
        processed: Processed::Maybe,
    };

    /// A failure that retrying cannot help and that sent nothing.
    pub const FINAL: Failure = Failure {
        transient: false,
        processed: Processed::No,
    };

    /// The failure a response status says, with its headers; the
    /// server's `x-should-retry` overrides the status.
    pub fn of_status(status: u16, headers: Option<&HeaderMap>) -> Failure {
        match headers.and_then(should_retry) {
            Some(true) => {
                return Failure {
                    transient: true,
                    processed: Processed::No,
                }
            }
            Some(false) => {
                return Failure {
                    transient: false,
                    processed: Processed::Yes,
                }
            }
            None => {}
        }
        let (transient, processed) = match status {
            // 529: Nebius's "inference service overloaded", refused
            // before processing (see the module's documentation).
            408 | 425 | 429 | 529 => (true, Processed::No),
            503 if headers.is_some_and(|h| retry_after(h, SystemTime::now()).is_some()) => {
                (true, Processed::No)
            }
            500 | 502 | 503 | 504 => (true, Processed::Maybe),
            500..=599 => (false, Processed::Maybe),
            _ => (false, Processed::Yes),
        };
        Failure {
            transient,
            processed,
        }
    }

    /// The failure a transport error says.
    pub fn of_transport(error: &reqwest::Error) -> Failure {
        if error.is_connect() {
            Failure {
                transient: true,
                processed: Processed::No,
            }
        } else if error.is_builder() || error.is_redirect() {
            Failure::FINAL
        } else {
            // A timeout, or a connection that broke while the request or
            // the response was on the wire (reqwest calls a body that ends
            // early a decode error).
            Failure::TIMEOUT
        }
    }

    /// Whether repeating the request is safe and may succeed, for an
    /// operation that is (or is not) idempotent.
    pub fn is_safe_to_retry(&self, idempotent: bool) -> bool {
        self.transient
            && match self.processed {
                Processed::No => true,
                Processed::Maybe => idempotent,
                Processed::Yes => false,
            }
    }
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
    /// may already have been processed, for operations that are not
    /// idempotent. Only for requests that are safe to repeat.
    pub fn with_ambiguous_retries(mut self, retry: bool) -> Self {
        self.retry_ambiguous = retry;
        self
    }

    /// Sets whether the operation `operation_id` is idempotent, instead of
    /// going by its method: a POST that the API makes safe to repeat, or a
    /// PUT that is not.
    pub fn with_idempotent(mut self, operation_id: impl Into<String>, idempotent: bool) -> Self {
        self.idempotent.insert(operation_id.into(), idempotent);
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

    /// Whether the operation is idempotent: as set for it, else by method.
    pub(crate) fn is_idempotent(&self, operation_id: &str, by_method: bool) -> bool {
        self.idempotent
            .get(operation_id)
            .copied()
            .unwrap_or(by_method)
    }

    /// How long to wait before retry number `retry` (0-based), or `None` to
    /// stop.
    pub(crate) fn delay(
        &self,
        retry: u32,
        failure: Failure,
        idempotent: bool,
        headers: Option<&HeaderMap>,
    ) -> Option<Duration> {
        let allowed = failure.transient
            && match failure.processed {
                Processed::No => true,
                Processed::Maybe => idempotent || self.retry_ambiguous,
                Processed::Yes => false,
            };
        if !allowed || retry >= self.max_retries {
            return None;
        }
        match headers.and_then(|h| retry_after(h, SystemTime::now())) {
            Some(wait) => Some(wait.min(self.max_retry_after)),
            None => Some(self.backoff(retry, jitter())),
        }
    }

    /// Backoff for retry `retry`, with `jitter` in [0, 1) taking off up to
    /// 25 %. Any policy, `Duration::MAX` included, gives a wait.
    pub(crate) fn backoff(&self, retry: u32, jitter: f64) -> Duration {
        let factor = 2u32.saturating_pow(retry);
        let base = self
            .initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff);
        let scale = 1.0 - 0.25 * jitter.clamp(0.0, 1.0);
        // `mul_f64` panics when the product does not fit a Duration, which
        // rounding can make happen near `Duration::MAX`.
        Duration::try_from_secs_f64(base.as_secs_f64() * scale).map_or(base, |wait| wait.min(base))
    }
}

/// The server's `x-should-retry`: `true` or `false`, or nothing.
fn should_retry(headers: &HeaderMap) -> Option<bool> {
    match headers.get("x-should-retry")?.to_str().ok()?.trim() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
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
    fn the_status_table() {
        let no = Processed::No;
        let maybe = Processed::Maybe;
        let yes = Processed::Yes;
        let with_wait = headers(&[("retry-after", "1")]);
        for (status, h, transient, processed) in [
            (408, None, true, no),
            (425, None, true, no),
            (429, None, true, no),
            (503, Some(&with_wait), true, no),
            (503, None, true, maybe),
            (529, None, true, no),
            (529, Some(&with_wait), true, no),
            (500, None, true, maybe),
            (502, None, true, maybe),
            (504, None, true, maybe),
            (501, None, false, maybe),
            (505, None, false, maybe),
            (400, None, false, yes),
            (401, None, false, yes),
            (404, None, false, yes),
            (409, None, false, yes),
            (422, None, false, yes),
        ] {
            assert_eq!(
                Failure::of_status(status, h),
                Failure {
                    transient,
                    processed
                },
                "{status}"
            );
        }
    }

    #[test]
    fn the_server_decides_with_x_should_retry() {
        let policy = RetryPolicy::default();
        let retry = headers(&[("x-should-retry", "true")]);
        let stop = headers(&[("x-should-retry", "false")]);
        let unclear = headers(&[("x-should-retry", "perhaps")]);
        // A 400 the server says to repeat is repeated, even for a POST.
        let told = Failure::of_status(400, Some(&retry));
        assert!(told.transient && told.processed == Processed::No);
        assert!(policy.delay(0, told, false, Some(&retry)).is_some());
        // A 429 it says not to repeat is not.
        let forbidden = Failure::of_status(429, Some(&stop));
        assert!(!forbidden.transient);
        assert!(policy.delay(0, forbidden, true, Some(&stop)).is_none());
        // Anything else leaves the status to decide.
        assert_eq!(
            Failure::of_status(429, Some(&unclear)),
            Failure::of_status(429, None)
        );
    }

    #[test]
    fn ambiguous_failures_are_retried_for_idempotent_operations_or_on_opt_in() {
        let policy = RetryPolicy::default();
        let maybe = Failure::of_status(502, None);
        let not_processed = Failure::of_status(429, None);
        let refused = Failure::of_status(400, None);
        assert!(policy.delay(0, maybe, false, None).is_none());
        assert!(policy.delay(0, maybe, true, None).is_some());
        assert!(policy.delay(0, not_processed, false, None).is_some());
        assert!(policy.delay(0, refused, true, None).is_none());
        let opted = policy.with_ambiguous_retries(true);
        assert!(opted.delay(0, maybe, false, None).is_some());
        assert!(opted.delay(0, refused, false, None).is_none());
        // The same table answers the caller.
        assert!(maybe.is_safe_to_retry(true) && !maybe.is_safe_to_retry(false));
        assert!(not_processed.is_safe_to_retry(false));
        assert!(!refused.is_safe_to_retry(true));
    }

    #[test]
    fn idempotence_is_set_per_operation_over_the_method() {
        let policy = RetryPolicy::default()
            .with_idempotent("create_chat_completion", true)
            .with_idempotent("put_thing", false);
        assert!(policy.is_idempotent("create_chat_completion", false));
        assert!(!policy.is_idempotent("put_thing", true));
        assert!(policy.is_idempotent("get_thing", true));
        assert!(!policy.is_idempotent("create_thing", false));
    }

    #[test]
    fn retries_stop_at_the_maximum() {
        let policy = RetryPolicy::default().with_max_retries(2);
        let f = Failure::of_status(429, None);
        assert!(policy.delay(1, f, false, None).is_some());
        assert!(policy.delay(2, f, false, None).is_none());
        assert!(RetryPolicy::none().delay(0, f, false, None).is_none());
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_with_at_most_a_quarter_off() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff(0, 0.0), Duration::from_millis(500));
        assert_eq!(p.backoff(1, 0.0), Duration::from_secs(1));
        assert_eq!(p.backoff(3, 0.0), Duration::from_secs(4));
        assert_eq!(p.backoff(10, 0.0), Duration::from_secs(8));
        assert_eq!(p.backoff(40, 0.0), Duration::from_secs(8));
        let quarter_off = p.backoff(0, 0.999_999);
        assert!(
            quarter_off < Duration::from_millis(376) && quarter_off > Duration::from_millis(374)
        );
        for _ in 0..100 {
            let j = jitter();
            assert!((0.0..1.0).contains(&j));
        }
    }

    #[test]
    fn backoff_never_panics_whatever_the_policy() {
        for policy in [
            RetryPolicy::default().with_backoff(Duration::MAX, Duration::MAX),
            RetryPolicy::default().with_backoff(Duration::ZERO, Duration::ZERO),
            RetryPolicy::default().with_backoff(Duration::MAX, Duration::ZERO),
            RetryPolicy::default().with_backoff(Duration::from_nanos(1), Duration::MAX),
        ] {
            for retry in [0, 1, 31, 32, 1000, u32::MAX] {
                for jitter in [0.0, 0.5, 0.999_999, 1.0, -3.0, f64::NAN] {
                    assert!(policy.backoff(retry, jitter) <= policy.max_backoff);
                }
            }
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
    fn an_overloaded_nebius_is_retried_for_any_method_after_its_wait() {
        let policy = RetryPolicy::default();
        let wait = headers(&[("retry-after", "3")]);
        let overloaded = Failure::of_status(529, Some(&wait));
        // A POST is repeated: the request was refused before processing.
        assert_eq!(
            policy.delay(0, overloaded, false, Some(&wait)),
            Some(Duration::from_secs(3))
        );
        assert!(overloaded.is_safe_to_retry(false));
        // Without a wait, the backoff decides.
        let bare = Failure::of_status(529, None);
        let backoff = policy.delay(0, bare, false, None).unwrap();
        assert!(backoff <= policy.initial_backoff, "{backoff:?}");
        // The server's x-should-retry still decides over the status.
        let stop = headers(&[("x-should-retry", "false")]);
        assert!(!Failure::of_status(529, Some(&stop)).transient);
    }

    #[test]
    fn server_waits_are_capped() {
        let policy = RetryPolicy::default();
        let h = headers(&[("retry-after", "3600")]);
        assert_eq!(
            policy.delay(0, Failure::of_status(429, Some(&h)), false, Some(&h)),
            Some(Duration::from_secs(60))
        );
    }
}
