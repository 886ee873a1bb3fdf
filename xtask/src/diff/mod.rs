//! The change report between two OpenAPI documents, for users of this
//! generated Rust client.
//!
//! [`diff`] compares operations ([`operations`]), security, and component
//! schemas ([`components`]); [`schema`] compares two schemas structurally,
//! and [`kind`] says what each finding means for the client. The report
//! ([`report`]) prints as text, markdown or JSON.
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
pub mod kind;
pub mod operations;
pub mod report;
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
    }
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

/// `cargo xtask diff OLD NEW`: prints the report to `out` and applies `--fail-on`.
pub fn run(
    old: &Source,
    new: &Source,
    format: Format,
    fail_on: FailOn,
    out: &mut dyn std::io::Write,
) -> Result<Report> {
    let old_doc = spec::load(old, spec::TIMEOUT)?;
    let new_doc = spec::load(new, spec::TIMEOUT)?;
    let report = diff(&old_doc, &new_doc);
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
