//! Responses read as they arrive: server-sent events, JSON Lines, bytes.
//!
//! progenitor decodes one JSON success or hands back the raw body; it has
//! no event streams. This pass finds each operation whose success is a
//! stream, and writes what the emitters need in `x-nebius-stream`:
//!
//! - `kind`: `EventStream` (`text/event-stream`), `JsonLines`
//!   (`application/jsonl`, `application/x-ndjson`, `application/json-seq`)
//!   or `Bytes` (any other type that is not JSON);
//! - `media_type`: as the document gives it, for `Accept`;
//! - `item`: a `$ref` to the type of each event's data or each line, or
//!   null for `serde_json::Value`. FastAPI's native streams give it in
//!   OpenAPI 3.2's `itemSchema` (an event's `data` through its
//!   `contentSchema`); older documents give a bare `{type: string}`, which
//!   types nothing. An inline item schema becomes a component named after
//!   the operation (`CreateChatCompletionEvent`, `ExportRowsLine`);
//! - `beside_json`: whether the same response is also offered as JSON, as
//!   a chat completion is. The JSON form stays the operation's `send`, and
//!   the stream becomes `send_stream`, an endpoint of its own whose id is
//!   `stream_operation_id`. The stream's media type is removed from the
//!   response, so progenitor sees JSON only;
//! - `flag`: for a stream beside JSON, the boolean body property that asks
//!   for it (`stream`), which `send_stream` sets and `send` clears.
//!
//! FastAPI adds `application/json: {schema: {}}` to every response it does
//! not know the model of, so a download declared the usual way
//! (`responses={200: {"content": {"application/octet-stream": {}}}}`)
//! comes with a JSON form that types nothing and is never sent. JSON whose
//! schema is empty, beside any other type, is that default: it is dropped,
//! and the other type wins (a `Download`, an event stream, JSON Lines).
//!
//! Runs after [`super::operation_names`] (names come from method names)
//! and before the `component_names` pass (which keeps the new components'
//! names apart from the others, and follows the `$ref`s written here).

use super::request_bodies::{pascal_case, unique_name};
use super::{visit, Diagnostics};
use crate::Error;
use serde_json::{json, Value};

/// The extension this pass writes on a streaming operation.
pub const EXTENSION: &str = "x-nebius-stream";

/// The body property that asks a JSON-or-stream operation for the stream.
pub const FLAG: &str = "stream";

/// The kind of stream a media type is, if it is one.
pub fn kind_of(media_type: &str) -> Option<&'static str> {
    let essence = media_type.split(';').next().unwrap_or("").trim();
    match essence {
        "text/event-stream" => Some("EventStream"),
        "application/jsonl" | "application/x-ndjson" | "application/json-seq" => Some("JsonLines"),
        "application/json" => None,
        other if other.ends_with("+json") => None,
        "" => None,
        _ => Some("Bytes"),
    }
}

/// Marks streaming operations, and moves inline item schemas into
/// components.
pub fn run(doc: &mut Value, diagnostics: &mut Diagnostics) -> Result<(), Error> {
    let reference = doc.clone();
    let mut taken = visit::component_names(&reference);
    let mut ids: Vec<String> = visit::operations(&reference)
        .filter_map(|(_, _, op)| op.get("operationId").and_then(Value::as_str))
        .map(String::from)
        .collect();
    let mut hoisted: Vec<(String, Value)> = Vec::new();
    visit::for_each_operation(doc, &mut |path, method, op| {
        let id = visit::operation_id(op).to_string();
        let flag = has_flag(op, &reference);
        let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
            return;
        };
        let Some(content) = responses
            .iter_mut()
            .filter(|(status, _)| status.starts_with('2') || status.as_str() == "default")
            .find_map(|(_, r)| r.get_mut("content").and_then(Value::as_object_mut))
        else {
            return;
        };
        drop_fastapi_default(content);
        let beside_json = content.keys().any(|t| kind_of(t).is_none());
        // The first stream offered; beside JSON, only events and lines
        // make a second call (bytes beside JSON stay JSON, noted by the
        // `operations` pass).
        let Some((media_type, kind)) = content.keys().find_map(|t| {
            let kind = kind_of(t)?;
            (!beside_json || kind != "Bytes").then(|| (t.clone(), kind))
        }) else {
            return;
        };
        let media = content.get(&media_type).cloned().unwrap_or(Value::Null);
        let item = match item_schema(kind, &media) {
            Some(schema) if schema.get("$ref").is_some() => schema,
            Some(schema) => {
                let suffix = if kind == "EventStream" {
                    "Event"
                } else {
                    "Line"
                };
                let name = unique_name(&format!("{}{suffix}", pascal_case(&id)), &taken);
                taken.push(name.clone());
                hoisted.push((name.clone(), schema));
                json!({"$ref": format!("#/components/schemas/{name}")})
            }
            None => Value::Null,
        };
        let mut extension = json!({
            "kind": kind,
            "media_type": media_type,
            "item": item,
            "beside_json": beside_json,
        });
        if beside_json {
            content.remove(&media_type);
            let stream_id = unique_name(&format!("{id}_stream"), &ids);
            ids.push(stream_id.clone());
            extension["stream_operation_id"] = Value::String(stream_id);
            if flag {
                extension["flag"] = Value::String(FLAG.into());
            } else {
                diagnostics.note(format!(
                    "{} {path} ({id}): its body has no `{FLAG}` flag; `send_stream` asks for {media_type} by `Accept` only",
                    method.to_uppercase()
                ));
            }
        } else if let Some(media) = content.get_mut(&media_type).and_then(Value::as_object_mut) {
            // progenitor reads no schema of a stream; the item is kept above.
            media.remove("itemSchema");
        }
        op.as_object_mut()
            .expect("an operation is an object")
            .insert(EXTENSION.into(), extension);
    });
    if hoisted.is_empty() {
        return Ok(());
    }
    let schemas = super::component_schemas(doc)?;
    schemas.extend(hoisted);
    Ok(())
}

