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
    for_each_schema_at(doc, &mut |_, schema| f(schema));
}

/// [`for_each_schema`], also giving each schema's JSON pointer (`#/...`),
/// for passes that report where they changed something.
pub fn for_each_schema_at(doc: &mut Value, f: &mut dyn FnMut(&str, &mut Value)) {
    let mut at = Pointer(String::from("#"));
    if let Some(components) = doc.get_mut("components") {
        at.enter("components");
        if let Some(schemas) = components.get_mut("schemas").and_then(Value::as_object_mut) {
            at.enter("schemas");
            for (name, schema) in schemas.iter_mut() {
                at.scoped(name, |at| walk_at(schema, at, f));
            }
            at.leave();
        }
        for (kind, walk) in [
            ("parameters", walk_parameter as Walk),
            ("headers", walk_parameter),
            ("requestBodies", walk_content_holder),
            ("responses", walk_response),
        ] {
            if let Some(items) = components.get_mut(kind).and_then(Value::as_object_mut) {
                at.enter(kind);
                for (name, item) in items.iter_mut() {
                    at.scoped(name, |at| walk(item, at, f));
                }
                at.leave();
            }
        }
        at.leave();
    }
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        at.enter("paths");
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            at.enter(path);
            for method in METHODS {
                if let Some(op) = item.get_mut(method) {
                    at.scoped(method, |at| walk_operation(op, at, f));
                }
            }
            if let Some(params) = item.get_mut("parameters").and_then(Value::as_array_mut) {
                at.enter("parameters");
                for (i, p) in params.iter_mut().enumerate() {
                    at.scoped(&i.to_string(), |at| walk_parameter(p, at, f));
                }
                at.leave();
            }
            at.leave();
        }
        at.leave();
    }
}

type Walk = fn(&mut Value, &mut Pointer, &mut dyn FnMut(&str, &mut Value));

/// A JSON pointer under construction, escaped as RFC 6901 says.
struct Pointer(String);

impl Pointer {
    fn enter(&mut self, token: &str) {
        self.0.push('/');
        for c in token.chars() {
            match c {
                '~' => self.0.push_str("~0"),
                '/' => self.0.push_str("~1"),
                c => self.0.push(c),
            }
        }
    }

    fn leave(&mut self) {
        let cut = self.0.rfind('/').unwrap_or(0);
        self.0.truncate(cut);
    }

    fn scoped(&mut self, token: &str, f: impl FnOnce(&mut Self)) {
        self.enter(token);
        f(self);
        self.leave();
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

/// An operation's `operationId`, or `""` where it has none (the
/// `operation_names` pass gives every operation one before the passes
/// that read it).
pub fn operation_id(op: &Value) -> &str {
    op.get("operationId")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// The names in `components.schemas`: taken, for a pass that adds
/// components.
pub fn component_names(doc: &Value) -> Vec<String> {
    doc.pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| schemas.keys().cloned().collect())
        .unwrap_or_default()
}

fn walk_operation(op: &mut Value, at: &mut Pointer, f: &mut dyn FnMut(&str, &mut Value)) {
    if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
        at.enter("parameters");
        for (i, p) in params.iter_mut().enumerate() {
            at.scoped(&i.to_string(), |at| walk_parameter(p, at, f));
        }
        at.leave();
    }
    if let Some(body) = op.get_mut("requestBody") {
        at.scoped("requestBody", |at| walk_content_holder(body, at, f));
    }
    if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
        at.enter("responses");
        for (status, r) in responses.iter_mut() {
            at.scoped(status, |at| walk_response(r, at, f));
        }
        at.leave();
    }
}

/// A parameter or header: a `schema`, or a `content` map.
fn walk_parameter(p: &mut Value, at: &mut Pointer, f: &mut dyn FnMut(&str, &mut Value)) {
    if let Some(schema) = p.get_mut("schema") {
        at.scoped("schema", |at| walk_at(schema, at, f));
    }
    walk_content_holder(p, at, f);
}

