//! One success type per operation; error responses left to the runtime.
//!
//! progenitor gives each operation one success type and one error type, and
//! asserts as much (`response_types.len() <= 1`): FastAPI's common 404 or
//! 400 model beside the 422 panics it, and so does a 200 with a body beside
//! a 204 without one. This pass makes every operation fit:
//!
//! - **Errors go to the runtime.** Every 4xx, 5xx and `default` error
//!   response is removed. The SDK runtime turns any error status into its
//!   one `Error` type, FastAPI's 422 into typed field errors, and keeps the
//!   server's message and body whatever the model (see the runtime crate).
//!   A `default` that is the only response describes success, and becomes
//!   `2XX`.
//! - **One success type.** 2xx responses with different JSON schemas get
//!   their union. A 2xx without content beside JSON ones gets the JSON
//!   schema, made nullable, and the runtime reads its empty body as `null`.
//!   A non-JSON 2xx beside JSON ones is not generated, and reported.
//! - **No JSON without a schema.** `application/json` with no `schema`
//!   (progenitor stops at a `todo!()`) means any JSON: `{}`.

use super::{visit, Diagnostics};
use crate::Error;
use serde_json::{json, Map, Value};

/// Rewrites the responses of every operation.
pub fn run(doc: &mut Value, diagnostics: &mut Diagnostics) -> Result<(), Error> {
    let reference = doc.clone();
    visit::for_each_operation(doc, &mut |path, method, op| {
        let here = format!("{} {path}", method.to_uppercase());
        let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
            return;
        };
        for response in responses.values_mut() {
            resolve(response, &reference);
            give_json_a_schema(response);
        }
        let has_success = responses.keys().any(|s| is_success(s));
        responses.retain(|status, _| is_success(status) || (status == "default" && !has_success));
        if let Some(default) = responses.remove("default") {
            responses.insert("2XX".into(), default);
        }
        one_success_type(responses, &here, diagnostics);
    });
    Ok(())
}

fn is_success(status: &str) -> bool {
    status.starts_with('2')
}

/// Replaces a `$ref` to `components.responses` with the response itself.
fn resolve(response: &mut Value, doc: &Value) {
    if let Some(target) = response
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
        .and_then(|r| doc.pointer(r))
    {
        *response = target.clone();
    }
}

fn give_json_a_schema(response: &mut Value) {
    let Some(content) = response.get_mut("content").and_then(Value::as_object_mut) else {
        return;
    };
    for (media_type, media) in content.iter_mut() {
        if is_json(media_type) {
            if let Some(media) = media.as_object_mut() {
                media.entry("schema").or_insert_with(|| json!({}));
            } else {
                *media = json!({"schema": {}});
            }
        }
    }
}

/// Whether a media type is JSON as progenitor decodes it.
fn is_json(media_type: &str) -> bool {
    media_type == "application/json" || media_type.starts_with("application/json;")
}

fn json_schema(response: &Value) -> Option<&Value> {
    response
        .get("content")?
        .as_object()?
        .iter()
        .find(|(t, _)| is_json(t))
        .and_then(|(_, m)| m.get("schema"))
}

fn has_content(response: &Value) -> bool {
    response
        .get("content")
        .and_then(Value::as_object)
        .is_some_and(|c| !c.is_empty())
}

fn one_success_type(responses: &mut Map<String, Value>, here: &str, diagnostics: &mut Diagnostics) {
    let successes: Vec<String> = responses.keys().cloned().collect();
    if successes.len() < 2 {
        return;
    }
    let mut schemas: Vec<Value> = Vec::new();
    for status in &successes {
        if let Some(schema) = json_schema(&responses[status]) {
            if !schemas.contains(schema) {
                schemas.push(schema.clone());
            }
        }
    }
    if schemas.is_empty() {
        return;
    }
    let empty = successes.iter().any(|s| !has_content(&responses[s]));
    let mut schema = match schemas.len() {
        1 => schemas.pop().expect("one schema"),
        // `oneOf`: this pass runs after `unions`, which makes every union one.
        _ => json!({"oneOf": schemas}),
    };
    if empty {
        schema = match schema {
            Value::Object(mut o) if !o.contains_key("$ref") => {
                o.insert("nullable".into(), true.into());
                Value::Object(o)
            }
            other => json!({"allOf": [other], "nullable": true}),
        };
    }
    for status in successes {
        let response = responses.get_mut(&status).expect("listed above");
        if has_content(response) && json_schema(response).is_none() {
            let types: Vec<String> = response["content"]
                .as_object()
                .map(|c| c.keys().cloned().collect())
                .unwrap_or_default();
            diagnostics.notes.push(format!(
                "{here}: response {status} ({}) is not generated; the operation's other successes are JSON",
                types.join(", ")
            ));
            responses.remove(&status);
            continue;
        }
        let description = response
            .get("description")
            .cloned()
            .unwrap_or_else(|| "".into());
        *response = json!({
            "description": description,
            "content": {"application/json": {"schema": schema.clone()}}
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::testing::on_doc;

    fn responses(responses: Value) -> (Value, Diagnostics) {
        let doc = json!({"paths": {"/a": {"get": {"responses": responses}}}});
        let (mut doc, diagnostics) = on_doc(run, doc);
        (doc["paths"]["/a"]["get"]["responses"].take(), diagnostics)
    }

    fn ok(schema: Value) -> Value {
        json!({"description": "", "content": {"application/json": {"schema": schema}}})
    }

    #[test]
    fn error_responses_are_left_to_the_runtime() {
        let (r, _) = responses(json!({
            "200": ok(json!({"type": "string"})),
            "404": ok(json!({"$ref": "#/components/schemas/NotFound"})),
            "422": ok(json!({"$ref": "#/components/schemas/HTTPValidationError"})),
            "default": ok(json!({}))
        }));
        assert_eq!(r, json!({"200": ok(json!({"type": "string"}))}));
    }

    #[test]
    fn a_lone_default_is_the_success() {
        let (r, _) = responses(json!({"default": ok(json!({"type": "integer"}))}));
        assert_eq!(r, json!({"2XX": ok(json!({"type": "integer"}))}));
    }

    #[test]
    fn different_successes_become_a_union_and_an_empty_one_makes_it_nullable() {
        let (r, _) = responses(json!({
            "200": ok(json!({"type": "string"})),
            "201": ok(json!({"type": "integer"})),
            "204": {"description": "gone"}
        }));
        let union = json!({"oneOf": [{"type": "string"}, {"type": "integer"}], "nullable": true});
        assert_eq!(r["200"]["content"]["application/json"]["schema"], union);
        assert_eq!(r["201"]["content"]["application/json"]["schema"], union);
        assert_eq!(r["204"]["content"]["application/json"]["schema"], union);
        assert_eq!(r["204"]["description"], "gone");
    }

    #[test]
    fn json_without_a_schema_is_any_json_and_other_types_beside_json_are_reported() {
        let (r, diagnostics) = responses(json!({
            "200": {"description": "", "content": {"application/json": {}}},
            "206": {"description": "", "content": {"video/mp4": {}}}
        }));
        assert_eq!(r, json!({"200": ok(json!({}))}));
        assert_eq!(
            diagnostics.notes,
            ["GET /a: response 206 (video/mp4) is not generated; the operation's other successes are JSON"]
        );
    }
}
