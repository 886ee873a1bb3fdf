//! Compiles the client generated from every spec of the codegen fixture
//! corpus (`crates/codegen/tests/fixtures`). Building this crate is the
//! test: a fixture whose generated code does not compile fails the build of
//! the workspace, and so the test command.
//!
//! Each generated file is one module that carries its own lint allowances
//! (the codegen's `ALLOWED_LINTS`), exactly as in the client crate: what
//! compiles here compiles there.

#![deny(missing_docs)]

include!(concat!(env!("OUT_DIR"), "/corpus.rs"));
