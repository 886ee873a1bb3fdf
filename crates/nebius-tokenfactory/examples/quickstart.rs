//! Creates a dataset from typed rows.
//!
//! With `NEBIUS_API_KEY` set, it talks to the real API (or to
//! `NEBIUS_BASE_URL`). Without it, it runs against an in-process mock of
//! the API, built from the generated typed mock helpers, and says so.
//!
//! ```text
//! cargo run -p nebius-tokenfactory --example quickstart
//! ```

use nebius_tokenfactory::api::mock::MockServerExt;
use nebius_tokenfactory::datasets::{Dataset, DatasetSchema};
use nebius_tokenfactory::{Client, API_KEY_ENV};
use serde_json::json;

/// One row of the dataset. The column schema comes from this type.
#[derive(serde::Serialize, schemars::JsonSchema)]
struct Review {
    text: String,
    stars: Option<u8>,
    helpful: bool,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rows = vec![
        Review {
            text: "The service was quick and friendly.".into(),
            stars: Some(5),
            helpful: true,
        },
        Review {
            text: "Too noisy for a quiet dinner.".into(),
            stars: Some(2),
            helpful: true,
        },
        Review {
            text: "No opinion yet.".into(),
            stars: None,
            helpful: false,
        },
    ];

    let _mock; // Keeps the mock server alive while the client uses it.
    let client = if std::env::var_os(API_KEY_ENV).is_some() {
        Client::from_env()?
    } else {
        println!("{API_KEY_ENV} is not set: running against an in-process mock of the API.");
        let server = httpmock::MockServer::start_async().await;
        let reply = mock_reply(
            "quickstart-reviews",
            "/quickstart",
            &DatasetSchema::from_type::<Review>()?,
        );
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

    let dataset = client
        .datasets()
        .upload("quickstart-reviews", "/quickstart", &rows)
        .send()
        .await?;

    println!("created dataset {} ({})", dataset.name, dataset.id);
    println!("  status:  {}", dataset.status);
    println!("  folder:  {}", dataset.folder);
    for column in &dataset.schema {
        println!(
            "  column {:<8} {}",
            column.name,
            serde_json::to_string(&column.type_)?
        );
    }
    Ok(())
}

/// What the API answers for a new dataset, as the mock serves it.
fn mock_reply(name: &str, folder: &str, schema: &DatasetSchema) -> Dataset {
    let columns: Vec<_> = schema
        .columns()
        .iter()
        .map(|c| json!({"name": c.name, "type": column_json(&c.column_type)}))
        .collect();
    serde_json::from_value(json!({
        "id": "4d89c87498354518b92fa02fc0ad8720",
        "name": name,
        "status": "PENDING",
        "schema": columns,
        "metadata": {},
        "folder": folder,
        "current_version": "0ed2d94b38fb40b9b61f6a",
        "created_at": 1760109124,
        "error": null
    }))
    .expect("a valid dataset")
}

fn column_json(t: &nebius_tokenfactory::datasets::ColumnType) -> serde_json::Value {
    use nebius_tokenfactory::datasets::ColumnType;
    match t {
        ColumnType::Option(inner) => json!({"name": "option", "item": column_json(inner)}),
        other => json!({"name": other.to_string()}),
    }
}
