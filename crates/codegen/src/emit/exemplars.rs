//! Exemplar calls: every operation, callable with arguments made from its
//! schemas, for tests that must cover every operation without a test each.
//!
//! The generator knows every operation's required parameters and body, and
//! their schemas; from those it makes one JSON value each (the schema's
//! example or default where it has one, else the simplest value that fits:
//! the first enum value, the minimum, required properties only). The
//! `mock::exemplars` module of a generated client holds:
//!
//! - `call(&client, operation_id)`: builds that operation's request from
//!   those values and sends it, through the runtime like any call;
//! - `response(operation_id)`: a status, content type and body its success
//!   decodes from, for a mock server to answer with: JSON, or for a stream
//!   one event or line of its item (then `[DONE]`), or a few bytes;
//! - `decode(operation_id, json)`: decodes `json` as the operation's success
//!   (for a stream, as one of its items), so that a test can check the
//!   document's own examples against the generated types.
//!
//! A streaming call is read to its end; a stream beside JSON is a second
//! entry, under its endpoint's id.
//!
//! A regen brings the new operations into both, so a test that walks the
//! `endpoints` table covers each with no code of its own.

use crate::emit::endpoints::response_kind;
use crate::emit::shapes::{Shapes, Stream};
use crate::names::snake_name;
use crate::normalize::visit;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// How deep a recursive schema is followed before its example ends.
const MAX_DEPTH: usize = 8;

