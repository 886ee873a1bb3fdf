//! Remove or translate the JSON Schema 2020-12 keywords that 3.0 lacks.
//!
//! - Boolean schemas: `true` becomes `{}`, `false` becomes `{not: {}}`.
//! - `contentEncoding: base64` becomes `format: byte`, and
//!   `contentMediaType` on a string becomes `format: binary` (3.1's way of
//!   describing file uploads).
//! - Keywords that 3.0 has no equivalent for (`$schema`, `$id`,
//!   `$comment`, `dependentRequired`, `unevaluatedProperties`, ...) are
//!   dropped: they only constrain values further, and the server checks them.

use super::{visit, Diagnostics};
use crate::Error;
use serde_json::{json, Value};

const DROPPED: [&str; 17] = [
    "$schema",
    "$id",
    "$comment",
    "$anchor",
    "$dynamicAnchor",
    "$dynamicRef",
    "dependentRequired",
    "dependentSchemas",
    "unevaluatedProperties",
    "unevaluatedItems",
    "contains",
    "minContains",
    "maxContains",
    "if",
    "then",
    "else",
    "propertyNames",
];

/// Rewrites every schema in the document.
pub fn run(doc: &mut Value, _: &mut Diagnostics) -> Result<(), Error> {
    visit::for_each_schema(doc, &mut |schema| {
        match schema {
            Value::Bool(true) => *schema = json!({}),
            Value::Bool(false) => *schema = json!({"not": {}}),
            _ => {}
        }
        let Some(obj) = schema.as_object_mut() else {
            return;
        };
        for key in DROPPED {
            obj.remove(key);
        }
        let encoding = obj.remove("contentEncoding");
        let media_type = obj.remove("contentMediaType");
        if obj.get("type").and_then(Value::as_str) == Some("string") && !obj.contains_key("format")
        {
            if encoding.as_ref().and_then(Value::as_str) == Some("base64") {
                obj.insert("format".into(), "byte".into());
            } else if media_type.is_some() {
                obj.insert("format".into(), "binary".into());
            }
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::testing::on_schema;

    fn schema(s: Value) -> Value {
        on_schema(run, s)
    }

    #[test]
    fn boolean_schemas_become_objects() {
        assert_eq!(
            schema(json!({"properties": {"a": true, "b": false}})),
            json!({"properties": {"a": {}, "b": {"not": {}}}})
        );
    }

    #[test]
    fn file_contents_become_formats() {
        assert_eq!(
            schema(json!({"type": "string", "contentMediaType": "application/octet-stream"})),
            json!({"type": "string", "format": "binary"})
        );
        assert_eq!(
            schema(json!({"type": "string", "contentEncoding": "base64"})),
            json!({"type": "string", "format": "byte"})
        );
    }

    #[test]
    fn keywords_without_30_equivalent_are_dropped() {
        assert_eq!(
            schema(json!({"$schema": "x", "$comment": "c", "type": "object",
                          "unevaluatedProperties": false, "dependentRequired": {"a": ["b"]}})),
            json!({"type": "object"})
        );
    }
}
