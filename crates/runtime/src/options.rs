//! Settings one call can override: timeout, retries, idempotence, the AI
//! Studio project, and headers of its own.
//!
//! They apply the same way to every operation, generated or not, because
//! they ride on the client rather than on each operation's builder:
//! `client.with_options(RequestOptions::new().with_timeout(..))` gives a
//! view of the client (sharing its connections) whose calls use them.

use crate::RetryPolicy;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use std::time::Duration;

/// Overrides of the client's settings for the calls made through one view
/// of it. Unset fields keep the client's.
///
/// ```
/// use nebius_tokenfactory_runtime::RequestOptions;
/// use std::time::Duration;
///
/// let quick = RequestOptions::new()
///     .with_timeout(Duration::from_secs(5))
///     .with_max_retries(0);
/// assert_eq!(quick.timeout, Some(Duration::from_secs(5)));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestOptions {
    /// How long one attempt may take: to the end of the body, or to the
    /// response headers for a stream.
    pub timeout: Option<Duration>,
    /// How long a stream may go without an event, line or chunk.
    pub stream_idle_timeout: Option<Duration>,
    /// The retry policy.
    pub retry_policy: Option<RetryPolicy>,
    /// Retries after the first attempt, over the policy's own.
    pub max_retries: Option<u32>,
    /// Whether the operation is idempotent, over its method and the policy.
    pub idempotent: Option<bool>,
    /// The AI Studio project of the calls, over the client's: it goes to
    /// every operation that takes one and is not given one by the call.
    pub ai_project_id: Option<String>,
    /// Headers added to every request (see [`Self::with_header`]).
    pub headers: HeaderMap,
}

impl RequestOptions {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets [`Self::timeout`].
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sets [`Self::stream_idle_timeout`].
    pub fn with_stream_idle_timeout(mut self, timeout: Duration) -> Self {
        self.stream_idle_timeout = Some(timeout);
        self
    }

    /// Sets [`Self::retry_policy`].
    pub fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry_policy = Some(policy);
        self
    }

    /// Sets [`Self::max_retries`].
    pub fn with_max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }

    /// Sets [`Self::idempotent`]: whether the calls may be repeated after
    /// a failure that may have been processed.
    pub fn with_idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = Some(idempotent);
        self
    }

    /// Sets [`Self::ai_project_id`].
    pub fn with_ai_project_id(mut self, project: impl Into<String>) -> Self {
        self.ai_project_id = Some(project.into());
        self
    }

    /// Adds a header to every request made through the view: for a proxy
    /// or gateway in front of the API, or a header the API adds before
    /// the spec says so. A value marked sensitive
    /// ([`HeaderValue::set_sensitive`]) is a credential, like the API key:
    /// `Debug` never prints it, it is scrubbed from anything the server
    /// sends back, and it does not follow a redirect to another origin.
    /// `Authorization` (the API key), `User-Agent` (see the client's
    /// builder) and `x-retry-count` stay the client's.
    ///
    /// ```
    /// use nebius_tokenfactory_runtime::RequestOptions;
    /// use reqwest::header::{HeaderName, HeaderValue};
    ///
    /// let mut key = HeaderValue::from_static("sk-gateway-123");
    /// key.set_sensitive(true);
    /// let options = RequestOptions::new()
    ///     .with_header(HeaderName::from_static("x-team"), HeaderValue::from_static("search"))
    ///     .with_header(HeaderName::from_static("x-gateway-key"), key);
    /// let printed = format!("{options:?}");
    /// assert!(printed.contains("search") && !printed.contains("sk-gateway-123"));
    /// ```
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.insert(name, value);
        self
    }

    /// These options, with `over`'s set fields in place of these, and its
    /// headers over these.
    pub(crate) fn merged(&self, over: RequestOptions) -> RequestOptions {
        let mut headers = self.headers.clone();
        for (name, value) in &over.headers {
            headers.insert(name.clone(), value.clone());
        }
        RequestOptions {
            headers,
            timeout: over.timeout.or(self.timeout),
            stream_idle_timeout: over.stream_idle_timeout.or(self.stream_idle_timeout),
            retry_policy: over.retry_policy.or_else(|| self.retry_policy.clone()),
            max_retries: over.max_retries.or(self.max_retries),
            idempotent: over.idempotent.or(self.idempotent),
            ai_project_id: over.ai_project_id.or_else(|| self.ai_project_id.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_options_win_field_by_field() {
        let first = RequestOptions::new()
            .with_timeout(Duration::from_secs(1))
            .with_max_retries(5);
        let merged = first.merged(
            RequestOptions::new()
                .with_max_retries(0)
                .with_idempotent(true),
        );
        assert_eq!(merged.timeout, Some(Duration::from_secs(1)));
        assert_eq!(merged.max_retries, Some(0));
        assert_eq!(merged.idempotent, Some(true));
    }

    #[test]
    fn headers_add_up_and_later_ones_win() {
        let name = |n: &'static str| HeaderName::from_static(n);
        let first = RequestOptions::new()
            .with_header(name("x-a"), HeaderValue::from_static("1"))
            .with_header(name("x-b"), HeaderValue::from_static("1"));
        let merged = first
            .merged(RequestOptions::new().with_header(name("x-b"), HeaderValue::from_static("2")));
        assert_eq!(merged.headers["x-a"], "1");
        assert_eq!(merged.headers["x-b"], "2");
    }
}
