//! Credential parameters on the wire (`credential_parameters` fixture): a
//! query credential is a `Secret`, which prints redacted and is sent in
//! plain; a header credential stays a string and is sent as given.

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
            .header("x-api-key", "header-key-789");
        then.status(200)
            .header("content-type", "application/json")
            .body(r#"{"data": ["a"]}"#);
    });
    let client = client(&server);
    let call = client
        .list_items()
        .x_api_key("header-key-789")
        .api_key(Secret::from("query-key-123"))
        .access_token("query-token-456");
    // The builder's Debug does not show the query credentials.
    let shown = format!("{call:?}");
    assert!(!shown.contains("query-key-123"), "{shown}");
    assert!(!shown.contains("query-token-456"), "{shown}");
    let items = call.send().await.unwrap();
    assert_eq!(items.data, ["a"]);
    served.assert();
}
