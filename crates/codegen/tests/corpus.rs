//! Every spec of the fixture corpus goes through the whole pipeline.
//!
//! Each fixture under `tests/fixtures/*.json` is a FastAPI-style OpenAPI 3.1
//! document that exercises forms the full upstream API has. It lists the
//! operations it expects to be left out in the top-level extension
//! `x-expected-skips` (`"METHOD /path"`). The test fails if generation
//! errors or panics, or if the skips differ; it prints every skip, so none
//! goes unseen. That the generated clients compile is checked by the
//! `corpus-check` crate, which includes them all.

use nebius_tokenfactory_codegen::{generate, Options};
use serde_json::Value;
use std::path::Path;

fn fixtures() -> Vec<(String, Value)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut out: Vec<(String, Value)> = std::fs::read_dir(&dir)
        .expect("fixture dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("readable fixture");
            let spec =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p.file_name().unwrap().to_string_lossy().into_owned(), spec)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn every_fixture_generates_with_exactly_the_expected_skips() {
    let fixtures = fixtures();
    assert!(
        fixtures.len() >= 8,
        "the corpus has only {} fixtures",
        fixtures.len()
    );
    for (name, spec) in fixtures {
        let out = generate(&spec, &Options::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut skipped: Vec<String> = out
            .diagnostics
            .skipped
            .iter()
            .map(|s| format!("{} {}", s.method, s.path))
            .collect();
        for s in &out.diagnostics.skipped {
            println!("{name}: skipped {s}");
        }
        let mut expected: Vec<String> = spec
            .get("x-expected-skips")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default();
        skipped.sort();
        expected.sort();
        assert_eq!(skipped, expected, "{name}: skipped operations");
        assert!(out.file.contains("pub struct Client"), "{name}: no client");
    }
}

#[test]
fn generation_is_deterministic() {
    for (name, spec) in fixtures() {
        let a = generate(&spec, &Options::default()).unwrap();
        let b = generate(&spec, &Options::default()).unwrap();
        assert!(a.file == b.file, "{name}: output differs between runs");
    }
}

#[test]
fn credential_parameters_are_secret_and_headers_send_them_in_plain() {
    let (_, spec) = fixtures()
        .into_iter()
        .find(|(name, _)| name == "credential_parameters.json")
        .expect("the credential_parameters fixture");
    let out = generate(&spec, &Options::default()).unwrap();
    let notes = &out.diagnostics.notes;
    for expected in [
        "the query parameter `api_key` holds a credential: it is generated as `Secret`",
        "the query parameter `access_token` holds a credential: it is generated as `Secret`",
        "the header parameter `x-api-key` holds a credential: it is generated as `Secret`",
        "the cookie parameter `session_token` holds a credential: it is generated as `Secret`",
    ] {
        assert!(
            notes.iter().any(|n| n.starts_with(expected)),
            "{expected}: {notes:#?}"
        );
    }
    let code: String = out.file.split_whitespace().collect();
    assert!(
        code.contains("api_key:Result<::nebius_tokenfactory_runtime::Secret,String>")
            || code.contains("api_key:Result<nebius_tokenfactory_runtime::Secret,String>"),
        "{}",
        out.file
    );
    // A header credential goes through `Secret::header_value`, never its
    // redacted `to_string()`.
    assert!(
        code.contains(r#"header_map.append("x-api-key",x_api_key.header_value()?);"#),
        "{}",
        out.file
    );
}
