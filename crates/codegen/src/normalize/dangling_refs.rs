//! Replace every `$ref` that points at nothing in the document.
//!
//! progenitor generates a reference to a missing component as a use of a
//! type that is never defined: generation "succeeds" and the crate then
//! fails to build, far from the cause. This pass finds each local `$ref`
//! (`#/...`) whose target the document does not hold and replaces it,
//! recording a [`Degraded`] entry that names the dangling pointer and
//! where it was used:
//!
//! - a schema becomes the untyped schema `{}` (any JSON value; a
//!   `description` beside the `$ref` is kept);
//! - a response becomes one without content (`{description}`);
//! - a parameter or a request body is left out.
//!
//! References to other documents are left as they are, and so is data:
//! `example`, `examples`, `default`, `enum`, `const` and `x-` extensions
//! are not searched.

use super::{Degraded, Diagnostics};
use crate::Error;
use serde_json::{Map, Value};

/// What takes the place of a dangling `$ref`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Replacement {
    /// The untyped schema `{}`.
    AnyValue,
    /// A response without content.
    EmptyResponse,
    /// Nothing: the parameter or request body is left out.
    Removed,
}

/// One dangling `$ref`: where it is, and what it points at.
struct Dangling {
    /// The pointer of the object holding the `$ref` (without the `#`).
    at: String,
    /// The `$ref` itself.
    target: String,
    replacement: Replacement,
}

/// Replaces every dangling local `$ref` of `doc`.
pub fn run(doc: &mut Value, diagnostics: &mut Diagnostics) -> Result<(), Error> {
    let mut found = Vec::new();
    find(doc, doc, &mut String::new(), None, &mut found);
    // Removals from a list shift the later items: from the end backwards,
    // indices compared as numbers.
    found.sort_by_key(|d| std::cmp::Reverse(order(&d.at)));
    let mut degraded = Vec::new();
    for dangling in found {
        replace(doc, &dangling);
        let change = match dangling.replacement {
            Replacement::AnyValue => "generated as an untyped JSON value",
            Replacement::EmptyResponse => "generated as a response without a body",
            Replacement::Removed => "left out",
        };
        degraded.push(Degraded {
            pointer: format!("#{}", dangling.at),
            change: change.into(),
            reason: format!(
                "its `$ref` `{}` points at nothing in the document",
                dangling.target
            ),
        });
    }
    degraded.reverse();
    diagnostics.degraded.extend(degraded);
    Ok(())
}

