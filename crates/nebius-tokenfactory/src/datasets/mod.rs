//! Datasets: create one from rows, or import one from S3.
//!
//! ```no_run
//! # async fn demo() -> Result<(), nebius_tokenfactory::Error> {
//! use nebius_tokenfactory::Client;
//!
//! #[derive(serde::Serialize, schemars::JsonSchema)]
//! struct Review {
//!     text: String,
//!     stars: Option<u8>,
//! }
//!
//! let client = Client::from_env()?;
//! let rows = vec![Review { text: "Quick and friendly.".into(), stars: Some(5) }];
//! let dataset = client.datasets().upload("reviews", "/demo", &rows).send().await?;
//! println!("{} is {}", dataset.id, dataset.status);
//! # Ok(())
//! # }
//! ```

mod body;
mod check;
mod precheck;
mod progress;
#[cfg(test)]
mod properties;
mod schema;
mod validate;

pub use nebius_tokenfactory_api::runtime::{InvalidInput, Problem, MAX_LISTED_PROBLEMS};
pub use progress::Progress;
pub use schema::{Column, ColumnType, DatasetSchema};

/// A dataset as the API returns it on creation.
pub type Dataset = nebius_tokenfactory_api::types::CreateDatasetResponse;
pub use nebius_tokenfactory_api::types::DatasetStatus;

use crate::{Client, Error, Secret};
use body::UploadFields;
use check::{check_upload, RowCheck};
use nebius_tokenfactory_api::endpoints::CREATE_DATASET;
use nebius_tokenfactory_api::runtime::Response;
use nebius_tokenfactory_api::types as api;
use progress::{Observer, RowsBody};
use schema::PreparedSchema;
use serde::Serialize;
use std::sync::Arc;

/// The dataset operations of a [`Client`]: `client.datasets()`.
///
/// Timeouts and retries for these calls are the client's, or those of a
/// view from [`Client::with_options`], as for every operation.
#[derive(Debug, Clone, Copy)]
pub struct Datasets<'c> {
    client: &'c Client,
}

impl<'c> Datasets<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self { client }
    }

    /// Creates a dataset from typed rows. The column schema is derived
    /// from `T` (see [`DatasetSchema::from_type`]); nothing is sent if `T`
    /// has no column mapping or a row does not fit.
    pub fn upload<'r, T>(
        &self,
        name: impl Into<String>,
        folder: impl Into<String>,
        rows: &'r [T],
    ) -> Upload<'c, 'r, T>
    where
        T: Serialize + schemars::JsonSchema,
    {
        Upload::new(
            self.client,
            name.into(),
            folder.into(),
            rows,
            SchemaSource::Derived(PreparedSchema::of::<T>),
        )
    }

    /// Creates a dataset from JSON rows with an explicit schema (or one
    /// from [`DatasetSchema::infer`]). Every row is checked against it first.
    pub fn upload_json<'r>(
        &self,
        name: impl Into<String>,
        folder: impl Into<String>,
        schema: DatasetSchema,
        rows: &'r [serde_json::Value],
    ) -> Upload<'c, 'r, serde_json::Value> {
        Upload::new(
            self.client,
            name.into(),
            folder.into(),
            rows,
            SchemaSource::Given(schema),
        )
    }

    /// Creates a dataset by importing a file from S3.
    pub fn import_s3(&self, import: S3Import) -> ImportS3<'c> {
        ImportS3 {
            client: self.client,
            import,
        }
    }
}

enum SchemaSource {
    Derived(fn() -> Result<Arc<PreparedSchema>, InvalidInput>),
    Given(DatasetSchema),
}

/// An upload of rows, ready to [`send`](Self::send).
///
/// Every row is checked first, and nothing is sent unless all pass. The
/// body is then written from the rows while it is sent (chunked, a few
/// megabytes in memory whatever the number of rows), and written again
/// from them for each retry. A body of 64 KiB or less is written first and
/// sent whole, with a Content-Length.
#[must_use = "an upload does nothing until it is sent"]
pub struct Upload<'c, 'r, R> {
    client: &'c Client,
    name: String,
    folder: String,
    rows: &'r [R],
    schema: SchemaSource,
    ai_project_id: Option<String>,
    observer: Option<Observer>,
    buffered: bool,
}

