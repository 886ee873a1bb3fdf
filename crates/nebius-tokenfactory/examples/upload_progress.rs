//! Uploads a million typed rows with a progress bar.
//!
//! The body is written from the rows while it is sent, so memory stays at
//! a few megabytes above the rows themselves, and `on_progress` reports the
//! rows and bytes the connection has taken, once per chunk.
//!
//! With `NEBIUS_API_KEY` set, it talks to the real API (or to
//! `NEBIUS_BASE_URL`). Without it, it runs against an in-process mock of
//! the API, built from the generated typed mock helpers, and says so.
//!
//! ```text
//! cargo run --release -p nebius-tokenfactory --example upload_progress
//! ```

use indicatif::{ProgressBar, ProgressStyle};
use nebius_tokenfactory::api::mock::MockServerExt;
use nebius_tokenfactory::{Client, API_KEY_ENV};

/// One row of the dataset: a prompt and the answer to fine-tune on.
#[derive(serde::Serialize, schemars::JsonSchema)]
struct Example {
    prompt: String,
    completion: String,
    weight: f64,
}

const ROWS: usize = 1_000_000;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rows: Vec<Example> = (0..ROWS)
        .map(|i| Example {
            prompt: format!("What is {i} squared?"),
            completion: format!("{} squared is {}.", i, i as u64 * i as u64),
            weight: 1.0,
        })
        .collect();

    let _mock; // Keeps the mock server alive while the client uses it.
    let client = if std::env::var_os(API_KEY_ENV).is_some() {
        Client::from_env()?
    } else {
        println!("{API_KEY_ENV} is not set: running against an in-process mock of the API.");
        let server = httpmock::MockServer::start_async().await;
        let reply = serde_json::from_value(serde_json::json!({
            "id": "ds-progress", "name": "squares", "status": "PENDING",
            "schema": [], "metadata": {}, "folder": "/examples",
            "current_version": "v1", "created_at": 1760109124, "error": null
        }))?;
        server.create_dataset(|when, then| {
            when.into_inner().path("/v1/datasets");
            then.ok(&reply);
        });
        let client = Client::builder()
            .with_api_key("mock-key")
            .with_base_url(server.base_url())
            .build()?;
        _mock = server;
        client
    };

    let bar = ProgressBar::new(ROWS as u64).with_style(ProgressStyle::with_template(
        "{bar:40} {pos}/{len} rows, {msg} [{elapsed_precise}]",
    )?);
    let shown = bar.clone();
    let dataset = client
        .datasets()
        .upload("squares", "/examples", &rows)
        .on_progress(move |p| {
            shown.set_position(p.rows_sent as u64);
            shown.set_message(format!("{:.1} MB", p.bytes_sent as f64 / 1e6));
        })
        .send()
        .await?;
    bar.finish();
    println!("created dataset {} ({})", dataset.name, dataset.id);
    Ok(())
}
