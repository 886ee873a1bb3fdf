//! Helpers shared by the xtask's integration tests: fixtures, a temporary
//! copy of the repository files regen touches, and a tiny HTTP server.

#![allow(dead_code)] // each test file uses a different part

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread;
use std::time::Duration;

/// A file under tests/fixtures/.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The seed document: a copy of the repository's openapi.json.
pub fn seed() -> PathBuf {
    fixture("seed/openapi.json")
}

/// A temporary repository root holding openapi.json (the seed, as
/// vendored), CHANGELOG.md, and a Cargo.toml listing no crate for the
/// generated code ([`manifest`]).
pub fn temp_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(seed(), dir.path().join("openapi.json")).unwrap();
    std::fs::write(dir.path().join("Cargo.toml"), manifest(&[])).unwrap();
    std::fs::write(
        dir.path().join("CHANGELOG.md"),
        "# Changelog\n\n## 0.1.0\n\n- First release\n",
    )
    .unwrap();
    dir
}

/// A manifest like the generated crate's, with `lines` between the markers
/// the regen writes the crates the generated code names between.
pub fn manifest(lines: &[&str]) -> String {
    use nebius_tokenfactory_codegen::manifest::{BEGIN, END};
    let lines: String = lines.iter().map(|l| format!("{l}\n")).collect();
    format!(
        "[package]\nname = \"generated\"\n\n[dependencies]\nserde = \"1\"\n{BEGIN}\n{lines}{END}\n"
    )
}

/// The bytes of `name` under `root`.
pub fn bytes(root: &Path, name: &str) -> Vec<u8> {
    std::fs::read(root.join(name)).unwrap()
}

/// Runs the xtask binary; returns exit code, stdout and stderr.
pub fn xtask(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// What the test server does with each connection.
#[derive(Clone)]
pub enum Reply {
    /// Answers with this status line (e.g. `200 OK`) and body.
    With(&'static str, Vec<u8>),
    /// Reads the request and never answers (until the process ends).
    Hang,
    /// Answers `302 Found` to this address.
    Redirect(String),
    /// Answers `200 OK` with a body that never ends (no length; the
    /// connection stays open while it is read).
    Endless,
    /// Answers `200 OK` with a body of one byte every 100 ms, without end.
    Trickle,
}

/// Serves `reply` on 127.0.0.1 in a background thread; returns the base URL.
pub fn serve(reply: Reply) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let reply = reply.clone();
            thread::spawn(move || {
                let mut request = Vec::new();
                let mut buffer = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buffer) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buffer[..n]),
                    }
                }
                match reply {
                    Reply::With(status, body) => {
                        let head = format!(
                            "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                            body.len()
                        );
                        let _ = stream.write_all(head.as_bytes());
                        let _ = stream.write_all(&body);
                    }
                    Reply::Hang => thread::sleep(Duration::from_secs(60)),
                    Reply::Redirect(location) => {
                        let head = format!(
                            "HTTP/1.1 302 Found\r\nlocation: {location}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                        );
                        let _ = stream.write_all(head.as_bytes());
                    }
                    Reply::Endless => {
                        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n{");
                        let block = vec![b' '; 64 * 1024];
                        while stream.write_all(&block).is_ok() {}
                    }
                    Reply::Trickle => {
                        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n");
                        while stream.write_all(b" ").is_ok() {
                            thread::sleep(Duration::from_millis(100));
                        }
                    }
                }
            });
        }
    });
    format!("http://{address}")
}
