//! Client configuration: from the environment or a builder.

use crate::{Error, RetryPolicy, Secret};
use nebius_tokenfactory_api::runtime::{self, Transport, TransportConfig};
use std::fmt;
use std::time::Duration;

/// The API's public base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.tokenfactory.nebius.com";
/// Environment variable holding the API key.
pub const API_KEY_ENV: &str = runtime::API_KEY_ENV;
/// Environment variable overriding the base URL.
pub const BASE_URL_ENV: &str = "NEBIUS_BASE_URL";
/// Environment variable holding the default AI Studio project id.
pub const PROJECT_ENV: &str = "NEBIUS_AI_PROJECT_ID";
/// How long connecting may take, by default.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
pub use runtime::{DEFAULT_STREAM_IDLE_TIMEOUT, DEFAULT_TIMEOUT};

/// Settings for a [`crate::Client`], built with `with_*` calls.
///
/// ```
/// use nebius_tokenfactory::ClientBuilder;
/// use std::time::Duration;
///
/// let client = ClientBuilder::new()
///     .with_api_key("my-key")
///     .with_base_url("http://127.0.0.1:8080")
///     .with_timeout(Duration::from_secs(30))
///     .with_max_retries(0)
///     .build()
///     .unwrap();
/// assert_eq!(client.base_url(), "http://127.0.0.1:8080");
/// // The key never prints.
/// assert!(!format!("{client:?}").contains("my-key"));
/// ```
#[derive(Clone)]
pub struct ClientBuilder {
    pub(crate) api_key: Option<Secret>,
    pub(crate) base_url: String,
    pub(crate) ai_project_id: Option<String>,
    pub(crate) connect_timeout: Duration,
    pub(crate) timeout: Duration,
    pub(crate) stream_idle_timeout: Duration,
    pub(crate) max_json_body: usize,
    pub(crate) retry: RetryPolicy,
    pub(crate) user_agent: Option<String>,
    pub(crate) http_client: Option<reqwest::Client>,
    pub(crate) allow_insecure_http: bool,
}

impl fmt::Debug for ClientBuilder {
    /// The base URL without any credentials in it, and the key redacted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key)
            .field("base_url", &without_userinfo(&self.base_url))
            .field("ai_project_id", &self.ai_project_id)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("stream_idle_timeout", &self.stream_idle_timeout)
            .field("max_json_body", &self.max_json_body)
            .field("retry", &self.retry)
            .field("user_agent", &self.user_agent)
            .field("custom_http_client", &self.http_client.is_some())
            .field("allow_insecure_http", &self.allow_insecure_http)
            .finish()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            api_key: None,
            base_url: DEFAULT_BASE_URL.into(),
            ai_project_id: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            stream_idle_timeout: DEFAULT_STREAM_IDLE_TIMEOUT,
            max_json_body: runtime::DEFAULT_MAX_JSON_BODY,
            retry: RetryPolicy::default(),
            user_agent: None,
            http_client: None,
            allow_insecure_http: false,
        }
    }
}

impl ClientBuilder {
    /// Default settings, without an API key.
    pub fn new() -> Self {
        Self::default()
    }

