//! Snapshot of the generated public surface, as the codegen reads it from
//! the generated code (`nebius_tokenfactory_codegen::surface`): every type,
//! field and variant with its full Rust type, every operation method,
//! builder setter and call with its signature. A change to the spec or the
//! codegen that renames or retypes anything shows in review as a change to
//! `tests/snapshots/surface.txt`. To accept a change, run the test with
//! `UPDATE_SNAPSHOTS=1` and commit the file.

use nebius_tokenfactory_codegen::surface::{extract, Kind};

const GENERATED: &str = include_str!(concat!(env!("OUT_DIR"), "/generated.rs"));

#[test]
fn generated_public_surface_matches_the_snapshot() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/surface.txt");
    let actual = extract(GENERATED).unwrap().render();
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(path, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(path).unwrap_or_default();
    if expected != actual {
        let diff: Vec<String> = diff_lines(&expected, &actual);
        panic!(
            "the generated surface changed; review, then rerun with UPDATE_SNAPSHOTS=1 and commit \
             tests/snapshots/surface.txt:\n{}",
            diff.join("\n")
        );
    }
}

/// Lines only in one side, marked `-` (snapshot) or `+` (generated).
fn diff_lines(expected: &str, actual: &str) -> Vec<String> {
    let old: Vec<&str> = expected.lines().collect();
    let new: Vec<&str> = actual.lines().collect();
    let mut out: Vec<String> = old
        .iter()
        .filter(|l| !new.contains(l))
        .map(|l| format!("- {l}"))
        .collect();
    out.extend(
        new.iter()
            .filter(|l| !old.contains(l))
            .map(|l| format!("+ {l}")),
    );
    out
}

#[test]
fn the_surface_writes_types_in_full() {
    let surface = extract(GENERATED).unwrap();
    // What the old line-based snapshot cut short at the first `<`.
    let rows = surface
        .get("types::CreateDatasetRequestUpload.rows")
        .unwrap();
    assert_eq!(rows.kind, Kind::Field);
    assert_eq!(
        rows.signature,
        "::std::vec::Vec<::serde_json::Map<::std::string::String, ::serde_json::Value>>"
    );
    let send = surface.get("builder::CreateDataset::send").unwrap();
    assert!(
        send.signature.ends_with(
            "-> ::std::result::Result<types::CreateDatasetResponse, ::nebius_tokenfactory_runtime::Error>"
        ),
        "{}",
        send.signature
    );
}
