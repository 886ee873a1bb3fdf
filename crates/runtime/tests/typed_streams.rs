//! The typed streams over a real connection: events, lines and downloads
//! decoded as they arrive, ended by the server's sentinel or its error,
//! failed by silence, broken connections and undecodable items, and never
//! leaving a half-written file.

// The request builder returns progenitor's error, as generated code does.
#![allow(clippy::result_large_err)]

use futures::StreamExt;
use nebius_tokenfactory_runtime::stream::StreamEnd;
use nebius_tokenfactory_runtime::{
    Endpoint, Error, ResponseKind, Secret, StreamFailure, Transport, TransportConfig,
};
use progenitor_client::{ByteStream, ResponseValue};
use serde::Deserialize;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

const KEY: &str = "sk-stream-test-key";

/// One step of what the server sends.
enum Step {
    Send(Vec<u8>),
    Pause(Duration),
}

/// A server that answers one connection with `steps`, then closes it.
fn serve(steps: Vec<Step>) -> String {
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
        for step in steps {
            match step {
                Step::Send(bytes) => {
                    if socket.write_all(&bytes).is_err() {
                        return;
                    }
                    let _ = socket.flush();
                }
                Step::Pause(time) => std::thread::sleep(time),
            }
        }
    });
    format!("http://{address}/stream")
}

/// A response head of this content type, its body ending when the
/// connection closes.
fn head(content_type: &str) -> Step {
    Step::Send(
        format!("HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\nconnection: close\r\n\r\n")
            .into_bytes(),
    )
}

/// A response head announcing a chunked body.
fn chunked_head(content_type: &str) -> Step {
    Step::Send(
        format!(
            "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ntransfer-encoding: chunked\r\n\r\n"
        )
        .into_bytes(),
    )
}

/// `data` as one chunk of a chunked body.
fn chunk(data: &str) -> Step {
    Step::Send(format!("{:x}\r\n{data}\r\n", data.len()).into_bytes())
}

fn send(text: &str) -> Step {
    Step::Send(text.as_bytes().to_vec())
}

fn transport(idle: Duration) -> Transport {
    nebius_tokenfactory_runtime::ensure_crypto_provider();
    let mut config = TransportConfig::new(Secret::from(KEY), reqwest::Client::new());
    config.stream_idle_timeout = idle;
    config.retry.max_retries = 0;
    Transport::new(config).unwrap()
}

const ENDPOINT: Endpoint = Endpoint {
    operation_id: "stream_things",
    method: "GET",
    path: "/stream",
    response: ResponseKind::EventStream,
    media_type: "text/event-stream",
    cookies: &[],
    project: None,
    call: "stream_things().send()",
};

/// Calls `url` as generated code does, leaving the body unread.
async fn open(
    transport: &Transport,
    url: &str,
) -> nebius_tokenfactory_runtime::Response<ByteStream> {
    let http = transport.http().clone();
    transport
        .call(
            &ENDPOINT,
            || Ok(http.get(url).build().unwrap()),
            |request| {
                let transport = transport.clone();
                async move {
                    let response = transport.exec(request, &ENDPOINT).await?;
                    if response.status().is_success() {
                        Ok(ResponseValue::stream(response))
                    } else {
                        Err(progenitor_client::Error::UnexpectedResponse(response))
                    }
                }
            },
        )
        .await
        .unwrap()
}

#[derive(Debug, Deserialize, PartialEq)]
struct Delta {
    n: u32,
}

#[tokio::test]
async fn events_decode_as_they_come_and_end_at_done() {
    // Split anywhere: mid-field, mid-line ending, mid-UTF-8.
    let body = ": keep-alive\n\ndata: {\"n\": 1}\r\n\r\nevent: message\ndata: {\"n\":\ndata: 2}\n\ndata: [DONE]\n\ndata: {\"n\": 3}\n\n";
    let mut steps = vec![head("text/event-stream")];
    steps.extend(body.as_bytes().chunks(3).map(|c| Step::Send(c.to_vec())));
    let url = serve(steps);
    let transport = transport(Duration::from_secs(30));
    let response = open(&transport, &url).await;
    let mut events = transport.event_stream::<Delta>(response);
    let mut got = Vec::new();
    while let Some(item) = events.next().await {
        got.push(item.unwrap());
    }
    // The second event's data is two lines joined by a newline.
    assert_eq!(got, vec![Delta { n: 1 }, Delta { n: 2 }]);
}

