//! `prefixItems` (tuples) become a plain `items` schema.
//!
//! pydantic writes `tuple[int, str]` as `prefixItems: [{integer},
//! {string}]`. 3.0 cannot say "this position has this type", so the items
//! become the union of the positions' schemas (or the one schema, when they
//! agree). The values still decode; the per-position typing is lost.

use super::{visit, Diagnostics};
use crate::Error;
use serde_json::{json, Value};

/// Rewrites every schema in the document.
pub fn run(doc: &mut Value, _: &mut Diagnostics) -> Result<(), Error> {
    visit::for_each_schema(doc, &mut |schema| {
        let Some(obj) = schema.as_object_mut() else {
            return;
        };
        let Some(Value::Array(positions)) = obj.remove("prefixItems") else {
            return;
        };
        let mut arms: Vec<Value> = Vec::new();
        let rest = obj.remove("items").filter(|i| *i != Value::Bool(false));
        for arm in positions.into_iter().chain(rest) {
            if !arms.contains(&arm) {
                arms.push(arm);
            }
        }
        let items = match arms.len() {
            0 => json!({}),
            1 => arms.pop().expect("one arm"),
            _ => json!({ "anyOf": arms }),
        };
        obj.insert("items".into(), items);
        obj.entry("type").or_insert("array".into());
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
    fn mixed_positions_become_a_union() {
        assert_eq!(
            schema(
                json!({"type": "array", "prefixItems": [{"type": "integer"}, {"type": "string"}],
                          "minItems": 2, "maxItems": 2})
            ),
            json!({"type": "array", "minItems": 2, "maxItems": 2,
                   "items": {"anyOf": [{"type": "integer"}, {"type": "string"}]}})
        );
    }

    #[test]
    fn equal_positions_collapse() {
        assert_eq!(
            schema(
                json!({"prefixItems": [{"type": "number"}, {"type": "number"}], "items": false})
            ),
            json!({"items": {"type": "number"}, "type": "array"})
        );
    }
}
