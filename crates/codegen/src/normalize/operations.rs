//! Leave out the operations progenitor cannot generate, and say why.
//!
//! progenitor 0.15 stops at a `todo!()` on a body offered in several media
//! types, and has no multipart bodies (the `multipart` pass turns those
//! with an object schema into typed forms; any other is left here). One
//! such operation must not take the whole client down, so it is removed
//! here and reported; every other operation still generates. Where a body
//! or a response is offered as JSON and in other forms (a JSON or CSV
//! response, say; event streams and JSON Lines beside JSON get a call of
//! their own from the `streams` pass), the JSON form is kept and the
//! narrowing is reported.
//!
//! The generator catches anything this pass does not foresee in the same
//! way: see [`crate::generate`].

use super::{visit, Diagnostics, Skipped};
use crate::Error;
use serde_json::{json, Value};

const JSON: &str = "application/json";

/// Removes unsupported operations and narrows multi-format bodies to JSON.
pub fn run(doc: &mut Value, diagnostics: &mut Diagnostics) -> Result<(), Error> {
    let mut skipped = Vec::new();
    visit::for_each_operation(doc, &mut |path, method, op| {
        let id = visit::operation_id(op).to_string();
        let here = format!("{} {path} ({id})", method.to_uppercase());
        if let Some(content) = op
            .pointer_mut("/requestBody/content")
            .and_then(Value::as_object_mut)
        {
            let types: Vec<String> = content.keys().cloned().collect();
            if types.len() > 1 && content.contains_key(JSON) {
                content.retain(|k, _| k == JSON);
                diagnostics.note(format!(
                    "{here}: the request body is sent as {JSON} only; dropped {}",
                    others(&types)
                ));
            } else if let Some(reason) = unsupported_body(&types) {
                skipped.push(Skipped {
                    method: method.to_uppercase(),
                    path: path.into(),
                    operation_id: id.clone(),
                    reason,
                });
                return;
            }
            raw_bodies_are_strings(content);
        }
        if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
            for (status, response) in responses.iter_mut() {
                let Some(content) = response.get_mut("content").and_then(Value::as_object_mut)
                else {
                    continue;
                };
                let types: Vec<String> = content.keys().cloned().collect();
                if types.len() > 1 && content.contains_key(JSON) {
                    content.retain(|k, _| k == JSON);
                    diagnostics.note(format!(
                        "{here}: response {status} is decoded as {JSON} only; {} is not generated",
                        others(&types)
                    ));
                }
            }
        }
    });
    remove(doc, &skipped);
    diagnostics.skipped.extend(skipped);
    Ok(())
}

/// Text and octet-stream bodies are sent as they are, whatever schema the
/// document gives them; progenitor accepts only the plain string schema
/// that says so (`{type: string}`, with `format: binary` for bytes).
fn raw_bodies_are_strings(content: &mut serde_json::Map<String, Value>) {
    for (media_type, media) in content.iter_mut() {
        let schema = if media_type.starts_with("text/") {
            json!({"type": "string"})
        } else if media_type == "application/octet-stream" {
            json!({"type": "string", "format": "binary"})
        } else {
            continue;
        };
        if let Some(media) = media.as_object_mut() {
            media.insert("schema".into(), schema);
        }
    }
}

fn others(types: &[String]) -> String {
    types
        .iter()
        .filter(|t| *t != JSON)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ")
}

fn unsupported_body(types: &[String]) -> Option<String> {
    if types.iter().any(|t| t.starts_with("multipart/")) {
        return Some(format!(
            "a {} body is sent as a form of its fields, and this one's schema is not an object with properties",
            types.join(", ")
        ));
    }
    if types.len() > 1 {
        return Some(format!(
            "the request body is offered as several media types ({}) and none is {JSON}",
            types.join(", ")
        ));
    }
    None
}

/// Removes skipped operations, and path items left with no operation.
pub(crate) fn remove(doc: &mut Value, skipped: &[Skipped]) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for s in skipped {
        if let Some(item) = paths.get_mut(&s.path).and_then(Value::as_object_mut) {
            item.remove(&s.method.to_lowercase());
        }
    }
    paths.retain(|_, item| {
        item.as_object()
            .is_none_or(|item| visit::METHODS.iter().any(|m| item.contains_key(*m)))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn multipart_bodies_that_are_not_objects_are_skipped_with_a_reason() {
        let mut doc = json!({"paths": {
            "/v1/files": {"post": {"operationId": "upload_file",
                "requestBody": {"content": {"multipart/form-data": {"schema": {}}}}}},
            "/v1/models": {"get": {"operationId": "list_models"}}
        }});
        let mut diagnostics = Diagnostics::default();
        run(&mut doc, &mut diagnostics).unwrap();
        assert_eq!(
            doc,
            json!({"paths": {"/v1/models": {"get": {"operationId": "list_models"}}}})
        );
        assert_eq!(
            diagnostics.skipped[0].to_string(),
            "POST /v1/files (upload_file): a multipart/form-data body is sent as a form of its fields, and this one's schema is not an object with properties"
        );
    }

    #[test]
    fn text_and_binary_bodies_take_the_string_schema_progenitor_accepts() {
        let mut doc = json!({"paths": {
            "/t": {"post": {"requestBody": {"content": {"text/plain": {"schema": {}}}}}},
            "/b": {"put": {"requestBody": {"content": {"application/octet-stream": {}}}}}
        }});
        run(&mut doc, &mut Diagnostics::default()).unwrap();
        assert_eq!(
            doc["paths"]["/t"]["post"]["requestBody"]["content"]["text/plain"]["schema"],
            json!({"type": "string"})
        );
        assert_eq!(
            doc["paths"]["/b"]["put"]["requestBody"]["content"]["application/octet-stream"]
                ["schema"],
            json!({"type": "string", "format": "binary"})
        );
    }

    #[test]
    fn several_body_types_without_json_are_skipped() {
        let mut doc = json!({"paths": {"/a": {"put": {"operationId": "put_a",
            "requestBody": {"content": {"text/plain": {}, "application/octet-stream": {}}}}}}});
        let mut diagnostics = Diagnostics::default();
        run(&mut doc, &mut diagnostics).unwrap();
        assert_eq!(doc, json!({"paths": {}}));
        assert!(diagnostics.skipped[0]
            .reason
            .contains("several media types"));
    }

    #[test]
    fn json_is_kept_when_offered_with_others() {
        let mut doc = json!({"paths": {"/chat": {"post": {"operationId": "chat",
            "requestBody": {"content": {"application/json": {}, "application/x-www-form-urlencoded": {}}},
            "responses": {"200": {"content": {"application/json": {}, "text/csv": {}}}}}}}});
        let mut diagnostics = Diagnostics::default();
        run(&mut doc, &mut diagnostics).unwrap();
        assert_eq!(
            doc,
            json!({"paths": {"/chat": {"post": {"operationId": "chat",
                "requestBody": {"content": {"application/json": {}}},
                "responses": {"200": {"content": {"application/json": {}}}}}}}})
        );
        assert!(diagnostics.skipped.is_empty());
        assert_eq!(diagnostics.notes.len(), 2);
        assert!(
            diagnostics.notes[1].contains("text/csv is not generated"),
            "{:?}",
            diagnostics.notes
        );
    }
}
