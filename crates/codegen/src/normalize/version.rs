//! Relabel an OpenAPI 3.1 document as 3.0.3 and drop the top-level fields
//! that only 3.1 has.
//!
//! progenitor parses documents with the `openapiv3` crate, which refuses any
//! version but 3.0.x. The schema-level differences are handled by the passes
//! that follow; this one handles the document envelope.

use super::Diagnostics;
use crate::Error;
use serde_json::Value;

/// Rewrites the `openapi` field and removes 3.1-only envelope fields.
pub fn run(doc: &mut Value, diagnostics: &mut Diagnostics) -> Result<(), Error> {
    let version = doc
        .get("openapi")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::NotOpenApi("the document has no `openapi` version field".into()))?;
    if !(version.starts_with("3.0.") || version.starts_with("3.1.")) {
        return Err(Error::NotOpenApi(format!(
            "version {version} is not supported; expected 3.0.x or 3.1.x"
        )));
    }
    let obj = doc
        .as_object_mut()
        .expect("a document with a version is an object");
    obj.insert("openapi".into(), "3.0.3".into());
    if let Some(Value::Object(webhooks)) = obj.remove("webhooks") {
        for (name, item) in webhooks {
            for method in super::visit::METHODS {
                if item.get(method).is_some() {
                    diagnostics
                        .webhooks
                        .push(format!("{name} ({})", method.to_uppercase()));
                }
            }
        }
    }
    obj.remove("jsonSchemaDialect");
    obj.entry("paths")
        .or_insert_with(|| Value::Object(Default::default()));
    if let Some(info) = obj.get_mut("info").and_then(Value::as_object_mut) {
        info.remove("summary");
        if let Some(license) = info.get_mut("license").and_then(Value::as_object_mut) {
            license.remove("identifier");
        }
    }
    if let Some(components) = obj.get_mut("components").and_then(Value::as_object_mut) {
        components.remove("pathItems");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn relabels_and_drops_31_only_fields() {
        let mut doc = json!({
            "openapi": "3.1.0",
            "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
            "info": {"title": "t", "version": "1", "summary": "s",
                     "license": {"name": "MIT", "identifier": "MIT"}},
            "webhooks": {}
        });
        run(&mut doc, &mut Diagnostics::default()).unwrap();
        assert_eq!(
            doc,
            json!({
                "openapi": "3.0.3",
                "info": {"title": "t", "version": "1", "license": {"name": "MIT"}},
                "paths": {}
            })
        );
    }

    #[test]
    fn webhooks_are_named_and_not_generated() {
        let mut doc = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
            "webhooks": {"order.created": {"post": {"operationId": "on_order"}},
                         "refund": {"post": {}, "put": {}}}});
        let mut diagnostics = Diagnostics::default();
        run(&mut doc, &mut diagnostics).unwrap();
        assert_eq!(doc.get("webhooks"), None);
        assert_eq!(
            diagnostics.webhooks,
            ["order.created (POST)", "refund (PUT)", "refund (POST)"]
        );
    }

    #[test]
    fn refuses_swagger_2_and_non_documents() {
        let err = run(&mut json!({"swagger": "2.0"}), &mut Diagnostics::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "not a usable OpenAPI document: the document has no `openapi` version field"
        );
        let err = run(
            &mut json!({"openapi": "4.0.0"}),
            &mut Diagnostics::default(),
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("version 4.0.0 is not supported"),
            "{err}"
        );
    }
}
