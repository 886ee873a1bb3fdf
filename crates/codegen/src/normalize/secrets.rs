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
    Ok(())
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
}
