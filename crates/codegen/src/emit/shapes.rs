//! What each operation's call looks like beyond progenitor's JSON: a
//! stream for a response, a form for a body.
//!
//! Read from the marks the `streams` and `multipart` passes leave on the
//! normalised document, for the emitters that write the calls
//! ([`super::runtime`]), the endpoint table, the mock helpers and the
//! exemplars.

use crate::names::type_name;
use crate::normalize::{multipart, streams, visit};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;
use std::collections::HashMap;

/// The shapes of the operations that have one, by operation id.
pub(crate) type Shapes = HashMap<String, Shape>;

/// How an operation's call differs from a JSON call.
#[derive(Debug, Clone, Default)]
pub(crate) struct Shape {
    /// Its success response is read as a stream.
    pub stream: Option<Stream>,
    /// Its body is sent as a multipart form.
    pub multipart: bool,
}

/// A streamed success response.
#[derive(Debug, Clone)]
pub(crate) struct Stream {
    /// `EventStream`, `JsonLines` or `Bytes`: the runtime's `ResponseKind`.
    pub kind: &'static str,
    /// The media type, as the document gives it.
    pub media_type: String,
    /// The type of each event's data or line, from the generated `types`.
    pub item: TokenStream,
    /// Set when the operation also answers in JSON: the stream is a second
    /// call, `send_stream`, with an endpoint of its own.
    pub beside_json: Option<BesideJson>,
}

/// The second call of an operation that answers in JSON or as a stream.
#[derive(Debug, Clone)]
pub(crate) struct BesideJson {
    /// The stream's endpoint id.
    pub operation_id: String,
    /// The body property that asks for the stream, by its Rust setter name.
    pub flag: Option<syn::Ident>,
}

impl Stream {
    /// The runtime's type a call of this stream returns.
    pub fn returns(&self, runtime: &TokenStream) -> TokenStream {
        let item = &self.item;
        match self.kind {
            "EventStream" => quote!(#runtime::stream::EventStream<#item>),
            "JsonLines" => quote!(#runtime::stream::JsonLines<#item>),
            _ => quote!(#runtime::stream::Download),
        }
    }

    /// The `Transport` method that reads a response as this stream.
    pub fn reader(&self) -> syn::Ident {
        format_ident!(
            "{}",
            match self.kind {
                "EventStream" => "event_stream",
                "JsonLines" => "json_lines",
                _ => "download",
            }
        )
    }
}

/// The shapes of the operations of `doc`.
pub(crate) fn read(doc: &Value) -> Shapes {
    let mut shapes = Shapes::new();
    for (_, _, op) in visit::operations(doc) {
        let Some(id) = op.get("operationId").and_then(Value::as_str) else {
            continue;
        };
        let stream = op.get(streams::EXTENSION).and_then(stream);
        let multipart = op.get(multipart::EXTENSION) == Some(&Value::Bool(true));
        if stream.is_some() || multipart {
            shapes.insert(id.to_string(), Shape { stream, multipart });
        }
    }
    shapes
}

fn stream(mark: &Value) -> Option<Stream> {
    let kind = match mark.get("kind")?.as_str()? {
        "EventStream" => "EventStream",
        "JsonLines" => "JsonLines",
        _ => "Bytes",
    };
    let item = match mark
        .pointer("/item/$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    {
        Some(component) => {
            let name = format_ident!("{}", type_name(component));
            quote!(types::#name)
        }
        None => quote!(::serde_json::Value),
    };
    let beside_json = (mark.get("beside_json") == Some(&Value::Bool(true))).then(|| BesideJson {
        operation_id: mark
            .get("stream_operation_id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        flag: mark
            .get("flag")
            .and_then(Value::as_str)
            .map(|f| format_ident!("{}", crate::names::snake_name(f))),
    });
    Some(Stream {
        kind,
        media_type: mark
            .get("media_type")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        item,
        beside_json,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn shapes_are_read_from_the_passes_marks() {
        let doc = json!({"paths": {
            "/chat": {"post": {"operationId": "chat", streams::EXTENSION: {
                "kind": "EventStream", "media_type": "text/event-stream",
                "item": {"$ref": "#/components/schemas/chat_chunk"}, "beside_json": true,
                "stream_operation_id": "chat_stream", "flag": "stream"}}},
            "/files": {"post": {"operationId": "upload", multipart::EXTENSION: true}},
            "/plain": {"get": {"operationId": "plain"}}
        }});
        let shapes = read(&doc);
        assert_eq!(shapes.len(), 2);
        let stream = shapes["chat"].stream.as_ref().unwrap();
        let returns = stream.returns(&quote!(::rt));
        assert_eq!(
            returns.to_string(),
            ":: rt :: stream :: EventStream < types :: ChatChunk >"
        );
        let beside = stream.beside_json.as_ref().unwrap();
        assert_eq!(beside.operation_id, "chat_stream");
        assert_eq!(beside.flag.as_ref().unwrap(), "stream");
        assert!(shapes["upload"].multipart && shapes["upload"].stream.is_none());
    }
}
