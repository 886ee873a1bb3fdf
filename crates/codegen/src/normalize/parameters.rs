//! Parameters in the forms progenitor generates: each one a scalar or a list
//! of scalars, sent in the path, the query or a header.
//!
//! FastAPI and pydantic write parameters that progenitor panics on or
//! generates code from that does not compile:
//!
//! - a path template naming a parameter the operation does not declare, or
//!   the reverse (progenitor panics: "missing path name mapping");
//! - unions of scalars, such as a name or a UUID (typify makes a struct of
//!   both, with a builder, and progenitor asserts that only bodies have
//!   builders);
//! - `nullable` header and path parameters, and lists in either (an
//!   `Option` or a `Vec` where the generated code needs `Display`);
//! - objects in the query (builders again) and in `deepObject` style;
//! - cookie parameters (progenitor has none: each becomes a header of its
//!   name, marked [`COOKIE`], which the runtime joins into one `Cookie`),
//!   and parameters described by `content` instead of `schema`;
//! - two parameters whose names meet once made Rust identifiers, or that
//!   take a name the generated builder already uses (`body`, `client`).
//!
//! This pass first copies path-level parameters into each operation and
//! resolves references to `components.parameters`, so every later step
//! sees each operation's whole list. Then it rewrites each parameter to
//! what the client can send, and reports every parameter it weakens or
//! leaves out as a degraded schema.
//!
//! `deepObject` query parameters (`?metadata[key]=value`) keep their schema
//! as a map and are marked with the extension [`DEEP_OBJECT`]; the
//! generator sends them in that style.

use super::{visit, Degraded, Diagnostics};
use crate::names::snake_name;
use crate::Error;
use serde_json::{json, Map, Value};

/// Marks a query parameter sent in `deepObject` style.
pub const DEEP_OBJECT: &str = "x-nebius-deep-object";

/// Marks a cookie parameter, which the generated code sends as a header of
/// its name and the runtime moves into the `Cookie` header.
pub const COOKIE: &str = "x-nebius-cookie";

/// Names the generated builder uses for itself; a parameter cannot take them.
pub const BUILDER_NAMES: [&str; 7] = [
    "client",
    "body",
    "body_map",
    "new",
    "send",
    "send_once",
    "send_with_response",
];

const SCALARS: [&str; 4] = ["string", "integer", "number", "boolean"];

/// Rewrites the parameters of every operation.
pub fn run(doc: &mut Value, diagnostics: &mut Diagnostics) -> Result<(), Error> {
    let reference = doc.clone();
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return Ok(());
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        let shared = item.remove("parameters");
        for method in visit::METHODS {
            let Some(op) = item.get_mut(method).and_then(Value::as_object_mut) else {
                continue;
            };
            let pointer = format!("#/paths/{}/{method}", escape(path));
            let mut params = merged(shared.as_ref(), op.get("parameters"), &reference);
            let mut context = Context {
                pointer: &pointer,
                doc: &reference,
                diagnostics,
            };
            context.match_template(path, &mut params);
            let mut kept: Vec<Value> = Vec::new();
            let mut names: Vec<String> = Vec::new();
            for (i, mut param) in params.into_iter().enumerate() {
                let here = format!("{pointer}/parameters/{i}");
                if let Some(param) = context.rewrite(&here, &mut param).then_some(param) {
                    let name = param["name"].as_str().unwrap_or_default();
                    let rust = snake_name(name);
                    if BUILDER_NAMES.contains(&rust.as_str()) || names.contains(&rust) {
                        context.diagnostics.degraded.push(Degraded {
                            pointer: here,
                            change: format!("the parameter `{name}` is left out"),
                            reason: format!(
                                "its Rust name `{rust}` is taken by another parameter or by the builder"
                            ),
                        });
                        continue;
                    }
                    names.push(rust);
                    kept.push(param);
                }
            }
            if kept.is_empty() {
                op.remove("parameters");
            } else {
                op.insert("parameters".into(), Value::Array(kept));
            }
        }
    }
    Ok(())
}