    /// Settings from the environment: [`API_KEY_ENV`] (required),
    /// [`BASE_URL_ENV`] and [`PROJECT_ENV`] (optional).
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// [`Self::from_env`] over any source of variables; used by tests.
    pub(crate) fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let key =
            lookup(API_KEY_ENV)
                .filter(|k| !k.trim().is_empty())
                .ok_or(Error::MissingApiKey {
                    variable: API_KEY_ENV,
                })?;
        let mut builder = Self::new().with_api_key(key);
        if let Some(url) = lookup(BASE_URL_ENV).filter(|u| !u.trim().is_empty()) {
            builder = builder.with_base_url(url);
        }
        if let Some(project) = lookup(PROJECT_ENV).filter(|p| !p.trim().is_empty()) {
            builder = builder.with_ai_project_id(project);
        }
        Ok(builder)
    }

    /// The API key, sent as a bearer token.
    pub fn with_api_key(mut self, key: impl Into<Secret>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// The API's base URL, such as `https://api.tokenfactory.nebius.com`.
    pub fn with_base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into().trim_end_matches('/').to_string();
        self
    }

    /// The AI Studio project of the client's calls: it goes with every
    /// operation that takes one (the `ai_project_id` query parameter, or
    /// body property, that the generator finds in the API's document), and
    /// typed uploads, unless the call sets its own. Without it, calls send
    /// none and the API uses the key's default project.
    pub fn with_ai_project_id(mut self, project: impl Into<String>) -> Self {
        self.ai_project_id = Some(project.into());
        self
    }

    /// How long connecting may take. Ignored with [`Self::with_http_client`],
    /// whose own setting applies.
    pub fn with_connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one attempt of a request may take, from sending to the end
    /// of the response body (to the response headers, for a stream).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long a stream (events, lines, bytes) may go without data before
    /// it fails; keep-alive comments do not count as data.
    pub fn with_stream_idle_timeout(mut self, timeout: Duration) -> Self {
        self.stream_idle_timeout = timeout;
        self
    }

    /// The largest JSON response body a call reads, in bytes (64 MiB by
    /// default); a larger one fails the call with
    /// `Error::ResponseTooLarge`, naming the bound. Streams and downloads
    /// are read as they arrive and have bounds of their own.
    pub fn with_max_json_body(mut self, bytes: usize) -> Self {
        self.max_json_body = bytes;
        self
    }

    /// How many times a failed request is retried (default 2; 0 turns
    /// retries off). See [`RetryPolicy`] for which failures count.
    pub fn with_max_retries(mut self, retries: u32) -> Self {
        self.retry.max_retries = retries;
        self
    }

    /// The whole retry policy.
    pub fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The `User-Agent` header. The default names this crate and its version.
    pub fn with_user_agent(mut self, agent: impl Into<String>) -> Self {
        self.user_agent = Some(agent.into());
        self
    }

    /// A `reqwest::Client` of your own (for a proxy, or custom TLS roots).
    /// Auth, user agent, timeout and retries still apply per request.
    ///
    /// Build it with `redirect(reqwest::redirect::Policy::none())`: the
    /// runtime follows redirects itself, by rules that never send a body or
    /// the key to another origin, and reqwest's own policy would act first.
    /// With the default `rustls-ring` feature, reqwest has no TLS crypto
    /// provider of its own: call [`crate::api::ensure_crypto_provider`]
    /// before you build that client, or reqwest panics as it builds it.
    pub fn with_http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Allows a plain `http://` base URL that is not on a loopback address.
    /// The API key would cross the network unencrypted: only for trusted
    /// networks.
    pub fn with_insecure_http_allowed(mut self, allowed: bool) -> Self {
        self.allow_insecure_http = allowed;
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<crate::Client, Error> {
        let api_key = self.api_key.clone().ok_or(Error::MissingApiKey {
            variable: API_KEY_ENV,
        })?;
        let base = self.checked_base_url()?;
        let http = match self.http_client {
            Some(http) => http,
            None => runtime::http_client(self.connect_timeout)?,
        };
        let mut config = TransportConfig::new(api_key, http.clone());
        config.timeout = self.timeout;
        config.stream_idle_timeout = self.stream_idle_timeout;
        config.max_json_body = self.max_json_body;
        config.retry = self.retry;
        config.ai_project_id = self.ai_project_id;
        if let Some(agent) = self.user_agent {
            config.user_agent = agent;
        }
        let transport = Transport::new(config)?;
        let base_url = base.as_str().trim_end_matches('/');
        let api = nebius_tokenfactory_api::Client::new_with_client(base_url, http, transport);
        Ok(crate::Client::new(api))
    }

    /// Checks the base URL: parseable, http(s), without credentials, a query
    /// or a fragment in it (every request's path and query go after it),
    /// and plain http only where allowed. Errors show it without userinfo.
    pub(crate) fn checked_base_url(&self) -> Result<reqwest::Url, Error> {
        let shown = without_userinfo(&self.base_url);
        let url = reqwest::Url::parse(&self.base_url).map_err(|e| Error::InvalidBaseUrl {
            url: shown.clone(),
            reason: e.to_string(),
        })?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Error::InvalidBaseUrl {
                url: shown,
                reason: "it holds credentials; pass the API key with ClientBuilder::with_api_key"
                    .into(),
            });
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(Error::InvalidBaseUrl {
                url: shown,
                reason: "it has a query or a fragment, which requests cannot go after; give the scheme, host and path only".into(),
            });
        }
        match url.scheme() {
            "https" => Ok(url),
            "http" if self.allow_insecure_http || is_loopback(&url) => Ok(url),
            "http" => Err(Error::InsecureBaseUrl { url: shown }),
            other => Err(Error::InvalidBaseUrl {
                url: shown,
                reason: format!("the scheme `{other}` is not http or https"),
            }),
        }
    }
}

