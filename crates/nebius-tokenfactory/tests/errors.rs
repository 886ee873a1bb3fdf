//! Every kind of error, from a real response or a real failure.

mod common;

use common::{client, dataset_json, upload_reviews, Fault, Reply, ScriptedServer};
use nebius_tokenfactory::datasets::{ColumnType, DatasetSchema, S3Import};
use nebius_tokenfactory::{Error, RetryPolicy};
use serde_json::json;

async fn fail(reply: Reply) -> (Error, ScriptedServer) {
    let server = ScriptedServer::start(vec![reply]);
    let c = client(&server.url)
        .with_retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = upload_reviews(&c).await.unwrap_err();
    (err, server)
}

#[tokio::test]
async fn validation_errors_are_rendered_readably() {
    let body = json!({"detail": [
        {"loc": ["body", "rows", 3, "text"], "msg": "Field required", "type": "missing"},
        {"loc": ["body", "name"], "msg": "String should have at least 1 character", "type": "string_too_short"}
    ]});
    let (err, _) = fail(Reply::new(422, body.to_string()).header("x-request-id", "req-422")).await;
    assert_eq!(
        err.to_string(),
        "the API rejected the request (422): body.rows[3].text: Field required; \
         body.name: String should have at least 1 character (request id req-422)"
    );
    let Error::Validation {
        details,
        request_id,
        call,
    } = err
    else {
        panic!()
    };
    assert_eq!(details[0].kind, "missing");
    assert_eq!(request_id.as_deref(), Some("req-422"));
    assert_eq!(call.operation_id, "create_dataset");
    assert_eq!(call.attempts, 1);
}

