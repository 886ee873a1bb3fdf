//! `cargo xtask regen` against a temporary copy of the repository files:
//! it writes the canonical form and a changelog entry, prints the report,
//! lists the crates the generated code names in Cargo.toml, downloads from
//! a local server, and on every failure leaves openapi.json, Cargo.toml and
//! CHANGELOG.md byte-identical.

mod common;

use common::{bytes, fixture, manifest, seed, serve, temp_repo, xtask, Reply};
use std::path::Path;
use std::time::Duration;
use xtask::regen::{run, Options, Outcome};
use xtask::spec::{self, Source};
use xtask::Error;

fn options(root: &Path, from: Source) -> Options {
    Options {
        from,
        timeout: Duration::from_secs(5),
        ..Options::new(root)
    }
}

/// The files regen writes, in a temporary repository.
const WRITTEN: [&str; 3] = ["openapi.json", "CHANGELOG.md", "Cargo.toml"];

/// Runs regen and checks that it failed and wrote nothing.
fn fails_untouched(options: &Options) -> Error {
    let before = WRITTEN.map(|name| bytes(&options.root, name));
    let error = run(options, &mut Vec::new()).unwrap_err();
    for (name, before) in WRITTEN.iter().zip(before) {
        assert_eq!(
            bytes(&options.root, name),
            before,
            "{name} changed after: {error}"
        );
    }
    let leftovers: Vec<_> = std::fs::read_dir(&options.root)
        .unwrap()
        .filter_map(|e| e.ok())
        .collect();
    assert_eq!(
        leftovers.len(),
        WRITTEN.len(),
        "temporary files left behind after: {error}"
    );
    error
}

/// A copy of the seed with a new `info.version` and a compatible change, as YAML or JSON.
fn edited(version: &str) -> serde_json::Value {
    let mut doc = spec::load(
        &Source::Path(fixture("response_property_added.json")),
        Duration::from_secs(1),
    )
    .unwrap();
    doc["info"]["version"] = version.into();
    doc
}

