//! Mark credential fields, so that they become a redacting `Secret` type.
//!
//! Generated types derive `Debug`, which would print every field, keys
//! included, into logs and panics. This pass marks each credential as
//! `{type: string, format: password}` (dropping length and pattern
//! constraints, which only the server needs), and the generator maps
//! exactly that schema to `Secret`, whose `Debug` and `Display` print a
//! redaction while serde sends the plain value.
//!
//! # Which fields count
//!
//! A string property is a credential when
//!
//! 1. its schema already says `format: password` (pydantic's `SecretStr`), or
//! 2. its name, split into words at `_`, `-` and case changes, contains
//!    `secret`, `password`, `passwd` or `passphrase`, or ends with `api key`,
//!    `private key` or a `token` word preceded by `access`, `refresh`,
//!    `auth`, `bearer`, `session` or `id`,
//!
//! unless its last word is `id` or `ids` (`s3_key_id` names a key; it
//! unlocks nothing). A bare `token` does not count: in this API tokens are
//! units of text (`max_tokens`, `stop_token`).
//!
//! # Parameters
//!
//! A query, header or cookie parameter whose inline schema is a string is
//! a credential by the same rule, applied to its name (`api_key`,
//! `access_token`, `x-api-key`, `session_token`); in a header or a cookie,
//! which carry no text to generate, a bare `token` and `authorization`
//! count too.
//!
//! Each becomes `Secret`. progenitor sends a query value through
//! `Serialize`, which `Secret` writes in plain (and remembers, for the
//! scrubbing); it sends a header value (a cookie travels as a header until
//! the runtime moves it) as `value.to_string()`, which for `Secret` is its
//! redaction, so the `secret_parameters` emitter sends those through
//! `Secret::header_value` instead: the value in plain, marked sensitive.

use super::{visit, Diagnostics};
use crate::Error;
use serde_json::{Map, Value};

/// Marks credential properties throughout the document.
pub fn run(doc: &mut Value, diagnostics: &mut Diagnostics) -> Result<(), Error> {
    let mut marked = Vec::new();
    visit::for_each_schema(doc, &mut |schema| {
        let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
            return;
        };
        for (name, prop) in props.iter_mut() {
            let Some(prop) = prop.as_object_mut() else {
                continue;
            };
            if is_string(prop) && (is_password_format(prop) || is_credential_name(name)) {
                mark(prop);
                marked.push(name.clone());
            }
        }
    });
    marked.sort();
    marked.dedup();
    for name in marked {
        diagnostics.note(format!(
            "`{name}` holds a credential: it is generated as `Secret`"
        ));
    }
    let mut parameters = Parameters::default();
    for_each_parameter(doc, &mut |param| parameters.visit(param));
    parameters.marked.sort();
    parameters.marked.dedup();
    for name in parameters.marked {
        diagnostics.note(format!(
            "the {name} holds a credential: it is generated as `Secret`"
        ));
    }
    Ok(())
}

/// The credential parameters found: `query parameter `api_key``, ….
#[derive(Default)]
struct Parameters {
    /// Marked for `Secret`.
    marked: Vec<String>,
}

impl Parameters {
    fn visit(&mut self, param: &mut Value) {
        let Some(param) = param.as_object_mut() else {
            return;
        };
        let text = |key: &str| {
            param
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let (name, location) = (text("name"), text("in"));
        if !is_credential_parameter(&name, &location) {
            return;
        }
        let label = format!("{location} parameter `{name}`");
        let Some(schema) = param.get_mut("schema").and_then(Value::as_object_mut) else {
            return;
        };
        // A `$ref`'d schema is shared with other uses; only inline strings.
        if !is_string(schema) {
            return;
        }
        mark(schema);
        self.marked.push(label);
    }
}

/// Whether a parameter `name` sent `location` (`query`, `header`,
/// `cookie`) holds a credential: the module docs' rule.
pub fn is_credential_parameter(name: &str, location: &str) -> bool {
    match location {
        "query" => is_credential_name(name),
        "header" | "cookie" => {
            is_credential_name(name)
                || matches!(
                    words(name).as_slice(),
                    [only] if only == "token" || only == "authorization"
                )
        }
        _ => false,
    }
}

/// Calls `f` on every parameter object of `doc`: those of path items, of
/// operations, and of `components.parameters`.
fn for_each_parameter(doc: &mut Value, f: &mut dyn FnMut(&mut Value)) {
    let mut each = |list: Option<&mut Value>| {
        if let Some(list) = list.and_then(Value::as_array_mut) {
            list.iter_mut().for_each(&mut *f);
        }
    };
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            each(item.get_mut("parameters"));
            for method in visit::METHODS {
                each(item.get_mut(method).and_then(|op| op.get_mut("parameters")));
            }
        }
    }
    if let Some(components) = doc
        .pointer_mut("/components/parameters")
        .and_then(Value::as_object_mut)
    {
        components.values_mut().for_each(&mut *f);
    }
}

fn is_string(prop: &Map<String, Value>) -> bool {
    prop.get("type").and_then(Value::as_str) == Some("string")
}

fn is_password_format(prop: &Map<String, Value>) -> bool {
    prop.get("format").and_then(Value::as_str) == Some("password")
}

fn mark(prop: &mut Map<String, Value>) {
    for key in ["pattern", "minLength", "maxLength", "enum"] {
        prop.remove(key);
    }
    prop.insert("format".into(), "password".into());
}

