//! `pattern`s in Python's regex dialect, translated to the one the
//! generated code checks with.
//!
//! pydantic writes a field's regex as Python wrote it, and typify compiles
//! every `pattern` with `regress` (ECMAScript syntax) while it generates,
//! refusing the whole document on the first one it cannot read: FastAPI's
//! `(?P<name>...)` named groups are enough. This pass rewrites the Python
//! forms that have an ECMAScript equivalent (named groups and their
//! back-references, `\A`, `\Z`). A pattern that still does not compile is
//! dropped from the schema and kept in its description, so the rule stays
//! documented while the client no longer checks it; each such drop is
//! reported as a degraded schema.

use super::{visit, Degraded, Diagnostics};
use crate::Error;
use serde_json::{Map, Value};

/// Translates or drops every `pattern` in the document.
pub fn run(doc: &mut Value, diagnostics: &mut Diagnostics) -> Result<(), Error> {
    visit::for_each_schema_at(doc, &mut |pointer, schema| {
        let Some(obj) = schema.as_object_mut() else {
            return;
        };
        let Some(Value::String(pattern)) = obj.get("pattern") else {
            return;
        };
        let translated = translate(pattern);
        match regress::Regex::new(&translated) {
            Ok(_) => {
                obj.insert("pattern".into(), translated.into());
            }
            Err(e) => {
                let pattern = pattern.clone();
                document_instead(obj, &pattern);
                diagnostics.degraded.push(Degraded {
                    pointer: pointer.to_string(),
                    change: format!("the pattern `{pattern}` is not checked by the client"),
                    reason: format!("it has no ECMAScript form that regress accepts ({e})"),
                });
            }
        }
    });
    Ok(())
}

/// Rewrites Python-only regex syntax into its ECMAScript form.
///
/// Escapes and character classes are copied as they are, so a `(?P<` inside
/// `[...]` or after a backslash is left alone.
pub fn translate(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len());
    let mut in_class = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let rest: String = chars[i..chars.len().min(i + 4)].iter().collect();
        match c {
            '\\' if i + 1 < chars.len() => {
                match (chars[i + 1], in_class) {
                    ('A', false) => out.push('^'),
                    ('Z', false) => out.push('$'),
                    (next, _) => {
                        out.push('\\');
                        out.push(next);
                    }
                }
                i += 2;
                continue;
            }
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '(' if !in_class && rest.starts_with("(?P<") => {
                out.push_str("(?<");
                i += 4;
                continue;
            }
            '(' if !in_class && rest.starts_with("(?P=") => {
                // `(?P=name)` is a back-reference: `\k<name>`.
                if let Some(end) = chars[i + 4..].iter().position(|&c| c == ')') {
                    let name: String = chars[i + 4..i + 4 + end].iter().collect();
                    out.push_str(&format!("\\k<{name}>"));
                    i += 4 + end + 1;
                    continue;
                }
            }
            _ => {}
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Moves `pattern` out of the schema and into its description.
fn document_instead(obj: &mut Map<String, Value>, pattern: &str) {
    obj.remove("pattern");
    let note = format!("Must match the (Python) regular expression `{pattern}`.");
    let description = match obj.get("description").and_then(Value::as_str) {
        Some(d) if !d.trim().is_empty() => format!("{d}\n\n{note}"),
        _ => note,
    };
    obj.insert("description".into(), description.into());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::testing::on_doc;
    use serde_json::json;

    #[test]
    fn python_named_groups_become_ecmascript_ones() {
        assert_eq!(
            translate(r"data:(?P<mimetype>[\w]+)?(?P<b64>;base64)?,(?P=mimetype)"),
            r"data:(?<mimetype>[\w]+)?(?<b64>;base64)?,\k<mimetype>"
        );
        assert_eq!(translate(r"\Aabc\Z"), "^abc$");
    }

    #[test]
    fn escapes_and_classes_are_copied_as_they_are() {
        assert_eq!(translate(r"[(?P<x>]\(?P<y>"), r"[(?P<x>]\(?P<y>");
        assert_eq!(translate(r"[\A\Z]"), r"[\A\Z]");
        assert_eq!(translate(r"^[\w]+(?:_[\w]+)*$"), r"^[\w]+(?:_[\w]+)*$");
    }

    #[test]
    fn a_translated_pattern_is_kept_and_compiles() {
        let (doc, diagnostics) = on_doc(
            run,
            json!({"components": {"schemas": {"S": {"type": "string", "pattern": "(?P<n>a+)"}}}}),
        );
        assert_eq!(doc["components"]["schemas"]["S"]["pattern"], "(?<n>a+)");
        assert!(diagnostics.degraded.is_empty());
    }

    #[test]
    fn an_untranslatable_pattern_moves_to_the_description_and_is_reported() {
        let (doc, diagnostics) = on_doc(
            run,
            json!({"components": {"schemas": {"S": {"type": "object", "properties": {
                "p": {"type": "string", "pattern": "(?i)abc", "description": "A code."}
            }}}}}),
        );
        let p = &doc["components"]["schemas"]["S"]["properties"]["p"];
        assert_eq!(p.get("pattern"), None);
        assert_eq!(
            p["description"],
            "A code.\n\nMust match the (Python) regular expression `(?i)abc`."
        );
        assert_eq!(diagnostics.degraded.len(), 1);
        assert_eq!(
            diagnostics.degraded[0].pointer,
            "#/components/schemas/S/properties/p"
        );
        assert!(diagnostics.degraded[0].change.contains("(?i)abc"));
    }
}
