//! The `endpoints` module: what the runtime knows of each operation.
//!
//! progenitor keeps each operation's method and path inside its builder.
//! The runtime needs them as data (with what the success response holds,
//! which parameters are cookies, where the operation takes the AI Studio
//! project, and the Rust call that makes it), so the generator lists them:
//! one `Endpoint` constant per operation, `ALL` of them, and `find` by id.

use crate::emit::shapes::Shapes;
use crate::normalize::{parameters, rust_method_name, streams, visit};
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

/// The parameter, or body property, by which an operation of this API takes
/// the AI Studio project. The runtime puts the configured project there
/// when the call names none.
pub const PROJECT_PARAMETER: &str = "ai_project_id";

/// Where `op` takes the project ([`PROJECT_PARAMETER`]), as the runtime's
/// `ProjectParameter`: a query parameter, or a property of every arm of its
/// JSON body.
pub fn project_parameter(op: &Value, doc: &Value) -> Option<&'static str> {
    let in_query = op
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|p| {
            p.get("in").and_then(Value::as_str) == Some("query")
                && p.get("name").and_then(Value::as_str) == Some(PROJECT_PARAMETER)
        });
    if in_query {
        return Some("Query");
    }
    let schema = op.pointer("/requestBody/content/application~1json/schema")?;
    has_property(schema, doc, 0).then_some("Body")
}

/// Whether every object `schema` may be has the project property: through
/// `$ref`s, `allOf` (any part) and `oneOf`/`anyOf` (every arm).
fn has_property(schema: &Value, doc: &Value, depth: usize) -> bool {
    if depth > 16 {
        return false;
    }
    if let Some(target) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
        .and_then(|r| doc.pointer(r))
    {
        return has_property(target, doc, depth + 1);
    }
    if schema
        .pointer(&format!("/properties/{PROJECT_PARAMETER}"))
        .is_some()
    {
        return true;
    }
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        if parts.iter().any(|p| has_property(p, doc, depth + 1)) {
            return true;
        }
    }
    ["oneOf", "anyOf"].iter().any(|key| {
        schema
            .get(*key)
            .and_then(Value::as_array)
            .is_some_and(|arms| {
                !arms.is_empty() && arms.iter().all(|a| has_property(a, doc, depth + 1))
            })
    })
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
        let project = match project_parameter(op, doc) {
            Some(place) => {
                let place = quote::format_ident!("{place}");
                quote!(Some(#runtime::ProjectParameter::#place(#PROJECT_PARAMETER)))
            }
            None => quote!(None),
        };
        let method_name = rust_method_name(&id);
        let cookies: Vec<&str> = op
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|p| p.get(parameters::COOKIE) == Some(&Value::Bool(true)))
            .filter_map(|p| p.get("name").and_then(Value::as_str))
            .collect();
        // One constant; a stream beside JSON gets a second, under its own id.
        let endpoint = |name: &syn::Ident,
                        id: &str,
                        kind: &syn::Ident,
                        media_type: &str,
                        text: &str,
                        send: &str| {
            let call = format!("{method_name}().{send}()");
            quote! {
                #[doc = #text]
                pub const #name: Endpoint = Endpoint {
                    operation_id: #id,
                    method: #method,
                    path: #path,
                    response: #runtime::ResponseKind::#kind,
                    media_type: #media_type,
                    cookies: &[#(#cookies),*],
                    project: #project,
                    call: #call,
                };
            }
        };
        consts.push(endpoint(
            &name,
            &id,
            &kind,
            &media_type(op),
            &format!("`{method} {path}`"),
            "send",
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
        consts.push(endpoint(
            &name,
            &stream_id,
            &kind,
            media_type,
            &text,
            "send_stream",
        ));
        names.push(name);
        ids.push(stream_id);
    }
    let arms = ids
        .iter()
        .zip(&names)
        .map(|(id, name)| quote!(#id => Some(#name),));
    quote! {
        /// What the runtime knows of every operation of the client: id,
        /// method, path, the kind of success response, cookie parameters,
        /// where it takes the project, and the call that makes it.
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
    fn the_project_is_found_in_the_query_or_in_every_arm_of_the_body() {
        let doc = json!({"components": {"schemas": {
            "A": {"properties": {"ai_project_id": {}, "a": {}}},
            "B": {"allOf": [{"$ref": "#/components/schemas/A"}]},
            "C": {"properties": {"c": {}}}
        }}});
        let body = |schema: Value| json!({"requestBody": {"content": {"application/json": {"schema": schema}}}});
        let query = json!({"parameters": [{"in": "query", "name": "ai_project_id"}]});
        assert_eq!(project_parameter(&query, &doc), Some("Query"));
        let header = json!({"parameters": [{"in": "header", "name": "ai_project_id"}]});
        assert_eq!(project_parameter(&header, &doc), None);
        let both = json!({"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]});
        assert_eq!(project_parameter(&body(both), &doc), Some("Body"));
        let one = json!({"anyOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/C"}]});
        assert_eq!(project_parameter(&body(one), &doc), None);
    }

    #[test]
    fn const_names_are_identifiers() {
        assert_eq!(const_name("create_dataset"), "CREATE_DATASET");
        assert_eq!(const_name("metrics:get"), "METRICS_GET");
        assert_eq!(const_name("1st"), "OP_1ST");
        assert_eq!(const_name("all"), "ALL_");
    }
}