/// The naming rule of the module docs.
pub fn is_credential_name(name: &str) -> bool {
    let words = words(name);
    let Some(last) = words.last().map(String::as_str) else {
        return false;
    };
    if last == "id" || last == "ids" {
        return false;
    }
    if words
        .iter()
        .any(|w| matches!(w.as_str(), "secret" | "password" | "passwd" | "passphrase"))
    {
        return true;
    }
    let before_last = words.len().checked_sub(2).map(|i| words[i].as_str());
    matches!(
        (before_last, last),
        (Some("api" | "private"), "key")
            | (
                Some("access" | "refresh" | "auth" | "bearer" | "session" | "id"),
                "token"
            )
    ) || last == "apikey"
}

/// Lower-case words of an identifier in snake, kebab or camel case.
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::testing::on_doc;
    use serde_json::json;

    #[test]
    fn credential_names() {
        for name in [
            "s3_secret_key",
            "password",
            "clientSecret",
            "api_key",
            "apiKey",
            "apikey",
            "private_key",
            "access_token",
            "refresh-token",
            "db_passphrase",
        ] {
            assert!(is_credential_name(name), "{name} should count");
        }
        for name in [
            "s3_key_id",
            "secret_id",
            "max_tokens",
            "stop_token",
            "token",
            "key",
            "name",
            "s3_region",
            "access_key_ids",
        ] {
            assert!(!is_credential_name(name), "{name} should not count");
        }
    }

    #[test]
    fn marks_string_credentials_and_password_formats_only() {
        let mut doc = json!({"components": {"schemas": {"S": {"properties": {
            "s3_secret_key": {"type": "string", "minLength": 1, "description": "d"},
            "opaque": {"type": "string", "format": "password", "writeOnly": true},
            "maybe_password": {"type": "string", "nullable": true},
            "secret_count": {"type": "integer"},
            "s3_key_id": {"type": "string"}
        }}}}});
        let mut diagnostics = Diagnostics::default();
        run(&mut doc, &mut diagnostics).unwrap();
        assert_eq!(
            doc["components"]["schemas"]["S"]["properties"],
            json!({
                "s3_secret_key": {"type": "string", "description": "d", "format": "password"},
                "opaque": {"type": "string", "format": "password", "writeOnly": true},
                "maybe_password": {"type": "string", "nullable": true, "format": "password"},
                "secret_count": {"type": "integer"},
                "s3_key_id": {"type": "string"}
            })
        );
        assert_eq!(diagnostics.notes.len(), 3);
    }

    #[test]
    fn credential_parameters_of_every_location_become_secret() {
        let string = json!({"type": "string", "minLength": 8});
        let doc = json!({
            "paths": {"/a": {
                "parameters": [{"name": "password", "in": "query", "schema": string}],
                "get": {"parameters": [
                    {"name": "api_key", "in": "query", "schema": string},
                    {"name": "access_token", "in": "query", "required": true, "schema": {"type": "string", "nullable": true}},
                    {"name": "x-api-key", "in": "header", "schema": string},
                    {"name": "Authorization", "in": "header", "schema": string},
                    {"name": "session_token", "in": "cookie", "schema": string},
                    {"name": "token", "in": "cookie", "schema": string},
                    {"name": "max_tokens", "in": "query", "schema": {"type": "integer"}},
                    {"name": "token", "in": "query", "schema": string},
                    {"name": "key_id", "in": "query", "schema": string},
                    {"name": "api_key", "in": "path", "required": true, "schema": string},
                    {"name": "shared_secret", "in": "query", "schema": {"$ref": "#/components/schemas/S"}}
                ]}
            }},
            "components": {"parameters": {
                "ApiKey": {"name": "apiKey", "in": "query", "schema": string}
            }}
        });
        let (doc, diagnostics) = on_doc(run, doc);
        let secret = json!({"type": "string", "format": "password"});
        let params = &doc["paths"]["/a"]["get"]["parameters"];
        assert_eq!(doc["paths"]["/a"]["parameters"][0]["schema"], secret);
        assert_eq!(params[0]["schema"], secret);
        assert_eq!(
            params[1]["schema"],
            json!({"type": "string", "nullable": true, "format": "password"})
        );
        assert_eq!(doc["components"]["parameters"]["ApiKey"]["schema"], secret);
        // Headers and cookies too.
        for i in 2..=5 {
            assert_eq!(params[i]["schema"]["format"], "password", "{}", params[i]);
        }
        // What is no credential stays a string.
        for i in 6..=10 {
            assert_eq!(params[i]["schema"]["format"], Value::Null, "{}", params[i]);
        }
        assert_eq!(params[9]["schema"], string, "a path parameter");
        assert_eq!(
            params[10]["schema"],
            json!({"$ref": "#/components/schemas/S"})
        );
        assert_eq!(
            diagnostics.notes,
            [
                "the cookie parameter `session_token` holds a credential: it is generated as `Secret`",
                "the cookie parameter `token` holds a credential: it is generated as `Secret`",
                "the header parameter `Authorization` holds a credential: it is generated as `Secret`",
                "the header parameter `x-api-key` holds a credential: it is generated as `Secret`",
                "the query parameter `access_token` holds a credential: it is generated as `Secret`",
                "the query parameter `apiKey` holds a credential: it is generated as `Secret`",
                "the query parameter `api_key` holds a credential: it is generated as `Secret`",
                "the query parameter `password` holds a credential: it is generated as `Secret`",
            ]
        );
    }
}
