//! The markdown report, for a pull request: one screen of summary and
//! headlines first, then the details in collapsed sections, the whole at
//! most [`LIMIT`] characters (a pull-request comment's), cut with a line
//! saying so where the details would not fit.
//!
//! The Rust API's changes are grouped by the spec change that caused them:
//! each cause once, with the items it affects counted by kind and the
//! first few named, never one line per setter.

use super::headlines::Operation;
use super::kind::Severity;
use super::report::{Change, Report};
use super::rust::{RustChange, Verdict};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The most characters a markdown report has: what a GitHub comment holds.
pub const LIMIT: usize = 65_536;

/// Room kept for closing a section and the line saying the report is cut.
const RESERVE: usize = 600;

/// How many wire breaking changes the summary lists before the details.
const SUMMARY_BREAKS: usize = 20;

/// How many operations of one tag the headlines name.
const TAG_NAMED: usize = 12;

/// How many items of one cause are named.
const NAMED: usize = 3;

/// The markdown text of `report`.
pub(crate) fn render(report: &Report) -> String {
    let mut out = Budget::new();
    let _ = write!(
        out.text,
        "## API changes: `{}` → `{}`\n\n**{}**",
        report.old_version,
        report.new_version,
        report.summary()
    );
    if !report.rust.is_empty() {
        let _ = write!(out.text, "; in Rust: {}", report.rust_summary());
    }
    out.text.push_str(".\n");
    headlines(report, &mut out);
    rust_details(report, &mut out);
    if !report.generator.is_empty() {
        out.open(&format!(
            "What the generator left out or changed ({})",
            report.generator.len()
        ));
        for line in &report.generator {
            out.line(&format!("- {}", line.replace('|', "\\|")));
        }
        out.close();
    }
    wire_details(report, &mut out);
    out.finish()
}

/// The report as it is written, within [`LIMIT`].
struct Budget {
    text: String,
    /// Whether a line was left out.
    cut: bool,
    /// How many lines of the open section were left out.
    section_cut: usize,
    /// The open section did not fit at all: nothing of it is written.
    skipping: bool,
}

impl Budget {
    fn new() -> Self {
        Self {
            text: String::new(),
            cut: false,
            section_cut: 0,
            skipping: false,
        }
    }

    /// Adds `line` if it fits, else counts it as left out.
    fn line(&mut self, line: &str) {
        if self.section_cut == 0 && self.text.len() + line.len() + 1 + RESERVE <= LIMIT {
            self.text.push_str(line);
            self.text.push('\n');
        } else {
            self.section_cut += 1;
            self.cut = true;
        }
    }

    fn open(&mut self, summary: &str) {
        self.section_cut = 0;
        self.line(&format!("\n<details><summary>{summary}</summary>\n"));
        self.skipping = self.section_cut > 0;
    }

    fn close(&mut self) {
        if std::mem::take(&mut self.skipping) {
            self.section_cut = 0;
            return;
        }
        if self.section_cut > 0 {
            let _ = writeln!(
                self.text,
                "- … {} more lines left out here",
                self.section_cut
            );
        }
        self.section_cut = 0;
        self.text.push_str("\n</details>\n");
    }

    fn finish(mut self) -> String {
        if self.cut {
            self.text.push_str(
                "\n> This report is cut to fit a pull request comment (65,536 characters); \
                 `cargo xtask diff OLD NEW --format json` holds everything.\n",
            );
        }
        self.text
    }
}

/// The headlines as plain lines, for the text report.
pub(crate) fn headline_lines(report: &Report) -> Vec<String> {
    let h = &report.headlines;
    let mut out = Vec::new();
    for (what, ops) in [("added", &h.added), ("removed", &h.removed)] {
        if !ops.is_empty() {
            let tags: Vec<String> = by_tag(ops)
                .iter()
                .map(|(tag, ops)| format!("{tag} {}", ops.len()))
                .collect();
            out.push(format!(
                "{} operations {what} ({})",
                ops.len(),
                tags.join(", ")
            ));
        }
    }
    for (old, new) in &h.moved {
        out.push(format!("moved: {} -> {}", old.label(), new.label()));
    }
    for r in &h.renamed {
        let silent = if r.silent {
            " (a FastAPI server ignores the old name)"
        } else {
            ""
        };
        out.push(format!(
            "likely renamed, {}: `{}` -> `{}`{silent}",
            r.place, r.old, r.new
        ));
    }
    if !h.deprecated.is_empty() {
        out.push(format!("deprecated: {}", h.deprecated.join(", ")));
    }
    out
}

/// Operations by tag, on one line per tag.
fn by_tag(ops: &[Operation]) -> BTreeMap<&str, Vec<&Operation>> {
    let mut tags: BTreeMap<&str, Vec<&Operation>> = BTreeMap::new();
    for op in ops {
        tags.entry(op.tag.as_str()).or_default().push(op);
    }
    tags
}

