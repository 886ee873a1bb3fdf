//! Let every object accept fields the vendored spec does not list.
//!
//! typify turns `additionalProperties: false` into
//! `#[serde(deny_unknown_fields)]`. Servers add response fields without
//! notice, and OpenAI-compatible servers add their own, so a closed struct
//! would turn a harmless addition into a decode error. The server still
//! rejects unknown request fields itself.

use super::{visit, Diagnostics};
use crate::Error;
use serde_json::Value;

/// Rewrites every schema in the document.
pub fn run(doc: &mut Value, _: &mut Diagnostics) -> Result<(), Error> {
    visit::for_each_schema(doc, &mut |schema| {
        if let Some(obj) = schema.as_object_mut() {
            if obj.get("additionalProperties") == Some(&Value::Bool(false)) {
                obj.remove("additionalProperties");
            }
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn closed_objects_are_opened() {
        let mut doc = json!({"components": {"schemas": {
            "Closed": {"type": "object", "additionalProperties": false},
            "Map": {"type": "object", "additionalProperties": {"type": "string"}}
        }}});
        run(&mut doc, &mut Diagnostics::default()).unwrap();
        assert_eq!(
            doc["components"]["schemas"],
            json!({
                "Closed": {"type": "object"},
                "Map": {"type": "object", "additionalProperties": {"type": "string"}}
            })
        );
    }
}
