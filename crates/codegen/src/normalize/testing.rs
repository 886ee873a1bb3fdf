//! What the passes' unit tests share: running one pass over a small input.

use super::Diagnostics;
use crate::Error;
use serde_json::{json, Value};

/// A pass, as [`super::Pass::run`] holds it.
pub type Run = fn(&mut Value, &mut Diagnostics) -> Result<(), Error>;

/// Runs `pass` over a document whose only schema is the component `S`, and
/// returns `S` afterwards.
pub fn on_schema(pass: Run, schema: Value) -> Value {
    let (mut doc, _) = on_doc(pass, json!({"components": {"schemas": {"S": schema}}}));
    doc["components"]["schemas"]["S"].take()
}

/// Runs `pass` over `doc`; returns the document and what the pass reported.
pub fn on_doc(pass: Run, mut doc: Value) -> (Value, Diagnostics) {
    let mut diagnostics = Diagnostics::default();
    pass(&mut doc, &mut diagnostics).expect("the pass accepts the document");
    (doc, diagnostics)
}
