//! Wiring the generated client to the SDK runtime.
//!
//! progenitor's client runs each request through `ClientHooks::exec`, and
//! with `HooksMode::Expected` (see [`crate::generate`]) the client does not
//! compile unless the crate implements it. This module writes:
//!
//! - **the hook:** `impl ClientHooks<Transport> for Client`, whose `exec` is
//!   the runtime's, given the operation's entry of the `endpoints` table;
//! - **the calls:** in each builder, progenitor's `send` is split into a
//!   private `build_request` (run once) and `send_once` (one attempt), and
//!   the public `send` and `send_with_response` run them through
//!   `Transport::call`, which retries, times out, traces and returns the
//!   runtime's `Error`. No generated operation has a public way around the
//!   runtime. Beyond JSON (see the `shapes` module):
//!   - a streamed response makes `send` return the runtime's typed stream
//!     (`EventStream<T>`, `JsonLines<T>` or `Download`);
//!   - a stream beside JSON adds `send_stream`, which sets the body's
//!     `stream` flag (and `send` clears it), so that neither call can get
//!     the other's answer;
//!   - a multipart body is sent as the runtime's form (`multipart::form`)
//!     instead of JSON, built again for each attempt from a copy of the
//!     builder, so that each attempt opens its files afresh;
//! - **`From<ConversionError>` for the runtime's `Error`**, so that a
//!   value built by hand (`Type::try_from(builder)?`) fails with the SDK's
//!   error;
//! - **`Client::new`**, which takes its HTTP client from the transport
//!   instead of building a second one;
//! - **`deepObject` query parameters**, sent through the runtime's
//!   `DeepObject` instead of progenitor's `form` style.

use crate::emit::endpoints::const_name;
use crate::emit::shapes::{Shape, Shapes};
use crate::Error;
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::{HashMap, HashSet};
use syn::visit_mut::VisitMut;

/// Applies all of the above to the generated client.
pub(crate) fn wire(
    file: &mut syn::File,
    runtime: &TokenStream,
    deep_objects: &[String],
    shapes: &Shapes,
    notes: &mut Vec<String>,
) -> Result<(), Error> {
    let setters = body_setters(file);
    file.items.push(syn::parse_quote! {
        impl ClientHooks<#runtime::Transport> for Client {
            async fn exec(
                &self,
                request: reqwest::Request,
                info: &OperationInfo,
            ) -> reqwest::Result<reqwest::Response> {
                let endpoint = endpoints::find(info.operation_id)
                    .unwrap_or(#runtime::Endpoint::unlisted(info.operation_id, "POST"));
                self.inner.exec(request, &endpoint).await
            }
        }
    });
    client_new(file)?;
    conversion_errors(file, runtime);
    let builder = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "builder" => m.content.as_mut(),
            _ => None,
        })
        .ok_or_else(|| Error::Generation("progenitor emitted no `builder` module".into()))?;
    let context = Context {
        runtime,
        shapes,
        setters: &setters,
    };
    for item in builder.1.iter_mut() {
        if let syn::Item::Impl(block) = item {
            calls(block, &context, notes)?;
        }
    }
    if !deep_objects.is_empty() {
        DeepObjects {
            names: deep_objects,
            runtime,
        }
        .visit_file_mut(file);
    }
    Ok(())
}

/// `Client::new(baseurl, inner)` uses the transport's HTTP client.
fn client_new(file: &mut syn::File) -> Result<(), Error> {
    let new = file
        .items
        .iter_mut()
        .filter_map(|item| match item {
            syn::Item::Impl(i) if i.trait_.is_none() && is_client(&i.self_ty) => Some(i),
            _ => None,
        })
        .flat_map(|i| i.items.iter_mut())
        .find_map(|item| match item {
            syn::ImplItem::Fn(f) if f.sig.ident == "new" => Some(f),
            _ => None,
        })
        .ok_or_else(|| Error::Generation("progenitor emitted no `Client::new`".into()))?;
    new.attrs.retain(|a| !a.path().is_ident("doc"));
    new.attrs.push(syn::parse_quote!(
        #[doc = " A client of the API at `baseurl` (scheme, host, port and any path\n stem), whose every request goes through `inner`."]
    ));
    new.block = syn::parse_quote!({ Self::new_with_client(baseurl, inner.http().clone(), inner) });
    Ok(())
}

