//! `cargo xtask regen`: refresh the vendored `openapi.json`.
//!
//! The order is what keeps it safe: load the new document, apply the
//! overlay beside the vendored one to both ([`crate::overlay`]), generate
//! the client from the new one, print the report against the vendored one,
//! and only then write the new document (as served, without the overlay),
//! the crates its generated code names into `Cargo.toml`
//! ([`nebius_tokenfactory_codegen::manifest`]) and the changelogs, as one
//! change. A failure at any step leaves `openapi.json`, `Cargo.toml` and
//! `CHANGELOG.md` as they were.

use crate::changelog;
use crate::diff::{self, kind::Severity, report::Format};
use crate::error::{Error, Result};
use crate::overlay;
use crate::spec::{self, Source};
use serde_json::{json, Value};
use std::io::Write;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The vendored document, relative to the repository root.
pub const SPEC_FILE: &str = "openapi.json";
/// The manifest of the generated crate, which lists the crates its code
/// names, relative to the root.
pub const MANIFEST_FILE: &str = "Cargo.toml";
/// The changelog that records `info.version`, relative to the root; it is
/// created when missing.
pub const CHANGELOG_FILE: &str = "CHANGELOG.md";
/// The published crates' own changelogs, which record `info.version` too,
/// where they exist.
pub const CRATE_CHANGELOGS: [&str; 2] = [
    "crates/nebius-tokenfactory/CHANGELOG.md",
    "crates/codegen/CHANGELOG.md",
];

/// What `regen` was asked to do.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// The repository root: `openapi.json` and `CHANGELOG.md` live here.
    pub root: PathBuf,
    /// Where the new document comes from.
    pub from: Source,
    /// Write nothing; fail when the new document differs.
    pub check: bool,
    /// Write even when the report has breaking changes.
    pub allow_breaking: bool,
    /// Also write the report here: JSON for `.json`, markdown for `.md`,
    /// text otherwise.
    pub report: Option<PathBuf>,
    /// How long a download may take.
    pub timeout: Duration,
}

impl Options {
    /// Defaults for the repository at `root`: the upstream URL, 30 s timeout.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            from: Source::Url(spec::DEFAULT_URL.into()),
            check: false,
            allow_breaking: false,
            report: None,
            timeout: spec::TIMEOUT,
        }
    }
}

/// How a successful run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The new document is byte-identical to the vendored one.
    UpToDate,
    /// The new document was written; it has this `info.version`.
    Written(String),
}

/// Runs `regen`, printing the report and notes to `out`.
pub fn run(options: &Options, out: &mut dyn Write) -> Result<Outcome> {
    let new = spec::load(&options.from, options.timeout)?;
    let fixes = overlay::load(&options.root)?;
    let (new_overlaid, applied) = overlay::apply(&new, fixes.as_ref())?;
    let generated = generate(&new_overlaid)?;
    let _ = writeln!(
        out,
        "the new document generates a client (info.version {})",
        generated.api_version
    );
    if generated.diagnostics.skipped.is_empty() {
        let _ = writeln!(out, "the generator skips no operation");
    } else {
        let _ = writeln!(
            out,
            "the generator skips {} operation(s):",
            generated.diagnostics.skipped.len()
        );
        for skipped in &generated.diagnostics.skipped {
            let _ = writeln!(out, "  - {skipped}");
        }
    }
    let degraded = &generated.diagnostics.degraded;
    if !degraded.is_empty() {
        let _ = writeln!(
            out,
            "the generator degrades {} schema(s) or parameter(s):",
            degraded.len()
        );
        for d in degraded {
            let _ = writeln!(out, "  - {d}");
        }
    }
    for webhook in &generated.diagnostics.webhooks {
        let _ = writeln!(
            out,
            "webhook not generated (the API calls it; a client does not): {webhook}"
        );
    }
    for note in &generated.diagnostics.notes {
        let _ = writeln!(out, "note: {note}");
    }

    let spec_path = options.root.join(SPEC_FILE);
    let old_text = match std::fs::read_to_string(&spec_path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(source) => {
            return Err(Error::Read {
                path: spec_path,
                source,
            })
        }
    };
    let old = match &old_text {
        Some(text) => spec::parse(text, &spec_path.display().to_string())?,
        None => json!({}),
    };
    // Both as the build sees them, through the overlay; the vendored one
    // predates what some actions fix, so only the new one's stale actions
    // are findings.
    let (old, _) = overlay::apply(&old, fixes.as_ref())?;
    let findings = overlay::findings(&old, &new_overlaid, &applied);
    for line in &findings {
        let _ = writeln!(out, "{line}");
    }
    let new_document = new;
    let new = new_overlaid;
    // The Rust verdicts need both clients; a vendored document the current
    // codegen cannot generate gets the comparison of the documents alone.
    let report = match panic::catch_unwind(AssertUnwindSafe(|| diff::diff_generated(&old, &new))) {
        Ok(Ok(report)) => report,
        Ok(Err(e)) => {
            let _ = writeln!(out, "note: {e}; the report compares the documents alone");
            diff::diff(&old, &new)
        }
        Err(_) => {
            let _ = writeln!(
                out,
                "note: the code generator panicked on the vendored document; the report compares the documents alone"
            );
            diff::diff(&old, &new)
        }
    };
    let _ = write!(out, "\n{}", report.render(Format::Text));
    if let Some(path) = &options.report {
        let format = report_format(path);
        let text = with_findings(report.render(format), format, &findings);
        spec::write_atomic(path, text.as_bytes())?;
    }

    let canonical = spec::canonical(&new_document);
    let unchanged = old_text.as_deref() == Some(canonical.as_str());
    if options.check {
        if unchanged {
            let _ = writeln!(out, "\nopenapi.json is up to date");
            return Ok(Outcome::UpToDate);
        }
        return Err(Error::Differs);
    }
    if unchanged {
        // The codegen may name other crates than when the document was
        // vendored: the manifest follows it.
        if let Some(manifest) = manifest(&options.root, &generated.crates)? {
            spec::replace_all(&[manifest])?;
            let _ = writeln!(
                out,
                "\nopenapi.json is already up to date; {MANIFEST_FILE} now lists the crates its code names"
            );
        } else {
            let _ = writeln!(out, "\nopenapi.json is already up to date; nothing written");
        }
        return Ok(Outcome::UpToDate);
    }
    let breaking = report.count(Severity::Breaking);
    if breaking > 0 && !options.allow_breaking {
        return Err(Error::Breaking(breaking));
    }
    write(
        &options.root,
        &canonical,
        &generated.api_version,
        &generated.crates,
    )?;
    let _ = writeln!(
        out,
        "\nwrote {} (info.version {}) and the changelog entries; `cargo build` regenerates the client",
        SPEC_FILE, generated.api_version
    );
    Ok(Outcome::Written(generated.api_version))
}

