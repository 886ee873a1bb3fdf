//! Unions a user can name and build.
//!
//! typify names the variants of an untagged union after the schemas they
//! hold, and falls back to `Variant0`, `Variant1`… when any of them has no
//! name (a string, a list of integers). So `.prompt("hi")` does not compile,
//! and the value is `CompletionRequestPrompt::Variant0("hi".into())`. This
//! emitter:
//!
//! - **names the variants from what they hold** (typify's `VariantN`, and
//!   the JSON type names it gives plain values, `String` and `Array`):
//!   `Text` for a string, `Texts` for a list of strings, `Integers` for a
//!   list of integers,
//!   `IntegerLists` for a list of those, `Integer`, `Number`, `Boolean`,
//!   `Object`, `Json`; a schema's type gives its name (less the union's own
//!   name where it starts with it), a list of one `…List`, and a one-value
//!   enum its value's name. A name taken twice gets a number; a variant no
//!   rule names keeps typify's name. Every path to a renamed variant, in the
//!   client and its mocks, follows.
//! - **converts from what a user has:** `&str` and `String` where a variant
//!   holds a string, `Vec<&str>`, `&[&str]` and `[&str; N]` where one holds
//!   a list of strings;
//! - **takes the builder of a variant's type**, so that
//!   `.body(Variant::builder()…)` and `.content(Part::builder()…)` need no
//!   `try_from` by hand. A type that two variants hold gets none of these,
//!   as typify does for its own conversions.

use super::generic_of;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::{HashMap, HashSet};
use syn::visit_mut::VisitMut;

/// Names, conversions and builders for the untagged unions of `client`;
/// renamed variants are followed in `mock` too.
pub(crate) fn emit(client: &mut syn::File, mock: &mut syn::File) {
    let Some(types) = super::module_items(client, "types") else {
        return;
    };
    let builders = builder_names(types);
    let enums = enum_shapes(types);
    let one_value = one_value_enums(types);
    let mut renames: HashMap<String, HashMap<String, String>> = HashMap::new();
    for e in &enums {
        let names = variant_names(e, &one_value);
        if !names.is_empty() {
            renames.insert(e.name.clone(), names);
        }
    }
    let mut added = Vec::new();
    for e in &enums {
        let names = renames.get(&e.name);
        let name_of = |v: &Variant| -> syn::Ident {
            let new = names.and_then(|n| n.get(&v.name)).unwrap_or(&v.name);
            format_ident!("{}", new)
        };
        added.extend(conversions(e, &name_of, &builders));
    }
    let mut renamer = Renamer {
        renames: &renames,
        current: None,
    };
    renamer.visit_file_mut(client);
    renamer.visit_file_mut(mock);
    if let Some(types) = super::module_items(client, "types") {
        types.extend(added);
    }
}

/// An untagged union as typify wrote it.
struct Union {
    name: String,
    variants: Vec<Variant>,
    /// `From<T>` and `TryFrom<T>` impls it has already, by `T`'s text.
    converts_from: HashSet<String>,
}

struct Variant {
    name: String,
    /// The one type it holds; `None` for a unit variant.
    holds: Option<syn::Type>,
}