impl<'c, 'r, R: Serialize> Upload<'c, 'r, R> {
    fn new(
        client: &'c Client,
        name: String,
        folder: String,
        rows: &'r [R],
        schema: SchemaSource,
    ) -> Self {
        let ai_project_id = client.ai_project_id().map(String::from);
        Self {
            client,
            name,
            folder,
            rows,
            schema,
            ai_project_id,
            observer: None,
            buffered: false,
        }
    }

    /// The AI Studio project of the dataset, instead of the client's default.
    pub fn ai_project_id(mut self, project: impl Into<String>) -> Self {
        self.ai_project_id = Some(project.into());
        self
    }

    /// Calls `observer` as the body is sent: once per chunk of about a
    /// megabyte, with the rows and bytes the connection has
    /// taken so far (see [`Progress`]). Cheap enough to leave on.
    ///
    /// ```no_run
    /// # async fn demo(client: nebius_tokenfactory::Client, rows: Vec<serde_json::Value>) -> Result<(), nebius_tokenfactory::Error> {
    /// # use nebius_tokenfactory::datasets::DatasetSchema;
    /// let schema = DatasetSchema::infer(&rows)?;
    /// client
    ///     .datasets()
    ///     .upload_json("big", "/demo", schema, &rows)
    ///     .on_progress(|p| eprintln!("{} of {} rows", p.rows_sent, p.rows_total))
    ///     .send()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn on_progress(mut self, observer: impl Fn(&Progress) + Send + Sync + 'static) -> Self {
        self.observer = Some(std::sync::Arc::new(observer));
        self
    }

    /// Writes the whole body into memory before sending it, with a
    /// `Content-Length`, instead of sending it chunked as it is written: for
    /// a proxy that refuses chunked request bodies. Memory then grows with
    /// the body (about its size); the default does not.
    pub fn buffered(mut self) -> Self {
        self.buffered = true;
        self
    }

    /// Checks everything, then sends the rows: `create_dataset` on the
    /// same runtime as every generated operation, with the rows written
    /// straight into the body instead of through the generated types.
    pub async fn send(self) -> Result<Dataset, Error> {
        self.send_with_response().await.map(Response::into_inner)
    }

    /// As [`Self::send`], keeping the response's status and headers (the
    /// request id and the rate limits among them).
    // The runtime takes progenitor's error type from request builders.
    #[allow(clippy::result_large_err)]
    pub async fn send_with_response(self) -> Result<Response<Dataset>, Error> {
        let (prepared, check) = match self.schema {
            SchemaSource::Derived(derive) => (derive()?, RowCheck::NullsOnly),
            SchemaSource::Given(schema) => (Arc::new(PreparedSchema::new(schema)), RowCheck::Every),
        };
        check_upload(&self.name, &self.folder, &prepared.schema, self.rows, check)?;
        let fields = UploadFields {
            name: &self.name,
            folder: &self.folder,
            schema_json: &prepared.json,
            ai_project_id: self.ai_project_id.as_deref(),
        };
        let transport = self.client.transport();
        let url = format!("{}{}", self.client.base_url(), CREATE_DATASET.path);
        let request = |body: reqwest::Body| {
            transport
                .http()
                .post(&url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .header(reqwest::header::ACCEPT, "application/json")
                .header("api-version", nebius_tokenfactory_api::API_VERSION)
                .body(body)
                .build()
                .map_err(Into::into)
        };
        // A small body, or one asked for whole, is written before the call.
        let limit = if self.buffered {
            usize::MAX
        } else {
            body::SMALL
        };
        let whole = body::within(&fields, self.rows, limit).map_err(|e| {
            Error::InvalidInput(InvalidInput::one(Problem::field("rows", &e.to_string())))
        })?;
        if let Some(body) = whole {
            if let Some(observer) = &self.observer {
                observer(&progress::Progress {
                    rows_sent: self.rows.len(),
                    rows_total: self.rows.len(),
                    bytes_sent: body.len() as u64,
                    attempt: 1,
                });
            }
            // Each attempt sends a copy of the request: its body is
            // `Bytes`, which copies share.
            return transport
                .call(
                    &CREATE_DATASET,
                    || request(body.into()),
                    |request| transport.send_json::<Dataset>(request, &CREATE_DATASET),
                )
                .await;
        }
        let rows = self.rows;
        let observer = self.observer;
        let mut attempt = 0;
        transport
            .call_with(&CREATE_DATASET, || {
                attempt += 1;
                let (chunks, reader) = tokio::sync::mpsc::channel(body::DEPTH);
                let stream = RowsBody::new(reader, rows.len(), attempt, observer.clone());
                let request = request(reqwest::Body::wrap_stream(stream));
                let fields = &fields;
                async move {
                    let request = request?;
                    let send = transport.send_json::<Dataset>(request, &CREATE_DATASET);
                    let produce = body::produce(fields, rows, chunks);
                    tokio::pin!(send, produce);
                    tokio::select! {
                        // The server answered first (a 401, a 413, a 429
                        // before reading the body): its answer is the
                        // outcome, and the writer is dropped, which aborts
                        // the rest of the body instead of waiting for a
                        // server that may never read it.
                        sent = &mut send => sent,
                        written = &mut produce => match written {
                            Ok(()) => send.await,
                            // A row serde_json refuses: the input is at
                            // fault, not the connection, so no retry.
                            Err(unwritable) => {
                                Err(progenitor_client::Error::InvalidRequest(unwritable))
                            }
                        },
                    }
                }
            })
            .await
    }
}

