//! The client: one place where every request is sent, retried and traced.

use crate::config::{ClientBuilder, API_KEY_ENV};
use crate::datasets::Datasets;
use crate::error::FieldError;
use crate::retry::{self, RetryPolicy};
use crate::{Error, Secret};
use bytes::Bytes;
use nebius_tokenfactory_api::endpoints::Endpoint;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};
use tracing::Instrument;

/// How much of a body goes into errors and TRACE logs.
const BODY_EXCERPT: usize = 512;

/// A client of the Nebius Token Factory API. Cheap to clone; clones share
/// one connection pool.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    api_key: Secret,
    base_url: String,
    /// `base_url`, parsed once.
    base: reqwest::Url,
    auth: HeaderValue,
    user_agent: HeaderValue,
    timeout: Duration,
    retry: RetryPolicy,
    ai_project_id: Option<String>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("api_key", &"[REDACTED]")
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .field("ai_project_id", &self.inner.ai_project_id)
            .finish()
    }
}

/// One request, as every attempt of a call sends it.
struct Request {
    method: reqwest::Method,
    url: reqwest::Url,
    /// Cheap to clone: attempts share the buffer.
    body: Bytes,
    timeout: Duration,
}

/// Per-call overrides of the client's settings.
#[derive(Debug, Clone, Default)]
pub(crate) struct CallOptions {
    pub policy: Option<RetryPolicy>,
    pub max_retries: Option<u32>,
    pub timeout: Option<Duration>,
    /// Credentials in this call's body, scrubbed (with the API key) from
    /// anything the server sends back into errors or logs.
    pub secrets: Vec<Secret>,
}

impl Client {
    /// A client configured from the environment: see [`ClientBuilder::from_env`].
    pub fn from_env() -> Result<Self, Error> {
        ClientBuilder::from_env()?.build()
    }

