//! The client: the generated one, on the runtime, built from configuration.

use crate::config::ClientBuilder;
use crate::datasets::Datasets;
use crate::Error;
use nebius_tokenfactory_api::runtime::{RequestOptions, Transport};
use nebius_tokenfactory_api::ClientInfo;
use std::fmt;

/// A client of the Nebius Token Factory API. Cheap to clone; clones share
/// one connection pool.
///
/// Every operation of the API is on [`Client::api`], generated from the
/// spec and running on the SDK runtime; [`Client::datasets`] adds typed
/// uploads on top.
#[derive(Clone)]
pub struct Client {
    api: nebius_tokenfactory_api::Client,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url())
            .field("transport", self.transport())
            .finish()
    }
}

impl Client {
    /// A client configured from the environment: see [`ClientBuilder::from_env`].
    pub fn from_env() -> Result<Self, Error> {
        ClientBuilder::from_env()?.build()
    }

    /// A builder with default settings.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    pub(crate) fn new(api: nebius_tokenfactory_api::Client) -> Self {
        Self { api }
    }

    /// Every operation of the API, as generated from its OpenAPI document:
    /// `client.api().create_dataset().body(..).send().await`. Each returns
    /// [`Error`] and runs on the same runtime as the rest of the client.
    pub fn api(&self) -> &nebius_tokenfactory_api::Client {
        &self.api
    }

    /// A view of this client whose calls use `options` (timeout, retries,
    /// idempotence, project, headers) over its own settings; it shares the connection pool.
    ///
    /// ```
    /// use nebius_tokenfactory::{Client, RequestOptions};
    /// use std::time::Duration;
    ///
    /// let client = Client::builder().with_api_key("k").build().unwrap();
    /// let quick = client.with_options(RequestOptions::new().with_timeout(Duration::from_secs(5)));
    /// assert_eq!(quick.transport().timeout(), Duration::from_secs(5));
    /// ```
    pub fn with_options(&self, options: RequestOptions) -> Self {
        let transport = self.transport().with_options(options);
        Self {
            api: nebius_tokenfactory_api::Client::new_with_client(
                self.base_url(),
                transport.http().clone(),
                transport,
            ),
        }
    }

    /// The runtime under every call of this client.
    pub fn transport(&self) -> &Transport {
        self.api.inner()
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        self.api.baseurl()
    }

    /// The AI Studio project of this client's calls, if one is configured
    /// ([`crate::ClientBuilder::with_ai_project_id`], or
    /// [`RequestOptions::with_ai_project_id`] for a view): it goes with every
    /// operation that takes one (an `ai_project_id` query parameter or body
    /// property), unless the call sets its own.
    pub fn ai_project_id(&self) -> Option<&str> {
        self.transport().ai_project_id()
    }

    /// Dataset operations with typed rows.
    pub fn datasets(&self) -> Datasets<'_> {
        Datasets::new(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_key() {
        let client = Client::builder()
            .with_api_key("very-secret")
            .build()
            .unwrap();
        let text = format!("{client:?}");
        assert!(
            !text.contains("very-secret") && text.contains("REDACTED"),
            "{text}"
        );
    }

    #[test]
    fn views_share_the_client_and_change_only_their_options() {
        let client = Client::builder().with_api_key("k").build().unwrap();
        let view = client.with_options(RequestOptions::new().with_max_retries(0));
        assert_eq!(view.base_url(), client.base_url());
        assert_eq!(view.transport().policy().max_retries, 0);
        assert_eq!(client.transport().policy().max_retries, 2);
    }
}