/// Path-level parameters, overridden by the operation's own (same name and
/// location), with every reference to `components.parameters` resolved.
fn merged(shared: Option<&Value>, own: Option<&Value>, doc: &Value) -> Vec<Value> {
    let resolve = |p: &Value| -> Value {
        match p.get("$ref").and_then(Value::as_str) {
            Some(r) => r
                .strip_prefix('#')
                .and_then(|r| doc.pointer(r))
                .cloned()
                .unwrap_or_else(|| p.clone()),
            None => p.clone(),
        }
    };
    let own: Vec<Value> = own
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(resolve)
        .collect();
    let key = |p: &Value| (p.get("name").cloned(), p.get("in").cloned());
    let mut all: Vec<Value> = shared
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(resolve)
        .filter(|p| !own.iter().any(|o| key(o) == key(p)))
        .collect();
    all.extend(own);
    all
}

struct Context<'a> {
    pointer: &'a str,
    doc: &'a Value,
    diagnostics: &'a mut Diagnostics,
}

impl Context<'_> {
    fn degrade(&mut self, pointer: &str, change: String, reason: &str) {
        self.diagnostics.degraded.push(Degraded {
            pointer: pointer.to_string(),
            change,
            reason: reason.into(),
        });
    }

    /// Makes the declared path parameters and the template's names agree.
    fn match_template(&mut self, path: &str, params: &mut Vec<Value>) {
        let in_template = template_names(path);
        let pointer = self.pointer.to_string();
        params.retain(|p| {
            let is_path = p.get("in").and_then(Value::as_str) == Some("path");
            let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
            if is_path && !in_template.iter().any(|t| t == name) {
                self.diagnostics.degraded.push(Degraded {
                    pointer: pointer.clone(),
                    change: format!("the path parameter `{name}` is left out"),
                    reason: "the path template does not name it".into(),
                });
                return false;
            }
            true
        });
        for name in in_template {
            let declared = params.iter().any(|p| {
                p.get("in").and_then(Value::as_str) == Some("path")
                    && p.get("name").and_then(Value::as_str) == Some(name.as_str())
            });
            if !declared {
                self.diagnostics.notes.push(format!(
                    "{pointer}: the path template names `{name}`, which the operation does not declare; it is added as a string parameter"
                ));
                params.push(json!({"name": name, "in": "path", "required": true,
                                   "schema": {"type": "string"}}));
            }
        }
    }

    /// Rewrites one parameter; `false` leaves it out.
    fn rewrite(&mut self, pointer: &str, param: &mut Value) -> bool {
        let Some(obj) = param.as_object_mut() else {
            return false;
        };
        let name = obj
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let location = obj
            .get("in")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        if location == "cookie" {
            // progenitor has no cookie parameters: it sends this one as a
            // header of its name, and the runtime moves it into `Cookie`.
            obj.insert("in".into(), "header".into());
            obj.insert(COOKIE.into(), true.into());
        }
        let location = if location == "cookie" {
            "header".to_string()
        } else {
            location
        };
        if !obj.contains_key("schema") {
            let from_content = obj
                .get("content")
                .and_then(Value::as_object)
                .and_then(|c| c.values().next())
                .and_then(|m| m.get("schema"))
                .cloned();
            obj.insert(
                "schema".into(),
                from_content.unwrap_or_else(|| json!({"type": "string"})),
            );
        }
        obj.remove("content");
        if location == "path" {
            obj.insert("required".into(), true.into());
        }
        let deep = obj.get("style").and_then(Value::as_str) == Some("deepObject");
        obj.remove("style");
        obj.remove("explode");
        let schema = obj.get_mut("schema").expect("inserted above");
        if take_nullable(schema) && location != "path" {
            obj.insert("required".into(), false.into());
        }
        let schema = obj.get_mut("schema").expect("inserted above");
        let shape = shape(schema, self.doc);
        match (shape, location.as_str(), deep) {
            (Shape::Scalar | Shape::Reference, _, _) => {}
            (Shape::Union(kind), _, _) => {
                *schema = scalar_of_union(schema, &kind);
            }
            (Shape::List, "query", _) => {}
            (Shape::OneOrMany(items), "query", _) => {
                *schema = json!({"type": "array", "items": items});
            }
            (Shape::Object, "query", true) => {
                obj.insert(DEEP_OBJECT.into(), true.into());
                *obj.get_mut("schema").expect("inserted above") =
                    json!({"type": "object", "additionalProperties": true});
            }
            (Shape::Object, "query", false) => {
                *schema = json!({"type": "object", "additionalProperties": true});
                self.degrade(
                    pointer,
                    format!("the query parameter `{name}` is a map of values"),
                    "an object parameter would need a builder, which progenitor gives bodies only",
                );
            }
            (_, _, _) => {
                *schema = json!({"type": "string"});
                self.degrade(
                    pointer,
                    format!("the {location} parameter `{name}` is sent as a string"),
                    "a path or header value is text; its structured schema has no generated form",
                );
            }
        }
        true
    }
}

