//! `deprecated: true` in the document becomes `#[deprecated]` in Rust.
//!
//! progenitor and typify read no `deprecated`, so a user would learn that a
//! field is going away only from the document. This emitter marks the
//! generated item of each deprecated thing, with its description (first
//! paragraph) as the note:
//!
//! - an operation: its client method (`Client::create_x`);
//! - a parameter: its setter on the operation's builder;
//! - a property: its field, and its setter on the type's builder;
//! - a schema: its type.
//!
//! The compiler then warns where user code names them. Generated code uses
//! its own items (serde's derives, the builders' conversions), so the
//! generated module allows `deprecated` (see [`super::ALLOWED_LINTS`]).
//! A deprecated thing the emitter cannot find in the code (an inline schema
//! typify named itself) is noted, not dropped in silence.

use crate::names::{snake_name, type_name};
use crate::normalize::{rust_method_name, visit};
use serde_json::Value;
use std::collections::HashMap;

/// What is deprecated, by the Rust item it becomes.
#[derive(Debug, Default)]
struct Deprecated {
    /// Type name → note.
    types: HashMap<String, Option<String>>,
    /// (type name, property name on the wire) → note.
    fields: HashMap<(String, String), Option<String>>,
    /// Client method → note.
    methods: HashMap<String, Option<String>>,
    /// (operation builder, setter) → note.
    parameters: HashMap<(String, String), Option<String>>,
}

