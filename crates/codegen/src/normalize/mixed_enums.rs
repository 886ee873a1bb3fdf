//! Enums whose values mix JSON types become a union of one enum per type.
//!
//! Python's `Literal["auto", 1, 2]` comes out of pydantic as one `enum` with
//! strings and numbers and no `type`, and typify panics on it ("multiple
//! implied types for an un-typed enum"), taking the whole document down.
//! The same values as `anyOf: [{type: string, enum: [...]}, {type: integer,
//! enum: [...]}]` say exactly as much, and each arm is a type typify knows:
//! the string arm later becomes an open enum like any other.

use super::{visit, Diagnostics};
use crate::Error;
use serde_json::{json, Value};

/// Splits every mixed-type `enum` in the document.
pub fn run(doc: &mut Value, _: &mut Diagnostics) -> Result<(), Error> {
    visit::for_each_schema(doc, &mut |schema| {
        let Some(obj) = schema.as_object_mut() else {
            return;
        };
        let Some(Value::Array(values)) = obj.get("enum") else {
            return;
        };
        let mut arms: Vec<(&'static str, Vec<Value>)> = Vec::new();
        let mut null = false;
        for value in values {
            let Some(kind) = kind(value) else {
                null = true;
                continue;
            };
            match arms.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, values)) => values.push(value.clone()),
                None => arms.push((kind, vec![value.clone()])),
            }
        }
        // Integers and other numbers are one JSON type: `number` takes both.
        if arms.iter().any(|(k, _)| *k == "number") {
            if let Some(i) = arms.iter().position(|(k, _)| *k == "integer") {
                let (_, ints) = arms.remove(i);
                let numbers = arms.iter_mut().find(|(k, _)| *k == "number");
                numbers.expect("checked above").1.extend(ints);
            }
        }
        if arms.len() < 2 {
            return;
        }
        obj.remove("enum");
        obj.remove("type");
        let arms: Vec<Value> = arms
            .into_iter()
            .map(|(kind, values)| json!({"type": kind, "enum": values}))
            .collect();
        obj.insert("anyOf".into(), Value::Array(arms));
        if null {
            obj.insert("nullable".into(), true.into());
        }
    });
    Ok(())
}

/// The OpenAPI type of a value; `None` for null.
fn kind(value: &Value) -> Option<&'static str> {
    Some(match value {
        Value::Null => return None,
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::testing::on_schema;

    #[test]
    fn strings_and_integers_become_two_typed_arms() {
        assert_eq!(
            on_schema(
                run,
                json!({"enum": ["auto", "max", 1, 2], "description": "d"})
            ),
            json!({"description": "d", "anyOf": [
                {"type": "string", "enum": ["auto", "max"]},
                {"type": "integer", "enum": [1, 2]}
            ]})
        );
    }

    #[test]
    fn integers_join_other_numbers_and_null_makes_it_nullable() {
        assert_eq!(
            on_schema(run, json!({"enum": [0.5, 1, "x", null]})),
            json!({"anyOf": [
                {"type": "number", "enum": [0.5, 1]},
                {"type": "string", "enum": ["x"]}
            ], "nullable": true})
        );
    }

    #[test]
    fn enums_of_one_type_are_untouched() {
        for s in [
            json!({"type": "string", "enum": ["a", "b"]}),
            json!({"enum": [1, 2.5]}),
            json!({"enum": ["a", null]}),
        ] {
            assert_eq!(on_schema(run, s.clone()), s);
        }
    }
}
