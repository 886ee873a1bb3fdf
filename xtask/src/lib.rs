//! Maintainer tasks for the Nebius Token Factory client: `cargo xtask`.
//!
//! - `regen` ([`regen`]) refreshes the vendored `openapi.json`: it loads the
//!   upstream document, proves the codegen pipeline still generates a client
//!   from it, prints what changed for users of the client, and writes it in
//!   the canonical form, atomically, with a changelog entry.
//! - `diff` ([`diff`]) prints the same report for any two documents.
//! - Both apply the overlay beside the vendored document ([`overlay`])
//!   before they generate, as the build script does.
//! - `bench-diff` ([`mod@bench`]) times the report on two synthetic 5 MB documents.
//!
//! The binary (`src/main.rs`) only parses arguments; everything else is
//! here, so that tests can run each task against a temporary copy of the
//! repository.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod bench;
pub mod changelog;
pub mod diff;
pub mod error;
pub mod overlay;
pub mod regen;
pub mod spec;

pub use error::{Error, Result};
