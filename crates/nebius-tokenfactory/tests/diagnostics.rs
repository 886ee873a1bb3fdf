//! The compiler's messages for wrong calls stay short and name the type the
//! setter wants.
//!
//! Each case is a small user program with one wrong call, compiled with
//! `rustc` against the SDK this test was built with (the newest
//! `libnebius_tokenfactory-*.rlib` beside the test binary). The test checks
//! that it fails, that its first error names what the setter takes, that
//! the whole message fits a screen, and that it lists none of the unrelated
//! impls typify's `TryInto<Option<T>>` setters used to drag in.

use std::path::{Path, PathBuf};
use std::process::Command;

/// At most this many lines of compiler output for one wrong call.
const MAX_LINES: usize = 40;

struct Case {
    name: &'static str,
    body: &'static str,
    /// What the first error must name.
    names: &'static str,
}

const CASES: &[Case] = &[
    Case {
        name: "a number where a string is asked",
        body: "let _ = CreateDatasetRequestUpload::builder().name(42);",
        names: "String",
    },
    Case {
        name: "a string where an integer is asked",
        body: "let _ = CreateDatasetResponse::builder().created_at(\"soon\");",
        names: "i64",
    },
    Case {
        name: "a string where a list of columns is asked",
        body: "let _ = CreateDatasetRequestUpload::builder().schema(\"text\");",
        // A list's setter takes anything iterable; one value is not.
        names: "is not an iterator",
    },
];

fn deps_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary has a path");
    exe.parent().expect("it is in target/*/deps").to_path_buf()
}

fn newest(dir: &Path, prefix: &str) -> Option<PathBuf> {
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(prefix) && n.ends_with(".rlib"))
        })
        .max_by_key(|p| p.metadata().and_then(|m| m.modified()).ok())
}

#[test]
fn wrong_calls_get_short_errors_that_name_the_wanted_type() {
    let deps = deps_dir();
    let sdk = newest(&deps, "libnebius_tokenfactory-").expect("the SDK's rlib is beside the test");
    let work = std::env::temp_dir().join(format!("diagnostics-{}", std::process::id()));
    std::fs::create_dir_all(&work).unwrap();
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    for case in CASES {
        let source = work.join("case.rs");
        std::fs::write(
            &source,
            format!(
                "#![allow(unused)]\nuse nebius_tokenfactory::api::types::*;\nfn user() {{\n    {}\n}}\n",
                case.body
            ),
        )
        .unwrap();
        let out = Command::new(&rustc)
            .args([
                "--edition",
                "2021",
                "--crate-type",
                "lib",
                "--emit",
                "metadata",
            ])
            .arg("--out-dir")
            .arg(&work)
            .arg("-L")
            .arg(format!("dependency={}", deps.display()))
            .arg("--extern")
            .arg(format!("nebius_tokenfactory={}", sdk.display()))
            .arg(&source)
            .env("CARGO_TERM_COLOR", "never")
            .output()
            .expect("rustc runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{}: it compiled", case.name);
        let first = stderr
            .split("\n\n")
            .find(|block| block.starts_with("error"))
            .unwrap_or_default();
        println!(
            "--- {} ({} lines)\n{stderr}",
            case.name,
            stderr.lines().count()
        );
        assert!(
            first.contains(case.names),
            "{}: the first error does not name `{}`:\n{stderr}",
            case.name,
            case.names
        );
        assert!(
            stderr.lines().count() <= MAX_LINES,
            "{}: {} lines of errors:\n{stderr}",
            case.name,
            stderr.lines().count()
        );
        assert!(
            !stderr.contains("tracing_core"),
            "{}: unrelated impls listed:\n{stderr}",
            case.name
        );
    }
    let _ = std::fs::remove_dir_all(&work);
}