/// Drops FastAPI's default JSON (an empty schema) from a response that
/// also offers another type.
fn drop_fastapi_default(content: &mut serde_json::Map<String, Value>) {
    let other = content.keys().any(|t| kind_of(t).is_some());
    if !other {
        return;
    }
    content.retain(|media_type, media| {
        kind_of(media_type).is_some() || !types_nothing(media.get("schema"))
    });
}

/// Whether a schema says nothing of its value: absent, `{}`, or only a
/// title and a description.
fn types_nothing(schema: Option<&Value>) -> bool {
    match schema {
        None | Some(Value::Bool(true)) => true,
        Some(Value::Object(o)) => o.keys().all(|k| k == "title" || k == "description"),
        Some(_) => false,
    }
}

/// The schema of one item of a stream, if the document types it.
fn item_schema(kind: &str, media: &Value) -> Option<Value> {
    let schema = match kind {
        // FastAPI's native events: `data` is JSON of `contentSchema`.
        "EventStream" => media
            .pointer("/itemSchema/properties/data/contentSchema")
            .cloned(),
        // Lines: the item schema is each line's.
        "JsonLines" => media.get("itemSchema").cloned().or_else(|| {
            // An array schema of a JSON Lines body describes its lines.
            let schema = media.get("schema")?;
            (schema.get("type").and_then(Value::as_str) == Some("array"))
                .then(|| schema.get("items").cloned())
                .flatten()
        }),
        _ => None,
    }?;
    // `{}` and bare strings type nothing.
    let typed = schema.as_object().is_some_and(|o| {
        o.contains_key("$ref")
            || o.contains_key("properties")
            || o.contains_key("oneOf")
            || o.contains_key("anyOf")
            || o.contains_key("allOf")
            || o.get("type").is_some_and(|t| t != "string")
    });
    typed.then_some(schema)
}