/// Runs the codegen pipeline; a panic in it is a refusal, not a crash.
fn generate(spec: &Value) -> Result<nebius_tokenfactory_codegen::Generated> {
    let options = nebius_tokenfactory_codegen::Options::default();
    match panic::catch_unwind(AssertUnwindSafe(|| {
        nebius_tokenfactory_codegen::generate(spec, &options)
    })) {
        Ok(result) => Ok(result?),
        Err(_) => Err(Error::Generation(
            nebius_tokenfactory_codegen::Error::Generation("the code generator panicked".into()),
        )),
    }
}

/// The rendered report, with the overlay's findings after it (under an
/// `overlay` key for JSON).
fn with_findings(rendered: String, format: Format, findings: &[String]) -> String {
    if findings.is_empty() {
        return rendered;
    }
    match format {
        Format::Json => match serde_json::from_str::<Value>(&rendered) {
            Ok(Value::Object(mut report)) => {
                report.insert("overlay".into(), json!(findings));
                serde_json::to_string_pretty(&report).unwrap_or(rendered)
            }
            _ => rendered,
        },
        Format::Markdown => {
            let items: Vec<String> = findings.iter().map(|f| format!("- {f}")).collect();
            format!(
                "{rendered}
## The overlay

{}
",
                items.join(
                    "
"
                )
            )
        }
        _ => format!(
            "{rendered}
the overlay:
  {}
",
            findings.join(
                "
  "
            )
        ),
    }
}

fn report_format(path: &Path) -> Format {
    match path.extension().and_then(|e| e.to_str()) {
        Some("json") => Format::Json,
        Some("md") => Format::Markdown,
        _ => Format::Text,
    }
}

/// The manifest listing `crates`, where it lists others now.
fn manifest(root: &Path, crates: &[&str]) -> Result<Option<(PathBuf, String)>> {
    let path = root.join(MANIFEST_FILE);
    let current = std::fs::read_to_string(&path).map_err(|source| Error::Read {
        path: path.clone(),
        source,
    })?;
    let updated = nebius_tokenfactory_codegen::manifest::with_crates(&current, crates)?;
    Ok((updated != current).then_some((path, updated)))
}

/// Writes the spec, the manifest and the changelogs as one change: every
/// new text is prepared and staged first, so a read or write failure
/// changes nothing (see [`spec::replace_all`]).
fn write(root: &Path, canonical: &str, version: &str, crates: &[&str]) -> Result<()> {
    let mut files = vec![(root.join(SPEC_FILE), canonical.to_string())];
    files.extend(manifest(root, crates)?);
    for (name, required) in
        std::iter::once((CHANGELOG_FILE, true)).chain(CRATE_CHANGELOGS.map(|c| (c, false)))
    {
        let path = root.join(name);
        let current = match std::fs::read_to_string(&path) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(source) => return Err(Error::Read { path, source }),
        };
        if current.is_none() && !required {
            continue;
        }
        let updated = changelog::record(current.as_deref(), version);
        if current.as_deref() != Some(updated.as_str()) {
            files.push((path, updated));
        }
    }
    spec::replace_all(&files)
}
