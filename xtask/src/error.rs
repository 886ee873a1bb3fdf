//! The one error type of the xtask.

use std::path::PathBuf;

/// Why a task failed. Each message says what happened and what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The command line could not be understood.
    #[error("{0}; run `cargo xtask help` for usage")]
    Usage(String),
    /// A file could not be read.
    #[error("cannot read {path}: {source}; check the path")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A file could not be written; nothing was replaced.
    #[error("cannot write {path}: {source}; the vendored files are unchanged, check permissions and disk space")]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The download failed or timed out.
    #[error("cannot download {url}: {reason}; check the network, or pass `--from PATH` with a local copy")]
    Download {
        /// The address.
        url: String,
        /// What went wrong, including the underlying error chain.
        reason: String,
    },
    /// The input is neither JSON nor YAML.
    #[error(
        "cannot parse {origin} as JSON or YAML: {reason}; check that it is an OpenAPI document"
    )]
    Parse {
        /// Where the text came from.
        origin: String,
        /// The parser's message.
        reason: String,
    },
    /// The input parsed but is not an OpenAPI 3.0 or 3.1 document.
    #[error("{origin} is not an OpenAPI 3.0 or 3.1 document: {reason}")]
    NotOpenApi {
        /// Where the document came from.
        origin: String,
        /// What is missing or wrong.
        reason: String,
    },
    /// The codegen pipeline refused the new document.
    #[error("the new document does not generate a client ({0}); openapi.json is unchanged: fix the codegen passes, or report the upstream document")]
    Generation(#[from] nebius_tokenfactory_codegen::Error),
    /// A document of a comparison does not generate a client, so the Rust
    /// APIs cannot be compared.
    #[error("the {which} document does not generate a client, so the Rust APIs cannot be compared ({reason}); `--wire-only` compares the documents alone")]
    Compare {
        /// `old` or `new`.
        which: &'static str,
        /// What the generator said.
        reason: String,
    },
    /// Breaking changes were found and `--allow-breaking` was not given.
    #[error("{0} breaking change(s) found; openapi.json is unchanged: review the report, then rerun with `--allow-breaking`")]
    Breaking(usize),
    /// `--check` found that upstream differs from the vendored document.
    #[error(
        "the upstream document differs from openapi.json; run `cargo xtask regen` to update it"
    )]
    Differs,
    /// `diff --fail-on` found changes at or above the given level.
    #[error("{count} change(s) at or above `{level}` found")]
    FailOn {
        /// How many changes matched.
        count: usize,
        /// The `--fail-on` level.
        level: &'static str,
    },
}

/// The xtask's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_lowercase_and_say_what_to_do() {
        assert_eq!(
            Error::Breaking(2).to_string(),
            "2 breaking change(s) found; openapi.json is unchanged: review the report, then rerun with `--allow-breaking`"
        );
        assert_eq!(
            Error::Differs.to_string(),
            "the upstream document differs from openapi.json; run `cargo xtask regen` to update it"
        );
        assert_eq!(
            Error::Download { url: "http://x".into(), reason: "timed out".into() }.to_string(),
            "cannot download http://x: timed out; check the network, or pass `--from PATH` with a local copy"
        );
    }
}
