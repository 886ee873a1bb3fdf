//! The one error type of code generation.

/// Why a client could not be generated.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input is not an OpenAPI 3.0 or 3.1 document.
    #[error("not a usable OpenAPI document: {0}")]
    NotOpenApi(String),
    /// The normalised document does not parse as OpenAPI 3.0.
    #[error(
        "the normalised document is not valid OpenAPI 3.0 ({0}); a normalisation pass is missing"
    )]
    Parse(String),
    /// progenitor failed on something other than a single operation: the
    /// component schemas, or operations that only fail together.
    #[error("progenitor could not generate the client: {0}")]
    Generation(String),
    /// The overlay beside the document is not a usable Overlay 1.x
    /// document, or one of its actions cannot apply as written.
    #[error("the overlay cannot be applied: {0}")]
    Overlay(String),
    /// The manifest of the crate that includes the generated code cannot
    /// take the crates it names ([`crate::manifest`]).
    #[error("the manifest cannot list the crates the generated code names: {0}")]
    Manifest(String),
}
