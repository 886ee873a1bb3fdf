//! The public Rust surface of a generated client, read from the code.
//!
//! What users' code can name: every type, field and variant of `types`,
//! the setters of the body builders (`types::builder`), every operation
//! method of `Client` with the builder it returns, every setter of those
//! builders with the type it takes, and every call (`send`,
//! `send_stream`, ...) with what it returns; the `endpoints` constants,
//! the conversions between types, and the inherent functions of types.
//! Mock helpers are left out: they are test code.
//!
//! Each entry has a key (`types::Dataset.id`) and a signature (its Rust
//! type, written in full); [`Surface::render`] lists them one per line, for
//! a snapshot, and `cargo xtask diff` compares two surfaces entry by entry.
//! The surface is read from the generated code, so what it says about a
//! change is what the compiler would say, not a restatement of the
//! generator's rules.
//!
//! ```
//! use nebius_tokenfactory_codegen::surface::{extract, Kind};
//!
//! let surface = extract(r#"
//!     pub mod generated {
//!         pub mod types {
//!             pub struct Dataset { pub id: ::std::string::String, pub rows: ::std::vec::Vec<Row> }
//!             pub enum Status { Ready, Failed(::std::string::String) }
//!         }
//!     }
//! "#).unwrap();
//! assert_eq!(surface.get("types::Dataset.rows").unwrap().signature, "::std::vec::Vec<Row>");
//! assert_eq!(surface.get("types::Status::Failed").unwrap().kind, Kind::Variant);
//! ```

use crate::Error;
use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::ToTokens;
use std::collections::BTreeMap;
use std::fmt::Write;

/// What an entry of the surface is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A type: a struct, an enum, or an alias (its signature says which).
    Type,
    /// A public field of a struct: its type.
    Field,
    /// A variant of an enum: its payload, if any.
    Variant,
    /// A function of a type or of `Client`, or a call of a builder: its
    /// signature.
    Method,
    /// A setter of a builder (`dataset_id`, `body`): the type it takes.
    Setter,
    /// A constant: its type.
    Const,
    /// A conversion between two types (`impl From<A> for B`).
    Conversion,
}

impl Kind {
    /// The kind's name, as the rendered surface writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Type => "type",
            Kind::Field => "field",
            Kind::Variant => "variant",
            Kind::Method => "fn",
            Kind::Setter => "setter",
            Kind::Const => "const",
            Kind::Conversion => "impl",
        }
    }
}

/// One thing users' code can name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// What it is.
    pub kind: Kind,
    /// Its Rust type or signature, as generated.
    pub signature: String,
    /// The operation it belongs to, for builders and client methods.
    pub operation_id: Option<String>,
}

/// The public surface of a generated client, by key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Surface {
    entries: BTreeMap<String, Entry>,
}

impl Surface {
    /// The entry of `key`.
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.get(key)
    }

    /// Every entry, by key.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &Entry)> {
        self.entries.iter().map(|(k, e)| (k.as_str(), e))
    }

    /// How many entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The client method of each operation, by operation id.
    pub fn methods(&self) -> BTreeMap<&str, &str> {
        self.entries
            .iter()
            .filter(|(k, _)| k.starts_with("Client::"))
            .filter_map(|(k, e)| Some((e.operation_id.as_deref()?, &k["Client::".len()..])))
            .collect()
    }

    /// One line per entry: `kind key: signature`, sorted by key.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for (key, entry) in &self.entries {
            if entry.signature.is_empty() {
                let _ = writeln!(out, "{} {key}", entry.kind.as_str());
            } else {
                let _ = writeln!(out, "{} {key}: {}", entry.kind.as_str(), entry.signature);
            }
        }
        out
    }

    fn add(&mut self, key: String, kind: Kind, signature: String, operation_id: Option<String>) {
        self.entries.insert(
            key,
            Entry {
                kind,
                signature,
                operation_id,
            },
        );
    }
}

/// The surface of a generated file (as [`crate::generate`] writes it).
pub fn extract(file: &str) -> Result<Surface, Error> {
    let file: syn::File = syn::parse_str(file)
        .map_err(|e| Error::Generation(format!("the generated file does not parse: {e}")))?;
    of_file(&file)
}

/// The surface of a generated file, parsed.
pub(crate) fn of_file(file: &syn::File) -> Result<Surface, Error> {
    // The file is one module holding the client.
    let items = file
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) => m.content.as_ref().map(|(_, items)| items),
            _ => None,
        })
        .ok_or_else(|| Error::Generation("the generated file holds no module".into()))?;
    let mut surface = Surface::default();
    let mut reader = Reader {
        surface: &mut surface,
        builders: BTreeMap::new(),
    };
    reader.items("", items);
    reader.link_operations();
    Ok(surface)
}

