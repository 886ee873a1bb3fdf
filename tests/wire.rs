//! What the generated client puts on the wire and reads back, against
//! httpmock and the generated typed mock helpers, on the runtime.

use httpmock::prelude::*;
use nebius_tokenfactory_api::mock::MockServerExt;
use nebius_tokenfactory_api::runtime::{http_client, Error, Secret, Transport, TransportConfig};
use nebius_tokenfactory_api::types::{self, DatasetStatus};
use nebius_tokenfactory_api::Client;
use serde_json::{json, Value};
use std::time::Duration;

const KEY: &str = "test-key-123";

fn client(server: &MockServer) -> Client {
    let http = http_client(Duration::from_secs(5)).unwrap();
    let transport = Transport::new(TransportConfig::new(Secret::from(KEY), http)).unwrap();
    Client::new(&server.base_url(), transport)
}

fn response_json() -> Value {
    json!({
        "id": "4d89c87498354518b92fa02fc0ad8720",
        "name": "reviews",
        "status": "READY",
        "schema": [
            {"name": "text", "type": {"name": "string"}},
            {"name": "score", "type": {"name": "option", "item": {"name": "double"}}}
        ],
        "metadata": {"source": "upload", "tags": ["a", "b"]},
        "current_version_origin": {"type": "upload"},
        "folder": "/demo",
        "current_version": "0ed2d94b38fb40b9b61f6a",
        "created_at": 1760109124,
        "error": null
    })
}

fn upload_request() -> types::CreateDatasetRequest {
    let string = types::SchemaPrimitive {
        name: DatasetColumn::String,
    };
    let option_double = types::SchemaOptionInput {
        name: types::SchemaOptionType::Option,
        item: types::SchemaPrimitive {
            name: DatasetColumn::Double,
        }
        .into(),
    };
    let body = types::CreateDatasetRequestUpload::builder()
        .name("reviews")
        .folder("/demo")
        .schema(vec![
            types::ColumnSchemaInput {
                name: "text".into(),
                type_: string.into(),
            },
            types::ColumnSchemaInput {
                name: "score".into(),
                type_: option_double.into(),
            },
        ])
        .rows(vec![json!({"text": "great", "score": 4.5})
            .as_object()
            .unwrap()
            .clone()])
        .ai_project_id("proj-1");
    types::CreateDatasetRequestUpload::try_from(body)
        .unwrap()
        .into()
}

use types::SchemaPrimitiveType as DatasetColumn;

/// Sends [`upload_request`] through the generated client.
async fn create(server: &MockServer) -> Result<types::CreateDatasetResponse, Error> {
    client(server)
        .create_dataset()
        .body(upload_request())
        .send()
        .await
}

/// Answers every dataset creation on `server` with `status` and `body`.
fn answer(server: &MockServer, status: u16, body: Value) {
    server.mock(|when, then| {
        when.method(POST).path("/v1/datasets");
        then.status(status).json_body(body);
    });
}

#[tokio::test]
async fn upload_request_reaches_the_wire_as_the_spec_says() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.method(POST)
            .path("/v1/datasets")
            .header("authorization", format!("Bearer {KEY}"))
            .header("content-type", "application/json")
            .json_body(json!({
                "name": "reviews",
                "folder": "/demo",
                "schema": [
                    {"name": "text", "type": {"name": "string"}},
                    {"name": "score", "type": {"name": "option", "item": {"name": "double"}}}
                ],
                "rows": [{"text": "great", "score": 4.5}],
                "ai_project_id": "proj-1"
            }));
        then.status(200).json_body(response_json());
    });
    let created = create(&server).await.unwrap();
    mock.assert();
    assert_eq!(created.id, "4d89c87498354518b92fa02fc0ad8720");
    assert_eq!(created.status, DatasetStatus::Ready);
    assert_eq!(created.error, None);
    assert_eq!(
        created.current_version_origin.as_ref().unwrap().type_,
        types::DatasetOriginType::Upload
    );
}

