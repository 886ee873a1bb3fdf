//! Give every string enum a component of its own, so that all of them can
//! be generated as open enums.
//!
//! Every string enum of two or more values is generated as an *open* enum,
//! which keeps values it does not know (see [`crate::open_enum`]). The
//! generator can only substitute types for components, so:
//!
//! - enums written inline anywhere in a component schema (a property, list
//!   items, map values, union arms, at any depth) move to
//!   `components.schemas`, named after where they were:
//!   `{Schema}{Property}`, then `Item`, `Value` or `Variant{n}` below that;
//! - inline enums of operation parameters move the same way, as
//!   `{Operation}{Parameter}` (this pass runs after
//!   [`super::request_bodies`], so request bodies are components already).
//!
//! One-value enums stay inline: they are constants, which typify uses to
//! recognise tagged unions.

use super::request_bodies::pascal_case;
use super::{visit, Diagnostics};
use crate::Error;
use serde_json::{json, Map, Value};

/// Moves inline enums into components, and nullability onto references.
pub fn run(doc: &mut Value, _: &mut Diagnostics) -> Result<(), Error> {
    let mut hoister = Hoister {
        taken: visit::component_names(doc),
        hoisted: Vec::new(),
    };
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for (name, schema) in schemas.iter_mut() {
            hoister.children(schema, &pascal_case(name));
        }
    }
    visit::for_each_operation(doc, &mut |_, _, op| {
        let operation = pascal_case(visit::operation_id(op));
        if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
            for param in params {
                let name = param
                    .get("name")
                    .and_then(Value::as_str)
                    .map(pascal_case)
                    .unwrap_or_default();
                if let Some(schema) = param.get_mut("schema") {
                    hoister.node(schema, &format!("{operation}{name}"));
                }
            }
        }
    });
    if !hoister.hoisted.is_empty() {
        let schemas = doc
            .pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut)
            .ok_or_else(|| {
                Error::NotOpenApi(
                    "inline enums found, but `components.schemas` is not an object".into(),
                )
            })?;
        schemas.extend(hoister.hoisted);
    }
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

struct Hoister {
    taken: Vec<String>,
    hoisted: Vec<(String, Value)>,
}

impl Hoister {
    /// Hoists `schema` if it is an inline open enum, then looks inside it.
    fn node(&mut self, schema: &mut Value, name: &str) {
        let Some(obj) = schema.as_object_mut() else {
            return;
        };
        if !obj.contains_key("$ref") && is_open_enum(obj) {
            let component = self.unique(name);
            let mut definition = Map::new();
            // String constraints go with the values: left beside the
            // reference, they would make typify merge the two into a closed
            // enum of its own (and panic where two values share a Rust
            // name, as `Etc/GMT+1` and `Etc/GMT-1` do).
            for key in [
                "type",
                "enum",
                "minLength",
                "maxLength",
                "pattern",
                "format",
            ] {
                if let Some(v) = obj.remove(key) {
                    definition.insert(key.into(), v);
                }
            }
            let reference = json!({ "$ref": format!("#/components/schemas/{component}") });
            if obj.is_empty() {
                *schema = reference;
            } else {
                obj.insert("allOf".into(), Value::Array(vec![reference]));
            }
            self.hoisted.push((component, Value::Object(definition)));
            return;
        }
        self.children(schema, name);
    }

    /// Visits the sub-schemas of `schema`, naming each after its place.
    fn children(&mut self, schema: &mut Value, name: &str) {
        let Some(obj) = schema.as_object_mut() else {
            return;
        };
        if let Some(props) = obj.get_mut("properties").and_then(Value::as_object_mut) {
            for (prop, child) in props.iter_mut() {
                self.node(child, &format!("{name}{}", pascal_case(prop)));
            }
        }
        if let Some(items) = obj.get_mut("items") {
            self.node(items, &format!("{name}Item"));
        }
        if let Some(values) = obj
            .get_mut("additionalProperties")
            .filter(|v| v.is_object())
        {
            self.node(values, &format!("{name}Value"));
        }
        for key in ["anyOf", "oneOf", "allOf"] {
            if let Some(arms) = obj.get_mut(key).and_then(Value::as_array_mut) {
                for (i, arm) in arms.iter_mut().enumerate() {
                    self.node(arm, &format!("{name}Variant{i}"));
                }
            }
        }
    }

    fn unique(&mut self, wanted: &str) -> String {
        let mut name = wanted.to_string();
        let mut n = 2;
        while self.taken.contains(&name) {
            name = format!("{wanted}{n}");
            n += 1;
        }
        self.taken.push(name.clone());
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::testing::on_doc;

    fn run_on(doc: Value) -> Value {
        on_doc(run, doc).0
    }

    #[test]
    fn inline_enums_move_to_components_from_any_depth() {
        let doc = run_on(json!({"components": {"schemas": {"Job": {"properties": {
            "status": {"type": "string", "enum": ["queued", "done"], "description": "d", "nullable": true},
            "tags": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}},
            "grid": {"type": "array", "items": {"type": "array", "items": {"enum": ["x", "y"]}}},
            "labels": {"type": "object", "additionalProperties": {"type": "string", "enum": ["l1", "l2"]}},
            "either": {"anyOf": [{"type": "integer"}, {"type": "string", "enum": ["auto", "off"]}]},
            "kind": {"type": "string", "enum": ["job"]}
        }}}}}));
        assert_eq!(
            doc["components"]["schemas"],
            json!({
                "Job": {"properties": {
                    "status": {"description": "d", "nullable": true,
                               "allOf": [{"$ref": "#/components/schemas/JobStatus"}]},
                    "tags": {"type": "array", "items": {"$ref": "#/components/schemas/JobTagsItem"}},
                    "grid": {"type": "array", "items": {"type": "array", "items": {"$ref": "#/components/schemas/JobGridItemItem"}}},
                    "labels": {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/JobLabelsValue"}},
                    "either": {"anyOf": [{"type": "integer"}, {"$ref": "#/components/schemas/JobEitherVariant1"}]},
                    "kind": {"type": "string", "enum": ["job"]}
                }},
                "JobStatus": {"type": "string", "enum": ["queued", "done"]},
                "JobTagsItem": {"type": "string", "enum": ["a", "b"]},
                "JobGridItemItem": {"enum": ["x", "y"]},
                "JobLabelsValue": {"type": "string", "enum": ["l1", "l2"]},
                "JobEitherVariant1": {"type": "string", "enum": ["auto", "off"]}
            })
        );
    }

    #[test]
    fn parameter_enums_are_named_after_the_operation() {
        let doc = run_on(json!({
            "paths": {"/jobs": {"get": {"operationId": "list_jobs", "parameters": [
                {"name": "order", "in": "query", "schema": {"type": "string", "enum": ["asc", "desc"]}}
            ]}}},
            "components": {"schemas": {}}
        }));
        assert_eq!(
            doc.pointer("/paths/~1jobs/get/parameters/0/schema"),
            Some(&json!({"$ref": "#/components/schemas/ListJobsOrder"}))
        );
        assert_eq!(
            doc["components"]["schemas"]["ListJobsOrder"],
            json!({"type": "string", "enum": ["asc", "desc"]})
        );
    }
}