/// The types that have a builder in `types::builder`.
fn builder_names(types: &[syn::Item]) -> HashSet<String> {
    types
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "builder" => m.content.as_ref(),
            _ => None,
        })
        .map(|(_, items)| {
            items
                .iter()
                .filter_map(|item| match item {
                    syn::Item::Struct(s) => Some(s.ident.to_string()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

fn is_untagged(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("serde") && {
            let tokens = &a.meta;
            quote!(#tokens).to_string().contains("untagged")
        }
    })
}

/// The enums of one unit variant, by name → that variant's name.
fn one_value_enums(types: &[syn::Item]) -> HashMap<String, String> {
    types
        .iter()
        .filter_map(|item| match item {
            syn::Item::Enum(e) if e.variants.len() == 1 && !is_untagged(&e.attrs) => {
                let v = &e.variants[0];
                matches!(v.fields, syn::Fields::Unit)
                    .then(|| (e.ident.to_string(), v.ident.to_string()))
            }
            _ => None,
        })
        .collect()
}

/// Every untagged union whose variants each hold one type or none.
fn enum_shapes(types: &[syn::Item]) -> Vec<Union> {
    let mut unions = Vec::new();
    for item in types {
        let syn::Item::Enum(e) = item else { continue };
        if !is_untagged(&e.attrs) {
            continue;
        }
        let variants: Option<Vec<Variant>> = e
            .variants
            .iter()
            .map(|v| match &v.fields {
                syn::Fields::Unnamed(f) if f.unnamed.len() == 1 => Some(Variant {
                    name: v.ident.to_string(),
                    holds: Some(f.unnamed[0].ty.clone()),
                }),
                syn::Fields::Unit => Some(Variant {
                    name: v.ident.to_string(),
                    holds: None,
                }),
                _ => None,
            })
            .collect();
        if let Some(variants) = variants {
            unions.push(Union {
                name: e.ident.to_string(),
                variants,
                converts_from: HashSet::new(),
            });
        }
    }
    for item in types {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let Some((path, _)) = &block.trait_ else {
            continue;
        };
        let Some(last) = path.segments.last() else {
            continue;
        };
        if last.ident != "From" && last.ident != "TryFrom" {
            continue;
        }
        let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
            continue;
        };
        let Some(syn::GenericArgument::Type(from)) = args.args.first() else {
            continue;
        };
        let target = last_ident(&block.self_ty);
        if let Some(u) = unions.iter_mut().find(|u| Some(&u.name) == target.as_ref()) {
            u.converts_from.insert(crate::surface::text(from));
        }
    }
    unions
}

fn last_ident(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// Whether typify named the variant without knowing what it holds:
/// `Variant0`…, or a JSON type's name (`String`, `Array`).
fn is_typify_fallback(name: &str) -> bool {
    const JSON_TYPES: &[&str] = &["String", "Array", "Object", "Integer", "Number", "Boolean"];
    JSON_TYPES.contains(&name)
        || name
            .strip_prefix("Variant")
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

/// New names for the `VariantN` variants of `union`, old → new.
fn variant_names(union: &Union, one_value: &HashMap<String, String>) -> HashMap<String, String> {
    if !union.variants.iter().any(|v| is_typify_fallback(&v.name)) {
        return HashMap::new();
    }
    let mut taken: HashSet<String> = union
        .variants
        .iter()
        .filter(|v| !is_typify_fallback(&v.name))
        .map(|v| v.name.clone())
        .collect();
    let mut out = HashMap::new();
    for v in &union.variants {
        if !is_typify_fallback(&v.name) {
            continue;
        }
        let Some(base) = v
            .holds
            .as_ref()
            .and_then(|t| held_name(t, &union.name, one_value))
        else {
            continue;
        };
        let name = std::iter::once(base.clone())
            .chain((2..).map(|n| format!("{base}{n}")))
            .find(|n| !taken.contains(n))
            .expect("some number is free");
        taken.insert(name.clone());
        out.insert(v.name.clone(), name);
    }
    out
}

/// The name of a variant holding `ty`, in the union `union`.
fn held_name(ty: &syn::Type, union: &str, one_value: &HashMap<String, String>) -> Option<String> {
    if let Some(item) = generic_of(ty, "Vec") {
        if let Some(inner) = generic_of(item, "Vec") {
            return is_integer(inner).then(|| "IntegerLists".to_string());
        }
        return Some(match scalar(item) {
            Some("Text") => "Texts".into(),
            Some("Integer") => "Integers".into(),
            Some("Number") => "Numbers".into(),
            Some("Boolean") => "Booleans".into(),
            Some(other) => format!("{other}List"),
            None => format!("{}List", named(item, union, one_value)?),
        });
    }
    if let Some(boxed) = generic_of(ty, "Box") {
        return held_name(boxed, union, one_value);
    }
    scalar(ty)
        .map(String::from)
        .or_else(|| named(ty, union, one_value))
}

/// The name of a scalar or untyped value.
fn scalar(ty: &syn::Type) -> Option<&'static str> {
    let last = last_ident(ty)?;
    Some(match last.as_str() {
        "String" => "Text",
        "f64" | "f32" => "Number",
        "bool" => "Boolean",
        "Value" => "Json",
        "Map" | "HashMap" | "BTreeMap" => "Object",
        _ if is_integer(ty) => "Integer",
        _ => return None,
    })
}

fn is_integer(ty: &syn::Type) -> bool {
    last_ident(ty).is_some_and(|n| {
        matches!(
            n.as_str(),
            "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64"
        ) || n.starts_with("NonZero")
    })
}

/// A named type's name, less the union's name where it starts with it;
/// a one-value enum's value.
fn named(ty: &syn::Type, union: &str, one_value: &HashMap<String, String>) -> Option<String> {
    let name = last_ident(ty)?;
    if let Some(value) = one_value.get(&name) {
        return Some(value.clone());
    }
    let rest = name.strip_prefix(union).unwrap_or(&name);
    if rest.is_empty() || is_typify_fallback(rest) {
        return None;
    }
    Some(rest.to_string())
}

/// The conversions `union` gets: from strings, lists of strings, and the
/// builders of the types its variants hold.
fn conversions(
    union: &Union,
    name_of: &dyn Fn(&Variant) -> syn::Ident,
    builders: &HashSet<String>,
) -> Vec<syn::Item> {
    let ty = format_ident!("{}", union.name);
    let mut held: HashMap<String, usize> = HashMap::new();
    for v in &union.variants {
        if let Some(t) = &v.holds {
            *held.entry(crate::surface::text(t)).or_default() += 1;
        }
    }
    let once = |t: &syn::Type| held.get(&crate::surface::text(t)) == Some(&1);
    let free = |from: &str| !union.converts_from.contains(from);
    let mut out: Vec<TokenStream> = Vec::new();
    for v in &union.variants {
        let Some(holds) = &v.holds else { continue };
        if !once(holds) {
            continue;
        }
        let variant = name_of(v);
        let last = last_ident(holds);
        if last.as_deref() == Some("String") {
            if free("&str") {
                out.push(quote! {
                    impl ::std::convert::From<&str> for #ty {
                        fn from(value: &str) -> Self {
                            Self::#variant(value.to_string())
                        }
                    }
                });
            }
            if free("::std::string::String") && free("String") {
                out.push(quote! {
                    impl ::std::convert::From<::std::string::String> for #ty {
                        fn from(value: ::std::string::String) -> Self {
                            Self::#variant(value)
                        }
                    }
                });
            }
        } else if generic_of(holds, "Vec").and_then(last_ident).as_deref() == Some("String") {
            out.push(quote! {
                impl ::std::convert::From<::std::vec::Vec<&str>> for #ty {
                    fn from(value: ::std::vec::Vec<&str>) -> Self {
                        Self::#variant(value.into_iter().map(::std::string::String::from).collect())
                    }
                }
                impl ::std::convert::From<&[&str]> for #ty {
                    fn from(value: &[&str]) -> Self {
                        Self::#variant(value.iter().map(|s| s.to_string()).collect())
                    }
                }
                impl<const N: usize> ::std::convert::From<[&str; N]> for #ty {
                    fn from(value: [&str; N]) -> Self {
                        Self::#variant(value.into_iter().map(::std::string::String::from).collect())
                    }
                }
            });
        } else {
            let (inner, boxed) = match generic_of(holds, "Box") {
                Some(inner) => (inner, true),
                None => (holds, false),
            };
            let Some(name) = last_ident(inner).filter(|n| builders.contains(n)) else {
                continue;
            };
            let builder = format_ident!("{}", name);
            let from = format!("builder::{name}");
            if !free(&from) {
                continue;
            }
            let value = if boxed {
                quote!(::std::boxed::Box::new(value.try_into()?))
            } else {
                quote!(value.try_into()?)
            };
            out.push(quote! {
                impl ::std::convert::TryFrom<builder::#builder> for #ty {
                    type Error = self::error::ConversionError;
                    fn try_from(
                        value: builder::#builder,
                    ) -> ::std::result::Result<Self, self::error::ConversionError> {
                        Ok(Self::#variant(#value))
                    }
                }
            });
        }
    }
    out.into_iter()
        .flat_map(|tokens| {
            syn::parse2::<syn::File>(tokens)
                .expect("conversions are items")
                .items
        })
        .collect()
}

