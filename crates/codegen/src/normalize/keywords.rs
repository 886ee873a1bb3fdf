//! Remove or translate the JSON Schema 2020-12 keywords that 3.0 lacks.
//!
//! - Boolean schemas: `true` becomes `{}`, `false` becomes `{not: {}}`.
//! - `contentEncoding: base64` becomes `format: byte`, and
//!   `contentMediaType` on a string becomes `format: binary` (3.1's way of
//!   describing file uploads).
//! - Keywords that 3.0 has no equivalent for (`$schema`, `$id`,
//!   `$comment`, `dependentRequired`, `unevaluatedProperties`, ...) are
//!   dropped: they only constrain values further, and the server checks them.
//! - `minLength: 0` and `minItems: 0` constrain nothing, and typify writes
//!   them as a comparison that is always false (`len() < 0usize`), which
//!   rustc warns about in the generated code: they are dropped too.

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
        for key in ["minLength", "minItems"] {
            if obj.get(key).and_then(Value::as_u64) == Some(0) {
                obj.remove(key);
            }
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

    #[test]
    fn zero_lower_bounds_on_lengths_are_dropped() {
        assert_eq!(
            schema(json!({"type": "string", "minLength": 0, "maxLength": 5})),
            json!({"type": "string", "maxLength": 5})
        );
        assert_eq!(
            schema(json!({"type": "array", "minItems": 0})),
            json!({"type": "array"})
        );
        assert_eq!(
            schema(json!({"type": "string", "minLength": 1})),
            json!({"type": "string", "minLength": 1})
        );
    }
}
