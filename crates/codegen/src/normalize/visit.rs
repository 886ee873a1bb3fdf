//! Walking every schema object of an OpenAPI document.
//!
//! Passes that rewrite schemas should not each need to know where an
//! OpenAPI document keeps them, so this module finds them once: component
//! schemas, parameters, headers, request bodies and responses (inline or
//! under `components`), and every sub-schema nested below those.

use serde_json::{Map, Value};

/// HTTP methods that may hold an operation in a path item.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Keywords whose value is a single sub-schema.
const SINGLE: [&str; 12] = [
    "items",
    "additionalProperties",
    "not",
    "contains",
    "if",
    "then",
    "else",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
    "contentSchema",
    "additionalItems",
];

/// Keywords whose value is an array of sub-schemas.
const LISTS: [&str; 4] = ["allOf", "anyOf", "oneOf", "prefixItems"];

/// Keywords whose value is a map from names to sub-schemas.
const MAPS: [&str; 5] = [
    "properties",
    "patternProperties",
    "dependentSchemas",
    "$defs",
    "definitions",
];

/// Calls `f` on every schema in `doc`, innermost schemas first.
///
/// Children are visited before their parent, so a pass sees its
/// sub-schemas already rewritten. `f` receives the schema as a [`Value`]:
/// usually an object, but 3.1 also allows the booleans `true` and `false`.
pub fn for_each_schema(doc: &mut Value, f: &mut dyn FnMut(&mut Value)) {
    if let Some(components) = doc.get_mut("components") {
        if let Some(schemas) = components.get_mut("schemas").and_then(Value::as_object_mut) {
            for schema in schemas.values_mut() {
                walk_schema(schema, f);
            }
        }
        for (kind, walk) in [
            (
                "parameters",
                walk_parameter as fn(&mut Value, &mut dyn FnMut(&mut Value)),
            ),
            ("headers", walk_parameter),
            ("requestBodies", walk_content_holder),
            ("responses", walk_response),
        ] {
            if let Some(items) = components.get_mut(kind).and_then(Value::as_object_mut) {
                for item in items.values_mut() {
                    walk(item, f);
                }
            }
        }
    }
    for_each_operation(doc, &mut |_, _, op| {
        walk_operation(op, f);
    });
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            if let Some(params) = item.get_mut("parameters").and_then(Value::as_array_mut) {
                for p in params {
                    walk_parameter(p, f);
                }
            }
        }
    }
}

/// Calls `f(path, method, operation)` on every operation in `doc`.
pub fn for_each_operation(doc: &mut Value, f: &mut dyn FnMut(&str, &str, &mut Value)) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for method in METHODS {
            if let Some(op) = item.get_mut(method) {
                f(path, method, op);
            }
        }
    }
}

/// Every operation of `doc` as `(path, method, operation)`, in document order.
pub fn operations(doc: &Value) -> impl Iterator<Item = (&str, &'static str, &Value)> {
    doc.get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|paths| paths.iter())
        .flat_map(|(path, item)| {
            METHODS
                .iter()
                .filter_map(move |method| item.get(*method).map(|op| (path.as_str(), *method, op)))
        })
}

fn walk_operation(op: &mut Value, f: &mut dyn FnMut(&mut Value)) {
    if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
        for p in params {
            walk_parameter(p, f);
        }
    }
    if let Some(body) = op.get_mut("requestBody") {
        walk_content_holder(body, f);
    }
    if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
        for r in responses.values_mut() {
            walk_response(r, f);
        }
    }
}

/// A parameter or header: a `schema`, or a `content` map.
fn walk_parameter(p: &mut Value, f: &mut dyn FnMut(&mut Value)) {
    if let Some(schema) = p.get_mut("schema") {
        walk_schema(schema, f);
    }
    walk_content_holder(p, f);
}

/// Anything with a `content` map of media types: request bodies and responses.
fn walk_content_holder(holder: &mut Value, f: &mut dyn FnMut(&mut Value)) {
    if let Some(content) = holder.get_mut("content").and_then(Value::as_object_mut) {
        for media in content.values_mut() {
            if let Some(schema) = media.get_mut("schema") {
                walk_schema(schema, f);
            }
        }
    }
}

fn walk_response(r: &mut Value, f: &mut dyn FnMut(&mut Value)) {
    walk_content_holder(r, f);
    if let Some(headers) = r.get_mut("headers").and_then(Value::as_object_mut) {
        for h in headers.values_mut() {
            walk_parameter(h, f);
        }
    }
}

/// Visits the sub-schemas of `schema`, then `schema` itself.
pub fn walk_schema(schema: &mut Value, f: &mut dyn FnMut(&mut Value)) {
    if let Some(obj) = schema.as_object_mut() {
        for_each_child(obj, &mut |child| walk_schema(child, f));
    }
    f(schema);
}

/// Calls `f` on each direct sub-schema of a schema object.
pub fn for_each_child(obj: &mut Map<String, Value>, f: &mut dyn FnMut(&mut Value)) {
    for key in SINGLE {
        match obj.get_mut(key) {
            // `items` may be a list in older drafts; treat it like `prefixItems`.
            Some(Value::Array(list)) => list.iter_mut().for_each(&mut *f),
            Some(child @ Value::Object(_)) => f(child),
            // `additionalProperties: false` is 3.0 too, and means what it
            // says; elsewhere a boolean is a 3.1 boolean schema.
            Some(child @ Value::Bool(_)) if key != "additionalProperties" => f(child),
            _ => {}
        }
    }
    for key in LISTS {
        if let Some(list) = obj.get_mut(key).and_then(Value::as_array_mut) {
            list.iter_mut().for_each(&mut *f);
        }
    }
    for key in MAPS {
        if let Some(map) = obj.get_mut(key).and_then(Value::as_object_mut) {
            map.values_mut().for_each(&mut *f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn visits_every_schema_location_children_first() {
        let mut doc = json!({
            "paths": {"/a": {
                "parameters": [{"name": "p0", "in": "query", "schema": {"title": "path-param"}}],
                "post": {
                    "parameters": [{"name": "p1", "in": "query", "schema": {"title": "op-param"}}],
                    "requestBody": {"content": {"application/json": {"schema": {"title": "body"}}}},
                    "responses": {"200": {
                        "headers": {"x": {"schema": {"title": "header"}}},
                        "content": {"application/json": {"schema": {
                            "title": "response",
                            "properties": {"a": {"title": "prop", "items": {"title": "item"}}}
                        }}}
                    }}
                }
            }},
            "components": {
                "schemas": {"S": {"title": "component", "anyOf": [{"title": "arm"}, true]}},
                "parameters": {"P": {"schema": {"title": "component-param"}}},
                "responses": {"R": {"content": {"text/plain": {"schema": {"title": "component-response"}}}}},
                "requestBodies": {"B": {"content": {"application/json": {"schema": {"title": "component-body"}}}}}
            }
        });
        let mut seen = Vec::new();
        for_each_schema(&mut doc, &mut |s| {
            seen.push(
                s.get("title")
                    .and_then(Value::as_str)
                    .unwrap_or("<bool>")
                    .to_string(),
            )
        });
        assert_eq!(
            seen,
            [
                "arm",
                "<bool>",
                "component",
                "component-param",
                "component-body",
                "component-response",
                "op-param",
                "body",
                "item",
                "prop",
                "response",
                "header",
                "path-param"
            ]
        );
    }
}