/// `url` with any `user:password@` replaced, so that errors never show it.
fn without_userinfo(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://***@{}", &rest[at + 1..]),
        None => url.to_string(),
    }
}

fn is_loopback(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn from_env_reads_all_three_variables() {
        let b = ClientBuilder::from_lookup(env(&[
            (API_KEY_ENV, "k"),
            (BASE_URL_ENV, "https://example.test/"),
            (PROJECT_ENV, "proj"),
        ]))
        .unwrap();
        assert_eq!(b.api_key.unwrap().expose(), "k");
        assert_eq!(b.base_url, "https://example.test");
        assert_eq!(b.ai_project_id.as_deref(), Some("proj"));
    }

    #[test]
    fn missing_key_names_the_variable() {
        for vars in [&[][..], &[(API_KEY_ENV, "  ")][..]] {
            let err = ClientBuilder::from_lookup(env(vars)).unwrap_err();
            assert_eq!(
                err.to_string(),
                "no API key: set the NEBIUS_API_KEY environment variable, or pass one to ClientBuilder::with_api_key"
            );
        }
    }

    #[test]
    fn defaults_without_optional_variables() {
        let b = ClientBuilder::from_lookup(env(&[(API_KEY_ENV, "k")])).unwrap();
        assert_eq!(b.base_url, DEFAULT_BASE_URL);
        assert_eq!(b.ai_project_id, None);
        assert_eq!(b.timeout, DEFAULT_TIMEOUT);
        assert_eq!(b.retry.max_retries, 2);
        assert_eq!(b.user_agent, None);
    }

    #[test]
    fn plain_http_only_on_loopback_or_when_allowed() {
        let check = |url: &str, allowed: bool| {
            ClientBuilder::new()
                .with_base_url(url)
                .with_insecure_http_allowed(allowed)
                .checked_base_url()
                .map(|_| ())
                .map_err(|e| e.to_string())
        };
        assert!(check("http://127.0.0.1:8080", false).is_ok());
        assert!(check("http://localhost", false).is_ok());
        assert!(check("http://[::1]:9", false).is_ok());
        assert!(check("https://api.example", false).is_ok());
        assert!(check("http://10.0.0.5", true).is_ok());
        assert_eq!(
            check("http://api.example", false).unwrap_err(),
            "refusing the plain-http base URL http://api.example: the API key would travel unencrypted; \
             use https, or allow it with ClientBuilder::with_insecure_http_allowed"
        );
        assert!(check("ftp://x", false)
            .unwrap_err()
            .contains("not http or https"));
        assert!(check("not a url", false)
            .unwrap_err()
            .starts_with("invalid base URL `not a url`"));
        for url in ["https://api.example/?x=1", "https://api.example/v1#frag"] {
            assert!(
                check(url, false)
                    .unwrap_err()
                    .contains("has a query or a fragment"),
                "{url}"
            );
        }
    }

    #[test]
    fn debug_shows_neither_the_key_nor_credentials_in_the_url() {
        let b = ClientBuilder::new()
            .with_api_key("sk-hidden")
            .with_base_url("https://user:pa55word@api.example/v1");
        let text = format!("{b:?}");
        assert!(
            !text.contains("sk-hidden") && !text.contains("pa55word") && !text.contains("user:"),
            "{text}"
        );
        assert!(text.contains("https://***@api.example/v1"), "{text}");
    }
}