    /// A builder with default settings.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    pub(crate) fn from_builder(b: ClientBuilder) -> Result<Self, Error> {
        let key = b.api_key.as_ref().ok_or(Error::MissingApiKey {
            variable: API_KEY_ENV,
        })?;
        let base = b.checked_base_url()?;
        let mut auth = HeaderValue::from_str(&format!("Bearer {}", key.expose()))
            .map_err(|_| Error::InvalidApiKey)?;
        auth.set_sensitive(true);
        let user_agent = HeaderValue::from_str(&b.user_agent)
            .map_err(|_| Error::InvalidUserAgent(b.user_agent.clone()))?;
        let http = match b.http_client {
            Some(http) => http,
            None => {
                nebius_tokenfactory_api::ensure_crypto_provider();
                reqwest::Client::builder()
                    .connect_timeout(b.connect_timeout)
                    .build()
                    .map_err(Error::HttpClient)?
            }
        };
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                api_key: key.clone(),
                base_url: b.base_url,
                base,
                auth,
                user_agent,
                timeout: b.timeout,
                retry: b.retry,
                ai_project_id: b.ai_project_id,
            }),
        })
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The default AI Studio project, if one is configured.
    pub fn ai_project_id(&self) -> Option<&str> {
        self.inner.ai_project_id.as_deref()
    }

    /// Dataset operations.
    pub fn datasets(&self) -> Datasets<'_> {
        Datasets::new(self)
    }

    /// The URL of `endpoint`: its path after the base URL's own path.
    fn url(&self, endpoint: &Endpoint) -> reqwest::Url {
        let mut url = self.inner.base.clone();
        let path = format!("{}{}", url.path().trim_end_matches('/'), endpoint.path);
        url.set_path(&path);
        url
    }

    /// Sends a JSON `body` to `endpoint`, retrying as the policy allows,
    /// and decodes the response.
    pub(crate) async fn execute<T: DeserializeOwned>(
        &self,
        endpoint: &Endpoint,
        body: Bytes,
        call: &CallOptions,
    ) -> Result<T, Error> {
        let mut policy = call
            .policy
            .clone()
            .unwrap_or_else(|| self.inner.retry.clone());
        if let Some(retries) = call.max_retries {
            policy.max_retries = retries;
        }
        let request = Request {
            method: reqwest::Method::from_bytes(endpoint.method.as_bytes())
                .expect("the generated endpoints hold valid HTTP methods"),
            url: self.url(endpoint),
            body,
            timeout: call.timeout.unwrap_or(self.inner.timeout),
        };
        let span = tracing::info_span!(
            "nebius_tokenfactory.request",
            operation = endpoint.operation_id,
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        let started = Instant::now();
        let result = self
            .attempts(&request, &policy, &span, &call.secrets)
            .instrument(span.clone())
            .await;
        span.record("duration_ms", started.elapsed().as_millis() as u64);
        result
    }

    /// The attempts of one call, until success, a final error, or the
    /// policy's last retry. `span` is the call's span; its fields hold the
    /// latest attempt.
    async fn attempts<T: DeserializeOwned>(
        &self,
        request: &Request,
        policy: &RetryPolicy,
        span: &tracing::Span,
        secrets: &[Secret],
    ) -> Result<T, Error> {
        let scrub = Scrubber {
            api_key: &self.inner.api_key,
            secrets,
        };
        let mut retry = 0;
        loop {
            span.record("attempt", retry + 1);
            let (error, safety, headers) = match self.attempt(request).await {
                Ok((status, headers, bytes)) => {
                    let request_id = headers
                        .get("x-request-id")
                        .and_then(|v| v.to_str().ok())
                        .map(String::from);
                    span.record("status", status.as_u16());
                    if let Some(id) = &request_id {
                        span.record("request_id", id.as_str());
                    }
                    tracing::trace!(body = %scrub.excerpt(&bytes), "response body");
                    if status.is_success() {
                        return serde_json::from_slice(&bytes).map_err(|source| Error::Decode {
                            status: status.as_u16(),
                            body: scrub.excerpt(&bytes),
                            source,
                        });
                    }
                    let error = error_from_response(status, &headers, &bytes, request_id, &scrub);
                    (error, retry::status_safety(status), Some(headers))
                }
                Err(e) => {
                    let safety = retry::transport_safety(&e);
                    // A connect timeout is a connection failure: the request
                    // timeout did not run out, so naming it would mislead.
                    let error = if e.is_timeout() && !e.is_connect() {
                        Error::Timeout {
                            after: request.timeout,
                        }
                    } else {
                        Error::Connection { source: e }
                    };
                    (error, safety, None)
                }
            };
            match policy.delay(retry, safety, headers.as_ref()) {
                Some(wait) => {
                    // The error's kind and status only: its message may quote the server.
                    tracing::info!(
                        attempt = retry + 1,
                        wait_ms = wait.as_millis() as u64,
                        error = error.kind(),
                        status = error.status(),
                        "retrying"
                    );
                    tokio::time::sleep(wait).await;
                    retry += 1;
                }
                None => {
                    tracing::debug!(
                        attempt = retry + 1,
                        error = error.kind(),
                        status = error.status(),
                        "request failed"
                    );
                    return Err(error);
                }
            }
        }
    }

    async fn attempt(
        &self,
        request: &Request,
    ) -> Result<(StatusCode, HeaderMap, Bytes), reqwest::Error> {
        let mut response = self
            .inner
            .http
            .request(request.method.clone(), request.url.clone())
            .header(AUTHORIZATION, self.inner.auth.clone())
            .header(USER_AGENT, self.inner.user_agent.clone())
            .header(CONTENT_TYPE, "application/json")
            .header(ACCEPT, "application/json")
            .header("api-version", nebius_tokenfactory_api::API_VERSION)
            .timeout(request.timeout)
            .body(request.body.clone())
            .send()
            .await?;
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let bytes = response.bytes().await?;
        Ok((status, headers, bytes))
    }
}

/// The error for a non-success response.
fn error_from_response(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    request_id: Option<String>,
    scrub: &Scrubber<'_>,
) -> Error {
    let json: Option<serde_json::Value> = serde_json::from_slice(body).ok();
    if status == StatusCode::UNPROCESSABLE_ENTITY {
        if let Some(details) = json.clone().and_then(|j| {
            serde_json::from_value::<nebius_tokenfactory_api::types::HttpValidationError>(j).ok()
        }) {
            let details = details
                .detail
                .into_iter()
                .map(|d| FieldError {
                    location: d.loc.iter().map(location_part).collect(),
                    message: d.msg,
                    kind: d.type_,
                })
                .collect();
            return Error::Validation {
                details,
                request_id,
            };
        }
    }
    let message = json
        .as_ref()
        .and_then(server_message)
        .map(|m| scrub.text(m))
        .unwrap_or_else(|| match scrub.excerpt(body) {
            e if e.is_empty() => status
                .canonical_reason()
                .unwrap_or("no message")
                .to_string(),
            e => e,
        });
    match status.as_u16() {
        401 | 403 => Error::Authentication {
            status: status.as_u16(),
            message,
            request_id,
        },
        429 => Error::RateLimited {
            retry_after: retry::retry_after(headers, SystemTime::now()),
            message,
            request_id,
        },
        code => Error::Api {
            status: code,
            message,
            request_id,
        },
    }
}

