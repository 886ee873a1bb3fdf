//! The one error type of this crate.

use crate::datasets::InvalidInput;
use std::fmt;
use std::time::Duration;

/// Everything that can go wrong, from configuration to the response.
///
/// Messages start lower case, say what happened and what to do, and never
/// contain the API key or any other credential.
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
    /// The base URL does not parse, or is not http(s).
    #[error("invalid base URL `{url}`: {reason}")]
    InvalidBaseUrl {
        /// The URL as given.
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
    },
    /// The API key is missing, wrong or lacks rights (HTTP 401 or 403).
    #[error(
        "authentication failed ({status}): {message}; check the API key (the {} environment variable){}",
        crate::config::API_KEY_ENV,
        RequestId(.request_id)
    )]
    Authentication {
        /// 401 or 403.
        status: u16,
        /// The server's message.
        message: String,
        /// The `x-request-id` of the response, where present.
        request_id: Option<String>,
    },
    /// Too many requests (HTTP 429), after any retries.
    #[error("rate limited (429): {message}{}{}", RetryAfter(.retry_after), RequestId(.request_id))]
    RateLimited {
        /// How long the server asked to wait, where it said.
        retry_after: Option<Duration>,
        /// The server's message.
        message: String,
        /// The `x-request-id` of the response, where present.
        request_id: Option<String>,
    },
    /// Any other error status.
    #[error("the API answered {status}: {message}{}", RequestId(.request_id))]
    Api {
        /// The HTTP status.
        status: u16,
        /// The server's message, or the start of the body.
        message: String,
        /// The `x-request-id` of the response, where present.
        request_id: Option<String>,
    },
    /// An attempt took longer than the configured timeout.
    #[error("the request timed out after {after:?}; raise it with ClientBuilder::with_timeout or per call")]
    Timeout {
        /// The timeout that ran out.
        after: Duration,
    },
    /// The API could not be reached, or the connection broke.
    #[error("cannot reach the API: {source}")]
    Connection {
        /// The transport error.
        #[source]
        source: reqwest::Error,
    },
    /// A successful status with a body that is not what the spec says.
    #[error("cannot decode the API's {status} response: {source}; the body starts: {body}")]
    Decode {
        /// The HTTP status.
        status: u16,
        /// The body, truncated to 512 bytes.
        body: String,
        /// The decoding error.
        #[source]
        source: serde_json::Error,
    },
}

impl Error {
    /// Whether the failure is transient: a retry may succeed.
    ///
    /// True for rate limits, 408, 409 and 5xx statuses, timeouts and
    /// connection failures. Whether the client retries *automatically*
    /// also depends on whether the request may already have been processed:
    /// see [`crate::RetryPolicy`].
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::RateLimited { .. } | Error::Timeout { .. } | Error::Connection { .. } => true,
            Error::Api { status, .. } => matches!(status, 408 | 409) || *status >= 500,
            _ => false,
        }
    }

    /// A short name of the error's kind, for logs: unlike the message, it
    /// never quotes the server.
    pub(crate) fn kind(&self) -> &'static str {
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
            Error::RateLimited { .. } => "rate_limited",
            Error::Api { .. } => "api",
            Error::Timeout { .. } => "timeout",
            Error::Connection { .. } => "connection",
            Error::Decode { .. } => "decode",
        }
    }

    /// The HTTP status, for errors that come from a response.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Validation { .. } => Some(422),
            Error::RateLimited { .. } => Some(429),
            Error::Authentication { status, .. }
            | Error::Api { status, .. }
            | Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The `x-request-id` of the response, to quote when asking for support.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Validation { request_id, .. }
            | Error::Authentication { request_id, .. }
            | Error::RateLimited { request_id, .. }
            | Error::Api { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
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

    #[test]
    fn validation_details_read_like_paths() {
        let err = Error::Validation {
            details: vec![FieldError {
                location: vec!["body".into(), "rows".into(), "3".into(), "text".into()],
                message: "Field required".into(),
                kind: "missing".into(),
            }],
            request_id: Some("req-1".into()),
        };
        assert_eq!(
            err.to_string(),
            "the API rejected the request (422): body.rows[3].text: Field required (request id req-1)"
        );
        assert_eq!(err.request_id(), Some("req-1"));
        assert_eq!(err.status(), Some(422));
        assert!(!err.is_retryable());
    }

    #[test]
    fn messages_say_what_to_do() {
        let auth = Error::Authentication {
            status: 401,
            message: "Invalid token".into(),
            request_id: None,
        };
        assert_eq!(
            auth.to_string(),
            "authentication failed (401): Invalid token; check the API key (the NEBIUS_API_KEY environment variable)"
        );
        let limited = Error::RateLimited {
            retry_after: Some(Duration::from_millis(1500)),
            message: "slow down".into(),
            request_id: None,
        };
        assert_eq!(
            limited.to_string(),
            "rate limited (429): slow down; retry after 1.5 s"
        );
        assert!(limited.is_retryable());
        assert!(Error::Api {
            status: 502,
            message: String::new(),
            request_id: None
        }
        .is_retryable());
        assert!(!Error::Api {
            status: 404,
            message: String::new(),
            request_id: None
        }
        .is_retryable());
    }
}