#[tokio::test]
async fn s3_request_reaches_the_wire_with_the_plain_secret() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.method(POST).path("/v1/datasets").json_body(json!({
            "name": "imported",
            "folder": "/demo",
            "s3_service_url": "https://storage.eu-north1.nebius.cloud:443",
            "s3_region": "eu-north-1",
            "s3_uri": "s3://bucket/data.csv",
            "s3_key_id": "AKIAEXAMPLE",
            "s3_secret_key": "s3-secret-value"
        }));
        then.status(200).json_body(response_json());
    });
    let body = types::CreateDatasetRequestS3::builder()
        .name("imported")
        .folder("/demo")
        .s3_service_url("https://storage.eu-north1.nebius.cloud:443")
        .s3_region("eu-north-1")
        .s3_uri("s3://bucket/data.csv")
        .s3_key_id("AKIAEXAMPLE")
        .s3_secret_key("s3-secret-value");
    let body = types::CreateDatasetRequestS3::try_from(body).unwrap();
    client(&server)
        .create_dataset()
        .body(body)
        .send()
        .await
        .unwrap();
    mock.assert();
}

#[tokio::test]
async fn response_columns_decode_into_their_own_output_types() {
    let server = MockServer::start_async().await;
    answer(&server, 200, response_json());
    let created = create(&server).await.unwrap();
    match &created.schema[1].type_ {
        types::ColumnSchemaOutputType::OptionOutput(option) => match &option.item {
            types::SchemaOptionOutputItem::Primitive(p) => {
                assert_eq!(p.name, DatasetColumn::Double)
            }
            other => panic!("wrong item {other:?}"),
        },
        other => panic!("an option column decoded as {other:?}"),
    }
}

/// Error statuses are decoded by the runtime, whatever the operation's
/// error models: FastAPI's 422 into field errors.
#[tokio::test]
async fn validation_errors_come_back_as_the_runtimes_error() {
    let server = MockServer::start_async().await;
    answer(
        &server,
        422,
        json!({"detail": [
            {"loc": ["body", "rows", 3, "text"], "msg": "Field required", "type": "missing"}
        ]}),
    );
    let err = create(&server).await.unwrap_err();
    let Error::Validation { details, call, .. } = &err else {
        panic!("expected a validation error, got {err:?}");
    };
    assert_eq!(details[0].to_string(), "body.rows[3].text: Field required");
    assert_eq!(call.operation_id, "create_dataset");
}

#[tokio::test]
async fn unknown_enum_values_and_extra_fields_decode() {
    let server = MockServer::start_async().await;
    let mut body = response_json();
    body["status"] = json!("ARCHIVED");
    body["current_version_origin"] = json!({"type": "huggingface", "repo": "x/y"});
    body["schema"][0]["type"] = json!({"name": "datetime"});
    body["brand_new_field"] = json!({"nested": true});
    answer(&server, 200, body);
    let created = create(&server).await.unwrap();
    assert_eq!(created.status, DatasetStatus::Unknown("ARCHIVED".into()));
    assert_eq!(created.status.to_string(), "ARCHIVED");
    assert_eq!(
        created.current_version_origin.as_ref().unwrap().type_,
        types::DatasetOriginType::Unknown("huggingface".into())
    );
    match &created.schema[0].type_ {
        types::ColumnSchemaOutputType::Primitive(p) => {
            assert_eq!(p.name, DatasetColumn::Unknown("datetime".into()))
        }
        other => panic!("{other:?}"),
    }
    // An unknown value goes back on the wire exactly as it came.
    assert_eq!(
        serde_json::to_value(&created.status).unwrap(),
        json!("ARCHIVED")
    );
}

#[tokio::test]
async fn typed_mock_helpers_match_the_operation() {
    let server = MockServer::start_async().await;
    let response: types::CreateDatasetResponse = serde_json::from_value(response_json()).unwrap();
    let mock = server.create_dataset(|when, then| {
        when.body(&upload_request());
        then.ok(&response);
    });
    let created = create(&server).await.unwrap();
    mock.assert();
    assert_eq!(created, response);
}
