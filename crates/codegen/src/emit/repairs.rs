//! Edits to progenitor's and typify's output where it would not compile.
//!
//! Each repair is syntactic and narrow, and exists because real documents
//! hit it:
//!
//! - progenitor calls `reqwest::Client::options(url)` and `::trace(url)`
//!   for OPTIONS and TRACE operations; reqwest has neither (LiteLLM's
//!   health checks). They become `request(Method::OPTIONS, url)`.
//! - typify writes `impl From<T> for Union` for every variant of an
//!   untagged union, and two variants can hold the same Rust type (two
//!   arrays whose items both became `serde_json::Value`, in ZenML's
//!   metadata). Such conversions would conflict, so for a type that more
//!   than one variant holds, none is written.
//! - progenitor's mock helpers match a query parameter with
//!   `query_param(name, value.to_string())`, and neither a list nor a map
//!   has `to_string`: each value of a list is matched instead, and each
//!   entry of a map (as `name[key]` for a `deepObject` parameter). And they
//!   pass a body to `json_body_obj(value)`, which takes a reference, also
//!   where `value` is an `Option<&T>` or a scalar.

use syn::visit_mut::VisitMut;

/// Applies every repair to the generated client.
pub(crate) fn apply(file: &mut syn::File) {
    MissingMethods.visit_file_mut(file);
    if let Some(types) = super::module_items(file, "types") {
        conflicting_conversions(types);
    }
}

/// Applies every repair to the generated mock helpers. `deep_objects`
/// names the query parameters sent in `deepObject` style.
pub(crate) fn apply_to_mock(file: &mut syn::File, deep_objects: &[String]) {
    MockHelpers { deep_objects }.visit_file_mut(file);
}

/// The mock helpers' query and body matchers, for values that are lists,
/// maps, options or scalars.
struct MockHelpers<'a> {
    deep_objects: &'a [String],
}

/// What a mock helper's `value` is.
#[derive(Clone, Copy, PartialEq)]
enum Value {
    List,
    Map,
    Other,
}

impl VisitMut for MockHelpers<'_> {
    fn visit_impl_item_fn_mut(&mut self, f: &mut syn::ImplItemFn) {
        let sig = &f.sig;
        let sig = quote::quote!(#sig).to_string();
        let value = if sig.contains(":: vec :: Vec <") {
            Value::List
        } else if sig.contains("serde_json :: Map <") {
            Value::Map
        } else {
            Value::Other
        };
        Matchers {
            value,
            deep_objects: self.deep_objects,
        }
        .visit_block_mut(&mut f.block);
    }
}

struct Matchers<'a> {
    value: Value,
    deep_objects: &'a [String],
}

