//! Express 3.1's ways of saying "or null" in 3.0's `nullable` form.
//!
//! pydantic writes `Optional[X]` as `anyOf: [X, {type: 'null'}]`, and other
//! generators write `type: [X, 'null']`. 3.0 has no `null` type: progenitor
//! panics on it. The 3.0 equivalents are:
//!
//! - one inline arm: the arm's keywords merged into the schema, plus
//!   `nullable: true`;
//! - one `$ref` arm: `allOf: [{$ref}]` plus `nullable: true`, because 3.0
//!   ignores siblings of `$ref`;
//! - two or more arms: the same `anyOf`/`oneOf` without the null arm, plus
//!   `nullable: true`.
//!
//! A null arm is `{type: 'null'}`, `type: [..., 'null']`, or the broken
//! `{type: null}` that some generators write.
//!
//! A schema that is only `null` (pydantic's `None` field) becomes
//! `{nullable: true, enum: [null]}`.

use super::{visit, Diagnostics};
use crate::Error;
use serde_json::{Map, Value};

/// Rewrites every schema in the document.
pub fn run(doc: &mut Value, _: &mut Diagnostics) -> Result<(), Error> {
    visit::for_each_schema(doc, &mut |schema| {
        if let Some(obj) = schema.as_object_mut() {
            rewrite(obj);
        }
    });
    Ok(())
}

/// Whether a schema admits only `null`, in 3.1 form or after [`rewrite`].
fn is_null_only(schema: &Value) -> bool {
    match schema.get("type") {
        Some(Value::String(t)) => t == "null",
        // `type: null` (JSON null, not the string) is a broken 3.1 "null"
        // that some generators write.
        Some(Value::Null) => true,
        Some(Value::Array(ts)) => ts.iter().all(|t| t == "null"),
        None => schema.get("enum") == Some(&Value::Array(vec![Value::Null])),
        _ => false,
    }
}

fn rewrite(obj: &mut Map<String, Value>) {
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(arms)) = obj.get(key) else {
            continue;
        };
        if !arms.iter().any(is_null_only) {
            continue;
        }
        let mut rest: Vec<Value> = arms.iter().filter(|a| !is_null_only(a)).cloned().collect();
        obj.remove(key);
        match rest.len() {
            0 => make_null_only(obj),
            1 => {
                let arm = rest.pop().expect("one arm");
                match arm {
                    Value::Object(arm) if arm.contains_key("$ref") => {
                        obj.insert("allOf".into(), Value::Array(vec![Value::Object(arm)]));
                    }
                    Value::Object(arm) => {
                        for (k, v) in arm {
                            // The outer schema's own title, description and
                            // examples describe the field; keep them.
                            obj.entry(k).or_insert(v);
                        }
                    }
                    // `true` or `false` arms: anything, which is already nullable.
                    _ => {}
                }
                obj.insert("nullable".into(), true.into());
            }
            _ => {
                obj.insert(key.into(), Value::Array(rest));
                obj.insert("nullable".into(), true.into());
            }
        }
    }

    match obj.get("type").cloned() {
        Some(Value::Array(types)) => {
            let rest: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
            let had_null = rest.len() < types.len();
            match rest.len() {
                0 => make_null_only(obj),
                1 => {
                    obj.insert("type".into(), rest[0].clone());
                }
                _ => {
                    obj.remove("type");
                    let arms = rest.into_iter().map(|t| serde_json::json!({ "type": t }));
                    obj.insert("anyOf".into(), Value::Array(arms.collect()));
                }
            }
            if had_null {
                obj.insert("nullable".into(), true.into());
            }
        }
        Some(Value::String(t)) if t == "null" => make_null_only(obj),
        _ => {}
    }

    if let Some(Value::Array(values)) = obj.get_mut("enum") {
        if values.len() > 1 && values.contains(&Value::Null) {
            values.retain(|v| !v.is_null());
            obj.insert("nullable".into(), true.into());
        }
    }
}

fn make_null_only(obj: &mut Map<String, Value>) {
    obj.remove("type");
    obj.insert("nullable".into(), true.into());
    obj.insert("enum".into(), Value::Array(vec![Value::Null]));
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
    fn inline_arm_merges_into_the_schema() {
        assert_eq!(
            schema(
                json!({"anyOf": [{"type": "string", "maxLength": 3}, {"type": "null"}],
                          "description": "d"})
            ),
            json!({"description": "d", "type": "string", "maxLength": 3, "nullable": true})
        );
    }

    #[test]
    fn ref_arm_becomes_all_of() {
        assert_eq!(
            schema(json!({"anyOf": [{"$ref": "#/components/schemas/X"}, {"type": "null"}]})),
            json!({"allOf": [{"$ref": "#/components/schemas/X"}], "nullable": true})
        );
    }

    #[test]
    fn several_arms_stay_a_union() {
        assert_eq!(
            schema(json!({"oneOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]})),
            json!({"oneOf": [{"type": "string"}, {"type": "integer"}], "nullable": true})
        );
    }

    #[test]
    fn type_arrays() {
        assert_eq!(
            schema(json!({"type": ["string", "null"]})),
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(
            schema(json!({"type": ["string", "integer"]})),
            json!({"anyOf": [{"type": "string"}, {"type": "integer"}]})
        );
        assert_eq!(
            schema(json!({"type": ["null"]})),
            json!({"nullable": true, "enum": [null]})
        );
    }

    #[test]
    fn null_only_and_null_in_enum() {
        assert_eq!(
            schema(json!({"type": "null"})),
            json!({"nullable": true, "enum": [null]})
        );
        assert_eq!(
            schema(json!({"type": "string", "enum": ["a", null]})),
            json!({"type": "string", "enum": ["a"], "nullable": true})
        );
    }

    #[test]
    fn nested_schemas_are_rewritten() {
        assert_eq!(
            schema(
                json!({"properties": {"a": {"items": {"anyOf": [{"type": "integer"}, {"type": "null"}]}}}})
            ),
            json!({"properties": {"a": {"items": {"type": "integer", "nullable": true}}}})
        );
    }

    #[test]
    fn schemas_without_null_are_untouched() {
        let s = json!({"anyOf": [{"type": "string"}, {"type": "integer"}]});
        assert_eq!(schema(s.clone()), s);
    }
}
