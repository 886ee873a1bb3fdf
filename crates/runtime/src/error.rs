//! The one error type of the SDK, for every operation.

use crate::input::InvalidInput;
use crate::rate_limits::RateLimits;
use crate::retry::{Failure, Processed};
use crate::scrub::Scrubber;
use std::fmt;
use std::time::Duration;

/// The environment variable holding the API key; errors about the key name it.
pub const API_KEY_ENV: &str = "NEBIUS_API_KEY";

/// Everything that can go wrong, from configuration to the response.
///
/// Messages start lower case, say what happened and what to do, and never
/// contain the API key or any other credential: text the server sends back
/// is scrubbed of every credential the call sent.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No API key was configured.
    #[error("no API key: set the {variable} environment variable, or pass one to ClientBuilder::with_api_key")]
    MissingApiKey {
        /// The environment variable that was read.
        variable: &'static str,
    },
    /// The API key has characters that cannot go in an HTTP header.
    #[error("the API key contains characters that cannot go in an HTTP header (a newline, say); check its value")]
    InvalidApiKey,
    /// The configured user agent cannot go in an HTTP header.
    #[error("the user agent `{0}` is not a valid HTTP header value; use visible ASCII")]
    InvalidUserAgent(String),
    /// The base URL does not parse, is not http(s), or carries what it
    /// should not (credentials, a query, a fragment).
    #[error("invalid base URL `{url}`: {reason}")]
    InvalidBaseUrl {
        /// The URL as given, without any credentials in it.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A plain-http base URL off the loopback interface, not explicitly allowed.
    #[error(
        "refusing the plain-http base URL {url}: the API key would travel unencrypted; \
         use https, or allow it with ClientBuilder::with_insecure_http_allowed"
    )]
    InsecureBaseUrl {
        /// The URL as given.
        url: String,
    },
    /// The HTTP client could not be built (TLS setup, for example).
    #[error("cannot build the HTTP client: {0}")]
    HttpClient(#[source] reqwest::Error),
    /// Client-side validation failed; nothing was sent.
    #[error(transparent)]
    InvalidInput(#[from] InvalidInput),
    /// The API rejected the request as invalid (HTTP 422).
    #[error("the API rejected the request (422): {}{}", render_details(.details), RequestId(.request_id))]
    Validation {
        /// FastAPI's validation details, one per problem.
        details: Vec<FieldError>,
        /// The `x-request-id` of the response, where present.
        request_id: Option<String>,
        /// The call that failed.
        call: Call,
    },
    /// The API key is missing, wrong or lacks rights (HTTP 401 or 403).
    #[error(
        "authentication failed ({status}): {message}{}; check the API key (the {} environment variable){}",
        Described(.error_body),
        API_KEY_ENV,
        RequestId(.request_id)
    )]
    Authentication {
        /// 401 or 403.
        status: u16,
        /// The server's message.
        message: String,
        /// The type, code and parameter the body gives, where it gives any.
        error_body: Option<Box<ApiErrorBody>>,
        /// The `x-request-id` of the response, where present.
        request_id: Option<String>,
        /// The call that failed.
        call: Call,
    },
    /// The budget of the account is exhausted (HTTP 402): nothing more is
    /// served until funds are added. Never transient.
    #[error(
        "payment required (402): {message}{}; the account's budget is exhausted: add funds to the \
         Nebius AI Studio account, or check its billing, at https://tokenfactory.nebius.com{}",
        Described(.error_body),
        RequestId(.request_id)
    )]
    PaymentRequired {
        /// The server's message.
        message: String,
        /// The type, code and parameter the body gives, where it gives any.
        error_body: Option<Box<ApiErrorBody>>,
        /// The `x-request-id` of the response, where present.
        request_id: Option<String>,
        /// The call that failed.
        call: Call,
    },
    /// Too many requests (HTTP 429), after any retries.
    #[error(
        "rate limited (429): {message}{}{}{}",
        Described(.error_body),
        RetryAfter(.retry_after),
        RequestId(.request_id)
    )]
    RateLimited {
        /// How long the server asked to wait, where it said.
        retry_after: Option<Duration>,
        /// The rate-limit headers of the response (boxed: they are larger
        /// than the rest of the error).
        rate_limits: Box<RateLimits>,
        /// The server's message.
        message: String,
        /// The type, code and parameter the body gives, where it gives any.
        error_body: Option<Box<ApiErrorBody>>,
        /// The `x-request-id` of the response, where present.
        request_id: Option<String>,
        /// The call that failed.
        call: Call,
    },
    /// Any other error status, Nebius's 529 (inference service overloaded)
    /// among them.
    #[error("the API answered {status}: {message}{}{}", Described(.error_body), RequestId(.request_id))]
    Api {
        /// The HTTP status.
        status: u16,
        /// The server's message (an RFC 9457 problem's as `title: detail`),
        /// or the start of the body.
        message: String,
        /// The type, code and parameter the body gives, where it gives any.
        error_body: Option<Box<ApiErrorBody>>,
        /// The body, where it is JSON (up to 64 KiB of it), with every
        /// credential the call sent scrubbed: decode it into the error model
        /// the API documents for this status.
        body: Option<Box<serde_json::Value>>,
        /// The `x-request-id` of the response, where present.
        request_id: Option<String>,
        /// The call that failed.
        call: Call,
    },
    /// An attempt took longer than the configured timeout: to the response
    /// headers for a stream, to the end of the body otherwise.
    #[error("the request timed out after {after:?}; raise it with ClientBuilder::with_timeout, or for one call with RequestOptions::with_timeout")]
    Timeout {
        /// The timeout that ran out.
        after: Duration,
        /// The call that failed.
        call: Call,
    },
    /// The API could not be reached, or the connection broke.
    #[error("cannot reach the API: {source}")]
    Connection {
        /// The transport error.
        #[source]
        source: reqwest::Error,
        /// The call that failed.
        call: Call,
    },
    /// A successful status with a body that is not what the spec says.
    #[error("cannot decode the API's {status} response: {source}; the body starts: {body}")]
    Decode {
        /// The HTTP status.
        status: u16,
        /// The start of the body, scrubbed of credentials.
        body: String,
        /// The decoding error, its message scrubbed of credentials (it may
        /// quote the body).
        #[source]
        source: DecodeError,
        /// The call that failed.
        call: Call,
    },
    /// A successful JSON response larger than the bound on JSON bodies
    /// (`TransportConfig::max_json_body`, 64 MiB by default): refused
    /// without reading more than the bound.
    #[error(
        "the API's {status} response is larger than the {limit}-byte bound on JSON bodies; \
         raise it with TransportConfig::max_json_body"
    )]
    ResponseTooLarge {
        /// The HTTP status.
        status: u16,
        /// The bound, in bytes.
        limit: usize,
        /// The call that failed.
        call: Call,
    },
    /// A stream broke after it began: the server sent an error, an item
    /// would not decode, the connection broke, or nothing came for too long.
    #[error("the stream of {} failed: {message}", .call.method)]
    Stream {
        /// What happened, with the server's message where it sent one.
        message: String,
        /// Which way it failed.
        failure: StreamFailure,
        /// The call whose stream failed.
        call: Call,
    },
}

