//! A nullable component moves its nullability to every reference to it.
//!
//! typify makes a nullable component a newtype around an `Option` of the
//! component's own type, and names both after the component: a nullable
//! union such as pydantic's recursive `JSONValue` then defines `JsonValue`
//! twice, and the crate does not compile. A nullable open enum would lose
//! its open type the same way. Instead the component is made non-nullable,
//! and every `$ref` to it says `nullable`, so each use is an
//! `Option<Component>`: what a Rust reader expects anyway. Runs after
//! [`super::enums`], whose hoisted enums it must see.

use super::{visit, Diagnostics};
use crate::Error;
use serde_json::{json, Value};

/// Makes nullable components non-nullable and marks every reference to
/// them `nullable` instead.
pub fn run(doc: &mut Value, _: &mut Diagnostics) -> Result<(), Error> {
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return Ok(());
    };
    let mut nullable = Vec::new();
    for (name, schema) in schemas.iter_mut() {
        if let Some(obj) = schema.as_object_mut() {
            if obj.remove("nullable") == Some(Value::Bool(true)) {
                nullable.push(format!("#/components/schemas/{name}"));
            }
        }
    }
    if nullable.is_empty() {
        return Ok(());
    }
    visit::for_each_schema(doc, &mut |schema| {
        let Some(obj) = schema.as_object_mut() else {
            return;
        };
        let target = obj.get("$ref").and_then(Value::as_str).map(String::from);
        if let Some(target) = target.filter(|t| nullable.contains(t)) {
            obj.remove("$ref");
            obj.insert("allOf".into(), json!([{ "$ref": target }]));
            obj.insert("nullable".into(), true.into());
            return;
        }
        // A wrapper whose one arm was just made nullable takes the flag
        // itself, rather than nest one allOf in another.
        let single_nullable_arm = matches!(obj.get("allOf"), Some(Value::Array(arms))
            if arms.len() == 1 && arms[0].get("nullable") == Some(&Value::Bool(true)) && arms[0].get("allOf").is_some());
        if single_nullable_arm {
            let inner = obj["allOf"][0]["allOf"].take();
            obj.insert("allOf".into(), inner);
            obj.insert("nullable".into(), true.into());
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::testing::on_doc;

    #[test]
    fn nullable_component_enums_move_the_flag_to_their_references() {
        let (doc, _) = on_doc(
            run,
            json!({"components": {"schemas": {
                "Level": {"type": "string", "enum": ["low", "high"], "nullable": true},
                "Alert": {"properties": {
                    "level": {"$ref": "#/components/schemas/Level"},
                    "wrapped": {"allOf": [{"$ref": "#/components/schemas/Level"}], "description": "d"}
                }}
            }}}),
        );
        assert_eq!(
            doc["components"]["schemas"],
            json!({
                "Level": {"type": "string", "enum": ["low", "high"]},
                "Alert": {"properties": {
                    "level": {"allOf": [{"$ref": "#/components/schemas/Level"}], "nullable": true},
                    "wrapped": {"allOf": [{"$ref": "#/components/schemas/Level"}], "description": "d", "nullable": true}
                }}
            })
        );
    }

    #[test]
    fn nullable_unions_become_options_where_they_are_used() {
        let (doc, _) = on_doc(
            run,
            json!({"components": {"schemas": {
                "JsonValue": {"oneOf": [{"type": "string"},
                    {"type": "array", "items": {"$ref": "#/components/schemas/JsonValue"}}], "nullable": true}
            }}}),
        );
        assert_eq!(
            doc["components"]["schemas"]["JsonValue"],
            json!({"oneOf": [{"type": "string"},
                {"type": "array", "items": {"allOf": [{"$ref": "#/components/schemas/JsonValue"}], "nullable": true}}]})
        );
    }
}
