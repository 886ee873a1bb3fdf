//! Streams a chat completion, token by token.
//!
//! The vendored spec has no chat completions yet; this example uses the
//! client generated from the fuller fixture spec of the Token Factory API
//! (`crates/codegen/tests/fixtures/tokenfactory_full.json`), which is what
//! a regen onto the whole upstream API gives `nebius_tokenfactory::Client`
//! (through `client.api()`).
//!
//! With `NEBIUS_API_KEY` set, it talks to the real API (or to
//! `NEBIUS_BASE_URL`). Without it, it runs against an in-process mock of
//! the API, built from the generated typed mock helpers, and says so.
//!
//! ```text
//! cargo run -p corpus-check --example stream_chat
//! ```

use corpus_check::tokenfactory_full::{mock::MockServerExt, types, Client};
use nebius_tokenfactory_runtime::{http_client, Secret, Transport, TransportConfig, API_KEY_ENV};
use serde_json::json;
use std::io::Write;
use std::time::Duration;

const BASE_URL: &str = "https://api.tokenfactory.nebius.com";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    nebius_tokenfactory_runtime::ensure_crypto_provider();
    let request: types::ChatCompletionRequest = serde_json::from_value(json!({
        "model": "meta-llama/Llama-3.3-70B-Instruct",
        "messages": [{"role": "user", "content": "Write a haiku about rivers."}],
        "max_tokens": 64
    }))?;

    let _mock; // Keeps the mock server alive while the client uses it.
    let (key, base_url) = match std::env::var(API_KEY_ENV) {
        Ok(key) => {
            let base_url = std::env::var("NEBIUS_BASE_URL").unwrap_or_else(|_| BASE_URL.into());
            (key, base_url)
        }
        Err(_) => {
            println!("{API_KEY_ENV} is not set: running against an in-process mock of the API.");
            let server = httpmock::MockServer::start_async().await;
            let words = [
                "Water ", "finds ", "the ", "low ", "road, ", "always ", "home.",
            ];
            let chunks: Vec<types::ChatCompletionChunk> = words
                .iter()
                .map(|word| chunk(word))
                .collect::<Result<_, _>>()?;
            server.create_chat_completion(|when, then| {
                when.streaming(true);
                then.events(&chunks);
            });
            let base_url = server.base_url();
            _mock = server;
            ("mock-key".to_string(), base_url)
        }
    };
    let transport = Transport::new(TransportConfig::new(
        Secret::from(key),
        http_client(Duration::from_secs(10))?,
    ))?;
    let client = Client::new(&base_url, transport);

    let mut stream = client
        .create_chat_completion()
        .body(request)
        .send_stream()
        .await?;
    if let Some(id) = stream.request_id() {
        println!("request id: {id}");
    }
    let mut out = std::io::stdout();
    while let Some(chunk) = stream.next().await {
        for choice in chunk?.choices {
            if let Some(text) = choice.delta.content {
                write!(out, "{text}")?;
                out.flush()?;
            }
        }
    }
    println!();
    Ok(())
}

/// One streamed chunk carrying `text`, as the API sends it.
fn chunk(text: &str) -> Result<types::ChatCompletionChunk, serde_json::Error> {
    serde_json::from_value(json!({
        "id": "chatcmpl-mock", "object": "chat.completion.chunk", "created": 0,
        "model": "meta-llama/Llama-3.3-70B-Instruct",
        "choices": [{"index": 0, "delta": {"content": text}}]
    }))
}