/// What an error body says besides its message, taken from either shape
/// an API answers in, every text scrubbed of the call's credentials:
///
/// - an OpenAI-compatible error object,
///   `{"error": {"message", "type", "code", "param"}, "detail": ...}`, as
///   Nebius Token Factory sends for errors of the model behind it;
/// - an RFC 9457 problem (`application/problem+json`):
///   `{"type", "title", "status", "detail"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiErrorBody {
    /// The error object's `message`.
    pub message: Option<String>,
    /// The error object's `type`, such as `BadRequestError`.
    pub error_type: Option<String>,
    /// The error object's `code`, as text whether the server sent a number
    /// (`400`) or a string (`"invalid_api_key"`).
    pub code: Option<String>,
    /// The request parameter the error is about, such as `logprobs`.
    pub param: Option<String>,
    /// A problem's `title`.
    pub title: Option<String>,
    /// The body's `detail`, where it is text: a problem's, or the one
    /// FastAPI gives beside the error object.
    pub detail: Option<String>,
}

impl ApiErrorBody {
    /// Whether the body gave none of the fields.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// How a stream that had begun failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StreamFailure {
    /// Nothing came for longer than the idle timeout.
    Idle,
    /// The connection broke.
    Broken,
    /// The server sent an error in the stream.
    ServerError,
    /// An item did not decode into its type.
    Undecodable,
    /// A line or an event was larger than the limit.
    TooLarge,
    /// Writing the body out failed on this side (a full disk, a closed
    /// file, a file that cannot be created): not a fault of the network,
    /// so not transient.
    Local,
}

