//! Imports a dataset from a file in S3.
//!
//! Needs `NEBIUS_API_KEY`, and the S3 location and credentials:
//!
//! ```text
//! S3_SERVICE_URL=https://storage.eu-north1.nebius.cloud:443 S3_REGION=eu-north-1 \
//! S3_URI=s3://bucket/path/data.csv S3_KEY_ID=... S3_SECRET_KEY=... \
//! cargo run -p nebius-tokenfactory --example s3_import
//! ```

use nebius_tokenfactory::datasets::S3Import;
use nebius_tokenfactory::Client;

fn var(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("set the {name} environment variable"))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let import = S3Import {
        name: "imported-from-s3".into(),
        folder: "/imports".into(),
        service_url: var("S3_SERVICE_URL")?,
        region: var("S3_REGION")?,
        uri: var("S3_URI")?,
        key_id: var("S3_KEY_ID")?,
        // A `Secret`: it prints as [REDACTED] in the Debug line below.
        secret_key: var("S3_SECRET_KEY")?.into(),
        ai_project_id: None,
    };
    println!("importing {import:?}");
    let dataset = client.datasets().import_s3(import).send().await?;
    println!(
        "created dataset {} ({}), status {}",
        dataset.name, dataset.id, dataset.status
    );
    Ok(())
}
