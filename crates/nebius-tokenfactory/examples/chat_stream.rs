//! A chat completion streamed: typed chunks as they are made, printed as
//! they come, and how the stream ended.
//!
//! With `NEBIUS_API_KEY` set it calls the real API (or `NEBIUS_BASE_URL`);
//! without, an in-process mock of it.
//!
//! ```text
//! cargo run -p nebius-tokenfactory --example chat_stream
//! ```

#[path = "support/mod.rs"]
mod support;

#[cfg(api_operation = "create_chat_completion")]
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    use nebius_tokenfactory::api::mock::MockServerExt;
    use nebius_tokenfactory::api::types::{
        ChatCompletionChunk, ChatCompletionMessage, ChatCompletionRequest, ChatMessageRole,
    };
    use std::io::Write;

    let chunk = |content: &str| -> ChatCompletionChunk {
        support::from_json(serde_json::json!({
            "id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1717516032,
            "model": support::MODEL,
            "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": null}]
        }))
    };
    let (client, _mock) = support::client(|server| {
        server.create_chat_completion(|when, then| {
            when.streaming(true);
            then.events(&[chunk("Rust "), chunk("streams, "), chunk("typed.")]);
        });
    })
    .await?;

    let request = ChatCompletionRequest::builder()
        .model(support::MODEL)
        .messages([ChatCompletionMessage::builder()
            .role(ChatMessageRole::User)
            .content("Three words about Rust.")]);
    let mut stream = client
        .api()
        .create_chat_completion()
        .body(request)
        .send_stream()
        .await?;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        if let Some(text) = chunk
            .choices
            .first()
            .and_then(|c| c.delta.content.as_deref())
        {
            print!("{text}");
            std::io::stdout().flush()?;
        }
    }
    println!();
    println!("the stream ended: {:?}", stream.end());
    Ok(())
}

#[cfg(not(api_operation = "create_chat_completion"))]
fn main() {
    support::skipped("chat_stream", "create_chat_completion");
}
