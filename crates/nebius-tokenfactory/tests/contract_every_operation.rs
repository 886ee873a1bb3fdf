//! Every operation against Prism, a mock server that knows only the
//! document: no test per operation.
//!
//! Each operation's generated exemplar (`mock::exemplars::call`: the
//! required parameters and body, made from their schemas) is sent through
//! the SDK's client to two Prisms, both `prism mock --errors --dynamic`:
//! with `--errors` Prism answers a request that breaks its document with a
//! 422 naming the violations, and a response of its own that would break
//! it with a 500; with `--dynamic` it answers from the schemas, with random
//! values and extra properties.
//!
//! - **On the document** (`openapi.json` through its overlay, as the build
//!   reads it): every request must pass validation. Prism's answer is
//!   decoded where Prism makes a valid one; for some schemas (a `oneOf` of
//!   `const`-tagged arms, recursive unions) its generator breaks the
//!   document itself, and says so with a 500 listing only response
//!   violations: that is Prism's answer failing, not the request.
//! - **On the normalised document** (the OpenAPI 3.0 the client was
//!   generated from), Prism's generator makes valid answers for those: an
//!   operation whose answer Prism could not make on the document must
//!   decode Prism's answer there. (Its multipart bodies are JSON there, as
//!   the generator types them, so only answers are taken from it.)
//!
//! A streaming call is read to its end. Prism makes no event streams: for
//! `text/event-stream` it sends the document's own example, which for this
//! API elides its events (`{"object": "...", ...}`). Those calls are named
//! as not checked here; the typed-stream and example tests cover them.
//!
//! On the vendored spec that is one operation; CI runs it after a regen
//! onto the API's own document, over every operation.
#![cfg(unix)]

mod prism;

use nebius_tokenfactory::api::endpoints::{self, Endpoint};
use nebius_tokenfactory::api::mock::exemplars;
use nebius_tokenfactory::api::runtime::ResponseKind;
use nebius_tokenfactory::{Client, Error, RetryPolicy};
use nebius_tokenfactory_codegen::overlay::{self, Overlay};
use nebius_tokenfactory_codegen::{generate, Options};
use prism::{workspace, Prism};
use serde_json::Value;
use std::path::PathBuf;

/// `openapi.json` through its overlay, and the normalised document the
/// client was generated from, written where Prism can read them.
fn documents() -> (PathBuf, PathBuf) {
    let root = workspace();
    let text = std::fs::read_to_string(root.join("openapi.json")).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    if let Some(fixes) = Overlay::read(&root.join(overlay::FILE_NAME)).unwrap() {
        fixes.apply(&mut doc).unwrap();
    }
    let normalised = generate(&doc, &Options::default()).unwrap().document;
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let (overlaid, generated) = (
        dir.join("openapi.overlaid.json"),
        dir.join("openapi.normalised.json"),
    );
    std::fs::write(&overlaid, serde_json::to_vec(&doc).unwrap()).unwrap();
    std::fs::write(&generated, serde_json::to_vec(&normalised).unwrap()).unwrap();
    (overlaid, generated)
}

fn client(prism: &Prism) -> Client {
    Client::builder()
        .with_api_key("test-key")
        .with_base_url(&prism.url)
        .with_retry_policy(RetryPolicy::default().with_max_retries(0))
        .build()
        .unwrap()
}

/// How a call against Prism ended.
enum Outcome {
    /// A success, decoded.
    Decoded,
    /// Prism's own answer broke its document; the request passed.
    PrismsAnswerInvalid,
    /// Anything else, described.
    Failed(String),
}

async fn call(client: &Client, endpoint: &Endpoint) -> Outcome {
    let result = exemplars::call(client.api(), endpoint.operation_id)
        .expect("every operation has an exemplar call")
        .await;
    match result {
        Ok(()) => Outcome::Decoded,
        Err(Error::Api {
            status: 500,
            body: Some(body),
            ..
        }) if response_violations_only(&body) => Outcome::PrismsAnswerInvalid,
        Err(Error::Api {
            status,
            message,
            body,
            ..
        }) => Outcome::Failed(format!(
            "Prism answered {status}: {message} {}",
            body.map(|b| b.to_string()).unwrap_or_default()
        )),
        Err(e) => Outcome::Failed(e.to_string()),
    }
}

/// Whether Prism's error lists violations, all of them of its response.
fn response_violations_only(body: &Value) -> bool {
    body["validation"].as_array().is_some_and(|violations| {
        !violations.is_empty()
            && violations
                .iter()
                .all(|v| v["location"].get(0).and_then(Value::as_str) == Some("response"))
    })
}

#[tokio::test]
async fn every_operation_passes_prisms_validation_and_decodes_its_answers() {
    let (overlaid, normalised) = documents();
    let on_document = Prism::start_on(
        "every-operation-document",
        &["--errors", "--dynamic", "--seed", "7"],
        &overlaid,
    );
    let on_normalised = Prism::start_on(
        "every-operation-normalised",
        &["--errors", "--dynamic", "--seed", "7"],
        &normalised,
    );
    let (document, generated) = (client(&on_document), client(&on_normalised));
    let (mut valid, mut decoded, mut decoded_on_document) = (0, 0, 0);
    let (mut not_checked, mut failures) = (Vec::new(), Vec::new());
    for endpoint in endpoints::ALL {
        if endpoint.response == ResponseKind::EventStream {
            not_checked.push(endpoint.call);
            continue;
        }
        match call(&document, endpoint).await {
            Outcome::Decoded => {
                valid += 1;
                decoded_on_document += 1;
                decoded += 1;
                continue;
            }
            Outcome::PrismsAnswerInvalid => valid += 1,
            Outcome::Failed(why) => {
                failures.push(format!("{} on the document: {why}", endpoint.call));
                continue;
            }
        }
        match call(&generated, endpoint).await {
            Outcome::Decoded => decoded += 1,
            Outcome::PrismsAnswerInvalid => failures.push(format!(
                "{}: Prism made no valid answer, on the document or on the normalised one",
                endpoint.call
            )),
            Outcome::Failed(why) => failures.push(format!(
                "{} on the normalised document: {why}",
                endpoint.call
            )),
        }
    }
    let checked = endpoints::ALL.len() - not_checked.len();
    println!("{valid} of {checked} requests passed Prism's validation against the document");
    println!(
        "{decoded} of {checked} answers decoded: {decoded_on_document} of Prism on the document, \
         the others of Prism on the normalised document (its generator broke the document on those)"
    );
    for call in &not_checked {
        println!("not checked against Prism (it makes no event streams): {call}");
    }
    assert!(
        failures.is_empty(),
        "{} failures against Prism:\n{}\n{}\n{}",
        failures.len(),
        failures.join("\n"),
        on_document.log_tail(),
        on_normalised.log_tail()
    );
    assert!(checked > 0, "no call was checked");
}
