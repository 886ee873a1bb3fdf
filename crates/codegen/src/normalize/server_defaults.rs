//! The default of an optional property is the server's to apply, not the
//! client's to send.
//!
//! typify turns `default` into a value the type fills in: the builder
//! starts from it and serde writes it, so a request carries every default
//! whether the caller set it or not. For this API that is wrong in two
//! ways. A chat request would always send `temperature: 1`, `n: 1`,
//! `presence_penalty: 0`, and the model's own defaults would never apply.
//! A PATCH would always send `"custom_weights_id": "UNSET"`, and overwrite
//! what it should leave alone.
//!
//! So the `default` of a property that is not `required` is taken off the
//! schema and kept in its description (`Default on the server: 1.`): the
//! field becomes an `Option` that is not sent unless set, and reads `None`
//! when a response leaves it out. A property whose schema admits one value
//! only (a `Literal` tag such as `type: "function"`) keeps its default:
//! there is nothing for the server to choose, and a tagged union needs the
//! tag sent.

use super::{visit, Diagnostics};
use crate::Error;
use serde_json::{Map, Value};

/// How deep `$ref`s are followed to see whether a schema has one value.
const MAX_DEPTH: usize = 16;

/// Moves the default of every optional property into its description.
pub fn run(doc: &mut Value, _: &mut Diagnostics) -> Result<(), Error> {
    let reference = doc.clone();
    visit::for_each_schema(doc, &mut |schema| {
        let Some(obj) = schema.as_object_mut() else {
            return;
        };
        let required: Vec<String> = obj
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|r| r.as_str().map(String::from))
            .collect();
        let Some(properties) = obj.get_mut("properties").and_then(Value::as_object_mut) else {
            return;
        };
        for (name, property) in properties.iter_mut() {
            if required.contains(name) {
                continue;
            }
            let Some(property) = property.as_object_mut() else {
                continue;
            };
            if !property.contains_key("default") || one_value(property, &reference, 0) {
                continue;
            }
            let default = property.remove("default").expect("checked above");
            describe(property, &default);
        }
    });
    Ok(())
}

/// Appends the server's default to the description.
fn describe(property: &mut Map<String, Value>, default: &Value) {
    let note = format!("Default on the server: `{default}`.");
    let description = match property.get("description").and_then(Value::as_str) {
        Some(text) if !text.trim().is_empty() => format!("{}\n\n{note}", text.trim_end()),
        _ => note,
    };
    property.insert("description".into(), description.into());
}

/// Whether the schema admits a single value: a one-value `enum`, directly
/// or through `$ref` or a one-part `allOf`.
fn one_value(schema: &Map<String, Value>, doc: &Value, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return values.iter().filter(|v| !v.is_null()).count() == 1;
    }
    if let Some(target) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
        .and_then(|r| doc.pointer(r))
        .and_then(Value::as_object)
    {
        return one_value(target, doc, depth + 1);
    }
    match schema.get("allOf").and_then(Value::as_array) {
        Some(parts) if parts.len() == 1 => parts[0]
            .as_object()
            .is_some_and(|p| one_value(p, doc, depth + 1)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::testing::{on_doc, on_schema};
    use serde_json::json;

    #[test]
    fn optional_defaults_move_to_the_description_and_required_ones_stay() {
        let out = on_schema(
            run,
            json!({"type": "object", "required": ["model"], "properties": {
                "model": {"type": "string", "default": "m"},
                "temperature": {"type": "number", "nullable": true, "default": 1, "description": "How random."},
                "custom_weights_id": {"type": "string", "default": "UNSET"}
            }}),
        );
        assert_eq!(out["properties"]["model"]["default"], "m");
        assert!(out["properties"]["temperature"].get("default").is_none());
        assert_eq!(
            out["properties"]["temperature"]["description"],
            "How random.\n\nDefault on the server: `1`."
        );
        assert_eq!(
            out["properties"]["custom_weights_id"],
            json!({"type": "string", "description": "Default on the server: `\"UNSET\"`."})
        );
    }

    #[test]
    fn a_tag_with_one_value_keeps_its_default() {
        let doc = json!({"components": {"schemas": {
            "Kind": {"type": "string", "enum": ["function"]},
            "Tool": {"type": "object", "properties": {
                "type": {"allOf": [{"$ref": "#/components/schemas/Kind"}], "default": "function"},
                "inline": {"type": "string", "enum": ["x"], "default": "x"}
            }}
        }}});
        let (doc, _) = on_doc(run, doc);
        let tool = &doc["components"]["schemas"]["Tool"]["properties"];
        assert_eq!(tool["type"]["default"], "function");
        assert_eq!(tool["inline"]["default"], "x");
    }
}
