//! The `endpoints` module: method and path of every generated operation.
//!
//! progenitor keeps each operation's method and path inside its builder.
//! The runtime, its tests and callers that build a request themselves need
//! them as data, so the generator lists them in a table of constants.

use crate::normalize::visit;
use proc_macro2::TokenStream;
use serde_json::Value;

/// The `endpoints` module for the operations of `doc`.
pub fn emit(doc: &Value) -> TokenStream {
    let mut consts = Vec::new();
    let mut names = Vec::new();
    for (path, method, op) in visit::operations(doc) {
        let id = op
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let name = quote::format_ident!("{}", const_name(&id));
        let method = method.to_uppercase();
        let doc = format!("`{method} {path}`");
        consts.push(quote::quote! {
            #[doc = #doc]
            pub const #name: Endpoint = Endpoint { operation_id: #id, method: #method, path: #path };
        });
        names.push(name);
    }
    quote::quote! {
        /// Method and path of every operation in the client, for callers that
        /// build a request themselves.
        pub mod endpoints {
            /// An operation's id, HTTP method and path template.
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
            pub struct Endpoint {
                /// The operation id, as the client's method is named.
                pub operation_id: &'static str,
                /// The HTTP method, upper case.
                pub method: &'static str,
                /// The path template, with `{name}` for path parameters.
                pub path: &'static str,
            }
            #(#consts)*

            /// Every operation of the client, in the order of the document.
            pub const ALL: &[Endpoint] = &[#(#names),*];
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
