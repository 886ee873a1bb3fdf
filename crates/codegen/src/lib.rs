//! Code generation for the Nebius Token Factory client.
//!
//! The upstream OpenAPI document, with the [`overlay`] beside it applied,
//! goes through the ordered [`normalize::PASSES`], then progenitor generates the client and its
//! typed httpmock helpers. `build.rs` of the client crate calls
//! [`generate`]; the xtask uses the same function to prove that a new
//! upstream document still generates before it is vendored.
//!
//! ```
//! let spec: serde_json::Value = serde_json::from_str(include_str!("../../../openapi.json")).unwrap();
//! let out = nebius_tokenfactory_codegen::generate(&spec, &Default::default()).unwrap();
//! assert!(out.file.contains("pub async fn send"));
//! assert!(out.diagnostics.skipped.is_empty());
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod emit;
mod error;
mod generate;
pub mod manifest;
pub mod names;
pub mod normalize;
pub mod overlay;
pub mod surface;

pub use emit::open_enum;
pub use error::Error;
pub use generate::{generate, generate_with_surface, Generated, Options};
pub use normalize::{normalize, Degraded, Diagnostics, Skipped};