fn headlines(report: &Report, out: &mut Budget) {
    let h = &report.headlines;
    let breaking: Vec<&Change> = report
        .changes()
        .filter(|c| c.severity == Severity::Breaking)
        .collect();
    let compile_breaks = report.rust_count(Verdict::CompileBreak);
    if h.is_empty() && breaking.is_empty() && compile_breaks == 0 {
        return;
    }
    out.text.push_str("\n### Headlines\n\n");
    for (what, ops) in [("added", &h.added), ("removed", &h.removed)] {
        if ops.is_empty() {
            continue;
        }
        let _ = writeln!(out.text, "- **{} operations {what}**, by tag:", ops.len());
        for (tag, ops) in by_tag(ops) {
            let names: Vec<String> = ops.iter().take(TAG_NAMED).map(|o| o.label()).collect();
            let more = match ops.len().saturating_sub(TAG_NAMED) {
                0 => String::new(),
                n => format!(" and {n} more"),
            };
            let _ = writeln!(
                out.text,
                "  - {tag} ({}): {}{more}",
                ops.len(),
                names.join(", ")
            );
        }
    }
    if !h.moved.is_empty() {
        let _ = writeln!(
            out.text,
            "- **{} operations moved**; their methods and types are renamed with them:",
            h.moved.len()
        );
        for (old, new) in &h.moved {
            let _ = writeln!(out.text, "  - {} → {}", old.label(), new.label());
        }
    }
    for r in &h.renamed {
        let silent = if r.silent {
            ": a FastAPI server ignores the old name, so an old client's value is dropped without an error"
        } else {
            ""
        };
        let _ = writeln!(
            out.text,
            "- **likely renamed**, {}: `{}` → `{}`{silent}",
            r.place, r.old, r.new
        );
    }
    if !h.deprecated.is_empty() {
        let _ = writeln!(
            out.text,
            "- **deprecated** (compatible): {}",
            h.deprecated.join(", ")
        );
    }
    if !breaking.is_empty() {
        let _ = writeln!(out.text, "- **{} breaking on the wire**:", breaking.len());
        for c in breaking.iter().take(SUMMARY_BREAKS) {
            let _ = writeln!(
                out.text,
                "  - `{}` at `{}`: {}",
                c.kind.as_str(),
                c.location,
                c.explanation.replace('|', "\\|")
            );
        }
        if breaking.len() > SUMMARY_BREAKS {
            let _ = writeln!(
                out.text,
                "  - and {} more, in the details below",
                breaking.len() - SUMMARY_BREAKS
            );
        }
    }
    if compile_breaks > 0 {
        let causes = causes(&report.rust)
            .iter()
            .filter(|c| c.verdict == Verdict::CompileBreak)
            .count();
        let _ = writeln!(
            out.text,
            "- **{compile_breaks} compile breaks in Rust**, from {} (below)",
            plural(causes, "spec change")
        );
    }
}

/// The Rust changes of one cause.
struct Cause<'a> {
    pointer: Option<&'a str>,
    verdict: Verdict,
    changes: Vec<&'a RustChange>,
}

fn causes(rust: &[RustChange]) -> Vec<Cause<'_>> {
    let mut out: Vec<Cause> = Vec::new();
    for change in rust {
        let pointer = change.cause.as_deref();
        match out
            .iter_mut()
            .find(|c| c.pointer == pointer && c.verdict == change.verdict)
        {
            Some(cause) => cause.changes.push(change),
            None => out.push(Cause {
                pointer,
                verdict: change.verdict,
                changes: vec![change],
            }),
        }
    }
    out.sort_by_key(|c| (c.verdict, std::cmp::Reverse(c.changes.len())));
    out
}

/// What kind of item a surface entry is, in a reviewer's words.
fn item_kind(change: &RustChange) -> &'static str {
    let line = change
        .before
        .as_deref()
        .or(change.after.as_deref())
        .unwrap_or("");
    let kind = line.split(' ').next().unwrap_or("");
    let key = change.key.as_str();
    match kind {
        "type" if key.starts_with("builder::") => "builder",
        "type" if key.starts_with("types::builder::") => "type builder",
        "type" => "type",
        "fn" if key.starts_with("Client::") => "method",
        "fn" => "function",
        "setter" => "setter",
        "field" => "field",
        "variant" => "variant",
        "impl" => "conversion",
        "const" => "constant",
        _ => "item",
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn rust_details(report: &Report, out: &mut Budget) {
    if report.rust.is_empty() {
        return;
    }
    let causes = causes(&report.rust);
    out.open(&format!(
        "Rust API: {}, from {}",
        plural(report.rust.len(), "change"),
        plural(causes.len(), "spec change")
    ));
    for cause in &causes {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for c in &cause.changes {
            *counts.entry(item_kind(c)).or_default() += 1;
        }
        let counted: Vec<String> = counts.iter().map(|(k, n)| plural(*n, k)).collect();
        let named: Vec<String> = cause
            .changes
            .iter()
            .take(NAMED)
            .map(|c| format!("`{}`", c.key))
            .collect();
        let more = if cause.changes.len() > NAMED {
            ", …"
        } else {
            ""
        };
        let spec = cause
            .pointer
            .map(|p| {
                let kind = report
                    .changes()
                    .find(|c| c.location == p || p.starts_with(&format!("{}/", c.location)))
                    .map(|c| format!(" ({})", c.kind.as_str()))
                    .unwrap_or_default();
                format!("`{p}`{kind}")
            })
            .unwrap_or_else(|| "no single spec change".into());
        out.line(&format!(
            "- **{}** from {spec}: {}: {}{more}",
            cause.verdict.as_str(),
            counted.join(", "),
            named.join(", ")
        ));
    }
    out.close();
}

fn wire_details(report: &Report, out: &mut Budget) {
    if report.groups.is_empty() {
        return;
    }
    out.open(&format!(
        "On the wire: {}, in {} operations and schemas",
        plural(report.changes().count(), "change"),
        report.groups.len()
    ));
    for group in &report.groups {
        out.line(&format!(
            "\n#### {}\n\n| severity | kind | location | explanation |\n|---|---|---|---|",
            group.subject.title()
        ));
        for c in &group.changes {
            out.line(&format!(
                "| {} | `{}` | `{}` | {} |",
                c.severity.as_str(),
                c.kind.as_str(),
                c.location,
                c.explanation.replace('|', "\\|")
            ));
        }
    }
    out.close();
}
