//! `default` values that do not fit their schema are dropped.
//!
//! typify checks every default against the type it generates, and refuses
//! the whole document over one that does not fit ("value does not conform
//! to the given schema"), or panics while writing it out ("The default
//! value could not be rendered"). pydantic writes defaults as Python has
//! them, and after normalisation some no longer fit: a `null` default on a
//! field whose null arm was a Python-side `Optional` only, a `true` on a
//! string, a value outside the (now closed) enum, a float on an integer.
//!
//! Defaults that are objects or arrays on a union are dropped too, whether
//! they fit or not: typify renders them as a literal of whichever variant
//! it tries first, which need not be the one they fit, and the generated
//! code does not compile (letta's `manager_config`, vocode's triggers).
//!
//! A default only fills in a value the server left out, so dropping one
//! loses little: the field becomes an `Option` instead. Each drop is
//! reported as a degraded schema.

use super::{visit, Degraded, Diagnostics};
use crate::Error;
use serde_json::Value;

/// How deep `$ref`s are followed before a value is taken to fit; recursive
/// schemas end there.
const MAX_DEPTH: usize = 32;

/// Drops every `default` that does not fit the schema it sits on.
pub fn run(doc: &mut Value, diagnostics: &mut Diagnostics) -> Result<(), Error> {
    let reference = doc.clone();
    visit::for_each_schema_at(doc, &mut |pointer, schema| {
        let Some(obj) = schema.as_object_mut() else {
            return;
        };
        let Some(default) = obj.remove("default") else {
            return;
        };
        let without = Value::Object(obj.clone());
        // `default: null` where null is not allowed is pydantic's `x: str =
        // None`: the field may be absent, which an `Option` says already.
        // Dropping it changes nothing, so it is not reported.
        if default.is_null() && !fits(&default, &without, &reference, 0) {
            return;
        }
        let union = obj.contains_key("oneOf") || obj.contains_key("anyOf");
        if union && (default.is_object() || default.is_array()) {
            diagnostics.degraded.push(Degraded {
                pointer: pointer.to_string(),
                change: format!("the default `{default}` is dropped"),
                reason: "typify writes structured defaults of unions as the wrong variant, which does not compile".into(),
            });
        } else if fits(&default, &without, &reference, 0) {
            obj.insert("default".into(), default);
        } else {
            diagnostics.degraded.push(Degraded {
                pointer: pointer.to_string(),
                change: format!("the default `{default}` is dropped"),
                reason: "it does not fit the schema".into(),
            });
        }
    });
    Ok(())
}

/// Whether `value` is an instance of `schema`, as far as typify checks.
///
/// `$ref`s are resolved in `doc`. Keywords typify does not check for
/// defaults (lengths, bounds, patterns) are not checked here either.
pub fn fits(value: &Value, schema: &Value, doc: &Value, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return true;
    }
    let obj = match schema {
        Value::Bool(b) => return *b,
        Value::Object(obj) => obj,
        _ => return true,
    };
    if let Some(Value::String(reference)) = obj.get("$ref") {
        let target = reference
            .strip_prefix('#')
            .and_then(|p| doc.pointer(p))
            .unwrap_or(&Value::Bool(true));
        // A null is allowed beside a reference by its own `nullable`.
        if value.is_null() && nullable(obj) {
            return true;
        }
        return fits(value, target, doc, depth + 1);
    }
    if value.is_null() && nullable(obj) {
        return true;
    }
    if let Some(Value::Array(options)) = obj.get("enum") {
        if !options.iter().any(|o| same(o, value)) {
            return false;
        }
    }
    if let Some(Value::Array(all)) = obj.get("allOf") {
        if !all.iter().all(|s| fits(value, s, doc, depth + 1)) {
            return false;
        }
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(arms)) = obj.get(key) {
            if !arms.iter().any(|s| fits(value, s, doc, depth + 1)) {
                return false;
            }
        }
    }
    match obj.get("type").and_then(Value::as_str) {
        Some("string") => value.is_string(),
        Some("integer") => value.is_i64() || value.is_u64(),
        Some("number") => value.is_number(),
        Some("boolean") => value.is_boolean(),
        Some("array") => value.as_array().is_some_and(|items| {
            obj.get("items")
                .is_none_or(|s| items.iter().all(|i| fits(i, s, doc, depth + 1)))
        }),
        Some("object") => object_fits(value, obj, doc, depth),
        Some(_) => true,
        None if obj.contains_key("properties") && value.is_object() => {
            object_fits(value, obj, doc, depth)
        }
        // An untyped schema takes anything but a null it does not allow,
        // unless a union or list above already said yes.
        None => !value.is_null() || !has_shape(obj),
    }
}

