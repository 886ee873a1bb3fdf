//! The pipeline: normalise, isolate what cannot be generated, run
//! progenitor, and add the code it does not write.
//!
//! One schema or one operation that progenitor cannot handle must not take
//! the client down. After the passes, [`isolate`] degrades the component
//! schemas typify refuses, then leaves out the operations progenitor
//! refuses, each with its reason in the [`Diagnostics`]. Only a failure no
//! single schema or operation explains is an [`Error`].

mod isolate;
mod progenitor;

use crate::emit::{self, open_enum};
use crate::normalize::{self, Diagnostics};
use crate::Error;
use proc_macro2::TokenStream;
use serde_json::Value;

/// Where the generated code will live, and what it runs on.
#[derive(Debug, Clone)]
pub struct Options {
    /// The name of the module the generated file defines. The file must be
    /// included at the root of a crate: `generated` is `crate::generated`.
    pub module: String,
    /// Rust path of the runtime crate every operation runs on
    /// (`nebius-tokenfactory-runtime`): its `Transport` is the client's
    /// inner value, and its `Secret` the type of credential fields.
    pub runtime: String,
    /// The cargo feature the mock helpers are compiled under; `None`
    /// compiles them always.
    pub mock_feature: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            module: "generated".into(),
            runtime: "::nebius_tokenfactory_runtime".into(),
            mock_feature: None,
        }
    }
}

impl Options {
    /// The module's path from the root of the including crate.
    pub fn module_path(&self) -> String {
        format!("crate::{}", self.module)
    }
}

/// The generated code, formatted, and what a maintainer should know.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The file to include: one module, [`Options::module`], holding the
    /// client (`types`, `Client`, its builders, `endpoints`) and its mock
    /// helpers (`mock::MockServerExt`), with the lints generated code may
    /// break allowed ([`crate::emit::ALLOWED_LINTS`]).
    pub file: String,
    /// What was left out, degraded or changed, and why.
    pub diagnostics: Diagnostics,
    /// `info.version` of the document.
    pub api_version: String,
    /// Crates the generated code uses besides progenitor's client, reqwest
    /// and serde (`chrono`, `regress`, `uuid`): the crate that includes it
    /// must depend on them.
    pub crates: Vec<&'static str>,
    /// The normalised document the client was generated from: what the
    /// Rust names and types of the client trace back to.
    pub document: Value,
}

/// The query parameters sent in `deepObject` style, by name.
fn deep_objects(doc: &Value) -> Vec<String> {
    let mut names: Vec<String> = normalize::visit::operations(doc)
        .flat_map(|(_, _, op)| {
            op.get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        })
        .filter(|p| p.get(normalize::parameters::DEEP_OBJECT) == Some(&Value::Bool(true)))
        .filter_map(|p| p.get("name").and_then(Value::as_str).map(String::from))
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Normalises `spec` and generates the client and its mock helpers.
///
/// The same input always gives byte-identical output.
pub fn generate(spec: &Value, options: &Options) -> Result<Generated, Error> {
    run(spec, options, false).map(|(generated, _)| generated)
}

/// [`generate`], and the public surface of the client
/// ([`crate::surface`]), read from the code before it is written out (which
/// spares parsing it again).
pub fn generate_with_surface(
    spec: &Value,
    options: &Options,
) -> Result<(Generated, crate::surface::Surface), Error> {
    let (generated, surface) = run(spec, options, true)?;
    Ok((generated, surface.unwrap_or_default()))
}

fn run(
    spec: &Value,
    options: &Options,
    with_surface: bool,
) -> Result<(Generated, Option<crate::surface::Surface>), Error> {
    let runtime: TokenStream = options
        .runtime
        .parse()
        .map_err(|e| Error::Generation(format!("`{}` is not a Rust path: {e}", options.runtime)))?;
    let (mut doc, mut diagnostics) = normalize::normalize(spec.clone())?;
    let enums = open_enum::find(&doc);
    // Most documents generate whole after the passes; only when one does
    // not are the failing schemas and operations searched for.
    let out = match progenitor::run(&doc, &enums, options)? {
        Ok(out) => out,
        Err(_) => {
            isolate::schemas(&mut doc, &enums, options, &mut diagnostics.degraded)?;
            let (out, skipped) = isolate::operations(&mut doc, &enums, options)?;
            diagnostics.skipped.extend(skipped);
            out
        }
    };
    let api_version = doc
        .pointer("/info/version")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let version_doc = format!(
        " `info.version` of the OpenAPI document this client was generated from: `{api_version}`."
    );
    let shapes = emit::shapes::read(&doc);
    let endpoints = emit::endpoints::emit(&doc, &shapes, &runtime);
    let client = out.client;
    let mut client = emit::parse(quote::quote! {
        #[doc = #version_doc]
        pub const API_VERSION: &str = #api_version;
        #endpoints
        #client
    })?;
    emit::repair(&mut client);
    emit::open_enums(&mut client, &enums)?;
    emit::deprecations::mark(&mut client, &doc, &mut diagnostics.notes);
    let deep_objects = deep_objects(&doc);
    emit::runtime::wire(
        &mut client,
        &runtime,
        &deep_objects,
        &shapes,
        &mut diagnostics.notes,
    )?;
    let mut mock = emit::parse(out.mock)?;
    emit::secret_parameters::send_in_plain(&mut client, &mut mock);
    emit::repair_mock(&mut mock, &deep_objects);
    emit::mocks::streams_and_forms(&mut mock, &client, &doc, &shapes)?;
    let exemplars = emit::exemplars::emit(&doc, &client, &shapes, &runtime);
    mock.items.push(
        syn::parse2(exemplars)
            .map_err(|e| Error::Generation(format!("unparsable exemplars: {e}")))?,
    );
    // Last, once every reader of progenitor's setters has read them.
    emit::unions::emit(&mut client, &mut mock);
    emit::decode::lenient(&mut client);
    emit::setters::plain(&mut client);
    if let Some(feature) = &options.mock_feature {
        let gated = emit::response_only::gate(&mut client, feature);
        if gated > 0 {
            diagnostics.notes.push(format!(
                "{gated} builders of types that only answers hold compile with the `{feature}` feature only"
            ));
        }
    }
    let module = emit::module(client, mock, options)?;
    let surface = with_surface
        .then(|| crate::surface::of_file(&module))
        .transpose()?;
    let file = emit::text(&module, &api_version);
    Ok((
        Generated {
            file,
            diagnostics,
            api_version,
            crates: out.crates,
            document: doc,
        },
        surface,
    ))
}
