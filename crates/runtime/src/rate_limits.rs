//! The API's rate-limit headers.
//!
//! Nebius Token Factory limits requests and tokens over rolling windows and
//! reports the state in `x-ratelimit-*` headers, as OpenAI does:
//! `remaining` and `limit` counts, and `reset` durations such as `1s`,
//! `6m0s` or `250ms` (or plain seconds). Every response carries them
//! ([`crate::Response::rate_limits`]), and so does a rate-limited error.

use reqwest::header::HeaderMap;
use std::time::Duration;

/// The rate-limit headers of one response; each `None` where absent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RateLimits {
    /// `x-ratelimit-limit-requests`.
    pub limit_requests: Option<u64>,
    /// `x-ratelimit-limit-tokens`.
    pub limit_tokens: Option<u64>,
    /// `x-ratelimit-remaining-requests`.
    pub remaining_requests: Option<u64>,
    /// `x-ratelimit-remaining-tokens`.
    pub remaining_tokens: Option<u64>,
    /// `x-ratelimit-reset-requests`: until the request count refills.
    pub reset_requests: Option<Duration>,
    /// `x-ratelimit-reset-tokens`: until the token count refills.
    pub reset_tokens: Option<Duration>,
}

impl RateLimits {
    /// Reads the headers; values that do not parse count as absent.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let text = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
        };
        let count = |name: &str| text(name).and_then(|v| v.parse::<u64>().ok());
        let reset = |name: &str| text(name).and_then(parse_duration);
        Self {
            limit_requests: count("x-ratelimit-limit-requests"),
            limit_tokens: count("x-ratelimit-limit-tokens"),
            remaining_requests: count("x-ratelimit-remaining-requests"),
            remaining_tokens: count("x-ratelimit-remaining-tokens"),
            reset_requests: reset("x-ratelimit-reset-requests"),
            reset_tokens: reset("x-ratelimit-reset-tokens"),
        }
    }

    /// Whether the response carried none of the headers.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// `1h2m3.5s`, `250ms`, `6m0s`, or a plain number of seconds.
fn parse_duration(text: &str) -> Option<Duration> {
    if let Ok(secs) = text.parse::<f64>() {
        return Duration::try_from_secs_f64(secs).ok();
    }
    let mut total = 0.0_f64;
    let mut rest = text;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let value: f64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 0.001,
            "us" | "µs" => 0.000_001,
            "ns" => 0.000_000_001,
            _ => return None,
        };
        total += value * scale;
        rest = &rest[unit_len..];
    }
    Duration::try_from_secs_f64(total).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn every_header_is_read_and_durations_take_every_form() {
        let mut h = HeaderMap::new();
        for (k, v) in [
            ("x-ratelimit-limit-requests", "600"),
            ("x-ratelimit-limit-tokens", "400000"),
            ("x-ratelimit-remaining-requests", "599"),
            ("x-ratelimit-remaining-tokens", "not a number"),
            ("x-ratelimit-reset-requests", "6m0s"),
            ("x-ratelimit-reset-tokens", "250ms"),
        ] {
            h.insert(k, HeaderValue::from_static(v));
        }
        let limits = RateLimits::from_headers(&h);
        assert_eq!(
            limits,
            RateLimits {
                limit_requests: Some(600),
                limit_tokens: Some(400_000),
                remaining_requests: Some(599),
                remaining_tokens: None,
                reset_requests: Some(Duration::from_secs(360)),
                reset_tokens: Some(Duration::from_millis(250)),
            }
        );
        assert!(RateLimits::from_headers(&HeaderMap::new()).is_empty());
        assert_eq!(
            parse_duration("1h2m3.5s"),
            Some(Duration::from_secs_f64(3723.5))
        );
        assert_eq!(parse_duration("12"), Some(Duration::from_secs(12)));
        for bad in ["", "5 minutes", "s", "1e400", "-3s", "1x"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }
}
