//! What a reviewer needs first: operations added, removed and moved (by
//! tag), likely renames, and what became deprecated.
//!
//! - **Moved:** an operation removed and another added with the same
//!   shape (method, parameters but for the names of path parameters,
//!   bodies and responses, schemas compared through the components'
//!   renames) is one operation that moved: its method and types are
//!   renamed with it.
//! - **Likely renamed:** a parameter removed and another added, in the
//!   same place of the same operation, with the same non-empty title or
//!   description; the same for a property of a schema. A query parameter's
//!   rename is silent on a FastAPI server: it ignores the old name, so an
//!   old client's filter is dropped without an error.
//! - **Deprecated:** operations, parameters, schemas and properties of
//!   schemas that became `deprecated: true`.

use super::operations::{method_names, operations, template};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};

/// An operation as a reviewer names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// Upper case.
    pub method: String,
    /// As in the document.
    pub path: String,
    /// The client's method for it (the codegen's name for its
    /// `operationId`).
    pub id: String,
    /// Its first tag, or `untagged`.
    pub tag: String,
}

impl Operation {
    fn of(path: &str, method: &str, op: &Value, names: &Names) -> Self {
        let id = names
            .get(&(path.to_string(), method.to_string()))
            .map(|(_, rust)| rust.clone())
            .unwrap_or_else(|| format!("{} {path}", method.to_uppercase()));
        let method = method.to_uppercase();
        Self {
            id,
            tag: op
                .pointer("/tags/0")
                .and_then(Value::as_str)
                .unwrap_or("untagged")
                .to_string(),
            method,
            path: path.to_string(),
        }
    }

    /// `` `id` (GET /path) ``.
    pub fn label(&self) -> String {
        format!("`{}` ({} {})", self.id, self.method, self.path)
    }

    fn to_json(&self) -> Value {
        json!({"method": self.method, "path": self.path, "id": self.id, "tag": self.tag})
    }
}

/// The Rust method of each operation, by (path, method).
type Names = HashMap<(String, String), (String, String)>;

/// A parameter or property removed and another added beside it, with the
/// same title or description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rename {
    /// `query parameter of GET /v1/x`, `property of schema Foo`.
    pub place: String,
    /// The old name.
    pub old: String,
    /// The new name.
    pub new: String,
    /// Whether a FastAPI server ignores the old name without an error (a
    /// query parameter).
    pub silent: bool,
}

/// The headline changes between two documents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headlines {
    /// Operations only the new document has, but for moves.
    pub added: Vec<Operation>,
    /// Operations only the old document has, but for moves.
    pub removed: Vec<Operation>,
    /// Operations that moved: (old, new).
    pub moved: Vec<(Operation, Operation)>,
    /// Likely renames.
    pub renamed: Vec<Rename>,
    /// What became deprecated, one phrase each.
    pub deprecated: Vec<String>,
}

impl Headlines {
    /// The headlines of `old` → `new`; `renames` maps old component names
    /// to new ones.
    pub fn of(old: &Value, new: &Value, renames: &HashMap<String, String>) -> Self {
        let key =
            |path: &str, method: &str| format!("{} {}", method.to_uppercase(), template(path));
        let old_ops: BTreeMap<String, (&str, &str, &Value)> = operations(old)
            .into_iter()
            .map(|(p, m, o)| (key(p, m), (p, m, o)))
            .collect();
        let new_ops: BTreeMap<String, (&str, &str, &Value)> = operations(new)
            .into_iter()
            .map(|(p, m, o)| (key(p, m), (p, m, o)))
            .collect();
        let mut removed: Vec<(&str, &str, &Value)> = old_ops
            .iter()
            .filter(|(k, _)| !new_ops.contains_key(*k))
            .map(|(_, v)| *v)
            .collect();
        let mut added: Vec<(&str, &str, &Value)> = new_ops
            .iter()
            .filter(|(k, _)| !old_ops.contains_key(*k))
            .map(|(_, v)| *v)
            .collect();
        let identity = HashMap::new();
        let (old_names, new_names) = (method_names(old), method_names(new));
        let mut moved = Vec::new();
        removed.retain(|(op_path, method, op)| {
            let wanted = shape(method, op, renames);
            match added
                .iter()
                .position(|(_, m, n)| m == method && shape(m, n, &identity) == wanted)
            {
                Some(i) => {
                    let (np, nm, n) = added.remove(i);
                    moved.push((
                        Operation::of(op_path, method, op, &old_names),
                        Operation::of(np, nm, n, &new_names),
                    ));
                    false
                }
                None => true,
            }
        });
        let mut out = Headlines {
            added: added
                .iter()
                .map(|(p, m, o)| Operation::of(p, m, o, &new_names))
                .collect(),
            removed: removed
                .iter()
                .map(|(p, m, o)| Operation::of(p, m, o, &old_names))
                .collect(),
            moved,
            ..Default::default()
        };
        for (k, (path, method, new_op)) in &new_ops {
            let Some((_, _, old_op)) = old_ops.get(k) else {
                continue;
            };
            let place = format!("{} {path}", method.to_uppercase());
            parameter_renames(old_op, new_op, &place, &mut out.renamed);
            if newly(old_op, new_op) {
                out.deprecated.push(format!("operation {place}"));
            }
            for (name, location, param) in params(new_op) {
                let was = params(old_op)
                    .into_iter()
                    .find(|(n, l, _)| *n == name && *l == location);
                if let Some((_, _, before)) = was {
                    if newly(before, param) {
                        out.deprecated
                            .push(format!("{location} parameter `{name}` of {place}"));
                    }
                }
            }
        }
        schema_changes(old, new, &mut out);
        out
    }

