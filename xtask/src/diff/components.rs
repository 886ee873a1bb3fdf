//! Component schemas: where each is used, which were renamed, and what
//! changed inside each, reported once per schema.

use super::kind::{ChangeKind, Place, Severity};
use super::report::{Change, Group, Subject};
use super::schema::{escape, fingerprint, ref_name, Docs, Walker, SCHEMA_REF};
use nebius_tokenfactory_codegen::open_enum::rust_name;
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};

pub use nebius_tokenfactory_codegen::normalize::visit::METHODS;

/// The component schemas of a document, in document order.
pub fn schemas(doc: &Value) -> Option<&Map<String, Value>> {
    doc.pointer("/components/schemas")
        .and_then(Value::as_object)
}

/// Stands for a schema's own name in fingerprints.
const SELF: &str = "$self";

/// Renamed schemas, old name → new name: a schema that is gone and one
/// that is new with the same shape (metadata aside, refs followed through
/// renames already found). Titles are ignored, since FastAPI titles a
/// schema after its name.
pub fn renames(old: &Value, new: &Value) -> HashMap<String, String> {
    let empty = Map::new();
    let (old_schemas, new_schemas) = (
        schemas(old).unwrap_or(&empty),
        schemas(new).unwrap_or(&empty),
    );
    let removed: Vec<&String> = old_schemas
        .keys()
        .filter(|k| !new_schemas.contains_key(*k))
        .collect();
    let added: Vec<&String> = new_schemas
        .keys()
        .filter(|k| !old_schemas.contains_key(*k))
        .collect();
    let mut renames: HashMap<String, String> = HashMap::new();
    if removed.is_empty() || added.is_empty() {
        return renames;
    }
    // A rename inside a renamed schema shows once the inner one is known:
    // repeat while new pairs appear (bounded by the number of schemas).
    for _ in 0..=removed.len() {
        // A schema's refs to itself are written as `$self` on both sides,
        // so that a recursive schema matches its renamed self.
        let known = renames.clone();
        let mut by_shape: HashMap<String, Vec<&String>> = HashMap::new();
        for name in added.iter().filter(|n| !renames.values().any(|v| v == **n)) {
            let own = |n: &str| (n == name.as_str()).then(|| SELF.to_string());
            by_shape
                .entry(fingerprint(&new_schemas[*name], &own))
                .or_default()
                .push(name);
        }
        let before = renames.len();
        let pending: Vec<&String> = removed
            .iter()
            .copied()
            .filter(|n| !renames.contains_key(*n))
            .collect();
        for name in pending {
            let rename = |n: &str| {
                if n == name.as_str() {
                    Some(SELF.to_string())
                } else {
                    known.get(n).cloned()
                }
            };
            let key = fingerprint(&old_schemas[name], &rename);
            if let Some(candidates) = by_shape.get_mut(&key) {
                if !candidates.is_empty() {
                    let target = candidates.remove(0);
                    renames.insert(name.clone(), target.clone());
                }
            }
        }
        if renames.len() == before {
            break;
        }
    }
    renames
}

/// Where each component schema is used: sent (parameters, request bodies)
/// or received (responses), following refs through schemas and through
/// `components.parameters`, `requestBodies` and `responses`.
pub fn usage(doc: &Value) -> HashMap<String, HashSet<Place>> {
    let mut out: HashMap<String, HashSet<Place>> = HashMap::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for place in [Place::Request, Place::Response] {
        let mut seeds: Vec<&Value> = Vec::new();
        for item in paths.values() {
            if place == Place::Request {
                seeds.extend(item.get("parameters"));
            }
            for method in METHODS {
                let Some(op) = item.get(method) else { continue };
                match place {
                    Place::Response => seeds.extend(op.get("responses")),
                    _ => seeds.extend(
                        ["parameters", "requestBody"]
                            .iter()
                            .filter_map(|k| op.get(*k)),
                    ),
                }
            }
        }
        let mut seen_names: HashSet<String> = HashSet::new();
        let mut seen_pointers: HashSet<String> = HashSet::new();
        let mut queue: Vec<&Value> = seeds;
        while let Some(value) = queue.pop() {
            let mut refs = Vec::new();
            collect_refs(value, &mut refs);
            for reference in refs {
                if let Some(name) = ref_name(reference) {
                    if seen_names.insert(name.to_string()) {
                        if let Some(schema) = schemas(doc).and_then(|s| s.get(name)) {
                            queue.push(schema);
                        }
                    }
                } else if let Some(pointer) = reference.strip_prefix('#') {
                    if seen_pointers.insert(pointer.to_string()) {
                        queue.extend(doc.pointer(pointer));
                    }
                }
            }
        }
        for name in seen_names {
            out.entry(name).or_default().insert(place);
        }
    }
    out
}

