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
//! What the client does for you:
//!
//! - **Auth:** the key goes in a bearer header marked sensitive, and never
//!   appears in `Debug`, `Display`, errors or logs.
//! - **Timeouts:** 10 s to connect and 600 s per attempt by default.
//! - **Retries:** twice by default, only where the request certainly was not
//!   processed; see [`RetryPolicy`].
//! - **Errors:** one [`Error`] type, with the status, the server's message
//!   and the request id.
//! - **Tracing:** one `nebius_tokenfactory.request` span per call, with
//!   operation, attempt, status, duration and request id, and an event per
//!   retry. Response bodies are logged at TRACE only; request bodies never,
//!   as they may hold credentials.
//!
//! The generated client and all API types are in [`api`], for everything
//! this crate does not wrap yet.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod client;
mod config;
pub mod datasets;
mod error;
mod retry;

pub use client::Client;
pub use config::{
    ClientBuilder, API_KEY_ENV, BASE_URL_ENV, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_TIMEOUT, PROJECT_ENV,
};
pub use error::{Error, FieldError};
pub use nebius_tokenfactory_api as api;
pub use nebius_tokenfactory_api::Secret;
pub use retry::RetryPolicy;
