//! What the examples share: a client of the real API when `NEBIUS_API_KEY`
//! is set, else of an in-process mock of it, set up by each example with
//! the generated typed mock helpers (`api::mock::MockServerExt`).

#![allow(dead_code)] // Each example uses part of it.

use nebius_tokenfactory::{Client, API_KEY_ENV};

/// The model the examples ask for.
pub const MODEL: &str = "meta-llama/Llama-3.3-70B-Instruct";

/// A client, and the mock server it talks to (kept alive while it is used)
/// when no API key is set. `mock` answers the calls the example makes.
pub async fn client(
    mock: impl FnOnce(&httpmock::MockServer),
) -> Result<(Client, Option<httpmock::MockServer>), nebius_tokenfactory::Error> {
    if std::env::var_os(API_KEY_ENV).is_some() {
        return Ok((Client::from_env()?, None));
    }
    println!("{API_KEY_ENV} is not set: running against an in-process mock of the API.");
    let server = httpmock::MockServer::start_async().await;
    mock(&server);
    let client = Client::builder()
        .with_api_key("mock-key")
        .with_base_url(server.base_url())
        .build()?;
    Ok((client, Some(server)))
}

/// A value of a generated type from its JSON, for the mock's answers.
pub fn from_json<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
    serde_json::from_value(value).expect("the mock's answer fits its type")
}

/// What an example says when the client was generated from a document
/// without its operation (the vendored one predates most of the API).
pub fn skipped(example: &str, operation: &str) {
    println!(
        "SKIPPED example {example}: the client has no `{operation}`; regenerate it onto the API's \
         own document (`cargo xtask regen`; scripts/upstream does it in a copy)"
    );
}
