//! The runtime every generated operation of the Nebius Token Factory client
//! runs on.
//!
//! The generator (`nebius-tokenfactory-codegen`) makes each operation's
//! `send` a [`Transport::call`], and the generated client's one
//! `ClientHooks::exec` a [`Transport::exec`]; a generated client does not
//! compile without them. So every operation, today's and those a regen
//! adds, gets the same:
//!
//! - **auth:** the bearer token, in a header marked sensitive, and the user
//!   agent;
//! - **timeouts:** per attempt, to the end of the body (to the headers for
//!   a stream, then an idle timeout between events);
//! - **retries:** by one table of failures and the operation's idempotence
//!   ([`retry`]), with backoff and the server's `Retry-After`;
//! - **redirects:** never carrying a body or the token elsewhere ([`redirect`]);
//! - **errors:** one [`Error`], with the status, the server's message, the
//!   request id and the rate limits, scrubbed of every credential the call
//!   sent;
//! - **tracing:** one `nebius_tokenfactory.request` span per call.
//!
//! Most users reach all of it through the `nebius-tokenfactory` crate. A
//! transport on its own:
//!
//! ```
//! use nebius_tokenfactory_runtime::{http_client, RequestOptions, Secret, Transport, TransportConfig};
//! use std::time::Duration;
//!
//! let http = http_client(Duration::from_secs(10)).unwrap();
//! let transport = Transport::new(TransportConfig::new(Secret::from("my-key"), http)).unwrap();
//! let patient = transport.with_options(RequestOptions::new().with_timeout(Duration::from_secs(900)));
//! assert_eq!(patient.timeout(), Duration::from_secs(900));
//! assert!(!format!("{transport:?}").contains("my-key"));
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod call;
mod endpoint;
mod error;
mod input;
pub mod multipart;
mod options;
mod project;
mod query;
mod rate_limits;
pub mod redirect;
mod response;
pub mod retry;
mod scope;
mod scrub;
mod secret;
pub mod stream;
mod tls;
mod transport;

pub use call::Attempt;
pub use endpoint::{Endpoint, ProjectParameter, ResponseKind};
pub use error::{
    ApiErrorBody, Call, DecodeError, Error, FieldError, StreamFailure, API_KEY_ENV,
    MAX_DECODE_MESSAGE,
};
pub use input::{InvalidInput, Problem, Problems, MAX_LISTED_PROBLEMS};
pub use options::RequestOptions;
pub use query::DeepObject;
pub use rate_limits::RateLimits;
pub use redirect::http_client;
pub use response::Response;
pub use retry::RetryPolicy;
pub use secret::Secret;
pub use tls::ensure_crypto_provider;
pub use transport::{
    Transport, TransportConfig, DEFAULT_MAX_JSON_BODY, DEFAULT_STREAM_IDLE_TIMEOUT,
    DEFAULT_TIMEOUT, MAX_ERROR_BODY, RETRY_COUNT,
};
