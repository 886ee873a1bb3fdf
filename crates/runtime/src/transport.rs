//! The transport: what every attempt of every operation goes through.
//!
//! progenitor's generated code builds each request (URL, parameters, body)
//! and hands it to the client's `ClientHooks::exec`; the generator makes
//! that hook call [`Transport::exec`], and no generated client compiles
//! without it. One attempt there:
//!
//! - adds the headers of the view's [`RequestOptions`] (their credentials
//!   known to the call, for scrubbing), the configured AI Studio project
//!   where the operation takes one ([`crate::project`]), then the bearer token (a header
//!   marked sensitive, so it never prints), the user agent and
//!   [`RETRY_COUNT`], and joins cookie parameters into one `Cookie`;
//! - follows redirects by the rules of [`crate::redirect`];
//! - reads the body of an error response, up to [`MAX_ERROR_BODY`], so that
//!   a misbehaving server cannot fill memory; a success's body is read by
//!   the generated code within the same attempt, and so under its timeout,
//!   and a stream is left to be read as it arrives.
//!
//! Retries, the attempt timeout, the tracing span and the errors are the
//! call's: see [`crate::call`].

use crate::endpoint::{Endpoint, ResponseKind};
use crate::error::Error;
use crate::options::RequestOptions;
use crate::scrub::Scrubber;
use crate::{redirect, scope, RetryPolicy, Secret};
use bytes::Bytes;
use reqwest::header::{
    HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, COOKIE, USER_AGENT,
};
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The header that says which retry an attempt is: 0 for the first.
pub const RETRY_COUNT: &str = "x-retry-count";
const RETRY_COUNT_HEADER: HeaderName = HeaderName::from_static(RETRY_COUNT);

/// How much of an error response is read: enough for any message, not
/// enough for a misbehaving server to fill memory.
pub const MAX_ERROR_BODY: usize = 64 * 1024;

/// The largest successful JSON body read, by default: 64 MiB
/// ([`TransportConfig::max_json_body`]). A larger one fails the call with
/// [`Error::ResponseTooLarge`], refused from its `Content-Length` where it
/// announces one, else once that much has been read.
pub const DEFAULT_MAX_JSON_BODY: usize = 64 * 1024 * 1024;

/// How long one attempt may take, by default: to the end of the body, or
/// to the response headers for a stream. Uploads of large datasets need
/// minutes, hence the generous bound.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);

/// How long a stream may go without an event, line or chunk, by default.
pub const DEFAULT_STREAM_IDLE_TIMEOUT: Duration = Duration::from_secs(120);

/// Everything a [`Transport`] needs; [`TransportConfig::new`] fills in
/// the defaults.
#[derive(Clone)]
#[non_exhaustive]
pub struct TransportConfig {
    /// The API key, sent as a bearer token.
    pub api_key: Secret,
    /// The HTTP client. Build it with [`crate::http_client`], or with
    /// `redirect::Policy::none()`, so that the transport's redirect rules
    /// apply.
    pub http: reqwest::Client,
    /// The `User-Agent` header.
    pub user_agent: String,
    /// See [`DEFAULT_TIMEOUT`].
    pub timeout: Duration,
    /// See [`DEFAULT_STREAM_IDLE_TIMEOUT`].
    pub stream_idle_timeout: Duration,
    /// The largest successful JSON body read, in bytes; see
    /// [`DEFAULT_MAX_JSON_BODY`]. Streams and downloads are not held in
    /// memory, and have their own bounds.
    pub max_json_body: usize,
    /// How failed attempts are retried.
    pub retry: RetryPolicy,
    /// The AI Studio project of every operation that takes one, where the
    /// call names none.
    pub ai_project_id: Option<String>,
}

impl TransportConfig {
    /// The defaults, with this key and HTTP client.
    pub fn new(api_key: Secret, http: reqwest::Client) -> Self {
        Self {
            api_key,
            http,
            user_agent: concat!("nebius-tokenfactory-rust/", env!("CARGO_PKG_VERSION")).into(),
            timeout: DEFAULT_TIMEOUT,
            stream_idle_timeout: DEFAULT_STREAM_IDLE_TIMEOUT,
            max_json_body: DEFAULT_MAX_JSON_BODY,
            retry: RetryPolicy::default(),
            ai_project_id: None,
        }
    }
}

