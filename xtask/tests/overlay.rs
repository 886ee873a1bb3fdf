//! `cargo xtask regen` with an overlay beside the vendored document: the
//! overlay applies to both documents before they are generated and
//! compared, the report says which actions touch the operations the regen
//! adds or changes and which match nothing, and openapi.json is written as
//! upstream served it, never with the overlay in it.

mod common;

use common::{bytes, fixture, temp_repo};
use serde_json::json;
use std::path::Path;
use std::time::Duration;
use xtask::regen::{run, Options};
use xtask::spec::{self, Source};

/// An overlay that renames the new operation, and one action for a path
/// no document has.
fn write_overlay(root: &Path) {
    let overlay = json!({
        "overlay": "1.0.0",
        "info": {"title": "test fixes", "version": "1"},
        "actions": [
            {"target": "$.paths['/v1/datasets/{dataset_id}'].get", "description": "a name a user looks for",
             "update": {"operationId": "fetch_dataset"}},
            {"target": "$.paths['/v1/gone'].get", "description": "a fix upstream made",
             "update": {"summary": "x"}}
        ]
    });
    std::fs::write(
        root.join("openapi.overlay.json"),
        serde_json::to_vec_pretty(&overlay).unwrap(),
    )
    .unwrap();
}

#[test]
fn regen_applies_the_overlay_names_its_findings_and_writes_upstream_verbatim() {
    let repo = temp_repo();
    write_overlay(repo.path());
    let new = fixture("operation_added.json");
    let report = repo.path().join("report.md");
    let options = Options {
        from: Source::Path(new.clone()),
        allow_breaking: true,
        report: Some(report.clone()),
        timeout: Duration::from_secs(5),
        ..Options::new(repo.path())
    };
    let mut out = Vec::new();
    run(&options, &mut out).unwrap();
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains(
            "overlay action 1 (a name a user looks for) touches GET /v1/datasets/{dataset_id} (added)"
        ),
        "{out}"
    );
    assert!(
        out.contains("overlay action 2 (a fix upstream made) matches nothing in the new document"),
        "{out}"
    );
    // The report is of the client users get: the overlay's name.
    assert!(out.contains("fetch_dataset"), "{out}");
    let markdown = std::fs::read_to_string(&report).unwrap();
    assert!(markdown.contains("## The overlay"), "{markdown}");
    // What is vendored is what upstream served: no overlay in it.
    let written: serde_json::Value =
        serde_json::from_slice(&bytes(repo.path(), "openapi.json")).unwrap();
    let served = spec::load(&Source::Path(new), Duration::from_secs(1)).unwrap();
    assert_eq!(written, served);
}

#[test]
fn an_overlay_that_cannot_apply_stops_regen_before_anything_is_written() {
    let repo = temp_repo();
    std::fs::write(
        repo.path().join("openapi.overlay.json"),
        r#"{"overlay": "1.0.0", "info": {"title": "t"}, "actions": [{"target": "$.info.title", "update": {"x": 1}}]}"#,
    )
    .unwrap();
    let before = bytes(repo.path(), "openapi.json");
    let options = Options {
        from: Source::Path(fixture("operation_added.json")),
        allow_breaking: true,
        timeout: Duration::from_secs(5),
        ..Options::new(repo.path())
    };
    let error = run(&options, &mut Vec::new()).unwrap_err().to_string();
    assert!(
        error.contains("the overlay cannot be applied: action 1 (`$.info.title`)"),
        "{error}"
    );
    assert_eq!(bytes(repo.path(), "openapi.json"), before);
}
