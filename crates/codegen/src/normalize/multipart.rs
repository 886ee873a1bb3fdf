//! Multipart form bodies, which progenitor does not generate.
//!
//! A `multipart/form-data` body is given to progenitor as JSON, so that it
//! writes the body type and its builder like any other, and is marked
//! `x-nebius-multipart` for the emitters, which send it as a form made by
//! the runtime (`multipart::form`). Its file fields (a string of `format:
//! binary`, which is also what the `keywords` pass makes of OpenAPI 3.1's
//! `contentMediaType`, or a list of them) become `format: x-nebius-part`,
//! which the generator maps to the runtime's `multipart::Part`: a path,
//! bytes or a reader, with a file name and a content type. Text fields keep
//! their types, enums included, and credential fields stay `Secret`s.
//!
//! The form is a component named after the operation, `{Operation}Request`
//! (as the `request_bodies` pass names inline bodies), in place of
//! FastAPI's `Body_{handler}_{path}_{method}`; a body component that other
//! operations also use stays as it was for them, so that their JSON keeps
//! its strings. A
//! multipart body that is not an object has no fields to send, and is left
//! to the `operations` pass, which leaves the operation out and says why.

use super::request_bodies::{pascal_case, unique_name};
use super::{visit, Diagnostics};
use crate::Error;
use serde_json::{json, Value};

/// The extension on an operation whose body is sent as a multipart form.
pub const EXTENSION: &str = "x-nebius-multipart";

/// The format of a file field, mapped to the runtime's `Part`.
pub const PART_FORMAT: &str = "x-nebius-part";

const MULTIPART: &str = "multipart/form-data";

/// Turns every multipart body with an object schema into a typed body
/// sent as a form.
pub fn run(doc: &mut Value, diagnostics: &mut Diagnostics) -> Result<(), Error> {
    let reference = doc.clone();
    let mut taken = visit::component_names(&reference);
    // The forms, under their new names, and the components they replace.
    let mut forms: Vec<(String, Value)> = Vec::new();
    let mut replaced: Vec<String> = Vec::new();
    visit::for_each_operation(doc, &mut |path, method, op| {
        let raw_id = visit::operation_id(op).to_string();
        let id = pascal_case(&raw_id);
        let Some(content) = op
            .pointer_mut("/requestBody/content")
            .and_then(Value::as_object_mut)
        else {
            return;
        };
        // JSON, where offered, is sent instead (see the `operations` pass).
        if !content.contains_key(MULTIPART) || content.contains_key("application/json") {
            return;
        }
        // A form offered both ways (FastAPI's `Form()` fields) goes as
        // multipart, which also carries files; the schema may be given on
        // either media type only.
        let Some(schema) = content[MULTIPART]
            .get("schema")
            .or_else(|| content.values().find_map(|m| m.get("schema")))
            .cloned()
        else {
            return;
        };
        let others: Vec<String> = content
            .keys()
            .filter(|t| *t != MULTIPART)
            .cloned()
            .collect();
        let component = schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
            .map(String::from);
        let resolved = match &component {
            Some(name) => reference
                .pointer(&format!("/components/schemas/{}", escape(name)))
                .cloned()
                .unwrap_or(Value::Null),
            None => schema.clone(),
        };
        if resolved
            .get("properties")
            .and_then(Value::as_object)
            .is_none()
        {
            return;
        }
        let mut form = resolved;
        mark_files(&mut form, &reference);
        // Only this body uses the component (FastAPI's `Body_{handler}`):
        // the form replaces it.
        if let Some(name) = component.filter(|name| uses(&reference, name) == 1) {
            replaced.push(name);
        }
        let name = unique_name(&format!("{id}Request"), &taken);
        taken.push(name.clone());
        forms.push((name.clone(), form));
        let schema = json!({"$ref": format!("#/components/schemas/{name}")});
        content.clear();
        content.insert("application/json".into(), json!({"schema": schema}));
        if !others.is_empty() {
            diagnostics.note(format!(
                "{} {path} ({raw_id}): the body is sent as {MULTIPART}; also offered as {}",
                method.to_uppercase(),
                others.join(", ")
            ));
        }
        op.as_object_mut()
            .expect("an operation is an object")
            .insert(EXTENSION.into(), Value::Bool(true));
    });
    if forms.is_empty() {
        return Ok(());
    }
    let schemas = super::component_schemas(doc)?;
    for name in replaced {
        schemas.remove(&name);
    }
    schemas.extend(forms);
    Ok(())
}

/// Makes each file field of the object `form` a part.
fn mark_files(form: &mut Value, doc: &Value) {
    let mut optional = Vec::new();
    if let Some(properties) = form.get_mut("properties").and_then(Value::as_object_mut) {
        for (name, field) in properties.iter_mut() {
            let nullable = field.get("nullable") == Some(&Value::Bool(true));
            let part = if is_file(field, doc) {
                Some(part())
            } else {
                field
                    .get("items")
                    .filter(|items| is_file(items, doc))
                    .map(|_| json!({"type": "array", "items": part()}))
            };
            if let Some(mut part) = part {
                if let Some(description) = field.get("description") {
                    part["description"] = description.clone();
                }
                *field = part;
                if nullable {
                    optional.push(name.clone());
                }
            }
        }
    }
    // A nullable file is an optional one: an absent part is how a form
    // says null.
    if let Some(required) = form.get_mut("required").and_then(Value::as_array_mut) {
        required.retain(|r| !optional.iter().any(|o| r == o));
    }
}

/// The schema of one part.
fn part() -> Value {
    json!({"type": "string", "format": PART_FORMAT})
}