/// What a parameter's schema is, after references.
enum Shape {
    /// A string, number or boolean, possibly with a format or an enum.
    Scalar,
    /// A reference to a component that is a scalar (an enum, say).
    Reference,
    /// A union whose arms are all scalars: of one type, or of several.
    Union(UnionKind),
    /// A union of scalars and lists of them: one value or several, each
    /// an instance of the schema held.
    OneOrMany(Value),
    /// An array of scalars.
    List,
    /// An object, a map, or anything else.
    Object,
}

enum UnionKind {
    Same(String),
    Mixed,
}

fn shape(schema: &Value, doc: &Value) -> Shape {
    let resolved = resolve(schema, doc);
    if let Some(t) = resolved.get("type").and_then(Value::as_str) {
        return match t {
            t if SCALARS.contains(&t) => {
                if std::ptr::eq(resolved, schema) {
                    Shape::Scalar
                } else {
                    Shape::Reference
                }
            }
            "array" => match resolved.get("items").map(|i| shape(i, doc)) {
                Some(Shape::Scalar | Shape::Reference) | None => Shape::List,
                _ => Shape::Object,
            },
            _ => Shape::Object,
        };
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(arms) = resolved.get(key).and_then(Value::as_array) {
            return union_shape(arms, doc);
        }
    }
    if resolved.get("enum").is_some() {
        return Shape::Scalar;
    }
    if resolved
        .get("allOf")
        .and_then(Value::as_array)
        .is_some_and(|a| a.len() == 1)
    {
        return shape(&resolved["allOf"][0], doc);
    }
    // An untyped schema: anything goes, and text is what goes in a URL.
    if resolved
        .as_object()
        .is_some_and(|o| !o.contains_key("properties") && !o.contains_key("additionalProperties"))
    {
        return Shape::Union(UnionKind::Mixed);
    }
    Shape::Object
}

/// A union of scalars, or of scalars and lists of scalars ("one or many").
fn union_shape(arms: &[Value], doc: &Value) -> Shape {
    let mut types: Vec<String> = Vec::new();
    let mut items: Vec<Value> = Vec::new();
    let mut lists = false;
    for arm in arms {
        let resolved = resolve(arm, doc);
        let item = match resolved.get("type").and_then(Value::as_str) {
            Some("array") => {
                lists = true;
                match resolved.get("items") {
                    Some(item) => item,
                    None => return Shape::Object,
                }
            }
            _ => arm,
        };
        match resolve(item, doc).get("type").and_then(Value::as_str) {
            Some(t) if SCALARS.contains(&t) => types.push(t.to_string()),
            _ => return Shape::Object,
        }
        let item = without_docs(item);
        if !items.contains(&item) {
            items.push(item);
        }
    }
    types.dedup();
    let kind = match types.as_slice() {
        [one] => UnionKind::Same(one.clone()),
        _ => UnionKind::Mixed,
    };
    if !lists {
        return Shape::Union(kind);
    }
    // One value, or several: a list, which says both, and reads the same on
    // the wire (`?id=a` is a list of one).
    Shape::OneOrMany(match (items.len(), kind) {
        (1, _) => items.pop().expect("one item"),
        (_, UnionKind::Same(t)) => json!({"type": t}),
        (_, UnionKind::Mixed) => json!({"type": "string"}),
    })
}

