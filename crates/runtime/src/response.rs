//! What a call gives back: a decoded [`Response`], or the [`Error`] for a
//! status that is not a success.

use crate::error::{ApiErrorBody, Call, Error, FieldError};
use crate::rate_limits::RateLimits;
use crate::retry::{retry_after, Failure};
use crate::scrub::Scrubber;
use crate::Secret;
use reqwest::header::{HeaderMap, CONTENT_TYPE, LOCATION};
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
                    message: scrub.cut(d.msg, MAX_MESSAGE),
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
    let problem = is_problem(headers, json.as_ref());
    let error_body = json
        .as_ref()
        .map(|j| error_body(j, problem, scrub))
        .filter(|b| !b.is_empty())
        .map(Box::new);
    let message = json
        .as_ref()
        .and_then(|j| server_message(j, problem))
        .map(|m| scrub.cut(m.trim().to_string(), MAX_MESSAGE))
        .filter(|m| !m.is_empty())
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
            error_body,
            request_id,
            call,
        },
        402 => Error::PaymentRequired {
            message,
            error_body,
            request_id,
            call,
        },
        429 => Error::RateLimited {
            retry_after: retry_after(headers, SystemTime::now()),
            rate_limits: Box::new(RateLimits::from_headers(headers)),
            message,
            error_body,
            request_id,
            call,
        },
        300..=399 => Error::Api {
            status: status.as_u16(),
            message: redirect_message(headers),
            error_body: None,
            body: None,
            request_id,
            call,
        },
        code => Error::Api {
            status: code,
            message,
            error_body,
            body: json.map(|j| Box::new(scrub.json(j))),
            request_id,
            call,
        },
    }
}

/// Whether the body is an RFC 9457 problem: its content type says so, or
/// it has a problem's `title` and `status`.
fn is_problem(headers: &HeaderMap, json: Option<&serde_json::Value>) -> bool {
    let typed = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/problem+json"));
    typed
        || json.is_some_and(|j| {
            j.get("title").is_some_and(serde_json::Value::is_string)
                && j.get("status").is_some_and(serde_json::Value::is_u64)
        })
}

/// The error object's fields (`{"error": {"message", "type", "code",
/// "param"}}`), the body's text `detail`, and a problem's `title`, each
/// scrubbed and cut.
fn error_body(json: &serde_json::Value, problem: bool, scrub: &Scrubber<'_>) -> ApiErrorBody {
    use serde_json::Value;
    let text = |value: Option<&Value>, numbers: bool| -> Option<String> {
        let raw = match value? {
            Value::String(s) => s.trim().to_string(),
            Value::Number(n) if numbers => n.to_string(),
            _ => return None,
        };
        Some(scrub.cut(raw, MAX_MESSAGE)).filter(|t| !t.is_empty())
    };
    let object = json.get("error").filter(|e| e.is_object());
    let field = |name: &str| object.and_then(|e| e.get(name));
    ApiErrorBody {
        message: text(field("message"), false),
        error_type: text(field("type"), false),
        code: text(field("code"), true),
        param: text(field("param"), false),
        title: text(json.get("title").filter(|_| problem), false),
        detail: text(json.get("detail"), false),
    }
}

