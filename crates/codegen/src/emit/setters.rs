//! Setters that take what a Rust user writes.
//!
//! typify's setters take `T: TryInto<Option<X>>` for an optional field, so
//! `.name("renamed")` and `.max_tokens(64)` do not compile: `Option<String>`
//! has no `From<&str>`, and `Option<NonZeroU64>` no `From<{integer}>`.
//! progenitor's parameter setters take the plain value, but throw the
//! conversion's error away ("conversion to `:: std :: num :: NonZeroU64`
//! for limit failed"). This emitter writes every setter of the types'
//! builders and of the operations' builders again, in one shape:
//!
//! - **the plain value** for an optional field or parameter
//!   (`.name("renamed")`), with `maybe_name(Option<X>)` beside it to pass
//!   an `Option` or clear the field;
//! - **a plain integer** for an integer, bounded or `NonZero`
//!   (`.max_tokens(64)`), checked when it is set: the error names the
//!   field, the value and the rule (`n: 0 is out of range: it must be at
//!   least 1`);
//! - **anything that converts into each item** for a list
//!   (`.messages([builder, builder])`, `.stop(["\n"])`): a builder is
//!   taken where its type is asked, in a list as alone;
//! - otherwise **anything that converts** into the type (`TryInto`), its
//!   error kept in the message, prefixed with the field's name.
//!
//! The error is kept in the builder until the value is built or the call
//! sent, as typify and progenitor do, so a chain of setters stays a chain.
//! The `body` setter of an operation is left as progenitor wrote it.

use super::generic_of;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::HashSet;

/// Rewrites the setters of `types::builder` and of `builder` in `file`.
pub(crate) fn plain(file: &mut syn::File) {
    for item in &mut file.items {
        let syn::Item::Mod(m) = item else { continue };
        let Some((_, items)) = &mut m.content else {
            continue;
        };
        if m.ident == "builder" {
            rewrite_impls(items, Family::Operation);
        } else if m.ident == "types" {
            for item in items.iter_mut() {
                if let syn::Item::Mod(b) = item {
                    if b.ident == "builder" {
                        if let Some((_, items)) = &mut b.content {
                            rewrite_impls(items, Family::Type);
                        }
                    }
                }
            }
        }
    }
}

/// Whose builder: typify's (a type's) or progenitor's (an operation's).
#[derive(Clone, Copy, PartialEq)]
enum Family {
    /// typify's: an optional field's setter converts into `Option<X>`.
    Type,
    /// progenitor's: an optional parameter's setter converts into `X` and
    /// wraps it in `Some`.
    Operation,
}

fn rewrite_impls(items: &mut [syn::Item], family: Family) {
    for item in items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        if block.trait_.is_some() {
            continue;
        }
        let taken: HashSet<String> = block
            .items
            .iter()
            .filter_map(|i| match i {
                syn::ImplItem::Fn(f) => Some(f.sig.ident.to_string()),
                _ => None,
            })
            .collect();
        let mut out = Vec::with_capacity(block.items.len());
        for item in std::mem::take(&mut block.items) {
            match &item {
                syn::ImplItem::Fn(f) => match Setter::read(f, family) {
                    Some(setter) => out.extend(setter.emit(&taken)),
                    None => out.push(item),
                },
                _ => out.push(item),
            }
        }
        block.items = out;
    }
}

/// One setter as typify or progenitor wrote it.
struct Setter {
    attrs: Vec<syn::Attribute>,
    name: syn::Ident,
    field: syn::Member,
    /// The type the value is stored as, inside the `Option` if optional.
    inner: syn::Type,
    optional: bool,
}

impl Setter {
    fn read(f: &syn::ImplItemFn, family: Family) -> Option<Self> {
        if f.sig.ident == "body" || f.sig.inputs.len() != 2 {
            return None;
        }
        let target = crate::surface::setter_target(&f.sig)?;
        let field = assigned_field(&f.block)?;
        let (inner, optional) = match family {
            Family::Type => match option_inner(&target) {
                Some(inner) => (inner.clone(), true),
                None => (target, false),
            },
            Family::Operation => {
                let block = &f.block;
                let text = quote!(#block).to_string();
                (target, text.contains("map (Some)"))
            }
        };
        Some(Self {
            attrs: f.attrs.clone(),
            name: f.sig.ident.clone(),
            field,
            inner,
            optional,
        })
    }

    fn emit(&self, taken: &HashSet<String>) -> Vec<syn::ImplItem> {
        let Self {
            attrs,
            name,
            field,
            inner,
            optional,
        } = self;
        let label = unraw(name);
        let (bounds, convert) = conversion(inner, &label);
        let wrap = optional.then(|| quote!(.map(Some)));
        let mut out: Vec<syn::ImplItem> = vec![syn::parse_quote! {
            #(#attrs)*
            pub fn #name<T>(mut self, value: T) -> Self where #bounds {
                self.#field = #convert #wrap;
                self
            }
        }];
        let maybe = format_ident!("maybe_{}", label);
        if *optional && !taken.contains(&maybe.to_string()) {
            let kept = attrs.iter().filter(|a| a.path().is_ident("deprecated"));
            let doc = format!(
                " Sets `{label}` from an `Option`: `None` leaves it unset, and clears a value set before."
            );
            out.push(syn::parse_quote! {
                #[doc = #doc]
                #(#kept)*
                pub fn #maybe(mut self, value: ::std::option::Option<#inner>) -> Self {
                    self.#field = Ok(value);
                    self
                }
            });
        }
        out
    }
}

