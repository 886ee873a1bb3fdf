//! Every error example of the API's own document, served with its status
//! by a local server and called through the runtime's `Transport` as
//! generated code calls it: each must come back as the `Error` its status
//! calls for, carrying the example's own message (and its error object's
//! type, code and param), after as many attempts as the retry table says.
//!
//! The document is never copied into this repository: it is read from
//! `$NEBIUS_SHARED_FIXTURES/nebius-upstream`, and the test says it is
//! skipped, by name, where that folder is absent.

// The request builder returns progenitor's error, as generated code does.
#![allow(clippy::result_large_err)]

use httpmock::prelude::*;
use nebius_tokenfactory_runtime::{
    Endpoint, Error, ResponseKind, RetryPolicy, Secret, Transport, TransportConfig,
};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const KEY: &str = "sk-upstream-errors-test-key";

/// Retries after the first attempt, in every call here.
const RETRIES: u32 = 2;

/// The newest of the API's documents beside the repository, or `None`
/// (having said why) where there is none.
fn document(test: &str) -> Option<(PathBuf, Value)> {
    let dir = Path::new(env!("NEBIUS_SHARED_FIXTURES")).join("nebius-upstream");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    let name = p.file_name().unwrap_or_default().to_string_lossy();
                    name.starts_with("openapi-") && name.ends_with(".json")
                })
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    let Some(path) = found.pop() else {
        println!(
            "SKIPPED {test}: no openapi-*.json in {} (the API's documents live beside the repository, in ../shared)",
            dir.display()
        );
        return None;
    };
    let text = std::fs::read_to_string(&path).expect("a readable document");
    let doc = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Some((path, doc))
}

/// `value`, or what its local `$ref` points at.
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(pointer) => {
            let target = pointer
                .strip_prefix('#')
                .and_then(|p| doc.pointer(p))
                .unwrap_or_else(|| panic!("an unresolvable $ref {pointer}"));
            resolve(doc, target)
        }
        None => value,
    }
}

/// One example of an error response in the document.
struct Example {
    /// `POST /v1/chat/completions 529 application/json example`, for messages.
    name: String,
    operation_id: &'static str,
    method: &'static str,
    status: u16,
    content_type: String,
    /// The example itself, as the document gives it.
    value: Value,
}

impl Example {
    /// The body as the server would send it: a text example as its text,
    /// anything else as JSON.
    fn body(&self) -> String {
        match &self.value {
            Value::String(text) if !self.content_type.contains("json") => text.clone(),
            other => other.to_string(),
        }
    }

    /// The message the error must carry: the error object's `message`,
    /// else the `detail` text, else the text of a plain body; trimmed, as
    /// the runtime trims it. `None` for FastAPI's validation details.
    fn message(&self) -> Option<String> {
        let text = match &self.value {
            Value::String(text) => Some(text.as_str()),
            json => json
                .pointer("/error/message")
                .and_then(Value::as_str)
                .or_else(|| json.get("detail").and_then(Value::as_str)),
        };
        text.map(|t| t.trim().to_string())
    }