/// Whether the operation's JSON body has a boolean `stream` property.
fn has_flag(op: &Value, doc: &Value) -> bool {
    let Some(mut schema) = op.pointer("/requestBody/content/application~1json/schema") else {
        return false;
    };
    // Through `$ref`s, and allOf of one.
    for _ in 0..8 {
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
            Some(arms) if arms.len() == 1 => schema = &arms[0],
            _ => break,
        }
    }
    let Some(flag) = schema.pointer(&format!("/properties/{FLAG}")) else {
        return false;
    };
    let is_boolean = |s: &Value| s.get("type").and_then(Value::as_str) == Some("boolean");
    is_boolean(flag)
        || ["anyOf", "oneOf"].iter().any(|k| {
            flag.get(*k)
                .and_then(Value::as_array)
                .is_some_and(|arms| arms.iter().any(is_boolean))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::testing::on_doc;

    fn chat(stream_media: Value, flag: bool) -> Value {
        let mut properties = json!({"messages": {"type": "array", "items": {}}});
        if flag {
            properties["stream"] = json!({"type": "boolean", "default": false});
        }
        json!({
            "paths": {"/v1/chat/completions": {"post": {
                "operationId": "create_chat_completion",
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Req"}}}},
                "responses": {"200": {"content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Completion"}},
                    "text/event-stream": stream_media
                }}}
            }}},
            "components": {"schemas": {
                "Req": {"type": "object", "properties": properties},
                "Completion": {"type": "object"},
                "Chunk": {"type": "object"}
            }}
        })
    }

    const OP: &str = "/paths/~1v1~1chat~1completions/post";

    #[test]
    fn native_event_items_are_typed_from_their_content_schema() {
        let native = json!({"itemSchema": {"type": "object", "properties": {
            "data": {"type": "string", "contentMediaType": "application/json",
                     "contentSchema": {"$ref": "#/components/schemas/Chunk"}},
            "event": {"type": "string"}, "id": {"type": "string"}}}});
        let (doc, diagnostics) = on_doc(run, chat(native, true));
        let op = doc.pointer(OP).unwrap();
        assert_eq!(
            op[EXTENSION],
            json!({"kind": "EventStream", "media_type": "text/event-stream",
                   "item": {"$ref": "#/components/schemas/Chunk"}, "beside_json": true,
                   "stream_operation_id": "create_chat_completion_stream", "flag": "stream"})
        );
        // progenitor sees the JSON form only.
        let content = op.pointer("/responses/200/content").unwrap();
        assert_eq!(content.as_object().unwrap().len(), 1);
        assert!(diagnostics.notes.is_empty(), "{:?}", diagnostics.notes);
    }

    #[test]
    fn bare_string_events_are_values_and_a_missing_flag_is_noted() {
        let (doc, diagnostics) = on_doc(run, chat(json!({"schema": {"type": "string"}}), false));
        let extension = &doc.pointer(OP).unwrap()[EXTENSION];
        assert_eq!(extension["item"], Value::Null);
        assert!(extension.get("flag").is_none());
        assert!(
            diagnostics.notes[0].contains("no `stream` flag"),
            "{:?}",
            diagnostics.notes
        );
    }

    #[test]
    fn inline_line_items_become_a_component_and_stream_only_stays() {
        let doc = json!({"paths": {"/v1/rows": {"get": {
            "operationId": "export_rows",
            "responses": {"200": {"content": {"application/jsonl": {
                "itemSchema": {"type": "object", "properties": {"text": {"type": "string"}}}}}}}
        }}}, "components": {"schemas": {"ExportRowsLine": {}}}});
        let (doc, _) = on_doc(run, doc);
        let op = doc.pointer("/paths/~1v1~1rows/get").unwrap();
        assert_eq!(op[EXTENSION]["kind"], "JsonLines");
        assert_eq!(op[EXTENSION]["beside_json"], false);
        assert_eq!(
            op[EXTENSION]["item"],
            json!({"$ref": "#/components/schemas/ExportRowsLine2"})
        );
        assert!(doc
            .pointer("/components/schemas/ExportRowsLine2/properties/text")
            .is_some());
        assert!(op
            .pointer("/responses/200/content/application~1jsonl")
            .is_some());
    }

    #[test]
    fn fastapis_default_json_beside_a_download_or_a_stream_gives_way() {
        for (media_type, kind) in [
            ("application/octet-stream", "Bytes"),
            ("text/event-stream", "EventStream"),
            ("application/jsonl", "JsonLines"),
        ] {
            let doc = json!({"paths": {"/v1/files/{id}/content": {"get": {
                "operationId": "get_file_content",
                "responses": {"200": {"content": {
                    "application/json": {"schema": {"title": "Response"}},
                    media_type: {"schema": {"type": "string", "format": "binary"}}
                }}}
            }}}});
            let (doc, _) = on_doc(run, doc);
            let op = doc
                .pointer("/paths/~1v1~1files~1{id}~1content/get")
                .unwrap();
            assert_eq!(op[EXTENSION]["kind"], kind, "{media_type}");
            assert_eq!(op[EXTENSION]["beside_json"], false, "{media_type}");
            let content = op.pointer("/responses/200/content").unwrap();
            assert!(content.get("application/json").is_none(), "{media_type}");
        }
        // JSON with a schema is a real answer: the stream is a second call.
        let doc = json!({"paths": {"/v1/chat": {"post": {
            "operationId": "chat",
            "responses": {"200": {"content": {
                "application/json": {"schema": {"type": "object", "properties": {"id": {"type": "string"}}}},
                "text/event-stream": {}
            }}}
        }}}});
        let (doc, _) = on_doc(run, doc);
        assert_eq!(
            doc.pointer("/paths/~1v1~1chat/post").unwrap()[EXTENSION]["beside_json"],
            true
        );
    }

    #[test]
    fn other_types_are_bytes_and_json_is_not_a_stream() {
        assert_eq!(kind_of("application/octet-stream"), Some("Bytes"));
        assert_eq!(kind_of("text/csv; charset=utf-8"), Some("Bytes"));
        assert_eq!(kind_of("application/x-ndjson"), Some("JsonLines"));
        assert_eq!(kind_of("application/problem+json"), None);
        assert_eq!(kind_of("application/json"), None);
    }
}
