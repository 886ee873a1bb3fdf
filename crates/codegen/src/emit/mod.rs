//! Code progenitor does not write, and edits to the code it does.
//!
//! Each emitter takes the normalised document (or progenitor's output) and
//! gives tokens; [`crate::generate`] puts them together.

pub mod endpoints;
pub mod open_enum;
mod repairs;

pub(crate) use repairs::{apply as repair, apply_to_mock as repair_mock};

use crate::Error;
use proc_macro2::TokenStream;

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

/// Makes the generated `Client::new` call `setup()` first.
pub(crate) fn setup_in_client_new(file: &mut syn::File, setup: &str) -> Result<(), Error> {
    let setup: syn::Path = syn::parse_str(setup)
        .map_err(|e| Error::Generation(format!("`{setup}` is not a Rust path: {e}")))?;
    let new = file
        .items
        .iter_mut()
        .filter_map(|item| match item {
            syn::Item::Impl(i) if i.trait_.is_none() && is_client(&i.self_ty) => Some(i),
            _ => None,
        })
        .flat_map(|i| i.items.iter_mut())
        .find_map(|item| match item {
            syn::ImplItem::Fn(f) if f.sig.ident == "new" => Some(f),
            _ => None,
        })
        .ok_or_else(|| Error::Generation("progenitor emitted no `Client::new`".into()))?;
    new.block.stmts.insert(0, syn::parse_quote!(#setup();));
    Ok(())
}

fn is_client(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.is_ident("Client"))
}

/// Formats a file the way rustfmt would, near enough.
pub(crate) fn format(file: &syn::File) -> String {
    prettyplease::unparse(file)
}
