//! Mock helpers for streams and forms, which progenitor's do not know.
//!
//! progenitor's `XThen::ok` of a streamed response takes a JSON value and
//! answers `application/json`, and its `XWhen::body` of a multipart body
//! matches JSON. For each operation with a shape ([`super::shapes`]):
//!
//! - **events:** `XThen::events(&[T])` answers with one `data:` event per
//!   item, then `data: [DONE]`;
//! - **lines:** `XThen::lines(&[T])` answers with one JSON line per item;
//! - **bytes:** `XThen::ok(body)` answers with these bytes;
//! - **the stream flag:** `XWhen::streaming(bool)` matches a body whose
//!   flag is set (or clear), to tell `send_stream` from `send`;
//! - **forms:** `XWhen::field(name, value)` matches a text field, and
//!   `XWhen::file(name, file_name)` a file part, in place of `body`.
//!
//! Progenitor's helpers that would answer or match the wrong format are
//! removed, so a mock cannot be set up to answer what the client cannot read.

use super::exemplars::builders;
use super::shapes::Shapes;
use crate::normalize::visit;
use crate::Error;
use quote::quote;
use serde_json::Value;
use std::collections::HashMap;

/// Adds the helpers of every shaped operation to the mock module `mock`,
/// whose operations' methods are read from the generated `client`.
pub(crate) fn streams_and_forms(
    mock: &mut syn::File,
    client: &syn::File,
    doc: &Value,
    shapes: &Shapes,
) -> Result<(), Error> {
    if shapes.is_empty() {
        return Ok(());
    }
    let builders = builders(client);
    let pairs = when_then(mock);
    let statuses: HashMap<&str, u16> = visit::operations(doc)
        .filter_map(|(_, _, op)| Some((op.get("operationId")?.as_str()?, success_status(op))))
        .collect();
    let mut added: HashMap<String, Vec<syn::ImplItem>> = HashMap::new();
    let mut removed: HashMap<String, Vec<&'static str>> = HashMap::new();
    for (id, shape) in shapes {
        let Some((_, method)) = builders.get(id) else {
            continue;
        };
        let Some((when, then)) = pairs.get(&method.to_string()) else {
            return Err(Error::Generation(format!(
                "the mock helpers have no `{method}` for operation `{id}`"
            )));
        };
        let status = statuses.get(id.as_str()).copied().unwrap_or(200);
        if let Some(stream) = &shape.stream {
            let item = &stream.item;
            let media_type = &stream.media_type;
            let helper: syn::ImplItem = match stream.kind {
                "EventStream" => syn::parse_quote! {
                    /// Answers with one `data:` event per item, then `data: [DONE]`.
                    pub fn events(self, items: &[#item]) -> Self {
                        let mut body = String::new();
                        for item in items {
                            body.push_str("data: ");
                            body.push_str(&::serde_json::to_string(item).expect("an item serialises"));
                            body.push_str("\n\n");
                        }
                        body.push_str("data: [DONE]\n\n");
                        Self(self.0.status(#status).header("content-type", #media_type).body(body))
                    }
                },
                "JsonLines" => syn::parse_quote! {
                    /// Answers with one JSON line per item.
                    pub fn lines(self, items: &[#item]) -> Self {
                        let mut body = String::new();
                        for item in items {
                            body.push_str(&::serde_json::to_string(item).expect("an item serialises"));
                            body.push('\n');
                        }
                        Self(self.0.status(#status).header("content-type", #media_type).body(body))
                    }
                },
                _ => syn::parse_quote! {
                    /// Answers with these bytes.
                    pub fn ok(self, body: impl AsRef<[u8]>) -> Self {
                        Self(self.0.status(#status).header("content-type", #media_type).body(body))
                    }
                },
            };
            added.entry(then.clone()).or_default().push(helper);
            match &stream.beside_json {
                None => removed.entry(then.clone()).or_default().push("json"),
                Some(beside) if beside.flag.is_some() => {
                    let flag = crate::normalize::streams::FLAG;
                    let helper: syn::ImplItem = syn::parse_quote! {
                        /// Matches a body that asks for the stream (`send_stream`),
                        /// or one that does not (`send`).
                        pub fn streaming(self, on: bool) -> Self {
                            Self(self.0.json_body_includes(format!("{{\"{}\": {}}}", #flag, on)))
                        }
                    };
                    added.entry(when.clone()).or_default().push(helper);
                }
                Some(_) => {}
            }
        }
        if shape.multipart {
            removed.entry(when.clone()).or_default().push("body");
            let helpers: syn::ItemImpl = syn::parse_quote! {
                impl X {
                    /// Matches a form whose text field `name` is `value`.
                    pub fn field(self, name: &str, value: &str) -> Self {
                        Self(self.0.body_includes(format!("name=\"{name}\"\r\n\r\n{value}\r\n")))
                    }

                    /// Matches a form with a file part `name` sent as `file_name`.
                    pub fn file(self, name: &str, file_name: &str) -> Self {
                        Self(self.0.body_includes(format!("name=\"{name}\"; filename=\"{file_name}\"")))
                    }
                }
            };
            added.entry(when.clone()).or_default().extend(helpers.items);
        }
    }
    edit(mock, &added, &removed);
    Ok(())
}

/// The status of an operation's first success.
fn success_status(op: &Value) -> u16 {
    op.get("responses")
        .and_then(Value::as_object)
        .and_then(|r| {
            r.keys()
                .find_map(|s| s.parse::<u16>().ok().filter(|s| (200..300).contains(s)))
        })
        .unwrap_or(200)
}

/// `method -> (When, Then)` from the `MockServerExt` trait.
fn when_then(mock: &syn::File) -> HashMap<String, (String, String)> {
    let mut out = HashMap::new();
    for item in &mock.items {
        let syn::Item::Trait(t) = item else {
            continue;
        };
        if t.ident != "MockServerExt" {
            continue;
        }
        for item in &t.items {
            let syn::TraitItem::Fn(f) = item else {
                continue;
            };
            let Some(clause) = &f.sig.generics.where_clause else {
                continue;
            };
            let text = quote!(#clause).to_string();
            let names: Vec<String> = text
                .split("operations :: ")
                .skip(1)
                .filter_map(|rest| {
                    rest.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .next()
                })
                .map(String::from)
                .collect();
            if let [when, then] = names.as_slice() {
                out.insert(f.sig.ident.to_string(), (when.clone(), then.clone()));
            }
        }
    }
    out
}

/// Adds `added` to, and removes the methods whose body mentions any of
/// `removed` from, the `impl`s of the mock's `operations` module.
fn edit(
    mock: &mut syn::File,
    added: &HashMap<String, Vec<syn::ImplItem>>,
    removed: &HashMap<String, Vec<&'static str>>,
) {
    let Some((_, items)) = mock.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "operations" => m.content.as_mut(),
        _ => None,
    }) else {
        return;
    };
    for item in items.iter_mut() {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let Some(name) = super::self_type_name(block) else {
            continue;
        };
        if let Some(words) = removed.get(&name) {
            block.items.retain(|item| {
                let syn::ImplItem::Fn(f) = item else {
                    return true;
                };
                if f.sig.ident == "new" || f.sig.ident == "into_inner" {
                    return true;
                }
                let text = quote!(#f).to_string();
                !words.iter().any(|w| match *w {
                    "json" => text.contains("json_body"),
                    word => f.sig.ident == word,
                })
            });
        }
        if let Some(new) = added.get(&name) {
            block.items.extend(new.iter().cloned());
        }
    }
}