/// The longest message a decoding error keeps, in characters, once
/// scrubbed: serde_json's messages quote the values they reject.
pub const MAX_DECODE_MESSAGE: usize = 1000;

/// Why a body did not decode: serde_json's message, scrubbed of every
/// credential the call sent and then cut to [`MAX_DECODE_MESSAGE`]
/// characters, and where in the body it failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    message: String,
    line: usize,
    column: usize,
}

impl DecodeError {
    pub(crate) fn new(error: &serde_json::Error, scrub: &Scrubber<'_>) -> Self {
        Self {
            message: scrub.cut(error.to_string(), MAX_DECODE_MESSAGE),
            line: error.line(),
            column: error.column(),
        }
    }

    /// The message, scrubbed.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The line of the body where decoding failed, from 1 (0 if unknown).
    pub fn line(&self) -> usize {
        self.line
    }

    /// The column of that line where decoding failed, from 1 (0 if unknown).
    pub fn column(&self) -> usize {
        self.column
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DecodeError {}

/// `error` without what its URL must not show: the query (signatures,
/// tokens), the fragment and any user name or password; the scheme, host
/// and path stay, to say where the call went.
pub(crate) fn redact_url(mut error: reqwest::Error) -> reqwest::Error {
    if let Some(url) = error.url_mut() {
        url.set_query(None);
        url.set_fragment(None);
        let _ = url.set_username("");
        let _ = url.set_password(None);
    }
    error
}

/// The call an error came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// The operation's id in the document.
    pub operation_id: &'static str,
    /// The Rust call that made it, as the user wrote it:
    /// `create_chat_completion().send_stream()`.
    pub method: &'static str,
    /// How many attempts were made.
    pub attempts: u32,
    /// Whether repeating the operation has the effect of making it once.
    pub idempotent: bool,
    /// What the response that ended the call said about repeating it (its
    /// status, `Retry-After` and `x-should-retry`), where one came: the
    /// same answer the retries followed.
    pub(crate) answered: Option<Failure>,
}

impl Call {
    /// What the response of `status` that ended the call said about
    /// repeating it.
    fn answered(&self, status: u16) -> Failure {
        self.answered
            .unwrap_or_else(|| Failure::of_status(status, None))
    }
}

impl Error {
    /// What the failure says about trying again, from the one table that
    /// also drives the client's own retries ([`crate::RetryPolicy`]).
    /// `None` for failures before anything was sent.
    pub fn failure(&self) -> Option<Failure> {
        Some(match self {
            Error::Validation { call, .. } => call.answered(422),
            Error::Authentication { status, call, .. } => call.answered(*status),
            Error::PaymentRequired { call, .. } => call.answered(402),
            Error::RateLimited { call, .. } => call.answered(429),
            Error::Api { status, call, .. } => call.answered(*status),
            Error::Timeout { .. } => Failure::TIMEOUT,
            Error::Connection { source, .. } => Failure::of_transport(source),
            Error::Decode { .. } | Error::ResponseTooLarge { .. } => Failure {
                transient: false,
                processed: Processed::Yes,
            },
            // The server had begun to answer: the request was processed.
            Error::Stream { failure, .. } => Failure {
                transient: matches!(failure, StreamFailure::Idle | StreamFailure::Broken),
                processed: Processed::Yes,
            },
            _ => return None,
        })
    }

