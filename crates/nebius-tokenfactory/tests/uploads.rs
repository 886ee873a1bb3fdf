//! What uploads and imports put on the wire, against httpmock.

mod common;

use common::{client, dataset_json, reviews, KEY};
use httpmock::prelude::*;
use nebius_tokenfactory::datasets::{ColumnType, DatasetSchema, DatasetStatus, S3Import};
use serde_json::json;

#[tokio::test]
async fn typed_rows_reach_the_wire_with_a_derived_schema_and_auth() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.method(POST)
            .path("/v1/datasets")
            .header("authorization", format!("Bearer {KEY}"))
            .header("content-type", "application/json")
            .header_exists("api-version")
            .is_true(|req| {
                req.headers()
                    .get("user-agent")
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|ua| ua.starts_with("nebius-tokenfactory-rust/"))
            })
            .json_body(json!({
                "name": "reviews",
                "folder": "/demo",
                "ai_project_id": "proj-env",
                "schema": [
                    {"name": "text", "type": {"name": "string"}},
                    {"name": "stars", "type": {"name": "option", "item": {"name": "integer"}}}
                ],
                "rows": [{"text": "good", "stars": 5}, {"text": "meh", "stars": null}]
            }));
        then.status(200).body(dataset_json("reviews"));
    });
    let c = client(&server.base_url())
        .with_ai_project_id("proj-env")
        .build()
        .unwrap();
    let dataset = c
        .datasets()
        .upload("reviews", "/demo", &reviews())
        .send()
        .await
        .unwrap();
    mock.assert();
    assert_eq!(dataset.name, "reviews");
    assert_eq!(dataset.status, DatasetStatus::Pending);
}

#[tokio::test]
async fn json_rows_and_a_per_call_project() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.method(POST).path("/v1/datasets").json_body(json!({
            "name": "d", "folder": "/f", "ai_project_id": "proj-call",
            "schema": [{"name": "q", "type": {"name": "string"}}, {"name": "meta", "type": {"name": "json"}}],
            "rows": [{"q": "a", "meta": {"k": [1, 2]}}]
        }));
        then.status(200).body(dataset_json("d"));
    });
    let c = client(&server.base_url())
        .with_ai_project_id("proj-env")
        .build()
        .unwrap();
    let schema = DatasetSchema::new()
        .column("q", ColumnType::String)
        .column("meta", ColumnType::Json);
    let rows = [json!({"q": "a", "meta": {"k": [1, 2]}})];
    c.datasets()
        .upload_json("d", "/f", schema, &rows)
        .ai_project_id("proj-call")
        .send()
        .await
        .unwrap();
    mock.assert();
}

#[tokio::test]
async fn s3_import_sends_the_secret_only_on_the_wire() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.method(POST).path("/v1/datasets").json_body(json!({
            "name": "imported", "folder": "/f",
            "s3_service_url": "https://storage.example", "s3_region": "eu-north-1",
            "s3_uri": "s3://bucket/data.csv", "s3_key_id": "AKIAEXAMPLE",
            "s3_secret_key": "s3-secret-xyz"
        }));
        then.status(200).body(dataset_json("imported"));
    });
    let c = client(&server.base_url()).build().unwrap();
    let import = S3Import {
        name: "imported".into(),
        folder: "/f".into(),
        service_url: "https://storage.example".into(),
        region: "eu-north-1".into(),
        uri: "s3://bucket/data.csv".into(),
        key_id: "AKIAEXAMPLE".into(),
        secret_key: "s3-secret-xyz".into(),
        ai_project_id: None,
    };
    assert!(!format!("{import:?}").contains("s3-secret-xyz"));
    let dataset = c.datasets().import_s3(import).send().await.unwrap();
    mock.assert();
    assert_eq!(dataset.name, "imported");
}

#[tokio::test]
async fn typed_mock_helpers_work_with_the_ergonomic_client() {
    use nebius_tokenfactory::api::mock::MockServerExt;
    let server = MockServer::start_async().await;
    let reply: nebius_tokenfactory::datasets::Dataset =
        serde_json::from_str(&dataset_json("typed")).unwrap();
    let mock = server.create_dataset(|when, then| {
        when.into_inner().path("/v1/datasets");
        then.ok(&reply);
    });
    let c = client(&server.base_url()).build().unwrap();
    let got = c
        .datasets()
        .upload("typed", "/f", &reviews())
        .send()
        .await
        .unwrap();
    mock.assert();
    assert_eq!(got, reply);
}
