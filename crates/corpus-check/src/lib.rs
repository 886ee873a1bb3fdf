//! Compiles the client generated from every spec of the codegen fixture
//! corpus (`crates/codegen/tests/fixtures`). Building this crate is the
//! test: a fixture whose generated code does not compile fails the build of
//! the workspace, and so the test command.

// The lints the client crate allows on its generated code (src/lib.rs),
// no more: what compiles here compiles there.
#![allow(
    clippy::all,
    irrefutable_let_patterns,
    missing_docs,
    unused_imports,
    rustdoc::broken_intra_doc_links,
    rustdoc::invalid_html_tags,
    rustdoc::bare_urls
)]

include!(concat!(env!("OUT_DIR"), "/corpus.rs"));
