//! Every real FastAPI document in `../shared/fixtures/real-fastapi/`
//! generates a client.
//!
//! The 22 documents come from public projects (`SOURCES.md` there lists
//! them; they are other people's text, so they are read from beside the
//! repository, never copied into it, and the test is skipped by name where
//! they are absent): LLM servers, RAG and agent platforms, and general apps, with 7 to
//! 678 operations. The upstream API is FastAPI output too, so what breaks
//! on them would break a regen. For each document this test prints, and
//! compares with `tests/snapshots/real-fastapi.md`, the operations
//! generated, each operation left out with its reason, each schema
//! degraded and each webhook named. Accept a reviewed change with
//! `UPDATE_SNAPSHOTS=1 cargo test -p nebius-tokenfactory-codegen --test real_fastapi`.
//!
//! That the generated clients compile is checked by `scripts/real-fastapi`,
//! which regenerates a copy of the workspace from each document and builds
//! it (CI builds a selection; the README gives the command for all).

use nebius_tokenfactory_codegen::normalize::visit;
use nebius_tokenfactory_codegen::{generate, Options};
use serde_json::Value;
use std::fmt::Write;
use std::path::Path;

/// The share of operations a client must have.
const TARGET: f64 = 0.95;

/// The documents, or `None` where `../shared` is absent.
fn documents() -> Option<Vec<(String, Value)>> {
    let dir = Path::new(env!("NEBIUS_SHARED_FIXTURES")).join("real-fastapi");
    if !dir.is_dir() {
        println!(
            "SKIPPED every_real_fastapi_document_generates: {} is absent (the documents live beside the repository, in ../shared)",
            dir.display()
        );
        return None;
    }
    let mut out: Vec<(String, Value)> = std::fs::read_dir(&dir)
        .expect("the real-fastapi folder")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("a readable document");
            let doc =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p.file_name().unwrap().to_string_lossy().into_owned(), doc)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Some(out)
}

/// How many generated calls of each kind the file holds, read from its
/// endpoint table and its builders: event streams, JSON Lines, downloads
/// and multipart forms.
fn coverage(file: &str) -> String {
    let count = |needle: &str| file.matches(needle).count();
    format!(
        "{} event streams, {} JSON Lines, {} downloads, {} multipart",
        count("ResponseKind::EventStream,"),
        count("ResponseKind::JsonLines,"),
        count("ResponseKind::Bytes,"),
        count("multipart::form(")
    )
}

#[test]
fn every_real_fastapi_document_generates_and_what_is_left_out_is_named() {
    let Some(documents) = documents() else {
        return;
    };
    assert_eq!(
        documents.len(),
        22,
        "the folder should hold all 22 documents"
    );
    let mut report = String::from(
        "# What the codegen leaves out of, or degrades in, each real FastAPI document\n\n\
         Written by `crates/codegen/tests/real_fastapi.rs`; do not edit.\n",
    );
    let mut short = Vec::new();
    let (mut all_ops, mut all_generated) = (0, 0);
    for (name, doc) in &documents {
        let out = generate(doc, &Options::default())
            .unwrap_or_else(|e| panic!("{name} does not generate: {e}"));
        let ops: Vec<&Value> = visit::operations(doc).map(|(_, _, op)| op).collect();
        let skipped = &out.diagnostics.skipped;
        let generated = ops.len() - skipped.len();
        let share = if ops.is_empty() {
            1.0
        } else {
            generated as f64 / ops.len() as f64
        };
        if share < TARGET {
            short.push(format!("{name}: {generated} of {}", ops.len()));
        }
        all_ops += ops.len();
        all_generated += generated;
        writeln!(
            report,
            "\n## {name}\n\n{} operations: {generated} generated, {} left out. Beyond JSON: {}. \
             {} schemas or parameters degraded. {} webhooks.\n",
            ops.len(),
            skipped.len(),
            coverage(&out.file),
            out.diagnostics.degraded.len(),
            out.diagnostics.webhooks.len()
        )
        .unwrap();
        for s in skipped {
            writeln!(report, "- left out: {s}").unwrap();
        }
        for d in &out.diagnostics.degraded {
            writeln!(report, "- degraded: {d}").unwrap();
        }
        for w in &out.diagnostics.webhooks {
            writeln!(report, "- webhook: {w}").unwrap();
        }
        println!(
            "{name}: {generated} of {} operations generated, {} left out, {} degraded",
            ops.len(),
            skipped.len(),
            out.diagnostics.degraded.len()
        );
        for s in skipped {
            println!("  left out: {s}");
        }
    }
    writeln!(
        report,
        "\n## In all\n\n{all_generated} of {all_ops} operations generated."
    )
    .unwrap();
    println!("in all: {all_generated} of {all_ops} operations generated");
    assert!(
        short.is_empty(),
        "fewer than {:.0}% of the operations generated: {short:?}",
        TARGET * 100.0
    );
    compare_with_snapshot(&report);
}

fn compare_with_snapshot(report: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/real-fastapi.md");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, report).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if expected != report {
        let first = expected
            .lines()
            .zip(report.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(expected.lines().count().min(report.lines().count()));
        panic!(
            "the report differs from {} from line {}:\n  expected: {:?}\n  now:      {:?}\n\
             accept a reviewed change with UPDATE_SNAPSHOTS=1",
            path.display(),
            first + 1,
            expected.lines().nth(first).unwrap_or("<end>"),
            report.lines().nth(first).unwrap_or("<end>")
        );
    }
}
