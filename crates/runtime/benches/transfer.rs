//! Peak memory of a 1 GiB upload (a multipart file part read from disk)
//! and a 1 GiB download (a binary response written out as it arrives),
//! through the runtime, against a local server.
//!
//! Each runs in its own process, so that the peak resident set (`VmHWM`)
//! is the transfer's own: the figure is the peak minus the baseline read
//! just before the transfer. A plain `main`; nothing here asserts on time.
//!
//! Run with:
//! `cargo bench -p nebius-tokenfactory-runtime --bench transfer -- download`
//! `cargo bench -p nebius-tokenfactory-runtime --bench transfer -- upload`
//! (`-- both` runs each in a child process.)

// Requests are built as generated code builds them, with progenitor's error.
#![allow(clippy::result_large_err)]

use nebius_tokenfactory_runtime::multipart::{form, Part};
use nebius_tokenfactory_runtime::{Endpoint, ResponseKind, Secret, Transport, TransportConfig};
use progenitor_client::ResponseValue;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant};

const SIZE: u64 = 1 << 30;
const CHUNK: usize = 64 * 1024;

const DOWNLOAD: Endpoint = Endpoint {
    operation_id: "download",
    method: "GET",
    path: "/download",
    response: ResponseKind::Bytes,
    media_type: "application/octet-stream",
    cookies: &[],
    project: None,
    call: "download().send()",
};

const UPLOAD: Endpoint = Endpoint {
    operation_id: "upload",
    method: "POST",
    path: "/upload",
    response: ResponseKind::Json,
    media_type: "application/json",
    cookies: &[],
    project: None,
    call: "upload().send()",
};

/// `VmHWM` or `VmRSS` of this process, in bytes.
fn status(field: &str) -> u64 {
    let text = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    text.lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// A server that answers each connection: a download of [`SIZE`] bytes, or
/// an upload read (by its length, or chunked) and discarded; it counts the
/// bytes of each upload body it read.
fn serve() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for socket in listener.incoming() {
            let Ok(socket) = socket else { continue };
            std::thread::spawn(move || answer(socket));
        }
    });
    format!("http://{address}")
}

fn answer(socket: std::net::TcpStream) {
    let mut reader = BufReader::new(socket.try_clone().unwrap());
    let mut writer = socket;
    let mut head = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        if line == "\r\n" {
            break;
        }
        head.push(line.to_ascii_lowercase());
    }
    if head[0].starts_with("get /download") {
        let block = vec![b'x'; CHUNK];
        write!(
            writer,
            "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: {SIZE}\r\n\r\n"
        )
        .unwrap();
        let mut left = SIZE;
        while left > 0 {
            let n = left.min(CHUNK as u64) as usize;
            if writer.write_all(&block[..n]).is_err() {
                return;
            }
            left -= n as u64;
        }
        return;
    }
    let length = head
        .iter()
        .find_map(|h| h.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<u64>().ok());
    let mut sink = [0u8; CHUNK];
    let read = match length {
        Some(length) => {
            let mut left = length;
            while left > 0 {
                let n = reader
                    .read(&mut sink[..left.min(CHUNK as u64) as usize])
                    .unwrap();
                if n == 0 {
                    return;
                }
                left -= n as u64;
            }
            length
        }
        None => {
            let mut total = 0;
            loop {
                let mut size = String::new();
                reader.read_line(&mut size).unwrap();
                let size = u64::from_str_radix(size.trim(), 16).unwrap();
                if size == 0 {
                    reader.read_line(&mut String::new()).unwrap();
                    break;
                }
                std::io::copy(&mut (&mut reader).take(size), &mut std::io::sink()).unwrap();
                reader.read_line(&mut String::new()).unwrap();
                total += size;
            }
            total
        }
    };
    let body = format!("{{\"read\": {read}}}");
    write!(
        writer,
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
}

fn transport() -> Transport {
    nebius_tokenfactory_runtime::ensure_crypto_provider();
    let http = nebius_tokenfactory_runtime::http_client(Duration::from_secs(5)).unwrap();
    let mut config = TransportConfig::new(Secret::from("bench-key"), http);
    config.timeout = Duration::from_secs(600);
    Transport::new(config).unwrap()
}

fn report(what: &str, baseline: u64, started: Instant, moved: u64) {
    let elapsed = started.elapsed();
    let peak = status("VmHWM:");
    println!(
        "| {what} | {:.2} GiB | {:.1} s | {:.0} MiB/s | {:.1} MiB |",
        moved as f64 / (1u64 << 30) as f64,
        elapsed.as_secs_f64(),
        moved as f64 / (1 << 20) as f64 / elapsed.as_secs_f64(),
        peak.saturating_sub(baseline) as f64 / (1 << 20) as f64,
    );
}

async fn download(base: &str) {
    let transport = transport();
    let http = transport.http().clone();
    let url = format!("{base}/download");
    let baseline = status("VmHWM:");
    let started = Instant::now();
    let response = transport
        .call(
            &DOWNLOAD,
            || Ok(http.get(&url).build().unwrap()),
            |request| {
                let transport = transport.clone();
                async move {
                    let response = transport.exec(request, &DOWNLOAD).await?;
                    Ok(ResponseValue::stream(response))
                }
            },
        )
        .await
        .unwrap();
    let written = transport
        .download(response)
        .write_to(&mut tokio::io::sink())
        .await
        .unwrap();
    assert_eq!(written, SIZE);
    report(
        "download, written out as it arrives",
        baseline,
        started,
        written,
    );
}

#[derive(serde::Serialize)]
struct Upload {
    file: Part,
    purpose: String,
}

async fn upload(base: &str) {
    let path = std::env::temp_dir().join(format!("nebius-bench-{}.bin", std::process::id()));
    {
        let file = std::fs::File::create(&path).unwrap();
        // Sparse: the file reads as zeros, and costs no disk.
        file.set_len(SIZE).unwrap();
    }
    let transport = transport();
    let http = transport.http().clone();
    let url = format!("{base}/upload");
    let body = Upload {
        file: Part::path(&path),
        purpose: "fine-tune".into(),
    };
    let baseline = status("VmHWM:");
    let started = Instant::now();
    let answer: serde_json::Value = transport
        .call_with(&UPLOAD, || {
            let request = form(&body).map(|form| http.post(&url).multipart(form).build().unwrap());
            let transport = transport.clone();
            async move { transport.send_json(request?, &UPLOAD).await }
        })
        .await
        .unwrap()
        .into_inner();
    std::fs::remove_file(&path).unwrap();
    let read = answer["read"].as_u64().unwrap();
    assert!(read > SIZE, "the server read {read} bytes");
    report(
        "upload of a file part, streamed from disk",
        baseline,
        started,
        read,
    );
}

fn main() {
    let what = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .unwrap_or_else(|| "both".into());
    if what == "both" {
        println!("| transfer | size | time | rate | peak RSS above baseline |");
        println!("|---|---:|---:|---:|---:|");
        let me = std::env::current_exe().unwrap();
        for what in ["upload", "download"] {
            let status = std::process::Command::new(&me).arg(what).status().unwrap();
            assert!(status.success());
        }
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let base = serve();
    runtime.block_on(async {
        match what.as_str() {
            "download" => download(&base).await,
            "upload" => upload(&base).await,
            other => panic!("unknown transfer {other}: upload, download or both"),
        }
    });
}
