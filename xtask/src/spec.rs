//! Loading OpenAPI documents, from a file or a URL, in JSON or YAML; and
//! writing them in the one canonical form.
//!
//! The canonical form is `serde_json::to_string_pretty` with the keys in
//! the order of the input (serde_json's `preserve_order`), plus a trailing
//! newline. Keeping the upstream order keeps the vendored file readable
//! next to the upstream one, and the same document always gives the same
//! bytes.

use crate::error::{Error, Result};
use serde_json::{Map, Value};
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Where the upstream document is published.
pub const DEFAULT_URL: &str = "https://api.tokenfactory.nebius.com/openapi.json";

/// How long a download may take, from connecting to the last byte of the
/// body: one deadline for the whole of it.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// The largest document a download reads (64 MiB): the published document
/// is a few hundred kilobytes, and a body without end must not fill memory.
pub const MAX_DOCUMENT: u64 = 64 * 1024 * 1024;

/// How many redirects a download follows.
const MAX_REDIRECTS: usize = 10;

/// Where a document comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// An `http://` or `https://` address.
    Url(String),
    /// A local file.
    Path(PathBuf),
}

impl Source {
    /// A URL when `arg` starts with `http://` or `https://`, else a path.
    pub fn parse(arg: &str) -> Self {
        if arg.starts_with("http://") || arg.starts_with("https://") {
            Source::Url(arg.to_string())
        } else {
            Source::Path(PathBuf::from(arg))
        }
    }
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Url(url) => f.write_str(url),
            Source::Path(path) => write!(f, "{}", path.display()),
        }
    }
}

/// Reads and parses a document; downloads wait at most `timeout`.
pub fn load(source: &Source, timeout: Duration) -> Result<Value> {
    let text = match source {
        Source::Url(url) => fetch(url, timeout)?,
        Source::Path(path) => read(path)?,
    };
    let doc = parse(&text, &source.to_string())?;
    check_openapi(&doc, &source.to_string())?;
    Ok(doc)
}

/// Reads a file as text.
pub fn read(path: &Path) -> Result<String> {
    fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// Downloads `url` as text, failing on a non-success status: see
/// [`fetch_capped`], with [`MAX_DOCUMENT`].
pub fn fetch(url: &str, timeout: Duration) -> Result<String> {
    fetch_capped(url, timeout, MAX_DOCUMENT)
}

/// Downloads `url` as text, within one deadline (`timeout`, from the start
/// to the last byte) and reading at most `max_bytes` of body. Redirects are
/// followed, up to ten, except from `https` to anything else.
pub fn fetch_capped(url: &str, timeout: Duration, max_bytes: u64) -> Result<String> {
    let deadline = Instant::now() + timeout;
    let fail = |reason: String| Error::Download {
        url: url.to_string(),
        reason,
    };
    // reqwest is built without a crypto provider of its own (see Cargo.toml);
    // an error means one is installed already, which serves as well.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let policy = reqwest::redirect::Policy::custom(|attempt| {
        let refused = attempt
            .previous()
            .last()
            .and_then(|from| redirect_refused(from, attempt.url(), attempt.previous().len()));
        match refused {
            Some(reason) => attempt.error(reason),
            None => attempt.follow(),
        }
    });
    let client = reqwest::blocking::Client::builder()
        // The whole request, connecting and the body included; the reads
        // below also stop at the same deadline.
        .timeout(timeout)
        .redirect(policy)
        .user_agent(concat!(
            "nebius-tokenfactory-xtask/",
            env!("CARGO_PKG_VERSION")
        ))
        .build()
        .map_err(|e| fail(chain(&e)))?;
    let response = client.get(url).send().map_err(|e| fail(chain(&e)))?;
    let status = response.status();
    if !status.is_success() {
        return Err(fail(format!("the server answered {status}")));
    }
    let too_large = || {
        fail(format!(
            "the document is larger than {max_bytes} bytes; stopped reading there"
        ))
    };
    if response.content_length().is_some_and(|n| n > max_bytes) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    let mut reader = response.take(max_bytes + 1);
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        if Instant::now() >= deadline {
            return Err(fail(format!("timed out after {timeout:?}")));
        }
        let n = match reader.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(fail(chain(&e))),
        };
        body.extend_from_slice(&buffer[..n]);
        if body.len() as u64 > max_bytes {
            return Err(too_large());
        }
    }
    String::from_utf8(body).map_err(|e| fail(format!("the document is not UTF-8: {e}")))
}

/// Why a redirect from `from` to `to`, after `followed` others, is not
/// followed; `None` when it may be.
pub fn redirect_refused(from: &reqwest::Url, to: &reqwest::Url, followed: usize) -> Option<String> {
    if from.scheme() == "https" && to.scheme() != "https" {
        return Some(format!(
            "refused a redirect from https to {}: {to}",
            to.scheme()
        ));
    }
    if followed > MAX_REDIRECTS {
        return Some(format!("more than {MAX_REDIRECTS} redirects"));
    }
    None
}

