//! The Rust verdicts of `cargo xtask diff` come from the generated clients.
//!
//! Each pair below is the seed document and an edited copy of it, for a
//! spec change that typify or progenitor turn into a different Rust type,
//! name or signature; the report must give the expected verdict for the
//! expected surface entry, traced to the expected place in the spec. Some
//! of them the comparison of the documents alone calls compatible.
//!
//! The last test compiles a small program against the client generated
//! from the seed, then against the client from an edited copy, and checks
//! that the program fails to compile exactly where the report says.

mod common;

use common::seed;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use xtask::diff::rust::Verdict;
use xtask::diff::{diff_generated, kind::Severity};

fn seed_doc() -> Value {
    serde_json::from_str(&std::fs::read_to_string(seed()).unwrap()).unwrap()
}

fn edited(edit: impl FnOnce(&mut Value)) -> Value {
    let mut doc = seed_doc();
    edit(&mut doc);
    doc
}

const UPLOAD: &str = "/components/schemas/CreateDatasetRequestUpload";
const RESPONSE: &str = "/components/schemas/CreateDatasetResponse";
const OPERATION: &str = "/paths/~1v1~1datasets/post";

/// The verdict and cause the report gives `key`, and the whole list for
/// the failure message.
fn verdict(new: &Value, key: &str) -> (Option<(Verdict, Option<String>)>, String) {
    let report = diff_generated(&seed_doc(), new).unwrap();
    let found = report
        .rust
        .iter()
        .find(|c| c.key == key)
        .map(|c| (c.verdict, c.cause.clone()));
    let all = report
        .rust
        .iter()
        .map(|c| format!("{} {} {:?}", c.verdict.as_str(), c.key, c.cause))
        .collect::<Vec<_>>()
        .join("\n");
    (found, all)
}

fn assert_verdict(new: Value, key: &str, expected: Verdict, cause: &str) {
    let (found, all) = verdict(&new, key);
    assert_eq!(
        found,
        Some((expected, Some(cause.to_string()))),
        "{key}; the report has:\n{all}"
    );
}

#[test]
fn a_string_that_gains_a_constraint_becomes_a_newtype() {
    // typify makes a newtype of a constrained string: `String` becomes
    // `CreateDatasetRequestUploadName`.
    let new = edited(|d| {
        d.pointer_mut(&format!("{UPLOAD}/properties/name")).unwrap()["maxLength"] = json!(64)
    });
    assert_verdict(
        new,
        "types::CreateDatasetRequestUpload.name",
        Verdict::CompileBreak,
        &format!("{UPLOAD}/properties/name"),
    );
}

#[test]
fn an_integer_format_changes_the_rust_integer() {
    let new = edited(|d| {
        d.pointer_mut(&format!("{RESPONSE}/properties/created_at"))
            .unwrap()["format"] = json!("int32")
    });
    assert_verdict(
        new,
        "types::CreateDatasetResponse.created_at",
        Verdict::CompileBreak,
        &format!("{RESPONSE}/properties/created_at"),
    );
}

#[test]
fn an_optional_request_property_made_required_loses_its_option() {
    // `ai_project_id: Optional[str] = None` becomes `ai_project_id: str`.
    let new = edited(|d| {
        d.pointer_mut(&format!("{UPLOAD}/required"))
            .unwrap()
            .as_array_mut()
            .unwrap()
            .push(json!("ai_project_id"));
        *d.pointer_mut(&format!("{UPLOAD}/properties/ai_project_id"))
            .unwrap() = json!({"type": "string", "title": "Ai Project Id"});
    });
    assert_verdict(
        new,
        "types::CreateDatasetRequestUpload.ai_project_id",
        Verdict::CompileBreak,
        &format!("{UPLOAD}/properties/ai_project_id"),
    );
}

#[test]
fn a_credential_property_becomes_a_secret() {
    let new = edited(|d| {
        d.pointer_mut(&format!("{UPLOAD}/properties/folder"))
            .unwrap()["format"] = json!("password")
    });
    assert_verdict(
        new,
        "types::CreateDatasetRequestUpload.folder",
        Verdict::CompileBreak,
        &format!("{UPLOAD}/properties/folder"),
    );
}

#[test]
fn a_new_enum_value_breaks_exhaustive_matches_only() {
    let new = edited(|d| {
        d.pointer_mut("/components/schemas/DatasetStatus/enum")
            .unwrap()
            .as_array_mut()
            .unwrap()
            .push(json!("ARCHIVED"))
    });
    assert_verdict(
        new,
        "types::DatasetStatus::Archived",
        Verdict::LiteralBreak,
        "/components/schemas/DatasetStatus",
    );
}

