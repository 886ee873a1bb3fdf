//! A sink HTTP/1.1 server on loopback for the benchmarks: it reads each
//! request's head, discards the body (by its Content-Length, or chunk by
//! chunk), and answers 200 with a created dataset. One thread per
//! connection; connections are kept alive, as reqwest expects.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;

/// Bodies up to this size are kept, so a benchmark can check what a path
/// sent; larger ones are only counted.
const KEEP_UP_TO: u64 = 64 * 1024;

/// A `CreateDatasetResponse`, as the API sends one.
const RESPONSE: &str = r#"{"id":"4d89c87498354518b92fa02fc0ad8720","name":"bench-reviews","status":"READY","schema":[{"name":"text","type":{"name":"string"}}],"metadata":{"source":"upload"},"current_version_origin":{"type":"upload"},"folder":"/bench","current_version":"0ed2d94b38fb40b9b61f6a","created_at":1760109124,"error":null}"#;

/// The last request the sink read.
#[derive(Debug, Clone, Default)]
pub struct Seen {
    /// Its body's length.
    pub body_bytes: u64,
    /// Its body, if no longer than [`KEEP_UP_TO`].
    pub body: Option<Vec<u8>>,
}

/// A running sink; it stops with the process.
pub struct Sink {
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    seen: Arc<Mutex<Seen>>,
}

impl Sink {
    /// Binds a free loopback port and serves it from a background thread.
    pub fn start() -> io::Result<Sink> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let base_url = format!("http://{}", listener.local_addr()?);
        let seen = Arc::new(Mutex::new(Seen::default()));
        let shared = Arc::clone(&seen);
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let seen = Arc::clone(&shared);
                thread::spawn(move || {
                    if let Err(e) = serve(stream, &seen) {
                        eprintln!("sink: {e}");
                    }
                });
            }
        });
        Ok(Sink { base_url, seen })
    }

    /// The last request read. A client holding a response has its request
    /// recorded here: the sink records before it answers.
    pub fn last(&self) -> Seen {
        self.seen
            .lock()
            .expect("the sink never panics holding it")
            .clone()
    }
}

/// Serves requests on one connection until the client closes it.
fn serve(stream: TcpStream, seen: &Mutex<Seen>) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let mut reader = BufReader::with_capacity(64 * 1024, stream.try_clone()?);
    let mut writer = stream;
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-request-id: bench\r\ncontent-length: {}\r\n\r\n{RESPONSE}",
        RESPONSE.len()
    );
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let mut length = None;
        let mut chunked = false;
        loop {
            line.clear();
            if reader.read_line(&mut line)? == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse::<u64>().ok();
                } else if name.eq_ignore_ascii_case("transfer-encoding") {
                    chunked = value.trim().eq_ignore_ascii_case("chunked");
                }
            }
        }
        let mut kept = Vec::new();
        let length = if chunked {
            read_chunked(&mut reader, &mut kept)?
        } else {
            let length =
                length.ok_or_else(|| io::Error::other("a request without Content-Length"))?;
            let mut body = (&mut reader).take(length);
            keep(&mut body, &mut kept)?;
            if body.limit() > 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            length
        };
        let kept = (length <= KEEP_UP_TO).then_some(kept);
        *seen.lock().expect("the sink never panics holding it") = Seen {
            body_bytes: length,
            body: kept,
        };
        writer.write_all(response.as_bytes())?;
    }
}

/// Reads `body` to its end, keeping the first [`KEEP_UP_TO`] bytes (and a
/// little more) in `kept`, discarding the rest.
fn keep(body: &mut impl Read, kept: &mut Vec<u8>) -> io::Result<u64> {
    let mut block = [0u8; 64 * 1024];
    let mut total = 0;
    loop {
        let n = body.read(&mut block)?;
        if n == 0 {
            return Ok(total);
        }
        if kept.len() as u64 <= KEEP_UP_TO {
            kept.extend_from_slice(&block[..n]);
        }
        total += n as u64;
    }
}

/// Reads a chunked body to its end; returns its decoded length.
fn read_chunked(reader: &mut BufReader<TcpStream>, kept: &mut Vec<u8>) -> io::Result<u64> {
    let mut total = 0;
    let mut line = String::new();
    loop {
        line.clear();
        reader.read_line(&mut line)?;
        let size = line.trim().split(';').next().unwrap_or("");
        let size = u64::from_str_radix(size, 16).map_err(io::Error::other)?;
        if size == 0 {
            // The last chunk, then the (empty) trailers.
            line.clear();
            reader.read_line(&mut line)?;
            return Ok(total);
        }
        let mut chunk = (&mut *reader).take(size);
        let read = keep(&mut chunk, kept)?;
        if read < size {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        total += size;
        line.clear();
        reader.read_line(&mut line)?;
    }
}
