//! What a call gives back: a decoded [`Response`], or the [`Error`] for a
//! status that is not a success.

use crate::error::{Call, Error, FieldError};
use crate::rate_limits::RateLimits;
use crate::retry::{retry_after, Failure};
use crate::scrub::{cut, Scrubber};
use crate::Secret;
use reqwest::header::{HeaderMap, LOCATION};
use reqwest::StatusCode;
use std::time::SystemTime;

/// How many characters of the server's message an error keeps.
const MAX_MESSAGE: usize = 1000;

/// A successful response: the decoded value, its status and its headers.
#[derive(Debug)]
pub struct Response<T> {
    inner: T,
    parts: Parts,
}

/// What a response keeps besides its value.
#[derive(Debug)]
pub(crate) struct Parts {
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// The call it answers, for errors of a stream read later.
    pub call: Call,
    /// The credentials the call sent, to scrub from a stream read later.
    pub secrets: Vec<Secret>,
}

impl<T> Response<T> {
    pub(crate) fn new(inner: T, parts: Parts) -> Self {
        Self { inner, parts }
    }

    pub(crate) fn into_parts(self) -> (T, Parts) {
        (self.inner, self.parts)
    }

    /// The decoded value.
    pub fn into_inner(self) -> T {
        self.inner
    }

    /// The decoded value, borrowed.
    pub fn inner(&self) -> &T {
        &self.inner
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.parts.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.parts.headers
    }

    /// The `x-request-id` header, to quote when asking for support.
    pub fn request_id(&self) -> Option<&str> {
        request_id(&self.parts.headers)
    }

    /// The rate-limit headers.
    pub fn rate_limits(&self) -> RateLimits {
        RateLimits::from_headers(&self.parts.headers)
    }

    /// How many attempts the call took.
    pub fn attempts(&self) -> u32 {
        self.parts.call.attempts
    }

    /// The same response around another value.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            inner: f(self.inner),
            parts: self.parts,
        }
    }
}

/// The `x-request-id` of a response.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<&str> {
    headers.get("x-request-id").and_then(|v| v.to_str().ok())
}

/// FastAPI's validation error body, as the runtime reads it whatever the
/// API's own model of it is called.
#[derive(serde::Deserialize)]
struct ValidationBody {
    detail: Vec<ValidationItem>,
}

#[derive(serde::Deserialize)]
struct ValidationItem {
    loc: Vec<serde_json::Value>,
    msg: String,
    #[serde(rename = "type")]
    kind: String,
}

/// The error for a response whose status is not a success.
pub(crate) fn error_from_response(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    scrub: &Scrubber<'_>,
    mut call: Call,
) -> Error {
    // What the response says about repeating the call, as the retries
    // read it, so that the error answers the same.
    call.answered = Some(Failure::of_status(status.as_u16(), Some(headers)));
    let request_id = request_id(headers).map(String::from);
    let json: Option<serde_json::Value> = serde_json::from_slice(body).ok();
    if status == StatusCode::UNPROCESSABLE_ENTITY {
        if let Some(parsed) = json
            .as_ref()
            .and_then(|j| serde_json::from_value::<ValidationBody>(j.clone()).ok())
        {
            let details = parsed
                .detail
                .into_iter()
                .map(|d| FieldError {
                    location: d
                        .loc
                        .iter()
                        .map(|part| match part {
                            serde_json::Value::String(s) => scrub.text(s.clone()),
                            other => other.to_string(),
                        })
                        .collect(),
                    message: cut(scrub.text(d.msg), MAX_MESSAGE),
                    kind: d.kind,
                })
                .collect();
            return Error::Validation {
                details,
                request_id,
                call,
            };
        }
    }
    let message = json
        .as_ref()
        .and_then(server_message)
        .map(|m| cut(scrub.text(m), MAX_MESSAGE))
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
            call,
        },
        429 => Error::RateLimited {
            retry_after: retry_after(headers, SystemTime::now()),
            rate_limits: Box::new(RateLimits::from_headers(headers)),
            message,
            request_id,
            call,
        },
        300..=399 => Error::Api {
            status: status.as_u16(),
            message: redirect_message(headers),
            body: None,
            request_id,
            call,
        },
        code => Error::Api {
            status: code,
            message,
            body: json.map(|j| Box::new(scrub.json(j))),
            request_id,
            call,
        },
    }
}

/// FastAPI's `{"detail": "..."}`, OpenAI's `{"error": {"message": "..."}}`,
/// or a plain `{"message": "..."}`; a `detail` that is not text is given
/// as its JSON.
fn server_message(json: &serde_json::Value) -> Option<String> {
    let text = json
        .get("detail")
        .and_then(|d| d.as_str())
        .or_else(|| json.pointer("/error/message").and_then(|m| m.as_str()))
        .or_else(|| json.get("message").and_then(|m| m.as_str()))
        .or_else(|| json.get("error").and_then(|m| m.as_str()))
        .map(String::from);
    text.or_else(|| json.get("detail").map(|d| d.to_string()))
}

