//! The document's own examples are answers of the API: each must decode
//! into the generated type of its operation.
//!
//! The test reads `openapi.json` through the overlay beside it, as the
//! build does, and walks every success response's examples (`example`, and
//! each of `examples`):
//!
//! - a JSON example decodes into the operation's success type
//!   (`mock::exemplars::decode`), or the test fails naming the operation,
//!   the example and serde's reason;
//! - an event-stream example is served, as it is, by a local server to the
//!   operation's streaming call, which reads it to its end: an example of
//!   the server's error must end the stream with `Error::Stream` of a
//!   server error, any other must decode event by event. An example whose
//!   data the document elides (`{"object": "chunk", ...}`) is not data, and
//!   is named as skipped.
//!
//! The vendored document has no examples yet; after a regen onto the API's
//! own document (CI regenerates a copy and runs this there) it has 12.

use httpmock::prelude::*;
use nebius_tokenfactory_api::endpoints::{self, Endpoint};
use nebius_tokenfactory_api::mock::exemplars;
use nebius_tokenfactory_api::runtime::{
    http_client, Error, RetryPolicy, Secret, StreamFailure, Transport, TransportConfig,
};
use nebius_tokenfactory_api::Client;
use nebius_tokenfactory_codegen::normalize::visit;
use nebius_tokenfactory_codegen::overlay::{self, Overlay};
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

/// `openapi.json` as the build reads it: through its overlay.
fn document() -> Value {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("openapi.json")).unwrap();
    let mut doc: Value = serde_json::from_str(&text).unwrap();
    if let Some(fixes) = Overlay::read(&root.join(overlay::FILE_NAME)).unwrap() {
        fixes.apply(&mut doc).unwrap();
    }
    doc
}

/// One example of a success response.
struct Example {
    /// `POST /v1/chat/completions 200 text/event-stream (success)`.
    name: String,
    media_type: String,
    value: Value,
    endpoint: Endpoint,
}

fn examples(doc: &Value) -> Vec<Example> {
    let mut out = Vec::new();
    for (path, method, op) in visit::operations(doc) {
        let method = method.to_uppercase();
        let responses = op.get("responses").and_then(Value::as_object);
        for (status, response) in responses.into_iter().flatten() {
            if !status.starts_with('2') {
                continue;
            }
            let content = response.get("content").and_then(Value::as_object);
            for (media_type, media) in content.into_iter().flatten() {
                let mut values: Vec<(String, Value)> = Vec::new();
                if let Some(example) = media.get("example") {
                    values.push(("example".into(), example.clone()));
                }
                let named = media.get("examples").and_then(Value::as_object);
                for (name, example) in named.into_iter().flatten() {
                    if let Some(value) = example.get("value") {
                        values.push((name.clone(), value.clone()));
                    }
                }
                let streaming = media_type.starts_with("text/event-stream");
                let endpoint = endpoints::ALL
                    .iter()
                    .find(|e| {
                        e.method == method
                            && e.path == path
                            && e.call.ends_with("send_stream()") == streaming
                    })
                    .or_else(|| {
                        endpoints::ALL
                            .iter()
                            .find(|e| e.method == method && e.path == path)
                    })
                    .unwrap_or_else(|| panic!("{method} {path} is not in the client"));
                for (name, value) in values {
                    out.push(Example {
                        name: format!("{method} {path} {status} {media_type} ({name})"),
                        media_type: media_type.clone(),
                        value,
                        endpoint: *endpoint,
                    });
                }
            }
        }
    }
    out
}

fn is_json(media_type: &str) -> bool {
    media_type.starts_with("application/json")
}

#[test]
fn every_json_success_example_decodes_into_its_type() {
    let doc = document();
    let mut decoded = 0;
    let mut failures = Vec::new();
    for example in examples(&doc).iter().filter(|e| is_json(&e.media_type)) {
        let json = example.value.to_string();
        match exemplars::decode(example.endpoint.operation_id, &json) {
            Some(Ok(())) => decoded += 1,
            Some(Err(reason)) => failures.push(format!("{}: {reason}", example.name)),
            None => failures.push(format!("{}: the operation decodes no JSON", example.name)),
        }
    }
    println!("{decoded} JSON success examples decoded into their types");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn decoding_can_fail() {
    // The check above means something only if a wrong body is refused: some
    // operation of the client must refuse a list of mixed items.
    let refused = endpoints::ALL
        .iter()
        .filter(|e| {
            matches!(
                exemplars::decode(e.operation_id, "[1, \"two\"]"),
                Some(Err(_))
            )
        })
        .count();
    println!("{refused} operations refuse a wrong body");
    assert!(refused > 0, "no operation refuses a wrong body");
}

fn client(server: &MockServer) -> Client {
    let http = http_client(Duration::from_secs(5)).unwrap();
    let mut config = TransportConfig::new(Secret::from("test-key"), http);
    config.retry = RetryPolicy::default().with_max_retries(0);
    Client::new(&server.base_url(), Transport::new(config).unwrap())
}

/// Whether an event-stream example holds data at all: the document elides
/// most of its success examples' events (`{"type": "...", ...}`).
fn elided(text: &str) -> bool {
    text.lines()
        .filter_map(|l| l.strip_prefix("data:"))
        .map(str::trim)
        .filter(|d| *d != "[DONE]")
        .any(|d| serde_json::from_str::<Value>(d).is_err())
}

/// Whether an event-stream example is the server's error.
fn is_error_example(text: &str) -> bool {
    text.lines()
        .filter_map(|l| l.strip_prefix("data:"))
        .filter_map(|d| serde_json::from_str::<Value>(d.trim()).ok())
        .any(|d| d.get("error").is_some_and(Value::is_object) || d["type"] == "error")
}

#[tokio::test]
async fn every_event_stream_example_is_read_as_the_api_means_it() {
    let doc = document();
    let (mut read, mut skipped) = (0, Vec::new());
    for example in examples(&doc)
        .iter()
        .filter(|e| e.media_type.starts_with("text/event-stream"))
    {
        let Some(text) = example.value.as_str() else {
            panic!("{}: an event-stream example is not text", example.name);
        };
        if elided(text) {
            skipped.push(example.name.clone());
            continue;
        }
        let server = MockServer::start_async().await;
        server.mock(|when, then| {
            when.method(example.endpoint.method);
            then.status(200)
                .header("content-type", "text/event-stream")
                .body(text);
        });
        let client = client(&server);
        let result = exemplars::call(&client, example.endpoint.operation_id)
            .expect("every operation has an exemplar call")
            .await;
        if is_error_example(text) {
            match result {
                Err(Error::Stream {
                    failure: StreamFailure::ServerError,
                    ..
                }) => {}
                other => panic!("{}: the server's error ended as {other:?}", example.name),
            }
        } else {
            result.unwrap_or_else(|e| panic!("{}: {e}", example.name));
        }
        read += 1;
    }
    println!("{read} event-stream examples read as the API means them");
    for name in &skipped {
        println!("not data: the document elides the events of {name}");
    }
}
