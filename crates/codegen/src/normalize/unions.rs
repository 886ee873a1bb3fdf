//! Every union is a `oneOf`, with its arms from most to least specific.
//!
//! pydantic writes `Union[A, B]` as `anyOf`, and means "the first arm that
//! validates". typify reads `anyOf` as JSON Schema does, "any number of the
//! arms", and unless it can prove the arms exclusive, generates a struct
//! with one flattened `Option` per arm: `{subtype_0: Option<Uuid>,
//! subtype_1: Option<Value>}`, which serde cannot even serialise (a UUID
//! cannot be flattened). As `oneOf`, the same union is an enum with one
//! variant per arm, which is what the document means.
//!
//! Unions without a discriminator become `#[serde(untagged)]` enums, which
//! serde decodes by trying the arms in order and taking the first that
//! fits. Because enums are open and unknown fields are accepted, a general
//! arm can swallow a value meant for a specific one: `{name: "option",
//! item: {...}}` fits `SchemaPrimitive {name}` (with "option" as an unknown
//! primitive type, and `item` ignored) before `SchemaOption {name, item}`
//! is tried. Sorting arms by how many properties they require, most first,
//! lets the specific arm try first; equal arms keep their order.

use super::{visit, Diagnostics};
use crate::Error;
use serde_json::Value;

/// Reorders union arms throughout the document.
pub fn run(doc: &mut Value, _: &mut Diagnostics) -> Result<(), Error> {
    let components = doc
        .pointer("/components/schemas")
        .cloned()
        .unwrap_or(Value::Null);
    visit::for_each_schema(doc, &mut |schema| {
        if let Some(obj) = schema.as_object_mut() {
            if !obj.contains_key("oneOf") {
                if let Some(arms) = obj.remove("anyOf") {
                    obj.insert("oneOf".into(), arms);
                }
            }
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(Value::Array(arms)) = schema.get_mut(key) {
                // Stable: arms that require as many properties keep their order.
                arms.sort_by_key(|arm| std::cmp::Reverse(required_count(arm, &components)));
            }
        }
    });
    Ok(())
}

/// How many properties an arm requires, looking through one `$ref`.
fn required_count(arm: &Value, components: &Value) -> usize {
    let resolved = match arm.get("$ref").and_then(Value::as_str) {
        Some(r) => r
            .strip_prefix("#/components/schemas/")
            .and_then(|name| components.get(name))
            .unwrap_or(arm),
        None => arm,
    };
    resolved
        .get("required")
        .and_then(Value::as_array)
        .map_or(0, Vec::len)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn arms_requiring_more_come_first() {
        let mut doc = json!({"components": {"schemas": {
            "Primitive": {"required": ["name"]},
            "Option": {"required": ["name", "item"]},
            "Type": {"anyOf": [
                {"$ref": "#/components/schemas/Primitive"},
                {"$ref": "#/components/schemas/Option"},
                {"type": "string"}
            ]}
        }}});
        run(&mut doc, &mut Diagnostics::default()).unwrap();
        assert_eq!(
            doc["components"]["schemas"]["Type"]["oneOf"],
            json!([
                {"$ref": "#/components/schemas/Option"},
                {"$ref": "#/components/schemas/Primitive"},
                {"type": "string"}
            ])
        );
    }

    #[test]
    fn any_of_becomes_one_of_unless_both_are_there() {
        let mut doc = json!({"components": {"schemas": {
            "A": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
            "B": {"anyOf": [{"type": "string"}], "oneOf": [{"type": "integer"}]}
        }}});
        run(&mut doc, &mut Diagnostics::default()).unwrap();
        assert_eq!(
            doc["components"]["schemas"]["A"],
            json!({"oneOf": [{"type": "string"}, {"type": "integer"}]})
        );
        assert_eq!(
            doc["components"]["schemas"]["B"],
            json!({"anyOf": [{"type": "string"}], "oneOf": [{"type": "integer"}]})
        );
    }
}