/// The runtime under every operation: the inner value of the generated
/// client. Cheap to clone; clones share one connection pool.
#[derive(Clone)]
pub struct Transport {
    pub(crate) shared: Arc<Shared>,
    pub(crate) options: RequestOptions,
}

pub(crate) struct Shared {
    pub http: reqwest::Client,
    pub api_key: Secret,
    pub auth: HeaderValue,
    pub user_agent: HeaderValue,
    pub timeout: Duration,
    pub stream_idle_timeout: Duration,
    pub max_json_body: usize,
    pub retry: RetryPolicy,
    pub ai_project_id: Option<String>,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("api_key", &self.shared.api_key)
            .field("timeout", &self.timeout())
            .field("stream_idle_timeout", &self.stream_idle_timeout())
            .field("retry", &self.policy())
            .field("ai_project_id", &self.ai_project_id())
            .field("options", &self.options)
            .finish()
    }
}

impl Transport {
    /// A transport with these settings. Fails if the key or the user agent
    /// cannot go in an HTTP header.
    pub fn new(config: TransportConfig) -> Result<Self, Error> {
        let mut auth = HeaderValue::from_str(&format!("Bearer {}", config.api_key.expose()))
            .map_err(|_| Error::InvalidApiKey)?;
        auth.set_sensitive(true);
        let user_agent = HeaderValue::from_str(&config.user_agent)
            .map_err(|_| Error::InvalidUserAgent(config.user_agent.clone()))?;
        Ok(Self {
            shared: Arc::new(Shared {
                http: config.http,
                api_key: config.api_key,
                auth,
                user_agent,
                timeout: config.timeout,
                stream_idle_timeout: config.stream_idle_timeout,
                max_json_body: config.max_json_body,
                retry: config.retry,
                ai_project_id: config.ai_project_id,
            }),
            options: RequestOptions::default(),
        })
    }

    /// The HTTP client requests go through.
    pub fn http(&self) -> &reqwest::Client {
        &self.shared.http
    }

    /// A view of this transport whose calls use `options` over the
    /// settings (and the earlier options) of this one.
    pub fn with_options(&self, options: RequestOptions) -> Self {
        Self {
            shared: self.shared.clone(),
            options: self.options.merged(options),
        }
    }

    /// The options of this view.
    pub fn options(&self) -> &RequestOptions {
        &self.options
    }

    /// How long one attempt may take.
    pub fn timeout(&self) -> Duration {
        self.options.timeout.unwrap_or(self.shared.timeout)
    }

    /// How long a stream may go without an event, line or chunk.
    pub fn stream_idle_timeout(&self) -> Duration {
        self.options
            .stream_idle_timeout
            .unwrap_or(self.shared.stream_idle_timeout)
    }

    /// The AI Studio project of this view's calls, if one is configured.
    pub fn ai_project_id(&self) -> Option<&str> {
        self.options
            .ai_project_id
            .as_deref()
            .or(self.shared.ai_project_id.as_deref())
    }

