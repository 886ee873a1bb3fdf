//! Every operation of the generated client runs on the runtime, checked
//! without a test per operation.
//!
//! The test walks the generated `endpoints::ALL` and calls each operation
//! through its generated exemplar (`mock::exemplars`: arguments made from
//! its schemas) against httpmock. For each it checks that the bearer token
//! is sent, that a 503 with `Retry-After` and then a success is retried,
//! that an ambiguous 502 is retried only for idempotent methods, that
//! error statuses come back as the SDK's `Error` naming the operation and
//! the call, that the tracing span names it, that the configured AI Studio
//! project reaches every operation that takes one, and that a JSON body
//! carries only what the call set (no defaults the document gives).
//!
//! On the vendored spec that is one operation. `scripts/every-operation`
//! regenerates a copy of the workspace from the fuller fixture spec
//! (`crates/codegen/tests/fixtures/tokenfactory_full.json`) and runs this
//! same test there, over every operation of it.

mod common;

use common::{CapturedLogs, KEY};
use httpmock::prelude::*;
use nebius_tokenfactory::api::endpoints::{self, Endpoint};
use nebius_tokenfactory::api::mock::exemplars;
use nebius_tokenfactory::api::runtime::ProjectParameter;
use nebius_tokenfactory::{Client, Error, RetryPolicy};
use std::time::Duration;

fn client(server: &MockServer) -> Client {
    Client::builder()
        .with_api_key(KEY)
        .with_base_url(server.base_url())
        .with_retry_policy(
            RetryPolicy::default().with_backoff(Duration::from_millis(1), Duration::from_millis(2)),
        )
        .build()
        .unwrap()
}

/// The path template as a pattern: `{name}` matches one segment.
fn path_pattern(template: &str) -> regex::Regex {
    let mut pattern = String::from("^");
    for (i, part) in template.split('{').enumerate() {
        let literal = if i == 0 {
            part
        } else {
            pattern.push_str("[^/]+");
            part.split_once('}').map_or("", |(_, rest)| rest)
        };
        pattern.push_str(&regex::escape(literal));
    }
    pattern.push('$');
    regex::Regex::new(&pattern).unwrap()
}

/// Matches the endpoint's method and path, on attempt `retry`.
fn when_attempt(when: httpmock::When, endpoint: &Endpoint, retry: u32) -> httpmock::When {
    when.method(endpoint.method)
        .path_matches(path_pattern(endpoint.path))
        .header("x-retry-count", retry.to_string())
}

/// Answers with the endpoint's exemplar success.
fn then_success(then: httpmock::Then, endpoint: &Endpoint) -> httpmock::Then {
    let exemplar = exemplars::response(endpoint.operation_id).expect("every operation has one");
    let then = then.status(exemplar.status);
    match exemplar.body {
        Some(body) => then
            .header("content-type", exemplar.content_type)
            .body(body),
        None => then,
    }
}

async fn call(client: &Client, endpoint: &Endpoint) -> Result<(), Error> {
    exemplars::call(client.api(), endpoint.operation_id)
        .expect("every operation has an exemplar call")
        .await
}

#[test]
fn the_table_lists_every_operation_once() {
    assert!(!endpoints::ALL.is_empty());
    for endpoint in endpoints::ALL {
        assert_eq!(endpoints::find(endpoint.operation_id), Some(*endpoint));
        assert!(exemplars::response(endpoint.operation_id).is_some());
    }
    println!("{} operations", endpoints::ALL.len());
}

#[tokio::test]
async fn every_operation_sends_the_token_and_decodes_its_success() {
    for endpoint in endpoints::ALL {
        let server = MockServer::start_async().await;
        let mock = server.mock(|when, then| {
            when_attempt(when, endpoint, 0).header("authorization", format!("Bearer {KEY}"));
            then_success(then, endpoint);
        });
        call(&client(&server), endpoint)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", endpoint.operation_id));
        mock.assert();
    }
}

#[tokio::test]
async fn the_configured_project_reaches_every_operation_that_takes_one() {
    const PROJECT: &str = "project-e2e";
    let mut takes_one = 0;
    for endpoint in endpoints::ALL {
        let server = MockServer::start_async().await;
        let client = Client::builder()
            .with_api_key(KEY)
            .with_base_url(server.base_url())
            .with_ai_project_id(PROJECT)
            .build()
            .unwrap();
        let mock = server.mock(|when, then| {
            let when = when_attempt(when, endpoint, 0);
            match endpoint.project {
                Some(ProjectParameter::Query(name)) => when.query_param(name, PROJECT),
                Some(ProjectParameter::Body(name)) => {
                    when.body_includes(format!("\"{name}\":\"{PROJECT}\""))
                }
                None => when.query_param_missing("ai_project_id"),
            };
            then_success(then, endpoint);
        });
        takes_one += usize::from(endpoint.project.is_some());
        call(&client, endpoint)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", endpoint.operation_id));
        mock.assert();
    }
    println!(
        "the project reached {takes_one} of {} operations (those that take one)",
        endpoints::ALL.len()
    );
}

