//! The normalisation passes: the upstream document in, a document that
//! progenitor generates a correct client from out.
//!
//! Each pass is a function over the whole document as a
//! [`serde_json::Value`], in its own module with its own tests. [`PASSES`]
//! lists them in the order they run, with the reason each exists.

use crate::Error;
use serde_json::Value;
use std::fmt;

pub mod visit;

mod const_enum;
mod enums;
mod examples;
mod exclusive_bounds;
mod extra_fields;
mod keywords;
mod nullable;
pub mod operation_names;
pub(crate) mod operations;
mod request_bodies;
pub mod secrets;
mod titles;
mod tuples;
mod unions;
mod version;

pub use enums::is_open_enum;
pub use operation_names::{method_names, MethodName};

/// One named step of the normalisation.
pub struct Pass {
    /// Short name, used in reports and tests.
    pub name: &'static str,
    /// Why the pass exists, in one line.
    pub why: &'static str,
    /// The rewrite itself.
    pub run: fn(&mut Value, &mut Diagnostics) -> Result<(), Error>,
}

/// The passes, in the order they run.
///
/// The order matters in a few places: `nullable` runs before the passes
/// that look at a schema's `type`; `operation_names` before
/// `request_bodies`, which names bodies after operations; `secrets` after
/// `nullable`, so that `Optional[SecretStr]` is seen as a string; `enums`
/// after `request_bodies`, so that inline bodies are components by then.
pub const PASSES: &[Pass] = &[
    Pass { name: "version", why: "progenitor reads OpenAPI 3.0.x only; relabel 3.1 and drop 3.1-only fields", run: version::run },
    Pass { name: "keywords", why: "boolean schemas and 2020-12 keywords have no 3.0 form", run: keywords::run },
    Pass { name: "nullable", why: "3.0 has no null type; progenitor panics on `{type: 'null'}`", run: nullable::run },
    Pass { name: "const_enum", why: "progenitor drops `const` silently; a one-value enum keeps it", run: const_enum::run },
    Pass { name: "exclusive_bounds", why: "openapiv3 refuses numeric exclusiveMinimum/Maximum", run: exclusive_bounds::run },
    Pass { name: "examples", why: "3.0 schemas take one `example`; FastAPI's per-item array examples are repaired", run: examples::run },
    Pass { name: "tuples", why: "3.0 has no prefixItems; tuple items become a union", run: tuples::run },
    Pass { name: "titles", why: "typify names types after titles and reuses the first of a name; ColumnSchema-Output got Input's types", run: titles::run },
    Pass { name: "extra_fields", why: "unknown response fields must decode; typify closes objects with additionalProperties: false", run: extra_fields::run },
    Pass { name: "unions", why: "untagged unions take the first arm that fits; try the most specific arm first", run: unions::run },
    Pass { name: "secrets", why: "credentials must not print in Debug; mark them for the Secret type", run: secrets::run },
    Pass { name: "operation_names", why: "FastAPI ids read `create_dataset_v1_datasets_post`; methods should read `create_dataset`", run: operation_names::run },
    Pass { name: "request_bodies", why: "inline bodies get a name from the operation (CreateDatasetRequest), not FastAPI's title", run: request_bodies::run },
    Pass { name: "enums", why: "only components can become open enums; hoist inline string enums", run: enums::run },
    Pass { name: "operations", why: "leave out operations progenitor cannot generate (multipart, several media types) and say why", run: operations::run },
];

/// What the passes did that a maintainer should know about.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Diagnostics {
    /// Operations left out of the client.
    pub skipped: Vec<Skipped>,
    /// Changes that are not skips but lose or move something.
    pub notes: Vec<String>,
}

impl Diagnostics {
    pub(crate) fn note(&mut self, note: String) {
        self.notes.push(note);
    }
}

/// An operation that is not in the generated client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The HTTP method, upper case.
    pub method: String,
    /// The path, as in the document.
    pub path: String,
    /// The operation id after normalisation.
    pub operation_id: String,
    /// Why the operation was left out.
    pub reason: String,
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} ({}): {}",
            self.method, self.path, self.operation_id, self.reason
        )
    }
}

/// Runs every pass of [`PASSES`] over `doc`, in order.
pub fn normalize(mut doc: Value) -> Result<(Value, Diagnostics), Error> {
    if !doc.is_object() {
        return Err(Error::NotOpenApi(
            "the document is not a JSON object".into(),
        ));
    }
    let mut diagnostics = Diagnostics::default();
    for pass in PASSES {
        (pass.run)(&mut doc, &mut diagnostics)?;
    }
    Ok((doc, diagnostics))
}
