//! Builders of types that only answers hold, compiled for tests only.
//!
//! typify writes a builder for every struct it generates. A caller builds a
//! type to send it: the body of an operation, one of its parameters, or
//! anything they hold. A type that no request can hold (a response, a
//! stream's chunk, their parts) is built by the client's decoding, never by a
//! caller, except in a test that serves it from a mock server. On the API's
//! own document those builders, their setters and conversions were most of
//! the `types::builder` module and a large part of every cold build (see
//! BENCHMARKS.md, "Cold build, side by side"), compiled by every user for
//! code nobody called.
//!
//! So the builders of types that no request reaches are compiled with the
//! mock feature ([`crate::Options::mock_feature`]), the feature a test that
//! serves answers enables; a client generated without one keeps them all. What is gated: the
//! builder struct and its impls, the type's `builder()`, and the conversions
//! from its builder (a union's `TryFrom<builder::Arm>`). The types
//! themselves, their fields and their derives are untouched: an answer is
//! read, cloned, compared and serialised as before, and built with a struct
//! literal anywhere.
//!
//! A type is reached when an operation's builder holds it (the body and the
//! parameters, the fields of progenitor's builder structs), or when a type
//! reached holds it, by any path through fields and variants.

use std::collections::{BTreeSet, HashMap, HashSet};
use syn::visit::Visit;

/// Gates the builders of the types no request reaches behind `feature`.
/// Returns how many builders were gated.
pub(crate) fn gate(file: &mut syn::File, feature: &str) -> usize {
    let answer_only = answer_only(file);
    if answer_only.is_empty() {
        return 0;
    }
    let gate: syn::Attribute = syn::parse_quote!(#[cfg(feature = #feature)]);
    let Some(types) = super::module_items(file, "types") else {
        return 0;
    };
    let mut gated = 0;
    for item in types.iter_mut() {
        match item {
            syn::Item::Mod(m) if m.ident == "builder" => {
                let Some((_, items)) = &mut m.content else {
                    continue;
                };
                for item in items.iter_mut() {
                    match item {
                        syn::Item::Struct(s) if answer_only.contains(&s.ident.to_string()) => {
                            s.attrs.push(gate.clone());
                            gated += 1;
                        }
                        syn::Item::Impl(block)
                            if super::self_type_name(block)
                                .is_some_and(|n| answer_only.contains(&n)) =>
                        {
                            block.attrs.push(gate.clone());
                        }
                        _ => {}
                    }
                }
            }
            syn::Item::Impl(block) => {
                if block.trait_.is_some() {
                    if BuilderOf::in_impl(&answer_only, block) {
                        block.attrs.push(gate.clone());
                    }
                    continue;
                }
                let names: Vec<bool> = block
                    .items
                    .iter()
                    .map(|m| matches!(m, syn::ImplItem::Fn(f) if BuilderOf::in_fn(&answer_only, f)))
                    .collect();
                if names.iter().all(|n| *n) {
                    // Nothing left without the feature: the whole block goes,
                    // so that no empty `impl` remains.
                    block.attrs.push(gate.clone());
                    continue;
                }
                for (member, names) in block.items.iter_mut().zip(names) {
                    if let (syn::ImplItem::Fn(f), true) = (member, names) {
                        f.attrs.push(gate.clone());
                    }
                }
            }
            _ => {}
        }
    }
    gated
}

/// The types of `types` that no operation's builder reaches.
fn answer_only(file: &syn::File) -> BTreeSet<String> {
    let mut defined: HashMap<String, &syn::Item> = HashMap::new();
    let mut roots = HashSet::new();
    for item in &file.items {
        let syn::Item::Mod(m) = item else { continue };
        let Some((_, items)) = &m.content else {
            continue;
        };
        if m.ident == "types" {
            for item in items {
                let name = match item {
                    syn::Item::Struct(s) => &s.ident,
                    syn::Item::Enum(e) => &e.ident,
                    syn::Item::Type(t) => &t.ident,
                    _ => continue,
                };
                defined.insert(name.to_string(), item);
            }
        } else if m.ident == "builder" {
            // The operations' builders: what they hold is what is sent.
            for item in items {
                if let syn::Item::Struct(s) = item {
                    for field in &s.fields {
                        roots.extend(type_names(&field.ty));
                    }
                }
            }
        }
    }
    let mut reached = HashSet::new();
    let mut next: Vec<String> = roots.into_iter().collect();
    while let Some(name) = next.pop() {
        let Some(item) = defined.get(&name) else {
            continue;
        };
        if !reached.insert(name) {
            continue;
        }
        let mut held = Names::default();
        match item {
            syn::Item::Struct(s) => held.visit_fields(&s.fields),
            syn::Item::Enum(e) => e.variants.iter().for_each(|v| held.visit_fields(&v.fields)),
            syn::Item::Type(t) => held.visit_type(&t.ty),
            _ => {}
        }
        next.extend(held.0.into_iter().filter(|n| !reached.contains(n)));
    }
    defined
        .into_keys()
        .filter(|name| !reached.contains(name))
        .collect()
}

/// Every identifier a type's paths name (`Vec<types::Message>`: `Vec`,
/// `types`, `Message`); those that are not types of `types` are ignored.
fn type_names(ty: &syn::Type) -> HashSet<String> {
    let mut names = Names::default();
    names.visit_type(ty);
    names.0
}

#[derive(Default)]
struct Names(HashSet<String>);

impl<'ast> Visit<'ast> for Names {
    fn visit_path_segment(&mut self, segment: &'ast syn::PathSegment) {
        self.0.insert(segment.ident.to_string());
        syn::visit::visit_path_segment(self, segment);
    }
}

/// Finds a path `builder::X` for an `X` of `names`.
struct BuilderOf<'n> {
    names: &'n BTreeSet<String>,
    found: bool,
}