/// Whether `schema` (or the one it refers to) is a file: a binary string.
fn is_file(schema: &Value, doc: &Value) -> bool {
    let schema = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
        .and_then(|r| doc.pointer(r))
        .unwrap_or(schema);
    schema.get("type").and_then(Value::as_str) == Some("string")
        && schema.get("format").and_then(Value::as_str) == Some("binary")
}

/// How many `$ref`s in `doc` name the component `name`.
fn uses(doc: &Value, name: &str) -> usize {
    let target = format!("#/components/schemas/{name}");
    let mut count = 0;
    count_refs(doc, &target, &mut count);
    count
}

fn count_refs(value: &Value, target: &str, count: &mut usize) {
    match value {
        Value::Object(obj) => {
            if obj.get("$ref").and_then(Value::as_str) == Some(target) {
                *count += 1;
            }
            obj.values().for_each(|v| count_refs(v, target, count));
        }
        Value::Array(items) => items.iter().for_each(|v| count_refs(v, target, count)),
        _ => {}
    }
}

/// A component name as a JSON pointer segment.
fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::testing::on_doc;

    fn upload(file: Value, shared: bool) -> Value {
        let mut paths = json!({"/v1/files": {"post": {
            "operationId": "upload_file",
            "requestBody": {"content": {"multipart/form-data": {
                "schema": {"$ref": "#/components/schemas/Body_upload_file"}}}}
        }}});
        if shared {
            paths["/v1/other"] = json!({"post": {"operationId": "other",
                "requestBody": {"content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Body_upload_file"}}}}}});
        }
        json!({"paths": paths, "components": {"schemas": {
            "Purpose": {"type": "string", "enum": ["fine-tune", "batch"]},
            "Body_upload_file": {"type": "object", "required": ["file", "purpose"], "properties": {
                "file": file,
                "extra": {"type": "array", "items": {"type": "string", "format": "binary"}},
                "purpose": {"$ref": "#/components/schemas/Purpose"}
            }}
        }}})
    }

    #[test]
    fn file_fields_become_parts_and_the_body_json_for_progenitor() {
        let (doc, _) = on_doc(
            run,
            upload(
                json!({"type": "string", "format": "binary", "description": "The file."}),
                false,
            ),
        );
        let op = doc.pointer("/paths/~1v1~1files/post").unwrap();
        assert_eq!(op[EXTENSION], true);
        assert_eq!(
            op.pointer("/requestBody/content/application~1json/schema/$ref"),
            Some(&json!("#/components/schemas/UploadFileRequest"))
        );
        assert!(doc
            .pointer("/components/schemas/Body_upload_file")
            .is_none());
        let form = &doc["components"]["schemas"]["UploadFileRequest"];
        assert_eq!(
            form["properties"]["file"],
            json!({"type": "string", "format": PART_FORMAT, "description": "The file."})
        );
        assert_eq!(form["properties"]["extra"]["items"]["format"], PART_FORMAT);
        // Text fields keep their types.
        assert_eq!(
            form["properties"]["purpose"],
            json!({"$ref": "#/components/schemas/Purpose"})
        );
    }

    #[test]
    fn a_shared_body_is_copied_and_nullable_files_are_optional() {
        let (doc, _) = on_doc(
            run,
            upload(
                json!({"type": "string", "format": "binary", "nullable": true}),
                true,
            ),
        );
        let op = doc.pointer("/paths/~1v1~1files/post").unwrap();
        assert_eq!(
            op.pointer("/requestBody/content/application~1json/schema/$ref"),
            Some(&json!("#/components/schemas/UploadFileRequest"))
        );
        let copy = &doc["components"]["schemas"]["UploadFileRequest"];
        assert_eq!(copy["properties"]["file"]["format"], PART_FORMAT);
        assert_eq!(copy["required"], json!(["purpose"]));
        // The other operation's JSON keeps its strings.
        let original = &doc["components"]["schemas"]["Body_upload_file"];
        assert_eq!(original["properties"]["file"]["format"], "binary");
    }

    #[test]
    fn a_form_offered_both_ways_goes_as_multipart_with_either_schema() {
        let doc = json!({"paths": {"/v1/skills": {"post": {"operationId": "create_skill",
            "requestBody": {"content": {
                "application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/Body_create_skill"}},
                "multipart/form-data": {"examples": {}}}}}}},
            "components": {"schemas": {"Body_create_skill": {"type": "object", "properties": {
                "title": {"type": "string"}, "archive": {"type": "string", "format": "binary"}}}}}});
        let (doc, diagnostics) = on_doc(run, doc);
        let op = doc.pointer("/paths/~1v1~1skills/post").unwrap();
        assert_eq!(op[EXTENSION], true);
        let content = op
            .pointer("/requestBody/content")
            .unwrap()
            .as_object()
            .unwrap();
        assert_eq!(content.keys().collect::<Vec<_>>(), ["application/json"]);
        assert_eq!(
            doc["components"]["schemas"]["CreateSkillRequest"]["properties"]["archive"]["format"],
            PART_FORMAT
        );
        assert!(diagnostics.notes[0].contains("also offered as application/x-www-form-urlencoded"));
    }

    #[test]
    fn a_body_that_is_not_an_object_stays_for_the_operations_pass() {
        let doc = json!({"paths": {"/v1/raw": {"post": {"operationId": "raw",
            "requestBody": {"content": {"multipart/form-data": {"schema": {"type": "string"}}}}}}}});
        let (after, _) = on_doc(run, doc.clone());
        assert_eq!(after, doc);
    }
}