struct Reader<'a> {
    surface: &'a mut Surface,
    /// Operation id of each operation builder (`builder::X`), from its
    /// `send_once`.
    builders: BTreeMap<String, String>,
}

impl Reader<'_> {
    fn items(&mut self, module: &str, items: &[syn::Item]) {
        for item in items {
            match item {
                syn::Item::Mod(m) if is_pub(&m.vis) && m.ident != "mock" => {
                    if let Some((_, inner)) = &m.content {
                        let path = join(module, &m.ident.to_string());
                        self.items(&path, inner);
                    }
                }
                syn::Item::Struct(s) if is_pub(&s.vis) => self.strukt(module, s),
                syn::Item::Enum(e) if is_pub(&e.vis) => self.enumeration(module, e),
                syn::Item::Type(t) if is_pub(&t.vis) => {
                    let key = join(module, &t.ident.to_string());
                    self.surface
                        .add(key, Kind::Type, format!("type = {}", text(&t.ty)), None);
                }
                syn::Item::Const(c) if is_pub(&c.vis) => {
                    let key = join(module, &c.ident.to_string());
                    let operation_id = endpoint_operation_id(&c.expr);
                    self.surface
                        .add(key, Kind::Const, text(&c.ty), operation_id);
                }
                syn::Item::Impl(i) => self.implementation(module, i),
                _ => {}
            }
        }
    }

    fn strukt(&mut self, module: &str, s: &syn::ItemStruct) {
        let name = join(module, &s.ident.to_string());
        let shape = match &s.fields {
            syn::Fields::Named(_) => "struct".to_string(),
            syn::Fields::Unnamed(fields) => format!(
                "struct({})",
                fields
                    .unnamed
                    .iter()
                    .map(|f| {
                        if is_pub(&f.vis) {
                            text(&f.ty)
                        } else {
                            "_".into()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            syn::Fields::Unit => "struct;".to_string(),
        };
        self.surface
            .add(name.clone(), Kind::Type, generics(&s.generics, shape), None);
        if let syn::Fields::Named(fields) = &s.fields {
            for field in fields.named.iter().filter(|f| is_pub(&f.vis)) {
                let Some(ident) = &field.ident else { continue };
                self.surface.add(
                    format!("{name}.{}", unraw(ident)),
                    Kind::Field,
                    text(&field.ty),
                    None,
                );
            }
        }
    }

    fn enumeration(&mut self, module: &str, e: &syn::ItemEnum) {
        let name = join(module, &e.ident.to_string());
        self.surface.add(
            name.clone(),
            Kind::Type,
            generics(&e.generics, "enum".into()),
            None,
        );
        for variant in &e.variants {
            let payload = match &variant.fields {
                syn::Fields::Unit => String::new(),
                fields => text(fields),
            };
            self.surface.add(
                format!("{name}::{}", variant.ident),
                Kind::Variant,
                payload,
                None,
            );
        }
    }

    fn implementation(&mut self, module: &str, block: &syn::ItemImpl) {
        let Some(name) = type_name(&block.self_ty) else {
            return;
        };
        let owner = if module.is_empty() || name == "Client" {
            name.clone()
        } else {
            join(module, &name)
        };
        if let Some((trait_path, _)) = &block.trait_ {
            // Conversions are what users' `.into()` and `?` rely on.
            let last = trait_path.segments.last().map(|s| s.ident.to_string());
            if matches!(last.as_deref(), Some("From" | "TryFrom")) {
                let key = format!("{owner}: {}", text(trait_path));
                self.surface.add(key, Kind::Conversion, String::new(), None);
            }
            return;
        }
        let builder = module.ends_with("builder") && !module.ends_with("types::builder");
        for item in &block.items {
            let syn::ImplItem::Fn(f) = item else {
                continue;
            };
            if f.sig.ident == "send_once" {
                if let Some(id) = crate::emit::runtime::operation_id(&f.block) {
                    self.builders.insert(owner.clone(), id);
                }
            }
            if !is_pub(&f.vis) {
                continue;
            }
            let key = format!("{owner}::{}", unraw(&f.sig.ident));
            match setter_target(&f.sig).map(|t| text(&t)) {
                // `fn name<V>(self, value: V) where V: TryInto<T>`: takes a `T`.
                Some(target) if builder || module.ends_with("types::builder") => {
                    self.surface.add(key, Kind::Setter, target, None);
                }
                _ => {
                    self.surface.add(key, Kind::Method, signature(&f.sig), None);
                }
            }
        }
    }

    /// Gives each client method and builder entry its operation id.
    fn link_operations(&mut self) {
        let mut by_builder: BTreeMap<String, String> = BTreeMap::new();
        for (builder, id) in &self.builders {
            by_builder.insert(
                builder.rsplit("::").next().unwrap_or(builder).to_string(),
                id.clone(),
            );
        }
        for (key, entry) in self.surface.entries.iter_mut() {
            if let Some(rest) = key.strip_prefix("builder::") {
                let builder = rest.split("::").next().unwrap_or(rest);
                entry.operation_id = by_builder.get(builder).cloned();
            } else if key.starts_with("Client::") {
                // `fn name(&self) -> builder::X<'_>`.
                if let Some(builder) = entry
                    .signature
                    .rsplit("builder::")
                    .next()
                    .filter(|_| entry.signature.contains("builder::"))
                {
                    let builder = builder.split(['<', ' ']).next().unwrap_or(builder);
                    entry.operation_id = by_builder.get(builder).cloned();
                }
            }
        }
    }
}

/// The operation an `endpoints` constant describes: the string of its
/// `operation_id` field.
fn endpoint_operation_id(expr: &syn::Expr) -> Option<String> {
    let syn::Expr::Struct(init) = expr else {
        return None;
    };
    init.fields
        .iter()
        .find_map(|field| match (&field.member, &field.expr) {
            (
                syn::Member::Named(name),
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(id),
                    ..
                }),
            ) if name == "operation_id" => Some(id.value()),
            _ => None,
        })
}

fn is_pub(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

fn join(module: &str, name: &str) -> String {
    if module.is_empty() {
        name.to_string()
    } else {
        format!("{module}::{name}")
    }
}

fn unraw(ident: &syn::Ident) -> String {
    let name = ident.to_string();
    name.strip_prefix("r#").map(String::from).unwrap_or(name)
}

fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

fn generics(generics: &syn::Generics, shape: String) -> String {
    if generics.params.is_empty() {
        shape
    } else {
        format!("{shape} {}", text(generics))
    }
}

/// The `T` of a setter `fn name<V>(self, value: V) where V: TryInto<T>`,
/// as progenitor and typify write their builders' setters; `Vec<X>` for a
/// list's setter (`V: IntoIterator, V::Item: TryInto<X>`, see
/// [`crate::emit::setters`]).
pub(crate) fn setter_target(sig: &syn::Signature) -> Option<syn::Type> {
    let clause = sig.generics.where_clause.as_ref()?;
    let target = first_try_into(clause)?;
    let list = clause.predicates.iter().any(|p| {
        let syn::WherePredicate::Type(p) = p else {
            return false;
        };
        p.bounds.iter().any(|b| {
            matches!(b, syn::TypeParamBound::Trait(t)
                if t.path.segments.last().is_some_and(|s| s.ident == "IntoIterator"))
        })
    });
    Some(if list {
        syn::parse_quote!(::std::vec::Vec<#target>)
    } else {
        target
    })
}

fn first_try_into(clause: &syn::WhereClause) -> Option<syn::Type> {
    clause.predicates.iter().find_map(|p| {
        let syn::WherePredicate::Type(p) = p else {
            return None;
        };
        p.bounds.iter().find_map(|b| {
            let syn::TypeParamBound::Trait(t) = b else {
                return None;
            };
            let last = t.path.segments.last()?;
            if last.ident != "TryInto" {
                return None;
            }
            match &last.arguments {
                syn::PathArguments::AngleBracketed(a) => a.args.iter().find_map(|g| match g {
                    syn::GenericArgument::Type(t) => Some(t.clone()),
                    _ => None,
                }),
                _ => None,
            }
        })
    })
}

/// A function's signature without its name, body or attributes:
/// `fn(self, value: T) -> R`, with its generics and bounds.
fn signature(sig: &syn::Signature) -> String {
    let mut sig = sig.clone();
    sig.ident = syn::Ident::new("f", sig.ident.span());
    text(&sig).replacen("fn f", "fn", 1)
}

/// Tokens as compact Rust: `::std::vec::Vec<Row>`, not `:: std :: vec ...`.
pub fn text(node: &impl ToTokens) -> String {
    let mut out = String::new();
    write_tokens(node.to_token_stream(), &mut out);
    // Trailing commas, which the generators write in lists.
    out.trim()
        .replace(", >", ">")
        .replace(", )", ")")
        .replace(", ]", "]")
        .replace(",  }", " }")
}

fn write_tokens(tokens: TokenStream, out: &mut String) {
    for token in tokens {
        match token {
            TokenTree::Group(group) => {
                let (open, close) = match group.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Brace => ("{ ", " }"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::None => ("", ""),
                };
                // `f(x)` and `Vec[..]` no, but `struct { .. }`, `mut [u8]`.
                let after_keyword = ["mut", "dyn", "impl", "const", "as", "for", "where"]
                    .iter()
                    .any(|k| {
                        out.ends_with(k)
                            && !out[..out.len() - k.len()]
                                .ends_with(|c: char| c.is_alphanumeric() || c == '_')
                    });
                if group.delimiter() == Delimiter::Brace || after_keyword {
                    space_before_word(out);
                }
                out.push_str(open);
                write_tokens(group.stream(), out);
                out.push_str(close);
            }
            TokenTree::Ident(ident) => {
                space_before_word(out);
                out.push_str(&ident.to_string());
            }
            TokenTree::Literal(literal) => {
                space_before_word(out);
                out.push_str(&literal.to_string());
            }
            TokenTree::Punct(punct) => {
                let c = punct.as_char();
                match c {
                    ',' | ';' => {
                        out.push(c);
                        out.push(' ');
                    }
                    '\'' => {
                        space_before_word(out);
                        out.push(c);
                    }
                    ':' if punct.spacing() == proc_macro2::Spacing::Alone
                        && !out.ends_with(':') =>
                    {
                        out.push_str(": ");
                    }
                    '=' | '-' if punct.spacing() == proc_macro2::Spacing::Alone => {
                        // `->` and `=`.
                        if c == '=' && !out.ends_with('-') {
                            out.push_str(" = ");
                        } else {
                            out.push(c);
                        }
                    }
                    '>' if out.ends_with('-') => {
                        out.pop();
                        out.push_str(" -> ");
                    }
                    '+' => out.push_str(" + "),
                    _ => out.push(c),
                }
            }
        }
    }
}

/// A word after a word (or a closing `>`) needs a space: `mut self`,
/// `impl Trait`, `&'a str`.
fn space_before_word(out: &mut String) {
    if out
        .chars()
        .last()
        .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '>' && !out.ends_with("->"))
    {
        out.push(' ');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_written_in_full_and_compactly() {
        let ty: syn::Type = syn::parse_quote!(::std::option::Option<::std::vec::Vec<super::Row>>);
        assert_eq!(
            text(&ty),
            "::std::option::Option<::std::vec::Vec<super::Row>>"
        );
        let ty: syn::Type = syn::parse_quote!(&'a mut [u8]);
        assert_eq!(text(&ty), "&'a mut [u8]");
        let sig: syn::Signature = syn::parse_quote!(
            fn send(self) -> ::std::result::Result<types::Dataset, ::rt::Error>
        );
        assert_eq!(
            signature(&sig),
            "fn(self) -> ::std::result::Result<types::Dataset, ::rt::Error>"
        );
    }

    #[test]
    fn builders_and_client_methods_carry_their_operation() {
        let surface = extract(
            r#"
            pub mod generated {
                pub struct Client { pub(crate) baseurl: String }
                impl Client {
                    pub fn get_thing(&self) -> builder::GetThing<'_> { builder::GetThing::new(self) }
                }
                pub mod builder {
                    pub struct GetThing<'a> { client: &'a super::Client }
                    impl<'a> GetThing<'a> {
                        pub fn id<V>(mut self, value: V) -> Self where V: std::convert::TryInto<::uuid::Uuid> { self }
                        async fn send_once(client: &'a super::Client) -> Result<(), ()> {
                            let info = OperationInfo { operation_id: "get_thing" };
                            todo!()
                        }
                        pub async fn send(self) -> Result<types::Thing, Error> { todo!() }
                    }
                }
                pub mod mock { pub struct Hidden; }
                pub mod endpoints {
                    pub const GET_THING: Endpoint = Endpoint { operation_id: "get_thing", method: "GET" };
                }
            }
        "#,
        )
        .unwrap();
        let endpoint = surface.get("endpoints::GET_THING").unwrap();
        assert_eq!(
            (endpoint.kind, endpoint.operation_id.as_deref()),
            (Kind::Const, Some("get_thing"))
        );
        let setter = surface.get("builder::GetThing::id").unwrap();
        assert_eq!(
            (setter.kind, setter.signature.as_str()),
            (Kind::Setter, "::uuid::Uuid")
        );
        assert_eq!(setter.operation_id.as_deref(), Some("get_thing"));
        let method = surface.get("Client::get_thing").unwrap();
        assert_eq!(method.operation_id.as_deref(), Some("get_thing"));
        assert_eq!(surface.methods().get("get_thing"), Some(&"get_thing"));
        assert_eq!(
            surface.get("builder::GetThing::send").unwrap().signature,
            "async fn(self) -> Result<types::Thing, Error>"
        );
        assert!(surface.get("mock::Hidden").is_none());
        assert!(surface
            .render()
            .contains("setter builder::GetThing::id: ::uuid::Uuid\n"));
    }
}
