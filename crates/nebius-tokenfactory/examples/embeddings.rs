//! Embeddings of two texts.
//!
//! With `NEBIUS_API_KEY` set it calls the real API (or `NEBIUS_BASE_URL`);
//! without, an in-process mock of it.
//!
//! ```text
//! cargo run -p nebius-tokenfactory --example embeddings
//! ```

#[path = "support/mod.rs"]
mod support;

#[cfg(api_operation = "create_embeddings")]
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    use nebius_tokenfactory::api::mock::MockServerExt;
    use nebius_tokenfactory::api::types::EmbeddingRequest;

    const MODEL: &str = "BAAI/bge-en-icl";
    let (client, _mock) = support::client(|server| {
        server.create_embeddings(|_, then| {
            then.ok(&support::from_json(serde_json::json!({
                "object": "list", "model": MODEL,
                "data": [{"object": "embedding", "index": 0, "embedding": [0.0023, -0.0093, -0.0028]},
                         {"object": "embedding", "index": 1, "embedding": [0.0110, 0.0042, -0.0007]}],
                "usage": {"prompt_tokens": 9, "total_tokens": 9}
            })));
        });
    })
    .await?;

    let request = EmbeddingRequest::builder()
        .model(MODEL)
        .input(vec!["A quiet dinner.", "A noisy bar."]);
    let embeddings = client
        .api()
        .create_embeddings()
        .body(request)
        .send()
        .await?;
    for item in &embeddings.data {
        println!("{}: {:?}", item.index, item.embedding);
    }
    println!("{} tokens", embeddings.usage.total_tokens);
    Ok(())
}

#[cfg(not(api_operation = "create_embeddings"))]
fn main() {
    support::skipped("embeddings", "create_embeddings");
}