/// Every `$ref` string in `value`.
fn collect_refs<'v>(value: &'v Value, out: &mut Vec<&'v str>) {
    match value {
        Value::Object(obj) => {
            for (key, v) in obj {
                match (key.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r),
                    _ => collect_refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// The groups of changes to component schemas, in new-document order,
/// then the removed ones.
pub fn compare(docs: Docs) -> Vec<Group> {
    let empty = Map::new();
    let (old_schemas, new_schemas) = (
        schemas(docs.old).unwrap_or(&empty),
        schemas(docs.new).unwrap_or(&empty),
    );
    let (old_usage, new_usage) = (usage(docs.old), usage(docs.new));
    let renamed_to: HashMap<&String, &String> = docs.renames.iter().map(|(o, n)| (n, o)).collect();
    let mut groups = Vec::new();
    for (name, new_schema) in new_schemas {
        let new_ptr = format!("/components/schemas/{}", escape(name));
        let mut changes = Vec::new();
        let old_name = match (old_schemas.get(name), renamed_to.get(name)) {
            (Some(_), _) => name,
            (None, Some(old_name)) => {
                changes.push(renamed(old_name, name, &new_ptr));
                *old_name
            }
            (None, None) => {
                changes.push(Change {
                    kind: ChangeKind::SchemaAdded,
                    severity: Severity::Compatible,
                    location: new_ptr,
                    explanation: format!(
                        "new schema: a new Rust type `types::{}`",
                        rust_name(name)
                    ),
                });
                groups.push(Group {
                    subject: Subject::Schema { name: name.clone() },
                    changes,
                });
                continue;
            }
        };
        let old_ptr = format!("/components/schemas/{}", escape(old_name));
        let mut places: Vec<Place> = [Place::Request, Place::Response]
            .into_iter()
            .filter(|p| {
                let used = |u: &HashMap<String, HashSet<Place>>, n: &String| {
                    u.get(n).is_some_and(|s| s.contains(p))
                };
                used(&old_usage, old_name) || used(&new_usage, name)
            })
            .collect();
        if places.is_empty() {
            // Not reached from any operation: its Rust type exists all the same.
            places = vec![Place::Request, Place::Response];
        }
        for place in places {
            let mut walker = Walker::new(docs, place);
            walker.compare(&old_schemas[old_name], new_schema, &old_ptr, &new_ptr, name);
            changes.extend(walker.changes);
        }
        if !changes.is_empty() {
            groups.push(Group {
                subject: Subject::Schema { name: name.clone() },
                changes,
            });
        }
    }
    for name in old_schemas
        .keys()
        .filter(|n| !new_schemas.contains_key(*n) && !docs.renames.contains_key(*n))
    {
        groups.push(Group {
            subject: Subject::Schema { name: name.clone() },
            changes: vec![Change {
                kind: ChangeKind::SchemaRemoved,
                severity: Severity::Breaking,
                location: format!("/components/schemas/{}", escape(name)),
                explanation: format!(
                    "schema removed: the Rust type `types::{}` disappears",
                    rust_name(name)
                ),
            }],
        });
    }
    groups
}

fn renamed(old: &str, new: &str, location: &str) -> Change {
    let (old_type, new_type) = (rust_name(old), rust_name(new));
    let (severity, explanation) = if old_type == new_type {
        (
            Severity::Compatible,
            format!(
                "renamed from `{old}` with the same shape; the Rust type stays `types::{new_type}`"
            ),
        )
    } else {
        (
            Severity::Breaking,
            format!(
                "renamed from `{old}` with the same shape: invisible on the wire, but the Rust type `types::{old_type}` becomes `types::{new_type}` (and inline types named after it follow)"
            ),
        )
    };
    Change {
        kind: ChangeKind::SchemaRenamed,
        severity,
        location: location.into(),
        explanation,
    }
}

/// `#/components/schemas/NAME` for `name`.
pub fn schema_ref(name: &str) -> String {
    format!("{SCHEMA_REF}{name}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn renames_pair_same_shapes_through_inner_renames() {
        let old = json!({"components": {"schemas": {
            "Inner": {"type": "object", "properties": {"a": {"type": "string"}}},
            "Outer": {"type": "object", "properties": {"i": {"$ref": schema_ref("Inner")}}},
            "Gone": {"type": "integer"},
            "List": {"type": "object", "properties": {"next": {"$ref": schema_ref("List")}}}
        }}});
        let new = json!({"components": {"schemas": {
            "Inner2": {"type": "object", "properties": {"a": {"type": "string", "description": "d"}}, "title": "Inner2"},
            "Outer2": {"type": "object", "properties": {"i": {"$ref": schema_ref("Inner2")}}},
            "Chain": {"type": "object", "properties": {"next": {"$ref": schema_ref("Chain")}}}
        }}});
        let renames = renames(&old, &new);
        assert_eq!(renames.get("Inner").map(String::as_str), Some("Inner2"));
        assert_eq!(renames.get("Outer").map(String::as_str), Some("Outer2"));
        assert_eq!(renames.get("List").map(String::as_str), Some("Chain"));
        assert!(!renames.contains_key("Gone"));
    }

    #[test]
    fn usage_follows_refs_and_component_bodies() {
        let doc = json!({
            "paths": {"/a": {"post": {
                "requestBody": {"$ref": "#/components/requestBodies/Body"},
                "responses": {"200": {"content": {"application/json": {"schema": {"$ref": schema_ref("Out")}}}}}
            }}},
            "components": {
                "requestBodies": {"Body": {"content": {"application/json": {"schema": {"$ref": schema_ref("In")}}}}},
                "schemas": {
                    "In": {"properties": {"s": {"$ref": schema_ref("Shared")}}},
                    "Out": {"properties": {"s": {"$ref": schema_ref("Shared")}, "me": {"$ref": schema_ref("Out")}}},
                    "Shared": {"type": "string"}
                }
            }
        });
        let usage = usage(&doc);
        assert_eq!(usage["In"], HashSet::from([Place::Request]));
        assert_eq!(usage["Out"], HashSet::from([Place::Response]));
        assert_eq!(
            usage["Shared"],
            HashSet::from([Place::Request, Place::Response])
        );
    }
}
