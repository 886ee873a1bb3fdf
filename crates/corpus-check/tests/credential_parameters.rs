//! Credential parameters on the wire (`credential_parameters` fixture):
//! query, header and cookie credentials are `Secret`s, which print redacted,
//! are sent in plain, and are scrubbed from what the server sends back.

use corpus_check::credential_parameters as api;
use httpmock::prelude::*;
use nebius_tokenfactory_runtime::{RetryPolicy, Secret, Transport, TransportConfig};
use std::time::Duration;

fn client(server: &MockServer) -> api::Client {
    nebius_tokenfactory_runtime::ensure_crypto_provider();
    let http = nebius_tokenfactory_runtime::http_client(Duration::from_secs(5)).unwrap();
    let mut config = TransportConfig::new(Secret::from("sk-credentials"), http);
    config.retry = RetryPolicy::default().with_max_retries(0);
    api::Client::new(&server.base_url(), Transport::new(config).unwrap())
}

#[tokio::test]
async fn credential_parameters_are_sent_in_plain_and_query_ones_print_redacted() {
    let server = MockServer::start_async().await;
    let served = server.mock(|when, then| {
        when.method(GET)
            .path("/v1/items")
            .query_param("api_key", "query-key-123")
            .query_param("access_token", "query-token-456")
            .header("x-api-key", "header-key-789")
            .header("cookie", "session_token=cookie-token-000");
        then.status(200)
            .header("content-type", "application/json")
            .body(r#"{"data": ["a"]}"#);
    });
    let client = client(&server);
    let call = client
        .list_items()
        .x_api_key("header-key-789")
        .api_key(Secret::from("query-key-123"))
        .access_token("query-token-456")
        .session_token("cookie-token-000");
    // The builder's Debug shows none of the credentials.
    let shown = format!("{call:?}");
    for secret in [
        "query-key-123",
        "query-token-456",
        "header-key-789",
        "cookie-token-000",
    ] {
        assert!(!shown.contains(secret), "{shown}");
    }
    let items = call.send().await.unwrap();
    assert_eq!(items.data, ["a"]);
    served.assert();
}

#[tokio::test]
async fn a_header_credential_the_server_echoes_is_scrubbed() {
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.method(GET).path("/v1/items");
        then.status(400)
            .header("content-type", "application/json")
            .body(r#"{"detail": "bad key header-key-789 for cookie-token-000"}"#);
    });
    let err = client(&server)
        .list_items()
        .x_api_key("header-key-789")
        .api_key(Secret::from("query-key-123"))
        .session_token("cookie-token-000")
        .send()
        .await
        .unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(text.contains("bad key"), "{text}");
    assert!(!text.contains("header-key-789"), "{text}");
    assert!(!text.contains("cookie-token-000"), "{text}");
}