/// Where and how to import a dataset from S3.
///
/// `Debug` prints the secret key as `[REDACTED]`.
#[derive(Debug, Clone, Default)]
pub struct S3Import {
    /// The dataset's name.
    pub name: String,
    /// The folder to create it in.
    pub folder: String,
    /// The S3 endpoint, such as `https://storage.eu-north1.nebius.cloud:443`.
    pub service_url: String,
    /// The bucket's region, such as `eu-north-1`.
    pub region: String,
    /// The file, such as `s3://bucket/path/data.csv`.
    pub uri: String,
    /// The access key id.
    pub key_id: String,
    /// The secret access key.
    pub secret_key: Secret,
    /// The AI Studio project, instead of the client's default.
    pub ai_project_id: Option<String>,
}

/// An S3 import, ready to [`send`](Self::send).
#[must_use = "an import does nothing until it is sent"]
pub struct ImportS3<'c> {
    client: &'c Client,
    import: S3Import,
}

impl ImportS3<'_> {
    /// Checks the fields, then asks the API to import: the generated
    /// `create_dataset`, whose S3 secret the runtime scrubs from any error.
    pub async fn send(self) -> Result<Dataset, Error> {
        let i = self.import;
        let mut problems: Vec<Problem> = Problem::blank_fields([
            ("name", i.name.as_str()),
            ("folder", &i.folder),
            ("service_url", &i.service_url),
            ("region", &i.region),
            ("uri", &i.uri),
            ("key_id", &i.key_id),
            ("secret_key", i.secret_key.expose()),
        ]);
        if !i.uri.trim().is_empty() && !i.uri.starts_with("s3://") {
            problems.push(Problem::field("uri", "must start with s3://"));
        }
        InvalidInput::check(problems)?;
        let request = api::CreateDatasetRequestS3 {
            ai_project_id: i
                .ai_project_id
                .or_else(|| self.client.ai_project_id().map(String::from)),
            folder: i.folder,
            name: i.name,
            s3_key_id: i.key_id,
            s3_region: i.region,
            s3_secret_key: i.secret_key,
            s3_service_url: i.service_url,
            s3_uri: i.uri,
        };
        self.client
            .api()
            .create_dataset()
            .body(api::CreateDatasetRequest::from(request))
            .send()
            .await
    }
}
