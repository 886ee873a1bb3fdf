//! Short method names from FastAPI's operation ids.
//!
//! FastAPI builds an operation id from the handler name, the path and the
//! method: `create_dataset` on `POST /v1/datasets` becomes
//! `create_dataset_v1_datasets_post`. progenitor names methods after the
//! id, so this pass strips the `_{path}_{method}` suffix again. When two
//! operations would then share a name, both keep their full ids, so no
//! name depends on the order of operations in the document. Operations
//! without an id get one from the method and path.

use super::{visit, Diagnostics};
use crate::Error;
use heck::ToSnakeCase;
use serde_json::Value;
use std::collections::HashMap;

/// The Rust method name an operation gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodName {
    /// The operation's path.
    pub path: String,
    /// Its HTTP method, lower case.
    pub method: String,
    /// Its id in the document, or one made from method and path.
    pub operation_id: String,
    /// The id after this pass: short, unless another operation shares the
    /// short form. progenitor snake-cases it for the method.
    pub name: String,
}

impl MethodName {
    /// The Rust method progenitor generates for this name: snake case, with
    /// `_` before a leading digit and after a keyword (`type` → `type_`).
    pub fn rust_name(&self) -> String {
        rust_method_name(&self.name)
    }
}

/// The Rust method progenitor generates for the operation id `name` (after
/// this pass): snake case, with `_` before a leading digit and after a
/// keyword (`type` → `type_`).
pub fn rust_method_name(name: &str) -> String {
    let snake = name.to_snake_case();
    let snake = match snake.chars().next() {
        Some(c) if c.is_alphabetic() || c == '_' => snake,
        _ => format!("_{snake}"),
    };
    if syn::parse_str::<syn::Ident>(&snake).is_err() {
        format!("{snake}_")
    } else {
        snake
    }
}

/// The names this pass gives every operation of `doc`, in document order.
/// The xtask uses it to report what a spec change does to method names.
pub fn method_names(doc: &Value) -> Vec<MethodName> {
    let mut names: Vec<MethodName> = visit::operations(doc)
        .map(|(path, method, op)| {
            let operation_id = match op.get("operationId").and_then(Value::as_str) {
                Some(id) if !id.trim().is_empty() => id.to_string(),
                _ => format!("{method}{}", sanitize(path)),
            };
            let name = shorten(&operation_id, path, method);
            MethodName {
                path: path.into(),
                method: method.into(),
                operation_id,
                name,
            }
        })
        .collect();
    // progenitor snake-cases names, so `createThing` and `create_thing`
    // are one method: collisions are counted on the snake case.
    let mut counts: HashMap<String, usize> = HashMap::new();
    for n in &names {
        *counts.entry(n.name.to_snake_case()).or_default() += 1;
    }
    for n in &mut names {
        if counts[&n.name.to_snake_case()] > 1 {
            n.name = n.operation_id.clone();
        }
    }
    // Full ids that still meet get a number, in document order.
    let mut seen: HashMap<String, usize> = HashMap::new();
    for n in &mut names {
        let count = seen.entry(n.name.to_snake_case()).or_default();
        *count += 1;
        if *count > 1 {
            n.name = format!("{}_{count}", n.name);
        }
    }
    names
}

/// Rewrites `operationId` of every operation.
pub fn run(doc: &mut Value, diagnostics: &mut Diagnostics) -> Result<(), Error> {
    let names = method_names(doc);
    for n in &names {
        let short = shorten(&n.operation_id, &n.path, &n.method);
        if n.name != short {
            diagnostics.note(format!(
                "{} {}: kept the operation id `{}`, since `{short}` is shared",
                n.method.to_uppercase(),
                n.path,
                n.operation_id
            ));
        }
    }
    let chosen: HashMap<(String, String), String> = names
        .into_iter()
        .map(|n| ((n.path, n.method), n.name))
        .collect();
    visit::for_each_operation(doc, &mut |path, method, op| {
        if let Some(op) = op.as_object_mut() {
            let name = chosen[&(path.to_string(), method.to_string())].clone();
            op.insert("operationId".into(), name.into());
        }
    });
    Ok(())
}

/// FastAPI's `re.sub(r"\W", "_", path)`.
fn sanitize(path: &str) -> String {
    path.chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Strips FastAPI's `{path}_{method}` suffix, when it is there and leaves a name.
fn shorten(id: &str, path: &str, method: &str) -> String {
    let suffix = format!("{}_{method}", sanitize(path));
    match id.strip_suffix(&suffix) {
        Some(stem) if !stem.is_empty() => stem.to_string(),
        _ => id.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ids(mut doc: Value) -> Vec<String> {
        run(&mut doc, &mut Diagnostics::default()).unwrap();
        let mut out = Vec::new();
        visit::for_each_operation(&mut doc, &mut |_, _, op| {
            out.push(op["operationId"].as_str().unwrap().to_string())
        });
        out
    }

    #[test]
    fn fastapi_suffixes_are_stripped() {
        assert_eq!(
            ids(json!({"paths": {
                "/v1/datasets": {"post": {"operationId": "create_dataset_v1_datasets_post"}},
                "/v1/datasets/{dataset_id}": {"get": {"operationId": "get_dataset_v1_datasets__dataset_id__get"}}
            }})),
            ["create_dataset", "get_dataset"]
        );
    }

    #[test]
    fn other_ids_are_kept() {
        assert_eq!(
            ids(json!({"paths": {"/a": {"get": {"operationId": "listThings"}}}})),
            ["listThings"]
        );
    }

    #[test]
    fn colliding_names_keep_their_full_ids() {
        assert_eq!(
            ids(json!({"paths": {
                "/v1/files": {"post": {"operationId": "upload_v1_files_post"}},
                "/v2/files": {"post": {"operationId": "upload_v2_files_post"}},
                "/v1/jobs": {"get": {"operationId": "list_v1_jobs_get"}}
            }})),
            ["upload_v1_files_post", "upload_v2_files_post", "list"]
        );
    }

    #[test]
    fn names_that_meet_in_snake_case_are_kept_apart() {
        assert_eq!(
            ids(json!({"paths": {
                "/a": {"get": {"operationId": "createThing"}},
                "/b": {"get": {"operationId": "create_thing"}},
                "/c": {"get": {"operationId": "create_thing"}}
            }})),
            ["createThing", "create_thing_2", "create_thing_3"]
        );
    }

    #[test]
    fn rust_names_are_what_progenitor_generates() {
        let name = |n: &str| {
            MethodName {
                path: "/".into(),
                method: "get".into(),
                operation_id: n.into(),
                name: n.into(),
            }
            .rust_name()
        };
        assert_eq!(name("createThing"), "create_thing");
        assert_eq!(name("type"), "type_");
        assert_eq!(name("1st_thing"), "_1st_thing");
    }

    #[test]
    fn missing_ids_are_made_from_method_and_path() {
        assert_eq!(
            ids(
                json!({"paths": {"/v1/models/{id}": {"get": {}}, "/x": {"get": {"operationId": " "}}}})
            ),
            ["get_v1_models__id_", "get_x"]
        );
    }
}