    /// The retry policy, with this view's options applied.
    pub fn policy(&self) -> Cow<'_, RetryPolicy> {
        let mut policy = match &self.options.retry_policy {
            Some(p) => Cow::Borrowed(p),
            None => Cow::Borrowed(&self.shared.retry),
        };
        if let Some(retries) = self.options.max_retries {
            policy.to_mut().max_retries = retries;
        }
        policy
    }

    /// Whether calls of `endpoint` through this view may be repeated after
    /// a failure that may have been processed.
    pub fn is_idempotent(&self, endpoint: &Endpoint) -> bool {
        self.options.idempotent.unwrap_or_else(|| {
            self.policy()
                .is_idempotent(endpoint.operation_id, endpoint.is_idempotent())
        })
    }

    /// A scrubber for the running call: the API key, and every credential
    /// the call serialised.
    pub(crate) fn scrubber<'a>(&'a self, secrets: &'a [Secret]) -> Scrubber<'a> {
        Scrubber {
            api_key: &self.shared.api_key,
            secrets,
        }
    }

    /// One attempt of `request` to `endpoint`: what the generated client's
    /// `ClientHooks::exec` runs.
    pub async fn exec(
        &self,
        mut request: reqwest::Request,
        endpoint: &Endpoint,
    ) -> reqwest::Result<reqwest::Response> {
        if let (Some(parameter), Some(project)) = (endpoint.project, self.ai_project_id()) {
            crate::project::apply(&mut request, parameter, project);
        }
        let headers = request.headers_mut();
        // The view's own headers first, so that the client's below win.
        for (name, value) in &self.options.headers {
            if value.is_sensitive() {
                if let Ok(text) = value.to_str() {
                    scope::remember_secret(&Secret::from(text));
                }
            }
            headers.insert(name.clone(), value.clone());
        }
        // Room for the three below, so that the map grows once at most.
        headers.reserve(3);
        headers.insert(AUTHORIZATION, self.shared.auth.clone());
        headers.insert(USER_AGENT, self.shared.user_agent.clone());
        // As openai-python does: servers (and their logs) can tell a retry
        // from a new request.
        headers.insert(RETRY_COUNT_HEADER, retry_count(scope::retries()));
        join_cookies(headers, endpoint.cookies);
        // A stream or download says what it takes, as `send_stream` does:
        // a server that negotiates must not pick JSON.
        if endpoint.response.is_stream()
            && !endpoint.media_type.is_empty()
            && !headers.contains_key(ACCEPT)
        {
            if let Ok(accept) = HeaderValue::from_str(endpoint.media_type) {
                headers.insert(ACCEPT, accept);
            }
        }
        // An earlier attempt was redirected within the origin, with a body
        // it could not send again: this one goes there.
        if let Some(url) = scope::redirect() {
            *request.url_mut() = url;
        }
        let response = redirect::follow(&self.shared.http, request).await?;
        let status = response.status();
        scope::record_status(status.as_u16());
        if !status.is_success() {
            return buffered(response, Cap::Cut(MAX_ERROR_BODY), endpoint.response, self).await;
        }
        // A JSON success's body is read here, inside the attempt and so
        // under its timeout, up to the bound on JSON bodies: to refuse a
        // larger one before it fills memory, to log it, and to give a
        // bodiless answer the `null` its type expects. Progenitor's code
        // decodes it from memory. Streams and downloads are left unread.
        match endpoint.response {
            ResponseKind::Json => {
                let limit = self.shared.max_json_body;
                if response
                    .content_length()
                    .is_some_and(|length| length > limit as u64)
                {
                    return Ok(too_large(response, limit));
                }
                buffered(response, Cap::Refuse(limit), endpoint.response, self).await
            }
            _ => Ok(response),
        }
    }
}

/// The `x-retry-count` value of retry `n`.
fn retry_count(n: u32) -> HeaderValue {
    const SMALL: [&str; 4] = ["0", "1", "2", "3"];
    match SMALL.get(n as usize) {
        Some(text) => HeaderValue::from_static(text),
        None => HeaderValue::from(n),
    }
}

/// Moves the cookie parameters, which the generated code sends as headers
/// of their own names, into one `Cookie` header.
fn join_cookies(headers: &mut HeaderMap, names: &[&str]) {
    let mut pairs = Vec::new();
    for name in names {
        if let Some(value) = headers.remove(*name) {
            if let Ok(value) = value.to_str() {
                pairs.push(format!("{name}={value}"));
            }
        }
    }
    if pairs.is_empty() {
        return;
    }
    if let Some(existing) = headers.get(COOKIE).and_then(|v| v.to_str().ok()) {
        pairs.insert(0, existing.to_string());
    }
    if let Ok(value) = HeaderValue::from_str(&pairs.join("; ")) {
        headers.insert(COOKIE, value);
    }
}

