//! Compiles the client generated from every spec of the codegen fixture
//! corpus (`crates/codegen/tests/fixtures`). Building this crate is the
//! test: a fixture whose generated code does not compile fails the build of
//! the workspace, and so the test command.

#![allow(clippy::all, missing_docs, dead_code, unused_imports)]
// As in the client crate: spec descriptions are prose, not rustdoc.
#![allow(
    rustdoc::broken_intra_doc_links,
    rustdoc::invalid_html_tags,
    rustdoc::bare_urls
)]

include!(concat!(env!("OUT_DIR"), "/corpus.rs"));
