//! The API key never leaks through a cut: wherever the runtime cuts text
//! the server sent (the excerpt of a body, the cap on error bodies, the
//! cap on messages, a stream item's excerpt, a stream's message, a
//! decoding error's message), the key is placed across the cut at every
//! offset, and no start or end of it of 4 characters or more shows in the
//! error's Display, its Debug, or any error of its source chain. URLs in
//! errors show no query and no credentials either.

// The request builder returns progenitor's error, as generated code does.
#![allow(clippy::result_large_err)]

use nebius_tokenfactory_runtime::stream::MAX_STREAM_MESSAGE;
use nebius_tokenfactory_runtime::{
    Endpoint, Error, ResponseKind, Secret, Transport, TransportConfig, MAX_DECODE_MESSAGE,
    MAX_ERROR_BODY,
};
use progenitor_client::ResponseValue;
use serde::Deserialize;
use std::io::{Read, Write};
use std::net::TcpListener;

const KEY: &str = "sk-Qw7Zr4Xp9Lm2Vb6N";

/// The excerpt of a body, in characters (`scrub::EXCERPT`).
const EXCERPT: usize = 512;
/// The window of a body the excerpt is taken from, in bytes.
const EXCERPT_WINDOW: usize = EXCERPT * 4 + 256;
/// The cap on a message from an error body (`response::MAX_MESSAGE`).
const MAX_MESSAGE: usize = 1000;

/// A server answering every connection with `response`, as it is.
fn serve(response: Vec<u8>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for socket in listener.incoming() {
            let Ok(mut socket) = socket else { return };
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") {
                if socket.read(&mut byte).unwrap_or(0) == 0 {
                    break;
                }
                head.push(byte[0]);
            }
            let _ = socket.write_all(&response);
            let _ = socket.flush();
        }
    });
    format!("http://{address}/thing")
}

