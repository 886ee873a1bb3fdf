//! The change report on real history: the ten pairs of consecutive
//! published versions in `../shared/fixtures/real-diffs/`, and the vendored
//! spec → the API's own document (`../shared/fixtures/nebius-upstream/`,
//! the overlay applied to both, as `cargo xtask regen` does).
//!
//! Each markdown report is compared with its snapshot in
//! `tests/snapshots/real-history/` (accept a reviewed change with
//! `UPDATE_SNAPSHOTS=1`), so a reviewer sees each report's shape, and each
//! must fit a pull-request comment. The verdict of each pair (breaking or
//! not) is part of its snapshot. Where `../shared` is absent, the test
//! names itself as skipped.

use serde_json::Value;
use std::path::{Path, PathBuf};
use xtask::diff::kind::Severity;
use xtask::diff::report::Format;

/// What a GitHub comment holds.
const LIMIT: usize = 65_536;

fn shared() -> PathBuf {
    Path::new(env!("NEBIUS_SHARED_FIXTURES")).to_path_buf()
}

fn read(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The pairs: (name, old, new).
fn pairs() -> Option<Vec<(String, Value, Value)>> {
    let diffs = shared().join("real-diffs");
    let upstream = shared().join("nebius-upstream/openapi-20260916-b712a99a4.json");
    if !diffs.is_dir() || !upstream.is_file() {
        println!(
            "SKIPPED real_history: {} or {} is absent (the documents live beside the repository, in ../shared)",
            diffs.display(),
            upstream.display()
        );
        return None;
    }
    let mut names: Vec<PathBuf> = std::fs::read_dir(&diffs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    names.sort();
    let mut out: Vec<(String, Value, Value)> = names
        .iter()
        .map(|dir| {
            (
                dir.file_name().unwrap().to_string_lossy().into_owned(),
                read(&dir.join("old.json")),
                read(&dir.join("new.json")),
            )
        })
        .collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let overlay = xtask::overlay::load(&root).unwrap();
    let (vendored, _) =
        xtask::overlay::apply(&read(&root.join("openapi.json")), overlay.as_ref()).unwrap();
    let (own, _) = xtask::overlay::apply(&read(&upstream), overlay.as_ref()).unwrap();
    out.push(("vendored-to-upstream".into(), vendored, own));
    Some(out)
}

fn compare_with_snapshot(name: &str, text: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots/real-history")
        .join(format!("{name}.md"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if expected != text {
        let line = expected
            .lines()
            .zip(text.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| expected.lines().count().min(text.lines().count()));
        panic!(
            "{} differs from line {}:\n  expected: {:?}\n  now:      {:?}\naccept a reviewed change with UPDATE_SNAPSHOTS=1",
            path.display(),
            line + 1,
            expected.lines().nth(line),
            text.lines().nth(line)
        );
    }
}

#[test]
fn every_real_report_fits_a_pull_request_and_reads_summary_first() {
    let Some(pairs) = pairs() else { return };
    assert_eq!(pairs.len(), 11, "ten real pairs and the upstream one");
    for (name, old, new) in &pairs {
        let report = xtask::diff::diff_generated(old, new).unwrap();
        let markdown = report.render(Format::Markdown);
        let breaking = report.count(Severity::Breaking) > 0;
        let summary: Vec<&str> = markdown
            .split("<details>")
            .next()
            .unwrap_or_default()
            .lines()
            .collect();
        println!(
            "{name}: {} characters, {} lines before the first collapsed section, {}",
            markdown.len(),
            summary.len(),
            if breaking { "breaking" } else { "not breaking" }
        );
        assert!(
            markdown.len() <= LIMIT,
            "{name}: {} characters",
            markdown.len()
        );
        let snapshot = format!(
            "<!-- verdict: {} -->\n{markdown}",
            if breaking { "breaking" } else { "not breaking" }
        );
        compare_with_snapshot(name, &snapshot);
        match name.as_str() {
            "letta-listeners-to-environments" => {
                assert!(
                    summary.iter().any(|l| l.contains("operations moved")),
                    "{markdown}"
                );
            }
            "polar-benefit-ids" => {
                assert!(
                    summary
                        .iter()
                        .any(|l| l.contains("likely renamed") && l.contains("ignores the old name")),
                    "{markdown}"
                );
            }
            "vendored-to-upstream" => {
                assert!(summary.len() < 80, "{} summary lines", summary.len());
                assert!(
                    summary
                        .iter()
                        .any(|l| l.contains("operations added**, by tag")),
                    "{markdown}"
                );
                assert!(
                    summary.iter().any(|l| l.contains("deprecated")
                        && l.contains("CreateDatasetResponse.current_version")),
                    "{markdown}"
                );
            }
            _ => {}
        }
    }
}