#[tokio::test]
async fn authentication_errors_hint_at_the_key() {
    for status in [401, 403] {
        let (err, _) = fail(Reply::new(status, r#"{"detail": "Invalid token"}"#)).await;
        assert!(matches!(err, Error::Authentication { .. }), "{err:?}");
        assert!(
            err.to_string()
                .contains("check the API key (the NEBIUS_API_KEY environment variable)"),
            "{err}"
        );
        assert!(!err.is_transient() && !err.is_safe_to_retry());
    }
}

#[tokio::test]
async fn rate_limits_carry_retry_after() {
    let (err, _) =
        fail(Reply::new(429, r#"{"error": {"message": "Too many"}}"#).header("retry-after", "7"))
            .await;
    assert_eq!(
        err.to_string(),
        "rate limited (429): Too many; retry after 7.0 s"
    );
    assert!(err.is_transient() && err.is_safe_to_retry());
}

#[tokio::test]
async fn other_statuses_carry_message_and_request_id() {
    let (err, _) =
        fail(Reply::new(404, r#"{"detail": "Not Found"}"#).header("x-request-id", "abc")).await;
    assert_eq!(
        err.to_string(),
        "the API answered 404: Not Found (request id abc)"
    );
    assert_eq!(err.request_id(), Some("abc"));
    let (err, _) = fail(Reply::new(500, "upstream exploded")).await;
    assert_eq!(err.to_string(), "the API answered 500: upstream exploded");
    // A 500 may have been processed: transient, but creating a dataset is
    // not idempotent, so making the call again is not safe.
    assert!(err.is_transient() && !err.is_safe_to_retry());
}

#[tokio::test]
async fn an_endless_error_body_is_read_only_as_far_as_an_excerpt_needs() {
    // The server never ends the body: a client that read it whole would
    // wait for its timeout and report a timeout instead.
    let server = ScriptedServer::start(vec![
        Reply::new(500, "upstream exploded: ").faulty(Fault::Endless)
    ]);
    let c = client(&server.url)
        .with_retry_policy(RetryPolicy::none())
        .with_timeout(std::time::Duration::from_secs(30))
        .build()
        .unwrap();
    let err = upload_reviews(&c).await.unwrap_err();
    let Error::Api {
        status, message, ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(*status, 500);
    assert!(
        message.starts_with("upstream exploded: xxx") && message.ends_with('…'),
        "{message}"
    );
    assert!(message.chars().count() < 600, "{}", message.len());
}

#[tokio::test]
async fn rate_limit_headers_are_read_from_errors_and_responses() {
    let server = ScriptedServer::start(vec![
        Reply::new(429, r#"{"detail": "slow down"}"#)
            .header("x-ratelimit-remaining-requests", "0")
            .header("x-ratelimit-remaining-tokens", "1200")
            .header("x-ratelimit-reset-requests", "1m30s"),
        Reply::new(200, dataset_json("d"))
            .header("x-ratelimit-remaining-requests", "599")
            .header("x-request-id", "req-ok"),
    ]);
    let c = client(&server.url)
        .with_retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = upload_reviews(&c).await.unwrap_err();
    let Error::RateLimited { rate_limits, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(rate_limits.remaining_requests, Some(0));
    assert_eq!(rate_limits.remaining_tokens, Some(1200));
    assert_eq!(
        rate_limits.reset_requests,
        Some(std::time::Duration::from_secs(90))
    );
    // Any generated operation keeps the headers with `send_with_response`.
    let response = c
        .api()
        .create_dataset()
        .body(common::upload_request())
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(response.rate_limits().remaining_requests, Some(599));
    assert_eq!(response.request_id(), Some("req-ok"));
    assert_eq!(response.into_inner().name, "d");
}

#[tokio::test]
async fn undecodable_responses_carry_status_and_truncated_body() {
    let long = format!("{{\"id\": 5, \"padding\": \"{}\"}}", "x".repeat(2000));
    let (err, _) = fail(Reply::new(200, long)).await;
    let Error::Decode { status, body, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(*status, 200);
    assert!(
        body.starts_with("{\"id\": 5") && body.ends_with('…') && body.len() < 600,
        "{body}"
    );
    assert!(
        err.to_string()
            .starts_with("cannot decode the API's 200 response: "),
        "{err}"
    );
}

#[tokio::test]
async fn invalid_input_sends_nothing() {
    let server = ScriptedServer::start(vec![Reply::new(200, dataset_json("d"))]);
    let c = client(&server.url).build().unwrap();
    let schema = DatasetSchema::new().column("text", ColumnType::String);
    let rows = [json!({"text": "a", "other": 1})];
    let err = c
        .datasets()
        .upload_json("", "/f", schema, &rows)
        .send()
        .await
        .unwrap_err();
    let Error::InvalidInput(invalid) = &err else {
        panic!("{err:?}")
    };
    let lines: Vec<String> = invalid.problems().iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "name: must not be empty",
            "row 0, column `other`: the key is not in the schema"
        ]
    );

    // Against a broken schema, rows are not checked: that would only repeat it.
    let schema = DatasetSchema::new()
        .column("text", ColumnType::String)
        .column("text", ColumnType::Integer);
    let err = c
        .datasets()
        .upload_json("d", "/f", schema, &rows)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid input, nothing was sent: column `text`: the column name appears twice"
    );
    let err = c
        .datasets()
        .import_s3(S3Import {
            name: "d".into(),
            uri: "https://not-s3".into(),
            ..Default::default()
        })
        .send()
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("uri: must start with s3://"),
        "{err}"
    );
    assert!(
        err.to_string().contains("secret_key: must not be empty"),
        "{err}"
    );
    assert!(server.received().is_empty(), "nothing may be sent");
}

#[tokio::test]
async fn a_row_with_a_map_key_serde_json_refuses_is_invalid_input_before_a_byte_is_sent() {
    #[derive(serde::Serialize, schemars::JsonSchema)]
    struct Row {
        text: String,
        tags: std::collections::BTreeMap<Option<String>, u8>,
    }
    let server = ScriptedServer::start(vec![Reply::new(200, dataset_json("d"))]);
    let c = client(&server.url).build().unwrap();
    // Far more than is sent whole, with the bad row deep inside: a body
    // written while it is sent would have sent megabytes by then.
    let mut rows: Vec<Row> = (0..50_000)
        .map(|i| Row {
            text: format!("{i:>64}"),
            tags: [(Some("a".to_string()), 1)].into(),
        })
        .collect();
    rows[40_000].tags.insert(None, 2);
    let err = c
        .datasets()
        .upload("d", "/f", &rows)
        .send()
        .await
        .unwrap_err();
    let Error::InvalidInput(invalid) = &err else {
        panic!("{}: {err:?}", err.kind())
    };
    let lines: Vec<String> = invalid.problems().iter().map(ToString::to_string).collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    // Found by the check before the call, which names the row as a row;
    // not while the body was being written.
    assert_eq!(invalid.problems()[0].row, Some(40_000), "{lines:?}");
    assert!(lines[0].contains("key must be a string"), "{lines:?}");
    assert!(server.received().is_empty(), "nothing may be sent");
}

#[test]
fn configuration_errors_say_what_to_do() {
    let err = nebius_tokenfactory::Client::builder().build().unwrap_err();
    assert!(
        err.to_string()
            .contains("set the NEBIUS_API_KEY environment variable"),
        "{err}"
    );
    let err = nebius_tokenfactory::Client::builder()
        .with_api_key("a\nb")
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::InvalidApiKey), "{err:?}");
    let err = nebius_tokenfactory::Client::builder()
        .with_api_key("k")
        .with_user_agent("bad\nagent")
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the user agent `bad\nagent` is not a valid HTTP header value; use visible ASCII"
    );
    let err = nebius_tokenfactory::Client::builder()
        .with_api_key("k")
        .with_base_url("http://api.example.com")
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::InsecureBaseUrl { .. }), "{err:?}");
}
