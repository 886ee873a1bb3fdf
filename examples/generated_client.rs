//! Creates a dataset through the generated client directly, on a runtime
//! transport built by hand, without the ergonomic `nebius-tokenfactory`
//! crate.
//!
//! With `NEBIUS_API_KEY` set, it calls the real API (or `NEBIUS_BASE_URL`).
//! Without it, it starts an in-process mock of the API, built from the
//! generated typed mock helpers, says so, and runs against that.
//!
//! ```text
//! cargo run --example generated_client --features mock
//! ```

use nebius_tokenfactory_api::mock::MockServerExt;
use nebius_tokenfactory_api::types::{self, SchemaPrimitiveType};
use nebius_tokenfactory_api::{runtime, Client};
use serde_json::json;
use std::time::Duration;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rows = vec![
        json!({"text": "The service was quick.", "score": 4.5}),
        json!({"text": "Too noisy.", "score": null}),
    ];
    let body = types::CreateDatasetRequestUpload::builder()
        .name("quickstart-reviews")
        .folder("/quickstart")
        .schema(vec![
            column(
                "text",
                types::SchemaPrimitive {
                    name: SchemaPrimitiveType::String,
                }
                .into(),
            ),
            column(
                "score",
                types::SchemaOptionInput {
                    name: types::SchemaOptionType::Option,
                    item: types::SchemaPrimitive {
                        name: SchemaPrimitiveType::Double,
                    }
                    .into(),
                }
                .into(),
            ),
        ])
        .rows(
            rows.into_iter()
                .filter_map(|r| r.as_object().cloned())
                .collect::<Vec<_>>(),
        );
    let body = types::CreateDatasetRequestUpload::try_from(body)?;

    let mock; // Keeps the mock server alive for the whole run.
    let (base_url, key) = match std::env::var("NEBIUS_API_KEY") {
        Ok(key) => {
            let url = std::env::var("NEBIUS_BASE_URL")
                .unwrap_or_else(|_| "https://api.tokenfactory.nebius.com".into());
            (url, key)
        }
        Err(_) => {
            println!("NEBIUS_API_KEY is not set: running against an in-process mock of the API.");
            mock = httpmock::MockServer::start_async().await;
            let reply = created_reply(&body);
            mock.create_dataset(|when, then| {
                when.body(&types::CreateDatasetRequest::from(body.clone()));
                then.ok(&reply);
            });
            (mock.base_url(), "mock-key".to_string())
        }
    };

    // The transport adds the key to every request, and times, retries and
    // traces every call.
    let http = runtime::http_client(Duration::from_secs(10))?;
    let mut config = runtime::TransportConfig::new(runtime::Secret::from(key), http);
    config.timeout = Duration::from_secs(60);
    let client = Client::new(&base_url, runtime::Transport::new(config)?);

    let dataset = client.create_dataset().body(body).send().await?;
    println!(
        "created dataset {} ({}), status {}",
        dataset.name, dataset.id, dataset.status
    );
    for column in &dataset.schema {
        println!(
            "  column {}: {}",
            column.name,
            serde_json::to_string(&column.type_)?
        );
    }
    Ok(())
}

fn column(name: &str, type_: types::ColumnSchemaInputType) -> types::ColumnSchemaInput {
    types::ColumnSchemaInput {
        name: name.into(),
        type_,
    }
}

/// What the API answers for `request`, as the mock serves it.
fn created_reply(request: &types::CreateDatasetRequestUpload) -> types::CreateDatasetResponse {
    let schema = serde_json::to_value(&request.schema).expect("serialisable");
    serde_json::from_value(json!({
        "id": "4d89c87498354518b92fa02fc0ad8720",
        "name": request.name,
        "status": "PENDING",
        "schema": schema,
        "metadata": {},
        "folder": request.folder,
        "current_version": "0ed2d94b38fb40b9b61f6a",
        "created_at": 1760109124,
        "error": null
    }))
    .expect("a valid response")
}
