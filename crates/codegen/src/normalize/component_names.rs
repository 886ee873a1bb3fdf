//! Component names that meet once made Rust type names are kept apart, and
//! names that read as module paths are cut.
//!
//! FastAPI names a schema that two modules define alike after its module
//! path: `app__models__chat_completion__ResponseFormat`, which typify makes
//! `AppModelsChatCompletionResponseFormat`. Such a name is cut to its last
//! segment, and where that meets another schema's name, to as few segments
//! from the end as tell them apart (`ChatCompletionResponseFormat` and
//! `ModelsResponseFormat`), a segment that only repeats the start
//! of the name left out. A schema named `Error` becomes `ApiError`, so that
//! it does not stand beside the SDK's own `Error`.
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
    let cuts = cut_names(doc, diagnostics);
    apply(doc, &cuts);
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
    apply(doc, &renames);
    Ok(())
}

/// Renames components by `renames` (old key → new key), and every
/// reference to them.
fn apply(doc: &mut Value, renames: &HashMap<String, String>) {
    if renames.is_empty() {
        return;
    }
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let renamed: Map<String, Value> = std::mem::take(schemas)
        .into_iter()
        .map(|(k, v)| (renames.get(&k).cloned().unwrap_or(k), v))
        .collect();
    *schemas = renamed;
    rewrite_refs(doc, renames);
}

/// The separator of a module path in a FastAPI schema name.
const MODULE_SEPARATOR: &str = "__";

/// New keys for the components named after a module path, and for one
/// named `Error`.
fn cut_names(doc: &Value, diagnostics: &mut Diagnostics) -> HashMap<String, String> {
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return HashMap::new();
    };
    let paths: Vec<(&String, Vec<&str>)> = schemas
        .keys()
        .filter(|k| k.contains(MODULE_SEPARATOR))
        .map(|k| {
            let segments = k
                .split(MODULE_SEPARATOR)
                .filter(|s| !s.is_empty())
                .collect();
            (k, segments)
        })
        .filter(|(_, segments): &(&String, Vec<&str>)| segments.len() > 1)
        .collect();
    // The Rust names of the other components stay as they are.
    let fixed: HashSet<String> = schemas
        .keys()
        .filter(|k| !k.contains(MODULE_SEPARATOR) && k.as_str() != "Error")
        .map(|k| type_name(k))
        .collect();
    let mut used = vec![1usize; paths.len()];
    let mut names: Vec<String>;
    loop {
        names = paths
            .iter()
            .zip(&used)
            .map(|((_, segments), n)| cut(segments, *n))
            .collect();
        let mut count: HashMap<&str, usize> = HashMap::new();
        for name in &names {
            *count.entry(name).or_default() += 1;
        }
        let mut changed = false;
        for (i, name) in names.iter().enumerate() {
            let clash = count[name.as_str()] > 1 || fixed.contains(name);
            if clash && cut(&paths[i].1, used[i] + 1) != *name {
                used[i] += 1;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let mut renames = HashMap::new();
    for ((key, _), name) in paths.iter().zip(names) {
        diagnostics.notes.push(format!(
            "the schema `{key}` is generated as `{name}`: its name is a module path"
        ));
        renames.insert((*key).clone(), name);
    }
    if schemas.contains_key("Error") && !fixed.contains("ApiError") {
        diagnostics.notes.push(
            "the schema `Error` is generated as `ApiError`, apart from the SDK's own `Error`"
                .into(),
        );
        renames.insert("Error".into(), "ApiError".into());
    }
    renames
}

/// The Rust name of the last `n` segments of a module path that add to the
/// name: `["app", "fine_tuning", "FineTuningJob"]` cut to 2 is `AppFineTuningJob`.
fn cut(segments: &[&str], n: usize) -> String {
    let (last, rest) = segments.split_last().expect("a module path has segments");
    let mut name = type_name(last);
    let mut taken = 1;
    for segment in rest.iter().rev() {
        if taken >= n {
            break;
        }
        let part = type_name(segment);
        if name.starts_with(&part) {
            continue;
        }
        name = format!("{part}{name}");
        taken += 1;
    }
    name
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
    fn module_paths_are_cut_to_what_tells_them_apart() {
        let doc = json!({"components": {"schemas": {
            "app__models__chat_completion__ResponseFormat": {"type": "object"},
            "app__repository__models__ResponseFormat": {"type": "object"},
            "openai__types__fine_tuning__jobs__fine_tuning_job_checkpoint__FineTuningJobCheckpoint": {},
            "app__models__fine_tuning__FineTuningJobCheckpoint": {},
            "openai__types__responses__web_search_tool__UserLocation": {},
            "Error": {"$ref": "#/components/schemas/app__repository__models__ResponseFormat"},
            "Model": {},
            "app__models__models__Model": {}
        }}});
        let (doc, diagnostics) = on_doc(run, doc);
        let mut keys: Vec<&String> = doc["components"]["schemas"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                "ApiError",
                "ChatCompletionResponseFormat",
                "JobsFineTuningJobCheckpoint",
                "Model",
                "ModelsFineTuningJobCheckpoint",
                "ModelsModel",
                "ModelsResponseFormat",
                "UserLocation"
            ]
        );
        assert_eq!(
            doc["components"]["schemas"]["ApiError"]["$ref"],
            "#/components/schemas/ModelsResponseFormat"
        );
        assert_eq!(diagnostics.notes.len(), 7, "{:?}", diagnostics.notes);
    }

    #[test]
    fn distinct_names_are_untouched() {
        let doc = json!({"components": {"schemas": {"A": {}, "B": {}}}});
        let (out, diagnostics) = on_doc(run, doc.clone());
        assert_eq!(out, doc);
        assert!(diagnostics.notes.is_empty());
    }
}