#[test]
fn regen_from_an_edited_copy_writes_the_spec_and_prints_the_report() {
    let repo = temp_repo();
    let root = repo.path();
    let from = fixture("response_property_added.json");
    let (code, out, err) = xtask(&[
        "regen",
        "--from",
        from.to_str().unwrap(),
        "--root",
        root.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("the generator skips no operation"), "{out}");
    assert!(out.contains("response_property_added"), "{out}");
    // On the wire one compatible change; in Rust, a new field of the
    // response type (struct literals of it break) and its builder's two
    // setters (the value, and `maybe_` for an `Option`).
    assert!(
        out.contains("0 breaking, 1 potentially breaking, 3 compatible"),
        "{out}"
    );
    assert!(
        out.contains("[compile-break-for-literals-and-matches] `types::CreateDatasetResponse.row_count` added"),
        "{out}"
    );
    assert!(out.contains("wrote openapi.json"), "{out}");
    let written = std::fs::read_to_string(root.join("openapi.json")).unwrap();
    let expected =
        spec::canonical(&serde_json::from_str(&std::fs::read_to_string(&from).unwrap()).unwrap());
    assert_eq!(written, expected);
    assert!(written.contains("\"row_count\""));
    assert_eq!(
        std::fs::read_to_string(root.join("CHANGELOG.md")).unwrap(),
        "# Changelog\n\n## Unreleased\n\n- API spec updated to info.version 20260506-297d05704\n\n## 0.1.0\n\n- First release\n"
    );
    // Once more: nothing to do, nothing written.
    let (code, out, _) = xtask(&[
        "regen",
        "--from",
        from.to_str().unwrap(),
        "--root",
        root.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    assert!(out.contains("already up to date"), "{out}");
    assert_eq!(
        std::fs::read_to_string(root.join("openapi.json")).unwrap(),
        written
    );
}

#[test]
fn the_canonical_form_is_stable() {
    let dir = tempfile::tempdir().unwrap();
    let doc = spec::load(
        &Source::Path(fixture("seed_openapi_3_0.yaml")),
        Duration::from_secs(1),
    )
    .unwrap();
    let path = dir.path().join("a.json");
    spec::write_atomic(&path, spec::canonical(&doc).as_bytes()).unwrap();
    let first = std::fs::read(&path).unwrap();
    let again = spec::load(&Source::Path(path.clone()), Duration::from_secs(1)).unwrap();
    spec::write_atomic(&path, spec::canonical(&again).as_bytes()).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), first);
    // The vendored seed is already canonical.
    let seed_doc = spec::load(&Source::Path(seed()), Duration::from_secs(1)).unwrap();
    assert_eq!(
        spec::canonical(&seed_doc).as_bytes(),
        std::fs::read(seed()).unwrap()
    );
}

#[test]
fn breaking_changes_need_allow_breaking() {
    let repo = temp_repo();
    let from = Source::Path(fixture("response_property_removed_required.json"));
    let error = fails_untouched(&options(repo.path(), from.clone()));
    assert_eq!(
        error.to_string(),
        "3 breaking change(s) found; openapi.json is unchanged: review the report, then rerun with `--allow-breaking`"
    );
    let allowed = Options {
        allow_breaking: true,
        ..options(repo.path(), from)
    };
    assert_eq!(
        run(&allowed, &mut Vec::new()).unwrap(),
        Outcome::Written("20260506-297d05704".into())
    );
    // The document written is the new one, whatever its layout: read as
    // JSON, the removed property and its `required` entry are gone, and
    // the file is the fixture's canonical text.
    let written: serde_json::Value =
        serde_json::from_slice(&bytes(repo.path(), "openapi.json")).unwrap();
    let response = &written["components"]["schemas"]["CreateDatasetResponse"];
    assert!(response["properties"].is_object(), "{response}");
    assert!(response["properties"].get("folder").is_none(), "{response}");
    assert!(
        !response["required"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("folder")),
        "{response}"
    );
    let fixture_doc = spec::load(
        &Source::Path(fixture("response_property_removed_required.json")),
        Duration::from_secs(1),
    )
    .unwrap();
    assert_eq!(
        String::from_utf8(bytes(repo.path(), "openapi.json")).unwrap(),
        spec::canonical(&fixture_doc)
    );
}

#[test]
fn check_writes_nothing_and_fails_when_upstream_differs() {
    let repo = temp_repo();
    let check = |from: Source| Options {
        check: true,
        ..options(repo.path(), from)
    };
    let error = fails_untouched(&check(Source::Path(fixture(
        "response_property_added.json",
    ))));
    assert!(matches!(error, Error::Differs), "{error}");
    assert_eq!(
        run(&check(Source::Path(seed())), &mut Vec::new()).unwrap(),
        Outcome::UpToDate
    );
    let (code, _, err) = xtask(&[
        "regen",
        "--check",
        "--from",
        fixture("response_property_added.json").to_str().unwrap(),
        "--root",
        repo.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert_eq!(err, "error: the upstream document differs from openapi.json; run `cargo xtask regen` to update it\n");
}

#[test]
fn a_report_file_takes_its_format_from_the_extension() {
    let repo = temp_repo();
    let report_dir = tempfile::tempdir().unwrap();
    let report = report_dir.path().join("report.md");
    let from = Source::Path(fixture("response_enum_value_added.json"));
    run(
        &Options {
            report: Some(report.clone()),
            ..options(repo.path(), from)
        },
        &mut Vec::new(),
    )
    .unwrap();
    let text = std::fs::read_to_string(report).unwrap();
    assert!(text.starts_with("## API changes:"), "{text}");
    assert!(text.contains("`response_enum_value_added`"), "{text}");
}

#[test]
fn downloads_from_a_server_in_yaml() {
    let repo = temp_repo();
    let yaml = std::fs::read(fixture("seed_openapi_3_0.yaml")).unwrap();
    let url = serve(Reply::With("200 OK", yaml));
    let from = Source::Url(format!("{url}/openapi.yaml"));
    let mut out = Vec::new();
    assert!(matches!(
        run(&options(repo.path(), from), &mut out).unwrap(),
        Outcome::Written(_)
    ));
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains("0 breaking, 0 potentially breaking, 0 compatible"),
        "{out}"
    );
    assert!(String::from_utf8(bytes(repo.path(), "openapi.json"))
        .unwrap()
        .starts_with("{\n  \"openapi\": \"3.0.3\""));

    let json = serde_json::to_vec(&edited("2026-06-01")).unwrap();
    let url = serve(Reply::With("200 OK", json));
    let (code, out, err) = xtask(&[
        "regen",
        "--from",
        &format!("{url}/openapi.json"),
        "--root",
        repo.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(String::from_utf8(bytes(repo.path(), "CHANGELOG.md"))
        .unwrap()
        .contains("info.version 2026-06-01\n"));
}

#[test]
fn download_failures_leave_the_files_untouched() {
    let repo = temp_repo();
    let url = serve(Reply::With("500 Internal Server Error", b"oops".to_vec()));
    let error = fails_untouched(&options(
        repo.path(),
        Source::Url(format!("{url}/openapi.json")),
    ));
    assert_eq!(
        error.to_string(),
        format!("cannot download {url}/openapi.json: the server answered 500 Internal Server Error; check the network, or pass `--from PATH` with a local copy")
    );

    let url = serve(Reply::Hang);
    let hanging = Options {
        timeout: Duration::from_millis(300),
        ..options(repo.path(), Source::Url(format!("{url}/x")))
    };
    let started = std::time::Instant::now();
    let error = fails_untouched(&hanging);
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(matches!(error, Error::Download { .. }), "{error}");
    assert!(error.to_string().contains("timed out"), "{error}");

    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let error = fails_untouched(&options(
        repo.path(),
        Source::Url(format!("http://{closed}/openapi.json")),
    ));
    assert!(matches!(error, Error::Download { .. }), "{error}");

    let url = serve(Reply::With("200 OK", b"<html>not a spec</html>".to_vec()));
    let error = fails_untouched(&options(
        repo.path(),
        Source::Url(format!("{url}/openapi.json")),
    ));
    assert!(
        matches!(error, Error::Parse { .. } | Error::NotOpenApi { .. }),
        "{error}"
    );
}

#[test]
fn bad_input_and_generation_failures_leave_the_files_untouched() {
    let repo = temp_repo();
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        Source::Path(path)
    };
    let error = fails_untouched(&options(
        repo.path(),
        Source::Path(dir.path().join("missing.json")),
    ));
    assert!(matches!(error, Error::Read { .. }), "{error}");
    let error = fails_untouched(&options(
        repo.path(),
        write("broken.json", "{\"openapi\": "),
    ));
    assert!(error.to_string().starts_with("cannot parse"), "{error}");
    let error = fails_untouched(&options(
        repo.path(),
        write("swagger.yaml", "swagger: '2.0'\npaths: {}\n"),
    ));
    assert!(
        error
            .to_string()
            .contains("is not an OpenAPI 3.0 or 3.1 document"),
        "{error}"
    );
    // Responses that are not a map: no OpenAPI 3.0 parser reads it.
    let no_generate = r##"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
        "paths": {"/a": {"get": {"responses": 42}}}}"##;
    let error = fails_untouched(&options(repo.path(), write("bad.json", no_generate)));
    assert!(matches!(error, Error::Generation(_)), "{error}");
    assert!(
        error
            .to_string()
            .starts_with("the new document does not generate a client"),
        "{error}"
    );
    let (code, _, err) = xtask(&[
        "regen",
        "--from",
        dir.path().join("bad.json").to_str().unwrap(),
        "--root",
        repo.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with("error: the new document does not generate a client"),
        "{err}"
    );
}

#[test]
fn skipped_operations_are_listed() {
    let repo = temp_repo();
    let mut doc = edited("3");
    // A multipart body: progenitor cannot generate it, so the operation is skipped.
    let content = &mut doc["paths"]["/v1/datasets"]["post"]["requestBody"]["content"];
    let body = content["application/json"].clone();
    *content = serde_json::json!({"multipart/form-data": body});
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("multi.json");
    std::fs::write(&path, serde_json::to_vec(&doc).unwrap()).unwrap();
    let mut out = Vec::new();
    let _ = run(
        &Options {
            allow_breaking: true,
            ..options(repo.path(), Source::Path(path))
        },
        &mut out,
    );
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains("the generator skips 1 operation(s):\n  - POST /v1/datasets"),
        "{out}"
    );
    assert!(out.contains("regen skips this operation"), "{out}");
}

#[test]
fn degraded_parameters_and_webhooks_are_listed() {
    let repo = temp_repo();
    let mut doc = edited("3");
    // A query parameter named like the builder's own `body` method.
    doc["paths"]["/v1/datasets"]["post"]["parameters"] =
        serde_json::json!([{"name": "body", "in": "query", "schema": {"type": "string"}}]);
    doc["webhooks"] = serde_json::json!({"dataset.ready": {"post": {"responses": {}}}});
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("degraded.json");
    std::fs::write(&path, serde_json::to_vec(&doc).unwrap()).unwrap();
    let mut out = Vec::new();
    run(
        &Options {
            allow_breaking: true,
            ..options(repo.path(), Source::Path(path))
        },
        &mut out,
    )
    .unwrap();
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains(
            "the generator degrades 1 schema(s) or parameter(s):\n  - #/paths/~1v1~1datasets/post/parameters/0: the parameter `body` is left out"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "webhook not generated (the API calls it; a client does not): dataset.ready (POST)"
        ),
        "{out}"
    );
}

#[test]
fn a_redirect_within_http_is_followed() {
    let document = std::fs::read(seed()).unwrap();
    let target = serve(Reply::With("200 OK", document.clone()));
    let redirect = serve(Reply::Redirect(format!("{target}/openapi.json")));
    let text = spec::fetch(&format!("{redirect}/moved"), Duration::from_secs(30)).unwrap();
    assert_eq!(text.as_bytes(), document);
}

#[test]
fn a_redirect_from_https_to_http_is_refused() {
    let url = |s: &str| reqwest::Url::parse(s).unwrap();
    let refused = spec::redirect_refused(
        &url("https://api.example/openapi.json"),
        &url("http://api.example/openapi.json"),
        1,
    )
    .expect("a downgrade is refused");
    assert!(refused.contains("from https to http"), "{refused}");
    for (from, to) in [
        ("https://a.example/x", "https://b.example/y"),
        ("http://a.example/x", "https://a.example/x"),
        ("http://a.example/x", "http://a.example/y"),
    ] {
        assert_eq!(
            spec::redirect_refused(&url(from), &url(to), 1),
            None,
            "{from} -> {to}"
        );
    }
    assert!(spec::redirect_refused(&url("http://a/x"), &url("http://a/y"), 11).is_some());
}

#[test]
fn an_endless_body_is_cut_at_the_cap() {
    let url = serve(Reply::Endless);
    let error = spec::fetch_capped(
        &format!("{url}/openapi.json"),
        Duration::from_secs(60),
        1 << 20,
    )
    .unwrap_err();
    assert!(matches!(error, Error::Download { .. }), "{error}");
    assert!(
        error
            .to_string()
            .contains("the document is larger than 1048576 bytes; stopped reading there"),
        "{error}"
    );
    // A declared length over the cap is refused before any of it is read.
    let big = serve(Reply::With("200 OK", vec![b' '; 4096]));
    let error = spec::fetch_capped(
        &format!("{big}/openapi.json"),
        Duration::from_secs(60),
        1024,
    )
    .unwrap_err();
    assert!(
        error.to_string().contains("larger than 1024 bytes"),
        "{error}"
    );
}

#[test]
fn one_deadline_covers_the_whole_download() {
    // Every byte comes well within any per-read timeout; the body never
    // ends, so only a deadline for the whole download stops it.
    let url = serve(Reply::Trickle);
    let started = std::time::Instant::now();
    let error =
        spec::fetch(&format!("{url}/openapi.json"), Duration::from_millis(700)).unwrap_err();
    assert!(matches!(error, Error::Download { .. }), "{error}");
    assert!(error.to_string().contains("timed out"), "{error}");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn the_download_follows_its_own_redirect_policy() {
    // A server that redirects to itself without end: the policy that also
    // refuses https to http stops it, in its own words.
    let url = serve(Reply::Redirect("/again".into()));
    let error = spec::fetch(&format!("{url}/start"), Duration::from_secs(30)).unwrap_err();
    assert!(matches!(error, Error::Download { .. }), "{error}");
    assert!(
        error.to_string().contains("more than 10 redirects"),
        "{error}"
    );
}

#[test]
fn the_manifest_lists_the_crates_the_generated_code_names_and_no_more() {
    use nebius_tokenfactory_codegen::manifest::DEPENDENCIES;
    let repo = temp_repo();
    let root = repo.path();
    // A date-time, a uuid and a pattern: chrono, uuid and regress.
    let mut doc = edited("20260601-crates");
    let properties = &mut doc["components"]["schemas"]["CreateDatasetResponse"]["properties"];
    properties["finished_at"] = serde_json::json!({"type": "string", "format": "date-time"});
    properties["run_id"] = serde_json::json!({"type": "string", "format": "uuid"});
    properties["slug"] = serde_json::json!({"type": "string", "pattern": "^[a-z]+$"});
    let dir = tempfile::tempdir().unwrap();
    let from = dir.path().join("with-formats.json");
    std::fs::write(&from, serde_json::to_string(&doc).unwrap()).unwrap();
    let allowed = |from| Options {
        allow_breaking: true,
        ..options(root, from)
    };
    let mut out = Vec::new();
    let outcome = run(&allowed(Source::Path(from)), &mut out).unwrap();
    assert_eq!(outcome, Outcome::Written("20260601-crates".into()));
    let all: Vec<&str> = DEPENDENCIES.iter().map(|(_, line)| *line).collect();
    assert_eq!(
        String::from_utf8(bytes(root, "Cargo.toml")).unwrap(),
        manifest(&all)
    );
    // Back to a document without them: the lines go, the rest stays.
    let outcome = run(&allowed(Source::Path(seed())), &mut out).unwrap();
    assert!(matches!(outcome, Outcome::Written(_)), "{outcome:?}");
    assert_eq!(
        String::from_utf8(bytes(root, "Cargo.toml")).unwrap(),
        manifest(&[])
    );
    // The same document again, with a manifest listing a crate its code no
    // longer names (as after a codegen change): only the manifest changes.
    std::fs::write(root.join("Cargo.toml"), manifest(&[DEPENDENCIES[2].1])).unwrap();
    let spec_before = bytes(root, "openapi.json");
    let mut out = Vec::new();
    let outcome = run(&allowed(Source::Path(seed())), &mut out).unwrap();
    assert_eq!(outcome, Outcome::UpToDate);
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains("Cargo.toml now lists the crates its code names"),
        "{out}"
    );
    assert_eq!(
        String::from_utf8(bytes(root, "Cargo.toml")).unwrap(),
        manifest(&[])
    );
    assert_eq!(bytes(root, "openapi.json"), spec_before);
    // A manifest regen cannot edit is refused, and nothing is written.
    std::fs::write(root.join("Cargo.toml"), "[dependencies]\nserde = \"1\"\n").unwrap();
    let error = fails_untouched(&options(
        root,
        Source::Path(fixture("response_property_added.json")),
    ));
    assert!(error.to_string().contains("no line"), "{error}");
}