    /// The error object's field `name`, as text (a number's digits).
    fn error_field(&self, name: &str) -> Option<String> {
        match self.value.get("error")?.get(name)? {
            Value::String(s) => Some(s.trim().to_string()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    fn is_idempotent(&self) -> bool {
        matches!(self.method, "GET" | "HEAD" | "OPTIONS" | "PUT" | "DELETE")
    }

    /// Whether the call is repeated, by the table in the README, written
    /// out here rather than asked of the runtime: refusals before
    /// processing (429, Nebius's 529, and a 503 that says when to come
    /// back) whatever the method; failures that may have been processed
    /// (500, a bare 503) only for an idempotent method; other 4xx never.
    fn is_retried(&self, with_retry_after: bool) -> bool {
        match self.status {
            408 | 425 | 429 | 529 => true,
            503 if with_retry_after => true,
            500 | 502 | 503 | 504 => self.is_idempotent(),
            _ => false,
        }
    }
}

/// Every example (`example`, and each of `examples`) of every non-2xx
/// response of every operation.
fn examples(doc: &Value) -> Vec<Example> {
    let mut out = Vec::new();
    let paths = doc["paths"].as_object().expect("the document's paths");
    for (path, item) in paths {
        let item = resolve(doc, item);
        for method in ["get", "put", "post", "delete", "options", "head", "patch"] {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let operation_id: &'static str = operation["operationId"]
                .as_str()
                .map(|id| &*Box::leak(id.to_string().into_boxed_str()))
                .unwrap_or("unnamed");
            let upper: &'static str = Box::leak(method.to_uppercase().into_boxed_str());
            let Some(responses) = operation.get("responses").and_then(Value::as_object) else {
                continue;
            };
            for (status, response) in responses {
                let Ok(status) = status.parse::<u16>() else {
                    continue; // `default`, `5XX`: no one status to serve
                };
                if (200..300).contains(&status) {
                    continue;
                }
                let response = resolve(doc, response);
                let Some(content) = response.get("content").and_then(Value::as_object) else {
                    continue;
                };
                for (content_type, media) in content {
                    let mut found = Vec::new();
                    if let Some(value) = media.get("example") {
                        found.push(("example".to_string(), value.clone()));
                    }
                    if let Some(named) = media.get("examples").and_then(Value::as_object) {
                        for (name, example) in named {
                            let example = resolve(doc, example);
                            if let Some(value) = example.get("value") {
                                found.push((name.clone(), value.clone()));
                            }
                        }
                    }
                    for (name, value) in found {
                        out.push(Example {
                            name: format!("{upper} {path} {status} {content_type} {name}"),
                            operation_id,
                            method: upper,
                            status,
                            content_type: content_type.clone(),
                            value,
                        });
                    }
                }
            }
        }
    }
    out
}

fn transport() -> Transport {
    nebius_tokenfactory_runtime::ensure_crypto_provider();
    let mut config = TransportConfig::new(Secret::from(KEY), reqwest::Client::new());
    config.retry = RetryPolicy::default()
        .with_max_retries(RETRIES)
        .with_backoff(Duration::from_millis(1), Duration::from_millis(1));
    config.timeout = Duration::from_secs(10);
    Transport::new(config).unwrap()
}

/// Calls `url` with `method` as generated code does, for a JSON answer.
async fn call(transport: &Transport, endpoint: Endpoint, url: &str) -> Result<Value, Error> {
    let http = transport.http().clone();
    let method = reqwest::Method::from_bytes(endpoint.method.as_bytes()).unwrap();
    transport
        .call_value(
            &endpoint,
            || Ok(http.request(method, url).build().unwrap()),
            |request| {
                let transport = transport.clone();
                async move { transport.send_json::<Value>(request, &endpoint).await }
            },
        )
        .await
}

/// Serves `example` (with `Retry-After` or not) and checks the error the
/// call gives; returns how many requests the server received.
async fn check(server: &MockServer, index: usize, example: &Example, with_retry_after: bool) {
    let path = format!("/examples/{index}/{with_retry_after}");
    let method = httpmock::Method::from(example.method);
    let mock = server
        .mock_async(|when, then| {
            when.method(method).path(path.clone());
            let then = then
                .status(example.status)
                .header("content-type", &example.content_type)
                .header("x-request-id", format!("req-{index}"))
                .body(example.body());
            if with_retry_after {
                then.header("retry-after-ms", "1");
            }
        })
        .await;
    let endpoint = Endpoint {
        operation_id: example.operation_id,
        method: example.method,
        path: "",
        response: ResponseKind::Json,
        media_type: "application/json",
        cookies: &[],
        project: None,
        call: example.operation_id,
    };
    let what = format!(
        "{}{}",
        example.name,
        if with_retry_after {
            " (with retry-after-ms)"
        } else {
            ""
        }
    );
    let err = call(&transport(), endpoint, &server.url(&path))
        .await
        .expect_err(&what);

    // The variant its status calls for.
    let variant_ok = match example.status {
        401 | 403 => {
            matches!(err, Error::Authentication { status, .. } if status == example.status)
        }
        402 => matches!(err, Error::PaymentRequired { .. }),
        422 if example.value["detail"].is_array() => matches!(err, Error::Validation { .. }),
        429 => matches!(err, Error::RateLimited { .. }),
        status => matches!(err, Error::Api { status: s, .. } if s == status),
    };
    assert!(variant_ok, "{what}: {err:?}");
    assert_eq!(err.status(), Some(example.status), "{what}");
    let request_id = format!("req-{index}");
    assert_eq!(err.request_id(), Some(request_id.as_str()), "{what}");

    // The example's own message, in the error and in what it prints.
    match (&err, example.message()) {
        (Error::Validation { details, .. }, _) => {
            let items = example.value["detail"].as_array().unwrap();
            assert_eq!(details.len(), items.len(), "{what}");
            for (detail, item) in details.iter().zip(items) {
                assert_eq!(detail.message, item["msg"].as_str().unwrap(), "{what}");
                assert_eq!(detail.kind, item["type"].as_str().unwrap(), "{what}");
            }
        }
        (_, Some(message)) => {
            assert_eq!(err.message(), Some(message.as_str()), "{what}");
            assert!(err.to_string().contains(&message), "{what}: {err}");
        }
        (_, None) => panic!("{what}: the example has no message to compare"),
    }
    // And its error object's type, code and param, where it has one.
    assert_eq!(
        err.error_type().map(String::from),
        example.error_field("type"),
        "{what}"
    );
    assert_eq!(
        err.code().map(String::from),
        example.error_field("code"),
        "{what}"
    );
    assert_eq!(
        err.param().map(String::from),
        example.error_field("param"),
        "{what}"
    );
    if let (Some(kind), Some(code)) = (err.error_type(), err.code()) {
        let shown = format!("type {kind}, code {code}");
        assert!(err.to_string().contains(&shown), "{what}: {err}");
    }

    // Retried or not, as the table says: counted at the server.
    let retried = example.is_retried(with_retry_after);
    let expected = if retried { RETRIES as usize + 1 } else { 1 };
    let received = mock.calls_async().await;
    assert_eq!(received, expected, "{what}: requests received");
    assert_eq!(err.call().unwrap().attempts as usize, received, "{what}");
    assert_eq!(
        err.is_transient(),
        retried || matches!(example.status, 500 | 502 | 503 | 504),
        "{what}"
    );
    mock.delete_async().await;
}

#[tokio::test]
async fn every_documented_error_example_becomes_its_error() {
    let test = "every_documented_error_example_becomes_its_error";
    let Some((path, doc)) = document(test) else {
        return;
    };
    let examples = examples(&doc);
    assert!(
        !examples.is_empty(),
        "{} has no examples of error responses: the test would prove nothing",
        path.display()
    );
    let server = MockServer::start_async().await;
    let mut by_status = std::collections::BTreeMap::<u16, usize>::new();
    let mut with_wait = 0;
    for (index, example) in examples.iter().enumerate() {
        check(&server, index, example, false).await;
        *by_status.entry(example.status).or_default() += 1;
        // A refusal that says when to come back is repeated for any method.
        if matches!(example.status, 503 | 529) {
            check(&server, index, example, true).await;
            with_wait += 1;
        }
    }
    println!(
        "checked {} error examples of {} (by status: {by_status:?}), and {with_wait} of them again with retry-after-ms",
        examples.len(),
        path.file_name().unwrap().to_string_lossy(),
    );
}

#[tokio::test]
async fn an_overloaded_nebius_is_waited_for_as_it_asks() {
    let server = MockServer::start_async().await;
    let body = r#"{"error": {"message": "System is overloaded\n", "type": "InternalServerError", "code": 529}, "detail": "System is overloaded\n"}"#;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST).path("/v1/chat/completions");
            then.status(529)
                .header("content-type", "application/json")
                .header("retry-after-ms", "300")
                .body(body);
        })
        .await;
    let endpoint = Endpoint::unlisted("create_chat_completion", "POST");
    let started = Instant::now();
    let err = call(&transport(), endpoint, &server.url("/v1/chat/completions"))
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    // Two retries of a POST, each after the 300 ms asked for (the backoff
    // alone would be 1 ms).
    assert_eq!(mock.calls_async().await, RETRIES as usize + 1);
    assert!(elapsed >= Duration::from_millis(600), "{elapsed:?}");
    assert!(err.is_overloaded() && err.is_safe_to_retry(), "{err:?}");
    assert_eq!(
        err.to_string(),
        "the API answered 529: System is overloaded (type InternalServerError, code 529)"
    );
}

#[tokio::test]
async fn an_exhausted_budget_is_never_repeated() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/models");
            then.status(402)
                .header("content-type", "application/json")
                .header("retry-after", "1")
                .body(format!(r#"{{"detail": "budget of {KEY} exhausted"}}"#));
        })
        .await;
    // A GET with Retry-After: still one request.
    let endpoint = Endpoint::unlisted("list_models", "GET");
    let err = call(&transport(), endpoint, &server.url("/v1/models"))
        .await
        .unwrap_err();
    assert_eq!(mock.calls_async().await, 1);
    assert!(err.is_payment_required(), "{err:?}");
    assert_eq!(err.message(), Some("budget of [REDACTED] exhausted"));
    assert!(!err.to_string().contains(KEY), "{err}");
    assert!(!err.is_transient() && !err.is_safe_to_retry());
}
