//! Numeric `exclusiveMinimum`/`exclusiveMaximum` become 3.0's boolean form.
//!
//! In 3.1 (JSON Schema 2020-12) `exclusiveMinimum: 0` is a number; in 3.0 it
//! is a boolean modifier of `minimum`. `openapiv3` refuses the number
//! ("expected a boolean"), which pydantic emits for every `gt=` constraint.

use super::{visit, Diagnostics};
use crate::Error;
use serde_json::{Map, Value};

/// Rewrites every schema in the document.
pub fn run(doc: &mut Value, _: &mut Diagnostics) -> Result<(), Error> {
    visit::for_each_schema(doc, &mut |schema| {
        if let Some(obj) = schema.as_object_mut() {
            rewrite(obj, "exclusiveMinimum", "minimum", |bound, inclusive| {
                bound >= inclusive
            });
            rewrite(obj, "exclusiveMaximum", "maximum", |bound, inclusive| {
                bound <= inclusive
            });
        }
    });
    Ok(())
}

/// `tighter(exclusive, inclusive)` says whether the exclusive bound is the
/// stricter of the two, when both are present.
fn rewrite(
    obj: &mut Map<String, Value>,
    exclusive: &str,
    inclusive: &str,
    tighter: fn(f64, f64) -> bool,
) {
    let Some(Value::Number(bound)) = obj.get(exclusive).cloned() else {
        return;
    };
    let keep_exclusive = match obj.get(inclusive).and_then(Value::as_f64) {
        Some(existing) => tighter(bound.as_f64().unwrap_or(f64::NAN), existing),
        None => true,
    };
    if keep_exclusive {
        obj.insert(inclusive.into(), Value::Number(bound));
        obj.insert(exclusive.into(), true.into());
    } else {
        obj.remove(exclusive);
    }
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
    fn numeric_bounds_become_boolean_modifiers() {
        assert_eq!(
            schema(json!({"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 10})),
            json!({"type": "integer", "exclusiveMinimum": true, "minimum": 0,
                   "exclusiveMaximum": true, "maximum": 10})
        );
    }

    #[test]
    fn the_stricter_bound_wins() {
        assert_eq!(
            schema(json!({"minimum": 5, "exclusiveMinimum": 0})),
            json!({"minimum": 5})
        );
        assert_eq!(
            schema(json!({"maximum": 5, "exclusiveMaximum": 5})),
            json!({"maximum": 5, "exclusiveMaximum": true})
        );
    }

    #[test]
    fn boolean_form_is_left_alone() {
        let s = json!({"minimum": 1, "exclusiveMinimum": true});
        assert_eq!(schema(s.clone()), s);
    }
}