/// Anything with a `content` map of media types: request bodies and responses.
fn walk_content_holder(holder: &mut Value, at: &mut Pointer, f: &mut dyn FnMut(&str, &mut Value)) {
    if let Some(content) = holder.get_mut("content").and_then(Value::as_object_mut) {
        at.enter("content");
        for (media_type, media) in content.iter_mut() {
            at.enter(media_type);
            for key in ["schema", "itemSchema"] {
                if let Some(schema) = media.get_mut(key) {
                    at.scoped(key, |at| walk_at(schema, at, f));
                }
            }
            at.leave();
        }
        at.leave();
    }
}

fn walk_response(r: &mut Value, at: &mut Pointer, f: &mut dyn FnMut(&str, &mut Value)) {
    walk_content_holder(r, at, f);
    if let Some(headers) = r.get_mut("headers").and_then(Value::as_object_mut) {
        at.enter("headers");
        for (name, h) in headers.iter_mut() {
            at.scoped(name, |at| walk_parameter(h, at, f));
        }
        at.leave();
    }
}

/// Visits the sub-schemas of `schema`, then `schema` itself.
pub fn walk_schema(schema: &mut Value, f: &mut dyn FnMut(&mut Value)) {
    walk_at(schema, &mut Pointer(String::new()), &mut |_, s| f(s));
}

/// [`walk_schema`], also giving each sub-schema's JSON pointer relative to
/// `schema` (`""` for `schema` itself).
pub fn walk_schema_at(schema: &mut Value, f: &mut dyn FnMut(&str, &mut Value)) {
    walk_at(schema, &mut Pointer(String::new()), f);
}

fn walk_at(schema: &mut Value, at: &mut Pointer, f: &mut dyn FnMut(&str, &mut Value)) {
    if let Some(obj) = schema.as_object_mut() {
        for_each_child_at(obj, &mut |key, child| {
            at.scoped_path(key, |at| walk_at(child, at, f))
        });
    }
    f(&at.0, schema);
}

impl Pointer {
    /// Enters a child given as `keyword` or `keyword/name`.
    fn scoped_path(&mut self, key: &ChildKey<'_>, f: impl FnOnce(&mut Self)) {
        let len = self.0.len();
        self.enter(key.keyword);
        if let Some(name) = key.name {
            self.enter(name);
        }
        f(self);
        self.0.truncate(len);
    }
}

/// Where a sub-schema sits in its parent: `items`, `anyOf/2`, `properties/name`.
struct ChildKey<'a> {
    keyword: &'a str,
    name: Option<&'a str>,
}

/// Calls `f` on each direct sub-schema of a schema object.
pub fn for_each_child(obj: &mut Map<String, Value>, f: &mut dyn FnMut(&mut Value)) {
    for_each_child_at(obj, &mut |_, child| f(child));
}

fn for_each_child_at(obj: &mut Map<String, Value>, f: &mut dyn FnMut(&ChildKey<'_>, &mut Value)) {
    for key in SINGLE {
        let keyword = ChildKey {
            keyword: key,
            name: None,
        };
        match obj.get_mut(key) {
            // `items` may be a list in older drafts; treat it like `prefixItems`.
            Some(Value::Array(list)) => {
                for (i, child) in list.iter_mut().enumerate() {
                    let i = i.to_string();
                    f(
                        &ChildKey {
                            keyword: key,
                            name: Some(&i),
                        },
                        child,
                    );
                }
            }
            Some(child @ Value::Object(_)) => f(&keyword, child),
            // `additionalProperties: false` is 3.0 too, and means what it
            // says; elsewhere a boolean is a 3.1 boolean schema.
            Some(child @ Value::Bool(_)) if key != "additionalProperties" => f(&keyword, child),
            _ => {}
        }
    }
    for key in LISTS {
        if let Some(list) = obj.get_mut(key).and_then(Value::as_array_mut) {
            for (i, child) in list.iter_mut().enumerate() {
                let i = i.to_string();
                f(
                    &ChildKey {
                        keyword: key,
                        name: Some(&i),
                    },
                    child,
                );
            }
        }
    }
    for key in MAPS {
        if let Some(map) = obj.get_mut(key).and_then(Value::as_object_mut) {
            for (name, child) in map.iter_mut() {
                f(
                    &ChildKey {
                        keyword: key,
                        name: Some(name),
                    },
                    child,
                );
            }
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
