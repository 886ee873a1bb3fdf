//! The `endpoints` module: what the runtime knows of each operation.
//!
//! progenitor keeps each operation's method and path inside its builder.
//! The runtime needs them as data (with what the success response holds,
//! and which parameters are cookies), so the generator lists them: one
//! `Endpoint` constant per operation, `ALL` of them, and `find` by id.

use crate::emit::shapes::Shapes;
use crate::normalize::{parameters, streams, visit};
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

/// What a success response holds, as the runtime's `ResponseKind` names it:
/// JSON if it is offered, else the kind of stream of its media type
/// ([`streams::kind_of`]).
pub fn response_kind(op: &Value) -> &'static str {
    let Some(responses) = op.get("responses").and_then(Value::as_object) else {
        return "Empty";
    };
    let content = responses
        .iter()
        .filter(|(status, _)| status.starts_with('2') || *status == "default")
        .find_map(|(_, r)| r.get("content").and_then(Value::as_object));
    let Some(types) = content else {
        return "Empty";
    };
    if types.keys().any(|t| streams::kind_of(t).is_none()) {
        return "Json";
    }
    types
        .keys()
        .find_map(|t| streams::kind_of(t))
        .unwrap_or("Empty")
}

/// The media type of an operation's success response: JSON's where it has
/// JSON, else the first one, else none.
pub fn media_type(op: &Value) -> String {
    let content = op
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(status, _)| status.starts_with('2') || *status == "default")
        .find_map(|(_, r)| r.get("content").and_then(Value::as_object));
    let Some(types) = content else {
        return String::new();
    };
    types
        .keys()
        .find(|t| t.starts_with("application/json"))
        .or_else(|| types.keys().next())
        .cloned()
        .unwrap_or_default()
}

/// The `endpoints` module for the operations of `doc`, with a second
/// endpoint for each stream offered beside JSON (`shapes`).
pub(crate) fn emit(doc: &Value, shapes: &Shapes, runtime: &TokenStream) -> TokenStream {
    let mut consts = Vec::new();
    let mut names = Vec::new();
    let mut ids = Vec::new();
    for (path, method, op) in visit::operations(doc) {
        let id = op
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let name = quote::format_ident!("{}", const_name(&id));
        let method = method.to_uppercase();
        let kind = quote::format_ident!("{}", response_kind(op));
        let cookies: Vec<&str> = op
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|p| p.get(parameters::COOKIE) == Some(&Value::Bool(true)))
            .filter_map(|p| p.get("name").and_then(Value::as_str))
            .collect();
        // One constant; a stream beside JSON gets a second, under its own id.
        let endpoint =
            |name: &syn::Ident, id: &str, kind: &syn::Ident, media_type: &str, text: &str| {
                quote! {
                    #[doc = #text]
                    pub const #name: Endpoint = Endpoint {
                        operation_id: #id,
                        method: #method,
                        path: #path,
                        response: #runtime::ResponseKind::#kind,
                        media_type: #media_type,
                        cookies: &[#(#cookies),*],
                    };
                }
            };
        consts.push(endpoint(
            &name,
            &id,
            &kind,
            &media_type(op),
            &format!("`{method} {path}`"),
        ));
        names.push(name);
        ids.push(id.clone());
        let Some(stream) = shapes.get(&id).and_then(|s| s.stream.as_ref()) else {
            continue;
        };
        let Some(beside) = &stream.beside_json else {
            continue;
        };
        let stream_id = beside.operation_id.clone();
        let name = quote::format_ident!("{}", const_name(&stream_id));
        let kind = quote::format_ident!("{}", stream.kind);
        let media_type = &stream.media_type;
        let text = format!("`{method} {path}`, answered as {media_type} (`send_stream`)");
        consts.push(endpoint(&name, &stream_id, &kind, media_type, &text));
        names.push(name);
        ids.push(stream_id);
    }
    let arms = ids
        .iter()
        .zip(&names)
        .map(|(id, name)| quote!(#id => Some(#name),));
    quote! {
        /// What the runtime knows of every operation of the client: id,
        /// method, path, the kind of success response, cookie parameters.
        pub mod endpoints {
            pub use #runtime::Endpoint;
            #(#consts)*

            /// Every operation of the client, in the order of the document.
            pub const ALL: &[Endpoint] = &[#(#names),*];

            /// The operation with this id.
            pub fn find(operation_id: &str) -> Option<Endpoint> {
                match operation_id {
                    #(#arms)*
                    _ => None,
                }
            }
        }
    }
}

/// A Rust constant name for an operation id: SHOUTY_SNAKE_CASE, made a
/// valid identifier whatever the id holds.
pub fn const_name(id: &str) -> String {
    use heck::ToShoutySnakeCase;
    let name: String = id
        .to_shouty_snake_case()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let name = match name.chars().next() {
        None => "OPERATION".into(),
        Some(c) if c.is_alphabetic() || c == '_' => name,
        Some(_) => format!("OP_{name}"),
    };
    // `ALL` is the table of every endpoint.
    if name == "ALL" {
        "ALL_".into()
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn response_kinds_follow_the_success_media_type() {
        let op = |content: Value| json!({"responses": {"200": {"content": content}, "422": {}}});
        assert_eq!(response_kind(&op(json!({"application/json": {}}))), "Json");
        assert_eq!(
            response_kind(&op(json!({"text/event-stream": {}}))),
            "EventStream"
        );
        assert_eq!(
            response_kind(&op(json!({"application/jsonl": {}}))),
            "JsonLines"
        );
        assert_eq!(
            response_kind(&op(json!({"application/octet-stream": {}}))),
            "Bytes"
        );
        assert_eq!(response_kind(&json!({"responses": {"204": {}}})), "Empty");
    }

    #[test]
    fn const_names_are_identifiers() {
        assert_eq!(const_name("create_dataset"), "CREATE_DATASET");
        assert_eq!(const_name("metrics:get"), "METRICS_GET");
        assert_eq!(const_name("1st"), "OP_1ST");
        assert_eq!(const_name("all"), "ALL_");
    }
}
