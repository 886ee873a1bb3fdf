//! The Rust SDK for the [Nebius Token Factory API](https://api.tokenfactory.nebius.com).
//!
//! The guide below walks through the main tasks; each example runs (as a
//! doctest) against an in-process mock of the API. Sections for operations
//! the client was generated without (the vendored document predates most
//! of the API) appear once a regen brings them.
//!
//! ## Configure a client
//!
//! [`Client::from_env`] reads `NEBIUS_API_KEY`, and optionally
//! `NEBIUS_BASE_URL` and `NEBIUS_AI_PROJECT_ID` (the AI Studio project
//! that every operation taking one uses unless the call names its own);
//! [`Client::builder`] sets the same and more by hand:
//!
//! ```
//! # fn main() -> Result<(), nebius_tokenfactory::Error> {
//! use nebius_tokenfactory::Client;
//! use std::time::Duration;
//!
//! let client = Client::builder()
//!     .with_api_key("my-key")
//!     .with_ai_project_id("project-e00example")
//!     .with_timeout(Duration::from_secs(120))
//!     .with_max_retries(3)
//!     .build()?;
//! assert_eq!(client.base_url(), "https://api.tokenfactory.nebius.com");
//! // The key never prints:
//! assert!(!format!("{client:?}").contains("my-key"));
//! # Ok(())
//! # }
//! ```
//!
//! ## Upload typed rows
//!
//! Add `schemars` and `serde` for typed rows: the column schema comes from
//! the row type.
//!
//! ```no_run
//! use nebius_tokenfactory::Client;
//!
//! #[derive(serde::Serialize, schemars::JsonSchema)]
//! struct Review {
//!     text: String,
//!     stars: Option<u8>,
//! }
//!
//! # async fn demo() -> Result<(), nebius_tokenfactory::Error> {
//! let client = Client::from_env()?;
//! let rows = [Review { text: "Quick and friendly.".into(), stars: Some(5) }];
//! let dataset = client.datasets().upload("reviews", "/demo", &rows).send().await?;
//! println!("created {} ({})", dataset.id, dataset.status);
//! # Ok(())
//! # }
//! ```
//!
//! Rows are checked before anything is sent, and problems come back with
//! their row and column:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! use nebius_tokenfactory::datasets::{ColumnType, DatasetSchema};
//! use nebius_tokenfactory::{Client, Error};
//! use serde_json::json;
//!
//! let client = Client::builder().with_api_key("key").build().unwrap();
//! let schema = DatasetSchema::new().column("text", ColumnType::String);
//! let rows = [json!({"text": "fine"}), json!({"text": 42})];
//! let err = client.datasets().upload_json("d", "/f", schema, &rows).send().await.unwrap_err();
//! assert_eq!(
//!     err.to_string(),
//!     "invalid input, nothing was sent: row 1, column `text`: expected string, found an integer"
//! );
//! # }
//! ```
//!
#![doc = include_str!("guide/any_operation.md")]
#![cfg_attr(api_operation = "create_chat_completion", doc = include_str!("guide/chat.md"))]
#![cfg_attr(
    all(api_operation = "upload_file", api_operation = "get_file_content"),
    doc = include_str!("guide/files.md")
)]
#![doc = include_str!("guide/options_and_errors.md")]
#![doc = include_str!("guide/mocks.md")]
//!
//! ## What the client does for every call
//!
//!
//! - **Auth:** the key goes in a bearer header marked sensitive, and never
//!   appears in `Debug`, `Display`, errors or logs.
//! - **Timeouts:** 10 s to connect and 600 s per attempt by default, body
//!   included; streams get a timeout to their headers, then an idle timeout.
//! - **Retries:** twice by default, by a table of failures and the
//!   operation's idempotence; see [`retry`].
//! - **Errors:** one [`Error`] type, with the status, the server's message,
//!   the request id and the rate limits, and whether the failure is
//!   transient and whether repeating the call is safe.
//! - **Tracing:** one `nebius_tokenfactory.request` span per call, with
//!   operation, attempt, status, duration and request id, and an event per
//!   retry. Response bodies are logged at TRACE only (scrubbed); request
//!   bodies never, as they may hold credentials.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod client;
mod config;

/// The snippets of the READMEs, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
pub mod datasets;

pub use client::Client;
pub use config::{
    ClientBuilder, API_KEY_ENV, BASE_URL_ENV, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_STREAM_IDLE_TIMEOUT, DEFAULT_TIMEOUT, PROJECT_ENV,
};
/// The generated client and every API type.
pub use nebius_tokenfactory_api as api;
/// Files and bytes for the file fields of multipart forms: [`multipart::Part`].
pub use nebius_tokenfactory_api::runtime::multipart;
pub use nebius_tokenfactory_api::runtime::retry;
/// What streaming calls return: [`stream::EventStream`],
/// [`stream::JsonLines`] and [`stream::Download`].
pub use nebius_tokenfactory_api::runtime::stream;
pub use nebius_tokenfactory_api::runtime::{
    Error, FieldError, RateLimits, RequestOptions, Response, RetryPolicy, Secret,
};
/// Header names and values (reqwest's), for
/// [`RequestOptions::with_header`] and for reading a [`Response`]'s headers.
pub use reqwest::header;