/// A failed conversion of a built value (`Type::try_from(builder)`)
/// becomes the runtime's `Error::InvalidInput` through `?`, where typify
/// wrote its `ConversionError`.
fn conversion_errors(file: &mut syn::File, runtime: &TokenStream) {
    let has_errors = file.items.iter().any(|item| match item {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_ref().is_some_and(|(_, items)| {
            items
                .iter()
                .any(|i| matches!(i, syn::Item::Mod(e) if e.ident == "error"))
        }),
        _ => false,
    });
    if has_errors {
        file.items.push(syn::parse_quote! {
            impl ::std::convert::From<types::error::ConversionError> for #runtime::Error {
                fn from(error: types::error::ConversionError) -> Self {
                    #runtime::Error::InvalidInput(#runtime::InvalidInput::one(
                        #runtime::Problem::new(error.to_string()),
                    ))
                }
            }
        });
    }
}

fn is_client(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.is_ident("Client"))
}

/// What [`calls`] reads besides the builder.
struct Context<'a> {
    runtime: &'a TokenStream,
    shapes: &'a Shapes,
    /// The setters of each body builder (`types::builder::X`), by type.
    setters: &'a HashMap<String, HashSet<String>>,
}

/// Replaces a builder's `send` with the runtime's calls.
///
/// progenitor's `send` builds the request from the builder, then runs one
/// attempt of it. It is split in two there, at `let info = ...`: the
/// first half becomes `build_request(self)`, run once, and the second
/// `send_once(client, request)`, which the runtime runs for each attempt
/// with a copy of the request. The builder is not cloned, and a builder
/// that cannot be (a raw body) works the same; only a multipart form,
/// whose files are opened for each attempt, is built again from a copy.
fn calls(
    block: &mut syn::ItemImpl,
    context: &Context,
    notes: &mut Vec<String>,
) -> Result<(), Error> {
    let runtime = context.runtime;
    let Some(position) = block.items.iter().position(|item| {
        matches!(item, syn::ImplItem::Fn(f) if f.sig.ident == "send" && f.sig.asyncness.is_some())
    }) else {
        return Ok(());
    };
    let syn::ImplItem::Fn(send) = block.items.remove(position) else {
        unreachable!("found above");
    };
    let output = &send.sig.output;
    let success = success_type(output).ok_or_else(|| {
        Error::Generation(format!(
            "a builder's `send` returns {}, not `Result<ResponseValue<T>, Error<E>>`",
            quote::ToTokens::to_token_stream(output)
        ))
    })?;
    let operation_id = operation_id(&send.block)
        .ok_or_else(|| Error::Generation("a builder's `send` names no operation id".into()))?;
    let split = send
        .block
        .stmts
        .iter()
        .position(|stmt| matches!(stmt, syn::Stmt::Local(local) if binds(&local.pat, "info")))
        .ok_or_else(|| {
            Error::Generation(format!(
                "progenitor's `send` of `{operation_id}` has no `let info`, where the request is built"
            ))
        })?;
    let shape = context
        .shapes
        .get(&operation_id)
        .cloned()
        .unwrap_or_default();
    let (build, dispatch) = send.block.stmts.split_at(split);
    let mut build = build.to_vec();
    if shape.multipart {
        let mut form = FormBody {
            runtime,
            found: false,
        };
        build.iter_mut().for_each(|stmt| form.visit_stmt_mut(stmt));
        if !form.found {
            return Err(Error::Generation(format!(
                "progenitor's `send` of `{operation_id}` sends no `.json(&body)` to make a form of"
            )));
        }
    }
    let docs: Vec<&syn::Attribute> = send
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .collect();
    let endpoint = quote::format_ident!("{}", const_name(&operation_id));
    let endpoint = quote!(super::endpoints::#endpoint);
    let mut items: syn::ItemImpl = syn::parse_quote! {
        impl X {
            #[doc = " Builds the request from this builder, as progenitor wrote it."]
            fn build_request(self) -> Result<reqwest::Request, Error<()>> {
                #(#build)*
                Ok(request)
            }

            #[doc = " One attempt of `request`, as progenitor wrote it: the client's"]
            #[doc = " hook runs it, and the answer is decoded."]
            async fn send_once(client: &'a super::Client, request: reqwest::Request) #output {
                #[allow(unused_mut)]
                let mut request = request;
                #(#dispatch)*
            }
        }
    };
    let flag = flag(block, &shape, context, &operation_id, notes);
    let (clear, set) = match &flag {
        Some(flag) => (
            quote!(let this = this.body_map(|body| body.#flag(false));),
            quote!(let this = this.body_map(|body| body.#flag(true));),
        ),
        None => (quote!(), quote!()),
    };
    // How a call runs its attempts: with one request, copied for each, or
    // (a form) with a request built afresh from a copy of the builder.
    let attempts = |endpoint: &TokenStream, send: TokenStream| {
        if shape.multipart {
            quote! {
                client.inner.call_with(&#endpoint, || {
                    let request = this.clone().build_request();
                    async move {
                        match request {
                            Ok(request) => #send(client, request).await,
                            Err(e) => Err(e),
                        }
                    }
                })
            }
        } else {
            quote! {
                client.inner.call(&#endpoint, || this.build_request(), |request| #send(client, request))
            }
        }
    };
    let runs_on = quote! {
        ///
        /// The call runs on the SDK runtime: authentication, the
        /// timeout, retries as the client's policy allows, tracing, and
        /// the runtime's `Error` for any failure.
    };
    let calls: syn::ItemImpl = match &shape.stream {
        // The success is a stream, and only a stream.
        Some(stream) if stream.beside_json.is_none() => {
            let returns = stream.returns(runtime);
            let reader = stream.reader();
            let call = attempts(&endpoint, quote!(Self::send_once));
            let what = stream_doc(stream.kind);
            syn::parse_quote! {
                impl X {
                    #(#docs)*
                    #runs_on
                    #[doc = #what]
                    pub async fn send(self) -> ::std::result::Result<#returns, #runtime::Error> {
                        let this = self;
                        let client = this.client;
                        let response = #call.await?;
                        Ok(client.inner.#reader(response))
                    }
                }
            }
        }
        _ => {
            let value = attempts(&endpoint, quote!(Self::send_once));
            let mut calls: syn::ItemImpl = syn::parse_quote! {
                impl X {
                    #(#docs)*
                    #runs_on
                    pub async fn send(self) -> ::std::result::Result<#success, #runtime::Error> {
                        self.send_with_response().await.map(#runtime::Response::into_inner)
                    }

                    /// As `send`, keeping the response's status and headers (the
                    /// request id and the rate limits among them).
                    pub async fn send_with_response(
                        self,
                    ) -> ::std::result::Result<#runtime::Response<#success>, #runtime::Error> {
                        let this = self;
                        #clear
                        let client = this.client;
                        #value.await
                    }
                }
            };
            if let Some(stream) = &shape.stream {
                let beside = stream.beside_json.as_ref().expect("matched above");
                let returns = stream.returns(runtime);
                let reader = stream.reader();
                let stream_endpoint = quote::format_ident!("{}", const_name(&beside.operation_id));
                let stream_endpoint = quote!(super::endpoints::#stream_endpoint);
                let call = attempts(&stream_endpoint, quote!(Self::stream_once));
                let what = format!(
                    " As `send`, but the answer comes as it is made.{}{}",
                    stream_doc(stream.kind),
                    match &flag {
                        Some(flag) =>
                            format!(" The body's `{flag}` is set for it, and `send` clears it."),
                        None => String::new(),
                    }
                );
                let once: syn::ImplItem = syn::parse_quote! {
                    #[doc = " One attempt of `request` as a stream, its body left unread."]
                    async fn stream_once(
                        client: &'a super::Client,
                        request: reqwest::Request,
                    ) -> #runtime::Attempt<ByteStream> {
                        client.inner.stream_attempt(request, &#stream_endpoint).await
                    }
                };
                calls.items.push(once);
                let item: syn::ImplItem = syn::parse_quote! {
                    #[doc = #what]
                    pub async fn send_stream(self) -> ::std::result::Result<#returns, #runtime::Error> {
                        let this = self;
                        #set
                        let client = this.client;
                        let response = #call.await?;
                        Ok(client.inner.#reader(response))
                    }
                };
                calls.items.push(item);
            }
            calls
        }
    };
    items.items.extend(calls.items);
    block.items.extend(items.items);
    Ok(())
}

/// What a streaming call returns, for its doc comment.
fn stream_doc(kind: &str) -> &'static str {
    match kind {
        "EventStream" => " The events come as a stream of their decoded data, which ends at the server's `[DONE]`; an error the server sends in it ends it with the runtime's `Error`.",
        "JsonLines" => " The lines come as a stream, each decoded as it arrives.",
        _ => " The body comes as a `Download`: save it to a file (never half-written), or collect it.",
    }
}

/// The setter of the body's stream flag, if the operation has one and
/// the generated body builder has the setter.
fn flag(
    block: &syn::ItemImpl,
    shape: &Shape,
    context: &Context,
    operation_id: &str,
    notes: &mut Vec<String>,
) -> Option<syn::Ident> {
    let wanted = shape.stream.as_ref()?.beside_json.as_ref()?.flag.clone()?;
    let body = block.items.iter().find_map(|item| match item {
        syn::ImplItem::Fn(f) if f.sig.ident == "body_map" => body_builder(&f.sig),
        _ => None,
    });
    let found = body
        .as_ref()
        .and_then(|b| context.setters.get(b))
        .is_some_and(|setters| setters.contains(&wanted.to_string()));
    if !found {
        notes.push(format!(
            "{operation_id}: the body builder has no `{wanted}` setter, so `send` and `send_stream` do not set the flag"
        ));
        return None;
    }
    Some(wanted)
}

/// `X` of `body_map<F>(...) where F: FnOnce(types::builder::X) -> ...`.
fn body_builder(sig: &syn::Signature) -> Option<String> {
    let clause = sig.generics.where_clause.as_ref()?;
    let text = quote!(#clause).to_string();
    let start = text.find("builder :: ")? + "builder :: ".len();
    let rest = &text[start..];
    let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_'))?;
    Some(rest[..end].to_string())
}

/// The setters of every body builder, `types::builder::X`, by type.
fn body_setters(file: &syn::File) -> HashMap<String, HashSet<String>> {
    let mut out: HashMap<String, HashSet<String>> = HashMap::new();
    let builder = file
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_ref(),
            _ => None,
        })
        .and_then(|(_, items)| {
            items.iter().find_map(|item| match item {
                syn::Item::Mod(m) if m.ident == "builder" => m.content.as_ref(),
                _ => None,
            })
        });
    for item in builder.into_iter().flat_map(|(_, items)| items) {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        if block.trait_.is_some() {
            continue;
        }
        let syn::Type::Path(ty) = &*block.self_ty else {
            continue;
        };
        let Some(name) = ty.path.segments.last() else {
            continue;
        };
        let setters = out.entry(name.ident.to_string()).or_default();
        for item in &block.items {
            if let syn::ImplItem::Fn(f) = item {
                setters.insert(f.sig.ident.to_string());
            }
        }
    }
    out
}

/// `.json(&body)` becomes `.multipart(form(&body)?)`: the body goes as a
/// multipart form, made by the runtime.
struct FormBody<'a> {
    runtime: &'a TokenStream,
    found: bool,
}

impl VisitMut for FormBody<'_> {
    fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
        syn::visit_mut::visit_expr_method_call_mut(self, call);
        if call.method != "json" || call.args.len() != 1 {
            return;
        }
        let runtime = self.runtime;
        let body = &call.args[0];
        let form: syn::Expr = syn::parse_quote!(#runtime::multipart::form(#body)?);
        call.method = syn::Ident::new("multipart", call.method.span());
        call.args = std::iter::once(form).collect();
        self.found = true;
    }
}

/// Whether `pat` binds `name` (`let name`, `let mut name`).
fn binds(pat: &syn::Pat, name: &str) -> bool {
    match pat {
        syn::Pat::Ident(p) => p.ident == name,
        syn::Pat::Type(p) => binds(&p.pat, name),
        _ => false,
    }
}

/// `T` of `Result<ResponseValue<T>, Error<E>>`.
fn success_type(output: &syn::ReturnType) -> Option<syn::Type> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let syn::Type::Path(result) = &**ty else {
        return None;
    };
    let ok = first_generic(result.path.segments.last()?)?;
    let syn::Type::Path(value) = ok else {
        return None;
    };
    let last = value.path.segments.last()?;
    if last.ident != "ResponseValue" {
        return None;
    }
    first_generic(last).cloned()
}

