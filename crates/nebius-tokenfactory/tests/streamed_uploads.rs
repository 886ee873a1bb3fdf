//! Uploads whose body is written while it is sent: what a real HTTP server
//! receives, progress, retries, and the guarantee that nothing is sent when
//! a row fails its check.
//!
//! The server is Node's http module (`tests/node/json-server.mjs`), which
//! decodes chunked bodies as production servers do and parses each one as
//! JSON; it needs Node.js, which the contract tests need too, and never
//! skips.
#![cfg(unix)]

mod common;

use common::{client, dataset_json, Reply, ScriptedServer};
use nebius_tokenfactory::datasets::Progress;
use serde::Serialize;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

/// The Node server, stopped when dropped (and when the test process ends:
/// it exits when its stdin closes).
struct NodeServer {
    child: Child,
    url: String,
    dir: PathBuf,
}

impl NodeServer {
    fn start(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("nebius-node-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/node/json-server.mjs");
        let mut child = Command::new("node")
            .arg(script)
            .arg(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("Node.js runs the test server: install Node.js 18 or later");
        let mut port = String::new();
        BufReader::new(child.stdout.as_mut().unwrap())
            .read_line(&mut port)
            .unwrap();
        let url = format!("http://127.0.0.1:{}", port.trim());
        Self { child, url, dir }
    }

    /// The raw bytes of the `n`th body the server received.
    fn body(&self, n: usize) -> Vec<u8> {
        std::fs::read(self.dir.join(format!("body-{n}.json"))).unwrap()
    }
}

impl Drop for NodeServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[derive(Serialize, schemars::JsonSchema)]
struct Row {
    id: i64,
    text: String,
    score: f64,
    stars: Option<u8>,
}

fn rows(n: usize) -> Vec<Row> {
    (0..n)
        .map(|i| Row {
            id: i as i64,
            text: format!("row {i}: \"quoted\", ünïcödé, \\ and \n newline"),
            score: i as f64 / 7.0,
            stars: (i % 10 != 0).then_some((i % 5) as u8),
        })
        .collect()
}

/// What `serde_json::to_vec` of the request writes: the floor.
fn floor(rows: &[Row]) -> Vec<u8> {
    #[derive(Serialize)]
    struct Request<'a> {
        name: &'a str,
        schema: serde_json::Value,
        folder: &'a str,
        rows: &'a [Row],
    }
    let schema = nebius_tokenfactory::datasets::DatasetSchema::from_type::<Row>().unwrap();
    serde_json::to_vec(&Request {
        name: "streamed",
        schema: serde_json::to_value(schema.to_api()).unwrap(),
        folder: "/f",
        rows,
    })
    .unwrap()
}

#[tokio::test]
async fn a_real_server_receives_exactly_the_floors_json_chunked_or_buffered() {
    let server = NodeServer::start("exact");
    let client = client(&server.url).build().unwrap();
    let rows = rows(30_000);
    let expected = floor(&rows);

    let streamed = client
        .datasets()
        .upload("streamed", "/f", &rows)
        .send_with_response()
        .await
        .unwrap();
    let header = |name: &str| streamed.headers()[name].to_str().unwrap().to_string();
    assert_eq!(header("x-body-transfer-encoding"), "chunked");
    assert_eq!(header("x-body-rows"), "30000");
    assert!(
        server.body(1) == expected,
        "the streamed body differs from the floor's"
    );

    let buffered = client
        .datasets()
        .upload("streamed", "/f", &rows)
        .buffered()
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(buffered.headers()["x-body-transfer-encoding"], "none");
    assert!(
        server.body(2) == expected,
        "the buffered body differs from the floor's"
    );
    assert_eq!(buffered.into_inner().name, "streamed");

    // A small body goes whole, with a Content-Length.
    let few = &rows[..10];
    let small = client
        .datasets()
        .upload("streamed", "/f", few)
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(small.headers()["x-body-transfer-encoding"], "none");
    assert!(
        server.body(3) == floor(few),
        "the small body differs from the floor's"
    );
}

#[tokio::test]
async fn progress_counts_every_row_and_byte_once() {
    let server = NodeServer::start("progress");
    let client = client(&server.url).build().unwrap();
    let rows = rows(20_000);
    let seen: Arc<Mutex<Vec<Progress>>> = Arc::default();
    let log = seen.clone();
    client
        .datasets()
        .upload("streamed", "/f", &rows)
        .on_progress(move |p| log.lock().unwrap().push(*p))
        .send()
        .await
        .unwrap();
    let seen = seen.lock().unwrap();
    assert!(seen.len() > 2, "reported once per chunk: {}", seen.len());
    assert!(seen
        .windows(2)
        .all(|w| w[0].rows_sent <= w[1].rows_sent && w[0].bytes_sent < w[1].bytes_sent));
    let last = seen.last().unwrap();
    assert!(last.is_complete() && last.rows_total == 20_000 && last.attempt == 1);
    assert_eq!(last.bytes_sent, server.body(1).len() as u64);
}

#[tokio::test]
async fn a_retry_writes_the_whole_body_again() {
    let server = ScriptedServer::start(vec![
        Reply::new(503, "{}").header("retry-after", "0"),
        Reply::new(200, dataset_json("streamed")),
    ]);
    let client = client(&server.url).build().unwrap();
    let rows = rows(5_000);
    let attempts: Arc<Mutex<Vec<u32>>> = Arc::default();
    let log = attempts.clone();
    client
        .datasets()
        .upload("streamed", "/f", &rows)
        .on_progress(move |p| {
            if p.is_complete() {
                log.lock().unwrap().push(p.attempt)
            }
        })
        .send()
        .await
        .unwrap();
    let received = server.received();
    assert_eq!(received.len(), 2);
    let expected = floor(&rows);
    assert!(
        received.iter().all(|r| r.body == expected),
        "both attempts send the whole body"
    );
    assert_eq!(*attempts.lock().unwrap(), [1, 2]);
}

#[tokio::test]
async fn a_bad_row_at_the_end_stops_the_upload_before_anything_is_sent() {
    let server = ScriptedServer::start(vec![Reply::new(200, dataset_json("streamed"))]);
    let client = client(&server.url).build().unwrap();
    let mut rows = rows(100_000);
    rows[99_999].score = f64::NAN;
    let err = client
        .datasets()
        .upload("streamed", "/f", &rows)
        .send()
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("row 99999, column `score`"),
        "{err}"
    );
    assert!(server.received().is_empty(), "nothing was sent");
}

/// The old body reserved room for every row from the size of the first 64:
/// 64 rows of a megabyte, then short ones, asked for hundreds of gigabytes
/// and aborted the process. Nothing is sized from a guess now.
#[tokio::test]
async fn large_first_rows_do_not_size_the_body() {
    let server = NodeServer::start("guess");
    let client = client(&server.url).build().unwrap();
    let big = "x".repeat(1 << 20);
    let rows: Vec<Row> = (0..200_064)
        .map(|i| Row {
            id: i,
            text: if i < 64 { big.clone() } else { "s".into() },
            score: 1.0,
            stars: None,
        })
        .collect();
    let sent = client
        .datasets()
        .upload("streamed", "/f", &rows)
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(sent.headers()["x-body-rows"], "200064");
}
