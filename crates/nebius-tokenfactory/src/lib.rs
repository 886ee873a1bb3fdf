//! The Rust SDK for the [Nebius Token Factory API](https://api.tokenfactory.nebius.com).
//!
//! Add `nebius-tokenfactory`, plus `schemars` and `serde` for typed rows.
//! Create a client from the environment (`NEBIUS_API_KEY`, and optionally
//! `NEBIUS_BASE_URL` and `NEBIUS_AI_PROJECT_ID`), then create a dataset
//! from rows of your own type: the column schema comes from the type.
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
//! Every operation of the API is on [`Client::api`], generated from its
//! OpenAPI document; an operation a regen adds is there too, with no code
//! written for it:
//!
//! ```no_run
//! # async fn demo(client: nebius_tokenfactory::Client) -> Result<(), nebius_tokenfactory::Error> {
//! use nebius_tokenfactory::RequestOptions;
//! use std::time::Duration;
//!
//! // Any operation, with the client's auth, timeout, retries and errors:
//! let dataset = client.api().create_dataset().body(/* a CreateDatasetRequest */
//! #     nebius_tokenfactory::api::types::CreateDatasetRequest::from(
//! #         nebius_tokenfactory::api::types::CreateDatasetRequestS3::try_from(
//! #             nebius_tokenfactory::api::types::CreateDatasetRequestS3::builder()).unwrap())
//! ).send().await?;
//! // The same, with other settings for this call only:
//! let patient = client.with_options(RequestOptions::new().with_timeout(Duration::from_secs(1800)));
//! # Ok(())
//! # }
//! ```
//!
//! What the client does for every call:
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
