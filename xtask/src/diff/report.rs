//! The change report: what changed, grouped by operation and schema, and
//! its three renderings (text, markdown, JSON).

use super::kind::{ChangeKind, Severity};
use super::rust::{RustChange, Verdict};
use serde_json::{json, Value};
use std::fmt::Write as _;

/// One change between two documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// What kind of change it is.
    pub kind: ChangeKind,
    /// What it means for users of the generated client.
    pub severity: Severity,
    /// A JSON pointer: into the new document, or into the old one for
    /// something removed.
    pub location: String,
    /// One line for a maintainer.
    pub explanation: String,
}

/// What a group of changes is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Subject {
    /// An operation, by method and path (the new ones, when both exist).
    Operation {
        /// Upper case.
        method: String,
        /// As in the document.
        path: String,
        /// The generated method name (the new one, or the old one if removed).
        name: String,
    },
    /// Security requirements and schemes of the whole document.
    Security,
    /// A component schema, by its key in `components.schemas`.
    Schema {
        /// The key (the new one for a rename).
        name: String,
    },
}

impl Subject {
    /// A short title for the group.
    pub fn title(&self) -> String {
        match self {
            Subject::Operation { method, path, name } => {
                format!("operation {method} {path} (`{name}`)")
            }
            Subject::Security => "security".into(),
            Subject::Schema { name } => format!("schema {name}"),
        }
    }
}

/// Changes about one subject, in the order they were found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// What the changes are about.
    pub subject: Subject,
    /// The changes.
    pub changes: Vec<Change>,
}

/// All changes between two documents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// `info.version` of the old document.
    pub old_version: String,
    /// `info.version` of the new document.
    pub new_version: String,
    /// Operations first, then security, then schemas.
    pub groups: Vec<Group>,
    /// The changes to the generated Rust API, compile breaks first (empty
    /// for a comparison of the documents alone).
    pub rust: Vec<RustChange>,
    /// What the generator leaves out, degrades or notes differently in
    /// the new client than in the old, in its own words, and the
    /// operations that gain or lose calls beyond JSON.
    pub generator: Vec<String>,
    /// What a reviewer needs first: operations added, removed and moved,
    /// likely renames, deprecations.
    pub headlines: super::headlines::Headlines,
}

/// How to print a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text for a terminal.
    Text,
    /// GitHub-flavoured markdown, for a pull request.
    Markdown,
    /// JSON, for other tools.
    Json,
}

impl Format {
    /// Parses `text`, `markdown` (or `md`) and `json`.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "text" => Some(Format::Text),
            "markdown" | "md" => Some(Format::Markdown),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

impl Report {
    /// Every change, group by group.
    pub fn changes(&self) -> impl Iterator<Item = &Change> {
        self.groups.iter().flat_map(|g| g.changes.iter())
    }

    /// How many changes have `severity`: the wire changes, and the Rust
    /// API's (a compile break is breaking; one for struct literals and
    /// matches only, potentially breaking).
    pub fn count(&self, severity: Severity) -> usize {
        let rust = self
            .rust
            .iter()
            .filter(|c| {
                severity
                    == match c.verdict {
                        Verdict::CompileBreak => Severity::Breaking,
                        Verdict::LiteralBreak => Severity::PotentiallyBreaking,
                        Verdict::Compatible => Severity::Compatible,
                    }
            })
            .count();
        self.changes().filter(|c| c.severity == severity).count() + rust
    }

    /// How many Rust API changes have `verdict`.
    pub fn rust_count(&self, verdict: Verdict) -> usize {
        self.rust.iter().filter(|c| c.verdict == verdict).count()
    }

    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty() && self.rust.is_empty()
    }

    /// The report in `format`, ending with a newline.
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Text => self.text(),
            Format::Markdown => self.markdown(),
            Format::Json => {
                let mut out = serde_json::to_string_pretty(&self.to_json()).unwrap_or_default();
                out.push('\n');
                out
            }
        }
    }

    pub(crate) fn summary(&self) -> String {
        format!(
            "{} breaking, {} potentially breaking, {} compatible",
            self.count(Severity::Breaking),
            self.count(Severity::PotentiallyBreaking),
            self.count(Severity::Compatible)
        )
    }

    fn text(&self) -> String {
        let mut out = format!(
            "API changes: info.version {} -> {}\n{}\n",
            self.old_version,
            self.new_version,
            self.summary()
        );
        for line in super::markdown::headline_lines(self) {
            let _ = writeln!(out, "{line}");
        }
        if !self.rust.is_empty() {
            let _ = writeln!(out, "\nRust API ({})", self.rust_summary());
            for c in &self.rust {
                let _ = writeln!(out, "  [{}] {}", c.verdict.as_str(), c.explanation());
                if let Some(before) = &c.before {
                    let _ = writeln!(out, "      - {before}");
                }
                if let Some(after) = &c.after {
                    let _ = writeln!(out, "      + {after}");
                }
                if let Some(cause) = &c.cause {
                    let _ = writeln!(out, "      from {cause}");
                }
            }
        }
        for line in &self.generator {
            let _ = writeln!(out, "generator: {line}");
        }
        for group in &self.groups {
            let _ = writeln!(out, "\n{}", group.subject.title());
            for c in &group.changes {
                let _ = writeln!(
                    out,
                    "  [{}] {}: {}\n      at {}",
                    c.severity.as_str(),
                    c.kind.as_str(),
                    c.explanation,
                    c.location
                );
            }
        }
        out
    }

    pub(crate) fn rust_summary(&self) -> String {
        format!(
            "{} compile breaks, {} for struct literals and matches only, {} compatible",
            self.rust_count(Verdict::CompileBreak),
            self.rust_count(Verdict::LiteralBreak),
            self.rust_count(Verdict::Compatible)
        )
    }

    fn markdown(&self) -> String {
        super::markdown::render(self)
    }

    /// The report as a JSON value (the `json` format).
    pub fn to_json(&self) -> Value {
        let groups: Vec<Value> = self
            .groups
            .iter()
            .map(|g| {
                let subject = match &g.subject {
                    Subject::Operation { method, path, name } => {
                        json!({"type": "operation", "method": method, "path": path, "name": name})
                    }
                    Subject::Security => json!({"type": "security"}),
                    Subject::Schema { name } => json!({"type": "schema", "name": name}),
                };
                let changes: Vec<Value> = g
                    .changes
                    .iter()
                    .map(|c| {
                        json!({
                            "kind": c.kind.as_str(),
                            "severity": c.severity.as_str(),
                            "location": c.location,
                            "explanation": c.explanation,
                        })
                    })
                    .collect();
                json!({"subject": subject, "changes": changes})
            })
            .collect();
        json!({
            "old_version": self.old_version,
            "new_version": self.new_version,
            "summary": {
                "breaking": self.count(Severity::Breaking),
                "potentially_breaking": self.count(Severity::PotentiallyBreaking),
                "compatible": self.count(Severity::Compatible),
            },
            "groups": groups,
            "rust": self.rust.iter().map(RustChange::to_json).collect::<Vec<_>>(),
            "generator": self.generator,
            "headlines": self.headlines.to_json(),
        })
    }
}
