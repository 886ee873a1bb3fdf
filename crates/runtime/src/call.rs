//! One call: its attempts, their timeout, the retries between them, the
//! tracing span, and the error.
//!
//! A generated operation's `send` builds its request once (progenitor's
//! code, from the builder) and hands it to [`Transport::call`] with the
//! rest of progenitor's code, which sends one attempt through
//! [`Transport::exec`] and decodes the answer. Each retry sends a copy of
//! the request; a body that cannot be copied (a stream) is built again
//! for each attempt instead, by calls that know how
//! ([`Transport::call_with`]). The call:
//!
//! - bounds each attempt with the timeout: to the end of the body for JSON,
//!   to the response headers for a stream;
//! - classifies each failure with the one table in [`crate::retry`], and
//!   retries as the policy, the operation's idempotence and the server's
//!   `Retry-After` say;
//! - records one `nebius_tokenfactory.request` span with the operation,
//!   the attempt, the status, the duration and the request id, and an
//!   event per retry, with error kinds only (a message may quote the server);
//! - turns the outcome into a [`Response`] or the SDK's [`Error`], scrubbed
//!   of every credential the call sent.

use crate::endpoint::Endpoint;
use crate::error::{Call, Error};
use crate::input::{InvalidInput, Problem};
use crate::response::{error_from_response, Parts, Response};
use crate::retry::{Failure, Processed};
use crate::{scope, Transport};
use progenitor_client::ResponseValue;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use std::future::Future;
use std::time::Instant;
use tracing::Instrument;

/// The outcome of one attempt, as progenitor's generated code gives it.
pub type Attempt<T> = Result<ResponseValue<T>, progenitor_client::Error>;

impl Transport {
    /// Makes a call of `endpoint`: `build` makes the request once, inside
    /// the call (so that the credentials it serialises are known to it), and
    /// `send` makes one attempt of a request; each retry sends a copy.
    pub async fn call<T, B, F, Fut>(
        &self,
        endpoint: &Endpoint,
        build: B,
        send: F,
    ) -> Result<Response<T>, Error>
    where
        B: FnOnce() -> Result<reqwest::Request, progenitor_client::Error>,
        F: FnMut(reqwest::Request) -> Fut,
        Fut: Future<Output = Attempt<T>>,
    {
        self.call_inner(endpoint, build, send).await
    }

    /// [`Self::call`], keeping only the decoded value.
    pub async fn call_value<T, B, F, Fut>(
        &self,
        endpoint: &Endpoint,
        build: B,
        send: F,
    ) -> Result<T, Error>
    where
        B: FnOnce() -> Result<reqwest::Request, progenitor_client::Error>,
        F: FnMut(reqwest::Request) -> Fut,
        Fut: Future<Output = Attempt<T>>,
    {
        self.call_inner(endpoint, build, send)
            .await
            .map(Response::into_inner)
    }

    async fn call_inner<T, B, F, Fut>(
        &self,
        endpoint: &Endpoint,
        build: B,
        mut send: F,
    ) -> Result<Response<T>, Error>
    where
        B: FnOnce() -> Result<reqwest::Request, progenitor_client::Error>,
        F: FnMut(reqwest::Request) -> Fut,
        Fut: Future<Output = Attempt<T>>,
    {
        let mut build = Some(build);
        let mut request: Result<Option<reqwest::Request>, _> = Ok(None);
        self.call_with(endpoint, || {
            if let Some(build) = build.take() {
                request = build().map(Some);
            }
            // Each attempt sends a copy; the request is kept for the
            // retries. A request that cannot be copied (a stream body) is
            // sent once: the call makes no second attempt, and a failure
            // comes back as it is, not as a retry that cannot be sent.
            let this = match &mut request {
                Err(e) => Err(std::mem::replace(
                    e,
                    progenitor_client::Error::InvalidRequest("the request was not built".into()),
                )),
                Ok(slot) => match slot.as_ref().and_then(reqwest::Request::try_clone) {
                    Some(copy) => Ok(copy),
                    None => slot
                        .take()
                        .inspect(|_| scope::forbid_retries())
                        .ok_or_else(|| {
                            progenitor_client::Error::InvalidRequest(
                                "the request body is a stream, which cannot be sent again".into(),
                            )
                        }),
                },
            };
            let attempt = this.map(&mut send);
            async move {
                match attempt {
                    Ok(future) => future.await,
                    Err(e) => Err(e),
                }
            }
        })
        .await
    }

