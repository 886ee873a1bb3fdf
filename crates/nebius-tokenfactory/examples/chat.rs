//! A chat completion: a system and a user message, answered whole.
//!
//! With `NEBIUS_API_KEY` set it calls the real API (or `NEBIUS_BASE_URL`);
//! without, an in-process mock of it.
//!
//! ```text
//! cargo run -p nebius-tokenfactory --example chat
//! ```

#[path = "support/mod.rs"]
mod support;

#[cfg(api_operation = "create_chat_completion")]
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    use nebius_tokenfactory::api::mock::MockServerExt;
    use nebius_tokenfactory::api::types::{
        ChatCompletionMessage, ChatCompletionRequest, ChatMessageRole, FunctionCall, ToolCall,
    };

    let (client, _mock) = support::client(|server| {
        server.create_chat_completion(|when, then| {
            when.streaming(false);
            then.ok(&support::from_json(serde_json::json!({
                "id": "chatcmpl-1", "object": "chat.completion", "created": 1717516032,
                "model": support::MODEL, "service_tier": "default",
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": "Hello there, nice to meet."}}],
                "usage": {"prompt_tokens": 21, "completion_tokens": 7, "total_tokens": 28}
            })));
        });
    })
    .await?;

    // A conversation with a message of each role: the system's, the
    // user's, the assistant's call of a tool, and the tool's answer.
    let request = ChatCompletionRequest::builder()
        .model(support::MODEL)
        .messages([
            ChatCompletionMessage::builder()
                .role(ChatMessageRole::System)
                .content("You are a concise assistant."),
            ChatCompletionMessage::builder()
                .role(ChatMessageRole::User)
                .content("Greet me in five words, in the local language."),
            ChatCompletionMessage::builder()
                .role(ChatMessageRole::Assistant)
                .tool_calls([ToolCall::builder().id("call_1").function(
                    FunctionCall::builder()
                        .name("local_language")
                        .arguments("{}"),
                )]),
            ChatCompletionMessage::builder()
                .role(ChatMessageRole::Tool)
                .tool_call_id("call_1")
                .content("English"),
        ])
        .max_tokens(64);
    let completion = client
        .api()
        .create_chat_completion()
        .body(request)
        .send()
        .await?;
    let answer = completion.choices[0].message.content.as_deref();
    println!("{}", answer.unwrap_or("(no content)"));
    println!(
        "{} tokens ({} in the prompt)",
        completion.usage.total_tokens, completion.usage.prompt_tokens
    );
    Ok(())
}

#[cfg(not(api_operation = "create_chat_completion"))]
fn main() {
    support::skipped("chat", "create_chat_completion");
}
