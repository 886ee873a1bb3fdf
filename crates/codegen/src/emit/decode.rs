//! Decoding what servers send, and saying why when it fails.
//!
//! - **A field that may be null may also be absent.** A property the
//!   document requires and allows to be null becomes an `Option` that
//!   typify's serde derive insists on seeing; servers leave such keys out
//!   (an OpenAI-compatible chat completion without `logprobs`). Every
//!   `Option` field decodes as `None` when its key is absent.
//! - **An untagged union says what failed in each variant.** serde's
//!   untagged derive reports only "data did not match any variant". Each
//!   untagged union typify writes gets a `Deserialize` that tries its
//!   variants in the same order and, when none fits, names every variant
//!   with its error: `ChatCompletion: missing field `logprobs``.

use proc_macro2::TokenStream;
use quote::quote;

/// The longest text kept of one variant's error, and of the whole message.
const VARIANT_ERROR_CHARS: usize = 300;
const MESSAGE_CHARS: usize = 4096;

/// Applies both to the `types` module of `file`.
pub(crate) fn lenient(file: &mut syn::File) {
    let Some(items) = super::module_items(file, "types") else {
        return;
    };
    let mut added = Vec::new();
    for item in items.iter_mut() {
        match item {
            syn::Item::Struct(s) if derives_deserialize(&s.attrs) => absent_is_none(s),
            syn::Item::Enum(e) if derives_deserialize(&e.attrs) && is_untagged(&e.attrs) => {
                if let Some(tokens) = untagged(e) {
                    remove_deserialize(&mut e.attrs);
                    added.push(tokens);
                }
            }
            _ => {}
        }
    }
    if added.is_empty() {
        return;
    }
    let helper = helper();
    let file: syn::File = syn::parse2(quote!(#helper #(#added)*)).expect("impls are items");
    items.extend(file.items);
}

fn derives_deserialize(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("derive") && {
            let meta = &a.meta;
            quote!(#meta).to_string().contains("Deserialize")
        }
    })
}

fn is_untagged(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("serde") && {
            let meta = &a.meta;
            quote!(#meta).to_string().contains("untagged")
        }
    })
}

/// `#[serde(default)]` on every `Option` field that has no default yet.
fn absent_is_none(s: &mut syn::ItemStruct) {
    let syn::Fields::Named(fields) = &mut s.fields else {
        return;
    };
    for field in &mut fields.named {
        let syn::Type::Path(p) = &field.ty else {
            continue;
        };
        if p.path.segments.last().is_none_or(|l| l.ident != "Option") {
            continue;
        }
        let has_default = field.attrs.iter().any(|a| {
            a.path().is_ident("serde") && {
                let meta = &a.meta;
                let text = quote!(#meta).to_string();
                text.contains("default") || text.contains("flatten")
            }
        });
        if !has_default {
            field.attrs.push(syn::parse_quote!(#[serde(default)]));
        }
    }
}

/// The `Deserialize` of an untagged union whose variants each hold one
/// type or none, with no serde attributes of their own; `None` for any
/// other (serde's derive stays).
fn untagged(e: &syn::ItemEnum) -> Option<TokenStream> {
    if !e.generics.params.is_empty() {
        return None;
    }
    let name = &e.ident;
    let label = name.to_string();
    let mut tries = Vec::new();
    for v in &e.variants {
        if v.attrs.iter().any(|a| a.path().is_ident("serde")) {
            return None;
        }
        let variant = &v.ident;
        let shown = variant.to_string();
        tries.push(match &v.fields {
            syn::Fields::Unnamed(f) if f.unnamed.len() == 1 => {
                let ty = &f.unnamed[0].ty;
                quote! {
                    match <#ty as ::serde::Deserialize>::deserialize(&value) {
                        Ok(v) => return Ok(Self::#variant(v)),
                        Err(e) => failures.push((#shown, e.to_string())),
                    }
                }
            }
            syn::Fields::Unit => quote! {
                if value.is_null() {
                    return Ok(Self::#variant);
                }
                failures.push((#shown, "not null".to_string()));
            },
            _ => return None,
        });
    }
    Some(quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: ::serde::Deserializer<'de>,
            {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let mut failures: ::std::vec::Vec<(&str, ::std::string::String)> = ::std::vec::Vec::new();
                #(#tries)*
                Err(<D::Error as ::serde::de::Error>::custom(no_variant_matched(#label, &failures)))
            }
        }
    })
}

/// The message of an untagged union that no variant fits.
fn helper() -> TokenStream {
    quote! {
        /// Why no variant of an untagged union fits: each variant with the
        /// start of its error.
        fn no_variant_matched(union: &str, failures: &[(&str, ::std::string::String)]) -> ::std::string::String {
            let mut message = format!("data did not match any variant of {union}");
            for (i, (variant, error)) in failures.iter().enumerate() {
                let error: ::std::string::String = error.chars().take(#VARIANT_ERROR_CHARS).collect();
                let part = format!("{}{variant}: {error}", if i == 0 { ": " } else { "; " });
                if message.len() + part.len() > #MESSAGE_CHARS {
                    message.push_str("; …");
                    break;
                }
                message.push_str(&part);
            }
            message
        }
    }
}

/// Takes `Deserialize` out of the enum's derive list.
fn remove_deserialize(attrs: &mut [syn::Attribute]) {
    for attr in attrs {
        if !attr.path().is_ident("derive") {
            continue;
        }
        let Ok(paths) = attr.parse_args_with(
            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        ) else {
            continue;
        };
        let kept = paths
            .iter()
            .filter(|p| p.segments.last().is_none_or(|l| l.ident != "Deserialize"));
        *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(tokens: TokenStream) -> String {
        let mut file: syn::File = syn::parse2(tokens).unwrap();
        lenient(&mut file);
        prettyplease::unparse(&file)
    }

    #[test]
    fn options_decode_when_absent_and_unions_say_why_each_variant_failed() {
        let out = run(quote! {
            pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone)]
                pub struct Choice {
                    pub logprobs: ::std::option::Option<Logprobs>,
                    #[serde(default, skip_serializing_if = "Option::is_none")]
                    pub name: ::std::option::Option<::std::string::String>,
                    pub index: i64,
                }
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone)]
                #[serde(untagged)]
                pub enum Response {
                    Completion(Completion),
                    Text(::std::string::String),
                }
            }
        });
        assert_eq!(out.matches("#[serde(default)]").count(), 1, "{out}");
        assert!(
            out.contains("#[derive(::serde::Serialize, Clone)]"),
            "{out}"
        );
        assert!(
            out.contains("impl<'de> ::serde::Deserialize<'de> for Response"),
            "{out}"
        );
        assert!(
            out.contains("failures.push((\"Completion\", e.to_string()))"),
            "{out}"
        );
        assert!(out.contains("fn no_variant_matched"), "{out}");
    }
}
