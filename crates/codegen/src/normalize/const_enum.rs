//! `const: X` becomes `enum: [X]`.
//!
//! 3.0 has no `const`, and progenitor drops it silently: a pydantic
//! `Literal["option"]` field would turn into a plain `String`. A one-value
//! enum keeps the constraint, and typify uses such fields to recognise
//! internally tagged unions.

use super::{visit, Diagnostics};
use crate::Error;
use serde_json::Value;

/// Rewrites every schema in the document.
pub fn run(doc: &mut Value, _: &mut Diagnostics) -> Result<(), Error> {
    visit::for_each_schema(doc, &mut |schema| {
        let Some(obj) = schema.as_object_mut() else {
            return;
        };
        let Some(value) = obj.remove("const") else {
            return;
        };
        if !obj.contains_key("type") {
            let inferred = match &value {
                Value::String(_) => Some("string"),
                Value::Bool(_) => Some("boolean"),
                Value::Number(n) if n.is_f64() => Some("number"),
                Value::Number(_) => Some("integer"),
                Value::Array(_) => Some("array"),
                Value::Object(_) => Some("object"),
                Value::Null => None,
            };
            match inferred {
                Some(t) => {
                    obj.insert("type".into(), t.into());
                }
                None => {
                    obj.insert("nullable".into(), true.into());
                }
            }
        }
        // An existing `enum` already says at least as much.
        obj.entry("enum")
            .or_insert_with(|| Value::Array(vec![value]));
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::testing::on_schema;
    use serde_json::json;

    fn schema(s: Value) -> Value {
        on_schema(run, s)
    }

    #[test]
    fn const_becomes_one_value_enum_with_its_type() {
        assert_eq!(
            schema(json!({"const": "text"})),
            json!({"type": "string", "enum": ["text"]})
        );
        assert_eq!(
            schema(json!({"const": 3})),
            json!({"type": "integer", "enum": [3]})
        );
        assert_eq!(
            schema(json!({"type": "string", "const": "a"})),
            json!({"type": "string", "enum": ["a"]})
        );
    }

    #[test]
    fn existing_enum_wins() {
        assert_eq!(
            schema(json!({"type": "string", "enum": ["option"], "const": "option"})),
            json!({"type": "string", "enum": ["option"]})
        );
    }
}
