//! Properties whose names meet once made Rust field names are not both
//! generated.
//!
//! typify names each field after its property, in snake case, and renames
//! it on the wire; `image` and `image[]` (LiteLLM's multipart forms), or
//! `fooBar` and `foo_bar`, would be two fields of one name, and the crate
//! would not compile. The first property of a name, in document order,
//! keeps it; each later one is left out of the generated type and
//! reported. Objects accept fields they do not know, so a response that
//! carries the left-out property still decodes.

use super::{visit, Degraded, Diagnostics};
use crate::names::snake_name;
use crate::Error;
use serde_json::Value;

/// Leaves out the later of every two properties that share a Rust name.
pub fn run(doc: &mut Value, diagnostics: &mut Diagnostics) -> Result<(), Error> {
    visit::for_each_schema_at(doc, &mut |pointer, schema| {
        let Some(obj) = schema.as_object_mut() else {
            return;
        };
        let Some(properties) = obj.get_mut("properties").and_then(Value::as_object_mut) else {
            return;
        };
        let mut seen: Vec<String> = Vec::new();
        let mut dropped: Vec<String> = Vec::new();
        properties.retain(|name, _| {
            let rust = snake_name(name);
            if seen.contains(&rust) {
                dropped.push(name.clone());
                false
            } else {
                seen.push(rust);
                true
            }
        });
        if dropped.is_empty() {
            return;
        }
        if let Some(Value::Array(required)) = obj.get_mut("required") {
            required.retain(|r| !r.as_str().is_some_and(|r| dropped.iter().any(|d| d == r)));
        }
        for name in dropped {
            diagnostics.degraded.push(Degraded {
                pointer: format!(
                    "{pointer}/properties/{}",
                    name.replace('~', "~0").replace('/', "~1")
                ),
                change: format!("the property `{name}` is left out"),
                reason: format!(
                    "its Rust name `{}` is taken by another property",
                    snake_name(&name)
                ),
            });
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::testing::on_doc;
    use serde_json::json;

    #[test]
    fn the_later_of_two_properties_of_one_rust_name_is_left_out() {
        let (doc, diagnostics) = on_doc(
            run,
            json!({"components": {"schemas": {"S": {"type": "object",
                "required": ["image", "image[]"],
                "properties": {"image": {}, "image[]": {}, "mask": {}}}}}}),
        );
        assert_eq!(
            doc["components"]["schemas"]["S"],
            json!({"type": "object", "required": ["image"], "properties": {"image": {}, "mask": {}}})
        );
        assert_eq!(
            diagnostics.degraded[0].to_string(),
            "#/components/schemas/S/properties/image[]: the property `image[]` is left out: its Rust name `image` is taken by another property"
        );
    }
}
