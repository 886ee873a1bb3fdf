//! Order the arms of every `anyOf`/`oneOf` from most to least specific.
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
            doc["components"]["schemas"]["Type"]["anyOf"],
            json!([
                {"$ref": "#/components/schemas/Option"},
                {"$ref": "#/components/schemas/Primitive"},
                {"type": "string"}
            ])
        );
    }
}
