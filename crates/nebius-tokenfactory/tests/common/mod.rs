//! A scripted HTTP server for tests that need a sequence of answers
//! (429, then 200) or a misbehaving peer, which httpmock cannot script.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// One scripted answer.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// Wait this long before answering (to trigger client timeouts).
    pub delay: Duration,
    /// How the answer misbehaves, if it does.
    pub fault: Option<Fault>,
}

/// A peer that breaks the protocol part-way.
#[derive(Clone, Copy, Debug)]
pub enum Fault {
    /// The headers and half the body, then the connection closes.
    ResetMidBody,
    /// The headers at once, then the body one byte per interval.
    Trickle(Duration),
    /// The body, then more, without end: no length, and the connection
    /// never closes until the client does.
    Endless,
}

impl Reply {
    pub fn new(status: u16, body: impl Into<String>) -> Self {
        Self {
            status,
            headers: vec![],
            body: body.into(),
            delay: Duration::ZERO,
            fault: None,
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    pub fn faulty(mut self, fault: Fault) -> Self {
        self.fault = Some(fault);
        self
    }
}

/// A request as received.
#[derive(Clone, Debug)]
pub struct Received {
    pub request_line: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

/// Serves `replies` in order, one per connection, each connection on its
/// own thread (so a retry is received while an earlier answer is still
/// delayed), then stops accepting.
pub struct ScriptedServer {
    pub url: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl ScriptedServer {
    pub fn start(replies: Vec<Reply>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        thread::spawn(move || {
            for reply in replies {
                let Ok((stream, _)) = listener.accept() else {
                    return;
                };
                let log = log.clone();
                thread::spawn(move || serve(stream, &reply, &log));
            }
        });
        Self { url, received }
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

/// A chunked body, decoded; as much as came if the connection broke.
fn read_chunked(reader: &mut impl BufRead) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let mut size = String::new();
        if reader.read_line(&mut size).unwrap_or(0) == 0 {
            return body;
        }
        let size = size.trim().split(';').next().unwrap_or("");
        let Ok(size) = usize::from_str_radix(size, 16) else {
            return body;
        };
        let mut chunk = vec![0; size + 2];
        if reader.read_exact(&mut chunk).is_err() {
            return body;
        }
        if size == 0 {
            return body;
        }
        body.extend_from_slice(&chunk[..size]);
    }
}

fn serve(stream: TcpStream, reply: &Reply, log: &Mutex<Vec<Received>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some((k, v)) = line.trim_end().split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let value = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.to_ascii_lowercase())
    };
    let body = if value("transfer-encoding").as_deref() == Some("chunked") {
        read_chunked(&mut reader)
    } else {
        let length = value("content-length")
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(0);
        let mut body = vec![0; length];
        let _ = reader.read_exact(&mut body);
        body
    };
    log.lock().unwrap().push(Received {
        request_line: request_line.trim_end().into(),
        headers,
        body,
    });
    thread::sleep(reply.delay);
    let length = match reply.fault {
        Some(Fault::Endless) => String::new(),
        _ => format!("content-length: {}\r\n", reply.body.len()),
    };
    let mut head = format!(
        "HTTP/1.1 {} X\r\n{length}connection: close\r\n",
        reply.status
    );
    for (k, v) in &reply.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let mut stream = stream;
    let _ = stream.write_all(head.as_bytes());
    let body = reply.body.as_bytes();
    match reply.fault {
        None => {
            let _ = stream.write_all(body);
        }
        Some(Fault::ResetMidBody) => {
            let _ = stream.write_all(&body[..body.len() / 2]);
            let _ = stream.flush();
            let _ = stream.shutdown(std::net::Shutdown::Both);
        }
        Some(Fault::Endless) => {
            let _ = stream.write_all(body);
            let chunk = vec![b'x'; 64 * 1024];
            while stream.write_all(&chunk).is_ok() {}
        }
        Some(Fault::Trickle(interval)) => {
            for byte in body {
                if stream.write_all(std::slice::from_ref(byte)).is_err() {
                    return;
                }
                let _ = stream.flush();
                thread::sleep(interval);
            }
        }
    }
}

/// Everything the SDK logs on this thread while installed, for tests that
/// read the logs.
///
/// One global subscriber, set once, writes every event at every level to
/// the capture of the thread it happens on, if that thread has one. A
/// thread-local default subscriber instead would race with tests on other
/// threads over tracing's per-callsite cache of who is interested.
#[derive(Clone, Default)]
pub struct CapturedLogs(Arc<Mutex<Vec<u8>>>);

thread_local! {
    static CAPTURE: std::cell::RefCell<Option<CapturedLogs>> = const { std::cell::RefCell::new(None) };
}

/// Ends a capture when dropped.
pub struct CaptureGuard;

impl Drop for CaptureGuard {
    fn drop(&mut self) {
        CAPTURE.with(|c| *c.borrow_mut() = None);
    }
}

impl CapturedLogs {
    /// Captures this thread's events at `level` and above until the guard
    /// drops.
    pub fn install(&self, level: tracing::Level) -> CaptureGuard {
        static GLOBAL: std::sync::Once = std::sync::Once::new();
        GLOBAL.call_once(|| {
            let subscriber = tracing_subscriber::fmt()
                .with_max_level(tracing::Level::TRACE)
                .with_writer(ThreadCapture(true))
                .with_ansi(false)
                .finish();
            tracing::subscriber::set_global_default(subscriber).expect("one global subscriber");
        });
        CAPTURE.with(|c| *c.borrow_mut() = Some(self.clone()));
        LEVEL.with(|l| l.set(level));
        CaptureGuard
    }

    /// What was written so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

thread_local! {
    static LEVEL: std::cell::Cell<tracing::Level> = const { std::cell::Cell::new(tracing::Level::TRACE) };
}

/// The global subscriber's writer: this thread's capture, or nowhere (for
/// an event below the capture's level, or a thread without a capture).
struct ThreadCapture(bool);

impl Write for ThreadCapture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.0 {
            CAPTURE.with(|c| {
                if let Some(logs) = c.borrow().as_ref() {
                    logs.0.lock().unwrap().extend_from_slice(buf);
                }
            });
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for ThreadCapture {
    type Writer = ThreadCapture;
    fn make_writer(&'a self) -> Self::Writer {
        ThreadCapture(true)
    }

    fn make_writer_for(&'a self, meta: &tracing::Metadata<'_>) -> Self::Writer {
        ThreadCapture(LEVEL.with(|l| *meta.level() <= l.get()))
    }
}

/// A JSON body of a created dataset.
/// A one-row upload request of the generated types, for calls through
/// `client.api()`.
pub fn upload_request() -> nebius_tokenfactory::api::types::CreateDatasetRequest {
    serde_json::from_value(serde_json::json!({
        "name": "d", "folder": "/f", "schema": [{"name": "text", "type": {"name": "string"}}],
        "rows": [{"text": "a"}]
    }))
    .unwrap()
}

pub fn dataset_json(name: &str) -> String {
    serde_json::json!({
        "id": "ds-1", "name": name, "status": "PENDING",
        "schema": [{"name": "text", "type": {"name": "string"}}],
        "metadata": {}, "folder": "/f", "current_version": "v1",
        "created_at": 1760109124, "error": null
    })
    .to_string()
}

/// A base URL where nothing listens: a port bound and released at once.
pub fn closed_port_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    url
}

pub fn client(url: &str) -> nebius_tokenfactory::ClientBuilder {
    nebius_tokenfactory::Client::builder()
        .with_api_key(KEY)
        .with_base_url(url)
        .with_retry_policy(
            nebius_tokenfactory::RetryPolicy::default()
                .with_backoff(Duration::from_millis(1), Duration::from_millis(5)),
        )
}

pub const KEY: &str = "sk-test-0123456789abcdef";

#[derive(serde::Serialize, schemars::JsonSchema, Clone)]
pub struct Review {
    pub text: String,
    pub stars: Option<u8>,
}

/// Uploads [`reviews`] as dataset `d` in `/f`.
pub async fn upload_reviews(
    client: &nebius_tokenfactory::Client,
) -> Result<nebius_tokenfactory::datasets::Dataset, nebius_tokenfactory::Error> {
    client.datasets().upload("d", "/f", &reviews()).send().await
}

pub fn reviews() -> Vec<Review> {
    vec![
        Review {
            text: "good".into(),
            stars: Some(5),
        },
        Review {
            text: "meh".into(),
            stars: None,
        },
    ]
}
