//! Generates the client from `openapi.json` into `OUT_DIR`.
//!
//! The work is done by `nebius-tokenfactory-codegen`: its normalisation
//! passes turn the upstream OpenAPI 3.1 document into one progenitor can
//! read, then progenitor writes the client (`client.rs`) and typed httpmock
//! helpers (`mock.rs`). Operations that cannot be generated are left out,
//! each with a cargo warning naming it and the reason.

use nebius_tokenfactory_codegen::{generate, Options};
use std::{env, fs, path::PathBuf, process::ExitCode};

const SPEC: &str = "openapi.json";

fn main() -> ExitCode {
    println!("cargo:rerun-if-changed={SPEC}");
    println!("cargo:rerun-if-changed=build.rs");
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
    let spec = serde_json::from_str(&text).map_err(|e| format!("{SPEC} is not valid JSON: {e}"))?;
    let options = Options {
        module_path: "crate::generated".into(),
        secret_type: "crate::Secret".into(),
        before_client_new: Some("crate::ensure_crypto_provider".into()),
        inner_type: None,
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
    // The crates this package depends on for generated code (Cargo.toml).
    const PROVIDED: [&str; 3] = ["chrono", "regress", "uuid"];
    if let Some(missing) = out.crates.iter().find(|c| !PROVIDED.contains(c)) {
        return Err(format!(
            "the generated code uses the crate `{missing}`, which this package does not depend on; add it to Cargo.toml"
        ));
    }
    let dir = PathBuf::from(env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?);
    let notes = out.diagnostics.notes.join("\n");
    for (name, contents) in [
        ("client.rs", &out.client),
        ("mock.rs", &out.mock),
        ("notes.txt", &notes),
    ] {
        fs::write(dir.join(name), contents).map_err(|e| format!("cannot write {name}: {e}"))?;
    }
    Ok(())
}
