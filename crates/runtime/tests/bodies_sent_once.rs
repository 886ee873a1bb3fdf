//! A request whose body cannot be copied (a stream) is sent once: after a
//! 429 the call returns the 429 rather than waiting out a backoff for a
//! retry it cannot send, and a same-origin 307 is answered with why it was
//! not followed rather than a false "sent already".

// The request builders return progenitor's error, as generated code does.
#![allow(clippy::result_large_err)]

use httpmock::MockServer;
use nebius_tokenfactory_runtime::{
    Endpoint, Error, ResponseKind, Secret, Transport, TransportConfig,
};
use serde_json::Value;

const ENDPOINT: Endpoint = Endpoint {
    operation_id: "put_thing",
    method: "PUT",
    path: "",
    response: ResponseKind::Json,
    media_type: "application/json",
    cookies: &[],
    project: None,
    call: "put_thing().send()",
};

fn transport() -> Transport {
    nebius_tokenfactory_runtime::ensure_crypto_provider();
    let mut config = TransportConfig::new(Secret::from("sk-once-test-key"), reqwest::Client::new());
    config.retry.max_retries = 3;
    Transport::new(config).unwrap()
}

/// A body that reqwest cannot copy.
fn stream_body() -> reqwest::Body {
    let chunks: Vec<Result<&'static str, std::io::Error>> = vec![Ok("{\"a\":"), Ok("1}")];
    reqwest::Body::wrap_stream(futures::stream::iter(chunks))
}

async fn put(transport: &Transport, url: &str) -> Result<Value, Error> {
    let http = transport.http().clone();
    transport
        .call_value(
            &ENDPOINT,
            || Ok(http.put(url).body(stream_body()).build().unwrap()),
            |request| {
                let transport = transport.clone();
                async move { transport.send_json::<Value>(request, &ENDPOINT).await }
            },
        )
        .await
}

#[tokio::test]
async fn a_stream_body_is_not_retried_and_the_429_comes_back() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.path("/thing");
            then.status(429)
                .header("retry-after-ms", "1")
                .json_body(serde_json::json!({"error": {"message": "slow down"}}));
        })
        .await;
    let err = put(&transport(), &server.url("/thing")).await.unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }), "{err:?}");
    assert!(err.to_string().contains("slow down"), "{err}");
    assert_eq!(mock.calls_async().await, 1, "one attempt");
}

#[tokio::test]
async fn a_stream_body_does_not_follow_a_same_origin_307_and_says_why() {
    let server = MockServer::start_async().await;
    let moved = server
        .mock_async(|when, then| {
            when.path("/thing");
            then.status(307).header("location", "/elsewhere?sig=s3cr3t");
        })
        .await;
    let elsewhere = server
        .mock_async(|when, then| {
            when.path("/elsewhere");
            then.status(200).json_body(serde_json::json!({}));
        })
        .await;
    let err = put(&transport(), &server.url("/thing")).await.unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, Error::Api { status: 307, .. }), "{err:?}");
    assert!(text.contains("cannot be sent again"), "{text}");
    assert!(
        text.contains("/elsewhere") && !text.contains("s3cr3t"),
        "{text}"
    );
    assert_eq!(moved.calls_async().await, 1);
    assert_eq!(elsewhere.calls_async().await, 0);
}
