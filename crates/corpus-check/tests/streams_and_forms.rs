//! Wire tests of the calls the codegen adds beyond JSON, on clients
//! generated from the fixture corpus: a chat completion whole or streamed
//! (`tokenfactory_full`), events typed from FastAPI's native `itemSchema`
//! (`native_streams`), JSON Lines, downloads, and multipart uploads from a
//! path, bytes and a reader, each answered by the typed mock helpers.

use corpus_check::{native_streams, tokenfactory_full as api};
use futures::StreamExt;
use httpmock::prelude::*;
use nebius_tokenfactory_runtime::multipart::Part;
use nebius_tokenfactory_runtime::{Error, RetryPolicy, Secret, Transport, TransportConfig};
use std::time::Duration;

const KEY: &str = "sk-corpus-wire-key";

fn transport() -> Transport {
    nebius_tokenfactory_runtime::ensure_crypto_provider();
    let http = nebius_tokenfactory_runtime::http_client(Duration::from_secs(5)).unwrap();
    let mut config = TransportConfig::new(Secret::from(KEY), http);
    config.retry =
        RetryPolicy::default().with_backoff(Duration::from_millis(1), Duration::from_millis(2));
    Transport::new(config).unwrap()
}

fn chat_request() -> api::types::ChatCompletionRequest {
    serde_json::from_value(serde_json::json!({
        "model": "meta-llama/Llama-3.3-70B-Instruct",
        "messages": [{"role": "user", "content": "Say hi"}]
    }))
    .unwrap()
}

fn chunk(content: &str) -> api::types::ChatCompletionChunk {
    serde_json::from_value(serde_json::json!({
        "id": "chunk-1", "object": "chat.completion.chunk", "created": 1, "model": "m",
        "choices": [{"index": 0, "delta": {"content": content}}]
    }))
    .unwrap()
}

#[tokio::test]
async fn a_chat_completion_streams_typed_chunks_with_the_flag_set() {
    use api::mock::MockServerExt;
    let server = MockServer::start_async().await;
    let streamed = server.create_chat_completion(|when, then| {
        when.streaming(true)
            .into_inner()
            .header("accept", "text/event-stream");
        then.events(&[chunk("Hel"), chunk("lo")]);
    });
    let client = api::Client::new(&server.base_url(), transport());
    let stream = client
        .create_chat_completion()
        .body(chat_request())
        .send_stream()
        .await
        .unwrap();
    let text: String = stream
        .map(|chunk| {
            chunk.unwrap().choices[0]
                .delta
                .content
                .clone()
                .unwrap_or_default()
        })
        .collect()
        .await;
    assert_eq!(text, "Hello");
    streamed.assert();
}

#[tokio::test]
async fn the_plain_call_clears_the_flag_even_when_the_body_sets_it() {
    use api::mock::MockServerExt;
    let server = MockServer::start_async().await;
    let whole: api::types::ChatCompletion = serde_json::from_value(serde_json::json!({
        "id": "c-1", "object": "chat.completion", "created": 1, "model": "m",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hello"},
                     "finish_reason": "stop"}]
    }))
    .unwrap();
    let plain = server.create_chat_completion(|when, then| {
        when.streaming(false);
        then.ok(&whole);
    });
    let client = api::Client::new(&server.base_url(), transport());
    let mut asks_for_a_stream = chat_request();
    asks_for_a_stream.stream = Some(true);
    let got = client
        .create_chat_completion()
        .body(asks_for_a_stream)
        .send()
        .await
        .unwrap();
    assert_eq!(got, whole);
    plain.assert();
}

#[tokio::test]
async fn an_error_status_of_a_streaming_call_is_the_sdks_error() {
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.path("/v1/chat/completions");
        then.status(401)
            .header("content-type", "application/json")
            .body(r#"{"detail": "bad key"}"#);
    });
    let client = api::Client::new(&server.base_url(), transport());
    let err = client
        .create_chat_completion()
        .body(chat_request())
        .send_stream()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Authentication { .. }), "{err:?}");
    assert!(err.to_string().contains("bad key"), "{err}");
}

#[tokio::test]
async fn native_item_schemas_type_the_events() {
    use native_streams::mock::MockServerExt;
    let server = MockServer::start_async().await;
    let event: native_streams::types::JobEvent = serde_json::from_value(
        serde_json::json!({"id": "e1", "level": "warning", "message": "loss is flat"}),
    )
    .unwrap();
    server.follow_job_events(|when, then| {
        when.job_id("job-1");
        then.events(std::slice::from_ref(&event));
    });
    let client = native_streams::Client::new(&server.base_url(), transport());
    let events = client
        .follow_job_events()
        .job_id("job-1")
        .send()
        .await
        .unwrap()
        .collect_items()
        .await
        .unwrap();
    assert_eq!(events, vec![event]);
}

#[tokio::test]
async fn json_lines_decode_each_row() {
    use api::mock::MockServerExt;
    let server = MockServer::start_async().await;
    let rows: Vec<api::types::DatasetRow> = (0..3)
        .map(|i| serde_json::from_value(serde_json::json!({"text": format!("row {i}")})).unwrap())
        .collect();
    server.get_dataset_contents(|when, then| {
        when.dataset_id("ds-1");
        then.lines(&rows);
    });
    let client = api::Client::new(&server.base_url(), transport());
    let lines = client
        .get_dataset_contents()
        .dataset_id("ds-1")
        .send()
        .await
        .unwrap();
    let got: Vec<_> = lines.map(Result::unwrap).collect().await;
    assert_eq!(got, rows);
}

