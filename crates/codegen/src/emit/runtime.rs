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
//!   runtime;
//! - **`Client::new`**, which takes its HTTP client from the transport
//!   instead of building a second one;
//! - **`deepObject` query parameters**, sent through the runtime's
//!   `DeepObject` instead of progenitor's `form` style.

use crate::emit::endpoints::const_name;
use crate::Error;
use proc_macro2::TokenStream;
use syn::visit_mut::VisitMut;

/// Applies all of the above to the generated client.
pub(crate) fn wire(
    file: &mut syn::File,
    runtime: &TokenStream,
    deep_objects: &[String],
) -> Result<(), Error> {
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
    let builder = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "builder" => m.content.as_mut(),
            _ => None,
        })
        .ok_or_else(|| Error::Generation("progenitor emitted no `builder` module".into()))?;
    for item in builder.1.iter_mut() {
        if let syn::Item::Impl(block) = item {
            calls(block, runtime)?;
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

fn is_client(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.is_ident("Client"))
}

/// Replaces a builder's `send` with the runtime's `send` and
/// `send_with_response`.
///
/// progenitor's `send` builds the request from the builder, then runs one
/// attempt of it. It is split in two there, at `let info = ...`: the
/// first half becomes `build_request(self)`, run once, and the second
/// `send_once(client, request)`, which the runtime runs for each attempt
/// with a copy of the request. The builder is not cloned, and a builder
/// that cannot be (a raw body) works the same.
fn calls(block: &mut syn::ItemImpl, runtime: &TokenStream) -> Result<(), Error> {
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
    let (build, dispatch) = send.block.stmts.split_at(split);
    let docs: Vec<&syn::Attribute> = send
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .collect();
    let endpoint = quote::format_ident!("{}", const_name(&operation_id));
    let items: syn::ItemImpl = syn::parse_quote! {
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

            #(#docs)*
            ///
            /// The call runs on the SDK runtime: authentication, the
            /// timeout, retries as the client's policy allows, tracing, and
            /// the runtime's `Error` for any failure.
            pub async fn send(self) -> ::std::result::Result<#success, #runtime::Error> {
                let client = self.client;
                client
                    .inner
                    .call_value(&super::endpoints::#endpoint, || self.build_request(), |request| {
                        Self::send_once(client, request)
                    })
                    .await
            }

            /// As `send`, keeping the response's status and headers (the
            /// request id and the rate limits among them).
            pub async fn send_with_response(
                self,
            ) -> ::std::result::Result<#runtime::Response<#success>, #runtime::Error> {
                let client = self.client;
                client
                    .inner
                    .call(&super::endpoints::#endpoint, || self.build_request(), |request| {
                        Self::send_once(client, request)
                    })
                    .await
            }
        }
    };
    block.items.extend(items.items);
    Ok(())
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

    #[test]
    fn sends_become_calls_through_the_runtime() {
        let mut block: syn::ItemImpl = syn::parse_quote! {
            impl<'a> GetThing<'a> {
                /// Sends a `GET` request to `/things/{id}`
                pub async fn send(self) -> Result<ResponseValue<types::Thing>, Error<()>> {
                    let Self { client, id } = self;
                    let mut request = client.client.get(url).build()?;
                    let info = OperationInfo { operation_id: "get_thing" };
                    let result = client.exec(request, &info).await;
                    todo!()
                }
            }
        };
        calls(&mut block, &quote!(::rt)).unwrap();
        let code = quote!(#block).to_string();
        assert!(
            code.contains(
                "fn build_request (self) -> Result < reqwest :: Request , Error < () > >"
            ),
            "{code}"
        );
        assert!(
            code.contains(
                "async fn send_once (client : & 'a super :: Client , request : reqwest :: Request)"
            ),
            "{code}"
        );
        assert!(
            !code.contains("pub async fn send_once") && !code.contains("pub fn build_request"),
            "{code}"
        );
        assert!(
            code.contains("pub async fn send (self) -> :: std :: result :: Result < types :: Thing , :: rt :: Error >"),
            "{code}"
        );
        assert!(
            code.contains(
                "call_value (& super :: endpoints :: GET_THING , | | self . build_request ()"
            ),
            "{code}"
        );
    }
}