    /// Whether the failure is transient: the same call may succeed later.
    ///
    /// True for rate limits, 408, 425, 500, 502, 503, 504 and Nebius's
    /// 529 (overloaded), timeouts,
    /// connection failures, and streams that fell silent or broke; a
    /// server's `x-should-retry` decides over the status.
    pub fn is_transient(&self) -> bool {
        self.failure().is_some_and(|f| f.transient)
    }

    /// Whether making this call again is safe and may succeed: the failure
    /// is transient, and either the server certainly did not act on the
    /// request or the operation is idempotent. The client already retried
    /// such failures up to its policy's limit.
    pub fn is_safe_to_retry(&self) -> bool {
        match (self.failure(), self.call()) {
            (Some(failure), Some(call)) => failure.is_safe_to_retry(call.idempotent),
            _ => false,
        }
    }

    /// The call the error came from, for errors from a call.
    pub fn call(&self) -> Option<&Call> {
        match self {
            Error::Validation { call, .. }
            | Error::Authentication { call, .. }
            | Error::PaymentRequired { call, .. }
            | Error::RateLimited { call, .. }
            | Error::Api { call, .. }
            | Error::Timeout { call, .. }
            | Error::Connection { call, .. }
            | Error::Decode { call, .. }
            | Error::ResponseTooLarge { call, .. }
            | Error::Stream { call, .. } => Some(call),
            _ => None,
        }
    }

    /// A short name of the error's kind, for logs: unlike the message, it
    /// never quotes the server.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::MissingApiKey { .. } => "missing_api_key",
            Error::InvalidApiKey => "invalid_api_key",
            Error::InvalidUserAgent(_) => "invalid_user_agent",
            Error::InvalidBaseUrl { .. } => "invalid_base_url",
            Error::InsecureBaseUrl { .. } => "insecure_base_url",
            Error::HttpClient(_) => "http_client",
            Error::InvalidInput(_) => "invalid_input",
            Error::Validation { .. } => "validation",
            Error::Authentication { .. } => "authentication",
            Error::PaymentRequired { .. } => "payment_required",
            Error::RateLimited { .. } => "rate_limited",
            Error::Api { .. } => "api",
            Error::Timeout { .. } => "timeout",
            Error::Connection { .. } => "connection",
            Error::Decode { .. } => "decode",
            Error::ResponseTooLarge { .. } => "response_too_large",
            Error::Stream { .. } => "stream",
        }
    }

    /// The HTTP status, for errors that come from a response.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Validation { .. } => Some(422),
            Error::PaymentRequired { .. } => Some(402),
            Error::RateLimited { .. } => Some(429),
            Error::Authentication { status, .. }
            | Error::Api { status, .. }
            | Error::Decode { status, .. }
            | Error::ResponseTooLarge { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The `x-request-id` of the response, to quote when asking for support.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Validation { request_id, .. }
            | Error::Authentication { request_id, .. }
            | Error::PaymentRequired { request_id, .. }
            | Error::RateLimited { request_id, .. }
            | Error::Api { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The server's message, for errors that come from a response: the
    /// error object's `message`, else the body's `detail`, else the start
    /// of the body. `None` for a rejected request's validation details,
    /// which [`Error::Validation`] lists.
    pub fn message(&self) -> Option<&str> {
        match self {
            Error::Authentication { message, .. }
            | Error::PaymentRequired { message, .. }
            | Error::RateLimited { message, .. }
            | Error::Api { message, .. } => Some(message),
            _ => None,
        }
    }

    /// What the error body says besides its message (type, code,
    /// parameter, a problem's title and detail), where it says any.
    pub fn error_body(&self) -> Option<&ApiErrorBody> {
        match self {
            Error::Authentication { error_body, .. }
            | Error::PaymentRequired { error_body, .. }
            | Error::RateLimited { error_body, .. }
            | Error::Api { error_body, .. } => error_body.as_deref(),
            _ => None,
        }
    }

    /// The error object's `type`, such as `BadRequestError`.
    pub fn error_type(&self) -> Option<&str> {
        self.error_body()?.error_type.as_deref()
    }

    /// The error object's `code`, as text.
    pub fn code(&self) -> Option<&str> {
        self.error_body()?.code.as_deref()
    }

    /// The request parameter the error is about, where the server names one.
    pub fn param(&self) -> Option<&str> {
        self.error_body()?.param.as_deref()
    }

    /// Whether the account's budget is exhausted (HTTP 402): add funds to
    /// the Nebius AI Studio account before calling again.
    pub fn is_payment_required(&self) -> bool {
        matches!(self, Error::PaymentRequired { .. })
    }

    /// Whether Nebius's inference service was overloaded (HTTP 529) and
    /// refused the request before processing it, after any retries.
    pub fn is_overloaded(&self) -> bool {
        matches!(self, Error::Api { status: 529, .. })
    }
}

/// One item of FastAPI's validation `detail`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Where the problem is, as FastAPI gives it: `["body", "rows", 3, "text"]`.
    pub location: Vec<String>,
    /// What is wrong.
    pub message: String,
    /// FastAPI's error type, such as `missing`.
    pub kind: String,
}