#[test]
fn a_renamed_schema_renames_the_type() {
    let text = std::fs::read_to_string(seed())
        .unwrap()
        .replace(
            "#/components/schemas/DatasetStatus\"",
            "#/components/schemas/DatasetState\"",
        )
        .replace("\"DatasetStatus\": {", "\"DatasetState\": {");
    let new: Value = serde_json::from_str(&text).unwrap();
    assert!(new.pointer("/components/schemas/DatasetState").is_some());
    assert_verdict(
        new,
        "types::DatasetStatus",
        Verdict::CompileBreak,
        "/components/schemas/DatasetStatus",
    );
}

#[test]
fn a_new_operation_id_renames_the_method() {
    let new = edited(|d| {
        d.pointer_mut(OPERATION).unwrap()["operationId"] = json!("upload_dataset_v1_datasets_post")
    });
    assert_verdict(
        new.clone(),
        "Client::create_dataset",
        Verdict::CompileBreak,
        OPERATION,
    );
    assert_verdict(
        new,
        "Client::upload_dataset",
        Verdict::Compatible,
        OPERATION,
    );
}

#[test]
fn a_response_that_becomes_a_stream_changes_what_send_returns() {
    let new = edited(|d| {
        let content = d
            .pointer_mut(&format!("{OPERATION}/responses/200/content"))
            .unwrap();
        *content = json!({"application/jsonl": {"itemSchema": {"$ref": "#/components/schemas/CreateDatasetResponse"}}});
    });
    let report = diff_generated(&seed_doc(), &new).unwrap();
    assert!(
        report
            .generator
            .contains(&"coverage: `create_dataset` gains JSON Lines through `send`".to_string()),
        "{:?}",
        report.generator
    );
    assert_verdict(
        new.clone(),
        "builder::CreateDataset::send",
        Verdict::CompileBreak,
        OPERATION,
    );
    assert_verdict(
        new,
        "builder::CreateDataset::send_with_response",
        Verdict::CompileBreak,
        OPERATION,
    );
}

#[test]
fn an_operation_the_generator_leaves_out_is_not_announced_as_a_method() {
    let new = edited(|d| {
        d["paths"]["/v1/files"] = json!({"post": {
            "operationId": "upload_file_v1_files_post",
            "requestBody": {"content": {"multipart/form-data": {"schema": {"type": "string"}}}},
            "responses": {"200": {"description": "ok"}}
        }});
    });
    let report = diff_generated(&seed_doc(), &new).unwrap();
    let added = report
        .changes()
        .find(|c| c.kind.as_str() == "operation_added")
        .unwrap();
    assert!(
        added.explanation.contains("which the generator leaves out")
            && !added.explanation.contains("client."),
        "{}",
        added.explanation
    );
    assert!(report.rust.iter().all(|c| !c.key.contains("upload_file")));
    assert!(
        report
            .generator
            .iter()
            .any(|l| l.starts_with("left out: POST /v1/files")),
        "{:?}",
        report.generator
    );
    // The report says what changed: the other way round the operation is
    // no longer left out, and what both clients share is not repeated.
    let back = diff_generated(&new, &seed_doc()).unwrap();
    assert!(
        back.generator
            .iter()
            .any(|l| l.starts_with("no longer: left out: POST /v1/files")),
        "{:?}",
        back.generator
    );
    assert!(
        report
            .generator
            .iter()
            .all(|l| !l.contains("s3_secret_key")),
        "{:?}",
        report.generator
    );
}

#[test]
fn a_new_property_compatible_on_the_wire_breaks_struct_literals() {
    let new = edited(|d| {
        d.pointer_mut(&format!("{RESPONSE}/properties"))
            .unwrap()
            .as_object_mut()
            .unwrap()
            .insert("row_count".into(), json!({"type": "integer"}));
    });
    let report = diff_generated(&seed_doc(), &new).unwrap();
    let wire = report.changes().next().unwrap();
    assert_eq!(
        (wire.kind.as_str(), wire.severity),
        ("response_property_added", Severity::Compatible)
    );
    assert_verdict(
        new,
        "types::CreateDatasetResponse.row_count",
        Verdict::LiteralBreak,
        &format!("{RESPONSE}/properties/row_count"),
    );
}

/// A crate around a generated client, with the same dependencies as the
/// client crate, and `main.rs` as the user's program.
fn user_crate(dir: &Path, client: &str, program: &str) {
    let runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/runtime");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            r#"[package]
name = "user-program"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
nebius-tokenfactory-runtime = {{ path = "{}" }}
progenitor-client = "0.15.1"
reqwest = {{ version = "0.13.5", default-features = false, features = ["json", "query", "stream", "multipart"] }}
serde = {{ version = "1", features = ["derive"] }}
serde_json = "1"
chrono = {{ version = "0.4", default-features = false, features = ["serde", "std"] }}
regress = "0.12"
uuid = {{ version = "1", default-features = false, features = ["serde", "std"] }}

[workspace]
"#,
            runtime.display()
        ),
    )
    .unwrap();
    // The workspace's lock file: the same versions, nothing to resolve.
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock"),
        dir.join("Cargo.lock"),
    )
    .unwrap();
    std::fs::write(dir.join("src/generated.rs"), client).unwrap();
    std::fs::write(
        dir.join("src/main.rs"),
        format!("include!(\"generated.rs\");\n{program}"),
    )
    .unwrap();
}