/// The bounds on `T` and the expression converting `value` into a
/// `Result<inner, String>`.
fn conversion(inner: &syn::Type, label: &str) -> (TokenStream, TokenStream) {
    if let Some(primitive) = integer(inner) {
        let shown = primitive.to_string();
        return (
            quote!(T: ::std::convert::TryInto<#primitive> + ::std::marker::Copy + ::std::fmt::Display),
            quote! {
                value.try_into().map_err(|_| format!("{}: {} is out of range for {}", #label, value, #shown))
            },
        );
    }
    if let Some((nonzero, primitive)) = nonzero(inner) {
        let rule = if primitive.to_string().starts_with('u') {
            "it must be at least 1"
        } else {
            "it must not be 0"
        };
        return (
            quote!(T: ::std::convert::TryInto<#primitive> + ::std::marker::Copy + ::std::fmt::Display),
            quote! {
                value
                    .try_into()
                    .ok()
                    .and_then(#nonzero::new)
                    .ok_or_else(|| format!("{}: {} is out of range: {}", #label, value, #rule))
            },
        );
    }
    if let Some(item) = vec_item(inner) {
        return (
            quote! {
                T: ::std::iter::IntoIterator,
                T::Item: ::std::convert::TryInto<#item>,
                <T::Item as ::std::convert::TryInto<#item>>::Error: ::std::fmt::Display
            },
            quote! {
                value
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| v.try_into().map_err(|e| format!("{}[{}]: {}", #label, i, e)))
                    .collect::<::std::result::Result<::std::vec::Vec<_>, ::std::string::String>>()
            },
        );
    }
    (
        quote!(T: ::std::convert::TryInto<#inner>, T::Error: ::std::fmt::Display),
        quote!(value.try_into().map_err(|e| format!("{}: {}", #label, e))),
    )
}

/// The field a setter assigns: `self.field = ...`.
fn assigned_field(block: &syn::Block) -> Option<syn::Member> {
    block.stmts.iter().find_map(|stmt| {
        let syn::Stmt::Expr(syn::Expr::Assign(assign), _) = stmt else {
            return None;
        };
        match &*assign.left {
            syn::Expr::Field(f) => Some(f.member.clone()),
            _ => None,
        }
    })
}

/// `X` of `Option<X>`, written as typify writes it.
fn option_inner(ty: &syn::Type) -> Option<&syn::Type> {
    generic_of(ty, "Option")
}

fn vec_item(ty: &syn::Type) -> Option<&syn::Type> {
    generic_of(ty, "Vec")
}

const INTEGERS: &[&str] = &[
    "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize",
];

/// The primitive integer `ty` is, if it is one.
fn integer(ty: &syn::Type) -> Option<syn::Ident> {
    let syn::Type::Path(p) = ty else { return None };
    let ident = p.path.get_ident()?;
    INTEGERS
        .contains(&ident.to_string().as_str())
        .then(|| ident.clone())
}

/// `(NonZeroU64, u64)` for `::std::num::NonZeroU64` and the like.
fn nonzero(ty: &syn::Type) -> Option<(syn::Path, syn::Ident)> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    let name = last.ident.to_string();
    let primitive = name.strip_prefix("NonZero")?.to_lowercase();
    INTEGERS
        .contains(&primitive.as_str())
        .then(|| (p.path.clone(), format_ident!("{}", primitive)))
}

fn unraw(ident: &syn::Ident) -> String {
    let name = ident.to_string();
    name.strip_prefix("r#").map(String::from).unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(items: TokenStream, family: Family) -> String {
        let mut file: syn::File = syn::parse2(items).unwrap();
        rewrite_impls(&mut file.items, family);
        prettyplease::unparse(&file)
    }

    #[test]
    fn an_optional_field_takes_the_plain_value_and_an_option() {
        let out = rewritten(
            quote! {
                impl Thing {
                    pub fn name<T>(mut self, value: T) -> Self
                    where T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>, T::Error: ::std::fmt::Display,
                    {
                        self.name = value.try_into().map_err(|e| format!("error converting supplied value for name: {e}"));
                        self
                    }
                }
            },
            Family::Type,
        );
        assert!(
            out.contains("T: ::std::convert::TryInto<::std::string::String>"),
            "{out}"
        );
        assert!(out.contains(".map(Some)"), "{out}");
        assert!(
            out.contains("pub fn maybe_name(")
                && out.contains("value: ::std::option::Option<::std::string::String>,"),
            "{out}"
        );
    }

    #[test]
    fn a_nonzero_parameter_takes_a_plain_integer_and_names_the_rule() {
        let out = rewritten(
            quote! {
                impl<'a> ListThings<'a> {
                    pub fn limit<V>(mut self, value: V) -> Self
                    where V: std::convert::TryInto<::std::num::NonZeroU64>,
                    {
                        self.limit = value.try_into().map(Some).map_err(|_| "conversion to `NonZeroU64` for limit failed".to_string());
                        self
                    }
                }
            },
            Family::Operation,
        );
        assert!(out.contains("T: ::std::convert::TryInto<u64>"), "{out}");
        assert!(out.contains("it must be at least 1"), "{out}");
        assert!(out.contains("pub fn maybe_limit"), "{out}");
    }

    #[test]
    fn a_list_takes_anything_converting_into_each_item_and_required_fields_get_no_maybe() {
        let out = rewritten(
            quote! {
                impl Request {
                    pub fn messages<T>(mut self, value: T) -> Self
                    where T: ::std::convert::TryInto<::std::vec::Vec<super::Message>>, T::Error: ::std::fmt::Display,
                    {
                        self.messages = value.try_into().map_err(|e| format!("error converting supplied value for messages: {e}"));
                        self
                    }
                }
            },
            Family::Type,
        );
        assert!(
            out.contains("T::Item: ::std::convert::TryInto<super::Message>"),
            "{out}"
        );
        assert!(!out.contains("maybe_messages"), "{out}");
    }
}
