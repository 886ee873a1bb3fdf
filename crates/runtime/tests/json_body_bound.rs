//! A successful JSON body is read up to a bound (64 MiB unless configured):
//! a larger one fails the call, refused from its `Content-Length` before
//! it is read, or once the bound has been read, never held whole.

// The request builder returns progenitor's error, as generated code does.
#![allow(clippy::result_large_err)]

use nebius_tokenfactory_runtime::{
    Endpoint, Error, ResponseKind, Secret, Transport, TransportConfig,
};
use std::io::{Read, Write};
use std::net::TcpListener;

/// A server answering one connection with `response`, as it is.
fn serve(response: Vec<u8>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let (mut socket, _) = listener.accept().unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            if socket.read(&mut byte).unwrap_or(0) == 0 {
                return;
            }
            head.push(byte[0]);
        }
        let _ = socket.write_all(&response);
        let _ = socket.flush();
    });
    format!("http://{address}/thing")
}

fn transport(max_json_body: Option<usize>) -> Transport {
    nebius_tokenfactory_runtime::ensure_crypto_provider();
    let mut config =
        TransportConfig::new(Secret::from("sk-bound-test-key"), reqwest::Client::new());
    config.retry.max_retries = 0;
    if let Some(limit) = max_json_body {
        config.max_json_body = limit;
    }
    Transport::new(config).unwrap()
}

const JSON: Endpoint = Endpoint {
    operation_id: "get_thing",
    method: "GET",
    path: "/thing",
    response: ResponseKind::Json,
    media_type: "application/json",
    cookies: &[],
    project: None,
    call: "get_thing().send()",
};

async fn call(transport: &Transport, url: &str) -> Result<Vec<String>, Error> {
    let http = transport.http().clone();
    transport
        .call_value(
            &JSON,
            || Ok(http.get(url).build().unwrap()),
            |request| {
                let transport = transport.clone();
                async move { transport.send_json::<Vec<String>>(request, &JSON).await }
            },
        )
        .await
}

/// A chunked JSON body: a list of `count` strings of 1000 characters.
fn chunked_list(count: usize) -> Vec<u8> {
    let mut out =
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
            .to_vec();
    let mut chunk = |data: &str| {
        out.extend_from_slice(format!("{:x}\r\n{data}\r\n", data.len()).as_bytes());
    };
    chunk("[");
    for i in 0..count {
        let item = format!("\"{}\"", "x".repeat(998));
        chunk(&if i == 0 { item } else { format!(",{item}") });
    }
    chunk("]");
    out.extend_from_slice(b"0\r\n\r\n");
    out
}

#[tokio::test]
async fn a_body_announced_over_the_default_bound_is_refused_unread() {
    // The length is announced, never sent: refused before reading.
    let length = 64 * 1024 * 1024 + 1;
    let url = serve(
        format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {length}\r\n\r\n[\"x\""
        )
        .into_bytes(),
    );
    let error = call(&transport(None), &url).await.unwrap_err();
    assert_eq!(error.kind(), "response_too_large", "{error:?}");
    assert_eq!(error.status(), Some(200));
    assert!(!error.is_transient());
    let text = error.to_string();
    assert!(
        text.contains("67108864-byte bound") && text.contains("max_json_body"),
        "{text}"
    );
}

#[tokio::test]
async fn a_body_growing_over_a_configured_bound_is_refused() {
    let url = serve(chunked_list(20));
    let error = call(&transport(Some(8 * 1024)), &url).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::ResponseTooLarge {
                limit: 8192,
                status: 200,
                ..
            }
        ),
        "{error:?}"
    );
    // Within the bound, it decodes.
    let url = serve(chunked_list(5));
    let items = call(&transport(Some(8 * 1024)), &url).await.unwrap();
    assert_eq!(items.len(), 5);
}
