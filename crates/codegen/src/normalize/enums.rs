//! Give inline string enums of component properties their own component.
//!
//! Every string enum of two or more values is generated as an *open* enum,
//! which keeps values it does not know (see [`crate::open_enum`]). The
//! generator can only substitute types for components, so enums written
//! inline in a property (`Literal["a", "b"]`, or an `Enum` inlined by
//! another generator) move to `components.schemas` as
//! `{Schema}{Property}`, the name typify would have given them. One-value
//! enums stay inline: they are constants, which typify uses to recognise
//! tagged unions.

use super::Diagnostics;
use crate::Error;
use serde_json::{json, Map, Value};

/// Moves inline enums of component properties (and of their array items)
/// into components.
pub fn run(doc: &mut Value, _: &mut Diagnostics) -> Result<(), Error> {
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return Ok(());
    };
    let mut taken: Vec<String> = schemas.keys().cloned().collect();
    let mut hoisted: Vec<(String, Value)> = Vec::new();
    for (schema_name, schema) in schemas.iter_mut() {
        let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
            continue;
        };
        for (prop_name, prop) in props.iter_mut() {
            let wanted = format!(
                "{}{}",
                super::request_bodies::pascal_case(schema_name),
                super::request_bodies::pascal_case(prop_name)
            );
            let is_array = prop.get("type").and_then(Value::as_str) == Some("array");
            let target = match prop.get_mut("items") {
                Some(items) if is_array => items,
                _ => prop,
            };
            let Some(obj) = target.as_object_mut() else {
                continue;
            };
            if !is_open_enum(obj) {
                continue;
            }
            let mut name = wanted.clone();
            let mut n = 2;
            while taken.contains(&name) {
                name = format!("{wanted}{n}");
                n += 1;
            }
            taken.push(name.clone());
            let mut definition = Map::new();
            for key in ["type", "enum"] {
                if let Some(v) = obj.remove(key) {
                    definition.insert(key.into(), v);
                }
            }
            let reference = json!({ "$ref": format!("#/components/schemas/{name}") });
            if obj.is_empty() {
                *target = reference;
            } else {
                obj.insert("allOf".into(), Value::Array(vec![reference]));
            }
            hoisted.push((name, Value::Object(definition)));
        }
    }
    schemas.extend(hoisted);
    Ok(())
}

/// A string enum with two or more values: generated as an open enum.
pub fn is_open_enum(schema: &Map<String, Value>) -> bool {
    let Some(Value::Array(values)) = schema.get("enum") else {
        return false;
    };
    values.len() >= 2
        && values.iter().all(Value::is_string)
        && schema.get("type").is_none_or(|t| t == "string")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_enums_move_to_components() {
        let mut doc = json!({"components": {"schemas": {"Job": {"properties": {
            "status": {"type": "string", "enum": ["queued", "done"], "description": "d", "nullable": true},
            "tags": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}},
            "kind": {"type": "string", "enum": ["job"]}
        }}}}});
        run(&mut doc, &mut Diagnostics::default()).unwrap();
        assert_eq!(
            doc["components"]["schemas"],
            json!({
                "Job": {"properties": {
                    "status": {"description": "d", "nullable": true,
                               "allOf": [{"$ref": "#/components/schemas/JobStatus"}]},
                    "tags": {"type": "array", "items": {"$ref": "#/components/schemas/JobTags"}},
                    "kind": {"type": "string", "enum": ["job"]}
                }},
                "JobStatus": {"type": "string", "enum": ["queued", "done"]},
                "JobTags": {"type": "string", "enum": ["a", "b"]}
            })
        );
    }
}
