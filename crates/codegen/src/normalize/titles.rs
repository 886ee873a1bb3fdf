//! Drop `title` from every schema, so that titles never name Rust types.
//!
//! typify names an inline type after its `title`, and reuses the first
//! type that has a given name. pydantic titles every property after the
//! field ("Type", "Item"), so ColumnSchema-Input and ColumnSchema-Output
//! both get an inline union titled "Type", and the Output struct silently
//! got the Input union. Without titles, typify names inline types after
//! their place (`ColumnSchemaOutputType`), which is unique. Component
//! types are named after their key in `components.schemas`, not their title,
//! so nothing is lost there; descriptions still become doc comments.

use super::{visit, Diagnostics};
use crate::Error;
use serde_json::Value;

/// Rewrites every schema in the document.
pub fn run(doc: &mut Value, _: &mut Diagnostics) -> Result<(), Error> {
    visit::for_each_schema(doc, &mut |schema| {
        if let Some(obj) = schema.as_object_mut() {
            obj.remove("title");
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn titles_go_but_properties_named_title_stay() {
        let mut doc = json!({"components": {"schemas": {"S": {
            "title": "ColumnSchema",
            "properties": {
                "title": {"type": "string", "title": "Title"},
                "type": {"anyOf": [{"$ref": "#/components/schemas/A"}], "title": "Type"}
            }
        }}}});
        run(&mut doc, &mut Diagnostics::default()).unwrap();
        assert_eq!(
            doc["components"]["schemas"]["S"],
            json!({"properties": {
                "title": {"type": "string"},
                "type": {"anyOf": [{"$ref": "#/components/schemas/A"}]}
            }})
        );
    }
}