/// An error and its sources, as one line: reqwest's own message alone
/// ("error sending request") does not say whether DNS, TLS or a timeout failed.
fn chain(error: &dyn std::error::Error) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        out.push_str(": ");
        out.push_str(&e.to_string());
        source = e.source();
    }
    out
}

/// Parses JSON, or YAML when the text is not JSON.
///
/// YAML goes through `serde_norway::Value` first: YAML keys need not be
/// strings (`200:` is an integer), and JSON object keys must be.
pub fn parse(text: &str, origin: &str) -> Result<Value> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        return serde_json::from_str(trimmed).map_err(|e| Error::Parse {
            origin: origin.into(),
            reason: e.to_string(),
        });
    }
    let yaml: serde_norway::Value = serde_norway::from_str(trimmed).map_err(|e| Error::Parse {
        origin: origin.into(),
        reason: e.to_string(),
    })?;
    yaml_to_json(yaml).map_err(|reason| Error::Parse {
        origin: origin.into(),
        reason,
    })
}

fn yaml_to_json(yaml: serde_norway::Value) -> Result<Value, String> {
    use serde_norway::Value as Y;
    Ok(match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into()
            } else if let Some(u) = n.as_u64() {
                u.into()
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f)
                    .map(Value::Number)
                    .ok_or_else(|| format!("the number {n} has no JSON form"))?
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .map(yaml_to_json)
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(mapping) => {
            let mut map = Map::new();
            for (key, value) in mapping {
                let key = match key {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    Y::Null => "null".into(),
                    other => return Err(format!("the mapping key {other:?} is not a scalar")),
                };
                map.insert(key, yaml_to_json(value)?);
            }
            Value::Object(map)
        }
        Y::Tagged(tagged) => yaml_to_json(tagged.value)?,
    })
}

/// Checks the `openapi` field: 3.0.x and 3.1.x are accepted.
pub fn check_openapi(doc: &Value, origin: &str) -> Result<()> {
    let fail = |reason: &str| Error::NotOpenApi {
        origin: origin.into(),
        reason: reason.into(),
    };
    let obj = doc
        .as_object()
        .ok_or_else(|| fail("the document is not an object"))?;
    let version = obj
        .get("openapi")
        .and_then(Value::as_str)
        .ok_or_else(|| fail("it has no `openapi` version field (Swagger 2.0 is not supported)"))?;
    if !(version.starts_with("3.0") || version.starts_with("3.1")) {
        return Err(fail(&format!("its `openapi` field is {version:?}")));
    }
    Ok(())
}

/// The canonical text of a document.
pub fn canonical(doc: &Value) -> String {
    // Serialising a `Value` cannot fail: its keys are strings.
    let mut text = serde_json::to_string_pretty(doc).unwrap_or_default();
    text.push('\n');
    text
}

/// Replaces `path` with `bytes` atomically: a temporary file in the same
/// folder, flushed to disk, then renamed over the target. A reader sees the
/// old file or the new one, never a part.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let temp = temp_path(path);
    let fail = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let written = (|| {
        let mut file = fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&temp);
        return Err(fail(e));
    }
    fs::rename(&temp, path).map_err(|e| {
        let _ = fs::remove_file(&temp);
        fail(e)
    })
}

/// Replaces several files as one change. Every new text is written to a
/// temporary file beside its target first; only when all are written are
/// they renamed into place. Should a rename fail, the files already
/// replaced get their old contents back, so the tree is as it was.
pub fn replace_all(files: &[(PathBuf, String)]) -> Result<()> {
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    let discard = |staged: &[(PathBuf, PathBuf)]| {
        for (temp, _) in staged {
            let _ = fs::remove_file(temp);
        }
    };
    for (path, text) in files {
        let temp = temp_path(path);
        let written = (|| {
            let mut file = fs::File::create(&temp)?;
            file.write_all(text.as_bytes())?;
            file.sync_all()
        })();
        if let Err(source) = written {
            let _ = fs::remove_file(&temp);
            discard(&staged);
            return Err(Error::Write {
                path: path.clone(),
                source,
            });
        }
        staged.push((temp, path.clone()));
    }
    let originals: Vec<Option<Vec<u8>>> =
        staged.iter().map(|(_, path)| fs::read(path).ok()).collect();
    for (i, (temp, path)) in staged.iter().enumerate() {
        if let Err(source) = fs::rename(temp, path) {
            discard(&staged[i..]);
            // Each old text goes back as the new one came: whole, through a
            // temporary file, so a write that fails half-way (a full disk)
            // leaves a whole file, never a part of one.
            for ((_, done), original) in staged[..i].iter().zip(&originals) {
                let _ = match original {
                    Some(bytes) => write_atomic(done, bytes),
                    None => fs::remove_file(done).map_err(|source| Error::Write {
                        path: done.clone(),
                        source,
                    }),
                };
            }
            return Err(Error::Write {
                path: path.clone(),
                source,
            });
        }
    }
    Ok(())
}