/// `cargo check` of the user crate in `dir`: whether it compiled, and the
/// compiler's messages.
fn check(dir: &Path, target: &Path) -> (bool, String) {
    let output = Command::new(env!("CARGO"))
        .args(["check", "--quiet", "--message-format=short"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_program_that_compiled_against_the_old_client_fails_where_the_report_says() {
    use nebius_tokenfactory_codegen::{generate, Options};
    // The user sets the dataset name from a `String`.
    let program = r#"
fn rename(request: &mut generated::types::CreateDatasetRequestUpload, name: String) {
    request.name = name;
}
fn main() {
    let _ = rename;
}
"#;
    let new = edited(|d| {
        d.pointer_mut(&format!("{UPLOAD}/properties/name")).unwrap()["pattern"] =
            json!("^[a-z][a-z0-9_-]*$")
    });
    let work = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("user-program");
    let target = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("user-program-target");
    // The mock helpers behind a feature the user crate does not have.
    let options = Options {
        mock_feature: Some("mock".into()),
        ..Options::default()
    };

    let old_client = generate(&seed_doc(), &options).unwrap().file;
    user_crate(&work, &old_client, program);
    let (compiled, messages) = check(&work, &target);
    assert!(
        compiled,
        "the program compiles against the old client:\n{messages}"
    );

    let new_client = generate(&new, &options).unwrap().file;
    user_crate(&work, &new_client, program);
    let (compiled, messages) = check(&work, &target);
    assert!(
        !compiled,
        "the program no longer compiles against the new client"
    );
    assert!(messages.contains("mismatched types"), "{messages}");

    let (found, all) = verdict(&new, "types::CreateDatasetRequestUpload.name");
    assert_eq!(
        found.map(|(v, _)| v),
        Some(Verdict::CompileBreak),
        "the report calls it a compile break; it has:\n{all}"
    );
}

/// Every edited copy of the seed in tests/fixtures goes through the
/// generator: the Rust changes of each pair, with their verdicts and
/// causes, are compared with tests/snapshots/rust_verdicts.md, so that a
/// change in what the generator makes of a spec change is seen and
/// reviewed. Every Rust change must be traced to the spec.
#[test]
fn every_seed_fixture_pair_gets_its_rust_verdicts_from_the_generated_clients() {
    let dir = seed().parent().unwrap().parent().unwrap().to_path_buf();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        // params_new.json pairs with params_old.yaml, not with the seed.
        .filter(|n| n.ends_with(".json") && n != "params_new.json")
        .collect();
    names.sort();
    assert!(names.len() >= 30, "fixtures missing: {names:?}");
    let mut snapshot = String::from(
        "# Rust verdicts of the seed's fixture pairs\n\n\
         `cargo test -p xtask --test rust_surface`: each edited copy of the seed in\n\
         `xtask/tests/fixtures/` against the seed, both generated. Accept a reviewed\n\
         change with `UPDATE_SNAPSHOTS=1`.\n",
    );
    let mut untraced = Vec::new();
    for name in &names {
        let new: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join(name)).unwrap()).unwrap();
        let report = diff_generated(&seed_doc(), &new)
            .unwrap_or_else(|e| panic!("{name}: the clients were not generated: {e}"));
        snapshot.push_str(&format!("\n## {name}\n\n"));
        if report.rust.is_empty() {
            snapshot.push_str("- no change to the Rust API\n");
        }
        for change in &report.rust {
            let cause = change.cause.as_deref().unwrap_or("(not traced)");
            snapshot.push_str(&format!(
                "- {} `{}` from `{cause}`\n",
                change.verdict.as_str(),
                change.key
            ));
            if change.cause.is_none() {
                untraced.push(format!("{name}: {}", change.key));
            }
        }
        for line in &report.generator {
            snapshot.push_str(&format!("- generator: {line}\n"));
        }
    }
    assert!(
        untraced.is_empty(),
        "Rust changes not traced to the spec: {untraced:#?}"
    );
    compare_with_snapshot("rust_verdicts.md", &snapshot);
}

/// Compares `text` with tests/snapshots/`name`, or writes it there when
/// `UPDATE_SNAPSHOTS` is set.
fn compare_with_snapshot(name: &str, text: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if let Some((line, (old, new))) = expected
        .lines()
        .zip(text.lines())
        .enumerate()
        .find(|(_, (old, new))| old != new)
    {
        panic!(
            "{} differs from line {}:\n  expected: {old:?}\n  now:      {new:?}\n\
             accept a reviewed change with UPDATE_SNAPSHOTS=1",
            path.display(),
            line + 1
        );
    }
    assert_eq!(
        expected.lines().count(),
        text.lines().count(),
        "{} has a different length; accept a reviewed change with UPDATE_SNAPSHOTS=1",
        path.display()
    );
}