/// Collects the dangling references below `value` (at pointer `at`).
/// `parent_key` is the key `value` sits under, to tell data from schemas.
fn find(
    doc: &Value,
    value: &Value,
    at: &mut String,
    parent_key: Option<&str>,
    found: &mut Vec<Dangling>,
) {
    match value {
        Value::Object(obj) => {
            if let Some(target) = obj.get("$ref").and_then(Value::as_str) {
                if let Some(pointer) = target.strip_prefix('#') {
                    if doc.pointer(pointer).is_none() {
                        found.push(Dangling {
                            at: at.clone(),
                            target: target.to_string(),
                            replacement: replacement(pointer, parent_key),
                        });
                    }
                }
                return;
            }
            for (key, child) in obj {
                if is_data(key) {
                    continue;
                }
                let len = at.len();
                at.push('/');
                at.push_str(&escape(key));
                find(doc, child, at, Some(key), found);
                at.truncate(len);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                let len = at.len();
                at.push('/');
                at.push_str(&index.to_string());
                // Items of a list sit under the list's key.
                find(doc, child, at, parent_key, found);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

/// A pointer's segments, list indices as numbers, for ordering.
fn order(pointer: &str) -> Vec<(u64, String)> {
    pointer
        .split('/')
        .map(|segment| match segment.parse::<u64>() {
            Ok(n) => (n, String::new()),
            Err(_) => (u64::MAX, segment.to_string()),
        })
        .collect()
}

/// Keys whose values are data, not document structure.
fn is_data(key: &str) -> bool {
    matches!(key, "example" | "examples" | "default" | "enum" | "const") || key.starts_with("x-")
}

/// What replaces a dangling reference to `pointer`, found under `parent_key`.
fn replacement(pointer: &str, parent_key: Option<&str>) -> Replacement {
    let kind = pointer.split('/').nth(2).unwrap_or("");
    match (kind, parent_key) {
        ("parameters", _) | (_, Some("parameters")) => Replacement::Removed,
        ("requestBodies", _) | (_, Some("requestBody")) => Replacement::Removed,
        ("responses", _) => Replacement::EmptyResponse,
        _ => Replacement::AnyValue,
    }
}

/// Applies one replacement.
fn replace(doc: &mut Value, dangling: &Dangling) {
    match dangling.replacement {
        Replacement::AnyValue | Replacement::EmptyResponse => {
            let Some(slot) = doc.pointer_mut(&dangling.at) else {
                return;
            };
            let description = slot.get("description").cloned();
            let mut replaced = Map::new();
            match (dangling.replacement, description) {
                (_, Some(description)) => {
                    replaced.insert("description".into(), description);
                }
                (Replacement::EmptyResponse, None) => {
                    replaced.insert(
                        "description".into(),
                        format!("undefined: {}", dangling.target).into(),
                    );
                }
                _ => {}
            }
            *slot = Value::Object(replaced);
        }
        Replacement::Removed => {
            let Some((parent, last)) = dangling.at.rsplit_once('/') else {
                return;
            };
            match doc.pointer_mut(parent) {
                Some(Value::Array(items)) => {
                    if let Ok(index) = last.parse::<usize>() {
                        if index < items.len() {
                            items.remove(index);
                        }
                    }
                }
                Some(Value::Object(obj)) => {
                    obj.remove(&unescape(last));
                }
                _ => {}
            }
        }
    }
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::testing::on_doc;
    use serde_json::json;

    #[test]
    fn dangling_refs_are_replaced_and_named_with_where_they_were_used() {
        let doc = json!({
            "paths": {"/v1/chat/completions": {"post": {
                "parameters": [
                    {"$ref": "#/components/parameters/Missing"},
                    {"name": "q", "in": "query", "schema": {"type": "string"}}
                ],
                "requestBody": {"$ref": "#/components/requestBodies/Gone"},
                "responses": {
                    "200": {"description": "ok", "content": {"text/event-stream": {
                        "schema": {"$ref": "#/components/schemas/ChatCompletionChunk"}
                    }}},
                    "400": {"$ref": "#/components/responses/NoSuch"}
                }
            }}},
            "components": {"schemas": {
                "Known": {"type": "object", "properties": {
                    "fine": {"$ref": "#/components/schemas/Known"},
                    "gone": {"$ref": "#/components/schemas/Gone", "description": "kept"},
                    "listed": {"type": "array", "items": {"$ref": "#/components/schemas/Gone"}}
                }, "example": {"$ref": "#/not/a/ref/but/data"}},
                "External": {"$ref": "other.json#/components/schemas/X"}
            }}
        });
        let (doc, diagnostics) = on_doc(run, doc);
        let op = &doc["paths"]["/v1/chat/completions"]["post"];
        assert_eq!(
            op["parameters"],
            json!([{"name": "q", "in": "query", "schema": {"type": "string"}}])
        );
        assert!(op.get("requestBody").is_none(), "{op}");
        assert_eq!(
            op["responses"]["200"]["content"]["text/event-stream"]["schema"],
            json!({})
        );
        assert_eq!(
            op["responses"]["400"],
            json!({"description": "undefined: #/components/responses/NoSuch"})
        );
        let known = &doc["components"]["schemas"]["Known"];
        assert_eq!(
            known["properties"]["fine"],
            json!({"$ref": "#/components/schemas/Known"})
        );
        assert_eq!(known["properties"]["gone"], json!({"description": "kept"}));
        assert_eq!(known["properties"]["listed"]["items"], json!({}));
        assert_eq!(known["example"], json!({"$ref": "#/not/a/ref/but/data"}));
        assert_eq!(
            doc["components"]["schemas"]["External"],
            json!({"$ref": "other.json#/components/schemas/X"})
        );
        let lines: Vec<String> = diagnostics
            .degraded
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            lines,
            [
                "#/components/schemas/Known/properties/gone: generated as an untyped JSON value: its `$ref` `#/components/schemas/Gone` points at nothing in the document",
                "#/components/schemas/Known/properties/listed/items: generated as an untyped JSON value: its `$ref` `#/components/schemas/Gone` points at nothing in the document",
                "#/paths/~1v1~1chat~1completions/post/parameters/0: left out: its `$ref` `#/components/parameters/Missing` points at nothing in the document",
                "#/paths/~1v1~1chat~1completions/post/requestBody: left out: its `$ref` `#/components/requestBodies/Gone` points at nothing in the document",
                "#/paths/~1v1~1chat~1completions/post/responses/200/content/text~1event-stream/schema: generated as an untyped JSON value: its `$ref` `#/components/schemas/ChatCompletionChunk` points at nothing in the document",
                "#/paths/~1v1~1chat~1completions/post/responses/400: generated as a response without a body: its `$ref` `#/components/responses/NoSuch` points at nothing in the document",
            ]
        );
    }

    #[test]
    fn a_document_without_dangling_refs_is_unchanged() {
        let doc = json!({"components": {"schemas": {
            "A": {"$ref": "#/components/schemas/B"},
            "B": {"type": "object", "properties": {"a~b/c": {"$ref": "#/components/schemas/A"}}}
        }}});
        let (out, diagnostics) = on_doc(run, doc.clone());
        assert_eq!(out, doc);
        assert_eq!(diagnostics, Diagnostics::default());
    }

    #[test]
    fn several_parameters_left_out_of_one_list_are_the_right_ones() {
        let mut parameters: Vec<Value> = (0..12)
            .map(|i| json!({"name": format!("p{i}"), "in": "query", "schema": {}}))
            .collect();
        parameters[2] = json!({"$ref": "#/components/parameters/A"});
        parameters[10] = json!({"$ref": "#/components/parameters/B"});
        let doc = json!({"paths": {"/a": {"get": {"parameters": parameters}}}});
        let (doc, diagnostics) = on_doc(run, doc);
        let names: Vec<&str> = doc["paths"]["/a"]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            ["p0", "p1", "p3", "p4", "p5", "p6", "p7", "p8", "p9", "p11"]
        );
        assert_eq!(diagnostics.degraded.len(), 2);
        assert_eq!(
            diagnostics.degraded[0].pointer,
            "#/paths/~1a/get/parameters/2"
        );
    }
}
