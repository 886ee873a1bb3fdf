//! Generates the client from `openapi.json` into `OUT_DIR/generated.rs`.
//!
//! The overlay beside the document (`openapi.overlay.json`: what upstream
//! gets wrong or leaves out) is applied first; its actions that match
//! nothing in this document are listed in `OUT_DIR/notes.txt`, not warned
//! about, since the vendored document may predate what they fix. The rest
//! is done by `nebius-tokenfactory-codegen`: its normalisation
//! passes turn the upstream OpenAPI 3.1 document into one progenitor can
//! read, progenitor writes the client and typed httpmock helpers, and the
//! codegen wires every operation to the runtime crate. What cannot be
//! generated as the document says is named in a cargo warning: operations
//! left out, schemas degraded, webhooks.

use nebius_tokenfactory_codegen::manifest;
use nebius_tokenfactory_codegen::normalize::{rust_method_name, visit};
use nebius_tokenfactory_codegen::overlay::{self, Overlay};
use nebius_tokenfactory_codegen::{generate, Options};
use std::{env, fs, path::PathBuf, process::ExitCode};

const SPEC: &str = "openapi.json";

/// This package's manifest, where the crates generated code names are listed.
const MANIFEST: &str = "Cargo.toml";

fn main() -> ExitCode {
    println!("cargo:rerun-if-changed={SPEC}");
    println!("cargo:rerun-if-changed={}", overlay::FILE_NAME);
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed={MANIFEST}");
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let text = fs::read_to_string(SPEC).map_err(|e| format!("cannot read {SPEC}: {e}"))?;
    let mut spec =
        serde_json::from_str(&text).map_err(|e| format!("{SPEC} is not valid JSON: {e}"))?;
    let mut notes = Vec::new();
    let fixes = Overlay::read(overlay::FILE_NAME.as_ref()).map_err(|e| e.to_string())?;
    if let Some(fixes) = fixes {
        let applied = fixes
            .apply(&mut spec)
            .map_err(|e| format!("{}: {e}", overlay::FILE_NAME))?;
        notes.extend(
            applied
                .stale()
                .map(|a| format!("overlay {} matches nothing in {SPEC}", a.label())),
        );
    }
    let options = Options {
        module: "generated".into(),
        runtime: "::nebius_tokenfactory_runtime".into(),
        mock_feature: Some("mock".into()),
    };
    let out = generate(&spec, &options)
        .map_err(|e| format!("cannot generate the client from {SPEC}: {e}"))?;
    for skipped in &out.diagnostics.skipped {
        println!("cargo:warning=operation left out of the client: {skipped}");
    }
    for degraded in &out.diagnostics.degraded {
        println!("cargo:warning=schema degraded: {degraded}");
    }
    for webhook in &out.diagnostics.webhooks {
        println!(
            "cargo:warning=webhook not generated (the API calls it; a client does not): {webhook}"
        );
    }
    let listed =
        fs::read_to_string(MANIFEST).map_err(|e| format!("cannot read {MANIFEST}: {e}"))?;
    if let Some(missing) = out.crates.iter().find(|c| !manifest::lists(&listed, c)) {
        return Err(format!(
            "the generated code uses the crate `{missing}`, which {MANIFEST} does not list under [dependencies]: \
             `cargo xtask regen` writes the crates a document needs (see the codegen's `manifest` module)"
        ));
    }
    // For the crates that depend on this one (see `links` in Cargo.toml):
    // the client's methods, one per operation.
    println!("cargo:operations={}", operations(&out.document).join(","));
    let dir = PathBuf::from(env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?);
    fs::write(dir.join("generated.rs"), &out.file)
        .map_err(|e| format!("cannot write generated.rs: {e}"))?;
    notes.extend(out.diagnostics.notes);
    fs::write(dir.join("notes.txt"), notes.join("\n"))
        .map_err(|e| format!("cannot write notes.txt: {e}"))
}

/// The client's method of every operation of the normalised document.
fn operations(document: &serde_json::Value) -> Vec<String> {
    visit::operations(document)
        .map(|(_, _, op)| rust_method_name(visit::operation_id(op)))
        .collect()
}
