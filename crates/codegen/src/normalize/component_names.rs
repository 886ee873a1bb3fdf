//! Component names that meet once made Rust type names are kept apart.
//!
//! typify names each component schema's type after its key, in Pascal case:
//! `Foo_Bar`, `foo-bar` and `FooBar` are three schemas but one Rust name,
//! and the generated crate would define that type twice. Runs after every
//! pass that adds components. The first schema of a name, in document
//! order, keeps it; each later one is renamed to the name plus a number,
//! every `$ref` to it follows, and the rename is reported.

use super::Diagnostics;
use crate::names::type_name;
use crate::Error;
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};

const PREFIX: &str = "#/components/schemas/";

/// Renames components whose Rust names collide, and every reference to them.
pub fn run(doc: &mut Value, diagnostics: &mut Diagnostics) -> Result<(), Error> {
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return Ok(());
    };
    let mut taken: HashSet<String> = HashSet::new();
    let mut renames: HashMap<String, String> = HashMap::new();
    for key in schemas.keys() {
        let rust = type_name(key);
        if taken.insert(rust.clone()) {
            continue;
        }
        let new = (2..)
            .map(|n| format!("{rust}{n}"))
            .find(|candidate| !schemas.contains_key(candidate) && !taken.contains(candidate))
            .expect("some number is free");
        taken.insert(new.clone());
        diagnostics.notes.push(format!(
            "the schema `{key}` is generated as `{new}`: its own name is `{rust}` in Rust, which an earlier schema has"
        ));
        renames.insert(key.clone(), new);
    }
    if renames.is_empty() {
        return Ok(());
    }
    let schemas = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .expect("found above");
    let renamed: Map<String, Value> = std::mem::take(schemas)
        .into_iter()
        .map(|(k, v)| (renames.get(&k).cloned().unwrap_or(k), v))
        .collect();
    *schemas = renamed;
    rewrite_refs(doc, &renames);
    Ok(())
}

fn rewrite_refs(value: &mut Value, renames: &HashMap<String, String>) {
    match value {
        Value::Object(obj) => {
            if let Some(Value::String(r)) = obj.get_mut("$ref") {
                if let Some(new) = r.strip_prefix(PREFIX).and_then(|k| renames.get(k)) {
                    *r = format!("{PREFIX}{new}");
                }
            }
            obj.values_mut().for_each(|v| rewrite_refs(v, renames));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_refs(v, renames)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::testing::on_doc;
    use serde_json::json;

    #[test]
    fn later_schemas_of_a_rust_name_are_renamed_with_their_references() {
        let doc = json!({
            "paths": {"/a": {"get": {"responses": {"200": {"content": {"application/json":
                {"schema": {"$ref": "#/components/schemas/foo_bar"}}}}}}}},
            "components": {"schemas": {
                "FooBar": {"type": "string"},
                "foo_bar": {"type": "integer"},
                "Foo-Bar": {"items": {"$ref": "#/components/schemas/foo_bar"}}
            }}
        });
        let (doc, diagnostics) = on_doc(run, doc);
        let keys: Vec<&String> = doc["components"]["schemas"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(keys, ["FooBar", "FooBar2", "FooBar3"]);
        assert_eq!(
            doc["components"]["schemas"]["FooBar3"]["items"]["$ref"],
            "#/components/schemas/FooBar2"
        );
        assert_eq!(
            doc["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
                ["$ref"],
            "#/components/schemas/FooBar2"
        );
        assert_eq!(diagnostics.notes.len(), 2);
    }

    #[test]
    fn distinct_names_are_untouched() {
        let doc = json!({"components": {"schemas": {"A": {}, "B": {}}}});
        let (out, diagnostics) = on_doc(run, doc.clone());
        assert_eq!(out, doc);
        assert!(diagnostics.notes.is_empty());
    }
}
