//! Tells this crate's code which operations the generated client has.
//!
//! The client is generated from the vendored OpenAPI document, which holds
//! one operation until a regen brings the API's whole document. Examples
//! and doc tests of an operation compile only where the client has it:
//! `#[cfg(api_operation = "create_chat_completion")]`. The generated
//! crate's build script lists its methods (`links` metadata, read here from
//! `DEP_NEBIUS_TOKENFACTORY_API_OPERATIONS`); each becomes a value of the
//! `api_operation` cfg.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(api_operation, values(any()))");
    println!("cargo:rerun-if-env-changed=DEP_NEBIUS_TOKENFACTORY_API_OPERATIONS");
    let operations = std::env::var("DEP_NEBIUS_TOKENFACTORY_API_OPERATIONS").unwrap_or_default();
    for operation in operations.split(',').filter(|o| !o.is_empty()) {
        println!("cargo:rustc-cfg=api_operation=\"{operation}\"");
    }
}
