//! FastAPI's way of declaring a download or a stream, on the wire
//! (`fastapi_downloads` fixture): its default `application/json` with an
//! empty schema beside the real type is never sent, so the real type wins.
//! The bytes a server sends come back as they were: a file, JSON Lines,
//! events. A JSON answer with a real schema beside a stream stays JSON.

use corpus_check::fastapi_downloads as api;
use futures::StreamExt;
use httpmock::prelude::*;
use nebius_tokenfactory_runtime::{RetryPolicy, Secret, Transport, TransportConfig};
use serde_json::json;
use std::time::Duration;

/// Two lines of JSON Lines, as a dataset export sends them: one JSON
/// document would fail on them with "trailing characters".
const ROWS: &str = "{\"text\":\"great\",\"stars\":5}\n{\"text\":\"meh\",\"stars\":null}\n";

fn client(server: &MockServer) -> api::Client {
    nebius_tokenfactory_runtime::ensure_crypto_provider();
    let http = nebius_tokenfactory_runtime::http_client(Duration::from_secs(5)).unwrap();
    let mut config = TransportConfig::new(Secret::from("sk-downloads"), http);
    config.retry = RetryPolicy::default().with_max_retries(0);
    api::Client::new(&server.base_url(), Transport::new(config).unwrap())
}

#[tokio::test]
async fn a_download_declared_the_fastapi_way_gives_its_bytes() {
    use api::mock::MockServerExt;
    let server = MockServer::start_async().await;
    let served = server.get_file_content(|when, then| {
        when.file_id("file-1")
            .into_inner()
            .header("accept", "application/octet-stream");
        then.ok(ROWS);
    });
    let bytes = client(&server)
        .get_file_content()
        .file_id("file-1")
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(bytes, ROWS.as_bytes());
    served.assert();
}

#[tokio::test]
async fn json_lines_declared_the_fastapi_way_come_line_by_line() {
    use api::mock::MockServerExt;
    let server = MockServer::start_async().await;
    server.export_rows(|when, then| {
        when.dataset_id("d-1");
        then.lines(&[json!({"text": "great"}), json!({"text": "meh"})]);
    });
    let lines: Vec<serde_json::Value> = client(&server)
        .export_rows()
        .dataset_id("d-1")
        .send()
        .await
        .unwrap()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(lines, [json!({"text": "great"}), json!({"text": "meh"})]);
}

#[tokio::test]
async fn events_declared_the_fastapi_way_are_a_stream_and_real_json_stays_json() {
    use api::mock::MockServerExt;
    let server = MockServer::start_async().await;
    server.follow_job(|when, then| {
        when.job_id("j-1");
        then.events(&[json!({"status": "running"}), json!({"status": "done"})]);
    });
    let events = client(&server)
        .follow_job()
        .job_id("j-1")
        .send()
        .await
        .unwrap()
        .collect_items()
        .await
        .unwrap();
    assert_eq!(events[1]["status"], "done");

    let server = MockServer::start_async().await;
    let job: api::types::Job =
        serde_json::from_value(json!({"id": "j-1", "status": "done"})).unwrap();
    server.get_job(|when, then| {
        when.job_id("j-1");
        then.ok(&job);
    });
    let answered = client(&server)
        .get_job()
        .job_id("j-1")
        .send()
        .await
        .unwrap();
    assert_eq!(answered.status, "done");
}