    /// Whether there is nothing to headline.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.moved.is_empty()
            && self.renamed.is_empty()
            && self.deprecated.is_empty()
    }

    /// The headlines as JSON.
    pub fn to_json(&self) -> Value {
        json!({
            "added": self.added.iter().map(Operation::to_json).collect::<Vec<_>>(),
            "removed": self.removed.iter().map(Operation::to_json).collect::<Vec<_>>(),
            "moved": self.moved.iter().map(|(o, n)| json!({"from": o.to_json(), "to": n.to_json()})).collect::<Vec<_>>(),
            "likely_renamed": self.renamed.iter().map(|r| json!({
                "place": r.place, "old": r.old, "new": r.new, "ignored_by_fastapi": r.silent
            })).collect::<Vec<_>>(),
            "deprecated": self.deprecated,
        })
    }
}

/// Whether `new` is deprecated and `old` was not.
fn newly(old: &Value, new: &Value) -> bool {
    let flag = |v: &Value| v.get("deprecated") == Some(&Value::Bool(true));
    flag(new) && !flag(old)
}

/// An operation's parameters: (name, location, the parameter).
fn params(op: &Value) -> Vec<(&str, &str, &Value)> {
    op.get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| Some((p.get("name")?.as_str()?, p.get("in")?.as_str()?, p)))
        .collect()
}

/// What an operation takes and gives, without its names and prose: the
/// text two operations of one shape share.
fn shape(method: &str, op: &Value, renames: &HashMap<String, String>) -> String {
    let mut params: Vec<Value> = params(op)
        .into_iter()
        .map(|(name, location, p)| {
            json!({
                "in": location,
                "name": if location == "path" { "" } else { name },
                "required": p.get("required"),
                "schema": p.get("schema").map(|s| canonical(s, renames)),
            })
        })
        .collect();
    params.sort_by_key(|p| p.to_string());
    let body = op
        .pointer("/requestBody/content")
        .map(|c| canonical(c, renames));
    let responses = op.get("responses").map(|r| canonical(r, renames));
    json!({"method": method, "parameters": params, "body": body, "responses": responses})
        .to_string()
}

/// A schema (or content) without prose, its references through `renames`.
fn canonical(value: &Value, renames: &HashMap<String, String>) -> Value {
    const PROSE: &[&str] = &["description", "summary", "title", "example", "examples"];
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| !PROSE.contains(&k.as_str()))
                .map(|(k, v)| {
                    let v = match (k.as_str(), v) {
                        ("$ref", Value::String(r)) => {
                            let name = r.rsplit('/').next().unwrap_or(r);
                            Value::String(renames.get(name).cloned().unwrap_or(name.to_string()))
                        }
                        _ => canonical(v, renames),
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(|v| canonical(v, renames)).collect()),
        other => other.clone(),
    }
}

/// The title or description that says what a parameter or property is.
fn meaning(value: &Value) -> Option<String> {
    let text = |v: &Value| {
        v.get("description")
            .or_else(|| v.get("title"))
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
    };
    text(value).or_else(|| value.get("schema").and_then(text))
}