/// Marks the deprecated items of `doc` in `file`; notes what it could not
/// find.
pub(crate) fn mark(file: &mut syn::File, doc: &Value, notes: &mut Vec<String>) {
    let mut wanted = read(doc);
    let total =
        wanted.types.len() + wanted.fields.len() + wanted.methods.len() + wanted.parameters.len();
    if total == 0 {
        return;
    }
    for item in &mut file.items {
        match item {
            syn::Item::Mod(m) if m.ident == "types" => {
                if let Some((_, items)) = &mut m.content {
                    mark_types(items, &mut wanted);
                }
            }
            syn::Item::Mod(m) if m.ident == "builder" => {
                if let Some((_, items)) = &mut m.content {
                    mark_operation_builders(items, &mut wanted);
                }
            }
            syn::Item::Impl(block) if is_client(&block.self_ty) && block.trait_.is_none() => {
                for item in &mut block.items {
                    if let syn::ImplItem::Fn(f) = item {
                        if let Some(note) = wanted.methods.remove(&f.sig.ident.to_string()) {
                            f.attrs.push(attribute(&note));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let missing = wanted
        .types
        .keys()
        .map(|t| format!("type {t}"))
        .chain(wanted.fields.keys().map(|(t, f)| format!("field {t}.{f}")))
        .chain(wanted.methods.keys().map(|m| format!("method {m}")))
        .chain(
            wanted
                .parameters
                .keys()
                .map(|(b, p)| format!("setter {b}::{p}")),
        );
    let mut missing: Vec<String> = missing.collect();
    missing.sort();
    for item in missing {
        notes.push(format!(
            "deprecated in the document, but not found to mark in the client: {item}"
        ));
    }
}

/// The deprecated things of `doc`.
fn read(doc: &Value) -> Deprecated {
    let mut out = Deprecated::default();
    let schemas = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    for (name, schema) in schemas.into_iter().flatten() {
        let ty = type_name(name);
        if is_deprecated(schema) {
            out.types.insert(ty.clone(), note(schema));
        }
        let properties = schema.get("properties").and_then(Value::as_object);
        for (property, value) in properties.into_iter().flatten() {
            if is_deprecated(value) {
                out.fields
                    .insert((ty.clone(), property.clone()), note(value));
            }
        }
    }
    for (_, _, op) in visit::operations(doc) {
        let id = visit::operation_id(op);
        if id.is_empty() {
            continue;
        }
        if is_deprecated(op) {
            out.methods.insert(rust_method_name(id), note(op));
        }
        let parameters = op.get("parameters").and_then(Value::as_array);
        for parameter in parameters.into_iter().flatten() {
            let deprecated =
                is_deprecated(parameter) || parameter.get("schema").is_some_and(is_deprecated);
            let Some(name) = parameter.get("name").and_then(Value::as_str) else {
                continue;
            };
            if deprecated {
                out.parameters
                    .insert((type_name(id), snake_name(name)), note(parameter));
            }
        }
    }
    out
}

fn is_deprecated(value: &Value) -> bool {
    value.get("deprecated") == Some(&Value::Bool(true))
}

/// The first paragraph of the description, as the deprecation's note.
fn note(value: &Value) -> Option<String> {
    let text = value.get("description").and_then(Value::as_str)?;
    let first = text.split("\n\n").next()?.trim();
    (!first.is_empty()).then(|| first.replace('\n', " "))
}

fn attribute(note: &Option<String>) -> syn::Attribute {
    match note {
        Some(text) => syn::parse_quote!(#[deprecated = #text]),
        None => syn::parse_quote!(#[deprecated]),
    }
}

/// Types, their fields, and their builders' setters.
fn mark_types(items: &mut [syn::Item], wanted: &mut Deprecated) {
    // Setters are marked after fields, from what the fields were.
    let mut setters: HashMap<(String, String), Option<String>> = HashMap::new();
    for item in items.iter_mut() {
        let (ident, attrs) = match item {
            syn::Item::Struct(s) => {
                let ty = s.ident.to_string();
                if let syn::Fields::Named(fields) = &mut s.fields {
                    for field in &mut fields.named {
                        let Some(ident) = &field.ident else { continue };
                        let wire = wire_name(&field.attrs).unwrap_or_else(|| {
                            ident.to_string().trim_start_matches("r#").to_string()
                        });
                        if let Some(note) = wanted.fields.remove(&(ty.clone(), wire)) {
                            field.attrs.push(attribute(&note));
                            setters.insert((ty.clone(), ident.to_string()), note);
                        }
                    }
                }
                (s.ident.clone(), &mut s.attrs)
            }
            syn::Item::Enum(e) => (e.ident.clone(), &mut e.attrs),
            syn::Item::Type(t) => (t.ident.clone(), &mut t.attrs),
            _ => continue,
        };
        if let Some(note) = wanted.types.remove(&ident.to_string()) {
            attrs.push(attribute(&note));
        }
    }
    let Some(builder) = items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "builder" => m.content.as_mut(),
        _ => None,
    }) else {
        return;
    };
    for item in builder.1.iter_mut() {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let Some(ty) = self_name(&block.self_ty) else {
            continue;
        };
        if block.trait_.is_some() {
            continue;
        }
        for item in &mut block.items {
            if let syn::ImplItem::Fn(f) = item {
                if let Some(note) = setters.get(&(ty.clone(), f.sig.ident.to_string())) {
                    f.attrs.push(attribute(note));
                }
            }
        }
    }
}

/// The setters of deprecated parameters on the operations' builders.
fn mark_operation_builders(items: &mut [syn::Item], wanted: &mut Deprecated) {
    for item in items.iter_mut() {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let Some(ty) = self_name(&block.self_ty) else {
            continue;
        };
        if block.trait_.is_some() {
            continue;
        }
        for item in &mut block.items {
            if let syn::ImplItem::Fn(f) = item {
                if let Some(note) = wanted
                    .parameters
                    .remove(&(ty.clone(), f.sig.ident.to_string()))
                {
                    f.attrs.push(attribute(&note));
                }
            }
        }
    }
}

/// The name a field has on the wire: its `#[serde(rename = "..")]`.
fn wire_name(attrs: &[syn::Attribute]) -> Option<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .find_map(|a| {
            let mut rename = None;
            let _ = a.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    let value: syn::LitStr = meta.value()?.parse()?;
                    rename = Some(value.value());
                } else if meta.input.peek(syn::Token![=]) {
                    let _: syn::Expr = meta.value()?.parse()?;
                }
                Ok(())
            });
            rename
        })
}

fn self_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

fn is_client(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.is_ident("Client"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;
    use serde_json::json;

    #[test]
    fn deprecated_properties_operations_parameters_and_schemas_are_marked() {
        let doc = json!({
            "paths": {"/v1/things": {"get": {
                "operationId": "list_things", "deprecated": true,
                "description": "Use `search_things`.\n\nMore text.",
                "parameters": [{"name": "old-filter", "in": "query", "deprecated": true}]
            }}},
            "components": {"schemas": {
                "Thing": {"properties": {
                    "current_version": {"type": "string", "deprecated": true, "description": "Current version."},
                    "type": {"type": "string", "deprecated": true}
                }},
                "Old": {"type": "object", "deprecated": true},
                "Gone": {"type": "object", "deprecated": true}
            }}
        });
        let mut file: syn::File = syn::parse2(quote! {
            pub mod types {
                pub struct Thing {
                    pub current_version: String,
                    #[serde(default, rename = "type")]
                    pub type_: String,
                }
                pub struct Old {}
                pub mod builder {
                    pub struct Thing {}
                    impl Thing {
                        pub fn current_version<T>(self, value: T) -> Self { self }
                        pub fn type_<T>(self, value: T) -> Self { self }
                    }
                }
            }
            pub mod builder {
                impl<'a> ListThings<'a> {
                    pub fn old_filter<V>(mut self, value: V) -> Self { self }
                }
            }
            impl Client {
                pub fn list_things(&self) -> builder::ListThings<'_> { todo!() }
            }
        })
        .unwrap();
        let mut notes = Vec::new();
        mark(&mut file, &doc, &mut notes);
        let code = quote!(#file).to_string();
        for wanted in [
            "# [deprecated = \"Current version.\"] pub current_version : String",
            "# [deprecated] pub type_ : String",
            "# [deprecated] pub struct Old",
            "# [deprecated = \"Current version.\"] pub fn current_version",
            "# [deprecated] pub fn type_",
            "# [deprecated] pub fn old_filter",
            "# [deprecated = \"Use `search_things`.\"] pub fn list_things",
        ] {
            assert!(code.contains(wanted), "{wanted}\n{code}");
        }
        assert_eq!(
            notes,
            ["deprecated in the document, but not found to mark in the client: type Gone"]
        );
    }
}