/// What [`buffered`] does with a body over its bound.
#[derive(Clone, Copy)]
enum Cap {
    /// Keeps its start, up to this many bytes: an error body, whose start
    /// says all there is to say.
    Cut(usize),
    /// Refuses it ([`too_large`]): a JSON success, which decodes whole or
    /// not at all.
    Refuse(usize),
}

/// `response` with its body read into memory, up to the cap (the rest is
/// not read), and logged at TRACE, scrubbed.
async fn buffered(
    mut response: reqwest::Response,
    cap: Cap,
    kind: ResponseKind,
    transport: &Transport,
) -> reqwest::Result<reqwest::Response> {
    let mut body: Vec<u8> = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        match cap {
            Cap::Cut(cap) if body.len() + chunk.len() > cap => {
                body.extend_from_slice(&chunk[..cap - body.len()]);
                break;
            }
            Cap::Refuse(limit) if body.len() + chunk.len() > limit => {
                return Ok(too_large(response, limit));
            }
            _ => body.extend_from_slice(&chunk),
        }
    }
    // A JSON operation whose 2xx came with no body: the codegen made its
    // type nullable (see its `responses` pass), and `null` says "none".
    if body.is_empty() && kind == ResponseKind::Json && response.status().is_success() {
        body.extend_from_slice(b"null");
    }
    if tracing::enabled!(tracing::Level::TRACE) {
        let state = scope::current();
        let excerpt = transport.scrubber(&state.secrets).excerpt(&body);
        tracing::trace!(status = response.status().as_u16(), body = %excerpt, "response body");
    }
    let mut rebuilt = http::Response::new(Bytes::from(body));
    *rebuilt.status_mut() = response.status();
    *rebuilt.version_mut() = response.version();
    *rebuilt.headers_mut() = std::mem::take(response.headers_mut());
    Ok(reqwest::Response::from(rebuilt))
}

/// `response` refused for a body over `limit` bytes, the rest of it
/// unread: the call fails with [`Error::ResponseTooLarge`], as the running
/// call is told. The body left in its place says the same, for code that
/// decodes it outside a call.
fn too_large(mut response: reqwest::Response, limit: usize) -> reqwest::Response {
    scope::record_too_large(limit);
    let said = format!("the response is larger than the {limit}-byte bound on JSON bodies");
    let mut rebuilt = http::Response::new(Bytes::from(said));
    *rebuilt.status_mut() = response.status();
    *rebuilt.version_mut() = response.version();
    let mut headers = std::mem::take(response.headers_mut());
    headers.remove(reqwest::header::CONTENT_LENGTH);
    *rebuilt.headers_mut() = headers;
    reqwest::Response::from(rebuilt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_parameters_join_one_cookie_header() {
        let mut h = HeaderMap::new();
        h.insert("session", HeaderValue::from_static("abc"));
        h.insert("state", HeaderValue::from_static("x y"));
        h.insert("other", HeaderValue::from_static("kept"));
        join_cookies(&mut h, &["session", "state", "absent"]);
        assert_eq!(h.get(COOKIE).unwrap(), "session=abc; state=x y");
        assert!(h.get("session").is_none() && h.get("other").is_some());
    }

    #[test]
    fn debug_never_prints_the_key() {
        crate::ensure_crypto_provider();
        let transport = Transport::new(TransportConfig::new(
            Secret::from("sk-very-secret"),
            reqwest::Client::new(),
        ))
        .unwrap();
        let text = format!("{transport:?}");
        assert!(
            !text.contains("sk-very-secret") && text.contains("REDACTED"),
            "{text}"
        );
    }

    #[test]
    fn keys_and_agents_that_cannot_be_headers_are_refused() {
        crate::ensure_crypto_provider();
        let http = reqwest::Client::new();
        let err =
            Transport::new(TransportConfig::new(Secret::from("a\nb"), http.clone())).unwrap_err();
        assert!(matches!(err, Error::InvalidApiKey));
        let mut config = TransportConfig::new(Secret::from("k"), http);
        config.user_agent = "bad\u{1}agent".into();
        assert!(matches!(
            Transport::new(config),
            Err(Error::InvalidUserAgent(_))
        ));
    }
}