/// Why a redirect came back as an error, naming where it led without the
/// query (a signed URL's signature is a credential).
fn redirect_message(headers: &HeaderMap) -> String {
    let target = headers
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(|l| l.split(['?', '#']).next().unwrap_or_default().to_string())
        .unwrap_or_else(|| "nowhere given".into());
    format!(
        "a redirect to {target} was not followed: it would resend the request body to another origin, \
         or downgrade https to http"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn call() -> Call {
        Call {
            operation_id: "op",
            attempts: 1,
            idempotent: false,
            answered: None,
        }
    }

    fn error(status: u16, body: &str, headers: &[(&'static str, &str)]) -> Error {
        let key = Secret::from("sk-key");
        let secrets = [Secret::from("s3-secret")];
        let scrub = Scrubber {
            api_key: &key,
            secrets: &secrets,
        };
        let mut h = HeaderMap::new();
        for (k, v) in headers {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        error_from_response(
            StatusCode::from_u16(status).unwrap(),
            &h,
            body.as_bytes(),
            &scrub,
            call(),
        )
    }

    #[test]
    fn fastapi_validation_errors_are_typed_and_scrubbed() {
        let err = error(
            422,
            r#"{"detail": [{"loc": ["body", "s3_secret_key"], "msg": "s3-secret is not allowed", "type": "value_error", "input": "s3-secret"}]}"#,
            &[("x-request-id", "req-9")],
        );
        assert_eq!(
            err.to_string(),
            "the API rejected the request (422): body.s3_secret_key: [REDACTED] is not allowed (request id req-9)"
        );
    }

    #[test]
    fn other_bodies_keep_the_servers_message() {
        for (status, body, expected) in [
            (401, r#"{"detail": "Not authenticated"}"#, "authentication failed (401): Not authenticated; check the API key (the NEBIUS_API_KEY environment variable)"),
            (422, r#"{"detail": "Not a list"}"#, "the API answered 422: Not a list"),
            (400, r#"{"error": {"message": "bad model sk-key"}}"#, "the API answered 400: bad model [REDACTED]"),
            (404, r#"{"detail": {"code": "gone"}}"#, r#"the API answered 404: {"code":"gone"}"#),
            (500, "", "the API answered 500: Internal Server Error"),
            (502, "<html>oops</html>", "the API answered 502: <html>oops</html>"),
        ] {
            assert_eq!(error(status, body, &[]).to_string(), expected, "{status} {body}");
        }
        let Error::Api {
            body: Some(body), ..
        } = error(404, r#"{"detail": "s3-secret"}"#, &[])
        else {
            panic!("a JSON body is kept");
        };
        assert_eq!(*body, serde_json::json!({"detail": "[REDACTED]"}));
    }

    #[test]
    fn a_huge_message_is_cut() {
        let long = "x".repeat(100_000);
        let err = error(400, &format!(r#"{{"detail": "{long}"}}"#), &[]);
        let text = err.to_string();
        assert!(
            text.len() < MAX_MESSAGE + 100 && text.ends_with('…'),
            "{}",
            text.len()
        );
    }

    #[test]
    fn the_error_says_what_the_retries_read_from_the_response() {
        // A POST (not idempotent): a bare 503 may have been processed, one
        // with Retry-After was not, and the server's x-should-retry decides
        // over the status either way.
        for (status, headers, transient, safe) in [
            (503, &[][..], true, false),
            (503, &[("retry-after", "1")][..], true, true),
            (400, &[("x-should-retry", "true")][..], true, true),
            (429, &[("x-should-retry", "false")][..], false, false),
        ] {
            let err = error(status, "", headers);
            assert_eq!(
                (err.is_transient(), err.is_safe_to_retry()),
                (transient, safe),
                "{status} {headers:?}"
            );
        }
    }

    #[test]
    fn rate_limits_and_redirects() {
        let err = error(
            429,
            r#"{"detail": "slow down"}"#,
            &[("retry-after", "2"), ("x-ratelimit-remaining-tokens", "0")],
        );
        let Error::RateLimited {
            rate_limits,
            retry_after,
            ..
        } = &err
        else {
            panic!("{err:?}");
        };
        assert_eq!(rate_limits.remaining_tokens, Some(0));
        assert_eq!(*retry_after, Some(std::time::Duration::from_secs(2)));
        let err = error(
            307,
            "",
            &[("location", "https://elsewhere.example/x?sig=abc")],
        );
        assert_eq!(
            err.to_string(),
            "the API answered 307: a redirect to https://elsewhere.example/x was not followed: \
             it would resend the request body to another origin, or downgrade https to http"
        );
    }
}
