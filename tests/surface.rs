//! Snapshot of the generated public surface: every `pub` item, field and
//! variant, in generation order. A change to the spec or the codegen that
//! renames or retypes anything shows in review as a change to
//! `tests/snapshots/surface.txt`. To accept a change, run the test with
//! `UPDATE_SNAPSHOTS=1` and commit the file.

const GENERATED: &str = include_str!(concat!(env!("OUT_DIR"), "/client.rs"));

/// The declaration lines of the generated code: `pub` items and fields,
/// and enum variants, without bodies and doc comments.
fn surface(code: &str) -> String {
    let mut out = String::new();
    let mut in_enum = false;
    for line in code.lines() {
        let trimmed = line.trim();
        let indent = line.len() - line.trim_start().len();
        if trimmed.starts_with("pub ") {
            in_enum = trimmed.starts_with("pub enum ");
            let decl = trimmed
                .split(['{', '='])
                .next()
                .unwrap_or(trimmed)
                .trim_end();
            out.push_str(&format!("{}{decl}\n", " ".repeat(indent)));
        } else if in_enum && trimmed == "}" {
            in_enum = false;
        } else if in_enum
            && !trimmed.starts_with("//")
            && !trimmed.starts_with('#')
            && !trimmed.is_empty()
        {
            out.push_str(&format!(
                "{}{}\n",
                " ".repeat(indent),
                trimmed.trim_end_matches(',')
            ));
        }
    }
    out
}

#[test]
fn generated_public_surface_matches_the_snapshot() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/surface.txt");
    let actual = surface(GENERATED);
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
fn surface_sees_renames() {
    let before = surface(
        "pub struct A {\n    pub x: i64,\n}\npub enum E {\n    One,\n    Two(String),\n}\n",
    );
    assert_eq!(
        before,
        "pub struct A\n    pub x: i64,\npub enum E\n    One\n    Two(String)\n"
    );
    let after = surface("pub struct B {\n    pub x: i64,\n}\n");
    assert_ne!(before, after);
}