    /// Makes a call of `endpoint` whose every attempt `attempt` builds and
    /// sends afresh: for bodies that cannot be copied, such as a streamed
    /// upload or a multipart form, which are built again from their source.
    pub async fn call_with<T, F, Fut>(
        &self,
        endpoint: &Endpoint,
        mut attempt: F,
    ) -> Result<Response<T>, Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Attempt<T>>,
    {
        let span = tracing::info_span!(
            "nebius_tokenfactory.request",
            operation = endpoint.operation_id,
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        let started = Instant::now();
        // The attempts' state (progenitor's futures, reqwest's, the timer)
        // runs to kilobytes: on the heap, it is not copied each time the
        // futures around it move.
        let attempts = Box::pin(scope::run(self.attempts(endpoint, &mut attempt, &span)));
        let result = attempts.instrument(span.clone()).await;
        span.record("duration_ms", started.elapsed().as_millis() as u64);
        result
    }

    async fn attempts<T, F, Fut>(
        &self,
        endpoint: &Endpoint,
        attempt: &mut F,
        span: &tracing::Span,
    ) -> Result<Response<T>, Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Attempt<T>>,
    {
        let policy = self.policy();
        let idempotent = self.is_idempotent(endpoint);
        let timeout = self.timeout();
        let mut retry = 0;
        let mut redirects = 0;
        loop {
            let call = Call {
                operation_id: endpoint.operation_id,
                method: endpoint.call,
                attempts: retry + 1,
                idempotent,
                answered: None,
            };
            span.record("attempt", call.attempts);
            scope::record_attempt(retry);
            let (mut error, failure, headers) =
                match tokio::time::timeout(timeout, Box::pin(attempt())).await {
                    Ok(Ok(value)) => {
                        record_response(span, value.status().as_u16(), value.headers());
                        let status = value.status();
                        // progenitor's value gives its headers only by reference.
                        let headers = value.headers().clone();
                        let parts = Parts {
                            status,
                            headers,
                            call,
                            secrets: scope::secrets(),
                        };
                        return Ok(Response::new(value.into_inner(), parts));
                    }
                    Ok(Err(e)) => self.error(e, call).await,
                    Err(_) => (
                        Error::Timeout {
                            after: timeout,
                            call,
                        },
                        Failure::TIMEOUT,
                        None,
                    ),
                };
            if let Some(status) = error.status() {
                span.record("status", status);
            }
            if let Some(id) = error.request_id() {
                span.record("request_id", id);
            }
            // Redirected within the origin with a body written as it was
            // sent: the next attempt writes it again, and goes there. Not
            // a retry, and no wait.
            if scope::take_redirected() && redirects < crate::redirect::MAX_REDIRECTS {
                // A body sent once (a stream, a reader) cannot follow it:
                // the redirect is the answer, saying why.
                if scope::single_attempt() {
                    if let Error::Api { message, .. } = &mut error {
                        let target = scope::redirect()
                            .map(|mut url| {
                                url.set_query(None);
                                url.set_fragment(None);
                                format!(" to {url}")
                            })
                            .unwrap_or_default();
                        *message = format!(
                            "a redirect{target} was not followed: the request body is read once (a stream or a reader) and cannot be sent again"
                        );
                    }
                    return Err(error);
                }
                redirects += 1;
                continue;
            }
            // A body read from a reader cannot be sent again.
            let delay = if scope::single_attempt() {
                None
            } else {
                policy.delay(retry, failure, idempotent, headers.as_ref())
            };
            match delay {
                Some(wait) => {
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

    /// The SDK's error for a failed attempt, what it says about retrying,
    /// and the response headers (for `Retry-After`).
    async fn error(
        &self,
        error: progenitor_client::Error,
        call: Call,
    ) -> (Error, Failure, Option<HeaderMap>) {
        use progenitor_client::Error as P;
        let state = scope::current();
        let scrub = self.scrubber(&state.secrets);
        // `exec` refused a body over the bound on JSON bodies: what was
        // left in its place did not decode, and says no more than the bound.
        if let P::InvalidResponsePayload(..) = &error {
            if let Some(limit) = scope::take_too_large() {
                let error = Error::ResponseTooLarge {
                    status: state.status.unwrap_or(200),
                    limit,
                    call,
                };
                let failure = Failure {
                    transient: false,
                    processed: Processed::Yes,
                };
                return (error, failure, None);
            }
        }
        match error {
            P::UnexpectedResponse(response) => {
                let status = response.status();
                let headers = response.headers().clone();
                // Read already, and capped, by `exec`.
                let body = response.bytes().await.unwrap_or_default();
                let failure = Failure::of_status(status.as_u16(), Some(&headers));
                let error = error_from_response(status, &headers, &body, &scrub, call);
                (error, failure, Some(headers))
            }
            P::ErrorResponse(response) => {
                let status = response.status();
                let headers = response.headers().clone();
                let failure = Failure::of_status(status.as_u16(), Some(&headers));
                let error = error_from_response(status, &headers, b"", &scrub, call);
                (error, failure, Some(headers))
            }
            P::CommunicationError(source)
            | P::ResponseBodyError(source)
            | P::InvalidUpgrade(source) => {
                let failure = Failure::of_transport(&source);
                // A connect timeout is a connection failure: the attempt's
                // timeout did not run out, so naming it would mislead.
                let error = if source.is_timeout() && !source.is_connect() {
                    Error::Timeout {
                        after: self.timeout(),
                        call,
                    }
                } else {
                    Error::Connection {
                        source: crate::error::redact_url(source),
                        call,
                    }
                };
                (error, failure, None)
            }
            P::InvalidResponsePayload(body, source) => (
                Error::Decode {
                    status: state.status.unwrap_or(200),
                    body: scrub.excerpt(&body),
                    source: crate::error::DecodeError::new(&source, &scrub),
                    call,
                },
                Failure {
                    transient: false,
                    processed: Processed::Yes,
                },
                None,
            ),
            P::InvalidRequest(message) | P::Custom(message) => (
                Error::InvalidInput(InvalidInput::one(Problem::new(message))),
                Failure::FINAL,
                None,
            ),
        }
    }

    /// One attempt of a request built by hand (not by a generated builder),
    /// decoded as progenitor decodes a JSON response: for calls that make
    /// their own bodies, such as a streamed upload.
    pub async fn send_json<T: DeserializeOwned>(
        &self,
        request: reqwest::Request,
        endpoint: &Endpoint,
    ) -> Attempt<T> {
        let response = self.exec(request, endpoint).await?;
        if response.status().is_success() {
            ResponseValue::from_response(response).await
        } else {
            Err(progenitor_client::Error::UnexpectedResponse(response))
        }
    }
}

impl Transport {
    /// One attempt of a streaming call of an operation that also answers in
    /// JSON (a chat completion, whole or streamed): asks for the endpoint's
    /// media type, and leaves the body unread, to be read as a stream.
    pub async fn stream_attempt(
        &self,
        mut request: reqwest::Request,
        endpoint: &Endpoint,
    ) -> Attempt<progenitor_client::ByteStream> {
        if !endpoint.media_type.is_empty() {
            if let Ok(accept) = reqwest::header::HeaderValue::from_str(endpoint.media_type) {
                request
                    .headers_mut()
                    .insert(reqwest::header::ACCEPT, accept);
            }
        }
        let response = self.exec(request, endpoint).await?;
        if response.status().is_success() {
            Ok(ResponseValue::stream(response))
        } else {
            Err(progenitor_client::Error::UnexpectedResponse(response))
        }
    }
}

fn record_response(span: &tracing::Span, status: u16, headers: &HeaderMap) {
    span.record("status", status);
    if let Some(id) = crate::response::request_id(headers) {
        span.record("request_id", id);
    }
}