fn object_fits(
    value: &Value,
    obj: &serde_json::Map<String, Value>,
    doc: &Value,
    depth: usize,
) -> bool {
    let Some(map) = value.as_object() else {
        return false;
    };
    let properties = obj.get("properties").and_then(Value::as_object);
    let required = obj
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str);
    for name in required {
        if !map.contains_key(name) {
            return false;
        }
    }
    map.iter()
        .all(|(k, v)| match properties.and_then(|p| p.get(k)) {
            Some(s) => fits(v, s, doc, depth + 1),
            None => match obj.get("additionalProperties") {
                Some(Value::Bool(false)) => false,
                Some(s @ Value::Object(_)) => fits(v, s, doc, depth + 1),
                _ => true,
            },
        })
}

fn nullable(obj: &serde_json::Map<String, Value>) -> bool {
    obj.get("nullable") == Some(&Value::Bool(true))
}

/// Whether a schema without `type` still constrains its instances.
fn has_shape(obj: &serde_json::Map<String, Value>) -> bool {
    ["enum", "allOf", "anyOf", "oneOf", "properties", "items"]
        .iter()
        .any(|k| obj.contains_key(*k))
}

/// JSON equality, with numbers compared by value (`1` and `1.0` are one).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::testing::{on_doc, on_schema};
    use serde_json::json;

    fn kept(schema: Value) -> bool {
        on_schema(run, schema).get("default").is_some()
    }

    #[test]
    fn defaults_that_fit_are_kept() {
        assert!(kept(json!({"type": "string", "default": "a"})));
        assert!(kept(json!({"type": "integer", "default": 3})));
        assert!(kept(json!({"type": "number", "default": 3})));
        assert!(kept(
            json!({"type": "string", "nullable": true, "default": null})
        ));
        assert!(kept(
            json!({"enum": ["a", "b"], "type": "string", "default": "b"})
        ));
        assert!(kept(
            json!({"anyOf": [{"type": "integer"}, {"type": "string"}], "default": "x"})
        ));
        assert!(kept(
            json!({"type": "array", "items": {"type": "integer"}, "default": [1, 2]})
        ));
        assert!(kept(json!({"default": {"any": "thing"}})));
    }

    #[test]
    fn defaults_that_do_not_fit_are_dropped() {
        assert!(!kept(json!({"type": "string", "default": true})));
        assert!(!kept(json!({"type": "integer", "default": 1.5})));
        assert!(!kept(json!({"type": "string", "default": null})));
        // ... and that one silently, as it changes nothing.
        let (_, diagnostics) = on_doc(
            run,
            json!({"components": {"schemas": {"S": {"type": "string", "default": null}}}}),
        );
        assert!(diagnostics.degraded.is_empty());
        assert!(!kept(
            json!({"enum": ["a", "b"], "type": "string", "default": "c"})
        ));
        assert!(!kept(
            json!({"type": "array", "items": {"type": "integer"}, "default": ["x"]})
        ));
        assert!(!kept(
            json!({"oneOf": [{"type": "object"}, {"type": "string"}], "default": {}})
        ));
        assert!(kept(
            json!({"oneOf": [{"type": "object"}, {"type": "string"}], "default": "s"})
        ));
        assert!(!kept(json!({"type": "object", "required": ["a"],
            "properties": {"a": {"type": "string"}}, "default": {}})));
    }

    #[test]
    fn references_are_followed() {
        let doc = json!({"components": {"schemas": {
            "Mode": {"type": "string", "enum": ["fast", "slow"]},
            "S": {"type": "object", "properties": {
                "good": {"allOf": [{"$ref": "#/components/schemas/Mode"}], "default": "fast"},
                "bad": {"allOf": [{"$ref": "#/components/schemas/Mode"}], "default": "medium"},
                "null": {"$ref": "#/components/schemas/Mode", "nullable": true, "default": null}
            }}
        }}});
        let (doc, diagnostics) = on_doc(run, doc);
        let props = &doc["components"]["schemas"]["S"]["properties"];
        assert_eq!(props["good"]["default"], "fast");
        assert_eq!(props["bad"].get("default"), None);
        assert_eq!(props["null"]["default"], Value::Null);
        assert_eq!(diagnostics.degraded.len(), 1);
        assert_eq!(
            diagnostics.degraded[0].to_string(),
            "#/components/schemas/S/properties/bad: the default `\"medium\"` is dropped: it does not fit the schema"
        );
    }

    #[test]
    fn recursive_schemas_end() {
        let doc = json!({"components": {"schemas": {
            "S": {"allOf": [{"$ref": "#/components/schemas/S"}], "default": 1}
        }}});
        let (doc, _) = on_doc(run, doc);
        assert_eq!(doc["components"]["schemas"]["S"]["default"], 1);
    }
}