/// The `exemplars` module for `doc`, whose generated builders are in
/// `client`.
pub(crate) fn emit(
    doc: &Value,
    client: &syn::File,
    shapes: &Shapes,
    runtime: &TokenStream,
) -> TokenStream {
    let setters = setter_types(client);
    let builders = builders(client);
    let successes = success_types(client);
    let mut calls = Vec::new();
    let mut responses = Vec::new();
    let mut decoders = Vec::new();
    let mut bodies = Vec::new();
    for (_, _, op) in visit::operations(doc) {
        let Some(id) = op.get("operationId").and_then(Value::as_str) else {
            continue;
        };
        let Some((builder, method)) = builders.get(id) else {
            continue;
        };
        let builder = builder.clone();
        let mut steps = Vec::new();
        for param in op
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if param.get("required") != Some(&Value::Bool(true)) {
                continue;
            }
            let Some(name) = param.get("name").and_then(Value::as_str) else {
                continue;
            };
            let setter = snake_name(name);
            let Some(ty) = setters.get(&(builder.clone(), setter.clone())) else {
                continue;
            };
            let example = example(param.get("schema").unwrap_or(&Value::Null), doc, 0).to_string();
            let setter = format_ident!("{}", setter);
            steps.push(quote! {
                let request = request.#setter(value::<#ty>(#example, #name)?);
            });
        }
        let mut body_example = None;
        if let Some(ty) = setters.get(&(builder.clone(), "body".to_string())) {
            let schema = op
                .pointer("/requestBody/content")
                .and_then(Value::as_object)
                .and_then(|c| c.values().next())
                .and_then(|m| m.get("schema"))
                .unwrap_or(&Value::Null);
            // A raw body (`application/octet-stream`) is bytes, not JSON.
            let raw = quote!(#ty)
                .to_string()
                .replace(' ', "")
                .ends_with("reqwest::Body");
            if raw {
                steps.push(quote! {
                    let request = request.body(::reqwest::Body::from(&b"exemplar bytes"[..]));
                });
            } else {
                let example = example(schema, doc, 0).to_string();
                steps.push(quote! {
                    let request = request.body(value::<#ty>(#example, "body")?);
                });
                bodies.push(quote!(#id => Some(#example),));
                body_example = Some(example);
            }
        }
        let stream = shapes.get(id).and_then(|s| s.stream.as_ref());
        let item = stream.filter(|s| s.kind != "Bytes").map(|s| s.item.clone());
        let decoded = match stream {
            Some(stream) if stream.beside_json.is_none() => item.clone(),
            _ => successes.get(&builder).map(|t| quote!(#t)),
        };
        // progenitor's raw `ByteStream` (a body it does not decode) has
        // no JSON to decode an example into.
        let decoded = decoded.filter(|ty| !quote!(#ty).to_string().ends_with("ByteStream"));
        if let Some(ty) = decoded {
            decoders.push(quote!(#id => Some(decode_as::<#ty>(json)),));
        }
        if let (Some(beside), Some(ty)) = (stream.and_then(|s| s.beside_json.as_ref()), &item) {
            let stream_id = &beside.operation_id;
            decoders.push(quote!(#stream_id => Some(decode_as::<#ty>(json)),));
        }
        let send = match stream {
            Some(stream) if stream.beside_json.is_none() => {
                let drain = format_ident!("{}", drain_method(stream));
                quote!(request.send().await?.#drain().await.map(drop))
            }
            _ => quote!(request.send().await.map(drop)),
        };
        calls.push(quote! {
            #id => Box::pin(async move {
                let request = client.#method();
                #(#steps)*
                #send
            }),
        });
        let (status, content_type, body) = match stream {
            Some(stream) if stream.beside_json.is_none() => {
                let (status, _) = success_example(op, doc);
                let (content_type, body) = stream_example(stream, op, doc);
                (status, content_type, Some(body))
            }
            _ => {
                let (status, body) = success_example(op, doc);
                let body = body.map(|b| b.to_string());
                (status, "application/json".to_string(), body)
            }
        };
        responses.push(response(id, status, &content_type, body));
        // The stream beside JSON: the same call, sent with `send_stream`.
        if let Some((stream, beside)) = stream.and_then(|s| Some((s, s.beside_json.as_ref()?))) {
            let stream_id = &beside.operation_id;
            if let Some(body) = &body_example {
                bodies.push(quote!(#stream_id => Some(#body),));
            }
            let drain = format_ident!("{}", drain_method(stream));
            calls.push(quote! {
                #stream_id => Box::pin(async move {
                    let request = client.#method();
                    #(#steps)*
                    request.send_stream().await?.#drain().await.map(drop)
                }),
            });
            let (status, _) = success_example(op, doc);
            let (content_type, body) = stream_example(stream, op, doc);
            responses.push(response(stream_id, status, &content_type, Some(body)));
        }
    }
    quote! {
        /// Every operation, callable with arguments made from its schemas.
        pub mod exemplars {
            use super::super::*;

            /// A success response an operation decodes.
            #[derive(Debug, Clone, Copy, PartialEq, Eq)]
            pub struct Exemplar {
                /// The status.
                pub status: u16,
                /// The content type of the body.
                pub content_type: &'static str,
                /// The body, if the success has one: JSON, events, lines or bytes.
                pub body: Option<&'static str>,
            }

            /// A call of an operation, as its exemplar makes it.
            pub type Call<'a> = ::std::pin::Pin<Box<dyn ::std::future::Future<Output = ::std::result::Result<(), #runtime::Error>> + 'a>>;

            // Unused where no operation has a parameter or a body.
            #[allow(dead_code)]
            fn value<T: ::serde::de::DeserializeOwned>(
                json: &str,
                what: &str,
            ) -> ::std::result::Result<T, #runtime::Error> {
                ::serde_json::from_str(json).map_err(|e| {
                    #runtime::Error::InvalidInput(#runtime::InvalidInput::one(#runtime::Problem::new(
                        format!("the exemplar of {what} does not decode: {e}"),
                    )))
                })
            }

            /// Sends `operation_id` with its exemplar's arguments: every
            /// required parameter and the body, from their schemas.
            pub fn call<'a>(client: &'a Client, operation_id: &str) -> Option<Call<'a>> {
                Some(match operation_id {
                    #(#calls)*
                    _ => return None,
                })
            }

            /// The JSON body the exemplar call of `operation_id` sends, as
            /// its builder is given it: the body's required properties.
            pub fn body(operation_id: &str) -> Option<&'static str> {
                match operation_id {
                    #(#bodies)*
                    _ => None,
                }
            }

            /// A success response `operation_id` decodes.
            pub fn response(operation_id: &str) -> Option<Exemplar> {
                match operation_id {
                    #(#responses)*
                    _ => None,
                }
            }

            // Unused where no operation answers in JSON.
            #[allow(dead_code)]
            fn decode_as<T: ::serde::de::DeserializeOwned>(json: &str) -> ::std::result::Result<(), String> {
                ::serde_json::from_str::<T>(json).map(drop).map_err(|e| e.to_string())
            }

            /// Decodes `json` as the success of `operation_id` (for a
            /// stream, as one of its items): `None` for an operation whose
            /// success is not JSON (a download, no body).
            pub fn decode(operation_id: &str, json: &str) -> Option<::std::result::Result<(), String>> {
                match operation_id {
                    #(#decoders)*
                    _ => None,
                }
            }
        }
    }
}

/// An arm of `response`.
fn response(id: &str, status: u16, content_type: &str, body: Option<String>) -> TokenStream {
    let body = match body {
        Some(text) => quote!(Some(#text)),
        None => quote!(None),
    };
    quote! {
        #id => Some(Exemplar { status: #status, content_type: #content_type, body: #body }),
    }
}

/// The runtime's method that reads a stream of this kind to its end.
fn drain_method(stream: &Stream) -> &'static str {
    match stream.kind {
        "EventStream" | "JsonLines" => "collect_items",
        _ => "bytes",
    }
}

/// The content type and body of a stream's exemplar: one event or line of
/// its item, or a few bytes.
fn stream_example(stream: &Stream, op: &Value, doc: &Value) -> (String, String) {
    let item = op
        .pointer(&format!(
            "/{}/item",
            crate::normalize::streams::EXTENSION.replace('/', "~1")
        ))
        .filter(|i| !i.is_null())
        .map(|schema| example(schema, doc, 0))
        .unwrap_or_else(|| json!({}));
    let body = match stream.kind {
        "EventStream" => format!("data: {item}\n\ndata: [DONE]\n\n"),
        "JsonLines" => format!("{item}\n"),
        _ => "exemplar bytes".to_string(),
    };
    (stream.media_type.clone(), body)
}

/// `operation id -> (builder type, client method)`, read from the
/// generated code: each builder's `send_once` names its operation, and
/// `impl Client` has the method that returns the builder.
pub(crate) fn builders(client: &syn::File) -> HashMap<String, (String, syn::Ident)> {
    let mut by_builder: HashMap<String, String> = HashMap::new();
    let mut methods: HashMap<String, syn::Ident> = HashMap::new();
    for item in &client.items {
        match item {
            syn::Item::Mod(m) if m.ident == "builder" => {
                for item in m.content.iter().flat_map(|(_, items)| items) {
                    let syn::Item::Impl(block) = item else {
                        continue;
                    };
                    let Some(name) = last_ident(&block.self_ty) else {
                        continue;
                    };
                    for item in &block.items {
                        if let syn::ImplItem::Fn(f) = item {
                            if f.sig.ident == "send_once" {
                                if let Some(id) = super::runtime::operation_id(&f.block) {
                                    by_builder.insert(id, name.clone());
                                }
                            }
                        }
                    }
                }
            }
            syn::Item::Impl(block)
                if block.trait_.is_none()
                    && last_ident(&block.self_ty).as_deref() == Some("Client") =>
            {
                for item in &block.items {
                    let syn::ImplItem::Fn(f) = item else {
                        continue;
                    };
                    if let syn::ReturnType::Type(_, ty) = &f.sig.output {
                        if let Some(name) = last_ident(ty) {
                            methods.insert(name, f.sig.ident.clone());
                        }
                    }
                }
            }
            _ => {}
        }
    }
    by_builder
        .into_iter()
        .filter_map(|(id, builder)| {
            let method = methods.get(&builder)?.clone();
            Some((id, (builder, method)))
        })
        .collect()
}

/// `builder -> T` for each builder whose `send` returns `Result<T, _>`.
fn success_types(client: &syn::File) -> HashMap<String, syn::Type> {
    let mut out = HashMap::new();
    let items = client.items.iter().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "builder" => m.content.as_ref(),
        _ => None,
    });
    for item in items.into_iter().flat_map(|(_, items)| items) {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let Some(name) = last_ident(&block.self_ty) else {
            continue;
        };
        for item in &block.items {
            let syn::ImplItem::Fn(f) = item else {
                continue;
            };
            if f.sig.ident != "send" {
                continue;
            }
            let syn::ReturnType::Type(_, ty) = &f.sig.output else {
                continue;
            };
            let syn::Type::Path(result) = &**ty else {
                continue;
            };
            let first = result
                .path
                .segments
                .last()
                .and_then(|s| match &s.arguments {
                    syn::PathArguments::AngleBracketed(args) => {
                        args.args.iter().find_map(|a| match a {
                            syn::GenericArgument::Type(t) => Some(t.clone()),
                            _ => None,
                        })
                    }
                    _ => None,
                });
            if let Some(ty) = first {
                out.insert(name.clone(), ty);
            }
        }
    }
    out
}

/// The last segment's name of a path type: `builder::GetThing<'_>` gives
/// `GetThing`.
fn last_ident(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// `(builder, setter) -> T` for every `setter<V>(value: V) where V:
/// TryInto<T>` of the generated builders.
fn setter_types(client: &syn::File) -> HashMap<(String, String), syn::Type> {
    let mut out = HashMap::new();
    let Some(builder) = client.items.iter().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "builder" => m.content.as_ref(),
        _ => None,
    }) else {
        return out;
    };
    for item in &builder.1 {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let Some(name) = last_ident(&block.self_ty) else {
            continue;
        };
        for item in &block.items {
            let syn::ImplItem::Fn(f) = item else {
                continue;
            };
            if let Some(ty) = crate::surface::setter_target(&f.sig) {
                out.insert((name.clone(), f.sig.ident.to_string()), ty);
            }
        }
    }
    out
}

/// The status and body of an operation's first success response.
fn success_example(op: &Value, doc: &Value) -> (u16, Option<Value>) {
    let responses = op.get("responses").and_then(Value::as_object);
    let Some((status, response)) = responses.and_then(|r| {
        r.iter()
            .find(|(s, _)| s.starts_with('2') || s.as_str() == "default")
    }) else {
        return (204, None);
    };
    let status: u16 = status.parse().unwrap_or(200);
    if response_kind(op) != "Json" {
        return (status, None);
    }
    let schema = response
        .pointer("/content/application~1json/schema")
        .unwrap_or(&Value::Null);
    (status, Some(example(schema, doc, 0)))
}

/// Whether `schema` admits one value only (after `$ref`s and a one-part
/// `allOf`): a tag.
fn is_tag(schema: &Value, doc: &Value) -> bool {
    let mut schema = schema;
    for _ in 0..MAX_DEPTH {
        if let Some(target) = schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|r| doc.pointer(r))
        {
            schema = target;
            continue;
        }
        match schema.get("allOf").and_then(Value::as_array) {
            Some(parts) if parts.len() == 1 => schema = &parts[0],
            _ => break,
        }
    }
    schema
        .get("enum")
        .and_then(Value::as_array)
        .is_some_and(|values| values.iter().filter(|v| !v.is_null()).count() == 1)
}