fn response(status: u16, content_type: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn transport() -> Transport {
    nebius_tokenfactory_runtime::ensure_crypto_provider();
    let mut config = TransportConfig::new(Secret::from(KEY), reqwest::Client::new());
    config.retry.max_retries = 0;
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

const EVENTS: Endpoint = Endpoint {
    operation_id: "stream_things",
    method: "GET",
    path: "/thing",
    response: ResponseKind::EventStream,
    media_type: "text/event-stream",
    cookies: &[],
    project: None,
    call: "stream_things().send()",
};

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Thing {
    n: u32,
}

/// A JSON call of `url`, as generated code makes it.
async fn call_json(url: &str) -> Error {
    let transport = transport();
    let http = transport.http().clone();
    transport
        .call(
            &JSON,
            || Ok(http.get(url).build().unwrap()),
            |request| {
                let transport = transport.clone();
                async move { transport.send_json::<Thing>(request, &JSON).await }
            },
        )
        .await
        .expect_err("the call fails")
}

/// The first item of the event stream at `url`, which must be an error.
async fn stream_error(url: &str) -> Error {
    first_error(url, false).await
}

/// The first item of the stream at `url`, read as events or as JSON
/// Lines, which must be an error.
async fn first_error(url: &str, lines: bool) -> Error {
    let transport = transport();
    let http = transport.http().clone();
    let response = transport
        .call(
            &EVENTS,
            || Ok(http.get(url).build().unwrap()),
            |request| {
                let transport = transport.clone();
                async move {
                    let response = transport.exec(request, &EVENTS).await?;
                    Ok(ResponseValue::stream(response))
                }
            },
        )
        .await
        .unwrap();
    let item = if lines {
        transport.json_lines::<Thing>(response).next().await
    } else {
        transport.event_stream::<Thing>(response).next().await
    };
    item.expect("an item").expect_err("the item is an error")
}

/// Everything the error shows: Display, Debug, and its sources'.
fn shown(error: &Error) -> String {
    let mut text = format!("{error}\n{error:?}");
    let mut source = std::error::Error::source(error);
    while let Some(e) = source {
        text.push_str(&format!("\n{e}\n{e:?}"));
        source = e.source();
    }
    text
}

/// Fails if any start or end of the key of 4 characters or more shows.
fn assert_no_part_of_the_key(case: &str, offset: usize, error: &Error) {
    let text = shown(error);
    for n in 4..=KEY.len() {
        for part in [&KEY[..n], &KEY[KEY.len() - n..]] {
            assert!(
                !text.contains(part),
                "{case}, the key {offset} characters before the cut: `{part}` shows in\n{text}"
            );
        }
    }
}

/// The key placed so that the cut at `at` falls inside it: `offset` of
/// its characters before the cut, the rest after.
fn across(at: usize, pad: char) -> impl Iterator<Item = (usize, String)> {
    (1..KEY.len()).map(move |offset| {
        let before = pad.to_string().repeat(at - offset);
        (offset, format!("{before}{KEY}"))
    })
}

#[tokio::test]
async fn the_excerpt_of_an_error_body() {
    for (offset, text) in across(EXCERPT, 'a') {
        let url = serve(response(500, "text/plain", &format!("{text} and more")));
        let error = call_json(&url).await;
        assert!(matches!(error, Error::Api { status: 500, .. }), "{error:?}");
        assert_no_part_of_the_key("an excerpt", offset, &error);
    }
}

#[tokio::test]
async fn the_window_an_excerpt_is_read_from() {
    // Blanks, trimmed, bring the end of the window into the excerpt.
    for (offset, text) in across(EXCERPT_WINDOW, ' ') {
        let url = serve(response(500, "text/plain", &format!("{text} and more")));
        let error = call_json(&url).await;
        assert_no_part_of_the_key("the excerpt's window", offset, &error);
    }
}

#[tokio::test]
async fn the_cap_on_error_bodies() {
    let start = r#"{"error": {"message": ""#;
    for (offset, text) in across(MAX_ERROR_BODY - start.len(), 'a') {
        let body = format!(r#"{start}{text}"}}}}"#);
        let url = serve(response(400, "application/json", &body));
        let error = call_json(&url).await;
        assert_no_part_of_the_key("an error body", offset, &error);
        // Blanks bring the end of the body into the excerpt.
        let body = format!("{}{KEY} and more", " ".repeat(MAX_ERROR_BODY - offset));
        let url = serve(response(500, "text/plain", &body));
        let error = call_json(&url).await;
        assert_no_part_of_the_key("an error body of blanks", offset, &error);
    }
}

#[tokio::test]
async fn the_cap_on_messages_of_error_bodies() {
    for (offset, text) in across(MAX_MESSAGE, 'a') {
        let body = format!(r#"{{"error": {{"message": "{text} and more", "code": 400}}}}"#);
        let url = serve(response(400, "application/json", &body));
        let error = call_json(&url).await;
        assert!(error.message().is_some(), "{error:?}");
        assert_no_part_of_the_key("a message", offset, &error);
    }
}

#[tokio::test]
async fn the_cap_on_validation_messages() {
    for (offset, text) in across(MAX_MESSAGE, 'a') {
        let body = format!(
            r#"{{"detail": [{{"loc": ["body", "{KEY}"], "msg": "{text} and more", "type": "value_error"}}]}}"#
        );
        let url = serve(response(422, "application/json", &body));
        let error = call_json(&url).await;
        assert!(matches!(error, Error::Validation { .. }), "{error:?}");
        assert_no_part_of_the_key("a validation message", offset, &error);
    }
}

#[tokio::test]
async fn a_body_that_does_not_decode() {
    // serde_json quotes the string it rejects: in the error's source.
    let start = r#"{"n": ""#;
    for (offset, text) in across(EXCERPT - start.len(), 'a') {
        let body = format!(r#"{start}{text} and more"}}"#);
        let url = serve(response(200, "application/json", &body));
        let error = call_json(&url).await;
        assert!(matches!(error, Error::Decode { .. }), "{error:?}");
        assert_no_part_of_the_key("a decoding error's excerpt", offset, &error);
    }
    let quoted = r#"invalid type: string ""#;
    for (offset, text) in across(MAX_DECODE_MESSAGE - quoted.len(), 'a') {
        let body = format!(r#"{start}{text} and more"}}"#);
        let url = serve(response(200, "application/json", &body));
        let error = call_json(&url).await;
        assert!(matches!(error, Error::Decode { .. }), "{error:?}");
        assert_no_part_of_the_key("a decoding error's message", offset, &error);
    }
}

#[tokio::test]
async fn a_stream_item_that_does_not_decode() {
    for (offset, text) in across(EXCERPT, 'a') {
        let body = format!("data: {text} and more\n\n");
        let url = serve(response(200, "text/event-stream", &body));
        let error = stream_error(&url).await;
        assert!(matches!(error, Error::Stream { .. }), "{error:?}");
        assert_no_part_of_the_key("a stream item's excerpt", offset, &error);
    }
    // serde_json quotes the string it rejects, in the stream's message.
    let said = r#"an event's data does not decode: invalid type: string ""#;
    for (offset, text) in across(MAX_STREAM_MESSAGE - said.len(), 'a') {
        let body = format!("data: {{\"n\": \"{text} and more\"}}\n\n");
        let url = serve(response(200, "text/event-stream", &body));
        let error = stream_error(&url).await;
        let Error::Stream { message, .. } = &error else {
            panic!("{error:?}")
        };
        assert!(message.starts_with(said), "{message}");
        assert_no_part_of_the_key("a stream item's decoding error", offset, &error);
    }
}

#[tokio::test]
async fn a_json_lines_row_that_does_not_decode() {
    for (offset, text) in across(EXCERPT, 'a') {
        let body = format!("{text} and more\n");
        let url = serve(response(200, "application/jsonl", &body));
        let error = first_error(&url, true).await;
        assert!(matches!(error, Error::Stream { .. }), "{error:?}");
        assert_no_part_of_the_key("a JSON Lines row's excerpt", offset, &error);
    }
}

#[tokio::test]
async fn the_cap_on_stream_messages() {
    let said = "the server sent an error: ";
    for (offset, text) in across(MAX_STREAM_MESSAGE - said.len(), 'a') {
        let body = format!("data: {{\"error\": {{\"message\": \"{text} and more\"}}}}\n\n");
        let url = serve(response(200, "text/event-stream", &body));
        let error = stream_error(&url).await;
        let Error::Stream { message, .. } = &error else {
            panic!("{error:?}")
        };
        assert!(
            message.chars().count() <= MAX_STREAM_MESSAGE + 1,
            "{message}"
        );
        assert_no_part_of_the_key("a stream's error message", offset, &error);
    }
    let said = "the server sent an error event: ";
    for (offset, text) in across(MAX_STREAM_MESSAGE - said.len(), 'a') {
        let body = format!("event: error\ndata: {text} and more\n\n");
        let url = serve(response(200, "text/event-stream", &body));
        let error = stream_error(&url).await;
        assert_no_part_of_the_key("a stream's error event", offset, &error);
    }
}

#[tokio::test]
async fn urls_in_errors_show_no_query_and_no_credentials() {
    // A port nothing listens on.
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let url = format!("http://user:{KEY}@127.0.0.1:{port}/thing?signature={KEY}#{KEY}");
    let error = call_json(&url).await;
    assert!(matches!(error, Error::Connection { .. }), "{error:?}");
    assert_no_part_of_the_key("a connection error", 0, &error);
    let text = shown(&error);
    assert!(text.contains(&format!("127.0.0.1:{port}/thing")), "{text}");
}