/// Follows renamed variants: `Union::Old` and, in the union's own impls,
/// `Self::Old`.
struct Renamer<'a> {
    renames: &'a HashMap<String, HashMap<String, String>>,
    current: Option<String>,
}

impl VisitMut for Renamer<'_> {
    fn visit_item_enum_mut(&mut self, e: &mut syn::ItemEnum) {
        if let Some(names) = self.renames.get(&e.ident.to_string()) {
            for v in &mut e.variants {
                if let Some(new) = names.get(&v.ident.to_string()) {
                    v.ident = format_ident!("{}", new);
                }
            }
        }
        syn::visit_mut::visit_item_enum_mut(self, e);
    }

    fn visit_item_impl_mut(&mut self, block: &mut syn::ItemImpl) {
        let previous = self.current.take();
        self.current = last_ident(&block.self_ty);
        syn::visit_mut::visit_item_impl_mut(self, block);
        self.current = previous;
    }

    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        syn::visit_mut::visit_path_mut(self, path);
        let n = path.segments.len();
        if n < 2 {
            return;
        }
        let owner = path.segments[n - 2].ident.to_string();
        let owner = if owner == "Self" {
            match &self.current {
                Some(current) => current.clone(),
                None => return,
            }
        } else {
            owner
        };
        let Some(names) = self.renames.get(&owner) else {
            return;
        };
        let last = &mut path.segments[n - 1];
        if let Some(new) = names.get(&last.ident.to_string()) {
            last.ident = format_ident!("{}", new);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(tokens: TokenStream) -> String {
        let mut client: syn::File = syn::parse2(tokens).unwrap();
        let mut mock: syn::File = syn::parse_quote!();
        emit(&mut client, &mut mock);
        prettyplease::unparse(&client)
    }

    #[test]
    fn variants_are_named_from_what_they_hold_and_take_plain_values() {
        let out = run(quote! {
            pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                #[serde(untagged)]
                pub enum Prompt {
                    Variant0(::std::string::String),
                    Variant1(::std::vec::Vec<::std::string::String>),
                    Variant2(::std::vec::Vec<i64>),
                    Variant3(::std::vec::Vec<::std::vec::Vec<i64>>),
                }
                impl ::std::convert::From<::std::vec::Vec<i64>> for Prompt {
                    fn from(value: ::std::vec::Vec<i64>) -> Self {
                        Self::Variant2(value)
                    }
                }
                impl ::std::fmt::Display for Prompt {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        match self { Self::Variant0(x) => x.fmt(f), _ => Ok(()) }
                    }
                }
                pub mod builder {}
            }
        });
        for wanted in [
            "Text(::std::string::String)",
            "Texts(::std::vec::Vec<::std::string::String>)",
            "Integers(::std::vec::Vec<i64>)",
            "IntegerLists(",
            "Self::Integers(value)",
            "Self::Text(x) => x.fmt(f)",
            "impl ::std::convert::From<&str> for Prompt",
            "impl<const N: usize> ::std::convert::From<[&str; N]> for Prompt",
        ] {
            assert!(out.contains(wanted), "no `{wanted}` in\n{out}");
        }
        assert!(!out.contains("Variant"), "{out}");
    }

    #[test]
    fn a_variants_builder_converts_and_named_variants_keep_their_names() {
        let out = run(quote! {
            pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                #[serde(untagged)]
                pub enum CreateRequest {
                    Upload(CreateRequestUpload),
                    Import(CreateRequestImport),
                }
                pub struct CreateRequestUpload {}
                pub struct CreateRequestImport {}
                pub mod builder {
                    pub struct CreateRequestUpload {}
                }
            }
        });
        assert!(
            out.contains(
                "impl ::std::convert::TryFrom<builder::CreateRequestUpload> for CreateRequest"
            ),
            "{out}"
        );
        assert!(!out.contains("builder::CreateRequestImport>"), "{out}");
        assert!(out.contains("Upload(CreateRequestUpload)"), "{out}");
    }
}