fn first_generic(segment: &syn::PathSegment) -> Option<&syn::Type> {
    match &segment.arguments {
        syn::PathArguments::AngleBracketed(args) => args.args.iter().find_map(|a| match a {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        }),
        _ => None,
    }
}

/// The literal of `operation_id: "..."` in progenitor's `send`.
pub(crate) fn operation_id(block: &syn::Block) -> Option<String> {
    struct Find(Option<String>);
    impl<'ast> syn::visit::Visit<'ast> for Find {
        fn visit_field_value(&mut self, field: &'ast syn::FieldValue) {
            if let (syn::Member::Named(name), syn::Expr::Lit(lit)) = (&field.member, &field.expr) {
                if name == "operation_id" {
                    if let syn::Lit::Str(s) = &lit.lit {
                        self.0 = Some(s.value());
                    }
                }
            }
            syn::visit::visit_field_value(self, field);
        }
    }
    let mut find = Find(None);
    syn::visit::Visit::visit_block(&mut find, block);
    find.0
}

/// `QueryParam::new("name", &value)` becomes `DeepObject::new(...)` for the
/// parameters in `names`.
struct DeepObjects<'a> {
    names: &'a [String],
    runtime: &'a TokenStream,
}

impl VisitMut for DeepObjects<'_> {
    fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
        syn::visit_mut::visit_expr_call_mut(self, call);
        let syn::Expr::Path(function) = &*call.func else {
            return;
        };
        let segments: Vec<String> = function
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        if !segments.ends_with(&["QueryParam".to_string(), "new".to_string()]) {
            return;
        }
        let Some(syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(name),
            ..
        })) = call.args.first()
        else {
            return;
        };
        if self.names.contains(&name.value()) {
            let runtime = self.runtime;
            call.func = syn::parse_quote!(#runtime::DeepObject::new);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn the_success_type_is_read_from_progenitors_signature() {
        let sig: syn::Signature = syn::parse_quote!(
            fn send(self) -> Result<ResponseValue<types::Dataset>, Error<()>>
        );
        let ty = success_type(&sig.output).unwrap();
        assert_eq!(quote!(#ty).to_string(), "types :: Dataset");
        let sig: syn::Signature = syn::parse_quote!(fn send(self) -> Result<(), Error<()>>);
        assert!(success_type(&sig.output).is_none());
    }

    /// progenitor's builder of `operation_id`, whose `send` returns `T`.
    fn builder(operation_id: &str, success: TokenStream, body: bool) -> syn::ItemImpl {
        let body_map = if body {
            quote! {
                pub fn body_map<F>(mut self, f: F) -> Self
                where F: std::ops::FnOnce(types::builder::ChatRequest) -> types::builder::ChatRequest {
                    self
                }
            }
        } else {
            quote!()
        };
        syn::parse_quote! {
            impl<'a> Thing<'a> {
                #body_map
                /// Sends a `POST` request to `/things`
                pub async fn send(self) -> Result<ResponseValue<#success>, Error<()>> {
                    let Self { client, body } = self;
                    let mut request = client.client.post(url).json(&body).build()?;
                    let info = OperationInfo { operation_id: #operation_id };
                    let result = client.exec(request, &info).await;
                    todo!()
                }
            }
        }
    }

    /// The builder's code once wired with `shapes`; the body builder
    /// `ChatRequest` has a `stream` setter.
    fn wired(mut block: syn::ItemImpl, shapes: &Shapes) -> (String, Vec<String>) {
        let setters = HashMap::from([(
            "ChatRequest".to_string(),
            HashSet::from(["stream".to_string()]),
        )]);
        let context = Context {
            runtime: &quote!(::rt),
            shapes,
            setters: &setters,
        };
        let mut notes = Vec::new();
        calls(&mut block, &context, &mut notes).unwrap();
        (quote!(#block).to_string(), notes)
    }

    fn shapes(doc: serde_json::Value) -> Shapes {
        crate::emit::shapes::read(&serde_json::json!({"paths": {"/things": {"post": doc}}}))
    }

    #[test]
    fn sends_become_calls_through_the_runtime() {
        let (code, _) = wired(
            builder("get_thing", quote!(types::Thing), false),
            &Shapes::new(),
        );
        for wanted in [
            "fn build_request (self) -> Result < reqwest :: Request , Error < () > >",
            "async fn send_once (client : & 'a super :: Client , request : reqwest :: Request)",
            "pub async fn send (self) -> :: std :: result :: Result < types :: Thing , :: rt :: Error >",
            "client . inner . call (& super :: endpoints :: GET_THING , | | this . build_request ()",
            ". json (& body)",
        ] {
            assert!(code.contains(wanted), "{wanted}\n{code}");
        }
        assert!(
            !code.contains("pub async fn send_once") && !code.contains("pub fn build_request"),
            "{code}"
        );
    }

    #[test]
    fn a_stream_beside_json_gets_send_stream_and_the_flag() {
        let shapes = shapes(
            serde_json::json!({"operationId": "chat", "x-nebius-stream": {
            "kind": "EventStream", "media_type": "text/event-stream",
            "item": {"$ref": "#/components/schemas/Chunk"}, "beside_json": true,
            "stream_operation_id": "chat_stream", "flag": "stream"}}),
        );
        let (code, notes) = wired(builder("chat", quote!(types::Chat), true), &shapes);
        for wanted in [
            "pub async fn send (self) -> :: std :: result :: Result < types :: Chat , :: rt :: Error >",
            "let this = this . body_map (| body | body . stream (false))",
            "pub async fn send_stream (self) -> :: std :: result :: Result < :: rt :: stream :: EventStream < types :: Chunk > , :: rt :: Error >",
            "let this = this . body_map (| body | body . stream (true))",
            "client . inner . stream_attempt (request , & super :: endpoints :: CHAT_STREAM)",
            "Ok (client . inner . event_stream (response))",
        ] {
            assert!(code.contains(wanted), "{wanted}\n{code}");
        }
        assert!(notes.is_empty(), "{notes:?}");
    }

    #[test]
    fn a_flag_without_a_setter_is_noted_not_set() {
        let shapes = shapes(
            serde_json::json!({"operationId": "chat", "x-nebius-stream": {
            "kind": "EventStream", "media_type": "text/event-stream", "item": null,
            "beside_json": true, "stream_operation_id": "chat_stream", "flag": "stream"}}),
        );
        let (code, notes) = wired(builder("chat", quote!(types::Chat), false), &shapes);
        assert!(!code.contains("body_map (| body |"), "{code}");
        assert!(notes[0].contains("no `stream` setter"), "{notes:?}");
    }

    #[test]
    fn a_stream_only_operation_sends_its_stream() {
        let shapes = shapes(
            serde_json::json!({"operationId": "export", "x-nebius-stream": {
            "kind": "Bytes", "media_type": "application/octet-stream", "item": null,
            "beside_json": false}}),
        );
        let (code, _) = wired(builder("export", quote!(ByteStream), false), &shapes);
        assert!(
            code.contains("pub async fn send (self) -> :: std :: result :: Result < :: rt :: stream :: Download , :: rt :: Error >"),
            "{code}"
        );
        assert!(
            code.contains("Ok (client . inner . download (response))"),
            "{code}"
        );
        assert!(!code.contains("send_with_response"), "{code}");
    }

    #[test]
    fn a_multipart_body_is_a_form_built_for_each_attempt() {
        let shapes =
            shapes(serde_json::json!({"operationId": "upload", "x-nebius-multipart": true}));
        let (code, _) = wired(builder("upload", quote!(types::File), false), &shapes);
        for wanted in [
            ". multipart (:: rt :: multipart :: form (& body) ?)",
            "client . inner . call_with (& super :: endpoints :: UPLOAD",
            "let request = this . clone () . build_request () ;",
        ] {
            assert!(code.contains(wanted), "{wanted}\n{code}");
        }
        assert!(!code.contains(". json (& body)"), "{code}");
    }
}