/// A schema without the keywords that only describe it.
fn without_docs(schema: &Value) -> Value {
    let mut schema = schema.clone();
    if let Some(obj) = schema.as_object_mut() {
        for key in ["description", "examples", "example", "title"] {
            obj.remove(key);
        }
    }
    schema
}

/// Follows `$ref`s to the schema they name.
fn resolve<'a>(schema: &'a Value, doc: &'a Value) -> &'a Value {
    let mut current = schema;
    for _ in 0..16 {
        match current
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|r| doc.pointer(r))
        {
            Some(target) => current = target,
            None => break,
        }
    }
    current
}

/// One scalar schema for a union of scalars: their common type, or a string.
fn scalar_of_union(schema: &Value, kind: &UnionKind) -> Value {
    let mut out = Map::new();
    for key in ["description", "default", "example"] {
        if let Some(v) = schema.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    let t = match kind {
        UnionKind::Same(t) => t.clone(),
        UnionKind::Mixed => "string".into(),
    };
    out.insert("type".into(), t.into());
    if let Some(default) = out.get("default") {
        // A default must fit the one type now left; text fits a string.
        if !matches!(kind, UnionKind::Same(_)) && !default.is_string() {
            out.insert("default".into(), default.to_string().into());
        }
    }
    Value::Object(out)
}

/// Removes `nullable` from a parameter's schema; says whether it was there.
fn take_nullable(schema: &mut Value) -> bool {
    schema
        .as_object_mut()
        .and_then(|o| o.remove("nullable"))
        .is_some_and(|n| n == Value::Bool(true))
}

/// The `{name}`s of a path template, in order.
fn template_names(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name.to_string()))
        .collect()
}