fn parameter_renames(old: &Value, new: &Value, place: &str, out: &mut Vec<Rename>) {
    let (before, after) = (params(old), params(new));
    for (name, location, p) in &before {
        if after.iter().any(|(n, l, _)| n == name && l == location) {
            continue;
        }
        let Some(meant) = meaning(p) else { continue };
        let found = after.iter().find(|(n, l, q)| {
            l == location
                && !before.iter().any(|(b, bl, _)| b == n && bl == l)
                && meaning(q).as_deref() == Some(meant.as_str())
        });
        if let Some((new_name, _, _)) = found {
            out.push(Rename {
                place: format!("{location} parameter of {place}"),
                old: name.to_string(),
                new: new_name.to_string(),
                silent: *location == "query",
            });
        }
    }
}

/// Renamed properties and what became deprecated, in the component
/// schemas both documents have.
fn schema_changes(old: &Value, new: &Value, out: &mut Headlines) {
    let schemas = |doc: &Value| {
        doc.pointer("/components/schemas")
            .and_then(Value::as_object)
            .cloned()
    };
    let (Some(old_schemas), Some(new_schemas)) = (schemas(old), schemas(new)) else {
        return;
    };
    for (name, schema) in &new_schemas {
        let Some(before) = old_schemas.get(name) else {
            continue;
        };
        if newly(before, schema) {
            out.deprecated.push(format!("schema `{name}`"));
        }
        let props = |s: &Value| {
            s.get("properties")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default()
        };
        let (old_props, new_props) = (props(before), props(schema));
        for (prop, value) in &new_props {
            match old_props.get(prop) {
                Some(was) if newly(was, value) => {
                    out.deprecated.push(format!("property `{name}.{prop}`"));
                }
                _ => {}
            }
        }
        for (prop, value) in &old_props {
            if new_props.contains_key(prop) {
                continue;
            }
            let Some(meant) = meaning(value) else {
                continue;
            };
            let found = new_props.iter().find(|(n, v)| {
                !old_props.contains_key(*n) && meaning(v).as_deref() == Some(meant.as_str())
            });
            if let Some((new_name, _)) = found {
                out.renamed.push(Rename {
                    place: format!("property of schema `{name}`"),
                    old: prop.clone(),
                    new: new_name.clone(),
                    silent: false,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(paths: Value, schemas: Value) -> Value {
        json!({"openapi": "3.1.0", "info": {"version": "1"}, "paths": paths,
               "components": {"schemas": schemas}})
    }

    #[test]
    fn an_operation_at_a_new_path_with_the_same_shape_moved() {
        let op = |id: &str, tag: &str| {
            json!({"post": {"operationId": id, "tags": [tag],
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
            "responses": {"200": {"description": "ok"}}}})
        };
        let old = doc(
            json!({"/v1/listeners/{id}": op("listeners.send", "listeners"),
                             "/v1/other": op("other", "x")}),
            json!({}),
        );
        let new = doc(
            json!({"/v1/environments/{env}": op("environments.send", "environments"),
                             "/v1/other": op("other", "x")}),
            json!({}),
        );
        let h = Headlines::of(&old, &new, &HashMap::new());
        assert_eq!(h.moved.len(), 1, "{h:?}");
        assert_eq!(h.moved[0].0.path, "/v1/listeners/{id}");
        assert_eq!(h.moved[0].1.id, "environments_send");
        assert!(h.added.is_empty() && h.removed.is_empty(), "{h:?}");
    }

    #[test]
    fn a_query_parameter_with_the_same_description_is_likely_renamed_and_deprecations_are_found() {
        let op = |name: &str, deprecated: bool| {
            json!({"get": {"operationId": "list",
            "parameters": [{"name": name, "in": "query", "description": "Filter by benefit ID.",
                            "schema": {"type": "string"}}],
            "deprecated": deprecated, "responses": {}}})
        };
        let schema = |deprecated: bool| {
            json!({"Thing": {"type": "object", "properties": {
            "current": {"type": "string", "deprecated": deprecated}}}})
        };
        let old = doc(json!({"/v1/keys": op("benefit_id", false)}), schema(false));
        let new = doc(json!({"/v1/keys": op("benefit_ids", true)}), schema(true));
        let h = Headlines::of(&old, &new, &HashMap::new());
        assert_eq!(
            h.renamed,
            [Rename {
                place: "query parameter of GET /v1/keys".into(),
                old: "benefit_id".into(),
                new: "benefit_ids".into(),
                silent: true
            }]
        );
        assert_eq!(
            h.deprecated,
            ["operation GET /v1/keys", "property `Thing.current`"]
        );
    }
}