#[tokio::test]
async fn an_error_in_the_stream_ends_it_scrubbed() {
    let error = format!("data: {{\"error\": {{\"message\": \"bad key {KEY}\"}}}}\n\n");
    let url = serve(vec![
        head("text/event-stream"),
        send("data: {\"n\": 1}\n\n"),
        send(&error),
        send("data: {\"n\": 2}\n\n"),
    ]);
    let transport = transport(Duration::from_secs(30));
    let mut events = transport.event_stream::<Delta>(open(&transport, &url).await);
    assert_eq!(events.next().await.unwrap().unwrap(), Delta { n: 1 });
    let err = events.next().await.unwrap().unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(
        matches!(
            err,
            Error::Stream {
                failure: StreamFailure::ServerError,
                ..
            }
        ),
        "{text}"
    );
    assert!(text.contains("bad key") && !text.contains(KEY), "{text}");
    assert!(
        events.next().await.is_none(),
        "the stream ends at the error"
    );
}

#[tokio::test]
async fn an_error_event_ends_the_stream() {
    let url = serve(vec![
        head("text/event-stream"),
        send("event: error\ndata: overloaded\n\n"),
    ]);
    let transport = transport(Duration::from_secs(30));
    let mut events = transport.event_stream::<Delta>(open(&transport, &url).await);
    let err = events.next().await.unwrap().unwrap_err();
    assert!(err.to_string().contains("overloaded"), "{err}");
    assert!(events.next().await.is_none());
}