/// A path as one JSON pointer token.
fn escape(path: &str) -> String {
    path.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::testing::on_doc;

    fn params(doc: &Value) -> &Value {
        &doc["paths"]["/a/{id}"]["get"]["parameters"]
    }

    fn op(parameters: Value) -> Value {
        json!({"paths": {"/a/{id}": {"get": {"operationId": "get_a", "parameters": parameters}}}})
    }

    #[test]
    fn path_level_and_referenced_parameters_join_each_operation() {
        let doc = json!({
            "components": {"parameters": {"Limit": {"name": "limit", "in": "query", "schema": {"type": "integer"}}}},
            "paths": {"/a/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "get": {"parameters": [{"$ref": "#/components/parameters/Limit"}]}
            }}
        });
        let (doc, _) = on_doc(run, doc);
        assert_eq!(
            params(&doc),
            &json!([
                {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
                {"name": "limit", "in": "query", "schema": {"type": "integer"}}
            ])
        );
        assert!(doc["paths"]["/a/{id}"].get("parameters").is_none());
    }

    #[test]
    fn the_template_and_the_declared_path_parameters_agree() {
        let (doc, diagnostics) = on_doc(
            run,
            op(
                json!([{"name": "other", "in": "path", "required": true, "schema": {"type": "string"}}]),
            ),
        );
        assert_eq!(
            params(&doc),
            &json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}])
        );
        assert_eq!(diagnostics.degraded.len(), 1);
        assert!(diagnostics.degraded[0].change.contains("`other`"));
        assert_eq!(diagnostics.notes.len(), 1);
    }

    #[test]
    fn unions_of_scalars_become_one_scalar() {
        let (doc, _) = on_doc(
            run,
            op(json!([
                {"name": "id", "in": "path", "required": true, "schema":
                    {"anyOf": [{"type": "string"}, {"type": "string", "format": "uuid"}]}},
                {"name": "n", "in": "query", "schema":
                    {"anyOf": [{"type": "integer"}, {"type": "string"}], "nullable": true, "default": 3}}
            ])),
        );
        assert_eq!(params(&doc)[0]["schema"], json!({"type": "string"}));
        assert_eq!(
            params(&doc)[1],
            json!({"name": "n", "in": "query", "required": false,
                   "schema": {"default": "3", "type": "string"}})
        );
    }

    #[test]
    fn one_or_many_is_a_list() {
        let (doc, diagnostics) = on_doc(
            run,
            op(json!([
                {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
                {"name": "org", "in": "query", "schema": {"oneOf": [
                    {"type": "string", "format": "uuid", "description": "An id."},
                    {"type": "array", "items": {"type": "string", "format": "uuid"}}
                ], "nullable": true}},
                {"name": "n", "in": "query", "schema": {"oneOf": [
                    {"type": "integer"}, {"type": "array", "items": {"type": "string"}}
                ]}}
            ])),
        );
        assert_eq!(
            params(&doc)[1]["schema"],
            json!({"type": "array", "items": {"type": "string", "format": "uuid"}})
        );
        assert_eq!(
            params(&doc)[2]["schema"],
            json!({"type": "array", "items": {"type": "string"}})
        );
        assert!(diagnostics.degraded.is_empty());
    }

    #[test]
    fn cookies_travel_as_marked_headers_and_clashing_names_are_left_out() {
        let (doc, diagnostics) = on_doc(
            run,
            op(json!([
                {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
                {"name": "session", "in": "cookie", "schema": {"type": "string"}},
                {"name": "page-size", "in": "query", "schema": {"type": "integer"}},
                {"name": "page_size", "in": "query", "schema": {"type": "integer"}},
                {"name": "body", "in": "query", "schema": {"type": "string"}}
            ])),
        );
        let names: Vec<&str> = params(&doc)
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["id", "session", "page-size"]);
        assert_eq!(
            params(&doc)[1],
            json!({"name": "session", "in": "header", COOKIE: true, "schema": {"type": "string"}})
        );
        let changes: Vec<&str> = diagnostics
            .degraded
            .iter()
            .map(|d| d.change.as_str())
            .collect();
        assert_eq!(
            changes,
            [
                "the parameter `page_size` is left out",
                "the parameter `body` is left out"
            ]
        );
    }

    #[test]
    fn objects_become_maps_or_deep_objects_and_nullable_headers_optional() {
        let (doc, diagnostics) = on_doc(
            run,
            op(json!([
                {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
                {"name": "filter", "in": "query", "schema": {"type": "object", "properties": {"a": {"type": "string"}}}},
                {"name": "metadata", "in": "query", "style": "deepObject", "schema": {"type": "object"}},
                {"name": "x-trace", "in": "header", "required": true, "schema": {"type": "string", "nullable": true}},
                {"name": "q", "in": "query", "content": {"application/json": {"schema": {"type": "integer"}}}}
            ])),
        );
        let p = params(&doc);
        assert_eq!(
            p[1]["schema"],
            json!({"type": "object", "additionalProperties": true})
        );
        assert_eq!(p[2][DEEP_OBJECT], true);
        assert_eq!(p[2].get("style"), None);
        assert_eq!(p[3]["required"], false);
        assert_eq!(p[3]["schema"], json!({"type": "string"}));
        assert_eq!(p[4]["schema"], json!({"type": "integer"}));
        assert_eq!(diagnostics.degraded.len(), 1, "{:?}", diagnostics.degraded);
    }
}