#[tokio::test]
async fn a_download_is_saved_to_a_file() {
    use api::mock::MockServerExt;
    let server = MockServer::start_async().await;
    let body: Vec<u8> = (0..=255u8).cycle().take(300_000).collect();
    server.export_dataset(|when, then| {
        when.dataset_id("ds-1");
        then.ok(&body);
    });
    let client = api::Client::new(&server.base_url(), transport());
    let dir = tempdir();
    let path = dir.join("export.parquet");
    let download = client
        .export_dataset()
        .dataset_id("ds-1")
        .send()
        .await
        .unwrap();
    assert_eq!(download.save(&path).await.unwrap(), body.len() as u64);
    assert_eq!(std::fs::read(&path).unwrap(), body);
    std::fs::remove_dir_all(dir).unwrap();
}

fn upload_request(file: Part) -> api::types::UploadFileRequest {
    api::types::UploadFileRequest {
        file,
        purpose: api::types::FilePurpose::FineTune,
    }
}

fn file_object() -> api::types::FileObject {
    serde_json::from_value(serde_json::json!({
        "id": "file-1", "object": "file", "bytes": 24, "created_at": 1,
        "filename": "train.jsonl", "purpose": "fine-tune"
    }))
    .unwrap()
}

fn tempdir() -> std::path::PathBuf {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("corpus-wire-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn a_file_from_a_path_is_uploaded_as_a_form_and_reopened_on_a_retry() {
    use api::mock::MockServerExt;
    let dir = tempdir();
    let path = dir.join("train.jsonl");
    std::fs::write(&path, "{\"text\": \"hello world\"}\n").unwrap();
    let server = MockServer::start_async().await;
    let refused = server.mock(|when, then| {
        when.path("/v1/files").header("x-retry-count", "0");
        then.status(503).header("retry-after", "0").body("{}");
    });
    let accepted = server.upload_file(|when, then| {
        when.field("purpose", "fine-tune")
            .file("file", "train.jsonl")
            .into_inner()
            .header("x-retry-count", "1")
            .body_includes("Content-Type: application/jsonl")
            .body_includes("{\"text\": \"hello world\"}\n");
        then.ok(&file_object());
    });
    let client = api::Client::new(&server.base_url(), transport());
    let uploaded = client
        .upload_file()
        .body(upload_request(Part::path(&path)))
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded, file_object());
    refused.assert();
    accepted.assert();
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn a_part_from_a_reader_is_sent_once_and_never_retried() {
    let server = MockServer::start_async().await;
    let refused = server.mock(|when, then| {
        when.path("/v1/files")
            .body_includes("name=\"file\"; filename=\"rows.jsonl\"")
            .body_includes("streamed rows\n");
        then.status(503).header("retry-after", "0").body("{}");
    });
    let client = api::Client::new(&server.base_url(), transport());
    let reader = std::io::Cursor::new(b"streamed rows\n".to_vec());
    let part = Part::reader(reader).with_file_name("rows.jsonl");
    let err = client
        .upload_file()
        .body(upload_request(part))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503), "{err:?}");
    assert_eq!(refused.calls(), 1, "a reader cannot be read twice");
}

#[tokio::test]
async fn a_file_that_cannot_be_opened_fails_before_anything_is_sent() {
    let server = MockServer::start_async().await;
    let any = server.mock(|when, then| {
        when.any_request();
        then.status(200);
    });
    let client = api::Client::new(&server.base_url(), transport());
    let err = client
        .upload_file()
        .body(upload_request(Part::path("/no/such/file.jsonl")))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
    assert!(err.to_string().contains("/no/such/file.jsonl"), "{err}");
    assert_eq!(any.calls(), 0);
}

#[tokio::test]
async fn bytes_and_credential_fields_of_a_form_are_sent_and_scrubbed() {
    use corpus_check::multipart_content_media_type as forms;
    let server = MockServer::start_async().await;
    let secret = "pw-never-printed";
    server.mock(|when, then| {
        when.path("/v1/datasets/import")
            .body_includes("name=\"source_password\"\r\n\r\npw-never-printed\r\n")
            .body_includes("name=\"file\"; filename=\"inline.jsonl\"");
        then.status(422)
            .header("content-type", "application/json")
            .body(format!(
                r#"{{"detail": [{{"loc": ["body", "source_password"], "msg": "wrong: {secret}", "type": "value_error"}}]}}"#
            ));
    });
    let client = forms::Client::new(&server.base_url(), transport());
    let body = forms::types::ImportDatasetRequest {
        file: Part::bytes(&b"{\"a\": 1}\n"[..]).with_file_name("inline.jsonl"),
        name: "inline".into(),
        source_password: Some(Secret::from(secret)),
    };
    let err = client.import_dataset().body(body).send().await.unwrap_err();
    let text = format!("{err} {err:?}");
    assert_eq!(err.status(), Some(422), "{text}");
    assert!(!text.contains(secret), "{text}");
}

#[tokio::test]
async fn a_stream_whose_head_does_not_come_in_time_times_out() {
    use api::mock::MockServerExt;
    let server = MockServer::start_async().await;
    server.create_chat_completion(|when, then| {
        when.streaming(true);
        // The head comes, the body never does.
        then.events(&[chunk("late")])
            .into_inner()
            .delay(Duration::from_secs(5));
    });
    let transport = transport().with_options(
        nebius_tokenfactory_runtime::RequestOptions::new().with_timeout(Duration::from_millis(300)),
    );
    let client = api::Client::new(&server.base_url(), transport);
    let err = client
        .create_chat_completion()
        .body(chat_request())
        .send_stream()
        .await
        .unwrap_err();
    // httpmock delays the whole response: the attempt's timeout, which
    // covers the headers of a stream, runs out first.
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
}
