//! The API key and the S3 secret never appear in Debug, Display, error text
//! or tracing output, whatever happens to the request.

mod common;

use common::{client, upload_reviews, CapturedLogs, Reply, ScriptedServer, KEY};
use nebius_tokenfactory::datasets::S3Import;
use nebius_tokenfactory::RetryPolicy;

const S3_SECRET: &str = "s3-secret-do-not-print";

/// An S3 import whose secret key is [`S3_SECRET`].
fn s3_import() -> S3Import {
    S3Import {
        name: "d".into(),
        folder: "/f".into(),
        service_url: "https://s3.example".into(),
        region: "r".into(),
        uri: "s3://b/k".into(),
        key_id: "id".into(),
        secret_key: S3_SECRET.into(),
        ai_project_id: None,
    }
}

fn assert_clean(what: &str, text: &str) {
    assert!(!text.contains(KEY), "{what} shows the API key: {text}");
    assert!(
        !text.contains(S3_SECRET),
        "{what} shows the S3 secret: {text}"
    );
}

/// Headers of a view reach every request, generated or typed; the API key
/// stays the client's; a sensitive value is a credential like the key.
#[tokio::test]
async fn headers_of_a_view_are_sent_and_their_credentials_scrubbed() {
    use nebius_tokenfactory::header::{HeaderName, HeaderValue, AUTHORIZATION};
    use nebius_tokenfactory::RequestOptions;
    const GATEWAY_KEY: &str = "gw-key-do-not-print";
    let echo = format!(r#"{{"detail": "gateway refused {GATEWAY_KEY}"}}"#);
    let server = ScriptedServer::start(vec![
        Reply::new(200, common::dataset_json("d")),
        Reply::new(400, echo),
    ]);
    let mut key = HeaderValue::from_static(GATEWAY_KEY);
    key.set_sensitive(true);
    let options = RequestOptions::new()
        .with_header(
            HeaderName::from_static("x-team"),
            HeaderValue::from_static("search"),
        )
        .with_header(HeaderName::from_static("x-gateway-key"), key)
        .with_header(
            AUTHORIZATION,
            HeaderValue::from_static("Bearer not-the-key"),
        );
    assert!(!format!("{options:?}").contains(GATEWAY_KEY));
    let c = client(&server.url).build().unwrap().with_options(options);
    upload_reviews(&c).await.unwrap();
    let err = c
        .api()
        .create_dataset()
        .body(common::upload_request())
        .send()
        .await
        .unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(!text.contains(GATEWAY_KEY), "the gateway key shows: {text}");
    assert!(text.contains("gateway refused [REDACTED]"), "{text}");
    for request in server.received() {
        assert_eq!(request.header("x-team"), Some("search"));
        assert_eq!(request.header("x-gateway-key"), Some(GATEWAY_KEY));
        assert_eq!(
            request.header("authorization"),
            Some(&*format!("Bearer {KEY}"))
        );
    }
}

#[tokio::test]
async fn secrets_stay_out_of_debug_errors_and_traces() {
    let captured = CapturedLogs::default();
    let _guard = captured.install(tracing::Level::TRACE);

    // The server echoes what it got, as FastAPI's validation errors do:
    // the key to every call, the S3 secret to the import.
    let echo_key = format!(r#"{{"detail": "bad input: key={KEY}"}}"#);
    let echo_both = format!(r#"{{"detail": "bad input: key={KEY} s3_secret_key={S3_SECRET}"}}"#);
    let server = ScriptedServer::start(vec![
        Reply::new(401, echo_key).header("x-request-id", "r1"),
        Reply::new(429, echo_both.clone()).header("retry-after", "0"),
        Reply::new(500, echo_both),
        Reply::new(200, format!("not json, but it echoes {KEY}")),
    ]);
    let builder = client(&server.url).with_retry_policy(RetryPolicy::default().with_max_retries(1));
    assert_clean("ClientBuilder Debug", &format!("{builder:?} {builder:#?}"));
    let c = builder.build().unwrap();
    assert_clean("Client Debug", &format!("{c:?} {c:#?}"));

    let err = upload_reviews(&c).await.unwrap_err();
    assert_clean("auth error", &format!("{err} {err:?}"));

    let import = s3_import();
    assert_clean("S3Import Debug", &format!("{import:?} {import:#?}"));
    let err = c.datasets().import_s3(import).send().await.unwrap_err();
    assert_clean("import error", &format!("{err} {err:?}"));

    let err = upload_reviews(&c).await.unwrap_err();
    assert!(
        matches!(err, nebius_tokenfactory::Error::Decode { .. }),
        "{err:?}"
    );
    assert_clean("decode error", &format!("{err} {err:?}"));
    assert!(
        err.to_string().contains("[REDACTED]"),
        "the echo is scrubbed, not dropped: {err}"
    );

    let requests = server.received();
    assert_eq!(requests.len(), 4);
    // The secrets did go where they belong.
    assert_eq!(
        requests[0].header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(requests[1].json()["s3_secret_key"], S3_SECRET);

    let logs = captured.text();
    assert!(
        logs.contains("nebius_tokenfactory.request"),
        "no request span was logged: {logs}"
    );
    assert!(
        logs.contains("status=429") && logs.contains("retrying"),
        "{logs}"
    );
    assert!(
        logs.contains("request_id=\"r1\"") || logs.contains("request_id=r1"),
        "{logs}"
    );
    assert_clean("TRACE-level logs", &logs);
}

#[tokio::test]
async fn validation_errors_that_quote_the_secret_are_scrubbed() {
    let detail = format!(
        r#"{{"detail": [{{"loc": ["body", "s3_secret_key"], "msg": "{S3_SECRET} is not a key", "type": "value_error", "input": "{S3_SECRET}"}}]}}"#
    );
    let server = ScriptedServer::start(vec![Reply::new(422, detail)]);
    let c = client(&server.url).build().unwrap();
    let import = s3_import();
    let err = c.datasets().import_s3(import).send().await.unwrap_err();
    assert_clean("validation error", &format!("{err} {err:?}"));
    assert_eq!(
        err.to_string(),
        "the API rejected the request (422): body.s3_secret_key: [REDACTED] is not a key"
    );
}