impl VisitMut for Matchers<'_> {
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        syn::visit_mut::visit_expr_mut(self, expr);
        let syn::Expr::MethodCall(call) = expr else {
            return;
        };
        let receiver = &call.receiver;
        match (call.method.to_string().as_str(), call.args.len()) {
            // `json_body_obj` takes a reference; the helper's value may be a
            // scalar or an `Option<&T>`, which serialise as well by reference.
            ("json_body_obj", 1) => {
                let value = &call.args[0];
                if quote::quote!(#value).to_string() == "value" {
                    *expr = syn::parse_quote!(#receiver.json_body_obj(&value));
                }
            }
            ("query_param", 2) => {
                let arg = &call.args[1];
                if quote::quote!(#arg).to_string() != "value . to_string ()" {
                    return;
                }
                let name = &call.args[0];
                let name_text = match name {
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    }) => s.value(),
                    _ => return,
                };
                *expr = match self.value {
                    Value::List => syn::parse_quote!(value
                        .iter()
                        .fold(#receiver, |when, value| when.query_param(#name, value.to_string()))),
                    Value::Map => {
                        let key = if self.deep_objects.contains(&name_text) {
                            quote::quote!(format!("{}[{}]", #name, key))
                        } else {
                            quote::quote!(key)
                        };
                        syn::parse_quote!(value.iter().fold(#receiver, |when, (key, value)| {
                            let value = match value {
                                ::serde_json::Value::String(text) => text.clone(),
                                other => other.to_string(),
                            };
                            when.query_param(#key, value)
                        }))
                    }
                    Value::Other => return,
                };
            }
            _ => {}
        }
    }
}

/// Rewrites calls of HTTP-method helpers reqwest does not have.
struct MissingMethods;

impl VisitMut for MissingMethods {
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        syn::visit_mut::visit_expr_mut(self, expr);
        let syn::Expr::MethodCall(call) = expr else {
            return;
        };
        let method = match call.method.to_string().as_str() {
            "options" => quote::quote!(OPTIONS),
            "trace" => quote::quote!(TRACE),
            _ => return,
        };
        // Only the generated `client.client.options(url)`.
        let on_client = matches!(&*call.receiver, syn::Expr::Field(f) if matches!(&f.member, syn::Member::Named(n) if n == "client"));
        if !on_client || call.args.len() != 1 {
            return;
        }
        let receiver = &call.receiver;
        let url = &call.args[0];
        *expr = syn::parse_quote!(#receiver.request(::reqwest::Method::#method, #url));
    }
}

/// Removes `impl From<T> for E` where another `impl From<T> for E` exists.
fn conflicting_conversions(items: &mut Vec<syn::Item>) {
    use std::collections::HashMap;
    let key = |item: &syn::Item| -> Option<(String, String)> {
        let syn::Item::Impl(i) = item else {
            return None;
        };
        let (path, _) = i.trait_.as_ref()?;
        let last = path.segments.last()?;
        if last.ident != "From" {
            return None;
        }
        let arg = match &last.arguments {
            syn::PathArguments::AngleBracketed(a) => a.args.first()?,
            _ => return None,
        };
        let self_ty = &i.self_ty;
        Some((
            quote::quote!(#self_ty).to_string(),
            quote::quote!(#arg).to_string(),
        ))
    };
    let mut counts: HashMap<(String, String), usize> = HashMap::new();
    for item in items.iter() {
        if let Some(k) = key(item) {
            *counts.entry(k).or_default() += 1;
        }
    }
    items.retain(|item| key(item).is_none_or(|k| counts[&k] == 1));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repaired(code: &str) -> String {
        let mut file: syn::File = syn::parse_str(code).unwrap();
        apply(&mut file);
        prettyplease::unparse(&file)
    }

    #[test]
    fn options_and_trace_calls_become_requests_with_the_method() {
        let out = repaired(
            "fn f(client: &C, url: String) { let r = client.client.options(url).build(); client.other.options(1); }",
        );
        assert!(
            out.contains("client.client.request(::reqwest::Method::OPTIONS, url).build()"),
            "{out}"
        );
        assert!(out.contains("client.other.options(1)"), "{out}");
    }

    #[test]
    fn mock_helpers_match_lists_maps_and_bodies_of_any_type() {
        let mut file: syn::File = syn::parse_str(
            "impl W {
                pub fn ids<'a, T>(self, value: T) -> Self where T: Into<Option<&'a ::std::vec::Vec<i64>>> {
                    if let Some(value) = value.into() { Self(self.0.query_param(\"ids\", value.to_string())) }
                    else { Self(self.0.query_param_missing(\"ids\")) }
                }
                pub fn name<'a, T>(self, value: T) -> Self where T: Into<Option<&'a str>> {
                    if let Some(value) = value.into() { Self(self.0.query_param(\"name\", value.to_string())) }
                    else { Self(self.0.query_param_missing(\"name\")) }
                }
                pub fn tags(self, value: &::std::vec::Vec<String>) -> Self {
                    Self(self.0.query_param(\"tags\", value.to_string()))
                }
                pub fn filter(self, value: &::serde_json::Map<String, ::serde_json::Value>) -> Self {
                    Self(self.0.query_param(\"filter\", value.to_string()))
                }
                pub fn ok(self, value: Option<&Thing>) -> Self {
                    Self(self.0.status(200u16).json_body_obj(value))
                }
            }",
        )
        .unwrap();
        apply_to_mock(&mut file, &["filter".to_string()]);
        let out: String = prettyplease::unparse(&file)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        assert!(
            out.contains(".fold(self.0,|when,value|when.query_param(\"ids\",value.to_string())"),
            "{out}"
        );
        assert!(
            out.contains("Self(self.0.query_param(\"name\",value.to_string()))"),
            "{out}"
        );
        assert!(
            out.contains(".fold(self.0,|when,value|when.query_param(\"tags\",value.to_string())"),
            "{out}"
        );
        assert!(
            out.contains("when.query_param(format!(\"{}[{}]\",\"filter\",key),value)"),
            "{out}"
        );
        assert!(out.contains(".json_body_obj(&value)"), "{out}");
    }

    #[test]
    fn conversions_from_a_type_two_variants_hold_are_removed() {
        let out = repaired(
            "pub mod types {
                pub enum U { A(Vec<i64>), B(Vec<i64>), C(String) }
                impl From<Vec<i64>> for U { fn from(v: Vec<i64>) -> Self { Self::A(v) } }
                impl From<Vec<i64>> for U { fn from(v: Vec<i64>) -> Self { Self::B(v) } }
                impl From<String> for U { fn from(v: String) -> Self { Self::C(v) } }
            }",
        );
        assert!(!out.contains("From<Vec<i64>>"), "{out}");
        assert!(out.contains("impl From<String> for U"), "{out}");
    }
}