/// The server's message: a problem's `title: detail`, the error object's
/// `message` (Nebius's `detail` beside it may wrap it in advice), FastAPI's
/// `{"detail": "..."}`, or a plain `{"message": "..."}` or `{"error":
/// "..."}`; a `detail` that is not text is given as its JSON.
fn server_message(json: &serde_json::Value, problem: bool) -> Option<String> {
    let string = |name: &str| {
        json.get(name)
            .and_then(|v| v.as_str())
            .map(str::trim)
            .filter(|t| !t.is_empty())
    };
    if problem {
        match (string("title"), string("detail")) {
            (Some(title), Some(detail)) => return Some(format!("{title}: {detail}")),
            (Some(only), None) | (None, Some(only)) => return Some(only.to_string()),
            (None, None) => {}
        }
    }
    let text = json
        .pointer("/error/message")
        .and_then(|m| m.as_str())
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .or_else(|| string("detail"))
        .or_else(|| string("message"))
        .or_else(|| string("error"))
        .map(String::from);
    text.or_else(|| {
        json.get("detail")
            .filter(|d| !d.is_string())
            .map(|d| d.to_string())
    })
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
    use proptest::strategy::Strategy;
    use reqwest::header::HeaderValue;

    fn call() -> Call {
        Call {
            operation_id: "op",
            method: "op().send()",
            attempts: 1,
            idempotent: false,
            answered: None,
        }
    }

    fn error(status: u16, body: &str, headers: &[(&'static str, &str)]) -> Error {
        let key = Secret::from("sk-testkey");
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
            (400, r#"{"error": {"message": "bad model sk-testkey"}}"#, "the API answered 400: bad model [REDACTED]"),
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
    fn an_exhausted_budget_is_its_own_error_and_final() {
        let err = error(
            402,
            r#"{"detail": "Payment Required: You have exhausted your budget. Please add funds to continue using the API."}"#,
            &[("x-request-id", "req-402")],
        );
        let Error::PaymentRequired {
            message,
            request_id,
            ..
        } = &err
        else {
            panic!("{err:?}");
        };
        assert_eq!(
            message,
            "Payment Required: You have exhausted your budget. Please add funds to continue using the API."
        );
        assert_eq!(request_id.as_deref(), Some("req-402"));
        let text = err.to_string();
        assert!(
            text.starts_with("payment required (402): Payment Required")
                && text.contains("add funds to the Nebius AI Studio account")
                && text.ends_with("(request id req-402)"),
            "{text}"
        );
        assert_eq!((err.status(), err.kind()), (Some(402), "payment_required"));
        assert!(!err.is_transient() && !err.is_safe_to_retry());
    }

    #[test]
    fn an_overloaded_nebius_is_transient_and_safe_to_repeat() {
        let err = error(
            529,
            r#"{"error": {"message": "System is overloaded\n", "type": "InternalServerError", "code": 529}, "detail": "System is overloaded\n"}"#,
            &[],
        );
        assert!(
            matches!(err, Error::Api { status: 529, .. }) && err.is_overloaded(),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            "the API answered 529: System is overloaded (type InternalServerError, code 529)"
        );
        // The call is a POST (not idempotent), and still safe to repeat:
        // the service refused it before processing.
        assert!(err.is_transient() && err.is_safe_to_retry());
        let told = error(529, "", &[("x-should-retry", "false")]);
        assert!(!told.is_transient());
    }

    #[test]
    fn the_error_object_gives_message_type_code_and_param_scrubbed() {
        let err = error(
            400,
            r#"{"error": {"message": "logprobs of 100 is over 20 for sk-testkey", "type": "BadRequestError", "code": 400, "param": "logprobs"}, "detail": "Invalid request. Details: logprobs of 100 is over 20 for sk-testkey"}"#,
            &[],
        );
        assert_eq!(
            err.to_string(),
            "the API answered 400: logprobs of 100 is over 20 for [REDACTED] \
             (type BadRequestError, code 400, param logprobs)"
        );
        let body = err.error_body().expect("the error object is read");
        assert_eq!(
            (
                body.message.as_deref(),
                err.error_type(),
                err.code(),
                err.param()
            ),
            (
                Some("logprobs of 100 is over 20 for [REDACTED]"),
                Some("BadRequestError"),
                Some("400"),
                Some("logprobs")
            )
        );
        assert_eq!(
            body.detail.as_deref(),
            Some("Invalid request. Details: logprobs of 100 is over 20 for [REDACTED]")
        );
        // A string code, a null param, and the same fields on a 429 and a 401.
        let limited = error(
            429,
            r#"{"error": {"message": "slow down", "type": "requests", "code": "rate_limit_exceeded", "param": null}}"#,
            &[],
        );
        assert_eq!(
            limited.to_string(),
            "rate limited (429): slow down (type requests, code rate_limit_exceeded)"
        );
        assert_eq!(limited.param(), None);
        let auth = error(
            401,
            r#"{"error": {"message": "bad key s3-secret", "type": "auth", "code": "invalid_api_key"}}"#,
            &[],
        );
        assert_eq!(auth.code(), Some("invalid_api_key"));
        assert!(
            auth.to_string().contains(
                "bad key [REDACTED] (type auth, code invalid_api_key); check the API key"
            ),
            "{auth}"
        );
        // A plain body has none of it.
        let plain = error(404, r#"{"detail": "Not Found"}"#, &[]);
        assert_eq!(plain.error_type(), None);
        assert_eq!(
            plain.error_body().and_then(|b| b.detail.as_deref()),
            Some("Not Found")
        );
    }

    #[test]
    fn problems_read_title_and_detail() {
        let problem = r#"{"type": "https://example.test/errors#VIOLATION", "title": "Request is not valid", "status": 409, "detail": "the name sk-testkey is taken"}"#;
        for content_type in ["application/problem+json", "application/json"] {
            let err = error(409, problem, &[("content-type", content_type)]);
            assert_eq!(
                err.to_string(),
                "the API answered 409: Request is not valid: the name [REDACTED] is taken",
                "{content_type}"
            );
            let body = err.error_body().unwrap();
            assert_eq!(body.title.as_deref(), Some("Request is not valid"));
            assert_eq!(body.detail.as_deref(), Some("the name [REDACTED] is taken"));
        }
        // Announced by its type, a problem with a title alone says the title.
        let err = error(
            500,
            r#"{"title": "Internal error"}"#,
            &[("content-type", "application/problem+json; charset=utf-8")],
        );
        assert_eq!(err.to_string(), "the API answered 500: Internal error");
        // Without the type, a `title` alone is no problem's.
        let err = error(500, r#"{"title": "x", "detail": "y"}"#, &[]);
        assert_eq!(err.to_string(), "the API answered 500: y");
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

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// Any status and any body (JSON of the shapes APIs answer in, or
        /// bytes) becomes an error without a panic, its message within
        /// its bound and never quoting the key.
        #[test]
        fn any_error_body_decodes_within_bounds(
            status in 400u16..600,
            body in proptest::prop_oneof![
                proptest::prelude::any::<String>(),
                "[a-z ]{0,3000}".prop_map(|m| format!("{{\"error\": {{\"message\": \"{m} sk-testkey\", \"type\": \"t\"}}}}")),
                "[a-z ]{0,3000}".prop_map(|m| format!("{{\"detail\": [{{\"loc\": [\"body\"], \"msg\": \"{m}\", \"type\": \"x\"}}]}}")),
                "[a-z ]{0,3000}".prop_map(|m| format!("{{\"title\": \"{m}\", \"detail\": \"{m}\", \"status\": 400}}")),
            ],
        ) {
            let err = error(status, &body, &[]);
            let text = err.to_string();
            proptest::prop_assert!(!text.contains("sk-testkey"), "{text}");
            // The message, its type and code, and the status and request id
            // around it: a few times the message bound at most.
            proptest::prop_assert!(text.len() <= 4 * MAX_MESSAGE, "{} bytes", text.len());
        }
    }
}
