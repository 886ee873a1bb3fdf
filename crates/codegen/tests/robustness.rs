//! No document makes generation panic: what cannot be generated is an
//! error, or an operation left out with its reason.

use nebius_tokenfactory_codegen::{generate, Options};
use proptest::prelude::*;
use serde_json::{json, Value};

fn seed() -> Value {
    serde_json::from_str(include_str!("../../../openapi.json")).unwrap()
}

fn ok_operation(id: &str) -> Value {
    json!({"operationId": id, "responses": {"200": {"description": "ok",
        "content": {"application/json": {"schema": {"type": "string"}}}}}})
}

fn spec(paths: Value) -> Value {
    json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": paths})
}

#[test]
fn a_dangling_ref_generates_as_an_untyped_value_and_is_named() {
    let mut op = ok_operation("create_chat_completion");
    op["responses"]["200"]["content"]["application/json"]["schema"] =
        json!({"$ref": "#/components/schemas/ChatCompletionChunk"});
    let out = generate(
        &spec(json!({"/v1/chat/completions": {"post": op}})),
        &Options::default(),
    )
    .expect("a dangling $ref is no reason to refuse the document");
    let named: Vec<String> = out
        .diagnostics
        .degraded
        .iter()
        .map(ToString::to_string)
        .filter(|d| d.contains("#/components/schemas/ChatCompletionChunk"))
        .collect();
    assert_eq!(named.len(), 1, "{:?}", out.diagnostics.degraded);
    assert!(
        named[0].starts_with("#/paths/~1v1~1chat~1completions/post/responses/200/"),
        "{named:?}"
    );
    // No use of a type that is never defined is left in the code.
    assert!(!out.file.contains("ChatCompletionChunk"), "{}", out.file);
    syn::parse_file(&out.file).expect("the generated code parses");
}

#[test]
fn an_operation_progenitor_refuses_is_left_out_with_its_error() {
    // A path template progenitor cannot parse: an unclosed `{`.
    let out = generate(
        &spec(json!({"/a/{id": {"get": ok_operation("broken_path")}, "/b": {"get": ok_operation("fine")}})),
        &Options::default(),
    )
    .unwrap();
    assert_eq!(out.diagnostics.skipped.len(), 1);
    let skipped = out.diagnostics.skipped[0].to_string();
    assert!(
        skipped.starts_with("GET /a/{id (broken_path): progenitor cannot generate it: "),
        "{skipped}"
    );
    assert!(
        out.file.contains("pub fn fine("),
        "the other operation must remain"
    );
}

#[test]
fn an_operation_progenitor_panics_on_is_left_out_with_the_panic_message() {
    let mut encoded = ok_operation("encoded_form");
    encoded["requestBody"] = json!({"content": {"application/x-www-form-urlencoded": {
        "schema": {"type": "object", "properties": {"a": {"type": "string"}}},
        "encoding": {"a": {"contentType": "text/plain"}}
    }}});
    let out = generate(
        &spec(json!({"/a": {"post": encoded}, "/b": {"get": ok_operation("fine")}})),
        &Options::default(),
    )
    .unwrap();
    let skipped = out.diagnostics.skipped[0].to_string();
    assert!(
        skipped.contains("encoded_form") && skipped.contains("panicked: "),
        "{skipped}"
    );
    assert!(out.file.contains("pub fn fine("));
}

#[test]
fn documents_that_cannot_generate_are_errors() {
    for (doc, expected) in [
        (
            json!([1, 2]),
            "not a usable OpenAPI document: the document is not a JSON object",
        ),
        (
            json!({"swagger": "2.0"}),
            "not a usable OpenAPI document: the document has no `openapi` version field",
        ),
        (
            json!({"openapi": "3.1.0"}),
            "the normalised document is not valid OpenAPI 3.0",
        ),
    ] {
        let err = generate(&doc, &Options::default()).unwrap_err();
        assert!(err.to_string().starts_with(expected), "{err}");
    }
    // A schema that cannot be generated (here: a `$ref` to nothing, which
    // the `dangling_refs` pass names) costs that schema its type, not the
    // document its client.
    let mut broken = seed();
    broken["components"]["schemas"]["DatasetStatus"] =
        json!({"$ref": "#/components/schemas/Nowhere", "description": "Where a dataset is."});
    let out = generate(&broken, &Options::default()).unwrap();
    let degraded: Vec<String> = out
        .diagnostics
        .degraded
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(degraded.len(), 1, "{degraded:?}");
    assert!(
        degraded[0].starts_with(
            "#/components/schemas/DatasetStatus: generated as an untyped JSON value: its `$ref` `#/components/schemas/Nowhere` points at nothing in the document"
        ),
        "{degraded:?}"
    );
    assert!(
        out.file
            .contains("pub struct DatasetStatus(pub ::serde_json::Value)"),
        "untyped"
    );
    assert!(out.diagnostics.skipped.is_empty());
}

/// A JSON pointer to every value in `doc`.
fn pointers(doc: &Value, here: String, out: &mut Vec<String>) {
    out.push(here.clone());
    match doc {
        Value::Object(map) => {
            for (k, v) in map {
                pointers(
                    v,
                    format!("{here}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                pointers(v, format!("{here}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn replacement() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        Just(json!(true)),
        Just(json!(0)),
        Just(json!("null")),
        Just(json!([])),
        Just(json!({})),
        Just(json!({"type": "null"})),
        Just(json!({"$ref": "#/components/schemas/Missing"})),
        Just(json!({"anyOf": [{"type": "null"}]})),
        Just(json!(["string", "null"])),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// The seed spec with values swapped for odd ones at random places
    /// never panics, whatever it gives.
    #[test]
    fn mutated_specs_never_panic(edits in proptest::collection::vec((any::<proptest::sample::Index>(), replacement()), 1..4)) {
        let mut doc = seed();
        for (index, value) in edits {
            let mut all = Vec::new();
            pointers(&doc, String::new(), &mut all);
            let pointer = index.get(&all).clone();
            match doc.pointer_mut(&pointer) {
                Some(slot) if !pointer.is_empty() => *slot = value,
                _ => {}
            }
        }
        let _ = generate(&doc, &Options::default());
    }
}
