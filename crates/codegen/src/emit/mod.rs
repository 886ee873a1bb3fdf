//! Code progenitor does not write, and edits to the code it does.
//!
//! Each emitter takes the normalised document (or progenitor's output) and
//! gives tokens; [`crate::generate`] puts them together.

pub(crate) mod decode;
pub(crate) mod deprecations;
pub mod endpoints;
pub mod exemplars;
pub(crate) mod mocks;
pub mod open_enum;
mod repairs;
pub(crate) mod response_only;
pub mod runtime;
pub(crate) mod secret_parameters;
pub(crate) mod setters;
pub(crate) mod shapes;
pub(crate) mod unions;

pub(crate) use repairs::{apply as repair, apply_to_mock as repair_mock};

use crate::{Error, Options};
use proc_macro2::TokenStream;

/// The lints generated code may break, each allowed on the generated module
/// for the reason given. The one list: every crate that includes generated
/// code gets it from the generated file.
pub const ALLOWED_LINTS: &[(&str, &str)] = &[
    (
        "clippy::all",
        "progenitor's and typify's output is not written to clippy's taste",
    ),
    (
        "missing_docs",
        "a schema or property without a description has no doc comment",
    ),
    (
        "unused_imports",
        "progenitor imports `types` in every builder module, used or not",
    ),
    (
        "deprecated",
        "generated code uses the items the document deprecates (serde's derives, the builders); users' code is warned",
    ),
    (
        "irrefutable_let_patterns",
        "typify's `FromStr` for a union tries each arm; an open enum's parse never fails",
    ),
    (
        "rustdoc::broken_intra_doc_links",
        "descriptions are prose: `Optional[str]` is not a link",
    ),
    (
        "rustdoc::invalid_html_tags",
        "descriptions are prose: `<id>` is not HTML",
    ),
    (
        "rustdoc::bare_urls",
        "descriptions name URLs without angle brackets",
    ),
];

/// `X` of a type written `…::Name<X>` (`Option<X>`, `Vec<X>`, `Box<X>`).
pub(crate) fn generic_of<'t>(ty: &'t syn::Type, name: &str) -> Option<&'t syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(t) if args.args.len() == 1 => Some(t),
        _ => None,
    }
}

/// The items of the module `name` at the top of `file` (`types`, `builder`).
pub(crate) fn module_items<'f>(
    file: &'f mut syn::File,
    name: &str,
) -> Option<&'f mut Vec<syn::Item>> {
    file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

/// The name of the type an `impl` block is for: `GetThing` of
/// `impl<'a> GetThing<'a>`.
pub(crate) fn self_type_name(block: &syn::ItemImpl) -> Option<String> {
    match &*block.self_ty {
        syn::Type::Path(ty) => ty.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// Parses generated tokens as a file, to edit them.
pub(crate) fn parse(tokens: TokenStream) -> Result<syn::File, Error> {
    syn::parse2(tokens).map_err(|e| Error::Generation(format!("unparsable output: {e}")))
}

/// Adds the open enums to the generated `types` module.
pub(crate) fn open_enums(file: &mut syn::File, enums: &[open_enum::OpenEnum]) -> Result<(), Error> {
    let types = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut(),
            _ => None,
        })
        .ok_or_else(|| Error::Generation("progenitor emitted no `types` module".into()))?;
    for e in enums {
        let items: syn::File = syn::parse2(e.emit())
            .map_err(|err| Error::Generation(format!("open enum {}: {err}", e.name)))?;
        types.1.extend(items.items);
    }
    Ok(())
}

/// The file to include: the client and its mock helpers in one module,
/// [`Options::module`], under [`ALLOWED_LINTS`]; see [`text`].
pub(crate) fn module(
    client: syn::File,
    mock: syn::File,
    options: &Options,
) -> Result<syn::File, Error> {
    let name = syn::parse_str::<syn::Ident>(&options.module).map_err(|e| {
        Error::Generation(format!("`{}` is not a module name: {e}", options.module))
    })?;
    let lints: Vec<syn::Path> = ALLOWED_LINTS
        .iter()
        .map(|(lint, _)| syn::parse_str(lint).expect("the lint names are paths"))
        .collect();
    let gate: Vec<syn::Attribute> = match &options.mock_feature {
        Some(feature) => vec![syn::parse_quote!(#[cfg(feature = #feature)])],
        None => Vec::new(),
    };
    // The items are moved into the modules as they are: quoting them and
    // parsing the result again would cost as much as generating them.
    let mut mock_module: syn::ItemMod = syn::parse_quote! {
        /// Typed [httpmock](https://docs.rs/httpmock) helpers: one method
        /// per operation on `httpmock::MockServer`, through
        /// `mock::MockServerExt`.
        #(#gate)*
        pub mod mock {}
    };
    mock_module.content = Some((Default::default(), mock.items));
    let mut items = client.items;
    items.push(syn::Item::Mod(mock_module));
    let mut module: syn::ItemMod = syn::parse_quote! {
        /// The client generated from the API's OpenAPI document, with its
        /// types, its builders, the `endpoints` table and mock helpers.
        #[allow(#(#lints),*)]
        pub mod #name {}
    };
    module.content = Some((Default::default(), items));
    let mut file: syn::File = syn::parse_quote!();
    file.items.push(syn::Item::Mod(module));
    Ok(file)
}

/// The text of the file [`module`] made, with its header.
pub(crate) fn text(file: &syn::File, api_version: &str) -> String {
    format!(
        "// @generated by nebius-tokenfactory-codegen from an OpenAPI document, info.version {api_version}.\n\
         // Do not edit: change the codegen passes instead.\n\n{}",
        format(file)
    )
}

/// Formats a file the way rustfmt would, near enough.
pub(crate) fn format(file: &syn::File) -> String {
    prettyplease::unparse(file)
}