/// A value that fits `schema`, made from its example, default or shape.
pub fn example(schema: &Value, doc: &Value, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    let Some(obj) = schema.as_object() else {
        return json!({});
    };
    if let Some(target) = obj
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
        .and_then(|r| doc.pointer(r))
    {
        return example(target, doc, depth + 1);
    }
    for key in ["example", "default"] {
        if let Some(v) = obj.get(key) {
            if !v.is_null() {
                return v.clone();
            }
        }
    }
    if let Some(Value::Array(values)) = obj.get("enum") {
        if let Some(first) = values.iter().find(|v| !v.is_null()) {
            return first.clone();
        }
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(arms)) = obj.get(key) {
            if let Some(arm) = arms.first() {
                return example(arm, doc, depth + 1);
            }
        }
    }
    if let Some(Value::Array(arms)) = obj.get("allOf") {
        let mut merged = Map::new();
        let mut other = None;
        for arm in arms {
            match example(arm, doc, depth + 1) {
                Value::Object(o) => merged.extend(o),
                v => other = Some(v),
            }
        }
        return match other {
            Some(v) if merged.is_empty() => v,
            _ => Value::Object(merged),
        };
    }
    let number = |key: &str| obj.get(key).and_then(Value::as_f64);
    match obj.get("type").and_then(Value::as_str) {
        Some("string") => {
            let text = match obj.get("format").and_then(Value::as_str) {
                Some("uuid") => "00000000-0000-0000-0000-000000000000".to_string(),
                Some("date-time") => "2026-01-01T00:00:00Z".to_string(),
                Some("date") => "2026-01-01".to_string(),
                _ => {
                    let min = obj.get("minLength").and_then(Value::as_u64).unwrap_or(1);
                    "x".repeat(min.max(1) as usize)
                }
            };
            Value::String(text)
        }
        Some("integer") => {
            let min = number("minimum").unwrap_or(0.0);
            let exclusive = obj.get("exclusiveMinimum") == Some(&Value::Bool(true));
            let value = if exclusive { min + 1.0 } else { min.max(1.0) };
            json!(value as i64)
        }
        Some("number") => {
            let min = number("minimum").unwrap_or(0.0);
            json!(if obj.get("exclusiveMinimum") == Some(&Value::Bool(true)) {
                min + 1.0
            } else {
                min.max(0.5)
            })
        }
        Some("boolean") => Value::Bool(false),
        Some("array") => {
            let min = obj.get("minItems").and_then(Value::as_u64).unwrap_or(0);
            let item = obj.get("items").unwrap_or(&Value::Null);
            Value::Array((0..min).map(|_| example(item, doc, depth + 1)).collect())
        }
        _ => {
            let required: Vec<&str> = obj
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let properties = obj.get("properties").and_then(Value::as_object);
            let mut out = Map::new();
            for (name, schema) in properties.into_iter().flatten() {
                // A tag with one value (`type: "yql"`) is chosen with the
                // type, and sent whether required or not.
                if required.contains(&name.as_str()) || is_tag(schema, doc) {
                    out.insert(name.to_string(), example(schema, doc, depth + 1));
                }
            }
            for name in required {
                if !out.contains_key(name) {
                    out.insert(name.to_string(), example(&Value::Null, doc, depth + 1));
                }
            }
            Value::Object(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_fit_their_schemas() {
        let doc = json!({"components": {"schemas": {
            "Status": {"type": "string", "enum": ["ready", "gone"]},
            "Thing": {"type": "object", "required": ["id", "status", "tags", "n"], "properties": {
                "id": {"type": "string", "format": "uuid"},
                "status": {"$ref": "#/components/schemas/Status"},
                "tags": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 3}},
                "n": {"type": "integer", "minimum": 5},
                "optional": {"type": "string"}
            }}
        }}});
        assert_eq!(
            example(&json!({"$ref": "#/components/schemas/Thing"}), &doc, 0),
            json!({"id": "00000000-0000-0000-0000-000000000000", "status": "ready",
                   "tags": ["xxx"], "n": 5})
        );
        assert_eq!(
            example(&json!({"type": "integer", "default": 20}), &doc, 0),
            json!(20)
        );
        assert_eq!(
            example(
                &json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true}),
                &doc,
                0
            ),
            json!(1)
        );
    }

    #[test]
    fn recursive_schemas_end() {
        let doc = json!({"components": {"schemas": {"Node": {"type": "object",
            "required": ["next"], "properties": {"next": {"$ref": "#/components/schemas/Node"}}}}}});
        let value = example(&json!({"$ref": "#/components/schemas/Node"}), &doc, 0);
        assert!(value.to_string().contains("null"), "{value}");
    }

    #[test]
    fn setter_types_are_read_from_the_builders() {
        let file: syn::File = syn::parse_quote! {
            pub mod builder {
                impl<'a> GetThing<'a> {
                    pub fn thing_id<V>(mut self, value: V) -> Self where V: std::convert::TryInto<types::ThingId> { self }
                    pub fn body<V>(mut self, value: V) -> Self where V: std::convert::TryInto<types::Body>, <V as std::convert::TryInto<types::Body>>::Error: std::fmt::Display { self }
                }
            }
        };
        let types = setter_types(&file);
        let ty = &types[&("GetThing".to_string(), "thing_id".to_string())];
        assert_eq!(quote!(#ty).to_string(), "types :: ThingId");
        assert!(types.contains_key(&("GetThing".to_string(), "body".to_string())));
    }
}
