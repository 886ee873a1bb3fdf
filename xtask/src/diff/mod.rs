//! The change report between two OpenAPI documents, for users of this
//! generated Rust client.
//!
//! [`diff`] compares operations ([`operations`]), security, and component
//! schemas ([`components`]); [`schema`] compares two schemas structurally,
//! and [`kind`] says what each finding means for the client on the wire.
//! [`diff_generated`] also generates both clients and compares their Rust
//! surfaces ([`rust`]): the verdicts about users' code come from the
//! generator, not from rules restated here, and so do the method names and
//! what the generator leaves out. The report ([`report`]) prints as text,
//! markdown or JSON.
//!
//! ```
//! use serde_json::json;
//! let old = json!({"openapi": "3.1.0", "info": {"version": "1"}, "paths": {}});
//! let new = json!({"openapi": "3.1.0", "info": {"version": "2"}, "paths": {
//!     "/v1/models": {"get": {"operationId": "list_models_v1_models_get", "responses": {}}}
//! }});
//! let report = xtask::diff::diff(&old, &new);
//! let change = report.changes().next().unwrap();
//! assert_eq!(change.kind.as_str(), "operation_added");
//! assert!(change.explanation.contains("client.list_models()"));
//! ```

pub mod components;
pub mod headlines;
pub mod kind;
mod markdown;
pub mod operations;
pub mod report;
pub mod rust;
pub mod schema;

use crate::error::{Error, Result};
use crate::spec::{self, Source};
use kind::Severity;
use report::{Format, Report};
use schema::Docs;
use serde_json::Value;

/// The report of what changed from `old` to `new`.
pub fn diff(old: &Value, new: &Value) -> Report {
    let renames = components::renames(old, new);
    let docs = Docs {
        old,
        new,
        renames: &renames,
    };
    let version = |doc: &Value| {
        doc.pointer("/info/version")
            .and_then(Value::as_str)
            .unwrap_or("unknown")
            .to_string()
    };
    let mut groups = operations::compare(docs);
    groups.extend(operations::security(docs));
    groups.extend(components::compare(docs));
    Report {
        old_version: version(old),
        new_version: version(new),
        groups,
        headlines: headlines::Headlines::of(old, new, &renames),
        ..Report::default()
    }
}

/// The report of [`diff`], with the changes to the generated Rust API:
/// both documents are generated, and their clients' surfaces compared.
/// New operations are announced by the method the new client has, or as
/// left out, with the generator's reason.
pub fn diff_generated(old: &Value, new: &Value) -> Result<Report> {
    use nebius_tokenfactory_codegen::{generate_with_surface, Options};
    let client = |doc: &Value, which: &'static str| {
        generate_with_surface(doc, &Options::default()).map_err(|e| Error::Compare {
            which,
            reason: e.to_string(),
        })
    };
    // The two generations are independent: one per core.
    let (old_result, new_result) = std::thread::scope(|scope| {
        let old = scope.spawn(|| client(old, "old"));
        let new = client(new, "new");
        (old.join(), new)
    });
    let (old_client, old_surface) = old_result.map_err(|_| Error::Compare {
        which: "old",
        reason: "the code generator panicked".into(),
    })??;
    let (new_client, new_surface) = new_result?;
    let mut report = diff(old, new);
    report.rust = rust::compare(
        &old_surface,
        &new_surface,
        &old_client.document,
        &new_client.document,
    );
    operations::name_new_methods(
        &mut report,
        &new_surface,
        &new_client.document,
        &new_client.diagnostics.skipped,
    );
    let (old_said, new_said) = (
        diagnostics(&old_client.diagnostics),
        diagnostics(&new_client.diagnostics),
    );
    report.generator = coverage_changes(&old_client.document, &new_client.document)
        .into_iter()
        .chain(
            new_said
                .iter()
                .filter(|line| !old_said.contains(*line))
                .cloned(),
        )
        .chain(
            old_said
                .iter()
                .filter(|line| !new_said.contains(*line))
                .map(|line| format!("no longer: {line}")),
        )
        .collect();
    Ok(report)
}

/// What the generator said of a client, a line each: what it left out,
/// what it degraded, and its notes. The report keeps the lines that
/// differ between the two clients; `cargo xtask regen` prints them all.
fn diagnostics(d: &nebius_tokenfactory_codegen::Diagnostics) -> Vec<String> {
    d.skipped
        .iter()
        .map(|s| format!("left out: {s}"))
        .chain(d.degraded.iter().map(|x| format!("degraded: {x}")))
        .chain(d.notes.iter().cloned())
        .collect()
}

/// How each operation of a generated client is called beyond JSON, by
/// operation id, from the marks the codegen's `streams` and `multipart`
/// passes leave on the document it generated from.
fn coverage(document: &Value) -> std::collections::BTreeMap<String, String> {
    let mut out = std::collections::BTreeMap::new();
    for (_, _, op) in operations::operations(document) {
        let Some(id) = op.get("operationId").and_then(Value::as_str) else {
            continue;
        };
        let mut ways = Vec::new();
        if let Some(stream) = op.get("x-nebius-stream") {
            let what = match stream.get("kind").and_then(Value::as_str) {
                Some("EventStream") => "server-sent events",
                Some("JsonLines") => "JSON Lines",
                _ => "a binary download",
            };
            if stream.get("beside_json") == Some(&Value::Bool(true)) {
                ways.push(format!("JSON, or {what} through `send_stream`"));
            } else {
                ways.push(format!("{what} through `send`"));
            }
        }
        if op.get("x-nebius-multipart") == Some(&Value::Bool(true)) {
            ways.push("a multipart form body".into());
        }
        if !ways.is_empty() {
            out.insert(id.to_string(), ways.join(", and "));
        }
    }
    out
}

/// The operations whose streaming, binary or multipart calls changed.
fn coverage_changes(old: &Value, new: &Value) -> Vec<String> {
    let (old, new) = (coverage(old), coverage(new));
    let mut out = Vec::new();
    for (id, now) in &new {
        match old.get(id) {
            Some(before) if before == now => {}
            Some(before) => out.push(format!("coverage: `{id}` had {before}, now {now}")),
            None => out.push(format!("coverage: `{id}` gains {now}")),
        }
    }
    for (id, before) in &old {
        if !new.contains_key(id) {
            out.push(format!("coverage: `{id}` loses {before}"));
        }
    }
    out
}

/// When `cargo xtask diff` exits non-zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    /// Never (the default).
    Never,
    /// On any breaking change.
    Breaking,
    /// On any change at all.
    Any,
}

/// `cargo xtask diff OLD NEW`: prints the report to `out` and applies
/// `--fail-on`. `wire_only` skips generating the clients (and so the Rust
/// verdicts), for speed.
pub fn run(
    old: &Source,
    new: &Source,
    format: Format,
    fail_on: FailOn,
    wire_only: bool,
    out: &mut dyn std::io::Write,
) -> Result<Report> {
    let old_doc = spec::load(old, spec::TIMEOUT)?;
    let new_doc = spec::load(new, spec::TIMEOUT)?;
    let report = if wire_only {
        diff(&old_doc, &new_doc)
    } else {
        diff_generated(&old_doc, &new_doc)?
    };
    let _ = out.write_all(report.render(format).as_bytes());
    let count = match fail_on {
        FailOn::Never => 0,
        FailOn::Breaking => report.count(Severity::Breaking),
        FailOn::Any => report.changes().count(),
    };
    if count > 0 {
        let level = if fail_on == FailOn::Breaking {
            "breaking"
        } else {
            "any"
        };
        return Err(Error::FailOn { count, level });
    }
    Ok(report)
}
