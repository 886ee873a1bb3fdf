//! A fine-tuning job: created from an uploaded training file, then read
//! back with its events.
//!
//! With `NEBIUS_API_KEY` set it calls the real API (or `NEBIUS_BASE_URL`);
//! without, an in-process mock of it.
//!
//! ```text
//! cargo run -p nebius-tokenfactory --example fine_tuning
//! ```

#[path = "support/mod.rs"]
mod support;

#[cfg(all(
    api_operation = "create_fine_tuning_job",
    api_operation = "list_fine_tuning_events"
))]
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    use nebius_tokenfactory::api::mock::MockServerExt;
    use nebius_tokenfactory::api::types::FineTuningRequest;

    const BASE: &str = "meta-llama/Llama-3.1-8B-Instruct";
    let (client, _mock) = support::client(|server| {
        server.create_fine_tuning_job(|_, then| {
            then.ok(&support::from_json(serde_json::json!({
                "id": "ftjob-1", "object": "fine_tuning.job", "model": BASE, "created_at": 1760109124,
                "status": "queued", "training_file": "file-abc123", "result_files": [],
                "suffix": "support-bot"
            })));
        });
        server.list_fine_tuning_events(|when, then| {
            when.job_id("ftjob-1");
            then.ok(&support::from_json(serde_json::json!({
                "object": "list", "has_more": false,
                "data": [{"id": "ev-1", "object": "fine_tuning.job.event", "created_at": 1760109125,
                          "level": "info", "message": "Job queued", "type": "message"}]
            })));
        });
    })
    .await?;

    let request = FineTuningRequest::builder()
        .model(BASE)
        .training_file("file-abc123")
        .suffix("support-bot")
        .seed(42);
    let job = client
        .api()
        .create_fine_tuning_job()
        .body(request)
        .send()
        .await?;
    println!("job {} for {}: {}", job.id, job.model, job.status);

    let events = client
        .api()
        .list_fine_tuning_events()
        .job_id(&job.id)
        .limit(10)
        .send()
        .await?;
    for event in &events.data {
        println!("  {}: {}", event.created_at, event.message);
    }
    Ok(())
}

#[cfg(not(all(
    api_operation = "create_fine_tuning_job",
    api_operation = "list_fine_tuning_events"
)))]
fn main() {
    support::skipped("fine_tuning", "create_fine_tuning_job");
}