impl fmt::Display for FieldError {
    /// `body.rows[3].text: Field required`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, part) in self.location.iter().enumerate() {
            if part.parse::<u64>().is_ok() {
                write!(f, "[{part}]")?;
            } else if i == 0 {
                f.write_str(part)?;
            } else {
                write!(f, ".{part}")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}

fn render_details(details: &[FieldError]) -> String {
    if details.is_empty() {
        return "no details given".into();
    }
    details
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

struct RequestId<'a>(&'a Option<String>);

impl fmt::Display for RequestId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(id) => write!(f, " (request id {id})"),
            None => Ok(()),
        }
    }
}

/// ` (type BadRequestError, code 400, param logprobs)`: what the body
/// says besides its message; nothing where it says none of it.
struct Described<'a>(&'a Option<Box<ApiErrorBody>>);

impl fmt::Display for Described<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(body) = self.0 else { return Ok(()) };
        let parts: Vec<String> = [
            ("type", &body.error_type),
            ("code", &body.code),
            ("param", &body.param),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.as_ref().map(|v| format!("{name} {v}")))
        .collect();
        if parts.is_empty() {
            return Ok(());
        }
        write!(f, " ({})", parts.join(", "))
    }
}

struct RetryAfter<'a>(&'a Option<Duration>);