#[tokio::test]
async fn a_responses_error_event_ends_the_stream_with_its_message() {
    let url = serve(vec![
        head("text/event-stream"),
        send("event: response.output_text.delta\ndata: {\"n\": 1}\n\n"),
        send(&format!(
            "data: {{\"type\": \"error\", \"code\": \"server_error\", \"message\": \"The model failed for {KEY}\", \"param\": null}}\n\n"
        )),
        send("data: {\"n\": 2}\n\n"),
    ]);
    let transport = transport(Duration::from_secs(30));
    let mut events = transport.event_stream::<Delta>(open(&transport, &url).await);
    assert_eq!(events.next().await.unwrap().unwrap(), Delta { n: 1 });
    let err = events.next().await.unwrap().unwrap_err();
    let Error::Stream {
        message, failure, ..
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(*failure, StreamFailure::ServerError);
    assert_eq!(
        message,
        "the server sent an error: The model failed for [REDACTED] (code server_error)"
    );
    assert!(
        events.next().await.is_none(),
        "the stream ends at the error"
    );
}

#[tokio::test]
async fn an_event_with_an_error_that_is_not_an_error_object_is_data() {
    #[derive(Debug, Deserialize, PartialEq)]
    struct Row {
        n: u32,
        error: Option<String>,
    }
    let url = serve(vec![
        head("text/event-stream"),
        send("data: {\"n\": 1, \"error\": null}\n\n"),
        send("data: {\"n\": 2, \"error\": \"timeout\"}\n\n"),
    ]);
    let transport = transport(Duration::from_secs(30));
    let events = transport.event_stream::<Row>(open(&transport, &url).await);
    assert_eq!(
        events.collect_items().await.unwrap(),
        vec![
            Row { n: 1, error: None },
            Row {
                n: 2,
                error: Some("timeout".into())
            }
        ]
    );
}

#[tokio::test]
async fn json_lines_rows_with_an_error_column_are_items() {
    // A batch's results: each row says whether its request failed, and
    // the rows after a failed one still come.
    let url = serve(vec![
        head("application/jsonl"),
        send("{\"n\": 1, \"error\": null}\n"),
        send("{\"n\": 2, \"error\": {\"message\": \"row failed\", \"code\": 500}}\n"),
        send("{\"n\": 3, \"type\": \"error\", \"message\": \"also a row\"}\n"),
    ]);
    let transport = transport(Duration::from_secs(30));
    let rows = transport
        .json_lines::<serde_json::Value>(open(&transport, &url).await)
        .collect_items()
        .await
        .unwrap();
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert_eq!(rows[1]["error"]["message"], "row failed");
    assert_eq!(rows[2]["n"], 3);
}

#[tokio::test]
async fn keep_alives_alone_do_not_keep_a_stream_alive() {
    let mut steps = vec![head("text/event-stream"), send("data: {\"n\": 1}\n\n")];
    for _ in 0..40 {
        steps.push(send(": ping\n\n"));
        steps.push(Step::Pause(Duration::from_millis(50)));
    }
    let url = serve(steps);
    let transport = transport(Duration::from_millis(300));
    let mut events = transport.event_stream::<Delta>(open(&transport, &url).await);
    assert_eq!(events.next().await.unwrap().unwrap(), Delta { n: 1 });
    let err = events.next().await.unwrap().unwrap_err();
    assert!(
        matches!(
            err,
            Error::Stream {
                failure: StreamFailure::Idle,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.is_transient(), "a silent stream may be tried again");
    assert!(events.next().await.is_none());
}

#[tokio::test]
async fn an_event_that_does_not_decode_fails_with_an_excerpt() {
    let url = serve(vec![
        head("text/event-stream"),
        send("data: {\"n\": \"one\"}\n\n"),
    ]);
    let transport = transport(Duration::from_secs(30));
    let mut events = transport.event_stream::<Delta>(open(&transport, &url).await);
    let err = events.next().await.unwrap().unwrap_err();
    assert!(
        matches!(
            err,
            Error::Stream {
                failure: StreamFailure::Undecodable,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("\"one\""), "{err}");
}

#[tokio::test]
async fn json_lines_decode_to_the_last_unterminated_line() {
    let url = serve(vec![
        head("application/jsonl"),
        send("{\"n\": 1}\n{\"n\""),
        send(": 2}\r\n\n{\"n\": 3}"),
    ]);
    let transport = transport(Duration::from_secs(30));
    let lines = transport.json_lines::<Delta>(open(&transport, &url).await);
    let got: Vec<_> = lines.map(Result::unwrap).collect().await;
    assert_eq!(got, vec![Delta { n: 1 }, Delta { n: 2 }, Delta { n: 3 }]);
}

#[tokio::test]
async fn a_connection_that_breaks_mid_body_fails_the_stream() {
    // A chunked body that stops before its last chunk: not a clean end.
    let url = serve(vec![
        chunked_head("application/jsonl"),
        chunk("{\"n\": 1}\n{\"n\""),
    ]);
    let transport = transport(Duration::from_secs(30));
    let mut lines = transport.json_lines::<Delta>(open(&transport, &url).await);
    assert_eq!(lines.next().await.unwrap().unwrap(), Delta { n: 1 });
    let err = lines.next().await.unwrap().unwrap_err();
    assert!(
        matches!(
            err,
            Error::Stream {
                failure: StreamFailure::Broken,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_download_is_saved_whole_or_not_at_all() {
    let dir = std::env::temp_dir().join(format!("nebius-download-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let transport = transport(Duration::from_secs(30));

    let whole = dir.join("whole.bin");
    let url = serve(vec![
        chunked_head("application/octet-stream"),
        chunk("first,"),
        chunk("second"),
        send("0\r\n\r\n"),
    ]);
    let written = transport
        .download(open(&transport, &url).await)
        .save(&whole)
        .await
        .unwrap();
    assert_eq!(written, 12);
    assert_eq!(std::fs::read(&whole).unwrap(), b"first,second");

    let broken = dir.join("broken.bin");
    let url = serve(vec![
        chunked_head("application/octet-stream"),
        chunk("first,"),
    ]);
    let err = transport
        .download(open(&transport, &url).await)
        .save(&broken)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Stream {
                failure: StreamFailure::Broken,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!broken.exists(), "no file at the path");
    assert_eq!(part_files(&dir), Vec::<String>::new(), "no part file left");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_stream_says_whether_it_ended_at_done_at_the_body_end_or_by_an_error() {
    let transport = transport(Duration::from_secs(30));
    let done = serve(vec![
        head("text/event-stream"),
        send("data: {\"n\": 1}\n\ndata: [DONE]\n\n"),
    ]);
    let cut = serve(vec![
        head("text/event-stream"),
        send("data: {\"n\": 1}\n\n"),
    ]);
    let failed = serve(vec![
        head("text/event-stream"),
        send("data: {\"n\": \"one\"}\n\n"),
    ]);
    let mut events = transport.event_stream::<Delta>(open(&transport, &done).await);
    assert_eq!(events.end(), None, "nothing read yet");
    while events.next().await.is_some() {}
    assert_eq!(events.end(), Some(StreamEnd::Done));
    let mut events = transport.event_stream::<Delta>(open(&transport, &cut).await);
    while events.next().await.is_some() {}
    assert_eq!(events.end(), Some(StreamEnd::BodyEnded));
    let mut events = transport.event_stream::<Delta>(open(&transport, &failed).await);
    let err = events.next().await.unwrap().unwrap_err();
    assert!(events.next().await.is_none());
    assert_eq!(events.end(), Some(StreamEnd::Failed));
    // The error names the call as the user wrote it.
    assert!(err.to_string().contains("stream_things().send()"), "{err}");
}

/// The caller's own row type.
#[derive(Debug, Deserialize, PartialEq)]
struct Review {
    stars: u8,
}

#[tokio::test]
async fn items_are_read_as_the_callers_type_and_a_download_as_lines() {
    let transport = transport(Duration::from_secs(30));
    let url = serve(vec![
        head("text/event-stream"),
        send("data: {\"stars\": 4}\n\n"),
    ]);
    let events = transport.event_stream::<serde_json::Value>(open(&transport, &url).await);
    let mut reviews = events.items::<Review>();
    assert_eq!(reviews.next().await.unwrap().unwrap(), Review { stars: 4 });
    let url = serve(vec![
        head("application/octet-stream"),
        send("{\"stars\": 5}\n{\"stars\": 3}\n"),
    ]);
    let download = transport.download(open(&transport, &url).await);
    let rows = download
        .json_lines::<Review>()
        .collect_items()
        .await
        .unwrap();
    assert_eq!(rows, vec![Review { stars: 5 }, Review { stars: 3 }]);
    let url = serve(vec![head("application/jsonl"), send("{\"stars\": 2}\n")]);
    let lines = transport.json_lines::<serde_json::Value>(open(&transport, &url).await);
    let mut lines = lines.items::<Review>();
    assert_eq!(lines.next().await.unwrap().unwrap(), Review { stars: 2 });
    assert!(lines.next().await.is_none());
    assert_eq!(lines.end(), Some(StreamEnd::BodyEnded));
}

/// The part files left in `dir`.
fn part_files(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".part"))
        .collect()
}

/// A new, empty directory for one test.
fn scratch_dir(test: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("nebius-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn an_idle_timeout_of_duration_max_is_no_timeout() {
    nebius_tokenfactory_runtime::ensure_crypto_provider();
    let mut config = TransportConfig::new(Secret::from(KEY), reqwest::Client::new());
    config.stream_idle_timeout = Duration::MAX;
    config.timeout = Duration::MAX;
    let transport = Transport::new(config).unwrap();
    let url = serve(vec![
        head("text/event-stream"),
        send("data: {\"n\": 1}\n\n"),
        Step::Pause(Duration::from_millis(50)),
        send("data: {\"n\": 2}\n\n"),
    ]);
    let items = transport
        .event_stream::<Delta>(open(&transport, &url).await)
        .collect_items()
        .await
        .unwrap();
    assert_eq!(items, [Delta { n: 1 }, Delta { n: 2 }]);
    // Set for one call, as RequestOptions sets it.
    let transport = transport.with_options(
        nebius_tokenfactory_runtime::RequestOptions::default()
            .with_stream_idle_timeout(Duration::MAX),
    );
    let url = serve(vec![
        chunked_head("application/octet-stream"),
        chunk("first,"),
        chunk("second"),
        send("0\r\n\r\n"),
    ]);
    let body = transport
        .download(open(&transport, &url).await)
        .bytes()
        .await
        .unwrap();
    assert_eq!(&body[..], b"first,second");
}

/// A writer whose disk is full.
struct FullDisk;

impl tokio::io::AsyncWrite for FullDisk {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        _: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::task::Poll::Ready(Err(std::io::Error::other("no space left on device")))
    }

    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }
}

#[tokio::test]
async fn a_local_write_failure_is_not_transient() {
    let transport = transport(Duration::from_secs(30));
    let url = serve(vec![
        chunked_head("application/octet-stream"),
        chunk("first,"),
        send("0\r\n\r\n"),
    ]);
    let err = transport
        .download(open(&transport, &url).await)
        .write_to(&mut FullDisk)
        .await
        .unwrap_err();
    assert!(!err.is_transient(), "{err:?}");
    assert!(
        matches!(
            err,
            Error::Stream {
                failure: StreamFailure::Local,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("no space left"), "{err}");
}

#[cfg(unix)]
#[tokio::test]
async fn a_save_never_writes_through_a_link_at_its_part_path() {
    let dir = scratch_dir("save-link");
    let precious = dir.join("precious.txt");
    std::fs::write(&precious, "keep me").unwrap();
    std::os::unix::fs::symlink(&precious, dir.join("out.bin.part")).unwrap();
    let transport = transport(Duration::from_secs(30));
    let url = serve(vec![
        chunked_head("application/octet-stream"),
        chunk("the body"),
        send("0\r\n\r\n"),
    ]);
    let out = dir.join("out.bin");
    transport
        .download(open(&transport, &url).await)
        .save(&out)
        .await
        .unwrap();
    assert_eq!(std::fs::read_to_string(&precious).unwrap(), "keep me");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "the body");
    assert!(!std::fs::symlink_metadata(&out).unwrap().is_symlink());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn two_saves_to_one_path_never_mix_their_bodies() {
    let dir = scratch_dir("save-twice");
    let transport = transport(Duration::from_secs(30));
    let body = |c: char| {
        let mut steps = vec![chunked_head("application/octet-stream")];
        for _ in 0..8 {
            steps.push(chunk(&c.to_string().repeat(1000)));
            steps.push(Step::Pause(Duration::from_millis(20)));
        }
        steps.push(send("0\r\n\r\n"));
        serve(steps)
    };
    let (a, b) = (body('a'), body('b'));
    let out = dir.join("out.bin");
    let (first, second) = (
        transport.download(open(&transport, &a).await),
        transport.download(open(&transport, &b).await),
    );
    let (first, second) = tokio::join!(first.save(&out), second.save(&out));
    assert!(first.is_ok() || second.is_ok(), "{first:?} {second:?}");
    for written in [&first, &second].into_iter().flatten() {
        assert_eq!(*written, 8000);
    }
    // What is at the path is the whole body of a save that succeeded.
    let saved = std::fs::read_to_string(&out).unwrap();
    let whole = |c: char, result: &Result<u64, Error>| {
        result.is_ok() && saved == c.to_string().repeat(8000)
    };
    assert!(
        whole('a', &first) || whole('b', &second),
        "{first:?} {second:?}: the file holds {} a, {} b",
        saved.matches('a').count(),
        saved.matches('b').count(),
    );
    assert_eq!(part_files(&dir), Vec::<String>::new());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_save_dropped_midway_leaves_no_part_file() {
    let dir = scratch_dir("save-dropped");
    let transport = transport(Duration::from_secs(30));
    let url = serve(vec![
        chunked_head("application/octet-stream"),
        chunk("the start"),
        Step::Pause(Duration::from_secs(3)),
        chunk("the rest"),
        send("0\r\n\r\n"),
    ]);
    let out = dir.join("out.bin");
    let download = transport.download(open(&transport, &url).await);
    let saved = tokio::time::timeout(Duration::from_millis(300), download.save(&out)).await;
    assert!(saved.is_err(), "the save is cut short");
    assert_eq!(part_files(&dir), Vec::<String>::new());
    assert!(!out.exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_hostile_id_is_not_copied_into_every_event() {
    // A 1 MiB id, then one chunk of 64 KiB of tiny events: were the id
    // kept and copied into each, with every event of the chunk queued at
    // once, this would take gigabytes.
    let id = "i".repeat(1024 * 1024);
    let event = "data:{\"n\":1}\n\n";
    let count = 64 * 1024 / event.len();
    let url = serve(vec![
        head("text/event-stream"),
        send(&format!("id: {id}\n")),
        Step::Pause(Duration::from_millis(20)),
        send(&event.repeat(count)),
    ]);
    let transport = transport(Duration::from_secs(30));
    let mut events = transport.event_stream::<Delta>(open(&transport, &url).await);
    let mut read = 0;
    while let Some(item) = events.next().await {
        assert_eq!(item.unwrap(), Delta { n: 1 });
        read += 1;
    }
    assert_eq!(read, count);
    assert_eq!(
        events.last_event_id(),
        None,
        "the id over the bound is ignored"
    );
    // An id within the bound is kept.
    let url = serve(vec![
        head("text/event-stream"),
        send("id: 42\ndata: {\"n\": 1}\n\n"),
    ]);
    let mut events = transport.event_stream::<Delta>(open(&transport, &url).await);
    assert_eq!(events.next().await.unwrap().unwrap(), Delta { n: 1 });
    assert_eq!(events.last_event_id(), Some("42"));
}