impl<'n> BuilderOf<'n> {
    fn new(names: &'n BTreeSet<String>) -> Self {
        Self {
            names,
            found: false,
        }
    }

    /// Whether the `impl` block names one.
    fn in_impl(names: &BTreeSet<String>, block: &syn::ItemImpl) -> bool {
        let mut finder = BuilderOf::new(names);
        finder.visit_item_impl(block);
        finder.found
    }

    /// Whether the method names one.
    fn in_fn(names: &BTreeSet<String>, f: &syn::ImplItemFn) -> bool {
        let mut finder = BuilderOf::new(names);
        finder.visit_impl_item_fn(f);
        finder.found
    }
}

impl<'ast> Visit<'ast> for BuilderOf<'_> {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        let mut pairs = path.segments.iter().zip(path.segments.iter().skip(1));
        self.found |=
            pairs.any(|(a, b)| a.ident == "builder" && self.names.contains(&b.ident.to_string()));
        syn::visit::visit_path(self, path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether the item `name` of `items` (a struct, or the `impl` whose
    /// text starts with `name`) carries the gate.
    fn gated(items: &[syn::Item], name: &str) -> bool {
        let gate = |attrs: &[syn::Attribute]| attrs.iter().any(is_gate);
        items.iter().any(|item| match item {
            syn::Item::Struct(s) if s.ident == name => gate(&s.attrs),
            syn::Item::Impl(i) if quote::quote!(#i).to_string().contains(name) => {
                gate(&i.attrs)
                    || i.items
                        .iter()
                        .any(|m| matches!(m, syn::ImplItem::Fn(f) if gate(&f.attrs)))
            }
            _ => false,
        })
    }

    fn is_gate(attr: &syn::Attribute) -> bool {
        quote::quote!(#attr).to_string() == quote::quote!(#[cfg(feature = "mock")]).to_string()
    }

    #[test]
    fn gates_the_builders_no_request_reaches_and_only_those() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct Request { pub part: Option<Vec<Part>>, pub choice: Choice }
                pub struct Part { pub text: String }
                pub enum Choice { Plain(String), Nested(Box<Deep>) }
                pub struct Deep { pub n: i64 }
                pub struct Answer { pub part: Part, pub usage: Usage }
                pub struct Usage { pub tokens: i64 }
                pub enum Event { Usage(Usage) }
                impl Answer { pub fn builder() -> builder::Answer { Default::default() } }
                impl Usage {
                    pub fn builder() -> builder::Usage { Default::default() }
                    pub fn total(&self) -> i64 { self.tokens }
                }
                impl Request { pub fn builder() -> builder::Request { Default::default() } }
                impl ::std::convert::TryFrom<builder::Usage> for Event {
                    type Error = String;
                    fn try_from(b: builder::Usage) -> Result<Self, String> { todo!() }
                }
                pub mod builder {
                    pub struct Request { part: Result<Option<Vec<super::Part>>, String> }
                    pub struct Part { text: Result<String, String> }
                    pub struct Answer { part: Result<super::Part, String> }
                    pub struct Usage { tokens: Result<i64, String> }
                    impl Default for Answer { fn default() -> Self { todo!() } }
                    impl ::std::convert::TryFrom<Answer> for super::Answer {
                        type Error = String;
                        fn try_from(b: Answer) -> Result<super::Answer, String> { todo!() }
                    }
                    impl Default for Request { fn default() -> Self { todo!() } }
                }
            }
            pub mod builder {
                pub struct SendRequest<'a> { client: &'a Client, body: Result<types::builder::Request, String> }
            }
        };
        assert_eq!(gate(&mut file, "mock"), 2);
        let types = super::super::module_items(&mut file, "types")
            .unwrap()
            .clone();
        let builders = match types.last() {
            Some(syn::Item::Mod(m)) => m.content.clone().unwrap().1,
            _ => panic!("no builder module"),
        };
        // Reached from the body, through a list, an option, a box and a variant.
        for name in ["Request", "Part"] {
            assert!(!gated(&builders, name), "{name}");
        }
        assert!(!gated(&types, "Request"));
        // Held by answers only: the builder, its impls, `builder()`, and the
        // conversion from its builder; the type's own method stays.
        assert!(gated(&builders, "Answer") && gated(&builders, "Usage"));
        assert!(gated(&types, "impl Answer"));
        assert!(gated(
            &types,
            ":: std :: convert :: TryFrom < builder :: Usage >"
        ));
        let usage = types
            .iter()
            .find_map(|item| match item {
                syn::Item::Impl(i) if quote::quote!(#i).to_string().contains("fn total") => Some(i),
                _ => None,
            })
            .unwrap();
        assert!(
            usage.attrs.is_empty(),
            "the block keeps `total` without the feature"
        );
        let gated_fns: Vec<String> = usage
            .items
            .iter()
            .filter_map(|m| match m {
                syn::ImplItem::Fn(f) if !f.attrs.is_empty() => Some(f.sig.ident.to_string()),
                _ => None,
            })
            .collect();
        assert_eq!(gated_fns, ["builder"]);
    }
}
