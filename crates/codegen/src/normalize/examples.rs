//! Schema `examples` (a list, 3.1) become `example` (one value, 3.0).
//!
//! FastAPI writes `Field(examples=[...])` on a list field as per-item
//! examples: `examples: [item1, item2]` on an `array` schema. Read as JSON
//! Schema, each entry would be a whole value of the array, which is wrong,
//! and mock servers that serve the example then send an object where an
//! array belongs. So on an array schema whose examples are not themselves
//! arrays, the list as a whole becomes the one example.

use super::{visit, Diagnostics};
use crate::Error;
use serde_json::Value;

/// Rewrites every schema in the document.
pub fn run(doc: &mut Value, _: &mut Diagnostics) -> Result<(), Error> {
    visit::for_each_schema(doc, &mut |schema| {
        let Some(obj) = schema.as_object_mut() else {
            return;
        };
        let Some(examples) = obj.remove("examples") else {
            return;
        };
        let Value::Array(examples) = examples else {
            return; // Not valid JSON Schema; nothing sensible to keep.
        };
        if examples.is_empty() || obj.contains_key("example") {
            return;
        }
        let is_array = obj.get("type").and_then(Value::as_str) == Some("array");
        let example = if is_array && !examples.iter().all(Value::is_array) {
            Value::Array(examples)
        } else {
            examples.into_iter().next().expect("not empty")
        };
        obj.insert("example".into(), example);
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
    fn first_example_is_kept() {
        assert_eq!(
            schema(json!({"type": "string", "examples": ["a", "b"]})),
            json!({"type": "string", "example": "a"})
        );
    }

    #[test]
    fn per_item_examples_on_arrays_become_one_array_example() {
        assert_eq!(
            schema(json!({"type": "array", "examples": [{"name": "text"}, {"name": "t1"}]})),
            json!({"type": "array", "example": [{"name": "text"}, {"name": "t1"}]})
        );
        assert_eq!(
            schema(json!({"type": "array", "examples": [[1], [2]]})),
            json!({"type": "array", "example": [1]})
        );
    }

    #[test]
    fn existing_example_wins_and_empty_lists_vanish() {
        assert_eq!(
            schema(json!({"example": 1, "examples": [2]})),
            json!({"example": 1})
        );
        assert_eq!(schema(json!({"examples": []})), json!({}));
    }
}
