//! A server that answers an upload before it has read the body, and then
//! stops reading: the call returns that answer, instead of waiting for a
//! body the server will never take until the attempt times out.

mod common;

use common::client;
use nebius_tokenfactory::{Error, RetryPolicy};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[derive(serde::Serialize, schemars::JsonSchema)]
struct Row {
    text: String,
}

/// Reads each request's headers, answers `status` at once, and never reads
/// another byte of the connection (it stays open until the test ends).
async fn answer_before_the_body(status: &'static str) -> (String, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let mut open = Vec::new();
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") {
                if socket.read(&mut byte).await.unwrap_or(0) == 0 {
                    break;
                }
                head.push(byte[0]);
            }
            let body = r#"{"detail":"invalid api key"}"#;
            let reply = format!(
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                body.len()
            );
            let _ = socket.write_all(reply.as_bytes()).await;
            let _ = socket.flush().await;
            // Kept open, unread: the client's writes fill its buffers.
            open.push(socket);
        }
    });
    (url, server)
}

#[tokio::test]
async fn an_answer_before_the_body_ends_the_upload_with_that_answer() {
    let (url, server) = answer_before_the_body("401 Unauthorized").await;
    let c = client(&url)
        .with_retry_policy(RetryPolicy::none())
        // Longer than any run of this test that does not hang.
        .with_timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    // About 20 MB: far more than the socket buffers hold.
    let rows: Vec<Row> = (0..200_000)
        .map(|i| Row {
            text: format!("{i:>96}"),
        })
        .collect();
    let result = tokio::time::timeout(
        Duration::from_secs(60),
        c.datasets().upload("d", "/f", &rows).send(),
    )
    .await
    .expect("the upload waited for a body the server never reads");
    let err = result.unwrap_err();
    assert!(
        matches!(err, Error::Authentication { status: 401, .. }),
        "{}: {err:?}",
        err.kind()
    );
    server.abort();
}