impl fmt::Display for RetryAfter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(d) => write!(f, "; retry after {:.1} s", d.as_secs_f64()),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(idempotent: bool) -> Call {
        Call {
            operation_id: "op",
            method: "op().send()",
            attempts: 1,
            idempotent,
            answered: None,
        }
    }

    #[test]
    fn validation_details_read_like_paths() {
        let err = Error::Validation {
            details: vec![FieldError {
                location: vec!["body".into(), "rows".into(), "3".into(), "text".into()],
                message: "Field required".into(),
                kind: "missing".into(),
            }],
            request_id: Some("req-1".into()),
            call: call(false),
        };
        assert_eq!(
            err.to_string(),
            "the API rejected the request (422): body.rows[3].text: Field required (request id req-1)"
        );
        assert_eq!(err.request_id(), Some("req-1"));
        assert_eq!(err.status(), Some(422));
        assert!(!err.is_transient());
        assert_eq!(err.call().unwrap().operation_id, "op");
    }

    #[test]
    fn messages_say_what_to_do() {
        let auth = Error::Authentication {
            status: 401,
            message: "Invalid token".into(),
            error_body: None,
            request_id: None,
            call: call(true),
        };
        assert_eq!(
            auth.to_string(),
            "authentication failed (401): Invalid token; check the API key (the NEBIUS_API_KEY environment variable)"
        );
        let limited = Error::RateLimited {
            retry_after: Some(Duration::from_millis(1500)),
            rate_limits: Box::default(),
            message: "slow down".into(),
            error_body: None,
            request_id: None,
            call: call(false),
        };
        assert_eq!(
            limited.to_string(),
            "rate limited (429): slow down; retry after 1.5 s"
        );
        assert!(limited.is_transient() && limited.is_safe_to_retry());
        let broke = Error::PaymentRequired {
            message: "Payment Required: You have exhausted your budget.".into(),
            error_body: None,
            request_id: Some("req-2".into()),
            call: call(true),
        };
        assert_eq!(
            broke.to_string(),
            "payment required (402): Payment Required: You have exhausted your budget.; \
             the account's budget is exhausted: add funds to the Nebius AI Studio account, \
             or check its billing, at https://tokenfactory.nebius.com (request id req-2)"
        );
        assert_eq!(
            (broke.status(), broke.kind(), broke.request_id()),
            (Some(402), "payment_required", Some("req-2"))
        );
        assert!(broke.is_payment_required() && !broke.is_overloaded());
        assert!(!broke.is_transient() && !broke.is_safe_to_retry());
        assert_eq!(broke.call().unwrap().operation_id, "op");
    }

    #[test]
    fn the_error_object_shows_its_type_code_and_param() {
        let err = Error::Api {
            status: 400,
            message: "logprobs too high".into(),
            error_body: Some(Box::new(ApiErrorBody {
                message: Some("logprobs too high".into()),
                error_type: Some("BadRequestError".into()),
                code: Some("400".into()),
                param: Some("logprobs".into()),
                ..ApiErrorBody::default()
            })),
            body: None,
            request_id: None,
            call: call(false),
        };
        assert_eq!(
            err.to_string(),
            "the API answered 400: logprobs too high (type BadRequestError, code 400, param logprobs)"
        );
        assert_eq!(
            (err.error_type(), err.code(), err.param(), err.message()),
            (
                Some("BadRequestError"),
                Some("400"),
                Some("logprobs"),
                Some("logprobs too high")
            )
        );
        let overloaded = Error::Api {
            status: 529,
            message: "System is overloaded".into(),
            error_body: None,
            body: None,
            request_id: None,
            call: call(false),
        };
        assert_eq!(
            overloaded.to_string(),
            "the API answered 529: System is overloaded"
        );
        assert!(overloaded.is_overloaded() && overloaded.is_safe_to_retry());
        assert_eq!((overloaded.error_type(), overloaded.code()), (None, None));
    }

    #[test]
    fn transient_and_safe_to_retry_are_two_answers_from_one_table() {
        let api = |status, idempotent| Error::Api {
            status,
            message: String::new(),
            error_body: None,
            body: None,
            request_id: None,
            call: call(idempotent),
        };
        // A 502 may have been processed: safe to repeat only if idempotent.
        assert!(api(502, false).is_transient() && !api(502, false).is_safe_to_retry());
        assert!(api(502, true).is_safe_to_retry());
        // 409 and 501 are final, as the retry policy treats them.
        for status in [409, 501, 404] {
            assert!(!api(status, true).is_transient(), "{status}");
            assert!(!api(status, true).is_safe_to_retry(), "{status}");
        }
        let timeout = Error::Timeout {
            after: Duration::from_secs(1),
            call: call(false),
        };
        assert!(timeout.is_transient() && !timeout.is_safe_to_retry());
        assert!(!Error::InvalidApiKey.is_transient());
    }
}