/// The keys of `sent` that `set` does not have, as JSON pointers: what a
/// body carries that the call did not set.
fn unset_keys(sent: &serde_json::Value, set: &serde_json::Value, at: &str, out: &mut Vec<String>) {
    use serde_json::Value;
    match (sent, set) {
        (Value::Object(sent), Value::Object(set)) => {
            for (key, value) in sent {
                let here = format!("{at}/{key}");
                match set.get(key) {
                    Some(given) => unset_keys(value, given, &here, out),
                    None => out.push(here),
                }
            }
        }
        (Value::Array(sent), Value::Array(set)) => {
            for (i, (value, given)) in sent.iter().zip(set).enumerate() {
                unset_keys(value, given, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[tokio::test]
async fn every_json_body_carries_only_what_the_call_set() {
    let mut checked = 0;
    for endpoint in endpoints::ALL {
        let Some(body) = exemplars::body(endpoint.operation_id) else {
            continue;
        };
        let mut set: serde_json::Value = serde_json::from_str(body).unwrap();
        // The call sets the stream flag of an operation that also streams:
        // `send` clears it, `send_stream` sets it.
        let streams = endpoints::ALL
            .iter()
            .any(|e| e.path == endpoint.path && e.call.ends_with(".send_stream()"));
        if streams {
            set[nebius_tokenfactory_codegen::normalize::streams::FLAG] =
                serde_json::Value::Bool(endpoint.call.ends_with(".send_stream()"));
        }
        let extra = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let server = MockServer::start_async().await;
        let seen = extra.clone();
        let mock = server.mock(|when, then| {
            when_attempt(when, endpoint, 0).is_true(move |request| {
                let json = request
                    .headers()
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|t| t.starts_with("application/json"));
                if !json {
                    return true;
                }
                let sent: serde_json::Value =
                    serde_json::from_slice(request.body().as_ref()).unwrap_or_default();
                let mut out = Vec::new();
                unset_keys(&sent, &set, "", &mut out);
                let fine = out.is_empty();
                seen.lock().unwrap().extend(out);
                fine
            });
            then_success(then, endpoint);
        });
        let result = call(&client(&server), endpoint).await;
        let extra = extra.lock().unwrap().clone();
        assert!(
            extra.is_empty(),
            "{}: the body carries what the call did not set: {extra:?}",
            endpoint.call
        );
        result.unwrap_or_else(|e| panic!("{}: {e}", endpoint.operation_id));
        mock.assert();
        checked += 1;
    }
    println!("{checked} JSON bodies carried only what their call set");
}

#[tokio::test]
async fn every_operation_retries_a_refusal_and_names_itself_in_its_span() {
    for endpoint in endpoints::ALL {
        let server = MockServer::start_async().await;
        let refused = server.mock(|when, then| {
            when_attempt(when, endpoint, 0);
            then.status(503).header("retry-after", "0").body("{}");
        });
        let fine = server.mock(|when, then| {
            when_attempt(when, endpoint, 1);
            then_success(then, endpoint);
        });
        let logs = CapturedLogs::default();
        let guard = logs.install(tracing::Level::INFO);
        let result = call(&client(&server), endpoint).await;
        drop(guard);
        result.unwrap_or_else(|e| panic!("{}: {e}", endpoint.operation_id));
        refused.assert();
        fine.assert();
        let text = logs.text();
        assert!(
            text.contains("nebius_tokenfactory.request{")
                && text.contains(&format!("operation=\"{}\"", endpoint.operation_id)),
            "{}: the retry event is not in a span naming the operation:\n{text}",
            endpoint.operation_id
        );
    }
}

#[tokio::test]
async fn every_operation_retries_an_ambiguous_failure_only_if_idempotent() {
    for endpoint in endpoints::ALL {
        let server = MockServer::start_async().await;
        let failed = server.mock(|when, then| {
            when_attempt(when, endpoint, 0);
            then.status(502).body("upstream reset");
        });
        let fine = server.mock(|when, then| {
            when_attempt(when, endpoint, 1);
            then_success(then, endpoint);
        });
        let result = call(&client(&server), endpoint).await;
        failed.assert();
        if endpoint.is_idempotent() {
            result.unwrap_or_else(|e| panic!("{}: {e}", endpoint.operation_id));
            fine.assert();
        } else {
            let err = result.expect_err(endpoint.operation_id);
            assert_eq!(err.status(), Some(502), "{}", endpoint.operation_id);
            assert!(err.is_transient() && !err.is_safe_to_retry());
            fine.assert_calls(0);
        }
    }
}

#[tokio::test]
async fn every_operation_returns_the_sdks_error_naming_itself() {
    for endpoint in endpoints::ALL {
        let server = MockServer::start_async().await;
        server.mock(|when, then| {
            when_attempt(when, endpoint, 0);
            then.status(422).header("content-type", "application/json").body(
                r#"{"detail": [{"loc": ["query", "limit"], "msg": "Input should be valid", "type": "int_parsing"}]}"#,
            );
        });
        let err = call(&client(&server), endpoint)
            .await
            .expect_err(endpoint.operation_id);
        let Error::Validation { details, .. } = &err else {
            panic!("{}: {err:?}", endpoint.operation_id);
        };
        assert_eq!(details[0].to_string(), "query.limit: Input should be valid");
        assert_eq!(err.call().unwrap().operation_id, endpoint.operation_id);
        assert!(
            endpoint.call.ends_with("().send()") || endpoint.call.ends_with("().send_stream()"),
            "{}",
            endpoint.call
        );

        let server = MockServer::start_async().await;
        server.mock(|when, then| {
            when_attempt(when, endpoint, 0);
            then.status(404)
                .header("content-type", "application/json")
                .header("x-request-id", "req-404")
                .body(r#"{"detail": "Not Found"}"#);
        });
        let err = call(&client(&server), endpoint)
            .await
            .expect_err(endpoint.operation_id);
        assert_eq!(
            err.to_string(),
            "the API answered 404: Not Found (request id req-404)",
            "{}",
            endpoint.operation_id
        );
        assert_eq!(err.call().unwrap().operation_id, endpoint.operation_id);
    }
}
