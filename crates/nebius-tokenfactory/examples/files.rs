//! A file uploaded as a multipart form, then its content read back.
//!
//! With `NEBIUS_API_KEY` set it calls the real API (or `NEBIUS_BASE_URL`);
//! without, an in-process mock of it.
//!
//! ```text
//! cargo run -p nebius-tokenfactory --example files
//! ```

#[path = "support/mod.rs"]
mod support;

/// Two lines of fine-tuning data, as JSON Lines.
const TRAINING: &str = concat!(
    "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"Hello!\"}]}\n",
    "{\"messages\":[{\"role\":\"user\",\"content\":\"Bye\"},{\"role\":\"assistant\",\"content\":\"See you!\"}]}\n",
);

#[cfg(all(api_operation = "upload_file", api_operation = "get_file_content"))]
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    use nebius_tokenfactory::api::mock::MockServerExt;
    use nebius_tokenfactory::api::types::{FilePurpose, UploadFileRequest};
    use nebius_tokenfactory::multipart::Part;

    let (client, _mock) = support::client(|server| {
        server.upload_file(|when, then| {
            when.field("purpose", "fine-tune")
                .file("file", "train.jsonl");
            then.ok(&support::from_json(serde_json::json!({
                "id": "file-abc123", "object": "file", "bytes": TRAINING.len(),
                "created_at": 1760109124, "filename": "train.jsonl", "purpose": "fine-tune"
            })));
        });
        server.get_file_content(|when, then| {
            when.file_id("file-abc123");
            then.ok(TRAINING);
        });
    })
    .await?;

    let form = UploadFileRequest::builder()
        .file(Part::bytes(TRAINING).with_file_name("train.jsonl"))
        .purpose(FilePurpose::FineTune);
    let file = client.api().upload_file().body(form).send().await?;
    println!(
        "uploaded {} ({} bytes) as {}",
        file.filename, file.bytes, file.id
    );

    let content = client
        .api()
        .get_file_content()
        .file_id(&file.id)
        .send()
        .await?
        .bytes()
        .await?;
    println!("read back {} bytes:", content.len());
    print!("{}", String::from_utf8_lossy(&content));
    Ok(())
}

#[cfg(not(all(api_operation = "upload_file", api_operation = "get_file_content")))]
fn main() {
    let _ = TRAINING;
    support::skipped("files", "upload_file");
}
