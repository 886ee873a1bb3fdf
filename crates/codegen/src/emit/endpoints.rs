//! The `endpoints` module: what the runtime knows of each operation.
//!
//! progenitor keeps each operation's method and path inside its builder.
//! The runtime needs them as data (with what the success response holds,
//! and which parameters are cookies), so the generator lists them: one
//! `Endpoint` constant per operation, `ALL` of them, and `find` by id.

use crate::normalize::{parameters, visit};
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

/// What a success response holds, as the runtime's `ResponseKind` names it.
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
    let is = |wanted: &str| {
        types
            .keys()
            .any(|t| t.split(';').next().is_some_and(|t| t.trim() == wanted))
    };
    if is("application/json") {
        "Json"
    } else if is("text/event-stream") {
        "EventStream"
    } else if is("application/jsonl") || is("application/x-ndjson") || is("application/json-seq") {
        "JsonLines"
    } else if types.is_empty() {
        "Empty"
    } else {
        "Bytes"
    }
}

/// The `endpoints` module for the operations of `doc`.
pub fn emit(doc: &Value, runtime: &TokenStream) -> TokenStream {
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
        let doc = format!("`{method} {path}`");
        consts.push(quote! {
            #[doc = #doc]
            pub const #name: Endpoint = Endpoint {
                operation_id: #id,
                method: #method,
                path: #path,
                response: #runtime::ResponseKind::#kind,
                cookies: &[#(#cookies),*],
            };
        });
        names.push(name);
        ids.push(id);
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
