//! A soak: one transport, 3,200 calls and streams (four rounds of 800
//! concurrent ones) through a local server that injects faults: connections reset
//! before an answer, 429s and 503s (with a short `retry-after-ms`), bodies
//! that trickle, answers that come before the request body is read, event
//! streams that end at `[DONE]` and streams cut mid-way.
//!
//! It checks what must hold whatever the timing: every call ends, in `Ok`
//! or a typed `Error` of the kind its fault calls for; no task is left
//! alive once the calls are done; open sockets go back to where they
//! were; and the process's memory levels off: after the first rounds have
//! set the allocator's high-water mark (800 calls in flight, 100 of them
//! sending 256 KiB), the last round holds at most 32 MiB more. It
//! prints the figures (recorded in BENCHMARKS.md) and asserts on no time.

// The request builders return progenitor's error, as generated code does.
#![allow(clippy::result_large_err)]

use nebius_tokenfactory_runtime::{
    Endpoint, Error, ResponseKind, Secret, Transport, TransportConfig,
};
use progenitor_client::ResponseValue;
use serde_json::Value;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const ROUNDS: usize = 4;
const CALLS: usize = 800;

/// What the server does with a request, chosen from its path.
#[derive(Clone, Copy, Debug)]
enum Fault {
    Ok,
    Reset,
    TooMany,
    Unavailable,
    Trickle,
    EarlyAnswer,
    Events,
    CutEvents,
}

const FAULTS: [Fault; 8] = [
    Fault::Ok,
    Fault::Reset,
    Fault::TooMany,
    Fault::Unavailable,
    Fault::Trickle,
    Fault::EarlyAnswer,
    Fault::Events,
    Fault::CutEvents,
];

async fn serve(listener: TcpListener) {
    loop {
        let Ok((mut socket, _)) = listener.accept().await else {
            return;
        };
        tokio::spawn(async move {
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") {
                match socket.read(&mut byte).await {
                    Ok(1) => head.push(byte[0]),
                    _ => return,
                }
            }
            let head = String::from_utf8_lossy(&head);
            let path = head.split(' ').nth(1).unwrap_or("/0");
            let index: usize = path.trim_start_matches('/').parse().unwrap_or(0);
            let fault = FAULTS[index % FAULTS.len()];
            let json = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\nconnection: close\r\n\r\n{\"ok\":true}";
            let reply = |status: &str| {
                format!("HTTP/1.1 {status}\r\ncontent-type: application/json\r\nretry-after-ms: 1\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{{}}")
            };
            let _ = match fault {
                Fault::Ok | Fault::EarlyAnswer => socket.write_all(json.as_bytes()).await,
                Fault::Reset => return,
                Fault::TooMany => {
                    socket
                        .write_all(reply("429 Too Many Requests").as_bytes())
                        .await
                }
                Fault::Unavailable => {
                    socket
                        .write_all(reply("503 Service Unavailable").as_bytes())
                        .await
                }
                Fault::Trickle => {
                    let (start, end) = json.split_at(json.len() - 4);
                    let _ = socket.write_all(start.as_bytes()).await;
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    socket.write_all(end.as_bytes()).await
                }
                Fault::Events | Fault::CutEvents => {
                    let mut body = String::from(
                        "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n",
                    );
                    for n in 0..20 {
                        body.push_str(&format!("data: {{\"n\": {n}}}\n\n"));
                    }
                    if matches!(fault, Fault::Events) {
                        body.push_str("data: [DONE]\n\n");
                    } else {
                        body.push_str("data: {\"n\": 2");
                    }
                    socket.write_all(body.as_bytes()).await
                }
            };
            let _ = socket.shutdown().await;
        });
    }
}

const JSON: Endpoint = Endpoint {
    operation_id: "soak",
    method: "GET",
    path: "",
    response: ResponseKind::Json,
    media_type: "application/json",
    cookies: &[],
    project: None,
    call: "soak().send()",
};

const EVENTS: Endpoint = Endpoint {
    response: ResponseKind::EventStream,
    media_type: "text/event-stream",
    call: "soak().send_stream()",
    ..JSON
};

/// How a call ended.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Clone, Copy)]
enum Outcome {
    Ok,
    Connection,
    RateLimited,
    Api,
    StreamDone,
    StreamCut,
    Other,
}

