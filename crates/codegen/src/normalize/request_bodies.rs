//! Give inline request bodies a component, named `{Operation}Request`.
//!
//! FastAPI titles a body that is a union "Request", and progenitor names an
//! inline body after the operation id plus "Body". Moving the body into
//! `components.schemas` under `CreateDatasetRequest` gives the Rust type the
//! name a reader expects, and one that survives a rename of the handler's
//! parameter. Runs after [`super::operation_names`], so the name uses the
//! short method name. Bodies that are a plain `$ref`, an array or a scalar
//! stay as they are: they already have a good type.

use super::{visit, Diagnostics};
use crate::Error;
use serde_json::{json, Value};

/// Moves inline object and union bodies into components.
pub fn run(doc: &mut Value, _: &mut Diagnostics) -> Result<(), Error> {
    let mut taken = visit::component_names(doc);
    let mut hoisted: Vec<(String, Value)> = Vec::new();

    visit::for_each_operation(doc, &mut |_, _, op| {
        let Some(id) = op
            .get("operationId")
            .and_then(Value::as_str)
            .map(pascal_case)
        else {
            return;
        };
        let Some(content) = op
            .pointer_mut("/requestBody/content")
            .and_then(Value::as_object_mut)
        else {
            return;
        };
        for media in content.values_mut() {
            let Some(schema) = media.get_mut("schema") else {
                continue;
            };
            if !is_composite(schema) {
                continue;
            }
            let name = unique_name(&format!("{id}Request"), &taken);
            taken.push(name.clone());
            let body = std::mem::replace(
                schema,
                json!({ "$ref": format!("#/components/schemas/{name}") }),
            );
            hoisted.push((name, body));
        }
    });

    if hoisted.is_empty() {
        return Ok(());
    }
    let schemas = super::component_schemas(doc)?;
    for (name, body) in hoisted {
        schemas.insert(name, body);
    }
    Ok(())
}

/// An inline object or union: a schema that would become a new named type.
fn is_composite(schema: &Value) -> bool {
    let Some(obj) = schema.as_object() else {
        return false;
    };
    !obj.contains_key("$ref")
        && (obj.contains_key("properties")
            || obj.contains_key("anyOf")
            || obj.contains_key("oneOf")
            || obj.contains_key("allOf"))
}

pub(crate) fn unique_name(wanted: &str, taken: &[String]) -> String {
    let mut name = wanted.to_string();
    let mut n = 2;
    while taken.iter().any(|t| t == &name) {
        name = format!("{wanted}{n}");
        n += 1;
    }
    name
}

/// `create_dataset` → `CreateDataset`, `listThings` → `ListThings`.
pub(crate) fn pascal_case(id: &str) -> String {
    id.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            let first = chars.next().expect("not empty").to_ascii_uppercase();
            std::iter::once(first).chain(chars).collect::<String>()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn union_body_is_hoisted_under_the_operation_name() {
        let mut doc = json!({
            "paths": {"/v1/datasets": {"post": {
                "operationId": "create_dataset",
                "requestBody": {"content": {"application/json": {"schema": {
                    "anyOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]
                }}}}
            }}},
            "components": {"schemas": {"A": {}, "B": {}}}
        });
        run(&mut doc, &mut Diagnostics::default()).unwrap();
        assert_eq!(
            doc.pointer("/paths/~1v1~1datasets/post/requestBody/content/application~1json/schema"),
            Some(&json!({"$ref": "#/components/schemas/CreateDatasetRequest"}))
        );
        assert_eq!(
            doc.pointer("/components/schemas/CreateDatasetRequest"),
            Some(
                &json!({"anyOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]})
            )
        );
    }

    #[test]
    fn taken_names_get_a_number_and_simple_bodies_stay() {
        let mut doc = json!({
            "paths": {"/a": {
                "post": {"operationId": "send",
                         "requestBody": {"content": {"application/json": {"schema": {"properties": {}}}}}},
                "put": {"operationId": "put_list",
                        "requestBody": {"content": {"application/json": {"schema": {"type": "array"}}}}}
            }},
            "components": {"schemas": {"SendRequest": {}}}
        });
        run(&mut doc, &mut Diagnostics::default()).unwrap();
        assert!(doc.pointer("/components/schemas/SendRequest2").is_some());
        assert_eq!(
            doc.pointer("/paths/~1a/put/requestBody/content/application~1json/schema"),
            Some(&json!({"type": "array"}))
        );
    }

    #[test]
    fn pascal_case_of_ids() {
        assert_eq!(pascal_case("create_dataset"), "CreateDataset");
        assert_eq!(pascal_case("listThings"), "ListThings");
    }
}