fn location_part(item: &nebius_tokenfactory_api::types::ValidationErrorLocItem) -> String {
    match item {
        nebius_tokenfactory_api::types::ValidationErrorLocItem::String(s) => s.clone(),
        nebius_tokenfactory_api::types::ValidationErrorLocItem::Integer(i) => i.to_string(),
    }
}

/// FastAPI's `{"detail": "..."}`, OpenAI's `{"error": {"message": "..."}}`,
/// or a plain `{"message": "..."}`.
fn server_message(json: &serde_json::Value) -> Option<String> {
    json.get("detail")
        .and_then(|d| d.as_str())
        .or_else(|| json.pointer("/error/message").and_then(|m| m.as_str()))
        .or_else(|| json.get("message").and_then(|m| m.as_str()))
        .map(String::from)
}

/// Removes known credentials from text the server sent, which may echo a
/// request (FastAPI's validation errors quote the input).
struct Scrubber<'a> {
    api_key: &'a Secret,
    secrets: &'a [Secret],
}

impl Scrubber<'_> {
    fn text(&self, mut text: String) -> String {
        for secret in std::iter::once(self.api_key).chain(self.secrets) {
            let value = secret.expose();
            if !value.is_empty() && text.contains(value) {
                text = text.replace(value, "[REDACTED]");
            }
        }
        text
    }

    /// The start of a body, as text, scrubbed, cut at a character boundary.
    fn excerpt(&self, body: &[u8]) -> String {
        // Scrub more than is kept: the excerpt's characters take up to 4
        // bytes each, and a secret cut by the window must still be whole.
        let window = &body[..body.len().min(BODY_EXCERPT * 4 + 256)];
        let text = self.text(String::from_utf8_lossy(window).trim().to_string());
        let mut cut: String = text.chars().take(BODY_EXCERPT).collect();
        if body.len() > cut.len() {
            cut.push('…');
        }
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nebius_tokenfactory_api::endpoints::CREATE_DATASET;

    #[test]
    fn endpoint_paths_follow_the_base_urls_own_path() {
        for (base, expected) in [
            ("https://api.example", "https://api.example/v1/datasets"),
            ("https://api.example/", "https://api.example/v1/datasets"),
            (
                "http://127.0.0.1:8080/prefix/",
                "http://127.0.0.1:8080/prefix/v1/datasets",
            ),
        ] {
            let client = Client::builder()
                .with_api_key("k")
                .with_base_url(base)
                .build()
                .unwrap();
            assert_eq!(client.url(&CREATE_DATASET).as_str(), expected);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 512, ..Default::default() })]

        /// Whatever a server answers, turning it into an error never panics,
        /// and the API key never shows in the error.
        #[test]
        fn any_response_becomes_an_error_without_panicking(
            status in 100u16..600,
            retry_after in "[0-9a-zA-Z ,:.e+-]{0,40}",
            retry_after_ms in "[0-9.e+-]{0,24}",
            body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..1200),
            echo_key in proptest::prelude::any::<bool>(),
        ) {
            let key = Secret::from("sk-proptest-key");
            let scrub = Scrubber { api_key: &key, secrets: &[] };
            let mut headers = HeaderMap::new();
            for (name, value) in [("retry-after", &retry_after), ("retry-after-ms", &retry_after_ms)] {
                if let Ok(v) = HeaderValue::from_str(value) {
                    headers.insert(name, v);
                }
            }
            let mut body = body;
            if echo_key {
                body.extend_from_slice(br#"{"detail": "sk-proptest-key"}"#);
            }
            let status = StatusCode::from_u16(status).unwrap();
            let err = error_from_response(status, &headers, &body, None, &scrub);
            let text = format!("{err} {err:?}");
            proptest::prop_assert!(!text.contains("sk-proptest-key"), "{}", text);
            let _ = RetryPolicy::default().delay(0, retry::status_safety(status), Some(&headers));
        }
    }

    #[test]
    fn debug_hides_the_key() {
        let client = Client::builder()
            .with_api_key("very-secret")
            .build()
            .unwrap();
        let text = format!("{client:?}");
        assert!(
            !text.contains("very-secret") && text.contains("[REDACTED]"),
            "{text}"
        );
    }
}