/// `.NAME.tmp-PID` beside `path`.
fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn replace_all_changes_every_file_or_none() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.txt");
        let b = dir.path().join("b.txt");
        fs::write(&a, "old a").unwrap();
        replace_all(&[(a.clone(), "new a".into()), (b.clone(), "new b".into())]).unwrap();
        assert_eq!(fs::read_to_string(&a).unwrap(), "new a");
        assert_eq!(fs::read_to_string(&b).unwrap(), "new b");

        // A directory where the second file goes: its rename fails, after
        // the first file was replaced, which must get its old text back.
        let blocked = dir.path().join("blocked");
        fs::create_dir(&blocked).unwrap();
        fs::write(blocked.join("inside"), "x").unwrap();
        let err = replace_all(&[
            (a.clone(), "newer a".into()),
            (blocked.clone(), "text".into()),
        ])
        .unwrap_err();
        assert!(err.to_string().starts_with("cannot write"), "{err}");
        assert_eq!(fs::read_to_string(&a).unwrap(), "new a");
        let mut names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            ["a.txt", "b.txt", "blocked"],
            "no temporary file is left"
        );
    }

    /// The child process of [`a_rollback_that_fails_to_write_leaves_a_whole_file`]:
    /// under a file-size limit, a rollback that writes the old text back
    /// fails part-way.
    #[test]
    fn rollback_under_a_file_size_limit() {
        let Some(dir) = std::env::var_os("XTASK_ROLLBACK_DIR") else {
            return;
        };
        let dir = PathBuf::from(dir);
        let err = replace_all(&[
            (dir.join("a.txt"), "new a".into()),
            (dir.join("blocked"), "text".into()),
        ])
        .unwrap_err();
        assert!(err.to_string().starts_with("cannot write"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn a_rollback_that_fails_to_write_leaves_a_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.txt");
        let old = "old a ".repeat(2000);
        fs::write(&a, &old).unwrap();
        let blocked = dir.path().join("blocked");
        fs::create_dir(&blocked).unwrap();
        fs::write(blocked.join("inside"), "x").unwrap();
        // The child writes at most 1 KiB a file (and ignores SIGXFSZ, so a
        // write past it fails instead of killing it): the new text fits,
        // the old one does not.
        let status = std::process::Command::new("bash")
            .arg("-c")
            .arg(r#"trap "" XFSZ; ulimit -f 1; exec "$0" "$@""#)
            .arg(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "spec::tests::rollback_under_a_file_size_limit",
                "--test-threads",
                "1",
            ])
            .env("XTASK_ROLLBACK_DIR", dir.path())
            .status()
            .unwrap();
        assert!(status.success(), "the child failed: {status}");
        let now = fs::read_to_string(&a).unwrap();
        assert!(
            now == old || now == "new a",
            "a.txt is neither the old text nor the new one: {} bytes",
            now.len()
        );
    }

    #[test]
    fn sources_are_urls_or_paths() {
        assert_eq!(
            Source::parse("https://a/b.json"),
            Source::Url("https://a/b.json".into())
        );
        assert_eq!(Source::parse("spec.yaml"), Source::Path("spec.yaml".into()));
    }

    #[test]
    fn yaml_keeps_key_order_and_stringifies_status_codes() {
        let doc = parse(
            "openapi: 3.0.3\nzeta: 1\nalpha:\n  200: ok\n  default: no\n",
            "t",
        )
        .unwrap();
        assert_eq!(canonical(&doc), "{\n  \"openapi\": \"3.0.3\",\n  \"zeta\": 1,\n  \"alpha\": {\n    \"200\": \"ok\",\n    \"default\": \"no\"\n  }\n}\n");
    }

    #[test]
    fn json_keeps_key_order() {
        let doc = parse(r#"{"b": 1, "a": {"d": 2, "c": 3}}"#, "t").unwrap();
        assert_eq!(
            canonical(&doc),
            "{\n  \"b\": 1,\n  \"a\": {\n    \"d\": 2,\n    \"c\": 3\n  }\n}\n"
        );
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        assert!(matches!(parse("{not json", "t"), Err(Error::Parse { .. })));
        assert!(matches!(
            parse("a: [unclosed", "t"),
            Err(Error::Parse { .. })
        ));
        assert!(matches!(
            check_openapi(&json!({"swagger": "2.0"}), "t"),
            Err(Error::NotOpenApi { .. })
        ));
        assert!(matches!(
            check_openapi(&json!({"openapi": "4.0.0"}), "t"),
            Err(Error::NotOpenApi { .. })
        ));
        assert!(check_openapi(&json!({"openapi": "3.1.0"}), "t").is_ok());
    }

    #[test]
    fn atomic_write_replaces_the_file_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("openapi.json");
        fs::write(&path, "old").unwrap();
        write_atomic(&path, b"new").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