async fn one(transport: Transport, base: String, index: usize) -> (Fault, Outcome) {
    let fault = FAULTS[index % FAULTS.len()];
    let url = format!("{base}/{index}");
    let http = transport.http().clone();
    let outcome = if matches!(fault, Fault::Events | Fault::CutEvents) {
        let response = transport
            .call(
                &EVENTS,
                || Ok(http.get(&url).build().unwrap()),
                |request| {
                    let transport = transport.clone();
                    async move {
                        let response = transport.exec(request, &EVENTS).await?;
                        if response.status().is_success() {
                            Ok(ResponseValue::stream(response))
                        } else {
                            Err(progenitor_client::Error::UnexpectedResponse(response))
                        }
                    }
                },
            )
            .await;
        match response {
            Ok(response) => {
                let mut events = transport.event_stream::<Value>(response);
                let mut failed = false;
                while let Some(item) = events.next().await {
                    failed |= item.is_err();
                }
                match events.end() {
                    Some(nebius_tokenfactory_runtime::stream::StreamEnd::Done) => {
                        Outcome::StreamDone
                    }
                    _ if failed => Outcome::StreamCut,
                    _ => Outcome::StreamCut,
                }
            }
            Err(_) => Outcome::Other,
        }
    } else {
        let body = matches!(fault, Fault::EarlyAnswer).then(|| vec![b'x'; 256 * 1024]);
        let result = transport
            .call_value(
                &JSON,
                || {
                    let mut request = http.get(&url);
                    if let Some(body) = body {
                        request = request.body(body);
                    }
                    Ok(request.build().unwrap())
                },
                |request| {
                    let transport = transport.clone();
                    async move { transport.send_json::<Value>(request, &JSON).await }
                },
            )
            .await;
        match result {
            Ok(_) => Outcome::Ok,
            Err(Error::Connection { .. }) => Outcome::Connection,
            Err(Error::RateLimited { .. }) => Outcome::RateLimited,
            Err(Error::Api { .. }) => Outcome::Api,
            Err(_) => Outcome::Other,
        }
    };
    (fault, outcome)
}

/// The process's resident memory, in KiB.
fn resident_kib() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4
}

fn open_sockets() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .map(|d| {
            d.filter_map(Result::ok)
                .filter(|e| {
                    std::fs::read_link(e.path())
                        .map(|l| l.to_string_lossy().starts_with("socket:"))
                        .unwrap_or(false)
                })
                .count()
        })
        .unwrap_or(0)
}

#[test]
fn thousands_of_faulty_calls_each_end_typed_and_leak_nothing() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let server = tokio::spawn(serve(listener));
        nebius_tokenfactory_runtime::ensure_crypto_provider();
        let mut config = TransportConfig::new(Secret::from("sk-soak-test-key"), reqwest::Client::new());
        config.retry.max_retries = 1;
        config.timeout = Duration::from_secs(60);
        let transport = Transport::new(config).unwrap();
        let sockets_before = open_sockets();
        let mut memory = Vec::new();
        let mut counts = std::collections::BTreeMap::new();
        let tasks_before = tokio::runtime::Handle::current().metrics().num_alive_tasks();
        for round in 0..ROUNDS {
            let calls: Vec<_> = (0..CALLS)
                .map(|i| tokio::spawn(one(transport.clone(), base.clone(), round * CALLS + i)))
                .collect();
            for call in calls {
                let (fault, outcome) = call.await.expect("no call panics");
                *counts.entry((format!("{fault:?}"), outcome)).or_insert(0usize) += 1;
                let expected = match fault {
                    Fault::Ok | Fault::Trickle | Fault::EarlyAnswer => &[Outcome::Ok, Outcome::Connection][..],
                    Fault::Reset => &[Outcome::Connection],
                    Fault::TooMany => &[Outcome::RateLimited],
                    Fault::Unavailable => &[Outcome::Api],
                    Fault::Events => &[Outcome::StreamDone],
                    Fault::CutEvents => &[Outcome::StreamCut],
                };
                assert!(expected.contains(&outcome), "{fault:?} ended as {outcome:?}");
            }
            memory.push(resident_kib());
        }
        // Idle connections close with the client's pool; give the server's
        // tasks a moment to see their sockets close.
        drop(transport);
        tokio::time::sleep(Duration::from_millis(500)).await;
        let tasks_after = tokio::runtime::Handle::current().metrics().num_alive_tasks();
        let sockets_after = open_sockets();
        println!("soak: {} calls and streams in {ROUNDS} rounds of {CALLS}", ROUNDS * CALLS);
        for ((fault, outcome), n) in &counts {
            println!("  {fault:<12} -> {outcome:?}: {n}");
        }
        println!("  resident memory after each round: {memory:?} KiB");
        println!("  alive tasks before {tasks_before}, after {tasks_after}; sockets before {sockets_before}, after {sockets_after}");
        server.abort();
        // The server's accept loop is the one task left.
        assert!(tasks_after <= tasks_before + 1, "tasks left alive: {tasks_after}");
        assert!(sockets_after <= sockets_before + 2, "sockets left open: {sockets_after}");
        let (second, last) = (memory[1], *memory.last().unwrap());
        assert!(last <= second + 32 * 1024, "memory grew from {second} KiB to {last} KiB");
    });
}
