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

mod component_names;
mod const_enum;
mod dangling_refs;
pub mod defaults;
mod enums;
mod examples;
mod exclusive_bounds;
mod extra_fields;
mod keywords;
mod mixed_enums;
pub mod multipart;
mod nullable;
mod nullable_components;
pub mod operation_names;
pub(crate) mod operations;
pub mod parameters;
pub mod patterns;
mod property_names;
mod request_bodies;
mod responses;
pub mod secrets;
mod server_defaults;
pub mod streams;
#[cfg(test)]
mod testing;
mod titles;
mod tuples;
mod unions;
mod version;

pub use enums::is_open_enum;
pub use operation_names::{method_names, rust_method_name, MethodName};

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
/// The order matters in a few places: `dangling_refs` runs first, so that
/// no pass follows a reference to nothing; `nullable` runs before the passes
/// that look at a schema's `type`; `mixed_enums` after `const_enum`, whose
/// one-value enums it must see; `operation_names` before `request_bodies`,
/// which names bodies after operations; `secrets` after `nullable`, so that
/// `Optional[SecretStr]` is seen as a string; `parameters` before `enums`,
/// so that parameter enums are hoisted in their final place; `enums` after
/// `request_bodies`, so that inline bodies are components by then;
/// `component_names` after every pass that adds components;
/// `server_defaults` and then `defaults` last among schema rewrites, since
/// the second checks the defaults left against them.
pub const PASSES: &[Pass] = &[
    Pass { name: "dangling_refs", why: "progenitor generates a `$ref` to a missing component as an undefined type, and the crate does not build; make it an untyped value and name it", run: dangling_refs::run },
    Pass { name: "version", why: "progenitor reads OpenAPI 3.0.x only; relabel 3.1 and drop 3.1-only fields, naming the webhooks", run: version::run },
    Pass { name: "keywords", why: "boolean schemas and 2020-12 keywords have no 3.0 form", run: keywords::run },
    Pass { name: "nullable", why: "3.0 has no null type; progenitor panics on `{type: 'null'}`", run: nullable::run },
    Pass { name: "const_enum", why: "progenitor drops `const` silently; a one-value enum keeps it", run: const_enum::run },
    Pass { name: "mixed_enums", why: "typify panics on an enum of strings and numbers; split it into one typed enum per JSON type", run: mixed_enums::run },
    Pass { name: "exclusive_bounds", why: "openapiv3 refuses numeric exclusiveMinimum/Maximum (3.1, and pydantic v1 in 3.0)", run: exclusive_bounds::run },
    Pass { name: "examples", why: "3.0 schemas take one `example`; FastAPI's per-item array examples are repaired", run: examples::run },
    Pass { name: "tuples", why: "3.0 has no prefixItems; tuple items become a union", run: tuples::run },
    Pass { name: "patterns", why: "typify refuses the document over a Python-only regex; translate it, or keep it as documentation", run: patterns::run },
    Pass { name: "property_names", why: "`image` and `image[]` are one Rust field; generate the first only", run: property_names::run },
    Pass { name: "titles", why: "typify names types after titles and reuses the first of a name; ColumnSchema-Output got Input's types", run: titles::run },
    Pass { name: "extra_fields", why: "unknown response fields must decode; typify closes objects with additionalProperties: false", run: extra_fields::run },
    Pass { name: "unions", why: "pydantic's anyOf means oneOf (typify makes a struct of flattened Options of it); try the most specific arm first", run: unions::run },
    Pass { name: "secrets", why: "credentials must not print in Debug; mark them for the Secret type", run: secrets::run },
    Pass { name: "parameters", why: "progenitor panics on path names it cannot map, object and union parameters, cookies; make each one sendable", run: parameters::run },
    Pass { name: "responses", why: "progenitor asserts one success and one error type; errors go to the runtime, successes become one type", run: responses::run },
    Pass { name: "operation_names", why: "FastAPI ids read `create_dataset_v1_datasets_post`; methods should read `create_dataset`", run: operation_names::run },
    Pass { name: "request_bodies", why: "inline bodies get a name from the operation (CreateDatasetRequest), not FastAPI's title", run: request_bodies::run },
    Pass { name: "streams", why: "progenitor has no event streams, and one success per operation; mark streams, type their items, and give a stream beside JSON a call of its own", run: streams::run },
    Pass { name: "multipart", why: "progenitor has no multipart bodies; type the form as JSON with file fields as runtime parts, and mark it to be sent as a form", run: multipart::run },
    Pass { name: "enums", why: "only components can become open enums; hoist inline string enums", run: enums::run },
    Pass { name: "nullable_components", why: "typify names a nullable component's Option newtype and its inner type alike; make each use an Option instead", run: nullable_components::run },
    Pass { name: "component_names", why: "`Foo_Bar` and `FooBar` are one Rust name; keep their types apart", run: component_names::run },
    Pass { name: "server_defaults", why: "an optional property's default is the server's to apply; typify would fill it in and send it (a PATCH would overwrite)", run: server_defaults::run },
    Pass { name: "defaults", why: "typify refuses or panics on a default that does not fit its type; drop such defaults", run: defaults::run },
    Pass { name: "operations", why: "leave out operations progenitor cannot generate (a body in several media types, none JSON) and say why", run: operations::run },
];

/// What the passes did that a maintainer should know about.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Diagnostics {
    /// Operations left out of the client.
    pub skipped: Vec<Skipped>,
    /// Schemas and parameters generated with less than the document says.
    pub degraded: Vec<Degraded>,
    /// Webhooks of the document: requests the API sends, which a client
    /// does not make. Each is `name (METHOD)`.
    pub webhooks: Vec<String>,
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

/// A schema or parameter the client generates with less than the document
/// says: a dropped keyword, a weaker type, a parameter left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Degraded {
    /// Where, as a JSON pointer into the document being normalised.
    pub pointer: String,
    /// What the client does instead.
    pub change: String,
    /// Why.
    pub reason: String,
}

impl fmt::Display for Degraded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.pointer, self.change, self.reason)
    }
}

/// `components.schemas` of `doc`, made if missing: where a pass puts the
/// schemas it hoists out of operations.
pub(crate) fn component_schemas(
    doc: &mut Value,
) -> Result<&mut serde_json::Map<String, Value>, Error> {
    doc.as_object_mut()
        .ok_or_else(|| Error::NotOpenApi("the document is not an object".into()))?
        .entry("components")
        .or_insert_with(|| Value::Object(serde_json::Map::new()))
        .as_object_mut()
        .ok_or_else(|| Error::NotOpenApi("`components` is not an object".into()))?
        .entry("schemas")
        .or_insert_with(|| Value::Object(serde_json::Map::new()))
        .as_object_mut()
        .ok_or_else(|| Error::NotOpenApi("`components.schemas` is not an object".into()))
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
